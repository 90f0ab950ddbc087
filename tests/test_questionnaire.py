"""Questionnaire outputs: printable form (md/html, zh/en), codebook, response template, XLSForm (run through pyxform)."""

from __future__ import annotations

import html
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import InstrumentWarning
from servqual.survey.forms import (
    CODEBOOK_COLUMNS,
    codebook,
    render_questionnaire,
    response_template,
    write_codebook,
    write_questionnaire,
    write_template,
    write_xlsform,
    xlsform,
    xlsform_export_names,
)

SHIPPED = ["after_sales_service_quality", "servqual22"]


def _all_surveys() -> list:
    lister = getattr(sq, "list_surveys", None)
    names = list(lister()) if lister is not None else []
    if not names:
        root = Path(__file__).resolve().parents[1] / "surveys"
        names = sorted(p.stem for p in root.glob("*.yaml"))
    return names


ALL = _all_surveys()


def load(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InstrumentWarning)  # data-set questionnaires may have 2-item dimensions
        return sq.load_instrument(name)


@pytest.fixture(scope="module")
def after_sales():
    return load("after_sales_service_quality")


@pytest.fixture(scope="module")
def sq22():
    return load("servqual22")


def _plain(s: str) -> str:
    """Text as a reader sees it: HTML entities decoded, curly quotes straightened (pyxform straightens them)."""
    s = html.unescape(s)
    for a, b in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        s = s.replace(a, b)
    return s


# --------------------------------------------------------------------------------------------------
# the two shipped questionnaires
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_questionnaire_loads_without_warning_and_is_bilingual(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inst = sq.load_instrument(name)
    assert inst.title.zh and inst.title.en and inst.instructions.zh and inst.instructions.en
    assert inst.version and inst.citation
    for d in inst.dimensions:
        assert d.name.zh and d.name.en
    for q in inst.all_questions:
        assert q.text.zh and q.text.en, q.id
        assert q.text.zh != q.text.en
    # every point of every Likert scale in use is labelled in both languages (NPS: the two ends)
    for _, s in inst.column_specs().iterrows():
        if s["role"] in ("item", "attention") or (s["role"] == "outcome" and s["kind"] != "recommend"):
            sc = inst.scale_of(inst.item(s["item"]), s["block"] if isinstance(s["block"], str) else None)
            for p in sc.points:
                assert sc.label(p, "zh") and sc.label(p, "en"), (name, s["column"], p)


def test_after_sales_questionnaire_content(after_sales):
    inst = after_sales
    assert inst.dimension_ids == ["efficiency", "quality", "attitude", "standards", "innovation"]
    assert inst.dimension_names("zh") == {"efficiency": "服务效率", "quality": "服务质量", "attitude": "服务态度",
                                          "standards": "服务规范", "innovation": "服务创新"}
    assert all(3 <= len(d.items) <= 5 for d in inst.dimensions)
    assert len(inst.reverse_columns()) >= 1
    assert (inst.scale.min, inst.scale.max) in ((1, 5), (1, 7)) and inst.scale.id
    kinds = {o.kind: o for o in inst.outcomes}
    assert {"satisfaction", "loyalty", "recommend"} <= set(kinds)
    nps = inst.scale_of(kinds["recommend"])
    assert (nps.min, nps.max) == (0, 10)
    assert len(inst.attention_checks) == 1 and inst.attention_checks[0].expected
    assert inst.respondent_id and inst.duration_column and inst.min_duration
    assert inst.pii == ("phone",)
    assert inst.segments == ("service_centre", "region", "product_line")
    k = {x.id: x for x in inst.kpis}
    assert (k["response_hours"].direction, k["response_hours"].target_op, k["response_hours"].target) == ("lower_is_better", "<=", 24)
    assert (k["repair_hours"].target_op, k["repair_hours"].target) == ("<=", 72)
    assert (k["first_time_fix_rate"].direction, k["first_time_fix_rate"].target_op, k["first_time_fix_rate"].target) == (
        "higher_is_better", ">=", 0.9)
    assert k["complaint_rate"].direction == "lower_is_better"
    assert any(x.target_op == ">=" and x.target == 90 for x in inst.kpis)
    h = inst.hierarchy
    assert h is not None and h.goal.zh and len(h.criteria) == 5
    assert {i.kind for c in h.criteria for i in c.indicators} == {"item", "dimension", "kpi"}


def test_servqual22_structure_and_blocks(sq22):
    inst = sq22
    assert [(d.id, len(d.items)) for d in inst.dimensions] == [
        ("tangibles", 4), ("reliability", 5), ("responsiveness", 4), ("assurance", 4), ("empathy", 5)]
    assert [b.role for b in inst.blocks] == ["expectation", "perception", "importance"]
    assert inst.analysis_block == "p"
    for b in inst.blocks:
        sc = inst.scale_of(inst.items[0], b.id)
        assert (sc.min, sc.max) == (1, 7) and len(sc.labels) == 7
    assert "Parasuraman" in inst.citation and "1988" in inst.citation
    # one column per attribute and block
    assert len(set(inst.columns("e").values()) | set(inst.columns("p").values()) | set(inst.columns("i").values())) == 66


# --------------------------------------------------------------------------------------------------
# printable questionnaire
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", SHIPPED)
def test_rendered_questionnaire_contains_every_wording_in_its_language(name, lang, fmt):
    inst = load(name)
    out = render_questionnaire(inst, lang=lang, format=fmt)
    text = html.unescape(out) if fmt == "html" else out
    assert inst.title.get(lang) in text
    assert inst.instructions.get(lang).strip() in text
    for q in inst.all_questions:
        assert q.text.get(lang) in text, (q.id, lang)
    for d in inst.dimensions:
        assert d.name.get(lang) in text
    for b in inst.blocks:
        assert b.text.get(lang) in text
    for _, lab in inst.scale.labels:
        assert lab.get(lang) in text
    other = "en" if lang == "zh" else "zh"
    assert inst.items[0].text.get(other) not in text
    # one tick box per scale point per question
    n_boxes = sum(len(inst.scale_of(it, b.id if inst.blocks else None).points)
                  for b in (inst.blocks or [None]) for it in inst.items)
    n_boxes += sum(len(inst.scale_of(q).points) for q in list(inst.outcomes) + list(inst.attention_checks))
    boxes = out.count("☐") if fmt == "md" else out.count('<span class="cb">')
    assert boxes == n_boxes


def _cut_contact(text: str, marker: str) -> tuple:
    i = text.index(marker)
    return text[:i], text[i:]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_rendered_form_asks_no_kpis_and_keeps_pii_to_the_contact_section(after_sales, fmt):
    inst = after_sales
    out = render_questionnaire(inst, lang="en", format=fmt, show_columns=True)
    marker = "Contact details (optional)"
    questions, contact = _cut_contact(html.unescape(out), marker)
    for k in inst.kpis:
        assert k.name.en not in out and k.column not in out
    code = "`phone`" if fmt == "md" else "<code>phone</code>"
    assert "Phone number" in contact and code in contact
    assert code not in questions and "Phone number" not in questions
    assert inst.respondent_id not in out and inst.duration_column not in out
    # the attention check sits among the items, before the outcome questions, unmarked
    chk = inst.attention_checks[0]
    assert questions.index(chk.text.en) < questions.index(inst.outcomes[0].text.en)
    assert questions.index(inst.items[0].text.en) < questions.index(chk.text.en)
    assert "attention" not in out.lower()
    assert "(R)" not in out and "revers" not in out.lower()
    # segments are asked as background fields
    assert "Service centre" in questions and "Product line" in questions


def test_no_contact_section_without_pii(sq22):
    assert not sq22.pii
    for lang, marker in (("zh", "联系方式"), ("en", "Contact details")):
        assert marker not in render_questionnaire(sq22, lang=lang)
        assert marker not in render_questionnaire(sq22, lang=lang, format="html")


def test_blocks_become_parts_with_their_instruction_in_order(sq22):
    md = render_questionnaire(sq22, lang="zh")
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads[:3] == ["## 第一部分　期望", "## 第二部分　实际感受", "## 第三部分　重要性"]
    pos = [md.index(b.text.zh) for b in sq22.blocks]
    assert pos == sorted(pos)
    # each dimension is a sub-heading in each block, importance labels appear in the third part
    assert md.count("### 有形性") == 3
    assert "非常重要" in md.split("## 第三部分")[1] and "非常重要" not in md.split("## 第三部分")[0]
    # numbers run through the form: 66 item rows + 1 outcome
    rows = re.findall(r"^\| (\d+) \|", md, flags=re.M)
    assert [int(r) for r in rows] == list(range(1, 68))


def test_html_is_self_contained_and_printable(after_sales):
    out = render_questionnaire(after_sales, lang="zh", format="html")
    assert out.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in out and '<meta charset="utf-8">' in out
    assert "<style>" in out and "@page" in out and "@media print" in out
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", out)
    assert "<script" not in out and "<link" not in out
    assert out.count("<table") == out.count("</table>") and out.count("<section") == out.count("</section>")


def test_html_escapes_markup_in_wording():
    inst = sq.Instrument.from_dict({
        "id": "esc", "scale": {"min": 1, "max": 5},
        "dimensions": [{"id": "d", "items": [{"id": "a1", "text": {"zh": "价格 <b>低</b> & 实惠", "en": "x < y"}},
                                             {"id": "a2", "text": "b | c"}, {"id": "a3"}]}],
    })
    out = render_questionnaire(inst, lang="zh", format="html")
    assert "<b>低</b>" not in out and "&lt;b&gt;低&lt;/b&gt; &amp; 实惠" in out
    md = render_questionnaire(inst, lang="en")
    assert "b \\| c" in md and "| a3 |" in md  # item without wording falls back to its id


def test_minimal_questionnaire_renders_numbers_without_labels():
    inst = sq.Instrument.from_dict({"id": "m", "scale": {"min": 1, "max": 7},
                                    "dimensions": [{"id": "t", "items": ["a01", {"id": "a02", "reverse": True}, "a03"]}]})
    md = render_questionnaire(inst, lang="en")
    header = next(line for line in md.splitlines() if line.startswith("| No."))
    assert header == "| No. | Question | 1 | 2 | 3 | 4 | 5 | 6 | 7 |"
    assert md.count("☐") == 21


def test_continuous_items_get_an_answer_blank_with_range():
    inst = load("holzinger_swineford")
    md = render_questionnaire(inst, lang="en")
    assert "☐" not in md
    sc = inst.scale_of(inst.items[0])
    assert not sc.integer
    assert md.count("________________") >= len(inst.items)


def test_write_questionnaire_takes_format_from_suffix(tmp_path, sq22):
    p = write_questionnaire(sq22, tmp_path / "form.html", lang="en")
    assert p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    p = write_questionnaire(sq22, tmp_path / "sub" / "form.md")
    assert p.read_text(encoding="utf-8").startswith("# 售后服务质量 SERVQUAL")
    p = write_questionnaire("servqual22", tmp_path / "form.txt", format="md")
    assert p.exists()
    with pytest.raises(ValueError, match=r"\.md or \.html"):
        write_questionnaire(sq22, tmp_path / "form.pdf")
    with pytest.raises(ValueError, match="lang"):
        render_questionnaire(sq22, lang="fr")
    with pytest.raises(ValueError, match="format"):
        render_questionnaire(sq22, format="docx")


# --------------------------------------------------------------------------------------------------
# codebook
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_codebook_has_one_row_per_data_column(name):
    inst = load(name)
    cb = codebook(inst)
    specs = inst.column_specs()
    assert list(cb.columns) == CODEBOOK_COLUMNS
    assert len(cb) == len(specs)
    assert cb["column"].tolist() == specs["column"].tolist()
    assert cb["role"].tolist() == specs["role"].tolist()
    assert cb["wording_zh"].notna().all() and cb["wording_en"].notna().all()


def test_codebook_content(after_sales):
    cb = codebook(after_sales, lang="zh").set_index("column")
    assert cb.loc["eff1", "labels"] == "1=非常不同意; 2=不同意; 3=一般; 4=同意; 5=非常同意"
    assert cb.loc["eff4", "reverse"]
    assert not cb.loc["eff1", "reverse"]
    assert (cb.loc["eff1", "scale_min"], cb.loc["eff1", "scale_max"]) == (1, 5)
    assert cb.loc["eff1", "dimension"] == "efficiency" and cb.loc["eff1", "dimension_name"] == "服务效率"
    assert cb.loc["recommend", "labels"] == "0=完全不可能; 10=非常可能"
    assert cb.loc["check1", "expected"] == "2"
    assert cb.loc["response_hours", "kpi_unit"] == "h"
    assert cb.loc["response_hours", "kpi_direction"] == "lower_is_better"
    assert cb.loc["response_hours", "kpi_target"] == "<= 24 h"
    assert cb.loc["first_time_fix_rate", "kpi_direction"] == "higher_is_better"
    assert cb.loc["eff1", "missing_codes"] == "-9"
    assert cb.loc["phone", "missing_codes"] is None and cb.loc["phone", "role"] == "pii"
    en = codebook(after_sales, lang="en").set_index("column")
    assert en.loc["eff1", "labels"].startswith("1=Strongly disagree; 2=Disagree")
    both = codebook(after_sales).set_index("column")
    assert both.loc["eff1", "labels"].startswith("1=非常不同意 / Strongly disagree;")
    assert both.loc["eff1", "wording_en"] == after_sales.item("eff1").text.en


def test_codebook_blocks_and_kano():
    cb = codebook(load("servqual22"), lang="en")
    assert cb.loc[cb.column == "sq01_i", "labels"].iloc[0].startswith("1=Not at all important")
    assert cb.loc[cb.column == "sq01_e", "block"].iloc[0] == "e"
    kano = codebook(load("kiosk_kano"), lang="zh")
    row = kano[kano.role == "kano"].iloc[0]
    assert row["block"] == "functional" and row["wording_zh"].startswith("如果提供：")
    assert "like=我喜欢这样" in row["labels"] and "must-be=理应如此" in row["labels"]


def test_write_codebook_csv_with_bom_and_markdown(tmp_path, after_sales):
    p = write_codebook(after_sales, tmp_path / "codebook.csv")
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back.columns[0] == "column"
    assert back["column"].tolist() == after_sales.column_specs()["column"].tolist()
    assert after_sales.item("qua1").text.zh in back["wording_zh"].tolist()
    md = write_codebook(after_sales, tmp_path / "codebook.md").read_text(encoding="utf-8")
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + len(after_sales.column_specs())  # header + one row per column
    assert "| eff4 |" in md and "| yes |" in md
    x = write_codebook(after_sales, tmp_path / "codebook.xlsx")
    assert pd.read_excel(x, sheet_name="codebook").shape[0] == len(after_sales.column_specs())
    with pytest.raises(ValueError, match="codebook"):
        write_codebook(after_sales, tmp_path / "codebook.json")


# --------------------------------------------------------------------------------------------------
# response template
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_template_columns_are_the_data_columns(name):
    inst = load(name)
    t = response_template(inst)
    assert len(t) == 0
    assert list(t.columns) == inst.column_specs()["column"].tolist()


def test_template_includes_special_columns(after_sales):
    cols = list(response_template(after_sales).columns)
    assert cols[0] == "resp_id"
    for c in ("duration_s", "service_centre", "region", "product_line", "response_hours", "satisfaction_score", "check1"):
        assert c in cols


def test_write_template_csv_and_xlsx_read_back(tmp_path, after_sales):
    from openpyxl import load_workbook

    expected = after_sales.column_specs()["column"].tolist()
    p = write_template(after_sales, tmp_path / "t.csv")
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(pd.read_csv(p, encoding="utf-8-sig").columns) == expected
    x = write_template(after_sales, tmp_path / "t.xlsx")
    wb = load_workbook(x)
    assert wb.sheetnames[0] == "responses"
    ws = wb["responses"]
    assert [c.value for c in ws[1]] == expected and ws.max_row == 1
    # input checks: a Likert column accepts its scale points and the missing code
    dvs = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    col = expected.index("eff1") + 1
    from openpyxl.utils import get_column_letter

    dv = dvs[f"{get_column_letter(col)}2"]
    assert dv.type == "custom" and ">=1" in dv.formula1 and "<=5" in dv.formula1 and "=-9" in dv.formula1
    assert after_sales.item("eff1").text.zh in dv.prompt
    assert "codebook" in wb.sheetnames
    assert list(pd.read_excel(x).columns) == expected  # first sheet = the responses
    with pytest.raises(ValueError, match="template"):
        write_template(after_sales, tmp_path / "t.sav")


def test_filled_template_is_read_by_read_responses(tmp_path, after_sales):
    p = write_template(after_sales, tmp_path / "t.csv")
    t = pd.read_csv(p, encoding="utf-8-sig")
    rows = []
    for i in range(3):
        r = {c: 3 for c in t.columns}
        r.update(resp_id=f"r{i}", recommend=8 + i % 3, check1=2, response_hours=12.5, repair_hours=40,
                 first_time_fix_rate=0.92, complaint_rate=0.01, satisfaction_score=91, duration_s=300,
                 service_centre="上海一店", region="华东", product_line="空调", phone="13800000000", eff4=1 + i)
        rows.append(r)
    filled = tmp_path / "filled.csv"
    pd.DataFrame(rows, columns=t.columns).to_csv(filled, index=False, encoding="utf-8-sig")
    res = sq.read_responses(filled, after_sales)
    data = res.data if hasattr(res, "data") else res
    assert len(data) == 3
    assert data["eff4"].tolist() == [5, 4, 3]  # reverse-keyed: 1 + 5 - x


# --------------------------------------------------------------------------------------------------
# XLSForm
# --------------------------------------------------------------------------------------------------
def test_xlsform_sheets_and_columns(after_sales):
    s = xlsform(after_sales)
    assert set(s) == {"survey", "choices", "settings"}
    survey, choices, settings = s["survey"], s["choices"], s["settings"]
    for c in ("type", "name", "label::Chinese (zh)", "label::English (en)", "hint::Chinese (zh)", "hint::English (en)",
              "required", "constraint", "appearance", "calculation"):
        assert c in survey.columns
    assert list(choices.columns) == ["list_name", "name", "label::Chinese (zh)", "label::English (en)"]
    assert settings.loc[0, "default_language"] == "Chinese (zh)"
    assert settings.loc[0, "form_id"] == after_sales.id and settings.loc[0, "version"] == "1.0"
    by = survey.set_index("name", drop=False)
    assert by.loc["eff1", "type"] == "select_one agree5" and by.loc["eff1", "required"] == "yes"
    assert by.loc["overall_sat", "type"] == "select_one satisfied5"
    assert by.loc["recommend", "type"] == "select_one nps11"
    assert by.loc["response_hours", "type"] == "decimal" and "<= 24 h" in by.loc["response_hours", "hint::English (en)"]
    assert by.loc["first_time_fix_rate", "constraint"] == ". >= 0 and . <= 1"
    assert by.loc["resp_id", "type"] == "calculate" and "uuid()" in by.loc["resp_id", "calculation"]
    assert by.loc["duration_s", "type"] == "calculate" and "86400" in by.loc["duration_s", "calculation"]
    assert by.loc["phone", "type"] == "text" and by.loc["phone", "required"] is None
    assert by.loc["service_centre", "type"] == "text"
    # one choice list per scale, every point, labels in both languages
    agree = choices[choices.list_name == "agree5"]
    assert agree["name"].tolist() == ["1", "2", "3", "4", "5"]
    assert agree["label::Chinese (zh)"].tolist() == ["非常不同意", "不同意", "一般", "同意", "非常同意"]
    assert choices[choices.list_name == "nps11"]["name"].tolist() == [str(i) for i in range(11)]
    # groups: one per block (here: a single item part) and one per dimension, balanced
    types = survey["type"].tolist()
    assert types.count("begin_group") == types.count("end_group")
    dim_groups = survey[(survey.type == "begin_group") & (survey.appearance == "field-list")]
    assert dim_groups["label::Chinese (zh)"].tolist() == ["服务效率", "服务质量", "服务态度", "服务规范", "服务创新"]
    # the attention check is not forced by default (screening must be able to see a failure) ...
    assert by.loc["check1", "constraint"] is None
    # ... and is forced on request
    forced = xlsform(after_sales, enforce_attention=True)["survey"].set_index("name")
    assert forced.loc["check1", "constraint"] == ". = '2'"


def test_xlsform_continuous_items_are_decimal_with_range():
    inst = load("holzinger_swineford")
    survey = xlsform(inst)["survey"].set_index("name")
    it = inst.items[0]
    sc = inst.scale_of(it)
    assert survey.loc[it.column(), "type"] == "decimal"
    lo, hi = (int(v) if float(v).is_integer() else v for v in (sc.min, sc.max))
    assert survey.loc[it.column(), "constraint"] == f". >= {lo} and . <= {hi}"


def test_xlsform_blocks_nest_dimension_groups(sq22):
    survey = xlsform(sq22)["survey"]
    names = survey["name"].tolist()
    assert names.index("g_e") < names.index("g_e_tangibles") < names.index("sq01_e") < names.index("g_p")
    assert survey.set_index("name").loc["sq01_i", "type"] == "select_one important7"


def test_xlsform_rejects_column_names_that_are_not_xml_names():
    inst = sq.Instrument.from_dict({"id": "bad", "scale": {"min": 1, "max": 5},
                                    "dimensions": [{"id": "d", "items": [{"id": "a1", "column": "Q1 (a)"}, "a2", "a3"]}]})
    with pytest.raises(ValueError, match=r"Q1 \(a\)"):
        xlsform(inst)


def _convert(path):
    from pyxform.xls2xform import convert

    return convert(xlsform=str(path), validate=False).xform  # ODK Validate needs Java: not run here


def _xform_parts(xform: str):
    root = ET.fromstring(xform)
    ns = {"x": "http://www.w3.org/2002/xforms", "h": "http://www.w3.org/1999/xhtml"}
    instance = root.find("h:head/x:model/x:instance", ns)
    names = {el.tag.split("}")[-1] for el in instance.iter()}
    langs, texts = set(), {}
    for tr in root.iterfind("h:head/x:model/x:itext/x:translation", ns):
        lang = tr.get("lang")
        langs.add(lang)
        texts[lang] = {"".join(v.itertext()) for v in tr.iterfind("x:text/x:value", ns)}
    return names, langs, texts


@pytest.mark.parametrize("name", ALL)
def test_xlsform_converts_with_pyxform(tmp_path, name):
    pytest.importorskip("pyxform")
    inst = load(name)
    path = write_xlsform(inst, tmp_path / f"{name}.xlsx")
    xform = _convert(path)
    names, langs, texts = _xform_parts(xform)
    assert set(inst.column_specs()["column"]) <= names
    assert langs == {"Chinese (zh)", "English (en)"}
    for q in inst.all_questions:
        assert _plain(q.text.get("zh", q.id)) in texts["Chinese (zh)"], q.id
        assert _plain(q.text.get("en", q.id)) in texts["English (en)"], q.id
    for _, lab in inst.scale.labels:
        assert lab.get("zh") in texts["Chinese (zh)"] and lab.get("en") in texts["English (en)"]


def test_xlsform_file_reads_back_with_openpyxl(tmp_path, after_sales):
    from openpyxl import load_workbook

    p = write_xlsform(after_sales, tmp_path / "form.xlsx")
    wb = load_workbook(p)
    assert wb.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in wb["survey"][1]]
    assert header[:4] == ["type", "name", "label::Chinese (zh)", "label::English (en)"]
    assert [c.value for c in wb["settings"][2]][-1] == "Chinese (zh)"
    with pytest.raises(ValueError, match="xlsx"):
        write_xlsform(after_sales, tmp_path / "form.xls")


def test_export_names_map_group_paths_to_columns(sq22):
    m = xlsform_export_names(sq22)
    assert m["g_p-g_p_empathy-sq22_p"] == "sq22_p" and m["g_e/g_e_tangibles/sq01_e"] == "sq01_e"
    assert set(m.values()) == set(sq22.column_specs()["column"])


def test_minimal_questionnaire_without_wording_converts_with_pyxform(tmp_path):
    pytest.importorskip("pyxform")
    inst = sq.Instrument.from_dict({"id": "sq_after_sales", "scale": {"min": 1, "max": 7}, "missing_codes": [0, 99],
                                    "dimensions": [{"id": "tangibles", "items": ["a01", {"id": "a02", "reverse": True}, "a03"]}]})
    names, langs, texts = _xform_parts(_convert(write_xlsform(inst, tmp_path / "m.xlsx")))
    assert {"a01", "a02", "a03"} <= names
    assert langs == {"Chinese (zh)", "English (en)"}
    assert "a02" in texts["English (en)"]  # a question without wording is labelled by its column


def test_attention_check_is_placed_after_the_item_it_names(tmp_path):
    text = (
        "id: placed\nscale: {min: 1, max: 5}\n"
        "attention_checks:\n"
        "  - {id: chk, expected: 2, after: b2, text: {zh: 本题请选择“不同意”, en: Please choose 'disagree' here}}\n"
        "dimensions:\n"
        "  - id: a\n    items:\n      - {id: a1, text: {zh: 甲一, en: Alpha one}}\n      - {id: a2, text: {zh: 甲二, en: Alpha two}}\n"
        "      - {id: a3, text: {zh: 甲三, en: Alpha three}}\n"
        "  - id: b\n    items:\n      - {id: b1, text: {zh: 乙一, en: Beta one}}\n      - {id: b2, text: {zh: 乙二, en: Beta two}}\n"
        "      - {id: b3, text: {zh: 乙三, en: Beta three}}\n"
    )
    path = tmp_path / "placed.yaml"
    path.write_text(text, encoding="utf-8")
    inst = sq.load_instrument(path)
    assert inst.attention_checks[0].after == "b2"
    for lang, (before, chk, after) in {"en": ("Beta two", "Please choose", "Beta three"),
                                       "zh": ("乙二", "本题请选择", "乙三")}.items():
        out = render_questionnaire(inst, lang=lang, format="md")
        assert out.index(before) < out.index(chk) < out.index(after)
    names = list(xlsform(inst)["survey"]["name"])
    assert names.index("b2") + 1 == names.index("chk")
