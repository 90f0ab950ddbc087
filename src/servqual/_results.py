"""Shared behaviour of servqual's result objects (summary, text repr, notebook HTML)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ResultMixin", "frame_to_html"]


def frame_to_html(df: pd.DataFrame, decimals: int = 3, caption: str | None = None) -> str:
    """Render a DataFrame as a compact HTML table, numbers rounded for display only."""
    shown = df.copy()
    num = shown.select_dtypes(include=[np.number]).columns
    shown[num] = shown[num].round(decimals)
    out = shown.to_html(na_rep="", border=0, classes="servqual-table", float_format=lambda v: f"{v:.{decimals}f}")
    if caption:
        out = f"<p><b>{html.escape(caption)}</b></p>" + out
    return out


class ResultMixin:
    """Mixin for frozen result dataclasses.

    A subclass implements :meth:`tables` (ordered ``{title: DataFrame}``) and may override
    :meth:`notes` (interpretation lines). ``summary()``, ``to_frame()``, ``__repr__`` and
    ``_repr_html_`` are derived from them.
    """

    title: str = "servqual result"

    def tables(self) -> dict[str, pd.DataFrame]:  # pragma: no cover - abstract
        raise NotImplementedError

    def notes(self) -> list[str]:
        return []

    def to_frame(self) -> pd.DataFrame:
        """The main table (the first of :meth:`tables`)."""
        return next(iter(self.tables().values())).copy()

    def summary(self, decimals: int = 3) -> str:
        """Text summary: every table rounded to ``decimals`` and the interpretation lines."""
        parts = [self.title, "=" * len(self.title)]
        for name, df in self.tables().items():
            parts.append("")
            parts.append(name)
            with pd.option_context("display.width", 160, "display.max_columns", 50, "display.max_rows", 500):
                parts.append(df.round(decimals).to_string() if len(df) else "(empty)")
        notes = self.notes()
        if notes:
            parts.append("")
            parts.extend(f"- {n}" for n in notes)
        return "\n".join(parts)

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        out = [f"<h4>{html.escape(self.title)}</h4>"]
        for name, df in self.tables().items():
            out.append(frame_to_html(df, caption=name))
        notes = self.notes()
        if notes:
            out.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Tables as lists of records (JSON-ready)."""
        return {name: _records(df) for name, df in self.tables().items()}


def _records(df: pd.DataFrame) -> list[dict]:
    df = df.reset_index() if not isinstance(df.index, pd.RangeIndex) else df
    recs = df.to_dict(orient="records")
    return [{k: _jsonable(v) for k, v in r.items()} for r in recs]


def _jsonable(v):
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if v is pd.NA or v is None:
        return None
    return v
