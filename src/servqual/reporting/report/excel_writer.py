"""The Excel writer: a ``README`` sheet, then one tidy sheet per table.

``README`` holds the title, the meta data (data file, instrument, n, date), the software versions and
the list of sheets with their numbered captions. Each table sheet is a header row plus data (the
index written as leading columns); numbers are stored as numbers at full precision with a display
format of the table's decimals; the header row is frozen and the column widths are set. Every text
cell passes :func:`~servqual.reporting.report.cells.neutralise_cell`, so no cell becomes a formula.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import openpyxl
>>> import servqual as sq
>>> from servqual.reporting.report import Report
>>> resp = sq.read_dataset("kiosk")
>>> rep = Report.for_responses(("自助服务机", "Kiosk service"), resp)
>>> means = resp.items().iloc[:, :3].agg(["mean", "std"]).T
>>> _ = rep.add_section("items", ("题项", "Items")).add_table("means", ("题项均值", "Item means"), means)
>>> path = write_excel(rep, Path(tempfile.mkdtemp()) / "kiosk.xlsx", "zh")
>>> wb = openpyxl.load_workbook(path)
>>> wb.sheetnames
['README', 'means']
>>> [c.value for c in wb["means"][2]]  # full precision; the sheet shows 3 decimals
['sq01_per', 5.879227053140097, 1.12771931612596]
>>> wb["means"]["B2"].number_format
'0.000'
"""

from __future__ import annotations

import platform
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from servqual._safeio import atomic_write, excel_value, sheet_name
from servqual._text import Text
from servqual._version import __version__
from servqual.reporting.report.cells import display_value, prepare_table
from servqual.reporting.report.texts import WORDS, caption

if TYPE_CHECKING:
    from servqual.reporting.report.model import Report

__all__ = ["write_excel"]


def _excel_value(v, lang: str):
    """The cell value of ``v`` (see :func:`servqual._safeio.excel_value`), a Text in ``lang``."""
    return excel_value(v.get(lang) if isinstance(v, Text) else v)


def _sheet_name(key: str, used: set, fallback: str) -> str:
    """A valid, unique Excel sheet name for a table key.

    Parameters
    ----------
    key : str
        The table key.
    used : set
        Lower-case names taken so far; the new name is added to it.
    fallback : str
        Prefix for a key that is empty or a reserved name (``README``, ``History``).

    Returns
    -------
    str
        ``key`` without ``[]:*?/\\``, at most 31 characters, ``_2``, ``_3`` ... appended on a clash.

    Examples
    --------
    >>> used = {"readme"}
    >>> _sheet_name("a/b", used, "T1"), _sheet_name("a:b", used, "T2"), _sheet_name("README", used, "T3")
    ('a_b', 'a_b_2', 'T3_README')
    """
    plain = str(key).strip().strip("'").strip()
    return sheet_name(f"{fallback}_{plain}" if plain.lower() == "readme" else key, used, fallback)


def _width(text: str) -> int:
    """Display width: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def write_excel(report: Report, path: Path, lang: str, *, inputs=()) -> Path:
    """Write the report as an Excel workbook.

    Parameters
    ----------
    report : Report
        The report to write.
    path : Path
        The workbook; its folder is created when missing. It is written to a temporary name and
        renamed when complete, never through a symbolic link (:func:`servqual._safeio.atomic_write`).
    lang : {"zh", "en"}
        Language of the texts, checked by the caller.
    inputs : iterable of path
        The input files of the run, never overwritten (:class:`~servqual.exceptions.OutputFileError`).

    Returns
    -------
    Path
        ``path``.
    """
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thick, thin = Side(style="medium"), Side(style="thin")
    bold = Font(bold=True)
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "README"
    used = {"readme"}
    sheets = []  # (sheet name, caption, note)
    for _, sec, tabs, _figs in report.numbered():
        for n, tab in tabs:
            prep = prepare_table(tab, report.pii, lang)
            name = _sheet_name(tab.key, used, f"T{n}")
            ws = wb.create_sheet(name)
            sheets.append((name, caption("table", n, tab.title, lang), tab.note.get(lang) if tab.note else ""))
            ncol = len(prep.headers)
            widths = [_width(str(h)) for h in prep.headers]
            for j, h in enumerate(prep.headers, 1):
                c = ws.cell(row=1, column=j, value=excel_value(str(h)))
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
                        widths[j - 1] = max(widths[j - 1], len(display_value(val, prep.kinds[j - 1], prep.decimals[j - 1], lang)))
                    if i == last:
                        c.border = Border(bottom=thick)
            for j in range(1, ncol + 1):
                ws.column_dimensions[get_column_letter(j)].width = min(max(widths[j - 1] + 2, 8), 60)
            ws.freeze_panes = "A2"

    rows = [(WORDS["title"].get(lang), report.title.get(lang))]
    rows += report.meta_rows(lang)
    rows.append(None)
    rows.append((WORDS["versions"].get(lang), ""))
    rows += [
        ("servqual", __version__),
        ("Python", platform.python_version()),
        ("pandas", pd.__version__),
        ("numpy", np.__version__),
        ("openpyxl", openpyxl.__version__),
    ]
    if report.pii:
        rows.append(None)
        rows.append((WORDS["pii"].get(lang), ""))
    rows.append(None)
    r = 1
    for row in rows:
        if row is not None:
            a = readme.cell(row=r, column=1, value=excel_value(row[0]))
            a.font = bold
            readme.cell(row=r, column=2, value=excel_value(row[1])).data_type = "s"
        r += 1
    readme.cell(row=r, column=1, value=WORDS["sheets"].get(lang)).font = bold
    r += 1
    for j, h in enumerate((WORDS["sheet"].get(lang), WORDS["caption"].get(lang), WORDS["note"].get(lang).strip(" ：.")), 1):
        c = readme.cell(row=r, column=j, value=h)
        c.font = bold
        c.border = Border(top=thick, bottom=thin)
    for name, cap, note in sheets:
        r += 1
        for j, v in enumerate((name, cap, note), 1):
            readme.cell(row=r, column=j, value=excel_value(v)).data_type = "s"
    for j in range(1, 4):
        c = readme.cell(row=r, column=j)
        c.border = Border(bottom=thick, top=c.border.top)
    for col, width in (("A", 28), ("B", 60), ("C", 60)):
        readme.column_dimensions[col].width = width
    with atomic_write(path, "wb", inputs=inputs, create_parents=True) as fh:
        wb.save(fh)
    return path
