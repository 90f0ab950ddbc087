"""Outputs made from a questionnaire: printable form, codebook, blank response template and XLSForm.

Everything here is generated from the :class:`~servqual.survey.instrument.Instrument`, so the form the
respondents fill in, the codebook the analyst reads, the spreadsheet the data are typed into and the XLSForm
that ODK / KoboToolbox / SurveyCTO import always agree with each other and with the analysis.

============================  =====================================================================
module                        what
============================  =====================================================================
:mod:`.layout`                the questions in asking order (sections, groups), the forms' wording
:mod:`.printed`               :func:`render_questionnaire` / :func:`write_questionnaire`: Markdown or
                              self-contained HTML (style sheet ``print.css``), Chinese or English
:mod:`.codebooks`             :func:`codebook` / :func:`write_codebook`: one row per data column
                              (CSV in UTF-8 with BOM, Markdown, Excel)
:mod:`.templates`             :func:`response_template` / :func:`write_template`: an empty table with
                              exactly the data columns (CSV, or Excel with input checks)
:mod:`.xlsforms`              :func:`xlsform` / :func:`write_xlsform`: sheets ``survey``, ``choices``,
                              ``settings`` with Chinese and English labels; :func:`xlsform_export_names`
:mod:`.xlsx`                  the Excel sheets the codebook, template and XLSForm share
============================  =====================================================================

Text from the questionnaire cannot act in any output: spreadsheet cells that start like a formula get
a leading ``'`` (negative numbers stay numbers), Markdown and HTML are escaped, and characters that XML
forbids are removed. Every file is written to a temporary name beside its destination and renamed when
complete, never through a symbolic link and never onto an input file: the questionnaire file the
instrument was read from, and the files passed as ``inputs=``.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import servqual as sq
>>> folder = Path(tempfile.mkdtemp())
>>> sq.write_questionnaire("kiosk", folder / "kiosk.html", lang="en").name
'kiosk.html'
>>> sq.write_codebook("kiosk", folder / "codebook.csv").name
'codebook.csv'
>>> sq.write_template("kiosk", folder / "template.xlsx").name
'template.xlsx'
>>> sq.write_xlsform("kiosk", folder / "kiosk_xlsform.xlsx").name
'kiosk_xlsform.xlsx'
"""

from servqual.survey.forms.codebooks import CODEBOOK_COLUMNS, codebook, write_codebook
from servqual.survey.forms.printed import render_questionnaire, write_questionnaire
from servqual.survey.forms.templates import response_template, write_template
from servqual.survey.forms.xlsforms import (
    CHOICES_COLUMNS,
    SURVEY_COLUMNS,
    XLSFORM_LANGUAGES,
    write_xlsform,
    xlsform,
    xlsform_export_names,
)

__all__ = [
    "render_questionnaire",
    "write_questionnaire",
    "codebook",
    "write_codebook",
    "response_template",
    "write_template",
    "xlsform",
    "write_xlsform",
    "xlsform_export_names",
    "CODEBOOK_COLUMNS",
    "XLSFORM_LANGUAGES",
    "SURVEY_COLUMNS",
    "CHOICES_COLUMNS",
]
