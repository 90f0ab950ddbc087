"""Every cut-off servqual applies, with its citation: the single source of result notes, of
:func:`servqual.measurement.interpret` and of the sentences of the client report.

A :class:`Threshold` is one rule (``alpha >= 0.70``, Nunnally 1978); a :class:`Bands` is a graded
verbal scale (Kaiser's 1974 KMO bands, George & Mallery's 2003 alpha bands). Code that judges a
statistic asks here — ``THRESHOLDS["alpha"].met(0.72)`` or ``BANDS["kmo"].label(0.83, "en")`` — and
cites ``.citation``; no module writes a cut-off of its own. :func:`table` lists them all, for the
documentation and for the report's appendix.

Examples
--------
>>> from servqual.thresholds import THRESHOLDS, BANDS
>>> THRESHOLDS["htmt_strict"].met(0.81)
True
>>> str(THRESHOLDS["rmsea"])
'RMSEA <= 0.06 (Hu & Bentler 1999)'
>>> BANDS["kmo"].label(0.83, "en"), BANDS["kmo"].label(0.83, "zh")
('meritorious', '良好')
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import pandas as pd

from servqual._text import Text, check_lang

__all__ = ["Threshold", "Band", "Bands", "THRESHOLDS", "BANDS", "HU_BENTLER", "MIN_N", "min_n", "min_n_table", "threshold",
           "table", "dot", "author_year"]

_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


@dataclass(frozen=True)
class Threshold:
    """One cut-off: ``statistic op value``, as ``citation`` recommends.

    ``met(x)`` is False for a missing or non-finite ``x`` (nothing is met by a statistic that was not
    computed); callers that must tell "not met" from "not computed" check ``x`` first.
    """

    key: str
    statistic: str
    op: str
    value: float
    citation: str
    meaning: Text

    def met(self, x) -> bool:
        try:
            x = float(x)
        except (TypeError, ValueError):
            return False
        return math.isfinite(x) and bool(_OPS[self.op](x, self.value))

    def __str__(self) -> str:
        return f"{self.statistic} {self.op} {self.value:g} ({self.citation})"


@dataclass(frozen=True)
class Band:
    """One grade of a verbal scale: values at or above ``lower`` (and below the next grade) are ``name``."""

    lower: float
    name: Text


@dataclass(frozen=True)
class Bands:
    """A graded verbal scale from the highest grade down; values under the last grade are ``below``."""

    key: str
    statistic: str
    grades: tuple
    below: Text
    citation: str

    def band(self, x) -> Text:
        for g in self.grades:
            if x >= g.lower:
                return g.name
        return self.below

    def label(self, x, lang: str = "en") -> str:
        return self.band(x).get(check_lang(lang))


def _t(key, statistic, op, value, citation, zh, en) -> Threshold:
    return Threshold(key, statistic, op, value, citation, Text(zh=zh, en=en))


#: Every single cut-off, by key.
THRESHOLDS: dict[str, Threshold] = {t.key: t for t in [
    _t("alpha", "Cronbach's alpha", ">=", 0.70, "Nunnally 1978", "内部一致性可接受", "acceptable internal consistency"),
    _t("omega", "McDonald's omega", ">=", 0.70, "Nunnally 1978", "内部一致性可接受", "acceptable internal consistency"),
    _t("gap_reliability", "difference-score reliability", ">=", 0.70, "Peter, Churchill & Brown 1993",
       "差距分数可靠", "reliable difference scores"),
    _t("omega_good", "McDonald's omega", ">=", 0.80, "McDonald 1999", "内部一致性良好", "good internal consistency"),
    _t("omega_h", "omega hierarchical", ">=", 0.70, "Reise et al. 2013", "总分可视为单维", "the total score is essentially unidimensional"),
    _t("ecv", "explained common variance", ">=", 0.70, "Rodriguez et al. 2016", "一般因子占主导", "the general factor dominates"),
    _t("r_drop_low", "corrected item-total correlation", ">=", 0.30, "Nunnally & Bernstein 1994", "题项与量表一致",
       "the item agrees with the scale"),
    _t("many_items", "number of items", "<=", 20, "Cortina 1993", "alpha 不因题项多而虚高",
       "alpha is not inflated by the number of items"),
    _t("communality", "communality", ">=", 0.20, "Child 2006", "题项被因子充分解释", "the item is explained by the factors"),
    _t("cross_loading", "absolute loading", ">=", 0.32, "Tabachnick & Fidell 2013", "题项在该因子上有载荷",
       "the item loads on the factor"),
    _t("split_half_min", "worst split-half beta", ">=", 0.50, "Revelle 1979",
       "题项测量同一事物", "the items measure one thing"),
    _t("item_msa", "item MSA", ">=", 0.60, "Kaiser 1974", "题项适合因子分析", "item suited to factor analysis"),
    _t("loading", "standardized loading", ">=", 0.50, "Hair et al. 2019", "载荷可接受", "acceptable loading"),
    _t("loading_ideal", "standardized loading", ">=", 0.70, "Hair et al. 2019", "载荷理想", "ideal loading"),
    _t("cfi", "CFI", ">=", 0.95, "Hu & Bentler 1999", "拟合良好", "good fit"),
    _t("cfi_acceptable", "CFI", ">=", 0.90, "Bentler & Bonett 1980", "拟合可接受", "acceptable fit"),
    _t("tli_acceptable", "TLI", ">=", 0.90, "Bentler & Bonett 1980", "拟合可接受", "acceptable fit"),
    _t("rmsea_close", "RMSEA", "<=", 0.05, "Browne & Cudeck 1993", "近似拟合", "close fit"),
    _t("rmsea_acceptable", "RMSEA", "<=", 0.08, "Browne & Cudeck 1993", "拟合可接受", "acceptable fit"),
    _t("tli", "TLI", ">=", 0.95, "Hu & Bentler 1999", "拟合良好", "good fit"),
    _t("rmsea", "RMSEA", "<=", 0.06, "Hu & Bentler 1999", "拟合良好", "good fit"),
    _t("srmr", "SRMR", "<=", 0.08, "Hu & Bentler 1999", "拟合良好", "good fit"),
    _t("gfi", "GFI", ">=", 0.90, "Jöreskog & Sörbom 1984", "拟合可接受", "acceptable fit"),
    _t("agfi", "AGFI", ">=", 0.90, "Jöreskog & Sörbom 1984", "拟合可接受", "acceptable fit"),
    _t("cr", "composite reliability", ">=", 0.70, "Fornell & Larcker 1981; Hair et al. 2019",
       "收敛效度（组合信度）", "convergent validity (composite reliability)"),
    _t("ave", "AVE", ">=", 0.50, "Fornell & Larcker 1981; Hair et al. 2019",
       "收敛效度（平均方差抽取量）", "convergent validity (average variance extracted)"),
    _t("htmt_strict", "HTMT", "<", 0.85, "Henseler, Ringle & Sarstedt 2015", "区分效度（严格）",
       "discriminant validity (strict)"),
    _t("htmt_liberal", "HTMT", "<", 0.90, "Henseler, Ringle & Sarstedt 2015", "区分效度（宽松）",
       "discriminant validity (liberal)"),
    _t("harman", "first unrotated factor's share of variance", "<=", 0.50, "Podsakoff et al. 2003",
       "无明显共同方法偏差", "no dominant common-method factor"),
    _t("ahp_cr", "AHP consistency ratio", "<", 0.10, "Saaty 1980", "判断矩阵一致性可接受", "acceptable consistency"),
    _t("item_cr", "critical ratio", ">=", 3.0, "Kelley 1939", "题项区分度足够", "the item discriminates"),
    _t("item_r_drop", "corrected item-total correlation", ">=", 0.40, "Wu 2010", "题项与维度一致",
       "the item agrees with its dimension"),
    _t("chi2_df", "chi2/df", "<=", 3.0, "Kline 2016", "拟合可接受", "acceptable fit"),
    _t("kpi_tolerance", "shortfall / target", "<=", 0.05, "servqual default (amber band of the KPI traffic light)",
       "接近目标", "close to the target"),
    _t("significance", "p-value", "<", 0.05, "Fisher 1925 (conventional level)", "统计显著", "statistically significant"),
    _t("kano_questionable", "share of questionable Kano answers", "<=", 0.10, "Berger et al. 1993",
       "题对措辞可被理解", "the question pair is understood"),
    _t("ordinal_categories", "answer categories of an item", ">=", 5, "Rhemtulla, Brosseau-Liard & Savalei 2012",
       "可按连续变量用 ML 估计", "ML treating the item as continuous is adequate"),
    _t("skew_severe", "absolute skewness", "<=", 2.0, "Curran, West & Finch 1996", "偏度不严重", "no severe skewness"),
    _t("kurtosis_severe", "absolute excess kurtosis", "<=", 7.0, "Curran, West & Finch 1996", "峰度不严重",
       "no severe kurtosis"),
    _t("min_n_group", "respondents in a group", ">=", 30, "VanVoorhis & Morgan 2007",
       "组别样本量足以比较与排序", "enough respondents to compare or rank the group"),
    _t("min_n_cfa", "respondents for a CFA", ">=", 100, "Boomsma 1982; Kline 2016", "验证性因子分析", "a confirmatory factor analysis"),
    _t("min_n_efa", "respondents for an EFA", ">=", 100, "Gorsuch 1983; MacCallum et al. 1999", "探索性因子分析",
       "an exploratory factor analysis"),
    _t("min_n_gap", "respondent pairs for a gap test", ">=", 30, "VanVoorhis & Morgan 2007", "差距检验", "a gap test"),
    _t("min_n_ipa", "respondents per IPA attribute", ">=", 30, "VanVoorhis & Morgan 2007", "重要性—表现分析",
       "an importance-performance analysis"),
    _t("min_n_index", "respondents for a satisfaction index", ">=", 30, "VanVoorhis & Morgan 2007", "满意度指数及其置信区间",
       "a satisfaction index with its interval"),
    _t("min_n_weights", "respondents for objective weights", ">=", 30, "VanVoorhis & Morgan 2007", "客观赋权",
       "objective weights"),
    _t("min_n_regression", "respondents for derived importance (plus 8 per predictor)", ">=", 50, "Green 1991",
       "推导重要性（回归）", "derived importance (regression)"),
    _t("min_groups_ranking", "groups that reach the minimum n", ">=", 3, "servqual convention: two groups are compared, not ranked",
       "可以对各组排序", "the groups can be ranked"),
    _t("listwise_loss", "share of rows listwise deletion drops", "<=", 0.05, "Schafer 1999; Graham 2009",
       "成列删除的损失可忽略", "the rows lost to listwise deletion are inconsequential"),
]}

#: The missing-data policies an analysis states with its numbers (``missing_policy`` in results), with
#: what each means and where the field uses it.
MISSING_POLICIES: dict[str, Text] = {
    "available": Text(zh="逐题可用个案（每题用回答了该题的行）", en="available cases per item (each item on the rows that answered it)"),
    "pairwise": Text(zh="成对删除（每对题用同时回答两题的行）", en="pairwise deletion (each pair of items on the rows that answered both)"),
    "within_dimension": Text(zh="维度内成列删除（每个维度用回答了该维度全部题目的行）",
                             en="listwise within the dimension (each dimension on the rows that answered all its items)"),
    "listwise": Text(zh="成列删除（只用所有相关题目都有回答的行）", en="listwise deletion (only rows that answered every item used)"),
    "fiml": Text(zh="全信息最大似然（每行用其全部已答题目）", en="full-information maximum likelihood (every row with the items it answered)"),
}

#: The four Hu & Bentler (1999) fit cut-offs, in the order reports list them.
HU_BENTLER = ("cfi", "tli", "rmsea", "srmr")


def _g(lower, zh, en) -> Band:
    return Band(lower, Text(zh=zh, en=en))


#: Graded verbal scales, by key.
BANDS: dict[str, Bands] = {
    "kmo": Bands("kmo", "KMO", (
        _g(0.9, "极佳", "marvelous"), _g(0.8, "良好", "meritorious"), _g(0.7, "中等", "middling"),
        _g(0.6, "平庸", "mediocre"), _g(0.5, "较差", "miserable")), Text(zh="不可接受", en="unacceptable"),
        "Kaiser 1974"),
    "eta_sq": Bands("eta_sq", "eta squared / omega squared", (
        _g(0.14, "大", "large"), _g(0.06, "中", "medium"), _g(0.01, "小", "small")), Text(zh="可忽略", en="negligible"),
        "Cohen 1988"),
    "alpha": Bands("alpha", "Cronbach's alpha", (
        _g(0.9, "优秀", "excellent"), _g(0.8, "良好", "good"), _g(0.7, "可接受", "acceptable"),
        _g(0.6, "勉强", "questionable"), _g(0.5, "较差", "poor")), Text(zh="不可接受", en="unacceptable"),
        "George & Mallery 2003"),
}


def dot(v: float, nd: int = 2) -> str:
    """A cut-off without its leading zero, as APA writes bounded statistics.

    >>> dot(0.7), dot(0.05)
    ('.70', '.05')
    """
    return f"{v:.{nd}f}".lstrip("0")


def author_year(citation: str) -> str:
    """A ``"Author Year"`` citation as ``"Author (Year)"``.

    >>> author_year("Nunnally 1978")
    'Nunnally (1978)'
    """
    who, year = citation.rsplit(" ", 1)
    return f"{who} ({year})"


def threshold(key: str) -> Threshold:
    """The cut-off named ``key`` (a clear error naming the known keys otherwise)."""
    try:
        return THRESHOLDS[key]
    except KeyError:
        raise KeyError(f"no threshold {key!r}; known: {', '.join(THRESHOLDS)}") from None


#: The minimum evidence of each analysis of a study: ``{analysis: THRESHOLDS key}``. A study section whose
#: input falls short is skipped with the reason (derived importance needs 50 + 8 per predictor, Green 1991).
MIN_N: dict[str, str] = {"efa": "min_n_efa", "cfa": "min_n_cfa", "gaps": "min_n_gap", "ipa": "min_n_ipa",
                         "satisfaction_index": "min_n_index", "weights": "min_n_weights", "derived_importance": "min_n_regression",
                         "group_comparison": "min_n_group", "group_ranking": "min_groups_ranking"}


def min_n(key: str, predictors: int = 0) -> int:
    """The minimum n of the rule ``key`` (with ``predictors`` for Green's 50 + 8m).

    >>> min_n("min_n_cfa"), min_n("min_n_regression", predictors=8)
    (100, 114)
    """
    t = THRESHOLDS[key]
    return int(t.value) + (8 * int(predictors) if key == "min_n_regression" else 0)


def min_n_table(lang: str = "en") -> pd.DataFrame:
    """The minimum n per analysis with its source: ``analysis, minimum, citation``.

    >>> min_n_table().set_index("analysis").loc["cfa", "minimum"]
    '100'
    """
    check_lang(lang)
    rows = []
    for what, key in MIN_N.items():
        t = THRESHOLDS[key]
        rule = f"{t.value:g}" + (" + 8 per predictor" if key == "min_n_regression" else "")
        if key == "min_groups_ranking":
            rule = f"{t.value:g} groups of n >= {THRESHOLDS['min_n_group'].value:g}"
        rows.append({"analysis": what, "meaning": t.meaning.get(lang), "minimum": rule, "citation": t.citation})
    return pd.DataFrame(rows)


def table(lang: str = "en") -> pd.DataFrame:
    """Every cut-off and band as one table: ``key, statistic, rule, meaning, citation``.

    >>> table().set_index("key").loc["ave", "rule"]
    'AVE >= 0.5'
    """
    check_lang(lang)
    rows = [{"key": t.key, "statistic": t.statistic, "rule": f"{t.statistic} {t.op} {t.value:g}",
             "meaning": t.meaning.get(lang), "citation": t.citation} for t in THRESHOLDS.values()]
    for b in BANDS.values():
        grades = "; ".join(f">= {g.lower:g} {g.name.get(lang)}" for g in b.grades) + f"; below: {b.below.get(lang)}"
        rows.append({"key": b.key + "_bands", "statistic": b.statistic, "rule": grades,
                     "meaning": "", "citation": b.citation})
    return pd.DataFrame(rows)
