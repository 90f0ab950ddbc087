"""Section 7, importance-performance analysis: stated importance against performance, the quadrants
of Martilla & James (1977) and the iso-priority ordering.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("kiosk"), lang="en", figures=False)
>>> [t.key for t in ctx.build_section("ipa").tables]
['ipa', 'ipa_priorities']
>>> sorted(set(ctx.ipa.table["quadrant"]))
['concentrate_here', 'keep_up', 'low_priority']
"""

from __future__ import annotations

import pandas as pd

from servqual._text import T, Text
from servqual.labels import IPA_QUADRANTS
from servqual.reporting.report import Section
from servqual._results import records
from servqual.reporting.study.claims import reference_rule
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import fmt

__all__ = ["ipa"]


@section("ipa", T("重要性—表现分析（IPA）", "Importance-performance analysis (IPA)"), after="gaps",
         results=("ipa", "ipa_crosshair"))
def ipa(ctx: StudyContext, sec: Section) -> None:
    """IPA on stated importance when the questionnaire has an importance block."""
    from servqual.service.ipa import ipa as ipa_fn

    inst = ctx.instrument
    stated = inst.has_block("importance")
    sat = [o for o in inst.outcomes if o.kind == "satisfaction"]
    if not stated and not sat:
        sec.skip(T("问卷既没有重要性题组，也没有总体满意度题目，无法做 IPA（陈述重要性需要重要性题组，推导重要性需要总体满意度）",
                   "the questionnaire has neither an importance block (stated importance) nor an overall-satisfaction "
                   "outcome (derived importance), so IPA cannot be computed"))
        return
    if stated:
        res = ctx.run(sec, T("重要性—表现分析", "importance-performance analysis"),
                      lambda: ipa_fn(ctx.kept, inst, importance="stated", crosshair="mean", nan_policy="available"))
    else:
        res = ctx.run(sec, T("重要性—表现分析（推导重要性）", "importance-performance analysis (derived importance)"),
                      lambda: ipa_fn(ctx.kept, inst, importance="relative_weights", crosshair="mean"))
    if res is None:
        return
    t = res.table
    why = ctx.too_few(int(t["n"].min()), "min_n_ipa") if stated else ctx.too_few(int(res.n), "min_n_regression", len(t))
    if why is not None:
        sec.skip(T(f"重要性—表现分析：{why.zh}", f"importance-performance analysis: {why.en}"))
        return
    ctx.ipa = res
    ctx.table_info["ipa"] = {"n": [int(v) for v in t["n"]], "missing_policy": "available" if stated else "listwise"}
    out = pd.DataFrame({"item": t["item"], "text": [ctx.item_text(i) for i in t["item"]],
                        "dimension": [ctx.dim_name(d) for d in t["dimension"]], "n": t["n"], "importance": t["importance"],
                        "performance": t["performance"], "quadrant_label": [IPA_QUADRANTS[q] for q in t["quadrant"]],
                        "priority_index": t["priority_index"]})
    c = res.crosshair
    perf_zh = "满意度（表现）" if inst.has_block("performance") else "感知" if inst.blocks else "各题项"
    perf_en = "performance" if inst.has_block("performance") else "perception" if inst.blocks else "item"
    ns = t["n"].astype(int)
    n_zh = f"n = {ns.min()}–{ns.max()}" if ns.min() != ns.max() else f"n = {ns.min()}"
    if stated:
        how_zh = (f"重要性取重要性题组均值，表现取{perf_zh}题组均值；每个属性用同时回答了其重要性与表现的问卷（{n_zh}）；")
        how_en = (f"Importance is the mean of the importance block, performance the mean of the {perf_en} block, each "
                  f"attribute on the respondents who answered both ({n_zh}); ")
    else:
        out_lab = ctx.item_text(res.outcome) if isinstance(res.outcome, str) else Text(str(res.outcome), str(res.outcome))
        how_zh = (f"问卷没有重要性题组，重要性由各属性对总体满意度（{out_lab.get('zh')}）的 Johnson 相对权重推导"
                  f"（R² = {fmt(res.r2, 3)}；Johnson 2000），表现取{perf_zh}均值；n = {res.n}（属性与总体满意度全部作答的问卷）；")
        how_en = (f"The questionnaire has no importance block: importance is derived as Johnson's relative weights of the "
                  f"attributes for overall satisfaction ({out_lab.get('en')}; R² = {fmt(res.r2, 3)}; Johnson 2000), performance "
                  f"is the {perf_en} mean; n = {res.n} (respondents who answered every attribute and the outcome); ")
    imp_c = ctx.new_claim(sec, "importance", statistic="importance", source="study.ipa", key="item", column="importance",
                          values=dict(zip(t["item"], t["importance"])), n=dict(zip(t["item"], t["n"])),
                          rule=reference_rule(">", c["importance"], "crosshair importance", source="study.ipa_crosshair",
                                              where={}, column="importance"))
    perf_c = ctx.new_claim(sec, "performance", statistic="performance", source="study.ipa", key="item", column="performance",
                           values=dict(zip(t["item"], t["performance"])), n=dict(zip(t["item"], t["n"])),
                           rule=reference_rule("<", c["performance"], "crosshair performance", source="study.ipa_crosshair",
                                               where={}, column="performance"))
    conc = t[t["item"].isin(set(imp_c.met) & set(perf_c.met))]
    ctx.claim_all(sec, [imp_c, perf_c], lambda cs: T(
        how_zh + f"十字线取各属性均值（重要性 {fmt(c['importance'], 3 if not stated else 2)}，表现 {fmt(c['performance'], 2)}；Martilla & James 1977）。"
        f"“{IPA_QUADRANTS['concentrate_here'].zh}”（重要性高、表现低）的题项 {len(conc)} 个"
        + (f"：{'、'.join(conc['item'])}。" if len(conc) else "。")
        + "另以过十字线的 45° 等优先线（Slack 1994；Abalo et al. 2007）补充排序，线上方的属性优先改进。",
        how_en + f"the crosshair is at the attribute means (importance {fmt(c['importance'], 3 if not stated else 2)}, performance "
        f"{fmt(c['performance'], 2)}; Martilla & James 1977). "
        f"{len(conc)} items fall in \"{IPA_QUADRANTS['concentrate_here'].en.lower()}\" (important, under-performing)"
        + (f": {', '.join(conc['item'])}." if len(conc) else ".")
        + " The 45-degree iso-priority line through the crosshair (Slack 1994; Abalo et al. 2007) orders the rest: "
          "attributes above it come first."))
    ctx.results["ipa"] = records(t[[k for k in ("item", "dimension", "n", "importance", "performance", "quadrant", "priority_index")
                                    if k in t.columns]])
    ctx.results["ipa_crosshair"] = {"importance": float(c["importance"]), "performance": float(c["performance"])}
    ctx.table(sec, "ipa", T("重要性—表现分析", "Importance-performance grid"), out)
    pr = res.priorities
    if len(pr):
        p2 = pd.DataFrame({"rank": pr["rank"], "item": pr["item"], "text": [ctx.item_text(i) for i in pr["item"]],
                           "quadrant_label": [IPA_QUADRANTS[q] for q in pr["quadrant"]],
                           "importance": pr["importance"], "performance": pr["performance"],
                           "priority_index": pr["priority_index"]})
        ctx.table(sec, "ipa_priorities", T("IPA 改进优先顺序", "IPA improvement priorities"), p2)
    ctx.figure(sec, "ipa_plot", T("重要性—表现象限图", "Importance-performance quadrants"),
               lambda plots: plots.ipa_plot(res, instrument=inst, diagonal=True, lang=ctx.lang))
    _overall_drivers(ctx, sec)


def _overall_drivers(ctx: StudyContext, sec: Section) -> None:
    """Within each dimension that has a topic-overall item: which items weigh most on it."""
    from servqual.service.ipa import overall_drivers

    inst = ctx.instrument
    if not inst.overall_items:
        return
    res = ctx.run(sec, T("维度内推导重要性", "derived importance within dimensions"), lambda: overall_drivers(ctx.kept, inst))
    if res is None:
        return
    t = res.table
    lines_zh, lines_en = [], []
    small_zh, small_en = [], []
    for d, g in t.groupby("dimension", sort=False):
        top = g.sort_values("importance", ascending=False).iloc[0]
        why = ctx.too_few(int(top["n"]), "min_n_regression", len(g))
        if why is not None:
            small_zh.append(f"{ctx.dim_label(d, 'zh')}：{why.zh}")
            small_en.append(f"{ctx.dim_label(d, 'en')}: {why.en}")
            continue
        lines_zh.append(f"{ctx.dim_label(d, 'zh')}：对总体题“{ctx.item_text(top['overall']).get('zh')}”影响最大的是"
                        f"“{ctx.item_text(top['item']).get('zh')}”（相对权重 {fmt(top['importance'], 3)}，占 R² = "
                        f"{fmt(top['r2'], 3)} 的 {fmt(100 * top['share'], 1)}%，n = {int(top['n'])}）")
        lines_en.append(f"{ctx.dim_label(d, 'en')}: \"{ctx.item_text(top['item']).get('en')}\" weighs most on the overall "
                        f"item \"{ctx.item_text(top['overall']).get('en')}\" (relative weight {fmt(top['importance'], 3)}, "
                        f"{fmt(100 * top['share'], 1)}% of R² = {fmt(top['r2'], 3)}, n = {int(top['n'])})")
    sec.add_paragraph(T(
        "维度内的推导重要性：各题项对该维度总体题的 Johnson 相对权重（Johnson 2000；用回答了该维度全部题项与总体题的问卷）。"
        + "；".join(lines_zh + small_zh) + "。",
        "Derived importance within dimensions: Johnson's relative weights of each dimension's items for its overall item "
        "(Johnson 2000; the respondents who answered every item of the dimension and its overall item). "
        + "; ".join(lines_en + small_en) + "."))
    out = pd.DataFrame({"dimension": [ctx.dim_name(d) for d in t["dimension"]], "item": t["item"],
                        "text": [ctx.item_text(i) for i in t["item"]], "importance": t["importance"], "share": t["share"],
                        "r2": t["r2"], "n": t["n"]})
    ctx.table(sec, "overall_drivers", T("维度内推导重要性（对维度总体题）", "Derived importance within dimensions (on the overall item)"), out)
    _outcome_drivers(ctx, sec)


def _outcome_drivers(ctx: StudyContext, sec: Section) -> None:
    """What drives each outcome: relative weights of the dimension scores, with n and R² (outcomes are criteria,
    never levers)."""
    from servqual.service.ipa import outcome_drivers

    inst = ctx.instrument
    if not (inst.outcome_constructs or [o for o in inst.outcomes if o.dimension is None]) or not inst.dimensions:
        return
    res = ctx.run(sec, T("结果变量的驱动因素", "drivers of the outcomes"), lambda: outcome_drivers(ctx.kept, inst))
    if res is None:
        return
    t = res.table
    lines_zh, lines_en = [], []
    small_zh, small_en = [], []
    for o, g in t.groupby("outcome", sort=False):
        top = g.sort_values("importance", ascending=False).iloc[0]
        name = ctx.dim_name(o) if o in {c.id for c in inst.outcome_constructs} else ctx.item_text(o)
        why = ctx.too_few(int(top["n"]), "min_n_regression", len(g))
        if why is not None:
            small_zh.append(f"{name.get('zh') or o}：{why.zh}")
            small_en.append(f"{name.get('en') or o}: {why.en}")
            continue
        lines_zh.append(f"{name.get('zh') or o}（R² = {fmt(top['r2'], 3)}，n = {int(top['n'])}）：驱动作用最大的是"
                        f"{ctx.dim_label(top['dimension'], 'zh')}（相对权重 {fmt(top['importance'], 3)}，占 {fmt(100 * top['share'], 1)}%）")
        lines_en.append(f"{name.get('en') or o} (R² = {fmt(top['r2'], 3)}, n = {int(top['n'])}): "
                        f"{ctx.dim_label(top['dimension'], 'en')} weighs most (relative weight {fmt(top['importance'], 3)}, "
                        f"{fmt(100 * top['share'], 1)}%)")
    sec.add_paragraph(T(
        "结果变量的驱动因素：各维度得分对每个结果变量的 Johnson 相对权重（Johnson 2000；用各维度与该结果均有回答的问卷）。"
        "结果变量只作为被解释的准则，不作为改进对象。" + "；".join(lines_zh + small_zh) + "。",
        "Drivers of the outcomes: Johnson's relative weights of the dimension scores for each outcome (Johnson 2000; the "
        "respondents with every dimension score and the outcome). Outcomes are the criteria, not levers. "
        + "; ".join(lines_en + small_en) + "."))
    out = pd.DataFrame({"outcome": t["outcome"], "dimension": [ctx.dim_name(d) for d in t["dimension"]],
                        "importance": t["importance"], "share": t["share"], "beta": t["beta"], "r2": t["r2"], "n": t["n"]})
    ctx.table(sec, "outcome_drivers", T("结果变量的驱动因素（相对权重）", "Drivers of the outcomes (relative weights)"), out)
    ctx.table_info["outcome_drivers"] = {"n": [int(v) for v in t.groupby("outcome", sort=False)["n"].first()],
                                         "missing_policy": "listwise"}
