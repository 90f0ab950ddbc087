"""The report package: its public names, the packaged style sheet, the shared texts and cells, the writers."""

from __future__ import annotations

import datetime as dt
import importlib
from importlib.resources import files

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import servqual  # noqa: E402
from servqual._text import Text  # noqa: E402
from servqual.exceptions import ReportError  # noqa: E402
from servqual.reporting import report  # noqa: E402
from servqual.reporting.report import Report, as_text, check_formats  # noqa: E402
from servqual.reporting.report.cells import display_value, prepare_table  # noqa: E402
from servqual.reporting.report.html_writer import render_html, stylesheet  # noqa: E402
from servqual.reporting.report.texts import caption, skipped_note  # noqa: E402

docx = pytest.importorskip("docx")


def test_public_names_from_the_package_path():
    for name in ("Report", "Section", "Table", "Figure", "ReportError", "neutralise_cell", "FORMATS"):
        assert hasattr(report, name) and name in report.__all__
    assert report.ReportError is ReportError
    assert servqual.Report is Report
    assert importlib.import_module("servqual").report is report  # the former flat module name, as an attribute


def test_stylesheet_is_a_package_file_and_inlined():
    css = files("servqual.reporting.report").joinpath("report.css").read_text(encoding="utf-8")
    assert css == stylesheet() and "table.three-line" in css
    page = Report("t", meta={"date": "2024-05-01"}).to_html(lang="en")
    assert f"<style>\n{css}</style>" in page


def test_texts_captions_and_skipped_notes():
    assert caption("table", 1, Text("标题", "Title"), "zh") == "表 1　标题"
    assert caption("figure", 2, Text(), "zh") == "图 2"
    assert caption("figure", 2, Text(), "en") == "Figure 2"
    assert skipped_note(Text("无。", "none."), "zh") == "本节未列出，原因：无。"
    assert skipped_note(Text("无", "none"), "en") == "Left out because none."


def test_as_text_and_check_formats():
    assert as_text(None) == Text() and as_text(["中", None]) == Text("中", None)
    with pytest.raises(ReportError, match="expected a str"):
        as_text(("a", "b", "c"))
    assert check_formats(("xlsx",)) == ["xlsx"]
    with pytest.raises(ReportError, match="Unknown report format"):
        check_formats("")


def test_meta_rows_and_date():
    inst = servqual.load_instrument("kiosk")
    rep = Report("t", meta={"instrument": inst, "n": 5, "date": dt.date(2024, 5, 1), "tags": ["a", "b"],
                            "author": None, "_hidden": 1, "pii": "phone"})
    rows = dict(rep.meta_rows("en"))
    assert rows["Instrument"].endswith(f"({inst.id})") and rows["tags"] == "a, b"
    assert rows["Generated"] == "2024-05-01" == rep.date_text()
    assert "Author" not in rows and "_hidden" not in rows and rep.pii == ["phone"]
    assert Report("t").date_text() == dt.date.today().isoformat()


def test_prepare_table_index_and_clash():
    t = report.Table("t", "T", pd.DataFrame({"a": [1.5]}, index=pd.Index(["x"])))
    prep = prepare_table(t, [], "en")
    assert prep.headers == ["", "a"] and prep.rows == [["x", 1.5]]  # an unnamed text index gets an empty header
    clash = report.Table("c", "C", pd.DataFrame({"a": [1.0]}, index=pd.Index(["x"], name="a")))
    with pytest.raises(ReportError, match="name of a column"):
        prepare_table(clash, [], "en")
    assert display_value(float("-inf"), "float", 3, "en") == "−∞"
    assert display_value(dt.date(2024, 5, 1), "text", 3, "en") == "2024-05-01"
    assert display_value(Text("是", "yes"), "text", 3, "zh") == "是"


def test_word_drops_characters_xml_forbids(tmp_path):
    rep = Report("t")
    rep.add_section("s", "S").add_table("t", "T", pd.DataFrame({"label\x02": ["a\x01b"]}))
    d = docx.Document(str(rep.to_docx(tmp_path / "t.docx", "en")))
    assert [c.text for c in d.tables[0].rows[0].cells] == ["label"]
    assert [c.text for c in d.tables[0].rows[1].cells] == ["ab"]
    assert "<td>a\x01b</td>" in render_html(rep, "en")  # HTML keeps the text as written
