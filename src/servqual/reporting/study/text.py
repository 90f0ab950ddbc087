"""What the study's sentences share: number formats, cut-off wording, column labels and item names.

Every cut-off a sentence states is written from the rule the code applies: :data:`servqual.thresholds.THRESHOLDS`
and :data:`~servqual.thresholds.BANDS` (item screening, chi2/df, the significance level, the KPI traffic light
and eta² sizes included).

Examples
--------
>>> from servqual.reporting.study.text import fmt, p_apa, pct, dot, cutoff, percent, band_rule
>>> fmt(0.71436), fmt(float("nan")), p_apa(0.0004), p_apa(0.023), pct(0.125)
('0.714', 'NA', '< .001', '= .023', '12.5%')
>>> dot(0.7), cutoff("alpha"), percent("harman")
('.70', '0.70', '50')
>>> band_rule("alpha", "en", at_least="alpha")
'>= .90 excellent, >= .80 good, >= .70 acceptable'
"""

from __future__ import annotations

import math
from itertools import groupby

import numpy as np

from servqual._text import T, format_p
from servqual.thresholds import BANDS, HU_BENTLER, THRESHOLDS, dot, Threshold

__all__ = ["fmt", "p_apa", "pct", "dot", "cutoff", "percent", "rule", "band_rule", "hu_bentler_rule", "eta_sq_rule",
           "ETA_SQ_BANDS", "SIGNIFICANCE", "KPI_TOLERANCE", "COLUMN_LABELS", "threshold"]


# ---------------------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------------------
def fmt(v, nd: int = 3) -> str:
    """``v`` with ``nd`` decimals; ``NA`` for a missing or non-finite value."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "NA"
    return "NA" if not math.isfinite(v) else f"{v:.{nd}f}"


def p_apa(p, lang: str = "en") -> str:
    """A p value after "p" in a sentence: ``< .001`` / ``= .023`` (en), ``<0.001`` / ``=0.023`` (zh).

    The one format of :func:`servqual._text.format_p`.
    """
    v = format_p(p, lang)
    if lang == "zh":
        return v if v.startswith("<") else "=" + v
    return v if v.startswith("<") else "= " + v


def pct(v, nd: int = 1) -> str:
    """A share as a percentage with ``nd`` decimals (``12.5%``); ``NA`` when missing."""
    return "NA" if v is None or not np.isfinite(v) else f"{100 * v:.{nd}f}%"


# ---------------------------------------------------------------------------------------------------
# cut-offs
# ---------------------------------------------------------------------------------------------------
#: Rules the study applies beyond :data:`servqual.thresholds.THRESHOLDS`: the item-screening criteria
#: of :func:`servqual.item_analysis` (its defaults, which :func:`servqual.measurement_report` uses),
#: the chi2/df rule of the fit table, the significance level and the KPI traffic light's tolerance.
#: Significance level of every test the study reports, and the KPI shortfall still shown amber.
SIGNIFICANCE = THRESHOLDS["significance"].value
KPI_TOLERANCE = THRESHOLDS["kpi_tolerance"].value

#: Cohen's (1988) sizes of eta squared, from the largest down.
ETA_SQ_BANDS = BANDS["eta_sq"]


def threshold(key: str) -> Threshold:
    """The rule named ``key`` of :data:`~servqual.thresholds.THRESHOLDS`."""
    return THRESHOLDS[key]


def cutoff(key: str, nd: int = 2) -> str:
    """The value of rule ``key`` with ``nd`` decimals: ``0.70``."""
    return f"{threshold(key).value:.{nd}f}"


def percent(key: str) -> str:
    """The value of rule ``key`` as a percentage without decimals: ``50``."""
    return f"{100 * threshold(key).value:g}"


_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def rule(key: str, lang: str, nd: int = 2) -> str:
    """The rule ``key`` as a sentence writes it: ``≥ .70`` (zh) or ``>= .70`` (en)."""
    t = threshold(key)
    return f"{_SYMBOL[t.op] if lang == 'zh' else t.op} {dot(t.value, nd)}"


def band_rule(key: str, lang: str, at_least: str | None = None, repeat_op: bool = True) -> str:
    """The grades of ``BANDS[key]``: ``≥ .90 优秀，≥ .80 良好`` or ``>= .90 excellent, >= .80 good``.

    ``at_least`` keeps the grades at or above the rule of that name; ``repeat_op=False`` writes the
    operator before the first grade only.
    """
    grades = [g for g in BANDS[key].grades if at_least is None or g.lower >= threshold(at_least).value]
    op, sep = ("≥", "，") if lang == "zh" else (">=", ", ")
    return sep.join(f"{op + ' ' if repeat_op or i == 0 else ''}{dot(g.lower)} {g.name.get(lang)}"
                    for i, g in enumerate(grades))


def hu_bentler_rule(lang: str) -> str:
    """The Hu & Bentler (1999) cut-offs: ``CFI、TLI ≥ .95，RMSEA ≤ .06，SRMR ≤ .08`` (zh) or
    ``CFI, TLI >= .95; RMSEA <= .06; SRMR <= .08`` (en)."""
    sep_name, sep_rule = ("、", "，") if lang == "zh" else (", ", "; ")
    parts = []
    for _, group in groupby(HU_BENTLER, key=lambda k: (THRESHOLDS[k].op, THRESHOLDS[k].value)):
        keys = list(group)
        parts.append(sep_name.join(THRESHOLDS[k].statistic for k in keys) + " " + rule(keys[0], lang))
    return sep_rule.join(parts)


def eta_sq_rule(lang: str) -> str:
    """Cohen's eta² sizes, smallest first: ``.01/.06/.14 分别为小/中/大`` or ``.01/.06/.14 is small/medium/large``."""
    grades = ETA_SQ_BANDS.grades[::-1]
    cuts = "/".join(dot(g.lower) for g in grades)
    names = "/".join(g.name.get(lang) for g in grades)
    return f"{cuts} 分别为{names}" if lang == "zh" else f"{cuts} is {names}"


# ---------------------------------------------------------------------------------------------------
# column labels (readable table headers in both languages)
# ---------------------------------------------------------------------------------------------------
#: Header of each column name the study's tables use.
COLUMN_LABELS = {
    "scale": T("量表/维度", "Scale"), "dimension": T("维度", "Dimension"), "dimension_name": T("维度名称", "Dimension name"),
    "item": T("题项", "Item"), "text": T("题项内容", "Item wording"), "n": T("样本量", "n"), "k": T("组数", "Groups"),
    "n_items": T("题项数", "Items"), "mean": T("均值", "Mean"), "sd": T("标准差", "SD"),
    "r_drop": T("校正题总相关", "Corrected item-total r"), "r_cor": T("题总相关（r.cor）", "r.cor"),
    "alpha_if_deleted": T("删除该题后α", "Alpha if deleted"), "cr": T("决断值CR", "Critical ratio"),
    "cr_pval": T("CR的p值", "CR p"), "decision": T("判定", "Decision"), "flags": T("未达标准", "Failed criteria"),
    "alpha": T("Cronbach's α", "Cronbach's alpha"), "alpha_std": T("标准化α", "Standardized alpha"),
    "alpha_ci_low": T("α 95%CI下限", "Alpha 95% CI low"), "alpha_ci_high": T("α 95%CI上限", "Alpha 95% CI high"),
    "average_r": T("平均题间相关", "Average inter-item r"), "omega_total": T("McDonald's ω", "McDonald's omega"),
    "msa": T("MSA", "MSA"), "chi2": T("χ²", "Chi-square"), "df": T("自由度", "df"), "pval": T("p值", "p"),
    "check": T("检查", "Check"), "rule": T("规则", "Rule"), "n_flagged": T("标记人数", "Flagged"),
    "share": T("比例", "Share"), "applied": T("用于剔除", "Used to exclude"), "respondent": T("受访者", "Respondent"),
    "row": T("文件行号", "File row"), "reasons": T("剔除原因", "Reasons"), "n_missing": T("缺失数", "Missing"),
    "n_no_answer": T("未作答", "No answer"), "n_not_applicable": T("不适用", "Not applicable"),
    "beta": T("标准化回归系数 β", "Standardized β"), "outcome": T("结果变量", "Outcome"),
    "share_missing": T("缺失比例", "Share missing"), "statistic": T("指标", "Statistic"), "value": T("数值", "Value"),
    "index": T("拟合指数", "Index"), "cutoff": T("标准", "Cut-off"), "source": T("依据", "Source"),
    "met": T("达标", "Met"), "std_loading": T("标准化载荷", "Standardized loading"), "se": T("标准误", "SE"),
    "z": T("z值", "z"), "r2": T("R²", "R²"), "ave": T("AVE", "AVE"), "sqrt_ave": T("√AVE", "sqrt(AVE)"),
    "cr_construct": T("组合信度CR", "Composite reliability"), "dimension_a": T("维度A", "Dimension A"),
    "dimension_b": T("维度B", "Dimension B"), "htmt": T("HTMT", "HTMT"), "passes": T("通过", "Passes"),
    "entropy": T("熵权法", "Entropy"), "critic": T("CRITIC法", "CRITIC"), "combined": T("组合权重", "Combined"),
    "weight": T("权重", "Weight"), "rank": T("排序", "Rank"), "level": T("层级", "Level"),
    "expectation": T("期望E", "Expectation E"), "perception": T("感知P", "Perception P"), "gap": T("差距P−E", "Gap P−E"),
    "gap_sd": T("差距标准差", "Gap SD"), "ci_low": T("95%CI下限", "95% CI low"), "ci_high": T("95%CI上限", "95% CI high"),
    "t": T("t值", "t"), "pval_holm": T("Holm校正p", "Holm p"), "cohen_dz": T("效应量dz", "Cohen's dz"),
    "importance": T("重要性", "Importance"), "performance": T("表现", "Performance"),
    "quadrant_label": T("象限", "Quadrant"), "priority_index": T("优先指数", "Priority index"),
    "segment": T("分组", "Segment"), "index_0_100": T("指数（0–100）", "Index (0-100)"),
    "closeness": T("贴近度", "Closeness"), "d_plus": T("与正理想解距离", "Distance to ideal"),
    "d_minus": T("与负理想解距离", "Distance to anti-ideal"), "group": T("组别", "Group"),
    "welch_f": T("Welch F", "Welch F"), "welch_df1": T("分子自由度", "df1"), "welch_df2": T("分母自由度", "df2"),
    "welch_pval": T("p值", "p"), "welch_pval_holm": T("Holm校正p", "Holm p"), "eta_sq": T("η²", "eta²"),
    "omega_sq": T("ω²", "omega²"), "kw_h": T("Kruskal-Wallis H", "Kruskal-Wallis H"), "kw_pval": T("K-W p值", "K-W p"),
    "epsilon_sq": T("ε²", "epsilon²"), "significant_pairs": T("显著差异组对（Games-Howell）", "Significant pairs (Games-Howell)"),
    "kpi": T("KPI", "KPI"), "name": T("名称", "Name"), "target": T("目标", "Target"),
    "attainment_rate": T("达标率", "Attainment rate"), "status": T("状态", "Status"),
    "priority": T("优先序", "Priority"), "what": T("改进对象", "What"), "why": T("依据", "Evidence"),
    "feature": T("功能", "Feature"), "category_label": T("Kano类别", "Kano category"), "better": T("Better系数", "Better"),
    "worse": T("Worse系数", "Worse"), "n_factors": T("建议因子数", "Factors suggested"),
    "n_components": T("建议成分数", "Components suggested"), "reliability_gap": T("差距分信度", "Gap-score reliability"),
    "alpha_e": T("期望α", "Alpha E"), "alpha_p": T("感知α", "Alpha P"), "alpha_g": T("差距α", "Alpha G"),
    "r_ep": T("E与P相关", "r(E, P)"),
    "estimate": T("非标准化估计", "Unstandardized estimate"), "fixed": T("固定参数", "Fixed"),
    "std_se": T("标准化标准误", "Standardized SE"), "std_z": T("标准化z值", "Standardized z"),
    "std_pval": T("标准化p值", "Standardized p"), "cr_semtools": T("组合信度（semTools）", "Composite reliability (semTools)"),
    "omega_implied": T("模型隐含ω", "Model-implied omega"), "ave_semtools": T("AVE（semTools）", "AVE (semTools)"),
    "cr_ok": T("CR达标", "CR met"), "ave_ok": T("AVE达标", "AVE met"), "htmt2": T("HTMT2（几何均值）", "HTMT2 (geometric)"),
    "method": T("方法", "Method"), "below_085": T("低于0.85", "Below 0.85"), "below_090": T("低于0.90", "Below 0.90"),
    "max_abs_r": T("与其他维度最大相关", "Largest r with another dimension"),
    "first_eigenvalue": T("第一特征值", "First eigenvalue"), "proportion_var": T("方差解释比例", "Share of variance"),
    "exceeds_threshold": T("超过50%", "Above 50%"), "sd_e": T("期望标准差", "SD E"), "sd_p": T("感知标准差", "SD P"),
    "category": T("Kano类别代码", "Kano category code"),
    "A": T("魅力质量A", "Attractive A"), "O": T("一维质量O", "One-dimensional O"), "M": T("必备质量M", "Must-be M"),
    "I": T("无差异质量I", "Indifferent I"), "R": T("反向质量R", "Reverse R"), "Q": T("可疑回答Q", "Questionable Q"),
}
