"""Report model and exporters: HTML, Excel and Word outputs opened and checked cell by cell."""

from __future__ import annotations

import base64
import re
import zipfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

import servqual  # noqa: E402
from servqual.survey.instrument import Text  # noqa: E402
from servqual.psychometrics.reliability import cronbach_alpha  # noqa: E402
from servqual.reporting.report import Figure, Report, ReportError, Section, neutralise_cell  # noqa: E402

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

# Fonts are configured by servqual.plots; a bare test machine may lack a CJK font, which only affects glyphs.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph.*missing:UserWarning")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+1", "-2+3", "@SUM(A1)", "  =1+1", "\t=1", "\r=1"]
PII_VALUE = "13800138000"


def _resp():
    try:
        return servqual.read_dataset("bfi"), ["A1", "A2", "A3", "A4", "A5"]
    except Exception:  # pragma: no cover - the bfi questionnaire may be under construction
        resp = servqual.read_dataset("kiosk")
        return resp, list(resp.items().columns[:5])


def _build():
    resp, items = _resp()
    res = cronbach_alpha(resp.items(), items)
    rep = Report.for_responses(Text("宜人性量表分析报告", "Agreeableness scale report"), resp, author="servqual")
    rep.meta["pii"] = ["phone", "email"]

    sec = rep.add_section("reliability", Text("信度分析", "Reliability"))
    sec.add_paragraph(Text(f"Cronbach α = {res.alpha:.3f}（≥ .70 可接受）。", f"Cronbach's alpha = {res.alpha:.3f} (>= .70 acceptable)."))
    sec.add_table(
        "alpha_items", Text("题项统计与删除后的 α", "Item statistics and alpha if item deleted"), res.item_stats,
        note=Text("r_drop 为校正的题总相关。", "r_drop is the corrected item-total correlation."),
        column_labels={"item": Text("题项", "Item"), "alpha_if_deleted": Text("删除后 α", "Alpha if deleted")},
    )
    sec.add_table(
        "cells", Text("文本单元格", "Text cells"),
        pd.DataFrame({
            "label": INJECTIONS + ["safe", "a-b", "<script>alert(1)</script>"],
            "value": [-1.5, 2.0, -3.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "count": np.arange(-2, 8),
            "pval": [0.00001, 0.2, 0.03, 0.5, 0.9, 0.04, 0.001, 0.0009, 1.0, 0.5],
            "phone": [PII_VALUE] * 10,
            "email": ["someone@example.com"] * 10,
        }),
    )
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(items, res.item_stats["mean"].to_numpy())
    ax.set_title("宜人性题项均值")
    sec.add_figure("item_means", Text("题项均值", "Item means"), fig, note=Text("误差线略。", "No error bars."))
    rep.add_section("gaps", Text("服务质量差距", "Service-quality gaps"),
                    skipped=Text("数据中没有期望值题组", "the data have no expectation block"))
    rep.add_section("summary", Text("结论", "Conclusions"), paragraphs=[Text("量表信度良好。", "The scale is reliable.")])
    return rep, res, fig


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    rep, res, fig = _build()
    out = tmp_path_factory.mktemp("report")
    paths = {lang: rep.write(out / lang, lang=lang) for lang in ("zh", "en")}
    yield rep, res, paths
    plt.close(fig)


def _docx_text(path):
    d = docx.Document(str(path))
    texts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            texts.extend(c.text for c in row.cells)
    return d, "\n".join(texts)


def _xlsx_strings(path):
    wb = openpyxl.load_workbook(path)
    return wb, "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


# ---- write() -------------------------------------------------------------------------------------
def test_write_returns_every_format(built):
    _, _, paths = built
    for lang in ("zh", "en"):
        assert sorted(paths[lang]) == ["docx", "html", "xlsx"]
        for fmt, p in paths[lang].items():
            assert p.name == f"report.{fmt}" and p.stat().st_size > 1000


def test_write_rejects_unknown_format(tmp_path):
    rep = Report("t")
    with pytest.raises(ReportError, match="pdf"):
        rep.write(tmp_path, formats=("pdf",))
    with pytest.raises(ReportError, match="lang"):
        rep.write(tmp_path, lang="fr")


# ---- Excel ---------------------------------------------------------------------------------------
def test_excel_sheets_headers_and_numbers(built):
    _, res, paths = built
    wb = openpyxl.load_workbook(paths["en"]["xlsx"])
    assert wb.sheetnames == ["README", "alpha_items", "cells"]
    ws = wb["alpha_items"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Item" and header[1] == "n" and "Alpha if deleted" in header
    assert len(header) == res.item_stats.shape[1]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == len(res.item_stats) + 1
    col = header.index("Alpha if deleted") + 1
    got = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
    assert all(isinstance(v, float) for v in got)
    assert_allclose(got, res.item_stats["alpha_if_deleted"].to_numpy(), rtol=0, atol=1e-12)  # full precision kept
    assert ws.cell(row=2, column=col).number_format == "0.000"
    assert ws.cell(row=2, column=2).value == int(res.item_stats["n"].iloc[0])
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == list(res.item_stats["item"])
    assert ws.column_dimensions["A"].width >= 8
    # zh headers use the Chinese labels
    wz = openpyxl.load_workbook(paths["zh"]["xlsx"])["alpha_items"]
    assert wz.cell(row=1, column=1).value == "题项"


def test_excel_readme_sheet(built):
    rep, _, paths = built
    ws = openpyxl.load_workbook(paths["en"]["xlsx"])["README"]
    pairs = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0] is not None}
    assert pairs["Title"] == "Agreeableness scale report"
    assert pairs["Data file"] == rep.meta["data"] and "/" not in rep.meta["data"]
    assert pairs["Sample size (n)"] == str(rep.meta["n"])
    assert "Instrument" in pairs and "Generated" in pairs
    assert pairs["servqual"] == servqual.__version__ and pairs["pandas"] == pd.__version__
    assert "Python" in pairs
    listing = [r for r in ws.iter_rows(values_only=True) if r[0] in ("alpha_items", "cells")]
    assert [r[1] for r in listing] == ["Table 1. Item statistics and alpha if item deleted", "Table 2. Text cells"]
    zh = openpyxl.load_workbook(paths["zh"]["xlsx"])["README"]
    zcaps = [r[1] for r in zh.iter_rows(values_only=True) if r[0] in ("alpha_items", "cells")]
    assert zcaps == ["表 1　题项统计与删除后的 α", "表 2　文本单元格"]


def test_excel_formula_injection_neutralised(built):
    _, _, paths = built
    wb = openpyxl.load_workbook(paths["en"]["xlsx"])
    ws = wb["cells"]
    header = [c.value for c in ws[1]]
    assert header == ["label", "value", "count", "pval"]  # PII columns dropped
    labels = [ws.cell(row=r, column=1) for r in range(2, ws.max_row + 1)]
    for cell, raw in zip(labels, INJECTIONS):
        assert cell.data_type == "s"
        assert cell.value == "'" + raw
    assert labels[len(INJECTIONS)].value == "safe"
    assert labels[len(INJECTIONS) + 1].value == "a-b"
    neg = ws.cell(row=2, column=2)
    assert neg.value == -1.5 and neg.data_type == "n"
    assert ws.cell(row=2, column=3).value == -2 and ws.cell(row=2, column=3).data_type == "n"
    # nothing anywhere in the workbook is a formula
    assert all(c.data_type != "f" for w in wb.worksheets for row in w.iter_rows() for c in row)
    with zipfile.ZipFile(paths["en"]["xlsx"]) as z:
        assert not any("<f>" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
        ("   =A1", "'   =A1"), ("\t=A1", "'\t=A1"), ("\rx", "'\rx"), ("\n-1", "'\n-1"),
        ("a=b", "a=b"), ("", ""), ("宜人性", "宜人性"), ("x\x00y", "xy"),
        (-2, -2), (-1.5, -1.5), (None, None),
    ],
)
def test_neutralise_cell(raw, expected):
    assert neutralise_cell(raw) == expected


def test_sheet_names_are_valid_and_unique(tmp_path):
    rep = Report("t")
    sec = rep.add_section("s", "S")
    frame = pd.DataFrame({"x": [1.0]})
    for key in ["a/b:c*d?[e]\\f", "README", "x" * 40, "x" * 40, "X" * 40, "'quoted'"]:
        sec.add_table(key, key, frame)
    names = openpyxl.load_workbook(rep.to_excel(tmp_path / "s.xlsx", "en")).sheetnames
    assert names[0] == "README" and len(names) == 7
    assert len({n.lower() for n in names}) == 7
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) and not n.startswith("'") for n in names)


# ---- PII -----------------------------------------------------------------------------------------
def test_pii_never_in_any_output(built):
    _, _, paths = built
    for lang in ("zh", "en"):
        html = paths[lang]["html"].read_text(encoding="utf-8")
        _, xl = _xlsx_strings(paths[lang]["xlsx"])
        _, dx = _docx_text(paths[lang]["docx"])
        for text in (html, xl, dx):
            for needle in ("phone", "email", PII_VALUE, "someone@example.com"):
                assert needle not in text


def test_table_indexed_by_pii_is_refused(tmp_path):
    rep = Report("t", meta={"pii": ["phone"]})
    frame = pd.DataFrame({"phone": ["1", "2"], "score": [3.0, 4.0]}).set_index("phone")
    rep.add_section("s", "S").add_table("by_phone", "By phone", frame)
    with pytest.raises(ReportError, match="phone"):
        rep.to_html(None, "en")
    with pytest.raises(ReportError, match="PII"):
        rep.to_excel(tmp_path / "x.xlsx", "en")
    with pytest.raises(ReportError, match="phone"):
        rep.to_docx(tmp_path / "x.docx", "en")


# ---- Word ----------------------------------------------------------------------------------------
def test_docx_headings_tables_captions(built):
    _, res, paths = built
    d, _ = _docx_text(paths["zh"]["docx"])
    paras = [p for p in d.paragraphs]
    heads = [p.text for p in paras if p.style.name.startswith("Heading")]
    assert heads == ["1 信度分析", "2 服务质量差距", "3 结论"]
    assert paras[0].style.name == "Title" and paras[0].text == "宜人性量表分析报告"
    assert len(d.tables) == 2
    caps = [p.text for p in paras if p.style.name == "Caption"]
    assert caps == ["表 1　题项统计与删除后的 α", "表 2　文本单元格", "图 1　题项均值"]
    assert any(p.text == "本节未列出，原因：数据中没有期望值题组。" for p in paras)
    # caption above each table, below the figure
    body = list(d.element.body.iterchildren())
    for t in d.tables:
        prev = t._tbl.getprevious()
        assert prev.tag == W + "p" and prev.find(f"{W}pPr/{W}pStyle").get(W + "val") == "Caption"
    pic_idx = next(i for i, el in enumerate(body) if el.findall(".//{*}blip"))
    nxt = body[pic_idx + 1]
    assert "".join(nxt.itertext()).endswith("题项均值")
    # cell values: rounded for display, header labels translated
    t1 = d.tables[0]
    assert t1.rows[0].cells[0].text == "题项"
    hdr = [c.text for c in t1.rows[0].cells]
    j = hdr.index("删除后 α")
    assert t1.rows[1].cells[j].text == f"{res.item_stats['alpha_if_deleted'].iloc[0]:.3f}"
    assert t1.rows[1].cells[1].text == str(int(res.item_stats["n"].iloc[0]))
    t2 = d.tables[1]
    assert [c.text for c in t2.rows[0].cells] == ["label", "value", "count", "pval"]
    assert t2.rows[1].cells[0].text == INJECTIONS[0]  # DOCX is not a formula surface: text kept as written
    assert t2.rows[1].cells[1].text == "-1.500" and t2.rows[1].cells[2].text == "-2"
    assert t2.rows[1].cells[3].text == "<0.001" and t2.rows[2].cells[3].text == "0.200"  # zh: the leading zero kept


def test_docx_three_line_borders_and_fonts(built):
    _, _, paths = built
    d = docx.Document(str(paths["zh"]["docx"]))
    for t in d.tables:
        b = t._tbl.tblPr.find(W + "tblBorders")
        assert b is not None
        sides = {el.tag[len(W):]: (el.get(W + "val"), el.get(W + "sz")) for el in b}
        assert sides["top"] == ("single", "12") and sides["bottom"] == ("single", "12")
        assert sides["insideV"][0] == "nil" and sides["left"][0] == "nil" and sides["right"][0] == "nil"
        assert sides["insideH"][0] == "nil"
        for cell in t.rows[0].cells:  # thin rule under the header
            bottom = cell._tc.find(f"{W}tcPr/{W}tcBorders/{W}bottom")
            assert bottom.get(W + "val") == "single" and bottom.get(W + "sz") == "6"
        assert t.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
        # no vertical rule in any cell
        assert not t._tbl.findall(f".//{W}tcBorders/{W}left") and not t._tbl.findall(f".//{W}tcBorders/{W}right")
    with zipfile.ZipFile(paths["zh"]["docx"]) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        document = z.read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="SimSun"' in styles and 'w:eastAsia="SimHei"' in styles
    assert "SEQ 表" in document and "SEQ 图" in document  # Word can renumber the captions
    assert document.count("<w:drawing>") == 1


# ---- HTML ----------------------------------------------------------------------------------------
def test_html_self_contained(built):
    _, res, paths = built
    html = paths["en"]["html"].read_text(encoding="utf-8")
    m = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert m and base64.b64decode(m.group(1)).startswith(b"\x89PNG\r\n\x1a\n")
    assert "<link" not in html and "<script" not in html and not re.search(r'(src|href)="(https?:)?//', html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<table class="three-line">' in html and "border-top:2px solid" in html
    assert '<nav class="toc">' in html and 'href="#sec-reliability"' in html and 'id="sec-gaps"' in html
    assert "Left out because the data have no expectation block." in html
    assert "<caption>Table 1. Item statistics and alpha if item deleted</caption>" in html
    assert "<figcaption>Figure 1. Item means</figcaption>" in html
    assert f">{res.item_stats['alpha_if_deleted'].iloc[0]:.3f}<" in html
    assert "Generated" in html and "Data file" in html
    assert "Note. r_drop is the corrected item-total correlation." in html


def test_zh_and_en_captions_differ(built):
    _, _, paths = built
    zh = paths["zh"]["html"].read_text(encoding="utf-8")
    en = paths["en"]["html"].read_text(encoding="utf-8")
    assert "<caption>表 1　题项统计与删除后的 α</caption>" in zh and "Table 1." not in zh
    assert "<figcaption>图 1　题项均值</figcaption>" in zh and "Figure 1." not in zh
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    zcaps = [p.text for p in docx.Document(str(paths["zh"]["docx"])).paragraphs if p.style.name == "Caption"]
    ecaps = [p.text for p in docx.Document(str(paths["en"]["docx"])).paragraphs if p.style.name == "Caption"]
    assert ecaps == ["Table 1. Item statistics and alpha if item deleted", "Table 2. Text cells", "Figure 1. Item means"]
    assert zcaps != ecaps


# ---- model ---------------------------------------------------------------------------------------
def test_texts_accept_str_tuple_dict():
    s = Section("k", "Same", paragraphs=["p", ("中", "en"), {"en": "only en"}])
    assert s.title == Text("Same", "Same")
    assert [p.get("zh") for p in s.paragraphs] == ["p", "中", "only en"]  # falls back to the other language
    with pytest.raises(ReportError, match="title"):
        Section("k", 3)
    with pytest.raises(ReportError, match="language"):
        Section("k", {"fr": "x"})


def test_numbering_skips_skipped_sections_and_runs_through():
    frame = pd.DataFrame({"x": [1.0]})
    rep = Report("t")
    rep.add_section("a", "A").add_table("t1", "T1", frame)
    rep.add_section("b", "B", skipped="no data").add_table("t2", "T2", frame)  # content of a skipped section is not exported
    rep.add_section("c", "C").add_table("t3", "T3", frame).add_table("t4", "T4", frame)
    nums = [(s.key, [(n, t.key) for n, t in tabs]) for _, s, tabs, _ in rep.numbered()]
    assert nums == [("a", [(1, "t1")]), ("b", []), ("c", [(2, "t3"), (3, "t4")])]
    with pytest.raises(ReportError, match="already exists"):
        rep.add_section("a", "again")


def test_add_result_takes_tables_and_notes(built):
    _, res, _ = built
    sec = Section("rel", "Reliability").add_result(res, "alpha")
    assert [t.key for t in sec.tables] == ["alpha", "alpha_2", "alpha_3"]
    assert sec.tables[2].frame.equals(res.item_stats) and sec.paragraphs[0].get("en") == res.notes()[0]


def test_figure_inputs_validated(tmp_path):
    with pytest.raises(ReportError, match="PNG"):
        Figure("f", "F", b"GIF89a")
    with pytest.raises(ReportError, match="matplotlib"):
        Figure("f", "F", [1, 2])
    fig, ax = plt.subplots(figsize=(2, 2))
    try:
        f = Figure("f", "F", ax)  # an Axes is accepted
        png = f.png()
        assert png.startswith(b"\x89PNG") and f.png() is png  # rendered once
        p = tmp_path / "f.png"
        p.write_bytes(png)
        assert Figure("g", "G", p).png() == png
    finally:
        plt.close(fig)


def test_table_display_rules(tmp_path):
    frame = pd.DataFrame(
        {"n": [10.0, 20.0], "estimate": [0.12345, -0.00001], "flag": [True, False], "pval": [1e-8, np.nan]},
        index=pd.Index(["x1", "x2"], name="item"),
    )
    rep = Report("t", lang_default="en")
    rep.add_section("s", "S").add_table("d", "D", frame, decimals={"estimate": 2})
    body = rep.to_html().split("<tbody>")[1]
    cells = [c.replace("&lt;", "<") for c in re.findall(r"<td[^>]*>([^<]*)</td>", body)]
    row1, row2 = cells[:5], cells[5:10]
    assert row1 == ["x1", "10", "0.12", "yes", "< .001"]
    assert row2 == ["x2", "20", "0.00", "no", ""]  # no "-0.00"; missing shown empty
    ws = openpyxl.load_workbook(rep.to_excel(tmp_path / "d.xlsx"))["d"]
    assert [c.value for c in ws[1]] == ["item", "n", "estimate", "flag", "pval"]
    assert ws["C3"].value == -0.00001 and ws["C3"].number_format == "0.00"  # exact value, display format only
    assert ws["D2"].value is True and ws["E3"].value is None
