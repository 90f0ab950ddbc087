"""Correlation matrices that are not positive definite (pairwise deletion) and ultra-Heywood solutions,
against R psych 2.2.9.

``tests/reference/pairwise/make_reference.R`` wrote the reference files:

``pairwise.json``
    R psych on ``bfi_three_form.csv``: rows 1501-1560 of the bundled bfi data, items N1-N5 and O1-O5,
    with a three-form planned-missingness design (respondent i gets form ``(i - 1) % 3 + 1``; N1, N2,
    O1, O2 on every form, form 1 leaves out N3 and O3, form 2 N4 and O4, form 3 N5 and O5). No row is
    complete, and the pairwise correlation matrix is indefinite (smallest eigenvalue -0.186).
``heywood.json``
    One-factor ``fa`` on bundled data sets (listwise) whose solution has a communality above 1.

Closed forms are compared to 1e-6 (most agree to 1e-12); iterative loadings to 1e-3 and the fit
objective to 1e-5.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual._linalg import (
    collinear_items,
    cor_smooth,
    definiteness,
    is_indefinite,
    is_singular,
    require_nonsingular,
    residual_variances,
    smc,
)
from servqual.exceptions import AnalysisError, HeywoodWarning, ServqualWarning
from servqual.psychometrics.adequacy import bartlett, kmo
from servqual.psychometrics.efa import efa, parallel_analysis
from servqual.psychometrics.factoring import _minres_objective
from servqual.psychometrics.omega import omega
from servqual.psychometrics.reliability import cronbach_alpha, guttman_lambdas
from servqual.psychometrics.stats import sufficient_stats

from conftest import align_factors

HERE = Path(__file__).parent / "reference" / "pairwise"
REF = json.loads((HERE / "pairwise.json").read_text(encoding="utf-8"))
HEYWOOD = json.loads((HERE / "heywood.json").read_text(encoding="utf-8"))
ITEMS = REF["meta"]["items"]
NEURO = ITEMS[:5]
CLOSED = 1e-6


@pytest.fixture(scope="module")
def three_form() -> pd.DataFrame:
    return pd.read_csv(HERE / "bfi_three_form.csv")


@pytest.fixture(scope="module")
def pairwise_r(three_form) -> np.ndarray:
    r = three_form[ITEMS].corr().to_numpy(copy=True)
    np.fill_diagonal(r, 1.0)
    return r


def _quiet(fn, *args, **kwargs):
    """Call ``fn`` and return (result, the warnings it raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, caught


def _messages(caught, category=ServqualWarning) -> list:
    return [str(w.message) for w in caught if issubclass(w.category, category)]


# ---------------------------------------------------------------------------------------------
# the data
# ---------------------------------------------------------------------------------------------
def test_three_form_data_is_bfi_with_the_documented_pattern(three_form):
    bfi = sq.load_dataset("bfi")
    d = bfi[["id"] + ITEMS].iloc[1500:1560].reset_index(drop=True)
    form = np.arange(len(d)) % 3
    for f, cols in enumerate((["N3", "O3"], ["N4", "O4"], ["N5", "O5"])):
        d.loc[form == f, cols] = np.nan
    assert_allclose(three_form["form"].to_numpy(), form + 1)
    assert (three_form["id"].to_numpy() == d["id"].to_numpy()).all()
    assert_allclose(three_form[ITEMS].to_numpy(dtype=float), d[ITEMS].to_numpy(dtype=float))
    assert REF["meta"]["n_complete"] == 0 and three_form[ITEMS].dropna().empty


def test_pairwise_matrix_equals_r(pairwise_r, three_form):
    assert_allclose(pairwise_r, np.array(REF["cor"]), atol=1e-12)
    assert_allclose(np.linalg.eigvalsh(pairwise_r)[::-1], REF["eigen"], atol=1e-10)
    st = sufficient_stats(three_form, ITEMS, nan_policy="pairwise")
    assert st.n == REF["meta"]["n_pairwise_min"]
    assert_allclose(st.n_pairwise, np.array(REF["n_pairwise"]))


# ---------------------------------------------------------------------------------------------
# 1. diagnosis: not positive definite is not singular
# ---------------------------------------------------------------------------------------------
def test_indefinite_is_not_singular_and_names_no_items(pairwise_r):
    assert definiteness(pairwise_r) == "indefinite"
    assert is_indefinite(pairwise_r) and not is_singular(pairwise_r)
    assert collinear_items(pairwise_r, ITEMS) == []
    with pytest.raises(AnalysisError, match=r"not positive definite \(smallest eigenvalue -0\.1858") as err:
        require_nonsingular(pairwise_r, 19, ITEMS, "CFA")
    assert "collinear" not in str(err.value)
    assert require_nonsingular(pairwise_r, 19, ITEMS, "EFA", allow_indefinite=True) is pairwise_r


def test_bartlett_on_indefinite_matrix_says_so(three_form):
    with pytest.raises(AnalysisError, match="not positive definite") as err:
        bartlett(three_form, ITEMS, nan_policy="pairwise")
    assert "perfectly collinear" not in str(err.value)


def test_truly_collinear_items_are_still_named(three_form):
    x = three_form[ITEMS].copy()
    x["N1_copy"] = x["N1"]
    for fn in (kmo, bartlett):
        with pytest.raises(AnalysisError, match=r"items N1, N1_copy are perfectly collinear"):
            fn(x, nan_policy="pairwise")
    with pytest.raises(AnalysisError, match=r"N1, N1_copy are perfectly collinear"):
        efa(x, 2, nan_policy="pairwise")
    _, caught = _quiet(cronbach_alpha, x, nan_policy="pairwise")
    assert any("N1, N1_copy are perfectly collinear" in m for m in _messages(caught))
    h = sq.load_dataset("holzinger")[["x1", "x2", "x3"]].assign(x1_copy=lambda d: d["x1"])
    r = h.corr().to_numpy()
    assert definiteness(r) == "singular" and collinear_items(r, list(h.columns)) == ["x1", "x1_copy"]


def test_alpha_warning_on_indefinite_matrix_names_no_collinear_items(three_form):
    _, caught = _quiet(cronbach_alpha, three_form, NEURO, nan_policy="pairwise")
    msgs = _messages(caught)
    assert len(msgs) == 1
    assert "not positive definite" in msgs[0] and "collinear" not in msgs[0]


# ---------------------------------------------------------------------------------------------
# 2. smoothing and the factor analyses
# ---------------------------------------------------------------------------------------------
def test_cor_smooth_equals_psych(pairwise_r):
    sm = cor_smooth(pairwise_r)
    assert_allclose(sm, np.array(REF["cor_smooth"]["matrix"]), atol=1e-10)
    assert REF["cor_smooth"]["warnings"] == ["Matrix was not positive definite, smoothing was done"]
    assert np.linalg.eigvalsh(sm)[0] > 0
    pd_r = sufficient_stats(sq.load_dataset("holzinger"), ["x1", "x2", "x3"]).corr
    assert cor_smooth(pd_r) is pd_r  # a positive definite matrix is returned as it is, as psych


FA_CASES = [("fa_minres_2_matrix", 2, "minres"), ("fa_minres_1_matrix", 1, "minres"), ("fa_pa_2_matrix", 2, "pa")]


@pytest.mark.parametrize("key, nf, method", FA_CASES)
def test_efa_on_indefinite_matrix_as_psych_fa(three_form, key, nf, method):
    ref = REF[key]
    res, caught = _quiet(efa, three_form, nf, ITEMS, method=method, nan_policy="pairwise")
    msgs = _messages(caught)
    assert any("not positive definite" in m and "psych::cor.smooth" in m for m in msgs)
    assert "Matrix was not positive definite, smoothing was done" in ref["warnings"]
    assert res.min_eigenvalue == pytest.approx(REF["eigen"][-1], abs=1e-10)
    assert any("not positive definite" in ln and "cor.smooth" in ln for ln in res.notes())
    assert any("非正定" in ln for ln in res.notes("zh"))
    assert res.n == ref["n_obs"]
    lam = align_factors(res.loadings.to_numpy(), np.array(ref["loadings"]))
    assert_allclose(lam, np.array(ref["loadings"]), atol=1e-3)
    assert_allclose(res.communalities.to_numpy(), ref["communality"], atol=1e-3)
    assert_allclose(res.reduced_eigenvalues, ref["values"], atol=1e-3)
    assert_allclose(res.eigenvalues, ref["e_values"], atol=1e-10)
    if ref["Phi"] is not None:
        assert_allclose(np.abs(res.phi.to_numpy()), np.abs(np.array(ref["Phi"])), atol=1e-3)
    fit = res.fit
    assert fit["objective"] == pytest.approx(ref["objective"], abs=1e-5)
    assert fit["chisq"] == pytest.approx(ref["STATISTIC"], rel=1e-6)
    assert fit["df"] == ref["dof"]
    assert_allclose([fit["rmsea"], fit["rmsea_ci_low"], fit["rmsea_ci_high"]], ref["RMSEA"], atol=1e-6)
    assert fit["tli"] == pytest.approx(ref["TLI"], abs=1e-6)
    assert fit["bic"] == pytest.approx(ref["BIC"], rel=1e-6)
    assert_allclose([fit["rms"], fit["crms"], fit["fit"], fit["fit_off"]],
                    [ref["rms"], ref["crms"], ref["fit"], ref["fit_off"]], atol=CLOSED)
    if method == "minres":
        assert _minres_objective(res.fit_.psi, res._fit_inputs[0], nf) == pytest.approx(ref["minres_value"], abs=1e-8)


def test_efa_on_raw_pairwise_data_extracts_the_same_factors(three_form):
    ref = REF["fa_minres_2"]  # psych::fa on the data frame: cor(use = "pairwise"), n.obs = 60 rows
    res, _ = _quiet(efa, three_form, 2, ITEMS, nan_policy="pairwise")
    lam = align_factors(res.loadings.to_numpy(), np.array(ref["loadings"]))
    assert_allclose(lam, np.array(ref["loadings"]), atol=1e-3)
    assert res.fit["objective"] == pytest.approx(ref["objective"], abs=1e-5)


def test_ml_on_indefinite_matrix_is_refused_as_psych_fails(three_form):
    assert "finite values" in REF["fa_ml_2"]["error"]
    for fn, args in ((efa, (three_form, 2, ITEMS)), (omega, (three_form, 2, ITEMS)),
                     (parallel_analysis, (three_form, ITEMS))):
        with pytest.raises(AnalysisError, match="maximum likelihood needs a positive definite"):
            _quiet(fn, *args, method="ml", nan_policy="pairwise")


def test_parallel_analysis_observed_values_as_psych(three_form):
    res, caught = _quiet(parallel_analysis, three_form, ITEMS, nan_policy="pairwise", n_iter=5)
    assert any("not positive definite" in m for m in _messages(caught))
    assert_allclose(res.eigenvalues["fa_observed"], REF["parallel"]["fa_values"], atol=1e-6)
    assert_allclose(res.eigenvalues["pc_observed"], REF["parallel"]["pc_values"], atol=1e-10)
    assert res.min_eigenvalue is not None and any("not positive definite" in ln for ln in res.notes())
    assert any("非正定" in ln for ln in res.notes("zh"))


def test_omega_as_psych(three_form):
    ref = REF["omega_2"]
    res, caught = _quiet(omega, three_form, 2, ITEMS, nan_policy="pairwise")
    assert any("not positive definite" in m for m in _messages(caught))
    assert_allclose([res.omega_h, res.omega_total, res.omega_lim, res.alpha, res.g6],
                    [ref["omega_h"], ref["omega_tot"], ref["omega_lim"], ref["alpha"], ref["G6"]], atol=1e-6)
    sl = res.schmid_leiman
    assert list(sl.index) == ref["sl_rows"]
    assert_allclose(sl[["g", "F1*", "F2*", "h2", "u2", "p2"]].to_numpy(), np.array(ref["sl"]), atol=1e-3)
    assert res.min_eigenvalue is not None and any("psych::omega" in ln for ln in res.notes())
    one, _ = _quiet(omega, three_form, 1, ITEMS, nan_policy="pairwise")
    assert_allclose([one.omega_total, one.alpha, one.g6],
                    [REF["omega_1"]["omega_tot"], REF["omega_1"]["alpha"], REF["omega_1"]["G6"]], atol=1e-6)


# ---------------------------------------------------------------------------------------------
# 3. KMO
# ---------------------------------------------------------------------------------------------
def test_kmo_on_indefinite_matrix_as_psych(three_form):
    res, caught = _quiet(kmo, three_form, ITEMS, nan_policy="pairwise")
    assert any("not positive definite" in m and "psych::KMO" in m for m in _messages(caught))
    assert_allclose(res["msa"].to_numpy(), REF["kmo"]["MSAi"] + [REF["kmo"]["MSA"]], atol=CLOSED)
    assert res.attrs["min_eigenvalue"] == pytest.approx(REF["eigen"][-1], abs=1e-10)
    assert "psych::KMO" in res.attrs["note"]


def test_kmo_with_negative_anti_image_diagonal_is_nan_as_psych(three_form):
    # psych::KMO(cov2cor(cov(x, use = "pairwise"))) for N1-N5: the inverse has negative diagonal elements
    st = sufficient_stats(three_form, NEURO, nan_policy="pairwise")
    assert definiteness(st.corr) == "indefinite"
    res, caught = _quiet(kmo, st)
    ref = REF["kmo_neuroticism_cov2cor"]
    assert ref["MSA"] is None and all(v is None for v in ref["MSAi"])
    assert res["msa"].isna().all()
    assert any("undefined (NaN)" in m for m in _messages(caught))


# ---------------------------------------------------------------------------------------------
# 4. squared multiple correlations, G6 and r.cor of psych::alpha
# ---------------------------------------------------------------------------------------------
def test_smc_clipped_as_psych(pairwise_r, three_form):
    assert_allclose(smc(pairwise_r), REF["smc"], atol=1e-10)
    for key, items in (("alpha_neuroticism", NEURO), ("alpha_all", ITEMS)):
        st = sufficient_stats(three_form, items, nan_policy="pairwise")
        assert_allclose(st.corr, np.array(REF[key]["cov2cor"]), atol=1e-12)
        assert_allclose(smc(st.corr), REF[key]["smc_cov2cor"], atol=1e-10)
        assert_allclose(1.0 - residual_variances(st.corr), REF[key]["smc_cov2cor"], atol=1e-10)
    clipped = np.array(REF["alpha_all"]["smc_cov2cor"])
    assert (clipped == 1).any() and (clipped == 0).any()  # both bounds are used


@pytest.mark.parametrize("key, items", [("alpha_neuroticism", NEURO), ("alpha_all", ITEMS)])
def test_alpha_g6_and_r_cor_as_psych(three_form, key, items):
    ref = REF[key]
    res, _ = _quiet(cronbach_alpha, three_form, items, nan_policy="pairwise")
    assert_allclose([res.alpha, res.alpha_std, res.g6_smc, res.average_r],
                    [ref["raw_alpha"], ref["std_alpha"], ref["G6"], ref["average_r"]], atol=CLOSED)
    it = res.item_stats
    assert_allclose(it["r_cor"], ref["r_cor"], atol=CLOSED)
    assert_allclose(it["std_r"], ref["std_r"], atol=CLOSED)
    assert_allclose(it["r_drop"], ref["r_drop"], atol=CLOSED)
    assert_allclose(it["g6_if_deleted"], ref["G6_if_deleted"], atol=CLOSED)
    assert_allclose(it["alpha_if_deleted"], ref["raw_alpha_if_deleted"], atol=CLOSED)
    lam, _ = _quiet(guttman_lambdas, three_form, items, nan_policy="pairwise")
    assert lam.loc["lambda6", "correlation"] == pytest.approx(ref["G6"], abs=CLOSED)


# ---------------------------------------------------------------------------------------------
# 5. one-factor ultra-Heywood solutions converge where psych's do
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", HEYWOOD, ids=lambda c: f"{c['data']}-{'-'.join(c['items'])}-{c['fm']}")
def test_ultra_heywood_one_factor_against_psych(case):
    """At a uniqueness on its bound SciPy's L-BFGS-B (3.0) and R's optim (2.3) stop at different points
    (a difference of the optimiser versions, documented in ``factoring._optimise_uniquenesses``): the
    loadings stay within 0.005 of psych's and the minres value within 1e-5; the Heywood items are named
    as psych names them."""
    data = sq.load_dataset(case["data"])
    res, caught = _quiet(efa, data, 1, case["items"], method=case["fm"])
    assert res.n == case["n"]
    assert_allclose(res.loadings.to_numpy()[:, 0], np.array(case["loadings"])[:, 0], atol=5e-3)
    assert_allclose(res.communalities.to_numpy(), case["communality"], atol=1e-2)
    if case["fm"] == "minres":
        assert max(case["communality"]) > 1.0
        assert any("ultra-Heywood" in w for w in case["warnings"])
        r = sufficient_stats(data, case["items"]).corr
        assert _minres_objective(res.fit_.psi, r, 1) == pytest.approx(case["minres_value"], abs=1e-5)
        assert any("ultra-Heywood" in m for m in _messages(caught, HeywoodWarning))
    else:  # ML: no bound is reached on the way, the two agree
        assert res.fit["objective"] == pytest.approx(case["objective"], abs=1e-5)
    assert res.heywood_items


# ---------------------------------------------------------------------------------------------
# 6. the Heywood advice does not offer the method already used
# ---------------------------------------------------------------------------------------------
def test_heywood_warning_suggests_other_methods():
    data = sq.load_dataset("holzinger")
    items = ["x3", "x4", "x5", "x7"]
    for method, offered, not_offered in (("ml", "method='minres' / 'pa'", "'ml'"),
                                         ("minres", "method='ml' / 'pa'", "'minres'")):
        _, caught = _quiet(efa, data, 1, items, method=method)
        msgs = _messages(caught, HeywoodWarning)
        assert len(msgs) == 1 and offered in msgs[0] and not_offered not in msgs[0]
