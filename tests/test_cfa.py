"""servqual.cfa against R lavaan 0.6.14 (cfa, fitMeasures, standardizedSolution, lavInspect)."""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from conftest import SLUGS, _load_case, rmat
from numpy.testing import assert_allclose

import servqual as sq
from servqual.psychometrics.cfa import CFAResult, cfa, parse_model
from servqual.exceptions import AnalysisError, ConvergenceWarning, HeywoodWarning, ServqualWarning
from servqual.psychometrics.stats import sufficient_stats

TOL = 1e-4  # iterative estimates (lavaan stops at its own tolerance; the brief allows 1e-3)
RTOL_LARGE = 1e-6  # chi2, AIC, BIC, log-likelihood


@lru_cache(maxsize=None)
def _fit(slug: str):
    case = _load_case(slug)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = cfa(case.data, case.constructs)
    return res, tuple((w.category, str(w.message)) for w in caught)


def _ref(slug):
    return _load_case(slug).ref["cfa"]["ML"]


# ---------------------------------------------------------------------------------------------
# fit measures
# ---------------------------------------------------------------------------------------------
HEADLINE = {  # ours -> lavaan headline key
    "chi2": "chisq", "df": "df", "pval": "pvalue", "cfi": "cfi", "tli": "tli", "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea_ci_lower", "rmsea_ci_high": "rmsea_ci_upper", "srmr": "srmr", "aic": "aic", "bic": "bic",
}
LARGE = {"chi2", "aic", "bic", "loglik", "unrestricted_loglik", "baseline_chi2", "bic2"}
FIT_MEASURES = {  # ours -> lavaan fitMeasures name
    "npar": "npar", "fmin": "fmin", "chi2": "chisq", "df": "df", "pval": "pvalue", "baseline_chi2": "baseline.chisq",
    "baseline_df": "baseline.df", "baseline_pval": "baseline.pvalue", "cfi": "cfi", "tli": "tli", "nfi": "nfi",
    "rfi": "rfi", "ifi": "ifi", "rni": "rni", "pnfi": "pnfi", "loglik": "logl",
    "unrestricted_loglik": "unrestricted.logl",
    "aic": "aic", "bic": "bic", "bic2": "bic2", "rmsea": "rmsea", "rmsea_ci_low": "rmsea.ci.lower",
    "rmsea_ci_high": "rmsea.ci.upper", "rmsea_pval": "rmsea.pvalue", "rmr": "rmr", "srmr": "srmr_bentler",
    "crmr": "crmr", "gfi": "gfi", "agfi": "agfi", "pgfi": "pgfi", "mfi": "mfi", "ecvi": "ecvi",
}


def _close(ours, theirs, key):
    if key in LARGE:
        assert_allclose(ours, theirs, rtol=RTOL_LARGE, err_msg=key)
    else:
        assert_allclose(ours, theirs, atol=1e-5, err_msg=key)


@pytest.mark.parametrize("slug", SLUGS)
def test_cfa_headline_matches_lavaan(slug):
    res, _ = _fit(slug)
    ref = _ref(slug)
    assert ref["converged"] is True and res.converged
    fit = res.fit.iloc[0]
    assert fit["estimator"] == "ML" and int(fit["n"]) == ref["nobs"]
    for ours, theirs in HEADLINE.items():
        _close(float(fit[ours]), ref["headline"][theirs], ours)


@pytest.mark.parametrize("slug", SLUGS)
def test_cfa_fit_measures_match_lavaan_fitmeasures(slug):
    """gfi, agfi, nfi and the other fitMeasures() values (lavaan's SRMR definition, AIC/BIC from logL)."""
    res, _ = _fit(slug)
    fm = _ref(slug)["fit_measures"]
    fit = res.fit_measures()
    for ours, theirs in FIT_MEASURES.items():
        _close(float(fit[ours]), fm[theirs], ours)
    # lavaan's srmr is Bentler's
    assert_allclose(fit["srmr"], fm["srmr"], atol=1e-5)


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_cfa_std_loadings_match_lavaan_standardizedsolution(slug):
    res, _ = _fit(slug)
    tab = pd.DataFrame(_ref(slug)["std_loadings_table"])
    ours = res.loadings
    assert list(ours["factor"]) == list(tab["factor"]) and list(ours["item"]) == list(tab["item"])
    assert_allclose(ours["std_loading"], tab["est_std"], atol=TOL)
    assert_allclose(ours["std_se"], tab["se"], atol=TOL)
    assert_allclose(ours["ci_low"], tab["ci_lower"], atol=TOL)
    assert_allclose(ours["ci_high"], tab["ci_upper"], atol=TOL)
    assert_allclose(ours["std_z"], tab["z"], rtol=1e-3)
    p = tab["pvalue"].astype(float)
    assert_allclose(ours["std_pval"], p, atol=1e-5)
    # the nested std_loadings dict says the same
    for f, d in _ref(slug)["std_loadings"].items():
        got = ours[ours["factor"] == f].set_index("item")["std_loading"]
        assert_allclose(got[list(d)].to_numpy(), list(d.values()), atol=TOL)


@pytest.mark.parametrize("slug", SLUGS)
def test_cfa_unstd_loadings_match_lavaan_parameterestimates(slug):
    res, _ = _fit(slug)
    for f, d in _ref(slug)["unstd_loadings"].items():
        got = res.loadings[res.loadings["factor"] == f].set_index("item")
        assert_allclose(got.loc[list(d), "estimate"].to_numpy(), list(d.values()), atol=TOL, rtol=TOL)
        # the first item is the marker: fixed to 1 with se 0 (lavaan prints se 0 and no z)
        first = got.iloc[0]
        assert first["fixed"] and first["estimate"] == 1.0 and first["se"] == 0.0 and np.isnan(first["z"])
        assert (got["se"].iloc[1:] > 0).all()


@pytest.mark.parametrize("slug", SLUGS)
def test_cfa_r2_and_residual_variances_match_lavaan(slug):
    res, _ = _fit(slug)
    ref = _ref(slug)
    r2 = pd.Series(ref["r2"])
    assert_allclose(res.r2.set_index("item").loc[r2.index, "r2"], r2.to_numpy(), atol=TOL)
    rv = pd.Series(ref["std_residual_variances"])
    assert_allclose(res.residual_variances.set_index("item").loc[rv.index, "std_estimate"], rv.to_numpy(), atol=TOL)


@pytest.mark.parametrize("slug", SLUGS)
def test_cfa_factor_correlations_and_covariances_match_lavinspect(slug):
    res, _ = _fit(slug)
    ref = _ref(slug)
    cor = rmat(ref["factor_correlations"])
    cov = rmat(ref["factor_covariances"])
    assert_allclose(res.factor_correlations.loc[cor.index, cor.columns], cor.to_numpy(), atol=TOL)
    assert_allclose(res.factor_covariances.loc[cov.index, cov.columns], cov.to_numpy(), atol=TOL, rtol=TOL)


@pytest.mark.parametrize("slug", SLUGS)
def test_cfa_not_positive_definite_latent_cov_warning_matches_lavaan(slug):
    """lavaan warns on mobi and kiosk_expectation; so do we, naming the factors."""
    _, caught = _fit(slug)
    lavaan_warned = any("not positive definite" in w for w in _ref(slug).get("warnings", []))
    ours = [m for c, m in caught if issubclass(c, ServqualWarning) and "not positive definite" in m]
    assert bool(ours) == lavaan_warned
    if ours:
        res, _ = _fit(slug)
        cor = res.factor_correlations.to_numpy()
        assert np.linalg.eigvalsh(cor).min() < 0
        # the most strongly correlated pair is named
        off = np.abs(cor - np.eye(len(cor)))
        a, b = np.unravel_index(np.argmax(off), off.shape)
        assert res.factors[a] in ours[0] and res.factors[b] in ours[0]
    assert not any(issubclass(c, (ConvergenceWarning, HeywoodWarning)) for c, _ in caught)


def test_cfa_two_item_factor_fits_on_mobi():
    res, _ = _fit("mobi")
    value = res.loadings[res.loadings["factor"] == "Value"]
    assert list(value["item"]) == ["PERV1", "PERV2"]
    assert res.converged and np.all(np.isfinite(value["std_se"]))


def test_cfa_internal_consistency_on_holzinger():
    res, _ = _fit("holzinger")
    assert isinstance(res, CFAResult)
    sig, s = res.implied_cov.to_numpy(), res.sample_cov.to_numpy()
    assert_allclose(sig, sig.T)
    # ML reproduces the observed variances in this model; residual correlations are zero on the diagonal
    assert_allclose(np.diag(sig), np.diag(s), rtol=1e-6)
    assert_allclose(np.diag(res.residual_cor), 0.0, atol=1e-10)
    # the sample covariance has divisor N (lavaan likelihood = "normal")
    case = _load_case("holzinger")
    assert_allclose(s, case.data.cov().to_numpy() * (res.n - 1) / res.n)
    # r2 = 1 - standardised residual variance
    assert_allclose(res.r2["r2"], 1 - res.residual_variances["std_estimate"])
    # parameter table carries every free parameter once; vcov is symmetric positive definite
    assert (~res.parameters["fixed"]).sum() == int(res.fit_measures()["npar"]) == res.vcov.shape[0]
    assert np.linalg.eigvalsh(res.vcov.to_numpy()).min() > 0
    assert "Hu & Bentler" in res.summary()
    assert set(res.to_dict()) == set(res.tables())


def test_cfa_from_sufficient_stats_and_with_missing_rows_matches_dataframe():
    case = _load_case("holzinger")
    ref, _ = _fit("holzinger")
    st = sufficient_stats(case.data)
    a = cfa(st, case.constructs)
    assert_allclose(a.fit_measures()[["chi2", "cfi", "srmr"]].astype(float),
                    ref.fit_measures()[["chi2", "cfi", "srmr"]].astype(float), rtol=1e-10)
    d = case.data.copy()
    extra = d.iloc[:3].copy()
    extra.iloc[:, 0] = np.nan
    b = cfa(pd.concat([d, extra], ignore_index=True), case.constructs)
    assert b.n == ref.n
    assert_allclose(float(b.fit_measures()["chi2"]), float(ref.fit_measures()["chi2"]), rtol=1e-10)


def test_cfa_lavaan_syntax_equals_dict():
    case = _load_case("holzinger")
    syntax = case.ref["meta"]["lavaan_syntax"]
    assert parse_model(syntax) == case.constructs
    res = cfa(case.data, syntax)
    assert_allclose(float(res.fit_measures()["chi2"]), case.ref["cfa"]["ML"]["headline"]["chisq"], rtol=1e-6)
    with pytest.raises(AnalysisError, match="=~"):
        parse_model("visual =~ x1 + x2\nvisual ~ textual")


def test_cfa_cross_loading_item_is_supported():
    case = _load_case("holzinger")
    model = dict(case.constructs)
    model["visual"] = model["visual"] + ["x9"]
    res = cfa(case.data, model)
    base, _ = _fit("holzinger")
    f = res.fit_measures()
    assert int(f["df"]) == int(base.fit_measures()["df"]) - 1
    assert float(f["chi2"]) < float(base.fit_measures()["chi2"])
    assert ((res.loadings["item"] == "x9").sum()) == 2


# ---------------------------------------------------------------------------------------------
# warnings and errors
# ---------------------------------------------------------------------------------------------
def test_cfa_non_convergence_warns_and_flags():
    case = _load_case("holzinger")
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = cfa(case.data, case.constructs, max_iter=1)
    assert not res.converged and not bool(res.fit_measures()["converged"])
    assert any("not converge" in n for n in res.notes())


def _exact_sample(r: np.ndarray, n: int, cols, seed=1) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly ``r``."""
    z = np.random.default_rng(seed).standard_normal((n, len(r)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z.T)).T) @ np.linalg.cholesky(r).T
    return pd.DataFrame(z, columns=cols)


def test_cfa_heywood_case_warns_naming_the_item():
    # one factor: lambda_a^2 = r_ab r_ac / r_bc = 0.85^2 / 0.6 > 1, so a's residual variance is negative
    r = np.array([[1, 0.85, 0.85], [0.85, 1, 0.6], [0.85, 0.6, 1]])
    df = _exact_sample(r, 300, ["a", "b", "c"])
    with pytest.warns(HeywoodWarning, match="a"):
        res = cfa(df, {"f": ["a", "b", "c"]})
    rv = res.residual_variances.set_index("item")["estimate"]
    assert rv["a"] < 0 and rv["b"] > 0
    std = res.loadings.set_index("item")["std_loading"]
    assert_allclose(std["a"] ** 2, 0.85**2 / 0.6, rtol=1e-6)  # just identified: exact
    assert_allclose(float(res.fit_measures()["chi2"]), 0.0, atol=1e-8)


def test_cfa_one_item_factor_fixes_residual_variance_as_lavaan():
    case = _load_case("holzinger")
    model = {"visual": ["x2", "x3"], "single": ["x1"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    with pytest.warns(ServqualWarning, match="single item"):
        res = cfa(case.data, model)
    rv = res.residual_variances.set_index("item")
    assert rv.loc["x1", "fixed"] and rv.loc["x1", "estimate"] == 0.0
    assert_allclose(res.loadings.set_index("item").loc["x1", "std_loading"], 1.0)
    # npar: 5 free loadings + 8 residual variances + 10 latent (co)variances
    assert int(res.fit_measures()["npar"]) == 23 and int(res.fit_measures()["df"]) == 45 - 23
    assert res.converged


def test_cfa_errors_are_clear():
    case = _load_case("holzinger")
    d = case.data
    with pytest.raises(AnalysisError, match="zz"):
        cfa(d, {"f": ["x1", "x2", "zz"]})
    with pytest.raises(AnalysisError, match="not identified"):
        cfa(d, {"f": ["x1", "x2"]})
    const = d.assign(x2=3.0)
    with pytest.raises(AnalysisError, match="x2"):
        cfa(const, case.constructs)
    coll = d.assign(x3=d["x1"] + d["x2"])
    with pytest.raises(AnalysisError, match="collinear"):
        cfa(coll, case.constructs)
    with pytest.raises(AnalysisError, match="complete rows"):
        cfa(d.iloc[:8], case.constructs)
    with pytest.raises(AnalysisError, match="estimator must be one of"):
        cfa(d, case.constructs, estimator="WLS")
    with pytest.raises(AnalysisError, match="must be ordinal"):
        cfa(d, case.constructs, estimator="WLSMV")  # continuous test scores
    with pytest.raises(AnalysisError, match="partial invariance"):
        cfa(d, case.constructs, group="school", group_partial=["visual=~x2"])
    with pytest.raises(AnalysisError, match="FIML"):
        cfa(d, case.constructs, estimator="MLR", missing="fiml")
    with pytest.raises(AnalysisError, match="more than once"):
        cfa(d, {"f": ["x1", "x1", "x2"]})
    with pytest.raises(AnalysisError, match="disagree"):
        cfa(d, case.constructs, items=["x1", "x2"])


def test_cfa_fit_differs_from_semopy():
    """semopy's GFI (= its NFI), AIC/BIC and RMSEA (N - 1) are not lavaan's; ours are."""
    semopy = pytest.importorskip("semopy")
    case = _load_case("holzinger")
    res, _ = _fit("holzinger")
    fm = _ref("holzinger")["fit_measures"]
    desc = case.ref["meta"]["lavaan_syntax"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = semopy.Model(desc)
        m.fit(case.data)
        st = semopy.calc_stats(m).T["Value"]
    assert abs(st["GFI"] - fm["gfi"]) > 0.01 and abs(st["AIC"] - fm["aic"]) > 100
    assert abs(st["RMSEA"] - fm["rmsea"]) > 1e-4
    f = res.fit_measures()
    assert_allclose([f["gfi"], f["aic"], f["rmsea"]], [fm["gfi"], fm["aic"], fm["rmsea"]], rtol=1e-6)
    # the estimates themselves agree (both are ML)
    assert_allclose(st["chi2"], f["chi2"], rtol=1e-3)


def test_cfa_empirically_underidentified_factor_warns_about_standard_errors():
    # G's two items correlate with nothing else: only lambda^2 psi is identified, the information is singular
    r = np.eye(5)
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        r[i, j] = r[j, i] = 0.5
    r[3, 4] = r[4, 3] = 0.4
    df = _exact_sample(r, 300, list("abcde"))
    with pytest.warns(ServqualWarning, match="standard errors could not be computed"):
        res = cfa(df, {"F": ["a", "b", "c"], "G": ["d", "e"]})
    assert res.converged
    assert np.isnan(res.loadings.set_index("item").loc["e", "se"])
    assert_allclose(float(res.fit_measures()["chi2"]), 0.0, atol=1e-6)


def test_cfa_tables_agree_with_the_parameter_table():
    case = _load_case("holzinger")
    res = cfa(case.data, case.constructs)
    fit = res.fit
    # the same numbers as the parameter table, which is built from the same columns
    load = res.parameters[res.parameters["op"] == "=~"]
    assert_allclose(load["estimate"].to_numpy(), res.loadings["estimate"].to_numpy(), rtol=0, atol=0)
    assert fit["converged"].dtype == bool and fit["df"].dtype == np.int64 and fit["chi2"].dtype == np.float64


def test_cfa_dispatches_to_the_estimator_modules():
    # one entry point, the estimator modules behind it (each checked against lavaan in its own tests)
    from servqual.psychometrics.cfa_ordinal import OrdinalCFAResult
    from servqual.psychometrics.cfa_robust import RobustCFAResult
    from servqual.psychometrics.fiml import FIMLResult
    from servqual.psychometrics.invariance import MultiGroupFit

    hs = sq.read_dataset("holzinger").data
    model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}
    assert isinstance(cfa(hs, model), CFAResult)
    assert isinstance(cfa(hs, model, estimator="mlm"), RobustCFAResult)
    assert isinstance(cfa(hs, model, missing="fiml"), FIMLResult)
    mg = cfa(hs, model, group="school", group_equal=("loadings", "intercepts"))
    assert isinstance(mg, MultiGroupFit) and mg.level == "scalar"
    cr = sq.read_dataset("corp_rep").data
    o = cfa(cr, {"COMP": ["comp_1", "comp_2", "comp_3"]}, ordered="auto")
    assert isinstance(o, OrdinalCFAResult) and o.estimator == "WLSMV"
    # the ML chi-square is the same through the door and through the module
    from servqual.psychometrics.cfa_ml import cfa_ml
    assert cfa(hs, model).fit_measures()["chi2"] == cfa_ml(hs, model).fit_measures()["chi2"]
