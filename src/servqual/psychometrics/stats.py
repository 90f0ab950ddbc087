"""Sufficient statistics: n, means and the covariance matrix, computed once in one pass.

Most reliability and validity statistics depend on the data only through the number of complete rows,
the item means and the covariance matrix. :func:`sufficient_stats` computes them once (chunk-mergeable,
float64, numerically stable by centring) so that analyses start from a small ``k x k`` matrix and their
cost after reading does not grow with N.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from servqual._linalg import require_nonsingular, smallest_eigenvalue
from servqual._validation import check_nan_policy
from servqual.exceptions import AnalysisError
from servqual.psychometrics._kernels import columns_as_rows

__all__ = [
    "SufficientStats",
    "sufficient_stats",
    "prepare_items",
    "item_columns",
    "listwise_stats",
    "stats_from",
    "check_items",
    "stats_and_corr",
    "nonsingular_corr",
    "factorable_corr",
    "indefinite_message",
    "noncentrality_for_cdf",
]


@dataclass(frozen=True)
class SufficientStats:
    """n, means and covariance (denominator n - 1) of a set of items.

    Attributes
    ----------
    items : list of str
    n : int
        Number of rows used (complete rows under listwise deletion; for pairwise deletion the
        minimum pairwise n, with the full matrix in ``n_pairwise``).
    mean : numpy.ndarray
    cov : numpy.ndarray
        Covariance matrix with denominator ``n - 1`` (as R ``cov``).
    nan_policy : str
    n_pairwise : numpy.ndarray or None
    """

    items: list
    n: int
    mean: np.ndarray
    cov: np.ndarray
    nan_policy: str = "listwise"
    n_pairwise: np.ndarray | None = field(default=None, repr=False)

    @property
    def k(self) -> int:
        return len(self.items)

    @property
    def sd(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    @property
    def corr(self) -> np.ndarray:
        sd = self.sd
        r = self.cov / np.outer(sd, sd)
        np.fill_diagonal(r, 1.0)
        return r

    def cov_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.cov, index=self.items, columns=self.items)

    def corr_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.corr, index=self.items, columns=self.items)

    def subset(self, items) -> "SufficientStats":
        idx = [self.items.index(i) for i in items]
        npw = None if self.n_pairwise is None else self.n_pairwise[np.ix_(idx, idx)]
        return SufficientStats(list(items), self.n, self.mean[idx], self.cov[np.ix_(idx, idx)], self.nan_policy, npw)

    def merge(self, other: "SufficientStats") -> "SufficientStats":
        """Combine the statistics of two disjoint chunks of rows (Chan et al. parallel update)."""
        if self.items != other.items:
            raise AnalysisError("cannot merge statistics of different item sets")
        n, mean, m2 = _chan_update(self.n, self.mean, self.cov * (self.n - 1), other.n, other.mean,
                                   other.cov * (other.n - 1))
        return SufficientStats(self.items, n, mean, m2 / (n - 1), self.nan_policy)


#: Rows per block of the one-pass accumulation in :func:`sufficient_stats` (bounds its extra memory to
#: two blocks of float64 rows, about 2.9 MB for 22 items).
_BLOCK_ROWS = 8_192
#: Rows per block when the blocks are views of the data (no copy; larger blocks, fewer products).
_VIEW_BLOCK_ROWS = 65_536


def _chan_update(n1, mean1, m2_1, n2, mean2, m2_2):
    """Pooled n, mean and centred cross-product matrix of two disjoint sets of rows (Chan, Golub &
    LeVeque 1983): ``M2 = M2_1 + M2_2 + d d' n1 n2 / n`` with ``d = mean2 - mean1``."""
    n = n1 + n2
    if n1 == 0:
        return n2, mean2, m2_2
    if n2 == 0:
        return n1, mean1, m2_1
    d = mean2 - mean1
    mean = mean1 + d * (n2 / n)
    m2 = m2_1 + m2_2 + np.outer(d, d) * (n1 * n2 / n)
    return n, mean, m2


def _select(data, items):
    """Validated column selection: (DataFrame, item list) without converting or copying the values."""
    if isinstance(data, np.ndarray):
        data = pd.DataFrame(data, columns=[f"x{i + 1}" for i in range(data.shape[1])])
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if items is None:
        items = list(data.columns)
    items = list(items)
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise AnalysisError(
            f"items not in the data: {', '.join(map(str, missing[:10]))}"
            + (f" (and {len(missing) - 10} more)" if len(missing) > 10 else "")
            + f". Columns present: {', '.join(map(str, list(data.columns)[:15]))}."
        )
    if all(pd.api.types.is_numeric_dtype(t) for t in data.dtypes):  # the common case, without column lookups
        bad = []
    else:
        bad = [c for c in items if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        raise AnalysisError(
            f"non-numeric item columns: {', '.join(map(str, bad))}. Read the data with "
            "servqual.read_responses(), which reports every non-numeric cell."
        )
    return data, items


def prepare_items(data, items=None) -> pd.DataFrame:
    """Select ``items`` (default: every column) from ``data`` as float columns, with clear errors."""
    data, items = _select(data, items)
    return data[items].astype(float)


def item_columns(data, items=None) -> tuple:
    """``(items, columns)``: the validated items and one float64 numpy array per item.

    A float64 column without a copy is returned as a view of the data; other numeric columns (integers,
    nullable types with ``pd.NA``) are converted one column at a time, missing values becoming NaN."""
    items, cols, _ = _item_arrays(data, items)
    return items, cols


def _item_arrays(data, items=None) -> tuple:
    """``(items, columns, rows)``: as :func:`item_columns`, plus the items as one ``(k, n)`` array
    when the small-data path has converted them in one piece (else None)."""
    data, items = _select(data, items)
    if len(data) <= 4 * _BLOCK_ROWS:  # small data: one conversion is cheaper than per-column access
        frame = data if (data.columns.is_unique and items == list(data.columns)) else data[items]
        a = frame.to_numpy(dtype=float, na_value=np.nan)
        if a.shape[1] != len(items):
            raise AnalysisError("some item columns appear more than once in the data; give every column a unique name")
        return items, [a[:, j] for j in range(a.shape[1])], a.T
    cols = []
    for it in items:
        s = data[it]
        if isinstance(s, pd.DataFrame):  # duplicated column name
            raise AnalysisError(f"item column {it!r} appears more than once in the data")
        cols.append(s.to_numpy(dtype=float, na_value=np.nan))
    return items, cols, None


def _block_t(cols, lo, hi, buf):
    """Rows ``lo:hi`` of the item columns, transposed: a (k, rows) float64 array (contiguous copies)."""
    b = buf[:, : hi - lo]
    for j, c in enumerate(cols):
        b[j] = c[lo:hi]
    return b


#: A block's raw cross-products ``B B'`` are used as they are when every item's ``sum x^2`` is at most
#: this multiple of its centred sum of squares (the cancellation in ``B B' - nb m m'`` then costs at
#: most about 4 decimal digits of the 16; for 1..7 Likert answers the ratio is about 10 and the raw
#: sums are exact integers). Otherwise the block is centred first.
_RAW_RATIO = 1e4


def _block_moments(b):
    """n, mean and centred cross-products of the complete columns of a (k, rows) block."""
    s = b.sum(axis=1)
    if np.isnan(s).any():  # NaN propagates into the sums; then find the rows exactly
        b = b[:, ~np.isnan(b).any(axis=0)]
        s = b.sum(axis=1)
    nb = b.shape[1]
    if nb == 0:
        return 0, None, None
    mb = s / nb
    raw = b @ b.T
    m2 = raw - np.outer(s, mb)
    d = np.diag(m2)
    if not np.all(d * _RAW_RATIO >= np.diag(raw)) or not np.all(np.isfinite(d)):
        c = b - mb[:, None]
        m2 = c @ c.T
    return nb, mb, m2


def listwise_stats(cols, arrays, rows=None) -> SufficientStats:
    """Listwise n, means and covariance of equal-length float64 columns, accumulated over row blocks.

    When the columns are one array in memory (``rows``, the ``(k, n)`` array of a one-piece conversion,
    or the columns of a float64 DataFrame) the blocks are views of it (nothing is copied) and hold
    ``_VIEW_BLOCK_ROWS`` rows; otherwise each block is copied out, ``_BLOCK_ROWS`` rows at a time."""
    n_all = len(arrays[0]) if arrays else 0
    k = len(cols)
    n, mean, m2 = 0, np.zeros(k), np.zeros((k, k))
    view = rows if rows is not None else (columns_as_rows(arrays) if n_all else None)
    step = _VIEW_BLOCK_ROWS if view is not None else _BLOCK_ROWS
    buf = None if view is not None else np.empty((k, min(n_all, _BLOCK_ROWS)))
    for lo in range(0, n_all, step):
        hi = min(n_all, lo + step)
        b = view[:, lo:hi] if view is not None else _block_t(arrays, lo, hi, buf)
        nb, mb, m2b = _block_moments(b)
        if nb:
            n, mean, m2 = _chan_update(n, mean, m2, nb, mb, m2b)
    if n < 2:
        raise AnalysisError(f"only {n} complete row(s) on items {', '.join(map(str, cols))}; at least 2 are needed")
    return SufficientStats(cols, n, mean, m2 / (n - 1), "listwise")


def sufficient_stats(data, items=None, nan_policy: str = "listwise") -> SufficientStats:
    """Compute n, means and covariance of ``items`` in one pass.

    Parameters
    ----------
    data : pandas.DataFrame
    items : list of str, optional
        Columns to use (default: all).
    nan_policy : {"listwise", "pairwise"}
        ``listwise`` keeps rows complete on every item (psych/lavaan default for these analyses);
        ``pairwise`` uses, for each pair of items, the rows complete on both (as R
        ``cov(use = "pairwise")``).

    Returns
    -------
    SufficientStats
    """
    if nan_policy == "listwise":
        cols, arrays, rows = _item_arrays(data, items)
        if not cols:  # no items: every row is trivially complete
            n = len(data)
            if n < 2:
                raise AnalysisError(f"only {n} row(s); at least 2 are needed")
            return SufficientStats([], n, np.zeros(0), np.zeros((0, 0)), "listwise")
        return listwise_stats(cols, arrays, rows)
    x = prepare_items(data, items)
    cols = list(x.columns)
    a = x.to_numpy(dtype=float)
    if nan_policy == "pairwise":
        cov = pd.DataFrame(a, columns=cols).cov().to_numpy()
        ok = (~np.isnan(a)).astype(float)
        npw = ok.T @ ok
        if np.isnan(cov).any():
            raise AnalysisError("some item pairs have fewer than 2 rows answered in common")
        mean = np.nanmean(a, axis=0)
        return SufficientStats(cols, int(npw.min()), mean, cov, "pairwise", npw)
    check_nan_policy(nan_policy, ("listwise", "pairwise"), "sufficient statistics")
    raise AssertionError("unreachable")  # pragma: no cover


def stats_from(data, items=None, nan_policy: str = "listwise") -> SufficientStats:
    """Sufficient statistics from a DataFrame or an existing :class:`SufficientStats`.

    Parameters
    ----------
    data : pandas.DataFrame or SufficientStats
    items : list of str, optional
        Items to use (default: every column, or every item of ``data``).
    nan_policy : {"listwise", "pairwise"}
        Used when ``data`` is a DataFrame.

    Returns
    -------
    SufficientStats

    Raises
    ------
    AnalysisError
        Items that are not in the statistics.

    Examples
    --------
    >>> import servqual as sq
    >>> st = stats_from(sq.load_dataset("holzinger"), ["x1", "x2", "x3"])
    >>> stats_from(st, ["x1", "x2"]).items
    ['x1', 'x2']
    """
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


def check_items(st: SufficientStats, min_items: int, what: str) -> None:
    """Raise for too few items and for items without variance.

    Parameters
    ----------
    st : SufficientStats
    min_items : int
        Fewest items ``what`` needs.
    what : str
        The analysis, for the message.

    Raises
    ------
    AnalysisError
        Fewer than ``min_items`` items, or constant items (they are named).

    Examples
    --------
    >>> import pandas as pd
    >>> check_items(sufficient_stats(pd.DataFrame({"a": [1, 2, 3], "b": [2, 2, 2]})), 2, "alpha")
    Traceback (most recent call last):
    ...
    servqual.exceptions.AnalysisError: item(s) without variance (every answer the same): b. ...
    """
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


def stats_and_corr(data, items, nan_policy: str, min_items: int, what: str) -> tuple:
    """Sufficient statistics and the correlation matrix, after :func:`check_items`.

    Under pairwise deletion of a DataFrame the correlations are pairwise Pearson correlations with
    pair-specific means and SDs, as R ``cor(use = "pairwise")`` (what ``psych::KMO`` uses on raw data);
    from a covariance matrix they are ``cov2cor(C)``.

    Returns
    -------
    tuple
        ``(SufficientStats, numpy.ndarray)``.

    Examples
    --------
    >>> import servqual as sq
    >>> st, r = stats_and_corr(sq.load_dataset("holzinger"), ["x1", "x2"], "listwise", 2, "KMO")
    >>> st.n, round(float(r[0, 1]), 4)  # cor(HolzingerSwineford1939[, c("x1", "x2")])
    (301, 0.2973)
    """
    st = stats_from(data, items, nan_policy)
    check_items(st, min_items, what)
    if nan_policy == "pairwise" and not isinstance(data, SufficientStats):
        r = prepare_items(data, items).corr().to_numpy(copy=True)
        if np.isnan(r).any():
            raise AnalysisError("some item pairs have too few rows answered in common for a correlation")
        np.fill_diagonal(r, 1.0)
        return st, r
    return st, st.corr


def nonsingular_corr(data, items, nan_policy: str, min_items: int, what: str) -> tuple:
    """As :func:`stats_and_corr`, with a clear error for a singular correlation matrix
    (:func:`servqual._linalg.require_nonsingular`, which names collinear items).

    Examples
    --------
    >>> import servqual as sq
    >>> st, r = nonsingular_corr(sq.load_dataset("holzinger"), ["x1", "x2", "x3"], "listwise", 3, "EFA")
    >>> r.shape
    (3, 3)
    """
    st, r = stats_and_corr(data, items, nan_policy, min_items, what)
    return st, require_nonsingular(r, st.n, st.items, what)


def factorable_corr(data, items, nan_policy: str, min_items: int, what: str) -> tuple:
    """As :func:`nonsingular_corr`, but a correlation matrix that is not positive definite is kept.

    Pairwise deletion can give an indefinite correlation matrix (negative eigenvalues, no zero one; see
    :func:`servqual._linalg.definiteness`): each correlation comes from a different subset of
    respondents. R psych's ``fa``, ``fa.parallel``, ``omega`` and ``KMO`` analyse such a matrix as it
    is, and so do the servqual analyses that call this function; singular matrices (collinear items,
    too few rows) still raise.

    Returns
    -------
    tuple
        ``(SufficientStats, numpy.ndarray, float or None)``: the statistics, the correlation matrix and
        its smallest eigenvalue when it is indefinite (``None`` when it is positive definite).

    Raises
    ------
    AnalysisError
        As :func:`nonsingular_corr`, for a singular matrix.

    Examples
    --------
    >>> import servqual as sq
    >>> st, r, w = factorable_corr(sq.load_dataset("holzinger"), ["x1", "x2", "x3"], "listwise", 3, "EFA")
    >>> w is None
    True
    """
    st, r = stats_and_corr(data, items, nan_policy, min_items, what)
    r = require_nonsingular(r, st.n, st.items, what, allow_indefinite=True)
    w = smallest_eigenvalue(r)
    return st, r, (w if w < 0.0 else None)


def indefinite_message(what: str, min_eigenvalue: float, how: str) -> str:
    """The warning for an analysis of an indefinite correlation matrix: what it is, and ``how`` the
    analysis treats it.

    Examples
    --------
    >>> indefinite_message("KMO", -0.1858, "computed as psych::KMO does.")[:66]
    'KMO: the correlation matrix is not positive definite (smallest eig'
    """
    return (f"{what}: the correlation matrix is not positive definite (smallest eigenvalue {min_eigenvalue:.4f}), "
            "as pairwise deletion can give: each correlation comes from a different subset of respondents, "
            f"so no complete data have these correlations. {how}")


def noncentrality_for_cdf(x: float, df: float, p: float, upper: float) -> float:
    """The noncentrality ``lam`` in ``[0, upper]`` at which the noncentral chi-square CDF at ``x``
    equals ``p`` (``pchisq(x, df, ncp = lam) = p``), as the RMSEA intervals of psych and lavaan need;
    NaN when there is no such ``lam`` in the bracket.

    ``scipy.special.chndtrinc`` inverts the CDF directly (one call instead of a root search over
    ``chndtr``); where it fails, a Brent search over ``chndtr`` on the bracket is used.
    """
    with np.errstate(all="ignore"):
        lam = float(special.chndtrinc(x, df, p))
    if np.isfinite(lam) and 0.0 <= lam <= upper and abs(float(special.chndtr(x, df, lam)) - p) < 1e-10:
        return lam

    def fn(v):
        return (special.chndtr(x, df, v) if v > 0 else special.chdtr(df, x)) - p

    try:
        return float(optimize.brentq(fn, 0.0, upper, xtol=1e-12))
    except ValueError:
        return np.nan
