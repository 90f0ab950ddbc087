"""The cells of a report table, as all three writers see them.

:func:`prepare_table` turns a :class:`~servqual.reporting.report.Table` into header texts and rows of
plain Python values, one kind per column (``int``, ``float``, ``p``, ``bool``, ``text``), with the
respondent PII columns removed; :func:`display_value` is the rounded text shown in HTML and Word;
:func:`neutralise_cell` is the guard that keeps spreadsheet text cells from becoming formulas.

Examples
--------
>>> import pandas as pd
>>> from servqual.reporting.report import Table
>>> t = Table("t", "T", pd.DataFrame({"item": ["q1"], "mean": [4.25], "phone": ["138"]}))
>>> prep = prepare_table(t, pii=["phone"], lang="en")
>>> prep.headers, prep.kinds, prep.rows
(['item', 'mean'], ['text', 'float'], [['q1', 4.25]])
>>> display_value(4.25, "float", 1, "en"), display_value(0.0004, "p", 3, "en"), display_value(True, "bool", 3, "zh")
('4.2', '< .001', '是')
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from servqual._safeio import neutralise_cell
from servqual._text import Text, format_p
from servqual.exceptions import ReportError
from servqual.reporting.report.texts import WORDS

__all__ = ["PreparedTable", "prepare_table", "display_value", "neutralise_cell", "NUMERIC_KINDS", "ILLEGAL_XML"]

#: Column kinds written as numbers (right-aligned, with a number format).
NUMERIC_KINDS = ("int", "float", "p")
#: Characters XML 1.0 forbids (control characters other than tab, LF and CR).
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_P_COLUMNS = {"p", "pval", "p_value", "pvalue", "p_adj", "pval_adj", "p_adjusted"}


@dataclass
class PreparedTable:
    """A table ready to write: header texts, column names, rows of Python scalars, kinds and decimals."""

    headers: list
    columns: list  # original column names (flattened str)
    rows: list  # list of lists of python scalars
    kinds: list  # per column: "int", "float", "p", "bool", "text"
    decimals: list


def _is_pii(name, pii: set) -> bool:
    if isinstance(name, tuple):
        return any(str(x) in pii for x in name)
    return str(name) in pii


def prepare_table(table, pii: Iterable[str], lang: str) -> PreparedTable:
    """The cells of ``table`` without the PII columns, the index written as leading column(s).

    Parameters
    ----------
    table : Table
    pii : iterable of str
        Respondent PII column names; such columns are dropped (also inside MultiIndex columns).
    lang : {"zh", "en"}
        Language of the header labels.

    Returns
    -------
    PreparedTable

    Raises
    ------
    ReportError
        When the table is indexed by a PII column, or an index level has the name of a column.
    """
    pii = set(pii)
    df = table.frame
    idx = df.index
    names = [n for n in idx.names]
    bad_index = [str(n) for n in names if n is not None and _is_pii(n, pii)]
    if bad_index:
        raise ReportError(
            f"Table {table.key!r} is indexed by the respondent PII column(s) {bad_index}; PII never goes into "
            "a report. Aggregate the data or use an anonymous id as index."
        )
    keep_index = any(n is not None for n in names) or not (
        isinstance(idx, pd.RangeIndex) or pd.api.types.is_integer_dtype(idx.dtype)
    )
    cols = [c for c in df.columns if not _is_pii(c, pii)]
    df = df.loc[:, cols] if len(cols) != df.shape[1] else df
    placeholders = set()
    if keep_index:
        level_names = []
        for i, n in enumerate(names):
            if n is None:
                n = f"__servqual_index_{i}__"
                placeholders.add(n)
            level_names.append(n)
        df = df.copy()
        df.index = df.index.set_names(level_names)
        if isinstance(df.columns, pd.MultiIndex):
            df.columns = [" / ".join(str(x) for x in c) for c in df.columns]
        clash = sorted(set(map(str, level_names)) & set(map(str, df.columns)))
        if clash:
            raise ReportError(
                f"Table {table.key!r}: the index level(s) {clash} have the name of a column; rename one of them."
            )
        df = df.reset_index()
    flat = [" / ".join(str(x) for x in c) if isinstance(c, tuple) else str(c) for c in df.columns]
    flat = ["" if c in placeholders else c for c in flat]
    labels = table.column_labels or {}
    headers = [labels[c].get(lang, c) if c in labels else c for c in flat]
    kinds, decs, columns_vals = [], [], []
    for j, c in enumerate(flat):
        s = df.iloc[:, j]
        vals = [_py(v) for v in s.tolist()]
        kinds.append(_kind(s, vals, c))
        decs.append(table.decimals_of(c))
        columns_vals.append(vals)
    rows = [list(r) for r in zip(*columns_vals)] if columns_vals else [[] for _ in range(len(df))]
    return PreparedTable(headers, flat, rows, kinds, decs)


def _py(v):
    """A cell as a plain Python scalar; missing values -> None."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (numbers.Integral, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, Text):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _kind(s: pd.Series, vals: list, name: str) -> str:
    present = [v for v in vals if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        lname = name.lower()
        if lname in _P_COLUMNS or lname.startswith(("pval", "p_")) or "_pval" in lname or lname.endswith("pvalue"):
            return "p"
        if all(isinstance(v, int) for v in present):
            return "int"
        if all(math.isfinite(v) and float(v).is_integer() and abs(v) < 1e15 for v in present):
            return "int"
        return "float"
    if not present and pd.api.types.is_numeric_dtype(s.dtype):
        return "float"
    return "text"


def display_value(v, kind: str, decimals: int, lang: str) -> str:
    """Text shown in HTML and Word for one cell (rounded for display only).

    Parameters
    ----------
    v : scalar
        A value of :attr:`PreparedTable.rows`.
    kind : {"int", "float", "p", "bool", "text"}
    decimals : int
    lang : {"zh", "en"}

    Returns
    -------
    str
        Empty for a missing value; ``int`` columns without decimals; a ``p`` column below
        ``10**-decimals`` as ``< .001`` (zh ``<0.001``), others without the leading zero in English (:func:`servqual._text.format_p`); ``-0.000`` shown as ``0.000``; infinities as ``∞`` / ``−∞``.

    Examples
    --------
    >>> display_value(-0.00001, "float", 2, "en"), display_value(float("inf"), "float", 3, "en")
    ('0.00', '∞')
    """
    if v is None:
        return ""
    if isinstance(v, Text):
        return v.get(lang)
    if isinstance(v, bool):
        return (WORDS["yes"] if v else WORDS["no"]).get(lang)
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            return "∞" if v > 0 else "−∞"
        if kind == "int":
            return f"{int(round(v))}"
        if kind == "p":
            return format_p(v, lang, decimals)
        out = f"{v:.{decimals}f}"
        if out.startswith("-") and float(out) == 0:
            out = out[1:]
        return out
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v.isoformat()
    return str(v)


