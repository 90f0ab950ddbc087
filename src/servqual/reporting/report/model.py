"""The document model of a report: :class:`Report`, :class:`Section`, :class:`Table`, :class:`Figure`.

A :class:`Report` holds a title, a ``meta`` dictionary (data file, instrument, sample size, ...) and
ordered :class:`Section` objects. A section holds interpretation paragraphs, :class:`Table` objects
(a DataFrame with a title, a note and display decimals) and :class:`Figure` objects (a matplotlib
figure or PNG bytes). A section whose inputs are absent is kept with a ``skipped`` reason instead of
content, so the reader sees what was left out and why.

Every user-facing text is a bilingual :class:`~servqual._text.Text`; plain strings, ``(zh, en)``
tuples and ``{"zh": ..., "en": ...}`` dicts are accepted wherever a text is expected
(:func:`as_text`). The exporters :meth:`Report.to_html`, :meth:`Report.to_excel`,
:meth:`Report.to_docx` and :meth:`Report.write` hand the report to the writers of this package.

Examples
--------
>>> import tempfile
>>> import servqual as sq
>>> resp = sq.read_dataset("kiosk")
>>> rep = Report.for_responses(("自助服务机调查", "Kiosk survey"), resp)
>>> rep.meta["data"], rep.meta["n"]
('kiosk_servqual_ipa_responses.csv', 211)
>>> sec = rep.add_section("items", ("题项", "Items"), paragraphs=[("前三个题项。", "The first three items.")])
>>> _ = sec.add_table("means", ("题项均值", "Item means"), resp.items().iloc[:, :3].agg(["mean", "std"]).T)
>>> _ = rep.add_section("gaps", ("服务质量差距", "Service-quality gaps"),
...                     skipped=("数据中没有期望值题组", "the data have no expectation block"))
>>> [(i, s.key, [n for n, _ in tabs]) for i, s, tabs, _ in rep.numbered()]
[(1, 'items', [1]), (2, 'gaps', [])]
>>> paths = rep.write(tempfile.mkdtemp(), formats="html,xlsx", stem="kiosk")
>>> sorted(p.name for p in paths.values())
['kiosk.html', 'kiosk.xlsx']
"""

from __future__ import annotations

import datetime as _dt
import io
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from servqual._safeio import OutputPlan, atomic_write
from servqual._text import LANGS, Text, check_lang
from servqual.exceptions import ReportError
from servqual.reporting.report.excel_writer import write_excel
from servqual.reporting.report.html_writer import render_html
from servqual.reporting.report.texts import META_HIDDEN, META_LABELS, WORDS
from servqual.reporting.report.word_writer import write_docx

__all__ = ["Report", "Section", "Table", "Figure", "FORMATS", "as_text", "check_formats"]

#: The formats :meth:`Report.write` writes.
FORMATS = ("html", "xlsx", "docx")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------------------------------
# texts and checks
# ---------------------------------------------------------------------------------------------------
def as_text(value, what: str = "text") -> Text:
    """Coerce a str, ``(zh, en)`` tuple, ``{"zh": ..., "en": ...}`` dict or Text to a :class:`Text`.

    Parameters
    ----------
    value : str, tuple, dict, Text or None
        A str stands for both languages; ``None`` gives an empty Text.
    what : str
        What the text is, for the error message.

    Returns
    -------
    Text

    Raises
    ------
    ReportError
        For a dict with a key other than ``zh`` / ``en``, or a value of another type.

    Examples
    --------
    >>> as_text("SERVQUAL")
    Text(zh='SERVQUAL', en='SERVQUAL')
    >>> as_text(("信度", "Reliability")).get("en"), as_text({"en": "Gaps"}).get("zh")
    ('Reliability', 'Gaps')
    """
    if isinstance(value, Text):
        return value
    if value is None:
        return Text()
    if isinstance(value, str):
        return Text(zh=value, en=value)
    if isinstance(value, Mapping):
        unknown = set(value) - set(LANGS)
        if unknown:
            raise ReportError(f"{what}: unknown language key(s) {sorted(unknown)}; use 'zh' and 'en'.")
        return Text(zh=value.get("zh"), en=value.get("en"))
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(v is None or isinstance(v, str) for v in value):
        return Text(zh=value[0], en=value[1])
    raise ReportError(
        f"{what}: expected a str, a (zh, en) tuple, a {{'zh': ..., 'en': ...}} dict or a Text, got {value!r}."
    )


def _opt_text(value, what: str) -> Text | None:
    if value is None:
        return None
    t = as_text(value, what)
    return t if t else None


def _check_key(kind: str, key) -> None:
    if not isinstance(key, str) or not key.strip():
        raise ReportError(f"{kind} key must be a non-empty string, got {key!r}.")


def check_formats(formats) -> list:
    """The report formats asked for, as a list; a comma-separated str is split.

    Raises
    ------
    ReportError
        When no format or an unknown one is given.

    Examples
    --------
    >>> check_formats("html, docx")
    ['html', 'docx']
    >>> check_formats(["pdf"])
    Traceback (most recent call last):
    ...
    servqual.exceptions.ReportError: Unknown report format(s) ['pdf']; choose from ['html', 'xlsx', 'docx'].
    """
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    formats = list(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ReportError(f"Unknown report format(s) {bad}; choose from {list(FORMATS)}.")
    return formats


def _meta_value(v, lang: str) -> str:
    if isinstance(v, Text):
        return v.get(lang)
    if hasattr(v, "title") and isinstance(getattr(v, "title", None), Text) and hasattr(v, "id"):
        t = v.title.get(lang)
        return f"{t} ({v.id})" if t else str(v.id)
    if isinstance(v, (list, tuple)):
        return ", ".join(_meta_value(x, lang) for x in v)
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    return str(v)


# ---------------------------------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Table:
    """A table of the report.

    Parameters
    ----------
    key : str
        Short identifier (Excel sheet name, HTML anchor); ASCII letters, digits and ``_`` read best.
    title : Text or str or (zh, en)
        Caption text; the number ("表 1" / "Table 1") is added at export.
    frame : pandas.DataFrame
        The data, unrounded. A named or non-integer index is written as the first column(s).
    note : Text, optional
        Printed under the table ("注：" / "Note.").
    decimals : int or dict
        Display decimals of float columns (default 3), or ``{column: decimals}`` with the rest at 3.
        Excel keeps full precision and only sets the number format. Columns named ``pval`` (and
        ``p``, ``p_value``, ``p_adj``) show values below ``10**-decimals`` as ``< 0.001``.
    column_labels : dict, optional
        ``{column: Text}``; header text per language (default: the column name).

    Examples
    --------
    >>> import pandas as pd
    >>> t = Table("gaps", ("差距", "Gaps"), pd.DataFrame({"gap": [-0.5]}), decimals={"gap": 2})
    >>> t.title.get("zh"), t.decimals_of("gap"), t.decimals_of("other")
    ('差距', 2, 3)
    """

    key: str
    title: Text
    frame: pd.DataFrame
    note: Text | None = None
    decimals: int | Mapping[str, int] = 3
    column_labels: Mapping[str, Text] | None = None

    def __post_init__(self):
        _check_key("Table", self.key)
        if not isinstance(self.frame, pd.DataFrame):
            raise ReportError(f"Table {self.key!r}: frame must be a pandas DataFrame, got {type(self.frame).__name__}.")
        object.__setattr__(self, "title", as_text(self.title, f"Table {self.key!r} title"))
        object.__setattr__(self, "note", _opt_text(self.note, f"Table {self.key!r} note"))
        if self.column_labels is not None:
            labels = {k: as_text(v, f"Table {self.key!r} label of {k!r}") for k, v in dict(self.column_labels).items()}
            object.__setattr__(self, "column_labels", labels)
        dec = self.decimals
        ok = isinstance(dec, numbers.Integral) and not isinstance(dec, bool) and 0 <= dec <= 15
        if isinstance(dec, Mapping):
            ok = all(isinstance(v, numbers.Integral) and 0 <= v <= 15 for v in dec.values())
        if not ok:
            raise ReportError(f"Table {self.key!r}: decimals must be an integer 0-15 or a dict of them, got {dec!r}.")

    def decimals_of(self, column) -> int:
        """Display decimals of ``column``."""
        if isinstance(self.decimals, Mapping):
            return int(self.decimals.get(column, 3))
        return int(self.decimals)


@dataclass(frozen=True, eq=False)
class Figure:
    """A figure of the report.

    Parameters
    ----------
    key : str
        Short identifier (HTML anchor).
    title : Text or str or (zh, en)
        Caption text; the number ("图 1" / "Figure 1") is added at export, below the figure.
    figure : matplotlib Figure or Axes, PNG bytes, or path of a PNG file
        Rendered once to PNG (150 dpi) when first exported.
    note : Text, optional
    width_cm : float, optional
        Width in the Word document (default: the natural width, at most the text width).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(3, 2))
    >>> _ = ax.bar(["sq01", "sq02"], [5.88, 6.15])
    >>> f = Figure("means", ("题项均值", "Item means"), ax)
    >>> f.png()[:8] == b"\\x89PNG\\r\\n\\x1a\\n", f.png() is f.png()
    (True, True)
    >>> plt.close(fig)
    """

    key: str
    title: Text
    figure: Any
    note: Text | None = None
    width_cm: float | None = None
    _png: list = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self):
        _check_key("Figure", self.key)
        object.__setattr__(self, "title", as_text(self.title, f"Figure {self.key!r} title"))
        object.__setattr__(self, "note", _opt_text(self.note, f"Figure {self.key!r} note"))
        f = self.figure
        if isinstance(f, (bytes, bytearray)):
            if not bytes(f).startswith(_PNG_SIGNATURE):
                raise ReportError(f"Figure {self.key!r}: the bytes are not a PNG image.")
        elif isinstance(f, (str, Path)):
            p = Path(f)
            if not p.is_file():
                raise ReportError(f"Figure {self.key!r}: no such image file: {p}.")
            data = p.read_bytes()
            if not data.startswith(_PNG_SIGNATURE):
                raise ReportError(f"Figure {self.key!r}: {p.name} is not a PNG image; save the figure as PNG.")
            object.__setattr__(self, "figure", data)
        elif not (hasattr(f, "savefig") or hasattr(getattr(f, "figure", None), "savefig")):
            raise ReportError(
                f"Figure {self.key!r}: expected a matplotlib Figure or Axes, PNG bytes or a PNG path, "
                f"got {type(f).__name__}."
            )

    def png(self) -> bytes:
        """The figure as PNG bytes (rendered once, then cached)."""
        if not self._png:
            f = self.figure
            if isinstance(f, (bytes, bytearray)):
                data = bytes(f)
            else:
                fig = f if hasattr(f, "savefig") else f.figure
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", facecolor="white")
                data = buf.getvalue()
            self._png.append(data)
        return self._png[0]


@dataclass(eq=False)
class Section:
    """A section: heading, paragraphs, tables, figures (in that order), or a ``skipped`` reason.

    A section with ``skipped`` set shows only the note "left out because <reason>"; its other
    content is not exported.

    Parameters
    ----------
    key : str
        Short identifier (HTML anchor); unique within a report.
    title : Text or str or (zh, en)
    paragraphs : list of Text or str or (zh, en)
    tables : list of Table
    figures : list of Figure
    skipped : Text or str or (zh, en), optional
        Why the section is left out.

    Examples
    --------
    >>> import servqual as sq
    >>> items = sq.read_dataset("kiosk").items()
    >>> sec = Section("items", ("题项", "Items")).add_paragraph("n = 211")
    >>> _ = sec.add_table("sd", ("标准差", "SD"), items.iloc[:, :2].std().to_frame("sd"))
    >>> [t.key for t in sec.tables], sec.paragraphs[0].get("en")
    (['sd'], 'n = 211')
    """

    key: str
    title: Text
    paragraphs: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    skipped: Text | None = None

    def __post_init__(self):
        _check_key("Section", self.key)
        self.title = as_text(self.title, f"Section {self.key!r} title")
        self.paragraphs = [as_text(p, f"Section {self.key!r} paragraph") for p in self.paragraphs]
        for t in self.tables:
            if not isinstance(t, Table):
                raise ReportError(f"Section {self.key!r}: tables must be Table objects, got {type(t).__name__}.")
        for f in self.figures:
            if not isinstance(f, Figure):
                raise ReportError(f"Section {self.key!r}: figures must be Figure objects, got {type(f).__name__}.")
        self.tables = list(self.tables)
        self.figures = list(self.figures)
        self.skipped = _opt_text(self.skipped, f"Section {self.key!r} skipped reason")

    def add_paragraph(self, text) -> "Section":
        """Append an interpretation paragraph (Text, str or (zh, en)); returns the section."""
        self.paragraphs.append(as_text(text, f"Section {self.key!r} paragraph"))
        return self

    def add_table(self, key: str, title, frame: pd.DataFrame, note=None, decimals=3, column_labels=None) -> "Section":
        """Append a :class:`Table`; returns the section."""
        self.tables.append(Table(key, title, frame, note=note, decimals=decimals, column_labels=column_labels))
        return self

    def add_figure(self, key: str, title, figure, note=None, width_cm: float | None = None) -> "Section":
        """Append a :class:`Figure`; returns the section."""
        self.figures.append(Figure(key, title, figure, note=note, width_cm=width_cm))
        return self

    def add_result(self, result, key: str, titles: Mapping | None = None, notes: bool = True, decimals=3) -> "Section":
        """Append every table of a servqual result (``result.tables()``) and its interpretation notes.

        Table keys are ``key``, ``key_2``, ...; ``titles`` maps the result's table names to Text
        (default: the result's own, English, table names).
        """
        titles = dict(titles or {})
        for i, (name, frame) in enumerate(result.tables().items()):
            k = key if i == 0 else f"{key}_{i + 1}"
            self.add_table(k, titles.get(name, name), frame, decimals=decimals)
        if notes and hasattr(result, "notes"):
            for line in result.notes():
                self.add_paragraph(line)
        return self

    def skip(self, reason) -> "Section":
        """Mark the section as left out, with the reason (e.g. "the data have no expectation block")."""
        self.skipped = as_text(reason, f"Section {self.key!r} skipped reason")
        return self


@dataclass(eq=False)
class Report:
    """A report: title, meta data and sections, exported to HTML, Excel and Word.

    Parameters
    ----------
    title : Text or str or (zh, en)
    meta : dict
        Shown at the top of every output. Known keys get translated labels: ``data`` (data file),
        ``instrument`` (Text, str or an Instrument), ``n``, ``author``, ``client``, ``organisation``,
        ``description``; ``date`` is the report date (default: today). ``pii`` is the list of respondent
        PII columns (from ``instrument.pii``): they are removed from every table and never shown.
        Other keys are shown with the key as label; keys starting with ``_`` are not shown.
    sections : list of Section
    lang_default : {"zh", "en"}
        Language used when an exporter is called without ``lang``.

    Examples
    --------
    >>> rep = Report(("满意度报告", "Satisfaction report"), meta={"n": 211, "date": "2024-05-01", "_x": 1})
    >>> rep.meta_rows("en")
    [('Sample size (n)', '211'), ('Generated', '2024-05-01')]
    """

    title: Text
    meta: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)
    lang_default: str = "zh"

    def __post_init__(self):
        self.title = as_text(self.title, "Report title")
        self.meta = dict(self.meta or {})
        self.sections = list(self.sections)
        for s in self.sections:
            if not isinstance(s, Section):
                raise ReportError(f"Report sections must be Section objects, got {type(s).__name__}.")
        check_lang(self.lang_default)
        pii = self.meta.get("pii", ())
        if isinstance(pii, str):
            pii = [pii]
        self.meta["pii"] = [str(c) for c in (pii or ())]

    # ---- building --------------------------------------------------------------------------------
    @classmethod
    def for_responses(cls, title, responses, lang_default: str = "zh", **meta) -> "Report":
        """A report whose meta (data file name, instrument, n, PII columns) comes from :class:`servqual.Responses`."""
        inst = responses.instrument
        base = {
            "data": Path(str(responses.source)).name,
            "instrument": inst,
            "n": int(len(responses.data)),
            "pii": list(getattr(inst, "pii", ()) or ()),
        }
        base.update(meta)
        return cls(title, meta=base, lang_default=lang_default)

    def add_section(self, key: str, title, paragraphs: Iterable = (), skipped=None) -> Section:
        """Append a new section and return it (fill it with ``add_table`` / ``add_figure`` ...)."""
        if any(s.key == key for s in self.sections):
            raise ReportError(f"A section with key {key!r} already exists; section keys must be unique.")
        sec = Section(key, title, paragraphs=list(paragraphs), skipped=skipped)
        self.sections.append(sec)
        return sec

    def section(self, key: str) -> Section:
        """The section with ``key`` (``KeyError`` when there is none)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {[s.key for s in self.sections]}")

    # ---- numbering -------------------------------------------------------------------------------
    def numbered(self):
        """Document order: ``[(section_number, section, [(n, Table)], [(n, Figure)])]``, skipped sections
        without content. Table and figure numbers run through the document."""
        out, nt, nf = [], 0, 0
        for i, s in enumerate(self.sections, 1):
            tabs, figs = [], []
            if s.skipped is None:
                for t in s.tables:
                    nt += 1
                    tabs.append((nt, t))
                for f in s.figures:
                    nf += 1
                    figs.append((nf, f))
            out.append((i, s, tabs, figs))
        return out

    @property
    def pii(self) -> list:
        """The respondent PII columns (``meta["pii"]``)."""
        return list(self.meta.get("pii") or [])

    def date_text(self) -> str:
        """The report date as text (``meta["date"]``, default today, ISO format)."""
        d = self.meta.get("date")
        if d is None:
            return _dt.date.today().isoformat()
        return d.isoformat() if isinstance(d, (_dt.date, _dt.datetime)) else str(d)

    def meta_rows(self, lang: str) -> list:
        """``[(label, value)]`` of the meta block every output starts with, the report date last."""
        rows = []
        for k, v in self.meta.items():
            if k in META_HIDDEN or str(k).startswith("_") or v is None:
                continue
            label = META_LABELS[k].get(lang) if k in META_LABELS else str(k)
            rows.append((label, _meta_value(v, lang)))
        rows.append((WORDS["generated"].get(lang), self.date_text()))
        return rows

    # ---- exporters -------------------------------------------------------------------------------
    def to_html(self, path=None, lang: str | None = None, *, inputs=()) -> str:
        """Self-contained HTML report.

        Parameters
        ----------
        path : str or Path, optional
            File to write (UTF-8; its folder is created when missing); ``None`` only returns the text.
            The file is written to a temporary name and renamed when complete, never through a
            symbolic link (:func:`servqual._safeio.atomic_write`).
        lang : {"zh", "en"}, optional
            Language of texts and captions (default ``lang_default``).
        inputs : iterable of path
            The input files of the run, never overwritten (:class:`~servqual.exceptions.OutputFileError`).

        Returns
        -------
        str
            The HTML: inline CSS, meta block, table of contents, three-line tables with numbered
            captions above them, figures embedded as ``data:image/png;base64`` with captions below;
            nothing is fetched from the network and every text is HTML-escaped.
        """
        lang = check_lang(lang or self.lang_default)
        text = render_html(self, lang)
        if path is not None:
            with atomic_write(path, "wb", inputs=inputs, create_parents=True) as fh:
                fh.write(text.encode("utf-8", "replace"))  # a lone surrogate becomes "?"
        return text

    def to_excel(self, path, lang: str | None = None, *, inputs=()) -> Path:
        """Excel workbook: a ``README`` sheet, then one tidy sheet per table.

        Parameters
        ----------
        path : str or Path
            Written atomically, never through a link; its folder is created when missing.
        lang : {"zh", "en"}, optional
        inputs : iterable of path
            The input files of the run, never overwritten.

        Returns
        -------
        Path
            The file written. ``README`` holds the title, meta data (data file, instrument, n, date),
            software versions and the list of sheets with their numbered captions. Each table sheet is a
            header row plus data (index written as leading columns), numbers stored as numbers at full
            precision with a display format of ``decimals``, frozen header row, column widths set.
            Sheet names are the table keys made valid (no ``[]:*?/\\``, at most 31 characters, unique).
            Text cells are passed through :func:`~servqual.reporting.report.neutralise_cell`; PII columns
            are dropped.
        """
        lang = check_lang(lang or self.lang_default)
        return write_excel(self, Path(path), lang, inputs=inputs)

    def to_docx(self, path, lang: str | None = None, font: str = "Times New Roman",
                east_asia_font: str = "SimSun", heading_east_asia_font: str = "SimHei", *, inputs=()) -> Path:
        """Word document with headings, three-line tables, numbered captions and figures.

        Parameters
        ----------
        path : str or Path
            Written atomically, never through a link; its folder is created when missing.
        lang : {"zh", "en"}, optional
        font : str
            Font of Latin text (default Times New Roman).
        east_asia_font, heading_east_asia_font : str
            Fonts of Chinese text (``w:eastAsia``) in the body and captions (default SimSun 宋体) and in
            the title and headings (default SimHei 黑体); a reader without them substitutes a CJK font.
        inputs : iterable of path
            The input files of the run, never overwritten.

        Returns
        -------
        Path
            The file written: A4 pages, title, meta lines, numbered section headings, paragraphs,
            three-line tables (三线表: 1.5 pt rules at top and bottom, a 0.75 pt rule under the header
            row, no vertical rules; header row repeated on each page) with the caption above, figures
            at their natural width (at most the text width) with the caption below. Captions are Word
            ``SEQ`` fields, so Word keeps the numbering when tables are added. Tables with more than 9
            columns are placed on landscape pages.
        """
        lang = check_lang(lang or self.lang_default)
        return write_docx(self, Path(path), lang, font, east_asia_font, heading_east_asia_font, inputs=inputs)

    def write(self, out_dir, formats: Iterable[str] = FORMATS, lang: str | None = None, stem: str = "report", *,
              inputs=(), plan: OutputPlan | None = None) -> dict:
        """Write the report in several formats.

        The folder and every file name are checked before anything is written
        (:func:`servqual._safeio.check_output_folder`): a folder that is an existing file, a file that
        is a symbolic link or one of ``inputs`` is refused with
        :class:`~servqual.exceptions.OutputFileError`, which names both paths. Each file is written to
        a temporary name and renamed when complete.

        Parameters
        ----------
        out_dir : str or Path
            Created when missing.
        formats : iterable of {"html", "xlsx", "docx"} or a comma-separated str
        lang : {"zh", "en"}, optional
        stem : str
            File name without extension (default ``"report"``).
        inputs : iterable of path
            The input files of the run (data, questionnaire), never overwritten.
        plan : OutputPlan, optional
            The run's output plan: its inputs are respected too and the files written are added to
            its ``written`` list (for the message after an interrupt).

        Returns
        -------
        dict
            ``{format: Path}`` of the files written (``out_dir/<stem>.<format>``).

        Raises
        ------
        OutputFileError
            An output place that cannot or must not be written.
        """
        lang = check_lang(lang or self.lang_default)
        formats = check_formats(formats)
        if not stem or any(c in stem for c in '/\\:*?"<>|'):
            raise ReportError(f"stem must be a plain file name without path separators, got {stem!r}.")
        plan = OutputPlan() if plan is None else plan
        for p in inputs:
            plan.add_input(p)
        out = plan.folder(out_dir, what="report folder", files=[f"{stem}.{f}" for f in formats])
        exporters = {"html": self.to_html, "xlsx": self.to_excel, "docx": self.to_docx}
        written = {}
        for f in formats:
            p = out / f"{stem}.{f}"
            exporters[f](p, lang, inputs=plan.inputs)
            plan.written.append(p)
            written[f] = p
        return written
