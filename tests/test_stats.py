"""One-pass sufficient statistics (servqual.stats) against numpy / pandas on the same rows."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual.psychometrics.stats as stats
from servqual.exceptions import AnalysisError
from servqual.psychometrics.stats import sufficient_stats


def _likert(n, k, seed=0):
    """Simulated 1..7 answers with a common factor (a known structure for the checks only)."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, 1))
    x = np.clip(np.round(4 + 1.2 * f + rng.standard_normal((n, k))), 1, 7)
    return pd.DataFrame(x, columns=[f"q{j + 1}" for j in range(k)])


def _check_against_numpy(st, x):
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    assert st.n == len(x)
    assert_allclose(st.mean, x.mean(axis=0), rtol=0, atol=1e-12)
    assert_allclose(st.cov, np.cov(x, rowvar=False), rtol=1e-12, atol=1e-12)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of a few rows, so that every path (several blocks, merges, NaN rows in a block) runs."""
    monkeypatch.setattr(stats, "_BLOCK_ROWS", 7)
    monkeypatch.setattr(stats, "_VIEW_BLOCK_ROWS", 11)


@pytest.mark.parametrize("n", [2, 3, 10, 37, 200])
def test_sufficient_stats_equal_numpy_cov(small_blocks, n):
    df = _likert(n, 5, seed=n)
    _check_against_numpy(sufficient_stats(df), df)
    mixed = df.assign(q3=df["q3"].astype(int))  # the copying block path
    _check_against_numpy(sufficient_stats(mixed), df)


def test_listwise_rows_with_missing_values_in_some_blocks(small_blocks):
    df = _likert(120, 5, seed=3)
    df.iloc[[0, 5, 6, 40, 41, 42, 119], [0, 2, 4, 1, 1, 3, 0]] = np.nan
    df.iloc[60:72, 2] = np.nan  # a whole view block of rows without a complete one
    before = df.copy()
    st = sufficient_stats(df)
    _check_against_numpy(st, df)
    assert st.n == 120 - 7 - 12
    pd.testing.assert_frame_equal(df, before)  # the input is never modified


def test_large_offsets_are_centred_before_the_products():
    """Values around 1e7 with unit variance: raw cross-products would cancel catastrophically, so the
    block is centred first; the covariance keeps its precision."""
    rng = np.random.default_rng(1)
    x = 1e7 + rng.standard_normal((5000, 4))
    st = sufficient_stats(pd.DataFrame(x, columns=list("abcd")))
    assert_allclose(st.cov, np.cov(x - 1e7, rowvar=False), rtol=1e-9, atol=1e-9)


def test_constant_item_has_exactly_zero_variance(small_blocks):
    df = _likert(60, 4, seed=2)
    df["q2"] = 4.0
    st = sufficient_stats(df)
    assert st.cov[1, 1] == 0.0 and np.all(st.cov[1] == 0.0)
    _check_against_numpy(st, df)


def test_merge_and_subset_equal_the_whole():
    df = _likert(300, 5, seed=4)
    a, b = sufficient_stats(df.iloc[:123]), sufficient_stats(df.iloc[123:])
    whole = a.merge(b)
    _check_against_numpy(whole, df)
    sub = whole.subset(["q4", "q1"])
    _check_against_numpy(sub, df[["q4", "q1"]])


def test_pairwise_equals_pandas():
    df = _likert(200, 4, seed=5)
    df.iloc[::7, 0] = np.nan
    df.iloc[::5, 3] = np.nan
    st = sufficient_stats(df, nan_policy="pairwise")
    assert_allclose(st.cov, df.cov().to_numpy(), rtol=1e-12)
    ok = df.notna().astype(float).to_numpy()
    assert_allclose(st.n_pairwise, ok.T @ ok)
    assert st.n == int((ok.T @ ok).min())


def test_too_few_complete_rows_is_a_clear_error():
    df = _likert(5, 3)
    df.iloc[1:, 0] = np.nan
    with pytest.raises(AnalysisError, match="only 1 complete row"):
        sufficient_stats(df)
    with pytest.raises(AnalysisError, match="non-numeric item columns: q2"):
        sufficient_stats(df.assign(q2="x"))
    with pytest.raises(ValueError, match="nan_policy"):
        sufficient_stats(df, nan_policy="mean")


@pytest.mark.parametrize(("x", "df", "p"), [(250.3, 131.0, 0.05), (250.3, 131.0, 0.95), (12.0, 3.0, 0.05),
                                            (3000.0, 200.0, 0.95), (40.0, 40.0, 0.05)])
def test_noncentrality_for_cdf_inverts_scipy_ncx2(x, df, p):
    from scipy import optimize
    from scipy.stats import ncx2

    lam = stats.noncentrality_for_cdf(x, df, p, upper=10 * x)
    assert_allclose(ncx2.cdf(x, df, lam), p, rtol=0, atol=1e-10)
    root = optimize.brentq(lambda v: ncx2.cdf(x, df, v) - p, 1e-12, 10 * x, xtol=1e-12)
    assert_allclose(lam, root, rtol=1e-9, atol=1e-9)


def test_noncentrality_outside_the_bracket_is_nan():
    # pchisq(5, 10, ncp) <= pchisq(5, 10) = 0.109 for every ncp >= 0: no ncp gives 0.5
    assert np.isnan(stats.noncentrality_for_cdf(5.0, 10.0, 0.5, upper=100.0))
    # the root (about 168) lies above the bracket's upper end
    assert np.isnan(stats.noncentrality_for_cdf(250.3, 131.0, 0.05, upper=50.0))
