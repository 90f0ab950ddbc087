"""The whole study as a client report, on the bundled real data (kiosk, mobi, bfi), in Chinese and English.

The reports are opened the way a reader gets them: the Excel workbook with openpyxl, the Word document
with python-docx, results.json with json. Numbers in the workbook are checked against the analysis
functions run independently on the same kept rows (Cronbach's alpha, the SERVQUAL overall gap).
"""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

import servqual as sq
from servqual.exceptions import AnalysisError
from servqual.service.gap import gap_analysis
from servqual.survey.instrument import Text
from servqual.psychometrics.measurement import RESULTS_KEYS
from servqual.psychometrics.reliability import cronbach_alpha
from servqual.reporting.report import ReportError, Section
from servqual.reporting.study import STUDY_SECTIONS, StudyContext, run_study, study_report
from servqual.reporting.study.measurement import fit_table

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")

pytestmark = pytest.mark.filterwarnings("ignore::servqual.exceptions.InstrumentWarning")

SECTION_TITLES = {
    "zh": ["样本与数据筛查", "题项分析", "信度分析", "效度分析", "指标权重", "SERVQUAL 服务质量差距",
           "重要性—表现分析（IPA）", "Kano 模型分析", "综合评价", "改进优先事项"],
    "en": ["Sample and screening", "Item analysis", "Reliability", "Validity", "Indicator weights", "SERVQUAL gaps",
           "Importance-performance analysis (IPA)", "Kano analysis", "Evaluation", "Improvement priorities"],
}


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------
def kept_items(name: str, listwise: bool = True) -> tuple[pd.DataFrame, list]:
    """The kept rows after straight-lining screening (listwise complete on the analysis block's items,
    or with their missing answers)."""
    resp = sq.read_dataset(name)
    inst = resp.instrument
    kept = sq.screen(resp, inst, exclude=["straightlining"]).kept
    cols = [c for cs in inst.model(reflective_only=True, outcomes=True).values() for c in cs]
    x = kept[cols].astype(float)
    return (x.dropna() if listwise else x), cols


def sheet_frame(wb, name: str) -> pd.DataFrame:
    rows = list(wb[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def docx_text(path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def xlsx_values(path) -> list:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            out.extend(v for v in row if v is not None)
    return out


def headings(path) -> list:
    d = docx.Document(str(path))
    return [p.text for p in d.paragraphs if p.style.name == "Heading 1"]


def captions(path) -> list:
    d = docx.Document(str(path))
    return [p.text for p in d.paragraphs if p.style.name == "Caption"]


def paragraph_after(path, heading: str) -> str:
    d = docx.Document(str(path))
    ps = d.paragraphs
    for i, p in enumerate(ps):
        if p.style.name == "Heading 1" and p.text == heading:
            return ps[i + 1].text
    raise AssertionError(f"no heading {heading!r}")


# ---------------------------------------------------------------------------------------------------
# reports built once per module
# ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kiosk_zh(tmp_path_factory):
    out = tmp_path_factory.mktemp("kiosk_zh")
    return run_study("kiosk", out_dir=out, lang="zh")


@pytest.fixture(scope="module")
def kiosk_en(tmp_path_factory):
    out = tmp_path_factory.mktemp("kiosk_en")
    return run_study("kiosk", out_dir=out, lang="en", figures=False)


@pytest.fixture(scope="module")
def mobi_en(tmp_path_factory):
    return run_study("mobi", out_dir=tmp_path_factory.mktemp("mobi_en"), lang="en")


@pytest.fixture(scope="module")
def mobi_zh(tmp_path_factory):
    return run_study("mobi", out_dir=tmp_path_factory.mktemp("mobi_zh"), lang="zh", formats=("xlsx", "docx"), figures=False)


@pytest.fixture(scope="module")
def bfi_zh(tmp_path_factory):
    return run_study("bfi", out_dir=tmp_path_factory.mktemp("bfi_zh"), lang="zh", formats=("xlsx", "docx"), figures=False)


@pytest.fixture(scope="module")
def bfi_en(tmp_path_factory):
    return run_study("bfi", out_dir=tmp_path_factory.mktemp("bfi_en"), lang="en", formats="xlsx")


# ---------------------------------------------------------------------------------------------------
# kiosk: the full path (E / P / importance blocks, outcomes, segments)
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kiosk_whole_alpha_in_xlsx_matches_cronbach_alpha(lang, kiosk_zh, kiosk_en):
    paths = kiosk_zh if lang == "zh" else kiosk_en
    wb = openpyxl.load_workbook(paths["xlsx"])
    for sheet in ("README", "sample", "screening", "item_analysis", "reliability", "kmo_bartlett", "weights", "gaps",
                  "gaps_weighted", "ipa", "ipa_priorities", "csi", "groups", "priorities"):
        assert sheet in wb.sheetnames, sheet
    assert "topsis" not in wb.sheetnames  # two groups (sex) are compared, not ranked
    rel = sheet_frame(wb, "reliability")
    alpha_col = "Cronbach's α" if lang == "zh" else "Cronbach's alpha"
    scale_col = "量表/维度代码" if lang == "zh" else "Scale id"
    x, cols = kept_items("kiosk")
    ref = cronbach_alpha(x, cols)
    got = rel.loc[rel[scale_col] == "all", alpha_col].iloc[0]
    assert_allclose(got, ref.alpha, atol=1e-12)
    n_col = "样本量" if lang == "zh" else "n"
    assert rel.loc[rel[scale_col] == "all", n_col].iloc[0] == len(x)
    # each dimension too
    inst = sq.load_instrument("kiosk")
    for dim, dcols in inst.model().items():
        assert_allclose(rel.loc[rel[scale_col] == dim, alpha_col].iloc[0], cronbach_alpha(x, dcols).alpha, atol=1e-12)


def test_kiosk_overall_gap_in_xlsx_matches_gap_analysis(kiosk_en):
    resp = sq.read_dataset("kiosk")
    kept = sq.screen(resp, resp.instrument, exclude=["straightlining"]).kept
    ref = gap_analysis(kept, resp.instrument).table
    wb = openpyxl.load_workbook(kiosk_en["xlsx"])
    g = sheet_frame(wb, "gaps")
    ov = g[g["Level"] == "overall"].iloc[0]
    r = ref[ref["level"] == "overall"].iloc[0]
    assert_allclose([ov["Gap P−E"], ov["95% CI low"], ov["95% CI high"]], [r["gap"], r["ci_low"], r["ci_high"]], atol=1e-12)
    # item rows carry the item wording from the questionnaire
    q01 = g[g["Item"] == "q01"].iloc[0]
    assert q01["Item wording"] == resp.instrument.item("q01").text.en


def test_kiosk_docx_zh_headings_tables_captions_and_figures(kiosk_zh):
    path = kiosk_zh["docx"]
    assert headings(path) == [f"{i} {t}" for i, t in enumerate(SECTION_TITLES["zh"], 1)]
    d = docx.Document(str(path))
    caps = captions(path)
    tab_caps = [c for c in caps if c.startswith("表 ")]
    fig_caps = [c for c in caps if c.startswith("图 ")]
    assert len(tab_caps) == len(d.tables) >= 20
    assert [int(re.match(r"表 (\d+)", c).group(1)) for c in tab_caps] == list(range(1, len(tab_caps) + 1))
    assert "表 7　信度系数" in tab_caps
    # figures: every caption has its picture (likert, scree, loadings, weights, gaps, IPA, TOPSIS, radar)
    assert len(fig_caps) == len(d.inline_shapes) >= 6
    assert any("重要性—表现象限图" in c for c in fig_caps)
    # the reliability table's header row is in Chinese
    rel = next(t for t in d.tables if "Cronbach's α" in [c.text for c in t.rows[0].cells])
    header = [c.text for c in rel.rows[0].cells]
    assert {"维度名称", "题项数", "α 95%CI下限", "McDonald's ω"} <= set(header)
    assert [c.text for c in rel.rows[1].cells][:2] == ["all", "总量表"]
    # the skipped Kano section says why
    assert paragraph_after(path, "8 Kano 模型分析") == "本节未列出，原因：问卷没有 Kano 功能/非功能题对。"
    text = docx_text(path)
    assert "Nunnally 1978" in text and "Kaiser 1974" in text and "Martilla & James 1977" in text and "Parasuraman" in text


def test_kiosk_docx_en_and_html(kiosk_en):
    path = kiosk_en["docx"]
    assert headings(path) == [f"{i} {t}" for i, t in enumerate(SECTION_TITLES["en"], 1)]
    caps = captions(path)
    assert caps[0] == "Table 1. Sample"
    assert not [c for c in caps if c.startswith("Figure")]  # figures=False
    html = kiosk_en["html"].read_text(encoding="utf-8")
    assert "Left out because the questionnaire has no Kano functional / dysfunctional question pairs." in html
    assert "<img" not in html


def test_kiosk_priorities_and_results_json(kiosk_en):
    doc = json.loads(kiosk_en["json"].read_text(encoding="utf-8"))
    for key in ("n_rows", "n_used", "missing_policy", *RESULTS_KEYS):
        assert key in doc
    study = doc["study"]
    assert [s["key"] for s in study["sections"]] == list(STUDY_SECTIONS)
    skipped = {s["key"]: s["skipped"] for s in study["sections"]}
    assert skipped["kano"] and all(skipped[k] is None for k in ("gaps", "ipa", "evaluation", "priorities"))
    assert study["n_read"] == 211 and study["n_read"] - study["n_excluded"] == study["n_kept"]
    assert study["segment"] == "sex"
    x, cols = kept_items("kiosk")
    assert doc["n_used"] == len(x)
    rel = {r["scale"]: r for r in doc["reliability"]}
    assert_allclose(rel["all"]["alpha"], cronbach_alpha(x, cols).alpha, atol=1e-12)
    # priorities start with the IPA "concentrate here" items, then the largest significant negative gaps
    pr = study["priorities"]
    ipa_res = sq.ipa(sq.screen(sq.read_dataset("kiosk"), "kiosk", exclude=["straightlining"]).kept,
                                        sq.load_instrument("kiosk"))
    conc = ipa_res.priorities.loc[ipa_res.priorities["quadrant"] == "concentrate_here", "item"].tolist()
    assert [p["ref"] for p in pr[: len(conc)]] == conc and all(p["source"] == "ipa" for p in pr[: len(conc)])
    assert any(p["source"] == "gap" for p in pr) and any(p["source"] == "dimension" for p in pr)
    # the weights sum to one and the satisfaction index lies in 0-100
    w = pd.DataFrame(study["weights"])
    assert_allclose(w[["entropy", "critic", "combined"]].sum().to_numpy(), 1.0, atol=1e-12)
    csi = pd.DataFrame(study["satisfaction_index"])
    assert csi["index_0_100"].between(0, 100).all() and (csi["segment"] == "all").any()


# ---------------------------------------------------------------------------------------------------
# mobi: no blocks -> gaps left out with the reason; IPA on derived importance
# ---------------------------------------------------------------------------------------------------
def test_mobi_gap_and_ipa_sections_say_why_they_are_skipped(mobi_en, mobi_zh):
    assert paragraph_after(mobi_en["docx"], "6 SERVQUAL gaps") == (
        "Left out because the questionnaire has no expectation and no perception block, so SERVQUAL gaps (P - E) "
        "cannot be computed.")
    # no importance block, but a satisfaction outcome: IPA on derived importance, saying so
    assert paragraph_after(mobi_en["docx"], "7 Importance-performance analysis (IPA)").startswith(
        "The questionnaire has no importance block: importance is derived as Johnson's relative weights")
    assert paragraph_after(mobi_zh["docx"], "6 SERVQUAL 服务质量差距") == (
        "本节未列出，原因：问卷没有期望和感知题组，无法计算 SERVQUAL 差距（P − E）。")
    html = mobi_en["html"].read_text(encoding="utf-8")
    assert html.count('class="skipped"') >= 2 + 2  # 2 notes in the contents, 2 in the body (gaps, kano)
    wb = openpyxl.load_workbook(mobi_zh["xlsx"])
    assert "gaps" not in wb.sheetnames and "ipa" in wb.sheetnames
    x, cols = kept_items("mobi")
    rel = sheet_frame(wb, "reliability")
    assert_allclose(rel.loc[rel["量表/维度代码"] == "all", "Cronbach's α"].iloc[0], cronbach_alpha(x, cols).alpha, atol=1e-12)
    # without a segment, the evaluation section says so; priorities come from the weakest dimensions
    text = docx_text(mobi_en["docx"])
    assert "No segment was given or declared" in text
    assert re.search(r"\d\. Strengthen [^:]+: satisfaction index \d+\.\d \(95% CI [^)]*\), its whole interval below the overall", text)


# ---------------------------------------------------------------------------------------------------
# bfi: reverse-keyed items, 2800 rows
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bfi_alpha_with_reverse_keyed_items_matches_cronbach_alpha(lang, bfi_zh, bfi_en):
    paths = bfi_zh if lang == "zh" else bfi_en
    wb = openpyxl.load_workbook(paths["xlsx"])
    rel = sheet_frame(wb, "reliability")
    scale_col, alpha_col = ("量表/维度代码", "Cronbach's α") if lang == "zh" else ("Scale id", "Cronbach's alpha")
    x, cols = kept_items("bfi", listwise=False)
    inst = sq.load_instrument("bfi")
    # the whole instrument on the rows that answered every item; a dimension on the rows that answered its items
    assert_allclose(rel.loc[rel[scale_col] == "all", alpha_col].iloc[0], cronbach_alpha(x.dropna(), cols).alpha, atol=1e-12)
    for scale, c in inst.model().items():
        a = cronbach_alpha(x[c].dropna(), c)
        assert a.n > len(x.dropna())
        assert_allclose(rel.loc[rel[scale_col] == scale, alpha_col].iloc[0], a.alpha, atol=1e-12)
    # reverse-keyed items are scored before the analysis: every r_drop of the agreeableness items is positive
    ia = sheet_frame(wb, "item_analysis")
    rcol = "校正题总相关" if lang == "zh" else "Corrected item-total r"
    icol = "题项" if lang == "zh" else "Item"
    assert (ia.loc[ia[icol].isin(["A1", "C4", "C5", "E1", "E2", "O2", "O5"]), rcol] > 0).all()


def test_bfi_docx_zh_tables(bfi_zh):
    d = docx.Document(str(bfi_zh["docx"]))
    caps = [c for c in captions(bfi_zh["docx"]) if c.startswith("表 ")]
    assert len(caps) == len(d.tables)
    assert paragraph_after(bfi_zh["docx"], "6 SERVQUAL 服务质量差距").startswith("本节未列出，原因：问卷没有期望和感知题组")
    w = next(t for t in d.tables if "熵权法" in [c.text for c in t.rows[0].cells])
    assert len(w.rows) == 1 + 5  # five personality dimensions


# ---------------------------------------------------------------------------------------------------
# PII never appears
# ---------------------------------------------------------------------------------------------------
def test_pii_column_never_appears_in_any_output(tmp_path):
    raw = sq.load_dataset("kiosk")
    phones = [f"138{i:08d}" for i in range(len(raw))]
    raw = pd.concat([raw.iloc[:, :1], pd.DataFrame({"phone": phones}), raw.iloc[:, 1:]], axis=1)
    data = tmp_path / "kiosk_with_contacts.csv"
    raw.to_csv(data, index=False)
    spec = yaml.safe_load(sq._resources.resolve_survey("kiosk").read_text(encoding="utf-8"))
    spec["pii"] = ["phone"]
    survey = tmp_path / "kiosk_pii.yaml"
    survey.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    inst = sq.load_instrument(survey)
    assert inst.pii == ("phone",)
    paths = run_study(data, survey, tmp_path / "out", lang="en", figures=False)
    html = paths["html"].read_text(encoding="utf-8")
    text = docx_text(paths["docx"])
    cells = [str(v) for v in xlsx_values(paths["xlsx"])]
    js = paths["json"].read_text(encoding="utf-8")
    for ph in phones[:50]:
        assert ph not in html and ph not in text and ph not in js
        assert not any(ph in c for c in cells)
    assert "phone" not in cells and ">phone<" not in html and "phone" not in js
    assert "Respondent PII columns declared in the instrument are excluded" in html
    with pytest.raises(AnalysisError, match="PII"):
        study_report(sq.read_responses(data, inst), segment="phone", figures=False)


# ---------------------------------------------------------------------------------------------------
# pieces
# ---------------------------------------------------------------------------------------------------
def test_ahp_judgements_are_combined_with_the_objective_weights():
    resp = sq.read_dataset("mobi")
    dims = resp.instrument.dimension_ids
    k = len(dims)
    # a consistent matrix from priorities 6, 5, ..., 1: a_ij = p_i / p_j (CR = 0)
    p = np.arange(k, 0, -1, dtype=float)
    m = pd.DataFrame(p[:, None] / p[None, :], index=dims, columns=dims)
    rep = study_report(resp, ahp=m, figures=False, lang="en")
    sec = rep.section("weights")
    w = next(t for t in sec.tables if t.key == "weights").frame
    assert_allclose(w["ahp"].to_numpy(), p / p.sum(), atol=1e-9)
    assert_allclose(w["final"].sum(), 1.0, atol=1e-12)
    assert any("CR = 0.000" in t.en and "Saaty 1980" in t.en for t in sec.paragraphs)


def test_fit_table_applies_hu_bentler_cutoffs():
    fit = pd.Series({"estimator": "ML", "chi2": 120.0, "df": 48.0, "pval": 1e-8, "cfi": 0.951, "tli": 0.94,
                     "rmsea": 0.061, "rmsea_ci_low": 0.05, "rmsea_ci_high": 0.07, "srmr": 0.05, "gfi": 0.91, "agfi": 0.88})
    t = fit_table(fit)
    met = {row["index"].en.split(" ")[0]: row["met"] for _, row in t.iterrows() if row["met"] is not None}
    assert met == {"chi2/df": True, "CFI": True, "TLI": False, "RMSEA": False, "SRMR": True, "GFI": True, "AGFI": False}
    assert_allclose(t.loc[t["index"].map(lambda x: x.en) == "chi2/df", "value"].iloc[0], 2.5)


def test_a_failing_figure_becomes_a_note_not_an_error():
    import matplotlib.pyplot as plt

    inst = sq.load_instrument("mobi")
    st = StudyContext(instrument=inst, lang="en", kept=pd.DataFrame())
    sec = Section("x", "x")
    st.figure(sec, "bad", Text("坏图", "Bad figure"), lambda plots: plots.no_such_plot())
    st.figure(sec, "boom", Text("错图", "Boom"), lambda plots: 1 / 0)
    st.figure(sec, "good", Text("好图", "Good"), lambda plots: plt.subplots()[1])
    assert [f.key for f in sec.figures] == ["good"] and sec.figures[0].png().startswith(b"\x89PNG")
    assert sec.paragraphs[0].en.startswith('Figure "Bad figure" was not drawn: AttributeError')
    assert "ZeroDivisionError" in sec.paragraphs[1].en and "ZeroDivisionError" in st.notes[1]
    assert not plt.get_fignums()  # rendered figures are closed


def test_run_study_checks_its_inputs_before_analysing(tmp_path):
    with pytest.raises(AnalysisError, match="not a bundled data set"):
        run_study("no_such_data", out_dir=tmp_path)
    with pytest.raises(ReportError, match="format"):
        run_study("mobi", out_dir=tmp_path, formats=("pdf",))
    with pytest.raises(ValueError, match="lang"):
        study_report(sq.read_dataset("mobi"), lang="fr")
    with pytest.raises(AnalysisError, match="segment column"):
        study_report(sq.read_dataset("mobi"), segment="region", figures=False)
    with pytest.raises(AnalysisError, match="questionnaire"):
        study_report(sq.load_dataset("mobi"))


@pytest.mark.parametrize("name", ["mobi", "kiosk", "bfi"])
def test_every_dimension_priority_rests_on_its_interval(name):
    """A dimension is a priority only when its whole 95% interval lies below the overall index (recomputed
    from the study's own results), and no priority names an outcome construct."""
    from servqual.reporting.study.api import build_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = build_study(sq.read_dataset(name), lang="en", figures=False)
    csi = pd.DataFrame(st.results["satisfaction_index"])
    allrows = csi[csi["segment"] == "all"].set_index("dimension")
    overall = allrows.loc["overall", "index_0_100"]
    inst = sq.load_instrument(name)
    for p in st.results["priorities"]:
        if p["source"] == "dimension":
            assert allrows.loc[p["ref"], "ci_high"] < overall, p
        assert p["ref"] not in {c.id for c in inst.outcome_constructs}
    # and every dimension whose interval lies below is named (up to 3)
    below = allrows[(allrows.index != "overall") & (allrows["ci_high"] < overall)]
    named = [p["ref"] for p in st.results["priorities"] if p["source"] == "dimension"]
    assert len(named) == min(3, len(below))
