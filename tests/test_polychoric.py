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
    with pytest.raises(AnalysisError, match="single observed answer category"):
        polychoric(pd.DataFrame({"a": [1, 1, 1], "b": [1, 2, 3]}))
    with pytest.raises(AnalysisError, match="not in the data"):
        polychoric(pd.DataFrame({"a": [1, 2]}), ["a", "zz"])
    with pytest.raises(AnalysisError, match="nan_policy"):
        polychoric(pd.DataFrame({"a": [1, 2], "b": [2, 1]}), nan_policy="pairwise")


# --- ordinal CFA: DWLS, WLSMV, ULSMV --------------------------------------------------------------
from servqual.psychometrics.cfa_ordinal import cfa_ordinal  # noqa: E402

#: fit measures that lavaan leaves NA for categorical data
_NOT_YET = {"srmr_mplus", "srmr_mplus_nomean"}


@pytest.fixture(scope="module", params=[(c, e) for c in ("kiosk", "bfi", "corp_rep") for e in ("WLSMV", "DWLS", "ULSMV")],
                ids=lambda ce: f"{ce[0]}-{ce[1]}")
def ordinal_fit(request):
    case, est = request.param
    ref, x = _case(case)
    return ref["fits"][est], cfa_ordinal(x, ref["syntax"], estimator=est)


def test_ordinal_fit_measures_equal_lavaan(ordinal_fit):
    ref, fit = ordinal_fit
    want = {k: v for k, v in ref["fit_measures"].items() if v is not None and k not in _NOT_YET}
    missing = sorted(set(want) - set(fit.fit_measures().index))
    assert not missing, missing
    for k, v in want.items():
        assert fit.fit_measures()[k] == pytest.approx(v, rel=1e-4, abs=1e-6), k
    assert int(fit.fit_measures()["npar"]) == ref["npar"]


def test_ordinal_estimates_and_robust_se_equal_lavaan(ordinal_fit):
    ref, fit = ordinal_fit
    want = pd.DataFrame(ref["parameter_estimates"])
    got = want[["lhs", "op", "rhs"]].merge(fit.estimates, on=["lhs", "op", "rhs"], how="left")
    assert got["est"].notna().all()
    for col in ("est", "se", "std_all"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), rtol=0, atol=1e-4, err_msg=col)


def test_ordinal_scaled_shifted_test_as_lavaan(ordinal_fit):
    ref, fit = ordinal_fit
    if "scaled.shifted" not in ref["test"]:
        assert "scaled.shifted" not in fit.test
        return
    r, m = ref["test"]["scaled.shifted"], fit.test["scaled.shifted"]
    for k in ("stat", "trace.UGamma", "trace.UGamma2", "scaling.factor", "shift.parameter"):
        assert m[k] == pytest.approx(r[k], rel=1e-5), k


def test_ordinal_cfa_rejects_what_it_cannot_fit():
    x = sq.read_dataset("corp_rep").data
    with pytest.raises(AnalysisError, match="estimator"):
        cfa_ordinal(x, "F =~ comp_1 + comp_2 + comp_3", estimator="MLR")
    with pytest.raises(AnalysisError, match="more than one factor"):
        cfa_ordinal(x, "F =~ comp_1 + comp_2 + comp_3\nG =~ comp_3 + like_1 + like_2")
    with pytest.raises(AnalysisError, match="not in the data"):
        cfa_ordinal(x, "F =~ comp_1 + comp_2 + nope")


def test_bad_ordinal_input_names_the_item_and_what_to_do():
    r = sq.read_dataset("kiosk")
    model = {"a": ["sq01_per", "sq02_per", "sq03_per"], "b": ["sq04_per", "sq05_per", "sq06_per"]}
    one = r.data.copy()
    one["sq01_per"] = 7.0  # made here: every respondent gives the same answer
    with pytest.raises(sq.AnalysisError, match=r"single observed answer category: sq01_per \(only 7\).*Leave it out"):
        sq.cfa(one, model, estimator="WLSMV")
    with pytest.raises(sq.AnalysisError, match="12 complete rows for 29 parameters"):
        sq.cfa(r.data.head(12), model, estimator="WLSMV")
