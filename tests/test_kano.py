"""Kano classification: the published evaluation table cell by cell, and the kiosk answers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from servqual.survey.datasets import dataset_path
from servqual.exceptions import AnalysisError
from servqual.survey.instrument import Instrument, load_instrument
from servqual import labels
from servqual.service.kano import KANO_CATEGORIES, KANO_TABLE, KanoResult, kano, kano_category

ANS = ["like", "must_be", "neutral", "live_with", "dislike"]

# Kano evaluation table as published (Kano et al. 1984; Berger et al. 1993, Table 1), written out
# cell by cell: (functional answer, dysfunctional answer) -> category
PUBLISHED = {
    ("like", "like"): "Q", ("like", "must_be"): "A", ("like", "neutral"): "A", ("like", "live_with"): "A", ("like", "dislike"): "O",
    ("must_be", "like"): "R", ("must_be", "must_be"): "I", ("must_be", "neutral"): "I", ("must_be", "live_with"): "I", ("must_be", "dislike"): "M",
    ("neutral", "like"): "R", ("neutral", "must_be"): "I", ("neutral", "neutral"): "I", ("neutral", "live_with"): "I", ("neutral", "dislike"): "M",
    ("live_with", "like"): "R", ("live_with", "must_be"): "I", ("live_with", "neutral"): "I", ("live_with", "live_with"): "I", ("live_with", "dislike"): "M",
    ("dislike", "like"): "R", ("dislike", "must_be"): "R", ("dislike", "neutral"): "R", ("dislike", "live_with"): "R", ("dislike", "dislike"): "Q",
}


@pytest.fixture(scope="module")
def inst():
    return load_instrument("kiosk_kano")


@pytest.fixture(scope="module")
def data():
    d = pd.read_csv(dataset_path("kiosk_kano"))
    return d[d["in_authors_analysis_sample"] == 1].reset_index(drop=True)


@pytest.mark.parametrize("cell", sorted(PUBLISHED))
def test_evaluation_table_cell_matches_published_table(cell):
    assert kano_category(*cell) == PUBLISHED[cell]
    assert KANO_TABLE.loc[cell[0], cell[1]] == PUBLISHED[cell]


def test_evaluation_table_shape_and_unknown_answer():
    assert KANO_TABLE.shape == (5, 5) and list(KANO_TABLE.index) == ANS and list(KANO_TABLE.columns) == ANS
    with pytest.raises(AnalysisError, match="unknown Kano answer pair"):
        kano_category("love", "dislike")


def test_kiosk_kano_instrument_loads_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inst = load_instrument("kiosk_kano")
    assert len(inst.kano_features) == 29
    assert dict(inst.kano_answers) == {"like": "like", "must_be": "must-be", "neutral": "neutral",
                                       "live_with": "live-with", "dislike": "dislike"}
    cols = pd.read_csv(dataset_path("kiosk_kano"), nrows=1).columns
    assert set(inst.column_specs()["column"]) == set(cols)
    for f in inst.kano_features:
        assert f.text.zh and f.text.en
        assert f.functional == f"kano{f.id[1:]}_functional" and f.dysfunctional == f"kano{f.id[1:]}_dysfunctional"


def test_kiosk_categories_match_an_independent_crosstab(data, inst):
    res = kano(data, inst)
    assert isinstance(res, KanoResult)
    t = res.table.set_index("feature")
    code = {"like": "like", "must-be": "must_be", "neutral": "neutral", "live-with": "live_with", "dislike": "dislike"}
    for f in inst.kano_features:
        ct = pd.crosstab(data[f.functional].map(code), data[f.dysfunctional].map(code))
        counts = dict.fromkeys("AOMIRQ", 0)
        for fa in ct.index:
            for da in ct.columns:
                counts[PUBLISHED[(fa, da)]] += int(ct.loc[fa, da])
        row = t.loc[f.id]
        assert {c: row[c] for c in "AOMIRQ"} == counts, f.id
        n = sum(counts.values())
        assert row["n"] == n == 194
        base = counts["A"] + counts["O"] + counts["M"] + counts["I"]
        assert_allclose([row["better"], row["worse"]],
                        [(counts["A"] + counts["O"]) / base, -(counts["O"] + counts["M"]) / base], atol=1e-12)
        assert_allclose([row[f"share_{c}"] for c in "AOMIRQ"], [counts[c] / n for c in "AOMIRQ"], atol=1e-12)
        top = max(counts.values())
        assert set(row["category"].split("/")) == {c for c in "AOMIRQ" if counts[c] == top}


def test_kiosk_kano_findings(data, inst):
    t = kano(data, inst).table.set_index("feature")
    # accuracy and data protection are must-be; gloves, refunds and low prices attractive; looks indifferent
    assert t.loc[["k01", "k02", "k21", "k22", "k23"], "category"].eq("M").all()
    assert t.loc[["k10", "k20", "k27"], "category"].eq("A").all()
    assert t.loc[["k04", "k24"], "category"].eq("I").all()
    assert t.loc["k27", "better"] == t["better"].max()
    assert t.loc["k23", "worse"] == t["worse"].min()
    assert t.loc["k01", "category_label"] == "必备质量"


def test_fong_significance_and_ties_hand_case():
    inst = Instrument.from_dict({
        "id": "k", "scale": {"min": 1, "max": 5},
        "kano": {"answers": {"like": 1, "must_be": 2, "neutral": 3, "live_with": 4, "dislike": 5},
                 "features": [{"id": "f1", "functional": "f1a", "dysfunctional": "f1b"},
                              {"id": "f2", "functional": "f2a", "dysfunctional": "f2b"}]},
    })
    # f1: 6 x (like, dislike) = O, 4 x (neutral, dislike) = M -> O vs M, 6 - 4 = 2 < 1.65 sqrt(10 * 10 / 20) = 3.69
    # f2: 5 A (like, neutral), 5 M (must_be, dislike) -> tie A/M, Berger's rule picks M
    df = pd.DataFrame({
        "f1a": [1] * 6 + [3] * 4, "f1b": [5] * 10,
        "f2a": [1] * 5 + [2] * 5, "f2b": [3] * 5 + [5] * 5,
    })
    t = kano(df, inst).table.set_index("feature")
    assert t.loc["f1", "category"] == "O" and not t.loc["f1", "significant"]
    assert t.loc["f2", "category"] == "M/A" and t.loc["f2", "category_berger"] == "M"
    assert_allclose([t.loc["f1", "better"], t.loc["f1", "worse"]], [0.6, -1.0], atol=1e-12)
    # one-sided answers are not counted
    df.loc[0, "f1b"] = np.nan
    assert kano(df, inst).table.set_index("feature").loc["f1", "n"] == 9


def test_kano_bad_input(data, inst):
    bad = data.copy()
    bad.loc[3, "kano07_functional"] = "love it"
    with pytest.raises(AnalysisError, match=r"k07.*kano07_functional.*'love it'"):
        kano(bad, inst)
    with pytest.raises(AnalysisError, match="kano12_dysfunctional"):
        kano(data.drop(columns=["kano12_dysfunctional"]), inst)
    with pytest.raises(AnalysisError, match="no Kano features"):
        kano(data, load_instrument("kiosk"))
    with pytest.raises(AnalysisError, match="unknown Kano feature"):
        kano(data, inst, features=["k99"])
    assert kano(data, inst, features=["k03"]).table["feature"].tolist() == ["k03"]


def test_kano_table_carries_codes_and_both_languages_without_lang(data, inst):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        t = kano(data, inst).table.set_index("feature")
    feat = {f.id: f for f in inst.kano_features}
    assert t.loc["k01", "category"] == "M"
    assert (t.loc["k01", "category_zh"], t.loc["k01", "category_en"]) == ("必备质量", "Must-be")
    assert t.loc["k01", "text_zh"] == feat["k01"].text.zh and t.loc["k01", "text_en"] == feat["k01"].text.en
    # the columns of earlier versions: Chinese unless the deprecated lang says otherwise
    assert t.loc["k01", "category_label"] == "必备质量" and t.loc["k01", "text"] == feat["k01"].text.zh


def test_kano_lang_keyword_is_deprecated_but_still_works(data, inst):
    with pytest.warns(FutureWarning, match=r"kano\(lang=\) is deprecated"):
        t = kano(data, inst, lang="en").table.set_index("feature")
    assert t.loc["k01", "category_label"] == "Must-be"
    assert t.loc["k01", "text"] == inst.kano_features[0].text.en
    default = kano(data, inst).table
    assert_allclose(t[["better", "worse"]].to_numpy(float), default.set_index("feature")[["better", "worse"]].to_numpy(float))
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="lang must be"):
        kano(data, inst, lang="fr")


def test_kano_names_come_from_the_labels_and_notes_speak_both_languages(data, inst):
    assert KANO_CATEGORIES == {c: (t.zh, t.en) for c, t in labels.KANO_CATEGORIES.items()}
    res = kano(data, inst)
    en, zh = res.notes(), res.notes("zh")
    assert len(en) == len(zh)
    assert any(n.startswith("Must-be (必备质量): k01") for n in en)
    assert any(n.startswith("必备质量（Must-be）：k01") for n in zh)
    assert "必备质量" in res.summary(lang="zh") and "Must-be" in res.summary(lang="en")
