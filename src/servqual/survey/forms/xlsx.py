"""Excel workbooks of the forms: a table as a sheet with a bold frozen header and fitted column widths.

Every cell goes through :func:`servqual._safeio.excel_value`: text is neutralised against formula
injection (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or CR), characters that XML forbids are
removed, and the cell is stored as text or as a number, never as a formula. A text that is a negative
number as Python writes it (a missing code ``-9``, the point ``-3`` of a bipolar scale) is stored as
that number (see :func:`plain_number`). Workbooks are written by :func:`servqual._safeio.atomic_write`:
to a temporary file beside the destination, renamed when complete, never through a link and never onto
an input file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from servqual._safeio import atomic_write, excel_value

__all__ = ["append_sheet", "header_row", "set_cell", "plain_number", "plain_numbers", "save_workbook", "write_workbook", "column_letter"]

_NEGATIVE = re.compile(r"-(?:0|[1-9]\d*)(?:\.\d*[1-9])?")


def plain_number(v):
    """``v`` as a number when it is the text of a negative number as Python writes it, else ``v`` itself.

    A negative number is not a formula, so it is kept a number rather than neutralised to ``'-9``.
    Only texts that read back unchanged are converted (``"-1.0"`` and ``"-0"`` stay text), so a choice
    name or a code never changes.

    Examples
    --------
    >>> plain_number("-9"), plain_number("-0.5"), plain_number("-2+3"), plain_number("-1.0"), plain_number("9")
    (-9, -0.5, '-2+3', '-1.0', '9')
    """
    if not (isinstance(v, str) and _NEGATIVE.fullmatch(v)):
        return v
    n = float(v) if "." in v else int(v)
    return n if (repr(n) if isinstance(n, float) else str(n)) == v else v


def plain_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with :func:`plain_number` applied to every cell, as an object table (whole numbers stay ints).

    Examples
    --------
    >>> plain_numbers(pd.DataFrame({"codes": ["-9", "-9; -8", None], "min": [1, 1, None]}, dtype=object)).to_dict("list")
    {'codes': [-9, '-9; -8', None], 'min': [1, 1, None]}
    """
    return pd.DataFrame({j: [plain_number(v) for v in df.iloc[:, j]] for j in range(df.shape[1])}, index=df.index,
                        dtype=object).set_axis(df.columns, axis=1)


def set_cell(ws, row: int, column: int, value):
    """Write one cell: ``value`` through :func:`plain_number` and :func:`~servqual._safeio.excel_value`,
    text stored as text (never a formula); nothing is written for a missing value. Returns the cell or None.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> [set_cell(ws, 1, j, v).value for j, v in enumerate(["=1+1", "-9", 2.5, "a\\x07b"], 1)]
    ["'=1+1", -9, 2.5, 'ab']
    """
    val = excel_value(plain_number(value))
    if val is None:
        return None
    c = ws.cell(row=row, column=column, value=val)
    if isinstance(val, str):
        c.data_type = "s"
    return c


def header_row(ws, names) -> None:
    """Write ``names`` as the bold text cells of row 1 (neutralised like every text cell)."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for j, name in enumerate(names, start=1):
        c = ws.cell(row=1, column=j, value=excel_value(str(name)))
        c.data_type = "s"
        c.font = bold


def append_sheet(wb, title: str, df: pd.DataFrame) -> None:
    """Add ``df`` to the openpyxl workbook ``wb`` as sheet ``title`` (bold frozen header, fitted widths)."""
    ws = wb.create_sheet(title)
    header_row(ws, df.columns)
    for i, r in enumerate(df.itertuples(index=False), start=2):
        for j, v in enumerate(r, start=1):
            set_cell(ws, i, j, v)
    ws.freeze_panes = "A2"
    for i, c in enumerate(df.columns, start=1):
        width = max([len(str(c))] + [len(str(v)) for v in df[c].head(200) if v is not None])
        ws.column_dimensions[column_letter(i)].width = max(8, min(60, width + 2))


def save_workbook(wb, path, *, inputs=()) -> Path:
    """Save the openpyxl workbook ``wb`` atomically at ``path`` (missing folders are created).

    Raises
    ------
    OutputFileError
        ``path`` is a folder, a link or one of ``inputs``, or its folder cannot take a file.
    """
    with atomic_write(path, "wb", inputs=inputs, create_parents=True) as fh:
        wb.save(fh)
    return Path(path)


def write_workbook(sheets: dict, path, *, inputs=()) -> Path:
    """Write ``{sheet title: DataFrame}`` as one ``.xlsx`` workbook (see :func:`append_sheet`).

    Examples
    --------
    >>> import tempfile, zipfile
    >>> p = write_workbook({"t": pd.DataFrame({"a": ["@SUM(A1)", "-9"]})}, Path(tempfile.mkdtemp()) / "t.xlsx")
    >>> xml = zipfile.ZipFile(p).read("xl/worksheets/sheet1.xml")
    >>> b"<t>'@SUM(A1)</t>" in xml, b'<v>-9</v>' in xml, b"<f>" in xml
    (True, True, False)
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, df in sheets.items():
        append_sheet(wb, title, df)
    return save_workbook(wb, path, inputs=inputs)


def column_letter(i: int) -> str:
    """The Excel letter(s) of the 1-based column ``i``.

    >>> column_letter(1), column_letter(27)
    ('A', 'AA')
    """
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)
