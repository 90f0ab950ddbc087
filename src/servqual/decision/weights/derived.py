"""Importance derived from an overall-satisfaction item: relative weights, regression, Shapley values.

:func:`derived_importance` decomposes the R^2 of the outcome on the attributes (Johnson's relative
weights from :func:`servqual.psychometrics.regression.relative_weights`, or the Shapley / LMG
decomposition) or normalises the standardised regression coefficients; :func:`relative_weights`,
:func:`regression_weights` and :func:`shapley_weights` give the weights alone.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from servqual._validation import as_frame
from servqual.decision.weights.result import WeightsResult, weights_result
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.regression import SINGULAR_TOL
from servqual.psychometrics.regression import relative_weights as relative_weights_raw
from servqual.psychometrics.stats import sufficient_stats

__all__ = ["DERIVED_METHODS", "derived_importance", "regression_weights", "relative_weights", "shapley_weights",
           "regression_share", "relative_weights_share", "shapley_share"]


def _derived_stats(data, outcome, items, nan_policy):
    data = as_frame(data)
    if outcome not in data.columns:
        raise AnalysisError(f"outcome column {outcome!r} is not in the data")
    cols = [c for c in (list(items) if items is not None else list(data.columns)) if c != outcome]
    if len(cols) < 1:
        raise AnalysisError("derived importance needs at least one attribute besides the outcome")
    ss = sufficient_stats(data, cols + [outcome], nan_policy=nan_policy)
    sd = ss.sd
    if (sd <= 1e-12).any():
        raise AnalysisError(f"constant column(s) {', '.join(c for c, s in zip(ss.items, sd) if s <= 1e-12)}; "
                            "derived importance needs variation in every attribute and the outcome")
    r = ss.corr
    k = len(cols)
    rxx, rxy = r[:k, :k], r[:k, k]
    ev = np.linalg.eigvalsh(rxx)
    if ev.min() <= SINGULAR_TOL * max(ev.max(), 1.0):
        raise AnalysisError(f"the attributes {', '.join(cols)} are perfectly collinear (singular correlation matrix); "
                            "drop redundant attributes")
    if ss.n <= k + 1:
        raise AnalysisError(f"{ss.n} complete rows for {k} attributes; regression needs more rows than attributes + 1")
    return cols, rxx, rxy, ss.n


def _shapley(rxx, rxy):
    k = len(rxy)
    if k > 15:
        raise AnalysisError(f"Shapley decomposition needs 2^k regressions; k = {k} attributes is too many (max 15)")
    r2 = np.zeros(1 << k)
    for mask in range(1, 1 << k):
        idx = [j for j in range(k) if mask >> j & 1]
        sub = rxy[idx]
        r2[mask] = float(sub @ np.linalg.solve(rxx[np.ix_(idx, idx)], sub))
    fact = [math.factorial(i) for i in range(k + 1)]
    phi = np.zeros(k)
    for mask in range(1 << k):
        s = bin(mask).count("1")
        for j in range(k):
            if mask >> j & 1:
                continue
            phi[j] += fact[s] * fact[k - s - 1] / fact[k] * (r2[mask | (1 << j)] - r2[mask])
    return phi, r2[-1]


def regression_share(rxx, rxy, beta, cols) -> np.ndarray:
    """``|beta|``: the standardised regression coefficients as raw importance (negative ones warn)."""
    if (beta < 0).any():
        warnings.warn(f"negative standardised coefficient(s) for {', '.join(c for c, b in zip(cols, beta) if b < 0)} "
                      "(suppression or collinearity); their absolute values are used as importance", ServqualWarning, stacklevel=3)
    return np.abs(beta)


def relative_weights_share(rxx, rxy, beta, cols) -> np.ndarray:
    """Johnson's (2000) raw relative weights (see :func:`servqual.psychometrics.regression.relative_weights`)."""
    return relative_weights_raw(rxx, rxy)


def shapley_share(rxx, rxy, beta, cols) -> np.ndarray:
    """The Shapley value (LMG, general dominance) of each attribute in the R^2."""
    return _shapley(rxx, rxy)[0]


#: The derived-importance methods: code (a key of :data:`servqual.labels.METHODS`) -> raw importance
#: ``f(r_xx, r_xy, beta, names)``. Adding a method is one function above and one line here.
DERIVED_METHODS = {
    "relative_weights": relative_weights_share,
    "regression": regression_share,
    "shapley": shapley_share,
}
_DERIVED_ALIASES = {"johnson": "relative_weights", "dominance": "shapley", "lmg": "shapley"}


def derived_importance(data, outcome: str, items=None, method: str = "relative_weights", *,
                       nan_policy: str = "listwise") -> WeightsResult:
    """Importance of attributes derived from their relation with an overall-satisfaction item.

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
        The overall-satisfaction (criterion) column.
    items : list of str, optional
        The attributes (default: every other column).
    method : {"relative_weights", "regression", "shapley"}
        ``relative_weights`` (default: Johnson 2000 -- decomposes R^2 into non-negative shares that
        stay meaningful when attributes are correlated, as satisfaction attributes are);
        ``regression``: standardised OLS coefficients (|beta| normalised; negative betas warn);
        ``shapley``: the Shapley value / dominance (LMG) decomposition of R^2 over all 2^k subsets.
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    WeightsResult
        ``weights`` (sum 1); ``table`` with ``beta``, ``raw_weight`` (the R^2 share for relative
        weights / Shapley; |beta| for regression), ``weight, rank``; ``details["r2"]``.

    Notes
    -----
    From the correlation matrix: ``beta = R_xx^-1 r_xy``, ``R^2 = r_xy' beta``. Relative weights:
    ``R_xx = Q diag(l) Q'``, ``Lambda = Q diag(sqrt l) Q'``, ``eps_j = sum_k Lambda_jk^2 (Lambda^-1 r_xy)_k^2``,
    ``sum eps = R^2``. Shapley: ``phi_j = sum_S |S|!(k-|S|-1)!/k! [R^2(S+j) - R^2(S)]`` (Lipovetsky &
    Conklin 2001; Budescu 1993's general dominance). Tested against statsmodels OLS on the data
    (betas, R^2 and every subset R^2).
    """
    meth = _DERIVED_ALIASES.get(str(method).lower(), str(method).lower())
    if meth not in DERIVED_METHODS:
        raise AnalysisError(f"unknown method {method!r}; choose {', '.join(DERIVED_METHODS)}")
    cols, rxx, rxy, n = _derived_stats(data, outcome, items, nan_policy)
    beta = np.linalg.solve(rxx, rxy)
    r2 = float(rxy @ beta)
    raw = DERIVED_METHODS[meth](rxx, rxy, beta, cols)
    if raw.sum() <= 0:
        raise AnalysisError("the attributes explain none of the outcome's variance (R^2 = 0)")
    return weights_result(cols, raw, {"r": rxy, "beta": beta, "raw_weight": raw}, meth, n, {"r2": r2, "outcome": outcome})


def regression_weights(data, outcome: str, items=None, *, nan_policy: str = "listwise") -> pd.Series:
    """Standardised regression coefficients as importance weights (|beta| / sum |beta|). See :func:`derived_importance`."""
    return derived_importance(data, outcome, items, "regression", nan_policy=nan_policy).weights


def relative_weights(data, outcome: str, items=None, *, nan_policy: str = "listwise") -> pd.Series:
    """Johnson's (2000) relative weights as shares of R^2 (sum 1). See :func:`derived_importance`."""
    return derived_importance(data, outcome, items, "relative_weights", nan_policy=nan_policy).weights


def shapley_weights(data, outcome: str, items=None, *, nan_policy: str = "listwise") -> pd.Series:
    """Shapley-value (dominance, LMG) decomposition of R^2 as shares (sum 1). See :func:`derived_importance`."""
    return derived_importance(data, outcome, items, "shapley", nan_policy=nan_policy).weights


