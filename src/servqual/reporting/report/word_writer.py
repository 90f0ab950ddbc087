"""The Word writer (python-docx): headings, three-line tables, numbered captions and figures.

The document has A4 pages, the title, the meta lines, numbered section headings, paragraphs,
three-line tables (三线表: 1.5 pt rules at top and bottom, a 0.75 pt rule under the header row, no
vertical rules; the header row repeated on each page) with the caption above, and figures at their
natural width (at most the text width) with the caption below. Captions are Word ``SEQ`` fields, so
Word keeps the numbering when tables are added. Tables with more than 9 columns are placed on
landscape pages.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import docx
>>> import servqual as sq
>>> from servqual.reporting.report import Report, Section
>>> x = sq.read_dataset("holzinger").items()[["x1", "x2", "x3"]]
>>> sec = Section("visual", ("视觉题项", "Visual items")).add_table("r", ("相关系数", "Correlations"), x.corr(), decimals=2)
>>> rep = Report(("Holzinger 与 Swineford", "Holzinger and Swineford"), meta={"n": len(x)}, sections=[sec])
>>> doc = docx.Document(str(write_docx(rep, Path(tempfile.mkdtemp()) / "hs.docx", "en")))
>>> [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Caption"]
['1 Visual items', 'Table 1. Correlations']
>>> [c.text for c in doc.tables[0].rows[1].cells]
['x1', '1.00', '0.30', '0.44']
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from servqual._safeio import atomic_write, remove_illegal_xml
from servqual.reporting.report.cells import NUMERIC_KINDS, display_value, prepare_table
from servqual.reporting.report.texts import WORDS, skipped_note

if TYPE_CHECKING:
    from servqual.reporting.report.model import Report

__all__ = ["write_docx", "png_size"]


def png_size(png: bytes):
    """``(width_px, height_px, dpi_x)`` of a PNG (dpi from the ``pHYs`` chunk, 96 when absent).

    Examples
    --------
    >>> import io
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(2, 1))
    >>> buf = io.BytesIO()
    >>> fig.savefig(buf, format="png", dpi=150)
    >>> plt.close(fig)
    >>> w, h, dpi = png_size(buf.getvalue())
    >>> (w, h), round(dpi)
    ((300, 150), 150)
    """
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


def _xml_text(text) -> str:
    """``text`` as Word can store it: the characters that XML forbids (control characters, lone
    surrogates) removed, as python-docx would otherwise refuse the whole document."""
    return remove_illegal_xml("" if text is None else str(text))


def _element(tag: str, *attrs):
    """A WordprocessingML element with ``(qualified name, value)`` attributes, set in that order."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for name, value in attrs:
        el.set(qn(name), value)
    return el


def _set_fonts(style, font: str, east_asia: str):
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = _element("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    for attr, name in (("w:ascii", font), ("w:hAnsi", font), ("w:cs", font), ("w:eastAsia", east_asia)):
        rfonts.set(qn(attr), name)


def _border(tag: str, val: str, sz: int = 0):
    if val == "nil":
        return _element(tag, ("w:val", val))
    return _element(tag, ("w:val", val), ("w:sz", str(sz)), ("w:space", "0"), ("w:color", "000000"))


def _cell_borders(row, *sides):
    """Give every cell of ``row`` the borders ``(tag, val, sz)``."""
    for cell in row.cells:
        tcb = _element("w:tcBorders")
        for side in sides:
            tcb.append(_border(*side))
        cell._tc.get_or_add_tcPr().append(tcb)


def _three_line(table):
    """三线表: thick top and bottom rules, a thin rule under the header row, no vertical lines."""
    from docx.oxml.ns import qn

    tblPr = table._tbl.tblPr
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    borders = _element("w:tblBorders")
    for side, val, sz in (("top", "single", 12), ("left", "nil", 0), ("bottom", "single", 12),
                          ("right", "nil", 0), ("insideH", "nil", 0), ("insideV", "nil", 0)):
        borders.append(_border(f"w:{side}", val, sz))
    # schema order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize, tblStyleColBandSize, tblW,
    # jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    after = [qn(f"w:{t}") for t in ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")]
    anchor = next((c for c in tblPr if c.tag in after), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        tblPr.append(borders)
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(_element("w:tblHeader"))  # repeat the header row on each page
    _cell_borders(header, ("w:top", "single", 12), ("w:bottom", "single", 6))
    if len(table.rows) > 1:
        _cell_borders(table.rows[-1], ("w:bottom", "single", 12))


def _seq_caption(paragraph, word: str, number: int, title: str, lang: str):
    """Caption text with a Word SEQ field (updatable numbering; the current number is the field result)."""
    word, title = _xml_text(word), _xml_text(title)
    paragraph.add_run(f"{word} ")

    def fld(kind):
        paragraph.add_run()._r.append(_element("w:fldChar", ("w:fldCharType", kind)))

    fld("begin")
    instr = _element("w:instrText", ("xml:space", "preserve"))
    instr.text = f" SEQ {word} \\* ARABIC "
    paragraph.add_run()._r.append(instr)
    fld("separate")
    paragraph.add_run(str(number))
    fld("end")
    sep = "　" if lang == "zh" else ". "
    if title:
        paragraph.add_run(f"{sep}{title}")


def _note(doc, note, lang: str):
    from docx.shared import Pt

    doc.add_paragraph().add_run(_xml_text(WORDS["note"].get(lang) + note.get(lang))).font.size = Pt(9)


def _setup(doc, lang: str, font: str, ea_font: str, ea_heading: str):
    """A4 page, margins, and the fonts and sizes of the styles the report uses."""
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    sect = doc.sections[0]
    sect.page_width, sect.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(sect, side, Cm(2.5))
    sect.top_margin = sect.bottom_margin = Cm(2.5)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号
    _set_fonts(normal, font, ea_font)
    normal.element.get_or_add_rPr().append(
        _element("w:lang", ("w:val", "en-US" if lang == "en" else "zh-CN"), ("w:eastAsia", "zh-CN")))
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        st = styles[name]
        _set_fonts(st, font, ea_heading if name != "Caption" else ea_font)
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


def _add_table(doc, prep, number: int, title: str, lang: str):
    """Caption paragraph, then the three-line table of a prepared table (characters XML forbids removed)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    ncol = max(len(prep.headers), 1)
    size = Pt(10.5) if ncol <= 6 else Pt(9) if ncol <= 9 else Pt(8) if ncol <= 14 else Pt(7)
    cap = doc.add_paragraph(style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.keep_with_next = True
    _seq_caption(cap, WORDS["table"].get(lang), number, title, lang)
    table = doc.add_table(rows=len(prep.rows) + 1, cols=ncol)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    all_rows = table.rows
    for j, h in enumerate(prep.headers):
        par = all_rows[0].cells[j].paragraphs[0]
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = par.add_run(_xml_text(h))
        run.bold = True
        run.font.size = size
    for r_i, row in enumerate(prep.rows, 1):
        cells = all_rows[r_i].cells
        for j, (v, kind, dec) in enumerate(zip(row, prep.kinds, prep.decimals)):
            par = cells[j].paragraphs[0]
            if kind in NUMERIC_KINDS:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            par.add_run(_xml_text(display_value(v, kind, dec, lang))).font.size = size
    _three_line(table)


def _add_figure(doc, figure, number: int, lang: str, usable_width):
    """The picture at its natural width (at most the text width), then its caption and note."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    png = figure.png()
    wpx, _hpx, dpi = png_size(png)
    natural = Cm(wpx / dpi * 2.54)
    width = Cm(figure.width_cm) if figure.width_cm else min(natural, usable_width)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(png), width=min(width, usable_width))
    cap = doc.add_paragraph(style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _seq_caption(cap, WORDS["figure"].get(lang), number, figure.title.get(lang), lang)
    if figure.note:
        _note(doc, figure.note, lang)


def write_docx(report: Report, path: Path, lang: str, font: str = "Times New Roman", ea_font: str = "SimSun",
               ea_heading: str = "SimHei", *, inputs=()) -> Path:
    """Write the report as a Word document.

    Parameters
    ----------
    report : Report
        The report; :meth:`Report.to_docx <servqual.reporting.report.Report.to_docx>` calls this function.
    path : Path
        The ``.docx`` file (a missing folder is created). It is written to a temporary name and renamed
        when complete, never through a symbolic link (:func:`servqual._safeio.atomic_write`).
    lang : {"zh", "en"}
        Language of the texts, checked by the caller.
    font : str
        Font of Latin text.
    ea_font, ea_heading : str
        East Asian fonts (``w:eastAsia``) of the body and captions, and of the title and headings.
    inputs : iterable of path
        The input files of the run, never overwritten (:class:`~servqual.exceptions.OutputFileError`).

    Every text goes through :func:`servqual._safeio.remove_illegal_xml`: a control character in an
    item text or a title is dropped instead of failing the document.

    Returns
    -------
    Path
        ``path``.
    """
    import docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm, Pt

    doc = docx.Document()
    _setup(doc, lang, font, ea_font, ea_heading)
    title = _xml_text(report.title.get(lang))
    doc.core_properties.title = title[:255]
    doc.add_heading(title, level=0)
    for label, value in report.meta_rows(lang):
        p = doc.add_paragraph()
        p.add_run(_xml_text(label) + ("：" if lang == "zh" else ": ")).bold = True
        p.add_run(_xml_text(value))
        p.paragraph_format.space_after = Pt(0)
    if report.pii:
        doc.add_paragraph(WORDS["pii"].get(lang)).runs[0].italic = True

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
        doc.add_heading(_xml_text(f"{i} {s.title.get(lang)}"), level=1)
        if s.skipped is not None:
            doc.add_paragraph(_xml_text(skipped_note(s.skipped, lang))).runs[0].italic = True
            continue
        for para in s.paragraphs:
            doc.add_paragraph(_xml_text(para.get(lang)))
        for n, t in tabs:
            prep = prepare_table(t, report.pii, lang)
            set_orientation(max(len(prep.headers), 1) > 9)
            _add_table(doc, prep, n, t.title.get(lang), lang)
            if t.note:
                _note(doc, t.note, lang)
            else:
                doc.add_paragraph()
        set_orientation(False)
        for n, f in figs:
            _add_figure(doc, f, n, lang, usable_width())
    with atomic_write(path, "wb", inputs=inputs, create_parents=True) as fh:
        doc.save(fh)
    return path
