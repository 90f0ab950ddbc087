r"""Modification indices and residual correlations of an ML CFA, as lavaan's ``modindices`` and
``residuals(fit, type = "cor")`` (lavaan 0.6.14).

A modification index is the score (Lagrange multiplier) test of freeing one fixed parameter: with the
log-likelihood score :math:`g_j = \tfrac{N}{2}\operatorname{tr}\big(\Sigma^{-1}(S-\Sigma)\Sigma^{-1}
\partial\Sigma/\partial\theta_j\big)` and the expected information
:math:`I_{ab} = \tfrac{N}{2}\operatorname{tr}(\Sigma^{-1}\partial_a\Sigma\,\Sigma^{-1}\partial_b\Sigma)`,

.. math::

   \mathrm{MI}_j = \frac{g_j^2}{I_{jj} - I_{jF} I_{FF}^{-1} I_{Fj}}, \qquad
   \mathrm{EPC}_j = \frac{g_j}{I_{jj} - I_{jF} I_{FF}^{-1} I_{Fj}},

where :math:`F` are the free parameters (Sörbom 1989; Saris, Satorra & Sörbom 1987). The candidates are
the cross-loadings and the residual covariances, as lavaan lists them; ``sepc_lv`` and ``sepc_all``
standardise the expected change as lavaan's ``standardizedSolution`` standardises the parameter (latent
variances, and for ``sepc_all`` the model-implied item variances; a residual covariance by the residual
variances).

Examples
--------
>>> import servqual as sq
>>> fit = sq.cfa(sq.load_dataset("holzinger"), {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
...                                             "speed": ["x7", "x8", "x9"]})
>>> mi = modindices(fit).table   # lavaan::modindices(fit, sort = TRUE)
>>> mi.iloc[0][["lhs", "op", "rhs"]].tolist(), round(float(mi.iloc[0]["mi"]), 3)
(['visual', '=~', 'x9'], 36.411)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import T, check_lang
from servqual.exceptions import AnalysisError
from servqual.psychometrics.cfa_ml import CFAResult
from servqual.psychometrics.cfa_robust import factor_model

__all__ = ["modindices", "residual_correlations", "ModIndicesResult"]


@dataclass(frozen=True, repr=False, eq=False)
class ModIndicesResult(ResultMixin):
    """``table``: ``lhs, op, rhs, mi, epc, sepc_lv, sepc_all, pvalue`` (``pvalue`` of the 1-df score test),
    largest index first; ``residual_correlations``: observed minus model-implied correlations."""

    table: pd.DataFrame
    residual_correlations: pd.DataFrame
    title = "Modification indices"

    def tables(self) -> dict:
        return {"modification indices": self.table, "residual correlations": self.residual_correlations}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        big = self.table[self.table["mi"] >= 3.84]
        if not len(big):
            return [T("没有修正指数 ≥ 3.84（p < .05 的单自由度检验）。", "No modification index reaches 3.84 (the 1-df test at p < .05).").get(lang)]
        top = big.iloc[0]
        what = f"{top['lhs']} {top['op']} {top['rhs']}"
        return [T(f"{len(big)} 个修正指数 ≥ 3.84；最大为 {what}（MI = {top['mi']:.2f}，标准化预期变化 {top['sepc_all']:.3f}）。"
                  "只有在理论上说得通时才应释放参数（MacCallum, Roznowski & Necowitz 1992）。",
                  f"{len(big)} modification indices reach 3.84; the largest is {what} (MI = {top['mi']:.2f}, standardized "
                  f"expected change {top['sepc_all']:.3f}). Free a parameter only where theory supports it "
                  "(MacCallum, Roznowski & Necowitz 1992).").get(lang)]


def residual_correlations(cfa_result: CFAResult) -> pd.DataFrame:
    """Observed minus model-implied correlations (``residuals(fit, type = "cor")$cov`` of lavaan)."""
    s, sig = np.asarray(cfa_result.s_), np.asarray(cfa_result.sigma_)
    ds, dg = np.sqrt(np.diag(s)), np.sqrt(np.diag(sig))
    r = s / np.outer(ds, ds) - sig / np.outer(dg, dg)
    items = list(cfa_result.item_names_)
    return pd.DataFrame(r, index=items, columns=items)


def modindices(cfa_result: CFAResult, minimum_value: float = 0.0) -> ModIndicesResult:
    """Modification indices with expected parameter changes of an ML CFA (``lavaan::modindices``).

    Parameters
    ----------
    cfa_result : CFAResult
        An ML CFA from :func:`servqual.cfa` (complete data).
    minimum_value : float
        Leave out the indices below this value (lavaan's ``minimum.value``).

    Returns
    -------
    ModIndicesResult
        Sorted by ``mi``, largest first.
    """
    if not isinstance(cfa_result, CFAResult):
        raise AnalysisError("modindices needs an ML CFA (servqual.cfa with estimator='ML' on complete data)")
    mod = factor_model(cfa_result, cfa_result.model)
    n = int(cfa_result.n)
    s = np.asarray(cfa_result.s_, dtype=float)
    lam, psi, theta = mod.unpack()
    sig = lam @ psi @ lam.T + np.diag(theta)
    inv = np.linalg.inv(sig)
    items, factors = mod.items, mod.factors
    p, m = len(items), len(factors)
    lp = lam @ psi
    cands, dcand = [], []
    for f in range(m):  # cross-loadings, in lavaan's order: factor by factor, items in order
        for i in range(p):
            if lam[i, f] == 0:
                d = np.zeros((p, p))
                d[i, :] += lp[:, f]
                d[:, i] += lp[:, f]
                cands.append(("lam", i, f))
                dcand.append(d)
    for i in range(p):  # residual covariances
        for j in range(i + 1, p):
            d = np.zeros((p, p))
            d[i, j] = d[j, i] = 1.0
            cands.append(("theta", i, j))
            dcand.append(d)
    dfree = mod.dsigma()
    a_free = [inv @ d for d in dfree]
    a_cand = [inv @ d for d in dcand]
    i_ff = 0.5 * n * np.array([[np.sum(a.T * b) for b in a_free] for a in a_free])
    i_cf = 0.5 * n * np.array([[np.sum(a.T * b) for b in a_free] for a in a_cand])
    i_cc = 0.5 * n * np.array([np.sum(a.T * a) for a in a_cand])
    resid = inv @ (s - sig) @ inv
    score = 0.5 * n * np.array([np.sum(resid * d) for d in dcand])
    v = i_cc - np.einsum("jf,fg,jg->j", i_cf, np.linalg.inv(i_ff), i_cf)
    with np.errstate(divide="ignore", invalid="ignore"):
        mi = np.where(v > 0, score ** 2 / v, np.nan)
        epc = np.where(v > 0, score / v, np.nan)
    sd_f = np.sqrt(np.diag(psi))
    sd_y = np.sqrt(np.diag(sig))
    rows = []
    for (kind, a, b), mi_, e in zip(cands, mi, epc):
        if kind == "lam":
            rows.append({"lhs": factors[b], "op": "=~", "rhs": items[a], "mi": mi_, "epc": e,
                         "sepc_lv": e * sd_f[b], "sepc_all": e * sd_f[b] / sd_y[a]})
        else:
            rows.append({"lhs": items[a], "op": "~~", "rhs": items[b], "mi": mi_, "epc": e,
                         "sepc_lv": e, "sepc_all": e / np.sqrt(theta[a] * theta[b])})
    t = pd.DataFrame(rows)
    from scipy import stats

    t["pvalue"] = stats.chi2.sf(t["mi"], 1)
    t = t[t["mi"] >= minimum_value].sort_values("mi", ascending=False, kind="stable").reset_index(drop=True)
    return ModIndicesResult(t, residual_correlations(cfa_result))
