"""The state of one study as its sections are built: inputs, the results so far, and the building blocks.

A :class:`StudyContext` holds what every section reads (the questionnaire, the responses as read and
the respondents kept after screening, the language, the seed, the segment) and what earlier sections
computed for later ones, as typed attributes (``measurement``, ``weights``, ``gaps``, ``ipa``, ``kano``,
``csi``, ``kpi``). Its methods are the building blocks of a section: a table with readable headers
(:meth:`~StudyContext.table`), an analysis step whose expected failure becomes a sentence
(:meth:`~StudyContext.run`), and a figure that never breaks the report (:meth:`~StudyContext.figure`).

Examples
--------
>>> import servqual as sq
>>> from servqual._text import T
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("kiosk"), lang="en", figures=False)
>>> len(ctx.responses), len(ctx.kept), ctx.segment, ctx.dim_label("tangibles", "en"), ctx.dim_label("all", "zh")
(211, 202, 'sex', 'Tangibles', '总量表')
>>> sec = ctx.build_section("reliability")
>>> sec.title.en, round(ctx.results["alpha_all"], 4)
('Reliability', 0.8988)
>>> ctx.run(sec, T("除法", "division"), lambda: 1 / 2)
0.5
>>> ctx.run(sec, T("转换", "conversion"), lambda: int("x")) is None
True
>>> sec.paragraphs[-1].en
"conversion could not be computed: invalid literal for int() with base 10: 'x'"
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from servqual._text import T, Text
from servqual._validation import DEFAULT_SEED
from servqual.exceptions import AnalysisError, ServqualError, ServqualWarning
from servqual.reporting.report import Section
from servqual.reporting.study.claims import Claim
from servqual.reporting.study.registry import SECTIONS
from servqual.reporting.study.text import COLUMN_LABELS
from servqual.survey.instrument import Instrument, as_instrument
from servqual.thresholds import THRESHOLDS, min_n

if TYPE_CHECKING:
    from servqual.psychometrics.measurement import MeasurementReport
    from servqual.service.compare import SatisfactionIndexResult
    from servqual.service.gap import GapResult
    from servqual.service.ipa import IPAResult
    from servqual.service.kano import KanoResult
    from servqual.survey.screening import ScreeningResult

__all__ = ["StudyContext", "EXPECTED_ERRORS", "choose_segment"]

#: Errors an analysis step may raise on unsuitable data; anything else is a defect and propagates.
EXPECTED_ERRORS = (ServqualError, ValueError, np.linalg.LinAlgError)


@dataclass
class StudyContext:
    """One study: its inputs, what its sections computed so far, and the blocks sections are built from.

    Attributes
    ----------
    instrument : Instrument
        The questionnaire.
    lang : {"zh", "en"}
        The report's default language (figures are drawn in it).
    kept : pandas.DataFrame
        The respondents kept after screening; every analysis uses them.
    responses : pandas.DataFrame, optional
        The responses as read, before screening.
    source : str, optional
        The data file's name.
    screening : ScreeningResult, optional
        The screening of the responses.
    segment : str, optional
        The segment column of the by-group results.
    seed : int
        Seed of parallel analysis (and anything else random).
    ahp : optional
        Expert judgements for AHP (see :func:`servqual.study_report`).
    figures : bool
        Draw the figures.
    results : dict
        The study results for ``results.json``, by the keys the sections declare.
    notes : list of str
        Figure failures and warnings (English), for ``results.json``.
    measurement, measurement_error
        The :class:`~servqual.measurement.MeasurementReport` (None when it failed, with the reason).
    weights, weights_source
        The final dimension weights (a Series) and what they are, in words.
    gaps, ipa, kano, csi, kpi
        The gap analysis, IPA, Kano and satisfaction-index results and the KPI attainment table.
    claims : list of Claim
        What the judging sentences assert, as data (:meth:`claim`).
    """

    instrument: Instrument
    lang: str
    kept: pd.DataFrame
    responses: pd.DataFrame | None = None
    not_applicable: pd.DataFrame | None = None  # the "does not apply" cells of the responses (read_responses)
    source: str | None = None
    screening: ScreeningResult | None = None
    segment: str | None = None
    seed: int = DEFAULT_SEED
    ahp: Any = None
    figures: bool = True
    results: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    table_info: dict = field(default_factory=dict)  # table -> {"n": rows used, "missing_policy": ...} (results.json)
    measurement: MeasurementReport | None = None
    measurement_error: Text | None = None
    weights: pd.Series | None = None
    weights_source: Text | None = None
    gaps: GapResult | None = None
    ipa: IPAResult | None = None
    kano: KanoResult | None = None
    csi: SatisfactionIndexResult | None = None
    kpi: pd.DataFrame | None = None
    claims: list = field(default_factory=list)  # the Claims behind the judging sentences (results.json study.claims)
    _item_texts: dict | None = field(default=None, repr=False)

    @classmethod
    def from_data(cls, data, instrument=None, *, lang: str = "zh", exclude=("straightlining",), segment=None,
                  seed: int = DEFAULT_SEED, ahp=None, figures: bool = True) -> StudyContext:
        """The context of a study of ``data``: screened, with its segment chosen (see :func:`servqual.study_report`).

        Raises
        ------
        AnalysisError
            A DataFrame without a questionnaire, a PII or absent segment column.
        TypeError
            ``data`` neither Responses nor a DataFrame.
        """
        from servqual.survey.io import Responses
        from servqual.survey.screening import screen

        if instrument is None:
            if not isinstance(data, Responses):
                raise AnalysisError("give the questionnaire: study_report(data, instrument); only servqual Responses carry their own")
            inst = data.instrument
        else:
            inst = as_instrument(instrument)
        na = None
        if isinstance(data, Responses):
            frame, source, na = data.data, Path(str(data.source)).name, data.not_applicable
        elif isinstance(data, pd.DataFrame):
            frame, source = data, None
        else:
            raise TypeError(f"data must be servqual Responses or a pandas DataFrame, got {type(data).__name__}")
        if isinstance(segment, str) and segment in inst.pii:
            raise AnalysisError(f"segment {segment!r} is a PII column of the questionnaire; PII never goes into a report. "
                                "Choose another segment column.")
        exclude = [] if exclude is None else ([exclude] if isinstance(exclude, str) else list(exclude))
        scr = screen(data, inst, exclude=exclude)
        return cls(instrument=inst, lang=lang, kept=scr.kept, responses=frame, not_applicable=na, source=source, screening=scr,
                   segment=choose_segment(scr.kept, inst, segment), seed=seed, ahp=ahp, figures=bool(figures))

    def build_section(self, key: str, sec: Section | None = None) -> Section:
        """Build the registered section ``key`` into ``sec`` (a new Section by default) and return it.

        Raises
        ------
        RuntimeError
            The builder added a study result its registration does not declare.
        """
        spec = next(s for s in SECTIONS if s.key == key)
        sec = Section(spec.key, spec.title) if sec is None else sec
        before = set(self.results)
        spec.build(self, sec)
        extra = set(self.results) - before - set(spec.results)
        if extra:
            raise RuntimeError(f"study section {spec.key!r} added undeclared results {sorted(extra)}")
        return sec

    # ---- names ----------------------------------------------------------------------------------
    def dim_name(self, d) -> Text:
        """The name of dimension ``d`` (``all`` and ``overall`` too) in both languages."""
        try:
            dim = self.instrument.dimension(str(d))
        except KeyError:
            oc = next((c for c in self.instrument.outcome_constructs if c.id == str(d)), None)
            if oc is not None:
                return Text(zh=oc.name.get("zh", oc.id), en=oc.name.get("en", oc.id))
            if str(d) in ("all", "overall"):
                return T("总量表", "whole instrument") if d == "all" else T("总体", "overall")
            return T(str(d), str(d))
        return Text(zh=dim.name.get("zh", dim.id), en=dim.name.get("en", dim.id))

    def dim_label(self, d, lang: str) -> str:
        """The name of dimension ``d`` in ``lang``."""
        return self.dim_name(d).get(lang)

    def item_text(self, key) -> Text:
        """Wording of an item by item id or data column (any block); an empty Text when unknown."""
        if self._item_texts is None:
            inst, lut = self.instrument, {}
            bids = [b.id for b in inst.blocks] or [""]
            for it in inst.items:
                lut[it.id] = it.text
                for bid in bids:
                    col = it.column(bid)
                    if col:
                        lut[col] = it.text
            for it in inst.overall_items + list(inst.outcomes) + list(inst.attention_checks):
                lut[it.id] = it.text
                lut[it.column()] = it.text
            self._item_texts = lut
        return self._item_texts.get(str(key), Text())

    def item_id(self, column) -> str:
        """The item id of a data column (the column itself when it is no item's)."""
        for it in self.instrument.items:
            if column in dict(it.columns).values() or column == it.id:
                return it.id
        return str(column)

    def item_label(self, item_id: str, lang: str) -> str:
        """An item for a sentence: its wording and id (``“…”（q01）`` or ``"…" (q01)``), or the id alone."""
        txt = self.item_text(item_id).get(lang)
        return f"“{txt}”（{item_id}）" if lang == "zh" and txt else f"\"{txt}\" ({item_id})" if txt else str(item_id)

    # ---- building blocks ------------------------------------------------------------------------
    def table(self, sec: Section, key: str, title, frame: pd.DataFrame, note=None, decimals=3, labels=None) -> None:
        """Add ``frame`` to ``sec`` with the readable headers of :data:`~servqual.reporting.study.text.COLUMN_LABELS`."""
        lab = {c: COLUMN_LABELS[c] for c in frame.columns if isinstance(c, str) and c in COLUMN_LABELS}
        known = set(self.instrument.dimension_ids) | {c.id for c in self.instrument.outcome_constructs}
        lab.update({c: self.dim_name(c) for c in frame.columns if isinstance(c, str) and c in known and c not in lab})
        lab.update(labels or {})
        for n in frame.index.names:
            if isinstance(n, str) and n in COLUMN_LABELS and n not in lab:
                lab[n] = COLUMN_LABELS[n]
        sec.add_table(key, title, frame, note=note, decimals=decimals, column_labels=lab or None)

    def claim(self, sec: Section, what: str, say: Callable[[Claim], Text], **fields) -> Claim:
        """Add the sentence ``say(claim)`` to ``sec``, written from the :class:`Claim` built from ``fields``.

        The claim (id ``<section>.<what>``) is kept for ``results.json`` (``study.claims``), where a test
        recomputes it from the tables it names.
        """
        c = self.new_claim(sec, what, **fields)
        self.claim_all(sec, [c], lambda cs: say(cs[0]))
        return c

    def claim_all(self, sec: Section, claims: list, say: Callable[[list], Text]) -> list:
        """One sentence ``say(claims)`` resting on several claims (e.g. CR and AVE); see :meth:`claim`."""
        text = say(claims)
        for c in claims:
            c.text = text
        sec.add_paragraph(text)
        self.claims.extend(claims)
        return claims

    def new_claim(self, sec: Section, what: str, **fields) -> Claim:
        """A :class:`Claim` of section ``sec`` (for :meth:`claim_all`)."""
        return Claim(f"{sec.key}.{what}", sec.key, **fields)

    def too_few(self, n: int, key: str, predictors: int = 0) -> Text | None:
        """Why an analysis on ``n`` rows is not run: fewer than its minimum (``THRESHOLDS[key]``); None when enough."""
        need, t = min_n(key, predictors), THRESHOLDS[key]
        if n >= need:
            return None
        extra_zh = f"（50 + 8 × {predictors} 个预测变量）" if key == "min_n_regression" else ""
        extra_en = f" (50 + 8 x {predictors} predictors)" if key == "min_n_regression" else ""
        return T(f"只有 {n} 份可用问卷，少于{t.meaning.zh}所需的 {need} 份{extra_zh}（{t.citation}），不做该分析",
                 f"only {n} usable responses, fewer than the {need}{extra_en} that {t.meaning.en} needs ({t.citation}), "
                 "so it is not run")

    def run(self, sec: Section, what: Text, fn: Callable[[], Any]):
        """Run one analysis step: expected errors become a sentence in the section, warnings are kept as notes."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = fn()
            except EXPECTED_ERRORS as err:
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
        """Add the figure drawn by ``draw(servqual.reporting.plots)`` (an Axes or a Figure).

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


def choose_segment(kept: pd.DataFrame, inst: Instrument, segment) -> str | None:
    """The segment column: the one given, or the first declared one with 2 to 20 groups of 2 or more.

    Raises
    ------
    AnalysisError
        The given column is not in the data.

    Examples
    --------
    >>> import servqual as sq
    >>> kept, inst = sq.read_dataset("kiosk").data, sq.load_instrument("kiosk")
    >>> choose_segment(kept, inst, None), choose_segment(kept, inst, False)
    ('sex', None)
    """
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
