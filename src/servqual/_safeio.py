"""Guarded reading and writing of files: the one writer and the one reader that every servqual output
and input goes through.

Writing
    :func:`neutralise_cell` makes a spreadsheet cell inert (OWASP "CSV Injection");
    :func:`write_csv` and :func:`write_xlsx` write tables with every text cell neutralised, CSV fields
    quoted wherever they hold a line break, and characters that XML forbids removed from workbooks;
    :func:`escape_markdown` makes text inert in Markdown; :func:`atomic_write` and :class:`OutputPlan`
    write every file to a temporary name in its folder and rename it when complete, never through a
    symbolic link and never onto an input file of the run, and check every output place before the
    work starts.
Reading
    :func:`check_input_file` refuses what is not a regular file (a folder, a FIFO, a device such as
    ``/dev/zero``) before opening it, and files over a size limit; :func:`read_input_bytes` reads a
    checked file; :func:`decode_text` decodes bytes as UTF-8 and names the first line that does not
    decode; :func:`safe_yaml_load` loads YAML with limits on size, nesting depth and alias expansion;
    :func:`check_xlsx` inspects a workbook's zip directory and sheet dimensions before a reader
    decompresses it.

Limits
------
Each limit is a module constant, and each function that applies one takes it as a keyword, so a user
with a larger study passes a larger value:

=============================  ==========================  =====================================
constant                       default                     keyword
=============================  ==========================  =====================================
``MAX_DATA_BYTES``             256 MiB                     ``check_input_file(max_bytes=)``
``MAX_YAML_BYTES``             1 MiB                       ``safe_yaml_load(max_bytes=)``
``MAX_YAML_DEPTH``             50 nested collections       ``safe_yaml_load(max_depth=)``
``MAX_YAML_ALIASES``           10,000 nodes via aliases    ``safe_yaml_load(max_aliases=)``
``MAX_XLSX_UNCOMPRESSED``      256 MiB                     ``check_xlsx(max_uncompressed=)``
``MAX_XLSX_RATIO``             200                         ``check_xlsx(max_ratio=)``
``MAX_XLSX_CELLS``             2,000,000 cells a sheet     ``check_xlsx(max_cells=)``
``MAX_XLSX_COLUMNS``           5,000 columns a sheet       ``check_xlsx(max_columns=)``
=============================  ==========================  =====================================
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io
import math
import numbers
import os
import re
import secrets
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from servqual.exceptions import InputFileError, OutputFileError

__all__ = [
    "MAX_DATA_BYTES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_ALIASES",
    "MAX_XLSX_UNCOMPRESSED",
    "MAX_XLSX_RATIO",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_COLUMNS",
    "FORMULA_TRIGGERS",
    "InputFileError",
    "OutputFileError",
    "neutralise_cell",
    "remove_illegal_xml",
    "sheet_name",
    "excel_value",
    "write_csv",
    "write_xlsx",
    "escape_markdown",
    "check_output_file",
    "check_output_folder",
    "atomic_write",
    "OutputPlan",
    "check_input_file",
    "read_input_bytes",
    "DecodedText",
    "decode_text",
    "read_text_file",
    "SafeYAMLLoader",
    "check_unique_keys",
    "safe_yaml_load",
    "XlsxSheet",
    "check_xlsx",
]

#: Largest data file (CSV, SPSS, Excel) read, in bytes.
MAX_DATA_BYTES = 256 * 1024**2
#: Largest questionnaire (YAML) text loaded, in bytes.
MAX_YAML_BYTES = 1024**2
#: Deepest nesting of YAML collections (mappings and lists inside each other).
MAX_YAML_DEPTH = 50
#: Most YAML nodes reached through aliases (``*name``), counted as the aliases are expanded: an alias
#: to a list of ten scalars counts 11, an alias to a list of ten such aliases counts 111, and so on.
MAX_YAML_ALIASES = 10_000
#: Largest sum of the uncompressed sizes that a workbook's zip directory declares, in bytes.
MAX_XLSX_UNCOMPRESSED = 256 * 1024**2
#: Highest compression ratio of one workbook part larger than 1 MiB uncompressed.
MAX_XLSX_RATIO = 200
#: Most cells of one worksheet (rows times columns of its dimension).
MAX_XLSX_CELLS = 2_000_000
#: Most columns of one worksheet.
MAX_XLSX_COLUMNS = 5_000

#: First characters that make a spreadsheet read a cell as a formula (OWASP), also after leading
#: whitespace; a cell that starts with a tab or carriage return is neutralised as well.
FORMULA_TRIGGERS = ("=", "+", "-", "@")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_EXCEL_MAX_CHARS = 32767
_MiB = 1024**2


# ---------------------------------------------------------------------------------------------------
# Cells, CSV and workbooks
# ---------------------------------------------------------------------------------------------------
def remove_illegal_xml(text: str, marker: str = "") -> str:
    """``text`` without the characters that XML 1.0 forbids (control characters other than tab, LF
    and CR, lone surrogates, U+FFFE and U+FFFF), each replaced by ``marker``.

    Examples
    --------
    >>> remove_illegal_xml("a\\x00b\\x1bc")
    'abc'
    >>> remove_illegal_xml("a\\x07b", marker="\\ufffd")
    'a\\ufffdb'
    """
    return _NOT_XML.sub(marker, text)


def neutralise_cell(value, marker: str = ""):
    """Make a text cell safe for spreadsheets (no formula injection); other values are returned unchanged.

    A string whose first character is ``=``, ``+``, ``-`` or ``@`` (also after leading whitespace), or
    that starts with a tab or carriage return, gets a leading single quote, as recommended by OWASP
    ("CSV Injection"). Numbers, including negative numbers, are not strings and are left alone; the
    text ``"-2+3"`` is a formula to a spreadsheet and is neutralised. Characters that XML forbids are
    removed (or replaced by ``marker``) first, so that a cell never starts with a trigger hidden
    behind a control character.

    Parameters
    ----------
    value : object
        A cell value.
    marker : str
        What replaces each character that XML forbids (default: nothing).

    Returns
    -------
    object
        The neutralised string, or ``value`` itself when it is not a string.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell(" -2+3"), neutralise_cell(-2), neutralise_cell("a-b")
    ("' -2+3", -2, 'a-b')
    >>> neutralise_cell("\\tcmd"), neutralise_cell("\\x00=1")
    ("'\\tcmd", "'=1")
    """
    if not isinstance(value, str):
        return value
    s = _NOT_XML.sub(marker, value)
    if s[:1] in ("\t", "\r") or s.lstrip()[:1] in FORMULA_TRIGGERS:
        return "'" + s
    return s


def sheet_name(key, used: set, fallback: str = "Sheet") -> str:
    """A valid, unique worksheet name for ``key``; ``used`` (lower-case names) is updated.

    Excel's rules: at most 31 characters, none of ``[]:*?/\\``, not starting or ending with ``'``,
    not ``History``, unique regardless of letter case.

    Parameters
    ----------
    key : object
        The wished name (converted with ``str``).
    used : set of str
        The lower-cased names already taken; the new name is added.
    fallback : str
        The name (or prefix) when ``key`` is empty or reserved.

    Returns
    -------
    str

    Examples
    --------
    >>> used = set()
    >>> sheet_name("gap: P/E", used), sheet_name("GAP: P/E", used), sheet_name("", used, "T1")
    ('gap_ P_E', 'GAP_ P_E_2', 'T1')
    """
    base = _SHEET_BAD.sub("_", _NOT_XML.sub("", str(key))).strip().strip("'").strip()
    if not base or base.lower() == "history":
        base = f"{fallback}_{base}" if base else fallback
    base = base[:31]
    name, i = base, 1
    while name.lower() in used:
        i += 1
        name = base[: 31 - len(f"_{i}")] + f"_{i}"
    used.add(name.lower())
    return name


def _is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def excel_value(v, marker: str = ""):
    """The value to store in a workbook cell for ``v``.

    Numbers stay numbers (numpy scalars become Python numbers), missing values (``None``, NaN,
    ``pd.NA``, ``NaT``) become an empty cell, infinities become the text ``∞`` / ``−∞``, dates and
    times stay dates (time zones dropped, as Excel has none), and everything else becomes text passed
    through :func:`neutralise_cell` and cut to Excel's 32,767 characters.

    Examples
    --------
    >>> excel_value(np.float64(-2.5)), excel_value(float("nan")), excel_value(float("-inf")), excel_value("@SUM(A1)")
    (-2.5, None, '−∞', "'@SUM(A1)")
    """
    if isinstance(v, np.generic):
        v = v.item()
    if _is_missing(v):
        return None
    if isinstance(v, (bool, int)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else ("∞" if v > 0 else "−∞")
    if isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral):
        return excel_value(float(v))
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, _dt.datetime):
        return v.replace(tzinfo=None) if v.tzinfo else v
    if isinstance(v, (_dt.date, _dt.time)):
        return v
    s = neutralise_cell(v if isinstance(v, str) else str(v), marker)
    return s if len(s) <= _EXCEL_MAX_CHARS else s[: _EXCEL_MAX_CHARS - 1] + "…"


def _header(col) -> str:
    return " / ".join(map(str, col)) if isinstance(col, tuple) else ("" if col is None else str(col))


def _table_rows(df: pd.DataFrame, index: bool):
    """The header and the rows of ``df`` as lists of raw values (index first when ``index``)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"a table must be a pandas DataFrame, got {type(df).__name__}")
    header = [_header(c) for c in df.columns]
    body = df.astype(object).to_numpy().tolist() if df.shape[1] else [[] for _ in range(len(df))]
    if index:
        names = [_header(n) for n in df.index.names]
        header = names + header
        labels = [list(t) if isinstance(t, tuple) else [t] for t in df.index]
        body = [lab + row for lab, row in zip(labels, body)]
    return header, body


def _csv_text(v) -> str:
    if isinstance(v, np.generic):
        v = v.item()
    if _is_missing(v):
        return ""
    if isinstance(v, (bool, numbers.Number, _dt.date, _dt.time)):
        return str(v)
    return neutralise_cell(v if isinstance(v, str) else str(v))


def write_csv(df: pd.DataFrame, path, *, index: bool = False, bom: bool = True, sep: str = ",",
              lineterminator: str = "\n", inputs=()) -> Path:
    """Write ``df`` as CSV: every text cell and column name neutralised, fields quoted where needed.

    A field is quoted when it holds the separator, a quote, a line feed or a carriage return (a lone
    CR inside an unquoted field would split the record in Excel); numbers are written as Python
    writes them (``repr`` precision), missing values as empty fields. The file is written by
    :func:`atomic_write`.

    Parameters
    ----------
    df : pandas.DataFrame
    path : str or Path
    index : bool
        Write the index as leading columns (default ``False``).
    bom : bool
        Start with the UTF-8 byte-order mark, so that Excel recognises UTF-8 (default ``True``).
    sep : str
        The field separator.
    lineterminator : str
        The end of each record (``"\\r\\n"`` for RFC 4180).
    inputs : iterable of path
        The input files of the run, never overwritten.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OutputFileError
        When ``path`` is not a place to write (see :func:`check_output_file`).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> df = pd.DataFrame({"id": ["=1+1", "a\\rb"], "x": [-2, 0.5]})
    >>> p = write_csv(df, folder / "t.csv", bom=False)
    >>> p.read_bytes()
    b'id,x\\n\\'=1+1,-2.0\\n"a\\rb",0.5\\n'
    """
    header, body = _table_rows(df, index)
    buf = io.StringIO()
    # "\r\n" as the writer's terminator makes csv quote every field holding CR or LF
    writer = csv.writer(buf, delimiter=sep, quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    out = []
    for row in [[neutralise_cell(h) for h in header]] + [[_csv_text(v) for v in r] for r in body]:
        buf.seek(0)
        buf.truncate()
        writer.writerow(row)
        out.append(buf.getvalue()[:-2] + lineterminator)
    with atomic_write(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="", inputs=inputs) as fh:
        fh.write("".join(out))
    return Path(path)


def write_xlsx(sheets: dict, path, *, index: bool = False, marker: str = "", inputs=()) -> Path:
    """Write one worksheet per table: header row, then the rows, every text cell neutralised.

    Sheet names are made valid with :func:`sheet_name`; cell values go through :func:`excel_value`
    (numbers stay numbers; text is neutralised and stored as text, never as a formula); characters
    that XML forbids are removed (or replaced by ``marker``, e.g. ``"\\ufffd"``). The file is written
    by :func:`atomic_write`.

    Parameters
    ----------
    sheets : dict of str to pandas.DataFrame
        Sheet name to table, in order.
    path : str or Path
        The workbook; :class:`OutputFileError` when it is not a place to write.
    index, inputs
        As in :func:`write_csv`.
    marker : str
        What replaces each character that XML forbids (default: nothing).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = write_xlsx({"a/b": pd.DataFrame({"name": ["@SUM(A1)"], "x": [-1]})}, Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> ws = openpyxl.load_workbook(p)["a_b"]
    >>> [[c.value for c in row] for row in ws.iter_rows()]
    [['name', 'x'], ["'@SUM(A1)", -1]]
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set = set()
    for n, (key, df) in enumerate(sheets.items(), 1):
        header, body = _table_rows(df, index)
        ws = wb.create_sheet(sheet_name(key, used, f"Sheet{n}"))
        for i, row in enumerate([header] + body, 1):
            for j, v in enumerate(row, 1):
                val = excel_value(v, marker)
                if val is None:
                    continue
                c = ws.cell(row=i, column=j, value=val)
                if isinstance(val, str):
                    c.data_type = "s"  # text, never a formula
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    with atomic_write(path, "wb", inputs=inputs) as fh:
        wb.save(fh)
    return Path(path)


_MD_ALWAYS = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=])", re.MULTILINE)
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def escape_markdown(text, *, inline: bool = False) -> str:
    """``text`` made inert in Markdown: it renders as the same characters, with no tag, link or format.

    ``<``, ``>`` and ``&`` become HTML entities (no ``<script>``, ``<img onerror=...>`` or autolink
    survives), the characters that open Markdown syntax (``\\ ` * _ [ ] | ~``) are escaped with a
    backslash (so ``[x](javascript:...)`` is not a link and ``|`` does not split a table cell), and a
    line that would start a heading, list, setext underline or numbered list is escaped. Characters
    that XML forbids are removed.

    Parameters
    ----------
    text : object
        Converted with ``str``; ``None`` gives ``""``.
    inline : bool
        Replace line breaks by spaces (for a table cell or a heading).

    Returns
    -------
    str

    Examples
    --------
    >>> escape_markdown("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_markdown("[x](javascript:alert(1)) a|b")
    '\\\\[x\\\\](javascript:alert(1)) a\\\\|b'
    >>> escape_markdown("# not a heading\\n- not a list", inline=True)
    '\\\\# not a heading \\\\- not a list'
    """
    if text is None:
        return ""
    s = _NOT_XML.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_ALWAYS.sub(r"\\\1", s)
    s = _MD_NUMBERED.sub(r"\1\\\2", _MD_LINE_START.sub(r"\1\\\2", s))
    if inline:
        s = " ".join(s.split("\n"))
    return s


# ---------------------------------------------------------------------------------------------------
# Output places
# ---------------------------------------------------------------------------------------------------
def _identity(path):
    """(st_dev, st_ino) of the file ``path`` leads to, or ``None`` when it does not exist."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _as_path(path, what: str) -> Path:
    if path is None or (isinstance(path, (str, bytes)) and not path):
        raise OutputFileError(f"the {what} is empty: give a file or folder name", path="")
    return Path(os.fsdecode(path))


def _which_input(path: Path, inputs):
    """The declared input that ``path`` is (same resolved path, or same device and inode), or ``None``."""
    ident = _identity(path)
    resolved = path.resolve()
    for inp in inputs:
        if inp is None:
            continue
        inp = Path(inp)
        if resolved == inp.resolve() or (ident is not None and ident == _identity(inp)):
            return inp
    return None


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _probe_folder(folder: Path, what: str, path: Path) -> None:
    """Refuse a folder that cannot take a new file (read-only, no permission, full file system)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".servqual-probe-")
    except OSError as e:
        raise OutputFileError(f"cannot write the {what} {path}: the folder {folder} is not writable "
                              f"({e.strerror or e})", path=path) from None
    os.close(fd)
    os.unlink(tmp)


def _existing_ancestor(p: Path) -> Path:
    q = p
    while not q.exists() and q != q.parent:
        if q.is_symlink():
            break
        q = q.parent
    return q


def check_output_file(path, *, inputs=(), what: str = "output file", create_parents: bool = False) -> Path:
    """Check that a file can be written at ``path`` before any work is done.

    Refused, each with its own message: an empty path; a path that is a folder; a symbolic link
    (servqual never writes through a link); anything else that is not a regular file (a device such as
    ``/dev/full``, a FIFO); a missing folder (unless ``create_parents``); a folder where no file can be
    created; and a path that is one of the ``inputs`` of the run, compared by resolved path and by
    device and inode (so hard links and links are caught), with both paths named.

    Parameters
    ----------
    path : str or Path
    inputs : iterable of path
        The input files of the run (data, questionnaire, matrices).
    what : str
        How the message calls the file (e.g. ``"-o file"``).
    create_parents : bool
        Accept a missing folder when its nearest existing ancestor is a writable folder.

    Returns
    -------
    Path

    Raises
    ------
    OutputFileError

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> data = folder / "data.csv"
    >>> _ = data.write_text("q1\\n1\\n")
    >>> check_output_file(folder / "flags.csv", inputs=[data]).name
    'flags.csv'
    >>> check_output_file(data, inputs=[data])
    Traceback (most recent call last):
    ...
    servqual.exceptions.OutputFileError: refusing to write the output file .../data.csv: it is the input file .../data.csv
    >>> check_output_file(folder)
    Traceback (most recent call last):
    ...
    servqual.exceptions.OutputFileError: the output file ... is a folder: give a file name
    """
    p = _as_path(path, what)
    inp = _which_input(p, inputs)
    if inp is not None:
        link = " (a link to it)" if p.is_symlink() else ""
        raise OutputFileError(f"refusing to write the {what} {p}{link}: it is the input file {inp}", path=p, other=inp)
    if p.is_symlink():
        raise OutputFileError(f"refusing to write the {what} {p}: it is a symbolic link (to {os.readlink(p)}); "
                              "servqual does not write through links", path=p)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputFileError(f"cannot write the {what} {p}: {e.strerror or e}", path=p) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputFileError(f"the {what} {p} is a folder: give a file name", path=p)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputFileError(f"refusing to write the {what} {p}: it is {_kind_of(st.st_mode)}, not a regular file", path=p)
    parent = p.parent
    if not parent.is_dir():
        if parent.exists():
            raise OutputFileError(f"cannot write the {what} {p}: {parent} is not a folder", path=p)
        if not create_parents:
            raise OutputFileError(f"cannot write the {what} {p}: the folder {parent} does not exist", path=p)
        anc = _existing_ancestor(parent)
        if not anc.is_dir():
            raise OutputFileError(f"cannot write the {what} {p}: {anc} is not a folder", path=p)
        parent = anc
    _probe_folder(parent, what, p)
    return p


def check_output_folder(path, *, inputs=(), what: str = "output folder", files=()) -> Path:
    """Check that ``path`` is, or can become, a folder to write ``files`` in, before any work is done.

    Refused: an empty path, an existing file (or anything that is not a folder), a folder (or the
    nearest existing ancestor of a missing one) where no file can be created, and each of ``files``
    that :func:`check_output_file` refuses (a link, an input of the run, a folder).

    Parameters
    ----------
    path : str or Path
    inputs : iterable of path
        The input files of the run.
    what : str
        How the message calls the folder (e.g. ``"--out folder"``).
    files : iterable of str
        The names of the files that will be written in the folder.

    Returns
    -------
    Path

    Raises
    ------
    OutputFileError

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_output_folder(folder / "new" / "out", files=["results.json"]).name
    'out'
    >>> _ = (folder / "file.txt").write_text("x")
    >>> check_output_folder(folder / "file.txt")
    Traceback (most recent call last):
    ...
    servqual.exceptions.OutputFileError: the output folder .../file.txt is an existing file: give a folder
    """
    p = _as_path(path, what)
    if p.exists() and not p.is_dir():
        st = os.stat(p)
        kind = "an existing file" if stat.S_ISREG(st.st_mode) else _kind_of(st.st_mode)
        raise OutputFileError(f"the {what} {p} is {kind}: give a folder", path=p)
    anc = _existing_ancestor(p)
    if not anc.is_dir():
        raise OutputFileError(f"cannot create the {what} {p}: {anc} is not a folder", path=p)
    _probe_folder(anc, what, p)
    if p.is_dir():  # a folder still to be created holds neither links nor inputs
        for name in files:
            check_output_file(p / name, inputs=inputs)
    return p


def _create_temporary(p: Path):
    """A new file beside ``p`` (created exclusively, never through a link, mode 0666 less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    while True:
        tmp = p.parent / f".{p.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


@contextlib.contextmanager
def atomic_write(path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None,
                 inputs=(), create_parents: bool = False):
    """Open a temporary file beside ``path`` and rename it onto ``path`` when the block completes.

    The temporary file is in the same folder (so the rename is atomic, :func:`os.replace`), flushed
    and synced before the rename, and removed when the block raises (also on ``KeyboardInterrupt``):
    an interrupt, a full disk or a crash never leaves a file at ``path`` that looks complete, and an
    existing file there stays as it was. ``path`` is checked with :func:`check_output_file` first,
    and again just before the rename, so a symbolic link at ``path`` is never followed.

    Parameters
    ----------
    path : str or Path
    mode : {"w", "wb"}
        Text or binary.
    encoding, newline : str, optional
        As :func:`open`, for text mode.
    inputs : iterable of path
        The input files of the run, never overwritten.
    create_parents : bool
        Create missing folders.

    Yields
    ------
    file object

    Raises
    ------
    OutputFileError

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_write(folder / "a.txt") as fh:
    ...     _ = fh.write("done")
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done', ['a.txt'])
    >>> try:
    ...     with atomic_write(folder / "a.txt") as fh:
    ...         _ = fh.write("half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done', ['a.txt'])
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    inputs = tuple(inputs)
    p = check_output_file(path, inputs=inputs, create_parents=create_parents)
    if create_parents:
        p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(p)
    try:
        if mode == "wb":
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        check_output_file(p, inputs=inputs)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class OutputPlan:
    """Every output place of a run, checked before the work starts, and the files written so far.

    Parameters
    ----------
    inputs : iterable of path
        The input files of the run (data, questionnaire, matrices): no output may be one of them.

    Attributes
    ----------
    inputs : tuple of Path
    written : list of Path
        The files completed so far, in order.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> data = folder / "data.csv"
    >>> _ = data.write_text("q1\\n1\\n")
    >>> plan = OutputPlan(inputs=[data])
    >>> out = plan.folder(folder / "out", files=["results.json"])
    >>> plan.write_text(out / "results.json", "{}").name
    'results.json'
    >>> plan.interrupted_message()
    'interrupted; written: .../out/results.json'
    >>> plan.file(data)
    Traceback (most recent call last):
    ...
    servqual.exceptions.OutputFileError: refusing to write the output file .../data.csv: it is the input file .../data.csv
    """

    def __init__(self, inputs=()):
        self.inputs = tuple(Path(p) for p in inputs if p is not None and str(p) != "")
        self.written: list = []
        self._folders: list = []

    def add_input(self, path) -> None:
        """Declare one more input file of the run."""
        if path is not None and str(path) != "":
            self.inputs += (Path(path),)

    def file(self, path, *, what: str = "output file") -> Path:
        """Check an output file now (see :func:`check_output_file`); returns its path."""
        return check_output_file(path, inputs=self.inputs, what=what, create_parents=self._inside(path))

    def folder(self, path, *, what: str = "output folder", files=()) -> Path:
        """Check an output folder and the names of the files to write in it (see :func:`check_output_folder`)."""
        p = check_output_folder(path, inputs=self.inputs, what=what, files=files)
        self._folders.append(p)
        return p

    def _inside(self, path) -> bool:
        try:
            p = Path(path).resolve()
        except (OSError, ValueError, TypeError):
            return False
        return any(p.is_relative_to(f.resolve()) for f in self._folders)

    @contextlib.contextmanager
    def open(self, path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None):
        """:func:`atomic_write` with the plan's inputs; the file is added to :attr:`written` when complete."""
        with atomic_write(path, mode, encoding=encoding, newline=newline, inputs=self.inputs,
                          create_parents=self._inside(path)) as fh:
            yield fh
        self.written.append(Path(path))

    def write_text(self, path, text: str, encoding: str = "utf-8") -> Path:
        """Write ``text`` atomically; returns the path."""
        with self.open(path, "w", encoding=encoding) as fh:
            fh.write(text)
        return Path(path)

    def write_bytes(self, path, data: bytes) -> Path:
        """Write ``data`` atomically; returns the path."""
        with self.open(path, "wb") as fh:
            fh.write(data)
        return Path(path)

    def write_csv(self, df: pd.DataFrame, path, **kwargs) -> Path:
        """:func:`write_csv` with the plan's inputs; the file is added to :attr:`written`."""
        self._prepare(path)
        out = write_csv(df, path, inputs=self.inputs, **kwargs)
        self.written.append(out)
        return out

    def write_xlsx(self, sheets: dict, path, **kwargs) -> Path:
        """:func:`write_xlsx` with the plan's inputs; the file is added to :attr:`written`."""
        self._prepare(path)
        out = write_xlsx(sheets, path, inputs=self.inputs, **kwargs)
        self.written.append(out)
        return out

    def _prepare(self, path) -> None:
        if self._inside(path):
            Path(path).parent.mkdir(parents=True, exist_ok=True)

    def interrupted_message(self) -> str:
        """The one line to print on an interrupt: ``"interrupted; nothing written"`` or what was written."""
        if not self.written:
            return "interrupted; nothing written"
        return "interrupted; written: " + ", ".join(str(p) for p in self.written)


# ---------------------------------------------------------------------------------------------------
# Input files
# ---------------------------------------------------------------------------------------------------
def _size(n: int) -> str:
    return f"{n / _MiB:.1f} MiB" if n >= _MiB else f"{n:,} bytes"


def _raise_hint(limit: str, hint: str | None) -> str:
    return hint if hint is not None else f"pass a larger {limit}= to raise the limit"


def check_input_file(path, kind: str = "data", max_bytes: int | None = MAX_DATA_BYTES, *,
                     hint: str | None = None) -> Path:
    """Check an input file without opening it: it exists, it is a regular file, it is not too large.

    Only :func:`os.stat` is called, so a FIFO, ``/dev/zero`` or a folder is refused before anything
    could block or read without end.

    Parameters
    ----------
    path : str or Path
    kind : str
        What the file is, for the message (``"data"``, ``"questionnaire"``, ``"AHP matrix"``).
    max_bytes : int or None
        The size limit (default :data:`MAX_DATA_BYTES`); ``None`` for none.
    hint : str, optional
        How the user raises the limit (e.g. a command-line option); by default the keyword is named.

    Returns
    -------
    Path

    Raises
    ------
    InputFileError

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_input_file(folder, "data")
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the data file ... is a folder, not a regular file
    >>> check_input_file("/dev/zero", "questionnaire")
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the questionnaire file /dev/zero is a character device, not a regular file
    >>> big = folder / "big.csv"
    >>> _ = big.write_bytes(b"x" * 2000)
    >>> check_input_file(big, "data", max_bytes=1000)
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the data file .../big.csv is 2,000 bytes, over the limit of 1,000 bytes for a data file; pass a larger max_bytes= to raise the limit
    """
    if path is None or (isinstance(path, (str, bytes)) and not path):
        raise InputFileError(f"the {kind} file name is empty", path="")
    p = Path(os.fsdecode(path))
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputFileError(f"the {kind} file {p} does not exist", path=p) from None
    except OSError as e:
        raise InputFileError(f"cannot read the {kind} file {p}: {e.strerror or e}", path=p) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(f"the {kind} file {p} is {_kind_of(st.st_mode)}, not a regular file", path=p)
    if max_bytes is not None and st.st_size > max_bytes:
        raise InputFileError(
            f"the {kind} file {p} is {_size(st.st_size)}, over the limit of {_size(max_bytes)} for a {kind} file; "
            f"{_raise_hint('max_bytes', hint)}", path=p, limit="max_bytes")
    return p


def read_input_bytes(path, kind: str = "data", max_bytes: int | None = MAX_DATA_BYTES, *,
                     hint: str | None = None) -> bytes:
    """The bytes of a checked input file (see :func:`check_input_file`).

    The file is opened without following a FIFO's block (``O_NONBLOCK``) and checked again on the open
    descriptor, so a file replaced between the check and the read is refused too; at most
    ``max_bytes`` are read.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "q.yaml"
    >>> _ = p.write_bytes(b"id: x\\n")
    >>> read_input_bytes(p, "questionnaire")
    b'id: x\\n'
    """
    p = check_input_file(path, kind, max_bytes, hint=hint)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise InputFileError(f"cannot read the {kind} file {p}: {e.strerror or e}", path=p) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise InputFileError(f"the {kind} file {p} is {_kind_of(st.st_mode)}, not a regular file", path=p)
        data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputFileError(f"the {kind} file {p} is over the limit of {_size(max_bytes)} for a {kind} file; "
                             f"{_raise_hint('max_bytes', hint)}", path=p, limit="max_bytes")
    return data


@dataclass(frozen=True)
class DecodedText:
    """Text decoded by :func:`decode_text`.

    Attributes
    ----------
    text : str
    encoding : str
        The codec that decoded it (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"`` or a fallback).
    nul_padding : int
        How many NUL bytes were removed from the end.
    """

    text: str
    encoding: str
    nul_padding: int = 0


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, *, name: str = "<bytes>", kind: str = "data", fallbacks=()) -> DecodedText:
    """Decode file bytes as UTF-8 (with or without BOM, or UTF-16 with BOM), else as one of ``fallbacks``.

    A run of NUL bytes at the end (a padded export) is removed and counted; a NUL byte elsewhere is
    refused with its line. When the bytes hold valid multi-byte UTF-8 and also bytes that are not UTF-8,
    the file mixes encodings and is refused, naming the first line that does not decode, rather than
    decoding it whole with a fallback that turns the UTF-8 lines into nonsense.

    Parameters
    ----------
    data : bytes
    name : str
        The file name, for messages.
    kind : str
        What the file is, for messages.
    fallbacks : iterable of str
        Codecs tried, in order and strictly, when the bytes are not UTF-8 (e.g. ``("gb18030",)``).

    Returns
    -------
    DecodedText

    Raises
    ------
    InputFileError

    Examples
    --------
    >>> decode_text("名称\\n".encode() + b"\\x00" * 4)
    DecodedText(text='名称\\n', encoding='utf-8', nul_padding=4)
    >>> decode_text("a\\n名称\\n".encode() + "名称\\n".encode("gbk"), name="mixed.csv")
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the data file mixed.csv mixes encodings: line 3 is not UTF-8 while line 2 is; save the whole file as UTF-8
    >>> decode_text("名称\\n".encode("gbk"), fallbacks=("gb18030",)).encoding
    'gb18030'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as e:
            raise InputFileError(f"the {kind} file {name} starts as UTF-16 but line {_line_of(data, e.start)} "
                                 "does not decode", path=name) from None
    stripped = data.rstrip(b"\x00")
    pad = len(data) - len(stripped)
    nul = stripped.find(b"\x00")
    if nul >= 0:
        raise InputFileError(f"the {kind} file {name} holds a NUL byte at line {_line_of(stripped, nul)}: "
                             "it is not a text file", path=name)
    enc = "utf-8-sig" if stripped.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return DecodedText(stripped.decode(enc), enc, pad)
    except UnicodeDecodeError as e:
        bad = _line_of(stripped, e.start)
    good = None
    for i, line in enumerate(stripped.split(b"\n"), 1):
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        good = i
        break
    if good is not None:
        raise InputFileError(f"the {kind} file {name} mixes encodings: line {bad} is not UTF-8 while line {good} is; "
                             "save the whole file as UTF-8", path=name)
    for codec in fallbacks:
        try:
            return DecodedText(stripped.decode(codec), codec, pad)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputFileError(f"the {kind} file {name} is not UTF-8 (line {bad} does not decode); save it as UTF-8",
                         path=name)


def read_text_file(path, kind: str = "data", max_bytes: int | None = MAX_DATA_BYTES, *, fallbacks=(),
                   hint: str | None = None) -> DecodedText:
    """:func:`read_input_bytes` then :func:`decode_text`.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_bytes("\\ufeffq1\\n1\\n".encode())
    >>> read_text_file(p)
    DecodedText(text='q1\\n1\\n', encoding='utf-8-sig', nul_padding=0)
    """
    data = read_input_bytes(path, kind, max_bytes, hint=hint)
    return decode_text(data, name=str(path), kind=kind, fallbacks=fallbacks)


# ---------------------------------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------------------------------
_MERGE_TAG = "tag:yaml.org,2002:merge"


def check_unique_keys(loader, node) -> None:
    """Refuse a YAML mapping that states one key twice; keys brought in by a merge key (``<<:``) may
    be overridden.

    Call it in a mapping constructor before :meth:`yaml.SafeLoader.flatten_mapping`.

    Raises
    ------
    yaml.constructor.ConstructorError
        Naming the key and the line where it was first given.

    Examples
    --------
    >>> node = yaml.compose("a: 1\\nb: 2\\na: 3\\n", Loader=yaml.SafeLoader)
    >>> check_unique_keys(yaml.SafeLoader(""), node)
    Traceback (most recent call last):
    ...
    yaml.constructor.ConstructorError: duplicate key 'a' (first at line 1)
      in "<unicode string>", line 3, column 1:
        a: 3
        ^
    """
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a plain value",
                                                    key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key]})", key_node.start_mark)
        seen[key] = key_node.start_mark.line + 1


class SafeYAMLLoader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` (no Python tags, no includes) that refuses duplicate keys and accepts
    the merge key ``<<:`` (whose keys the mapping may override)."""


def _construct_unique_mapping(loader, node, deep=False):
    check_unique_keys(loader, node)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


SafeYAMLLoader.construct_mapping = _construct_unique_mapping


_LIBYAML_MAX_DEPTH = 1000  # libyaml refuses deeper nesting by itself


def _too_deep(name: str, max_depth: int, line: int) -> InputFileError:
    return InputFileError(f"the YAML {name} nests deeper than {max_depth} levels (line {line}); "
                          "pass a larger max_depth= to raise the limit", path=name, limit="max_depth")


def _prescan(text, name: str, max_depth: int, max_aliases: int) -> None:
    """Walk the YAML events once, without building anything: nesting depth and alias expansion."""
    parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if max_depth < _LIBYAML_MAX_DEPTH else yaml.SafeLoader
    sizes: dict = {}  # anchor -> expanded node count (once its node is complete)
    open_anchors: set = set()
    stack: list = []  # [anchor, count] of each open collection
    expanded = 0
    try:
        for ev in yaml.parse(text, Loader=parser):
            if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                stack.append([ev.anchor, 0])
                if ev.anchor is not None:
                    open_anchors.add(ev.anchor)
                if len(stack) > max_depth:
                    raise _too_deep(name, max_depth, ev.start_mark.line + 1)
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, count = stack.pop()
                if anchor is not None:
                    sizes[anchor] = count + 1
                    open_anchors.discard(anchor)
                if stack:
                    stack[-1][1] += count + 1
            elif isinstance(ev, yaml.ScalarEvent):
                if ev.anchor is not None:
                    sizes[ev.anchor] = 1
                if stack:
                    stack[-1][1] += 1
            elif isinstance(ev, yaml.AliasEvent):
                if ev.anchor in open_anchors:
                    raise InputFileError(f"the YAML {name} has a recursive alias *{ev.anchor} "
                                         f"(line {ev.start_mark.line + 1})", path=name)
                n = sizes.get(ev.anchor, 1)
                expanded += n
                if expanded > max_aliases:
                    raise InputFileError(
                        f"the YAML {name} expands its aliases to more than {max_aliases:,} nodes (alias *{ev.anchor}, "
                        f"line {ev.start_mark.line + 1}); pass a larger max_aliases= to raise the limit",
                        path=name, limit="max_aliases")
                if stack:
                    stack[-1][1] += n
            elif isinstance(ev, yaml.DocumentStartEvent):
                sizes.clear()
    except yaml.scanner.ScannerError as e:
        if "nesting depth" not in str(e):
            raise
        raise _too_deep(name, max_depth, e.problem_mark.line + 1 if e.problem_mark is not None else 0) from None


def safe_yaml_load(text, max_bytes: int | None = MAX_YAML_BYTES, max_depth: int = MAX_YAML_DEPTH,
                   max_aliases: int = MAX_YAML_ALIASES, *, loader=None, name: str = "text"):
    """Load one YAML document with a safe loader, after checking its size, depth and alias expansion.

    The events are walked once before anything is built: a document that nests collections deeper
    than ``max_depth`` (no ``RecursionError``), or whose aliases expand to more than ``max_aliases``
    nodes (an alias bomb, "billion laughs"), or that refers to an alias inside its own anchor, is
    refused in time proportional to its size. Python tags and unknown tags (``!include``) are refused
    by the safe loader; the merge key ``<<:`` is accepted.

    Parameters
    ----------
    text : str or bytes
    max_bytes : int or None
        Size limit of ``text`` in UTF-8 bytes (default :data:`MAX_YAML_BYTES`).
    max_depth : int
        Nesting limit (default :data:`MAX_YAML_DEPTH`).
    max_aliases : int
        Limit of nodes reached through aliases (default :data:`MAX_YAML_ALIASES`).
    loader : type, optional
        A subclass of :class:`yaml.SafeLoader` (default :class:`SafeYAMLLoader`).
    name : str
        The file name, for messages.

    Returns
    -------
    object
        The document.

    Raises
    ------
    InputFileError
        A limit is exceeded.
    yaml.YAMLError
        The text is not valid YAML, or holds a tag the safe loader does not know.

    Examples
    --------
    >>> safe_yaml_load("base: &b {min: 1, max: 5}\\nscale:\\n  <<: *b\\n  max: 7\\n")
    {'base': {'min': 1, 'max': 5}, 'scale': {'min': 1, 'max': 7}}
    >>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
    ...     f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\\n" for p, c in zip("abcdefgh", "bcdefghi"))
    >>> safe_yaml_load(bomb)
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the YAML text expands its aliases to more than 10,000 nodes (alias *c, line 4); pass a larger max_aliases= to raise the limit
    >>> safe_yaml_load("[" * 100 + "]" * 100)
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the YAML text nests deeper than 50 levels (line 1); pass a larger max_depth= to raise the limit
    """
    loader = SafeYAMLLoader if loader is None else loader
    if not (isinstance(loader, type) and issubclass(loader, (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)))):
        raise TypeError("loader must be a subclass of yaml.SafeLoader")
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if max_bytes is not None and size > max_bytes:
        raise InputFileError(f"the YAML {name} is {_size(size)}, over the limit of {_size(max_bytes)}; "
                             "pass a larger max_bytes= to raise the limit", path=name, limit="max_bytes")
    _prescan(text, name, max_depth, max_aliases)
    return yaml.load(text, Loader=loader)  # noqa: S506 - loader is a SafeLoader subclass


# ---------------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class XlsxSheet:
    """One worksheet as its workbook's directory describes it (see :func:`check_xlsx`).

    Attributes
    ----------
    name : str
        The sheet name (the part name when the workbook does not say).
    part : str
        The zip member, e.g. ``xl/worksheets/sheet1.xml``.
    rows, columns : int
        From the sheet's ``<dimension>`` (0 when absent).
    cells : int
        ``rows * columns``, or the cells counted in the part when it has no dimension.
    """

    name: str
    part: str
    rows: int
    columns: int
    cells: int


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"")
_REL_TAG = re.compile(rb"<Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"")
_REL_TAG2 = re.compile(rb"<Relationship\b[^>]*?\bTarget=\"([^\"]*)\"[^>]*?\bId=\"([^\"]*)\"")


def _col_number(letters: bytes | None) -> int:
    n = 0
    for ch in letters or b"":
        n = n * 26 + (ch - 64)
    return n


def _sheet_names(zf: zipfile.ZipFile, names: set) -> dict:
    """Part name -> sheet name from ``xl/workbook.xml`` and its relationships ({} when unreadable)."""
    try:
        wb = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
        rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        return {}
    targets = {rid: tgt for rid, tgt in _REL_TAG.findall(rels)}
    targets.update({rid: tgt for tgt, rid in _REL_TAG2.findall(rels)})
    out = {}
    for sname, rid in _SHEET_TAG.findall(wb):
        tgt = targets.get(rid, b"").decode("utf-8", "replace")
        part = tgt.lstrip("/") if tgt.startswith("/") else "xl/" + tgt
        out[part] = sname.decode("utf-8", "replace")
    return out


def _count_cells(zf: zipfile.ZipFile, part: str, stop: int) -> int:
    """The number of ``<c>`` elements of a worksheet part, counting stopped past ``stop``."""
    n, tail = 0, b""
    with zf.open(part) as fh:
        while n <= stop:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            block = tail + chunk
            n += len(_CELL_TAG.findall(block)) - len(_CELL_TAG.findall(tail))
            tail = block[-64:]
    return n


def check_xlsx(path, max_uncompressed: int = MAX_XLSX_UNCOMPRESSED, max_cells: int = MAX_XLSX_CELLS, *,
               max_columns: int = MAX_XLSX_COLUMNS, max_ratio: float = MAX_XLSX_RATIO,
               max_bytes: int | None = MAX_DATA_BYTES, hint: str | None = None) -> list:
    """Check a workbook from its zip directory and sheet dimensions before a reader decompresses it.

    The file is first checked with :func:`check_input_file`. Then, from the zip directory only: the
    sum of the declared uncompressed sizes must not exceed ``max_uncompressed``, and no part larger
    than 1 MiB may inflate more than ``max_ratio`` times (a zip bomb). Python's :mod:`zipfile`, which
    openpyxl reads through, never inflates a part beyond its declared size, so these sizes bound what
    a reader decompresses. Then each worksheet's ``<dimension>`` (the first bytes of its part) gives
    its rows and columns: at most ``max_columns`` columns and ``max_cells`` cells; a sheet without a
    dimension has its cells counted.

    Parameters
    ----------
    path : str or Path
    max_uncompressed : int
        Default :data:`MAX_XLSX_UNCOMPRESSED`.
    max_cells : int
        Cells of one sheet, default :data:`MAX_XLSX_CELLS`.
    max_columns : int
        Columns of one sheet, default :data:`MAX_XLSX_COLUMNS`.
    max_ratio : float
        Default :data:`MAX_XLSX_RATIO`.
    max_bytes : int or None
        Size of the file itself, default :data:`MAX_DATA_BYTES`.
    hint : str, optional
        How the user raises a limit; by default the keyword is named.

    Returns
    -------
    list of XlsxSheet

    Raises
    ------
    InputFileError

    Examples
    --------
    >>> import tempfile
    >>> p = write_xlsx({"data": pd.DataFrame({"q1": [1, 2, 3], "q2": [4, 5, 6]})}, Path(tempfile.mkdtemp()) / "d.xlsx")
    >>> check_xlsx(p)
    [XlsxSheet(name='data', part='xl/worksheets/sheet1.xml', rows=4, columns=2, cells=8)]
    >>> check_xlsx(p, max_cells=5)
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the workbook .../d.xlsx has 8 cells in sheet 'data' (4 rows x 2 columns), over the limit of 5; pass a larger max_cells= to raise the limit
    """
    p = check_input_file(path, "workbook", max_bytes, hint=hint)

    def refuse(msg, limit):
        raise InputFileError(f"the workbook {p} {msg}; {_raise_hint(limit, hint)}", path=p, limit=limit)

    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError):
        with p.open("rb") as fh:
            head = fh.read(512).lstrip().lower()
        what = "an HTML table saved with a spreadsheet name" if head.startswith((b"<html", b"<!doctype", b"<table")) else \
            "not an .xlsx (zip) file"
        raise InputFileError(f"the workbook {p} is {what}: open it in a spreadsheet program and save it as .xlsx, "
                             "or export it as CSV", path=p) from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > max_uncompressed:
            refuse(f"would inflate to {_size(total)} (from {_size(p.stat().st_size)}), over the limit of "
                   f"{_size(max_uncompressed)}", "max_uncompressed")
        for i in infos:
            ratio = i.file_size / max(i.compress_size, 1)
            if i.file_size > _MiB and ratio > max_ratio:
                refuse(f"has a part {i.filename} that inflates {ratio:,.0f} times (to {_size(i.file_size)}), "
                       f"over the limit of {max_ratio:,.0f}", "max_ratio")
        names = {i.filename for i in infos}
        titles = _sheet_names(zf, names)
        sheets = []
        for part in sorted((n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")),
                           key=lambda s: (len(s), s)):
            with zf.open(part) as fh:
                head = fh.read(4096)
            title = titles.get(part, part)
            m = _DIMENSION.search(head)
            if m and m.group(2):
                c0, r0 = _col_number(m.group(1)), int(m.group(2))
                c1, r1 = (_col_number(m.group(3)), int(m.group(4))) if m.group(3) else (c0, r0)
                rows, cols = max(r0, r1), max(c0, c1)  # a reader fills the grid from A1
                cells = rows * cols
            else:
                rows = cols = 0
                cells = _count_cells(zf, part, max_cells)
            if cols > max_columns:
                refuse(f"has {cols:,} columns in sheet {title!r}, over the limit of {max_columns:,}", "max_columns")
            if cells > max_cells:
                size = f"{cells:,} cells in sheet {title!r} ({rows:,} rows x {cols:,} columns)" if rows else \
                    f"more than {max_cells:,} cells in sheet {title!r}"
                refuse(f"has {size}, over the limit of {max_cells:,}", "max_cells")
            sheets.append(XlsxSheet(title, part, rows, cols, cells))
    return sheets
