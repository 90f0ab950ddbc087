"""Client-ready reports: a small document model and its HTML, Excel and Word exporters.

A :class:`Report` holds a title, a ``meta`` dictionary (data file, instrument, sample size, ...) and
ordered :class:`Section` objects. A section holds interpretation paragraphs, :class:`Table` objects
(a DataFrame with a title, a note and display decimals) and :class:`Figure` objects (a matplotlib
figure or PNG bytes). A section whose inputs are absent is kept with a ``skipped`` reason instead of
content, so the reader sees what was left out and why.

Every user-facing text is a bilingual :class:`servqual.instrument.Text`; plain strings, ``(zh, en)``
tuples and ``{"zh": ..., "en": ...}`` dicts are accepted wherever a text is expected. Captions
("表 1" / "Table 1", "图 1" / "Figure 1") are numbered at export, in document order.

Exporters: :meth:`Report.to_html` (one self-contained file, figures embedded as base64 PNG, nothing
fetched from the network), :meth:`Report.to_excel` (one tidy sheet per table plus a ``README`` sheet),
:meth:`Report.to_docx` (python-docx, three-line tables, numbered captions) and :meth:`Report.write` for all of them at once.

Safety is enforced by the exporters themselves:

- respondent PII columns listed in ``Report.meta["pii"]`` (fill it from ``instrument.pii``) are dropped
  from every table, and a table indexed by a PII column is refused with :class:`ReportError`;
- text cells written to Excel that start with ``=``, ``+``, ``-`` or ``@`` (also after leading
  whitespace) or with a tab or carriage return are prefixed with a single quote (OWASP, "CSV
  injection"), so no cell becomes a formula; numbers are written as numbers and are never altered;
- HTML output escapes every text.

Example
-------
>>> import servqual as sq
>>> from servqual.reporting.report import Report
>>> from servqual.psychometrics.reliability import cronbach_alpha
>>> resp = sq.read_dataset("bfi")
>>> rep = Report.for_responses(("大五人格问卷分析", "Big Five analysis"), resp)
>>> sec = rep.add_section("reliability", ("信度", "Reliability"))
>>> res = cronbach_alpha(resp.items(), ["A1", "A2", "A3", "A4", "A5"])
>>> _ = sec.add_table("alpha_items", ("宜人性题项统计", "Agreeableness item statistics"), res.items)
>>> _ = rep.add_section("gaps", ("服务质量差距", "Service-quality gaps"),
...                     skipped=("数据中没有期望值题组", "the data have no expectation block"))
>>> import tempfile
>>> paths = rep.write(tempfile.mkdtemp(), formats=("html", "xlsx"), lang="en")
>>> sorted(paths)
['html', 'xlsx']
"""

from __future__ import annotations

import base64
import datetime as _dt
import html as _html
import io
import math
import numbers
import platform
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from servqual._text import LANGS, check_lang
from servqual.exceptions import ReportError
from servqual.survey.instrument import Text

__all__ = [
    "Report",
    "Section",
    "Table",
    "Figure",
    "ReportError",
    "neutralise_cell",
    "FORMATS",
]

FORMATS = ("html", "xlsx", "docx")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FORMULA_TRIGGERS = ("=", "+", "-", "@")
_P_COLUMNS = {"p", "pval", "p_value", "pvalue", "p_adj", "pval_adj", "p_adjusted"}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# ---------------------------------------------------------------------------------------------------
# texts
# ---------------------------------------------------------------------------------------------------
def _text(value, what: str = "text") -> Text:
    """Coerce a str, ``(zh, en)`` tuple, ``{"zh", "en"}`` dict or Text to Text."""
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
    t = _text(value, what)
    return t if t else None




# words of the document in both languages
_W = {
    "table": Text("表", "Table"),
    "figure": Text("图", "Figure"),
    "contents": Text("目录", "Contents"),
    "note": Text("注：", "Note. "),
    "skipped": Text("本节未列出，原因：{reason}。", "Left out because {reason}."),
    "skipped_short": Text("（略）", "(left out)"),
    "generated": Text("生成日期", "Generated"),
    "pii": Text(
        "问卷中声明的受访者个人信息列（PII）不出现在本报告的任何表格中。",
        "Respondent PII columns declared in the instrument are excluded from every table of this report.",
    ),
    "yes": Text("是", "yes"),
    "no": Text("否", "no"),
    "sheet": Text("工作表", "Sheet"),
    "caption": Text("标题", "Caption"),
    "sheets": Text("工作表清单", "Sheets"),
    "title": Text("标题", "Title"),
    "versions": Text("软件版本", "Software versions"),
}
_META_LABELS = {
    "data": Text("数据文件", "Data file"),
    "instrument": Text("问卷", "Instrument"),
    "n": Text("样本量", "Sample size (n)"),
    "date": Text("日期", "Date"),
    "author": Text("作者", "Author"),
    "client": Text("委托方", "Client"),
    "organisation": Text("机构", "Organisation"),
    "language": Text("语言", "Language"),
    "description": Text("说明", "Description"),
}
_META_HIDDEN = {"pii", "date"}


def _caption(kind: str, number: int, title: Text, lang: str) -> str:
    word = _W[kind].get(lang)
    t = title.get(lang)
    return f"{word} {number}　{t}".rstrip("　") if lang == "zh" else f"{word} {number}. {t}".rstrip(". ")


def _skipped_note(reason: Text, lang: str) -> str:
    r = reason.get(lang).strip().rstrip("。.").strip()
    return _W["skipped"].get(lang).format(reason=r)


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
    """

    key: str
    title: Text
    frame: pd.DataFrame
    note: Text | None = None
    decimals: int | Mapping[str, int] = 3
    column_labels: Mapping[str, Text] | None = None

    def __post_init__(self):
        if not isinstance(self.key, str) or not self.key.strip():
            raise ReportError(f"Table key must be a non-empty string, got {self.key!r}.")
        if not isinstance(self.frame, pd.DataFrame):
            raise ReportError(f"Table {self.key!r}: frame must be a pandas DataFrame, got {type(self.frame).__name__}.")
        object.__setattr__(self, "title", _text(self.title, f"Table {self.key!r} title"))
        object.__setattr__(self, "note", _opt_text(self.note, f"Table {self.key!r} note"))
        if self.column_labels is not None:
            labels = {k: _text(v, f"Table {self.key!r} label of {k!r}") for k, v in dict(self.column_labels).items()}
            object.__setattr__(self, "column_labels", labels)
        dec = self.decimals
        ok = isinstance(dec, numbers.Integral) and not isinstance(dec, bool) and 0 <= dec <= 15
        if isinstance(dec, Mapping):
            ok = all(isinstance(v, numbers.Integral) and 0 <= v <= 15 for v in dec.values())
        if not ok:
            raise ReportError(f"Table {self.key!r}: decimals must be an integer 0-15 or a dict of them, got {dec!r}.")

    def decimals_of(self, column) -> int:
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
    """

    key: str
    title: Text
    figure: Any
    note: Text | None = None
    width_cm: float | None = None
    _png: list = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self):
        if not isinstance(self.key, str) or not self.key.strip():
            raise ReportError(f"Figure key must be a non-empty string, got {self.key!r}.")
        object.__setattr__(self, "title", _text(self.title, f"Figure {self.key!r} title"))
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
    """

    key: str
    title: Text
    paragraphs: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    skipped: Text | None = None

    def __post_init__(self):
        if not isinstance(self.key, str) or not self.key.strip():
            raise ReportError(f"Section key must be a non-empty string, got {self.key!r}.")
        self.title = _text(self.title, f"Section {self.key!r} title")
        self.paragraphs = [_text(p, f"Section {self.key!r} paragraph") for p in self.paragraphs]
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
        self.paragraphs.append(_text(text, f"Section {self.key!r} paragraph"))
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
        self.skipped = _text(reason, f"Section {self.key!r} skipped reason")
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
    """

    title: Text
    meta: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)
    lang_default: str = "zh"

    def __post_init__(self):
        self.title = _text(self.title, "Report title")
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
        return list(self.meta.get("pii") or [])

    def _date(self) -> str:
        d = self.meta.get("date")
        if d is None:
            return _dt.date.today().isoformat()
        return d.isoformat() if isinstance(d, (_dt.date, _dt.datetime)) else str(d)

    def _meta_rows(self, lang: str) -> list:
        rows = []
        for k, v in self.meta.items():
            if k in _META_HIDDEN or str(k).startswith("_") or v is None:
                continue
            label = _META_LABELS[k].get(lang) if k in _META_LABELS else str(k)
            rows.append((label, _meta_value(v, lang)))
        rows.append((_W["generated"].get(lang), self._date()))
        return rows

    # ---- exporters -------------------------------------------------------------------------------
    def to_html(self, path=None, lang: str | None = None) -> str:
        """Self-contained HTML report.

        Parameters
        ----------
        path : str or Path, optional
            File to write (UTF-8); ``None`` only returns the text.
        lang : {"zh", "en"}, optional
            Language of texts and captions (default ``lang_default``).

        Returns
        -------
        str
            The HTML: inline CSS, meta block, table of contents, three-line tables with numbered
            captions above them, figures embedded as ``data:image/png;base64`` with captions below;
            nothing is fetched from the network and every text is HTML-escaped.
        """
        lang = check_lang(lang or self.lang_default)
        text = _render_html(self, lang)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_excel(self, path, lang: str | None = None) -> Path:
        """Excel workbook: a ``README`` sheet, then one tidy sheet per table.

        Parameters
        ----------
        path : str or Path
        lang : {"zh", "en"}, optional

        Returns
        -------
        Path
            The file written. ``README`` holds the title, meta data (data file, instrument, n, date),
            software versions and the list of sheets with their numbered captions. Each table sheet is a
            header row plus data (index written as leading columns), numbers stored as numbers at full
            precision with a display format of ``decimals``, frozen header row, column widths set.
            Sheet names are the table keys made valid (no ``[]:*?/\\``, at most 31 characters, unique).
            Text cells are passed through :func:`neutralise_cell`; PII columns are dropped.
        """
        lang = check_lang(lang or self.lang_default)
        return _write_excel(self, Path(path), lang)

    def to_docx(self, path, lang: str | None = None, font: str = "Times New Roman",
                east_asia_font: str = "SimSun", heading_east_asia_font: str = "SimHei") -> Path:
        """Word document with headings, three-line tables, numbered captions and figures.

        Parameters
        ----------
        path : str or Path
        lang : {"zh", "en"}, optional
        font : str
            Font of Latin text (default Times New Roman).
        east_asia_font, heading_east_asia_font : str
            Fonts of Chinese text (``w:eastAsia``) in the body and captions (default SimSun 宋体) and in
            the title and headings (default SimHei 黑体); a reader without them substitutes a CJK font.

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
        return _write_docx(self, Path(path), lang, font, east_asia_font, heading_east_asia_font)

    def write(self, out_dir, formats: Iterable[str] = FORMATS, lang: str | None = None, stem: str = "report") -> dict:
        """Write the report in several formats.

        Parameters
        ----------
        out_dir : str or Path
            Created when missing.
        formats : iterable of {"html", "xlsx", "docx"} or a comma-separated str
        lang : {"zh", "en"}, optional
        stem : str
            File name without extension (default ``"report"``).

        Returns
        -------
        dict
            ``{format: Path}`` of the files written (``out_dir/<stem>.<format>``).
        """
        lang = check_lang(lang or self.lang_default)
        if isinstance(formats, str):
            formats = [f.strip() for f in formats.split(",") if f.strip()]
        formats = list(formats)
        bad = [f for f in formats if f not in FORMATS]
        if bad or not formats:
            raise ReportError(f"Unknown report format(s) {bad}; choose from {list(FORMATS)}.")
        if not stem or any(c in stem for c in '/\\:*?"<>|'):
            raise ReportError(f"stem must be a plain file name without path separators, got {stem!r}.")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = {}
        for f in formats:
            p = out / f"{stem}.{f}"
            if f == "html":
                self.to_html(p, lang)
            elif f == "xlsx":
                self.to_excel(p, lang)
            else:
                self.to_docx(p, lang)
            written[f] = p
        return written


# ---------------------------------------------------------------------------------------------------
# tables: PII removal, flattening, formatting
# ---------------------------------------------------------------------------------------------------
@dataclass
class _Prepared:
    headers: list
    columns: list  # original column names (flattened str)
    rows: list  # list of lists of python scalars
    kinds: list  # per column: "int", "float", "p", "bool", "text"
    decimals: list


def _is_pii(name, pii: set) -> bool:
    if isinstance(name, tuple):
        return any(str(x) in pii for x in name)
    return str(name) in pii


def _prepare(table: Table, pii: Iterable[str], lang: str) -> _Prepared:
    pii = set(pii)
    df = table.frame
    idx = df.index
    names = [n for n in idx.names]
    bad_index = [str(n) for n in names if n is not None and _is_pii(n, pii)]
    if bad_index:
        raise ReportError(
            f"Table {table.key!r} is indexed by the respondent PII column(s) {bad_index}; PII never goes into "
            "a report. Aggregate the data or use an anonymous id as index."
        )
    keep_index = any(n is not None for n in names) or not (
        isinstance(idx, pd.RangeIndex) or pd.api.types.is_integer_dtype(idx.dtype)
    )
    cols = [c for c in df.columns if not _is_pii(c, pii)]
    df = df.loc[:, cols] if len(cols) != df.shape[1] else df
    placeholders = set()
    if keep_index:
        level_names = []
        for i, n in enumerate(names):
            if n is None:
                n = f"__servqual_index_{i}__"
                placeholders.add(n)
            level_names.append(n)
        df = df.copy()
        df.index = df.index.set_names(level_names)
        if isinstance(df.columns, pd.MultiIndex):
            df.columns = [" / ".join(str(x) for x in c) for c in df.columns]
        clash = sorted(set(map(str, level_names)) & set(map(str, df.columns)))
        if clash:
            raise ReportError(
                f"Table {table.key!r}: the index level(s) {clash} have the name of a column; rename one of them."
            )
        df = df.reset_index()
    flat = [" / ".join(str(x) for x in c) if isinstance(c, tuple) else str(c) for c in df.columns]
    flat = ["" if c in placeholders else c for c in flat]
    labels = table.column_labels or {}
    headers = [labels[c].get(lang, c) if c in labels else c for c in flat]
    kinds, decs, columns_vals = [], [], []
    for j, c in enumerate(flat):
        s = df.iloc[:, j]
        vals = [_py(v) for v in s.tolist()]
        kind = _kind(s, vals, c)
        kinds.append(kind)
        decs.append(table.decimals_of(c))
        columns_vals.append(vals)
    rows = [list(r) for r in zip(*columns_vals)] if columns_vals else []
    if not columns_vals:
        rows = [[] for _ in range(len(df))]
    return _Prepared(headers, flat, rows, kinds, decs)


def _py(v):
    """A cell as a plain Python scalar; missing values -> None."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (numbers.Integral, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, Text):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _kind(s: pd.Series, vals: list, name: str) -> str:
    present = [v for v in vals if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        lname = name.lower()
        if lname in _P_COLUMNS or lname.startswith("pval") or lname.startswith("p_"):
            return "p"
        if all(isinstance(v, int) for v in present):
            return "int"
        if all(math.isfinite(v) and float(v).is_integer() and abs(v) < 1e15 for v in present):
            return "int"
        return "float"
    if not present and pd.api.types.is_numeric_dtype(s.dtype):
        return "float"
    return "text"


def _display(v, kind: str, decimals: int, lang: str) -> str:
    """Text shown in HTML and Word for one cell (rounded for display only)."""
    if v is None:
        return ""
    if isinstance(v, Text):
        return v.get(lang)
    if isinstance(v, bool):
        return (_W["yes"] if v else _W["no"]).get(lang)
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            return "∞" if v > 0 else "−∞"
        if kind == "int":
            return f"{int(round(v))}"
        if kind == "p" and 0 <= v < 10 ** (-decimals):
            return f"< {10 ** (-decimals):.{decimals}f}"
        out = f"{v:.{decimals}f}"
        if out.startswith("-") and float(out) == 0:
            out = out[1:]
        return out
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v.isoformat()
    return str(v)


# ---------------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------------
def neutralise_cell(value):
    """Make a text cell safe for spreadsheets (no formula injection); other values are returned unchanged.

    A string whose first character is ``=``, ``+``, ``-`` or ``@`` (also after leading whitespace), or
    that starts with a tab or carriage return, gets a leading single quote, as recommended by OWASP
    ("CSV Injection"). Numbers, including negative numbers, are not strings and are left alone.
    Characters that XML forbids (control characters other than tab, LF and CR) are removed.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell(" -2+3"), neutralise_cell(-2), neutralise_cell("a-b")
    ("' -2+3", -2, 'a-b')
    """
    if not isinstance(value, str):
        return value
    s = _ILLEGAL_XML.sub("", value)
    if s[:1] in ("\t", "\r") or s.lstrip()[:1] in _FORMULA_TRIGGERS:
        return "'" + s
    return s


def _excel_value(v, lang: str):
    if v is None:
        return None
    if isinstance(v, Text):
        return neutralise_cell(v.get(lang))
    if isinstance(v, (bool, int)):
        return v
    if isinstance(v, float):
        if math.isfinite(v):
            return v
        return "∞" if v > 0 else "−∞"
    if isinstance(v, _dt.datetime):
        return v.replace(tzinfo=None) if v.tzinfo else v
    if isinstance(v, _dt.date):
        return v
    return neutralise_cell(str(v))


def _sheet_name(key: str, used: set, fallback: str) -> str:
    base = _SHEET_BAD.sub("_", _ILLEGAL_XML.sub("", key)).strip().strip("'").strip()
    if not base or base.lower() in ("history", "readme"):
        base = f"{fallback}_{base}" if base else fallback
    base = base[:31]
    name, i = base, 1
    while name.lower() in used:
        i += 1
        suffix = f"_{i}"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


def _width(text: str) -> int:
    """Display width: East Asian wide characters count twice."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _write_excel(report: Report, path: Path, lang: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thick, thin = Side(style="medium"), Side(style="thin")
    bold = Font(bold=True)
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    used = {"readme"}
    sheets = []  # (sheet name, caption, note)
    for _, sec, tabs, _figs in report.numbered():
        for n, tab in tabs:
            prep = _prepare(tab, report.pii, lang)
            name = _sheet_name(tab.key, used, f"T{n}")
            ws = wb.create_sheet(name)
            caption = _caption("table", n, tab.title, lang)
            sheets.append((name, caption, tab.note.get(lang) if tab.note else ""))
            ncol = len(prep.headers)
            widths = [_width(str(h)) for h in prep.headers]
            for j, h in enumerate(prep.headers, 1):
                c = ws.cell(row=1, column=j, value=neutralise_cell(str(h)))
                c.font = bold
                c.border = Border(top=thick, bottom=thin)
                c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=False)
            fmts = []
            for kind, dec in zip(prep.kinds, prep.decimals):
                fmts.append("0" if kind == "int" else ("0." + "0" * dec if dec > 0 else "0") if kind in ("float", "p") else None)
            last = len(prep.rows) + 1
            for i, row in enumerate(prep.rows, 2):
                for j, v in enumerate(row, 1):
                    val = _excel_value(v, lang)
                    c = ws.cell(row=i, column=j, value=val)
                    if isinstance(val, str):
                        c.data_type = "s"  # never a formula
                        widths[j - 1] = max(widths[j - 1], _width(val))
                    elif isinstance(val, (int, float)) and not isinstance(val, bool):
                        if fmts[j - 1]:
                            c.number_format = fmts[j - 1]
                        widths[j - 1] = max(widths[j - 1], len(_display(val, prep.kinds[j - 1], prep.decimals[j - 1], lang)))
                    if i == last:
                        c.border = Border(bottom=thick)
            for j in range(1, ncol + 1):
                ws.column_dimensions[get_column_letter(j)].width = min(max(widths[j - 1] + 2, 8), 60)
            ws.freeze_panes = "A2"

    # README sheet
    import openpyxl

    from servqual._version import __version__ as sq_version

    rows = [(_W["title"].get(lang), report.title.get(lang))]
    rows += report._meta_rows(lang)
    rows.append(None)
    rows.append((_W["versions"].get(lang), ""))
    rows += [
        ("servqual", sq_version),
        ("Python", platform.python_version()),
        ("pandas", pd.__version__),
        ("numpy", np.__version__),
        ("openpyxl", openpyxl.__version__),
    ]
    if report.pii:
        rows.append(None)
        rows.append((_W["pii"].get(lang), ""))
    rows.append(None)
    r = 1
    for row in rows:
        if row is not None:
            a = readme.cell(row=r, column=1, value=neutralise_cell(row[0]))
            a.font = bold
            readme.cell(row=r, column=2, value=neutralise_cell(row[1]) if isinstance(row[1], str) else row[1]).data_type = "s"
        r += 1
    readme.cell(row=r, column=1, value=_W["sheets"].get(lang)).font = bold
    r += 1
    for j, h in enumerate((_W["sheet"].get(lang), _W["caption"].get(lang), _W["note"].get(lang).strip(" ：.")), 1):
        c = readme.cell(row=r, column=j, value=h)
        c.font = bold
        c.border = Border(top=thick, bottom=thin)
    for name, cap, note in sheets:
        r += 1
        for j, v in enumerate((name, cap, note), 1):
            readme.cell(row=r, column=j, value=neutralise_cell(v)).data_type = "s"
    for j in range(1, 4):
        c = readme.cell(row=r, column=j)
        c.border = Border(bottom=thick, top=c.border.top)
    readme.column_dimensions["A"].width = 28
    readme.column_dimensions["B"].width = 60
    readme.column_dimensions["C"].width = 60
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------
_CSS = """
body{font-family:"Times New Roman","Noto Serif CJK SC","Source Han Serif SC","Songti SC",SimSun,serif;
 max-width:60em;margin:2em auto;padding:0 1.5em;line-height:1.55;color:#111}
h1{font-size:1.7em;margin-bottom:.3em}
h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
h1,h2,nav{font-family:Arial,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",SimHei,sans-serif}
table.meta{border-collapse:collapse;margin:.5em 0 1.5em}
table.meta th{text-align:left;padding:.15em 1.2em .15em 0;font-weight:bold;vertical-align:top}
table.meta td{padding:.15em 0}
nav.toc{background:#f7f7f7;padding:.6em 1.2em;margin-bottom:1.5em}
nav.toc ol{margin:.3em 0}
.skipped,.note{color:#555}
.skipped{font-style:italic}
.note{font-size:.9em;margin-top:.3em}
.pii{font-size:.9em;color:#555}
.tablewrap{overflow-x:auto;margin:1.2em 0}
table.three-line{border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000;font-size:.92em}
table.three-line caption{caption-side:top;text-align:left;font-weight:bold;padding-bottom:.4em}
table.three-line th{border-bottom:1px solid #000;padding:.3em .7em;font-weight:bold;text-align:center;white-space:nowrap}
table.three-line td{padding:.2em .7em;border:none;text-align:left}
table.three-line td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:1.5em 0;text-align:center}
figure img{max-width:100%;height:auto}
figcaption{font-weight:bold;margin-top:.4em}
footer{margin-top:3em;font-size:.85em;color:#666;border-top:1px solid #ddd;padding-top:.5em}
"""


def _anchor(prefix: str, key: str, used: set) -> str:
    base = prefix + "-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "x")
    a, i = base, 1
    while a in used:
        i += 1
        a = f"{base}-{i}"
    used.add(a)
    return a


def _render_html(report: Report, lang: str) -> str:
    e = _html.escape
    used: set = set()
    numbered = report.numbered()
    sec_ids = {id(s): _anchor("sec", s.key, used) for _, s, _, _ in numbered}
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title.get(lang))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(report.title.get(lang))}</h1>",
        '<table class="meta">',
    ]
    for label, value in report._meta_rows(lang):
        out.append(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>")
    out.append("</table>")
    if report.pii:
        out.append(f'<p class="pii">{e(_W["pii"].get(lang))}</p>')
    out.append(f'<nav class="toc"><b>{e(_W["contents"].get(lang))}</b><ol>')
    for i, s, _, _ in numbered:
        extra = f' <span class="skipped">{e(_W["skipped_short"].get(lang))}</span>' if s.skipped is not None else ""
        out.append(f'<li><a href="#{sec_ids[id(s)]}">{e(s.title.get(lang))}</a>{extra}</li>')
    out.append("</ol></nav>")
    for i, s, tabs, figs in numbered:
        out.append(f'<section id="{sec_ids[id(s)]}">')
        out.append(f"<h2>{i} {e(s.title.get(lang))}</h2>")
        if s.skipped is not None:
            out.append(f'<p class="skipped">{e(_skipped_note(s.skipped, lang))}</p>')
            out.append("</section>")
            continue
        for p in s.paragraphs:
            out.append(f"<p>{e(p.get(lang))}</p>")
        for n, t in tabs:
            prep = _prepare(t, report.pii, lang)
            out.append(f'<div class="tablewrap" id="{_anchor("tab", t.key, used)}"><table class="three-line">')
            out.append(f"<caption>{e(_caption('table', n, t.title, lang))}</caption>")
            out.append("<thead><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in prep.headers) + "</tr></thead><tbody>")
            for row in prep.rows:
                cells = []
                for v, kind, dec in zip(row, prep.kinds, prep.decimals):
                    cls = ' class="num"' if kind in ("int", "float", "p") else ""
                    cells.append(f"<td{cls}>{e(_display(v, kind, dec, lang))}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
            if t.note:
                out.append(f'<p class="note">{e(_W["note"].get(lang) + t.note.get(lang))}</p>')
            out.append("</div>")
        for n, f in figs:
            b64 = base64.b64encode(f.png()).decode("ascii")
            cap = _caption("figure", n, f.title, lang)
            out.append(f'<figure id="{_anchor("fig", f.key, used)}">')
            out.append(f'<img src="data:image/png;base64,{b64}" alt="{e(cap)}">')
            out.append(f"<figcaption>{e(cap)}</figcaption>")
            if f.note:
                out.append(f'<p class="note">{e(_W["note"].get(lang) + f.note.get(lang))}</p>')
            out.append("</figure>")
        out.append("</section>")
    from servqual._version import __version__ as sq_version

    out.append(f"<footer>servqual {e(sq_version)} · {e(_W['generated'].get(lang))} {e(report._date())}</footer>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------------


def _png_size(png: bytes):
    """(width_px, height_px, dpi_x) of a PNG (dpi from the pHYs chunk, 96 when absent)."""
    w, h = struct.unpack(">II", png[16:24])
    dpi = 96.0
    pos = 8
    while pos + 8 <= len(png):
        length, ctype = struct.unpack(">I4s", png[pos:pos + 8])
        if ctype == b"pHYs" and length >= 9:
            ppu_x, _ppu_y, unit = struct.unpack(">IIB", png[pos + 8:pos + 17])
            if unit == 1 and ppu_x > 0:
                dpi = ppu_x * 0.0254
            break
        if ctype in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    return w, h, dpi


def _set_fonts(style, font: str, east_asia: str, qn, OxmlElement):
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:ascii"), font)
    rfonts.set(qn("w:hAnsi"), font)
    rfonts.set(qn("w:cs"), font)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _border(tag: str, val: str, sz: int, qn, OxmlElement):
    el = OxmlElement(tag)
    el.set(qn("w:val"), val)
    if val != "nil":
        el.set(qn("w:sz"), str(sz))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
    return el


def _three_line(table, qn, OxmlElement):
    """三线表: thick top and bottom rules, a thin rule under the header row, no vertical lines."""
    tblPr = table._tbl.tblPr
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side, val, sz in (("top", "single", 12), ("left", "nil", 0), ("bottom", "single", 12),
                          ("right", "nil", 0), ("insideH", "nil", 0), ("insideV", "nil", 0)):
        borders.append(_border(f"w:{side}", val, sz, qn, OxmlElement))
    # schema order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize, tblStyleColBandSize, tblW,
    # jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    after = [qn(f"w:{t}") for t in ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")]
    anchor = next((c for c in tblPr if c.tag in after), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        tblPr.append(borders)
    header = table.rows[0]
    trPr = header._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:tblHeader"))  # repeat the header row on each page
    for cell in header.cells:
        tcPr = cell._tc.get_or_add_tcPr()
        tcb = OxmlElement("w:tcBorders")
        tcb.append(_border("w:top", "single", 12, qn, OxmlElement))
        tcb.append(_border("w:bottom", "single", 6, qn, OxmlElement))
        tcPr.append(tcb)
    last = table.rows[-1]
    if len(table.rows) > 1:
        for cell in last.cells:
            tcPr = cell._tc.get_or_add_tcPr()
            tcb = OxmlElement("w:tcBorders")
            tcb.append(_border("w:bottom", "single", 12, qn, OxmlElement))
            tcPr.append(tcb)


def _seq_caption(paragraph, word: str, number: int, title: str, lang: str, qn, OxmlElement):
    """Caption text with a Word SEQ field (updatable numbering; the current number is the field result)."""
    paragraph.add_run(f"{word} ")

    def fld(kind):
        r = paragraph.add_run()
        fc = OxmlElement("w:fldChar")
        fc.set(qn("w:fldCharType"), kind)
        r._r.append(fc)

    fld("begin")
    r = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" SEQ {word} \\* ARABIC "
    r._r.append(instr)
    fld("separate")
    paragraph.add_run(str(number))
    fld("end")
    sep = "　" if lang == "zh" else ". "
    if title:
        paragraph.add_run(f"{sep}{title}")


def _write_docx(report: Report, path: Path, lang: str, font: str, ea_font: str, ea_heading: str) -> Path:
    import docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = docx.Document()
    sect = doc.sections[0]
    sect.page_width, sect.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(sect, side, Cm(2.5))
    sect.top_margin = sect.bottom_margin = Cm(2.5)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号
    _set_fonts(normal, font, ea_font, qn, OxmlElement)
    rpr = normal.element.get_or_add_rPr()
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:val"), "en-US" if lang == "en" else "zh-CN")
    lang_el.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang_el)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        st = styles[name]
        _set_fonts(st, font, ea_heading if name != "Caption" else ea_font, qn, OxmlElement)
        st.font.color.rgb = RGBColor(0, 0, 0)
    styles["Title"].font.size = Pt(18)
    title_ppr = styles["Title"].element.pPr
    if title_ppr is not None and title_ppr.find(qn("w:pBdr")) is not None:
        title_ppr.remove(title_ppr.find(qn("w:pBdr")))  # the template's blue rule under the title
    styles["Heading 1"].font.size = Pt(14)
    cap_style = styles["Caption"]
    cap_style.font.size = Pt(10.5)
    cap_style.font.bold = True
    cap_style.font.italic = False

    doc.core_properties.title = report.title.get(lang)
    doc.add_heading(report.title.get(lang), level=0)
    for label, value in report._meta_rows(lang):
        p = doc.add_paragraph()
        p.add_run(label + ("：" if lang == "zh" else ": ")).bold = True
        p.add_run(value)
        p.paragraph_format.space_after = Pt(0)
    if report.pii:
        p = doc.add_paragraph(_W["pii"].get(lang))
        p.runs[0].italic = True

    table_word = _W["table"].get(lang)
    fig_word = _W["figure"].get(lang)

    def usable_width():
        s = doc.sections[-1]
        return s.page_width - s.left_margin - s.right_margin

    def set_orientation(landscape: bool):
        s = doc.sections[-1]
        if (s.orientation == WD_ORIENT.LANDSCAPE) == landscape:
            return
        new = doc.add_section(WD_SECTION.NEW_PAGE)
        w, h = Cm(21.0), Cm(29.7)
        new.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        new.page_width, new.page_height = (h, w) if landscape else (w, h)

    for i, s, tabs, figs in report.numbered():
        set_orientation(False)
        doc.add_heading(f"{i} {s.title.get(lang)}", level=1)
        if s.skipped is not None:
            p = doc.add_paragraph(_skipped_note(s.skipped, lang))
            p.runs[0].italic = True
            continue
        for para in s.paragraphs:
            doc.add_paragraph(para.get(lang))
        for n, t in tabs:
            prep = _prepare(t, report.pii, lang)
            ncol = max(len(prep.headers), 1)
            set_orientation(ncol > 9)
            size = Pt(10.5) if ncol <= 6 else Pt(9) if ncol <= 9 else Pt(8) if ncol <= 14 else Pt(7)
            cap = doc.add_paragraph(style="Caption")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap.paragraph_format.keep_with_next = True
            _seq_caption(cap, table_word, n, t.title.get(lang), lang, qn, OxmlElement)
            table = doc.add_table(rows=len(prep.rows) + 1, cols=ncol)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            all_rows = table.rows
            for j, h in enumerate(prep.headers):
                cell = all_rows[0].cells[j]
                par = cell.paragraphs[0]
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = par.add_run(str(h))
                run.bold = True
                run.font.size = size
            for r_i, row in enumerate(prep.rows, 1):
                cells = all_rows[r_i].cells
                for j, (v, kind, dec) in enumerate(zip(row, prep.kinds, prep.decimals)):
                    par = cells[j].paragraphs[0]
                    if kind in ("int", "float", "p"):
                        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    run = par.add_run(_display(v, kind, dec, lang))
                    run.font.size = size
            _three_line(table, qn, OxmlElement)
            if t.note:
                p = doc.add_paragraph()
                r = p.add_run(_W["note"].get(lang) + t.note.get(lang))
                r.font.size = Pt(9)
            else:
                doc.add_paragraph()
        set_orientation(False)
        for n, f in figs:
            png = f.png()
            wpx, _hpx, dpi = _png_size(png)
            natural = Cm(wpx / dpi * 2.54)
            width = Cm(f.width_cm) if f.width_cm else min(natural, usable_width())
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = True
            p.add_run().add_picture(io.BytesIO(png), width=min(width, usable_width()))
            cap = doc.add_paragraph(style="Caption")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _seq_caption(cap, fig_word, n, f.title.get(lang), lang, qn, OxmlElement)
            if f.note:
                r = doc.add_paragraph().add_run(_W["note"].get(lang) + f.note.get(lang))
                r.font.size = Pt(9)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
