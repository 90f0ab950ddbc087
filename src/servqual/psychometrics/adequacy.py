"""Sampling adequacy before a factor analysis: Kaiser-Meyer-Olkin MSA, Bartlett's test of sphericity
and the eigenvalues of the correlation and covariance matrices.

All three start from the item covariance matrix (:func:`servqual.stats.sufficient_stats`), so a
:class:`~servqual.stats.SufficientStats` computed once can be passed instead of the data.

References: Kaiser (1970) *Psychometrika* 35; Kaiser & Rice (1974) *Educ Psychol Meas* 34;
Bartlett (1950) *Br J Stat Psychol* 3; tested against R psych 2.2.9 (``KMO``, ``cortest.bartlett``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from servqual._linalg import require_nonsingular
from servqual._results import ResultMixin
from servqual._text import T, check_lang
from servqual.exceptions import ServqualWarning
from servqual.psychometrics.stats import factorable_corr, indefinite_message, stats_and_corr
from servqual.thresholds import THRESHOLDS

__all__ = ["kmo", "bartlett", "eigenvalues", "EigenvaluesResult"]

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
        One row per item and a last row ``overall``; columns ``item`` and ``msa``. For a correlation
        matrix that is not positive definite, ``attrs["min_eigenvalue"]`` is its smallest eigenvalue and
        ``attrs["note"]`` says how the MSA was computed (``attrs`` is empty otherwise).

    Raises
    ------
    AnalysisError
        Fewer than 2 items, constant items, fewer rows than items, or perfectly collinear items
        (the message names them).

    Warns
    -----
    ServqualWarning
        The correlation matrix is not positive definite (pairwise deletion can give one). The MSA is
        then computed from its inverse as ``psych::KMO`` does (psych does not smooth it); where the
        inverse has a negative diagonal element the partial correlations, and so every MSA, are
        undefined (NaN), as in psych.

    Notes
    -----
    With ``R`` the correlation matrix and ``P`` the partial (anti-image) correlations,
    ``P_ij = -Q_ij / sqrt(Q_ii Q_jj)`` with ``Q = R^-1``,

    ``MSA_i = sum_j r_ij^2 / (sum_j r_ij^2 + sum_j p_ij^2)`` (j != i) and the overall MSA the same
    with sums over all off-diagonal cells. Kaiser & Rice (1974): >= .90 marvellous, .80 meritorious,
    .70 middling, .60 mediocre, .50 miserable, below .50 unacceptable.
    Tested against R psych 2.2.9 ``KMO`` (``MSA``, ``MSAi``) to 1e-6, also on an indefinite pairwise
    correlation matrix.

    Examples
    --------
    >>> from servqual import load_dataset
    >>> kmo(load_dataset("holzinger"), ["x1", "x2", "x3"]).round(3)  # psych::KMO(HolzingerSwineford1939[, 7:9])
          item    msa
    0       x1  0.619
    1       x2  0.694
    2       x3  0.605
    3  overall  0.631
    """
    st, r, w_min = factorable_corr(data, items, nan_policy, 2, "KMO")
    q = np.linalg.inv(r)
    with np.errstate(invalid="ignore"):  # a negative diagonal of R^-1 (indefinite R): NaN, as psych's cov2cor
        d = 1.0 / np.sqrt(np.diag(q))
    p = q * np.outer(d, d)
    r2 = r**2
    p2 = p**2
    np.fill_diagonal(r2, 0.0)
    np.fill_diagonal(p2, 0.0)
    msai = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + p2.sum())
    out = pd.DataFrame({"item": list(map(str, st.items)) + ["overall"], "msa": np.append(msai, overall)})
    if w_min is not None:
        bad = [str(it) for it, qi in zip(st.items, np.diag(q)) if not qi > 0]
        how = ("The MSA is computed from its inverse, as psych::KMO does (without smoothing)"
               + (f"; the inverse has a negative diagonal for {', '.join(bad)}, so the partial correlations "
                  "and every MSA are undefined (NaN), as in psych." if bad else "."))
        msg = indefinite_message("KMO", w_min, how)
        out.attrs.update(min_eigenvalue=w_min, note=msg)
        warnings.warn(msg, ServqualWarning, stacklevel=2)
    return out


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
    >>> b = bartlett(load_dataset("holzinger"), ["x1", "x2", "x3"])  # psych::cortest.bartlett(cor(X), n = 301)
    >>> round(float(b["chi2"].iloc[0]), 2), float(b["df"].iloc[0])
    (110.22, 3.0)
    """
    st, r = stats_and_corr(data, items, nan_policy, 2, "Bartlett's test")
    r = require_nonsingular(r, st.n, st.items, "Bartlett's test")
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

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        lang = check_lang(lang)
        first = self.correlation[0] / self.n_items
        harman = THRESHOLDS["harman"]
        share = f"{harman.value:.0%}"
        over = first > harman.value
        lines = [
            T(f"相关矩阵有 {self.kaiser_n_gt_1} 个特征值大于 1（Kaiser-Guttman 准则；常高估因子数，宜用平行分析）。",
              f"{self.kaiser_n_gt_1} eigenvalue(s) of R above 1 (Kaiser-Guttman rule; it tends to over-extract, "
              "prefer parallel analysis)."),
            T(f"第一主成分解释 {first:.1%} 的方差" + (f"（超过 {share}：共同方法偏差的警示，Harman 检验）。" if over else "。"),
              f"The first component explains {first:.1%} of the variance"
              + (f" (above {share}: a common-method warning sign, Harman's test)." if over else ".")),
        ]
        return [ln.get(lang) for ln in lines]


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
    >>> eigenvalues(load_dataset("holzinger"), [f"x{i}" for i in range(1, 10)]).kaiser_n_gt_1  # sum(eigen(cor(X))$values > 1)
    3
    """
    st, r = stats_and_corr(data, items, nan_policy, 1, "eigenvalue decomposition")
    ev = np.linalg.eigvalsh(r)[::-1]
    evc = np.linalg.eigvalsh(st.cov)[::-1]
    return EigenvaluesResult(st.n, st.k, ev, evc, int(np.sum(ev > 1)), list(st.items))
