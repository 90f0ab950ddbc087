"""The questionnaire as an XLSForm (ODK, KoboToolbox, SurveyCTO), and the export headers it leads to.

The sheets ``survey``, ``choices`` and ``settings`` carry ``label::Chinese (zh)`` and
``label::English (en)`` columns that pyxform converts to an XForm. :func:`xlsform_export_names` maps the
group-path headers of the platforms' exports back to the questionnaire's data columns.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from servqual._safeio import neutralise_cell
from servqual._text import Text
from servqual.exceptions import OutputFileError
from servqual.survey.forms.layout import (
    KANO_LABELS,
    WORDING,
    Question,
    check_form_output,
    form_inputs,
    layout,
    scale_key,
    show_value,
)
from servqual.survey.forms.xlsx import plain_number, write_workbook
from servqual.survey.instrument import Scale, as_instrument

__all__ = ["xlsform", "write_xlsform", "xlsform_export_names", "XLSFORM_LANGUAGES", "SURVEY_COLUMNS", "CHOICES_COLUMNS"]

XLSFORM_LANGUAGES = {"zh": "Chinese (zh)", "en": "English (en)"}
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
SURVEY_COLUMNS = (
    ["type", "name"]
    + [f"label::{v}" for v in XLSFORM_LANGUAGES.values()]
    + [f"hint::{v}" for v in XLSFORM_LANGUAGES.values()]
    + ["required", "constraint"]
    + [f"constraint_message::{v}" for v in XLSFORM_LANGUAGES.values()]
    + ["appearance", "calculation"]
)
CHOICES_COLUMNS = ["list_name", "name"] + [f"label::{v}" for v in XLSFORM_LANGUAGES.values()]


def xlsform(instrument, *, required: bool = True, enforce_attention: bool = False) -> dict:
    """The questionnaire as an XLSForm (ODK, KoboToolbox, SurveyCTO).

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    required : bool, default True
        Mark items, outcomes, attention checks and Kano answers ``required``.
    enforce_attention : bool, default False
        Add a ``constraint`` that only accepts an attention check's expected answer. Off by default: a
        constraint makes the form refuse any other answer, so every completed form would pass the check
        and :func:`servqual.screen` could never flag an inattentive respondent. Turn it on only when the
        check is meant as an instructed-response gate.

    Returns
    -------
    dict of str -> pandas.DataFrame
        ``survey`` (columns ``type, name, label::Chinese (zh), label::English (en), hint::..., required,
        constraint, constraint_message::..., appearance, calculation``), ``choices`` (``list_name, name,
        label::...``) and ``settings`` (``form_title, form_id, version, default_language``).

    Raises
    ------
    ValueError
        A data column that is not a valid XLSForm name, or a Kano answer code that a spreadsheet would
        read as a formula (a choice name must reach the form unchanged).

    Notes
    -----
    Layout (every question's ``name`` is its data column): ``start`` / ``end`` timestamps and a
    ``calculate`` for the duration column (seconds or minutes between them) when one is declared; the
    respondent id as ``calculate`` ``once(uuid())``; a note with the instructions; one group per block (SERVQUAL
    expectation / perception / importance ...) opening with the block's instruction, and inside it one
    ``field-list`` group per dimension with ``select_one`` questions (one choice list per scale, appearance
    ``likert``); attention checks among the analysis block's items (right after the item named by ``after``);
    continuous items as ``decimal`` with a range ``constraint``; Kano pairs as ``select_one`` on the Kano answer
    codes; outcomes; segments as ``text``; objective KPIs as ``decimal`` with unit, direction and target in the
    hint (recorded by staff); PII as optional ``text`` in a last contact group. Both label languages are always
    written (a text missing in one language falls back to the other); ``default_language`` is the instrument's
    first language.

    Examples
    --------
    >>> from servqual.survey.forms import xlsform
    >>> sheets = xlsform("after_sales_service_quality")
    >>> sorted(sheets)
    ['choices', 'settings', 'survey']
    """
    inst = as_instrument(instrument)
    specs = inst.column_specs()
    bad = [c for c in specs["column"] if not _NAME_RE.match(str(c))]
    if bad:
        raise ValueError(
            f"questionnaire {inst.id!r}: data column(s) {', '.join(map(repr, bad))} are not valid XLSForm names "
            "(letters, digits, '_', '.', '-', not starting with a digit); rename them in the questionnaire"
        )
    langs = list(XLSFORM_LANGUAGES)
    used = set(specs["column"].astype(str))
    survey, choices = [], []

    def uniq(base: str) -> str:
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        return name

    def row(type_, name, label=None, hint=None, **kw):
        r = dict.fromkeys(SURVEY_COLUMNS)
        r["type"], r["name"] = type_, name
        for lg in langs:
            if label:
                r[f"label::{XLSFORM_LANGUAGES[lg]}"] = label.get(lg)
            if hint:
                r[f"hint::{XLSFORM_LANGUAGES[lg]}"] = hint.get(lg)
        cmsg = kw.pop("constraint_message", None)
        if cmsg:
            for lg in langs:
                r[f"constraint_message::{XLSFORM_LANGUAGES[lg]}"] = cmsg.get(lg)
        r.update(kw)
        survey.append(r)

    lists: dict = {}
    list_names: set = set()

    def list_for(scale: Scale, na: tuple = ()) -> str:
        sig = scale_key(scale) + (na,)
        if sig in lists:
            return lists[sig]
        base = re.sub(r"[^A-Za-z0-9_]", "_", scale.id) if scale.id else f"scale_{show_value(scale.min)}_{show_value(scale.max)}".replace("-", "m")
        if not re.match(r"^[A-Za-z_]", base):
            base = "s_" + base
        name, k = base, 2
        while name in list_names:
            name, k = f"{base}_{k}", k + 1
        list_names.add(name)
        lists[sig] = name
        for p in scale.points:
            lab = scale.label(p, "zh")
            t = Text(scale.label(p, "zh") or str(p), scale.label(p, "en") or str(p)) if lab or scale.label(p, "en") else Text(str(p), str(p))
            c = {"list_name": name, "name": str(p)}
            for lg in langs:
                c[f"label::{XLSFORM_LANGUAGES[lg]}"] = t.get(lg)
            choices.append(c)
        for code in na:  # "does not apply", after the scale's points
            c = {"list_name": name, "name": show_value(code)}
            for lg in langs:
                c[f"label::{XLSFORM_LANGUAGES[lg]}"] = WORDING["not_applicable"].get(lg)
            choices.append(c)
        return name

    def kano_list() -> str:
        if "kano" not in list_names:
            list_names.add("kano")
            for a, code in inst.kano_answers:
                if neutralise_cell(plain_number(str(code))) != plain_number(str(code)):
                    raise ValueError(
                        f"questionnaire {inst.id!r}: the Kano answer code {str(code)!r} starts like a spreadsheet formula "
                        "(=, +, -, @, tab, CR) or holds a control character, so it cannot be an XLSForm choice name "
                        "unchanged; rename it in the questionnaire (kano: answers:)")
                c = {"list_name": "kano", "name": str(code)}
                for lg in langs:
                    c[f"label::{XLSFORM_LANGUAGES[lg]}"] = KANO_LABELS[a].get(lg)
                choices.append(c)
        return "kano"

    req = "yes" if required else None

    def question(q: Question):
        if q.kind == "likert":
            kw = {"required": req, "appearance": "likert"}
            if q.role == "attention" and enforce_attention and q.obj.expected:
                kw["constraint"] = " or ".join(f". = '{show_value(x)}'" for x in q.obj.expected)
                kw["constraint_message"] = WORDING["check_msg"]
            row(f"select_one {list_for(q.scale, q.na)}", q.column, q.text if q.text else Text(q.column, q.column), **kw)
        elif q.kind == "number":
            kw = {}
            hint = None
            if q.scale is not None:
                kw["constraint"] = f". >= {show_value(q.scale.min)} and . <= {show_value(q.scale.max)}"
                msg = WORDING["range_msg"]
                kw["constraint_message"] = Text(msg.zh.format(show_value(q.scale.min), show_value(q.scale.max)), msg.en.format(show_value(q.scale.min), show_value(q.scale.max)))
                kw["required"] = req
            if q.role == "kpi":
                k = q.obj
                hint = _kpi_hint(k)
                unit = (k.unit or "").lower()
                if unit in ("ratio", "share", "proportion"):
                    kw["constraint"] = ". >= 0 and . <= 1"
                    kw["constraint_message"] = Text(WORDING["range_msg"].zh.format(0, 1), WORDING["range_msg"].en.format(0, 1))
                elif unit in ("%", "percent", "pct"):
                    kw["constraint"] = ". >= 0 and . <= 100"
                    kw["constraint_message"] = Text(WORDING["range_msg"].zh.format(0, 100), WORDING["range_msg"].en.format(0, 100))
                elif unit in ("h", "hour", "hours", "min", "minute", "minutes", "d", "day", "days", "s", "seconds", "count", "n"):
                    kw["constraint"] = ". >= 0"
                    kw["constraint_message"] = WORDING["nonneg_msg"]
            row("decimal", q.column, q.text if q.text else Text(q.column, q.column), hint, **kw)
        elif q.kind == "kano":
            row(f"select_one {kano_list()}", q.column, q.text, required=req)
        else:  # text: segment or pii
            kw = {}
            if q.role == "pii" and str(q.column).lower() in ("phone", "mobile", "tel", "telephone"):
                kw["appearance"] = "numbers"
            row("text", q.column, q.text, **kw)

    # metadata, id, duration
    if inst.duration_column:
        start, end = uniq("started_at"), uniq("ended_at")
        row("start", start)
        row("end", end)
        factor = 1440 if inst.duration_unit == "minutes" else 86400
        calc = f"(decimal-date-time(${{{end}}}) - decimal-date-time(${{{start}}})) * {factor}"
        if inst.duration_unit != "minutes":
            calc = f"round({calc}, 0)"
        row("calculate", inst.duration_column, calculation=calc)
    if inst.respondent_id:
        row("calculate", inst.respondent_id, calculation="once(uuid())")
    if inst.instructions:
        row("note", uniq("intro"), inst.instructions)

    for sec in layout(inst):
        row("begin_group", uniq(f"g_{sec.id}"), sec.title)
        if sec.note:
            row("note", uniq(f"n_{sec.id}"), sec.note)
        for g in sec.groups:
            nested = len(sec.groups) > 1 or bool(g.title)
            if nested:
                row("begin_group", uniq(f"g_{sec.id}_{g.id}"), g.title if g.title else None, appearance="field-list")
            for q in g.questions:
                question(q)
            if nested:
                row("end_group", None)
        row("end_group", None)

    settings = pd.DataFrame([{
        "form_title": inst.title.get(inst.languages[0] if inst.languages else "zh", inst.id),
        "form_id": inst.id,
        "version": str(inst.version) if inst.version else "1",
        "default_language": XLSFORM_LANGUAGES.get(inst.languages[0] if inst.languages else "zh", XLSFORM_LANGUAGES["zh"]),
    }])
    survey_df = pd.DataFrame(survey, columns=SURVEY_COLUMNS).astype(object)
    choices_df = pd.DataFrame(choices, columns=CHOICES_COLUMNS).astype(object)
    return {
        "survey": survey_df.where(survey_df.notna(), None),
        "choices": choices_df.where(choices_df.notna(), None),
        "settings": settings,
    }


def _kpi_hint(k) -> Text:
    parts_zh, parts_en = [], []
    if k.unit:
        parts_zh.append(WORDING["unit"].zh.format(k.unit))
        parts_en.append(WORDING["unit"].en.format(k.unit))
    if k.target_text:
        parts_zh.append(WORDING["target"].zh.format(k.target_text))
        parts_en.append(WORDING["target"].en.format(k.target_text))
    parts_zh.append(WORDING[k.direction].zh)
    parts_en.append(WORDING[k.direction].en)
    if k.description:
        parts_zh.insert(0, k.description.get("zh"))
        parts_en.insert(0, k.description.get("en"))
    return Text("；".join(parts_zh), "; ".join(parts_en))


def write_xlsform(instrument, path, *, required: bool = True, enforce_attention: bool = False, inputs=()) -> Path:
    """Write the XLSForm (see :func:`xlsform`) as ``.xlsx`` with sheets survey, choices and settings.

    Convert it with ``pyxform`` (``xls2xform FORM.xlsx FORM.xml``) or upload it to KoboToolbox /
    SurveyCTO / ODK Central.

    Parameters
    ----------
    instrument : Instrument or str or pathlib.Path
    path : str or pathlib.Path
        An ``.xlsx`` file; parent folders are created.
    required, enforce_attention : bool
        As in :func:`xlsform`.
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
        ``path`` is not ``.xlsx``, is a folder, a symbolic link or an input file, or its folder cannot
        take a file; nothing is written.

    Notes
    -----
    Every cell is stored as text or as a number, never as a formula. A label, hint or message that
    starts like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab, CR) is written with a leading
    ``'``, the mark a spreadsheet user types for text: the form stays valid (pyxform and ODK read the
    quote as part of the label) and the respondent sees it before such a text, which ordinary wording
    never starts with. A choice name or label that is a negative number (the points of a ``-3`` to ``3``
    scale) is stored as that number, which pyxform reads back as the same text, so no choice value
    changes. Characters that XML forbids are removed; the file is written to a temporary name and
    renamed when complete.

    Examples
    --------
    >>> import tempfile
    >>> write_xlsform("kiosk", Path(tempfile.mkdtemp()) / "kiosk_xlsform.xlsx").name
    'kiosk_xlsform.xlsx'
    """
    inst = as_instrument(instrument)
    inputs = form_inputs(inst, inputs)
    p = check_form_output(path, inputs, "XLSForm")
    if p.suffix.lower() != ".xlsx":
        raise OutputFileError(f"{p}: an XLSForm is written as .xlsx", path=p)
    sheets = xlsform(inst, required=required, enforce_attention=enforce_attention)
    return write_workbook(sheets, p, inputs=inputs)


def xlsform_export_names(instrument) -> dict:
    """Map the column headers that ODK Central / KoboToolbox exports of the XLSForm may carry to data columns.

    Exports name a question inside groups by its group path, e.g. ``g_items-g_items_efficiency-eff1``
    (ODK Central) or ``g_items/g_items_efficiency/eff1`` (KoboToolbox with group names in headers). The
    returned dict maps every such header (both separators, and the bare name) to the data column, so
    ``df.rename(columns=xlsform_export_names(inst))`` restores the questionnaire's column names.

    Examples
    --------
    >>> names = xlsform_export_names("kiosk")
    >>> names["g_exp-g_exp_usefulness-sq01_exp"], names["g_exp/g_exp_usefulness/sq01_exp"]
    ('sq01_exp', 'sq01_exp')
    """
    sheets = xlsform(instrument)
    out, stack = {}, []
    for r in sheets["survey"].itertuples(index=False):
        typ, name = r.type, r.name
        if typ == "begin_group":
            stack.append(name)
        elif typ == "end_group":
            stack.pop()
        elif typ not in ("note", "start", "end") and name:
            out[name] = name
            for sep in ("-", "/"):
                out[sep.join(stack + [name])] = name
    return out
