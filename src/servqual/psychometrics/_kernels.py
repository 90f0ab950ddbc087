"""Speed kernels of the psychometric analyses: the few low-level routines that the benchmark of
``benchmarks/README.md`` shows to matter (at least 20 % of the benchmarked call), each with a plain
reference implementation in ``tests/test_kernels.py`` that it is checked against.

- :func:`columns_as_rows`: the item columns of a float64 DataFrame as one ``(k, n)`` view without a
  copy (address arithmetic with ``as_strided``); ``sufficient_stats`` on 1,000,000 x 22 rows takes about
  half the time of the block-copy path.
- :func:`lu_factor` / :func:`lu_solve`: LAPACK ``getrf`` / ``getrs`` without the argument checks of
  :func:`scipy.linalg.lu_factor`; the oblimin rotation calls them hundreds of times per fit (EFA with
  oblimin about 1.7x slower through the checked wrappers).
- :func:`eigh_ascending`: LAPACK ``syevr`` for the minres objective, evaluated once per optimiser step
  (EFA about 1.4x slower through :func:`scipy.linalg.eigh`).
- :func:`cholesky_inverse`, :func:`solve_pd`: LAPACK ``potrf`` + ``potri`` and ``posv`` of the CFA
  likelihood and Newton steps; ``potri`` has no checked wrapper giving the same numbers.

Examples
--------
>>> import numpy as np
>>> a = np.array([[4.0, 2.0], [2.0, 3.0]])
>>> chol, inv = cholesky_inverse(a)
>>> bool(np.allclose(inv, np.linalg.inv(a)))
True
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack

__all__ = ["columns_as_rows", "lu_factor", "lu_solve", "eigh_ascending", "cholesky_inverse", "solve_pd"]


def _root(a):
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a


def columns_as_rows(arrays):
    """The item columns as one read-only ``(k, n)`` view, without copying, when they are contiguous
    float64 columns at evenly spaced addresses of one numpy allocation (the columns of a float64
    DataFrame, in their order in the frame); otherwise None.

    Examples
    --------
    >>> m = np.arange(6.0).reshape(2, 3).T.copy(order="F")  # three rows, two contiguous columns
    >>> columns_as_rows([m[:, 0], m[:, 1]])
    array([[0., 1., 2.],
           [3., 4., 5.]])
    """
    first = arrays[0]
    n = len(first)
    if any(a.dtype != np.float64 or a.ndim != 1 or len(a) != n or (n > 1 and a.strides[0] != 8) for a in arrays):
        return None
    if len(arrays) == 1:
        return first[None, :]
    root = _root(first)
    if not isinstance(root, np.ndarray) or any(_root(a) is not root for a in arrays[1:]):
        return None
    addr = [a.__array_interface__["data"][0] for a in arrays]
    step = addr[1] - addr[0]
    if step == 0 or any(y - x != step for x, y in zip(addr, addr[1:])):
        return None
    lo, hi = root.__array_interface__["data"][0], root.__array_interface__["data"][0] + root.nbytes
    if not (root.flags.c_contiguous or root.flags.f_contiguous):
        return None
    if min(addr) < lo or max(addr) + 8 * n > hi:
        return None
    return np.lib.stride_tricks.as_strided(first, shape=(len(arrays), n), strides=(step, 8), writeable=False)


def lu_factor(t: np.ndarray) -> tuple:
    """LU factors ``(lu, piv)`` of a small square matrix (LAPACK ``getrf``).

    Raises
    ------
    numpy.linalg.LinAlgError
        The matrix is singular.
    """
    lu, piv, info = lapack.dgetrf(t)
    if info != 0:
        raise np.linalg.LinAlgError("singular rotation matrix")
    return lu, piv


def lu_solve(lu: np.ndarray, piv: np.ndarray, b: np.ndarray, trans: int = 0) -> np.ndarray:
    """Solve ``T X = b`` (``trans=1``: ``T' X = b``) from :func:`lu_factor` (LAPACK ``getrs``)."""
    return lapack.dgetrs(lu, piv, b, trans=trans)[0]


def eigh_ascending(a: np.ndarray) -> tuple:
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (LAPACK ``syevr``)."""
    w, v, _, _, info = lapack.dsyevr(a)
    if info != 0:  # pragma: no cover - LAPACK failure on a finite symmetric matrix
        return np.linalg.eigh(a)
    return w, v


def cholesky_inverse(a: np.ndarray):
    """``(L, A^-1)`` of a symmetric positive definite matrix (LAPACK ``potrf`` and ``potri``), or None.

    ``L`` is the lower Cholesky factor; None when ``A`` is not positive definite (or the factor is not
    finite).
    """
    chol, info = lapack.dpotrf(a, lower=1)
    if info != 0 or not np.all(np.isfinite(chol)):
        return None
    inv, info = lapack.dpotri(chol, lower=1)
    if info != 0:
        return None
    iu = np.triu_indices(len(inv), 1)
    inv[iu] = inv.T[iu]  # potri fills the lower triangle; mirror it
    return chol, inv


def solve_pd(a: np.ndarray, b: np.ndarray):
    """The solution of ``A x = b`` for a symmetric positive definite ``A`` (LAPACK ``posv``), or None."""
    _, sol, info = lapack.dposv(a, b, lower=1)
    if info != 0 or not np.all(np.isfinite(sol)):
        return None
    return sol
