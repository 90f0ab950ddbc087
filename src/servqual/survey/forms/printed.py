"""The printable questionnaire: Markdown or one self-contained HTML page, in Chinese or English.

Questions are grouped by block (SERVQUAL expectation / perception / importance ...) and dimension, every
scale point is a tick box under its label, attention checks sit among the items as ordinary questions,
objective KPIs are *not* asked, and PII columns appear only as optional contact fields in a separate last
section. The print style sheet is the package file ``print.css`` (A4, table headers repeated on each
page, rows never split across pages).
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

from servqual._safeio import atomic_write, escape_markdown, remove_illegal_xml
from servqual._text import check_lang
from servqual.exceptions import OutputFileError
from servqual.survey.forms.layout import (
    WORDING,
    answer_options,
    answer_runs,
    check_form_output,
    form_inputs,
    layout,
    legend_scales,
    legend_text,
    md_cell,
    md_code,
    part_title,
    show_value,
)
from servqual.survey.instrument import Instrument, as_instrument

__all__ = ["render_questionnaire", "write_questionnaire", "print_css"]


def print_css() -> str:
    """The print style sheet of the HTML questionnaire (the package file ``print.css``).

    >>> print_css().splitlines()[0]
    '@page { size: A4; margin: 15mm 13mm; }'
    """
    return resources.files("servqual.survey.forms").joinpath("print.css").read_text(encoding="utf-8").strip()


def render_questionnaire(instrument, lang: str = "zh", format: str = "md", *, show_columns: bool = False) -> str:
    """The printable questionnaire as Markdown or self-contained HTML.

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
        The questionnaire (or the path / bundled name of its YAML file).
    lang : {"zh", "en"}
        Language of every text; a text missing in that language falls back to the other one.
    format : {"md", "html"}
        Markdown (tables with ☐ tick boxes) or one HTML page with inline print CSS (A4, table headers
        repeated on each page, rows never split across pages); no external resources.
    show_columns : bool, default False
        Print each question's data column next to its number (a data-entry version of the form).

    Returns
    -------
    str
        Title, version, instructions; one part per block (SERVQUAL expectation / perception / importance ...)
        with the block's instruction, questions grouped by dimension, the scale points as tick-box columns
        headed by their labels; attention checks placed among the analysis block's items (right after the item
        named by ``after``) as ordinary questions; Kano feature pairs; outcome questions; background (segment)
        fields; and, only when the questionnaire declares PII columns, an optional contact section kept apart
        from the questions. Objective KPIs, the respondent id and the completion time are recorded, not asked,
        so they are not printed. Reverse-keyed items and expected answers are never marked.

    Notes
    -----
    Question numbers run through the whole form. Items that share a scale share one table; an item with
    its own scale (per-item override) starts a new table.

    Every text of the questionnaire is made inert: HTML entities in the HTML page; in Markdown, entities
    for ``<``, ``>``, ``&`` and backslash escapes for the characters that open links, emphasis, code and
    table cells (:func:`servqual._safeio.escape_markdown`), so ``<script>``, ``<img onerror=...>`` and
    ``[x](javascript:...)`` show as the same characters. Characters that XML forbids are removed.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.survey.forms import render_questionnaire
    >>> md = render_questionnaire(sq.load_instrument("servqual22"), lang="en")
    >>> md.splitlines()[0]
    '# SERVQUAL after-sales service quality questionnaire (22 attributes)'
    """
    inst = as_instrument(instrument)
    check_lang(lang)
    if format not in ("md", "html"):
        raise ValueError(f"format must be 'md' or 'html', got {format!r}")
    sections = [s for s in layout(inst) if s.respondent]
    if format == "md":
        return _render_md(inst, sections, lang, show_columns)
    return _render_html(inst, sections, lang, show_columns)


def _title(inst: Instrument, lang: str) -> str:
    return inst.title.get(lang, inst.id)


def _render_md(inst: Instrument, sections: list, lang: str, show_columns: bool) -> str:
    t = lambda key: WORDING[key].get(lang)  # noqa: E731
    out = [f"# {md_cell(_title(inst, lang))}", ""]
    if inst.version:
        out += [f"{t('version')}{'：' if lang == 'zh' else ': '}{md_cell(inst.version)}", ""]
    if inst.instructions:
        out += [escape_markdown(inst.instructions.get(lang).strip()), ""]
    n = 0
    colon = "　" if lang == "zh" else ": "
    colon2 = "：" if lang == "zh" else ": "
    for si, sec in enumerate(sections, 1):
        out += [f"## {part_title(si, lang)}{colon}{md_cell(sec.title.get(lang))}", ""]
        if sec.note:
            out += [f"*{md_cell(sec.note.get(lang))}*", ""]
        for sc in legend_scales(sec):
            out += [f"{t('legend')}{colon2}{md_cell(legend_text(sc, lang))}", ""]
        for g in sec.groups:
            if g.title:
                out += [f"### {md_cell(g.title.get(lang))}", ""]
            for run in answer_runs(g.questions):
                q0 = run[0]
                if q0.kind in ("likert", "kano"):
                    opts = answer_options(q0, inst, lang)
                    heads = [f"{show_value(v)} {lab}".strip() if q0.kind == "likert" else lab for v, lab in opts]
                    out.append("| " + " | ".join([t("no"), t("question")] + [md_cell(h) for h in heads]) + " |")
                    out.append("| :-: | :-- | " + " | ".join([":-:"] * len(opts)) + " |")
                    for q in run:
                        n += 1
                        no = f"{n} {md_code(q.column)}" if show_columns else str(n)
                        out.append(f"| {no} | {md_cell(q.text.get(lang, q.column))} | " + " | ".join(["☐"] * len(opts)) + " |")
                else:
                    head = t("field") if q0.kind == "text" else t("question")
                    out.append(f"| {t('no')} | {head} | {t('answer')} |")
                    out.append("| :-: | :-- | :-- |")
                    for q in run:
                        n += 1
                        no = f"{n} {md_code(q.column)}" if show_columns else str(n)
                        blank = "________________"
                        if q.kind == "number" and q.scale is not None:
                            blank += WORDING["range"].get(lang).format(show_value(q.scale.min), show_value(q.scale.max))
                        out.append(f"| {no} | {md_cell(q.text.get(lang, q.column))} | {blank} |")
                out.append("")
    out += ["---", "", t("thanks"), ""]
    if inst.citation:
        out += [f"<small>{t('source')}{'：' if lang == 'zh' else ': '}{md_cell(inst.citation)}</small>", ""]
    return "\n".join(out)


def _render_html(inst: Instrument, sections: list, lang: str, show_columns: bool) -> str:
    e = lambda s: html.escape(remove_illegal_xml(str(s)), quote=False)  # noqa: E731
    t = lambda key: e(WORDING[key].get(lang))  # noqa: E731
    title = e(_title(inst, lang))
    body = [f"<h1>{title}</h1>"]
    if inst.version:
        body.append(f'<p class="meta">{t("version")}{"：" if lang == "zh" else ": "}{e(inst.version)}</p>')
    if inst.instructions:
        body.append(f'<div class="instructions"><p>{e(inst.instructions.get(lang).strip())}</p></div>')
    n = 0
    colon = "　" if lang == "zh" else ": "
    colon2 = "：" if lang == "zh" else ": "
    for si, sec in enumerate(sections, 1):
        cls = ' class="contact"' if sec.id == "contact" else ""
        body.append(f'<section id="part-{html.escape(remove_illegal_xml(sec.id))}"{cls}>')
        body.append(f"<h2>{e(part_title(si, lang))}{colon}{e(sec.title.get(lang))}</h2>")
        if sec.note:
            body.append(f'<p class="note">{e(sec.note.get(lang))}</p>')
        for sc in legend_scales(sec):
            body.append(f'<p class="legend">{t("legend")}{colon2}{e(legend_text(sc, lang))}</p>')
        for g in sec.groups:
            if g.title:
                body.append(f"<h3>{e(g.title.get(lang))}</h3>")
            for run in answer_runs(g.questions):
                q0 = run[0]
                rows = []
                if q0.kind in ("likert", "kano"):
                    opts = answer_options(q0, inst, lang)
                    heads = "".join(
                        (f"<th><b>{e(show_value(v))}</b><br>{e(lab)}</th>" if q0.kind == "likert" else f"<th>{e(lab)}</th>")
                        for v, lab in opts
                    )
                    rows.append(f'<thead><tr><th>{t("no")}</th><th>{t("question")}</th>{heads}</tr></thead><tbody>')
                    for q in run:
                        n += 1
                        code = f"<code>{e(q.column)}</code>" if show_columns else ""
                        boxes = '<td class="opt"><span class="cb"></span></td>' * len(opts)
                        rows.append(f'<tr><td class="no">{n}{code}</td><td>{e(q.text.get(lang, q.column))}</td>{boxes}</tr>')
                else:
                    head = t("field") if q0.kind == "text" else t("question")
                    rows.append(f'<thead><tr><th>{t("no")}</th><th>{head}</th><th>{t("answer")}</th></tr></thead><tbody>')
                    for q in run:
                        n += 1
                        code = f"<code>{e(q.column)}</code>" if show_columns else ""
                        rng = ""
                        if q.kind == "number" and q.scale is not None:
                            rng = f'<span class="range">{e(WORDING["range"].get(lang).format(show_value(q.scale.min), show_value(q.scale.max)))}</span>'
                        rows.append(f'<tr><td class="no">{n}{code}</td><td>{e(q.text.get(lang, q.column))}</td>'
                                    f'<td class="blank">{rng}</td></tr>')
                body.append('<table class="q">' + "".join(rows) + "</tbody></table>")
        body.append("</section>")
    body.append(f'<p class="thanks">{t("thanks")}</p>')
    if inst.citation:
        body.append(f"<footer>{t('source')}{'：' if lang == 'zh' else ': '}{e(inst.citation)}</footer>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
        f"<style>\n{print_css()}\n</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def write_questionnaire(instrument, path, lang: str = "zh", format: str | None = None, *, show_columns: bool = False,
                        inputs=()) -> Path:
    """Write the printable questionnaire (see :func:`render_questionnaire`) to ``path`` (UTF-8).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    path : str or pathlib.Path
        Parent folders are created.
    lang : {"zh", "en"}
    format : {"md", "html"}, optional
        Defaults to the file suffix: ``.md`` / ``.markdown`` -> Markdown, ``.html`` / ``.htm`` -> HTML.
    show_columns : bool, default False
        Print each question's data column next to its number.
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
        The format cannot be told from the suffix, or ``path`` is a folder, a symbolic link or an input
        file, or its folder cannot take a file; nothing is written.

    Notes
    -----
    Every text of the questionnaire is escaped (HTML entities in the HTML page; Markdown escapes and
    entities in the Markdown, so no tag, link, image or table break survives), characters that XML
    forbids are removed, and the file is written to a temporary name and renamed when complete.

    Examples
    --------
    >>> import tempfile
    >>> write_questionnaire("kiosk", Path(tempfile.mkdtemp()) / "form.md", lang="en").name
    'form.md'
    """
    inst = as_instrument(instrument)
    inputs = form_inputs(inst, inputs)
    p = check_form_output(path, inputs, "printable form")
    if format is None:
        suf = p.suffix.lower()
        format = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}.get(suf)
        if format is None:
            raise OutputFileError(f"{p}: cannot tell the format from the suffix {suf!r}; use .md or .html "
                                  "(or give format='md'/'html')", path=p)
    text = render_questionnaire(inst, lang=lang, format=format, show_columns=show_columns)
    with atomic_write(p, "w", encoding="utf-8", inputs=inputs, create_parents=True) as fh:
        fh.write(text)
    return p
