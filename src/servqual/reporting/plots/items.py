"""Figures of the answers themselves: answer distributions per item and item correlations.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import servqual as sq
>>> from servqual.reporting.plots.items import likert_bars
>>> ax = likert_bars(sq.read_dataset("kiosk"), sq.load_instrument("kiosk"), "expectation", lang="en")
>>> len(ax.get_yticklabels())  # one bar per item of the expectation block
24
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import transforms

from servqual._text import check_lang
from servqual._validation import as_frame
from servqual.exceptions import AnalysisError
from servqual.reporting.plots.base import (
    Labels, finish, legend_below, legend_ncol, new_axes, plot_instrument, quiet_seaborn, set_title, tidy, wrap,
)
from servqual.reporting.plots.style import PALETTE, drawing, term
from servqual.survey.instrument import Instrument

__all__ = ["likert_bars", "item_heatmap", "correlation_heatmap"]


def _item_groups(instrument: Instrument, block, items, data: pd.DataFrame) -> list:
    """[(dimension id, [columns])] in questionnaire order, restricted to ``items`` (ids or columns)."""
    try:
        model = instrument.model(block)
    except KeyError as e:
        raise AnalysisError(str(e.args[0]) if e.args else str(e)) from None
    cols_to_id = {c: iid for iid, c in instrument.columns(block).items()}
    if items is not None:
        wanted = set(items)
        model = {d: [c for c in cs if c in wanted or cols_to_id.get(c) in wanted] for d, cs in model.items()}
        model = {d: cs for d, cs in model.items() if cs}
        if not model:
            raise AnalysisError(f"none of the items {', '.join(map(str, items))} belongs to block {block!r} of "
                                f"questionnaire {instrument.id!r}")
    absent = [c for cs in model.values() for c in cs if c not in data.columns]
    if absent:
        raise AnalysisError(f"item columns not in the data: {', '.join(absent[:10])}"
                            + (" ..." if len(absent) > 10 else "") + "; pass block= to choose another block")
    return list(model.items())


def _common_scale(instrument: Instrument, block, columns: list):
    cols_to_id = {c: iid for iid, c in instrument.columns(block).items()}
    scales = {c: instrument.scale_of(instrument.item(cols_to_id[c]), block) for c in columns}
    first = next(iter(scales.values()))
    if not first.integer:
        raise AnalysisError("answer-distribution plots need an integer (Likert) scale; the items are continuous")
    odd = [c for c, s in scales.items() if (s.min, s.max) != (first.min, first.max)]
    if odd:
        raise AnalysisError(f"items {', '.join(odd)} use a different scale from {columns[0]}; plot them separately "
                            "(items=...)")
    return first


def _distribution(df: pd.DataFrame, columns: list, points: list, missing_codes=()) -> pd.DataFrame:
    """Share of answers on each scale point (rows = columns, columns = points), over valid answers."""
    out = {}
    for c in columns:
        x = pd.to_numeric(df[c], errors="coerce")
        if missing_codes:
            x = x.mask(x.isin(list(missing_codes)))
        x = x[x.isin(points)]
        counts = x.value_counts().reindex(points, fill_value=0).astype(float)
        n = counts.sum()
        if n == 0:
            raise AnalysisError(f"item {c} has no valid answer on the scale {points[0]}-{points[-1]}")
        out[c] = counts / n
    return pd.DataFrame(out).T


def _answer_distribution(data, instrument, block, items, what: str):
    """(instrument, dimension groups, columns, common scale, share of answers per scale point) of a block."""
    df = as_frame(data)
    inst = plot_instrument(instrument, data)
    if inst is None:
        raise AnalysisError(f"{what} needs the instrument (dimensions, items and scale)")
    groups = _item_groups(inst, block, items, df)
    columns = [c for _, cs in groups for c in cs]
    scale = _common_scale(inst, block, columns)
    return inst, groups, columns, scale, _distribution(df, columns, scale.points, getattr(inst, "missing_codes", ()))


def _point_labels(scale, lang: str) -> list:
    out = []
    for p in scale.points:
        lab = scale.label(p, lang)
        out.append(f"{p} {lab}" if lab else str(p))
    return out


def _likert_colors(k: int) -> list:
    import seaborn as sns

    cols = list(sns.color_palette("RdBu", k + (0 if k % 2 else 1)))
    if k % 2 == 0:
        mid = len(cols) // 2
        cols = cols[:mid] + cols[mid + 1:]
    else:
        cols[k // 2] = (0.82, 0.82, 0.82)
    return cols


def likert_bars(data, instrument: Instrument, block: str | None = None, *, items=None, wording: bool = True,
                label_width: int = 40, show_percent: bool = True, title=None, ax=None, lang: str = "zh", **kw):
    """Diverging stacked bars of the answer distribution of every item, grouped by dimension.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        Answers. With a :class:`~servqual.io.Responses` the scored data are shown (declared missing
        codes removed, reverse-keyed items -- marked "(R)" -- reversed); with a DataFrame the values as
        they are, after dropping the instrument's missing codes.
    instrument : Instrument
        Supplies dimensions, item wording and the scale (with its labels, in ``lang``).
    block : str, optional
        Block id or role (e.g. ``"expectation"``); default the analysis block.
    items : list, optional
        Item ids or data columns to show (default: every item of the block).
    wording : bool
        Label each bar with the item wording (shortened to ``label_width`` display cells) after its id.
    show_percent : bool
        Write the share below and above the scale midpoint at the two ends of each bar.
    title : str, optional
        Default: the block's wording from the questionnaire (or its title); ``""`` for none.
    ax : matplotlib Axes, optional
    lang : {"zh", "en"}
    **kw
        Passed to ``Axes.barh`` (e.g. ``height``, ``edgecolor``).

    Returns
    -------
    matplotlib.axes.Axes
        One bar segment per item and scale point; answers below the midpoint extend to the left of
        zero, above it to the right, and the midpoint (odd scales) straddles zero.

    Notes
    -----
    Shares are over the valid answers of each item (Heiberger & Robbins 2014, "Design of diverging
    stacked bar charts for Likert scales").

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> ax = likert_bars(data, inst, "expectation", lang="en")
    >>> len(ax.get_yticklabels()), len(ax.patches)  # 24 items x 7 scale points
    (24, 168)
    >>> matplotlib.pyplot.close("all")
    """
    lang = check_lang(lang)
    inst, groups, columns, scale, dist = _answer_distribution(data, instrument, block, items, "likert_bars")
    points = scale.points
    k = len(points)
    colors = _likert_colors(k)
    labels = Labels(inst, lang)
    mid = scale.midpoint
    n_rows = len(columns) + len(groups)
    with drawing(lang) as fam:
        created = ax is None
        ax = new_axes(ax, (10.5, 0.34 * n_rows + 1.8))
        ypos, yticks, yticklabels, headers = 0.0, [], [], []
        rows = {}
        for dim, cs in groups:
            headers.append((ypos, labels.dim(dim)))
            ypos += 1
            for c in cs:
                rows[c] = ypos
                yticks.append(ypos)
                yticklabels.append(labels.item(c, wording, label_width))
                ypos += 1
            ypos += 0.3
        y = np.array([rows[c] for c in columns])
        p = dist.loc[columns].to_numpy()
        below = np.array([pt < mid for pt in points])
        neutral = np.array([pt == mid for pt in points])
        left = -(p[:, below].sum(axis=1) + p[:, neutral].sum(axis=1) / 2)
        bar_kw = {"height": 0.72, "edgecolor": "white", "linewidth": 0.6}
        bar_kw.update(kw)
        start = left.copy()
        for j, lab in enumerate(_point_labels(scale, lang)):
            ax.barh(y, p[:, j], left=start, color=colors[j], label=lab, zorder=2, **bar_kw)
            start = start + p[:, j]
        ax.axvline(0, color=PALETTE["dark"], linewidth=0.9, zorder=3)
        lo = -left.max()
        hi = start.max()
        lim = max(abs(lo), hi) + (0.12 if show_percent else 0.03)
        ax.set_xlim(-lim, lim)
        if show_percent:
            neg = p[:, below].sum(axis=1)
            pos = p[:, [pt > mid for pt in points]].sum(axis=1)
            for yy, l0, r0, a, b in zip(y, left, start, neg, pos):
                ax.text(l0 - 0.01, yy, f"{a:.0%}", ha="right", va="center", fontsize=7.5, color=PALETTE["grey"])
                ax.text(r0 + 0.01, yy, f"{b:.0%}", ha="left", va="center", fontsize=7.5, color=PALETTE["grey"])
        ticks = [t for t in np.arange(-1.0, 1.01, 0.25) if abs(t) <= lim]
        ax.set_xticks(ticks, [f"{abs(t):.0%}" for t in ticks])
        ax.set_yticks(yticks, yticklabels, fontsize=8.5)
        trans = transforms.blended_transform_factory(ax.transAxes, ax.transData)
        for yy, name in headers:
            ax.text(0.0, yy, name, transform=trans, ha="right", va="center", fontsize=9.5, fontweight="bold",
                    color=PALETTE["dark"])
        ax.set_ylim(ypos - 0.3, -0.7)
        ax.set_xlabel(term("share", lang))
        tidy(ax, "x")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        legend_below(ax, created, legend_ncol(_point_labels(scale, lang)), title=term("rating", lang),
                      title_fontsize=8.5)
        b = inst.block(block or inst.analysis_block) if inst.blocks else None
        default = (b.text.get(lang) if b is not None and b.text else "") or inst.title.get(lang) or term("answer_dist", lang)
        set_title(ax, title, default)
    return finish(ax, fam)


def item_heatmap(data, instrument: Instrument, block: str | None = None, *, items=None, wording: bool = False,
                 label_width: int = 30, annot: bool = True, cmap: str = "Blues", title=None, ax=None,
                 lang: str = "zh", **kw):
    """Heatmap of the answer distribution: items (grouped by dimension) x scale points, in % of answers.

    Parameters
    ----------
    data, instrument, block, items, wording, label_width
        As in :func:`likert_bars`.
    annot : bool
        Write the percentage in every cell.
    cmap : str
        Colour map (sequential).
    title, ax, lang
        As in :func:`likert_bars`.
    **kw
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib.axes.Axes
        Rows = items (labelled by id, plus wording if asked), columns = scale points (labelled with the
        scale's labels in ``lang`` where it has them); dimension names on the right.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> ax = item_heatmap(sq.read_dataset("bfi"), sq.load_instrument("bfi"), lang="en")
    >>> len(ax.get_yticklabels()), ax.get_xticklabels()[0].get_text()  # 25 items; scale point 1 and its label
    (25, '1\\nVery\\ninaccurate')
    >>> matplotlib.pyplot.close("all")
    """
    import seaborn as sns

    lang = check_lang(lang)
    inst, groups, columns, scale, dist = _answer_distribution(data, instrument, block, items, "item_heatmap")
    dist = dist * 100
    labels = Labels(inst, lang)
    with drawing(lang) as fam:
        ax = new_axes(ax, (1.1 * len(scale.points) + (5.5 if wording else 3.5), 0.3 * len(columns) + 1.6))
        hm_kw = {"annot": annot, "fmt": ".0f", "cmap": cmap, "cbar": not annot, "linewidths": 0.5,
                 "linecolor": "white", "vmin": 0, "annot_kws": {"fontsize": 7.5}}
        hm_kw.update(kw)
        xl = [("\n".join([str(p), wrap(scale.label(p, lang), 12)]) if scale.label(p, lang) else str(p))
              for p in scale.points]
        yl = [labels.item(c, wording, label_width) for c in columns]
        with quiet_seaborn():
            sns.heatmap(pd.DataFrame(dist.to_numpy(), index=yl, columns=xl), ax=ax, **hm_kw)
        ax.tick_params(axis="both", length=0)
        ax.set_yticks(np.arange(len(columns)) + 0.5, yl, rotation=0, fontsize=8.5)
        ax.set_xticks(np.arange(len(scale.points)) + 0.5, xl, rotation=0, fontsize=8.5)
        ax.xaxis.tick_top()
        row = 0
        for dim, cs in groups:
            if row:
                ax.axhline(row, color=PALETTE["dark"], linewidth=1.2)
            ax.text(len(scale.points) + 0.15, row + len(cs) / 2, labels.dim(dim), ha="left", va="center",
                    fontsize=9, fontweight="bold", color=PALETTE["dark"])
            row += len(cs)
        ax.set_xlabel("")
        ax.set_ylabel("")
        set_title(ax, title, term("answer_dist", lang) + " (%)", pad=30 if any(scale.label(p, lang) for p in scale.points) else 18)
        cbar_ax = ax.collections[0].colorbar.ax if ax.collections and ax.collections[0].colorbar else None
    return finish(ax, fam, cbar_ax)


def correlation_heatmap(data, instrument: Instrument | None = None, block: str | None = None, *, items=None,
                        nan_policy: str = "pairwise", annot=None, triangle: bool = True, title=None, ax=None,
                        lang: str = "zh", **kw):
    """Item correlation matrix ordered by dimension, with the dimension blocks outlined.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
    instrument : Instrument, optional
        Orders the items by dimension and names the dimensions; without it the columns of ``data`` (or
        ``items``) are used in their order.
    block : str, optional
        Block of the instrument (default: the analysis block).
    items : list, optional
    nan_policy : {"pairwise", "listwise"}
        Missing-data handling of :func:`servqual.stats.sufficient_stats`.
    annot : bool, optional
        Print the coefficients (default: when at most 16 items).
    triangle : bool
        Show the lower triangle only.
    title, ax, lang
    **kw
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib.axes.Axes
        Items on both axes (ids); Pearson correlations on a -1..1 diverging scale.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from servqual.survey.datasets import read_dataset
    >>> bfi = read_dataset("bfi").data  # without an instrument: the columns in their order
    >>> ax = correlation_heatmap(bfi[["A1", "A2", "A3", "C1"]], lang="en")
    >>> ax.get_title(loc="left"), [t.get_text() for t in ax.get_xticklabels()]
    ('Item correlations', ['A1', 'A2', 'A3', 'C1'])
    >>> matplotlib.pyplot.close("all")
    """
    import seaborn as sns

    from servqual.psychometrics.stats import sufficient_stats

    lang = check_lang(lang)
    df = as_frame(data)
    inst = plot_instrument(instrument, data if instrument is not None else None)
    labels = Labels(inst, lang)
    if inst is not None:
        groups = _item_groups(inst, block, items, df)
    else:
        cols = list(items) if items is not None else [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
        groups = [(None, cols)]
    columns = [c for _, cs in groups for c in cs]
    if len(columns) < 2:
        raise AnalysisError("a correlation heatmap needs at least two items")
    st = sufficient_stats(df, columns, nan_policy)
    sd = st.sd
    if np.any(~np.isfinite(sd)) or np.any(sd == 0):
        bad = [c for c, s in zip(columns, sd) if not np.isfinite(s) or s == 0]
        raise AnalysisError(f"items without variance cannot be correlated: {', '.join(bad)}; leave them out (items=...)")
    r = pd.DataFrame(st.corr, index=columns, columns=columns)
    short = [labels.item(c, False) for c in columns]
    n = len(columns)
    if annot is None:
        annot = n <= 16
    with drawing(lang) as fam:
        size = min(max(0.42 * n + 2.5, 5.0), 14.0)
        ax = new_axes(ax, (size + 2.8, size))
        mask = np.triu(np.ones((n, n), dtype=bool), k=1) if triangle else None
        hm_kw = {"cmap": "RdBu_r", "vmin": -1, "vmax": 1, "center": 0, "square": False, "annot": annot, "fmt": ".2f",
                 "linewidths": 0.4, "linecolor": "white", "annot_kws": {"fontsize": 7},
                 "cbar_kws": {"shrink": 0.6, "label": "r"}}
        hm_kw.update(kw)
        with quiet_seaborn():
            sns.heatmap(pd.DataFrame(r.to_numpy(), index=short, columns=short), mask=mask, ax=ax, **hm_kw)
        ax.set_xticks(np.arange(n) + 0.5, short, rotation=90, fontsize=8)
        ax.set_yticks(np.arange(n) + 0.5, short, rotation=0, fontsize=8)
        ax.tick_params(axis="both", length=0)
        start = 0
        from matplotlib.patches import Rectangle

        for dim, cs in groups:
            m = len(cs)
            if dim is not None and len(groups) > 1:
                ax.add_patch(Rectangle((start, start), m, m, fill=False, edgecolor=PALETTE["dark"], linewidth=1.4,
                                       clip_on=False))
                ax.text(start + m + 0.3, start + m / 2, labels.dim(dim), ha="left", va="center", fontsize=9,
                        fontweight="bold", color=PALETTE["dark"])
            start += m
        set_title(ax, title, term("corr", lang))
        cbar = ax.collections[0].colorbar if ax.collections else None
    return finish(ax, fam, cbar.ax if cbar is not None else None)


