"""Section 1, sample and screening: rows read, missing answers, careless-response screening and exclusions.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("kiosk"), lang="en", figures=False)
>>> sec = ctx.build_section("sample")
>>> ctx.results["n_read"], ctx.results["n_excluded"], [t.key for t in sec.tables][:2]
(211, 9, ['sample', 'screening'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from servqual._text import format_p, T, Text
from servqual.reporting.report import Section
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section
from servqual.reporting.study.text import pct
from servqual.survey.instrument import Instrument
from servqual.thresholds import THRESHOLDS

__all__ = ["analysis_block_text", "sample"]

#: The screening rules, in words.
RULES_ZH = {
    "straightlining": "同一题组的全部题项选择同一选项（直线作答）",
    "longstring": "连续相同作答的最长长度达到阈值",
    "attention": "未通过注意力检测题",
    "too_fast": "作答时间短于最短时长",
    "mahalanobis": "多元离群值（马氏距离 D² 的 p 值小于阈值）",
    "duplicate_id": "受访者编号重复（保留首次出现）",
    "duplicate_answers": "作答模式与之前的受访者完全相同",
    "missing": "未作答题项比例超过上限",
}


def analysis_block_text(inst: Instrument) -> Text:
    """The name of the questionnaire's analysis block (``all items`` without blocks)."""
    if not inst.blocks:
        return T("全部题项", "all items")
    b = inst.block(inst.analysis_block)
    return Text(zh=b.text.get("zh", b.id) if b.text else f"{b.id}（{b.role}）",
                en=b.text.get("en", b.id) if b.text else f"{b.id} ({b.role})")


@section("sample", T("样本与数据筛查", "Sample and screening"),
         results=("n_read", "n_kept", "n_excluded", "n_complete_kept", "share_missing"))
def sample(ctx: StudyContext, sec: Section) -> None:
    """Rows read and kept, missing answers, the screening rules and who they excluded."""
    inst, kept, frame, scr, source = ctx.instrument, ctx.kept, ctx.responses, ctx.screening, ctx.source
    cols = [c for c in inst.columns().values() if c in frame.columns]
    x = frame[cols].apply(pd.to_numeric, errors="coerce")
    n_read, k = len(frame), len(cols)
    miss = float(x.isna().to_numpy().mean()) if k and n_read else float("nan")
    complete = int(x.notna().all(axis=1).sum())
    xk = kept[cols].apply(pd.to_numeric, errors="coerce")
    complete_kept = int(xk.notna().all(axis=1).sum())
    n_excl = n_read - len(kept)
    block = analysis_block_text(inst)

    over = pd.DataFrame({
        "statistic": [T("读取的问卷", "Responses read"),
                      T("分析题组全部作答完整", "Complete on every analysis item"),
                      T("筛查剔除", "Excluded by screening"),
                      T("保留用于分析", "Kept for analysis"),
                      T("保留且全部题项作答完整", "Kept and complete on every item")],
        "n": [n_read, complete, n_excl, len(kept), complete_kept],
    })
    over["share"] = over["n"] / n_read if n_read else np.nan
    src = f"（{source}）" if source else ""
    src_en = f" ({source})" if source else ""
    sec.add_paragraph(T(
        f"共读取 {n_read} 份问卷{src}。分析题组“{block.zh}”共 {k} 个题项，缺失答案占全部答案的 {pct(miss)}，"
        f"{complete} 份问卷（{pct(complete / n_read if n_read else np.nan)}）在全部题项上作答完整。",
        f"{n_read} responses were read{src_en}. The analysis block \"{block.en}\" has {k} items; {pct(miss)} of its "
        f"answers are missing and {complete} respondents ({pct(complete / n_read if n_read else np.nan)}) answered every item.",
    ))
    rules = list(scr.rules)
    if rules:
        log = scr.exclusion_log
        counts = {r: int(log["reasons"].str.contains(r, regex=False).sum()) for r in rules} if len(log) else {r: 0 for r in rules}
        sec.add_paragraph(T(
            "剔除规则：" + "；".join(f"{RULES_ZH[r]}（{counts[r]} 份）" for r in rules)
            + f"。共剔除 {n_excl} 份，保留 {len(kept)} 份用于全部分析；其余检查只作标记、不剔除。",
            "Exclusion rules: " + "; ".join(f"{r} ({counts[r]})" for r in rules)
            + f". {n_excl} respondents were excluded and {len(kept)} kept for every analysis; the other checks only flag.",
        ))
    else:
        sec.add_paragraph(T("未设剔除规则：筛查只作标记，全部问卷保留用于分析。",
                            "No exclusion rule was set: screening only flags, and every respondent is analysed."))
    s = scr.settings
    sec.add_paragraph(T(
        f"判定标准：最长连续相同作答 ≥ {s['longstring_threshold']}（最长题组题项数的一半，Johnson 2005）；"
        f"马氏距离 D² 的 p<{format_p(s['mahalanobis_alpha'], 'zh')}（Meade & Craig 2012）；未作答比例 > {pct(s['max_missing'], 0)}。",
        f"Criteria: longest run of identical answers >= {s['longstring_threshold']} (half the items of the longest block, "
        f"Johnson 2005); Mahalanobis D² p < {format_p(s['mahalanobis_alpha'], 'en')} (Meade & Craig 2012); more than "
        f"{pct(s['max_missing'], 0)} of items unanswered.",
    ))
    sec.add_paragraph(_missing_policy_text(ctx, complete_kept, len(kept)))
    ctx.table(sec, "sample", T("样本概况", "Sample"), over, decimals={"share": 3})
    ctx.figure(sec, "likert", T("分析题组各题项的作答分布", "Answer distribution of the analysis items"),
               lambda plots: plots.likert_bars(kept, inst, lang=ctx.lang))

    summ = scr.summary_table().copy()
    summ["rule"] = [T(RULES_ZH.get(c, "、".join(rules) or "无（仅标记）"), r) if c in RULES_ZH
                    else T("剔除规则：" + ("、".join(rules) or "无（仅标记）"), r) for c, r in zip(summ["check"], summ["rule"])]
    ctx.table(sec, "screening", T("作答质量筛查", "Screening of careless responses"), summ,
              note=T("“用于剔除”为“是”的检查才会剔除问卷；其余只作标记。", "Only checks marked \"used to exclude\" remove respondents."))
    if len(scr.exclusion_log):
        log = scr.exclusion_log.copy()
        if inst.respondent_id and inst.respondent_id in inst.pii:
            log = log.drop(columns=["respondent"])
        ctx.table(sec, "exclusions", T("剔除的问卷及原因", "Excluded respondents and reasons"), log)

    nmiss = x.isna().sum(axis=0)
    nmiss = nmiss[nmiss > 0].sort_values(ascending=False, kind="stable")
    if len(nmiss):
        na = ctx.not_applicable
        n_na = np.array([int(na[c].sum()) if na is not None and c in na.columns else 0 for c in nmiss.index])
        mt = pd.DataFrame({"item": nmiss.index, "text": [ctx.item_text(c) for c in nmiss.index],
                           "n_missing": nmiss.to_numpy().astype(int), "share_missing": nmiss.to_numpy() / n_read})
        if n_na.any():  # "does not apply" counted apart from "no answer"
            mt.insert(3, "n_no_answer", nmiss.to_numpy().astype(int) - n_na)
            mt.insert(4, "n_not_applicable", n_na)
        ctx.table(sec, "missing", T("各题项缺失情况", "Missing answers by item"), mt)
    if ctx.segment:
        comp = kept[ctx.segment].value_counts(dropna=False).sort_index()
        ct = pd.DataFrame({"group": [T("（缺失）", "(missing)") if pd.isna(g) else str(g) for g in comp.index],
                           "n": comp.to_numpy().astype(int), "share": comp.to_numpy() / max(len(kept), 1)})
        ctx.table(sec, "segment", T(f"样本构成：{ctx.segment}", f"Sample by {ctx.segment}"), ct)
    ctx.results.update({"n_read": n_read, "n_kept": len(kept), "n_excluded": n_excl, "n_complete_kept": complete_kept,
                        "share_missing": miss})


def _missing_policy_text(ctx: StudyContext, complete_kept: int, n_kept: int) -> Text:
    """How reliability and validity use the incomplete rows (from the measurement report's policies)."""
    from servqual.reporting.study.measurement import measurement  # computed once, shared with its sections

    mr = measurement(ctx)
    pol = (mr.missing_policies if mr is not None else {}) or {}
    info = mr.table_info if mr is not None else {}
    if not pol or (pol.get("reliability") == "listwise" and pol.get("correlations") == "listwise"):
        return T(f"信度与效度分析采用列表删除（listwise），使用保留且完整的 {complete_kept} 份问卷。",
                 f"Reliability and validity use listwise deletion: the {complete_kept} kept respondents complete on every item.")
    rel_n = info.get("item_analysis", {}).get("n", [])
    rng = (f"{min(rel_n)}–{max(rel_n)}" if rel_n and min(rel_n) != max(rel_n) else str(rel_n[0]) if rel_n else "?")
    lim = THRESHOLDS["listwise_loss"]
    if pol.get("correlations") == "pairwise":
        n_cfa = info.get("cfa_fit", {}).get("n")
        zh_tail = (f"；相关矩阵、KMO、EFA 与 HTMT 采用成对删除，CFA 采用全信息最大似然（FIML，{n_cfa} 份），因为成列删除只剩 "
                   f"{complete_kept} 份（损失超过 {lim.value:.0%}，{lim.citation}）。")
        en_tail = (f"; correlations, KMO, EFA and HTMT pairwise deletion, and the CFA full-information ML (FIML, n = {n_cfa}), "
                   f"because listwise deletion would leave {complete_kept} of {n_kept} (a loss over {lim.value:.0%}, {lim.citation}).")
    else:
        zh_tail = f"；相关矩阵、EFA 与 CFA 采用列表删除，使用保留且完整的 {complete_kept} 份问卷。"
        en_tail = f"; correlations, EFA and CFA use the {complete_kept} kept respondents complete on every item (listwise)."
    return T(f"信度与题项分析按维度内成列删除（每个维度用回答了该维度全部题目的问卷，n = {rng}）" + zh_tail,
             f"Reliability and item analysis use each dimension's complete answers (n = {rng} by dimension)" + en_tail)
