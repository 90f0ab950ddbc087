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

from .exceptions import AnalysisError

__all__ = ["SufficientStats", "sufficient_stats", "prepare_items"]


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
        n1, n2 = self.n, other.n
        n = n1 + n2
        d = other.mean - self.mean
        mean = self.mean + d * n2 / n
        m2 = self.cov * (n1 - 1) + other.cov * (n2 - 1) + np.outer(d, d) * n1 * n2 / n
        return SufficientStats(self.items, n, mean, m2 / (n - 1), self.nan_policy)


def prepare_items(data, items=None) -> pd.DataFrame:
    """Select ``items`` (default: every column) from ``data`` as float columns, with clear errors."""
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
    x = data[items]
    bad = [c for c in items if not pd.api.types.is_numeric_dtype(x[c])]
    if bad:
        raise AnalysisError(
            f"non-numeric item columns: {', '.join(map(str, bad))}. Read the data with "
            "servqual.read_responses(), which reports every non-numeric cell."
        )
    return x.astype(float)


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
    x = prepare_items(data, items)
    cols = list(x.columns)
    a = x.to_numpy(dtype=float)
    if nan_policy == "listwise":
        a = a[~np.isnan(a).any(axis=1)]
        n = a.shape[0]
        if n < 2:
            raise AnalysisError(f"only {n} complete row(s) on items {', '.join(cols)}; at least 2 are needed")
        mean = a.mean(axis=0)
        c = a - mean
        cov = (c.T @ c) / (n - 1)
        return SufficientStats(cols, n, mean, cov, "listwise")
    if nan_policy == "pairwise":
        cov = pd.DataFrame(a, columns=cols).cov().to_numpy()
        ok = (~np.isnan(a)).astype(float)
        npw = ok.T @ ok
        if np.isnan(cov).any():
            raise AnalysisError("some item pairs have fewer than 2 rows answered in common")
        mean = np.nanmean(a, axis=0)
        return SufficientStats(cols, int(npw.min()), mean, cov, "pairwise", npw)
    raise ValueError(f"nan_policy must be 'listwise' or 'pairwise', got {nan_policy!r}")
