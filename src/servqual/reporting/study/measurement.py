"""Sections 2-4, measurement: item analysis, reliability and validity, from one measurement report.

The three sections read the :class:`~servqual.measurement.MeasurementReport` of the kept rows,
computed once (:func:`measurement`); when it cannot be computed, each section is kept with the reason.

Examples
--------
>>> import pandas as pd
>>> from servqual.reporting.study.measurement import fit_table
>>> fit = pd.Series({"chi2": 120.0, "df": 48.0, "pval": 1e-8, "cfi": 0.951, "tli": 0.94, "rmsea": 0.061,
...                  "srmr": 0.05})
>>> t = fit_table(fit)
>>> [(row["index"].en, row["cutoff"], row["met"]) for _, row in t.iloc[3:].iterrows()]
[('chi2/df', '≤ 3', True), ('CFI', '≥ 0.95', True), ('TLI', '≥ 0.95', False), ('RMSEA', '≤ 0.06', False), ('SRMR', '≤ 0.08', True)]
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from servqual._text import T, Text, join_names
from servqual.reporting.report import Section
from servqual.reporting.study.claims import rule_of
from servqual.reporting.study.context import EXPECTED_ERRORS, StudyContext
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import (COLUMN_LABELS, SIGNIFICANCE, band_rule, cutoff, dot, fmt, hu_bentler_rule,
                                           p_apa, pct, percent, threshold)
from servqual.thresholds import BANDS, HU_BENTLER, THRESHOLDS

__all__ = ["measurement", "skip_reason", "fit_table", "FIT_CUTOFFS", "items", "reliability", "validity"]

_DECISION = {"keep": T("保留", "keep"), "review": T("待审", "review"), "drop": T("建议删除", "drop")}


def measurement(ctx: StudyContext):
    """The measurement report of the kept rows, computed on first use (None when it cannot be computed)."""
    if ctx.measurement is not None or ctx.measurement_error is not None:
        return ctx.measurement
    from servqual.psychometrics.measurement import measurement_report

    try:
        mr = measurement_report(ctx.kept, ctx.instrument, seed=ctx.seed)
    except ImportError as err:
        ctx.measurement_error = T(f"所需的分析模块不可用（{err}）", f"an analysis module is not available ({err})")
        ctx.notes.append(f"measurement report not computed: {err}")
        return None
    except EXPECTED_ERRORS as err:
        ctx.measurement_error = T(f"信度与效度分析无法进行：{err}", f"reliability and validity could not be computed: {err}")
        ctx.notes.append(f"measurement report not computed: {err}")
        return None
    for w in mr.warnings:
        ctx.notes.append(f"measurement: warning: {w}")
    ctx.measurement = mr
    return mr


def _measured(build):
    """A section built from the measurement report: skipped with the reason when there is none."""
    @functools.wraps(build)
    def wrapper(ctx: StudyContext, sec: Section) -> None:
        mr = measurement(ctx)
        if mr is None:
            sec.skip(ctx.measurement_error)
            return
        build(ctx, sec, mr)

    return wrapper


def skip_reason(mr, *keys) -> str:
    """Why the first of ``keys`` the measurement report skipped was skipped (``not computed`` otherwise)."""
    for k in keys:
        if k in mr.skipped:
            return mr.skipped[k]
    return "not computed"


# ---------------------------------------------------------------------------------------------------
# 2 item analysis
# ---------------------------------------------------------------------------------------------------
@section("items", T("题项分析", "Item analysis"), after="sample")
@_measured
def items(ctx: StudyContext, sec: Section, mr) -> None:
    """Item statistics, critical ratio, corrected item-total correlation and alpha if deleted."""
    ia = mr.item_analysis
    if not len(ia):
        sec.skip(T("没有可分析的维度（每个维度至少需要 2 个题项）", "no dimension with at least 2 items to analyse"))
        return
    rel = mr.reliability.set_index("scale") if len(mr.reliability) else pd.DataFrame()
    out = pd.DataFrame({"dimension": [ctx.dim_name(s) for s in ia["scale"]], "item": ia["item"],
                        "text": [ctx.item_text(c) for c in ia["item"]], "mean": ia["mean"], "sd": ia["sd"]})
    has_cr = "cr" in ia.columns
    if has_cr:
        out["cr"] = ia["cr"]
        out["cr_pval"] = ia["cr_pval"]
    out["r_drop"] = ia["r_drop"]
    out["alpha_if_deleted"] = ia["alpha_if_deleted"]
    cr_rule = threshold("item_cr")
    item_claims = []
    if has_cr:
        item_claims.append(ctx.new_claim(sec, "critical_ratio", statistic="cr", source="item_analysis", key="item", column="cr",
                                         values=dict(zip(ia["item"], ia["cr"])), rule=rule_of("item_cr"), names="failed"))
        item_claims.append(ctx.new_claim(sec, "critical_ratio_p", statistic="cr_pval", source="item_analysis", key="item",
                                         column="cr_pval", values=dict(zip(ia["item"], ia["cr_pval"])),
                                         rule=rule_of("significance"), names="failed"))
    r_claim = ctx.new_claim(sec, "r_drop", statistic="r_drop", source="item_analysis", key="item", column="r_drop",
                            values=dict(zip(ia["item"], ia["r_drop"])), rule=rule_of("item_r_drop"), names="failed")
    item_claims.append(r_claim)
    cr_bad = set().union(*[set(c.failed + c.not_computed) for c in item_claims if c.statistic.startswith("cr")])
    r_bad = set(r_claim.failed + r_claim.not_computed)
    problems_zh, problems_en = [], []
    for _, r in ia.iterrows():
        a = float(rel.loc[r["scale"], "alpha"]) if r["scale"] in rel.index else np.nan
        zh, en = [], []
        if r["item"] in cr_bad:
            zh.append(f"CR = {fmt(r['cr'], 2)}")
            en.append(f"CR = {fmt(r['cr'], 2)}")
        if r["item"] in r_bad:
            zh.append(f"校正题总相关 = {fmt(r['r_drop'])}")
            en.append(f"r_drop = {fmt(r['r_drop'])}")
        if np.isfinite(a) and r["alpha_if_deleted"] > a:
            zh.append(f"删除后α {fmt(r['alpha_if_deleted'])} > {fmt(a)}")
            en.append(f"alpha if deleted {fmt(r['alpha_if_deleted'])} > {fmt(a)}")
        if zh:
            problems_zh.append(f"{r['item']}（{'，'.join(zh)}）")
            problems_en.append(f"{r['item']} ({', '.join(en)})")
    if "decision" in ia.columns:
        out["decision"] = [_DECISION.get(d, T(str(d), str(d))) for d in ia["decision"]]
    cr_cut, r_cut, sig = f"{cr_rule.value:.1f}", cutoff("item_r_drop"), dot(SIGNIFICANCE)
    sec.add_paragraph(T(
        f"题项筛选采用三项标准：（1）高低分组（各 27%，{cr_rule.citation}）独立样本 t 检验的决断值 CR ≥ {cr_cut} 且 p<{SIGNIFICANCE:.2f}；"
        f"（2）校正题总相关 ≥ {r_cut}；（3）删除该题后维度的 α 不升高。三项均达标为“保留”，一项未达标为“待审”，"
        "两项及以上未达标为“建议删除”；这些是统计上的筛查，是否删题还应结合内容效度判断。",
        f"Items are screened on three criteria: (1) critical ratio (t test of the top vs the bottom 27 %, {cr_rule.citation}) "
        f">= {cr_cut} with p < {sig}; (2) corrected item-total correlation >= {r_cut}; (3) the dimension's alpha does not rise "
        "when the item is deleted. All three met: keep; one failed: review; two or more: drop. These are statistical "
        "screens; content validity decides.",
    ))
    if not has_cr:
        why = skip_reason(mr, *[k for k in mr.skipped if k.startswith("item analysis")])
        sec.add_paragraph(T(f"决断值未计算：{why}。", f"Critical ratios were not computed: {why}."))
    n_items = len(ia)
    if problems_zh:
        ctx.claim_all(sec, item_claims, lambda cs: T(
            f"{n_items} 个题项中 {n_items - len(problems_zh)} 个三项均达标；未达标的题项：{'；'.join(problems_zh)}。",
            f"{n_items - len(problems_zh)} of {n_items} items meet every criterion; items that miss one or more: "
            f"{'; '.join(problems_en)}."))
    else:
        ctx.claim_all(sec, item_claims, lambda cs: T(f"全部 {n_items} 个题项均达到三项标准。", f"All {n_items} items meet every criterion."))
    ctx.table(sec, "item_analysis", T("题项分析", "Item analysis"), out,
              note=_item_n_note(mr))


# ---------------------------------------------------------------------------------------------------
# 3 reliability
# ---------------------------------------------------------------------------------------------------
@section("reliability", T("信度分析", "Reliability"), after="items", results=("alpha_all",))
@_measured
def reliability(ctx: StudyContext, sec: Section, mr) -> None:
    """Cronbach's alpha with its Feldt CI and McDonald's omega, per dimension and overall."""
    rel = mr.reliability
    if not len(rel):
        sec.skip(T("没有可计算信度的维度", "no scale with at least 2 items"))
        return
    out = rel[["scale"]].copy()
    out["dimension_name"] = [ctx.dim_name(s) for s in rel["scale"]]
    for c in ("n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "alpha_std", "average_r", "omega_total"):
        if c in rel.columns:
            out[c] = rel[c].to_numpy()
    allrow = rel[rel["scale"] == "all"]
    dims = rel[rel["scale"] != "all"]
    alpha, omega = THRESHOLDS["alpha"], THRESHOLDS["omega"]
    if len(allrow):
        a = allrow.iloc[0]
        lab = BANDS["alpha"].band(float(a["alpha"]))
        cite = BANDS["alpha"].citation
        sec.add_paragraph(T(
            f"总量表 Cronbach's α = {fmt(a['alpha'])}（95% Feldt 置信区间 {fmt(a['alpha_ci_low'])}–{fmt(a['alpha_ci_high'])}），"
            f"信度{lab.zh}（{cite}：{band_rule('alpha', 'zh', at_least='alpha')}）。",
            f"Cronbach's alpha of the whole instrument is {fmt(a['alpha'])} (95% Feldt CI {fmt(a['alpha_ci_low'])} to "
            f"{fmt(a['alpha_ci_high'])}): {lab.en} ({cite}: {band_rule('alpha', 'en', at_least='alpha')}).",
        ))
        ctx.results["alpha_all"] = float(a["alpha"])
    if len(dims):
        cut = f"{cutoff('alpha')}（{alpha.citation}）", f"{cutoff('alpha')} ({alpha.citation})"

        def say_alpha(c):
            vals = [c.values[k] for k in c.computed]
            rng = f"{fmt(min(vals))}–{fmt(max(vals))}" if vals else "NA"
            nc_zh = f"；未能计算：{'、'.join(c.labels_of(c.not_computed, 'zh'))}" if c.not_computed else ""
            nc_en = f"; not computed: {', '.join(c.labels_of(c.not_computed, 'en'))}" if c.not_computed else ""
            if c.failed:
                names_zh = [f"{c.label(k, 'zh')}（{fmt(c.values[k])}）" for k in c.failed]
                names_en = [f"{c.label(k, 'en')} ({fmt(c.values[k])})" for k in c.failed]
                return T(f"各维度 α 在 {rng} 之间；低于 {cut[0]}的维度：{'、'.join(names_zh)}，其内部一致性不足，"
                         f"解释这些维度得分时需谨慎{nc_zh}。",
                         f"Dimension alphas range from {rng.replace('–', ' to ')}; below {cut[1]}: {', '.join(names_en)}, "
                         f"whose internal consistency is weak; interpret their scores with care{nc_en}.")
            return T(f"各维度 α 在 {rng} 之间，均不低于 {cut[0]}{nc_zh}。",
                     f"Dimension alphas range from {rng.replace('–', ' to ')}, all at least {cut[1]}{nc_en}.")

        ctx.claim(sec, "alpha_dimensions", say_alpha, statistic="alpha", source="reliability", key="scale", column="alpha",
                  values=dict(zip(dims["scale"], dims["alpha"])), rule=rule_of("alpha"),
                  labels={d: ctx.dim_name(d) for d in dims["scale"]}, n=dict(zip(dims["scale"], dims["n"])) if "n" in dims else None,
                  names="failed")
    om = rel["omega_total"] if "omega_total" in rel.columns else pd.Series(dtype=float)
    if om.notna().any():
        oa = allrow["omega_total"].iloc[0] if len(allrow) else np.nan

        def say_omega(c):
            nc = c.not_computed
            why = {d: skip_reason(mr, f"omega ({d})") for d in nc}
            why_zh = {d: "单因子 ω 至少需要 3 个题项" if "at least 3 items" in w else w for d, w in why.items()}
            nc_zh = "".join(f"；{c.label(d, 'zh')}的 ω 未计算（{why_zh[d]}）" for d in nc)
            nc_en = "".join(f"; omega was not computed for {c.label(d, 'en')} ({why[d]})" for d in nc)
            judged_zh = (f"低于 {cutoff('omega')} 的维度：{'、'.join(c.labels_of(c.failed, 'zh'))}" if c.failed
                         else f"已计算的 {len(c.computed)} 个维度 ω 均不低于 {cutoff('omega')}" if nc
                         else f"各维度 ω 均不低于 {cutoff('omega')}")
            judged_en = (f"below {cutoff('omega')}: {', '.join(c.labels_of(c.failed, 'en'))}" if c.failed
                         else f"each of the {len(c.computed)} dimensions with omega {omega.op} {cutoff('omega')}" if nc
                         else f"every dimension {omega.op} {cutoff('omega')}")
            return T(f"McDonald's ω（总量表按维度数取群因子，Schmid-Leiman；维度为单因子）：总量表 ω = {fmt(oa)}；"
                     f"{judged_zh}{nc_zh}。",
                     f"McDonald's omega (the whole instrument with one group factor per dimension, Schmid-Leiman; one factor "
                     f"per dimension): omega = {fmt(oa)} overall; {judged_en}{nc_en}.")

        ctx.claim(sec, "omega_dimensions", say_omega, statistic="omega_total", source="reliability", key="scale",
                  column="omega_total", values=dict(zip(dims["scale"], dims["omega_total"])), rule=rule_of("omega"),
                  labels={d: ctx.dim_name(d) for d in dims["scale"]}, names="failed")
    else:
        why = skip_reason(mr, "omega (all)", *[k for k in mr.skipped if k.startswith("omega")])
        sec.add_paragraph(T(f"McDonald's ω 未计算：{why}。", f"McDonald's omega was not computed: {why}."))
    ctx.table(sec, "reliability", T("信度系数", "Reliability coefficients"), out,
              labels={"scale": T("量表/维度代码", "Scale id")},
              note=T("α 的置信区间为 Feldt (1965) 法；“all”为总量表。", "Alpha CIs by Feldt (1965); \"all\" is the whole instrument."))


# ---------------------------------------------------------------------------------------------------
# 4 validity
# ---------------------------------------------------------------------------------------------------
#: The fit table's rules: (column, zh label, en label, rule key), in table order.
FIT_CUTOFFS = [("chi2_df", "χ²/df", "chi2/df", "chi2_df")] + [
    (k, THRESHOLDS[k].statistic, THRESHOLDS[k].statistic, k) for k in (*HU_BENTLER, "gfi", "agfi")]


def fit_table(fit: pd.Series) -> pd.DataFrame:
    """CFA fit indices beside their cut-offs (Hu & Bentler 1999 for CFI, TLI, RMSEA, SRMR).

    Parameters
    ----------
    fit : pandas.Series
        One row of the CFA fit table: ``chi2, df, pval`` and any of ``cfi, tli, rmsea, srmr, gfi, agfi``
        (``rmsea_ci_low``, ``rmsea_ci_high`` label the RMSEA row).

    Returns
    -------
    pandas.DataFrame
        ``index, value, cutoff, source, met``; a rule's row only where its index is finite.
    """
    rows = [{"index": T("χ²", "Chi-square"), "value": float(fit["chi2"]), "cutoff": "", "source": "", "met": None},
            {"index": T("自由度", "df"), "value": float(fit["df"]), "cutoff": "", "source": "", "met": None},
            {"index": T("p值", "p"), "value": float(fit["pval"]), "cutoff": "", "source": "", "met": None}]
    vals = dict(fit)
    vals["chi2_df"] = float(fit["chi2"]) / float(fit["df"]) if float(fit["df"]) > 0 else np.nan
    for col, zh, en, key in FIT_CUTOFFS:
        v = vals.get(col)
        if v is None or not np.isfinite(float(v)):
            continue
        v, t = float(v), threshold(key)
        label = T(zh, en)
        if col == "rmsea" and "rmsea_ci_low" in vals:
            label = T(f"RMSEA（90%CI {fmt(vals['rmsea_ci_low'])}–{fmt(vals['rmsea_ci_high'])}）",
                      f"RMSEA (90% CI {fmt(vals['rmsea_ci_low'])} to {fmt(vals['rmsea_ci_high'])})")
        rows.append({"index": label, "value": v, "cutoff": f"{'≤' if t.op == '<=' else '≥'} {t.value:g}",
                     "source": t.citation, "met": t.met(v)})
    return pd.DataFrame(rows)


def harman_share(h: pd.DataFrame) -> float:
    """Variance share of the first principal component from the Harman table (either layout)."""
    if "pca_proportion" in h.columns:
        return float(h["pca_proportion"].iloc[0])
    if "proportion_var" in h.columns:
        t = h.set_index("method") if "method" in h.columns else h
        if "pca" in t.index:
            return float(t.loc["pca", "proportion_var"])
    return float("nan")


def _parallel_table(x: pd.DataFrame, seed: int):
    """Observed eigenvalues of R beside the parallel-analysis thresholds (None when unavailable)."""
    try:
        from servqual.psychometrics.efa import parallel_analysis
    except ImportError:
        return None
    return parallel_analysis(x, seed=seed).eigenvalues


def _analysed_data(ctx: StudyContext, mr) -> pd.DataFrame:
    """The analysis block's item columns of the kept rows, listwise complete (what measurement_report analysed)."""
    cols = [c for cs in mr.model.values() for c in cs]
    return ctx.kept[cols].apply(pd.to_numeric, errors="coerce").astype(float).dropna().reset_index(drop=True)


def _item_n_note(mr) -> Text:
    """The rows behind the item analysis: listwise, or each dimension's complete answers."""
    info = (mr.table_info or {}).get("item_analysis", {})
    if info.get("missing_policy") == "within_dimension":
        ns = "、".join(f"{d} {n}" for d, n in zip(mr.model, info.get("n", [])))
        ns_en = ", ".join(f"{d} {n}" for d, n in zip(mr.model, info.get("n", [])))
        return T(f"n 按维度内成列删除：{ns}；CR 为 Welch t 值。", f"n by dimension (its complete answers): {ns_en}; CR is the Welch t.")
    return T(f"n = {mr.n_used}（列表删除）；CR 为 Welch t 值。", f"n = {mr.n_used} (listwise); CR is the Welch t.")


def _not_computed(sec: Section, what: tuple, why: str, verb: str = "was") -> None:
    """The sentence saying the analysis ``what`` (zh, en) was not computed, and why."""
    sec.add_paragraph(T(f"{what[0]}未计算：{why}。", f"{what[1]} {verb} not computed: {why}."))


@section("validity", T("效度分析", "Validity"), after="reliability")
@_measured
def validity(ctx: StudyContext, sec: Section, mr) -> None:
    """KMO / Bartlett, parallel analysis, EFA, CFA fit and loadings, CR / AVE, Fornell-Larcker, HTMT, Harman."""
    _adequacy(ctx, sec, mr)
    why_efa = ctx.too_few(_n_of(mr, "efa_loadings"), "min_n_efa")
    if why_efa is None:
        _factors(ctx, sec, mr)
    else:
        sec.add_paragraph(T(f"平行分析与探索性因子分析：{why_efa.zh}。", f"Parallel analysis and exploratory factor analysis: {why_efa.en}."))
    n_cfa = int(mr.cfa_fit["n"].iloc[0]) if len(mr.cfa_fit) and "n" in mr.cfa_fit else _n_of(mr, "cfa_fit")
    why_cfa = ctx.too_few(n_cfa, "min_n_cfa")
    if why_cfa is None:
        _cfa(ctx, sec, mr)
    else:
        sec.add_paragraph(T(f"验证性因子分析、组合信度、AVE 与 Fornell-Larcker 准则：{why_cfa.zh}。",
                            f"Confirmatory factor analysis, composite reliability, AVE and the Fornell-Larcker criterion: "
                            f"{why_cfa.en}."))
    _discriminant(ctx, sec, mr, cfa=why_cfa is None)
    for k, why in mr.skipped.items():
        if k == "formative dimensions":
            sec.add_paragraph(T(f"形成性维度不做信度与效度检验：{why}。", f"Formative dimensions: {why}."))
    for w in mr.warnings:
        sec.add_paragraph(T(f"提示：{w}", f"Warning: {w}"))


def _adequacy(ctx: StudyContext, sec: Section, mr) -> None:
    if not (len(mr.kmo) and len(mr.bartlett)):
        sec.add_paragraph(T(f"KMO 与 Bartlett 检验未计算：{skip_reason(mr, 'KMO', 'Bartlett')}。",
                            f"KMO and Bartlett's test were not computed: {skip_reason(mr, 'KMO', 'Bartlett')}."))
        return
    k = float(mr.kmo.loc[mr.kmo["item"] == "overall", "msa"].iloc[0])
    b = mr.bartlett.iloc[0]
    lab = BANDS["kmo"].band(k)
    cite = BANDS["kmo"].citation
    kmo_c = ctx.new_claim(sec, "kmo", statistic="msa", source="kmo", key="item", column="msa", values={"overall": k})
    bart_c = ctx.new_claim(sec, "bartlett", statistic="pval", source="bartlett", key=None, column=None,
                           values={"pval": float(b["pval"])}, rule=rule_of("significance"), n=int(b["n"]) if "n" in b else None)

    def say_adequacy(cs):
        ok = bool(cs[1].met)
        return T(
            f"KMO = {fmt(k)}（{lab.zh}；{cite}：{band_rule('kmo', 'zh')}）；"
            f"Bartlett 球形检验 χ²({int(b['df'])}) = {fmt(b['chi2'], 1)}，p{p_apa(b['pval'], 'zh')}，"
            + ("相关矩阵适合做因子分析。" if ok else "相关矩阵与单位矩阵无显著差异，不宜做因子分析。"),
            f"KMO = {fmt(k)} ({lab.en}; {cite}: {band_rule('kmo', 'en', repeat_op=False)}); "
            f"Bartlett's test chi2({int(b['df'])}) = {fmt(b['chi2'], 1)}, p {p_apa(b['pval'])}: "
            + ("the correlations suit factor analysis." if ok else "the correlation matrix does not differ from identity."))

    ctx.claim_all(sec, [kmo_c, bart_c], say_adequacy)
    adeq = pd.DataFrame({"statistic": [T("KMO", "KMO"), T("Bartlett χ²", "Bartlett chi-square"), T("自由度", "df"),
                                       T("p值", "p")],
                         "value": [k, float(b["chi2"]), float(b["df"]), float(b["pval"])]})
    ctx.table(sec, "kmo_bartlett", T("KMO 与 Bartlett 球形检验", "KMO and Bartlett's test"), adeq, decimals={"value": 3})
    msa = mr.kmo[mr.kmo["item"] != "overall"].copy()
    msa.insert(1, "text", [ctx.item_text(c) for c in msa["item"]])
    msa_c = ctx.new_claim(sec, "item_msa", statistic="msa", source="kmo", key="item", column="msa",
                          values=dict(zip(msa["item"], msa["msa"])), rule=rule_of("item_msa"), names="failed")
    if msa_c.failed or msa_c.not_computed:
        ctx.claim_all(sec, [msa_c], lambda cs: T(
            f"题项 MSA 低于 {cutoff('item_msa')} 的：{'、'.join(cs[0].failed + cs[0].not_computed)}，可考虑删除后重新分析。",
            f"Items with MSA below {cutoff('item_msa')}: {', '.join(cs[0].failed + cs[0].not_computed)}; consider removing "
            "them and re-running."))
    ctx.table(sec, "msa", T("各题项取样适切性（MSA）", "Measure of sampling adequacy by item"), msa)


def _factors(ctx: StudyContext, sec: Section, mr) -> None:
    n_dims = len(mr.model)
    x = _analysed_data(ctx, mr)
    if len(mr.parallel_analysis):
        pa = mr.parallel_analysis.iloc[0]
        sec.add_paragraph(T(
            f"平行分析（Horn 1965，随机数种子固定）建议保留 {int(pa['n_factors'])} 个因子、{int(pa['n_components'])} 个主成分；"
            f"问卷设计为 {n_dims} 个维度。",
            f"Parallel analysis (Horn 1965, seeded) suggests {int(pa['n_factors'])} factors and {int(pa['n_components'])} "
            f"components; the questionnaire has {n_dims} dimensions.",
        ))
        ctx.table(sec, "parallel", T("平行分析", "Parallel analysis"), mr.parallel_analysis.copy())
        ev = ctx.run(sec, T("平行分析特征值", "parallel-analysis eigenvalues"), lambda: _parallel_table(x, ctx.seed))
        if ev is not None:
            evt = ev.reset_index(drop=True)
            evt.insert(0, "position", np.arange(1, len(evt) + 1))
            ctx.table(sec, "eigenvalues", T("特征值与平行分析阈值", "Eigenvalues and parallel-analysis thresholds"), evt,
                      labels={"position": T("序号", "No."), "pc_observed": T("主成分特征值", "PC eigenvalue"),
                              "pc_sim_mean": T("随机数据均值（主成分）", "Random mean (PC)"),
                              "pc_sim_q": T("随机数据95%分位（主成分）", "Random 95th pct (PC)"),
                              "fa_observed": T("因子特征值", "FA eigenvalue"),
                              "fa_sim_mean": T("随机数据均值（因子）", "Random mean (FA)"),
                              "fa_sim_q": T("随机数据95%分位（因子）", "Random 95th pct (FA)")})
            ctx.figure(sec, "scree", T("碎石图与平行分析阈值", "Scree plot with parallel-analysis thresholds"),
                       lambda plots: plots.scree_plot(ev["pc_observed"], ev["pc_sim_q"], n_factors=int(pa["n_components"]),
                                                      lang=ctx.lang))
    else:
        _not_computed(sec, ("平行分析", "Parallel analysis"), skip_reason(mr, "parallel analysis"))
    if len(mr.efa_loadings):
        lo = mr.efa_loadings.copy()
        num = lo.select_dtypes(include=[np.number])
        lo.index = lo.index.rename("item")
        lo.insert(0, "text", [ctx.item_text(c) for c in lo.index])
        loading = THRESHOLDS["loading"]
        weak = (num.abs().max(axis=1) < loading.value).sum() if num.shape[1] else 0
        sec.add_paragraph(T(
            f"探索性因子分析（minres 提取，oblimin 斜交旋转，{n_dims} 个因子）：最大载荷低于 {cutoff('loading')}"
            f"（{loading.citation}）的题项 {int(weak)} 个。",
            f"Exploratory factor analysis (minres extraction, oblimin rotation, {n_dims} factors): {int(weak)} items have no "
            f"loading of at least {cutoff('loading')} ({loading.citation}).",
        ))
        shown, flabels = _sorted_loadings(ctx, mr, lo)
        ctx.table(sec, "efa_loadings", T("探索性因子分析旋转后载荷", "Rotated EFA loadings"), shown, labels=flabels,
                  note=T(f"题项按其最大载荷所在因子排序；|λ| < {dot(BLANK_LOADING)} 的载荷留空（完整载荷见 Excel 与 results.json）；"
                         "因子按其载荷最大的题项所属维度命名。",
                         f"Items sorted by the factor of their largest loading; |loading| < {dot(BLANK_LOADING)} left blank "
                         "(every loading is in Excel and results.json); factors named after the dimension of the items "
                         "they carry."))
        ctx.figure(sec, "efa_heatmap", T("因子载荷热图", "Loading heatmap"),
                   lambda plots: plots.loading_heatmap(lo, ctx.instrument, lang=ctx.lang))
    else:
        _not_computed(sec, ("探索性因子分析", "Exploratory factor analysis"), skip_reason(mr, "EFA"))


#: Loadings below this absolute value are left blank in the report's EFA table (SPSS "suppress small coefficients").
BLANK_LOADING = 0.30


def _sorted_loadings(ctx: StudyContext, mr, lo: pd.DataFrame):
    """The EFA loadings as SPSS users read them: items sorted by factor, small loadings blank, factors named.

    Returns the table and the factor column labels (``因子1（有形性）`` / ``Factor 1 (Tangibles)``).
    """
    fcols = [c for c in lo.columns if c != "text" and pd.api.types.is_numeric_dtype(lo[c])]
    if not fcols:
        return lo, {}
    num = lo[fcols].astype(float)
    home = num.abs().idxmax(axis=1)
    dim_of = {c: d for d, cs in mr.model.items() for c in cs}
    labels = {}
    for k, f in enumerate(fcols, 1):
        dims = pd.Series([dim_of.get(i) for i in home.index[home == f]]).dropna()
        if len(dims):
            d = dims.value_counts().index[0]
            labels[f] = T(f"因子{k}（{ctx.dim_label(d, 'zh')}）", f"Factor {k} ({ctx.dim_label(d, 'en')})")
        else:
            labels[f] = T(f"因子{k}", f"Factor {k}")
    order = sorted(num.index, key=lambda i: (fcols.index(home[i]), -abs(num.loc[i, home[i]])))
    shown = lo.loc[order].copy()
    shown[fcols] = num.loc[order].where(num.loc[order].abs() >= BLANK_LOADING)
    return shown, labels


def _cfa(ctx: StudyContext, sec: Section, mr) -> None:
    if len(mr.cfa_fit) and not np.isfinite(mr.cfa_fit.iloc[0]["chi2"]):
        sec.add_paragraph(T("验证性因子分析：载荷等估计已计算；有题目对从未被同时回答，饱和模型无法识别，卡方检验与拟合指数无法计算。",
                            "Confirmatory factor analysis: the estimates are computed; the chi-square test and the fit "
                            "indices are not, because some item pairs were never answered together."))
    elif len(mr.cfa_fit):
        fit = mr.cfa_fit.iloc[0]
        ft = fit_table(fit)
        n_rules = "一二三四五六七八九"[len(HU_BENTLER) - 1]
        fiml = "FIML" in str(fit.get("estimator", ""))
        est_zh, est_en = (f"全信息最大似然 FIML 估计，n = {int(fit['n'])}", f"full-information ML, n = {int(fit['n'])}") if fiml \
            else ("ML 估计", "ML")

        def say_fit(c):
            n_met = len(c.met)
            return T(
                f"验证性因子分析（{est_zh}）：χ²({int(fit['df'])}) = {fmt(fit['chi2'], 2)}，CFI = {fmt(fit['cfi'])}，TLI = {fmt(fit['tli'])}，"
                f"RMSEA = {fmt(fit['rmsea'])}，SRMR = {fmt(fit['srmr'])}；Hu & Bentler（1999）{n_rules}项标准（{hu_bentler_rule('zh')}）"
                f"达到 {n_met} 项。",
                f"Confirmatory factor analysis ({est_en}): chi2({int(fit['df'])}) = {fmt(fit['chi2'], 2)}, CFI = {fmt(fit['cfi'])}, "
                f"TLI = {fmt(fit['tli'])}, RMSEA = {fmt(fit['rmsea'])}, SRMR = {fmt(fit['srmr'])}; {n_met} of the "
                f"{len(HU_BENTLER)} Hu & Bentler (1999) cut-offs met ({hu_bentler_rule('en')}).")

        ctx.claim(sec, "cfa_fit", say_fit, statistic="fit indices", source="cfa_fit", key=None, column=None,
                  values={k: fit.get(k) for k in HU_BENTLER}, rules={k: rule_of(k) for k in HU_BENTLER},
                  n=int(fit["n"]) if "n" in fit else None, labels={k: T(THRESHOLDS[k].statistic, THRESHOLDS[k].statistic)
                                                                  for k in HU_BENTLER}, names="count")
        ctx.table(sec, "cfa_fit", T("验证性因子分析拟合指数", "CFA fit indices"), ft)
    else:
        _not_computed(sec, ("验证性因子分析", "Confirmatory factor analysis"), skip_reason(mr, "CFA"))
    if len(mr.cfa_loadings):
        cl = mr.cfa_loadings.copy()
        if "dimension" in cl.columns:
            cl.insert(1, "dimension_name", [ctx.dim_name(d) for d in cl["dimension"]])
        if "item" in cl.columns:
            cl.insert(cl.columns.get_loc("item") + 1, "text", [ctx.item_text(c) for c in cl["item"]])
        loading = THRESHOLDS["loading"]
        ideal, ok = cutoff("loading_ideal"), cutoff("loading")

        def say_loadings(c):
            weak = c.failed + c.not_computed
            return T(f"标准化载荷 ≥ {ideal} 为理想、≥ {ok} 可接受（{loading.citation}）；"
                     + (f"低于 {ok} 或未能估计的题项：{join_names(weak, 'zh')}。" if weak else f"全部题项载荷不低于 {ok}。"),
                     f"Standardized loadings >= {ideal} are ideal and >= {ok} acceptable ({loading.citation}); "
                     + (f"below {ok} or not estimated: {join_names(weak, 'en')}." if weak else f"every item loads at least {ok}."))

        ctx.claim(sec, "cfa_loadings", say_loadings, statistic="std_loading", source="cfa_loadings", key="item",
                  column="std_loading", values=dict(zip(mr.cfa_loadings["item"], mr.cfa_loadings["std_loading"])),
                  rule=rule_of("loading"), names="failed")
        ctx.table(sec, "cfa_loadings", T("验证性因子分析标准化载荷", "CFA standardized loadings"), cl)
    if len(mr.construct_validity):
        cv = mr.construct_validity.copy()
        cv.insert(1, "dimension_name", [ctx.dim_name(d) for d in cv["dimension"]])
        cr, ave = cutoff("cr"), cutoff("ave")
        dlabels = {d: ctx.dim_name(d) for d in cv["dimension"]}
        cr_c, ave_c = (ctx.new_claim(sec, col, statistic=col, source="construct_validity", key="dimension", column=col,
                                     values=dict(zip(cv["dimension"], cv[col])), rule=rule_of(col), labels=dlabels,
                                     names="failed") for col in ("cr", "ave"))

        def say_convergent(cs):
            bad_cr, bad_ave = cs[0].failed + cs[0].not_computed, cs[1].failed + cs[1].not_computed
            return T(
                f"组合信度 CR ≥ {cr}、平均方差抽取量 AVE ≥ {ave} 表示收敛效度良好（Fornell & Larcker 1981；Hair et al. 2019）；"
                + (f"CR 未达标：{'、'.join(ctx.dim_label(d, 'zh') for d in bad_cr)}；" if bad_cr else "各维度 CR 均达标；")
                + (f"AVE 未达标：{'、'.join(ctx.dim_label(d, 'zh') for d in bad_ave)}。" if bad_ave else "各维度 AVE 均达标。"),
                f"Composite reliability >= {cr} and AVE >= {ave} indicate convergent validity ({THRESHOLDS['cr'].citation}); "
                + (f"CR below {cr}: {', '.join(ctx.dim_label(d, 'en') for d in bad_cr)}; " if bad_cr else "CR met by every dimension; ")
                + (f"AVE below {ave}: {', '.join(ctx.dim_label(d, 'en') for d in bad_ave)}." if bad_ave
                   else "AVE met by every dimension."))

        ctx.claim_all(sec, [cr_c, ave_c], say_convergent)
        ctx.table(sec, "construct_validity", T("组合信度与平均方差抽取量", "Composite reliability and AVE"), cv,
                  labels={"cr": COLUMN_LABELS["cr_construct"]})
    elif len(mr.cfa_fit) or "construct validity" in mr.skipped:
        _not_computed(sec, ("组合信度与 AVE ", "Composite reliability and AVE"), skip_reason(mr, "construct validity", "CFA"),
                      "were")


def _n_of(mr, table: str) -> int:
    """The rows behind a measurement table (the smallest when it is by dimension)."""
    n = (mr.table_info or {}).get(table, {}).get("n", mr.n_used)
    return int(min(n)) if isinstance(n, (list, tuple)) and n else int(n if n is not None else mr.n_used)


def _discriminant(ctx: StudyContext, sec: Section, mr, cfa: bool = True) -> None:
    if cfa and len(mr.fornell_larcker):
        fl = mr.fornell_larcker.copy()
        if {"sqrt_ave", "max_abs_r", "dimension"} <= set(fl.columns):
            def say_fl(c):
                fails = c.failed + c.not_computed
                return T("区分效度（Fornell-Larcker 准则：各维度 √AVE 大于其与其他维度的相关系数）："
                         + ("全部维度满足。" if not fails else f"不满足的维度：{'、'.join(c.labels_of(fails, 'zh'))}。"),
                         "Discriminant validity (Fornell-Larcker: sqrt(AVE) above every correlation with another dimension): "
                         + ("met by every dimension." if not fails else f"not met by {', '.join(c.labels_of(fails, 'en'))}."))

            ctx.claim(sec, "fornell_larcker", say_fl, statistic="sqrt_ave - max_abs_r", source="fornell_larcker",
                      key="dimension", column="sqrt_ave", minus="max_abs_r",
                      values=dict(zip(fl["dimension"], fl["sqrt_ave"] - fl["max_abs_r"])),
                      rule={"key": None, "statistic": "sqrt(AVE) - largest |r|", "op": ">", "value": 0.0,
                            "citation": "Fornell & Larcker 1981"},
                      labels={d: ctx.dim_name(d) for d in fl["dimension"]}, names="failed")
        ctx.table(sec, "fornell_larcker", T("Fornell-Larcker 区分效度", "Fornell-Larcker criterion"), fl)
    if len(mr.htmt):
        ht = mr.htmt.copy()
        strict, liberal = THRESHOLDS["htmt_strict"], THRESHOLDS["htmt_liberal"]
        s, lib = cutoff("htmt_strict"), cutoff("htmt_liberal")
        boot = "ci_high" in ht.columns  # with a bootstrap interval, a pair is below the cut-off only with its whole interval
        col = "ci_high" if boot else "htmt"
        pid = [f"{a}|{b}" for a, b in zip(ht["dimension_a"], ht["dimension_b"])]
        plab = {k: T(f"{ctx.dim_label(a, 'zh')}—{ctx.dim_label(b, 'zh')}", f"{ctx.dim_label(a, 'en')}-{ctx.dim_label(b, 'en')}")
                for k, a, b in zip(pid, ht["dimension_a"], ht["dimension_b"])}
        point = dict(zip(pid, ht["htmt"]))

        def say_htmt(c):
            hi = c.failed + c.not_computed
            what_zh, what_en = ("95% 置信区间上限", "the upper bound of the 95% interval") if boot else ("HTMT", "HTMT")
            pairs_zh = [f"{c.label(k, 'zh')}（{fmt(point[k], 2)}" + (f"，上限 {fmt(c.values[k], 2)}" if boot else "") + "）" for k in hi]
            pairs_en = [f"{c.label(k, 'en')} ({fmt(point[k], 2)}" + (f", upper bound {fmt(c.values[k], 2)}" if boot else "") + ")"
                        for k in hi]
            return T(f"HTMT 低于 {s}（严格）或 {lib}（宽松）表示区分效度良好（{strict.citation}）；"
                     + (f"{what_zh}达到或超过 {s} 的维度对：{join_names(pairs_zh, 'zh')}。" if hi else f"全部维度对的{what_zh}均低于 {s}。"),
                     f"HTMT below {s} (strict) or {lib} (liberal) supports discriminant validity ({liberal.citation}); "
                     + (f"pairs with {what_en} at or above {s}: {join_names(pairs_en, 'en')}." if hi
                        else f"{what_en} is below {s} for every pair."))

        ctx.claim(sec, "htmt", say_htmt, statistic=col, source="htmt", key=("dimension_a", "dimension_b"), column=col,
                  values=dict(zip(pid, ht[col])), rule=rule_of("htmt_strict"), labels=plab, names="failed")
        ctx.table(sec, "htmt", T("HTMT 异质—单质比", "Heterotrait-monotrait ratio (HTMT)"), ht)
    elif "HTMT" in mr.skipped:
        _not_computed(sec, ("HTMT ", "HTMT"), mr.skipped["HTMT"])
    if len(mr.harman):
        p = harman_share(mr.harman)
        harman = THRESHOLDS["harman"]
        share = percent("harman")

        def say_harman(c):
            high = bool(c.failed)
            return T(f"Harman 单因子检验：第一个主成分解释 {pct(p)} 的方差"
                     + (f"，超过 {share}%，可能存在共同方法偏差（{harman.citation}）。" if high
                        else f"，不超过 {share}%（{harman.citation}）。"),
                     f"Harman's single-factor test: the first component explains {pct(p)} of the variance "
                     + (f"(above {share} %: common-method variance may be a concern, {harman.citation})." if high
                        else f"(not above {share} %, {harman.citation})."))

        h = mr.harman
        if "method" in h.columns and "proportion_var" in h.columns:
            hc = {"key": "method", "column": "proportion_var", "values": {"pca": p}}
        else:
            hc = {"key": None, "column": None, "values": {"pca_proportion": p}}
        ctx.claim(sec, "harman", say_harman, statistic="proportion_var", source="harman", rule=rule_of("harman"), **hc)
        ctx.table(sec, "harman", T("Harman 单因子检验", "Harman's single-factor test"), mr.harman.copy())
    elif "Harman" in mr.skipped:
        _not_computed(sec, ("Harman 单因子检验", "Harman's single-factor test"), mr.skipped["Harman"])
