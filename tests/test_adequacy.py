"""Sampling adequacy (KMO, Bartlett, eigenvalues) against R psych 2.2.9 (``sets.<set>.kmo|bartlett|eigenvalues``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SLUGS
from numpy.testing import assert_allclose

from servqual.psychometrics.adequacy import EigenvaluesResult, bartlett, eigenvalues, kmo
from servqual.exceptions import AnalysisError
from servqual.psychometrics.stats import sufficient_stats

ATOL = 1e-6


@pytest.mark.parametrize("slug", SLUGS)
def test_kmo_matches_psych(ref_case, slug):
    case = ref_case(slug)
    for name, blk in case.ref["sets"].items():
        items = blk["items"]
        ref = blk["kmo"]
        res = kmo(case.data, items)
        assert list(res.columns) == ["item", "msa"]
        assert list(res["item"]) == items + ["overall"]
        assert_allclose(res["msa"].to_numpy(), [ref["MSAi"][i] for i in items] + [ref["MSA"]], atol=ATOL,
                        err_msg=f"{slug}/{name}")


@pytest.mark.parametrize("slug", SLUGS)
def test_bartlett_matches_psych(ref_case, slug):
    case = ref_case(slug)
    for name, blk in case.ref["sets"].items():
        ref = blk["bartlett"]
        res = bartlett(case.data, blk["items"])
        assert list(res.columns) == ["n", "n_items", "chi2", "df", "pval", "log_det"]
        row = res.iloc[0]
        assert row["n"] == blk["n_obs"] and row["n_items"] == len(blk["items"])
        assert_allclose([row["chi2"], row["df"], row["log_det"]], [ref["chisq"], ref["df"], ref["log_det_R"]], atol=ATOL,
                        err_msg=f"{slug}/{name}")
        # p-values can be ~1e-166: compare relatively
        assert_allclose(row["pval"], ref["p_value"], rtol=1e-6, atol=0)


@pytest.mark.parametrize("slug", SLUGS)
def test_eigenvalues_match_r(ref_case, slug):
    case = ref_case(slug)
    for name, blk in case.ref["sets"].items():
        ref = blk["eigenvalues"]
        res = eigenvalues(case.data, blk["items"])
        assert isinstance(res, EigenvaluesResult)
        assert_allclose(res.correlation, ref["correlation"], atol=ATOL)
        assert_allclose(res.covariance, ref["covariance"], atol=ATOL)
        assert res.kaiser_n_gt_1 == ref["kaiser_n_gt_1"]
        tab = res.to_frame()
        assert_allclose(tab["cumulative"].iloc[-1], 1.0)
        assert_allclose(tab["eigenvalue"].sum(), len(blk["items"]))


def test_adequacy_from_sufficient_stats(ref_case):
    case = ref_case("corp_rep")
    st = sufficient_stats(case.data)
    items = case.constructs["SWITCH"]
    pd.testing.assert_frame_equal(kmo(st, items), kmo(case.data, items))
    pd.testing.assert_frame_equal(bartlett(st), bartlett(case.data))
    assert_allclose(eigenvalues(st).correlation, eigenvalues(case.data).correlation, atol=1e-12)
    with pytest.raises(AnalysisError, match="not in the sufficient statistics"):
        kmo(st, ["comp_1", "nope"])


def test_kmo_with_nan_listwise_by_default(ref_case):
    """factor_analyzer's calculate_kmo breaks on NaN; ours deletes listwise (or pairwise on request)."""
    case = ref_case("holzinger")
    x = case.data.copy()
    rng = np.random.default_rng(1)
    x = x.mask(rng.random(x.shape) < 0.05)
    res = kmo(x)
    assert res["msa"].notna().all()
    pd.testing.assert_frame_equal(res, kmo(x.dropna()))
    pw = kmo(x, nan_policy="pairwise")
    assert pw["msa"].notna().all()
    r = x.corr().to_numpy().copy()  # pairwise correlations, independent of servqual
    q = np.linalg.inv(r)
    p = q / np.sqrt(np.outer(np.diag(q), np.diag(q)))
    np.fill_diagonal(r, 0)
    np.fill_diagonal(p, 0)
    assert_allclose(pw["msa"].iloc[-1], (r**2).sum() / ((r**2).sum() + (p**2).sum()), atol=1e-12)
    b = bartlett(x)
    assert b["n"].iloc[0] == len(x.dropna())


def test_kmo_two_items_is_one_half(ref_case):
    case = ref_case("mobi")
    res = kmo(case.data, case.constructs["Value"])
    assert_allclose(res["msa"], 0.5, atol=1e-12)


def test_singular_matrix_names_collinear_items(ref_case):
    x = ref_case("holzinger").data.copy()
    x["x1_copy"] = x["x1"]
    for fn in (kmo, bartlett):
        with pytest.raises(AnalysisError, match=r"items x1, x1_copy are perfectly collinear.*Drop one"):
            fn(x)
    y = ref_case("holzinger").data[["x1", "x2", "x3", "x4"]].copy()
    y["sum12"] = y["x1"] + y["x2"]
    with pytest.raises(AnalysisError) as err:
        kmo(y)
    msg = str(err.value)
    assert "x1, x2, sum12" in msg and "x3" not in msg and "x4" not in msg


def test_adequacy_bad_inputs(ref_case):
    data = ref_case("holzinger").data
    with pytest.raises(AnalysisError, match="only 5 complete rows for 9 items"):
        kmo(data.iloc[:5])
    with pytest.raises(AnalysisError, match="only 5 complete rows"):
        bartlett(data.iloc[:5])
    x = data[["x1", "x2", "x3"]].copy()
    x["flat"] = 4.0
    with pytest.raises(AnalysisError, match="flat"):
        kmo(x)
    with pytest.raises(AnalysisError, match="flat"):
        bartlett(x)
    with pytest.raises(AnalysisError, match="at least 2 items"):
        kmo(data, ["x1"])
    x = data[["x1", "x2"]].copy()
    x["label"] = "a"
    with pytest.raises(AnalysisError, match="non-numeric.*label"):
        kmo(x)
    with pytest.raises(AnalysisError, match="non-numeric"):
        eigenvalues(x)
    assert eigenvalues(data, ["x1"]).kaiser_n_gt_1 == 0  # one item: eigenvalue 1, nothing above
    assert "Kaiser" in " ".join(eigenvalues(data).notes())
