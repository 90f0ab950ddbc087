r"""Moderation, mediation and moderated mediation on observed scores, as Hayes' PROCESS macro estimates
them (models 1, 4, 6, 7, 8 and 14).

Each model is a set of ordinary least-squares regressions on composite scores (row means of a construct's
items); the effects are products of their coefficients, and their confidence intervals come from a
nonparametric bootstrap of the rows (Hayes 2022). No variable is mean-centred before products are formed
(PROCESS's default).

======  ==============================================  =================================================
model   equations                                        effects of X on Y
======  ==============================================  =================================================
1       :math:`Y = c_1 X + c_2 W + c_3 XW`              conditional effect :math:`c_1 + c_3 w` at values of
                                                         W, the interaction, Johnson–Neyman values
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
8       model 7 with :math:`Y = c'_1 X + b M + c'_2 W +`  as model 7, and the conditional direct effect
        :math:`c'_3 XW`                                  :math:`c'_1 + c'_3 w`
14      :math:`M = a X`; :math:`Y = c' X + b_1 M + b_2 W +`  conditional indirect :math:`a (b_1 + b_3 w)`;
        :math:`b_3 MW`                                   index :math:`a b_3`
======  ==============================================  =================================================

Covariates enter every equation. Conditional effects are probed at the 16th, 50th and 84th percentiles of
a continuous moderator (PROCESS 3+) or at its mean ± 1 SD (``probe="meansd"``), and at both values of a
dichotomous one.

Standard errors are the classical OLS ones, :math:`\mathrm{MSE}\,(X^\top X)^{-1}`, or HC0–HC4 with
``hc=``; coefficient intervals use :math:`t_{df_2}`. Bootstrap intervals are percentile intervals
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

import warnings

import numpy as np
import pandas as pd
from scipy import special, stats

from servqual._results import ResultMixin
from servqual._validation import as_frame, check_confidence, rng
from servqual.exceptions import AnalysisError, ServqualWarning

__all__ = ["PROCESS_MODELS", "ProcessResult", "process", "composite_scores"]

#: The PROCESS models servqual estimates.
PROCESS_MODELS = (1, 4, 6, 7, 8, 14)

#: Heteroscedasticity-consistent standard errors (Long & Ervin 2000; Cribari-Neto 2004 for HC4).
HC_TYPES = ("HC0", "HC1", "HC2", "HC3", "HC4")


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


def _ols(y: np.ndarray, xmat: np.ndarray, names: list, hc: str | None, confidence: float):
    n, k = xmat.shape
    xtx = xmat.T @ xmat
    if np.linalg.matrix_rank(xtx) < k:
        raise AnalysisError(f"PROCESS: the predictors {', '.join(names[1:])} are perfectly collinear; "
                            "leave one out or check the data")
    xtx_inv = np.linalg.inv(xtx)
    beta = xtx_inv @ xmat.T @ y
    resid = y - xmat @ beta
    df2 = n - k
    sse = float(resid @ resid)
    mse = sse / df2
    if hc is None:
        v = mse * xtx_inv
    else:
        h = np.einsum("ij,jk,ik->i", xmat, xtx_inv, xmat)
        e2 = resid ** 2
        omega = {"HC0": e2, "HC1": e2 * n / df2, "HC2": e2 / (1 - h), "HC3": e2 / (1 - h) ** 2,
                 "HC4": e2 / (1 - h) ** np.minimum(4.0, n * h / k)}[hc]
        v = xtx_inv @ (xmat.T @ (xmat * omega[:, None])) @ xtx_inv
    se = np.sqrt(np.diag(v))
    t = beta / se
    q = stats.t.ppf(0.5 + confidence / 2, df2)
    sst = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - sse / sst
    df1 = k - 1
    f = (r2 / df1) / ((1 - r2) / df2)
    b = beta[1:]
    vb = v[1:, 1:]
    f_used = float(b @ np.linalg.solve(vb, b) / df1) if hc is not None else f
    coef = pd.DataFrame({"term": names, "coeff": beta, "se": se, "t": t, "p": 2 * stats.t.sf(np.abs(t), df2),
                         "llci": beta - q * se, "ulci": beta + q * se})
    summary = {"n": n, "R": np.sqrt(r2), "R2": r2, "MSE": mse, "F": f_used, "df1": df1, "df2": df2,
               "p": float(stats.f.sf(f_used, df1, df2)), "vcov": pd.DataFrame(v, index=names, columns=names)}
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


def _equations(model: int, x: str, ms: list, y: str, w: str | None, covariates=()) -> dict:
    """Outcome -> predictors (a tuple is a product term) of each PROCESS model; covariates enter every equation."""
    eq = _core_equations(model, x, ms, y, w)
    return {k: [*v, *covariates] for k, v in eq.items()}


def _core_equations(model: int, x: str, ms: list, y: str, w: str | None) -> dict:
    if model == 1:
        return {y: [x, w, (x, w)]}
    if model == 8:
        eq = {m: [x, w, (x, w)] for m in ms}
        eq[y] = [x, *ms, w, (x, w)]
        return eq
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
    if model == 1:
        out = {f"conditional_effect_X_at_W_{label}": cy[x] + cy[f"{x}x{w}"] * wv for label, wv in w_values.items()}
        out["interaction"] = cy[f"{x}x{w}"]
        return out
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
    elif model in (7, 8):
        if model == 8:
            for label, wv in w_values.items():
                out[f"conditional_direct_at_W_{label}"] = cy[x] + cy[f"{x}x{w}"] * wv
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


def _estimate(frame, model, x, ms, y, w, w_values, eqs, hc=None, confidence=0.95):
    """The regressions of the model on ``frame`` with their tables, and its effects."""
    coefs, tables = {}, {}
    for outcome, preds in eqs.items():
        xmat, names = _design(frame, preds)
        beta, coef, summary = _ols(frame[outcome].to_numpy(), xmat, names, hc, confidence)
        coefs[outcome] = dict(zip(names, beta))
        tables[outcome] = (coef, summary)
    total_c = np.nan
    if model in (4, 6):
        xt, _ = _design(frame, [x, *[p for p in eqs[y] if not isinstance(p, tuple) and p != x and p not in ms]])
        total_c = float(np.linalg.lstsq(xt, frame[y].to_numpy(), rcond=None)[0][1])
    sd_x, sd_y = float(frame[x].std(ddof=1)), float(frame[y].std(ddof=1))
    return _effects(model, coefs, x, ms, y, w, w_values, sd_x, sd_y, total_c), coefs, tables


def _counts(resamples: np.ndarray, n: int) -> np.ndarray:
    """How often each row is drawn in each resample: (R, n) counts from (R, n) row positions."""
    out = np.empty((resamples.shape[0], n))
    for r, idx in enumerate(resamples):
        out[r] = np.bincount(idx, minlength=n)
    return out


def _weighted_ols(counts: np.ndarray, xmat: np.ndarray, y: np.ndarray):
    r"""OLS of every resample from its row counts :math:`c`: :math:`\beta_r = (X^\top C_r X)^{-1} X^\top C_r y`,
    the cross-products of all resamples in two matrix products; returns (coefficients (R, k), well-conditioned (R,))."""
    k = xmat.shape[1]
    xtx = (counts @ (xmat[:, :, None] * xmat[:, None, :]).reshape(len(xmat), k * k)).reshape(-1, k, k)
    xty = counts @ (xmat * y[:, None])
    ev = np.linalg.eigvalsh(xtx)
    ok = ev[:, 0] > 1e-10 * ev[:, -1]
    beta = np.full((len(counts), k), np.nan)
    if ok.any():
        beta[ok] = np.linalg.solve(xtx[ok], xty[ok][..., None])[..., 0]
    return beta, ok


def _bootstrap(frame, model, x, ms, y, w, w_values, eqs, resamples, chunk: int = 500) -> tuple[pd.DataFrame, int]:
    """Every effect on every resample; the regressions of a chunk of resamples are solved together.

    ``resamples`` is an array of row positions (R, n), or ``(generator, R)`` to draw them chunk by chunk.

    Resamples in which a regression is singular are left out and counted (as PROCESS reports them).
    """
    n = len(frame)
    designs = {o: (*_design(frame, preds), frame[o].to_numpy()) for o, preds in eqs.items()}
    total_design = None
    if model in (4, 6):
        others = [p for p in eqs[y] if not isinstance(p, tuple) and p != x and p not in ms]
        total_design = _design(frame, [x, *others])[0]
    xv, yv = frame[x].to_numpy(), frame[y].to_numpy()
    rows, failed = [], 0
    if isinstance(resamples, tuple):
        gen, total = resamples
        chunks = (gen.integers(0, n, size=(min(chunk, total - s), n)) for s in range(0, total, chunk))
    else:
        chunks = (resamples[s:s + chunk] for s in range(0, len(resamples), chunk))
    for part in chunks:
        c = _counts(part, n)
        ok = np.ones(len(c), bool)
        coefs = {}
        for outcome, (xmat, names, yo) in designs.items():
            beta, good = _weighted_ols(c, xmat, yo)
            ok &= good
            coefs[outcome] = {nm: beta[:, j] for j, nm in enumerate(names)}
        total_c = _weighted_ols(c, total_design, yv)[0][:, 1] if total_design is not None else np.nan

        def wsd(v):
            mean = c @ v / n
            return np.sqrt(np.maximum(c @ (v * v) - n * mean ** 2, 0.0) / (n - 1))

        eff = _effects(model, coefs, x, ms, y, w, w_values, wsd(xv), wsd(yv), total_c)
        block = pd.DataFrame({k: np.broadcast_to(v, (len(c),)) for k, v in eff.items()})
        failed += int((~ok).sum())
        rows.append(block[ok])
    return pd.concat(rows, ignore_index=True), failed


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
    johnson_neyman: dict | None = None
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


def _resolve(spec, inst, key, names):
    """A variable of the model: a column, a dimension or outcome id of the questionnaire, or a list of items."""
    if isinstance(spec, str):
        if inst is not None and spec in {d.id for d in list(inst.dimensions) + list(inst.outcome_constructs)}:
            return names.get(key, spec), inst.model(outcomes=True)[spec]
        return spec, [spec]
    return names.get(key, {"x": "X", "y": "Y", "w": "W"}.get(key, key)), list(spec)


def process(data, model: int = 4, *, x, y, m=None, w=None, z=None, covariates=(), n_boot: int = 5000, seed=None,
            conf: float = 0.95, center: bool = False, hc: str | None = None, probe: str = "percentiles",
            ci_method: str = "percentile", names: dict | None = None, instrument=None, resamples=None,
            bootstrap: int | None = None, confidence: float | None = None, hc3: bool | None = None) -> ProcessResult:
    """Estimate a PROCESS model (1, 4, 6, 7, 8 or 14) with bootstrap confidence intervals of its effects.

    Parameters
    ----------
    data : DataFrame or Responses
    model : {1, 4, 6, 7, 8, 14}
        Hayes' model number (see the module docstring; 1 is simple moderation, 8 is model 7 with the direct
        path moderated too).
    x, y : str or list of str
        The antecedent and the outcome: a column, a dimension or outcome id of the questionnaire (its
        scale score: the row mean of its items), or a list of item columns.
    m : str, list or dict
        The mediator(s): as ``x``, a list of such (one mediator each), or ``{name: [items]}``.
    w : str or list of str, optional
        The moderator (models 1, 7, 8, 14).
    z : None
        A second moderator (models 2, 3, ...) is not supported yet.
    covariates : sequence of str
        Columns entered in every equation.
    n_boot : int
        Number of resamples (PROCESS's default 5000); ``bootstrap`` is an alias.
    seed : int or None
        Seed of the resamples (None draws fresh ones; give an int to reproduce a run).
    conf : float
        Level of every interval; ``confidence`` is an alias.
    center : bool
        Mean-centre the variables that form products before forming them (PROCESS ``center = 1``).
    hc : {None, "HC0", "HC1", "HC2", "HC3", "HC4"}
        Heteroscedasticity-consistent standard errors of the coefficients (``hc3=True`` = ``"HC3"``,
        PROCESS 2's ``hc3 = 1``).
    probe : {"percentiles", "meansd"}
        Values of a continuous moderator at which conditional effects are given: the 16th, 50th and 84th
        percentiles (PROCESS 3+) or the mean and mean ± 1 SD; a moderator with two values is probed at
        both.
    ci_method : {"percentile", "bc"}
        Bootstrap interval: percentile (PROCESS 3+'s default) or bias-corrected (PROCESS 2's).
    names : dict, optional
        Names of the composites ``{"x": ..., "y": ..., "w": ...}`` when x / y / w are item lists.
    instrument : Instrument, optional
        The questionnaire that resolves dimension ids (default: the one of ``data`` when it is Responses).
    resamples : array of int, optional
        Explicit resamples (rows x n, 0-based row positions) instead of drawing them.

    Returns
    -------
    ProcessResult

    Notes
    -----
    Tested against R (``lm`` and the bootstrap of the oracle script, which reproduces PROCESS 2.16.3 to
    every printed digit) on the corporate-reputation data for models 4 (simple and parallel), 6, 7 and 14:
    coefficients, standard errors, HC3, R², F, Sobel tests and every effect to 1e-10, and the bootstrap
    estimates on the same resamples to 1e-10. The bootstrap solves the regressions of many resamples at
    once (no Python loop over resamples).
    """
    n_boot = int(bootstrap) if bootstrap is not None else int(n_boot)
    conf = float(confidence) if confidence is not None else conf
    hc = "HC3" if hc3 else hc
    if model not in PROCESS_MODELS:
        raise AnalysisError(f"PROCESS model {model!r} is not available; choose one of {PROCESS_MODELS}")
    if z is not None:
        raise AnalysisError("a second moderator (z) is not supported yet")
    if model in (1, 7, 8, 14) and w is None:
        raise AnalysisError(f"PROCESS model {model} needs a moderator w")
    if model != 1 and m is None:
        raise AnalysisError(f"PROCESS model {model} needs at least one mediator m")
    if ci_method not in ("percentile", "bc"):
        raise AnalysisError(f"ci_method must be 'percentile' or 'bc', got {ci_method!r}")
    if hc is not None and hc not in HC_TYPES:
        raise AnalysisError(f"hc must be one of {', '.join(HC_TYPES)} or None, got {hc!r}")
    if probe not in ("percentiles", "meansd"):
        raise AnalysisError(f"probe must be 'percentiles' or 'meansd', got {probe!r}")
    conf = check_confidence(conf, "conf")
    names = dict(names or {})
    inst = instrument if instrument is not None else getattr(data, "instrument", None)
    xn, xi = _resolve(x, inst, "x", names)
    yn, yi = _resolve(y, inst, "y", names)
    if m is None:
        mspec = {}
    elif isinstance(m, dict):
        mspec = {k: list(v) if not isinstance(v, str) else [v] for k, v in m.items()}
    else:
        mspec = dict(_resolve(c, inst, c, names) for c in ([m] if isinstance(m, str) else m))
    constructs = {xn: xi, **mspec, yn: yi}
    wn = None
    if w is not None:
        wn, wi = _resolve(w, inst, "w", names)
        constructs[wn] = wi
    for c in covariates:
        constructs[c] = [c]
    frame = composite_scores(data, constructs).reset_index(drop=True)
    n = len(frame)
    ms = list(mspec)
    if center and wn is not None:
        for c in {xn, wn, *(ms if model == 14 else [])}:
            frame[c] = frame[c] - frame[c].mean()
    w_values = {}
    if wn is not None:
        wv = frame[wn]
        levels = np.unique(wv)
        if levels.size < 2:
            raise AnalysisError(f"the moderator {wn!r} takes a single value; it cannot moderate anything")
        if levels.size == 2:
            w_values = {f"{v:g}": float(v) for v in levels}
        elif probe == "meansd":
            mu, sd = float(wv.mean()), float(wv.std(ddof=1))
            w_values = {"mean_minus_1sd": mu - sd, "mean": mu, "mean_plus_1sd": mu + sd}
        else:
            w_values = {f"p{q}": float(np.percentile(wv, q)) for q in (16, 50, 84)}
    eqs = _equations(model, xn, ms, yn, wn, tuple(covariates))
    effects, coefs, tables = _estimate(frame, model, xn, ms, yn, wn, w_values, eqs, hc, conf)
    draws = (rng(seed), n_boot) if resamples is None else np.asarray(resamples)
    boot, failed = _bootstrap(frame, model, xn, ms, yn, wn, w_values, eqs, draws)
    n_resamples = n_boot if resamples is None else len(draws)
    if failed:
        warnings.warn(f"{failed} of {n_resamples} bootstrap resamples had singular regressions and were left out",
                      ServqualWarning, stacklevel=2)
    a = (1 - conf) / 2
    rows = []
    for name, est in effects.items():
        t = boot[name].to_numpy()
        lo, hi = (np.percentile(t, [100 * a, 100 * (1 - a)]) if ci_method == "percentile"
                  else _bias_corrected(t, est, conf))
        rows.append({"effect": name, "estimate": est, "boot_mean": float(t.mean()), "boot_se": float(t.std(ddof=1)),
                     "ci_low": float(lo), "ci_high": float(hi)})
    sobel = []
    if model == 4:
        for mm in ms:
            ca, cb = tables[mm][0].set_index("term"), tables[yn][0].set_index("term")
            av, sa, bv, sb = ca.loc[xn, "coeff"], ca.loc[xn, "se"], cb.loc[mm, "coeff"], cb.loc[mm, "se"]
            se = float(np.sqrt(bv ** 2 * sa ** 2 + av ** 2 * sb ** 2))
            zv = av * bv / se
            sobel.append({"mediator": mm, "effect": av * bv, "se": se, "z": zv, "p": float(2 * special.ndtr(-abs(zv)))})
    jn = (_johnson_neyman(tables[yn][0], tables[yn][1]["vcov"], xn, wn, tables[yn][1]["df2"], conf, frame[wn])
          if model == 1 else None)
    equations = {o: {"coefficients": c, "summary": s_} for o, (c, s_) in tables.items()}
    return ProcessResult(model, equations, pd.DataFrame(rows), boot, pd.DataFrame(sobel), n, conf, ci_method,
                         {"x": xn, "m": ms, "y": yn, "w": wn, "w_values": w_values}, jn)


def _johnson_neyman(coef: pd.DataFrame, vcov: pd.DataFrame, x: str, w: str, df2: int, conf: float, wv) -> dict:
    r"""Johnson-Neyman values of W (model 1): where the conditional effect :math:`b_1 + b_3 w` of X is just
    significant, :math:`(b_1 + b_3 w)^2 = t^2 (v_{11} + 2 w v_{13} + w^2 v_{33})`, within the observed range of W.

    Returns ``{"values": [...], "significant_share": share of the observed W values at which the effect is
    significant}``.
    """
    c = coef.set_index("term")["coeff"]
    b1, b3 = float(c[x]), float(c[f"{x}x{w}"])
    v11, v13, v33 = float(vcov.loc[x, x]), float(vcov.loc[x, f"{x}x{w}"]), float(vcov.loc[f"{x}x{w}", f"{x}x{w}"])
    t2 = stats.t.ppf(0.5 + conf / 2, df2) ** 2
    roots = np.roots([b3 ** 2 - t2 * v33, 2 * (b1 * b3 - t2 * v13), b1 ** 2 - t2 * v11])
    lo, hi = float(np.min(wv)), float(np.max(wv))
    values = sorted(float(r.real) for r in roots if abs(r.imag) < 1e-12 and lo <= r.real <= hi)
    wv = np.asarray(wv, dtype=float)
    eff, se = b1 + b3 * wv, np.sqrt(v11 + 2 * wv * v13 + wv ** 2 * v33)
    return {"values": values, "significant_share": float(np.mean(eff ** 2 > t2 * se ** 2)), "range": (lo, hi)}
