"""Section 6, SERVQUAL gaps: perception minus expectation by item, dimension and overall, with
Holm-adjusted paired t tests and the reliability of the difference scores.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("kiosk"), lang="en", figures=False)
>>> sec = ctx.build_section("gaps")
>>> sec.paragraphs[0].en[:61]
'Service-quality gap G = perception - expectation (Parasuraman'
>>> sorted({r["level"] for r in ctx.results["gaps"]}), ctx.gaps.n
(['dimension', 'item', 'overall'], 198)
"""

from __future__ import annotations

import pandas as pd

from servqual._results import records
from servqual._text import T, Text
from servqual.reporting.report import Section
from servqual.reporting.study.claims import rule_of
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import SIGNIFICANCE, cutoff, dot, fmt
from servqual.thresholds import THRESHOLDS

__all__ = ["gaps"]

_LEVEL = {"item": T("题项", "item"), "dimension": T("维度", "dimension"), "overall": T("总体", "overall")}


@section("gaps", T("SERVQUAL 服务质量差距", "SERVQUAL gaps"), after="weights", results=("gaps", "gap_reliability"))
def gaps(ctx: StudyContext, sec: Section) -> None:
    """SERVQUAL gaps (P - E) when the questionnaire has expectation and perception blocks."""
    from servqual.service.gap import gap_analysis

    inst = ctx.instrument
    missing = [r for r in ("expectation", "perception") if not inst.has_block(r)]
    if missing:
        zh = {"expectation": "期望", "perception": "感知"}
        sec.skip(T(f"问卷没有{'和'.join(zh[m] for m in missing)}题组，无法计算 SERVQUAL 差距（P − E）",
                   f"the questionnaire has no {' and no '.join(missing)} block, so SERVQUAL gaps (P - E) cannot be computed"))
        return
    res = ctx.run(sec, T("SERVQUAL 差距分析", "SERVQUAL gap analysis"), lambda: gap_analysis(ctx.kept, inst, nan_policy="pairwise"))
    if res is None:
        return
    why = ctx.too_few(int(res.n), "min_n_gap")
    if why is not None:
        sec.skip(T(f"SERVQUAL 差距：{why.zh}", f"SERVQUAL gaps: {why.en}"))
        return
    ctx.gaps = res
    t = res.table
    ctx.table_info["gaps"] = {"n": [int(v) for v in t.loc[t["level"] == "item", "n"]], "missing_policy": res.nan_policy}
    out = pd.DataFrame({
        "level": [_LEVEL[v] for v in t["level"]],
        "dimension": [ctx.dim_name(d) if isinstance(d, str) and d else T("", "") for d in t["dimension"]],
        "item": t["item"].fillna("").astype(str),
        "text": [ctx.item_text(i) if isinstance(i, str) and i else Text() for i in t["item"]],
    })
    for c in ("n", "expectation", "perception", "gap", "ci_low", "ci_high", "t", "pval", "pval_holm", "cohen_dz"):
        out[c] = t[c].to_numpy()
    ov = t[t["level"] == "overall"].iloc[0]
    dims = t[t["level"] == "dimension"]
    items = t[t["level"] == "item"]
    negative = {"key": None, "statistic": "gap", "op": "<", "value": 0.0, "citation": "Parasuraman, Zeithaml & Berry 1988"}
    ov_c = ctx.new_claim(sec, "overall_gap", statistic="gap", source="study.gaps", key=None, column=None,
                         where={"level": "overall"}, values={"gap": ov["gap"]}, rule=negative, n=int(res.n))
    dim_c = ctx.new_claim(sec, "dimension_gaps", statistic="gap", source="study.gaps", key="dimension", column="gap",
                          where={"level": "dimension"}, values=dict(zip(dims["dimension"], dims["gap"])), rule=negative,
                          labels={d: ctx.dim_name(d) for d in dims["dimension"]}, n=dict(zip(dims["dimension"], dims["n"])),
                          select={"min": 3}, names="selected")

    def say_gaps(cs):
        short = bool(cs[0].met)
        worst = cs[1].selected["min"]
        return T(
            f"服务质量差距 G = 感知 − 期望（Parasuraman, Zeithaml & Berry 1988），每个题项用同时回答了期望与感知的问卷"
            f"（成对删除），n = {res.n}（{res.n_dropped} 份没有任何成对回答，未用）；各题项的 n 见表。"
            f"总体差距 {fmt(ov['gap'], 2)}（95%CI {fmt(ov['ci_low'], 2)} 至 {fmt(ov['ci_high'], 2)}），"
            + ("感知未达到期望。" if short else "感知达到或超过期望。")
            + f"{len(cs[1].computed)} 个维度中 {len(cs[1].met)} 个为负差距；差距最大的维度："
            + "、".join(f"{cs[1].label(d, 'zh')}（{fmt(cs[1].values[d], 2)}）" for d in worst) + "。",
            f"Service-quality gap G = perception - expectation (Parasuraman, Zeithaml & Berry 1988), each item on the "
            f"respondents who answered both its expectation and its perception (pairs), n = {res.n} ({res.n_dropped} rows "
            f"without any pair not used; the table gives each item's n). Overall gap {fmt(ov['gap'], 2)} (95% CI "
            f"{fmt(ov['ci_low'], 2)} to {fmt(ov['ci_high'], 2)}): "
            + ("perceptions fall short of expectations. " if short else "perceptions meet or exceed expectations. ")
            + f"{len(cs[1].met)} of {len(cs[1].computed)} dimensions have a negative gap; the largest shortfalls: "
            + ", ".join(f"{cs[1].label(d, 'en')} ({fmt(cs[1].values[d], 2)})" for d in worst) + ".")

    ctx.claim_all(sec, [ov_c, dim_c], say_gaps)
    sig_c = ctx.new_claim(sec, "item_gap_tests", statistic="pval_holm", source="study.gaps", key="item", column="pval_holm",
                          where={"level": "item"}, values=dict(zip(items["item"], items["pval_holm"])),
                          rule=rule_of("significance"), n=dict(zip(items["item"], items["n"])))
    neg_c = ctx.new_claim(sec, "item_gaps", statistic="gap", source="study.gaps", key="item", column="gap",
                          where={"level": "item"}, values=dict(zip(items["item"], items["gap"])), rule=negative)

    def say_tests(cs):
        k = len(set(cs[0].met) & set(cs[1].met))
        return T(f"{len(items)} 个题项中 {k} 个的负差距在 Holm 校正后显著（配对 t 检验，p<{SIGNIFICANCE:.2f}）。",
                 f"{k} of {len(items)} item gaps are significantly negative after Holm's adjustment (paired t test, "
                 f"p < {dot(SIGNIFICANCE)}).")

    ctx.claim_all(sec, [sig_c, neg_c], say_tests)
    rel = res.reliability
    gap_rule = THRESHOLDS["gap_reliability"]
    rdims = rel[rel["level"] == "dimension"]
    rel_c = ctx.new_claim(sec, "gap_reliability", statistic="reliability_gap", source="study.gap_reliability", key="dimension",
                          column="reliability_gap", where={"level": "dimension"},
                          values=dict(zip(rdims["dimension"], rdims["reliability_gap"])), rule=rule_of("gap_reliability"),
                          labels={d: ctx.dim_name(d) for d in rdims["dimension"]}, names="failed")
    if rel_c.failed:
        cut = cutoff("gap_reliability")
        ctx.claim_all(sec, [rel_c], lambda cs: T(
            f"差距分数作为差值的信度（{gap_rule.citation}）低于 {cut} 的维度："
            f"{'、'.join(cs[0].labels_of(cs[0].failed, 'zh'))}；期望与感知相关较高时差距分数信度偏低，解释时需谨慎。",
            f"Difference-score reliability ({gap_rule.citation}) below {cut} for "
            f"{', '.join(cs[0].labels_of(cs[0].failed, 'en'))}; when E and P correlate, gap scores are less "
            "reliable than their parts, so read these gaps with care."))
    ctx.table(sec, "gaps", T("SERVQUAL 差距（P − E）", "SERVQUAL gaps (P - E)"), out,
              note=T("CI 为配对差值均值的 t 区间；Holm 校正分别在题项与维度内进行。",
                     "CIs are t intervals of the mean paired difference; Holm's adjustment runs across the items and across "
                     "the dimensions."))
    if len(res.weighted):
        w = res.weighted.copy()
        w.insert(1, "dimension_name", [ctx.dim_name(d) if d != "total" else T("加权总分", "weighted total") for d in w["dimension"]])
        ctx.table(sec, "gaps_weighted", T("重要性加权 SERVQUAL", "Importance-weighted SERVQUAL"), w,
                  labels={"weighted_gap": T("加权差距", "Weighted gap"), "weighted_perception": T("加权感知", "Weighted perception")})
    r = rel.copy()
    r.insert(1, "dimension_name", [ctx.dim_name(d) if isinstance(d, str) and d else T("总体", "overall") for d in r["dimension"]])
    ctx.table(sec, "gap_reliability", T("期望、感知与差距分数的信度", "Reliability of E, P and the gap scores"), r)
    ctx.figure(sec, "gap_plot", T("各维度服务质量差距（95%CI）", "Gaps by dimension (95% CI)"),
               lambda plots: plots.gap_bars(res, inst, lang=ctx.lang))
    ctx.results["gaps"] = records(pd.concat([t[t["level"] != "item"], t[t["level"] == "item"]], ignore_index=True)[
        ["level", "dimension", "item", "n", "expectation", "perception", "gap", "ci_low", "ci_high", "pval_holm"]])
    ctx.results["gap_reliability"] = records(rel)
