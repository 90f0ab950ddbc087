r"""Mediation and moderated mediation on observed scores, as Hayes' PROCESS macro estimates them
(models 4, 6, 7 and 14).

Each model is a set of ordinary least-squares regressions on composite scores (row means of a construct's
items); the effects are products of their coefficients, and their confidence intervals come from a
nonparametric bootstrap of the rows (Hayes 2022). No variable is mean-centred before products are formed
(PROCESS's default).

======  ==============================================  =================================================
model   equations                                        effects of X on Y
======  ==============================================  =================================================
4       :math:`M_j = a_{0j} + a_j X`;                    indirect :math:`a_j b_j` through each mediator
        :math:`Y = c_0 + c' X + \sum_j b_j M_j`          (parallel when there are several), their total
                                                         and pairwise contrasts, direct :math:`c'`, total
                                                         :math:`c` (from :math:`Y = c_0 + cX`), and the
                                                         completely / partially standardized indirect effects
6       :math:`M_1 = a_1 X`; :math:`M_2 = a_2 X + d M_1`;  :math:`a_1 b_1`, :math:`a_1 d\, b_2` (serial),
        :math:`Y = c' X + b_1 M_1 + b_2 M_2`             :math:`a_2 b_2`, their total, direct, total
7       :math:`M = a_1 X + a_2 W + a_3 XW`;              conditional indirect :math:`(a_1 + a_3 w) b` at
        :math:`Y = c' X + b M`                           :math:`w = \bar W - s_W, \bar W, \bar W + s_W`; index
                                                         of moderated mediation :math:`a_3 b`
14      :math:`M = a X`; :math:`Y = c' X + b_1 M + b_2 W +`  conditional indirect :math:`a (b_1 + b_3 w)`;
        :math:`b_3 MW`                                   index :math:`a b_3`
======  ==============================================  =================================================

Standard errors are the classical OLS ones, :math:`\mathrm{MSE}\,(X^\top X)^{-1}`, or HC3 with
``hc3=True``; coefficient intervals use :math:`t_{df_2}`. Bootstrap intervals are percentile intervals
(R's ``quantile(type = 7)``) and, with ``ci_method="bc"``, bias-corrected ones. The moderator's probe values
are fixed at the original sample's mean ± 1 SD in every resample, as PROCESS does.

References
----------
Hayes, A. F. (2022). *Introduction to mediation, moderation, and conditional process analysis* (3rd ed.).
Guilford.
温忠麟, 叶宝娟 (2014). 中介效应分析：方法和模型发展. *心理科学进展*, 22(5), 731–745.

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.process import process
>>> cr = sq.read_dataset("corp_rep").data
>>> res = process(cr, x=["comp_1", "comp_2", "comp_3"], m={"CUSA": ["cusa"]}, y=["cusl_1", "cusl_2", "cusl_3"],
...               names={"x": "COMP", "y": "CUSL"}, bootstrap=1000, seed=1)
>>> round(float(res.effects.set_index("effect").loc["indirect_CUSA", "estimate"]), 4)   # a * b
0.3029
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from servqual._results import ResultMixin
from servqual._validation import DEFAULT_SEED, as_frame, check_confidence, rng
from servqual.exceptions import AnalysisError

__all__ = ["PROCESS_MODELS", "ProcessResult", "process", "composite_scores"]

#: The PROCESS models servqual estimates.
PROCESS_MODELS = (4, 6, 7, 14)


def composite_scores(data, constructs: dict) -> pd.DataFrame:
    """Row means of each construct's items, on the rows complete on every item (listwise).

    Examples
    --------
    >>> import servqual as sq
    >>> composite_scores(sq.read_dataset("corp_rep").data, {"COMP": ["comp_1", "comp_2", "comp_3"]}).shape
    (344, 1)
    """
    df = as_frame(data)
    items = [i for v in constructs.values() for i in v]
    missing = [i for i in items if i not in df.columns]
    if missing:
        raise AnalysisError(f"PROCESS: column(s) not in the data: {', '.join(missing)}")
    x = df[items].apply(pd.to_numeric, errors="coerce").dropna()
    return pd.DataFrame({name: x[list(cols)].mean(axis=1) for name, cols in constructs.items()})


def _ols(y: np.ndarray, xmat: np.ndarray, names: list, hc3: bool, confidence: float):
    n, k = xmat.shape
    xtx_inv = np.linalg.inv(xmat.T @ xmat)
    beta = xtx_inv @ xmat.T @ y
    resid = y - xmat @ beta
    df2 = n - k
    sse = float(resid @ resid)
    mse = sse / df2
    v_ols = mse * xtx_inv
    h = np.einsum("ij,jk,ik->i", xmat, xtx_inv, xmat)
    meat = xmat.T @ (xmat * (resid ** 2 / (1 - h) ** 2)[:, None])
    v_hc3 = xtx_inv @ meat @ xtx_inv
    v = v_hc3 if hc3 else v_ols
    se = np.sqrt(np.diag(v))
    t = beta / se
    q = stats.t.ppf(0.5 + confidence / 2, df2)
    sst = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - sse / sst
    df1 = k - 1
    f = (r2 / df1) / ((1 - r2) / df2)
    b = beta[1:]
    vb = v[1:, 1:]
    f_used = float(b @ np.linalg.solve(vb, b) / df1) if hc3 else f
    coef = pd.DataFrame({"term": names, "coeff": beta, "se": se, "t": t, "p": 2 * stats.t.sf(np.abs(t), df2),
                         "llci": beta - q * se, "ulci": beta + q * se})
    summary = {"n": n, "R": np.sqrt(r2), "R2": r2, "MSE": mse, "F": f_used, "df1": df1, "df2": df2,
               "p": float(stats.f.sf(f_used, df1, df2))}
    return beta, coef, summary


def _design(frame: pd.DataFrame, predictors: list) -> tuple[np.ndarray, list]:
    cols, names = [np.ones(len(frame))], ["constant"]
    for p in predictors:
        if isinstance(p, tuple):  # a product term
            cols.append(frame[p[0]].to_numpy() * frame[p[1]].to_numpy())
            names.append(f"{p[0]}x{p[1]}")
        else:
            cols.append(frame[p].to_numpy())
            names.append(p)
    return np.column_stack(cols), names


def _equations(model: int, x: str, ms: list, y: str, w: str | None) -> dict:
    """Outcome -> predictors (a tuple is a product term) of each PROCESS model."""
    if model == 4:
        eq = {m: [x] for m in ms}
        eq[y] = [x, *ms]
    elif model == 6:
        if len(ms) != 2:
            raise AnalysisError("PROCESS model 6 (serial mediation) takes exactly two mediators, M1 then M2")
        eq = {ms[0]: [x], ms[1]: [x, ms[0]], y: [x, *ms]}
    elif model == 7:
        eq = {m: [x, w, (x, w)] for m in ms}
        eq[y] = [x, *ms]
    else:  # 14
        eq = {m: [x] for m in ms}
        eq[y] = [x, *ms, w, *[(m, w) for m in ms]]
    return eq


def _effects(model, coefs, x, ms, y, w, w_values, sd_x, sd_y, total_c) -> dict:
    """Every effect of the model from the coefficients ``{outcome: {term: coeff}}``."""
    cy = coefs[y]
    out = {"direct": cy[x]}
    if model in (4, 6):
        out["total"] = total_c
    if model == 4:
        ind = {m: coefs[m][x] * cy[m] for m in ms}
        for m, v in ind.items():
            out[f"indirect_{m}"] = v
        out["total_indirect"] = sum(ind.values())
        for i in range(len(ms)):
            for j in range(i + 1, len(ms)):
                out[f"contrast_indirect_{i + 1}_minus_{j + 1}"] = ind[ms[i]] - ind[ms[j]]
        for m, v in ind.items():
            out[f"std_completely_indirect_{m}"] = v * sd_x / sd_y
        for m, v in ind.items():
            out[f"std_partially_indirect_{m}"] = v / sd_y
    elif model == 6:
        m1, m2 = ms
        a1, a2, d = coefs[m1][x], coefs[m2][x], coefs[m2][m1]
        paths = {f"indirect_{x}_{m1}_{y}": a1 * cy[m1], f"indirect_{x}_{m1}_{m2}_{y}": a1 * d * cy[m2],
                 f"indirect_{x}_{m2}_{y}": a2 * cy[m2]}
        out.update(paths)
        out["total_indirect"] = sum(paths.values())
    elif model == 7:
        for m in ms:
            a1, a3, b = coefs[m][x], coefs[m][f"{x}x{w}"], cy[m]
            out[f"index_moderated_mediation_{m}"] = a3 * b
            for label, wv in w_values.items():
                out[f"conditional_indirect_{m}_at_W_{label}"] = (a1 + a3 * wv) * b
    else:
        for m in ms:
            a, b1, b3 = coefs[m][x], cy[m], cy[f"{m}x{w}"]
            out[f"index_moderated_mediation_{m}"] = a * b3
            for label, wv in w_values.items():
                out[f"conditional_indirect_{m}_at_W_{label}"] = a * (b1 + b3 * wv)
    return out


def _estimate(frame, model, x, ms, y, w, w_values, eqs, hc3=False, confidence=0.95, full=False):
    coefs, tables = {}, {}
    for outcome, preds in eqs.items():
        xmat, names = _design(frame, preds)
        beta, coef, summary = _ols(frame[outcome].to_numpy(), xmat, names, hc3, confidence) if full else (
            np.linalg.lstsq(xmat, frame[outcome].to_numpy(), rcond=None)[0], None, None)
        coefs[outcome] = dict(zip(names, beta))
        tables[outcome] = (coef, summary)
    xt, _ = _design(frame, [x])
    total_c = float(np.linalg.lstsq(xt, frame[y].to_numpy(), rcond=None)[0][1]) if model in (4, 6) else np.nan
    sd_x, sd_y = float(frame[x].std(ddof=1)), float(frame[y].std(ddof=1))
    return _effects(model, coefs, x, ms, y, w, w_values, sd_x, sd_y, total_c), coefs, tables


@dataclass(frozen=True, repr=False, eq=False)
class ProcessResult(ResultMixin):
    """A PROCESS model: its regressions, its effects with bootstrap intervals and (model 4) Sobel tests.

    Attributes
    ----------
    model : int
    equations : dict
        Outcome -> ``{"coefficients": DataFrame (term, coeff, se, t, p, llci, ulci), "summary": dict}``.
    effects : DataFrame
        ``effect, estimate, boot_se, ci_low, ci_high`` (bootstrap, ``ci_method``), ``boot_mean``.
    boot : DataFrame
        The bootstrap estimates of every effect, one row per resample.
    sobel : DataFrame
        Model 4: ``mediator, effect, se, z, p`` (normal-theory test of :math:`ab`).
    n : int
    confidence : float
    ci_method : str
    """

    model: int
    equations: dict
    effects: pd.DataFrame
    boot: pd.DataFrame
    sobel: pd.DataFrame
    n: int
    confidence: float
    ci_method: str
    variables: dict
    title = "PROCESS model"

    def tables(self) -> dict:
        out = {"Effects": self.effects}
        for outcome, eq in self.equations.items():
            out[f"Outcome: {outcome}"] = eq["coefficients"]
        if len(self.sobel):
            out["Sobel test"] = self.sobel
        return out

    def notes(self, lang: str = "en") -> list:
        lvl = f"{self.confidence:.0%}"
        kind = {"percentile": ("百分位", "percentile"), "bc": ("偏差校正", "bias-corrected")}[self.ci_method]
        sig = self.effects[(self.effects["ci_low"] > 0) | (self.effects["ci_high"] < 0)]["effect"].tolist()
        if lang == "zh":
            return [f"PROCESS 模型 {self.model}（OLS，{len(self.boot)} 次自助抽样，{lvl} {kind[0]}置信区间，N = {self.n}）；"
                    f"区间不含 0 的效应：" + ("、".join(sig) if sig else "无") + "。"]
        return [f"PROCESS model {self.model} (OLS, {len(self.boot)} bootstrap resamples, {lvl} {kind[1]} intervals, "
                f"N = {self.n}); effects whose interval excludes 0: " + (", ".join(sig) if sig else "none") + "."]


def _bias_corrected(t: np.ndarray, est: float, confidence: float):
    a = (1 - confidence) / 2
    z0 = special.ndtri(np.mean(t < est))
    lo = special.ndtr(2 * z0 + special.ndtri(a))
    hi = special.ndtr(2 * z0 + special.ndtri(1 - a))
    return float(np.percentile(t, 100 * lo, method="lower")), float(np.percentile(t, 100 * hi, method="higher"))


def process(data, *, x, y, m, w=None, model: int = 4, names: dict | None = None, bootstrap: int = 5000,
            seed=DEFAULT_SEED, confidence: float = 0.95, ci_method: str = "percentile", hc3: bool = False,
            resamples=None) -> ProcessResult:
    """Estimate a PROCESS model (4, 6, 7 or 14) with bootstrap confidence intervals of its effects.

    Parameters
    ----------
    data : DataFrame or Responses
    x, y : str or list of str
        The antecedent and the outcome: a column, or the items of a construct (their row mean is used).
    m : str, list or dict
        The mediator(s): a column, a list of columns (one mediator each), or ``{name: [items]}``.
    w : str or list of str, optional
        The moderator (models 7 and 14).
    model : {4, 6, 7, 14}
    names : dict, optional
        Names of the composites ``{"x": ..., "y": ..., "w": ...}`` when x / y / w are item lists.
    bootstrap : int
        Number of resamples (PROCESS's default 5000).
    seed : int or None
        Seed of the resamples (``servqual._validation.DEFAULT_SEED`` by default).
    confidence : float
        Level of every interval.
    ci_method : {"percentile", "bc"}
        Bootstrap interval: percentile (PROCESS 4's default) or bias-corrected.
    hc3 : bool
        HC3 standard errors of the coefficients (PROCESS ``hc3 = 1``).
    resamples : array of int, optional
        Explicit resamples (rows x n, 0-based row positions) instead of drawing them: to reproduce a
        bootstrap made elsewhere.

    Returns
    -------
    ProcessResult

    Notes
    -----
    Tested against R (``lm`` and the bootstrap of the oracle script, which reproduces PROCESS) on the
    corporate-reputation data for models 4 (simple and parallel), 6, 7 and 14: coefficients, standard
    errors, HC3, R², F, Sobel tests and every effect to 1e-10, and the bootstrap estimates on the same
    resamples to 1e-10.
    """
    if model not in PROCESS_MODELS:
        raise AnalysisError(f"PROCESS model {model!r} is not available; choose one of {PROCESS_MODELS}")
    if model in (7, 14) and w is None:
        raise AnalysisError(f"PROCESS model {model} needs a moderator w")
    if ci_method not in ("percentile", "bc"):
        raise AnalysisError(f"ci_method must be 'percentile' or 'bc', got {ci_method!r}")
    confidence = check_confidence(confidence)
    names = dict(names or {})

    def construct(spec, key, default):
        if isinstance(spec, str):
            return spec, [spec]
        return names.get(key, default), list(spec)

    xn, xi = construct(x, "x", "X")
    yn, yi = construct(y, "y", "Y")
    if isinstance(m, dict):
        mspec = {k: list(v) if not isinstance(v, str) else [v] for k, v in m.items()}
    elif isinstance(m, str):
        mspec = {m: [m]}
    else:
        mspec = {c: [c] for c in m}
    constructs = {xn: xi, **mspec, yn: yi}
    wn = None
    if w is not None:
        wn, wi = construct(w, "w", "W")
        constructs[wn] = wi
    frame = composite_scores(data, constructs).reset_index(drop=True)
    n = len(frame)
    ms = list(mspec)
    w_values = {}
    if wn is not None:
        mu, sd = float(frame[wn].mean()), float(frame[wn].std(ddof=1))
        w_values = {"mean_minus_1sd": mu - sd, "mean": mu, "mean_plus_1sd": mu + sd}
    eqs = _equations(model, xn, ms, yn, wn)
    effects, coefs, tables = _estimate(frame, model, xn, ms, yn, wn, w_values, eqs, hc3, confidence, full=True)
    if resamples is None:
        resamples = rng(seed).integers(0, n, size=(int(bootstrap), n))
    resamples = np.asarray(resamples)
    arr = frame.to_numpy()
    boot_rows = []
    for idx in resamples:
        bf = pd.DataFrame(arr[idx], columns=frame.columns)
        boot_rows.append(_estimate(bf, model, xn, ms, yn, wn, w_values, eqs)[0])
    boot = pd.DataFrame(boot_rows)
    a = (1 - confidence) / 2
    rows = []
    for name, est in effects.items():
        t = boot[name].to_numpy()
        lo, hi = (np.percentile(t, [100 * a, 100 * (1 - a)]) if ci_method == "percentile"
                  else _bias_corrected(t, est, confidence))
        rows.append({"effect": name, "estimate": est, "boot_mean": float(t.mean()), "boot_se": float(t.std(ddof=1)),
                     "ci_low": float(lo), "ci_high": float(hi)})
    sobel = []
    if model == 4:
        for mm in ms:
            ca, cb = tables[mm][0].set_index("term"), tables[yn][0].set_index("term")
            av, sa, bv, sb = ca.loc[xn, "coeff"], ca.loc[xn, "se"], cb.loc[mm, "coeff"], cb.loc[mm, "se"]
            se = float(np.sqrt(bv ** 2 * sa ** 2 + av ** 2 * sb ** 2))
            z = av * bv / se
            sobel.append({"mediator": mm, "effect": av * bv, "se": se, "z": z, "p": float(2 * special.ndtr(-abs(z)))})
    equations = {o: {"coefficients": c, "summary": s} for o, (c, s) in tables.items()}
    return ProcessResult(model, equations, pd.DataFrame(rows), boot, pd.DataFrame(sobel), n, confidence, ci_method,
                         {"x": xn, "m": ms, "y": yn, "w": wn})
