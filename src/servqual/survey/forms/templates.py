"""The blank response template: exactly the questionnaire's data columns, as CSV or checked Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servqual._safeio import remove_illegal_xml, write_csv
from servqual.exceptions import OutputFileError
from servqual.survey.forms.codebooks import codebook
from servqual.survey.forms.layout import check_form_output, form_inputs, show_value
from servqual.survey.forms.xlsx import append_sheet, column_letter, header_row, save_workbook
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


def write_template(instrument, path, *, inputs=()) -> Path:
    """Write the blank response template (see :func:`response_template`).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    path : str or pathlib.Path
        ``.csv`` or ``.xlsx``; parent folders are created.
    inputs : iterable of path
        The input files of the run, never overwritten (the questionnaire file the instrument was read
        from is always one of them).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    OutputFileError
        ``path`` has another suffix, is a folder, a symbolic link or an input file, or its folder
        cannot take a file; nothing is written.

    Notes
    -----
    ``.csv``: the header row only, UTF-8 with BOM. ``.xlsx``: sheet ``responses`` (header row, frozen,
    with an input message showing each column's wording and an input check that accepts only the scale
    points or a declared missing code in every answer column) and sheet ``codebook``. Read the filled-in
    file with :func:`servqual.read_responses`. A column name that starts like a spreadsheet formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) is written with a leading ``'``, and characters that XML forbids
    are removed from the wording; the file is written to a temporary name and renamed when complete.

    Examples
    --------
    >>> import tempfile
    >>> p = write_template("kiosk", Path(tempfile.mkdtemp()) / "template.csv")
    >>> p.read_text(encoding="utf-8-sig").split(",")[:2]
    ['respondent_id', 'sq01_exp']
    """
    inst = as_instrument(instrument)
    inputs = form_inputs(inst, inputs)
    p = check_form_output(path, inputs, "response template")
    suf = p.suffix.lower()
    if suf not in (".csv", ".xlsx"):
        raise OutputFileError(
            f"{p}: a response template is written as .csv or .xlsx, not {suf or 'a file without suffix'}", path=p)
    tmpl = response_template(inst)
    if suf == ".csv":
        p.parent.mkdir(parents=True, exist_ok=True)
        return write_csv(tmpl, p, inputs=inputs)
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    cb = codebook(inst)
    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    header_row(ws, tmpl.columns)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.fill = fill
    ws.freeze_panes = "B2"
    for i, r in enumerate(cb.itertuples(index=False), start=1):
        own = [x.strip() for part in (r.missing_codes, r.not_applicable) if part for x in str(part).split(";")]
        num_missing = [float(m) for m in own if _is_number_text(m)]
        letter = column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(24, len(str(r.column)) + 3))
        wording = r.wording_zh or r.wording_en or ""
        if r.wording_en and r.wording_en != wording:
            wording = f"{wording} / {r.wording_en}"
        if r.labels:
            wording = f"{wording}\n{r.labels}"
        dv = None
        ref = f"{letter}2"
        if r.role in ("item", "overall", "outcome", "attention") and r.scale_min is not None:
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
        dv.promptTitle = remove_illegal_xml(str(r.column))[:32]
        dv.prompt = remove_illegal_xml(wording)[:255]
        dv.showInputMessage = True
        dv.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(dv)
    append_sheet(wb, "codebook", cb)
    return save_workbook(wb, p, inputs=inputs)


def _is_number_text(t: str) -> bool:
    try:
        float(t)
    except ValueError:
        return False
    return True
