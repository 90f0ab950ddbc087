"""SERVQUAL gap analysis (P - E), weighted SERVQUAL, SERVPERF, gap-score reliability and zone of tolerance.

The SERVQUAL instrument asks every attribute twice: what customers expect (E) and what they perceive
(P). The gap ``G = P - E`` is negative where the service falls short of expectations (Parasuraman,
Zeithaml & Berry 1988). :func:`gap_analysis` reports, for every item, every dimension and the overall
score, the mean E, P and G with the paired tests a report needs, the importance-weighted gaps, the
perception-only SERVPERF scores (Cronin & Taylor 1992), the reliability of the gap as a difference
score (Peter, Churchill & Brown 1993) and, where the questionnaire asks adequate and desired service
levels, the zone of tolerance (Parasuraman, Zeithaml & Berry 1994).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from servqual._results import ResultMixin
from servqual._text import T, check_lang, join_names
from servqual._validation import as_frame, check_nan_policy
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.reliability import cronbach_alpha
from servqual.psychometrics.stats import SufficientStats
from servqual.service.inference import (
    ConfidenceAlias,
    block_columns,
    confidence_level,
    dimension_weights,
    holm,
    holm_by_level,
    one_sample,
    weight_source_text,
)
from servqual.survey.instrument import Instrument, as_instrument
from servqual.thresholds import THRESHOLDS

__all__ = ["GapResult", "gap_analysis", "zone_of_tolerance", "holm"]


def _answers(data, instrument, roles, what: str, nan_policy: str):
    """The data, the questionnaire and one respondents x items matrix of answers per block role."""
    df = as_frame(data)
    inst = as_instrument(instrument)
    check_nan_policy(nan_policy, ("listwise", "pairwise"), what)
    items = inst.item_ids
    mats = []
    for role in roles:
        cols = block_columns(df, inst, role, what)
        mats.append(df[[cols[i] for i in items]].to_numpy(dtype=float))
    return df, inst, mats


def _unit_matrix(instrument: Instrument) -> tuple[list, np.ndarray]:
    """Units (item rows, dimension rows, the overall row) and their item weights (units x items).

    A dimension score is the mean of its items; the overall score is the mean of the dimension scores
    (Parasuraman et al. 1988), which equals the item mean when every dimension has the same number of items.
    """
    items = instrument.items
    k = len(items)
    idx = {it.id: j for j, it in enumerate(items)}
    units, rows = [], []
    for d in instrument.dimensions:
        for it in d.items:
            r = np.zeros(k)
            r[idx[it.id]] = 1.0
            units.append(("item", d.id, it.id))
            rows.append(r)
    for d in instrument.dimensions:
        r = np.zeros(k)
        for it in d.items:
            r[idx[it.id]] = 1.0 / len(d.items)
        units.append(("dimension", d.id, ""))
        rows.append(r)
    r = np.zeros(k)
    nd = len(instrument.dimensions)
    for d in instrument.dimensions:
        for it in d.items:
            r[idx[it.id]] = 1.0 / (nd * len(d.items))
    units.append(("overall", "overall", ""))
    rows.append(r)
    return units, np.vstack(rows)


def _combine(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Linear combinations ``x @ a.T`` that are NaN where a used value is NaN (0 * NaN must not vanish)."""
    miss = np.isnan(x)
    out = np.where(miss, 0.0, x) @ a.T
    used = miss.astype(float) @ (a != 0).T > 0
    out[used] = np.nan
    return out


def _wilcoxon(d: np.ndarray) -> tuple[float, float]:
    """Wilcoxon signed-rank test of ``d`` against 0 with R ``wilcox.test(d, correct = TRUE)`` semantics.

    Zero differences are dropped; the statistic is R's V (sum of the ranks of the positive
    differences); the p-value is exact when fewer than 50 non-zero differences remain and there are no
    ties or zeros, otherwise from the normal approximation with tie and continuity correction.
    """
    d = d[~np.isnan(d)]
    nz = d[d != 0]
    if nz.size == 0:
        return np.nan, np.nan
    ranks = stats.rankdata(np.abs(nz))
    v = float(ranks[nz > 0].sum())
    ties = np.unique(np.abs(nz)).size < nz.size
    exact = nz.size < 50 and not ties and nz.size == d.size
    r = stats.wilcoxon(d, zero_method="wilcox", correction=True, method="exact" if exact else "asymptotic")
    return v, float(r.pvalue)


def _alpha(cov: np.ndarray, n: int = 0, names=None) -> float:
    """Cronbach's raw alpha of a covariance matrix (psych ``alpha()$total$raw_alpha``).

    Uses :func:`servqual.psychometrics.reliability.cronbach_alpha` on the sufficient statistics; the
    closed form ``k / (k - 1) * (1 - tr(C) / sum(C))`` where an item is constant.
    """
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or total <= 0:
        return np.nan
    names = list(names) if names is not None else [f"x{i + 1}" for i in range(k)]
    st = SufficientStats(names, int(n), np.zeros(k), cov, "listwise")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)  # singular / negative-correlation notes belong to reliability()
        warnings.simplefilter("ignore", RuntimeWarning)  # companion statistics of degenerate sets; only alpha is used
        try:
            return float(cronbach_alpha(st, ci=None).alpha)
        except AnalysisError:
            # a constant item (e.g. every respondent expects 7): alpha is still defined, as in psych
            return k / (k - 1) * (1 - np.trace(cov) / total)


def _difference_reliability(alpha_e, alpha_p, sd_e, sd_p, r_ep) -> float:
    """Reliability of D = P - E (Lord 1958; Peter, Churchill & Brown 1993, eq. 1)."""
    num = sd_p**2 * alpha_p + sd_e**2 * alpha_e - 2 * r_ep * sd_p * sd_e
    den = sd_p**2 + sd_e**2 - 2 * r_ep * sd_p * sd_e
    return num / den if den > 0 else np.nan


# --------------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False)
class GapResult(ConfidenceAlias, ResultMixin):
    """Result of :func:`gap_analysis`.

    Attributes
    ----------
    table : pandas.DataFrame
        The gap table, one row per item, per dimension and the overall score (see :func:`gap_analysis`).
    weighted : pandas.DataFrame
        Importance-weighted SERVQUAL (empty when no weights are available).
    servperf : pandas.DataFrame
        Perception-only (SERVPERF) scores.
    reliability : pandas.DataFrame
        Alpha of E, P and G and the difference-score reliability per dimension and overall.
    zone : pandas.DataFrame
        Zone of tolerance (empty unless the questionnaire has adequate and desired blocks).
    n : int
        Rows used.
    n_dropped : int
        Rows left out (incomplete on the E/P items under listwise deletion).
    weight_source : str
        Where the weights of the weighted table come from.
    confidence : float
        Confidence level of the intervals; ``ci`` is its alias.
    nan_policy : str
    """

    table: pd.DataFrame
    weighted: pd.DataFrame
    servperf: pd.DataFrame
    reliability: pd.DataFrame
    zone: pd.DataFrame
    n: int
    n_dropped: int
    weight_source: str = ""
    confidence: float = 0.95
    nan_policy: str = "listwise"
    title: str = field(default="SERVQUAL gap analysis (G = P - E)")

    def tables(self) -> dict:
        out = {"SERVQUAL gaps (P - E)": self.table}
        if len(self.weighted):
            out["Weighted SERVQUAL"] = self.weighted
        out["SERVPERF (perception only)"] = self.servperf
        out["Reliability of the gap scores"] = self.reliability
        if len(self.zone):
            out["Zone of tolerance"] = self.zone
        return out

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        check_lang(lang)
        t = self.table
        deletion = {"listwise": "列表删除", "pairwise": "成对删除"}.get(self.nan_policy, self.nan_policy)
        lines = [T(f"{self.n} 位受访者（{deletion}；{self.n_dropped} 行未用）。",
                   f"{self.n} respondents ({self.nan_policy} deletion; {self.n_dropped} rows left out).")]
        ov = t[t["level"] == "overall"].iloc[0]
        short = ov["gap"] < 0
        lines.append(T(
            f"总体差距 {ov['gap']:.2f}（{int(self.confidence * 100)}% CI {ov['ci_low']:.2f} 至 {ov['ci_high']:.2f}）："
            + ("感知未达到期望。" if short else "感知达到或超过期望。"),
            f"Overall gap {ov['gap']:.2f} ({int(self.confidence * 100)}% CI {ov['ci_low']:.2f} to {ov['ci_high']:.2f}): "
            + ("perceptions fall short of expectations." if short else "perceptions meet or exceed expectations."),
        ))
        dims = t[t["level"] == "dimension"].sort_values("gap")
        if len(dims):
            d, g = dims.iloc[0]["dimension"], dims.iloc[0]["gap"]
            lines.append(T(f"差距最大的维度：{d}（差距 {g:.2f}）。", f"Largest shortfall: dimension {d} (gap {g:.2f})."))
        items = t[t["level"] == "item"]
        sig = items[items["pval_holm"].map(THRESHOLDS["significance"].met)]
        lines.append(T(f"{len(items)} 个题项差距中 {len(sig)} 个经 Holm 校正后在 p < .05 水平上不为 0。",
                       f"{len(sig)} of {len(items)} item gaps differ from 0 at p < .05 after Holm's adjustment."))
        pos = items[items["gap"] > 0]
        if len(pos):
            lines.append(T("正差距（感知高于期望）：" + join_names(pos["item"], "zh", len(pos)) + "。",
                           "Positive gaps (perception above expectation): " + ", ".join(pos["item"]) + "."))
        rel = self.reliability
        thr = THRESHOLDS["gap_reliability"]
        r = rel["reliability_gap"]
        low = rel[r.notna() & ~r.map(thr.met).astype(bool) & (rel["level"] == "dimension")]
        if len(low):
            lines.append(T(
                f"差值分数信度低于 {thr.value:.2f}（{thr.citation}）的维度：" + join_names(low["dimension"], "zh", len(low))
                + "。期望与感知相关较高时，差距分数的信度低于其组成部分，解释维度差距时需谨慎。",
                f"Difference-score reliability below {thr.value:.2f} ({thr.citation}) for: " + ", ".join(low["dimension"])
                + ". Gap scores are less reliable than their components when E and P correlate; interpret dimension "
                "gaps with care.",
            ))
        if self.weight_source:
            lines.append(T(f"加权 SERVQUAL 采用{weight_source_text(self.weight_source, 'zh')}。",
                           f"Weighted SERVQUAL uses {self.weight_source}."))
        if len(self.zone):
            below = self.zone[(self.zone["level"] == "item") & (self.zone["position"] == "below")]
            lines.append(T(
                f"容忍区：{len(below)} 个题项的感知低于适当服务水平（MSA < 0）"
                + ("：" + join_names(below["item"], "zh", len(below)) if len(below) else "") + "。",
                f"Zone of tolerance: {len(below)} item(s) perceived below the adequate level (MSA < 0)"
                + (": " + ", ".join(below["item"]) if len(below) else "") + ".",
            ))
        return [x.get(lang) for x in lines]


# --------------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------------
def gap_analysis(data, instrument: Instrument, *, weights=None, nan_policy: str = "listwise", confidence: float = 0.95,
                 ci: float | None = None) -> GapResult:
    """SERVQUAL gap analysis: E, P and G = P - E per item, dimension and overall, with paired tests.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        Scored answers (as :func:`servqual.read_responses` returns them: missing codes are NaN,
        reverse-keyed items already scored).
    instrument : Instrument
        A questionnaire with an expectation and a perception block (optionally importance,
        adequate and desired blocks).
    weights : None, "importance", "equal", pandas.Series or dict, optional
        Dimension weights for weighted SERVQUAL. ``None`` uses the importance block if there is one
        (mean stated importance of each dimension's items, normalised to sum 1) and otherwise skips
        the weighted table; a Series may be indexed by dimension id, or by item id / data column
        (item weights are summed within dimensions), e.g. the output of the weighting functions.
    nan_policy : {"listwise", "pairwise"}
        ``listwise`` (default) uses the rows complete on every E and P item for every row of the
        table; ``pairwise`` uses, for each item / dimension, the rows complete on its own E and P items.
    confidence : float
        Confidence level of the intervals (default 0.95).
    ci : float, optional
        Alias of ``confidence`` (the name of earlier versions).

    Returns
    -------
    GapResult
        ``result.table`` (also ``result.to_frame()``) has one row per item, per dimension and the
        overall score, with columns

        - ``level``: ``item``, ``dimension`` or ``overall``;
        - ``dimension``, ``item`` (empty on dimension and overall rows);
        - ``n``: respondents used;
        - ``expectation``, ``perception``: mean E and mean P (the SERVPERF score);
        - ``gap``: mean of P - E; ``gap_sd``: its standard deviation; ``se``: standard error;
        - ``ci_low``, ``ci_high``: t confidence interval of the mean gap;
        - ``t``, ``df``, ``pval``: paired t test of H0: mean gap = 0;
        - ``pval_holm``: Holm-adjusted p (across the items; across the dimensions on dimension rows);
        - ``wilcoxon_stat``, ``wilcoxon_pval``: Wilcoxon signed-rank test (V = sum of positive ranks, as R);
        - ``cohen_dz``: standardised mean gap, mean(G) / sd(G).

        ``result.weighted``: ``dimension, importance, weight, expectation, perception, gap, weighted_gap,
        weighted_perception``, plus a ``total`` row whose gap is the weighted SERVQUAL score
        ``sum(w_j * G_j)`` with its ``se, ci_low, ci_high, t, pval`` (weights taken as fixed).

        ``result.servperf``: ``level, dimension, item, n, mean, sd, se, ci_low, ci_high`` of P.

        ``result.reliability``: ``level, dimension, n_items, n, alpha_e, alpha_p, alpha_g, sd_e, sd_p,
        r_ep, reliability_gap``.

        ``result.zone``: see :func:`zone_of_tolerance`.

    Raises
    ------
    AnalysisError
        No expectation or perception block; a block or some of its item columns missing from the
        data; fewer than 2 complete rows.

    Warns
    -----
    ServqualWarning
        Respondents who answered an item's E but not its P (or the reverse), naming the items; items
        whose difference is the same for every respondent (t, p and d_z undefined, set to NaN).

    Notes
    -----
    For respondent *i* and item *j*, ``G_ij = P_ij - E_ij``. Dimension scores are item means, the
    overall score is the mean of the dimension scores (Parasuraman, Zeithaml & Berry 1988). The paired
    t test is the one-sample t test of the differences, ``t = mean(G) / (sd(G) / sqrt(n))`` with
    ``n - 1`` df (R ``t.test(P, E, paired = TRUE)``); ``d_z = mean(G) / sd(G)`` (Cohen 1988). The
    Wilcoxon test drops zero differences and uses the exact distribution below 50 untied non-zero
    differences, else the normal approximation with continuity correction (R ``wilcox.test``).

    Reliability of the gap as a difference score (Peter, Churchill & Brown 1993, after Lord 1958)::

        r_G = (s_P^2 r_PP + s_E^2 r_EE - 2 r_PE s_P s_E) / (s_P^2 + s_E^2 - 2 r_PE s_P s_E)

    with ``r_EE``, ``r_PP`` the Cronbach alphas of the E and P items of the dimension, ``s_E``, ``s_P``
    the standard deviations of the dimension scores and ``r_PE`` their correlation; ``alpha_g`` is the
    Cronbach alpha of the item differences themselves. Alphas are psych's ``raw_alpha`` (tested against
    R psych 2.2.9 on the kiosk data); the tests are checked against scipy.stats.

    Weighted SERVQUAL multiplies each dimension gap by its normalised weight (Zeithaml, Parasuraman &
    Berry 1990); the total's standard error treats the weights as fixed.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.gap_analysis(sq.read_dataset("kiosk").data, sq.load_instrument("kiosk"))
    >>> res.n, res.n_dropped
    (207, 4)
    >>> res.table.query("level == 'dimension'")[["dimension", "expectation", "perception", "gap"]].head(3).round(3)
         dimension  expectation  perception    gap
    24  usefulness        6.435       5.805 -0.630
    25         fun        3.866       3.919  0.053
    26     control        6.456       5.285 -1.171
    >>> res.notes()[1]  # t.test(P, E, paired = TRUE) on the overall scores
    'Overall gap -1.10 (95% CI -1.22 to -0.99): perceptions fall short of expectations.'
    >>> res.notes("zh")[1]
    '总体差距 -1.10（95% CI -1.22 至 -0.99）：感知未达到期望。'
    """
    ci = confidence_level(confidence, ci)
    df, inst, (E, P) = _answers(data, instrument, ("expectation", "perception"), "SERVQUAL gap analysis", nan_policy)
    items = inst.item_ids

    # unpaired answers
    e_only = (~np.isnan(E)) & np.isnan(P)
    p_only = np.isnan(E) & (~np.isnan(P))
    unpaired = e_only.sum(axis=0) + p_only.sum(axis=0)
    if unpaired.any():
        desc = [f"{items[j]} ({int(unpaired[j])} row(s))" for j in np.flatnonzero(unpaired)]
        warnings.warn(
            "unpaired answers: some respondents answered an item's expectation but not its perception, or the "
            f"reverse, on items {', '.join(desc[:10])}{' ...' if len(desc) > 10 else ''}. A gap needs both; these "
            "answers are left out.",
            ServqualWarning,
            stacklevel=2,
        )
    n_total = len(df)
    if nan_policy == "listwise":
        keep = ~(np.isnan(E).any(axis=1) | np.isnan(P).any(axis=1))
        E, P = E[keep], P[keep]
        n_used = int(keep.sum())
        if n_used < 2:
            raise AnalysisError(
                f"only {n_used} row(s) answer every expectation and perception item; at least 2 are needed. "
                "Use nan_policy='pairwise' to use each item's complete pairs."
            )
    else:
        keep = ~(np.isnan(E) | np.isnan(P)).all(axis=1)
        E, P = E[keep], P[keep]
        n_used = int(keep.sum())
        if n_used < 2:
            raise AnalysisError(f"only {n_used} row(s) answer any E/P pair; at least 2 are needed")
    n_dropped = n_total - n_used

    units, A = _unit_matrix(inst)
    EU = _combine(E, A)
    PU = _combine(P, A)
    if nan_policy == "pairwise":
        both = np.isnan(EU) | np.isnan(PU)
        EU[both] = np.nan
        PU[both] = np.nan
    G = PU - EU

    rows = []
    constant = []
    for u, (level, dim, item) in enumerate(units):
        g = G[:, u]
        s = one_sample(g, ci)
        if s["n"] < 2:
            raise AnalysisError(
                f"{level} {item or dim}: only {s['n']} respondent(s) answer both E and P; at least 2 are needed"
            )
        if not s["sd"] > 0:
            constant.append(f"{item or dim} (every gap = {s['mean']:g})")
        w_stat, w_p = _wilcoxon(g)
        rows.append({
            "level": level, "dimension": dim, "item": item, "n": s["n"],
            "expectation": float(np.nanmean(EU[:, u])), "perception": float(np.nanmean(PU[:, u])),
            "gap": s["mean"], "gap_sd": s["sd"], "se": s["se"], "ci_low": s["ci_low"], "ci_high": s["ci_high"],
            "t": s["t"], "df": s["df"], "pval": s["pval"], "pval_holm": np.nan,
            "wilcoxon_stat": w_stat, "wilcoxon_pval": w_p,
            "cohen_dz": s["mean"] / s["sd"] if s["sd"] > 0 else np.nan,
        })
    if constant:
        warnings.warn(
            f"constant difference P - E for {', '.join(constant)}: the paired t test, its p-value and Cohen's d_z "
            "are undefined and reported as NaN.",
            ServqualWarning,
            stacklevel=2,
        )
    table = pd.DataFrame(rows)
    table["pval_holm"] = holm_by_level(table["pval"], table["level"])

    # SERVPERF
    sp = []
    for u, (level, dim, item) in enumerate(units):
        s = one_sample(PU[:, u], ci)
        sp.append({"level": level, "dimension": dim, "item": item, "n": s["n"], "mean": s["mean"], "sd": s["sd"],
                   "se": s["se"], "ci_low": s["ci_low"], "ci_high": s["ci_high"]})
    servperf = pd.DataFrame(sp)

    # importance per dimension (for weights)
    importance = None
    if inst.block("importance") is not None:
        icols = inst.columns(inst.block("importance").id)
        if all(c in df.columns for c in icols.values()):
            imeans = df.loc[keep, [icols[i] for i in items]].astype(float).mean(axis=0).to_numpy()
            importance = pd.Series(
                {d.id: float(np.mean([imeans[items.index(it.id)] for it in d.items])) for d in inst.dimensions}
            )
    w, wsrc = dimension_weights(weights, inst, importance)
    weighted = pd.DataFrame()
    if len(w):
        dim_rows = table[table["level"] == "dimension"].set_index("dimension")
        weighted = pd.DataFrame({
            "dimension": inst.dimension_ids,
            "importance": [importance[d] if importance is not None and wsrc.startswith("mean stated") else np.nan
                           for d in inst.dimension_ids],
            "weight": w.to_numpy(),
            "expectation": dim_rows.loc[inst.dimension_ids, "expectation"].to_numpy(),
            "perception": dim_rows.loc[inst.dimension_ids, "perception"].to_numpy(),
            "gap": dim_rows.loc[inst.dimension_ids, "gap"].to_numpy(),
        })
        weighted["weighted_gap"] = weighted["weight"] * weighted["gap"]
        weighted["weighted_perception"] = weighted["weight"] * weighted["perception"]
        dim_idx = [i for i, u in enumerate(units) if u[0] == "dimension"]
        gw = _combine(G[:, dim_idx], w.to_numpy()[None, :])[:, 0]
        pw = _combine(PU[:, dim_idx], w.to_numpy()[None, :])[:, 0]
        ew = _combine(EU[:, dim_idx], w.to_numpy()[None, :])[:, 0]
        s = one_sample(gw, ci)
        tot = {"dimension": "total", "importance": np.nan, "weight": 1.0, "expectation": float(np.nanmean(ew)),
               "perception": float(np.nanmean(pw)), "gap": s["mean"], "weighted_gap": s["mean"],
               "weighted_perception": float(np.nanmean(pw))}
        weighted = pd.concat([weighted, pd.DataFrame([tot])], ignore_index=True)
        for key in ("n", "se", "ci_low", "ci_high", "t", "pval"):
            weighted[key] = np.nan
            weighted.loc[weighted.index[-1], key] = s[key]

    reliability = _gap_reliability(E, P, inst)
    zone = pd.DataFrame()
    if inst.block("adequate") is not None and inst.block("desired") is not None:
        zone = zone_of_tolerance(df, inst, nan_policy=nan_policy)
    return GapResult(table=table, weighted=weighted, servperf=servperf, reliability=reliability, zone=zone,
                     n=n_used, n_dropped=n_dropped, weight_source=wsrc, confidence=ci, nan_policy=nan_policy)


def _gap_reliability(E: np.ndarray, P: np.ndarray, inst: Instrument) -> pd.DataFrame:
    """Alpha of E, P, G and the Peter-Churchill-Brown difference-score reliability (rows complete on all)."""
    ok = ~(np.isnan(E).any(axis=1) | np.isnan(P).any(axis=1))
    X = np.hstack([E[ok], P[ok]])
    n = X.shape[0]
    k = E.shape[1]
    if n < 3:
        raise AnalysisError(f"only {n} rows complete on every E and P item; reliability needs at least 3")
    C = np.cov(X, rowvar=False, ddof=1)
    items = inst.item_ids
    flat = [f"{items[j % k]} ({'E' if j < k else 'P'})" for j in np.flatnonzero(np.diag(C) <= 0)]
    if flat:
        warnings.warn(
            f"items answered identically by every respondent: {', '.join(flat)}. They add nothing to the reliability "
            "of their dimension (ceiling effect?); alphas are computed as psych does.",
            ServqualWarning,
            stacklevel=3,
        )
    sets = [("dimension", d.id, [items.index(it.id) for it in d.items]) for d in inst.dimensions]
    sets.append(("overall", "overall", list(range(k))))
    rows = []
    for level, dim, idx in sets:
        ie = np.array(idx)
        ip = ie + k
        cee = C[np.ix_(ie, ie)]
        cpp = C[np.ix_(ip, ip)]
        cep = C[np.ix_(ie, ip)]
        cgg = cpp + cee - cep - cep.T
        m = len(idx)
        var_e = cee.sum() / m**2
        var_p = cpp.sum() / m**2
        cov_ep = cep.sum() / m**2
        sd_e, sd_p = np.sqrt(var_e), np.sqrt(var_p)
        r_ep = cov_ep / (sd_e * sd_p) if sd_e > 0 and sd_p > 0 else np.nan
        names = [items[i] for i in idx]
        a_e, a_p, a_g = (_alpha(c, n, names) for c in (cee, cpp, cgg))
        rows.append({"level": level, "dimension": dim, "n_items": m, "n": n, "alpha_e": a_e, "alpha_p": a_p,
                     "alpha_g": a_g, "sd_e": sd_e, "sd_p": sd_p, "r_ep": r_ep,
                     "reliability_gap": _difference_reliability(a_e, a_p, sd_e, sd_p, r_ep)})
    return pd.DataFrame(rows)


def zone_of_tolerance(data, instrument: Instrument, *, nan_policy: str = "listwise") -> pd.DataFrame:
    """Zone of tolerance: adequate and desired service levels against perceptions.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
    instrument : Instrument
        A questionnaire with ``adequate``, ``desired`` and ``perception`` blocks (the three-column
        format of Parasuraman, Zeithaml & Berry 1994).
    nan_policy : {"listwise", "pairwise"}
        ``listwise`` uses the rows complete on every A, D and P item; ``pairwise`` each unit's own
        complete rows.

    Returns
    -------
    pandas.DataFrame
        One row per item, dimension and overall: ``level, dimension, item, n, adequate, desired,
        perception, zot_width`` (desired - adequate), ``msa`` (measure of service adequacy,
        perception - adequate), ``mss`` (measure of service superiority, perception - desired),
        ``zot_position`` ((perception - adequate) / zot_width: 0 = adequate level, 1 = desired level)
        and ``position``: ``below`` (P < A), ``within`` (A <= P <= D) or ``above`` (P > D).

    Notes
    -----
    Parasuraman, Zeithaml & Berry (1994): the zone of tolerance lies between adequate and desired
    service; MSA < 0 signals service below the minimum customers accept, MSS > 0 service beyond
    what they desire. A zone whose desired level is below its adequate level is flagged with a warning.

    Examples
    --------
    The bundled data sets ask no adequate and desired levels; three answers to two items show the
    layout:

    >>> import pandas as pd
    >>> from servqual.survey.instrument import Instrument
    >>> inst = Instrument.from_dict({
    ...     "id": "zot", "scale": {"min": 1, "max": 9},
    ...     "blocks": [{"id": "min", "role": "adequate", "column": "{id}_min"},
    ...                {"id": "des", "role": "desired", "column": "{id}_des"},
    ...                {"id": "per", "role": "perception", "column": "{id}_per"}],
    ...     "dimensions": [{"id": "reliability", "items": ["r1", "r2"]}]})
    >>> df = pd.DataFrame({"r1_min": [5, 6, 4], "r1_des": [8, 8, 8], "r1_per": [4, 5, 3],
    ...                    "r2_min": [5, 5, 5], "r2_des": [8, 9, 7], "r2_per": [6, 7, 6]}).astype(float)
    >>> zone_of_tolerance(df, inst)[["level", "item", "msa", "mss", "position"]]
           level item  msa  mss position
    0       item   r1 -1.0 -4.0    below
    1       item   r2  1.3 -1.7   within
    2  dimension       0.2 -2.8   within
    3    overall       0.2 -2.8   within
    """
    _, inst, (A_, D_, P_) = _answers(data, instrument, ("adequate", "desired", "perception"), "the zone of tolerance",
                                     nan_policy)
    if nan_policy == "listwise":
        keep = ~(np.isnan(A_).any(axis=1) | np.isnan(D_).any(axis=1) | np.isnan(P_).any(axis=1))
        A_, D_, P_ = A_[keep], D_[keep], P_[keep]
        if keep.sum() < 1:
            raise AnalysisError("no row answers every adequate, desired and perception item; use nan_policy='pairwise'")
    units, W = _unit_matrix(inst)
    AU, DU, PU = _combine(A_, W), _combine(D_, W), _combine(P_, W)
    bad = np.isnan(AU) | np.isnan(DU) | np.isnan(PU)
    for M in (AU, DU, PU):
        M[bad] = np.nan
    rows = []
    for u, (level, dim, item) in enumerate(units):
        n = int((~bad[:, u]).sum())
        a, d, p = (float(np.nanmean(M[:, u])) if n else np.nan for M in (AU, DU, PU))
        width = d - a
        pos = "below" if p < a else ("above" if p > d else "within")
        rows.append({"level": level, "dimension": dim, "item": item, "n": n, "adequate": a, "desired": d,
                     "perception": p, "zot_width": width, "msa": p - a, "mss": p - d,
                     "zot_position": (p - a) / width if width > 0 else np.nan, "position": pos})
    out = pd.DataFrame(rows)
    inverted = out.loc[(out["zot_width"] < 0) & (out["level"] == "item"), "item"].tolist()
    if inverted:
        warnings.warn(
            f"desired service below adequate service on average for items {', '.join(inverted)}: the zone of tolerance "
            "is inverted. Check the block order / column mapping of the adequate and desired questions.",
            ServqualWarning,
            stacklevel=2,
        )
    return out
