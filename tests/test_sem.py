"""Latent SEM by ML against lavaan 0.6.14 (``sem``) on three bundled models.

References: tests/reference/sem/<case>.json. mobi's ECSI model is improper in lavaan too (the Loyalty
residual variance is negative; lavaan's post-check fails and it reports no R² for Loyalty).
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import AnalysisError, HeywoodWarning
from servqual.psychometrics.sem import parse_syntax, sem

REF = Path(__file__).parent / "reference" / "sem"


@pytest.fixture(scope="module", params=["corp_rep", pytest.param("kiosk", marks=pytest.mark.slow),
                                        pytest.param("mobi", marks=pytest.mark.slow)])
def fitted(request):
    ref = json.loads((REF / f"{request.param}.json").read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = sq.read_dataset(request.param).data
        if ref["row_filter"]:
            df = df[df[ref["row_filter"]["column"]] == ref["row_filter"]["equals"]]
        return ref, sem(df, ref["syntax"])


def test_fit_measures_equal_lavaan(fitted):
    ref, fit = fitted
    assert fit.n == ref["n_used"]
    fm = fit.fit_measures()
    for k in fm.index:
        if ref["fit_measures"].get(k) is not None:
            assert fm[k] == pytest.approx(ref["fit_measures"][k], rel=1e-4, abs=1e-6), k
    for k in ("chisq", "df", "cfi", "tli", "rmsea", "srmr", "aic", "bic"):
        assert k in fm.index


def test_estimates_standard_errors_and_standardized_solution_equal_lavaan(fitted):
    ref, fit = fitted
    want = pd.DataFrame(ref["parameter_estimates"])
    got = want[["lhs", "op", "rhs"]].merge(fit.estimates, on=["lhs", "op", "rhs"], how="left")
    assert got["est"].notna().all()
    for col in ("est", "se", "std_all"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), atol=1e-4, err_msg=col)
    # the defined (indirect, total) effects carry their labels and expressions
    d = fit.defined
    assert list(d["lhs"]) == list(want.loc[want["op"] == ":=", "lhs"])


def test_r2_of_endogenous_variables_equal_lavaan(fitted):
    ref, fit = fitted
    for k, v in ref["r2_endogenous"].items():
        if v is None:
            assert np.isnan(fit.r2[k])  # improper solution: no R², as lavaan
        else:
            assert fit.r2[k] == pytest.approx(v, abs=1e-5)


def test_improper_solutions_warn():
    ref = json.loads((REF / "mobi.json").read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = sq.read_dataset("mobi").data
    assert ref["post_check"] is False
    with pytest.warns(HeywoodWarning, match="Loyalty"):
        sem(df, ref["syntax"], max_iter=200)


def test_syntax_errors_are_clear():
    cr = sq.read_dataset("corp_rep").data
    with pytest.raises(AnalysisError, match="cannot read model line"):
        sem(cr, "COMP => comp_1")
    with pytest.raises(AnalysisError, match="not a latent variable"):
        sem(cr, "COMP =~ comp_1 + comp_2 + comp_3\ncusa ~ COMP")
    with pytest.raises(AnalysisError, match="not a label"):
        sem(cr, "COMP =~ comp_1 + comp_2 + comp_3\nCUSL =~ cusl_1 + cusl_2 + cusl_3\nCUSL ~ b*COMP\nx := b*c")
    with pytest.raises(AnalysisError, match="only labels"):
        sem(cr, "COMP =~ comp_1 + comp_2 + comp_3\nCUSL =~ cusl_1 + cusl_2 + cusl_3\nCUSL ~ b*COMP\nx := __import__(1)")
    st, defined = parse_syntax("F =~ 1*a + b")
    assert st[0].fixed == 1.0 and defined == {}


def test_bootstrap_draws_equal_lavaans_on_the_same_resamples():
    ref = json.loads((REF / "corp_rep.json").read_text(encoding="utf-8"))
    bs = ref["bootstrap_first"]
    cr = sq.read_dataset("corp_rep").data
    fit = sem(cr, ref["syntax"], resamples=np.asarray(bs["indices_1based"]) - 1)
    labels = fit.estimates.set_index(["lhs", "op", "rhs"])
    # the draws of the labelled paths, by label, and of the defined effects
    paths = fit.estimates[fit.estimates["label"].isin(bs["paths"]["col_names"]) & (fit.estimates["op"] == "~")]
    assert len(paths) == len(bs["paths"]["col_names"])
    from servqual.psychometrics.sem import _build, parse_syntax
    st, _ = parse_syntax(ref["syntax"])
    mod = _build(st, cr.columns)
    col_of = {lab: f"p{k}" for k, lab in enumerate(mod.labels) if lab}
    got = np.column_stack([fit.boot[col_of[c]] for c in bs["paths"]["col_names"]])
    np.testing.assert_allclose(got, bs["paths"]["data"], atol=5e-5)  # lavaan's draws stop at its own tolerance
    got = np.column_stack([fit.boot[c] for c in bs["defined"]["col_names"]])
    np.testing.assert_allclose(got, bs["defined"]["data"], atol=5e-5)
    d = fit.defined
    assert (d["ci_lower_perc"] <= d["est"]).all() and (d["est"] <= d["ci_upper_perc"]).all()
    assert labels.loc[("COMP", "=~", "comp_1"), "boot_se"] == 0.0  # a fixed loading


def test_seeded_bootstrap_is_reproducible():
    cr = sq.read_dataset("corp_rep").data
    model = "COMP =~ comp_1 + comp_2 + comp_3\nCUSL =~ cusl_1 + cusl_2 + cusl_3\nCUSL ~ b*COMP"
    a = sem(cr, model, bootstrap=15, seed=5).estimates
    b = sem(cr, model, bootstrap=15, seed=5).estimates
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("case", ["corp_rep", pytest.param("mobi", marks=pytest.mark.slow)])
def test_model_from_the_questionnaire_structure_equals_lavaan(case):
    # the bundled questionnaires carry the structure of the lavaan reference models: the model built from
    # the questionnaire gives lavaan's estimates and its indirect and total effects, by name
    ref = json.loads((REF / f"{case}.json").read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resp = sq.read_dataset(case)
        fit = sem(resp, None)
    want = pd.DataFrame(ref["parameter_estimates"])
    reg = want[want["op"] == "~"].merge(fit.paths, on=["lhs", "rhs"], suffixes=("", "_got"))
    assert len(reg) == (want["op"] == "~").sum()
    np.testing.assert_allclose(reg["est_got"], reg["est"], atol=1e-4)
    d = want[want["op"] == ":="].merge(fit.defined, on="lhs", suffixes=("", "_got"))
    assert len(d) == (want["op"] == ":=").sum()
    np.testing.assert_allclose(d["est_got"], d["est"], atol=1e-4)
    np.testing.assert_allclose(d["se_got"], d["se"], atol=1e-4)


def test_questionnaire_without_structure_is_a_clear_error():
    with pytest.raises(AnalysisError, match="no structure"):
        sem(sq.read_dataset("kiosk"), None)
