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
