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
>>> definiteness(np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.0], [0.9, 0.0, 1.0]]))  # no data give these
'indefinite'
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh

from servqual.exceptions import AnalysisError

__all__ = [
    "SINGULAR_TOL",
    "smc",
    "pinv",
    "residual_variances",
    "definiteness",
    "smallest_eigenvalue",
    "is_singular",
    "is_indefinite",
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


def _zero_tolerance(w: np.ndarray, k: int) -> float:
    """Eigenvalues of absolute value at most this count as zero (``SINGULAR_TOL * k * max |w|``)."""
    return SINGULAR_TOL * max(float(np.max(np.abs(w))), 1e-300) * k


def definiteness(r: np.ndarray) -> str:
    """Whether the symmetric matrix ``r`` is positive definite, singular or indefinite.

    Parameters
    ----------
    r : numpy.ndarray
        Symmetric ``k x k`` correlation (or covariance) matrix.

    Returns
    -------
    str
        ``"singular"`` when an eigenvalue is numerically zero (perfectly collinear items, or fewer rows
        than items), else ``"indefinite"`` when an eigenvalue is negative (a matrix that no complete data
        produce; pairwise deletion can give one), else ``"positive definite"``.

    Notes
    -----
    With eigenvalues :math:`w_1 \\ge \\dots \\ge w_k` and the tolerance

    .. math::

        \\tau = k \\cdot 10^{-12} \\max_i |w_i|,

    ``r`` is singular when some :math:`|w_i| \\le \\tau` and indefinite when :math:`w_k < -\\tau`
    (``SINGULAR_TOL`` is the :math:`10^{-12}`).

    Examples
    --------
    >>> definiteness(np.array([[1.0, 0.5], [0.5, 1.0]])), definiteness(np.ones((2, 2)))
    ('positive definite', 'singular')
    >>> definiteness(np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.0], [0.9, 0.0, 1.0]]))
    'indefinite'
    """
    w = eigh(r, lower=False, eigvals_only=True, driver="evd")
    tol = _zero_tolerance(w, r.shape[0])
    if np.any(np.abs(w) <= tol):
        return "singular"
    if np.min(w) < 0.0:
        return "indefinite"
    return "positive definite"


def smallest_eigenvalue(r: np.ndarray) -> float:
    """The smallest eigenvalue of the symmetric matrix ``r`` (negative for an indefinite matrix).

    Examples
    --------
    >>> round(smallest_eigenvalue(np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.0], [0.9, 0.0, 1.0]])), 4)
    -0.2728
    """
    return float(eigh(r, lower=False, eigvals_only=True, driver="evd")[0])


def is_singular(r: np.ndarray) -> bool:
    """Whether the correlation matrix ``r`` is singular (has a numerically zero eigenvalue).

    Parameters
    ----------
    r : numpy.ndarray
        Symmetric ``k x k`` correlation matrix.

    Returns
    -------
    bool
        True when an eigenvalue is at most ``SINGULAR_TOL * k`` times the largest one in absolute value
        (see :func:`definiteness`). An indefinite matrix without a zero eigenvalue is not singular: see
        :func:`is_indefinite`.

    Examples
    --------
    >>> is_singular(np.array([[1.0, 1.0], [1.0, 1.0]]))
    True
    """
    return definiteness(r) == "singular"


def is_indefinite(r: np.ndarray) -> bool:
    """Whether the correlation matrix ``r`` has a negative eigenvalue and no zero one (see :func:`definiteness`).

    Such a matrix is not the correlation matrix of any complete data; pairwise deletion of missing
    answers, where each correlation comes from a different subset of respondents, can give one.

    Examples
    --------
    >>> is_indefinite(np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.0], [0.9, 0.0, 1.0]]))
    True
    """
    return definiteness(r) == "indefinite"


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
        (the eigenvectors of its numerically zero eigenvalues, see :func:`definiteness`); empty for a
        non-singular ``r``, and so also for an indefinite one whose eigenvalues are all away from zero
        (negative eigenvalues are not linear dependences).

    Examples
    --------
    >>> r = np.array([[1.0, 1.0, 0.2], [1.0, 1.0, 0.2], [0.2, 0.2, 1.0]])
    >>> collinear_items(r, ["q1", "q2", "q3"])
    ['q1', 'q2']
    """
    w, v = np.linalg.eigh(r)
    null = v[:, np.abs(w) <= _zero_tolerance(w, r.shape[0])]
    if null.shape[1] == 0:
        return []
    weight = np.sqrt(np.sum(null**2, axis=1))
    return [it for it, wt in zip(items, weight) if wt > 1e-6]


def require_nonsingular(r: np.ndarray, n: int, items: list, what: str, allow_indefinite: bool = False) -> np.ndarray:
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
    allow_indefinite : bool
        Accept an indefinite matrix (negative eigenvalues, no zero one; see :func:`definiteness`), for
        the analyses that R psych computes on it.

    Returns
    -------
    numpy.ndarray
        ``r`` itself.

    Raises
    ------
    AnalysisError
        ``n <= k`` (too few rows for the items), perfectly collinear items (they are named), or, unless
        ``allow_indefinite``, an indefinite matrix (the message gives its smallest eigenvalue and names
        no items: no item is a linear combination of the others).

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
    state = definiteness(r)
    if state == "singular":
        bad = collinear_items(r, items)
        raise AnalysisError(
            f"{what}: the correlation matrix is singular because items {', '.join(map(str, bad))} are "
            "perfectly collinear (one is an exact linear combination of the others, e.g. two identical "
            f"columns or a total score). Drop one of them (for example {bad[-1]}) and run it again."
        )
    if state == "indefinite" and not allow_indefinite:
        raise AnalysisError(
            f"{what}: the correlation matrix is not positive definite (smallest eigenvalue "
            f"{smallest_eigenvalue(r):.4g}), so it is the correlation matrix of no complete data set. This "
            "happens under pairwise deletion, where each correlation comes from a different subset of "
            "respondents, and no item is a linear combination of the others. Use nan_policy='listwise' (rows answered "
            "on every item) or fewer items with many answers in common."
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

    An indefinite matrix (see :func:`definiteness`; pairwise deletion can give one) is the covariance
    matrix of no data, and the regression above is not defined for it; there, as R psych
    (``psych::smc(C, covar = TRUE)``, which ``alpha``, ``guttman`` and ``splitHalf`` use), the squared
    multiple correlations of the correlation matrix ``R = D^-1/2 C D^-1/2`` are clipped to ``[0, 1]``
    (:func:`smc`) and

    .. math::

        e_j^2 = c_{jj} \\left(1 - \\min\\left(\\max\\left(1 - \\frac{1}{(R^{-1})_{jj}},\\ 0\\right),\\ 1\\right)\\right).

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
    d = np.diag(c)
    if definiteness(c / np.sqrt(np.outer(d, d))) == "indefinite":
        return d * (1.0 - smc(c / np.sqrt(np.outer(d, d))))
    out = np.empty(k)
    for j in range(k):
        rest = np.delete(np.arange(k), j)
        cj = c[rest, j]
        beta = np.linalg.pinv(c[np.ix_(rest, rest)], rcond=1e-10, hermitian=True) @ cj
        out[j] = max(c[j, j] - cj @ beta, 0.0)
    return out


def pinv(x: np.ndarray, tol: float = float(np.sqrt(_EPS))) -> np.ndarray:
    """Moore-Penrose pseudo-inverse as R ``psych::Pinv``.

    Parameters
    ----------
    x : numpy.ndarray
        A matrix.
    tol : float
        Singular values at most ``tol`` times the largest one are dropped (psych's default
        ``sqrt(.Machine$double.eps)``).

    Returns
    -------
    numpy.ndarray

    Notes
    -----
    With the singular value decomposition :math:`X = U D V'` and :math:`P` the singular values kept,

    .. math::

        X^{+} = V_P D_P^{-1} U_P'.

    Examples
    --------
    >>> pinv(np.ones((2, 2)))  # psych::Pinv(matrix(1, 2, 2))
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    u, d, vt = np.linalg.svd(x)
    keep = d > max(tol * (d[0] if d.size else 0.0), 0.0)
    return (vt[keep].T / d[keep]) @ u[:, keep].T


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

        \\mathrm{SMC}_j = \\min\\left(\\max\\left(1 - \\frac{1}{(R^{+})_{jj}},\\ 0\\right),\\ 1\\right)

    with :math:`R^{+}` psych's pseudo-inverse (:func:`pinv`), which is :math:`R^{-1}` unless a
    singular value of ``R`` is below :math:`\\sqrt{\\epsilon}` times the largest one (then ``R`` is
    inverted with :func:`pinv`; otherwise with :func:`numpy.linalg.inv`). As in psych, values outside
    ``[0, 1]`` are set to the nearer bound: an indefinite ``R`` (pairwise deletion, see
    :func:`definiteness`) can have :math:`(R^{-1})_{jj} < 0`, an SMC above 1 (set to 1), or
    :math:`0 < (R^{-1})_{jj} < 1`, an SMC below 0 (set to 0).

    For a positive definite or indefinite ``R`` this equals ``1 - residual_variances(r)`` up to
    rounding (the two compute ``diag(R^-1)`` in a different order, so the last bits may differ); for a
    singular ``R`` they differ: the pseudo-inverse of the whole matrix is not the regression of each
    item on the others, which :func:`residual_variances` computes (a collinear item then has SMC
    exactly 1). Factor extraction starts from this function, as psych's; Guttman's lambda 6 and psych's
    ``G6(smc)`` are computed from :func:`residual_variances`.

    Examples
    --------
    >>> smc(np.array([[1.0, 0.6], [0.6, 1.0]])).round(4)  # psych::smc(matrix(c(1, .6, .6, 1), 2))
    array([0.36, 0.36])
    """
    w = np.abs(eigh(r, lower=False, eigvals_only=True, driver="evd"))
    inv = None
    if w.size and w.min() > np.sqrt(_EPS) * w.max():
        try:
            inv = np.linalg.inv(r)
        except np.linalg.LinAlgError:  # pragma: no cover - excluded by the test above
            inv = None
        if inv is not None and not np.all(np.isfinite(inv)):
            inv = None
    if inv is None:
        inv = pinv(r)
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

    Notes
    -----
    With :math:`x = V W V'` and :math:`\\epsilon` the machine epsilon, when :math:`\\min_i w_i < \\epsilon`:

    .. math::

        \\tilde w_i = \\frac{k\\, w_i^*}{\\sum_j w_j^*}, \\quad
        w_i^* = \\begin{cases} 100\\,\\mathrm{eig\\_tol} & w_i < \\mathrm{eig\\_tol} \\\\ w_i & \\text{otherwise} \\end{cases},
        \\qquad Y = V \\tilde W V', \\qquad \\tilde x = D_Y^{-1/2}\\, Y\\, D_Y^{-1/2}.

    ``psych::factor.stats`` smooths the correlation matrix and the model matrix this way before its
    fit function (:func:`servqual.psychometrics.factoring.fit_statistics` does the same). Tested
    against R psych 2.2.9 ``cor.smooth`` on an indefinite pairwise correlation matrix to 1e-10.

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
