"""Figures of SERVQUAL gaps: expectation against perception, and the gaps with their confidence intervals.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import servqual as sq
>>> from servqual.reporting.plots.gaps import gap_bars
>>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
>>> ax = gap_bars(sq.gap_analysis(data.data, inst), inst, lang="en")
>>> ax.get_title(loc="left"), len(ax.patches)  # one bar per dimension and the overall gap
('SERVQUAL gaps with 95% confidence intervals', 9)
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import transforms

from servqual._text import check_lang
from servqual.exceptions import AnalysisError
from servqual.reporting.plots.base import (
    Labels, finish, legend_below, need_columns, new_axes, plot_instrument, result_table, set_title, tidy,
)
from servqual.reporting.plots.style import PALETTE, drawing, term
from servqual.survey.instrument import Instrument

__all__ = ["gap_dumbbell", "gap_bars"]


def _gap_rows(gap, level: str, cols) -> tuple[pd.DataFrame, float]:
    tab = result_table(gap, "gap")
    ci = float(getattr(gap, "ci", 0.95) or 0.95)
    need_columns(tab, cols, "the gap table")
    if "level" in tab.columns:
        keep = [level] + (["overall", "total"] if level == "dimension" else [])
        tab = tab[tab["level"].astype(str).isin(keep)]
    if tab.empty:
        raise AnalysisError(f"the gap table has no rows at level {level!r}")
    return tab.reset_index(drop=True), ci


def gap_dumbbell(gap, instrument: Instrument | None = None, *, level: str = "item", wording: bool = True,
                 label_width: int = 36, title=None, ax=None, lang: str = "zh", **kw):
    """Dumbbell chart: mean expectation and perception of every item (or dimension), joined by a line.

    Parameters
    ----------
    gap : pandas.DataFrame or GapResult
        Tidy gap table with columns ``dimension, item, level, expectation, perception, gap`` (the table
        of :func:`servqual.gap.gap_analysis`; a result is read through ``.table``).
    instrument : Instrument, optional
        Names dimensions and words items in ``lang``.
    level : {"item", "dimension"}
    wording, label_width
        Label items with their (shortened) wording after the id.
    title, ax, lang
    **kw
        Passed to ``Axes.scatter`` for both markers.

    Returns
    -------
    matplotlib.axes.Axes
        Two marker sets (expectation, perception) with one point per row, one line per row, the gap
        written at the right; items grouped under their dimension names.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> ax = gap_dumbbell(sq.gap_analysis(data.data, inst), inst, level="dimension", lang="en")
    >>> [t.get_text() for t in ax.figure.legends[0].get_texts()], len(ax.get_yticklabels())
    (['Expectation (E)', 'Perception (P)'], 8)
    >>> matplotlib.pyplot.close("all")
    """
    lang = check_lang(lang)
    if level not in ("item", "dimension"):
        raise AnalysisError("level must be 'item' or 'dimension'")
    tab, _ = _gap_rows(gap, level, ["dimension", "item", "expectation", "perception", "gap"])
    if level == "dimension" and "level" in tab.columns:
        tab = tab[tab["level"] == "dimension"]
    labels = Labels(plot_instrument(instrument), lang)
    with drawing(lang) as fam:
        rows, ypos, headers = [], 0.0, []
        if level == "item":
            for dim, sub in tab.groupby("dimension", sort=False):
                headers.append((ypos, labels.dim(dim)))
                ypos += 1
                for _, r in sub.iterrows():
                    rows.append((ypos, labels.item(r["item"], wording, label_width), r))
                    ypos += 1
                ypos += 0.3
        else:
            for _, r in tab.iterrows():
                rows.append((ypos, labels.dim(r["dimension"]), r))
                ypos += 1
        created = ax is None
        ax = new_axes(ax, (10.0 if level == "item" else 7.5, 0.34 * (len(rows) + len(headers)) + 1.6))
        y = np.array([r[0] for r in rows])
        e = np.array([float(r[2]["expectation"]) for r in rows])
        p = np.array([float(r[2]["perception"]) for r in rows])
        ax.hlines(y, np.minimum(e, p), np.maximum(e, p), color=PALETTE["light"], linewidth=3.2, zorder=1)
        sc_kw = {"s": 46, "zorder": 3}
        sc_kw.update(kw)
        ax.scatter(e, y, color=PALETTE["blue"], label=term("expectation", lang), **sc_kw)
        ax.scatter(p, y, color=PALETTE["orange"], label=term("perception", lang), **sc_kw)
        xmax = float(np.nanmax(np.r_[e, p]))
        xmin = float(np.nanmin(np.r_[e, p]))
        span = max(xmax - xmin, 1e-9)
        trans = transforms.blended_transform_factory(ax.transAxes, ax.transData)
        for yy, _, r in rows:
            g = float(r["gap"])
            ax.text(1.01, yy, f"{g:+.2f}", transform=trans, ha="left", va="center", fontsize=8,
                    color=PALETTE["red"] if g < 0 else PALETTE["green"])
        for yy, name in headers:
            ax.text(0.0, yy, name, transform=trans, ha="right", va="center", fontsize=9.5, fontweight="bold",
                    color=PALETTE["dark"])
        ax.set_yticks(y, [r[1] for r in rows], fontsize=8.5)
        ax.set_ylim(ypos - 0.3 + (0.3 if level == "dimension" else 0), -0.7 if headers else -0.6)
        ax.set_xlim(xmin - 0.08 * span, xmax + 0.08 * span)
        ax.set_xlabel(term("mean_score", lang))
        ax.text(1.01, 1.0, "G", transform=ax.transAxes, ha="left", va="bottom", fontsize=8.5, fontweight="bold")
        tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        legend_below(ax, created, 2, fontsize=9)
        set_title(ax, title, term("dumbbell", lang))
    return finish(ax, fam)


def gap_bars(gap, instrument: Instrument | None = None, *, level: str = "dimension", sort: bool = False,
             overall: bool = True, wording: bool = False, label_width: int = 36, title=None, ax=None,
             lang: str = "zh", **kw):
    """Horizontal bars of the gaps (P - E) with their confidence intervals.

    Parameters
    ----------
    gap : pandas.DataFrame or GapResult
        Tidy gap table with ``dimension, item, level, gap, ci_low, ci_high`` (:func:`servqual.gap.gap_analysis`).
    instrument : Instrument, optional
    level : {"dimension", "item"}
    sort : bool
        Largest shortfall (most negative gap) first; default questionnaire order.
    overall : bool
        With ``level="dimension"``, add the overall gap as the last bar.
    wording, label_width, title, ax, lang
    **kw
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per row (red: perception below expectation, green: above; the overall gap dark) with CI
        error bars and the gap written beside it, starred when its CI excludes 0.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> ax = gap_bars(sq.gap_analysis(data.data, inst), inst, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()][:3]
    ['Usefulness', 'Fun', 'Control']
    >>> matplotlib.pyplot.close("all")
    """
    lang = check_lang(lang)
    if level not in ("item", "dimension"):
        raise AnalysisError("level must be 'item' or 'dimension'")
    tab, ci = _gap_rows(gap, level, ["dimension", "item", "gap", "ci_low", "ci_high"])
    if "level" in tab.columns:
        body = tab[tab["level"] == level]
        tot = tab[tab["level"].isin(["overall", "total"])] if (overall and level == "dimension") else tab.iloc[0:0]
    else:
        body, tot = tab, tab.iloc[0:0]
    if sort:
        body = body.sort_values("gap")
    tab = pd.concat([body, tot], ignore_index=True)
    labels = Labels(plot_instrument(instrument), lang)
    names = [labels.dim(r["dimension"]) if (level == "dimension" or r.get("level") in ("overall", "total"))
             else labels.item(r["item"], wording, label_width) for _, r in tab.iterrows()]
    g = tab["gap"].to_numpy(dtype=float)
    lo = tab["ci_low"].to_numpy(dtype=float)
    hi = tab["ci_high"].to_numpy(dtype=float)
    is_total = np.arange(len(tab)) >= len(body)
    with drawing(lang) as fam:
        ax = new_axes(ax, (8.0, 0.38 * len(tab) + 1.5))
        y = np.arange(len(tab)) + np.where(is_total, 0.4, 0.0)
        colors = [PALETTE["dark"] if t else (PALETTE["red"] if v < 0 else PALETTE["green"]) for v, t in zip(g, is_total)]
        sig = (lo > 0) | (hi < 0)
        bar_kw = {"height": 0.66, "alpha": 0.9}
        bar_kw.update(kw)
        ax.barh(y, g, color=colors, zorder=2, **bar_kw)
        err = np.vstack([g - lo, hi - g])
        ax.errorbar(g, y, xerr=np.where(np.isfinite(err), err, 0), fmt="none", ecolor=PALETTE["dark"], elinewidth=1,
                    capsize=3, zorder=3)
        ax.axvline(0, color=PALETTE["dark"], linewidth=0.9)
        span = float(np.nanmax(np.abs(np.r_[lo, hi, g])))
        for yy, v, l0, h0, s0 in zip(y, g, lo, hi, sig):
            xpos = (np.nanmin([l0, v]) - 0.03 * span) if v < 0 else (np.nanmax([h0, v]) + 0.03 * span)
            ax.text(xpos, yy, f"{v:+.2f}" + ("*" if s0 else ""), ha="right" if v < 0 else "left", va="center",
                    fontsize=8)
        lim_lo = min(0.0, float(np.nanmin(np.r_[lo, g]))) - 0.2 * span
        lim_hi = max(0.0, float(np.nanmax(np.r_[hi, g]))) + 0.2 * span
        ax.set_xlim(lim_lo, lim_hi)
        ax.set_yticks(y, names, fontsize=9)
        ax.set_ylim(y.max() + 0.7, -0.7)
        ax.set_xlabel(term("gap", lang))
        tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        set_title(ax, title, term("gap_title", lang, ci=ci))
    return finish(ax, fam)


