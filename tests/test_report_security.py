"""The study report (HTML, Excel, Word) and results.json as an attacker and a tired user meet them:
never written through a symbolic link, never onto an input of the run, always complete or not there,
and no control character in a text breaks the Word or Excel writer.

Each attack is a file generated in tmp_path; the assertions are on the bytes written, on the files
left in the folder and on the inputs (sha256 before and after).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
import zipfile

import pandas as pd
import pytest

import servqual as sq
from servqual._resources import resolve_survey
from servqual.exceptions import OutputFileError
from servqual.reporting.report import Report
from servqual.reporting.study import run_study

pytestmark = pytest.mark.filterwarnings("ignore::servqual.exceptions.InstrumentWarning")

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def holzinger(tmp_path):
    """A copy of the bundled holzinger questionnaire and data (the smallest study)."""
    s = tmp_path / "holzinger.yaml"
    shutil.copy(resolve_survey("holzinger"), s)
    d = tmp_path / "holzinger.csv"
    shutil.copy(sq.dataset_path("holzinger"), d)
    return s, d


def small_report(title="t") -> Report:
    rep = Report(title, lang_default="en")
    rep.add_section("s", "S").add_table("t", "T", pd.DataFrame({"a": [1.5, 2.5]}))
    return rep


# ---------------------------------------------------------------------------------------------------
# never through a link, never onto an input
# ---------------------------------------------------------------------------------------------------
def test_results_json_linked_to_the_questionnaire_is_refused(holzinger, tmp_path):
    s, d = holzinger
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(s, out / "results.json")
    before = sha(s), sha(d)
    t0 = time.monotonic()
    with pytest.raises(OutputFileError) as e:
        run_study(d, s, out, lang="en", formats="xlsx", figures=False)
    assert time.monotonic() - t0 < 5  # refused before the analysis
    msg = str(e.value)
    assert str(out / "results.json") in msg and str(s) in msg and "\n" not in msg
    assert (sha(s), sha(d)) == before
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]  # nothing written, the link untouched
    assert os.readlink(out / "results.json") == str(s)


def test_a_data_file_named_like_the_report_is_never_replaced(holzinger, tmp_path):
    s, d = holzinger
    out = tmp_path / "out"
    out.mkdir()
    data = out / "report.xlsx"
    pd.read_csv(d).to_excel(data, index=False)
    before = sha(data)
    with pytest.raises(OutputFileError, match="it is the input file") as e:
        run_study(data, s, out, lang="en", formats=("xlsx",), figures=False)
    assert str(data) in str(e.value)
    assert sha(data) == before and sorted(p.name for p in out.iterdir()) == ["report.xlsx"]


def test_run_study_respects_the_inputs_it_is_given(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    matrix = out / "report.html"
    matrix.write_text("judgements", encoding="utf-8")
    with pytest.raises(OutputFileError, match="input file") as e:
        run_study("holzinger", out_dir=out, lang="en", formats="html", figures=False, inputs=[matrix])
    assert str(matrix) in str(e.value)
    assert matrix.read_text(encoding="utf-8") == "judgements"


def test_report_write_refuses_a_link_and_an_input(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(target, out / "report.docx")
    with pytest.raises(OutputFileError, match="symbolic link"):
        small_report().write(out, formats="html,docx")
    assert target.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in out.iterdir()) == ["report.docx"]  # checked before the html was written
    page = tmp_path / "precious.html"
    page.write_text("x", encoding="utf-8")
    with pytest.raises(OutputFileError, match="it is the input file"):
        small_report().write(tmp_path, formats="html", stem="precious", inputs=[page])
    assert page.read_text(encoding="utf-8") == "x"


def test_an_out_folder_that_is_a_file_is_refused_before_any_work(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("mine", encoding="utf-8")
    t0 = time.monotonic()
    with pytest.raises(OutputFileError, match="is an existing file: give a folder"):
        run_study("mobi", out_dir=f, lang="en", formats="xlsx", figures=False)
    assert time.monotonic() - t0 < 5
    assert f.read_text(encoding="utf-8") == "mine"


# ---------------------------------------------------------------------------------------------------
# nothing half-written
# ---------------------------------------------------------------------------------------------------
class Boom:
    """A figure that interrupts the writer half-way (as Ctrl-C would)."""

    def savefig(self, *a, **k):
        raise KeyboardInterrupt


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_an_interrupted_report_leaves_the_old_file_and_no_temporary(tmp_path, fmt):
    old = small_report("old")
    old.write(tmp_path, formats=fmt)
    before = sha(tmp_path / f"report.{fmt}")
    rep = small_report("new")
    rep.section("s").add_figure("f", "F", Boom())
    with pytest.raises(KeyboardInterrupt):
        rep.write(tmp_path, formats=fmt)
    assert sha(tmp_path / f"report.{fmt}") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"report.{fmt}"]


def test_run_study_writes_complete_files_only(tmp_path):
    paths = run_study("holzinger", out_dir=tmp_path / "new" / "out", lang="en", formats="xlsx,docx", figures=False)
    folder = tmp_path / "new" / "out"
    assert sorted(p.name for p in folder.iterdir()) == ["report.docx", "report.xlsx", "results.json"]
    assert sorted(paths) == ["docx", "json", "xlsx"]
    for p in ("report.docx", "report.xlsx"):
        assert zipfile.ZipFile(folder / p).testzip() is None


# ---------------------------------------------------------------------------------------------------
# control characters and formulas in every text
# ---------------------------------------------------------------------------------------------------
def hostile_report() -> Report:
    bad = "=HYPERLINK(\"http://x\")\x01\x1b\x00"
    rep = Report(("标题\x07", "Title\x07" + bad), meta={"data": "d\x02.csv", "client": "@SUM(A1)\x0b", "n": 3},
                 lang_default="en")
    sec = rep.add_section("s", ("节\x08", "Section\x08"), paragraphs=[("段\x0c", "Para\x0c" + bad)])
    sec.add_table("t\x03", ("表\x04", "Table\x04"), pd.DataFrame({"h\x05": ["-2+3\x06", "\ud800x"]}),
                  note=("注\x0e", "Note\x0e"))
    rep.add_section("k", "Kept out", skipped=("原因\x0f", "reason\x0f"))
    return rep


def test_word_report_with_control_characters_everywhere(tmp_path):
    import docx

    path = hostile_report().to_docx(tmp_path / "r.docx", "en")
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert not CONTROL.search(xml)
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "TitleHYPERLINK" not in text and 'Title=HYPERLINK("http://x")' in text
    assert "ParaPara" not in text and "Para=HYPERLINK" in text and "reason" in text
    assert [c.text for c in d.tables[0].rows[1].cells] == ["-2+3"]
    assert d.core_properties.title.startswith("Title=HYPERLINK")


def test_excel_report_with_control_characters_and_formulas(tmp_path):
    path = hostile_report().to_excel(tmp_path / "r.xlsx", "en")
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/") and n.endswith(".xml"))
    assert not CONTROL.search(xml.replace("\t", "").replace("\n", "").replace("\r", ""))
    assert "<f>" not in xml  # no formula anywhere
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", xml)
    assert "'-2+3" in strings and "'@SUM(A1)" in strings
    assert not [t for t in strings if t[:1] in "=+-@"]


def test_html_report_with_a_lone_surrogate_is_written(tmp_path):
    path = tmp_path / "r.html"
    hostile_report().to_html(path, "en")
    data = path.read_bytes()
    assert data.decode("utf-8") and b"<script" not in data.lower()
