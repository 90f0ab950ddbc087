"""servqual.efa against R psych 2.2.9 (fa, principal, fa.parallel) and GPArotation 2022.10."""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from conftest import SLUGS, _load_case, rmat
from numpy.testing import assert_allclose
from scipy.optimize import linear_sum_assignment

from servqual.psychometrics.efa import EFAResult, efa, harman_single_factor, parallel_analysis
from servqual.exceptions import AnalysisError, ConvergenceWarning, HeywoodWarning
from servqual.psychometrics.stats import sufficient_stats

METHODS = ["minres", "ml"]
ROTATIONS = ["none", "varimax", "promax", "oblimin"]
TOL = 1e-3  # iterative estimates


def _match(ours: np.ndarray, theirs: np.ndarray):
    """Column permutation and signs of ``ours`` that best match ``theirs`` (works for any number of factors)."""
    # perm[j] = column of ours matched to column j of theirs
    rows, cols = linear_sum_assignment(-np.abs(ours.T @ theirs))
    perm = np.empty(theirs.shape[1], dtype=int)
    perm[cols] = rows
    a = ours[:, perm]
    sign = np.sign(np.sum(a * theirs, axis=0))
    sign[sign == 0] = 1
    return a * sign, perm, sign


@lru_cache(maxsize=None)
def _fit(slug: str, method: str, rotation: str) -> EFAResult:
    case = _load_case(slug)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return efa(case.data, case.ref["efa"]["nfactors"], method=method, rotation=rotation)


def _ref(slug, method, rotation):
    return _load_case(slug).ref["efa"][method][rotation]


CASES = [(s, m, r) for s in SLUGS for m in METHODS for r in ROTATIONS]


# ---------------------------------------------------------------------------------------------
# psych::fa
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug,method,rotation", CASES)
def test_efa_loadings_match_psych_fa(slug, method, rotation):
    res, ref = _fit(slug, method, rotation), _ref(slug, method, rotation)
    theirs = rmat(ref["loadings"])
    aligned, _, _ = _match(res.loadings.to_numpy(), theirs.to_numpy())
    assert_allclose(aligned, theirs.to_numpy(), atol=TOL)
    # psych's factor names, order and signs are reproduced exactly
    assert list(res.loadings.columns) == list(theirs.columns)
    assert_allclose(res.loadings.to_numpy(), theirs.to_numpy(), atol=TOL)


@pytest.mark.parametrize("slug,method,rotation", CASES)
def test_efa_communalities_uniquenesses_variance_match_psych_fa(slug, method, rotation):
    res, ref = _fit(slug, method, rotation), _ref(slug, method, rotation)
    assert_allclose(res.communalities.to_numpy(), list(ref["communalities"].values()), atol=TOL)
    assert_allclose(res.uniquenesses.to_numpy(), list(ref["uniquenesses"].values()), atol=TOL)
    va = rmat(ref["variance_accounted"])
    assert list(res.variance_accounted.columns) == list(va.columns)
    assert_allclose(res.variance_accounted.to_numpy(), va.to_numpy(), atol=TOL)
    assert_allclose(res.eigenvalues, ref["eigen_R"], atol=1e-6)
    assert_allclose(res.reduced_eigenvalues, ref["eigen_reduced"], atol=TOL)
    assert_allclose(res.complexity.to_numpy(), list(ref["complexity"].values()), atol=5e-3)


@pytest.mark.parametrize("slug,method,rotation", [c for c in CASES if c[2] in ("promax", "oblimin")])
def test_efa_phi_and_structure_match_psych_fa(slug, method, rotation):
    res, ref = _fit(slug, method, rotation), _ref(slug, method, rotation)
    phi = rmat(ref["Phi"])
    assert list(res.phi.columns) == list(phi.columns) == list(res.loadings.columns)
    assert_allclose(res.phi.to_numpy(), phi.to_numpy(), atol=TOL)
    assert_allclose(res.structure.to_numpy(), rmat(ref["structure"]).to_numpy(), atol=TOL)
    # structure = pattern x Phi, Phi a correlation matrix
    assert_allclose(res.structure.to_numpy(), res.loadings.to_numpy() @ res.phi.to_numpy(), atol=1e-12)
    assert_allclose(np.diag(res.phi), 1.0, atol=1e-10)


@pytest.mark.parametrize("slug,method,rotation", [c for c in CASES if c[2] != "none"])
def test_efa_rotation_matrix_matches_psych_fa(slug, method, rotation):
    res, ref = _fit(slug, method, rotation), _ref(slug, method, rotation)
    t = res.rotation_matrix.to_numpy()
    assert_allclose(res.unrotated.to_numpy() @ t, res.loadings.to_numpy(), atol=1e-10)
    theirs = np.asarray(ref["rot_mat"]["data"], dtype=float)
    aligned, _, _ = _match(t, theirs)
    assert_allclose(aligned, theirs, atol=TOL)


@pytest.mark.parametrize("slug,method,rotation", CASES)
def test_efa_fit_statistics_match_psych_fa(slug, method, rotation):
    res, f = _fit(slug, method, rotation), _ref(slug, method, rotation)["fit"]
    fit = res.fit
    assert fit["df"] == f["dof"]
    assert_allclose(fit["objective"], f["objective"], atol=TOL)
    assert_allclose(fit["chisq"], f["chisq"], rtol=1e-4, atol=TOL)
    assert_allclose(fit["bic"], f["BIC"], rtol=1e-4, atol=TOL)
    assert_allclose(fit["pval"], f["p_value"], atol=TOL)
    assert_allclose(fit["tli"], f["TLI"], atol=TOL)
    assert_allclose(fit["rmsea"], f["RMSEA"]["RMSEA"], atol=TOL)
    assert_allclose(fit["rmsea_ci_high"], f["RMSEA"]["upper"], atol=TOL)
    low = f["RMSEA"]["lower"]
    assert_allclose(fit["rmsea_ci_low"], np.nan if low is None else low, atol=TOL)
    for ours, theirs in [("fit", "fit"), ("fit_off", "fit_off"), ("rms", "rms"), ("crms", "crms")]:
        assert_allclose(fit[ours], f[theirs], atol=TOL)


# ---------------------------------------------------------------------------------------------
# psych::principal
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug,rotation", [(s, r) for s in SLUGS for r in ("none", "varimax")])
def test_pca_matches_psych_principal(slug, rotation):
    case = _load_case(slug)
    ref = case.ref["pca"][rotation]
    res = efa(case.data, case.ref["pca"]["nfactors"], method="pc", rotation=rotation)
    theirs = rmat(ref["loadings"])
    assert list(res.loadings.columns) == list(theirs.columns)  # PC1.. / RC1.. in psych's order
    assert_allclose(res.loadings.to_numpy(), theirs.to_numpy(), atol=1e-6)
    assert_allclose(res.communalities.to_numpy(), list(ref["communalities"].values()), atol=1e-6)
    assert_allclose(res.uniquenesses.to_numpy(), list(ref["uniquenesses"].values()), atol=1e-6)
    assert_allclose(res.variance_accounted.to_numpy(), rmat(ref["variance_accounted"]).to_numpy(), atol=1e-6)
    assert_allclose(res.eigenvalues, ref["eigenvalues"], atol=1e-6)


# ---------------------------------------------------------------------------------------------
# factor_analyzer's known defect: phi_ not reordered with the loadings, rotated communalities
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", ["bfi", "holzinger", "mobi"])
def test_efa_phi_matches_psych_where_factor_analyzer_differs(slug):
    fa_mod = pytest.importorskip("factor_analyzer")
    case = _load_case(slug)
    ref = _ref(slug, "minres", "oblimin")
    phi_ref = rmat(ref["Phi"]).to_numpy()
    load_ref = rmat(ref["loadings"]).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fa = fa_mod.FactorAnalyzer(n_factors=case.ref["efa"]["nfactors"], rotation="oblimin", method="minres")
        fa.fit(case.data)
    aligned, perm, sign = _match(fa.loadings_, load_ref)
    assert_allclose(aligned, load_ref, atol=TOL)  # same loadings...
    fa_phi = fa.phi_[np.ix_(perm, perm)] * np.outer(sign, sign)
    assert np.abs(fa_phi - phi_ref).max() > 0.05  # ...but factor_analyzer's Phi does not belong to them
    ours = _fit(slug, "minres", "oblimin")
    assert_allclose(ours.phi.to_numpy(), phi_ref, atol=TOL)
    # and factor_analyzer's communalities come from the rotated pattern, psych's from the extraction
    h2_ref = np.array(list(ref["communalities"].values()))
    assert np.abs(fa.get_communalities() - h2_ref).max() > 0.05
    assert_allclose(ours.communalities.to_numpy(), h2_ref, atol=TOL)


# ---------------------------------------------------------------------------------------------
# principal axis (reference: Harman block, one unrotated factor) and Harman's test
# ---------------------------------------------------------------------------------------------
def _sets():
    return [(s, name) for s in SLUGS for name in _load_case(s).ref["sets"]]


@pytest.mark.parametrize("slug,name", _sets())
def test_harman_single_factor_matches_psych(slug, name):
    case = _load_case(slug)
    ref = case.ref["sets"][name]
    h = ref["harman"]
    res = harman_single_factor(case.data, ref["items"])
    assert_allclose(res.first_eigenvalue, h["first_eigenvalue"], atol=1e-6)
    assert_allclose(res.pca_proportion, h["pca_first_component_proportion"], atol=1e-6)
    assert_allclose(res.proportions.loc["pca", "proportion_var"], h["principal_proportion_var"], atol=1e-6)
    for m in ("minres", "pa", "ml"):
        assert_allclose(res.proportions.loc[m, "proportion_var"], h[f"fa_{m}_proportion_var"], atol=TOL)
    assert res.exceeds_threshold == h["exceeds_threshold_pca"]
    assert res.threshold == h["threshold"]
    assert any("Podsakoff" in n for n in res.notes())


def test_pa_one_factor_loadings_are_deterministic_psych_iteration():
    case = _load_case("holzinger")
    res = efa(case.data, 1, method="pa", rotation="none")
    assert list(res.loadings.columns) == ["PA1"]
    assert_allclose(res.variance.loc["PA1", "proportion_var"],
                    case.ref["sets"]["all"]["harman"]["fa_pa_proportion_var"], atol=1e-6)


# ---------------------------------------------------------------------------------------------
# parallel analysis
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _parallel(slug, name):
    case = _load_case(slug)
    return parallel_analysis(case.data, case.ref["sets"][name]["items"], n_iter=20, seed=20240501)


@pytest.mark.parametrize("slug,name", _sets())
def test_parallel_observed_eigenvalues_match_psych_fa_parallel(slug, name):
    p = _load_case(slug).ref["sets"][name]["parallel"]
    res = _parallel(slug, name)
    assert_allclose(res.pc_values, p["pc_values"], atol=1e-6)
    assert_allclose(res.fa_values, p["fa_values"], atol=TOL)


@pytest.mark.parametrize("slug,name", _sets())
def test_parallel_counts_match_psych_fa_parallel(slug, name):
    p = _load_case(slug).ref["sets"][name]["parallel"]
    res = _parallel(slug, name)
    from servqual.psychometrics.parallel import leading_count

    # the decision rule: with R's own thresholds our observed eigenvalues give R's counts
    assert leading_count(res.fa_values, np.asarray(p["fa_sim_q95"])) == p["nfact"]
    assert leading_count(res.pc_values, np.asarray(p["pc_sim_q95"])) == p["ncomp"]
    # simulated thresholds are random: our counts must lie in the band that a simulation error of
    # +-0.1 in R's thresholds allows (a single value, R's count, where the margins are clear)
    d = 0.1
    for ours, obs, q in [(res.n_factors, res.fa_values, p["fa_sim_q95"]), (res.n_components, res.pc_values, p["pc_sim_q95"])]:
        q = np.asarray(q)
        lo, hi = leading_count(obs, q + d), leading_count(obs, q - d)
        assert lo <= ours <= hi, (ours, lo, hi)
    # and the simulated distribution is the one R samples from
    assert_allclose(res.eigenvalues["pc_sim_mean"], p["pc_sim_mean"], atol=0.1)
    # (the first factor eigenvalue of random data swings between ~0 and ~1 with improper one-factor
    # solutions, so its 20-draw mean is noisy in R as here)
    assert_allclose(res.eigenvalues["fa_sim_mean"].iloc[1:], p["fa_sim_mean"][1:], atol=0.1)
    assert_allclose(res.eigenvalues["fa_sim_mean"].iloc[0], p["fa_sim_mean"][0], atol=0.35)


def test_parallel_is_reproducible_and_states_the_rule():
    case = _load_case("holzinger")
    a = parallel_analysis(case.data, n_iter=5, seed=3)
    b = parallel_analysis(case.data, n_iter=5, seed=3)
    pd.testing.assert_frame_equal(a.eigenvalues, b.eigenvalues)
    assert any("95th percentile" in n for n in a.notes())
    assert list(a.eigenvalues.columns) == ["pc_observed", "pc_sim_mean", "pc_sim_q", "fa_observed", "fa_sim_mean", "fa_sim_q"]
    with pytest.raises(AnalysisError):
        parallel_analysis(case.data, n_iter=0)
    with pytest.raises(AnalysisError):
        parallel_analysis(case.data, quantile=1.5)


def test_parallel_cost_does_not_grow_with_n():
    """Simulations come from the Wishart distribution: the same work for 300 or 3 million rows."""
    case = _load_case("holzinger")
    st = sufficient_stats(case.data)
    big = type(st)(st.items, 3_000_000, st.mean, st.cov)
    res = parallel_analysis(big, n_iter=5, seed=1)
    # with huge n the simulated eigenvalues collapse to 1 and 0
    assert_allclose(res.eigenvalues["pc_sim_mean"], 1.0, atol=0.01)


# ---------------------------------------------------------------------------------------------
# warnings, errors, API
# ---------------------------------------------------------------------------------------------
def test_efa_warns_heywood_case_naming_items():
    case = _load_case("kiosk_expectation")
    with pytest.warns(HeywoodWarning, match="sq02_exp"):
        res = efa(case.data, 8, method="minres", rotation="none")
    assert "sq02_exp" in res.heywood_items
    assert res.communalities["sq02_exp"] > 0.99


def test_efa_warns_when_principal_axis_does_not_converge():
    case = _load_case("holzinger")
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        efa(case.data, 3, method="pa", max_iter=2)


def test_efa_errors_are_clear():
    case = _load_case("holzinger")
    x = case.data
    with pytest.raises(AnalysisError, match="at most 5"):
        efa(x, 6)
    with pytest.raises(AnalysisError, match="positive integer"):
        efa(x, 0)
    with pytest.raises(AnalysisError, match="method"):
        efa(x, 2, method="alpha")
    with pytest.raises(AnalysisError, match="rotation"):
        efa(x, 2, rotation="quartimax")
    const = x.assign(x10=1.0)
    with pytest.raises(AnalysisError, match="x10"):
        efa(const, 2)
    dup = x.assign(x1_copy=x["x1"])
    with pytest.raises(AnalysisError, match="collinear"):
        efa(dup, 2)
    with pytest.raises(AnalysisError, match="rows"):
        efa(x.head(8), 2)
    with pytest.raises(AnalysisError):
        efa(x, 1, items=["x1", "x2"])  # fewer than 3 items


def test_efa_accepts_sufficient_stats_and_pairwise():
    case = _load_case("holzinger")
    a = efa(case.data, 3)
    b = efa(sufficient_stats(case.data), 3)
    assert_allclose(a.loadings.to_numpy(), b.loadings.to_numpy(), atol=1e-12)
    c = efa(case.data, 3, nan_policy="pairwise")  # no missing values: identical
    assert_allclose(a.loadings.to_numpy(), c.loadings.to_numpy(), atol=1e-12)
    holes = case.data.copy()
    holes.iloc[::7, 0] = np.nan
    d = efa(holes, 3, nan_policy="pairwise")
    assert d.loadings.notna().all().all()


def test_efa_result_tables_summary_and_styler():
    res = _fit("holzinger", "minres", "oblimin")
    tabs = res.tables()
    assert list(tabs)[0] == "Loadings" and "Factor correlations (Phi)" in tabs
    assert {"h2", "u2", "complexity"} <= set(tabs["Loadings"].columns)
    assert list(res.variance.columns) == ["ss_loadings", "proportion_var", "cumulative_var",
                                          "proportion_explained", "cumulative_proportion"]
    text = res.summary()
    assert "RMSEA" in text and "TLI" in text
    assert res.to_dict()["Loadings"][0]["index"] == "x1"
    sty = res.get_loadings_frame(threshold=0.3)
    html = sty.to_html()
    assert "lightgrey" in html and "background-color: yellow" in html
    assert isinstance(sty.data, pd.DataFrame) and sty.data.shape == (9, 3)
    plain = res.get_loadings_frame(highlight_max=False, sort_items=True).to_html()
    assert "background-color" not in plain


def test_efa_one_factor_is_unrotated():
    case = _load_case("holzinger")
    res = efa(case.data, 1, rotation="oblimin")
    assert res.rotation == "none" and res.phi is None and list(res.loadings.columns) == ["MR1"]
    assert res.loadings["MR1"].sum() > 0


def test_efa_fit_statistics_are_those_of_the_loadings_and_phi():
    """The fit statistics of the result are those of R, the reported loadings and Phi."""
    from servqual.psychometrics.factoring import fit_statistics

    case = _load_case("holzinger")
    res = efa(case.data, 3, rotation="oblimin")
    r = np.corrcoef(case.data.to_numpy(), rowvar=False)
    direct = fit_statistics(r, res.loadings.to_numpy(), res.phi.to_numpy(), len(case.data))
    assert_allclose(res.fit.to_numpy(), list(direct.values()), rtol=1e-10, atol=1e-12)
    assert list(res.fit.index) == list(direct)
    # renaming one table's index never renames another's
    res.loadings.index.name = "item"
    assert res.communalities.index.name is None and res.complexity.index.name is None
    # orthogonal solutions: the structure matrix is the loadings table itself
    vm = efa(case.data, 3, rotation="varimax")
    assert vm.phi is None and vm.structure is vm.loadings


def test_fit_measures_is_one_accessor_for_efa_and_cfa():
    import servqual as sq

    df = sq.load_dataset("holzinger")
    res = efa(df, 3, items=[f"x{i}" for i in range(1, 10)])
    fm = res.fit_measures()
    assert isinstance(fm, pd.Series) and fm.equals(res.fit) and fm is not res.fit
    c = sq.cfa(df, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]})
    cm = c.fit_measures()
    assert isinstance(cm, pd.Series) and float(cm["chi2"]) == float(c.fit["chi2"].iloc[0])
