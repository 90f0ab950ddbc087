"""Thresholds, polychoric correlations and their asymptotic covariance against lavaan 0.6.14.

References: tests/reference/ordinal/<case>.json, extracted from lavaan's WLSMV fit of each case
(``lavInspect(fit, "sampstat")`` and the diagonal of ``lavInspect(fit, "wls.v")``).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import servqual as sq
from servqual.exceptions import AnalysisError
from servqual.psychometrics.polychoric import bivariate_normal_cdf, polychoric, polychoric_pair

REF = Path(__file__).parent / "reference" / "ordinal"


def _case(case):
    ref = json.loads((REF / f"{case}.json").read_text(encoding="utf-8"))
    df = sq.read_dataset(case).data
    flt = ref["data"]["row_filter"]
    if flt:
        df = df[df[flt["column"]] == flt["equals"]]
    return ref, df[ref["data"]["items"]]


@pytest.fixture(scope="module", params=["kiosk", "bfi", "corp_rep"])
def case(request):
    ref, x = _case(request.param)
    return request.param, ref, polychoric(x)


def test_rows_and_categories_as_lavaan(case):
    _, ref, pc = case
    assert pc.n == ref["data"]["n_used"]
    for item, counts in ref["category_counts"].items():
        assert pc.categories[item] == sorted(float(k) for k in counts)


def test_thresholds_equal_lavaan(case):
    _, ref, pc = case
    mine = pd.Series({f"{i}|{t}": v for (i, t), v in pc.thresholds.items()})
    want = pd.Series(ref["thresholds_sample"])
    assert list(mine.index) == list(want.index)
    np.testing.assert_allclose(mine.to_numpy(), want.to_numpy(), rtol=0, atol=1e-10)


def test_polychoric_correlations_equal_lavaan(case):
    _, ref, pc = case
    p = ref["polychoric"]
    want = pd.DataFrame(p["data"], index=p["row_names"], columns=p["col_names"])
    got = pc.correlations.loc[want.index, want.columns]
    # lavaan's nlminb stops within ~5e-8 of the optimum
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-6)


def test_dwls_weights_equal_lavaan(case):
    name, ref, pc = case
    want = np.asarray(ref["wls_v_diag"])
    got = pc.dwls_weights.to_numpy()
    assert got.shape == want.shape
    # corp_rep's switch_1/switch_4 correlation is 0.998 (lavaan warns "nearly 1"): there the weight
    # amplifies the optimizer's last digits of rho; elsewhere agreement is 1e-6 relative
    tol = 5e-5 if name == "corp_rep" else 1e-6
    np.testing.assert_allclose(got, want, rtol=tol)


def test_floored_cells_are_what_moves_the_kiosk_pair():
    # one answer of 7 on sq10 with 1 on sq11 (and vice versa) is nearly impossible under rho = 0.84;
    # lavaan floors such cell probabilities at 1.49e-8, and so does servqual: without the floor the
    # maximum-likelihood rho would be 0.80
    ref, x = _case("kiosk")
    got = polychoric_pair(x["sq11_per"].to_numpy(float), x["sq10_per"].to_numpy(float))
    p = ref["polychoric"]
    want = pd.DataFrame(p["data"], index=p["row_names"], columns=p["col_names"]).loc["sq11_per", "sq10_per"]
    assert got == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("h,k,rho", [(0.3, -1.2, 0.7), (-2.5, 2.0, -0.95), (1.0, 1.0, 0.999), (0.0, 0.5, -0.3)])
def test_bivariate_normal_cdf_against_scipy(h, k, rho):
    want = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([h, k])
    assert float(bivariate_normal_cdf(h, k, rho)) == pytest.approx(want, abs=1e-6)
    assert float(bivariate_normal_cdf(np.inf, k, rho)) == pytest.approx(stats.norm.cdf(k), abs=1e-14)
    assert float(bivariate_normal_cdf(-np.inf, k, rho)) == 0.0


def test_two_by_two_rules():
    x = np.array([0, 0, 0, 1, 1, 1, 0, 1])
    # independence: a*d == b*c
    assert polychoric_pair(x, np.array([0, 1, 0, 1, 0, 1, 1, 0])) == 0.0
    # two empty cells: perfect association
    assert polychoric_pair(x, x) == 1.0
    assert polychoric_pair(x, 1 - x) == -1.0


def test_bad_input_is_a_clear_error():
    with pytest.raises(AnalysisError, match="integer"):
        polychoric(pd.DataFrame({"a": [1.5, 2, 3], "b": [1, 2, 3]}))
    with pytest.raises(AnalysisError, match="two observed categories"):
        polychoric(pd.DataFrame({"a": [1, 1, 1], "b": [1, 2, 3]}))
    with pytest.raises(AnalysisError, match="not in the data"):
        polychoric(pd.DataFrame({"a": [1, 2]}), ["a", "zz"])
    with pytest.raises(AnalysisError, match="nan_policy"):
        polychoric(pd.DataFrame({"a": [1, 2], "b": [2, 1]}), nan_policy="pairwise")
