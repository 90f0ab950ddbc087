"""The linear algebra of the psychometric analyses: squared multiple correlations, residual variances,
and the diagnosis of singular or indefinite correlation matrices.

Every function takes a small ``k x k`` symmetric matrix (a correlation or covariance matrix of ``k``
items) and returns numpy arrays; nothing here knows about data frames or result objects.

Examples
--------
>>> import numpy as np
>>> r = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.4], [0.3, 0.4, 1.0]])
>>> smc(r).round(4)  # psych::smc(R)
array([0.2619, 0.3187, 0.1733])
>>> is_singular(r), is_singular(np.ones((2, 2)))
(False, True)
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh

from servqual.exceptions import AnalysisError

__all__ = [
    "SINGULAR_TOL",
    "smc",
    "residual_variances",
    "is_singular",
    "collinear_items",
    "require_nonsingular",
    "cor_smooth",
    "eigvals_desc",
    "eigh_desc",
]

#: Relative size (to the largest eigenvalue, times ``k``) under which an eigenvalue of a correlation
#: matrix counts as zero.
SINGULAR_TOL = 1e-12

_EPS = np.finfo(float).eps


def eigvals_desc(s: np.ndarray) -> np.ndarray:
    """Eigenvalues of a symmetric matrix, largest first.

    Parameters
    ----------
    s : numpy.ndarray
        Symmetric ``k x k`` matrix.

    Returns
    -------
    numpy.ndarray
        The ``k`` eigenvalues in decreasing order (LAPACK ``syevd``, as R ``eigen(symmetric = TRUE)``).

    Examples
    --------
    >>> eigvals_desc(np.array([[1.0, 0.5], [0.5, 1.0]]))
    array([1.5, 0.5])
    """
    return eigh(s, lower=False, eigvals_only=True, driver="evd")[::-1]


def eigh_desc(s: np.ndarray) -> tuple:
    """Eigenvalues (largest first) and the matching eigenvectors (columns) of a symmetric matrix.

    Examples
    --------
    >>> w, v = eigh_desc(np.array([[2.0, 0.0], [0.0, 1.0]]))
    >>> w, float(abs(v[0, 0]))
    (array([2., 1.]), 1.0)
    """
    w, v = np.linalg.eigh(s)
    return w[::-1], v[:, ::-1]


def is_singular(r: np.ndarray) -> bool:
    """Whether the correlation matrix ``r`` is singular (or not positive semi-definite).

    Parameters
    ----------
    r : numpy.ndarray
        Symmetric ``k x k`` correlation matrix.

    Returns
    -------
    bool
        True when the smallest eigenvalue is at most ``SINGULAR_TOL * k`` times the largest one in
        absolute value (so also for an indefinite matrix).

    Examples
    --------
    >>> is_singular(np.array([[1.0, 1.0], [1.0, 1.0]]))
    True
    """
    w = eigh(r, lower=False, eigvals_only=True, driver="evd")
    top = max(float(np.max(np.abs(w))), 1e-300)
    return bool(np.min(w) <= SINGULAR_TOL * top * r.shape[0])


def collinear_items(r: np.ndarray, items: list) -> list:
    """Items that take part in an exact linear dependence of the correlation matrix ``r``.

    Parameters
    ----------
    r : numpy.ndarray
        Symmetric ``k x k`` correlation matrix.
    items : list
        The ``k`` item names.

    Returns
    -------
    list
        The names of the items with a non-negligible weight (above 1e-6) in the null space of ``r``
        (the eigenvectors of its numerically zero eigenvalues); empty for a non-singular ``r``.

    Examples
    --------
    >>> r = np.array([[1.0, 1.0, 0.2], [1.0, 1.0, 0.2], [0.2, 0.2, 1.0]])
    >>> collinear_items(r, ["q1", "q2", "q3"])
    ['q1', 'q2']
    """
    w, v = np.linalg.eigh(r)
    top = max(float(np.max(np.abs(w))), 1e-300)
    null = v[:, w <= SINGULAR_TOL * top * r.shape[0]]
    if null.shape[1] == 0:
        return []
    weight = np.sqrt(np.sum(null**2, axis=1))
    return [it for it, wt in zip(items, weight) if wt > 1e-6]


def require_nonsingular(r: np.ndarray, n: int, items: list, what: str) -> np.ndarray:
    """Return the correlation matrix ``r`` of ``n`` rows, or raise a clear error if it is singular.

    Parameters
    ----------
    r : numpy.ndarray
        Correlation matrix of ``items``.
    n : int
        Number of rows it was computed from.
    items : list
        Item names (named in the message).
    what : str
        The analysis, for the message.

    Returns
    -------
    numpy.ndarray
        ``r`` itself.

    Raises
    ------
    AnalysisError
        ``n <= k`` (too few rows for the items) or perfectly collinear items (they are named).

    Examples
    --------
    >>> require_nonsingular(np.ones((2, 2)), 10, ["q1", "q2"], "KMO")
    Traceback (most recent call last):
    ...
    servqual.exceptions.AnalysisError: KMO: the correlation matrix is singular because items q1, q2 are perfectly collinear ...
    """
    k = len(items)
    if n <= k:
        raise AnalysisError(
            f"{what}: only {n} complete rows for {k} items, so the correlation matrix is singular. "
            "Collect more responses (at least several times the number of items) or analyse fewer items."
        )
    if is_singular(r):
        bad = collinear_items(r, items)
        raise AnalysisError(
            f"{what}: the correlation matrix is singular because items {', '.join(map(str, bad))} are "
            "perfectly collinear (one is an exact linear combination of the others, e.g. two identical "
            f"columns or a total score). Drop one of them (for example {bad[-1]}) and run it again."
        )
    return r


def residual_variances(c: np.ndarray) -> np.ndarray:
    """Residual variance of each variable regressed on all the others, ``1 / (C^-1)_jj``.

    Parameters
    ----------
    c : numpy.ndarray
        Covariance (or correlation) matrix, ``k x k``.

    Returns
    -------
    numpy.ndarray
        The ``k`` residual variances ``e_j^2``; for a correlation matrix ``1 - e_j^2`` is the squared
        multiple correlation. Guttman's lambda 6 is ``1 - sum(e_j^2) / V_total``.

    Notes
    -----
    The diagonal of ``C^-1`` comes from the Cholesky factor, ``(C^-1)_jj = sum_i (L^-1)_ij^2``. For a
    singular matrix each variable is regressed on the others with a pseudo-inverse instead, so a variable
    that is an exact linear combination of others has residual variance 0:

    .. math::

        e_j^2 = \\max\\left(c_{jj} - c_{j,-j} C_{-j,-j}^{+} c_{-j,j},\\ 0\\right)

    Examples
    --------
    >>> residual_variances(np.array([[1.0, 0.6], [0.6, 1.0]]))
    array([0.64, 0.64])
    """
    k = c.shape[0]
    try:
        chol = np.linalg.cholesky(c)
        inv_chol = np.linalg.solve(chol, np.eye(k))
        diag_inv = np.sum(inv_chol**2, axis=0)
        if np.all(np.isfinite(diag_inv)) and not is_singular(c / np.sqrt(np.outer(np.diag(c), np.diag(c)))):
            return 1.0 / diag_inv
    except np.linalg.LinAlgError:
        pass
    out = np.empty(k)
    for j in range(k):
        rest = np.delete(np.arange(k), j)
        cj = c[rest, j]
        beta = np.linalg.pinv(c[np.ix_(rest, rest)], rcond=1e-10, hermitian=True) @ cj
        out[j] = max(c[j, j] - cj @ beta, 0.0)
    return out


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlation of each item with all the others, as R ``psych::smc``.

    Parameters
    ----------
    r : numpy.ndarray
        Correlation matrix, ``k x k``.

    Returns
    -------
    numpy.ndarray
        ``1 - 1 / diag(R^-1)``, clipped to ``[0, 1]``.

    Notes
    -----
    .. math::

        \\mathrm{SMC}_j = 1 - \\frac{1}{(R^{-1})_{jj}}

    As ``psych::smc``, a singular ``R`` is inverted with the Moore-Penrose pseudo-inverse and values
    outside ``[0, 1]`` are set to the nearer bound. For a non-singular ``R`` this equals
    ``1 - residual_variances(r)`` up to rounding (the two compute ``diag(R^-1)`` in a different order,
    so the last bits may differ); for a singular ``R`` they differ: the pseudo-inverse of the whole
    matrix is not the regression of each item on the others, which :func:`residual_variances` computes
    (a collinear item then has SMC exactly 1). Factor extraction starts from this function, as psych's;
    Guttman's lambda 6 and psych's ``G6(smc)`` are computed from :func:`residual_variances`.

    Examples
    --------
    >>> smc(np.array([[1.0, 0.6], [0.6, 1.0]])).round(4)  # psych::smc(matrix(c(1, .6, .6, 1), 2))
    array([0.36, 0.36])
    """
    try:
        inv = np.linalg.inv(r)
        if not np.all(np.isfinite(inv)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r, hermitian=True)
    with np.errstate(divide="ignore"):
        s = 1.0 - 1.0 / np.diag(inv)
    return np.clip(np.nan_to_num(s, nan=1.0, posinf=1.0, neginf=0.0), 0.0, 1.0)


def cor_smooth(x: np.ndarray, eig_tol: float = 1e-12) -> np.ndarray:
    """Make a correlation matrix positive definite, as R ``psych::cor.smooth``.

    Parameters
    ----------
    x : numpy.ndarray
        Symmetric ``k x k`` correlation matrix.
    eig_tol : float
        Eigenvalues below it are raised to ``100 * eig_tol``.

    Returns
    -------
    numpy.ndarray
        ``x`` itself when it is positive definite; otherwise the matrix rebuilt from its eigenvectors with
        the small eigenvalues raised, rescaled so that the eigenvalues sum to ``k``, and turned back into
        a correlation matrix.

    Examples
    --------
    >>> cor_smooth(np.ones((2, 2))).round(6)  # psych::cor.smooth(matrix(1, 2, 2))
    array([[1., 1.],
           [1., 1.]])
    """
    # eigenvalues alone agree with those of the full decomposition to ~p * eps * ||x||, far below 1e-10:
    # a smallest eigenvalue above 1e-10 means the matrix is returned unchanged
    if np.linalg.eigvalsh(x)[0] > 1e-10:
        return x
    w, v = eigh_desc(x)
    if w.min() >= _EPS:
        return x
    w = np.where(w < eig_tol, 100 * eig_tol, w)
    w = w * x.shape[0] / w.sum()
    y = (v * w) @ v.T
    d = np.sqrt(np.diag(y))
    return y / np.outer(d, d)
