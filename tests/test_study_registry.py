"""The study's arrangement: the section registry, the typed context, the results it returns, and the
cut-offs and labels its sentences take from :mod:`servqual.thresholds` and :mod:`servqual.labels`."""

from __future__ import annotations

import json

import pytest

import servqual as sq
from servqual._results import dumps
from servqual._text import T
from servqual.exceptions import AnalysisError
from servqual.labels import IPA_QUADRANTS
from servqual.reporting.study import (STUDY_SECTIONS, StudyContext, StudyReport, build_study, results_keys,
                                      run_study, section, section_keys, study_report)
from servqual.reporting.study import registry
from servqual.reporting.study.measurement import FIT_CUTOFFS, fit_table
from servqual.reporting.study.text import band_rule, eta_sq_rule, hu_bentler_rule, rule, threshold
from servqual.thresholds import HU_BENTLER, THRESHOLDS

pytestmark = pytest.mark.filterwarnings("ignore::servqual.exceptions.InstrumentWarning")

ORDER = ("sample", "items", "reliability", "validity", "weights", "gaps", "ipa", "kano", "evaluation", "priorities")


@pytest.fixture(scope="module")
def mobi_study():
    return build_study(sq.read_dataset("mobi"), lang="en", figures=False)


@pytest.fixture
def scratch_registry():
    """The registry, restored after the test whatever the test registers."""
    saved = list(registry.SECTIONS)
    yield registry.SECTIONS
    registry.SECTIONS[:] = saved


# ---------------------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------------------
def test_sections_are_registered_in_report_order():
    assert STUDY_SECTIONS == section_keys() == ORDER
    assert list(results_keys()) == list(ORDER)
    declared = [k for keys in results_keys().values() for k in keys]
    assert len(declared) == len(set(declared))
    assert results_keys()["sample"] == ("n_read", "n_kept", "n_excluded", "n_complete_kept", "share_missing")


def test_a_new_section_is_one_registered_function_placed_after_the_one_it_names(scratch_registry):
    @section("loyalty", T("忠诚度", "Loyalty"), after="kano", results=("loyalty",))
    def loyalty(ctx, sec):
        sec.add_paragraph(T("忠诚", f"{len(ctx.kept)} respondents"))
        ctx.results["loyalty"] = len(ctx.kept)

    assert section_keys()[7:10] == ("kano", "loyalty", "evaluation")
    study = build_study(sq.read_dataset("mobi"), lang="en", figures=False)
    assert [s.key for s in study.report.sections] == [*ORDER[:8], "loyalty", *ORDER[8:]]
    assert study.results["loyalty"] == study.results["n_kept"]
    assert [s["key"] for s in study.results["sections"]][8] == "loyalty"


def test_registering_twice_or_after_an_unknown_section_is_refused(scratch_registry):
    with pytest.raises(ValueError, match="registered twice"):
        section("gaps", T("x", "x"))(lambda ctx, sec: None)
    with pytest.raises(ValueError, match="not registered"):
        section("extra", T("x", "x"), after="no_such_section")(lambda ctx, sec: None)


def test_a_section_adding_an_undeclared_result_is_a_defect(scratch_registry):
    @section("leaky", T("x", "x"), after="sample")
    def leaky(ctx, sec):
        ctx.results["surprise"] = 1

    ctx = StudyContext(instrument=sq.load_instrument("mobi"), lang="en", kept=sq.read_dataset("mobi").data)
    with pytest.raises(RuntimeError, match="undeclared results"):
        ctx.build_section("leaky")


# ---------------------------------------------------------------------------------------------------
# the returned study
# ---------------------------------------------------------------------------------------------------
def test_build_study_returns_the_report_and_its_results(mobi_study, tmp_path):
    assert isinstance(mobi_study, StudyReport)
    rep = mobi_study.report
    assert "_results" not in rep.meta and "_measurement" not in rep.meta
    assert mobi_study.measurement is not None and mobi_study.measurement.n_used == mobi_study.results["n_complete_kept"]
    assert [s["key"] for s in mobi_study.results["sections"]] == list(ORDER)
    paths = run_study("mobi", out_dir=tmp_path, lang="en", formats="xlsx", figures=False)
    doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert doc["study"] == json.loads(dumps(mobi_study.results))
    # study_report gives the same document
    rep2 = study_report(sq.read_dataset("mobi"), lang="en", figures=False)
    assert [p.en for s in rep2.sections for p in s.paragraphs] == [p.en for s in rep.sections for p in s.paragraphs]


def test_the_context_computes_the_measurement_once_and_keeps_later_results_typed():
    ctx = StudyContext.from_data(sq.read_dataset("kiosk"), lang="en", figures=False)
    assert ctx.measurement is None and ctx.segment == "sex"
    ctx.build_section("items")
    mr = ctx.measurement
    ctx.build_section("reliability")
    assert ctx.measurement is mr
    ctx.build_section("gaps")
    ctx.build_section("ipa")
    assert ctx.gaps.n > 0 and len(ctx.ipa.table)
    assert ctx.build_section("priorities").tables[0].key == "priorities"
    assert ctx.results["priorities"][0]["source"] == "ipa"


def test_the_context_refuses_a_pii_segment_and_a_frame_without_questionnaire():
    with pytest.raises(AnalysisError, match="questionnaire"):
        StudyContext.from_data(sq.load_dataset("mobi"))
    with pytest.raises(AnalysisError, match="segment column"):
        StudyContext.from_data(sq.read_dataset("mobi"), segment="region")


# ---------------------------------------------------------------------------------------------------
# cut-offs and labels
# ---------------------------------------------------------------------------------------------------
def test_cut_off_wording_comes_from_the_thresholds():
    assert band_rule("alpha", "zh", at_least="alpha") == "≥ .90 优秀，≥ .80 良好，≥ .70 可接受"
    assert band_rule("kmo", "en", repeat_op=False) == ">= .90 marvelous, .80 meritorious, .70 middling, .60 mediocre, .50 miserable"
    assert hu_bentler_rule("zh") == "CFI、TLI ≥ .95，RMSEA ≤ .06，SRMR ≤ .08"
    assert hu_bentler_rule("en") == "CFI, TLI >= .95; RMSEA <= .06; SRMR <= .08"
    assert eta_sq_rule("en") == ".01/.06/.14 is small/medium/large"
    assert rule("ahp_cr", "zh") == "< .10" and threshold("rmsea") is THRESHOLDS["rmsea"]
    assert [k for _, _, _, k in FIT_CUTOFFS] == ["chi2_df", *HU_BENTLER, "gfi", "agfi"]


def test_fit_table_cutoffs_are_the_thresholds_values():
    import pandas as pd

    fit = pd.Series({"chi2": 100.0, "df": 50.0, "pval": 0.01, "cfi": 0.95, "tli": 0.95, "rmsea": 0.06, "srmr": 0.08,
                     "gfi": 0.9, "agfi": 0.9})
    t = fit_table(fit).iloc[3:]
    for (_, row), (_, _, _, key) in zip(t.iterrows(), FIT_CUTOFFS):
        assert row["cutoff"].endswith(f"{threshold(key).value:g}") and row["source"] == threshold(key).citation
        assert row["met"] is True  # every value sits on its cut-off, which meets it


def test_sentences_state_the_cut_offs_they_apply(mobi_study):
    rel = [p.en for p in mobi_study.report.section("reliability").paragraphs]
    alpha = THRESHOLDS["alpha"]
    assert any(f"below {alpha.value:.2f} ({alpha.citation})" in p for p in rel)
    val = " ".join(p.en for p in mobi_study.report.section("validity").paragraphs)
    assert "(CFI, TLI >= .95; RMSEA <= .06; SRMR <= .08)" in val and "Kaiser 1974: >= .90 marvelous" in val


def test_ipa_quadrant_names_come_from_the_labels():
    ctx = StudyContext.from_data(sq.read_dataset("kiosk"), lang="en", figures=False)
    sec = ctx.build_section("ipa")
    grid = sec.tables[0].frame
    assert [q.en for q in grid["quadrant_label"]] == [IPA_QUADRANTS[c].en for c in ctx.ipa.table["quadrant"]]
