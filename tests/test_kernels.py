"""The speed kernels (servqual.psychometrics._kernels) against plain numpy reference implementations."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual.psychometrics.stats as stats
from servqual.psychometrics import _kernels as K


# ---- plain reference implementations ------------------------------------------------------------------
def ref_columns_as_rows(arrays):
    return np.vstack([np.asarray(a, dtype=float) for a in arrays])


def ref_lu_solve(t, b, trans=0):
    return np.linalg.solve(t.T if trans else t, b)


def ref_eigh_ascending(a):
    return np.linalg.eigh(a)


def ref_cholesky_inverse(a):
    try:
        return np.linalg.cholesky(a), np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return None


def ref_solve_pd(a, b):
    try:
        np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        return None
    return np.linalg.solve(a, b)


def _spd(k, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3 * k, k))
    return x.T @ x / (3 * k) + 0.1 * np.eye(k)


def _likert(n, k, seed=0):
    """Simulated 1..7 answers with a common factor (a known structure for the checks only)."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, 1))
    x = np.clip(np.round(4 + 1.2 * f + rng.standard_normal((n, k))), 1, 7)
    return pd.DataFrame(x, columns=[f"q{j + 1}" for j in range(k)])


# ---- checks -----------------------------------------------------------------------------------------------
def test_columns_as_rows_is_a_view_equal_to_the_reference(monkeypatch):
    monkeypatch.setattr(stats, "_BLOCK_ROWS", 7)
    df = _likert(500, 6)  # above 4 blocks: the columns are taken one by one from the frame
    _, arrays = stats.item_columns(df)
    view = K.columns_as_rows(arrays)
    assert view is not None and view.shape == (6, 500) and not view.flags.writeable
    assert np.shares_memory(view, df["q1"].to_numpy())
    assert_allclose(view, ref_columns_as_rows(arrays), rtol=0, atol=0)
    for sel in (["q2", "q3", "q4"], ["q1", "q3", "q5"], ["q5"]):
        arr = stats.item_columns(df, sel)[1]
        assert_allclose(K.columns_as_rows(arr), ref_columns_as_rows(arr), rtol=0, atol=0)
    # unevenly spaced columns, or columns of different blocks: no view (the block path copies)
    assert K.columns_as_rows(stats.item_columns(df, ["q1", "q2", "q4"])[1]) is None
    assert K.columns_as_rows(stats.item_columns(df.assign(q2=df["q2"].astype(int)))[1]) is None


@pytest.mark.parametrize("k", [1, 2, 5, 12])
def test_lu_kernels_match_numpy_solve(k):
    rng = np.random.default_rng(k)
    t = rng.standard_normal((k, k)) + 3 * np.eye(k)
    b = rng.standard_normal((k, 4))
    lu, piv = K.lu_factor(t)
    assert_allclose(K.lu_solve(lu, piv, b), ref_lu_solve(t, b), rtol=1e-10, atol=1e-12)
    assert_allclose(K.lu_solve(lu, piv, b, trans=1), ref_lu_solve(t, b, trans=1), rtol=1e-10, atol=1e-12)
    with pytest.raises(np.linalg.LinAlgError):
        K.lu_factor(np.zeros((k, k)))


@pytest.mark.parametrize("k", [2, 6, 22])
def test_eigh_ascending_matches_numpy(k):
    a = _spd(k, k)
    w, v = K.eigh_ascending(a)
    rw, rv = ref_eigh_ascending(a)
    assert_allclose(w, rw, rtol=1e-10, atol=1e-12)
    assert_allclose(np.abs(v.T @ rv), np.eye(k), atol=1e-8)  # the same vectors up to sign


@pytest.mark.parametrize("k", [1, 3, 22])
def test_cholesky_inverse_and_solve_pd_match_numpy(k):
    a = _spd(k, 10 + k)
    b = np.arange(1.0, k + 1)
    chol, inv = K.cholesky_inverse(a)
    rchol, rinv = ref_cholesky_inverse(a)
    assert_allclose(chol, rchol, rtol=1e-10, atol=1e-12)
    assert_allclose(inv, rinv, rtol=1e-9, atol=1e-10)
    assert_allclose(inv, inv.T, rtol=0, atol=0)
    assert_allclose(K.solve_pd(a, b), ref_solve_pd(a, b), rtol=1e-9, atol=1e-10)


def test_kernels_refuse_matrices_that_are_not_positive_definite():
    a = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert K.cholesky_inverse(a) is None and ref_cholesky_inverse(a) is None
    assert K.solve_pd(a, np.ones(2)) is None and ref_solve_pd(a, np.ones(2)) is None
