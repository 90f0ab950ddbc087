"""servqual.construct against R semTools 0.5.6 (compRelSEM, AVE, htmt) and lavaan 0.6.14."""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from conftest import SLUGS, _load_case, rmat
from numpy.testing import assert_allclose

from servqual.psychometrics.cfa import cfa
from servqual.psychometrics.construct import _bootstrap, _htmt_pairs, construct_validity, fornell_larcker, htmt, htmt_matrix
from servqual.exceptions import AnalysisError, ServqualWarning

CLOSED = 1e-6  # closed form from the reference loadings / the data
VIA_CFA = 1e-4  # through our own CFA estimates (lavaan stops at its own tolerance)


@lru_cache(maxsize=None)
def _fit(slug):
    case = _load_case(slug)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cfa(case.data, case.constructs)


def _sem(slug):
    return _load_case(slug).ref["semtools"]["ML"]


def _ref_std_loadings(slug) -> pd.DataFrame:
    tab = pd.DataFrame(_load_case(slug).ref["cfa"]["ML"]["std_loadings_table"])
    return tab.rename(columns={"est_std": "std_loading"})[["factor", "item", "std_loading"]]


# ---------------------------------------------------------------------------------------------
# CR / AVE
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_standardized_formulas_match_reference_on_lavaan_loadings(slug):
    """Fornell & Larcker CR / AVE / sqrt(AVE) from lavaan's std.all loadings (closed form)."""
    cv = construct_validity(_ref_std_loadings(slug)).set_index("dimension")
    sf = _sem(slug)["standardized_formulas"]
    for ours, theirs in [("cr", "CR"), ("ave", "AVE"), ("sqrt_ave", "sqrt_AVE")]:
        ref = pd.Series(sf[theirs])
        assert_allclose(cv.loc[ref.index, ours], ref.to_numpy(), atol=CLOSED, err_msg=ours)
    assert "cr_semtools" not in cv.columns  # needs unstandardised estimates


@pytest.mark.parametrize("slug", SLUGS)
def test_construct_validity_matches_semtools_comprelsem_and_ave(slug):
    cv = construct_validity(_fit(slug)).set_index("dimension")
    sem = _sem(slug)
    for ours, theirs in [("cr_semtools", "compRelSEM"), ("omega_implied", "compRelSEM_obs_var_false"),
                         ("ave_semtools", "AVE")]:
        ref = pd.Series(sem[theirs])
        assert_allclose(cv.loc[ref.index, ours], ref.to_numpy(), atol=VIA_CFA, err_msg=ours)
    sf = sem["standardized_formulas"]
    for ours, theirs in [("cr", "CR"), ("ave", "AVE"), ("sqrt_ave", "sqrt_AVE")]:
        ref = pd.Series(sf[theirs])
        assert_allclose(cv.loc[ref.index, ours], ref.to_numpy(), atol=VIA_CFA, err_msg=ours)
    # semTools' deprecated reliability(): omega = compRelSEM(obs.var = FALSE), omega3 = compRelSEM
    rel = rmat(sem["reliability_deprecated"])
    assert_allclose(cv.loc[rel.columns, "omega_implied"], rel.loc["omega"].to_numpy(), atol=VIA_CFA)
    assert_allclose(cv.loc[rel.columns, "cr_semtools"], rel.loc["omega3"].to_numpy(), atol=VIA_CFA)
    # threshold flags
    assert (cv["cr_ok"] == (cv["cr"] >= 0.7)).all() and (cv["ave_ok"] == (cv["ave"] >= 0.5)).all()
    assert (cv["n_items"] == [len(v) for v in _load_case(slug).constructs.values()]).all()


# ---------------------------------------------------------------------------------------------
# Fornell-Larcker
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_fornell_larcker_matches_reference_on_lavaan_estimates(slug):
    fl_ref = _sem(slug)["fornell_larcker"]
    phi = rmat(_load_case(slug).ref["cfa"]["ML"]["factor_correlations"])
    fl = fornell_larcker(_ref_std_loadings(slug), phi)
    table = rmat(fl_ref["table"])
    assert_allclose(fl.loc[table.index, table.columns], table.to_numpy(), atol=CLOSED)
    assert_allclose(fl.loc[table.index, "max_abs_r"], pd.Series(fl_ref["max_abs_latent_r"])[table.index], atol=CLOSED)
    assert fl.loc[table.index, "passes"].tolist() == [fl_ref["passes"][d] for d in table.index]


@pytest.mark.parametrize("slug", SLUGS)
def test_fornell_larcker_matches_reference_via_our_cfa(slug):
    fl_ref = _sem(slug)["fornell_larcker"]
    res = _fit(slug)
    fl = fornell_larcker(res)
    table = rmat(fl_ref["table"])
    assert_allclose(fl.loc[table.index, table.columns], table.to_numpy(), atol=VIA_CFA)
    assert fl.loc[table.index, "passes"].tolist() == [fl_ref["passes"][d] for d in table.index]
    st = rmat(fl_ref["table_semTools_AVE"])
    fl2 = fornell_larcker(res, ave="semtools")
    assert_allclose(fl2.loc[st.index, st.columns], st.to_numpy(), atol=VIA_CFA)


def test_fornell_larcker_errors():
    with pytest.raises(AnalysisError, match="factor_correlations"):
        fornell_larcker(_ref_std_loadings("holzinger"))
    with pytest.raises(ValueError, match="ave"):
        fornell_larcker(_fit("holzinger"), ave="other")
    with pytest.raises(AnalysisError, match="std_loading"):
        construct_validity(pd.DataFrame({"factor": ["a"], "item": ["x"]}))


# ---------------------------------------------------------------------------------------------
# HTMT
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_htmt_matches_semtools_htmt(slug):
    case = _load_case(slug)
    ref = _sem(slug)["htmt"]
    for method, key in [("htmt", "htmt_henseler2015"), ("htmt2", "htmt2_roemer2021")]:
        theirs = rmat(ref[key])
        ours = htmt_matrix(case.data, case.constructs, method=method)
        assert_allclose(ours.loc[theirs.index, theirs.columns], theirs.to_numpy(), atol=CLOSED, err_msg=method)
    tidy = htmt(case.data, case.constructs).set_index(["dimension_a", "dimension_b"])
    h1, h2 = rmat(ref["htmt_henseler2015"]), rmat(ref["htmt2_roemer2021"])
    for (a, b), row in tidy.iterrows():
        assert_allclose([row["htmt"], row["htmt2"]], [h1.loc[a, b], h2.loc[a, b]], atol=CLOSED)
        assert row["below_085"] == (row["htmt"] < 0.85) and row["below_090"] == (row["htmt"] < 0.90)


def test_htmt_flags_follow_chosen_method():
    case = _load_case("mobi")
    t = htmt(case.data, case.constructs, method="htmt2")
    assert (t["method"] == "htmt2").all()
    assert (t["below_085"] == (t["htmt2"] < 0.85)).all()
    k = len(case.constructs)
    assert len(t) == k * (k - 1) // 2


def test_htmt_bootstrap_equals_loop_over_the_same_resamples():
    case = _load_case("holzinger")
    model = case.constructs
    a = case.data[[i for v in model.values() for i in v]].to_numpy()
    blocks = [np.array([list(case.data.columns).index(i) for i in v]) for v in model.values()]
    boot = _bootstrap(a, blocks, "htmt", 7, seed=3)
    idx = np.random.default_rng(3).integers(0, len(a), size=(7, len(a)))
    for b in range(7):
        r = np.abs(np.corrcoef(a[idx[b]], rowvar=False))
        h1, _ = _htmt_pairs(r, blocks)
        assert_allclose(boot[b], h1, atol=1e-10)


def test_htmt_bootstrap_percentile_ci():
    case = _load_case("holzinger")
    t = htmt(case.data, case.constructs, ci="bootstrap", n_boot=400, seed=11)
    assert {"ci_low", "ci_high", "ci_high_below_1", "n_boot"} <= set(t.columns)
    assert (t["ci_low"] < t["htmt"]).all() and (t["htmt"] < t["ci_high"]).all()
    again = htmt(case.data, case.constructs, ci="bootstrap", n_boot=400, seed=11)
    assert_allclose(t[["ci_low", "ci_high"]], again[["ci_low", "ci_high"]])
    narrow = htmt(case.data, case.constructs, ci="bootstrap", n_boot=400, seed=11, confidence=0.5)
    assert (narrow["ci_high"] - narrow["ci_low"] < t["ci_high"] - t["ci_low"]).all()
    t2 = htmt(case.data, case.constructs, method="htmt2", ci="bootstrap", n_boot=200, seed=11)
    assert (t2["ci_low"] < t2["htmt2"]).all() and (t2["htmt2"] < t2["ci_high"]).all()


def test_htmt_single_item_dimension_is_left_out_with_warning():
    case = _load_case("holzinger")
    model = {"single": ["x1"], **{k: v for k, v in case.constructs.items() if k != "visual"}}
    with pytest.warns(ServqualWarning, match="single"):
        t = htmt(case.data, model)
    assert "single" not in set(t["dimension_a"]) | set(t["dimension_b"]) and len(t) == 1
    with pytest.raises(AnalysisError, match="two dimensions"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            htmt(case.data, {"single": ["x1"], "textual": ["x4", "x5", "x6"]})


def test_htmt_errors():
    case = _load_case("holzinger")
    with pytest.raises(ValueError, match="method"):
        htmt(case.data, case.constructs, method="mean")
    with pytest.raises(ValueError, match="ci"):
        htmt(case.data, case.constructs, ci="normal")
    with pytest.raises(AnalysisError, match="zz"):
        htmt(case.data, {"a": ["x1", "zz"], "b": ["x4", "x5"]})
    with pytest.raises(AnalysisError, match="variance"):
        htmt(case.data.assign(x2=1.0), case.constructs)
    with pytest.raises(AnalysisError, match="n_boot"):
        htmt(case.data, case.constructs, ci="bootstrap", n_boot=2)


def test_htmt_from_sufficient_statistics_equals_semtools():
    from servqual.psychometrics.stats import sufficient_stats

    case = _load_case("corp_rep")
    st = sufficient_stats(case.data)
    ref = rmat(_sem("corp_rep")["htmt"]["htmt2_roemer2021"])
    ours = htmt_matrix(st, case.constructs, method="htmt2")
    assert_allclose(ours.loc[ref.index, ref.columns], ref.to_numpy(), atol=CLOSED)
    with pytest.raises(AnalysisError, match="bootstrap"):
        htmt(st, case.constructs, ci="bootstrap")


def test_htmt_ci_method_and_its_alias_ci():
    import servqual as sq

    df = sq.load_dataset("holzinger")
    model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}
    a = htmt(df, model, ci="bootstrap", n_boot=50)
    b = htmt(df, model, ci_method="bootstrap", n_boot=50)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="disagree"):
        htmt(df, model, ci="bootstrap", ci_method="other")
