"""Comparisons and improvement evaluation: segments, survey waves, KPI targets, satisfaction index, NPS.

- :func:`compare_groups`: dimension scores per segment (service centre, region, channel ...), Welch
  ANOVA and Kruskal-Wallis with effect sizes and Games-Howell post-hoc comparisons.
- :func:`compare_waves`: change per dimension and overall between two survey waves (independent samples
  or the same respondents).
- :func:`kpi_attainment`: objective KPIs against their targets, with traffic-light status.
- :func:`satisfaction_index`: a 0-100 customer satisfaction index from weighted dimension scores.
- :func:`nps`: Net Promoter Score of a 0-10 recommendation item.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from servqual.thresholds import BANDS, THRESHOLDS
from servqual._results import ResultMixin
from servqual._text import T, check_lang, join_names
from servqual._validation import as_frame
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.service.inference import (
    ConfidenceAlias,
    block_columns,
    confidence_level,
    dimension_weights,
    games_howell,
    hedges_g,
    holm_by_level,
    one_sample,
    segments,
    welch_anova,
    welch_t,
    weight_source_text,
)
from servqual.survey.instrument import Instrument, as_instrument

__all__ = [
    "dimension_scores",
    "compare_groups",
    "CompareResult",
    "compare_waves",
    "kpi_attainment",
    "satisfaction_index",
    "SatisfactionIndexResult",
    "nps",
]


# --------------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------------
def dimension_scores(data, instrument: Instrument, score: str | None = None) -> pd.DataFrame:
    """Respondent-level dimension scores (item means) and the overall score (mean of the dimension scores).

    Parameters
    ----------
    data : pandas.DataFrame or Responses
    instrument : Instrument
    score : str, optional
        ``None`` (the analysis block, e.g. perception), a block id or role (``"expectation"``,
        ``"performance"`` ...), or ``"gap"`` (perception - expectation).

    Returns
    -------
    pandas.DataFrame
        One column per dimension plus ``overall``, indexed like ``data``. A score is NaN when one of its
        items is unanswered.

    Examples
    --------
    >>> import servqual as sq
    >>> scores = dimension_scores(sq.read_dataset("kiosk").data, sq.load_instrument("kiosk"))
    >>> scores[["usefulness", "fun", "overall"]].head(3).round(3)  # rowMeans() of each dimension's items
       usefulness    fun  overall
    0       6.333  5.333    5.167
    1       6.000  5.000    5.500
    2       7.000  4.667    5.125
    """
    df = as_frame(data)
    inst = as_instrument(instrument)
    if score == "gap":
        e = dimension_scores(df, inst, "expectation")
        p = dimension_scores(df, inst, "perception")
        return p - e
    if inst.blocks:
        b = inst.block(inst.analysis_block if score is None else score)
        if b is None:
            raise AnalysisError(
                f"score {score!r} is neither 'gap' nor a block of questionnaire {inst.id!r} "
                f"(blocks: {', '.join(f'{x.id} ({x.role})' for x in inst.blocks)})"
            )
        role = b.role
        cols = block_columns(df, inst, role, "dimension scores")
    else:
        if score not in (None, ""):
            raise AnalysisError(f"questionnaire {inst.id!r} has no blocks; leave score=None")
        cols = inst.columns()
        absent = [c for c in cols.values() if c not in df.columns]
        if absent:
            raise AnalysisError(f"item columns not in the data: {', '.join(absent)}")
    out = {}
    for d in inst.dimensions:
        x = df[[cols[it.id] for it in d.items]].astype(float)
        out[d.id] = x.mean(axis=1, skipna=False)
    res = pd.DataFrame(out, index=df.index)
    res["overall"] = res[inst.dimension_ids].mean(axis=1, skipna=False)
    return res


def _holm_dimensions(table: pd.DataFrame, pcol: str) -> np.ndarray:
    """Holm-adjusted ``pcol`` across the dimensions; the overall row keeps its p-value."""
    return holm_by_level(table[pcol], np.where(table["dimension"] == "overall", "overall", "dimension"))


def _scale_range(inst: Instrument, score) -> tuple[float, float]:
    if inst.blocks:
        b = inst.block(score) if score not in (None, "gap") else inst.block(inst.analysis_block)
        sc = (b.scale if b is not None else None) or inst.scale
    else:
        sc = inst.scale
    return float(sc.min), float(sc.max)


# --------------------------------------------------------------------------------------------------
# Group comparisons
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False)
class CompareResult(ConfidenceAlias, ResultMixin):
    """Result of :func:`compare_groups`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per dimension (and overall): the omnibus tests and effect sizes.
    groups : pandas.DataFrame
        Dimension scores per group: ``dimension, group, n, mean, sd, se, ci_low, ci_high``.
    posthoc : pandas.DataFrame
        Games-Howell comparisons: ``dimension, group_a, group_b, mean_a, mean_b, diff, se, t, df, pval, hedges_g``.
    by : str
        The segment column.
    dropped : tuple
        Groups left out (fewer than ``min_group_size`` respondents).
    confidence : float
        Confidence level of the group-mean intervals; ``ci`` is its alias.
    """

    table: pd.DataFrame
    groups: pd.DataFrame
    posthoc: pd.DataFrame
    by: str
    dropped: tuple = ()
    confidence: float = 0.95
    title: str = field(default="Comparison of groups")

    def tables(self) -> dict:
        return {f"Dimension scores by {self.by}: tests": self.table, "Group means": self.groups,
                "Games-Howell post-hoc comparisons": self.posthoc}

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        check_lang(lang)
        t = self.table
        lines = []
        if self.dropped:
            lines.append(T(f"受访者过少而未纳入的组：{join_names(self.dropped, 'zh', len(self.dropped))}。",
                           f"Left out (too few respondents): {', '.join(map(str, self.dropped))}."))
        sig = t[t["welch_pval_holm"].map(THRESHOLDS["significance"].met)]
        lines.append(T(
            f"{len(t)} 个得分中 {len(sig)} 个在组间存在差异（Welch 方差分析，Holm 校正 p < .05）"
            + ("：" + join_names(sig["dimension"], "zh", len(sig)) if len(sig) else "") + "。",
            f"{len(sig)} of {len(t)} scores differ between groups (Welch ANOVA, Holm-adjusted p < .05)"
            + (": " + ", ".join(sig["dimension"]) if len(sig) else "") + ".",
        ))
        bands = BANDS["eta_sq"].grades[::-1]  # small, medium, large
        cuts = "、".join(f"{g.lower:.2f}".lstrip("0") for g in bands)
        lines.append(T(f"效应量：eta^2 / omega^2 为 {cuts}，epsilon^2 同样大小时，分别为"
                       f"{'、'.join(g.name.zh for g in bands)}效应（{BANDS['eta_sq'].citation}；Tomczak & Tomczak 2014）。",
                       f"Effect sizes: eta^2 / omega^2 of {cuts.replace('、', ', ')} and epsilon^2 of the same size are "
                       f"{', '.join(g.name.en for g in bands)} ({BANDS['eta_sq'].citation}; Tomczak & Tomczak 2014)."))
        return [x.get(lang) for x in lines]


def compare_groups(data, instrument: Instrument, by: str, *, score: str | None = None, min_group_size: int = 2,
                   confidence: float = 0.95, ci: float | None = None) -> CompareResult:
    """Compare dimension scores between segments: Welch ANOVA, Kruskal-Wallis, Games-Howell.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
    instrument : Instrument
    by : str
        The segment column (e.g. ``"centre"``, ``"sex"``).
    score : str, optional
        What to compare: ``None`` = the analysis block (perception), another block, or ``"gap"`` (P - E).
    min_group_size : int
        Groups with fewer respondents are left out with a warning (default 2, the minimum for a variance).
    confidence : float
        Confidence level of the group-mean intervals.
    ci : float, optional
        Alias of ``confidence`` (the name of earlier versions).

    Returns
    -------
    CompareResult
        ``result.table`` (one row per dimension and ``overall``): ``dimension, n, k`` (groups),
        ``welch_f, welch_df1, welch_df2, welch_pval, welch_pval_holm`` (Holm across the dimensions),
        ``eta_sq`` (SS_between / SS_total), ``omega_sq`` ((SS_b - (k-1) MS_w) / (SS_t + MS_w)),
        ``kw_h, kw_df, kw_pval`` (Kruskal-Wallis H with tie correction), ``epsilon_sq`` (H / (n - 1)),
        ``significant_pairs`` (Games-Howell pairs with p < .05, higher group first).
        ``result.groups`` and ``result.posthoc`` as in :class:`CompareResult`.

    Raises
    ------
    AnalysisError
        ``by`` not in the data; fewer than 2 groups with enough respondents.

    Warns
    -----
    ServqualWarning
        Groups left out for having fewer than ``min_group_size`` respondents (named with their n);
        a group whose score is constant (Welch ANOVA undefined for that dimension).

    Notes
    -----
    Welch (1951): with ``w_i = n_i / s_i^2``, ``F = [sum w_i (m_i - m_w)^2 / (k - 1)] /
    [1 + 2 (k - 2) / (k^2 - 1) * L]``, ``L = sum (1 - w_i / W)^2 / (n_i - 1)``, df = (k - 1, (k^2 - 1) / (3 L)).
    Games & Howell (1976): Welch t for each pair, p from the studentized range with k groups,
    ``q = sqrt(2) |t|``. Hedges' g uses the pooled sd with the small-sample factor 1 - 3 / (4 (n_a + n_b) - 9).
    epsilon^2 for Kruskal-Wallis follows Tomczak & Tomczak (2014). Tested against pingouin
    ``welch_anova`` / ``pairwise_gameshowell`` and ``scipy.stats.kruskal`` (R ``oneway.test``,
    ``kruskal.test``).

    Examples
    --------
    >>> import servqual as sq
    >>> res = compare_groups(sq.read_dataset("kiosk").data, sq.load_instrument("kiosk"), by="sex")
    >>> res.table[["dimension", "k", "welch_f", "welch_pval", "kw_pval"]].head(3).round(4)  # oneway.test, kruskal.test
        dimension  k  welch_f  welch_pval  kw_pval
    0  usefulness  2   0.2884      0.5924   0.9819
    1         fun  2   3.4464      0.0664   0.0551
    2     control  2   0.4972      0.4825   0.4301
    >>> res.notes()[0]
    '0 of 9 scores differ between groups (Welch ANOVA, Holm-adjusted p < .05).'
    """
    df = as_frame(data)
    inst = as_instrument(instrument)
    ci = confidence_level(confidence, ci)
    if not isinstance(by, str) or by not in df.columns:
        raise AnalysisError(
            f"grouping column {by!r} is not in the data"
            + (f"; the questionnaire's segments are {', '.join(inst.segments)}" if inst.segments else "")
        )
    if min_group_size < 2:
        raise ValueError("min_group_size must be at least 2")
    sc = dimension_scores(df, inst, score)
    g = df[by]
    units = inst.dimension_ids + ["overall"]
    valid = g.notna() & sc[units].notna().any(axis=1)
    sizes = g[valid].value_counts()
    small = sizes[sizes < min_group_size]
    if len(small):
        warnings.warn(
            f"groups of {by!r} with fewer than {min_group_size} respondents are left out: "
            + ", ".join(f"{k!r} (n = {v})" for k, v in small.items()),
            ServqualWarning, stacklevel=2,
        )
    keep_groups = sorted(sizes[sizes >= min_group_size].index.tolist(), key=str)
    if len(keep_groups) < 2:
        raise AnalysisError(
            f"{by!r} has {len(keep_groups)} group(s) with at least {min_group_size} respondents; a comparison needs 2 or more"
        )
    rows, grows, prows = [], [], []
    constant = []
    for u in units:
        parts = {}
        for lab in keep_groups:
            x = sc.loc[(g == lab) & sc[u].notna(), u].to_numpy(dtype=float)
            if x.size >= min_group_size:
                parts[lab] = x
        labs = list(parts)
        for lab, x in parts.items():
            s = one_sample(x, ci)
            grows.append({"dimension": u, "group": lab, "n": s["n"], "mean": s["mean"], "sd": s["sd"], "se": s["se"],
                          "ci_low": s["ci_low"], "ci_high": s["ci_high"]})
        k = len(labs)
        arrays = [parts[lab] for lab in labs]
        allx = np.concatenate(arrays) if arrays else np.array([])
        n = allx.size
        row = {"dimension": u, "n": n, "k": k}
        zero_var = [lab for lab in labs if not parts[lab].var(ddof=1) > 0]
        if k >= 2:
            if zero_var:
                constant.append(f"{u}: {', '.join(map(str, zero_var))}")
                f, d1, d2, p = np.nan, float(k - 1), np.nan, np.nan
            else:
                f, d1, d2, p = welch_anova(arrays)
            gm = allx.mean()
            ssb = sum(a.size * (a.mean() - gm) ** 2 for a in arrays)
            sst = ((allx - gm) ** 2).sum()
            msw = (sst - ssb) / (n - k)
            if np.all(allx == allx[0]):
                h, kp = np.nan, np.nan
            else:
                h, kp = stats.kruskal(*arrays)
            row.update(welch_f=f, welch_df1=d1, welch_df2=d2, welch_pval=p,
                       eta_sq=ssb / sst if sst > 0 else np.nan,
                       omega_sq=(ssb - (k - 1) * msw) / (sst + msw) if sst > 0 else np.nan,
                       kw_h=float(h), kw_df=float(k - 1), kw_pval=float(kp), epsilon_sq=float(h) / (n - 1))
            sig = []
            for i in range(k):
                for j in range(i + 1, k):
                    a, b = arrays[i], arrays[j]
                    gh = games_howell(a, b, k)
                    prows.append({"dimension": u, "group_a": labs[i], "group_b": labs[j], "mean_a": a.mean(),
                                  "mean_b": b.mean(), **gh, "hedges_g": hedges_g(a, b)})
                    if THRESHOLDS["significance"].met(gh["pval"]):
                        hi, lo = (labs[i], labs[j]) if gh["diff"] > 0 else (labs[j], labs[i])
                        sig.append(f"{hi} > {lo}")
            row["significant_pairs"] = "; ".join(sig)
        rows.append(row)
    if constant:
        warnings.warn(
            "constant scores within a group (Welch ANOVA undefined, reported as NaN): " + "; ".join(constant),
            ServqualWarning, stacklevel=2,
        )
    table = pd.DataFrame(rows)
    table.insert(table.columns.get_loc("welch_pval") + 1, "welch_pval_holm", _holm_dimensions(table, "welch_pval"))
    return CompareResult(table=table, groups=pd.DataFrame(grows), posthoc=pd.DataFrame(prows), by=by,
                         dropped=tuple(small.index.tolist()), confidence=ci)


# --------------------------------------------------------------------------------------------------
# Waves
# --------------------------------------------------------------------------------------------------
def compare_waves(before, after, instrument: Instrument, paired: bool = False, id: str | None = None, *,
                  score: str | None = None, confidence: float = 0.95, ci: float | None = None) -> pd.DataFrame:
    """Change in each dimension score and overall between two survey waves (before / after an improvement).

    Parameters
    ----------
    before, after : pandas.DataFrame or Responses
        The two waves, answering the same questionnaire.
    instrument : Instrument
    paired : bool
        ``False`` (default): independent samples, Welch t test. ``True``: the same respondents, matched
        by ``id``; paired t test.
    id : str, optional
        Respondent-id column for ``paired=True`` (default: the questionnaire's ``respondent_id``).
    score : str, optional
        ``None`` = analysis block, another block, or ``"gap"``.
    confidence : float
        Confidence level of the change's interval.
    ci : float, optional
        Alias of ``confidence`` (the name of earlier versions).

    Returns
    -------
    pandas.DataFrame
        One row per dimension and ``overall``: ``dimension, n_before, n_after`` (pairs when paired),
        ``mean_before, mean_after, change`` (after - before), ``se, ci_low, ci_high, t, df, pval,
        pval_holm`` (Holm across the dimensions; the overall row unadjusted), ``effect_size``,
        ``effect_size_type`` (``hedges_g`` for independent waves, ``cohen_dz`` for paired ones) and
        ``significant`` (``pval_holm < 1 - confidence``).

    Raises
    ------
    AnalysisError
        Paired comparison without an id column, duplicated ids, no matched respondents, fewer than 2
        respondents in a wave.

    Warns
    -----
    ServqualWarning
        Respondents present in only one wave (paired), named by count; constant scores.

    Notes
    -----
    Independent waves: Welch's t with Welch-Satterthwaite df (R ``t.test(after, before)``); Hedges' g with
    the pooled sd. Paired: t on the within-respondent changes (R ``t.test(after, before, paired = TRUE)``),
    ``d_z = mean change / sd of changes``. Tested against scipy.stats ``ttest_ind(equal_var=False)`` and
    ``ttest_rel``.

    Examples
    --------
    The kiosk survey has one wave; its most frequent users against the others show the layout:

    >>> import servqual as sq
    >>> d = sq.read_dataset("kiosk").data
    >>> often = d["use_frequency"] == "2-3 times per week or more"
    >>> out = compare_waves(d[often], d[~often], sq.load_instrument("kiosk"))  # t.test(after, before)
    >>> out[["dimension", "n_before", "n_after", "change", "pval"]].tail(3).round(4)
       dimension  n_before  n_after  change    pval
    6   security       102      105 -0.1211  0.4966
    7  tangibles       102      105 -0.0420  0.7982
    8    overall       102      105 -0.0659  0.5741
    """
    inst = as_instrument(instrument)
    ci = confidence_level(confidence, ci)
    b_df, a_df = as_frame(before), as_frame(after)
    sb = dimension_scores(b_df, inst, score)
    sa = dimension_scores(a_df, inst, score)
    units = inst.dimension_ids + ["overall"]
    rows = []
    if paired:
        idc = id or inst.respondent_id
        if idc is None:
            raise AnalysisError("paired=True needs the respondent-id column: pass id='column' or set respondent_id in the questionnaire")
        for name, d in (("before", b_df), ("after", a_df)):
            if idc not in d.columns:
                raise AnalysisError(f"the {name} wave has no id column {idc!r}")
            dup = d[idc][d[idc].duplicated()].unique()
            if len(dup):
                raise AnalysisError(f"duplicated respondent ids in the {name} wave: {', '.join(map(str, dup[:10]))}")
        sb.index = b_df[idc].to_numpy()
        sa.index = a_df[idc].to_numpy()
        common = sb.index.intersection(sa.index)
        only_b = len(sb.index.difference(sa.index))
        only_a = len(sa.index.difference(sb.index))
        if len(common) == 0:
            raise AnalysisError(f"no respondent id appears in both waves (column {idc!r}); cannot pair them")
        if only_b or only_a:
            warnings.warn(
                f"unpaired respondents: {only_b} only in the before wave, {only_a} only in the after wave; "
                "they are left out of the paired comparison.", ServqualWarning, stacklevel=2)
        sb, sa = sb.loc[common], sa.loc[common]
        for u in units:
            ok = sb[u].notna() & sa[u].notna()
            x, y = sb.loc[ok, u].to_numpy(float), sa.loc[ok, u].to_numpy(float)
            s = one_sample(y - x, ci)
            if s["n"] < 2:
                raise AnalysisError(f"{u}: only {s['n']} matched respondent(s) with a score in both waves; at least 2 are needed")
            rows.append({"dimension": u, "n_before": s["n"], "n_after": s["n"], "mean_before": x.mean(),
                         "mean_after": y.mean(), "change": s["mean"], "se": s["se"], "ci_low": s["ci_low"],
                         "ci_high": s["ci_high"], "t": s["t"], "df": s["df"], "pval": s["pval"],
                         "effect_size": s["mean"] / s["sd"] if s["sd"] > 0 else np.nan, "effect_size_type": "cohen_dz"})
    else:
        for u in units:
            x = sb[u].dropna().to_numpy(float)
            y = sa[u].dropna().to_numpy(float)
            if x.size < 2 or y.size < 2:
                raise AnalysisError(f"{u}: {x.size} respondent(s) before and {y.size} after; each wave needs at least 2")
            w = welch_t(y, x, ci)
            rows.append({"dimension": u, "n_before": x.size, "n_after": y.size, "mean_before": x.mean(),
                         "mean_after": y.mean(), "change": w["diff"], "se": w["se"], "ci_low": w["ci_low"],
                         "ci_high": w["ci_high"], "t": w["t"], "df": w["df"], "pval": w["pval"],
                         "effect_size": hedges_g(y, x), "effect_size_type": "hedges_g"})
    out = pd.DataFrame(rows)
    if out["t"].isna().any():
        warnings.warn(
            "constant scores (no variation) for " + ", ".join(out.loc[out["t"].isna(), "dimension"])
            + ": the t test is undefined and reported as NaN.", ServqualWarning, stacklevel=2)
    out.insert(out.columns.get_loc("pval") + 1, "pval_holm", _holm_dimensions(out, "pval"))
    out["significant"] = out["pval_holm"] < (1 - ci)
    return out


# --------------------------------------------------------------------------------------------------
# KPIs
# --------------------------------------------------------------------------------------------------
def kpi_attainment(data, instrument: Instrument, by: str | None = None, *, alpha: float = 0.05,
                   tolerance: float = 0.05) -> pd.DataFrame:
    """Attainment of the questionnaire's KPI targets, with a one-sample test and a traffic light.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        One row per case (service call, respondent ...), with the KPI columns.
    instrument : Instrument
        A questionnaire with ``kpis`` (column, direction, target).
    by : str, optional
        A segment column: one row per KPI and segment (plus the ``all`` rows).
    alpha : float
        Significance level of the one-sided test used by the traffic light (default 0.05).
    tolerance : float
        Shortfall of the mean, as a fraction of ``|target|``, still shown amber (default 0.05 = 5 %).

    Returns
    -------
    pandas.DataFrame
        ``kpi, name_zh, name_en, segment, n, direction, target_op, target, unit, mean, sd, attainment_rate``
        (share of cases meeting the target), ``t, df, pval`` (two-sided one-sample t test of the mean
        against the target), ``pval_shortfall`` (one-sided: H1 the mean is worse than the target) and
        ``status``:

        - ``green``: the mean meets the target;
        - ``amber``: the mean misses the target, but by no more than ``tolerance * |target|`` or not
          significantly (``pval_shortfall >= alpha``, or fewer than 2 cases);
        - ``red``: the mean misses the target by more than the tolerance and significantly;
        - ``no target``: the KPI has no target.

    Raises
    ------
    AnalysisError
        No KPIs in the questionnaire; KPI columns not in the data; ``by`` not in the data.

    Warns
    -----
    ServqualWarning
        Segments with a single case (no test possible), naming them.

    Notes
    -----
    ``t = (mean - target) / (sd / sqrt(n))`` with n - 1 df (R ``t.test(x, mu = target)``). For
    ``lower_is_better`` KPIs the shortfall test's alternative is "greater", else "less".

    Examples
    --------
    The bundled data sets carry no KPIs; eight service calls of two centres against a 24-hour target:

    >>> import pandas as pd
    >>> from servqual.survey.instrument import Instrument
    >>> inst = Instrument.from_dict({
    ...     "id": "after_sales", "scale": {"min": 1, "max": 5}, "dimensions": [{"id": "d", "items": ["a1", "a2", "a3"]}],
    ...     "kpis": [{"id": "response_hours", "column": "response_hours", "direction": "lower_is_better",
    ...               "target": "<= 24"}]})
    >>> calls = pd.DataFrame({"centre": ["north"] * 4 + ["south"] * 4,
    ...                       "response_hours": [10, 20, 30, 12, 40, 50, 45, 38]})
    >>> kpi_attainment(calls, inst, by="centre")[["segment", "n", "mean", "attainment_rate", "status"]]
      segment  n    mean  attainment_rate status
    0     all  8  30.625            0.375  amber
    1   north  4  18.000            0.750  green
    2   south  4  43.250            0.000    red
    """
    df = as_frame(data)
    inst = as_instrument(instrument)
    kpis = [k for k in inst.kpis if k.column]
    if not kpis:
        raise AnalysisError(f"questionnaire {inst.id!r} defines no KPIs with a column; add a 'kpis' section")
    missing = [f"{k.id} ({k.column})" for k in kpis if k.column not in df.columns]
    if missing:
        raise AnalysisError(f"KPI columns not in the data: {', '.join(missing)}")
    segs = segments(df, by)
    rows, single = [], []
    for k in kpis:
        col = pd.to_numeric(df[k.column], errors="coerce") if not pd.api.types.is_numeric_dtype(df[k.column]) else df[k.column]
        for lab, mask in segs:
            x = col[mask].dropna().to_numpy(float)
            n = x.size
            row = {"kpi": k.id, "name_zh": k.name.get("zh", k.id), "name_en": k.name.get("en", k.id), "segment": lab,
                   "n": n, "direction": k.direction, "target_op": k.target_op, "target": k.target, "unit": k.unit,
                   "mean": x.mean() if n else np.nan, "sd": x.std(ddof=1) if n > 1 else np.nan,
                   "attainment_rate": np.nan, "t": np.nan, "df": np.nan, "pval": np.nan, "pval_shortfall": np.nan,
                   "status": "no target"}
            if n == 1:
                single.append(f"{k.id}/{lab}")
            if k.target_op is not None and n:
                row["attainment_rate"] = float(np.mean(k.meets_target(x)))
                if n > 1 and row["sd"] > 0:
                    r = stats.ttest_1samp(x, k.target)
                    alt = "greater" if k.direction == "lower_is_better" else "less"
                    row.update(t=float(r.statistic), df=float(n - 1), pval=float(r.pvalue),
                               pval_shortfall=float(stats.ttest_1samp(x, k.target, alternative=alt).pvalue))
                m = row["mean"]
                if bool(k.meets_target(m)):
                    status = "green"
                else:
                    within = abs(m - k.target) <= tolerance * abs(k.target)
                    sig = np.isfinite(row["pval_shortfall"]) and row["pval_shortfall"] < alpha
                    status = "red" if (sig and not within) else "amber"
                row["status"] = status
            rows.append(row)
    if single:
        warnings.warn(f"KPI segments with a single case (no test; status from the value alone): {', '.join(single)}",
                      ServqualWarning, stacklevel=2)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
# Satisfaction index
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False)
class SatisfactionIndexResult(ConfidenceAlias, ResultMixin):
    """The 0-100 index of :func:`satisfaction_index`, per dimension, overall and per segment.

    Attributes
    ----------
    table : pandas.DataFrame
        ``segment, dimension, weight, n, mean, index, se, ci_low, ci_high``; ``index`` is on 0-100 and
        the ``overall`` row holds the weighted index.
    scores : pandas.Series
        Each respondent's index (0-100), NaN where a dimension score is missing.
    weight_source : str
        Where the dimension weights come from.
    confidence : float
        Confidence level of the intervals; ``ci`` is its alias.
    """

    table: pd.DataFrame
    scores: pd.Series
    weight_source: str
    confidence: float = 0.95
    title: str = field(default="Customer satisfaction index (0-100)")

    def tables(self) -> dict:
        return {"Satisfaction index": self.table}

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        check_lang(lang)
        ov = self.table[(self.table["dimension"] == "overall") & (self.table["segment"] == "all")].iloc[0]
        lines = [
            T(f"指数 {ov['index']:.1f}（满分 100；CI {ov['ci_low']:.1f} 至 {ov['ci_high']:.1f}），n = {int(ov['n'])}；"
              f"权重：{weight_source_text(self.weight_source, 'zh')}。",
              f"Index {ov['index']:.1f} of 100 (CI {ov['ci_low']:.1f} to {ov['ci_high']:.1f}), n = {int(ov['n'])}; "
              f"weights: {self.weight_source}."),
            T("指数 = sum_j w_j (mean_j - min) / (max - min) x 100，对各维度求和（min/max 为题项量表的端点）。",
              "Index = sum_j w_j (mean_j - min) / (max - min) x 100 over the dimensions (scale min/max of the items)."),
        ]
        return [x.get(lang) for x in lines]


def satisfaction_index(data, instrument: Instrument, weights=None, *, score: str | None = None, by: str | None = None,
                       confidence: float = 0.95, ci: float | None = None) -> SatisfactionIndexResult:
    """A 0-100 customer satisfaction index from weighted dimension scores.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
    instrument : Instrument
    weights : None, "equal", "importance", pandas.Series or dict, optional
        Dimension weights (normalised to sum 1). ``None`` or ``"equal"``: equal weights;
        ``"importance"``: mean stated importance of each dimension's items; a Series indexed by
        dimension id or by item id / column (summed within dimensions), e.g. entropy or AHP weights.
    score : str, optional
        The block scored (default: the analysis block, e.g. perception; ``"performance"`` for IPA
        satisfaction items).
    by : str, optional
        Segment column: the index per segment as well.
    confidence : float
        Confidence level of the t intervals of the index.
    ci : float, optional
        Alias of ``confidence`` (the name of earlier versions).

    Returns
    -------
    SatisfactionIndexResult
        ``result.table``: one row per segment (``all`` first) x (dimension, ``overall``): ``weight, n,
        mean`` (raw dimension score), ``index`` (0-100), ``se, ci_low, ci_high`` (of the index; t interval
        over respondents). ``result.scores``: each respondent's index.

    Notes
    -----
    ``CSI_i = 100 * sum_j w_j (s_ij - min) / (max - min)`` with ``s_ij`` respondent i's dimension score
    (item mean) and min / max the response scale's end points; the reported index is the mean of
    ``CSI_i`` over respondents complete on every dimension (equivalent to the weighted mean of the
    dimension indices on the same rows). Fornell et al. (1996) rescale latent scores the same way.

    Examples
    --------
    >>> import servqual as sq
    >>> res = satisfaction_index(sq.read_dataset("kiosk").data, sq.load_instrument("kiosk"), weights="importance")
    >>> res.table.query("dimension == 'overall'")[["segment", "n", "index", "ci_low", "ci_high"]].round(2)
      segment    n  index  ci_low  ci_high
    8     all  207  65.79   63.87    67.71
    """
    df = as_frame(data)
    inst = as_instrument(instrument)
    ci = confidence_level(confidence, ci)
    if score == "gap":
        raise AnalysisError("the satisfaction index is built from one block's scores, not from gaps; choose a block")
    sc = dimension_scores(df, inst, score)
    lo, hi = _scale_range(inst, score)
    importance = None
    if isinstance(weights, str) and weights == "importance" and inst.block("importance") is not None:
        imp = dimension_scores(df, inst, "importance")
        importance = imp[inst.dimension_ids].mean(axis=0)
    w, src = dimension_weights("equal" if weights is None else weights, inst, importance)
    dims = inst.dimension_ids
    idx = (sc[dims] - lo) / (hi - lo) * 100
    csi = (idx * w.to_numpy()).sum(axis=1, min_count=len(dims))
    csi[idx.isna().any(axis=1)] = np.nan
    if csi.notna().sum() < 2:
        raise AnalysisError("fewer than 2 respondents have a score on every dimension; the index needs at least 2")
    segs = segments(df, by)
    rows = []
    for lab, mask in segs:
        for d in dims + ["overall"]:
            v = (csi if d == "overall" else idx[d])[mask].to_numpy(float)
            s = one_sample(v, ci)
            raw = sc.loc[mask, d] if d != "overall" else pd.Series(dtype=float)
            rows.append({"segment": lab, "dimension": d, "weight": 1.0 if d == "overall" else float(w[d]), "n": s["n"],
                         "mean": float(raw.mean()) if d != "overall" else np.nan, "index": s["mean"], "se": s["se"],
                         "ci_low": s["ci_low"], "ci_high": s["ci_high"]})
    return SatisfactionIndexResult(table=pd.DataFrame(rows), scores=csi.rename("csi"), weight_source=src or "equal weights",
                                   confidence=ci)


# --------------------------------------------------------------------------------------------------
# NPS
# --------------------------------------------------------------------------------------------------
def nps(data, column: str, *, instrument: Instrument | None = None, by: str | None = None, confidence: float = 0.95,
        ci: float | None = None) -> pd.DataFrame:
    """Net Promoter Score of a 0-10 "how likely are you to recommend" item (Reichheld 2003).

    Parameters
    ----------
    data : pandas.DataFrame or Responses
    column : str
        The 0-10 recommendation column (or the id of an outcome item when ``instrument`` is given).
    instrument : Instrument, optional
        When given, the item's scale must be 0-10.
    by : str, optional
        Segment column.
    confidence : float
        Confidence level of the normal-approximation interval of the NPS.
    ci : float, optional
        Alias of ``confidence`` (the name of earlier versions).

    Returns
    -------
    pandas.DataFrame
        One row per segment (``all`` first): ``segment, n, promoters, passives, detractors`` (shares:
        9-10, 7-8, 0-6), ``nps`` (100 x (promoters - detractors), -100..100), ``se, ci_low, ci_high``
        (normal approximation).

    Raises
    ------
    AnalysisError
        Column missing or not numeric; answers outside 0-10 or not whole numbers (named); an
        instrument item whose scale is not 0-10.

    Notes
    -----
    With shares p (promoters) and d (detractors), ``Var(NPS) = 100^2 (p + d - (p - d)^2) / n``
    (the variance of a difference of multinomial proportions); the interval is NPS +- z se.

    Examples
    --------
    The mobi recommendation item (CUSL3) is answered on 1-10:

    >>> import servqual as sq
    >>> nps(sq.read_dataset("mobi").data, "CUSL3")[["segment", "n", "promoters", "detractors", "nps"]].round(3)
      segment    n  promoters  detractors   nps
    0     all  250       0.38        0.24  14.0
    """
    df = as_frame(data)
    ci = confidence_level(confidence, ci)
    if instrument is not None:
        inst = as_instrument(instrument)
        item = next((o for o in inst.all_questions if o.id == column or o.column() == column), None)
        if item is not None:
            sc = inst.scale_of(item)
            if (sc.min, sc.max) != (0, 10):
                raise AnalysisError(
                    f"{column!r} is on a {sc.min:g}-{sc.max:g} scale; the Net Promoter Score needs a 0-10 "
                    "'how likely are you to recommend' item"
                )
            column = item.column()
    if column not in df.columns:
        raise AnalysisError(f"column {column!r} is not in the data")
    x = df[column]
    if not pd.api.types.is_numeric_dtype(x):
        raise AnalysisError(f"column {column!r} is not numeric; NPS needs 0-10 answers")
    v = x.dropna().to_numpy(float)
    bad = np.unique(v[(v < 0) | (v > 10) | (v != np.round(v))])
    if bad.size:
        raise AnalysisError(f"column {column!r} has answers outside the 0-10 scale: {', '.join(f'{b:g}' for b in bad[:10])}")
    if v.size and v.max() <= 5:
        warnings.warn(f"column {column!r} has no answer above 5: is it really a 0-10 recommendation item?",
                      ServqualWarning, stacklevel=2)
    segs = segments(df, by)
    z = stats.norm.ppf(0.5 + ci / 2)
    rows = []
    for lab, mask in segs:
        y = x[mask].dropna().to_numpy(float)
        n = y.size
        if n == 0:
            rows.append({"segment": lab, "n": 0, "promoters": np.nan, "passives": np.nan, "detractors": np.nan,
                         "nps": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan})
            continue
        p, d = np.mean(y >= 9), np.mean(y <= 6)
        score = 100 * (p - d)
        se = 100 * np.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
        rows.append({"segment": lab, "n": n, "promoters": p, "passives": 1 - p - d, "detractors": d, "nps": score,
                     "se": se, "ci_low": score - z * se, "ci_high": score + z * se})
    return pd.DataFrame(rows)
