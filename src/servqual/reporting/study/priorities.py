"""Section 10, priorities: what to improve first, in plain sentences, from the IPA "concentrate here"
quadrant, the largest significant negative gaps, the weakest dimensions and the KPIs in red.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("mobi"), lang="en", figures=False)
>>> ctx.build_section("priorities").skipped.en
'none of IPA, gaps, satisfaction index or KPIs is available to rank improvements'
>>> _ = ctx.build_section("evaluation")
>>> ctx.build_section("priorities").paragraphs[0].en
'Priorities come, in this order, from: dimensions whose satisfaction index lies below the overall index with its whole 95% interval (up to 3).'
"""

from __future__ import annotations

import pandas as pd

from servqual._text import T
from servqual.labels import IPA_QUADRANTS
from servqual.reporting.report import Section
from servqual.reporting.study.claims import reference_rule, rule_of
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section
from servqual.thresholds import THRESHOLDS
from servqual.reporting.study.text import SIGNIFICANCE, fmt, p_apa, pct

__all__ = ["priorities"]

_CONCENTRATE = IPA_QUADRANTS["concentrate_here"]


def _from_ipa(ctx: StudyContext, seen: set) -> list:
    conc = ctx.ipa.priorities[ctx.ipa.priorities["quadrant"] == "concentrate_here"]
    n_by = dict(zip(ctx.ipa.table["item"], ctx.ipa.table["n"]))

    def n_of(item) -> int:
        return int(n_by.get(item, ctx.ipa.n))

    ch = ctx.ipa.crosshair
    entries = []
    for _, r in conc.iterrows():
        seen.add(r["item"])
        it = r["item"]
        claims = [dict(statistic="importance", source="study.ipa", key="item", column="importance", n=n_of(it),
                       values={it: r["importance"]}, names="met",
                       rule=reference_rule(">", ch["importance"], "crosshair importance", source="study.ipa_crosshair",
                                           where={}, column="importance")),
                  dict(statistic="performance", source="study.ipa", key="item", column="performance", n=n_of(it),
                       values={it: r["performance"]}, names="met",
                       rule=reference_rule("<", ch["performance"], "crosshair performance", source="study.ipa_crosshair",
                                           where={}, column="performance"))]
        entries.append((
            T(f"改进{ctx.item_label(r['item'], 'zh')}（{ctx.dim_label(r['dimension'], 'zh')}）",
              f"Improve {ctx.item_label(r['item'], 'en')} ({ctx.dim_label(r['dimension'], 'en')})"),
            T(f"IPA {_CONCENTRATE.zh}：重要性 {fmt(r['importance'], 2)} 高于平均、表现 {fmt(r['performance'], 2)} 低于平均"
              f"（n = {n_of(r['item'])}）",
              f"IPA \"{_CONCENTRATE.en.lower()}\": importance {fmt(r['importance'], 2)} above average, performance "
              f"{fmt(r['performance'], 2)} below average (n = {n_of(r['item'])})"),
            "ipa", r["item"], claims))
    return entries


def _from_gaps(ctx: StudyContext, seen: set) -> list:
    t = ctx.gaps.table
    items = t[(t["level"] == "item") & (t["gap"] < 0) & (t["pval_holm"] < SIGNIFICANCE)]
    entries = []
    for _, r in items.sort_values("gap").head(5).iterrows():
        if r["item"] in seen:
            continue
        seen.add(r["item"])
        it = r["item"]
        claims = [dict(statistic="pval_holm", source="study.gaps", key="item", column="pval_holm", where={"level": "item"},
                       values={it: r["pval_holm"]}, rule=rule_of("significance"), n=int(r["n"]), names="met"),
                  dict(statistic="gap", source="study.gaps", key="item", column="gap", where={"level": "item"},
                       values={it: r["gap"]}, names="met",
                       rule={"key": None, "statistic": "gap", "op": "<", "value": 0.0,
                             "citation": "Parasuraman, Zeithaml & Berry 1988"})]
        entries.append((
            T(f"缩小{ctx.item_label(r['item'], 'zh')}的期望—感知差距", f"Close the gap on {ctx.item_label(r['item'], 'en')}"),
            T(f"SERVQUAL 差距 {fmt(r['gap'], 2)}（95%CI {fmt(r['ci_low'], 2)} 至 {fmt(r['ci_high'], 2)}，Holm 校正 p{p_apa(r['pval_holm'], 'zh')}）",
              f"SERVQUAL gap {fmt(r['gap'], 2)} (95% CI {fmt(r['ci_low'], 2)} to {fmt(r['ci_high'], 2)}, Holm p {p_apa(r['pval_holm'])})"),
            "gap", r["item"], claims))
    return entries


def _from_csi(ctx: StudyContext, seen: set) -> list:
    inst = ctx.instrument
    t = ctx.csi.table[ctx.csi.table["segment"].astype(str) == "all"]
    ov = float(t.loc[t["dimension"] == "overall", "index"].iloc[0])
    # statistical support: the dimension's whole 95% interval lies below the overall index
    weak = t[(t["dimension"] != "overall") & (t["ci_high"] < ov)].sort_values("index").head(3)
    pcols = inst.columns()
    entries = []
    for _, r in weak.iterrows():
        d = r["dimension"]
        cols = [pcols[it.id] for it in inst.dimension(d).items if pcols.get(it.id) in ctx.kept.columns]
        lowest = ""
        if cols:
            m = ctx.kept[cols].apply(pd.to_numeric, errors="coerce").mean()
            if m.notna().any():
                lowest = ctx.item_id(m.idxmin())
        zh_low = f"；该维度得分最低的题项是{ctx.item_label(lowest, 'zh')}" if lowest else ""
        en_low = f"; its lowest-rated item is {ctx.item_label(lowest, 'en')}" if lowest else ""
        claims = [dict(statistic="ci_high", source="study.satisfaction_index", key="dimension", column="ci_high",
                       where={"segment": "all"}, values={d: r["ci_high"]}, n=int(r["n"]), labels={d: ctx.dim_name(d)},
                       names="met",
                       rule=reference_rule("<", ov, "overall satisfaction index", source="study.satisfaction_index",
                                           where={"segment": "all", "dimension": "overall"}, column="index_0_100"))]
        entries.append((
            T(f"加强{ctx.dim_label(d, 'zh')}维度", f"Strengthen {ctx.dim_label(d, 'en')}"),
            T(f"满意度指数 {fmt(r['index'], 1)}（95%CI {fmt(r['ci_low'], 1)}–{fmt(r['ci_high'], 1)}，n = {int(r['n'])}），"
              f"整个置信区间低于总体 {fmt(ov, 1)}{zh_low}",
              f"satisfaction index {fmt(r['index'], 1)} (95% CI {fmt(r['ci_low'], 1)} to {fmt(r['ci_high'], 1)}, n = {int(r['n'])}), "
              f"its whole interval below the overall {fmt(ov, 1)}{en_low}"),
            "dimension", d, claims))
    return entries


def _from_kpis(ctx: StudyContext, seen: set) -> list:
    ka = ctx.kpi
    return [(
        T(f"使 KPI“{r['name_zh']}”达到目标（{r['target_op']} {r['target']:g}）",
          f"Bring the KPI \"{r['name_en']}\" to its target ({r['target_op']} {r['target']:g})"),
        T(f"均值 {fmt(r['mean'], 2)}，达标率 {pct(r['attainment_rate'])}，n = {int(r['n'])}",
          f"mean {fmt(r['mean'], 2)}, attainment rate {pct(r['attainment_rate'])}, n = {int(r['n'])}"),
        "kpi", r["kpi"], []) for _, r in ka[(ka["segment"].astype(str) == "all") & (ka["status"] == "red")
                                             & (ka["n"] >= THRESHOLDS["min_n_gap"].value)].iterrows()]


#: Where priorities come from, in this order: (context attribute, the entries, the basis in words).
_SOURCES = (
    ("ipa", _from_ipa,
     T(f"IPA {_CONCENTRATE.zh}", f"the IPA \"{_CONCENTRATE.en.lower()}\" quadrant")),
    ("gaps", _from_gaps,
     T("Holm 校正后显著的负差距（最大的 5 个）", "the largest significantly negative gaps (Holm, up to 5)")),
    ("csi", _from_csi,
     T("95% 置信区间整体低于总体满意度指数的维度（最多 3 个）",
       "dimensions whose satisfaction index lies below the overall index with its whole 95% interval (up to 3)")),
    ("kpi", _from_kpis, T("未达标（红）的 KPI", "KPIs in red")),
)


@section("priorities", T("改进优先事项", "Improvement priorities"), after="evaluation", results=("priorities",))
def priorities(ctx: StudyContext, sec: Section) -> None:
    """Up to 12 improvements, each with its evidence, from the results of the earlier sections."""
    entries, basis, seen = [], [], set()  # entries: (what Text, why Text, source, ref, the claims' fields)
    for attr, collect, why in _SOURCES:
        if getattr(ctx, attr) is not None:
            entries += collect(ctx, seen)
            basis.append(why)
    entries = entries[:12]
    if not basis:
        sec.skip(T("前面各节没有可用于排序的结果（IPA、差距、满意度指数、KPI 均不可用）",
                   "none of IPA, gaps, satisfaction index or KPIs is available to rank improvements"))
        return
    sec.add_paragraph(T(f"改进优先事项依次来自：{'；'.join(b.zh for b in basis)}。",
                        f"Priorities come, in this order, from: {'; '.join(b.en for b in basis)}."))
    if not entries:
        sec.add_paragraph(T("没有突出的改进对象：没有属性落在重点改进区，没有显著的负差距，也没有维度的满意度指数在置信区间意义上低于总体。",
                            "No improvement stands out: no attribute is in \"concentrate here\", no gap is significantly "
                            "negative and no dimension's index lies below the overall index beyond its confidence interval."))
        ctx.results["priorities"] = []
        return
    for i, (what, why, src, _ref, claims) in enumerate(entries, 1):
        text = T(f"{i}. {what.zh}：{why.zh}。", f"{i}. {what.en}: {why.en}.")
        if claims:
            ctx.claim_all(sec, [ctx.new_claim(sec, f"{i}_{src}_{k}", **f) for k, f in enumerate(claims, 1)], lambda cs: text)
        else:
            sec.add_paragraph(text)
    out = pd.DataFrame({"priority": range(1, len(entries) + 1), "what": [e[0] for e in entries],
                        "why": [e[1] for e in entries]})
    ctx.table(sec, "priorities", T("改进优先事项", "Improvement priorities"), out)
    ctx.results["priorities"] = [{"priority": i, "source": e[2], "ref": str(e[3]), "what_zh": e[0].zh, "what_en": e[0].en,
                                  "why_zh": e[1].zh, "why_en": e[1].en} for i, e in enumerate(entries, 1)]
