r"""The fit indices of a latent-variable model from its test statistics, as ``lavaan::fitMeasures`` defines them.

Every CFA estimator of servqual (ML, robust ML, ordinal, FIML, multi-group) computes its chi-square
:math:`T` on :math:`df` degrees of freedom and that of the baseline model :math:`T_b` on :math:`df_b`; the
indices below follow from those numbers alone.

.. math::

   \mathrm{CFI} = 1 - \frac{\max(T - df, 0)}{\max(T_b - df_b, T - df, 0)}, \qquad
   \mathrm{TLI} = \frac{T_b/df_b - T/df}{T_b/df_b - 1}, \qquad
   \mathrm{RMSEA} = \sqrt{G}\,\sqrt{\max\!\Big(\frac{T/N}{df} - \frac{c}{N},\,0\Big)}

with :math:`G` groups and :math:`c` the robust correction (1 for the standard and scaled indices;
Brosseau-Liard, Savalei & Li 2012). The RMSEA interval inverts the noncentral chi-square CDF (Browne &
Cudeck 1993), the close-fit and not-close-fit p-values test RMSEA = .05 and .08 (MacCallum, Browne &
Sugawara 1996).

Examples
--------
>>> from servqual.psychometrics.fit_indices import incremental, rmsea, rmsea_interval
>>> round(incremental(85.306, 24, 918.852, 36)["cfi"], 3)     # Holzinger-Swineford 3-factor CFA (lavaan)
0.931
>>> round(rmsea(85.306, 24, 301), 3), [round(v, 3) for v in rmsea_interval(85.306, 24, 301)]
(0.092, [0.071, 0.114])
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from servqual.psychometrics.stats import noncentrality_for_cdf

__all__ = ["incremental", "rmsea", "rmsea_interval", "rmsea_pvalues", "scaled_shifted"]


def incremental(t: float, df: float, tb: float, dfb: float) -> dict:
    """CFI, TLI (= NNFI), RNI, NFI, RFI, IFI and PNFI of a test ``t`` against the baseline ``tb``."""
    nfi = (tb - t) / tb
    den = max(tb - dfb, t - df, 0.0)
    tli = (tb / dfb - t / df) / (tb / dfb - 1.0) if df > 0 else 1.0
    return {"cfi": 1.0 - max(t - df, 0.0) / den if den > 0 else 1.0, "tli": tli, "nnfi": tli,
            "rfi": (tb / dfb - t / df) / (tb / dfb) if df > 0 else 1.0, "nfi": nfi, "pnfi": df / dfb * nfi,
            "ifi": (tb - t) / (tb - df), "rni": 1.0 - (t - df) / (tb - dfb)}


def rmsea(t: float, df: float, n: float, c: float = 1.0, groups: int = 1) -> float:
    """lavaan's RMSEA (``lav_fit_rmsea``); ``n`` is the N lavaan uses (N, or N - 1 for categorical data)."""
    if df <= 0:
        return 0.0
    return float(np.sqrt(max((t / n) / df - c / n, 0.0)) * np.sqrt(groups))


def rmsea_interval(t: float, df: float, n: float, c: float = 1.0, level: float = 0.90, groups: int = 1):
    """lavaan's RMSEA interval: the noncentralities at which ``pchisq(t, df, ncp)`` is 0.95 and 0.05."""
    if df < 1:
        return np.nan, np.nan
    hi_p, lo_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(ncp):
        return special.chdtr(df, t) if ncp <= 0 else special.chndtr(t, df, ncp)

    g = np.sqrt(groups)
    low = 0.0 if cdf(0.0) < hi_p else np.sqrt(c * noncentrality_for_cdf(t, df, hi_p, t) / (n * df)) * g
    top = max(n, 4 * t)
    high = 0.0 if (cdf(top) > lo_p or cdf(0.0) < lo_p) else np.sqrt(c * noncentrality_for_cdf(t, df, lo_p, top) / (n * df)) * g
    return float(low), float(high)


def rmsea_pvalues(t: float, df: float, n: float, c: float = 1.0, close: float = 0.05, notclose: float = 0.08):
    """P-values of close fit (H0: RMSEA <= .05) and of not-close fit (H0: RMSEA >= .08)."""
    if df < 1:
        return np.nan, np.nan
    return (float(stats.ncx2.sf(t, df, n * df / c * close ** 2)), float(stats.ncx2.cdf(t, df, n * df / c * notclose ** 2)))


def scaled_shifted(t: float, df: float, ug: np.ndarray) -> dict:
    r"""The mean-and-variance adjusted test :math:`aT + b` (Asparouhov & Muthén 2010) from :math:`U\Gamma`."""
    tr1, tr2 = float(np.trace(ug)), float(np.sum(ug * ug.T))
    a = np.sqrt(df / tr2)
    b = df - a * tr1
    return {"stat": a * t + b, "a": a, "scaling.factor": 1.0 / a, "shift.parameter": b, "trace.UGamma": tr1,
            "trace.UGamma2": tr2}
