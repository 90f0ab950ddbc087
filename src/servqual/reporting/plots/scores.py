"""Figures of dimension scores: the radar chart, overall and by segment.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import servqual as sq
>>> from servqual.reporting.plots.scores import radar_plot
>>> ax = radar_plot(sq.read_dataset("kiosk"), sq.load_instrument("kiosk"), by="sex", lang="en")
>>> ax.name, len(ax.lines)  # the overall mean and one polygon per sex
('polar', 3)
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from servqual._text import check_lang
from servqual._validation import as_frame
from servqual.exceptions import AnalysisError
from servqual.reporting.plots.base import Labels, finish, new_axes, plot_instrument, set_title
from servqual.reporting.plots.style import PALETTE, SERIES, drawing, term
from servqual.survey.instrument import Instrument

__all__ = ["radar_plot"]


def radar_plot(scores, instrument: Instrument | None = None, by=None, *, score: str | None = None,
               overall: bool = True, segment_labels: Mapping | None = None, limits=None, title=None, ax=None,
               lang: str = "zh", **kw):
    """Radar (spider) chart of dimension scores: overall and by segment.

    Parameters
    ----------
    scores : Series, DataFrame or data
        - a Series ``{dimension: score}``: one polygon;
        - a DataFrame of respondent scores (dimensions as columns, e.g. from
          :func:`servqual.compare.dimension_scores`): the mean, and the mean of every group of ``by``;
        - raw answers (DataFrame or Responses) with ``instrument``: dimension scores are computed first
          (``score`` chooses the block, or ``"gap"``);
        - with ``by=None`` a DataFrame of at most 8 rows is taken as already aggregated (one polygon
          per row, e.g. segment means).
    instrument : Instrument, optional
        Names the dimensions in ``lang`` and sets the radial range to the scale.
    by : str, Series or array, optional
        Segment of each respondent (a column name of ``scores``/data, or values aligned with it).
    score : str, optional
        Block for the dimension scores of raw data (see :func:`servqual.compare.dimension_scores`).
    overall : bool
        With ``by``, also draw the overall mean (dashed, dark).
    segment_labels : dict, optional
        Display names of the segment values (e.g. ``{1: "男", 2: "女"}``).
    limits : (float, float), optional
        Radial range (default: the instrument's scale, else the data range).
    title, ax, lang
    **kw
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes (polar)
        One closed line per polygon, one spoke label per dimension.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> ax = radar_plot(data, inst, lang="en")
    >>> [t.get_text() for t in ax.get_xticklabels()][:3], tuple(map(float, ax.get_ylim()))  # the 1-7 scale
    (['Usefulness', 'Fun', 'Control'], (1.0, 7.0))
    >>> matplotlib.pyplot.close("all")
    """
    from servqual.service.compare import dimension_scores

    lang = check_lang(lang)
    inst = plot_instrument(instrument, scores if not isinstance(scores, (pd.Series, pd.DataFrame)) else None)
    seg_name = None
    if isinstance(scores, pd.Series):
        polys = {"": scores.drop(labels=[i for i in ("overall",) if i in scores.index])}
        seg_name = None
    else:
        df = as_frame(scores)
        seg = None
        if by is not None:
            if isinstance(by, str):
                if by not in df.columns:
                    raise AnalysisError(f"segment column {by!r} is not in the data")
                seg_name, seg = by, df[by]
            else:
                seg = pd.Series(np.asarray(by), index=df.index)
                if len(seg) != len(df):
                    raise AnalysisError(f"by has {len(seg)} values but the scores have {len(df)} rows")
        if inst is not None and not set(inst.dimension_ids) <= set(df.columns):
            df = dimension_scores(df, inst, score)
        dims = [c for c in df.columns if c != "overall" and c != seg_name and pd.api.types.is_numeric_dtype(df[c])]
        if inst is not None:
            dims = [d for d in inst.dimension_ids if d in dims] or dims
        x = df[dims].astype(float)
        if seg is not None:
            polys = {}
            if overall:
                polys[None] = x.mean()
            for val, sub in x.groupby(seg.to_numpy(), sort=True):
                polys[val] = sub.mean()
        elif len(x) <= 8:
            polys = {idx: row for idx, row in x.iterrows()}
        else:
            polys = {None: x.mean()}
    labels = Labels(inst, lang)
    first = next(iter(polys.values()))
    dims = list(first.index)
    if len(dims) < 3:
        raise AnalysisError(f"a radar chart needs at least 3 dimensions, got {len(dims)}")
    vals = np.array([[float(p[d]) for d in dims] for p in polys.values()])
    if limits is None:
        if inst is not None and score != "gap":
            limits = (inst.scale.min, inst.scale.max)
            if inst.blocks:
                b = inst.block(score or inst.analysis_block)
                if b is not None and b.scale is not None:
                    limits = (b.scale.min, b.scale.max)
        else:
            lo_, hi_ = np.nanmin(vals), np.nanmax(vals)
            pad = 0.1 * max(hi_ - lo_, 1e-9)
            limits = (lo_ - pad, hi_ + pad)
    angles = np.linspace(0, 2 * np.pi, len(dims), endpoint=False)
    with drawing(lang) as fam:
        ax = new_axes(ax, (7.0, 6.5), polar=True)
        if getattr(ax, "name", "") != "polar":
            raise AnalysisError("radar_plot needs a polar Axes (plt.subplot(projection='polar'))")
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        color_i = 0
        for key, v in zip(polys.keys(), vals):
            closed = np.r_[v, v[:1]]
            ang = np.r_[angles, angles[:1]]
            if key is None:
                name, color, style = term("overall", lang), PALETTE["dark"], "--"
            else:
                name = str(segment_labels.get(key, key)) if segment_labels else str(key)
                if seg_name and segment_labels is None:
                    name = f"{seg_name} = {key}"
                color, style = SERIES[color_i % len(SERIES)], "-"
                color_i += 1
            line_kw = {"linewidth": 2, "marker": "o", "markersize": 4}
            line_kw.update(kw)
            ax.plot(ang, closed, color=color, linestyle=style, label=name or None, **line_kw)
            if len(polys) == 1:
                ax.fill(ang, closed, color=color, alpha=0.12)
        ax.set_xticks(angles, [labels.dim(d) for d in dims], fontsize=10)
        ax.set_ylim(*limits)
        ax.set_rlabel_position(180.0 / len(dims))
        ax.tick_params(axis="y", labelsize=8, labelcolor=PALETTE["grey"])
        ax.grid(color="#d0d0d0", linewidth=0.8)
        ax.spines["polar"].set_color("#c0c0c0")
        if any(k not in ("",) for k in polys.keys()) and len(polys) > 1:
            ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12), frameon=False, fontsize=9)
        set_title(ax, title, term("radar", lang))
    return finish(ax, fam)


