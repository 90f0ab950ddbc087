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
>>> [r["level"] for r in ctx.results["gaps"]][-1], ctx.gaps.n
('overall', 198)
"""

from __future__ import annotations

import pandas as pd

from servqual._results import records
from servqual._text import T, Text
from servqual.reporting.report import Section
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import SIGNIFICANCE, cutoff, dot, fmt
from servqual.thresholds import THRESHOLDS

__all__ = ["gaps"]

_LEVEL = {"item": T("题项", "item"), "dimension": T("维度", "dimension"), "overall": T("总体", "overall")}


@section("gaps", T("SERVQUAL 服务质量差距", "SERVQUAL gaps"), after="weights", results=("gaps",))
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
    dims = t[t["level"] == "dimension"].sort_values("gap")
    items = t[t["level"] == "item"]
    sig_neg = items[(items["pval_holm"] < SIGNIFICANCE) & (items["gap"] < 0)]
    neg_dims = dims[dims["gap"] < 0]
    worst = dims.head(3)
    sec.add_paragraph(T(
        f"服务质量差距 G = 感知 − 期望（Parasuraman, Zeithaml & Berry 1988），每个题项用同时回答了期望与感知的问卷"
        f"（成对删除），n = {res.n}（{res.n_dropped} 份没有任何成对回答，未用）；各题项的 n 见表。"
        f"总体差距 {fmt(ov['gap'], 2)}（95%CI {fmt(ov['ci_low'], 2)} 至 {fmt(ov['ci_high'], 2)}），"
        + ("感知未达到期望。" if ov["gap"] < 0 else "感知达到或超过期望。")
        + f"{len(dims)} 个维度中 {len(neg_dims)} 个为负差距；差距最大的维度："
        + "、".join(f"{ctx.dim_label(d, 'zh')}（{fmt(g, 2)}）" for d, g in zip(worst["dimension"], worst["gap"])) + "。",
        f"Service-quality gap G = perception - expectation (Parasuraman, Zeithaml & Berry 1988), each item on the "
        f"respondents who answered both its expectation and its perception (pairs), n = {res.n} ({res.n_dropped} rows "
        f"without any pair not used; the table gives each item's n). Overall gap {fmt(ov['gap'], 2)} (95% CI {fmt(ov['ci_low'], 2)} to "
        f"{fmt(ov['ci_high'], 2)}): " + ("perceptions fall short of expectations. " if ov["gap"] < 0
                                          else "perceptions meet or exceed expectations. ")
        + f"{len(neg_dims)} of {len(dims)} dimensions have a negative gap; the largest shortfalls: "
        + ", ".join(f"{ctx.dim_label(d, 'en')} ({fmt(g, 2)})" for d, g in zip(worst["dimension"], worst["gap"])) + ".",
    ))
    sec.add_paragraph(T(
        f"{len(items)} 个题项中 {len(sig_neg)} 个的负差距在 Holm 校正后显著（配对 t 检验，p < {dot(SIGNIFICANCE)}）。",
        f"{len(sig_neg)} of {len(items)} item gaps are significantly negative after Holm's adjustment (paired t test, "
        f"p < {dot(SIGNIFICANCE)}).",
    ))
    rel = res.reliability
    gap_rule = THRESHOLDS["gap_reliability"]
    low = rel[(rel["level"] == "dimension") & (rel["reliability_gap"] < gap_rule.value)]
    if len(low):
        cut = cutoff("gap_reliability")
        sec.add_paragraph(T(
            f"差距分数作为差值的信度（{gap_rule.citation}）低于 {cut} 的维度："
            f"{'、'.join(ctx.dim_label(d, 'zh') for d in low['dimension'])}；期望与感知相关较高时差距分数信度偏低，解释时需谨慎。",
            f"Difference-score reliability ({gap_rule.citation}) below {cut} for "
            f"{', '.join(ctx.dim_label(d, 'en') for d in low['dimension'])}; when E and P correlate, gap scores are less "
            "reliable than their parts, so read these gaps with care.",
        ))
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
    ctx.results["gaps"] = records(t[t["level"] != "item"][["level", "dimension", "n", "expectation", "perception", "gap",
                                                            "ci_low", "ci_high", "pval_holm"]])
