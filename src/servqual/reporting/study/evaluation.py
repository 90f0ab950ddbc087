"""Section 9, evaluation: the satisfaction index (0-100), the comparison of the segments and their
TOPSIS ranking, then KPI attainment (:mod:`servqual.reporting.study.kpis`).

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("kiosk"), lang="en", figures=False)
>>> [t.key for t in ctx.build_section("evaluation").tables]  # two groups (sex): compared, not ranked
['csi', 'groups']
>>> sorted(ctx.results)
['group_comparison', 'satisfaction_index']
"""

from __future__ import annotations

import pandas as pd

from servqual._results import records
from servqual._text import T
from servqual.reporting.report import Section
from servqual.reporting.study.claims import rule_of
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.kpis import kpis
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import eta_sq_rule, fmt
from servqual.thresholds import THRESHOLDS

__all__ = ["evaluation", "satisfaction", "segments"]


@section("evaluation", T("综合评价", "Evaluation"), after="kano",
         results=("satisfaction_index", "group_comparison", "topsis", "kpi"))
def evaluation(ctx: StudyContext, sec: Section) -> None:
    """Satisfaction index, group comparison and TOPSIS of the segments, KPI attainment."""
    satisfaction(ctx, sec)
    segments(ctx, sec)
    kpis(ctx, sec)


def satisfaction(ctx: StudyContext, sec: Section) -> None:
    """The satisfaction index (0-100) by dimension and overall, by segment when there is one."""
    from servqual.service.compare import satisfaction_index

    inst, seg, kept = ctx.instrument, ctx.segment, ctx.kept
    if inst.has_block("importance"):
        weights, wsrc = "importance", T("重要性题组的陈述重要性（各维度题项重要性均值，归一化）",
                                        "stated importance (mean importance of each dimension's items, normalised)")
    elif ctx.weights is not None:
        weights, wsrc = ctx.weights, ctx.weights_source
    else:
        weights, wsrc = None, T("等权", "equal weights")
    csi = ctx.run(sec, T("满意度指数", "satisfaction index"), lambda: satisfaction_index(kept, inst, weights=weights, by=seg))
    if csi is None:
        return
    t = csi.table
    n_all = int(t.loc[(t["segment"].astype(str) == "all") & (t["dimension"] == "overall"), "n"].iloc[0])
    why = ctx.too_few(n_all, "min_n_index")
    if why is not None:
        sec.add_paragraph(T(f"顾客满意度指数：{why.zh}。", f"Customer satisfaction index: {why.en}."))
        return
    out = pd.DataFrame({"segment": t["segment"].astype(str), "dimension": t["dimension"],
                        "dimension_name": [ctx.dim_name(d) for d in t["dimension"]], "weight": t["weight"],
                        "n": t["n"], "mean": t["mean"], "index_0_100": t["index"], "ci_low": t["ci_low"],
                        "ci_high": t["ci_high"]})
    allrows = t[t["segment"].astype(str) == "all"]
    ov = allrows[allrows["dimension"] == "overall"].iloc[0]
    dimrows = allrows[allrows["dimension"] != "overall"]
    dim_c = ctx.new_claim(sec, "dimension_index", statistic="index_0_100", source="study.satisfaction_index", key="dimension",
                          column="index_0_100", where={"segment": "all"}, values=dict(zip(dimrows["dimension"], dimrows["index"])),
                          labels={d: ctx.dim_name(d) for d in dimrows["dimension"]}, n=dict(zip(dimrows["dimension"], dimrows["n"])),
                          select={"max": 1, "min": 1}, names="selected")

    def say_csi(cs):
        c = cs[0]
        hi, lo = c.selected["max"][0], c.selected["min"][0]
        return T(
            f"顾客满意度指数（CSI，0–100；各维度得分按量表端点线性换算为 0–100 后加权，权重为{wsrc.zh}）为 {fmt(ov['index'], 1)}"
            f"（95%CI {fmt(ov['ci_low'], 1)}–{fmt(ov['ci_high'], 1)}，n = {int(ov['n'])}）。最高的维度是{c.label(hi, 'zh')}"
            f"（{fmt(c.values[hi], 1)}），最低的是{c.label(lo, 'zh')}（{fmt(c.values[lo], 1)}）（描述性，差异是否超出置信区间见表）。",
            f"The customer satisfaction index (CSI, 0-100: each dimension score rescaled from the scale's end points to "
            f"0-100 and weighted by {wsrc.en}) is {fmt(ov['index'], 1)} (95% CI {fmt(ov['ci_low'], 1)} to {fmt(ov['ci_high'], 1)}, "
            f"n = {int(ov['n'])}). The highest dimension is {c.label(hi, 'en')} ({fmt(c.values[hi], 1)}), "
            f"the lowest {c.label(lo, 'en')} ({fmt(c.values[lo], 1)}) (descriptive; the table gives their intervals).")

    if dim_c.eligible:
        ctx.claim_all(sec, [dim_c], say_csi)
    if seg:
        segov = t[(t["segment"].astype(str) != "all") & (t["dimension"] == "overall")]
        mn, mg = THRESHOLDS["min_n_group"], THRESHOLDS["min_groups_ranking"]
        grp = ctx.new_claim(sec, "group_index", statistic="index_0_100", source="study.satisfaction_index", key="segment",
                            column="index_0_100", where={"dimension": "overall"},
                            values=dict(zip(segov["segment"].astype(str), segov["index"])),
                            n=dict(zip(segov["segment"].astype(str), segov["n"])), min_n="min_n_group")
        small = [k for k in grp.values if k not in grp.eligible]
        note_zh = (f"（{'、'.join(small)} 组不足 {int(mn.value)} 人或无有效得分，不参与比较，{mn.citation}）" if small else "")
        note_en = (f" (groups {', '.join(small)} have fewer than {int(mn.value)} respondents or no score and are "
                   f"not compared, {mn.citation})" if small else "")
        if len(grp.eligible) >= mg.value:
            grp.select, grp.names = {"max": 1, "min": 1}, "selected"

            def say_groups(cs):
                c = cs[0]
                a, b = c.selected["max"][0], c.selected["min"][0]
                return T(
                    f"按 {seg} 分组（描述性，各组 n ≥ {int(mn.value)}）：{a} 组最高（{fmt(c.values[a], 1)}，n = {c.n_of(a)}），"
                    f"{b} 组最低（{fmt(c.values[b], 1)}，n = {c.n_of(b)}）{note_zh}；组间差异是否显著见下方分组比较。",
                    f"By {seg} (descriptive, every group n >= {int(mn.value)}): group {a} is highest ({fmt(c.values[a], 1)}, "
                    f"n = {c.n_of(a)}) and group {b} lowest ({fmt(c.values[b], 1)}, n = {c.n_of(b)}){note_en}; whether "
                    "the groups differ is tested in the comparison below.")

            ctx.claim_all(sec, [grp], say_groups)
        elif len(segov) >= 2:
            ctx.claim_all(sec, [grp], lambda cs: T(
                f"按 {seg} 分组：{len(cs[0].eligible)} 个组达到 {int(mn.value)} 人（{mn.citation}）{note_zh}；排序至少需要 "
                f"{int(mg.value)} 个这样的组，因此各组只作比较（见下方分组比较），不排序。",
                f"By {seg}: {len(cs[0].eligible)} group(s) reach {int(mn.value)} respondents ({mn.citation}){note_en}; a ranking "
                f"needs at least {int(mg.value)} such groups, so the groups are compared (below), not ranked."))
    ctx.table(sec, "csi", T("顾客满意度指数（0–100）", "Customer satisfaction index (0-100)"), out,
              decimals={"index_0_100": 1, "ci_low": 1, "ci_high": 1, "weight": 4})
    ctx.csi = csi
    ctx.results["satisfaction_index"] = records(out.drop(columns=["dimension_name"]))


def segments(ctx: StudyContext, sec: Section) -> None:
    """The comparison of the segments (Welch ANOVA) and their TOPSIS ranking; a sentence without a segment."""
    from servqual.service.compare import compare_groups, dimension_scores

    inst, seg, kept = ctx.instrument, ctx.segment, ctx.kept
    if not seg:
        sec.add_paragraph(T("未指定分组变量（问卷也未声明可用的分组），因此不做分组比较与 TOPSIS 排序。",
                            "No segment was given or declared, so there is no comparison of groups and no TOPSIS ranking."))
        return
    mn = THRESHOLDS["min_n_group"]
    sizes = kept[seg].dropna().astype(str).value_counts()
    groups = [g for g in sizes.index if sizes[g] >= mn.value]
    small = [g for g in sizes.index if sizes[g] < mn.value]
    cmp_ = None
    if len(groups) < 2:
        sec.add_paragraph(T(
            f"不做分组比较：{seg} 达到 {int(mn.value)} 人的组有 {len(groups)} 个，比较至少需要 2 个（{mn.citation}）。",
            f"No group comparison: {len(groups)} {seg} group(s) have {int(mn.value)} or more respondents, and a comparison "
            f"needs at least 2 ({mn.citation})."))
    else:
        if small:
            sec.add_paragraph(T(f"分组比较不含不足 {int(mn.value)} 人的组：{'、'.join(small)}（{mn.citation}）。",
                                f"The comparison leaves out the groups below {int(mn.value)} respondents: {', '.join(small)} "
                                f"({mn.citation})."))
        sub = kept[kept[seg].astype(str).isin(groups)]
        cmp_ = ctx.run(sec, T("分组比较", "group comparison"), lambda: compare_groups(sub, inst, by=seg))
    if cmp_ is not None:
        ct = cmp_.table.copy()
        ct.insert(1, "dimension_name", [ctx.dim_name(d) for d in ct["dimension"]])
        dd = ct[ct["dimension"] != "overall"]
        cmp_c = ctx.new_claim(sec, "group_comparison", statistic="welch_pval_holm", source="study.group_comparison",
                              key="dimension", column="welch_pval_holm", values=dict(zip(dd["dimension"], dd["welch_pval_holm"])),
                              rule=rule_of("significance"), labels={d: ctx.dim_name(d) for d in dd["dimension"]},
                              n=dict(zip(dd["dimension"], dd["n"])) if "n" in dd else None, names="met")

        def say_cmp(cs):
            sig = cs[0].met
            return T(
                f"按 {seg} 比较各维度得分（Welch 方差分析，Holm 校正；Kruskal-Wallis 检验为稳健性参照；"
                f"η² 的 {eta_sq_rule('zh')}效应，Cohen 1988）：" + (f"{len(sig)} 个维度存在显著差异：{'、'.join(cs[0].labels_of(sig, 'zh'))}。"
                                                              if sig else "各维度均无显著差异。"),
                f"Dimension scores by {seg} (Welch ANOVA, Holm-adjusted; Kruskal-Wallis as a robustness check; eta² of "
                f"{eta_sq_rule('en')}, Cohen 1988): " + (f"{len(sig)} dimensions differ: {', '.join(cs[0].labels_of(sig, 'en'))}."
                                                        if sig else "no dimension differs significantly."))

        ctx.claim_all(sec, [cmp_c], say_cmp)
        keep_cols = [c for c in ("dimension", "dimension_name", "n", "k", "welch_f", "welch_df1", "welch_df2", "welch_pval",
                                 "welch_pval_holm", "eta_sq", "kw_h", "kw_pval", "epsilon_sq", "significant_pairs") if c in ct.columns]
        ctx.results["group_comparison"] = records(ct[[c for c in keep_cols if c != "dimension_name"]])
        ctx.table(sec, "groups", T(f"按 {seg} 分组比较", f"Comparison by {seg}"), ct[keep_cols])
    sc = ctx.run(sec, T("维度得分", "dimension scores"), lambda: dimension_scores(kept, inst))
    if sc is not None:
        _topsis(ctx, sec, sc)


def _topsis(ctx: StudyContext, sec: Section, sc: pd.DataFrame) -> None:
    from servqual.decision.evaluate import topsis

    inst, seg, kept = ctx.instrument, ctx.segment, ctx.kept
    dims = inst.dimension_ids
    g = kept[seg]
    ok = sc[dims].notna().all(axis=1) & g.notna()
    sizes = g[ok].value_counts()
    mn, mg = THRESHOLDS["min_n_group"], THRESHOLDS["min_groups_ranking"]
    groups = [lab for lab in sizes.index if sizes[lab] >= mn.value]
    if len(groups) < mg.value:
        sec.add_paragraph(T(
            f"不做 TOPSIS 排序：完整回答各维度的问卷达到 {int(mn.value)} 份的 {seg} 组有 {len(groups)} 个，"
            f"排序至少需要 {int(mg.value)} 个（{mn.citation}）。",
            f"No TOPSIS ranking: {len(groups)} {seg} group(s) have {int(mn.value)} or more respondents complete on every "
            f"dimension, and a ranking needs at least {int(mg.value)} ({mn.citation})."))
        return
    means = sc.loc[ok & g.isin(groups), dims].groupby(g[ok & g.isin(groups)]).mean()
    w = ctx.weights
    tp = ctx.run(sec, T("TOPSIS 排序", "TOPSIS ranking"), lambda: topsis(means, w if w is not None else "equal"))
    if tp is not None:
        out = means.copy()
        out.columns = [str(c) for c in out.columns]
        out.insert(0, "n", [int(sizes[lab]) for lab in means.index])
        out["closeness"] = tp["closeness"]
        out["rank"] = tp["rank"]
        out = out.sort_values("rank").reset_index().rename(columns={seg: "group"})
        out["group"] = out["group"].astype(str)
        tp_c = ctx.new_claim(sec, "topsis", statistic="closeness", source="study.topsis", key="group", column="closeness",
                             values=dict(zip(out["group"], out["closeness"])), n=dict(zip(out["group"], out["n"])),
                             min_n="min_n_group", select={"max": 1, "min": 1}, names="selected")

        def say_topsis(cs):
            c = cs[0]
            best, worst = c.selected["max"][0], c.selected["min"][0]
            return T(
                f"以各组（n ≥ {int(mn.value)}）的维度得分均值为决策矩阵、以{(ctx.weights_source or T('等权', '')).zh}为权重做 TOPSIS"
                f"（Hwang & Yoon 1981，向量归一化；描述性）：{best} 组最接近理想解（贴近度 {fmt(c.values[best])}），"
                f"{worst} 组最远（{fmt(c.values[worst])}）；TOPSIS 综合各维度，与只看总体满意度指数的排序可以不同。",
                f"TOPSIS (Hwang & Yoon 1981, vector normalisation; descriptive) of the mean dimension scores of the groups with "
                f"n >= {int(mn.value)}, weighted by "
                f"{(ctx.weights_source or T('', 'equal weights')).en}: group {best} is closest to the "
                f"ideal (closeness {fmt(c.values[best])}), group {worst} farthest ({fmt(c.values[worst])}); TOPSIS weighs "
                "every dimension, so its order may differ from that of the overall satisfaction index.")

        ctx.claim_all(sec, [tp_c], say_topsis)
        labels = {d: ctx.dim_name(d) for d in dims}
        ctx.table(sec, "topsis", T(f"各 {seg} 组的 TOPSIS 排序", f"TOPSIS ranking of the {seg} groups"), out, labels=labels)
        ctx.results["topsis"] = records(out)
        ctx.figure(sec, "topsis_plot", T(f"各 {seg} 组的 TOPSIS 贴近度", f"TOPSIS closeness of the {seg} groups"),
                   lambda plots: plots.ranking_plot(out.set_index("group")[["closeness", "rank"]], lang=ctx.lang))
    ok_all = sc[dims].notna().all(axis=1) & g.isin(groups)
    ctx.figure(sec, "radar", T(f"各 {seg} 组的维度得分雷达图", f"Dimension scores by {seg} (radar)"),
               lambda plots: plots.radar_plot(sc.loc[ok_all, dims], inst, by=g[ok_all], lang=ctx.lang))
