"""Quadrant charts: importance-performance analysis (IPA) and the Kano better-worse diagram.

Both draw one point per attribute coloured by its class (quadrant or Kano category), the crosshair that
splits the plane, the class names in the corners and labels placed clear of each other.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> from servqual.reporting.plots.quadrants import ipa_plot
>>> tab = pd.DataFrame({"item": ["a", "b", "c", "d"], "importance": [4.5, 4.4, 3.2, 3.0],
...                     "performance": [3.1, 4.2, 3.0, 4.4]})
>>> ax = ipa_plot(tab, lang="en")
>>> [len(c.get_offsets()) for c in ax.collections]  # points per quadrant, in the legend's order
[1, 1, 1, 1]
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from servqual._text import check_lang
from servqual.exceptions import AnalysisError
from servqual.labels import IPA_QUADRANTS, KANO_CATEGORIES
from servqual.reporting.plots.base import (
    Labels, finish, label_points, legend_below, need_columns, new_axes, plot_instrument, result_table, set_title,
    shorten, tidy,
)
from servqual.reporting.plots.style import IPA_COLORS, KANO_COLORS, PALETTE, apply_fonts, drawing, term
from servqual.survey.instrument import Instrument

__all__ = ["ipa_plot", "kano_plot"]


@dataclass(frozen=True)
class _Chart:
    """What tells one quadrant chart from the other."""

    names: dict  # class code -> Text
    colors: dict  # class code -> colour, in the legend's order
    corners: tuple  # the classes named at the top left, top right, bottom left and bottom right
    coded_legend: bool  # legend entries "A Attractive", for the classes present only
    size: float  # marker area
    figsize: tuple
    xlabel: str  # interface words (style.VOCAB keys)
    ylabel: str
    title: str
    ncol: int


_IPA = _Chart(IPA_QUADRANTS, IPA_COLORS, ("concentrate_here", "keep_up", "low_priority", "possible_overkill"),
              False, 48, (8.0, 6.5), "performance", "importance", "ipa", 4)
_KANO = _Chart(KANO_CATEGORIES, KANO_COLORS, ("A", "O", "I", "M"), True, 50, (7.5, 6.5), "worse", "better", "kano", 6)
_CORNERS = ((0.02, 0.98, "left", "top"), (0.98, 0.98, "right", "top"), (0.02, 0.02, "left", "bottom"),
            (0.98, 0.02, "right", "bottom"))


def _quadrant_chart(chart: _Chart, x, y, classes, centre, limits, texts, *, diagonal: bool = False, title, ax,
                    lang: str, kw: dict):
    """Draw a quadrant chart: points coloured by class, the crosshair at ``centre``, class names in the corners
    and, unless ``texts`` is None, a label per point."""
    x0, y0 = centre
    (xlo, xhi), (ylo, yhi) = limits
    with drawing(lang) as fam:
        created = ax is None
        ax = new_axes(ax, chart.figsize)
        sc_kw = {"s": chart.size, "edgecolor": "white", "linewidth": 0.7, "zorder": 3}
        sc_kw.update(kw)
        for code, color in chart.colors.items():
            m = classes == code
            if chart.coded_legend and not m.any():
                continue
            name = chart.names[code].get(lang)
            ax.scatter(x[m], y[m], color=color, label=f"{code} {name}" if chart.coded_legend else name, **sc_kw)
        other = ~np.isin(classes, list(chart.colors))
        if other.any():
            ax.scatter(x[other], y[other], color=PALETTE["dark"], **sc_kw)
        ax.axvline(x0, color=PALETTE["dark"], linewidth=1, linestyle="--", zorder=1)
        ax.axhline(y0, color=PALETTE["dark"], linewidth=1, linestyle="--", zorder=1)
        ax.set_xlim(xlo, xhi)
        ax.set_ylim(ylo, yhi)
        if diagonal:
            lo_, hi_ = max(xlo, ylo), min(xhi, yhi)
            ax.plot([lo_, hi_], [lo_, hi_], color=PALETTE["grey"], linewidth=1, linestyle=":", zorder=1)
        for code, (xa, ya, ha, va) in zip(chart.corners, _CORNERS):
            ax.text(xa, ya, chart.names[code].get(lang), transform=ax.transAxes, ha=ha, va=va, fontsize=10,
                    fontweight="bold", color=chart.colors[code], alpha=0.85)
        ax.set_xlabel(term(chart.xlabel, lang))
        ax.set_ylabel(term(chart.ylabel, lang))
        tidy(ax, None)
        legend_below(ax, created, chart.ncol)
        set_title(ax, title, term(chart.title, lang))
        finish(ax, fam)  # fonts first: the labels are placed on the final layout
        if texts is not None:
            apply_fonts(label_points(ax, x, y, texts, color=PALETTE["dark"]), fam)
    return ax


def ipa_plot(table, crosshair=None, *, instrument: Instrument | None = None, label: str = "id", label_width: int = 16,
             diagonal: bool = False, title=None, ax=None, lang: str = "zh", **kw):
    """Importance-performance quadrant scatter (Martilla & James 1977) with crosshairs and labelled attributes.

    Parameters
    ----------
    table : pandas.DataFrame or IPAResult
        One row per attribute with ``importance, performance`` and ``attribute`` or ``item``; optional
        ``quadrant`` (``concentrate_here, keep_up, low_priority, possible_overkill``). A result is read
        through ``.table`` and ``.crosshair``.
    crosshair : dict, tuple or None
        ``{"importance": y0, "performance": x0}`` or ``(importance, performance)``; default the result's
        crosshair, else the means of the plotted attributes.
    instrument : Instrument, optional
        Words the attributes (``label="wording"``).
    label : {"id", "wording", "none"}
    diagonal : bool
        Draw the iso-priority diagonal (importance = performance) instead of relying on quadrants alone.
    title, ax, lang
    **kw
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
        x = performance, y = importance; one point per attribute coloured by quadrant; the crosshair lines
        and the quadrant names (in ``lang``) in the corners. Labels are placed so that they overlap neither
        each other nor other points where there is room; a label set away from its point gets a leader line.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> ax = ipa_plot(sq.ipa(data.data, inst), instrument=inst, lang="en")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Performance', 'Importance')
    >>> sorted(t.get_text() for t in ax.texts[:4])  # the quadrant names in the corners
    ['Concentrate here', 'Keep up the good work', 'Low priority', 'Possible overkill']
    >>> matplotlib.pyplot.close("all")
    """
    lang = check_lang(lang)
    tab = result_table(table, "table")
    if crosshair is None:
        crosshair = getattr(table, "crosshair", None)
    name_col = "attribute" if "attribute" in tab.columns else "item"
    need_columns(tab, [name_col, "importance", "performance"], "ipa_plot")
    imp = tab["importance"].to_numpy(dtype=float)
    perf = tab["performance"].to_numpy(dtype=float)
    if isinstance(crosshair, Mapping):
        y0, x0 = float(crosshair["importance"]), float(crosshair["performance"])
    elif crosshair is not None:
        y0, x0 = map(float, crosshair)
    else:
        y0, x0 = float(np.nanmean(imp)), float(np.nanmean(perf))
    if "quadrant" in tab.columns:
        quad = tab["quadrant"].astype(str).to_numpy()
    else:
        quad = np.where(imp >= y0, np.where(perf >= x0, "keep_up", "concentrate_here"),
                        np.where(perf >= x0, "possible_overkill", "low_priority"))
    labels = Labels(plot_instrument(instrument), lang)
    xr = np.nanmax(perf) - np.nanmin(perf)
    yr = np.nanmax(imp) - np.nanmin(imp)
    limits = ((min(np.nanmin(perf), x0) - 0.12 * xr, max(np.nanmax(perf), x0) + 0.12 * xr),
              (min(np.nanmin(imp), y0) - 0.12 * yr, max(np.nanmax(imp), y0) + 0.12 * yr))
    texts = None if label == "none" else [labels.item(key, label == "wording", label_width) for key in tab[name_col]]
    return _quadrant_chart(_IPA, perf, imp, quad, (x0, y0), limits, texts, diagonal=diagonal, title=title, ax=ax,
                           lang=lang, kw=kw)


def kano_plot(table, *, crosshair=0.5, instrument: Instrument | None = None, label: str = "id",
              label_width: int = 16, title=None, ax=None, lang: str = "zh", **kw):
    """Kano better-worse diagram (Berger et al. 1993): |worse| on x, better on y, coloured by category.

    Parameters
    ----------
    table : pandas.DataFrame or KanoResult
        One row per feature with ``feature, better, worse, category`` (worse may be signed, as
        Berger's negative dissatisfaction coefficient, or absolute); optional ``text`` (wording).
    crosshair : float, "mean" or (x, y)
        Quadrant split: 0.5 on both axes (default), the means of the coefficients, or explicit values.
    instrument : Instrument, optional
        Words the features (``label="wording"``) when the table has no ``text``.
    label : {"id", "wording", "none"}
    title, ax, lang
    **kw
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
        One point per feature; quadrants named attractive (top left), one-dimensional (top right),
        must-be (bottom right) and indifferent (bottom left), in ``lang``. Labels are placed as in
        :func:`ipa_plot` (no overlaps where there is room, leader lines for labels set away).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> tab = pd.DataFrame({"feature": ["f1", "f2", "f3"], "better": [0.8, 0.3, 0.7],
    ...                     "worse": [-0.2, -0.7, -0.8], "category": ["A", "M", "O"]})
    >>> ax = kano_plot(tab, lang="en")
    >>> ax.get_title(loc="left"), [t.get_text() for t in ax.texts[4:]]  # the point labels after the corner names
    ('Kano better-worse diagram', ['f1', 'f2', 'f3'])
    >>> matplotlib.pyplot.close("all")
    """
    lang = check_lang(lang)
    tab = result_table(table, "table")
    need_columns(tab, ["feature", "better", "worse"], "kano_plot")
    better = tab["better"].to_numpy(dtype=float)
    worse = np.abs(tab["worse"].to_numpy(dtype=float))
    cat = tab["category"].astype(str).to_numpy() if "category" in tab.columns else np.full(len(tab), "?")
    if isinstance(crosshair, str):
        if crosshair != "mean":
            raise AnalysisError("crosshair must be a number, 'mean' or (x, y)")
        x0, y0 = float(np.nanmean(worse)), float(np.nanmean(better))
    elif np.ndim(crosshair) == 0:
        x0 = y0 = float(crosshair)
    else:
        x0, y0 = map(float, crosshair)
    labels = Labels(plot_instrument(instrument), lang)
    texts = None
    if label != "none":
        wording = tab["text"].astype(str).tolist() if "text" in tab.columns and lang == "zh" else None
        texts = []
        for i, key in enumerate(tab["feature"]):
            if label == "wording":
                texts.append(f"{key} {shorten(wording[i], label_width)}" if wording
                             else labels.item(key, True, label_width))
            else:
                texts.append(str(key))
    limits = ((0, max(1.0, float(np.nanmax(worse)) + 0.05)), (0, max(1.0, float(np.nanmax(better)) + 0.05)))
    return _quadrant_chart(_KANO, worse, better, cat, (x0, y0), limits, texts, title=title, ax=ax, lang=lang, kw=kw)
