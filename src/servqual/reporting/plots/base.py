"""What the plot modules share: new axes, labels from the questionnaire, titles, legends, point labels.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import servqual as sq
>>> from servqual.reporting.plots.base import Labels, shorten
>>> labels = Labels(sq.load_instrument("kiosk"), "en")
>>> labels.dim("overall"), labels.item("q01", wording=False)
('Overall', 'q01')
>>> shorten("服务质量差距分析", 9)
'服务质量…'
"""

from __future__ import annotations

import unicodedata
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt

from servqual.exceptions import AnalysisError
from servqual.reporting.plots.style import PALETTE, apply_fonts, has_cjk, term
from servqual.survey.instrument import Instrument

__all__ = [
    "quiet_seaborn", "new_axes", "text_width", "shorten", "wrap", "plot_instrument", "Labels", "result_table",
    "need_columns", "set_title", "tidy", "legend_below", "label_points", "legend_ncol", "finish",
]


@contextmanager
def quiet_seaborn():
    """Silence seaborn's own deprecation notices about matplotlib internals (not the user's concern)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="seaborn")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="seaborn")
        yield


def new_axes(ax, figsize, polar: bool = False):
    """``ax``, or the Axes of a new constrained-layout figure of ``figsize`` (marked as created here)."""
    if ax is not None:
        return ax
    fig = plt.figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot(projection="polar" if polar else None)
    ax._servqual_own = True
    return ax


def text_width(s: str) -> int:
    """Display width of ``s`` in cells (a wide CJK character counts two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def shorten(s: str, width: int | None) -> str:
    """``s`` cut to ``width`` display cells, ending in "…" when cut."""
    s = str(s).strip()
    if not width or text_width(s) <= width:
        return s
    out, w = "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width - 1:
            break
        out += c
        w += cw
    return out.rstrip(" ，,。.;；") + "…"


def wrap(s: str, width: int) -> str:
    """Break a label into lines of about ``width`` display cells (at spaces; CJK text anywhere)."""
    import textwrap

    s = str(s).strip()
    if text_width(s) <= width:
        return s
    if " " in s and not has_cjk(s):
        return "\n".join(textwrap.wrap(s, width=width))
    lines, cur, w = [], "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width:
            lines.append(cur)
            cur, w = "", 0
        cur += c
        w += cw
    return "\n".join(lines + [cur])




def plot_instrument(instrument, data=None):
    """The Instrument to label a figure with: ``instrument``, else the one ``data`` carries, else None."""
    if instrument is None and data is not None:
        instrument = getattr(data, "instrument", None)
    if instrument is None or isinstance(instrument, Instrument):
        return instrument
    raise TypeError(f"instrument must be a servqual Instrument (servqual.load_instrument), got {type(instrument).__name__}")


class Labels:
    """Look-up of display names (dimension names, item wording, KPI and hierarchy names) in one language."""

    def __init__(self, instrument: Instrument | None, lang: str):
        self.lang = lang
        self.dims: dict = {}
        self.items: dict = {}  # item id or column -> (item id, wording, reverse)
        self.names: dict = {}  # other ids -> name
        if instrument is None:
            return
        self.dims = instrument.dimension_names(lang)
        block_ids = [b.id for b in instrument.blocks] or [None]
        for it in instrument.items:
            entry = (it.id, it.text.get(lang, ""), it.reverse)
            self.items[it.id] = entry
            for bid in block_ids:
                col = it.column(bid) if bid is not None else it.column()
                if col:
                    self.items.setdefault(col, entry)
        for it in list(instrument.outcomes) + list(instrument.attention_checks):
            self.items.setdefault(it.id, (it.id, it.text.get(lang, ""), False))
        for k in instrument.kpis:
            for key in (k.id, k.column):
                if key:
                    self.names.setdefault(key, k.name.get(lang, k.id))
        for f in instrument.kano_features:
            self.items.setdefault(f.id, (f.id, f.text.get(lang, ""), False))
        h = instrument.hierarchy
        if h is not None:
            for c in h.criteria:
                self.names.setdefault(c.id, c.name.get(lang, c.id))
                for ind in c.indicators:
                    if ind.name:
                        self.names.setdefault(ind.id, ind.name.get(lang, ind.id))
                        self.names.setdefault(ind.ref, ind.name.get(lang, ind.ref))

    def dim(self, d) -> str:
        if d in ("overall", "total"):
            return term("overall", self.lang)
        return self.dims.get(d, str(d))

    def item(self, key, wording: bool = True, width: int | None = 36) -> str:
        entry = self.items.get(key)
        if entry is None:
            return self.any(key, width)
        iid, text, rev = entry
        tag = "(R)" if rev else ""
        if wording and text:
            return f"{iid}{tag} {shorten(text, width)}"
        return f"{iid}{tag}"

    def any(self, key, width: int | None = 36) -> str:
        """Dimension name, item wording, KPI / criterion name, or the key itself."""
        if key in self.dims or key in ("overall", "total"):
            return self.dim(key)
        if key in self.names:
            return shorten(self.names[key], width)
        if key in self.items:
            return self.item(key, True, width)
        return str(key)


def result_table(obj, what: str) -> pd.DataFrame:
    """A DataFrame, or the ``table`` of a result object."""
    if isinstance(obj, pd.DataFrame):
        return obj
    tab = getattr(obj, "table", None)
    if isinstance(tab, pd.DataFrame):
        return tab
    if hasattr(obj, "to_frame"):
        return obj.to_frame()
    raise TypeError(f"{what} must be a pandas DataFrame or a servqual result with a .table, got {type(obj).__name__}")


def need_columns(df: pd.DataFrame, cols, what: str) -> None:
    """Raise :class:`AnalysisError` naming the columns of ``cols`` that ``df`` lacks."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"{what} needs the columns {', '.join(cols)}; missing: {', '.join(missing)}")


def set_title(ax, title, default: str, pad: float | None = None) -> None:
    """Title ``title`` (``default`` when None, none when ``""``), bold and left-aligned."""
    if title is None:
        title = default
    if title:
        ax.set_title(title, fontsize=12, fontweight="bold", loc="left", pad=pad)


def tidy(ax, grid: str | None = "x") -> None:
    """Hide the top and right spines; light grid lines on ``grid`` ("x", "y" or None) behind the data."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if grid:
        ax.grid(axis=grid, color="#e5e5e5", linewidth=0.8, zorder=0)
        ax.set_axisbelow(True)


def legend_below(ax, created: bool, ncol: int, **kw):
    """A legend under the plot: outside the axes (constrained layout) when the figure is ours."""
    handles, labs = ax.get_legend_handles_labels()
    if not handles:
        return None
    opts = {"frameon": False, "fontsize": 8.5, "ncol": ncol}
    opts.update(kw)
    if created:
        return ax.figure.legend(handles, labs, loc="outside lower center", **opts)
    return ax.legend(handles, labs, loc="upper center", bbox_to_anchor=(0.5, -0.12), **opts)


# candidate label positions around a point: direction (x, y) and text alignment, nearest first
_LABEL_DIRECTIONS = [((1, 1), "left", "bottom"), ((-1, 1), "right", "bottom"), ((1, -1), "left", "top"),
                     ((-1, -1), "right", "top"), ((0, 1), "center", "bottom"), ((0, -1), "center", "top"),
                     ((1, 0), "left", "center"), ((-1, 0), "right", "center")]
_LABEL_DISTANCES = (1.0, 2.0, 3.5, 5.5, 8.0)


def label_points(ax, xs, ys, texts, *, fontsize: float = 7.5, color=None, marker_pt: float = 3.5):
    """Label scatter points so that labels neither overlap each other nor cover other points, where
    there is room.

    The figure's layout is computed first; then each label, in turn, tries positions around its point
    (eight directions at growing distances, nearest first) and takes the first whose box overlaps no
    label placed before, no other point and stays inside the axes; without such a position it takes
    the one with the least overlap. A label placed away from its point gets a thin leader line.
    Returns the annotations.
    """
    fig = ax.figure
    fig.draw_without_rendering()  # the final layout (constrained layout moves the axes)
    renderer = fig.canvas.get_renderer()
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    px_per_pt = fig.dpi / 72.0
    r = marker_pt * px_per_pt
    frame = ax.get_window_extent(renderer)
    dots = np.column_stack([pts[:, 0] - r, pts[:, 1] - r, pts[:, 0] + r, pts[:, 1] + r])
    placed: list = []
    out = []

    def overlap(a, b) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    for i, (text, (px, py)) in enumerate(zip(texts, pts)):
        if not np.isfinite(px) or not np.isfinite(py):
            continue
        probe = ax.annotate(text, (xs[i], ys[i]), xytext=(0, 0), textcoords="offset points", fontsize=fontsize)
        ext = probe.get_window_extent(renderer)
        w, h = ext.width, ext.height
        probe.remove()
        best = None
        for dist in _LABEL_DISTANCES:
            for (dx, dy), ha, va in _LABEL_DIRECTIONS:
                ox, oy = dx * 4.0 * dist, dy * 3.0 * dist  # offset in points
                ax0 = px + ox * px_per_pt - {"left": 0.0, "right": w, "center": w / 2}[ha]
                ay0 = py + oy * px_per_pt - {"bottom": 0.0, "top": h, "center": h / 2}[va]
                box = (ax0, ay0, ax0 + w, ay0 + h)
                cost = sum(overlap(box, b) for b in placed)
                cost += sum(overlap(box, d) for j, d in enumerate(dots) if j != i)
                outside = (max(frame.x0 - box[0], 0) + max(box[2] - frame.x1, 0)) * h + \
                          (max(frame.y0 - box[1], 0) + max(box[3] - frame.y1, 0)) * w
                cost += outside
                if best is None or cost < best[0]:
                    best = (cost, (ox, oy), ha, va, box, dist)
                if cost == 0:
                    break
            if best[0] == 0:
                break
        _, (ox, oy), ha, va, box, dist = best
        arrow = None if dist <= 1.0 else {"arrowstyle": "-", "linewidth": 0.5, "color": PALETTE["grey"],
                                          "shrinkA": 0, "shrinkB": 3}
        out.append(ax.annotate(text, (xs[i], ys[i]), xytext=(ox, oy), textcoords="offset points", ha=ha, va=va,
                               fontsize=fontsize, color=color, zorder=4, arrowprops=arrow))
        placed.append(box)
    return out


def legend_ncol(labels, max_width: int = 110) -> int:
    """Number of legend columns that keeps a legend row within ``max_width`` display cells."""
    k = len(labels)
    width = sum(text_width(str(x)) + 6 for x in labels)
    return k if width <= max_width else int(np.ceil(k / np.ceil(width / max_width)))


def finish(ax, fam, *extra):
    """Fix the fonts ``fam`` on the texts of ``ax``, of ``extra`` artists and of the figure legends it created."""
    apply_fonts([ax, *extra, *getattr(ax.figure, "legends", [])] if getattr(ax, "_servqual_own", False)
                 else [ax, *extra], fam)
    return ax


