"""The whole study in one call: :func:`build_study`, :func:`study_report` and :func:`run_study`.

Examples
--------
>>> import tempfile
>>> import servqual as sq
>>> from servqual.reporting.study import build_study, run_study
>>> study = build_study(sq.read_dataset("mobi"), lang="en", figures=False)
>>> [s.key for s in study.report.sections][:4]
['sample', 'items', 'reliability', 'validity']
>>> study.results["n_read"], study.results["segment"], study.report.section("gaps").skipped is not None
(250, None, True)
>>> out = tempfile.mkdtemp()
>>> paths = run_study("mobi", out_dir=out, lang="en", formats="xlsx", figures=False)
>>> sorted(paths)
['json', 'xlsx']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from servqual._results import dumps
from servqual._safeio import OutputPlan
from servqual._text import T, check_lang
from servqual._validation import DEFAULT_SEED
from servqual.exceptions import AnalysisError
from servqual.reporting.report import Report, check_formats
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import SECTIONS
from servqual.survey.instrument import as_instrument

if TYPE_CHECKING:
    from servqual.psychometrics.measurement import MeasurementReport

__all__ = ["StudyReport", "build_study", "study_report", "run_study"]


@dataclass(frozen=True)
class StudyReport:
    """A study: the report document, the study results of ``results.json`` and the measurement report.

    Attributes
    ----------
    report : Report
        The document (write it with :meth:`Report.write`).
    results : dict
        The study's key numbers, JSON-ready: rows read and kept, exclusions, segment, the sections with
        their skip reasons, weights, satisfaction index, gaps, priorities, notes (the ``study`` key of
        ``results.json``; the keys each section adds are in
        :func:`~servqual.reporting.study.registry.results_keys`).
    measurement : MeasurementReport or None
        The :class:`~servqual.measurement.MeasurementReport` of the kept rows (None when it failed).
    """

    report: Report
    results: dict
    measurement: MeasurementReport | None = None


def build_study(data, instrument=None, *, lang: str = "zh", exclude=("straightlining",), segment=None,
                seed: int = DEFAULT_SEED, title=None, ahp=None, figures: bool = True) -> StudyReport:
    """The whole study: the report and its results (the parameters of :func:`study_report`).

    Returns
    -------
    StudyReport
        ``.report`` (what :func:`study_report` returns), ``.results`` and ``.measurement``.
    """
    check_lang(lang)
    exclude = [] if exclude is None else ([exclude] if isinstance(exclude, str) else list(exclude))
    ctx = StudyContext.from_data(data, instrument, lang=lang, exclude=exclude, segment=segment, seed=seed, ahp=ahp,
                                 figures=figures)
    inst, frame = ctx.instrument, ctx.responses
    if title is None:
        title = T(f"{inst.title.get('zh', inst.id)}：研究报告", f"{inst.title.get('en', inst.id)}: study report")
    meta = {"data": ctx.source, "instrument": inst, "n": int(len(frame)), "pii": [str(c) for c in inst.pii]}
    rep = Report(title, meta=meta, lang_default=lang)
    for spec in SECTIONS:
        ctx.build_section(spec.key, rep.add_section(spec.key, spec.title))

    ctx.results["sections"] = [
        {"key": s.key, "title_zh": s.title.get("zh"), "title_en": s.title.get("en"),
         "skipped": None if s.skipped is None else s.skipped.get("en"),
         "skipped_zh": None if s.skipped is None else s.skipped.get("zh")}
        for s in rep.sections
    ]
    info = {}
    if ctx.measurement is not None:
        info.update(ctx.measurement.table_info)
    info.update(ctx.table_info)
    ctx.results["table_info"] = info
    ctx.results["segment"] = ctx.segment
    ctx.results["exclusion_rules"] = list(exclude)
    ctx.results["seed"] = int(seed)
    ctx.results["notes"] = list(ctx.notes)
    ctx.results["claims"] = [c.record() for c in ctx.claims]
    n_kept = len(ctx.kept)
    rep.meta["description"] = T(
        f"读取 {len(frame)} 份，剔除 {len(frame) - n_kept} 份，保留 {n_kept} 份用于分析"
        + (f"；分组变量：{ctx.segment}" if ctx.segment else ""),
        f"{len(frame)} responses read, {len(frame) - n_kept} excluded, {n_kept} analysed"
        + (f"; segment: {ctx.segment}" if ctx.segment else ""),
    )
    return StudyReport(report=rep, results=ctx.results, measurement=ctx.measurement)


def study_report(data, instrument=None, *, lang: str = "zh", exclude=("straightlining",), segment=None,
                 seed: int = DEFAULT_SEED, title=None, ahp=None, figures: bool = True) -> Report:
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
        Draw the figures (with :mod:`servqual.reporting.plots`; default True). Drawing is most of the run
        time; Excel output does not use them.

    Returns
    -------
    Report
        Sections (keys in :data:`STUDY_SECTIONS`): ``sample, items, reliability, validity, weights, gaps,
        ipa, kano, evaluation, priorities``. Sections whose inputs are absent are kept with
        ``skipped`` set to the reason. ``report.meta["pii"]`` holds the questionnaire's PII columns
        (dropped from every table by the exporters; the study never puts respondent-level data in a
        table except the exclusion log, which names respondents by id or file row). The study's key
        numbers and the measurement report come with :func:`build_study` (``.results``, ``.measurement``).

    Raises
    ------
    AnalysisError
        Responses without a questionnaire, a PII or absent segment column.
    LanguageError
        ``lang`` other than ``"zh"`` or ``"en"``.

    Notes
    -----
    Every analysis runs on the respondents kept after screening. Reliability and validity use the
    analysis block's items (e.g. perception) with listwise deletion, exactly as
    :func:`servqual.measurement_report` (whose numbers are tested against R psych / lavaan / semTools).
    Thresholds cited (:mod:`servqual.thresholds`): alpha and omega >= .70 (Nunnally 1978; alpha bands
    after George & Mallery 2003); critical ratio >= 3 with p < .05 on 27 % extreme groups (Kelley 1939),
    corrected item-total r >= .40; KMO bands (Kaiser 1974); Horn's (1965) parallel analysis; loadings
    >= .50 (Hair et al. 2019); CFI / TLI >= .95, RMSEA <= .06, SRMR <= .08 (Hu & Bentler 1999); CR >= .70,
    AVE >= .50 and Fornell-Larcker (1981); HTMT < .85 / .90 (Henseler, Ringle & Sarstedt 2015); Harman's
    first factor < 50 % (Podsakoff et al. 2003); entropy weights (Shannon; Zeleny 1982), CRITIC
    (Diakoulaki et al. 1995), game-theory combination; AHP CR < .10 (Saaty 1980); SERVQUAL gaps
    (Parasuraman et al. 1988) with Holm-adjusted paired t tests; IPA quadrants (Martilla & James 1977);
    Kano (Berger et al. 1993); TOPSIS (Hwang & Yoon 1981).

    The satisfaction index weighs the dimensions by stated importance when the questionnaire has an
    importance block, otherwise by the combined objective weights of section 5 (said in the report).

    Examples
    --------
    >>> import tempfile
    >>> import servqual as sq
    >>> rep = sq.study_report(sq.read_dataset("kiosk"), lang="en", figures=False)
    >>> rep.section("kano").skipped.en
    'the questionnaire has no Kano functional / dysfunctional question pairs'
    >>> paths = rep.write(tempfile.mkdtemp(), formats=("html", "xlsx"))
    >>> sorted(paths)
    ['html', 'xlsx']
    """
    return build_study(data, instrument, lang=lang, exclude=exclude, segment=segment, seed=seed, title=title, ahp=ahp,
                       figures=figures).report


def _input_file(path):
    """``path`` when it names an existing file (a data or questionnaire file of the run), else None."""
    if path is None or not isinstance(path, (str, Path)) or str(path) == "":
        return None
    p = Path(path)
    return p if p.is_file() else None


def run_study(path_or_dataset, instrument=None, out_dir="servqual-report", *, lang: str = "zh",
              formats=("html", "xlsx", "docx"), encoding: str | None = None, sheet=None, inputs=(),
              plan: OutputPlan | None = None, **kw) -> dict:
    """Read, screen, analyse and write the study report and ``results.json``.

    The output folder and the names of every file to write are checked before the data are read
    (:class:`servqual._safeio.OutputPlan`); each file is written to a temporary name and renamed when
    complete, never through a symbolic link and never onto an input of the run: the data file, the
    questionnaire file and ``inputs``.

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
        Language of the written files.
    formats : iterable of {"html", "xlsx", "docx"} or a comma-separated str
        The files to write.
    encoding, sheet
        Passed to :func:`servqual.read_responses`.
    inputs : iterable of path
        More input files of the run that no output may overwrite (the data and questionnaire files
        given as paths are added).
    plan : OutputPlan, optional
        The run's output plan; the files written are added to its ``written`` list.
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
    ReportError
        An unknown format.
    DataValidationError
        The data do not fit the questionnaire (see :func:`servqual.read_responses`).
    OutputFileError
        An output place that cannot or must not be written (an existing file as the folder, a file
        that is a symbolic link or an input of the run; the message names both paths).

    Examples
    --------
    >>> import json, tempfile
    >>> out = tempfile.mkdtemp()
    >>> paths = run_study("kiosk", out_dir=out, lang="en", formats=("xlsx",), figures=False)
    >>> sorted(paths)
    ['json', 'xlsx']
    >>> doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    >>> doc["study"]["n_read"], doc["study"]["segment"]
    (211, 'sex')
    """
    from servqual._version import __version__
    from servqual.psychometrics.measurement import RESULTS_KEYS
    from servqual.survey.datasets import list_datasets, read_dataset
    from servqual.survey.io import Responses, read_responses

    read_kw = {k: v for k, v in (("encoding", encoding), ("sheet", sheet)) if v is not None}
    plan = OutputPlan() if plan is None else plan
    for p in inputs:
        plan.add_input(p)
    if not isinstance(path_or_dataset, Responses) and instrument is None:
        names = list_datasets()["name"].tolist()
        if str(path_or_dataset) not in names:
            raise AnalysisError(f"{str(path_or_dataset)!r} is not a bundled data set ({', '.join(names)}); for your own "
                                "data give the questionnaire too: run_study(data_file, survey_yaml)")
    formats = check_formats(formats)
    files = [f"report.{f}" for f in formats] + ["results.json"]
    for p in (None if isinstance(path_or_dataset, Responses) or instrument is None else path_or_dataset, instrument):
        p = _input_file(p)
        if p is not None:
            plan.add_input(p)
    plan.folder(out_dir, what="output folder", files=files)  # before any long computation
    if isinstance(path_or_dataset, Responses):
        resp = path_or_dataset
        if instrument is not None:
            resp = Responses(**{**resp.__dict__, "instrument": as_instrument(instrument)})
    elif instrument is None:
        resp = read_dataset(str(path_or_dataset), **read_kw)
    else:
        resp = read_responses(path_or_dataset, as_instrument(instrument), **read_kw)
    known = len(plan.inputs)
    for p in (resp.source, resp.instrument.source):
        p = _input_file(p)
        if p is not None:
            plan.add_input(p)
    if len(plan.inputs) > known:
        plan.folder(out_dir, what="output folder", files=files)
    kw.setdefault("figures", any(f in ("html", "docx") for f in formats))
    study = build_study(resp, resp.instrument, lang=lang, **kw)
    paths = dict(study.report.write(out_dir, formats=formats, lang=lang, plan=plan))
    doc = {"servqual_version": __version__, "survey": resp.instrument.id, "survey_file": resp.instrument.source,
           "data_file": Path(str(resp.source)).name}
    if study.measurement is not None:
        doc.update(study.measurement.to_json_dict())
    else:
        doc.update({"n_rows": int(len(resp.data)), "n_used": 0, "missing_policy": "listwise"})
        doc.update({k: [] for k in RESULTS_KEYS})
    doc["study"] = study.results
    paths["json"] = plan.write_text(Path(out_dir) / "results.json", dumps(doc))
    return paths
