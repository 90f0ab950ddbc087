"""Excel workbooks of the forms: a table as a sheet with a bold frozen header and fitted column widths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["append_sheet", "write_xlsx", "column_letter"]


def append_sheet(wb, title: str, df: pd.DataFrame) -> None:
    """Add ``df`` to the openpyxl workbook ``wb`` as sheet ``title`` (bold frozen header, fitted widths)."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append([str(c) for c in df.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in df.itertuples(index=False):
        ws.append([_cell(v) for v in r])
    ws.freeze_panes = "A2"
    for i, c in enumerate(df.columns, start=1):
        width = max([len(str(c))] + [len(str(v)) for v in df[c].head(200) if v is not None])
        ws.column_dimensions[column_letter(i)].width = max(8, min(60, width + 2))


def _cell(v):
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (AttributeError, ValueError):
            return v
    return v


def write_xlsx(path: Path, sheets: dict) -> None:
    """Write ``{sheet title: DataFrame}`` as one ``.xlsx`` workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, df in sheets.items():
        append_sheet(wb, title, df)
    wb.save(path)


def column_letter(i: int) -> str:
    """The Excel letter(s) of the 1-based column ``i``.

    >>> column_letter(1), column_letter(27)
    ('A', 'AA')
    """
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)
