"""The expert questionnaire of the AHP: one row per pairwise comparison, written to and read from Excel.

:func:`ahp_form` lays out the comparisons of a hierarchy (or a flat list of criteria),
:func:`write_ahp_form` writes them with instructions in Chinese or English, and :func:`read_ahp_form`
reads the filled-in form back into one pairwise matrix per section, ready for :func:`~servqual.decision.weights.ahp`.
"""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Mapping

import pandas as pd

from servqual._safeio import atomic_write, excel_value
from servqual.exceptions import AnalysisError, DataReadError, ServqualWarning
from servqual.decision.weights.ahp import SAATY_SCALE, pairwise_matrix, parse_judgement

__all__ = ["ahp_form", "write_ahp_form", "read_ahp_form"]

_FORM_COLUMNS = ["section", "item_a", "item_b", "question", "value"]
_FORM_SHEET = "AHP"
_INSTR_SHEET = "Instructions"


def _form_instructions(lang: str) -> list[str]:
    zh = lang == "zh"
    head = ("请比较每一行中 A 与 B 对上一层目标的相对重要性，在 value 列填写 1-9 标度值："
            "A 比 B 重要填 1-9 的整数，B 比 A 重要填其倒数（如 1/3）。" if zh else
            "For each row, judge how much more important A is than B with respect to the section's goal and enter "
            "a value on Saaty's 1-9 scale in the value column: an integer 1-9 if A is more important, its reciprocal "
            "(e.g. 1/3) if B is more important.")
    lines = [head]
    for k in sorted(SAATY_SCALE):
        z, e = SAATY_SCALE[k]
        lines.append(f"{k}: {z if zh else e}")
    lines.append("1/2 ... 1/9: 上述判断的倒数（B 比 A 重要）" if zh else "1/2 ... 1/9: reciprocals (B more important than A)")
    return lines


def _hierarchy_criteria(criteria, lang: str, goal: str):
    """Accept an Instrument or its Hierarchy: ``({criterion: [indicators]}, bilingual labels, goal name)``."""
    hier = getattr(criteria, "hierarchy", None) if not isinstance(criteria, (Mapping, list, tuple)) else None
    if hier is None and hasattr(criteria, "criteria") and hasattr(criteria, "as_dict"):
        hier = criteria
    if hier is None:
        if not isinstance(criteria, (Mapping, list, tuple)) and hasattr(criteria, "dimensions"):
            raise AnalysisError("the questionnaire has no 'hierarchy' section; declare goal -> criteria -> indicators "
                                "in its YAML, or pass {criterion: [indicators]}")
        return criteria, {}, goal
    labels = {}
    inst = criteria if hasattr(criteria, "dimensions") else None
    for c in hier.criteria:
        labels[c.id] = c.name.get(lang, c.id)
        for ind in c.indicators:
            name = ind.name.get(lang, "")
            if not name and inst is not None:
                if ind.kind == "dimension":
                    name = inst.dimension(ind.ref).name.get(lang, ind.ref)
                elif ind.kind == "kpi":
                    name = next((k.name.get(lang, k.id) for k in inst.kpis if k.id == ind.ref), ind.ref)
                else:
                    name = inst.item(ind.ref).text.get(lang, ind.ref)
            labels[ind.ref] = name or ind.ref
    goal_name = hier.goal.get(lang, goal) if goal == "goal" else goal
    labels[goal_name] = goal_name
    return hier.as_dict(), labels, goal_name


def ahp_form(criteria, lang: str = "zh", *, labels: Mapping | None = None, goal: str = "goal") -> pd.DataFrame:
    """The expert questionnaire: one row per pairwise comparison to fill in.

    Parameters
    ----------
    criteria : dict, list, Instrument or Hierarchy
        ``{criterion: [indicators]}`` (a section comparing the criteria with respect to the goal, then
        one section per criterion with two or more indicators) or a list of criteria (one section).
        A questionnaire (or its ``hierarchy``) gives its goal -> criteria -> indicators with the
        criterion, dimension, item and KPI names in ``lang``.
        ``Instrument.hierarchy.as_dict()`` gives the questionnaire's hierarchy in this form.
    lang : {"zh", "en"}
        Language of the question text and of the Saaty-scale instructions.
    labels : dict, optional
        Display names ``{id: name}`` used in the question text (default: the ids).
    goal : str
        Name of the top section (default ``"goal"``).

    Returns
    -------
    pandas.DataFrame
        ``section, item_a, item_b, question, value`` (``value`` empty, to be filled with 1/9..9);
        ``df.attrs["instructions"]`` holds the scale text.

    Examples
    --------
    >>> import os, tempfile
    >>> from servqual.decision.weights import ahp_form, write_ahp_form
    >>> criteria = {"tangibles": ["q1", "q2"], "reliability": ["q3", "q4", "q5"]}
    >>> ahp_form(criteria, lang="en")[["section", "item_a", "item_b"]]
           section     item_a       item_b
    0         goal  tangibles  reliability
    1    tangibles         q1           q2
    2  reliability         q3           q4
    3  reliability         q3           q5
    4  reliability         q4           q5
    >>> os.path.basename(write_ahp_form(criteria, os.path.join(tempfile.mkdtemp(), "form.xlsx"), lang="en"))
    'form.xlsx'
    """
    if lang not in ("zh", "en"):
        raise AnalysisError(f"lang must be 'zh' or 'en', got {lang!r}")
    criteria, hier_labels, goal = _hierarchy_criteria(criteria, lang, goal)
    lab = {**hier_labels, **dict(labels or {})}
    if isinstance(criteria, Mapping):
        sections = [(goal, [str(c) for c in criteria])] + [(str(c), [str(i) for i in v]) for c, v in criteria.items()]
    else:
        sections = [(goal, [str(c) for c in criteria])]
    rows = []
    for sec, items in sections:
        if len(set(items)) != len(items):
            raise AnalysisError(f"section {sec!r} lists an item twice: {', '.join(items)}")
        if len(items) < 2:
            continue
        target = lab.get(sec, "总目标" if (sec == goal and lang == "zh") else sec)
        for a, b in itertools.combinations(items, 2):
            na, nb = lab.get(a, a), lab.get(b, b)
            q = (f"就“{target}”而言，“{na}”相对于“{nb}”的重要程度" if lang == "zh"
                 else f"With respect to '{target}', how much more important is '{na}' than '{nb}'?")
            rows.append({"section": sec, "item_a": a, "item_b": b, "question": q, "value": None})
    if not rows:
        raise AnalysisError("nothing to compare: every section has fewer than 2 items")
    df = pd.DataFrame(rows, columns=_FORM_COLUMNS).astype({"value": object})
    df.attrs["instructions"] = _form_instructions(lang)
    df.attrs["lang"] = lang
    return df


def write_ahp_form(criteria, path, lang: str = "zh", *, labels: Mapping | None = None, goal: str = "goal",
                   form: pd.DataFrame | None = None, inputs=()) -> str:
    """Write the pairwise-comparison questionnaire (:func:`ahp_form`) to an .xlsx workbook.

    Sheet ``AHP`` holds the comparisons (header row ``section, item_a, item_b, question, value``; the
    expert fills ``value``), sheet ``Instructions`` the bilingual Saaty scale. ``form`` writes a given
    (possibly filled) form instead of a new one. Every cell goes through the neutralising writer (no text
    reaches the sheet as a formula) and the file is written atomically, never through a link or onto one
    of ``inputs``. Returns the path written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    df = form if form is not None else ahp_form(criteria, lang, labels=labels, goal=goal)
    wb = Workbook()
    ws = wb.active
    ws.title = _FORM_SHEET
    ws.append(_FORM_COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for rec in df[_FORM_COLUMNS].itertuples(index=False):
        v = rec.value
        ws.append([excel_value(c) for c in (rec.section, rec.item_a, rec.item_b, rec.question, v)])
        ws.cell(row=ws.max_row, column=5).fill = fill
    ws.column_dimensions["D"].width = 60
    ws.freeze_panes = "A2"
    wi = wb.create_sheet(_INSTR_SHEET)
    for line in df.attrs.get("instructions") or _form_instructions(lang):
        wi.append([excel_value(line)])
    wi.column_dimensions["A"].width = 100
    p = os.fspath(path)
    with atomic_write(p, "wb", inputs=inputs, create_parents=True) as fh:
        wb.save(fh)
    return p


def read_ahp_form(path_or_frame, *, sheet: str = _FORM_SHEET) -> dict[str, pd.DataFrame]:
    """Read a filled pairwise-comparison form back into matrices.

    Parameters
    ----------
    path_or_frame : str, path-like or pandas.DataFrame
        An .xlsx written by :func:`write_ahp_form` (or CSV with the same columns), or the DataFrame of
        :func:`ahp_form` with ``value`` filled.
    sheet : str
        Sheet name in a workbook (default ``AHP``).

    Returns
    -------
    dict
        ``{section: pairwise matrix DataFrame}`` in the form's order, ready for :func:`ahp` /
        :func:`ahp_hierarchy` (``{"goal": out["goal"], "criteria": {c: out[c] ...}}``).

    Notes
    -----
    Values are numbers or fractions (``1/3``). Errors (DataReadError) name the file, sheet, row (as
    numbered in the spreadsheet, header = row 1) and value: blanks, text, zero or negative values,
    a pair compared twice. Values beyond 1/9..9 raise a ServqualWarning.
    """
    if isinstance(path_or_frame, pd.DataFrame):
        df, where = path_or_frame.copy(), "form"
    else:
        p = os.fspath(path_or_frame)
        if not os.path.exists(p):
            raise DataReadError(f"AHP form {p!r} does not exist")
        ext = os.path.splitext(p)[1].lower()
        if ext in (".xlsx", ".xlsm"):
            try:
                book = pd.read_excel(p, sheet_name=None, dtype=object)
            except Exception as e:  # pragma: no cover - depends on the file
                raise DataReadError(f"cannot read AHP form {p!r}: {e}") from None
            if sheet not in book:
                raise DataReadError(f"{p}: no sheet {sheet!r} (sheets: {', '.join(book)})")
            df = book[sheet]
            where = f"{p}, sheet {sheet!r}"
        elif ext == ".csv":
            df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            where = p
        else:
            raise DataReadError(f"AHP form {p!r}: unknown file type {ext!r}; use .xlsx or .csv")
    missing = [c for c in ("section", "item_a", "item_b", "value") if c not in df.columns]
    if missing:
        raise DataReadError(f"{where}: missing column(s) {', '.join(missing)}; expected {', '.join(_FORM_COLUMNS)}")
    order: dict = {}
    judg: dict = {}
    for k, rec in enumerate(df.itertuples(index=False)):
        rown = k + 2
        sec, a, b, raw = str(rec.section).strip(), str(rec.item_a).strip(), str(rec.item_b).strip(), rec.value
        try:
            v = parse_judgement(raw)
        except (TypeError, ValueError):
            raise DataReadError(f"{where}, row {rown} ({sec}: {a} vs {b}): value {raw!r} is not a number; "
                                "enter 1-9 or a reciprocal such as 1/3") from None
        if v is None:
            raise DataReadError(f"{where}, row {rown} ({sec}: {a} vs {b}): no judgement entered")
        if not v > 0:
            raise DataReadError(f"{where}, row {rown} ({sec}: {a} vs {b}): value {raw!r} must be positive (1/9 .. 9)")
        if v > 9 * (1 + 1e-6) or v < (1 / 9) * (1 - 1e-6):
            warnings.warn(f"{where}, row {rown} ({sec}: {a} vs {b}): value {raw!r} is off Saaty's 1/9..9 scale",
                          ServqualWarning, stacklevel=2)
        names = order.setdefault(sec, [])
        for x in (a, b):
            if x not in names:
                names.append(x)
        key = (a, b) if (a, b) not in judg.get(sec, {}) and (b, a) not in judg.get(sec, {}) else None
        if key is None:
            raise DataReadError(f"{where}, row {rown}: the pair {a} / {b} of section {sec!r} is compared twice")
        judg.setdefault(sec, {})[(a, b)] = v
    out = {}
    for sec, names in order.items():
        try:
            out[sec] = pairwise_matrix(judg[sec], names)
        except AnalysisError as e:
            raise DataReadError(f"{where}, section {sec!r}: {e}") from None
    return out


