"""PLS path modelling against seminr's own reference values on the mobi data (tests/reference/pls/)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import AnalysisError
from servqual.psychometrics.pls import pls

REF = Path(__file__).parent / "reference" / "pls"
MODEL = {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"], "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
         "Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"]}
PATHS = [("Image", "Satisfaction"), ("Expectation", "Satisfaction"), ("Value", "Satisfaction")]


@pytest.fixture(scope="module")
def fit():
    return pls(sq.read_dataset("mobi").data, MODEL, PATHS)


def _ref(name):
    return pd.read_csv(REF / name, index_col=0)


def test_reliability_equals_seminr(fit):
    want = _ref("reliability.csv")
    got = fit.inner_summary.set_index("construct")
    for mine, theirs in (("alpha", "alpha"), ("rho_c", "rhoC"), ("ave", "AVE"), ("rho_a", "rhoA")):
        np.testing.assert_allclose(got.loc[want.index, mine], want[theirs], atol=1e-10, err_msg=mine)


def test_r2_and_f2_equal_seminr(fit):
    r = _ref("rsquared1.csv")
    s = fit.inner_summary.set_index("construct").loc["Satisfaction"]
    assert s["r2"] == pytest.approx(r.loc["Rsq", "Satisfaction"], abs=1e-10)
    assert s["r2_adj"] == pytest.approx(r.loc["AdjRsq", "Satisfaction"], abs=1e-10)
    f2 = fit.fsquared.set_index("from").loc["Image", "f2"]
    assert f2 == pytest.approx(_ref("fsquared1.csv").iloc[0, 0], abs=1e-8)


def test_cross_loadings_and_htmt_equal_seminr(fit):
    want = _ref("cross_loadings.csv")
    np.testing.assert_allclose(fit.cross_loadings.loc[want.index, want.columns].to_numpy(), want.to_numpy(), atol=1e-10)
    h = _ref("htmt.csv")
    got = fit.htmt.set_index(["dimension_a", "dimension_b"])["htmt"]
    for a in h.index:
        for b in h.columns:
            if pd.notna(h.loc[a, b]):
                assert got.loc[(a, b)] == pytest.approx(h.loc[a, b], abs=1e-10)


def test_factorial_scheme_paths_equal_seminr():
    want = _ref("factorial_coefficients.csv")["Satisfaction"]
    got = pls(sq.read_dataset("mobi").data, MODEL, PATHS, scheme="factorial").paths.set_index("from")["estimate"]
    for c in ("Image", "Expectation", "Value"):
        assert got[c] == pytest.approx(want[c], abs=1e-9)


def test_scores_are_standardized_and_effects_add_up(fit):
    assert np.allclose(fit.scores.mean(), 0, atol=1e-12) and np.allclose(fit.scores.std(ddof=1), 1)
    eff = fit.effects
    assert np.allclose(eff["direct"] + eff["indirect"], eff["total"])
    assert fit.converged and "PLS" in fit.notes("en")[0] and "PLS" in fit.notes("zh")[0]


def test_bad_models_are_clear_errors():
    mobi = sq.read_dataset("mobi").data
    with pytest.raises(AnalysisError, match="scheme"):
        pls(mobi, MODEL, PATHS, scheme="nope")
    with pytest.raises(AnalysisError, match="not in the data"):
        pls(mobi, {"A": ["nope"]}, [])
    with pytest.raises(AnalysisError, match="not in the model"):
        pls(mobi, MODEL, [("Image", "Loyalty")])


def test_consistent_pls_equals_seminr():
    fit = pls(sq.read_dataset("mobi").data, MODEL, PATHS, scheme="factorial", plsc=True)
    paths = _ref("path_coef1.csv")["Satisfaction"]
    got = fit.paths.set_index("from")["estimate"]
    for c in ("Image", "Expectation", "Value"):
        assert got[c] == pytest.approx(paths[c], abs=1e-9)
    r = _ref("rsquaredplsc.csv")
    s = fit.inner_summary.set_index("construct")
    assert s.loc["Satisfaction", "r2"] == pytest.approx(r.loc["Rsq", "Satisfaction"], abs=1e-9)
    assert s.loc["Satisfaction", "r2_adj"] == pytest.approx(r.loc["AdjRsq", "Satisfaction"], abs=1e-9)
    rho = _ref("rho1.csv")["rhoA"]
    np.testing.assert_allclose(s.loc[rho.index, "rho_a"], rho, atol=1e-9)
    lo = _ref("loadings1.csv")
    for c in lo.columns:
        items = lo.index[lo[c] != 0]
        np.testing.assert_allclose(fit.cross_loadings.loc[items, c], lo.loc[items, c], atol=1e-9, err_msg=c)


def test_bootstrap_and_vif():
    mobi = sq.read_dataset("mobi").data
    a = pls(mobi, MODEL, PATHS, bootstrap=40, seed=2)
    b = pls(mobi, MODEL, PATHS, bootstrap=40, seed=2)
    pd.testing.assert_frame_equal(a.paths, b.paths)
    p = a.paths.set_index("from")
    assert (p["ci_low"] < p["estimate"]).all() and (p["estimate"] < p["ci_high"]).all()
    assert np.allclose(p["t"], p["estimate"] / p["se"])
    # VIF of the predictors of Satisfaction from the construct correlations: 1 / (1 - R²_j)
    r = a.scores[["Image", "Expectation", "Value"]].corr().to_numpy()
    assert np.allclose(sorted(p["vif"]), sorted(np.diag(np.linalg.inv(r))))
    assert {"weight_se", "loading_ci_low"} <= set(a.outer.columns)


def test_model_from_the_questionnaire():
    # ecsi_mobi's structure: the ECSI model; the constructs and paths come from the questionnaire
    mobi = sq.read_dataset("mobi")
    fit = pls(mobi, None)
    assert len(fit.paths) == 12 and fit.converged
    direct = pls(mobi.data, *__import__("servqual.psychometrics.pls", fromlist=["pls_model"]).pls_model("ecsi_mobi")[:2])
    pd.testing.assert_frame_equal(fit.paths, direct.paths)
    with pytest.raises(AnalysisError, match="no structure"):
        pls(sq.read_dataset("kiosk"), None)
