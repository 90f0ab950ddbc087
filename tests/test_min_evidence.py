"""Minimum evidence before analysis and advice: a section whose input falls short of the minimum n of
the thresholds table is skipped with the reason, never run on a handful of respondents."""

from __future__ import annotations

import warnings

import pytest

import servqual as sq
from servqual.reporting.study.api import build_study
from servqual.thresholds import MIN_N, THRESHOLDS, min_n, min_n_table


def _study(n):
    r = sq.read_dataset("kiosk")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_study(r.data.head(n), r.instrument, lang="en", figures=False)


def test_the_minimum_n_table_names_every_analysis_with_its_source():
    t = min_n_table().set_index("analysis")
    assert set(t.index) == set(MIN_N) >= {"efa", "cfa", "gaps", "ipa", "weights", "group_comparison", "group_ranking"}
    assert t.loc["cfa", "minimum"] == "100" and "Boomsma" in t.loc["cfa", "citation"]
    assert t.loc["derived_importance", "minimum"] == "50 + 8 per predictor" and t.loc["derived_importance", "citation"] == "Green 1991"
    assert min_n("min_n_regression", 3) == 74 and min_n("min_n_gap") == THRESHOLDS["min_n_gap"].value == 30
    assert set(min_n_table("zh")["meaning"]) >= {"验证性因子分析", "差距检验"}


@pytest.mark.parametrize("n", [12, 28])
def test_a_handful_of_respondents_gets_no_analysis_and_no_advice(n):
    st = _study(n)
    sections = {s["key"]: s for s in st.results["sections"]}
    for key in ("weights", "gaps", "ipa"):
        assert sections[key]["skipped"] is not None and "fewer than" in sections[key]["skipped"], key
        assert "不做该分析" in sections[key]["skipped_zh"]
    validity = next(s for s in st.report.sections if s.key == "validity")
    if validity.skipped is not None:  # fewer complete respondents than items: no measurement report at all
        assert "at least 25 complete rows are needed" in validity.skipped.en
    else:
        text = " ".join(p.en for p in validity.paragraphs)
        assert "Confirmatory factor analysis, composite reliability, AVE and the Fornell-Larcker criterion: only" in text
    assert not [t.key for t in validity.tables if t.key in ("cfa_fit", "efa_loadings", "fornell_larcker")]
    evaluation = next(s for s in st.report.sections if s.key == "evaluation")
    assert any(p.en.startswith("Customer satisfaction index: only") for p in evaluation.paragraphs)
    # no advice at all: nothing was run on enough respondents
    assert st.results.get("priorities", []) == [] and sections["priorities"]["skipped"] is not None
    assert not any(c["section"] in ("gaps", "ipa", "weights", "priorities") for c in st.results["claims"])


def test_between_the_minimums_the_analyses_that_have_enough_are_run():
    st = _study(60)  # enough for gaps, IPA and weights (30), not for EFA or CFA (100)
    sections = {s["key"]: s for s in st.results["sections"]}
    assert sections["gaps"]["skipped"] is None and sections["ipa"]["skipped"] is None and sections["weights"]["skipped"] is None
    validity = next(s for s in st.report.sections if s.key == "validity")
    assert not [t for t in validity.tables if t.key in ("cfa_fit", "efa_loadings", "fornell_larcker")]
    assert [t for t in validity.tables if t.key == "kmo_bartlett"]
    text = " ".join(p.en for p in validity.paragraphs)
    assert "Confirmatory factor analysis, composite reliability, AVE and the Fornell-Larcker criterion: only" in text
    assert "Parallel analysis and exploratory factor analysis: only" in text
    assert not any(c["id"].startswith(("validity.cfa", "validity.cr", "validity.ave", "validity.fornell"))
                   for c in st.results["claims"])
    full = _study(211)
    assert [t for t in next(s for s in full.report.sections if s.key == "validity").tables if t.key == "cfa_fit"]


def test_groups_below_the_minimum_are_neither_compared_nor_ranked():
    st = _study(60)  # the first 60 kiosk respondents: 50 women, 10 men
    evaluation = next(s for s in st.report.sections if s.key == "evaluation")
    text = " ".join(p.en for p in evaluation.paragraphs)
    assert st.results["segment"] == "sex"
    assert "No group comparison: 1 sex group(s) have 30 or more respondents" in text
    assert "group_comparison" not in st.results and "topsis" not in st.results
    assert not any(c["id"].startswith(("evaluation.group_comparison", "evaluation.topsis")) for c in st.results["claims"])
