"""Bilingual to the last cell: no table of a zh report is headed by a column id, no en report carries a
Chinese label or sentence, and every p value in every output follows the one format."""

from __future__ import annotations

import math
import re
import warnings

import pytest

import servqual as sq
from servqual.reporting.study.api import build_study

STUDIES = ["mobi", "kiosk", "bfi", "holzinger", "corp_rep", "sfo", "kiosk_kano"]
CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff1a\uff1b\u3001\u3002]")
COLUMN_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^[a-z]+[0-9]+$|^MR[0-9]+$")


@pytest.fixture(scope="module", params=STUDIES)
def study(request):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_study(sq.read_dataset(request.param), lang="zh", figures=False)


def _headers(table, lang):
    labels = table.column_labels or {}
    cols = list(table.frame.columns) + [c for c in table.frame.index.names if c]
    return {str(c): (labels[c].get(lang) if c in labels else str(c)) for c in cols}


def test_no_table_is_headed_by_a_column_id(study):
    for sec in study.report.sections:
        for t in sec.tables:
            for col, head in _headers(t, "zh").items():
                assert not COLUMN_ID.match(head), (sec.key, t.key, col)
                assert not (head == col and col.isascii() and col.islower() and len(col) > 2), (sec.key, t.key, col)


def test_the_english_report_has_no_chinese_label_or_sentence(study):
    for sec in study.report.sections:
        assert not CJK.search(sec.title.en), sec.key
        for p in sec.paragraphs:
            assert not CJK.search(p.en), (sec.key, p.en)
        for t in sec.tables:
            assert not CJK.search(t.title.en), (sec.key, t.key)
            for col, head in _headers(t, "en").items():
                assert not CJK.search(head), (sec.key, t.key, col)
        if sec.skipped is not None:
            assert not CJK.search(sec.skipped.en), sec.key


EN_P = re.compile(r"\bp\s*(<|=|>)\s*(\S+?)(?=[,;:)）。\s]|$)")
ZH_P = re.compile(r"(?<![A-Za-z])p\s*(<|=|>)\s*([0-9.]+)")


def _p_texts(study):
    for sec in study.report.sections:
        for p in sec.paragraphs:
            yield sec.key, p.zh, p.en


def test_every_p_value_in_a_sentence_follows_the_one_format(study):
    for key, zh, en in _p_texts(study):
        for op, v in EN_P.findall(en):
            if v.startswith("."):  # APA: 3 decimals without the leading zero; .05 is the conventional level
                assert re.fullmatch(r"\.\d{3}\.?", v) or (op == "<" and v.rstrip(".") == ".05"), (key, v, en)
            else:
                assert not re.match(r"0\.\d", v), (key, v, en)
        for op, v in ZH_P.findall(zh):
            v = v.rstrip(".")
            assert re.fullmatch(r"[01]\.\d{3}", v) or (op == "<" and v == "0.05"), (key, v, zh)  # zh: 0.023, <0.001


def test_every_p_value_in_a_table_follows_the_one_format(study):
    from servqual.reporting.report.cells import display_value, prepare_table

    seen = 0
    for sec in study.report.sections:
        for t in sec.tables:
            for lang, pattern in (("en", r"< \.001|\.\d{3}|1\.000"), ("zh", r"<0\.001|0\.\d{3}|1\.000")):
                prep = prepare_table(t, pii=[], lang=lang)
                for j, kind in enumerate(prep.kinds):
                    if kind != "p":
                        continue
                    for row in prep.rows:
                        if row[j] is None or not math.isfinite(row[j]):
                            continue
                        shown = display_value(row[j], "p", prep.decimals[j], lang)
                        assert re.fullmatch(pattern, shown), (sec.key, t.key, prep.headers[j], shown)
                        seen += 1
    if study.results["sections"][0]["key"] == "sample" and study.measurement is not None:
        assert seen > 0  # the item analysis always has the p of the critical ratios
