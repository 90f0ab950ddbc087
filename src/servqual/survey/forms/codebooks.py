"""The codebook: one row per data column, as a table, CSV (UTF-8 with BOM), Markdown or Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servqual._safeio import atomic_write, write_csv
from servqual._text import Text, check_lang
from servqual.exceptions import OutputFileError
from servqual.survey.forms.layout import (
    KANO_LABELS,
    ROLE_NAMES,
    WORDING,
    check_form_output,
    field_label,
    form_inputs,
    md_cell,
    md_code,
    show_value,
    table_value,
)
from servqual.survey.forms.xlsx import plain_number, plain_numbers, write_workbook
from servqual.survey.instrument import Scale, as_instrument

__all__ = ["codebook", "write_codebook", "CODEBOOK_COLUMNS"]

CODEBOOK_COLUMNS = [
    "column", "block", "role", "dimension", "dimension_name", "item", "kind", "type", "wording_zh", "wording_en",
    "scale_min", "scale_max", "labels", "reverse", "expected", "missing_codes", "not_applicable", "kpi_unit",
    "kpi_direction", "kpi_target", "note",
]


def _labels_text(scale: Scale | None, lang: str | None) -> str:
    if scale is None or not scale.labels:
        return ""
    parts = []
    for v, txt in scale.labels:
        lab = f"{txt.get('zh')} / {txt.get('en')}" if lang is None and txt.zh and txt.en and txt.zh != txt.en else txt.get(lang or "zh")
        parts.append(f"{show_value(v)}={lab}")
    return "; ".join(parts)


def codebook(instrument, lang: str | None = None) -> pd.DataFrame:
    """The codebook: one row per data column, in the order of :meth:`Instrument.column_specs`.

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    lang : {"zh", "en"} or None
        Language of ``labels`` and ``dimension_name``; None (default) gives both, ``"非常不同意 / Strongly
        disagree"``. The wording columns always hold both languages.

    Returns
    -------
    pandas.DataFrame
        ``column`` data column; ``block`` block id (SERVQUAL expectation / perception ..., or
        functional / dysfunctional for Kano); ``role`` (item, outcome, attention, kpi, kano,
        respondent_id, duration, segment, pii); ``dimension`` id and ``dimension_name``; ``item`` id;
        ``kind`` (outcome kind); ``type`` (likert, continuous, number, category, id, text);
        ``wording_zh``, ``wording_en``; ``scale_min``, ``scale_max``; ``labels`` ("1=非常不同意; ...");
        ``reverse`` (scored as min + max - x); ``expected`` answer of an attention check;
        ``missing_codes`` that mean "no answer" in this column; ``kpi_unit``, ``kpi_direction``,
        ``kpi_target``; ``note``.

    Examples
    --------
    >>> from servqual.survey.forms import codebook
    >>> cb = codebook("after_sales_service_quality", lang="zh")
    >>> row = cb.set_index("column").loc["eff4"]
    >>> bool(row["reverse"]), row["labels"]
    (True, '1=非常不同意; 2=不同意; 3=一般; 4=同意; 5=非常同意')
    """
    inst = as_instrument(instrument)
    if lang is not None:
        check_lang(lang)
    specs = inst.column_specs()
    def codes(cs) -> str | None:
        return "; ".join(show_value(m) if not isinstance(m, str) else m for m in cs) or None
    kpis = {k.column: k for k in inst.kpis if k.column}
    feats = {f.id: f for f in inst.kano_features}
    blocks = {b.id: b for b in inst.blocks}
    kano_labels = "; ".join(
        f"{code}=" + (f"{KANO_LABELS[a].zh} / {KANO_LABELS[a].en}" if lang is None else KANO_LABELS[a].get(lang))
        for a, code in inst.kano_answers
    )
    dim_names = {d.id: d.name for d in inst.dimensions}

    def say(t: Text, default: str = "") -> str:
        if lang is not None:
            return t.get(lang, default)
        if t.zh and t.en and t.zh != t.en:
            return f"{t.zh} / {t.en}"
        return t.get("zh", default)

    rows = []
    for _, s in specs.iterrows():
        col, role = s["column"], s["role"]
        item_id = s["item"] if isinstance(s["item"], str) else None
        block = s["block"] if isinstance(s["block"], str) and s["block"] else None
        dim = s["dimension"] if isinstance(s["dimension"], str) else None
        row = dict.fromkeys(CODEBOOK_COLUMNS)
        row.update(column=col, block=block, role=role, dimension=dim, item=item_id, reverse=bool(s["reverse"]),
                   missing_codes=codes(s["missing_codes"]) if role not in ("respondent_id", "pii") else None,
                   not_applicable=codes(s["not_applicable"]) if role not in ("respondent_id", "pii") else None)
        if dim:
            row["dimension_name"] = say(dim_names.get(dim, Text()), dim)
        if role in ("item", "overall", "outcome", "attention"):
            it = inst.item(item_id)
            sc = inst.scale_of(it, block)
            row.update(wording_zh=it.text.zh, wording_en=it.text.en, scale_min=table_value(sc.min), scale_max=table_value(sc.max),
                       labels=_labels_text(sc, lang) or None, type="likert" if sc.integer else "continuous",
                       kind=it.kind if role == "outcome" else None)
            if role == "item" and block:
                b = blocks[block]
                row["note"] = say(ROLE_NAMES.get(b.role, Text(b.role, b.role)))
            if role == "attention":
                row["expected"] = ", ".join(show_value(x) for x in it.expected)
                row["note"] = say(WORDING["attention_note"]).replace("{}", row["expected"])
        elif role == "kpi":
            k = kpis[col]
            row.update(wording_zh=k.name.zh or k.id, wording_en=k.name.en or k.id, type="number", kpi_unit=k.unit,
                       kpi_direction=k.direction, kpi_target=k.target_text or None, kind=None)
            row["note"] = say(k.description) if k.description else say(WORDING["kpi_note"])
        elif role == "kano":
            f = feats[item_id]
            tmpl = WORDING["kano_f"] if block == "functional" else WORDING["kano_d"]
            row.update(wording_zh=tmpl.zh.format(f.text.get("zh", f.id)), wording_en=tmpl.en.format(f.text.get("en", f.id)),
                       type="category", labels=kano_labels or None)
        elif role == "respondent_id":
            row.update(wording_zh=WORDING["respondent_id"].zh, wording_en=WORDING["respondent_id"].en, type="id",
                       note=say(WORDING["id_note"]))
        elif role == "duration":
            key = "duration_minutes" if inst.duration_unit == "minutes" else "duration_seconds"
            row.update(wording_zh=WORDING[key].zh, wording_en=WORDING[key].en, type="number")
            if inst.min_duration is not None:
                row["note"] = say(WORDING[f"fast_note_{'minutes' if inst.duration_unit == 'minutes' else 'seconds'}"]).replace(
                    "{}", show_value(inst.min_duration))
        elif role == "segment":
            lab = field_label(col)
            row.update(wording_zh=lab.zh, wording_en=lab.en, type="category", note=say(WORDING["segment_note"]))
        elif role == "pii":
            lab = field_label(col)
            row.update(wording_zh=lab.zh, wording_en=lab.en, type="text", note=say(WORDING["pii_note"]))
        rows.append(row)
    out = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS, dtype=object)
    out["reverse"] = out["reverse"].astype(bool)
    return out


def _md_table(df: pd.DataFrame) -> str:
    def cell(v):
        v = plain_number(v)
        if v is None or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, bool):
            return "yes" if v else ""
        return show_value(v) if isinstance(v, (int, float)) else md_cell(v)

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "|".join(["---"] * len(df.columns)) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


_SUFFIXES = (".csv", ".md", ".markdown", ".xlsx")


def write_codebook(instrument, path, lang: str | None = None, *, inputs=()) -> Path:
    """Write the codebook (see :func:`codebook`).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    path : str or pathlib.Path
        ``.csv``, ``.md`` or ``.xlsx``; parent folders are created.
    lang : {"zh", "en"} or None
        Language of the labels (None: both).
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
    ``.csv``: UTF-8 with BOM (``utf-8-sig``), so Excel on Chinese Windows shows the Chinese text correctly;
    ``.md``: a Markdown document with a header and one table; ``.xlsx``: one sheet ``codebook``. Text
    from the questionnaire cannot act in any of them: a spreadsheet cell that starts like a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) gets a leading ``'`` (a negative number stays a number), Markdown
    is escaped (no tag, link or table break), and characters that XML forbids are removed. The file is
    written to a temporary name and renamed when complete.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_codebook("after_sales_service_quality", folder / "codebook.md").name
    'codebook.md'
    """
    inst = as_instrument(instrument)
    inputs = form_inputs(inst, inputs)
    p = check_form_output(path, inputs, "codebook")
    suf = p.suffix.lower()
    if suf not in _SUFFIXES:
        raise OutputFileError(f"{p}: a codebook is written as .csv, .md or .xlsx, not {suf or 'a file without suffix'}",
                              path=p)
    cb = codebook(inst, lang=lang)
    if suf == ".csv":
        p.parent.mkdir(parents=True, exist_ok=True)
        write_csv(plain_numbers(cb), p, inputs=inputs)
    elif suf == ".xlsx":
        write_workbook({"codebook": cb}, p, inputs=inputs)
    else:
        head = [f"# Codebook: {md_cell(inst.title.get(lang or 'zh', inst.id))}", ""]
        meta = [f"- questionnaire: {md_code(inst.id)}" + (f" version {md_cell(inst.version)}" if inst.version else "")]
        codes = ", ".join(md_cell(m) if isinstance(m, str) else show_value(m) for m in inst.missing_codes)
        na_codes = ", ".join(md_cell(m) if isinstance(m, str) else show_value(m) for m in inst.not_applicable)
        meta.append(f"- {len(cb)} data columns; missing codes of the rating items: {codes or 'none'}"
                    + (f"; not applicable: {na_codes}" if na_codes else "")
                    + " (columns with codes of their own list them in the table)")
        meta.append("- reverse-keyed items are scored as min + max - x")
        if inst.citation:
            meta.append(f"- source: {md_cell(inst.citation)}")
        with atomic_write(p, "w", encoding="utf-8", inputs=inputs, create_parents=True) as fh:
            fh.write("\n".join(head + meta + ["", _md_table(cb), ""]))
    return p
