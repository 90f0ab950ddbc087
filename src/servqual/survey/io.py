"""Reading real survey exports and checking every answer against the questionnaire.

:func:`read_responses` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 -- detected automatically),
Excel (.xlsx) and SPSS (.sav) files and checks each cell the questionnaire describes. Every problem is
reported with the file, the row as the user sees it (the spreadsheet row: the header is row 1), the
column and the offending value. The input file is only read, never written. No row is dropped.

Every file goes through the guarded reader of :mod:`servqual._safeio` before a parser sees it: what
is not a regular file (a folder, a FIFO, ``/dev/zero``) or is over the size limit is refused without
being opened, a workbook's zip directory and sheet sizes are checked before it is decompressed (zip
bombs, sheets of 10,000 columns), and text is decoded strictly (a file mixing UTF-8 with GBK lines is
refused, naming the first line that does not decode). A workbook with merged header cells, with
formulas whose values were never saved, or whose questionnaire columns are on another sheet is refused
with what to do. Respondent ids and personal-data (``pii:``) columns are read as text, and the values
of personal-data columns are never shown when responses are displayed.
"""

from __future__ import annotations

import codecs
import csv
import html
import io as _io
import re
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from servqual._results import Summary, frame_to_html
from servqual._safeio import MAX_DATA_BYTES, DecodedText, check_input_file, check_xlsx, decode_text, read_input_bytes
from servqual.exceptions import DataReadError, DataValidationError, InputFileError, ServqualWarning
from servqual.survey.forms.xlsforms import xlsform_export_names
from servqual.survey.instrument import Instrument, as_instrument
from servqual.survey.instrument.model import normalize_answer

__all__ = ["Responses", "read_responses", "check_responses", "read_table", "validate_responses", "format_problems",
           "pii_columns", "PROBLEM_COLUMNS", "PII_HIDDEN", "PiiFrame"]

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "hint"]
_LIKELY_MISSING = {0, 9, 99, 999, 9999, -1, -9, -99, -999, 98, 97, 88}
CSV_SUFFIXES = {".csv", ".txt", ".tsv", ".tab", ".dat"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SPSS_SUFFIXES = {".sav", ".zsav"}
#: What a display of responses shows instead of a value of a personal-data (``pii:``) column.
PII_HIDDEN = "(hidden: personal data)"


class PiiFrame(pd.DataFrame):
    """A DataFrame whose display (``repr``, ``print``, the notebook view) hides the values of its
    personal-data columns; the values stay in the frame and are reached by explicit column access
    (``frame["phone"]``). Frames derived from it (a row subset, ``head()``) keep the mask.

    Examples
    --------
    >>> f = PiiFrame({"id": ["a"], "phone": ["13800138000"]})
    >>> f.pii = ("phone",)
    >>> "13800138000" in repr(f), "13800138000" in f._repr_html_(), f["phone"].iloc[0]
    (False, False, '13800138000')
    """

    _metadata = ["pii"]
    pii: tuple = ()

    @property
    def _constructor(self):
        return PiiFrame

    def _masked(self) -> pd.DataFrame:
        shown = pd.DataFrame(self, copy=True)
        for c in self.pii:
            if c in shown.columns:
                shown[c] = pd.Series(PII_HIDDEN, index=shown.index, dtype=object).where(shown[c].notna(), None)
        return shown

    def __repr__(self) -> str:
        return repr(self._masked()) if self.pii else super().__repr__()

    def _repr_html_(self):
        return self._masked()._repr_html_() if self.pii else super()._repr_html_()

    def to_string(self, *args, **kwargs):
        return self._masked().to_string(*args, **kwargs) if self.pii else super().to_string(*args, **kwargs)


def _with_pii_mask(frame: pd.DataFrame, pii: list) -> pd.DataFrame:
    out = PiiFrame(frame)
    out.pii = tuple(pii)
    return out


@dataclass(frozen=True)
class Responses:
    """Responses read and checked against a questionnaire.

    Attributes
    ----------
    data : pandas.DataFrame
        Scored answers: declared missing codes are NaN and reverse-keyed items are scored as
        ``min + max - x``. Every column of the file is kept, in file order; no row is dropped.
    raw : pandas.DataFrame
        The answers as read (numbers as numbers, missing codes and reverse-keyed items unchanged).
    instrument : Instrument
    source : str
        The file that was read.
    encoding : str or None
        The text encoding used (CSV only).
    log : pandas.DataFrame
        What was done to the data: ``step, column, n, detail`` (missing codes recoded, items
        reversed, extra columns passed through).
    problems : pandas.DataFrame
        Problems found (empty when the file is clean); columns ``file, row, column, value, problem, hint``.
    row_numbers : pandas.Series
        The file row of each data row (header = row 1 for CSV/Excel; the case number for SPSS).
    value_labels : dict
        SPSS value labels by column.
    not_applicable : pandas.DataFrame
        One boolean column per rating column: True where the answer was a ``not_applicable`` code
        ("does not apply"; missing in ``data`` like "no answer", but counted apart, see
        :func:`servqual.missing_report`).
    """

    data: pd.DataFrame
    raw: pd.DataFrame
    instrument: Instrument
    source: str
    encoding: str | None = None
    log: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    row_numbers: pd.Series | None = None
    value_labels: dict = field(default_factory=dict)
    not_applicable: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n_rows(self) -> int:
        return len(self.data)

    def items(self, block: str | None = None) -> pd.DataFrame:
        """The scored item columns of ``block`` (default: the analysis block), in questionnaire order."""
        cols = list(self.instrument.columns(block).values())
        return self.data[cols]

    def summary(self) -> Summary:
        """What was read: the file, its size, the questionnaire, the problems and every step of the log.

        Examples
        --------
        >>> import servqual as sq
        >>> print(sq.read_dataset("holzinger").summary())
        Responses: ...HolzingerSwineford1939.csv (encoding utf-8)
          301 rows x 15 columns; questionnaire 'holzinger_swineford': 3 dimensions, 9 items
          problems: 0
          - rows: 301 rows read, none dropped
        """
        inst = self.instrument
        n_items = len(inst.items)
        lines = [
            f"Responses: {self.source}" + (f" (encoding {self.encoding})" if self.encoding else ""),
            f"  {len(self.data)} rows x {self.data.shape[1]} columns; questionnaire {inst.id!r}: "
            f"{len(inst.dimensions)} dimensions, {n_items} items",
            f"  problems: {len(self.problems)}",
        ]
        for _, r in self.log.iterrows():
            lines.append(f"  - {r['step']}: {r['detail']}")
        return Summary("\n".join(lines), self._repr_html_())

    def __repr__(self) -> str:
        return (f"<Responses: {Path(self.source).name}, {len(self.data)} rows x {self.data.shape[1]} columns, "
                f"{len(self.problems)} problems>")

    @property
    def pii_columns(self) -> list:
        """The columns of :attr:`data` that hold personal data (declared ``pii:``, in any letter case)."""
        return pii_columns(self.data.columns, self.instrument)

    def head(self, n: int = 5) -> pd.DataFrame:
        """The first ``n`` scored rows for display, each personal-data column's values replaced by
        :data:`PII_HIDDEN` (the values themselves stay in ``data[column]``).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import servqual as sq
        >>> inst = sq.load_instrument("after_sales_service_quality")
        >>> tmpl = sq.response_template(inst).iloc[:0]
        >>> path = Path(tempfile.mkdtemp()) / "answers.csv"
        >>> row = {c: 3 for c in tmpl.columns} | {"resp_id": "007", "phone": "13800138000"}
        >>> pd.DataFrame([row], columns=tmpl.columns).to_csv(path, index=False)
        >>> r = sq.read_responses(path, inst)
        >>> r.head()[["resp_id", "phone"]]
          resp_id                    phone
        0     007  (hidden: personal data)
        >>> "13800138000" in r._repr_html_(), r.data["phone"].tolist()
        (False, ['13800138000'])
        """
        shown = self.data.head(n).copy()
        for c in self.pii_columns:
            shown[c] = pd.Series(PII_HIDDEN, index=shown.index, dtype=object).where(shown[c].notna(), None)
        return shown

    def _repr_html_(self) -> str:
        hidden = self.pii_columns
        note = (f"<p>personal data hidden: {html.escape(', '.join(map(str, hidden)))}</p>" if hidden else "")
        return (
            f"<p><b>Responses</b> {html.escape(str(self.source))}: {len(self.data)} rows, {len(self.problems)} problems</p>"
            + note
            + frame_to_html(self.log, caption="log")
            + frame_to_html(self.head(), caption="first rows (scored)")
        )


# --------------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------------
_LIMIT_KEYWORDS = ("max_bytes", "max_uncompressed", "max_ratio", "max_cells", "max_columns")
_FALLBACKS = ("gb18030", "cp1252")  # Excel's "CSV" on Chinese and on Western Windows
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a genuine (binary) .xls
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_CELL_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


@dataclass(frozen=True)
class _Table:
    """What :func:`_read_table` read: the frame and how it was read."""

    frame: pd.DataFrame
    encoding: str | None
    rows: pd.Series
    labels: dict
    user_missing: dict
    log: tuple = ()  # (step, detail) pairs for the Responses log


def _limits(limits) -> dict:
    limits = dict(limits or {})
    unknown = sorted(set(limits) - set(_LIMIT_KEYWORDS))
    if unknown:
        raise ValueError(f"unknown limit(s) {', '.join(unknown)}; the limits are {', '.join(_LIMIT_KEYWORDS)}")
    return limits


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[DecodedText, bool]:
    """The text of a CSV file, and whether its encoding was guessed (not UTF-8 and not given)."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise DataReadError(f"{path}: unknown encoding {encoding!r}; use e.g. utf-8, utf-8-sig, gbk or gb18030.") from None
        body = raw if name.startswith(("utf-16", "utf-32")) else raw.rstrip(b"\x00")
        try:
            return DecodedText(body.decode(encoding), encoding, len(raw) - len(body)), False
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise DataReadError(
                f"{path}: line {line} is not valid {encoding} (byte {raw[e.start:e.start + 1]!r} at offset {e.start}). "
                "Give the file's real encoding with encoding=/--encoding (Excel on Chinese Windows writes gbk; "
                "most other tools write utf-8)."
            ) from None
    try:
        text = decode_text(raw, name=str(path), kind="data", fallbacks=_FALLBACKS)
    except InputFileError as e:
        if "is not UTF-8 (line" not in str(e):  # mixed encodings or a NUL byte: no encoding helps
            raise
        raise InputFileError(f"{e}, or give its encoding with encoding=/--encoding{_likely_encoding(raw)}",
                             path=path) from None
    if text.encoding == "gb18030" and not _looks_chinese(text.text):
        try:
            text = decode_text(raw, name=str(path), kind="data", fallbacks=("cp1252",))
        except InputFileError:
            pass
    return text, text.encoding in _FALLBACKS


def _likely_encoding(raw: bytes) -> str:
    """A hint at the encoding of text that is neither UTF-8, GB18030 nor Windows-1252 (never used to
    decode: a guess is only offered to the user)."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[: 1 << 20]).best()
    return f" (it may be {best.encoding})" if best is not None else ""


def _looks_chinese(text: str) -> bool:
    """Whether text decoded as GB18030 reads as Chinese rather than as Western text misread.

    Western text (``Zürich`` in Windows-1252) decodes as GB18030 only through the pairs of GBK whose
    second byte is an ASCII letter (``Z黵ich``), or through four-byte sequences; Chinese text is
    mostly made of the common characters of GB2312, whose two bytes are both above 0x80.

    Examples
    --------
    >>> _looks_chinese("服务很好"), _looks_chinese("Zürich".encode("cp1252").decode("gb18030"))
    (True, False)
    """
    common = odd = 0
    for ch in text:
        if ord(ch) < 0x80:
            continue
        b = ch.encode("gb18030")
        if len(b) == 2 and b[1] >= 0x80:
            common += 1
        else:
            odd += 1
    return common >= odd


def _sniff_sep(text: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _id_text(s: pd.Series) -> pd.Series:
    """A respondent-id column as text: ``1`` and ``01`` stay different; a whole number read as a
    float (Excel, SPSS) is written without ``.0``."""
    def one(v):
        if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)):
            return np.nan
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v)

    return s.astype(object).map(one)


def _read_csv(p: Path, suffix: str, encoding, text_columns, max_bytes) -> _Table:
    raw = read_input_bytes(p, "data", max_bytes)
    if not raw.strip(b" \t\r\n\x00"):
        raise DataReadError(f"{p}: the file is empty.")
    decoded, guessed = _decode(raw, p, encoding)
    text = decoded.text
    sep = _sniff_sep(text, suffix)
    header = next(csv.reader(_io.StringIO(text.split("\n", 1)[0]), delimiter=sep), [])
    _check_header(p, header)
    wanted = set(text_columns)
    dtype = {h: str for h in header if h.strip() in wanted}
    try:
        df = pd.read_csv(_io.StringIO(text), sep=sep, keep_default_na=False, na_values=[""], skipinitialspace=False,
                         dtype=dtype or None)
    except pd.errors.ParserError as e:
        raise DataReadError(f"{p}: cannot parse the CSV ({e}). Check the separator and the quotes on that line.") from None
    log = []
    if guessed:
        log.append(("encoding", f"not UTF-8: decoded as {decoded.encoding}; if letters look wrong, give the file's "
                                "encoding with encoding=/--encoding"))
    if decoded.nul_padding:
        log.append(("NUL padding", f"{decoded.nul_padding:,} NUL byte(s) at the end of the file ignored"))
    rows = pd.Series(_csv_rows(text, sep, len(df)), index=df.index, name="row")
    return _Table(df, decoded.encoding, rows, {}, {}, tuple(log))


_BLANK_LINE = re.compile(r"(?:^|\n)[ \t]*\r?\n")


def _csv_rows(text: str, sep: str, n: int) -> np.ndarray:
    """The spreadsheet row of each of the ``n`` records the CSV parser kept (header = row 1).

    The parser skips blank lines, which a spreadsheet shows as empty rows: the rows after a blank line
    are numbered as the spreadsheet numbers them.

    Examples
    --------
    >>> _csv_rows("q1,q2\\n1,2\\n\\n3,4\\n", ",", 2).tolist()
    [2, 4]
    """
    plain = np.arange(n) + 2
    if not _BLANK_LINE.search(text):
        return plain
    kept = [i for i, rec in enumerate(csv.reader(_io.StringIO(text), delimiter=sep), 1)
            if len(rec) > 1 or (rec and rec[0].strip())]
    return np.asarray(kept[1:]) if len(kept) == n + 1 else plain


def _scan_sheet(p: Path, part: str) -> tuple[bool, list]:
    """Whether a worksheet part holds a formula, and its merged ranges as (col0, row0, col1, row1)."""
    from openpyxl.utils import column_index_from_string

    found, merged, tail = False, [], b""
    with zipfile.ZipFile(p) as zf, zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            block = tail + chunk
            found = found or bool(_FORMULA_TAG.search(block))
            start = max(0, len(tail) - 80)
            for m in _MERGE_REF.finditer(block, start):
                if m.end() > len(tail):
                    merged.append(m.groups())
            tail = block[-80:]
    out = []
    for c0, r0, c1, r1 in merged:
        c0, r0 = column_index_from_string(c0.decode()), int(r0)
        c1, r1 = (column_index_from_string(c1.decode()), int(r1)) if c1 else (c0, r0)
        out.append((c0, r0, c1, r1))
    return found, sorted(set(out), key=lambda t: (t[1], t[0]))


def _formulas_without_values(p: Path, part: str) -> list:
    """(column number, row) of each formula cell that holds no saved value."""
    from openpyxl.utils import column_index_from_string

    with zipfile.ZipFile(p) as zf:
        xml = zf.read(part)
    out = []
    for m in _CELL.finditer(xml):
        body = m.group(2) or b""
        if _FORMULA_TAG.search(body) and not _CELL_VALUE.search(body):
            ref = _CELL_REF.search(m.group(1))
            if ref:
                out.append((column_index_from_string(ref.group(1).decode()), int(ref.group(2))))
    return out


def _ref(col: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _pick_sheet(p: Path, book: pd.ExcelFile, sheet) -> str:
    names = list(book.sheet_names)
    listed = ", ".join(repr(n) for n in names)
    if sheet is None:
        return names[0]
    if isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if not 0 <= int(sheet) < len(names):
            raise DataReadError(f"{p}: no sheet number {int(sheet)} (counted from 0); the sheets are {listed}.")
        return names[int(sheet)]
    if str(sheet) not in names:
        raise DataReadError(f"{p}: no sheet {sheet!r}; the sheets are {listed}.")
    return str(sheet)


def _check_sheet_choice(p: Path, book: pd.ExcelFile, name: str, header: list, sheet, expect) -> None:
    """Refuse a sheet without some of the questionnaire's columns when another sheet holds more of them."""
    expect = [c for c in dict.fromkeys(expect)]
    have = sum(c in header for c in expect)
    if not expect or have == len(expect) or len(book.sheet_names) < 2:
        return
    best, best_n = None, have
    for other in book.sheet_names:
        if other == name:
            continue
        head = pd.read_excel(book, sheet_name=other, header=None, nrows=1, dtype=object)
        cols = {str(c).strip() for c in head.iloc[0].tolist()} if len(head) else set()
        n = sum(c in cols for c in expect)
        if n > best_n:
            best, best_n = other, n
    if best is not None and 2 * best_n >= len(expect):
        which = f"sheet {name!r} (the first sheet)" if sheet is None else f"sheet {name!r}"
        raise DataReadError(f"{p}: {which} holds {have} of the questionnaire's {len(expect)} columns and sheet {best!r} "
                            f"holds {best_n}: read that sheet with --sheet {best} (sheet={best!r} in Python).")


def _read_excel(p: Path, suffix: str, sheet, text_columns, expect, limits: dict) -> _Table:
    max_bytes = limits.get("max_bytes", MAX_DATA_BYTES)
    from openpyxl.utils import get_column_letter

    with p.open("rb") as fh:
        binary_xls = suffix == ".xls" and fh.read(len(_OLE2_MAGIC)) == _OLE2_MAGIC
    parts = {}
    if not binary_xls:
        xlsx = {k: v for k, v in limits.items() if k != "max_bytes"}
        parts = {html.unescape(s.name): s.part for s in check_xlsx(p, max_bytes=max_bytes, **xlsx)}
    with pd.ExcelFile(p, engine="xlrd" if binary_xls else "openpyxl") as book:
        name = _pick_sheet(p, book, sheet)
        head = pd.read_excel(book, sheet_name=name, header=None, nrows=1, dtype=object)
        header = head.iloc[0].tolist() if len(head) else []
        names = ["" if pd.isna(c) else str(c).strip() for c in header]
        _check_sheet_choice(p, book, name, names, sheet, expect)
        part = parts.get(name)
        if part is not None:
            has_formula, merged = _scan_sheet(p, part)
            in_header = [m for m in merged if m[1] == 1]
            if in_header:
                refs = ", ".join(f"{_ref(c0, r0)}:{_ref(c1, r1)}" for c0, r0, c1, r1 in in_header[:5])
                raise DataReadError(
                    f"{p}: sheet {name!r} has merged cells in its header ({refs}): servqual needs one header row with "
                    "one column name per column; unmerge the cells, keep a single row of column names and delete the "
                    "other header rows.")
            if has_formula:
                empty = _formulas_without_values(p, part)
                if empty:
                    cols = list(dict.fromkeys(c for c, _ in empty))
                    shown = ", ".join(
                        f"{names[c - 1]!r}" if c <= len(names) and names[c - 1] else get_column_letter(c) for c in cols[:10])
                    more = f" and {len(cols) - 10} more" if len(cols) > 10 else ""
                    raise DataReadError(
                        f"{p}: sheet {name!r}: column(s) {shown}{more} hold formulas without saved values ({len(empty)} "
                        f"cell(s), first {_ref(*empty[0])}): open the file in Excel and save it, or export the values "
                        "(copy, paste special: values) before reading it.")
        _check_header(p, header)
        df = pd.read_excel(book, sheet_name=name, dtype=object, keep_default_na=False, na_values=[""])
    for c in df.columns:
        if str(c).strip() in set(text_columns):
            df[c] = _id_text(df[c])
    rows = pd.Series(np.arange(len(df)) + 2, index=df.index, name="row")
    return _Table(df, None, rows, {}, {})


def _read_spss(p: Path, text_columns) -> _Table:
    import pyreadstat

    df, meta = pyreadstat.read_sav(str(p), apply_value_formats=False, user_missing=True)
    labels = dict(meta.variable_value_labels or {})
    user_missing = {col: ranges for col, ranges in (meta.missing_ranges or {}).items()}
    for c in df.columns:
        if c in set(text_columns):
            df[c] = _id_text(df[c])
    rows = pd.Series(np.arange(len(df)) + 1, index=df.index, name="row")
    return _Table(df, None, rows, labels, user_missing)


def _read_table(path, encoding=None, sheet=None, *, text_columns=(), expect=(), limits=None) -> _Table:
    """:func:`read_table` with what the Responses log reports; ``expect`` are the questionnaire's
    columns (a workbook sheet without them is refused when another sheet holds them)."""
    limits = _limits(limits)
    max_bytes = limits.get("max_bytes", MAX_DATA_BYTES)
    p = check_input_file(path, "data", max_bytes)
    suffix = p.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES or suffix == "":
            table = _read_csv(p, suffix, encoding, text_columns, max_bytes)
        elif suffix in EXCEL_SUFFIXES:
            table = _read_excel(p, suffix, sheet, text_columns, expect, limits)
        elif suffix in SPSS_SUFFIXES:
            table = _read_spss(p, text_columns)
        else:
            raise DataReadError(
                f"{p}: unknown file type {suffix!r}; servqual reads .csv/.txt/.tsv (UTF-8 or GBK), .xlsx and .sav files."
            )
    except (DataReadError, InputFileError):
        raise
    except UnicodeDecodeError as e:  # pragma: no cover - decoded above
        raise DataReadError(f"{p}: encoding problem ({e}).") from None
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise DataReadError(f"{p}: cannot read the file ({e}).") from None
    except Exception as e:  # noqa: BLE001 - third-party readers raise their own types
        raise DataReadError(f"{p}: cannot read the file ({type(e).__name__}: {e}).") from None
    df = table.frame
    df.columns = [str(c).strip() for c in df.columns]
    _check_header(p, list(df.columns))
    return table


def read_table(path, encoding: str | None = None, sheet=None, *, text_columns=(),
               limits: dict | None = None) -> tuple[pd.DataFrame, str | None, pd.Series, dict, dict]:
    """Read a CSV / Excel / SPSS file as it is: returns ``(frame, encoding, row_numbers, value_labels, user_missing)``.

    Cells are not converted beyond the file format's own types; empty cells are NaN; text such as
    ``"NA"`` stays text (so that it can be reported, not silently treated as missing). The file is
    checked before it is opened (:func:`servqual._safeio.check_input_file`: a folder, a FIFO or a device
    such as ``/dev/zero`` is refused, and so is a file over the size limit), a workbook's zip directory
    and sheet sizes are checked before it is decompressed (:func:`servqual._safeio.check_xlsx`), and
    text is decoded by :func:`servqual._safeio.decode_text` (UTF-8, else GB18030, else Windows-1252; a
    file that mixes UTF-8 with another encoding is refused, naming its first line that does not decode;
    NUL bytes padding the end are ignored).

    Parameters
    ----------
    path : str or pathlib.Path
    encoding : str, optional
        Text encoding of a CSV file; detected when omitted.
    sheet : str or int, optional
        Excel sheet (default: the first).
    text_columns : iterable of str
        Columns read as text (respondent ids: ``01`` and ``1`` stay different, ``00033`` keeps its zeros).
    limits : dict, optional
        Larger (or smaller) limits for big studies: ``max_bytes`` (the file, default 256 MiB),
        ``max_uncompressed``, ``max_ratio``, ``max_cells``, ``max_columns`` (workbooks; see
        :func:`servqual._safeio.check_xlsx`).

    Returns
    -------
    tuple

    Raises
    ------
    InputFileError
        The file is missing, not a regular file, over a limit, or its text does not decode.
    DataReadError
        The file cannot be read as a table: empty, unknown type or encoding, repeated or merged header
        cells, formulas without saved values, a sheet that does not exist.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "ids.csv"
    >>> _ = p.write_text("rid,q1\\n00033,4\\n1,5\\n01,3\\n")
    >>> read_table(p, text_columns=["rid"])[0]["rid"].tolist()
    ['00033', '1', '01']
    >>> read_table("/dev/zero")
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the data file /dev/zero is a character device, not a regular file
    """
    t = _read_table(path, encoding, sheet, text_columns=text_columns, limits=limits)
    return t.frame, t.encoding, t.rows, t.labels, t.user_missing


def _check_header(p, header) -> None:
    names = [str(c).strip() for c in header if not (c is None or (isinstance(c, float) and np.isnan(c)))]
    seen, dup = set(), []
    for c in filter(None, names):  # empty header cells are named by the reader (Unnamed: n)
        if c in seen and c not in dup:
            dup.append(c)
        seen.add(c)
    if dup:
        raise DataReadError(f"{p}: the header (row 1) repeats column name(s) {', '.join(dup)}; every column needs its own name.")


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------
def _as_numeric(s: pd.Series):
    """Parse a column to float; returns (values, not_a_number_mask)."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float), pd.Series(False, index=s.index)
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float), pd.Series(False, index=s.index)
    obj = s.astype(object)
    present = obj.notna()
    stripped = obj.where(~present, obj.astype(str).str.strip())
    num = pd.to_numeric(stripped.where(stripped != "", np.nan), errors="coerce")
    bad = present & num.isna() & (stripped != "")
    return num.astype(float), bad


def _hint_not_number(v) -> str:
    t = str(v)
    if any("\uff10" <= ch <= "\uff19" for ch in t):
        return "full-width digits: retype the number with ordinary digits 0-9"
    if "," in t and t.replace(",", "", 1).replace(".", "", 1).strip().lstrip("-").isdigit():
        return "decimal comma: use a point (3.5), or export the file with '.' as decimal separator"
    return ("enter the answer as a number or leave the cell empty; if this text means 'no answer', declare it "
            "under this column's missing_codes")


@dataclass(frozen=True)
class _Answers:
    """One column's answers as numbers, with what the questionnaire says of each cell."""

    num: pd.Series  # the answer codes (answer texts mapped to their codes); NaN when empty or not a number
    not_num: pd.Series  # text that is neither a number, an answer text of the scale, nor a declared code
    missing: pd.Series  # a declared missing code ("no answer"), not-applicable codes included
    na: pd.Series  # a not-applicable code ("does not apply")
    mapped: int  # cells given as answer texts and read as their codes


def _codes(codes) -> tuple:
    """``(numeric codes, normalised text codes)`` of a list of missing codes."""
    nums = {float(m) for m in codes if isinstance(m, (int, float)) and not isinstance(m, bool)}
    txts = {normalize_answer(m) for m in codes if isinstance(m, str)}
    return nums, txts


def _parse_answers(s: pd.Series, spec) -> _Answers:
    """The answers of a column as the questionnaire reads them: numbers, answer texts of the scale
    (``values:`` and labels, after :func:`~servqual.survey.instrument.model.normalize_answer`), missing and
    not-applicable codes (numbers or texts)."""
    num, not_num = _as_numeric(s)
    miss_num, miss_txt = _codes(tuple(spec["missing_codes"]) + tuple(spec["not_applicable"]))
    na_num, na_txt = _codes(spec["not_applicable"])
    scale = spec.get("scale") if hasattr(spec, "get") else None
    texts = scale.text_codes() if scale is not None else {}
    mapped = 0
    if not_num.any():
        norm = s[not_num].map(normalize_answer)
        txt_missing = norm.isin(miss_txt)
        txt_na = norm.isin(na_txt)
        codes = norm.map(texts).where(~txt_missing)
        hit = codes.notna()
        mapped = int(hit.sum())
        if mapped:
            num = num.copy()
            num.loc[codes[hit].index] = codes[hit].astype(float)
        nn = not_num.copy()
        nn.loc[norm.index] = ~(hit | txt_missing)
        tm = pd.Series(False, index=s.index)
        tm.loc[norm.index] = txt_missing
        tn = pd.Series(False, index=s.index)
        tn.loc[norm.index] = txt_na
    else:
        nn, tm, tn = not_num, pd.Series(False, index=s.index), pd.Series(False, index=s.index)
    missing = num.isin(miss_num) | tm
    na = num.isin(na_num) | tn
    return _Answers(num=num, not_num=nn, missing=missing, na=na, mapped=mapped)


def _hint_text_answer(v, spec) -> str:
    """What to do with a text in a numeric column: map it to a code (``values:``), or declare it a code."""
    scale = spec.get("scale") if hasattr(spec, "get") else None
    specific = _hint_not_number(v)
    if "full-width" in specific or "decimal comma" in specific:
        return specific
    if scale is not None and spec["role"] in ("item", "overall", "outcome", "attention"):
        allowed = list(scale.text_codes())
        if allowed:
            shown = ", ".join(repr(t) for t in allowed[:12]) + (" ..." if len(allowed) > 12 else "")
            return (f"not an answer text of the scale (allowed: {shown}); correct the text, add it to the scale's "
                    "values: with its code, or, if it means 'no answer', list it under missing_codes")
        return ("if this text is an answer, give the scale values: {text: code, ...} (e.g. values: {非常满意: 5, 满意: 4}) "
                "so that it reads as its code; if it means 'no answer' or 'does not apply', list it under missing_codes "
                "or not_applicable")
    return _hint_not_number(v)


def validate_responses(df: pd.DataFrame, instrument: Instrument, source: str = "<data>", row_numbers=None,
                       user_missing: dict | None = None) -> pd.DataFrame:
    """Check a DataFrame of answers against ``instrument``; return the problem table (empty when clean).

    Returns
    -------
    pandas.DataFrame
        Columns ``file, row, column, value, problem, hint``; one row per offending cell (or missing column).
    """
    problems = []
    rows = row_numbers if row_numbers is not None else pd.Series(np.arange(len(df)) + 2, index=df.index)
    specs = instrument.column_specs()
    user_missing = user_missing or {}
    if len(df) == 0:
        problems.append({"file": source, "row": 2, "column": "", "value": "",
                         "problem": "no answers: the file has a header row and no data rows",
                         "hint": "add the responses below the header row, or check that this is the right file and sheet"})

    def add(mask, column, problem, hint, values=None):
        idx = mask[mask].index
        vals = df.loc[idx, column] if values is None else values.loc[idx]
        for i, v in zip(idx, vals):
            problems.append({"file": source, "row": int(rows.loc[i]), "column": column, "value": v, "problem": problem, "hint": hint})

    for _, spec in specs.iterrows():
        col, role = spec["column"], spec["role"]
        if col not in df.columns:
            if role in ("pii", "segment"):
                continue
            problems.append({
                "file": source, "row": 1, "column": col, "value": "",
                "problem": f"column {col!r} ({role}{' ' + str(spec['item']) if spec['item'] else ''}) is missing from the file",
                "hint": "add the column, rename the header to match the questionnaire, or correct the questionnaire",
            })
            continue
        s = df[col]
        if role in ("pii", "segment"):
            continue
        if role == "respondent_id":
            miss = s.isna() | (s.astype(str).str.strip() == "")
            add(miss, col, "respondent id is empty", "give every respondent an id")
            key = s.astype(str).str.strip()
            dup = key.duplicated(keep=False) & ~miss
            if dup.any():
                first = {}
                for i, k in key[dup].items():
                    first.setdefault(k, int(rows.loc[i]))
                for i in dup[dup].index:
                    problems.append({
                        "file": source, "row": int(rows.loc[i]), "column": col, "value": df.at[i, col],
                        "problem": f"duplicated respondent id (first at row {first[key.loc[i]]})",
                        "hint": "ids must be unique: remove the duplicate response or correct its id",
                    })
            continue
        if role == "kano":
            missing_num, missing_txt = _codes(spec["missing_codes"])
            codes = {str(c) for _, c in instrument.kano_answers}
            present = s.notna() & (s.astype(str).str.strip() != "")
            txt = s.astype(str).str.strip()
            bad = present & ~txt.isin(codes) & ~txt.map(normalize_answer).isin(missing_txt)
            try:
                bad &= ~pd.to_numeric(s, errors="coerce").isin(missing_num)
            except TypeError:  # pragma: no cover
                pass
            add(bad, col, f"not a Kano answer (expected one of {', '.join(sorted(codes))})",
                "recode the answer to one of the Kano answer codes declared in the questionnaire")
            continue
        ans = _parse_answers(s, spec)
        num, not_num = ans.num, ans.not_num
        if not_num.any():
            idx = not_num[not_num].index
            for i in idx:
                v = df.at[i, col]
                problems.append({"file": source, "row": int(rows.loc[i]), "column": col, "value": v,
                                 "problem": "not a number" if not texts_allowed(spec) else "not an answer of the scale",
                                 "hint": _hint_text_answer(v, spec)})
        is_missing_code = ans.missing.copy()
        for r in user_missing.get(col, []):
            is_missing_code |= (num >= r["lo"]) & (num <= r["hi"])
        valid = num.notna() & ~is_missing_code
        if role in ("item", "overall", "outcome", "attention"):
            lo, hi = float(spec["scale_min"]), float(spec["scale_max"])
            out = valid & ((num < lo) | (num > hi))
            if out.any():
                for i in out[out].index:
                    v = num.loc[i]
                    vv = int(v) if float(v).is_integer() else v
                    if float(v).is_integer() and int(v) in _LIKELY_MISSING:
                        hint = (f"if {vv} means 'no answer', declare it: missing_codes: [{vv}] (or not_applicable: [{vv}] if it "
                                "means 'does not apply'); otherwise correct the answer")
                    else:
                        hint = f"the scale is {_n(lo)}-{_n(hi)}: correct the answer or the questionnaire's scale"
                    problems.append({"file": source, "row": int(rows.loc[i]), "column": col, "value": df.at[i, col],
                                     "problem": f"outside the scale {_n(lo)}-{_n(hi)}" + (" (undeclared missing code?)" if float(v).is_integer() and int(v) in _LIKELY_MISSING else ""),
                                     "hint": hint})
            sc = spec["scale"]
            if sc is not None and sc.point_list:
                pts = np.asarray(sc.point_list, dtype=float)
                between = valid & ~out & ~num.isin(pts)
                add(between, col, f"not a point of the scale {', '.join(map(_n, pts))}",
                    "answers on this scale are one of its points: correct the answer, or list every point under the scale's points:")
            elif spec["integer"]:
                frac = valid & ~out & (num != np.round(num))
                add(frac, col, "not a whole number on a Likert item", "Likert answers are whole scale points")
        elif role == "duration":
            neg = valid & (num < 0)
            add(neg, col, "negative completion time", "completion times are zero or positive")
    out = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    if len(out):
        out = out.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    return out


def texts_allowed(spec) -> bool:
    """Whether a column reads answer texts (its scale has ``values:`` or labels)."""
    sc = spec.get("scale") if hasattr(spec, "get") else None
    return spec["role"] in ("item", "overall", "outcome", "attention") and sc is not None and bool(sc.text_codes())


def _show(v) -> str:
    """A cell value as the user typed it (numbers without numpy reprs, text quoted)."""
    if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)) or (isinstance(v, str) and v == ""):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    return repr(str(v))


def _n(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def format_problems(problems: pd.DataFrame, source: str, max_listed: int = 10) -> str:
    n = len(problems)
    head = problems.head(max_listed)
    lines = [f"{source}: {n} problem(s) in the data; the first {len(head)}:" if n > max_listed else f"{source}: {n} problem(s) in the data:"]
    for _, r in head.iterrows():
        val = _show(r["value"])
        val = f" value {val}:" if val else ""
        where = f"row {r['row']}, column {r['column']!r}" if r["column"] != "" else f"row {r['row']}"
        lines.append(f"  {where}:{val} {r['problem']} -> {r['hint']}")
    lines.append(
        "What to do: correct these cells in a copy of the file (servqual never changes your file), or declare "
        "missing codes / scales in the questionnaire. See every problem with read_responses(..., errors='report') "
        "or `servqual validate --survey ... --data ...`."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------------
def read_responses(path, instrument, *, encoding: str | None = None, sheet=None, errors: str = "raise", max_listed: int = 10,
                   limits: dict | None = None):
    """Read a survey export and check it against the questionnaire.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.csv``/``.txt``/``.tsv`` (UTF-8, UTF-8 with BOM, GBK/GB18030 detected automatically), ``.xlsx``
        or SPSS ``.sav`` (codes are read as numbers; value labels are kept in ``value_labels``; SPSS
        user-missing values are treated as missing and logged).
    instrument : Instrument or str or path
        The questionnaire (an :class:`Instrument`, a YAML path or a bundled name).
    encoding : str, optional
        Text encoding of a CSV file; detected when omitted.
    sheet : str or int, optional
        Excel sheet (default: the first).
    errors : {"raise", "report"}
        ``"raise"`` (default): raise :class:`DataValidationError` listing up to ``max_listed`` problem
        cells, their total and what to do. ``"report"`` is an alias of :func:`check_responses`: it
        returns the full problem table instead of :class:`Responses` (an empty table when the file is
        clean); call :func:`check_responses` for that table.
    max_listed : int
        How many problems the error message lists.
    limits : dict, optional
        Larger limits for a big study (``max_bytes``, ``max_cells``, ``max_columns``, ...; see
        :func:`read_table`).

    Returns
    -------
    Responses
        ``.data`` scored, ``.raw`` as read, ``.log``, ``.problems`` (empty: a file with problems raises).
        With the alias ``errors="report"``: the problem table of :func:`check_responses`.

    Raises
    ------
    DataValidationError
        When a cell or a column disagrees with the questionnaire; ``.problems`` holds the full table.
    DataReadError
        When the file cannot be read (empty, unknown type or encoding, repeated or merged header cells,
        formulas without saved values, the questionnaire's columns on another sheet).
    InputFileError
        When the file is refused before it is read (missing, not a regular file, over a limit) or its text
        does not decode.

    Warns
    -----
    ServqualWarning
        When a column the questionnaire declares ``pii:`` matches a column of the file only in letter case.

    Notes
    -----
    A cell is a problem when it is not a number, is outside its item's scale and not a declared missing
    code, is not a whole number on a Likert item, a Kano answer is not one of the declared codes, or a
    respondent id is empty or repeated; a column the questionnaire needs that the file lacks, and a file
    without any answer row, are problems too. Respondent ids are read as text (``1`` and ``01`` are two
    respondents, ``00033`` keeps its zeros). Rows are numbered as a spreadsheet shows them: the header is row 1, the first answer
    row is row 2 (SPSS: the case number). Missing codes become NaN; reverse-keyed items are scored as
    ``min + max - x`` in ``data`` while ``raw`` keeps the answers. Nothing is dropped: screening and
    exclusion are explicit steps (:func:`servqual.screen`).

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.read_responses(sq.dataset_path("bfi"), "bfi")
    >>> r.data.shape
    (2800, 29)
    >>> float(r.raw.loc[0, "A1"]), float(r.data.loc[0, "A1"])   # A1 is reverse-keyed on 1-6
    (2.0, 5.0)
    >>> len(r.problems)
    0
    """
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
    instrument, p, table, renamed, problems = _read_and_check(path, instrument, encoding, sheet, limits)
    if errors == "report":
        return problems
    if len(problems):
        raise DataValidationError(format_problems(problems, str(p), max_listed), problems=problems)
    resp = _score(table.frame, instrument, str(p), table.encoding, table.rows, table.labels, table.user_missing,
                  table.log)
    if renamed:
        extra = pd.DataFrame([{"step": "renamed headers", "column": ", ".join(list(renamed)[:10]), "n": len(renamed),
                               "detail": f"{len(renamed)} ODK/KoboToolbox group-path header(s) renamed to the questionnaire's "
                                         f"columns (e.g. {next(iter(renamed))} -> {next(iter(renamed.values()))})"}])
        object.__setattr__(resp, "log", pd.concat([extra, resp.log], ignore_index=True))
    return resp


def check_responses(path, instrument, *, encoding: str | None = None, sheet=None,
                    limits: dict | None = None) -> pd.DataFrame:
    """Read a survey export and return every problem it has against the questionnaire (never raises for them).

    Parameters
    ----------
    path : str or pathlib.Path
        The data file (as for :func:`read_responses`).
    instrument : Instrument or str or path
        The questionnaire.
    encoding : str, optional
        Text encoding of a CSV file; detected when omitted.
    sheet : str or int, optional
        Excel sheet (default: the first).
    limits : dict, optional
        Larger limits for a big study (see :func:`read_table`).

    Returns
    -------
    pandas.DataFrame
        Columns ``file, row, column, value, problem, hint``; one row per offending cell (or missing
        column), empty when the file is clean. ``read_responses(..., errors="report")`` returns the same.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger").astype({"x1": object})
    >>> df.loc[4, "x1"] = "n/a"
    >>> path = Path(tempfile.mkdtemp()) / "holzinger.csv"
    >>> df.to_csv(path, index=False)
    >>> check_responses(path, "holzinger")[["row", "column", "value", "problem"]]
       row column value      problem
    0    6     x1   n/a  not a number
    """
    return _read_and_check(path, instrument, encoding, sheet, limits)[-1]


def _read_and_check(path, instrument, encoding, sheet, limits=None):
    """The questionnaire, the path, what :func:`_read_table` read, the renamed headers and the problem table."""
    instrument = as_instrument(instrument)
    p = Path(path)
    specs = instrument.column_specs()
    expect = [c for c, role in zip(specs["column"], specs["role"]) if role not in ("pii", "segment")]
    ids = [instrument.respondent_id] if instrument.respondent_id else []
    text = ids + [c for c in instrument.pii if c not in ids]  # ids and personal data (phone numbers) are text
    table = _read_table(p, encoding, sheet, text_columns=text, expect=expect, limits=limits)
    df, renamed = _undo_form_export_names(table.frame, instrument)
    for c in text:
        if c in renamed.values():
            df[c] = _id_text(df[c])
    _warn_pii_case(df, instrument, p)
    table = replace(table, frame=df)
    problems = validate_responses(df, instrument, source=str(p), row_numbers=table.rows, user_missing=table.user_missing)
    return instrument, p, table, renamed, problems


def pii_columns(columns, instrument: Instrument) -> list:
    """The columns among ``columns`` that hold personal data: those the questionnaire declares ``pii:``,
    also when the letter case differs (``Phone`` for ``phone``).

    Examples
    --------
    >>> import servqual as sq
    >>> inst = sq.load_instrument("after_sales_service_quality")
    >>> inst.pii
    ('phone',)
    >>> pii_columns(["resp_id", "Phone", "q1"], inst)
    ['Phone']
    """
    declared = {str(c).casefold() for c in instrument.pii}
    return [c for c in columns if str(c).casefold() in declared]


def _warn_pii_case(df: pd.DataFrame, instrument: Instrument, p: Path) -> None:
    for name in instrument.pii:
        if name in df.columns:
            continue
        for c in pii_columns(df.columns, instrument):
            if str(c).casefold() == str(name).casefold():
                warnings.warn(
                    f"{p}: the questionnaire declares the personal-data column {name!r} (pii:) but the file has {c!r}, "
                    "which differs only in letter case: it is hidden when the responses are displayed, but outputs "
                    "remove only the declared name; make the two names match.", ServqualWarning, stacklevel=4)


def _undo_form_export_names(df: pd.DataFrame, instrument: Instrument):
    """Rename ODK Central / KoboToolbox group-path headers (``g_items-g_eff-eff1``) to data columns.

    Only headers that are not already questionnaire columns and that the questionnaire's XLSForm would
    produce are renamed, and only when no two headers map to one column.
    """
    wanted = set(instrument.column_specs()["column"])
    if not any(("-" in c or "/" in c) and c not in wanted for c in df.columns):
        return df, {}
    names = xlsform_export_names(instrument)
    mapping = {c: names[c] for c in df.columns if c not in wanted and c in names and names[c] != c}
    targets = list(mapping.values())
    if not mapping or len(set(targets)) != len(targets) or any(t in df.columns for t in targets):
        return df, {}
    return df.rename(columns=mapping), mapping


def _score(df, instrument, source, enc, rows, labels, user_missing, read_log=()) -> Responses:
    specs = instrument.column_specs()
    log = [{"step": step, "column": "", "n": 0, "detail": detail} for step, detail in read_log]
    raw = df.copy()
    data = df.copy()
    na_cols = {}
    numeric_roles = ("item", "overall", "outcome", "attention", "kpi", "duration")
    for _, spec in specs.iterrows():
        col, role = spec["column"], spec["role"]
        if role == "segment" and col not in df.columns:
            log.append({"step": "segment absent", "column": col, "n": 0,
                        "detail": f"{col}: segment column declared in the questionnaire is not in the file"})
            continue
        if role == "segment" and spec["missing_codes"]:
            s_ = df[col]
            miss_num, miss_txt = _codes(spec["missing_codes"])
            num_s = pd.to_numeric(s_, errors="coerce")
            is_mc_s = num_s.isin(miss_num) | s_.map(lambda v: normalize_answer(v) if isinstance(v, str) else v).isin(miss_txt)
            if is_mc_s.any():
                data[col] = s_.mask(is_mc_s)
                log.append({"step": "missing code -> NaN", "column": col, "n": int(is_mc_s.sum()),
                            "detail": f"{col}: {int(is_mc_s.sum())} missing-code value(s) of this segment set to missing"})
            continue
        if col not in df.columns or role not in numeric_roles:
            continue
        ans = _parse_answers(df[col], spec)
        num = ans.num
        if ans.mapped:
            log.append({"step": "answer text -> code", "column": col, "n": ans.mapped,
                        "detail": f"{col}: {ans.mapped} answer(s) given as text read as their codes (values: / labels of the scale)"})
        raw[col] = num.mask(ans.missing & num.isna())  # text codes cannot be numbers: NaN here, logged below
        is_mc = ans.missing.copy()
        for r in user_missing.get(col, []):
            um = (num >= r["lo"]) & (num <= r["hi"])
            if um.any():
                log.append({"step": "spss user-missing -> NaN", "column": col, "n": int(um.sum()),
                            "detail": f"{col}: {int(um.sum())} SPSS user-missing value(s) set to missing"})
            is_mc |= um
        n_na = int(ans.na.sum())
        n_mc = int(is_mc.sum()) - n_na
        if n_mc:
            log.append({"step": "missing code -> NaN", "column": col, "n": n_mc,
                        "detail": f"{col}: {n_mc} missing-code answer(s) set to missing"})
        if n_na:
            log.append({"step": "not applicable -> NaN", "column": col, "n": n_na,
                        "detail": f"{col}: {n_na} 'does not apply' answer(s) set to missing (counted apart from no answer)"})
        if role in ("item", "overall", "outcome", "attention"):
            na_cols[col] = ans.na.to_numpy()
        scored = num.mask(is_mc)
        if role == "item" and spec["reverse"]:
            lo, hi = float(spec["scale_min"]), float(spec["scale_max"])
            scored = lo + hi - scored
            log.append({"step": "reverse-keyed", "column": col, "n": int(scored.notna().sum()),
                        "detail": f"{col}: scored as {_n(lo)} + {_n(hi)} - x"})
        data[col] = scored
    known = set(specs["column"])
    extra = [c for c in df.columns if c not in known]
    if extra:
        log.append({"step": "passed through", "column": ", ".join(extra[:20]), "n": len(extra),
                    "detail": f"{len(extra)} column(s) not in the questionnaire kept as read: {', '.join(extra[:10])}"
                              + (" ..." if len(extra) > 10 else "")})
    log.append({"step": "rows", "column": "", "n": len(df), "detail": f"{len(df)} rows read, none dropped"})
    hidden = pii_columns(data.columns, instrument)
    data, raw = _with_pii_mask(data, hidden), _with_pii_mask(raw, hidden)
    na_frame = pd.DataFrame(na_cols, index=df.index) if na_cols else pd.DataFrame(index=df.index)
    return Responses(data=data, raw=raw, instrument=instrument, source=source, encoding=enc,
                     log=pd.DataFrame(log, columns=["step", "column", "n", "detail"]),
                     problems=pd.DataFrame(columns=PROBLEM_COLUMNS), row_numbers=rows, value_labels=labels,
                     not_applicable=na_frame)
