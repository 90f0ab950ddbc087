"""The whole study in one call: read, screen, analyse and write a client report (HTML, Excel, Word).

:func:`study_report` turns scored responses and their questionnaire into a :class:`servqual.report.Report`
whose sections follow a service-quality study from the sample to the improvement priorities:

1. sample and screening -- rows read, missing answers, careless-response screening and exclusions;
2. item analysis -- item statistics, critical ratio, corrected item-total correlation, alpha if deleted;
3. reliability -- Cronbach's alpha with its Feldt CI and McDonald's omega, per dimension and overall;
4. validity -- KMO / Bartlett, parallel analysis, EFA, CFA fit and loadings, CR / AVE, Fornell-Larcker,
   HTMT, Harman's single-factor test;
5. indicator weights -- entropy and CRITIC weights of the dimensions, their game-theory combination, AHP;
6. SERVQUAL gaps, 7. importance-performance analysis, 8. Kano -- when the questionnaire asks for them;
9. evaluation -- satisfaction index (0-100), group comparison, KPI attainment, TOPSIS of the segments;
10. priorities -- what to improve first, in plain sentences.

Every section carries short interpretation sentences, in Chinese and in English, that cite the
thresholds they apply. A section whose inputs are absent (no expectation block, no KPIs, ...) is kept
with the reason it was left out. Respondent PII columns declared in the questionnaire never reach a
table. :func:`run_study` does everything from a file (or a bundled data set) to the written files and
``results.json``; ``servqual report`` calls it.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from servqual._results import dumps, records
from servqual._text import T, Text, check_lang, join_names
from servqual.exceptions import AnalysisError, ServqualError, ServqualWarning
from servqual.survey.instrument import Instrument, load_instrument
from servqual.reporting.report import Report, Section
from servqual.thresholds import BANDS

__all__ = ["study_report", "run_study", "STUDY_SECTIONS"]

#: Section keys of :func:`study_report`, in document order.
STUDY_SECTIONS = ("sample", "items", "reliability", "validity", "weights", "gaps", "ipa", "kano", "evaluation",
                  "priorities")

# Errors an analysis step may raise on unsuitable data; anything else is a defect and propagates.
_EXPECTED = (ServqualError, ValueError, np.linalg.LinAlgError)


# ---------------------------------------------------------------------------------------------------
# column labels (readable table headers in both languages)
# ---------------------------------------------------------------------------------------------------
_LABELS = {
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
    "welch_f": T("Welch F", "Welch F"), "welch_df1": T("df1", "df1"), "welch_df2": T("df2", "df2"),
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
}

_RULES_ZH = {
    "straightlining": "同一题组的全部题项选择同一选项（直线作答）",
    "longstring": "连续相同作答的最长长度达到阈值",
    "attention": "未通过注意力检测题",
    "too_fast": "作答时间短于最短时长",
    "mahalanobis": "多元离群值（马氏距离 D² 的 p 值小于阈值）",
    "duplicate_id": "受访者编号重复（保留首次出现）",
    "duplicate_answers": "作答模式与之前的受访者完全相同",
    "missing": "未作答题项比例超过上限",
}

_DECISION = {"keep": T("保留", "keep"), "review": T("待审", "review"), "drop": T("建议删除", "drop")}
_STATUS = {"green": T("绿（达标）", "green (met)"), "amber": T("黄（接近目标）", "amber (close)"),
           "red": T("红（未达标）", "red (missed)"), "no target": T("无目标", "no target")}


# ---------------------------------------------------------------------------------------------------
# small formatting helpers
# ---------------------------------------------------------------------------------------------------
def _f(v, nd: int = 3) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "NA"
    return "NA" if not math.isfinite(v) else f"{v:.{nd}f}"


def _p(p) -> str:
    """APA-style p: ``< .001`` or ``= .023``."""
    try:
        p = float(p)
    except (TypeError, ValueError):
        return "= NA"
    if not math.isfinite(p):
        return "= NA"
    return "< .001" if p < 0.001 else "= " + f"{p:.3f}".lstrip("0")


def _pct(v, nd: int = 1) -> str:
    return "NA" if v is None or not np.isfinite(v) else f"{100 * v:.{nd}f}%"


# ---------------------------------------------------------------------------------------------------
# study context
# ---------------------------------------------------------------------------------------------------
@dataclass
class _Study:
    inst: Instrument
    lang: str
    report: Report
    kept: pd.DataFrame
    results: dict = field(default_factory=dict)  # JSON-ready study keys
    notes: list = field(default_factory=list)  # figure failures and warnings (English), for results.json
    objects: dict = field(default_factory=dict)  # analysis results reused by later sections
    segment: str | None = None
    figures: bool = True

    # ---- names ----------------------------------------------------------------------------------
    def dim_name(self, d) -> Text:
        try:
            dim = self.inst.dimension(str(d))
        except KeyError:
            if str(d) in ("all", "overall"):
                return T("总量表", "whole instrument") if d == "all" else T("总体", "overall")
            return T(str(d), str(d))
        return Text(zh=dim.name.get("zh", dim.id), en=dim.name.get("en", dim.id))

    def dim_label(self, d, lang: str) -> str:
        return self.dim_name(d).get(lang)

    def item_text(self, key) -> Text:
        """Wording of an item by item id or data column (any block); an empty Text when unknown."""
        lut = self.objects.get("_item_lut")
        if lut is None:
            lut = {}
            bids = [b.id for b in self.inst.blocks] or [""]
            for it in self.inst.items:
                lut[it.id] = it.text
                for bid in bids:
                    col = it.column(bid)
                    if col:
                        lut[col] = it.text
            for it in list(self.inst.outcomes) + list(self.inst.attention_checks):
                lut[it.id] = it.text
                lut[it.column()] = it.text
            self.objects["_item_lut"] = lut
        return lut.get(str(key), Text())

    def item_id(self, column) -> str:
        for it in self.inst.items:
            if column in dict(it.columns).values() or column == it.id:
                return it.id
        return str(column)

    # ---- building blocks ------------------------------------------------------------------------
    def table(self, sec: Section, key: str, title, frame: pd.DataFrame, note=None, decimals=3, labels=None) -> None:
        lab = {c: _LABELS[c] for c in frame.columns if isinstance(c, str) and c in _LABELS}
        lab.update(labels or {})
        for n in frame.index.names:
            if isinstance(n, str) and n in _LABELS and n not in lab:
                lab[n] = _LABELS[n]
        sec.add_table(key, title, frame, note=note, decimals=decimals, column_labels=lab or None)

    def run(self, sec: Section, what: Text, fn: Callable[[], Any]):
        """Run one analysis step: expected errors become a sentence in the section, warnings are kept as notes."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = fn()
            except _EXPECTED as err:
                msg = str(err)
                sec.add_paragraph(T(f"{what.zh}未能完成：{msg}", f"{what.en} could not be computed: {msg}"))
                self.notes.append(f"{sec.key}: {what.en} could not be computed: {msg}")
                out = None
        seen = set()
        for w in caught:
            if issubclass(w.category, ServqualWarning):
                msg = str(w.message)
                if msg in seen:
                    continue
                seen.add(msg)
                sec.add_paragraph(T(f"提示（{what.zh}）：{msg}", f"Warning ({what.en}): {msg}"))
                self.notes.append(f"{sec.key}: warning ({what.en}): {msg}")
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return out

    def figure(self, sec: Section, key: str, title: Text, draw: Callable[[Any], Any]) -> None:
        """Add the figure drawn by ``draw(servqual.plots)`` (an Axes or a Figure).

        The figure is rendered to PNG at once and closed. A missing plotting module, or a plot that
        fails, becomes a sentence in the section (and a note in ``results.json``), never an error.
        """
        if not self.figures:
            return
        png, why = None, None
        try:
            from servqual.reporting import plots
        except ImportError as err:
            plots, why = None, f"the plotting module is not available ({err})"
        if plots is not None:
            import matplotlib.pyplot as plt

            fig = None
            try:
                out = draw(plots)
                fig = out if hasattr(out, "savefig") else out.figure
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", facecolor="white")
                png = buf.getvalue()
            except Exception as err:  # a figure must never break the report; the failure is reported below
                why = f"{type(err).__name__}: {err}"
            finally:
                if fig is not None:
                    plt.close(fig)
        if png is not None:
            sec.add_figure(key, title, png)
            return
        sec.add_paragraph(T(f"图“{title.zh}”未能绘制：{why}。", f"Figure \"{title.en}\" was not drawn: {why}."))
        self.notes.append(f"{sec.key}: figure {key} not drawn: {why}")


# ---------------------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------------------
def study_report(data, instrument=None, *, lang: str = "zh", exclude=("straightlining",), segment=None, seed: int = 42,
                 title=None, ahp=None, figures: bool = True) -> Report:
    """The whole study as a report: sample, items, reliability, validity, weights, gaps, IPA, Kano,
    evaluation and priorities, each with interpretation sentences in Chinese and English.

    Parameters
    ----------
    data : Responses or pandas.DataFrame
        Responses read with :func:`servqual.read_responses` (preferred: screening then sees the answers
        as given and the report names the data file) or a scored DataFrame with the questionnaire's columns.
    instrument : Instrument or str, optional
        The questionnaire (default: ``data.instrument`` of a Responses).
    lang : {"zh", "en"}
        Default language of the report (every text is bilingual; the exporters take ``lang`` too).
    exclude : iterable of str
        Screening rules that exclude a respondent (see :func:`servqual.screen`; default
        ``("straightlining",)``; ``()`` keeps everyone and only flags).
    segment : str or False, optional
        Segment column for the by-group results (satisfaction index, group comparison, KPIs, TOPSIS).
        Default: the first segment declared in the questionnaire that has 2 to 20 groups in the kept
        data; ``False`` for none.
    seed : int
        Seed of parallel analysis (and anything else random).
    title : Text, str or (zh, en), optional
        Report title (default from the questionnaire's title).
    ahp : pandas.DataFrame, AHPResult or dict, optional
        Expert judgements for AHP: a pairwise matrix of the dimensions (rows and columns named by
        dimension id), an :class:`~servqual.weights.AHPResult`, or a hierarchy dict for
        :func:`servqual.weights.ahp_hierarchy`. Without it, AHP weights are computed only when the
        questionnaire's hierarchy carries judgement matrices; otherwise the report says so.
    figures : bool
        Draw the figures (with :mod:`servqual.plots`; default True). Drawing is most of the run time;
        Excel output does not use them.

    Returns
    -------
    Report
        Sections (keys in :data:`STUDY_SECTIONS`): ``sample, items, reliability, validity, weights, gaps,
        ipa, kano, evaluation, priorities``. Sections whose inputs are absent are kept with
        ``skipped`` set to the reason. ``report.meta["pii"]`` holds the questionnaire's PII columns
        (dropped from every table by the exporters; the study never puts respondent-level data in a
        table except the exclusion log, which names respondents by id or file row).
        ``report.meta["_results"]`` holds the study's key numbers (JSON-ready, used by
        :func:`run_study` for ``results.json``) and ``report.meta["_measurement"]`` the
        :class:`~servqual.measurement.MeasurementReport`.

    Notes
    -----
    Every analysis runs on the respondents kept after screening. Reliability and validity use the
    analysis block's items (e.g. perception) with listwise deletion, exactly as
    :func:`servqual.measurement_report` (whose numbers are tested against R psych / lavaan / semTools).
    Thresholds cited: alpha and omega >= .70 (Nunnally 1978; alpha bands after George & Mallery 2003);
    critical ratio >= 3 with p < .05 on 27 % extreme groups (Kelley 1939), corrected item-total r >= .40;
    KMO bands (Kaiser 1974); Horn's (1965) parallel analysis; loadings >= .50 (Hair et al. 2019);
    CFI / TLI >= .95, RMSEA <= .06, SRMR <= .08 (Hu & Bentler 1999); CR >= .70, AVE >= .50 and
    Fornell-Larcker (1981); HTMT < .85 / .90 (Henseler, Ringle & Sarstedt 2015); Harman's first factor
    < 50 % (Podsakoff et al. 2003); entropy weights (Shannon; Zeleny 1982), CRITIC (Diakoulaki et al.
    1995), game-theory combination; AHP CR < .10 (Saaty 1980); SERVQUAL gaps (Parasuraman et al. 1988)
    with Holm-adjusted paired t tests; IPA quadrants (Martilla & James 1977); Kano (Berger et al. 1993);
    TOPSIS (Hwang & Yoon 1981).

    The satisfaction index weighs the dimensions by stated importance when the questionnaire has an
    importance block, otherwise by the combined objective weights of section 5 (said in the report).

    Example
    -------
    >>> import servqual as sq
    >>> rep = sq.study_report(sq.read_dataset("kiosk"), lang="en")          # doctest: +SKIP
    >>> paths = rep.write("kiosk-report", formats=("html", "xlsx"))           # doctest: +SKIP
    """
    from servqual.survey.io import Responses
    from servqual.survey.screening import screen

    check_lang(lang)
    if instrument is None:
        if not isinstance(data, Responses):
            raise AnalysisError("give the questionnaire: study_report(data, instrument); only servqual Responses carry their own")
        inst = data.instrument
    else:
        inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if isinstance(data, Responses):
        frame, source = data.data, Path(str(data.source)).name
    elif isinstance(data, pd.DataFrame):
        frame, source = data, None
    else:
        raise TypeError(f"data must be servqual Responses or a pandas DataFrame, got {type(data).__name__}")
    exclude = [] if exclude is None else ([exclude] if isinstance(exclude, str) else list(exclude))
    pii = [str(c) for c in inst.pii]
    if isinstance(segment, str) and segment in pii:
        raise AnalysisError(f"segment {segment!r} is a PII column of the questionnaire; PII never goes into a report. "
                            "Choose another segment column.")

    if title is None:
        t_zh = inst.title.get("zh", inst.id)
        t_en = inst.title.get("en", inst.id)
        title = T(f"{t_zh}：研究报告", f"{t_en}: study report")
    meta = {"data": source, "instrument": inst, "n": int(len(frame)), "pii": pii}
    rep = Report(title, meta=meta, lang_default=lang)

    sec = rep.add_section("sample", T("样本与数据筛查", "Sample and screening"))
    scr = screen(data, inst, exclude=exclude)
    kept = scr.kept
    st = _Study(inst=inst, lang=lang, report=rep, kept=kept, figures=bool(figures))
    st.segment = _choose_segment(st, segment)
    _sample_section(st, sec, frame, scr, source)

    mr = _measurement(st, seed)
    _items_section(st, rep.add_section("items", T("题项分析", "Item analysis")), mr)
    _reliability_section(st, rep.add_section("reliability", T("信度分析", "Reliability")), mr)
    _validity_section(st, rep.add_section("validity", T("效度分析", "Validity")), mr, seed)
    _weights_section(st, rep.add_section("weights", T("指标权重", "Indicator weights")), ahp)
    _gaps_section(st, rep.add_section("gaps", T("SERVQUAL 服务质量差距", "SERVQUAL gaps")))
    _ipa_section(st, rep.add_section("ipa", T("重要性—表现分析（IPA）", "Importance-performance analysis (IPA)")))
    _kano_section(st, rep.add_section("kano", T("Kano 模型分析", "Kano analysis")))
    _evaluation_section(st, rep.add_section("evaluation", T("综合评价", "Evaluation")))
    _priorities_section(st, rep.add_section("priorities", T("改进优先事项", "Improvement priorities")))

    st.results["sections"] = [
        {"key": s.key, "title_zh": s.title.get("zh"), "title_en": s.title.get("en"),
         "skipped": None if s.skipped is None else s.skipped.get("en"),
         "skipped_zh": None if s.skipped is None else s.skipped.get("zh")}
        for s in rep.sections
    ]
    st.results["segment"] = st.segment
    st.results["exclusion_rules"] = list(exclude)
    st.results["notes"] = list(st.notes)
    rep.meta["description"] = T(
        f"读取 {len(frame)} 份，剔除 {len(frame) - len(kept)} 份，保留 {len(kept)} 份用于分析"
        + (f"；分组变量：{st.segment}" if st.segment else ""),
        f"{len(frame)} responses read, {len(frame) - len(kept)} excluded, {len(kept)} analysed"
        + (f"; segment: {st.segment}" if st.segment else ""),
    )
    rep.meta["_results"] = st.results
    rep.meta["_measurement"] = mr
    return rep


def run_study(path_or_dataset, instrument=None, out_dir="servqual-report", *, lang: str = "zh",
              formats=("html", "xlsx", "docx"), encoding: str | None = None, sheet=None, **kw) -> dict:
    """Read, screen, analyse and write the study report and ``results.json``.

    Parameters
    ----------
    path_or_dataset : str, Path or Responses
        A data file (CSV, Excel, SPSS) read against ``instrument``; the name of a bundled data set
        (``"kiosk"``, ``"mobi"``, ``"bfi"``, ... see :func:`servqual.list_datasets`) when
        ``instrument`` is None; or responses already read.
    instrument : Instrument or str, optional
        The questionnaire (YAML path or bundled survey name). Required for a data file.
    out_dir : str or Path
        Output folder (created when missing).
    lang : {"zh", "en"}
    formats : iterable of {"html", "xlsx", "docx"} or a comma-separated str
    encoding, sheet
        Passed to :func:`servqual.read_responses`.
    **kw
        Passed to :func:`study_report` (``exclude``, ``segment``, ``seed``, ``title``, ``ahp``, ``figures``;
        figures are drawn by default only when HTML or Word output is asked for).

    Returns
    -------
    dict
        ``{format: Path}`` of the report files (``report.html``, ``report.xlsx``, ``report.docx``) and
        ``"json"``: ``results.json``, which holds the keys of ``servqual analyze``
        (:meth:`MeasurementReport.to_json_dict`: ``n_rows, n_used, missing_policy, reliability,
        item_analysis, kmo, bartlett, parallel_analysis, cfa_fit, cfa_loadings, construct_validity, htmt``
        ...) plus ``servqual_version, survey, survey_file, data_file`` and ``study`` (rows read / kept,
        exclusions, segment, sections with their skip reasons, weights, satisfaction index, gaps,
        priorities, notes).

    Raises
    ------
    AnalysisError
        A data file without a questionnaire, or an unknown data-set name.
    DataValidationError
        The data do not fit the questionnaire (see :func:`servqual.read_responses`).

    Example
    -------
    >>> paths = run_study("kiosk", out_dir="kiosk-report", lang="en")  # doctest: +SKIP
    >>> sorted(paths)                                                   # doctest: +SKIP
    ['docx', 'html', 'json', 'xlsx']
    """
    from servqual._version import __version__
    from servqual.survey.datasets import list_datasets, read_dataset
    from servqual.survey.io import Responses, read_responses
    from servqual.psychometrics.measurement import RESULTS_KEYS

    read_kw = {k: v for k, v in (("encoding", encoding), ("sheet", sheet)) if v is not None}
    if isinstance(path_or_dataset, Responses):
        resp = path_or_dataset
        if instrument is not None:
            inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
            resp = Responses(**{**resp.__dict__, "instrument": inst})
    elif instrument is None:
        name = str(path_or_dataset)
        names = list_datasets()["name"].tolist()
        if name not in names:
            raise AnalysisError(f"{name!r} is not a bundled data set ({', '.join(names)}); for your own data give the "
                                "questionnaire too: run_study(data_file, survey_yaml)")
        resp = read_dataset(name, **read_kw)
    else:
        inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
        resp = read_responses(path_or_dataset, inst, **read_kw)
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    from servqual.reporting.report import FORMATS, ReportError

    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ReportError(f"Unknown report format(s) {bad}; choose from {list(FORMATS)}.")
    kw.setdefault("figures", any(f in ("html", "docx") for f in formats))
    rep = study_report(resp, resp.instrument, lang=lang, **kw)
    paths = rep.write(out_dir, formats=formats, lang=lang)
    mr = rep.meta.get("_measurement")
    doc = {"servqual_version": __version__, "survey": resp.instrument.id, "survey_file": resp.instrument.source,
           "data_file": Path(str(resp.source)).name}
    if mr is not None:
        doc.update(mr.to_json_dict())
    else:
        doc.update({"n_rows": int(len(resp.data)), "n_used": 0, "missing_policy": "listwise"})
        doc.update({k: [] for k in RESULTS_KEYS})
    doc["study"] = rep.meta.get("_results", {})
    out = Path(out_dir) / "results.json"
    out.write_text(dumps(doc), encoding="utf-8")
    paths = dict(paths)
    paths["json"] = out
    return paths


# ---------------------------------------------------------------------------------------------------
# 1 sample and screening
# ---------------------------------------------------------------------------------------------------
def _analysis_block_text(inst: Instrument) -> Text:
    if not inst.blocks:
        return T("全部题项", "all items")
    b = inst.block(inst.analysis_block)
    return Text(zh=b.text.get("zh", b.id) if b.text else f"{b.id}（{b.role}）",
                en=b.text.get("en", b.id) if b.text else f"{b.id} ({b.role})")


def _choose_segment(st: _Study, segment) -> str | None:
    kept, inst = st.kept, st.inst
    if segment is False:
        return None
    if segment is not None:
        if segment not in kept.columns:
            raise AnalysisError(f"segment column {segment!r} is not in the data"
                                + (f"; the questionnaire's segments are {', '.join(inst.segments)}" if inst.segments else ""))
        return str(segment)
    for c in inst.segments:
        if c in inst.pii or c not in kept.columns:
            continue
        counts = kept[c].dropna().value_counts()
        if 2 <= len(counts) <= 20 and (counts >= 2).sum() >= 2:
            return str(c)
    return None


def _sample_section(st: _Study, sec: Section, frame: pd.DataFrame, scr, source) -> None:
    inst, kept = st.inst, st.kept
    cols = [c for c in inst.columns().values() if c in frame.columns]
    x = frame[cols].apply(pd.to_numeric, errors="coerce")
    n_read, k = len(frame), len(cols)
    miss = float(x.isna().to_numpy().mean()) if k and n_read else float("nan")
    complete = int(x.notna().all(axis=1).sum())
    xk = kept[cols].apply(pd.to_numeric, errors="coerce")
    complete_kept = int(xk.notna().all(axis=1).sum())
    n_excl = n_read - len(kept)
    block = _analysis_block_text(inst)

    over = pd.DataFrame({
        "statistic": [T("读取的问卷", "Responses read"),
                      T("分析题组全部作答完整", "Complete on every analysis item"),
                      T("筛查剔除", "Excluded by screening"),
                      T("保留用于分析", "Kept for analysis"),
                      T("保留且完整（信度、效度分析所用）", "Kept and complete (used by reliability and validity)")],
        "n": [n_read, complete, n_excl, len(kept), complete_kept],
    })
    over["share"] = over["n"] / n_read if n_read else np.nan
    src = f"（{source}）" if source else ""
    src_en = f" ({source})" if source else ""
    sec.add_paragraph(T(
        f"共读取 {n_read} 份问卷{src}。分析题组“{block.zh}”共 {k} 个题项，缺失答案占全部答案的 {_pct(miss)}，"
        f"{complete} 份问卷（{_pct(complete / n_read if n_read else np.nan)}）在全部题项上作答完整。",
        f"{n_read} responses were read{src_en}. The analysis block \"{block.en}\" has {k} items; {_pct(miss)} of its "
        f"answers are missing and {complete} respondents ({_pct(complete / n_read if n_read else np.nan)}) answered every item.",
    ))
    rules = list(scr.rules)
    if rules:
        log = scr.exclusion_log
        counts = {r: int(log["reasons"].str.contains(r, regex=False).sum()) for r in rules} if len(log) else {r: 0 for r in rules}
        sec.add_paragraph(T(
            "剔除规则：" + "；".join(f"{_RULES_ZH[r]}（{counts[r]} 份）" for r in rules)
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
        f"马氏距离 D² 的 p < {s['mahalanobis_alpha']}（Meade & Craig 2012）；未作答比例 > {_pct(s['max_missing'], 0)}。"
        f"信度与效度分析采用列表删除（listwise），使用保留且完整的 {complete_kept} 份问卷。",
        f"Criteria: longest run of identical answers >= {s['longstring_threshold']} (half the items of the longest block, "
        f"Johnson 2005); Mahalanobis D² p < {s['mahalanobis_alpha']} (Meade & Craig 2012); more than "
        f"{_pct(s['max_missing'], 0)} of items unanswered. Reliability and validity use listwise deletion: the "
        f"{complete_kept} kept respondents complete on every item.",
    ))
    st.table(sec, "sample", T("样本概况", "Sample"), over, decimals={"share": 3})
    st.figure(sec, "likert", T("分析题组各题项的作答分布", "Answer distribution of the analysis items"),
              lambda plots: plots.likert_bars(kept, inst, lang=st.lang))

    summ = scr.summary_table().copy()
    summ["rule"] = [T(_RULES_ZH.get(c, "、".join(rules) or "无（仅标记）"), r) if c in _RULES_ZH
                    else T("剔除规则：" + ("、".join(rules) or "无（仅标记）"), r) for c, r in zip(summ["check"], summ["rule"])]
    st.table(sec, "screening", T("作答质量筛查", "Screening of careless responses"), summ,
             note=T("“用于剔除”为“是”的检查才会剔除问卷；其余只作标记。", "Only checks marked \"used to exclude\" remove respondents."))
    if len(scr.exclusion_log):
        log = scr.exclusion_log.copy()
        if inst.respondent_id and inst.respondent_id in inst.pii:
            log = log.drop(columns=["respondent"])
        st.table(sec, "exclusions", T("剔除的问卷及原因", "Excluded respondents and reasons"), log)

    nmiss = x.isna().sum(axis=0)
    nmiss = nmiss[nmiss > 0].sort_values(ascending=False, kind="stable")
    if len(nmiss):
        mt = pd.DataFrame({"item": nmiss.index, "text": [st.item_text(c) for c in nmiss.index],
                           "n_missing": nmiss.to_numpy().astype(int), "share_missing": nmiss.to_numpy() / n_read})
        st.table(sec, "missing", T("各题项缺失情况", "Missing answers by item"), mt)
    if st.segment:
        comp = kept[st.segment].value_counts(dropna=False).sort_index()
        ct = pd.DataFrame({"group": [("（缺失）" if pd.isna(g) else g) for g in comp.index],
                           "n": comp.to_numpy().astype(int), "share": comp.to_numpy() / max(len(kept), 1)})
        ct["group"] = [T("（缺失）", "(missing)") if pd.isna(g) else str(g) for g in comp.index]
        st.table(sec, "segment", T(f"样本构成：{st.segment}", f"Sample by {st.segment}"), ct)
    st.results.update({"n_read": n_read, "n_kept": len(kept), "n_excluded": n_excl, "n_complete_kept": complete_kept,
                       "share_missing": miss})


# ---------------------------------------------------------------------------------------------------
# 2-4 measurement: item analysis, reliability, validity
# ---------------------------------------------------------------------------------------------------
def _measurement(st: _Study, seed: int):
    from servqual.psychometrics.measurement import measurement_report

    try:
        mr = measurement_report(st.kept, st.inst, seed=seed)
    except ImportError as err:
        st.objects["measurement_error"] = T(f"所需的分析模块不可用（{err}）", f"an analysis module is not available ({err})")
        st.notes.append(f"measurement report not computed: {err}")
        return None
    except _EXPECTED as err:
        st.objects["measurement_error"] = T(f"信度与效度分析无法进行：{err}", f"reliability and validity could not be computed: {err}")
        st.notes.append(f"measurement report not computed: {err}")
        return None
    for w in mr.warnings:
        st.notes.append(f"measurement: warning: {w}")
    return mr


def _skip_reason(mr, *keys) -> str:
    for k in keys:
        if k in mr.skipped:
            return mr.skipped[k]
    return "not computed"


def _items_section(st: _Study, sec: Section, mr) -> None:
    if mr is None:
        sec.skip(st.objects["measurement_error"])
        return
    ia = mr.item_analysis
    if not len(ia):
        sec.skip(T("没有可分析的维度（每个维度至少需要 2 个题项）", "no dimension with at least 2 items to analyse"))
        return
    rel = mr.reliability.set_index("scale") if len(mr.reliability) else pd.DataFrame()
    out = pd.DataFrame({"dimension": [st.dim_name(s) for s in ia["scale"]], "item": ia["item"],
                        "text": [st.item_text(c) for c in ia["item"]], "mean": ia["mean"], "sd": ia["sd"]})
    has_cr = "cr" in ia.columns
    if has_cr:
        out["cr"] = ia["cr"]
        out["cr_pval"] = ia["cr_pval"]
    out["r_drop"] = ia["r_drop"]
    out["alpha_if_deleted"] = ia["alpha_if_deleted"]
    problems_zh, problems_en = [], []
    for _, r in ia.iterrows():
        a = float(rel.loc[r["scale"], "alpha"]) if r["scale"] in rel.index else np.nan
        zh, en = [], []
        if has_cr and not (np.isfinite(r["cr"]) and r["cr"] >= 3 and r["cr_pval"] < 0.05):
            zh.append(f"CR = {_f(r['cr'], 2)}")
            en.append(f"CR = {_f(r['cr'], 2)}")
        if not r["r_drop"] >= 0.4:
            zh.append(f"校正题总相关 = {_f(r['r_drop'])}")
            en.append(f"r_drop = {_f(r['r_drop'])}")
        if np.isfinite(a) and r["alpha_if_deleted"] > a:
            zh.append(f"删除后α {_f(r['alpha_if_deleted'])} > {_f(a)}")
            en.append(f"alpha if deleted {_f(r['alpha_if_deleted'])} > {_f(a)}")
        if zh:
            problems_zh.append(f"{r['item']}（{'，'.join(zh)}）")
            problems_en.append(f"{r['item']} ({', '.join(en)})")
    if "decision" in ia.columns:
        out["decision"] = [_DECISION.get(d, T(str(d), str(d))) for d in ia["decision"]]
    sec.add_paragraph(T(
        "题项筛选采用三项标准：（1）高低分组（各 27%，Kelley 1939）独立样本 t 检验的决断值 CR ≥ 3.0 且 p < .05；"
        "（2）校正题总相关 ≥ 0.40；（3）删除该题后维度的 α 不升高。三项均达标为“保留”，一项未达标为“待审”，"
        "两项及以上未达标为“建议删除”；这些是统计上的筛查，是否删题还应结合内容效度判断。",
        "Items are screened on three criteria: (1) critical ratio (t test of the top vs the bottom 27 %, Kelley 1939) "
        ">= 3.0 with p < .05; (2) corrected item-total correlation >= 0.40; (3) the dimension's alpha does not rise "
        "when the item is deleted. All three met: keep; one failed: review; two or more: drop. These are statistical "
        "screens; content validity decides.",
    ))
    if not has_cr:
        sec.add_paragraph(T(f"决断值未计算：{_skip_reason(mr, *[k for k in mr.skipped if k.startswith('item analysis')])}。",
                            f"Critical ratios were not computed: {_skip_reason(mr, *[k for k in mr.skipped if k.startswith('item analysis')])}."))
    n_items = len(ia)
    if problems_zh:
        sec.add_paragraph(T(
            f"{n_items} 个题项中 {n_items - len(problems_zh)} 个三项均达标；未达标的题项：{'；'.join(problems_zh)}。",
            f"{n_items - len(problems_zh)} of {n_items} items meet every criterion; items that miss one or more: "
            f"{'; '.join(problems_en)}.",
        ))
    else:
        sec.add_paragraph(T(f"全部 {n_items} 个题项均达到三项标准。", f"All {n_items} items meet every criterion."))
    st.table(sec, "item_analysis", T("题项分析", "Item analysis"), out,
             note=T(f"n = {mr.n_used}（列表删除）；CR 为 Welch t 值。", f"n = {mr.n_used} (listwise); CR is the Welch t."))


def _reliability_section(st: _Study, sec: Section, mr) -> None:
    if mr is None:
        sec.skip(st.objects["measurement_error"])
        return
    rel = mr.reliability
    if not len(rel):
        sec.skip(T("没有可计算信度的维度", "no scale with at least 2 items"))
        return
    out = rel[["scale"]].copy()
    out["dimension_name"] = [st.dim_name(s) for s in rel["scale"]]
    for c in ("n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "alpha_std", "average_r", "omega_total"):
        if c in rel.columns:
            out[c] = rel[c].to_numpy()
    allrow = rel[rel["scale"] == "all"]
    dims = rel[rel["scale"] != "all"]
    if len(allrow):
        a = allrow.iloc[0]
        lab = BANDS["alpha"].band(float(a["alpha"]))
        sec.add_paragraph(T(
            f"总量表 Cronbach's α = {_f(a['alpha'])}（95% Feldt 置信区间 {_f(a['alpha_ci_low'])}–{_f(a['alpha_ci_high'])}），"
            f"信度{lab.zh}（George & Mallery 2003：≥ .90 优秀，≥ .80 良好，≥ .70 可接受）。",
            f"Cronbach's alpha of the whole instrument is {_f(a['alpha'])} (95% Feldt CI {_f(a['alpha_ci_low'])} to "
            f"{_f(a['alpha_ci_high'])}): {lab.en} (George & Mallery 2003: >= .90 excellent, >= .80 good, >= .70 acceptable).",
        ))
        st.results["alpha_all"] = float(a["alpha"])
    if len(dims):
        low = dims[dims["alpha"] < 0.7]
        rng = f"{_f(dims['alpha'].min())}–{_f(dims['alpha'].max())}"
        if len(low):
            names_zh = [f"{st.dim_label(s, 'zh')}（{_f(v)}）" for s, v in zip(low["scale"], low["alpha"])]
            names_en = [f"{st.dim_label(s, 'en')} ({_f(v)})" for s, v in zip(low["scale"], low["alpha"])]
            sec.add_paragraph(T(
                f"各维度 α 在 {rng} 之间；低于 0.70（Nunnally 1978）的维度：{'、'.join(names_zh)}，其内部一致性不足，"
                "解释这些维度得分时需谨慎。",
                f"Dimension alphas range from {rng.replace('–', ' to ')}; below 0.70 (Nunnally 1978): {', '.join(names_en)}, "
                "whose internal consistency is weak; interpret their scores with care.",
            ))
        else:
            sec.add_paragraph(T(f"各维度 α 在 {rng} 之间，均不低于 0.70（Nunnally 1978）。",
                                f"Dimension alphas range from {rng.replace('–', ' to ')}, all at least 0.70 (Nunnally 1978)."))
    om = rel["omega_total"] if "omega_total" in rel.columns else pd.Series(dtype=float)
    if om.notna().any():
        low = rel[(rel["scale"] != "all") & (rel["omega_total"] < 0.7)]
        oa = allrow["omega_total"].iloc[0] if len(allrow) else np.nan
        sec.add_paragraph(T(
            f"McDonald's ω（总量表按维度数取群因子，Schmid-Leiman；维度为单因子）：总量表 ω = {_f(oa)}；"
            + (f"低于 0.70 的维度：{'、'.join(st.dim_label(s, 'zh') for s in low['scale'])}。" if len(low) else "各维度 ω 均不低于 0.70。"),
            f"McDonald's omega (the whole instrument with one group factor per dimension, Schmid-Leiman; one factor per "
            f"dimension): omega = {_f(oa)} overall; "
            + (f"below 0.70: {', '.join(st.dim_label(s, 'en') for s in low['scale'])}." if len(low) else "every dimension >= 0.70."),
        ))
    else:
        why = _skip_reason(mr, "omega (all)", *[k for k in mr.skipped if k.startswith("omega")])
        sec.add_paragraph(T(f"McDonald's ω 未计算：{why}。", f"McDonald's omega was not computed: {why}."))
    st.table(sec, "reliability", T("信度系数", "Reliability coefficients"), out,
             labels={"scale": T("量表/维度代码", "Scale id")},
             note=T("α 的置信区间为 Feldt (1965) 法；“all”为总量表。", "Alpha CIs by Feldt (1965); \"all\" is the whole instrument."))


_FIT_CUTOFFS = [
    # column, zh label, en label, op, cut-off, source
    ("chi2_df", "χ²/df", "chi2/df", "<=", 3.0, "Kline 2016"),
    ("cfi", "CFI", "CFI", ">=", 0.95, "Hu & Bentler 1999"),
    ("tli", "TLI", "TLI", ">=", 0.95, "Hu & Bentler 1999"),
    ("rmsea", "RMSEA", "RMSEA", "<=", 0.06, "Hu & Bentler 1999"),
    ("srmr", "SRMR", "SRMR", "<=", 0.08, "Hu & Bentler 1999"),
    ("gfi", "GFI", "GFI", ">=", 0.90, "Jöreskog & Sörbom 1984"),
    ("agfi", "AGFI", "AGFI", ">=", 0.90, "Jöreskog & Sörbom 1984"),
]


def _fit_table(fit: pd.Series) -> pd.DataFrame:
    """CFA fit indices beside their cut-offs (Hu & Bentler 1999 for CFI, TLI, RMSEA, SRMR)."""
    rows = [{"index": T("χ²", "Chi-square"), "value": float(fit["chi2"]), "cutoff": "", "source": "", "met": None},
            {"index": T("自由度", "df"), "value": float(fit["df"]), "cutoff": "", "source": "", "met": None},
            {"index": T("p值", "p"), "value": float(fit["pval"]), "cutoff": "", "source": "", "met": None}]
    vals = dict(fit)
    vals["chi2_df"] = float(fit["chi2"]) / float(fit["df"]) if float(fit["df"]) > 0 else np.nan
    for col, zh, en, op, cut, src in _FIT_CUTOFFS:
        v = vals.get(col)
        if v is None or not np.isfinite(float(v)):
            continue
        v = float(v)
        met = v <= cut if op == "<=" else v >= cut
        label = T(zh, en)
        if col == "rmsea" and "rmsea_ci_low" in vals:
            label = T(f"RMSEA（90%CI {_f(vals['rmsea_ci_low'])}–{_f(vals['rmsea_ci_high'])}）",
                      f"RMSEA (90% CI {_f(vals['rmsea_ci_low'])} to {_f(vals['rmsea_ci_high'])})")
        rows.append({"index": label, "value": v, "cutoff": f"{'≤' if op == '<=' else '≥'} {cut:g}", "source": src,
                     "met": bool(met)})
    return pd.DataFrame(rows)


def _validity_section(st: _Study, sec: Section, mr, seed: int) -> None:
    if mr is None:
        sec.skip(st.objects["measurement_error"])
        return
    n_dims = len(mr.model)
    # KMO and Bartlett
    if len(mr.kmo) and len(mr.bartlett):
        k = float(mr.kmo.loc[mr.kmo["item"] == "overall", "msa"].iloc[0])
        b = mr.bartlett.iloc[0]
        lab = BANDS["kmo"].band(k)
        ok = b["pval"] < 0.05
        sec.add_paragraph(T(
            f"KMO = {_f(k)}（{lab.zh}；Kaiser 1974：≥ .90 极佳，≥ .80 良好，≥ .70 中等，≥ .60 平庸，≥ .50 较差）；"
            f"Bartlett 球形检验 χ²({int(b['df'])}) = {_f(b['chi2'], 1)}，p {_p(b['pval'])}，"
            + ("相关矩阵适合做因子分析。" if ok else "相关矩阵与单位矩阵无显著差异，不宜做因子分析。"),
            f"KMO = {_f(k)} ({lab.en}; Kaiser 1974: >= .90 marvelous, .80 meritorious, .70 middling, .60 mediocre, "
            f".50 miserable); Bartlett's test chi2({int(b['df'])}) = {_f(b['chi2'], 1)}, p {_p(b['pval'])}: "
            + ("the correlations suit factor analysis." if ok else "the correlation matrix does not differ from identity."),
        ))
        adeq = pd.DataFrame({"statistic": [T("KMO", "KMO"), T("Bartlett χ²", "Bartlett chi-square"), T("自由度", "df"),
                                           T("p值", "p")],
                             "value": [k, float(b["chi2"]), float(b["df"]), float(b["pval"])]})
        st.table(sec, "kmo_bartlett", T("KMO 与 Bartlett 球形检验", "KMO and Bartlett's test"), adeq, decimals={"value": 3})
        msa = mr.kmo[mr.kmo["item"] != "overall"].copy()
        msa.insert(1, "text", [st.item_text(c) for c in msa["item"]])
        low = msa[msa["msa"] < 0.6]
        if len(low):
            sec.add_paragraph(T(f"题项 MSA 低于 0.60 的：{'、'.join(low['item'])}，可考虑删除后重新分析。",
                                f"Items with MSA below 0.60: {', '.join(low['item'])}; consider removing them and re-running."))
        st.table(sec, "msa", T("各题项取样适切性（MSA）", "Measure of sampling adequacy by item"), msa)
    else:
        why = _skip_reason(mr, "KMO", "Bartlett")
        sec.add_paragraph(T(f"KMO 与 Bartlett 检验未计算：{why}。", f"KMO and Bartlett's test were not computed: {why}."))

    x = _mr_data(st, mr)
    # parallel analysis and scree
    if len(mr.parallel_analysis):
        pa = mr.parallel_analysis.iloc[0]
        sec.add_paragraph(T(
            f"平行分析（Horn 1965，随机数种子固定）建议保留 {int(pa['n_factors'])} 个因子、{int(pa['n_components'])} 个主成分；"
            f"问卷设计为 {n_dims} 个维度。",
            f"Parallel analysis (Horn 1965, seeded) suggests {int(pa['n_factors'])} factors and {int(pa['n_components'])} "
            f"components; the questionnaire has {n_dims} dimensions.",
        ))
        st.table(sec, "parallel", T("平行分析", "Parallel analysis"), mr.parallel_analysis.copy())
        ev = st.run(sec, T("平行分析特征值", "parallel-analysis eigenvalues"), lambda: _parallel_table(x, seed))
        if ev is not None:
            evt = ev.reset_index(drop=True)
            evt.insert(0, "position", np.arange(1, len(evt) + 1))
            st.table(sec, "eigenvalues", T("特征值与平行分析阈值", "Eigenvalues and parallel-analysis thresholds"), evt,
                     labels={"position": T("序号", "No."), "pc_observed": T("主成分特征值", "PC eigenvalue"),
                             "pc_sim_mean": T("随机数据均值（主成分）", "Random mean (PC)"),
                             "pc_sim_q": T("随机数据95%分位（主成分）", "Random 95th pct (PC)"),
                             "fa_observed": T("因子特征值", "FA eigenvalue"),
                             "fa_sim_mean": T("随机数据均值（因子）", "Random mean (FA)"),
                             "fa_sim_q": T("随机数据95%分位（因子）", "Random 95th pct (FA)")})
            if st.figures:
                st.figure(sec, "scree", T("碎石图与平行分析阈值", "Scree plot with parallel-analysis thresholds"),
                          lambda plots: plots.scree_plot(ev["pc_observed"], ev["pc_sim_q"], n_factors=int(pa["n_components"]),
                                                         lang=st.lang))
    else:
        why = _skip_reason(mr, "parallel analysis")
        sec.add_paragraph(T(f"平行分析未计算：{why}。", f"Parallel analysis was not computed: {why}."))
    # EFA
    if len(mr.efa_loadings):
        lo = mr.efa_loadings.copy()
        num = lo.select_dtypes(include=[np.number])
        lo.index = lo.index.rename("item")
        lo.insert(0, "text", [st.item_text(c) for c in lo.index])
        weak = (num.abs().max(axis=1) < 0.5).sum() if num.shape[1] else 0
        sec.add_paragraph(T(
            f"探索性因子分析（minres 提取，oblimin 斜交旋转，{n_dims} 个因子）：最大载荷低于 0.50（Hair et al. 2019）的题项 {int(weak)} 个。",
            f"Exploratory factor analysis (minres extraction, oblimin rotation, {n_dims} factors): {int(weak)} items have no "
            "loading of at least 0.50 (Hair et al. 2019).",
        ))
        st.table(sec, "efa_loadings", T("探索性因子分析载荷", "EFA loadings"), lo)
        st.figure(sec, "efa_heatmap", T("因子载荷热图", "Loading heatmap"),
                  lambda plots: plots.loading_heatmap(lo, st.inst, lang=st.lang))
    else:
        why = _skip_reason(mr, "EFA")
        sec.add_paragraph(T(f"探索性因子分析未计算：{why}。", f"Exploratory factor analysis was not computed: {why}."))
    # CFA
    if len(mr.cfa_fit):
        fit = mr.cfa_fit.iloc[0]
        ft = _fit_table(fit)
        hb = ft[ft["source"] == "Hu & Bentler 1999"]
        n_met = int(hb["met"].sum())
        sec.add_paragraph(T(
            f"验证性因子分析（ML 估计）：χ²({int(fit['df'])}) = {_f(fit['chi2'], 2)}，CFI = {_f(fit['cfi'])}，TLI = {_f(fit['tli'])}，"
            f"RMSEA = {_f(fit['rmsea'])}，SRMR = {_f(fit['srmr'])}；Hu & Bentler（1999）四项标准（CFI、TLI ≥ .95，RMSEA ≤ .06，"
            f"SRMR ≤ .08）达到 {n_met} 项。",
            f"Confirmatory factor analysis (ML): chi2({int(fit['df'])}) = {_f(fit['chi2'], 2)}, CFI = {_f(fit['cfi'])}, "
            f"TLI = {_f(fit['tli'])}, RMSEA = {_f(fit['rmsea'])}, SRMR = {_f(fit['srmr'])}; {n_met} of the 4 Hu & Bentler "
            "(1999) cut-offs met (CFI, TLI >= .95; RMSEA <= .06; SRMR <= .08).",
        ))
        st.table(sec, "cfa_fit", T("验证性因子分析拟合指数", "CFA fit indices"), ft)
    else:
        why = _skip_reason(mr, "CFA")
        sec.add_paragraph(T(f"验证性因子分析未计算：{why}。", f"Confirmatory factor analysis was not computed: {why}."))
    if len(mr.cfa_loadings):
        cl = mr.cfa_loadings.copy()
        if "dimension" in cl.columns:
            cl.insert(1, "dimension_name", [st.dim_name(d) for d in cl["dimension"]])
        if "item" in cl.columns:
            cl.insert(cl.columns.get_loc("item") + 1, "text", [st.item_text(c) for c in cl["item"]])
        weak = cl[cl["std_loading"] < 0.5]
        sec.add_paragraph(T(
            "标准化载荷 ≥ 0.70 为理想、≥ 0.50 可接受（Hair et al. 2019）；"
            + (f"低于 0.50 的题项：{join_names(weak['item'], 'zh')}。" if len(weak) else "全部题项载荷不低于 0.50。"),
            "Standardized loadings >= 0.70 are ideal and >= 0.50 acceptable (Hair et al. 2019); "
            + (f"below 0.50: {join_names(weak['item'], 'en')}." if len(weak) else "every item loads at least 0.50."),
        ))
        st.table(sec, "cfa_loadings", T("验证性因子分析标准化载荷", "CFA standardized loadings"), cl)
    # construct validity
    if len(mr.construct_validity):
        cv = mr.construct_validity.copy()
        cv.insert(1, "dimension_name", [st.dim_name(d) for d in cv["dimension"]])
        bad_cr = cv.loc[cv["cr"] < 0.7, "dimension"].tolist()
        bad_ave = cv.loc[cv["ave"] < 0.5, "dimension"].tolist()
        sec.add_paragraph(T(
            "组合信度 CR ≥ 0.70、平均方差抽取量 AVE ≥ 0.50 表示收敛效度良好（Fornell & Larcker 1981；Hair et al. 2019）；"
            + (f"CR 未达标：{'、'.join(st.dim_label(d, 'zh') for d in bad_cr)}；" if bad_cr else "各维度 CR 均达标；")
            + (f"AVE 未达标：{'、'.join(st.dim_label(d, 'zh') for d in bad_ave)}。" if bad_ave else "各维度 AVE 均达标。"),
            "Composite reliability >= 0.70 and AVE >= 0.50 indicate convergent validity (Fornell & Larcker 1981; Hair et al. "
            "2019); " + (f"CR below 0.70: {', '.join(st.dim_label(d, 'en') for d in bad_cr)}; " if bad_cr else "CR met by every dimension; ")
            + (f"AVE below 0.50: {', '.join(st.dim_label(d, 'en') for d in bad_ave)}." if bad_ave else "AVE met by every dimension."),
        ))
        st.table(sec, "construct_validity", T("组合信度与平均方差抽取量", "Composite reliability and AVE"), cv,
                 labels={"cr": _LABELS["cr_construct"]})
    elif len(mr.cfa_fit) or "construct validity" in mr.skipped:
        why = _skip_reason(mr, "construct validity", "CFA")
        sec.add_paragraph(T(f"组合信度与 AVE 未计算：{why}。", f"Composite reliability and AVE were not computed: {why}."))
    if len(mr.fornell_larcker):
        fl = mr.fornell_larcker.copy()
        if "passes" in fl.columns:
            fails = fl.index[~fl["passes"].astype(bool)].tolist()
            sec.add_paragraph(T(
                "区分效度（Fornell-Larcker 准则：各维度 √AVE 大于其与其他维度的相关系数）："
                + ("全部维度满足。" if not fails else f"不满足的维度：{'、'.join(st.dim_label(d, 'zh') for d in fails)}。"),
                "Discriminant validity (Fornell-Larcker: sqrt(AVE) above every correlation with another dimension): "
                + ("met by every dimension." if not fails else f"not met by {', '.join(st.dim_label(d, 'en') for d in fails)}."),
            ))
        st.table(sec, "fornell_larcker", T("Fornell-Larcker 区分效度", "Fornell-Larcker criterion"), fl)
    if len(mr.htmt):
        ht = mr.htmt.copy()
        hi = ht[ht["htmt"] >= 0.85]
        pairs_zh = [f"{st.dim_label(a, 'zh')}—{st.dim_label(b, 'zh')}（{_f(v, 2)}）" for a, b, v in
                    zip(hi["dimension_a"], hi["dimension_b"], hi["htmt"])]
        pairs_en = [f"{st.dim_label(a, 'en')}-{st.dim_label(b, 'en')} ({_f(v, 2)})" for a, b, v in
                    zip(hi["dimension_a"], hi["dimension_b"], hi["htmt"])]
        sec.add_paragraph(T(
            "HTMT 低于 0.85（严格）或 0.90（宽松）表示区分效度良好（Henseler, Ringle & Sarstedt 2015）；"
            + (f"达到或超过 0.85 的维度对：{join_names(pairs_zh, 'zh')}。" if pairs_zh else "全部维度对均低于 0.85。"),
            "HTMT below 0.85 (strict) or 0.90 (liberal) supports discriminant validity (Henseler, Ringle & Sarstedt 2015); "
            + (f"pairs at or above 0.85: {join_names(pairs_en, 'en')}." if pairs_en else "every pair is below 0.85."),
        ))
        st.table(sec, "htmt", T("HTMT 异质—单质比", "Heterotrait-monotrait ratio (HTMT)"), ht)
    elif "HTMT" in mr.skipped:
        sec.add_paragraph(T(f"HTMT 未计算：{mr.skipped['HTMT']}。", f"HTMT was not computed: {mr.skipped['HTMT']}."))
    if len(mr.harman):
        p = _harman_share(mr.harman)
        sec.add_paragraph(T(
            f"Harman 单因子检验：第一个主成分解释 {_pct(p)} 的方差"
            + ("，超过 50%，可能存在共同方法偏差（Podsakoff et al. 2003）。" if p > 0.5 else "，低于 50%（Podsakoff et al. 2003）。"),
            f"Harman's single-factor test: the first component explains {_pct(p)} of the variance "
            + ("(above 50 %: common-method variance may be a concern, Podsakoff et al. 2003)." if p > 0.5
               else "(below 50 %, Podsakoff et al. 2003)."),
        ))
        st.table(sec, "harman", T("Harman 单因子检验", "Harman's single-factor test"), mr.harman.copy())
    elif "Harman" in mr.skipped:
        sec.add_paragraph(T(f"Harman 单因子检验未计算：{mr.skipped['Harman']}。",
                            f"Harman's single-factor test was not computed: {mr.skipped['Harman']}."))
    for k, why in mr.skipped.items():
        if k == "formative dimensions":
            sec.add_paragraph(T(f"形成性维度不做信度与效度检验：{why}。", f"Formative dimensions: {why}."))
    for w in mr.warnings:
        sec.add_paragraph(T(f"提示：{w}", f"Warning: {w}"))


def _harman_share(h: pd.DataFrame) -> float:
    """Variance share of the first principal component from the Harman table (either layout)."""
    if "pca_proportion" in h.columns:
        return float(h["pca_proportion"].iloc[0])
    if "proportion_var" in h.columns:
        t = h.set_index("method") if "method" in h.columns else h
        if "pca" in t.index:
            return float(t.loc["pca", "proportion_var"])
    return float("nan")


def _parallel_table(x: pd.DataFrame, seed: int):
    """Observed eigenvalues of R beside the parallel-analysis thresholds (None when unavailable)."""
    try:
        from servqual.psychometrics.efa import parallel_analysis
    except ImportError:
        return None
    return parallel_analysis(x, seed=seed).eigenvalues


def _mr_data(st: _Study, mr) -> pd.DataFrame:
    """The analysis block's item columns of the kept rows, listwise complete (what measurement_report analysed)."""
    cols = [c for cs in mr.model.values() for c in cs]
    return st.kept[cols].apply(pd.to_numeric, errors="coerce").astype(float).dropna().reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------
# 5 weights
# ---------------------------------------------------------------------------------------------------
def _ahp_weights(st: _Study, sec: Section, ahp):
    """AHP weights of the dimensions from the given judgements, or from judgement matrices in the hierarchy."""
    from servqual.decision.weights import AHPResult, ahp as ahp_fn, ahp_hierarchy

    inst = st.inst
    judgements = ahp if ahp is not None else getattr(inst.hierarchy, "judgements", None)
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
        res = st.run(sec, T("AHP 层次分析", "AHP hierarchy"), lambda: ahp_hierarchy(judgements))
    else:
        res = st.run(sec, T("AHP 层次分析", "AHP"), lambda: ahp_fn(judgements))
    if res is None:
        return None
    tabs = res.tables()
    first = next(iter(tabs.values())).copy()
    st.table(sec, "ahp", T("AHP 权重", "AHP weights"), first)
    cr = getattr(res, "cr_total", getattr(res, "cr", np.nan))
    ok = bool(getattr(res, "consistent", cr < 0.1))
    sec.add_paragraph(T(
        f"AHP 一致性比率 CR = {_f(cr)}，" + ("小于 0.10，判断矩阵一致性可以接受（Saaty 1980）。" if ok else "未全部小于 0.10，应请专家修正判断（Saaty 1980）。"),
        f"AHP consistency ratio CR = {_f(cr)}: " + ("below 0.10, acceptable (Saaty 1980)." if ok
                                                   else "not every matrix is below 0.10; revise the judgements (Saaty 1980)."),
    ))
    w = res.weights
    dims = inst.dimension_ids
    if not set(map(str, w.index)) >= set(dims):
        sec.add_paragraph(T("AHP 指标不是问卷的各维度，故不与客观权重组合。",
                            "The AHP indicators are not the questionnaire's dimensions, so they are not combined with the objective weights."))
        return None
    w = w.loc[dims]
    return w / w.sum()


def _weights_section(st: _Study, sec: Section, ahp) -> None:
    from servqual.service.compare import dimension_scores
    from servqual.decision.weights import combine_weights, objective_weights

    inst = st.inst
    dims = inst.dimension_ids
    if len(dims) < 2:
        sec.skip(T("问卷只有一个维度，无需在维度之间分配权重", "the questionnaire has a single dimension; there is nothing to weigh"))
        return
    sc = st.run(sec, T("维度得分", "dimension scores"), lambda: dimension_scores(st.kept, inst))
    if sc is None:
        return
    x = sc[dims].dropna()
    ent = st.run(sec, T("熵权法", "entropy weights"), lambda: objective_weights(x, "entropy"))
    cri = st.run(sec, T("CRITIC 法", "CRITIC weights"), lambda: objective_weights(x, "critic"))
    if ent is None or cri is None:
        return
    comb = st.run(sec, T("组合赋权", "combined weights"),
                  lambda: combine_weights({"entropy": ent.weights, "critic": cri.weights}, method="game_theory"))
    if comb is None:
        return
    out = pd.DataFrame({"dimension": dims, "dimension_name": [st.dim_name(d) for d in dims],
                        "mean": x.mean().to_numpy(), "sd": x.std(ddof=1).to_numpy(),
                        "entropy": ent.weights.loc[dims].to_numpy(), "critic": cri.weights.loc[dims].to_numpy(),
                        "combined": comb.weights.loc[dims].to_numpy()})
    final = comb.weights.loc[dims]
    source = T("熵权法与 CRITIC 法的博弈论组合权重", "the game-theory combination of entropy and CRITIC weights")
    aw = _ahp_weights(st, sec, ahp)
    if aw is not None:
        both = st.run(sec, T("主客观组合赋权", "subjective-objective combination"),
                      lambda: combine_weights({"ahp": aw, "objective": final}, method="game_theory"))
        out["ahp"] = aw.to_numpy()
        if both is not None:
            final = both.weights.loc[dims]
            out["final"] = final.to_numpy()
            source = T("AHP 与客观组合权重的博弈论组合权重", "the game-theory combination of AHP and the objective weights")
    out["rank"] = final.rank(ascending=False, method="min").astype(int).to_numpy()
    c = comb.coefficients
    top, bottom = final.idxmax(), final.idxmin()
    sec.add_paragraph(T(
        f"以 {len(x)} 位受访者的维度得分（题项均值）为数据：熵权法按得分的离散程度赋权（信息熵越小、区分度越大，权重越大；"
        f"Shannon 熵，Zeleny 1982），CRITIC 法同时考虑对比强度（标准差）与冲突性（1 − r）（Diakoulaki et al. 1995）；"
        f"二者以博弈论方法组合（系数 {_f(c.get('entropy'))} 与 {_f(c.get('critic'))}）。",
        f"From the dimension scores (item means) of {len(x)} respondents: entropy weights grow with the dispersion of a "
        f"score (lower entropy, more information; Shannon entropy, Zeleny 1982); CRITIC combines contrast (SD) and "
        f"conflict (1 - r) (Diakoulaki et al. 1995); the two are combined by the game-theory method (coefficients "
        f"{_f(c.get('entropy'))} and {_f(c.get('critic'))}).",
    ))
    sec.add_paragraph(T(
        f"权重最大的维度是{st.dim_label(top, 'zh')}（{_f(final[top])}），最小的是{st.dim_label(bottom, 'zh')}（{_f(final[bottom])}）；"
        f"等权时每个维度为 {_f(1 / len(dims))}。客观权重反映数据的信息量，不等于顾客认为的重要性。",
        f"The largest weight goes to {st.dim_label(top, 'en')} ({_f(final[top])}), the smallest to "
        f"{st.dim_label(bottom, 'en')} ({_f(final[bottom])}); equal weights would be {_f(1 / len(dims))}. Objective weights "
        "measure information in the data, not the importance customers attach.",
    ))
    st.table(sec, "weights", T("维度权重", "Dimension weights"), out, decimals=4,
             labels={"ahp": T("AHP权重", "AHP"), "final": T("最终权重", "Final")})
    wcols = [c for c in ("entropy", "critic", "combined", "ahp", "final") if c in out.columns]
    st.figure(sec, "weights_bar", T("维度权重", "Dimension weights"),
              lambda plots: plots.weights_bar(out.set_index("dimension")[wcols], inst, lang=st.lang))
    st.objects["weights"] = final
    st.objects["weights_source"] = source
    st.results["weights"] = records(out.drop(columns=["dimension_name"]))


# ---------------------------------------------------------------------------------------------------
# 6 gaps, 7 IPA, 8 Kano
# ---------------------------------------------------------------------------------------------------
_LEVEL = {"item": T("题项", "item"), "dimension": T("维度", "dimension"), "overall": T("总体", "overall")}


def _gaps_section(st: _Study, sec: Section) -> None:
    from servqual.service.gap import gap_analysis

    inst = st.inst
    missing = [r for r in ("expectation", "perception") if not inst.has_block(r)]
    if missing:
        zh = {"expectation": "期望", "perception": "感知"}
        sec.skip(T(f"问卷没有{'和'.join(zh[m] for m in missing)}题组，无法计算 SERVQUAL 差距（P − E）",
                   f"the questionnaire has no {' and no '.join(missing)} block, so SERVQUAL gaps (P - E) cannot be computed"))
        return
    res = st.run(sec, T("SERVQUAL 差距分析", "SERVQUAL gap analysis"), lambda: gap_analysis(st.kept, inst))
    if res is None:
        return
    st.objects["gaps"] = res
    t = res.table
    out = pd.DataFrame({
        "level": [_LEVEL[v] for v in t["level"]],
        "dimension": [st.dim_name(d) if isinstance(d, str) and d else T("", "") for d in t["dimension"]],
        "item": t["item"].fillna("").astype(str),
        "text": [st.item_text(i) if isinstance(i, str) and i else Text() for i in t["item"]],
    })
    for c in ("n", "expectation", "perception", "gap", "ci_low", "ci_high", "t", "pval", "pval_holm", "cohen_dz"):
        out[c] = t[c].to_numpy()
    ov = t[t["level"] == "overall"].iloc[0]
    dims = t[t["level"] == "dimension"].sort_values("gap")
    items = t[t["level"] == "item"]
    sig_neg = items[(items["pval_holm"] < 0.05) & (items["gap"] < 0)]
    neg_dims = dims[dims["gap"] < 0]
    worst = dims.head(3)
    sec.add_paragraph(T(
        f"服务质量差距 G = 感知 − 期望（Parasuraman, Zeithaml & Berry 1988），n = {res.n}（列表删除，{res.n_dropped} 份未用）。"
        f"总体差距 {_f(ov['gap'], 2)}（95%CI {_f(ov['ci_low'], 2)} 至 {_f(ov['ci_high'], 2)}），"
        + ("感知未达到期望。" if ov["gap"] < 0 else "感知达到或超过期望。")
        + f"{len(dims)} 个维度中 {len(neg_dims)} 个为负差距；差距最大的维度："
        + "、".join(f"{st.dim_label(d, 'zh')}（{_f(g, 2)}）" for d, g in zip(worst["dimension"], worst["gap"])) + "。",
        f"Service-quality gap G = perception - expectation (Parasuraman, Zeithaml & Berry 1988), n = {res.n} (listwise; "
        f"{res.n_dropped} rows not used). Overall gap {_f(ov['gap'], 2)} (95% CI {_f(ov['ci_low'], 2)} to "
        f"{_f(ov['ci_high'], 2)}): " + ("perceptions fall short of expectations. " if ov["gap"] < 0
                                         else "perceptions meet or exceed expectations. ")
        + f"{len(neg_dims)} of {len(dims)} dimensions have a negative gap; the largest shortfalls: "
        + ", ".join(f"{st.dim_label(d, 'en')} ({_f(g, 2)})" for d, g in zip(worst["dimension"], worst["gap"])) + ".",
    ))
    sec.add_paragraph(T(
        f"{len(items)} 个题项中 {len(sig_neg)} 个的负差距在 Holm 校正后显著（配对 t 检验，p < .05）。",
        f"{len(sig_neg)} of {len(items)} item gaps are significantly negative after Holm's adjustment (paired t test, p < .05).",
    ))
    rel = res.reliability
    low = rel[(rel["level"] == "dimension") & (rel["reliability_gap"] < 0.7)]
    if len(low):
        sec.add_paragraph(T(
            f"差距分数作为差值的信度（Peter, Churchill & Brown 1993）低于 0.70 的维度：{'、'.join(st.dim_label(d, 'zh') for d in low['dimension'])}；"
            "期望与感知相关较高时差距分数信度偏低，解释时需谨慎。",
            f"Difference-score reliability (Peter, Churchill & Brown 1993) below 0.70 for "
            f"{', '.join(st.dim_label(d, 'en') for d in low['dimension'])}; when E and P correlate, gap scores are less "
            "reliable than their parts, so read these gaps with care.",
        ))
    st.table(sec, "gaps", T("SERVQUAL 差距（P − E）", "SERVQUAL gaps (P - E)"), out,
             note=T("CI 为配对差值均值的 t 区间；Holm 校正分别在题项与维度内进行。",
                    "CIs are t intervals of the mean paired difference; Holm's adjustment runs across the items and across the dimensions."))
    if len(res.weighted):
        w = res.weighted.copy()
        w.insert(1, "dimension_name", [st.dim_name(d) if d != "total" else T("加权总分", "weighted total") for d in w["dimension"]])
        st.table(sec, "gaps_weighted", T("重要性加权 SERVQUAL", "Importance-weighted SERVQUAL"), w,
                 labels={"weighted_gap": T("加权差距", "Weighted gap"), "weighted_perception": T("加权感知", "Weighted perception")})
    r = rel.copy()
    r.insert(1, "dimension_name", [st.dim_name(d) if isinstance(d, str) and d else T("总体", "overall") for d in r["dimension"]])
    st.table(sec, "gap_reliability", T("期望、感知与差距分数的信度", "Reliability of E, P and the gap scores"), r)
    st.figure(sec, "gap_plot", T("各维度服务质量差距（95%CI）", "Gaps by dimension (95% CI)"),
              lambda plots: plots.gap_bars(res, inst, lang=st.lang))
    st.results["gaps"] = records(t[t["level"] != "item"][["level", "dimension", "n", "expectation", "perception", "gap",
                                                           "ci_low", "ci_high", "pval_holm"]])


def _ipa_section(st: _Study, sec: Section) -> None:
    from servqual.service.ipa import ipa

    inst = st.inst
    if not inst.has_block("importance"):
        sec.skip(T("问卷没有重要性题组，无法做基于陈述重要性的 IPA（可用 servqual.ipa(..., "
                   "importance=\"relative_weights\") 从总体满意度推导重要性）",
                   "the questionnaire has no importance block for stated importance (derived importance is available through "
                   "servqual.ipa(..., importance=\"relative_weights\"))"))
        return
    res = st.run(sec, T("重要性—表现分析", "importance-performance analysis"),
                 lambda: ipa(st.kept, inst, importance="stated", crosshair="mean"))
    if res is None:
        return
    st.objects["ipa"] = res
    t = res.table
    out = pd.DataFrame({"item": t["item"], "text": [st.item_text(i) for i in t["item"]],
                        "dimension": [st.dim_name(d) for d in t["dimension"]], "importance": t["importance"],
                        "performance": t["performance"],
                        "quadrant_label": [T(z, e) for z, e in zip(t["quadrant_zh"], t["quadrant_en"])],
                        "priority_index": t["priority_index"]})
    c = res.crosshair
    conc = t[t["quadrant"] == "concentrate_here"]
    sec.add_paragraph(T(
        f"重要性取重要性题组均值，表现取{('满意度（表现）' if inst.has_block('performance') else '感知')}题组均值，n = {res.n}；"
        f"十字线取各属性均值（重要性 {_f(c['importance'], 2)}，表现 {_f(c['performance'], 2)}；Martilla & James 1977）。"
        f"“重点改进区”（重要性高、表现低）的题项 {len(conc)} 个"
        + (f"：{'、'.join(conc['item'])}。" if len(conc) else "。")
        + "另以过十字线的 45° 等优先线（Slack 1994；Abalo et al. 2007）补充排序，线上方的属性优先改进。",
        f"Importance is the mean of the importance block, performance the mean of the "
        f"{'performance' if inst.has_block('performance') else 'perception'} block, n = {res.n}; the crosshair is at the "
        f"attribute means (importance {_f(c['importance'], 2)}, performance {_f(c['performance'], 2)}; Martilla & James 1977). "
        f"{len(conc)} items fall in \"concentrate here\" (important, under-performing)"
        + (f": {', '.join(conc['item'])}." if len(conc) else ".")
        + " The 45-degree iso-priority line through the crosshair (Slack 1994; Abalo et al. 2007) orders the rest: "
          "attributes above it come first.",
    ))
    st.table(sec, "ipa", T("重要性—表现分析", "Importance-performance grid"), out)
    pr = res.priorities
    if len(pr):
        p2 = pd.DataFrame({"rank": pr["rank"], "item": pr["item"], "text": [st.item_text(i) for i in pr["item"]],
                           "quadrant_label": [T(z, e) for z, e in zip(pr["quadrant_zh"], pr["quadrant_en"])],
                           "importance": pr["importance"], "performance": pr["performance"],
                           "priority_index": pr["priority_index"]})
        st.table(sec, "ipa_priorities", T("IPA 改进优先顺序", "IPA improvement priorities"), p2)
    st.figure(sec, "ipa_plot", T("重要性—表现象限图", "Importance-performance quadrants"),
              lambda plots: plots.ipa_plot(res, instrument=inst, diagonal=True, lang=st.lang))


def _kano_section(st: _Study, sec: Section) -> None:
    from servqual.service.kano import kano

    inst = st.inst
    if not inst.kano_features:
        sec.skip(T("问卷没有 Kano 功能/非功能题对", "the questionnaire has no Kano functional / dysfunctional question pairs"))
        return
    res = st.run(sec, T("Kano 分类", "Kano classification"), lambda: kano(st.kept, inst, lang=st.lang))
    if res is None:
        return
    t = res.table
    cols = [c for c in ("feature", "text", "n", "A", "O", "M", "I", "R", "Q", "category", "better", "worse") if c in t.columns]
    out = t[cols].copy()
    from servqual.service.kano import KANO_CATEGORIES

    out["category_label"] = [T(*KANO_CATEGORIES[c]) if c in KANO_CATEGORIES else T(str(c), str(c)) for c in t["category"]]
    counts = t["category"].value_counts()
    sec.add_paragraph(T(
        "按 Kano 评价表（Kano et al. 1984；Berger et al. 1993）分类："
        + "，".join(f"{KANO_CATEGORIES[c][0]} {int(counts.get(c, 0))} 项" for c in ("M", "O", "A", "I") if counts.get(c, 0))
        + "。Better = (A+O)/(A+O+M+I)，Worse = −(O+M)/(A+O+M+I)；必备质量须先保证，一元质量决定满意度高低。",
        "Kano evaluation table (Kano et al. 1984; Berger et al. 1993): "
        + ", ".join(f"{int(counts.get(c, 0))} {KANO_CATEGORIES[c][1].lower()}" for c in ("M", "O", "A", "I") if counts.get(c, 0))
        + ". Better = (A+O)/(A+O+M+I), worse = -(O+M)/(A+O+M+I); secure must-be features first, one-dimensional ones "
          "drive satisfaction.",
    ))
    st.table(sec, "kano", T("Kano 分类结果", "Kano categories"), out)
    st.figure(sec, "kano_plot", T("Kano Better-Worse 图", "Kano better-worse diagram"),
              lambda plots: plots.kano_plot(res, instrument=inst, lang=st.lang))
    st.objects["kano"] = res


# ---------------------------------------------------------------------------------------------------
# 9 evaluation
# ---------------------------------------------------------------------------------------------------
def _evaluation_section(st: _Study, sec: Section) -> None:
    from servqual.service.compare import compare_groups, dimension_scores, kpi_attainment, satisfaction_index
    from servqual.decision.evaluate import topsis

    inst, seg, kept = st.inst, st.segment, st.kept
    dims = inst.dimension_ids
    if inst.has_block("importance"):
        weights, wsrc = "importance", T("重要性题组的陈述重要性（各维度题项重要性均值，归一化）",
                                        "stated importance (mean importance of each dimension's items, normalised)")
    elif "weights" in st.objects:
        weights, wsrc = st.objects["weights"], st.objects["weights_source"]
    else:
        weights, wsrc = None, T("等权", "equal weights")
    csi = st.run(sec, T("满意度指数", "satisfaction index"), lambda: satisfaction_index(kept, inst, weights=weights, by=seg))
    if csi is not None:
        t = csi.table
        out = pd.DataFrame({"segment": t["segment"].astype(str), "dimension": t["dimension"],
                            "dimension_name": [st.dim_name(d) for d in t["dimension"]], "weight": t["weight"],
                            "n": t["n"], "mean": t["mean"], "index_0_100": t["index"], "ci_low": t["ci_low"],
                            "ci_high": t["ci_high"]})
        allrows = t[t["segment"].astype(str) == "all"]
        ov = allrows[allrows["dimension"] == "overall"].iloc[0]
        dimrows = allrows[allrows["dimension"] != "overall"].sort_values("index")
        lo, hi = dimrows.iloc[0], dimrows.iloc[-1]
        sec.add_paragraph(T(
            f"顾客满意度指数（CSI，0–100；各维度得分按量表端点线性换算为 0–100 后加权，权重为{wsrc.zh}）为 {_f(ov['index'], 1)}"
            f"（95%CI {_f(ov['ci_low'], 1)}–{_f(ov['ci_high'], 1)}，n = {int(ov['n'])}）。最高的维度是{st.dim_label(hi['dimension'], 'zh')}"
            f"（{_f(hi['index'], 1)}），最低的是{st.dim_label(lo['dimension'], 'zh')}（{_f(lo['index'], 1)}）。",
            f"The customer satisfaction index (CSI, 0-100: each dimension score rescaled from the scale's end points to "
            f"0-100 and weighted by {wsrc.en}) is {_f(ov['index'], 1)} (95% CI {_f(ov['ci_low'], 1)} to {_f(ov['ci_high'], 1)}, "
            f"n = {int(ov['n'])}). The highest dimension is {st.dim_label(hi['dimension'], 'en')} ({_f(hi['index'], 1)}), "
            f"the lowest {st.dim_label(lo['dimension'], 'en')} ({_f(lo['index'], 1)}).",
        ))
        if seg:
            segov = t[(t["segment"].astype(str) != "all") & (t["dimension"] == "overall")].sort_values("index")
            if len(segov) >= 2:
                a, b = segov.iloc[-1], segov.iloc[0]
                sec.add_paragraph(T(
                    f"按 {seg} 分组：{a['segment']} 组最高（{_f(a['index'], 1)}），{b['segment']} 组最低（{_f(b['index'], 1)}）。",
                    f"By {seg}: group {a['segment']} is highest ({_f(a['index'], 1)}) and group {b['segment']} lowest ({_f(b['index'], 1)}).",
                ))
        st.table(sec, "csi", T("顾客满意度指数（0–100）", "Customer satisfaction index (0-100)"), out,
                 decimals={"index_0_100": 1, "ci_low": 1, "ci_high": 1, "weight": 4})
        st.objects["csi"] = csi
        st.results["satisfaction_index"] = records(out.drop(columns=["dimension_name"]))
    # group comparison and TOPSIS of the segments
    if seg:
        cmp_ = st.run(sec, T("分组比较", "group comparison"), lambda: compare_groups(kept, inst, by=seg))
        if cmp_ is not None:
            ct = cmp_.table.copy()
            ct.insert(1, "dimension_name", [st.dim_name(d) for d in ct["dimension"]])
            sig = ct[(ct["dimension"] != "overall") & (ct["welch_pval_holm"] < 0.05)]
            sec.add_paragraph(T(
                f"按 {seg} 比较各维度得分（Welch 方差分析，Holm 校正；Kruskal-Wallis 检验为稳健性参照；"
                f"η² 的 .01/.06/.14 分别为小/中/大效应，Cohen 1988）：" + (f"{len(sig)} 个维度存在显著差异："
                                                                    f"{'、'.join(st.dim_label(d, 'zh') for d in sig['dimension'])}。" if len(sig) else "各维度均无显著差异。"),
                f"Dimension scores by {seg} (Welch ANOVA, Holm-adjusted; Kruskal-Wallis as a robustness check; eta² of "
                f".01/.06/.14 is small/medium/large, Cohen 1988): " + (f"{len(sig)} dimensions differ: "
                                                                      f"{', '.join(st.dim_label(d, 'en') for d in sig['dimension'])}." if len(sig) else "no dimension differs significantly."),
            ))
            keep_cols = [c for c in ("dimension", "dimension_name", "n", "k", "welch_f", "welch_df1", "welch_df2", "welch_pval",
                                     "welch_pval_holm", "eta_sq", "kw_h", "kw_pval", "epsilon_sq", "significant_pairs") if c in ct.columns]
            st.table(sec, "groups", T(f"按 {seg} 分组比较", f"Comparison by {seg}"), ct[keep_cols])
        sc = st.run(sec, T("维度得分", "dimension scores"), lambda: dimension_scores(kept, inst))
        if sc is not None:
            g = kept[seg]
            ok = sc[dims].notna().all(axis=1) & g.notna()
            sizes = g[ok].value_counts()
            groups = [lab for lab in sizes.index if sizes[lab] >= 2]
            if len(groups) >= 2:
                means = sc.loc[ok & g.isin(groups), dims].groupby(g[ok & g.isin(groups)]).mean()
                w = st.objects.get("weights")
                tp = st.run(sec, T("TOPSIS 排序", "TOPSIS ranking"),
                            lambda: topsis(means, w if w is not None else "equal"))
                if tp is not None:
                    out = means.copy()
                    out.columns = [str(c) for c in out.columns]
                    out.insert(0, "n", [int(sizes[lab]) for lab in means.index])
                    out["closeness"] = tp["closeness"]
                    out["rank"] = tp["rank"]
                    out = out.sort_values("rank").reset_index().rename(columns={seg: "group"})
                    out["group"] = out["group"].astype(str)
                    best, worst = out.iloc[0], out.iloc[-1]
                    sec.add_paragraph(T(
                        f"以各组的维度得分均值为决策矩阵、以{(st.objects.get('weights_source') or T('等权', '')).zh}为权重做 TOPSIS"
                        f"（Hwang & Yoon 1981，向量归一化）：{best['group']} 组最接近理想解（贴近度 {_f(best['closeness'])}），"
                        f"{worst['group']} 组最远（{_f(worst['closeness'])}）。",
                        f"TOPSIS (Hwang & Yoon 1981, vector normalisation) of the groups' mean dimension scores weighted by "
                        f"{(st.objects.get('weights_source') or T('', 'equal weights')).en}: group {best['group']} is closest to the "
                        f"ideal (closeness {_f(best['closeness'])}), group {worst['group']} farthest ({_f(worst['closeness'])}).",
                    ))
                    labels = {d: st.dim_name(d) for d in dims}
                    st.table(sec, "topsis", T(f"各 {seg} 组的 TOPSIS 排序", f"TOPSIS ranking of the {seg} groups"), out, labels=labels)
                    st.results["topsis"] = records(out)
                    st.figure(sec, "topsis_plot", T(f"各 {seg} 组的 TOPSIS 贴近度", f"TOPSIS closeness of the {seg} groups"),
                              lambda plots: plots.ranking_plot(out.set_index("group")[["closeness", "rank"]], lang=st.lang))
                ok_all = sc[dims].notna().all(axis=1) & g.isin(groups)
                st.figure(sec, "radar", T(f"各 {seg} 组的维度得分雷达图", f"Dimension scores by {seg} (radar)"),
                          lambda plots: plots.radar_plot(sc.loc[ok_all, dims], inst, by=g[ok_all], lang=st.lang))
    else:
        sec.add_paragraph(T("未指定分组变量（问卷也未声明可用的分组），因此不做分组比较与 TOPSIS 排序。",
                            "No segment was given or declared, so there is no comparison of groups and no TOPSIS ranking."))
    # KPIs
    kpis = [k for k in inst.kpis if k.column]
    if not kpis:
        sec.add_paragraph(T("问卷未定义客观 KPI，不做 KPI 达标评价。", "The questionnaire defines no objective KPIs: no KPI attainment."))
    else:
        absent = [k.column for k in kpis if k.column not in kept.columns]
        if absent:
            sec.add_paragraph(T(f"数据中没有 KPI 列（{'、'.join(absent)}），不做 KPI 达标评价。",
                                f"The data lack the KPI columns ({', '.join(absent)}): no KPI attainment."))
        else:
            ka = st.run(sec, T("KPI 达标评价", "KPI attainment"), lambda: kpi_attainment(kept, inst, by=seg))
            if ka is not None:
                out = pd.DataFrame({"kpi": ka["kpi"], "name": [T(z, e) for z, e in zip(ka["name_zh"], ka["name_en"])],
                                    "segment": ka["segment"].astype(str), "n": ka["n"],
                                    "target": [f"{o} {v:g}" if o else "" for o, v in zip(ka["target_op"].fillna(""), ka["target"].fillna(np.nan))],
                                    "mean": ka["mean"], "attainment_rate": ka["attainment_rate"], "pval": ka["pval_shortfall"],
                                    "status": [_STATUS.get(s, T(s, s)) for s in ka["status"]]})
                allk = ka[ka["segment"].astype(str) == "all"]
                counts = allk["status"].value_counts()
                red = allk.loc[allk["status"] == "red", "kpi"].tolist()
                sec.add_paragraph(T(
                    f"{len(allk)} 项 KPI 中达标（绿）{int(counts.get('green', 0))} 项、接近目标（黄）{int(counts.get('amber', 0))} 项、"
                    f"未达标（红）{int(counts.get('red', 0))} 项" + (f"：{'、'.join(red)}" if red else "")
                    + "。红：均值未达目标且差距超过目标的 5%、单侧 t 检验 p < .05；黄：未达目标但差距在 5% 以内或不显著。",
                    f"Of {len(allk)} KPIs, {int(counts.get('green', 0))} meet the target (green), {int(counts.get('amber', 0))} are "
                    f"close (amber) and {int(counts.get('red', 0))} miss it (red)" + (f": {', '.join(red)}" if red else "")
                    + ". Red: the mean misses the target by more than 5 % of it with a one-sided t test p < .05; amber: a miss "
                      "within 5 % or not significant.",
                ))
                st.table(sec, "kpi", T("KPI 达标情况", "KPI attainment"), out,
                         labels={"pval": T("未达标单侧p", "Shortfall p")})
                st.objects["kpi"] = ka
                st.results["kpi"] = records(ka)


# ---------------------------------------------------------------------------------------------------
# 10 priorities
# ---------------------------------------------------------------------------------------------------
def _item_label(st: _Study, item_id: str, lang: str) -> str:
    txt = st.item_text(item_id).get(lang)
    return f"“{txt}”（{item_id}）" if lang == "zh" and txt else f"\"{txt}\" ({item_id})" if txt else str(item_id)


def _priorities_section(st: _Study, sec: Section) -> None:
    inst = st.inst
    entries = []  # (what Text, why Text, source, ref)
    seen = set()
    ipa_res = st.objects.get("ipa")
    if ipa_res is not None:
        conc = ipa_res.priorities[ipa_res.priorities["quadrant"] == "concentrate_here"]
        for _, r in conc.iterrows():
            seen.add(r["item"])
            entries.append((
                T(f"改进{_item_label(st, r['item'], 'zh')}（{st.dim_label(r['dimension'], 'zh')}）",
                  f"Improve {_item_label(st, r['item'], 'en')} ({st.dim_label(r['dimension'], 'en')})"),
                T(f"IPA 重点改进区：重要性 {_f(r['importance'], 2)} 高于平均、表现 {_f(r['performance'], 2)} 低于平均",
                  f"IPA \"concentrate here\": importance {_f(r['importance'], 2)} above average, performance "
                  f"{_f(r['performance'], 2)} below average"),
                "ipa", r["item"]))
    gaps = st.objects.get("gaps")
    if gaps is not None:
        items = gaps.table[(gaps.table["level"] == "item") & (gaps.table["gap"] < 0) & (gaps.table["pval_holm"] < 0.05)]
        for _, r in items.sort_values("gap").head(5).iterrows():
            if r["item"] in seen:
                continue
            seen.add(r["item"])
            entries.append((
                T(f"缩小{_item_label(st, r['item'], 'zh')}的期望—感知差距", f"Close the gap on {_item_label(st, r['item'], 'en')}"),
                T(f"SERVQUAL 差距 {_f(r['gap'], 2)}（95%CI {_f(r['ci_low'], 2)} 至 {_f(r['ci_high'], 2)}，Holm 校正 p {_p(r['pval_holm'])}）",
                  f"SERVQUAL gap {_f(r['gap'], 2)} (95% CI {_f(r['ci_low'], 2)} to {_f(r['ci_high'], 2)}, Holm p {_p(r['pval_holm'])})"),
                "gap", r["item"]))
    csi = st.objects.get("csi")
    if csi is not None:
        t = csi.table[csi.table["segment"].astype(str) == "all"]
        ov = float(t.loc[t["dimension"] == "overall", "index"].iloc[0])
        weak = t[(t["dimension"] != "overall") & (t["index"] < ov)].sort_values("index").head(3)
        pcols = inst.columns()
        for _, r in weak.iterrows():
            d = r["dimension"]
            cols = [pcols[it.id] for it in inst.dimension(d).items if pcols.get(it.id) in st.kept.columns]
            lowest = ""
            if cols:
                m = st.kept[cols].apply(pd.to_numeric, errors="coerce").mean()
                if m.notna().any():
                    lowest = st.item_id(m.idxmin())
            zh_low = f"；该维度得分最低的题项是{_item_label(st, lowest, 'zh')}" if lowest else ""
            en_low = f"; its lowest-rated item is {_item_label(st, lowest, 'en')}" if lowest else ""
            entries.append((
                T(f"加强{st.dim_label(d, 'zh')}维度", f"Strengthen {st.dim_label(d, 'en')}"),
                T(f"满意度指数 {_f(r['index'], 1)}，低于总体 {_f(ov, 1)}{zh_low}",
                  f"satisfaction index {_f(r['index'], 1)}, below the overall {_f(ov, 1)}{en_low}"),
                "dimension", d))
    ka = st.objects.get("kpi")
    if ka is not None:
        for _, r in ka[(ka["segment"].astype(str) == "all") & (ka["status"] == "red")].iterrows():
            entries.append((
                T(f"使 KPI“{r['name_zh']}”达到目标（{r['target_op']} {r['target']:g}）",
                  f"Bring the KPI \"{r['name_en']}\" to its target ({r['target_op']} {r['target']:g})"),
                T(f"均值 {_f(r['mean'], 2)}，达标率 {_pct(r['attainment_rate'])}",
                  f"mean {_f(r['mean'], 2)}, attainment rate {_pct(r['attainment_rate'])}"),
                "kpi", r["kpi"]))
    entries = entries[:12]
    basis_zh, basis_en = [], []
    if ipa_res is not None:
        basis_zh.append("IPA 重点改进区")
        basis_en.append("the IPA \"concentrate here\" quadrant")
    if gaps is not None:
        basis_zh.append("Holm 校正后显著的负差距（最大的 5 个）")
        basis_en.append("the largest significantly negative gaps (Holm, up to 5)")
    if csi is not None:
        basis_zh.append("满意度指数低于总体的维度（最多 3 个）")
        basis_en.append("dimensions whose satisfaction index is below the overall index (up to 3)")
    if ka is not None:
        basis_zh.append("未达标（红）的 KPI")
        basis_en.append("KPIs in red")
    if not basis_zh:
        sec.skip(T("前面各节没有可用于排序的结果（IPA、差距、满意度指数、KPI 均不可用）",
                   "none of IPA, gaps, satisfaction index or KPIs is available to rank improvements"))
        return
    sec.add_paragraph(T(f"改进优先事项依次来自：{'；'.join(basis_zh)}。",
                        f"Priorities come, in this order, from: {'; '.join(basis_en)}."))
    if not entries:
        sec.add_paragraph(T("没有突出的改进对象：没有属性落在重点改进区，没有显著的负差距，各维度满意度均衡。",
                            "No improvement stands out: no attribute is in \"concentrate here\", no gap is significantly "
                            "negative and the dimensions are balanced."))
        st.results["priorities"] = []
        return
    for i, (what, why, _src, _ref) in enumerate(entries, 1):
        sec.add_paragraph(T(f"{i}. {what.zh}：{why.zh}。", f"{i}. {what.en}: {why.en}."))
    out = pd.DataFrame({"priority": range(1, len(entries) + 1), "what": [e[0] for e in entries],
                        "why": [e[1] for e in entries]})
    st.table(sec, "priorities", T("改进优先事项", "Improvement priorities"), out)
    st.results["priorities"] = [{"priority": i, "source": e[2], "ref": str(e[3]), "what_zh": e[0].zh, "what_en": e[0].en,
                                 "why_zh": e[1].zh, "why_en": e[1].en} for i, e in enumerate(entries, 1)]
