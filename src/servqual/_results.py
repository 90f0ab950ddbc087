"""The result contract every servqual analysis keeps, and the one conversion of results to JSON.

Every analysis returns a frozen dataclass that mixes in :class:`ResultMixin`. A subclass implements
:meth:`ResultMixin.tables` (ordered ``{title: DataFrame}``, the first being the main table) and may
implement :meth:`ResultMixin.notes` (interpretation lines in ``"zh"`` or ``"en"``). From those the mixin
derives:

``.table``
    the main tidy DataFrame;
``summary(decimals=3, lang="en")``
    a :class:`Summary`: ``str()`` is the text, ``_repr_html_()`` the notebook view;
``repr(result)``
    one line naming the result and its tables;
``to_frame()`` / ``to_dict()``
    a copy of the main table / every table as JSON-ready records.

Analysis functions take no ``lang``: languages are a matter of presentation, chosen in ``summary``.
:func:`jsonable` is the one conversion of numbers, frames, texts and paths to JSON values that
``results.json`` and ``to_dict`` share: NaN and infinities become ``null``.
"""

from __future__ import annotations

import html
import inspect
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from servqual._text import check_lang

__all__ = ["ResultMixin", "Summary", "frame_to_html", "records", "jsonable", "dumps"]


def frame_to_html(df: pd.DataFrame, decimals: int = 3, caption: str | None = None) -> str:
    """Render a DataFrame as a compact HTML table, numbers rounded for display only."""
    shown = df.copy()
    num = shown.select_dtypes(include=[np.number]).columns
    shown[num] = shown[num].round(decimals)
    out = shown.to_html(na_rep="", border=0, classes="servqual-table", float_format=lambda v: f"{v:.{decimals}f}")
    if caption:
        out = f"<p><b>{html.escape(caption)}</b></p>" + out
    return out


class Summary(str):
    """The summary of a result: the text itself (a ``str``) that also renders as HTML in a notebook.

    ``print(result.summary())`` prints the text; a notebook cell ending in ``result.summary()`` shows the
    tables as HTML.
    """

    def __new__(cls, text: str, html_view: str = ""):
        obj = super().__new__(cls, text)
        obj._html = html_view or f"<pre>{html.escape(text)}</pre>"
        return obj

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return self._html


class ResultMixin:
    """Mixin for frozen result dataclasses (see the module docstring for the contract)."""

    title: str = "servqual result"

    def tables(self) -> dict[str, pd.DataFrame]:  # pragma: no cover - abstract
        raise NotImplementedError

    def notes(self, lang: str = "en") -> list[str]:
        return []

    def _notes(self, lang: str) -> list[str]:
        """``notes`` in ``lang`` (results whose notes are written in English only take no ``lang``)."""
        if "lang" in inspect.signature(self.notes).parameters:
            return list(self.notes(lang=lang))
        return list(self.notes())

    def __getattr__(self, name):
        # ``.table``: the main table, for results whose dataclass has no field of that name (a property
        # here would become the default value of such a field)
        if name == "table":
            return next(iter(self.tables().values()))
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def to_frame(self) -> pd.DataFrame:
        """A copy of the main table."""
        return next(iter(self.tables().values())).copy()

    def summary(self, decimals: int = 3, lang: str = "en") -> Summary:
        """Every table rounded to ``decimals`` and the interpretation lines in ``lang``."""
        check_lang(lang)
        tables = self.tables()
        notes = self._notes(lang)
        parts = [self.title, "=" * len(self.title)]
        for name, df in tables.items():
            parts.append("")
            parts.append(name)
            with pd.option_context("display.width", 160, "display.max_columns", 50, "display.max_rows", 500):
                parts.append(df.round(decimals).to_string() if len(df) else "(empty)")
        if notes:
            parts.append("")
            parts.extend(f"- {n}" for n in notes)
        return Summary("\n".join(parts), self._html(tables, notes, decimals))

    def _html(self, tables, notes, decimals: int = 3) -> str:
        out = [f"<h4>{html.escape(self.title)}</h4>"]
        for name, df in tables.items():
            out.append(frame_to_html(df, decimals=decimals, caption=name))
        if notes:
            out.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
        return "\n".join(out)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{name} ({df.shape[0]}×{df.shape[1]})" for name, df in self.tables().items())
        return f"<{type(self).__name__}: {self.title}; {shapes}>"

    def _repr_html_(self) -> str:
        return self._html(self.tables(), self._notes("en"))

    def to_dict(self) -> dict[str, Any]:
        """Tables as lists of records (JSON-ready)."""
        return {name: records(df) for name, df in self.tables().items()}


def records(df: pd.DataFrame) -> list[dict]:
    """A DataFrame as JSON-ready records; a non-default index becomes columns."""
    df = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
    recs = df.to_dict(orient="records")
    return [{k: _scalar(v) for k, v in r.items()} for r in recs]


def _scalar(v):
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if v is pd.NA or v is None:
        return None
    return v


def jsonable(o):
    """``o`` as plain JSON values: mappings, sequences, frames (records), Series (dicts), texts, numbers, paths.

    >>> jsonable({"alpha": np.float64(0.71), "n": np.int64(211), "bad": float("nan")})
    {'alpha': 0.71, 'n': 211, 'bad': None}
    """
    if isinstance(o, Mapping):
        return {str(k): jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    if isinstance(o, np.ndarray):
        return [jsonable(v) for v in o.tolist()]
    if isinstance(o, pd.DataFrame):
        return jsonable(records(o.reset_index(drop=isinstance(o.index, pd.RangeIndex))))
    if isinstance(o, pd.Series):
        return {str(k): jsonable(v) for k, v in o.items()}
    if hasattr(o, "to_dict") and hasattr(o, "zh") and hasattr(o, "en"):  # servqual._text.Text
        return o.to_dict()
    if isinstance(o, (bool, np.bool_)):
        return bool(o)
    if isinstance(o, (int, np.integer)):
        return int(o)
    if isinstance(o, (float, np.floating)):
        return float(o) if math.isfinite(o) else None
    if o is None or isinstance(o, str):
        return o
    if o is pd.NA:
        return None
    return str(o)


def dumps(obj) -> str:
    """The JSON text servqual writes: UTF-8 characters as they are, two-space indent, no NaN."""
    return json.dumps(jsonable(obj), ensure_ascii=False, indent=2, allow_nan=False)

