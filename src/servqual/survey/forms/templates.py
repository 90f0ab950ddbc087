"""The blank response template: exactly the questionnaire's data columns, as CSV or checked Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servqual.survey.forms.codebooks import codebook
from servqual.survey.forms.layout import show_value
from servqual.survey.forms.xlsx import append_sheet, column_letter
from servqual.survey.instrument import as_instrument

__all__ = ["response_template", "write_template"]


def response_template(instrument) -> pd.DataFrame:
    """An empty response table with exactly the instrument's data columns.

    The columns are ``instrument.column_specs()["column"]`` in that order: respondent id, the items of
    every block, outcomes, attention checks, KPIs, Kano answers, duration, segments and PII columns.

    Examples
    --------
    >>> from servqual.survey.forms import response_template
    >>> list(response_template("servqual22").columns[:3])
    ['resp_id', 'sq01_e', 'sq02_e']
    """
    inst = as_instrument(instrument)
    cols = list(inst.column_specs()["column"])
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}, columns=cols)


def write_template(instrument, path) -> Path:
    """Write the blank response template (see :func:`response_template`).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    path : str or pathlib.Path
        ``.csv`` or ``.xlsx``; parent folders are created.

    ``.csv``: the header row only, UTF-8 with BOM. ``.xlsx``: sheet ``responses`` (header row, frozen,
    with an input message showing each column's wording and an input check that accepts only the scale
    points or a declared missing code in every answer column) and sheet ``codebook``. Read the filled-in
    file with :func:`servqual.read_responses`. Returns the path written.
    """
    inst = as_instrument(instrument)
    p = Path(path)
    tmpl = response_template(inst)
    suf = p.suffix.lower()
    p.parent.mkdir(parents=True, exist_ok=True)
    if suf == ".csv":
        tmpl.to_csv(p, index=False, encoding="utf-8-sig")
        return p
    if suf != ".xlsx":
        raise ValueError(f"{p}: a response template is written as .csv or .xlsx, not {suf or 'a file without suffix'}")
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    cb = codebook(inst)
    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(list(tmpl.columns))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    ws.freeze_panes = "B2"
    num_missing = [float(m) for m in inst.missing_codes if not isinstance(m, str)]
    for i, r in enumerate(cb.itertuples(index=False), start=1):
        letter = column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(24, len(str(r.column)) + 3))
        wording = r.wording_zh or r.wording_en or ""
        if r.wording_en and r.wording_en != wording:
            wording = f"{wording} / {r.wording_en}"
        if r.labels:
            wording = f"{wording}\n{r.labels}"
        dv = None
        ref = f"{letter}2"
        if r.role in ("item", "outcome", "attention") and r.scale_min is not None:
            lo, hi = r.scale_min, r.scale_max
            cond = f"AND({ref}>={show_value(lo)},{ref}<={show_value(hi)}" + (f",{ref}=INT({ref}))" if r.type == "likert" else ")")
            extra = "".join(f",{ref}={show_value(m)}" for m in num_missing)
            dv = DataValidation(type="custom", formula1=f"OR(AND(ISNUMBER({ref}),{cond}){extra})", allow_blank=True)
            dv.error = f"{show_value(lo)}-{show_value(hi)}" + (f" / {', '.join(show_value(m) for m in num_missing)}" if num_missing else "")
            dv.errorTitle = "servqual"
            dv.showErrorMessage = True
        elif r.role in ("kpi", "duration"):
            extra = "".join(f",{ref}={show_value(m)}" for m in num_missing)
            dv = DataValidation(type="custom", formula1=f"OR(ISNUMBER({ref}){extra})", allow_blank=True)
            dv.showErrorMessage = True
        if dv is None:
            dv = DataValidation(type="custom", formula1="TRUE", allow_blank=True)
        dv.promptTitle = str(r.column)[:32]
        dv.prompt = wording[:255]
        dv.showInputMessage = True
        dv.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(dv)
    append_sheet(wb, "codebook", cb)
    wb.save(p)
    return p
