"""Sampling adequacy before a factor analysis: Kaiser-Meyer-Olkin MSA, Bartlett's test of sphericity
and the eigenvalues of the correlation and covariance matrices.

All three start from the item covariance matrix (:func:`servqual.stats.sufficient_stats`), so a
:class:`~servqual.stats.SufficientStats` computed once can be passed instead of the data.

References: Kaiser (1970) *Psychometrika* 35; Kaiser & Rice (1974) *Educ Psychol Meas* 34;
Bartlett (1950) *Br J Stat Psychol* 3; tested against R psych 2.2.9 (``KMO``, ``cortest.bartlett``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps
from scipy.linalg import lapack

from servqual._results import ResultMixin
from servqual.exceptions import AnalysisError
from servqual.psychometrics.stats import SufficientStats, prepare_items, sufficient_stats

__all__ = ["kmo", "bartlett", "eigenvalues", "EigenvaluesResult"]

# relative size (to the largest eigenvalue) under which an eigenvalue of R counts as zero
_SINGULAR_TOL = 1e-12


# ---------------------------------------------------------------------------------------------
# shared helpers (also used by servqual.reliability)
# ---------------------------------------------------------------------------------------------
def _stats_from(data, items=None, nan_policy: str = "listwise") -> SufficientStats:
    """Sufficient statistics from a DataFrame or an existing :class:`SufficientStats`."""
    if isinstance(data, SufficientStats):
        if items is None:
            return data
        missing = [i for i in items if i not in data.items]
        if missing:
            raise AnalysisError(
                f"items not in the sufficient statistics: {', '.join(map(str, missing))}. "
                f"Available: {', '.join(map(str, data.items[:15]))}."
            )
        return data.subset(list(items))
    return sufficient_stats(data, items, nan_policy)


def _stats_and_corr(data, items, nan_policy, min_items: int, what: str):
    """Sufficient statistics and the correlation matrix.

    Under pairwise deletion of a DataFrame the correlations are pairwise Pearson correlations with
    pair-specific means and SDs, as R ``cor(use = "pairwise")`` (what ``psych::KMO`` uses on raw data);
    from a covariance matrix they are ``cov2cor(C)``.
    """
    st = _stats_from(data, items, nan_policy)
    _check_items(st, min_items, what)
    if nan_policy == "pairwise" and not isinstance(data, SufficientStats):
        r = prepare_items(data, items).corr().to_numpy(copy=True)
        if np.isnan(r).any():
            raise AnalysisError("some item pairs have too few rows answered in common for a correlation")
        np.fill_diagonal(r, 1.0)
        return st, r
    return st, st.corr


def _check_items(st: SufficientStats, min_items: int, what: str) -> None:
    """Raise for too few items and for items without variance."""
    if st.k < min_items:
        raise AnalysisError(
            f"{what} needs at least {min_items} items, got {st.k} ({', '.join(map(str, st.items))}). "
            "Add items or report the item on its own."
        )
    var = np.diag(st.cov)
    scale = np.maximum(1.0, np.abs(st.mean)) ** 2
    bad = ~np.isfinite(var) | (var <= 1e-12 * scale)
    if bad.any():
        const = [it for it, b in zip(st.items, bad) if b]
        raise AnalysisError(
            f"item(s) without variance (every answer the same): {', '.join(map(str, const))}. "
            "A constant item carries no information; drop it before computing the "
            f"{what}."
        )


def _collinear_items(r: np.ndarray, items: list) -> list:
    """Items that take part in an exact linear dependence of the correlation matrix ``r``.

    The dependencies are the eigenvectors whose eigenvalue is (numerically) zero: an item is
    involved when it has a non-negligible weight in that null space.
    """
    w, v = np.linalg.eigh(r)
    top = max(float(np.max(np.abs(w))), 1e-300)
    null = v[:, w <= _SINGULAR_TOL * top * r.shape[0]]
    if null.shape[1] == 0:
        return []
    weight = np.sqrt(np.sum(null**2, axis=1))
    return [it for it, wt in zip(items, weight) if wt > 1e-6]


def _is_singular(r: np.ndarray) -> bool:
    w, _, info = lapack.dsyevd(r, compute_v=0)  # eigenvalues only, without numpy's per-call wrapping
    if info != 0:  # pragma: no cover - LAPACK failure on a finite symmetric matrix
        w = np.linalg.eigvalsh(r)
    top = max(float(np.max(np.abs(w))), 1e-300)
    return bool(np.min(w) <= _SINGULAR_TOL * top * r.shape[0])


def _require_nonsingular(st: SufficientStats, what: str, r: np.ndarray | None = None) -> np.ndarray:
    """Return the correlation matrix, or raise a clear error if it is singular."""
    r = st.corr if r is None else r
    if st.n <= st.k:
        raise AnalysisError(
            f"{what}: only {st.n} complete rows for {st.k} items, so the correlation matrix is singular. "
            "Collect more responses (at least several times the number of items) or analyse fewer items."
        )
    if _is_singular(r):
        bad = _collinear_items(r, st.items)
        raise AnalysisError(
            f"{what}: the correlation matrix is singular because items {', '.join(map(str, bad))} are "
            "perfectly collinear (one is an exact linear combination of the others, e.g. two identical "
            f"columns or a total score). Drop one of them (for example {bad[-1]}) and run it again."
        )
    return r


def _residual_variances(c: np.ndarray) -> np.ndarray:
    """Residual variance of each variable regressed on all others, ``1 / (C^-1)_jj``.

    Falls back, for a singular matrix, to the projection with a pseudo-inverse (a variable that is an
    exact linear combination of others then has residual variance 0, i.e. SMC 1).
    """
    k = c.shape[0]
    try:
        chol = np.linalg.cholesky(c)
        inv_chol = np.linalg.solve(chol, np.eye(k))
        diag_inv = np.sum(inv_chol**2, axis=0)
        if np.all(np.isfinite(diag_inv)) and not _is_singular(c / np.sqrt(np.outer(np.diag(c), np.diag(c)))):
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


def _smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlation of each item with the others, from a correlation matrix."""
    if r.shape[0] == 1:
        return np.zeros(1)
    return 1.0 - _residual_variances(r)


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------
def kmo(data, items=None, nan_policy: str = "listwise") -> pd.DataFrame:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    Parameters
    ----------
    data : pandas.DataFrame or SufficientStats
        Item responses (or statistics from :func:`servqual.sufficient_stats`).
    items : list of str, optional
        Items to use (default: every column).
    nan_policy : {"listwise", "pairwise"}
        Missing data. Default ``"listwise"`` (rows complete on every item), which is what the
        reference analyses used; ``"pairwise"`` uses pairwise Pearson correlations as ``psych::KMO``
        does on raw data (R ``cor(use = "pairwise")``).
        Unlike ``factor_analyzer.calculate_kmo`` this does not fail on missing values.

    Returns
    -------
    pandas.DataFrame
        One row per item and a last row ``overall``; columns ``item`` and ``msa``.

    Raises
    ------
    AnalysisError
        Fewer than 2 items, constant items, fewer rows than items, or perfectly collinear items
        (the message names them).

    Notes
    -----
    With ``R`` the correlation matrix and ``P`` the partial (anti-image) correlations,
    ``P_ij = -Q_ij / sqrt(Q_ii Q_jj)`` with ``Q = R^-1``,

    ``MSA_i = sum_j r_ij^2 / (sum_j r_ij^2 + sum_j p_ij^2)`` (j != i) and the overall MSA the same
    with sums over all off-diagonal cells. Kaiser & Rice (1974): >= .90 marvellous, .80 meritorious,
    .70 middling, .60 mediocre, .50 miserable, below .50 unacceptable.
    Tested against R psych 2.2.9 ``KMO`` (``MSA``, ``MSAi``) to 1e-6.

    Examples
    --------
    >>> from servqual import load_dataset
    >>> kmo(load_dataset("holzinger"), ["x1", "x2", "x3"]).round(3)
          item    msa
    0       x1  0.619
    1       x2  0.694
    2       x3  0.605
    3  overall  0.631
    """
    st, r = _stats_and_corr(data, items, nan_policy, 2, "KMO")
    r = _require_nonsingular(st, "KMO", r)
    q = np.linalg.inv(r)
    d = 1.0 / np.sqrt(np.diag(q))
    p = q * np.outer(d, d)
    r2 = r**2
    p2 = p**2
    np.fill_diagonal(r2, 0.0)
    np.fill_diagonal(p2, 0.0)
    msai = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + p2.sum())
    return pd.DataFrame({"item": list(map(str, st.items)) + ["overall"], "msa": np.append(msai, overall)})


def bartlett(data, items=None, nan_policy: str = "listwise") -> pd.DataFrame:
    """Bartlett's test of sphericity (H0: the correlation matrix is the identity).

    Parameters
    ----------
    data : pandas.DataFrame or SufficientStats
    items : list of str, optional
    nan_policy : {"listwise", "pairwise"}
        Default listwise; under pairwise deletion (pairwise correlations) ``n`` is the smallest
        pairwise count.

    Returns
    -------
    pandas.DataFrame
        One row with columns ``n`` (rows), ``n_items``, ``chi2``, ``df``, ``pval`` and ``log_det``
        (natural log of the determinant of R).

    Raises
    ------
    AnalysisError
        Constant items, fewer rows than items, perfectly collinear items.

    Notes
    -----
    ``chi2 = -(n - 1 - (2p + 5) / 6) ln|R|`` with ``df = p (p - 1) / 2`` (Bartlett 1950), exactly as
    ``psych::cortest.bartlett(R, n)``. A significant result (p < .05) means the items are correlated
    enough for factor analysis; with large samples it is almost always significant, so read it with
    the KMO. Tested against R psych 2.2.9 to 1e-6 (p-value to relative 1e-6).

    Examples
    --------
    >>> from servqual import load_dataset
    >>> b = bartlett(load_dataset("holzinger"), ["x1", "x2", "x3"])
    >>> round(float(b["chi2"].iloc[0]), 2), float(b["df"].iloc[0])
    (110.22, 3.0)
    """
    st, r = _stats_and_corr(data, items, nan_policy, 2, "Bartlett's test")
    r = _require_nonsingular(st, "Bartlett's test", r)
    sign, logdet = np.linalg.slogdet(r)
    p = st.k
    n = st.n
    chi2 = -(n - 1 - (2 * p + 5) / 6.0) * logdet
    df = p * (p - 1) / 2.0
    return pd.DataFrame(
        {
            "n": [n],
            "n_items": [p],
            "chi2": [chi2],
            "df": [df],
            "pval": [float(sps.chi2.sf(chi2, df))],
            "log_det": [logdet],
        }
    )


@dataclass(frozen=True, repr=False)
class EigenvaluesResult(ResultMixin):
    """Eigenvalues of the correlation and covariance matrices.

    Attributes
    ----------
    n, n_items : int
    correlation : numpy.ndarray
        Eigenvalues of R, largest first.
    covariance : numpy.ndarray
        Eigenvalues of the covariance matrix, largest first.
    kaiser_n_gt_1 : int
        Number of eigenvalues of R above 1 (Kaiser-Guttman rule).
    items : list
    """

    n: int
    n_items: int
    correlation: np.ndarray
    covariance: np.ndarray
    kaiser_n_gt_1: int
    items: list
    title = "Eigenvalues"

    def tables(self) -> dict:
        ev = self.correlation
        evc = self.covariance
        tab = pd.DataFrame(
            {
                "component": np.arange(1, len(ev) + 1),
                "eigenvalue": ev,
                "proportion": ev / ev.sum(),
                "cumulative": np.cumsum(ev) / ev.sum(),
                "eigenvalue_cov": evc,
                "proportion_cov": evc / evc.sum(),
            }
        )
        return {"Eigenvalues of the correlation (and covariance) matrix": tab}

    def notes(self) -> list:
        first = self.correlation[0] / self.n_items
        return [
            f"{self.kaiser_n_gt_1} eigenvalue(s) of R above 1 (Kaiser-Guttman rule; it tends to over-extract, "
            "prefer parallel analysis).",
            f"The first component explains {first:.1%} of the variance"
            + (" (above 50%: a common-method warning sign, Harman's test)." if first > 0.5 else "."),
        ]


def eigenvalues(data, items=None, nan_policy: str = "listwise") -> EigenvaluesResult:
    """Eigenvalues of the item correlation and covariance matrices.

    Parameters
    ----------
    data : pandas.DataFrame or SufficientStats
    items : list of str, optional
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    EigenvaluesResult
        ``correlation``, ``covariance`` (arrays, largest first), ``kaiser_n_gt_1``; its table has
        columns ``component, eigenvalue, proportion, cumulative, eigenvalue_cov, proportion_cov``.

    Notes
    -----
    Symmetric eigen-decomposition (LAPACK ``syevd`` via :func:`numpy.linalg.eigvalsh`), as R
    ``eigen(symmetric = TRUE)``. Kaiser (1960) rule: retain components with eigenvalue > 1.
    Tested against R 4.2.2 ``eigen`` to 1e-6.

    Examples
    --------
    >>> from servqual import load_dataset
    >>> eigenvalues(load_dataset("holzinger"), [f"x{i}" for i in range(1, 10)]).kaiser_n_gt_1
    3
    """
    st, r = _stats_and_corr(data, items, nan_policy, 1, "eigenvalue decomposition")
    ev = np.linalg.eigvalsh(r)[::-1]
    evc = np.linalg.eigvalsh(st.cov)[::-1]
    return EigenvaluesResult(st.n, st.k, ev, evc, int(np.sum(ev > 1)), list(st.items))
