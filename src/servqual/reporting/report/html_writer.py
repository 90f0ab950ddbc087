"""The HTML writer: one self-contained page per report.

The page carries its style sheet inline (``report.css``, a file of this package), a meta block, a
table of contents, three-line tables with numbered captions above them and figures embedded as
``data:image/png;base64`` with captions below. Nothing is fetched from the network and every text is
HTML-escaped.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.report import Report
>>> items = sq.read_dataset("holzinger").items()
>>> rep = Report(("能力测验", "Ability tests"), meta={"n": len(items), "date": "2024-05-01"}, lang_default="en")
>>> sd = items[["x1", "x2"]].std().rename_axis("test").to_frame("sd")
>>> rep.add_section("spread", ("离散程度", "Spread")).add_table("sd", ("标准差", "Standard deviations"), sd).key
'spread'
>>> page = render_html(rep, "en")
>>> page.count('<table class="three-line">'), "<caption>Table 1. Standard deviations</caption>" in page
(1, True)
>>> print(page.split("<tbody>")[1].split("</tr>")[0].strip())
<tr><td>x1</td><td class="num">1.167</td>
"""

from __future__ import annotations

import base64
import html
import re
from importlib.resources import files
from typing import TYPE_CHECKING

from servqual._version import __version__
from servqual.reporting.report.cells import NUMERIC_KINDS, display_value, prepare_table
from servqual.reporting.report.texts import WORDS, caption, skipped_note

if TYPE_CHECKING:
    from servqual.reporting.report.model import Report

__all__ = ["render_html", "stylesheet"]


def stylesheet() -> str:
    """The style sheet every HTML report carries inline (the package file ``report.css``)."""
    return files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def _anchor(prefix: str, key: str, used: set) -> str:
    base = prefix + "-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "x")
    a, i = base, 1
    while a in used:
        i += 1
        a = f"{base}-{i}"
    used.add(a)
    return a


def _note(note, lang: str) -> str:
    return f'<p class="note">{html.escape(WORDS["note"].get(lang) + note.get(lang))}</p>'


def render_html(report: Report, lang: str) -> str:
    """The report as one HTML page.

    Parameters
    ----------
    report : Report
    lang : {"zh", "en"}
        Language of every text and caption (already checked by the caller).

    Returns
    -------
    str
        The page; :meth:`Report.to_html` writes it to a file as UTF-8.
    """
    e = html.escape
    used: set = set()
    numbered = report.numbered()
    sec_ids = {id(s): _anchor("sec", s.key, used) for _, s, _, _ in numbered}
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title.get(lang))}</title>",
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(report.title.get(lang))}</h1>",
        '<table class="meta">',
    ]
    for label, value in report.meta_rows(lang):
        out.append(f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>")
    out.append("</table>")
    if report.pii:
        out.append(f'<p class="pii">{e(WORDS["pii"].get(lang))}</p>')
    out.append(f'<nav class="toc"><b>{e(WORDS["contents"].get(lang))}</b><ol>')
    for i, s, _, _ in numbered:
        extra = f' <span class="skipped">{e(WORDS["skipped_short"].get(lang))}</span>' if s.skipped is not None else ""
        out.append(f'<li><a href="#{sec_ids[id(s)]}">{e(s.title.get(lang))}</a>{extra}</li>')
    out.append("</ol></nav>")
    for i, s, tabs, figs in numbered:
        out.append(f'<section id="{sec_ids[id(s)]}">')
        out.append(f"<h2>{i} {e(s.title.get(lang))}</h2>")
        if s.skipped is not None:
            out.append(f'<p class="skipped">{e(skipped_note(s.skipped, lang))}</p>')
            out.append("</section>")
            continue
        for p in s.paragraphs:
            out.append(f"<p>{e(p.get(lang))}</p>")
        for n, t in tabs:
            prep = prepare_table(t, report.pii, lang)
            out.append(f'<div class="tablewrap" id="{_anchor("tab", t.key, used)}"><table class="three-line">')
            out.append(f"<caption>{e(caption('table', n, t.title, lang))}</caption>")
            out.append("<thead><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in prep.headers) + "</tr></thead><tbody>")
            for row in prep.rows:
                cells = []
                for v, kind, dec in zip(row, prep.kinds, prep.decimals):
                    cls = ' class="num"' if kind in NUMERIC_KINDS else ""
                    cells.append(f"<td{cls}>{e(display_value(v, kind, dec, lang))}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
            if t.note:
                out.append(_note(t.note, lang))
            out.append("</div>")
        for n, f in figs:
            b64 = base64.b64encode(f.png()).decode("ascii")
            cap = caption("figure", n, f.title, lang)
            out.append(f'<figure id="{_anchor("fig", f.key, used)}">')
            out.append(f'<img src="data:image/png;base64,{b64}" alt="{e(cap)}">')
            out.append(f"<figcaption>{e(cap)}</figcaption>")
            if f.note:
                out.append(_note(f.note, lang))
            out.append("</figure>")
        out.append("</section>")
    out.append(f"<footer>servqual {e(__version__)} · {e(WORDS['generated'].get(lang))} {e(report.date_text())}</footer>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)
