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

from servqual._text import T
from servqual.labels import IPA_QUADRANTS
from servqual.reporting.report import Section
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import fmt

__all__ = ["ipa"]


@section("ipa", T("重要性—表现分析（IPA）", "Importance-performance analysis (IPA)"), after="gaps")
def ipa(ctx: StudyContext, sec: Section) -> None:
    """IPA on stated importance when the questionnaire has an importance block."""
    from servqual.service.ipa import ipa as ipa_fn

    inst = ctx.instrument
    if not inst.has_block("importance"):
        sec.skip(T("问卷没有重要性题组，无法做基于陈述重要性的 IPA（可用 servqual.ipa(..., "
                   "importance=\"relative_weights\") 从总体满意度推导重要性）",
                   "the questionnaire has no importance block for stated importance (derived importance is available through "
                   "servqual.ipa(..., importance=\"relative_weights\"))"))
        return
    res = ctx.run(sec, T("重要性—表现分析", "importance-performance analysis"),
                  lambda: ipa_fn(ctx.kept, inst, importance="stated", crosshair="mean"))
    if res is None:
        return
    ctx.ipa = res
    t = res.table
    out = pd.DataFrame({"item": t["item"], "text": [ctx.item_text(i) for i in t["item"]],
                        "dimension": [ctx.dim_name(d) for d in t["dimension"]], "importance": t["importance"],
                        "performance": t["performance"], "quadrant_label": [IPA_QUADRANTS[q] for q in t["quadrant"]],
                        "priority_index": t["priority_index"]})
    c = res.crosshair
    conc = t[t["quadrant"] == "concentrate_here"]
    sec.add_paragraph(T(
        f"重要性取重要性题组均值，表现取{('满意度（表现）' if inst.has_block('performance') else '感知')}题组均值，n = {res.n}；"
        f"十字线取各属性均值（重要性 {fmt(c['importance'], 2)}，表现 {fmt(c['performance'], 2)}；Martilla & James 1977）。"
        f"“{IPA_QUADRANTS['concentrate_here'].zh}”（重要性高、表现低）的题项 {len(conc)} 个"
        + (f"：{'、'.join(conc['item'])}。" if len(conc) else "。")
        + "另以过十字线的 45° 等优先线（Slack 1994；Abalo et al. 2007）补充排序，线上方的属性优先改进。",
        f"Importance is the mean of the importance block, performance the mean of the "
        f"{'performance' if inst.has_block('performance') else 'perception'} block, n = {res.n}; the crosshair is at the "
        f"attribute means (importance {fmt(c['importance'], 2)}, performance {fmt(c['performance'], 2)}; Martilla & James 1977). "
        f"{len(conc)} items fall in \"{IPA_QUADRANTS['concentrate_here'].en.lower()}\" (important, under-performing)"
        + (f": {', '.join(conc['item'])}." if len(conc) else ".")
        + " The 45-degree iso-priority line through the crosshair (Slack 1994; Abalo et al. 2007) orders the rest: "
          "attributes above it come first.",
    ))
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
