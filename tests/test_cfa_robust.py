"""Robust ML CFA (MLM, MLMV, MLR) against lavaan 0.6.14 on five bundled data sets.

References: tests/reference/robust/<case>.json (``cfa(syntax, data, estimator = ...)`` of the oracle).
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import AnalysisError
from servqual.psychometrics.cfa_robust import cfa_robust

REF = Path(__file__).parent / "reference" / "robust"
CASES = ["holzinger", "mobi", "kiosk", "bfi", "corp_rep"]


@pytest.fixture(scope="module", params=[(c, e) for c in CASES for e in ("MLM", "MLMV", "MLR")],
                ids=lambda ce: f"{ce[0]}-{ce[1]}")
def robust_fit(request):
    case, est = request.param
    ref = json.loads((REF / f"{case}.json").read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = sq.read_dataset(case).data
    flt = ref["data"]["row_filter"]
    if flt:
        df = df[df[flt["column"]] == flt["equals"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = cfa_robust(df, ref["syntax"], estimator=est)
    return ref, ref["fits"][est], fit


def test_rows_used_as_lavaan(robust_fit):
    ref, _, fit = robust_fit
    assert fit.n == ref["data"]["n_used"]


def test_every_fit_measure_equals_lavaan(robust_fit):
    _, ref, fit = robust_fit
    want = {k: v for k, v in ref["fit_measures"].items() if v is not None}
    assert not sorted(set(want) - set(fit.fit_measures().index))
    for k, v in want.items():
        assert fit.fit_measures()[k] == pytest.approx(v, rel=1e-4, abs=1e-6), k


def test_estimates_and_robust_standard_errors_equal_lavaan(robust_fit):
    _, ref, fit = robust_fit
    want = pd.DataFrame(ref["parameter_estimates"])
    got = want[["lhs", "op", "rhs"]].merge(fit.estimates, on=["lhs", "op", "rhs"], how="left")
    assert got["est"].notna().all()
    np.testing.assert_allclose(got["est"].to_numpy(float), want["est"].to_numpy(float), atol=1e-4)
    np.testing.assert_allclose(got["se"].to_numpy(float), want["se"].to_numpy(float), atol=1e-5)


def test_robust_test_and_traces_equal_lavaan(robust_fit):
    _, ref, fit = robust_fit
    name = [k for k in ref["test"] if k != "standard"][0]
    assert name in fit.test
    for k in ("stat", "scaling.factor", "trace.UGamma", "trace.UGamma2", "shift.parameter", "ybm_trace_h1",
              "ybm_trace_h0"):
        if ref["test"][name].get(k) is not None:
            assert fit.test[name][k] == pytest.approx(ref["test"][name][k], rel=1e-5), k


def test_unknown_estimator_is_a_clear_error():
    with pytest.raises(AnalysisError, match="MLM, MLMV, MLR"):
        cfa_robust(sq.read_dataset("holzinger").data, "F =~ x1 + x2 + x3", estimator="WLS")
