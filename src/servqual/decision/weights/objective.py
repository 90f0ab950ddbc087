"""Objective indicator weights from a data matrix: entropy, CRITIC, coefficient of variation, SD, PCA, equal.

Each method is a ``<code>_result(data, directions=None, *, items=None, nan_policy="listwise", **options)``
function returning a :class:`~servqual.decision.weights.result.WeightsResult`, listed once in
:data:`servqual.decision.weights.registry.REGISTRY`; ``<code>_weights`` gives the weights alone (a
Series). ``directions`` marks cost indicators (see :func:`servqual.decision.matrix.direction_signs`).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from servqual.decision.matrix import decision_matrix, direction_signs
from servqual.decision.weights.result import WeightsResult, weights_result
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.stats import sufficient_stats

__all__ = [
    "entropy_result", "critic_result", "cv_result", "sd_result", "pca_result", "equal_result",
    "entropy_weights", "critic_weights", "cv_weights", "sd_weights", "pca_weights",
]


def _minmax(x: pd.DataFrame, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min-max normalisation by direction; returns (matrix, constant-column mask)."""
    a = x.to_numpy(dtype=float)
    lo, hi = a.min(axis=0), a.max(axis=0)
    rng = hi - lo
    const = rng <= 1e-12 * np.maximum(1.0, np.abs(hi))
    safe = np.where(const, 1.0, rng)
    z = np.where(dirs > 0, (a - lo) / safe, (hi - a) / safe)
    z[:, const] = 0.0
    return z, const


def _warn_constant(cols, const, method):
    if const.all():
        raise AnalysisError(f"every indicator is constant ({', '.join(map(str, cols))}); {method} weights are undefined")
    if const.any():
        names = [str(c) for c, k in zip(cols, const) if k]
        warnings.warn(f"constant indicator(s) {', '.join(names)} carry no information and get weight 0 in the {method} method",
                      ServqualWarning, stacklevel=3)


def entropy_result(data, directions=None, *, items=None, nan_policy: str = "listwise", normalize: str = "minmax",
                   shift: float = 0.0) -> WeightsResult:
    """Entropy weights with the intermediate table (see :func:`entropy_weights`)."""
    x = decision_matrix(data, items, nan_policy)
    cols = list(x.columns)
    dirs = direction_signs(directions, cols)
    m = len(x)
    if normalize == "minmax":
        z, const = _minmax(x, dirs)
    elif normalize == "sum":
        z = x.to_numpy(dtype=float)
        if (z < 0).any():
            neg = [str(c) for c in cols if (x[c] < 0).any()]
            raise AnalysisError(f"normalize='sum' needs non-negative data; negative values in {', '.join(neg)} "
                                "(use normalize='minmax')")
        const = np.ptp(z, axis=0) <= 1e-12 * np.maximum(1.0, np.abs(z).max(axis=0))
    else:
        raise AnalysisError(f"normalize must be 'minmax' or 'sum', got {normalize!r}")
    _warn_constant(cols, const, "entropy")
    z = z + float(shift)
    tot = z.sum(axis=0)
    if ((tot <= 0) & ~const).any():
        zero = [str(c) for c, t_, k in zip(cols, tot, const) if t_ <= 0 and not k]
        raise AnalysisError(f"column(s) {', '.join(zero)} sum to zero; entropy proportions are undefined")
    p = z / np.where(tot > 0, tot, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)  # 0 ln 0 := 0
    e = -plogp.sum(axis=0) / math.log(m)
    e = np.where(const, 1.0, e)
    d = 1 - e
    if d.sum() <= 0:
        raise AnalysisError("every indicator has maximal entropy (no variation); entropy weights are undefined")
    return weights_result(cols, d, {"direction": np.where(dirs > 0, "higher_is_better", "lower_is_better"), "entropy": e, "divergence": d},
                   "entropy", m, {"normalize": normalize, "shift": shift,
                                  "formula": "e_j = -sum_i p_ij ln p_ij / ln m (0 ln 0 := 0); w_j = (1 - e_j) / sum (1 - e_k)."})


def critic_result(data, directions=None, *, items=None, nan_policy: str = "listwise", conflict: str = "1-r") -> WeightsResult:
    """CRITIC weights with the intermediate table (see :func:`critic_weights`)."""
    x = decision_matrix(data, items, nan_policy)
    cols = list(x.columns)
    dirs = direction_signs(directions, cols)
    z, const = _minmax(x, dirs)
    _warn_constant(cols, const, "CRITIC")
    sd = z.std(axis=0, ddof=1)
    keep = ~const
    r = np.zeros((len(cols), len(cols)))
    if keep.sum() >= 2:
        r[np.ix_(keep, keep)] = np.corrcoef(z[:, keep], rowvar=False)
    else:
        r[np.ix_(keep, keep)] = 1.0
    if conflict in ("1-r", "r"):
        conf = (1 - r)
    elif conflict in ("1-|r|", "abs"):
        conf = (1 - np.abs(r))
    else:
        raise AnalysisError(f"conflict must be '1-r' or '1-|r|', got {conflict!r}")
    conf[:, const] = 0.0
    conf = conf.sum(axis=1)
    info = sd * conf
    info[const] = 0.0
    if info.sum() <= 0:
        raise AnalysisError("CRITIC information is zero for every indicator (perfectly correlated or constant indicators)")
    return weights_result(cols, info, {"direction": np.where(dirs > 0, "higher_is_better", "lower_is_better"), "sd": sd,
                                "conflict": conf, "information": info}, "critic", len(x),
                   {"conflict": conflict, "formula": f"C_j = sd_j * sum_k ({conflict.replace('r', 'r_jk')}) on min-max normalised "
                                                     "data; w_j = C_j / sum C_k (Diakoulaki et al. 1995)."})


def cv_result(data, directions=None, *, items=None, nan_policy: str = "listwise") -> WeightsResult:
    """Coefficient-of-variation weights with the intermediate table (see :func:`cv_weights`; ``directions`` do not apply)."""
    x = decision_matrix(data, items, nan_policy)
    cols = list(x.columns)
    a = x.to_numpy(dtype=float)
    mean, sd = a.mean(axis=0), a.std(axis=0, ddof=1)
    if (np.abs(mean) <= 1e-12).any():
        zero = [str(c) for c, mu in zip(cols, mean) if abs(mu) <= 1e-12]
        raise AnalysisError(f"the coefficient of variation needs non-zero means; mean 0 in {', '.join(zero)}")
    if (mean < 0).any():
        warnings.warn("negative means: the coefficient of variation is meaningful only for ratio-scale, positive data",
                      ServqualWarning, stacklevel=3)
    cv = sd / np.abs(mean)
    const = sd <= 1e-12 * np.maximum(1.0, np.abs(mean))
    _warn_constant(cols, const, "coefficient-of-variation")
    return weights_result(cols, cv, {"mean": mean, "sd": sd, "cv": cv}, "cv", len(x),
                   {"formula": "w_j = CV_j / sum CV_k with CV_j = sd_j / |mean_j| (raw data, sd with n - 1)."})


def sd_result(data, directions=None, *, items=None, nan_policy: str = "listwise") -> WeightsResult:
    """Standard-deviation weights with the intermediate table (see :func:`sd_weights`)."""
    x = decision_matrix(data, items, nan_policy)
    cols = list(x.columns)
    dirs = direction_signs(directions, cols)
    z, const = _minmax(x, dirs)
    _warn_constant(cols, const, "standard-deviation")
    sd = z.std(axis=0, ddof=1)
    return weights_result(cols, sd, {"sd": sd}, "sd", len(x),
                   {"formula": "w_j = sd_j / sum sd_k of the min-max normalised indicators."})


def pca_result(data, directions=None, *, items=None, nan_policy: str = "listwise", n_components=None,
               basis: str = "score_coefficients") -> WeightsResult:
    """Principal-component weights with the loadings (see :func:`pca_weights`; ``directions`` do not apply).

    ``nan_policy="raise"`` raises on a missing value (as the other methods do); otherwise the policy is
    that of :func:`servqual.psychometrics.stats.sufficient_stats`.
    """
    if nan_policy == "raise":
        decision_matrix(data, items, "raise")
        nan_policy = "listwise"
    ss = sufficient_stats(data, items, nan_policy=nan_policy)
    cols = ss.items
    sd = ss.sd
    if (sd <= 1e-12).any():
        raise AnalysisError(f"constant item(s) {', '.join(c for c, s in zip(cols, sd) if s <= 1e-12)}: principal components "
                            "need variation in every item; drop them")
    r = ss.corr
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    if n_components is None:
        k = max(1, int((vals > 1).sum()))
    else:
        k = int(n_components)
        if not 1 <= k <= len(cols):
            raise AnalysisError(f"n_components must be between 1 and {len(cols)}")
    vecs = vecs * np.where(vecs.sum(axis=0) < 0, -1.0, 1.0)
    load = vecs[:, :k] * np.sqrt(np.clip(vals[:k], 0, None))
    share = vals[:k] / vals[:k].sum()
    if basis == "score_coefficients":
        coef = (load / np.sqrt(vals[:k])) @ share
    elif basis == "loadings":
        coef = np.abs(load) @ share
    else:
        raise AnalysisError(f"basis must be 'score_coefficients' or 'loadings', got {basis!r}")
    if (coef < 0).any():
        warnings.warn(f"negative composite coefficient(s) for {', '.join(c for c, v in zip(cols, coef) if v < 0)}; "
                      "their absolute values are used", ServqualWarning, stacklevel=3)
    w = np.abs(coef)
    tab = {f"loading_{i + 1}": load[:, i] for i in range(k)}
    tab["coefficient"] = coef
    return weights_result(cols, w, tab, "pca", ss.n,
                   {"n_components": k, "eigenvalues": vals[:k].tolist(), "basis": basis,
                    "formula": ("w_j propto |sum_k (l_jk / sqrt(lambda_k)) * lambda_k / sum lambda| over the retained components"
                                if basis == "score_coefficients" else
                                "w_j propto sum_k |l_jk| * lambda_k / sum lambda over the retained components")})


def entropy_weights(data, directions=None, normalize: str = "minmax", *, shift: float = 0.0, items=None,
                    nan_policy: str = "listwise") -> pd.Series:
    """Entropy weight method (熵权法).

    Parameters
    ----------
    data : pandas.DataFrame
        Alternatives (or respondents) x indicators.
    directions : dict or Series, optional
        ``{column: "higher_is_better" | "lower_is_better"}``; cost indicators are reversed by the
        min-max normalisation (``(max - x) / (max - min)``).
    normalize : {"minmax", "sum"}
        ``minmax`` (default): min-max normalise each indicator by its direction, then ``p_ij = z_ij /
        sum_i z_ij`` -- direction-aware and invariant to the unit and origin of each column, the
        variant of most Chinese textbooks. ``sum``: the raw-proportion variant ``p_ij = x_ij / sum_i x_ij``
        of Hwang & Yoon (1981) and many papers (needs non-negative ratio-scale data; directions do not
        change it, since it measures the spread of the raw values).
    shift : float
        Constant added to the normalised values before the proportions (default 0: no shift, the
        textbook method with ``0 ln 0 := 0``). Some software (e.g. SPSSAU) shifts the normalised data by
        a small constant such as 0.01 so that no proportion is zero; pass that constant to reproduce it.
    items : list of str, optional
    nan_policy : {"listwise", "raise"}

    Returns
    -------
    pandas.Series
        Weights (sum 1) indexed by the data's columns.

    Notes
    -----
    ``e_j = -(1 / ln m) sum_i p_ij ln p_ij`` with ``0 ln 0 := 0`` (the limit), ``d_j = 1 - e_j``,
    ``w_j = d_j / sum_k d_k`` (Shannon entropy weights; Zeleny 1982, Hwang & Yoon 1981). A constant
    indicator carries no information: it gets weight 0 with a ServqualWarning (all constant: error).
    Tested against direct evaluation of the formula (both variants, with and without shift) on Hwang &
    Yoon's (1981) fighter-aircraft matrix; invariant to rescaling a column (``minmax``) and to
    multiplying a column by a constant (``sum``).

    Examples
    --------
    >>> import pandas as pd
    >>> import servqual as sq
    >>> kpis = pd.DataFrame({"response_hours": [4.0, 8.0, 2.5, 6.0], "resolved_pct": [92.0, 85.0, 97.0, 88.0],
    ...                      "complaints": [12, 20, 5, 15]}, index=["A", "B", "C", "D"])
    >>> sq.entropy_weights(kpis, directions={"response_hours": "lower_is_better"}).round(4)
    response_hours    0.3241
    resolved_pct      0.3757
    complaints        0.3001
    Name: weight, dtype: float64
    """
    return entropy_result(data, directions, items=items, nan_policy=nan_policy, normalize=normalize, shift=shift).weights


def critic_weights(data, directions=None, *, conflict: str = "1-r", items=None, nan_policy: str = "listwise") -> pd.Series:
    """CRITIC weights (Criteria Importance Through Intercriteria Correlation; Diakoulaki et al. 1995).

    Parameters
    ----------
    data : pandas.DataFrame
    directions : dict or Series, optional
        Cost indicators are reversed by the min-max normalisation.
    conflict : {"1-r", "1-|r|"}
        ``1-r`` (default, Diakoulaki et al.'s original: negatively correlated indicators add conflict)
        or ``1-|r|`` (a strong negative correlation counts as redundancy, as in some later papers).
    items, nan_policy
        As in :func:`entropy_weights`.

    Returns
    -------
    pandas.Series
        Weights (sum 1) indexed by the data's columns.

    Notes
    -----
    On min-max normalised data (by direction): ``C_j = sd_j * sum_k (1 - r_jk)``, ``w_j = C_j / sum C``.
    The weights do not depend on whether sd uses n or n - 1 (a common factor). A constant indicator
    gets weight 0 with a ServqualWarning. Tested against direct evaluation of Diakoulaki et al.'s formula
    (both conflict options); invariant to rescaling a column (tested).

    Examples
    --------
    >>> import pandas as pd
    >>> import servqual as sq
    >>> kpis = pd.DataFrame({"response_hours": [4.0, 8.0, 2.5, 6.0], "resolved_pct": [92.0, 85.0, 97.0, 88.0],
    ...                      "complaints": [12, 20, 5, 15]}, index=["A", "B", "C", "D"])
    >>> sq.critic_weights(kpis, {"complaints": "cost"}).round(4)
    response_hours    0.5046
    resolved_pct      0.2525
    complaints        0.2429
    Name: weight, dtype: float64
    """
    return critic_result(data, directions, items=items, nan_policy=nan_policy, conflict=conflict).weights


def cv_weights(data, *, items=None, nan_policy: str = "listwise") -> pd.Series:
    """Coefficient-of-variation weights (变异系数法): ``w_j = CV_j / sum CV``, ``CV_j = sd_j / |mean_j|``.

    Computed on the raw data (ratio-scale indicators with positive means; sd with n - 1), so directions
    do not apply. A constant indicator gets weight 0 with a warning; a zero mean is an error.
    """
    return cv_result(data, items=items, nan_policy=nan_policy).weights


def sd_weights(data, directions=None, *, items=None, nan_policy: str = "listwise") -> pd.Series:
    """Standard-deviation weights: ``w_j = sd_j / sum sd`` of the min-max normalised indicators.

    The normalisation makes indicators in different units comparable (the default and only variant);
    reversing a cost indicator does not change its sd, so ``directions`` is accepted for symmetry.
    """
    return sd_result(data, directions, items=items, nan_policy=nan_policy).weights


def pca_weights(data, *, items=None, n_components=None, basis: str = "score_coefficients",
                nan_policy: str = "listwise") -> pd.Series:
    """Principal-component (or factor-loading) based weights (主成分分析法权重).

    Parameters
    ----------
    data : pandas.DataFrame
    items : list of str, optional
    n_components : int, optional
        Components retained (default: eigenvalues > 1, Kaiser's rule).
    basis : {"score_coefficients", "loadings"}
        ``score_coefficients`` (default, the procedure taught in Chinese textbooks): component
        score coefficients ``l_jk / sqrt(lambda_k)`` averaged over the retained components with their
        variance shares, absolute value, normalised. ``loadings``: ``sum_k |l_jk| * share_k``.
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    pandas.Series
        Weights (sum 1) indexed by item.

    Notes
    -----
    PCA of the correlation matrix (from :func:`servqual.stats.sufficient_stats`); component signs are
    chosen so that each component's eigenvector sums positive (as psych::principal does). Negative
    composite coefficients are replaced by their absolute values with a warning. Tested against the
    unrotated loadings and eigenvalues of R psych 2.2.9 ``principal()`` on six data sets (1e-6).
    """
    return pca_result(data, items=items, n_components=n_components, basis=basis, nan_policy=nan_policy).weights




def equal_result(data, directions=None, *, items=None, nan_policy: str = "listwise") -> WeightsResult:
    """Equal weights ``w_j = 1 / k`` over the indicators of the decision matrix (the reference point of the others).

    Examples
    --------
    >>> import pandas as pd
    >>> from servqual.decision.weights import equal_result
    >>> equal_result(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 5.0]})).weights.tolist()
    [0.5, 0.5]
    """
    x = decision_matrix(data, items, nan_policy)
    return weights_result(list(x.columns), np.ones(x.shape[1]), {}, "equal", len(x), {"formula": "w_j = 1 / k."})
