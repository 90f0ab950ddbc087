"""Section 5, indicator weights: entropy and CRITIC weights of the dimensions, their game-theory
combination, and AHP from expert judgements when there are any.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("mobi"), lang="en", figures=False)
>>> sec = ctx.build_section("weights")
>>> round(float(ctx.weights.sum()), 12), ctx.weights_source.en
(1.0, 'the game-theory combination of entropy and CRITIC weights')
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from servqual._results import records
from servqual._text import T
from servqual.reporting.report import Section
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import cutoff, fmt
from servqual.thresholds import THRESHOLDS

__all__ = ["ahp_weights", "weights"]


def ahp_weights(ctx: StudyContext, sec: Section):
    """AHP weights of the dimensions from the given judgements, or from judgement matrices in the hierarchy."""
    from servqual.decision.weights import AHPResult, ahp as ahp_fn, ahp_hierarchy

    inst = ctx.instrument
    judgements = ctx.ahp if ctx.ahp is not None else getattr(inst.hierarchy, "judgements", None)
    if judgements is None:
        if inst.hierarchy is not None:
            sec.add_paragraph(T(
                "问卷声明了“目标—准则—指标”层次结构，但未附专家两两比较判断矩阵，因此未计算 AHP 主观权重；"
                "可用 servqual.write_ahp_form() 生成专家打分表，回收后用 read_ahp_form() 读入并传给 study_report(ahp=...)。",
                "The questionnaire declares a goal -> criteria -> indicators hierarchy but no pairwise judgement matrices, so no "
                "AHP weights were computed; collect expert judgements with servqual.write_ahp_form(), read them with "
                "read_ahp_form() and pass them as study_report(ahp=...).",
            ))
        else:
            sec.add_paragraph(T(
                "问卷未声明层次结构，也未提供专家判断矩阵，因此未计算 AHP 主观权重（可传入 study_report(ahp=维度两两比较矩阵)）。",
                "The questionnaire declares no hierarchy and no expert judgements were given, so no AHP weights were computed "
                "(pass study_report(ahp=pairwise matrix of the dimensions)).",
            ))
        return None
    if isinstance(judgements, AHPResult):
        res = judgements
    elif isinstance(judgements, Mapping) and "goal" in judgements:
        res = ctx.run(sec, T("AHP 层次分析", "AHP hierarchy"), lambda: ahp_hierarchy(judgements))
    else:
        res = ctx.run(sec, T("AHP 层次分析", "AHP"), lambda: ahp_fn(judgements))
    if res is None:
        return None
    tabs = res.tables()
    first = next(iter(tabs.values())).copy()
    ctx.table(sec, "ahp", T("AHP 权重", "AHP weights"), first)
    rule = THRESHOLDS["ahp_cr"]
    cr = getattr(res, "cr_total", getattr(res, "cr", np.nan))
    ok = bool(getattr(res, "consistent", cr < rule.value))
    cut, cite = cutoff("ahp_cr"), rule.citation
    sec.add_paragraph(T(
        f"AHP 一致性比率 CR = {fmt(cr)}，" + (f"小于 {cut}，判断矩阵一致性可以接受（{cite}）。" if ok
                                          else f"未全部小于 {cut}，应请专家修正判断（{cite}）。"),
        f"AHP consistency ratio CR = {fmt(cr)}: " + (f"below {cut}, acceptable ({cite})." if ok
                                                    else f"not every matrix is below {cut}; revise the judgements ({cite})."),
    ))
    w = res.weights
    dims = inst.dimension_ids
    if not set(map(str, w.index)) >= set(dims):
        sec.add_paragraph(T("AHP 指标不是问卷的各维度，故不与客观权重组合。",
                            "The AHP indicators are not the questionnaire's dimensions, so they are not combined with the objective weights."))
        return None
    w = w.loc[dims]
    return w / w.sum()


@section("weights", T("指标权重", "Indicator weights"), after="validity", results=("weights",))
def weights(ctx: StudyContext, sec: Section) -> None:
    """Entropy, CRITIC and combined weights of the dimensions (with AHP when judgements are given)."""
    from servqual.decision.weights import combine_weights, objective_weights
    from servqual.service.compare import dimension_scores

    inst = ctx.instrument
    dims = inst.dimension_ids
    if len(dims) < 2:
        sec.skip(T("问卷只有一个维度，无需在维度之间分配权重", "the questionnaire has a single dimension; there is nothing to weigh"))
        return
    sc = ctx.run(sec, T("维度得分", "dimension scores"), lambda: dimension_scores(ctx.kept, inst))
    if sc is None:
        return
    x = sc[dims].dropna()
    ctx.table_info["weights"] = {"n": int(len(x)), "missing_policy": "listwise"}
    why = ctx.too_few(len(x), "min_n_weights")
    if why is not None:
        sec.skip(T(f"客观权重：{why.zh}", f"objective weights: {why.en}"))
        return
    ent = ctx.run(sec, T("熵权法", "entropy weights"), lambda: objective_weights(x, "entropy"))
    cri = ctx.run(sec, T("CRITIC 法", "CRITIC weights"), lambda: objective_weights(x, "critic"))
    if ent is None or cri is None:
        return
    comb = ctx.run(sec, T("组合赋权", "combined weights"),
                   lambda: combine_weights({"entropy": ent.weights, "critic": cri.weights}, method="game_theory"))
    if comb is None:
        return
    out = pd.DataFrame({"dimension": dims, "dimension_name": [ctx.dim_name(d) for d in dims],
                        "mean": x.mean().to_numpy(), "sd": x.std(ddof=1).to_numpy(),
                        "entropy": ent.weights.loc[dims].to_numpy(), "critic": cri.weights.loc[dims].to_numpy(),
                        "combined": comb.weights.loc[dims].to_numpy()})
    final = comb.weights.loc[dims]
    source = T("熵权法与 CRITIC 法的博弈论组合权重", "the game-theory combination of entropy and CRITIC weights")
    aw = ahp_weights(ctx, sec)
    if aw is not None:
        both = ctx.run(sec, T("主客观组合赋权", "subjective-objective combination"),
                       lambda: combine_weights({"ahp": aw, "objective": final}, method="game_theory"))
        out["ahp"] = aw.to_numpy()
        if both is not None:
            final = both.weights.loc[dims]
            out["final"] = final.to_numpy()
            source = T("AHP 与客观组合权重的博弈论组合权重", "the game-theory combination of AHP and the objective weights")
    out["rank"] = final.rank(ascending=False, method="min").astype(int).to_numpy()
    c = comb.coefficients
    sec.add_paragraph(T(
        f"以 {len(x)} 位受访者的维度得分（题项均值）为数据：熵权法按得分的离散程度赋权（信息熵越小、区分度越大，权重越大；"
        f"Shannon 熵，Zeleny 1982），CRITIC 法同时考虑对比强度（标准差）与冲突性（1 − r）（Diakoulaki et al. 1995）；"
        f"二者以博弈论方法组合（系数 {fmt(c.get('entropy'))} 与 {fmt(c.get('critic'))}）。",
        f"From the dimension scores (item means) of {len(x)} respondents: entropy weights grow with the dispersion of a "
        f"score (lower entropy, more information; Shannon entropy, Zeleny 1982); CRITIC combines contrast (SD) and "
        f"conflict (1 - r) (Diakoulaki et al. 1995); the two are combined by the game-theory method (coefficients "
        f"{fmt(c.get('entropy'))} and {fmt(c.get('critic'))}).",
    ))
    wcol = "final" if "final" in out.columns else "combined"

    def say_weights(w):
        top, bottom = w.selected["max"][0], w.selected["min"][0]
        return T(
            f"权重最大的维度是{w.label(top, 'zh')}（{fmt(w.values[top])}），最小的是{w.label(bottom, 'zh')}（{fmt(w.values[bottom])}）；"
            f"等权时每个维度为 {fmt(1 / len(dims))}。客观权重反映数据的信息量，不等于顾客认为的重要性。",
            f"The largest weight goes to {w.label(top, 'en')} ({fmt(w.values[top])}), the smallest to "
            f"{w.label(bottom, 'en')} ({fmt(w.values[bottom])}); equal weights would be {fmt(1 / len(dims))}. Objective weights "
            "measure information in the data, not the importance customers attach.")

    ctx.claim(sec, "dimension_weights", say_weights, statistic=wcol, source="study.weights", key="dimension", column=wcol,
              values=dict(zip(out["dimension"], out[wcol])), labels={d: ctx.dim_name(d) for d in dims}, n=int(len(x)),
              select={"max": 1, "min": 1}, names="selected")
    ctx.table(sec, "weights", T("维度权重", "Dimension weights"), out, decimals=4,
              labels={"ahp": T("AHP权重", "AHP"), "final": T("最终权重", "Final")})
    wcols = [c for c in ("entropy", "critic", "combined", "ahp", "final") if c in out.columns]
    ctx.figure(sec, "weights_bar", T("维度权重", "Dimension weights"),
               lambda plots: plots.weights_bar(out.set_index("dimension")[wcols], inst, lang=ctx.lang))
    ctx.weights = final
    ctx.weights_source = source
    ctx.results["weights"] = records(out.drop(columns=["dimension_name"]))
