"""Client-ready reports: a small document model and its HTML, Excel and Word writers.

A :class:`Report` holds a title, a ``meta`` dictionary (data file, instrument, sample size, ...) and
ordered :class:`Section` objects; a section holds interpretation paragraphs, :class:`Table` and
:class:`Figure` objects, or the reason it was left out. Every user-facing text is a bilingual
:class:`~servqual._text.Text`; plain strings, ``(zh, en)`` tuples and ``{"zh": ..., "en": ...}``
dicts are accepted wherever a text is expected. Captions ("表 1" / "Table 1", "图 1" / "Figure 1")
are numbered at export, in document order.

Modules:

- :mod:`~servqual.reporting.report.model` — Report, Section, Table, Figure and the text coercion;
- :mod:`~servqual.reporting.report.texts` — the words of the document, captions, skipped notes;
- :mod:`~servqual.reporting.report.cells` — table cells as the writers see them, and the spreadsheet
  guard :func:`neutralise_cell`;
- :mod:`~servqual.reporting.report.html_writer` — one self-contained HTML page (style sheet
  ``report.css`` inline, figures as base64 PNG, nothing fetched from the network);
- :mod:`~servqual.reporting.report.excel_writer` — a ``README`` sheet plus one tidy sheet per table;
- :mod:`~servqual.reporting.report.word_writer` — python-docx, three-line tables, numbered captions.

Safety is enforced by the writers themselves:

- respondent PII columns listed in ``Report.meta["pii"]`` (fill it from ``instrument.pii``) are dropped
  from every table, and a table indexed by a PII column is refused with :class:`ReportError`;
- text cells written to Excel that start with ``=``, ``+``, ``-`` or ``@`` (also after leading
  whitespace) or with a tab or carriage return are prefixed with a single quote (OWASP, "CSV
  injection"), so no cell becomes a formula; numbers are written as numbers and are never altered;
- HTML output escapes every text; the Word and Excel writers drop the characters that XML forbids
  (control characters in an item text or a title never fail the document);
- every file is written to a temporary name in its folder and renamed when complete, never through a
  symbolic link and never onto an input file of the run (``inputs=`` of :meth:`Report.write`), which
  is refused with :class:`~servqual.exceptions.OutputFileError` naming both paths.

Examples
--------
>>> import tempfile
>>> import openpyxl
>>> import servqual as sq
>>> from servqual.reporting.report import Report
>>> resp = sq.read_dataset("kiosk")
>>> rep = Report.for_responses(("自助服务机调查", "Kiosk survey"), resp)
>>> sec = rep.add_section("items", ("题项", "Items"))
>>> _ = sec.add_table("means", ("题项均值", "Item means"), resp.items().iloc[:, :3].agg(["mean", "std"]).T)
>>> _ = rep.add_section("gaps", ("服务质量差距", "Service-quality gaps"),
...                     skipped=("数据中没有期望值题组", "the data have no expectation block"))
>>> paths = rep.write(tempfile.mkdtemp(), lang="en")
>>> sorted(p.name for p in paths.values())
['report.docx', 'report.html', 'report.xlsx']
>>> openpyxl.load_workbook(paths["xlsx"])["means"]["B2"].value  # mean of sq01_per, full precision
5.879227053140097
>>> "Left out because the data have no expectation block." in paths["html"].read_text(encoding="utf-8")
True
"""

from servqual.exceptions import ReportError
from servqual.reporting.report.cells import neutralise_cell
from servqual.reporting.report.model import FORMATS, Figure, Report, Section, Table, as_text, check_formats

__all__ = [
    "Report",
    "Section",
    "Table",
    "Figure",
    "ReportError",
    "neutralise_cell",
    "FORMATS",
    "as_text",
    "check_formats",
]
