"""Figures for service-quality studies, labelled in Chinese or English.

Every function draws on a matplotlib Axes (a new figure when ``ax`` is None) and returns it; none calls
``plt.show()``, so they run headless (Agg) in scripts, notebooks and reports. Labels, titles, legends and
tick texts are in ``lang`` ("zh" or "en"), taken from the questionnaire's own wording (dimension names,
item text, scale labels) when an :class:`~servqual.instrument.Instrument` is given.

Chinese text needs a CJK font. :func:`use_cjk_font` registers the Noto Sans SC font shipped by the
``pylopdf-fonts-zh-cn`` package (SIL Open Font License) -- or, without it, a CJK font already installed
on the system -- with matplotlib's font manager. The plot functions call it themselves and set the font
only on the texts they draw (through ``matplotlib.rc_context`` and per-text font families), so the
user's global ``rcParams`` stay as they were; ``use_cjk_font(rc=True)`` opts in to a global default.

Functions
---------
likert_bars            diverging stacked bars of the answer distribution, per item, grouped by dimension
item_heatmap           answer distribution (% per scale point) of every item
correlation_heatmap    item correlations ordered by dimension
scree_plot             eigenvalues with parallel-analysis thresholds and the Kaiser line
loading_heatmap        factor loadings, small loadings greyed
gap_dumbbell           expectation vs perception per item or dimension
gap_bars               SERVQUAL gaps (P - E) with confidence intervals
ipa_plot               importance-performance quadrant scatter with crosshairs
radar_plot             dimension scores, overall and by segment
weights_bar            indicator weights (one method or several side by side)
ahp_hierarchy_plot     goal -> criteria -> indicators tree with local and global weights
ranking_plot           TOPSIS closeness / composite score ranking
kano_plot              Kano better-worse scatter
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib import transforms
from matplotlib.text import Text

from servqual._text import check_lang
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.survey.instrument import Instrument
from servqual._validation import as_frame as _frame

__all__ = [
    "use_cjk_font",
    "cjk_font_path",
    "PALETTE",
    "likert_bars",
    "item_heatmap",
    "correlation_heatmap",
    "scree_plot",
    "loading_heatmap",
    "gap_dumbbell",
    "gap_bars",
    "ipa_plot",
    "radar_plot",
    "weights_bar",
    "ahp_hierarchy_plot",
    "ranking_plot",
    "kano_plot",
]


#: The colours every figure uses.
PALETTE = {
    "blue": "#2f6c9f",
    "orange": "#e07b39",
    "red": "#c23b3b",
    "green": "#3a9a5b",
    "purple": "#7b5ea7",
    "grey": "#8a8a8a",
    "light": "#d9d9d9",
    "dark": "#333333",
}
_SERIES = ["#2f6c9f", "#e07b39", "#3a9a5b", "#c23b3b", "#7b5ea7", "#8c6d31", "#d16ba5", "#5f9ea0", "#6b6b6b"]

# Interface vocabulary (what the questionnaire has no wording for): key -> (zh, en)
_VOCAB = {
    "rating": ("评分", "Rating"),
    "share": ("回答比例", "Share of answers"),
    "answer_dist": ("各题项回答分布", "Answer distribution by item"),
    "answer_pct": ("回答比例（%）", "Answers (%)"),
    "corr": ("题项相关矩阵", "Item correlations"),
    "scree": ("碎石图与平行分析", "Scree plot and parallel analysis"),
    "component": ("因子序号", "Factor number"),
    "eigenvalue": ("特征值", "Eigenvalue"),
    "observed": ("实际数据特征值", "Observed eigenvalues"),
    "threshold": ("平行分析阈值（随机数据）", "Parallel-analysis threshold (random data)"),
    "kaiser": ("特征值 = 1（Kaiser 准则）", "Eigenvalue = 1 (Kaiser rule)"),
    "retain": ("建议保留 {k} 个因子", "Suggested: {k} factor(s)"),
    "loadings": ("因子载荷", "Factor loadings"),
    "factor": ("因子 {i}", "Factor {i}"),
    "small": ("|载荷| < {t} 以灰色显示", "|loading| < {t} greyed"),
    "expectation": ("期望（E）", "Expectation (E)"),
    "perception": ("感知（P）", "Perception (P)"),
    "mean_score": ("平均得分", "Mean score"),
    "dumbbell": ("期望与感知对比", "Expectation vs perception"),
    "gap": ("差距 G = P − E", "Gap G = P − E"),
    "gap_title": ("SERVQUAL 差距及 {ci:.0%} 置信区间", "SERVQUAL gaps with {ci:.0%} confidence intervals"),
    "overall": ("总体", "Overall"),
    "importance": ("重要性", "Importance"),
    "performance": ("表现（满意度）", "Performance"),
    "ipa": ("重要性—表现分析（IPA）", "Importance-performance analysis"),
    "radar": ("各维度得分", "Dimension scores"),
    "weights": ("指标权重", "Indicator weights"),
    "weight": ("权重", "Weight"),
    "ahp": ("AHP 层次结构与权重", "AHP hierarchy and weights"),
    "goal": ("目标", "Goal"),
    "local": ("局部", "local"),
    "global": ("全局", "global"),
    "global_weight": ("全局权重", "Global weight"),
    "ranking": ("综合评价排序", "Ranking"),
    "closeness": ("相对贴近度 C", "Relative closeness C"),
    "score": ("综合得分", "Composite score"),
    "kano": ("Kano 模型 Better–Worse 系数", "Kano better-worse diagram"),
    "better": ("Better 系数（满意增加）", "Better (satisfaction if present)"),
    "worse": ("|Worse| 系数（不满增加）", "|Worse| (dissatisfaction if absent)"),
    "neutral": ("中立", "Neutral"),
    "n": ("样本量", "n"),
}

# weighting methods -> (zh, en)
_METHODS = {
    "game_theory": ("博弈论组合赋权", "Game-theory combination"),
    "linear": ("线性组合赋权", "Linear combination"),
    "multiplicative": ("乘法合成赋权", "Multiplicative combination"),
    "entropy": ("熵权法", "Entropy"),
    "critic": ("CRITIC 法", "CRITIC"),
    "cv": ("变异系数法", "Coefficient of variation"),
    "sd": ("标准差法", "Standard deviation"),
    "pca": ("主成分法", "PCA"),
    "ahp": ("AHP", "AHP"),
    "fuzzy_ahp": ("模糊 AHP", "Fuzzy AHP"),
    "relative_weights": ("相对权重", "Relative weights"),
    "shapley": ("Shapley 值", "Shapley value"),
    "regression": ("标准化回归系数", "Standardised regression"),
    "equal": ("等权", "Equal"),
}

_IPA_QUADRANTS = {
    "concentrate_here": ("重点改进区", "Concentrate here", PALETTE["red"]),
    "keep_up": ("继续保持区", "Keep up the good work", PALETTE["green"]),
    "low_priority": ("低优先区", "Low priority", PALETTE["grey"]),
    "possible_overkill": ("过度投入区", "Possible overkill", PALETTE["orange"]),
}
_KANO = {
    "A": ("魅力质量", "Attractive", PALETTE["green"]),
    "O": ("一元质量", "One-dimensional", PALETTE["blue"]),
    "M": ("必备质量", "Must-be", PALETTE["red"]),
    "I": ("无差异质量", "Indifferent", PALETTE["grey"]),
    "R": ("反向质量", "Reverse", PALETTE["orange"]),
    "Q": ("可疑结果", "Questionable", PALETTE["dark"]),
}


def _v(key: str, lang: str, **fmt) -> str:
    s = _VOCAB[key][0 if lang == "zh" else 1]
    return s.format(**fmt) if fmt else s




# --------------------------------------------------------------------------------------------------
# CJK font
# --------------------------------------------------------------------------------------------------
# Installed fonts that cover simplified Chinese, in order of preference (used when the bundled
# dependency is absent).
_SYSTEM_CJK = (
    "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "SimHei",
    "Sarasa Gothic SC", "Noto Sans CJK JP", "Source Han Sans", "Droid Sans Fallback",
)
_FONT_STATE: dict = {"done": False, "family": None, "warned": False}


def cjk_font_path() -> Path | None:
    """Path of the Chinese font file servqual uses, or None when only a system font (or none) is available.

    Looks in ``servqual/fonts/`` first (a font file shipped with the package), then in the
    ``pylopdf-fonts-zh-cn`` package (Noto Sans SC, SIL Open Font License 1.1).
    """
    here = Path(__file__).with_name("fonts")
    if here.is_dir():
        for pattern in ("*.otf", "*.ttf", "*.ttc", "*.otc"):
            found = sorted(here.glob(pattern))
            if found:
                return found[0]
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    try:
        p = Path(pylopdf_fonts_zh_cn.sans_path())
    except Exception:  # pragma: no cover - a broken install
        return None
    return p if p.is_file() else None


def use_cjk_font(rc: bool = False) -> str | None:
    """Register a Chinese-capable font with matplotlib and return its family name.

    Parameters
    ----------
    rc : bool, default False
        Also make it the global default (prepend it to ``rcParams["font.sans-serif"]`` and set
        ``font.family`` to sans-serif), so text you add yourself renders Chinese too. The plot
        functions of this module do not need this: they set the font on their own texts.

    Returns
    -------
    str or None
        The font family name (e.g. ``"Noto Sans SC"``), or None -- with a :class:`ServqualWarning` --
        when no CJK font can be found.

    Notes
    -----
    The font is found without network access: a file in ``servqual/fonts/``, the ``pylopdf-fonts-zh-cn``
    package (a servqual dependency; Noto Sans SC, OFL 1.1), or an installed system font (Noto Sans CJK,
    Source Han Sans, WenQuanYi, Microsoft YaHei, PingFang ...). Registration happens once per process.

    Example
    -------
    >>> use_cjk_font()  # doctest: +SKIP
    'Noto Sans SC'
    """
    if not _FONT_STATE["done"]:
        family = None
        path = cjk_font_path()
        if path is not None:
            try:
                font_manager.fontManager.addfont(str(path))
                family = font_manager.FontProperties(fname=str(path)).get_name()
            except (OSError, RuntimeError, ValueError):  # pragma: no cover - unreadable font file
                family = None
        if family is None:
            installed = {f.name for f in font_manager.fontManager.ttflist}
            family = next((f for f in _SYSTEM_CJK if f in installed), None)
        _FONT_STATE.update(done=True, family=family)
    family = _FONT_STATE["family"]
    if family is None and not _FONT_STATE["warned"]:
        _FONT_STATE["warned"] = True
        warnings.warn(
            "no Chinese (CJK) font found: Chinese labels will show as empty boxes. Install the package "
            "'pylopdf-fonts-zh-cn' (pip install pylopdf-fonts-zh-cn) or a system font such as Noto Sans CJK SC "
            "(Debian/Ubuntu: apt-get install fonts-noto-cjk), or use lang='en'.",
            ServqualWarning,
            stacklevel=2,
        )
    if rc and family is not None:
        sans = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
        matplotlib.rcParams["font.sans-serif"] = [family] + sans
        matplotlib.rcParams["font.family"] = ["sans-serif"]
    return family


def _families(lang: str) -> list:
    """Font families for a figure in ``lang``: the CJK font first for Chinese, the Latin default first for English."""
    cjk = use_cjk_font()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    latin = [f for f in matplotlib.rcParams["font.sans-serif"] if f in installed and f != cjk][:1] or ["DejaVu Sans"]
    if cjk is None:
        return latin
    return [cjk] + latin if lang == "zh" else latin + [cjk]


@contextmanager
def _drawing(lang: str):
    """Temporarily use the figure fonts while the artists are created."""
    fam = _families(lang)
    with matplotlib.rc_context({"font.family": fam, "axes.unicode_minus": True}):
        yield fam
        # a backend chosen while drawing (e.g. Jupyter's inline backend, on the first figure) switches
        # interactive mode on; leaving rc_context would switch it off again and hide later figures
        interactive = matplotlib.is_interactive()
    if interactive and not matplotlib.is_interactive():
        matplotlib.interactive(True)


def _has_cjk(s: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" for c in s)


def _has_bold(family: str) -> bool:
    return any(f.name == family and (f.weight in ("bold", "heavy", "black", "demibold", "semibold")
                                     or (isinstance(f.weight, int) and f.weight >= 600))
               for f in font_manager.fontManager.ttflist)


def _apply_fonts(artists, fam: list) -> None:
    """Fix the font family on every text of ``artists`` (so it survives the rc_context and later draws).

    Bold text: a text without Chinese characters uses the Latin font alone (which has a bold face); Chinese
    text in a CJK font that has no bold face is drawn regular with a thin outline of its own colour.
    """
    from matplotlib import patheffects

    cjk = _FONT_STATE["family"]
    latin = [f for f in fam if f != cjk] or fam
    cjk_bold = cjk is not None and _has_bold(cjk)
    for art in artists:
        if art is None:
            continue
        if hasattr(art, "xaxis"):
            for axis in art._axis_map.values() if hasattr(art, "_axis_map") else (art.xaxis, art.yaxis):
                axis.get_major_ticks()
            try:
                art.tick_params(which="both", labelfontfamily=fam)
            except (TypeError, ValueError, AttributeError):  # matplotlib < 3.8
                pass
        for t in art.findobj(Text):
            weight = t.get_fontweight()
            bold = weight in ("bold", "heavy", "black", "semibold", "demibold") or (isinstance(weight, int) and weight >= 600)
            if bold and not _has_cjk(t.get_text()):
                t.set_fontfamily(latin)
            else:
                t.set_fontfamily(fam)
                if bold and cjk is not None and not cjk_bold:
                    t.set_fontweight("normal")
                    t.set_path_effects([patheffects.withStroke(linewidth=0.6, foreground=t.get_color())])


@contextmanager
def _quiet():
    """Silence seaborn's own deprecation notices about matplotlib internals (not the user's concern)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="seaborn")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="seaborn")
        yield


def _new_axes(ax, figsize, polar: bool = False):
    if ax is not None:
        return ax
    fig = plt.figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot(projection="polar" if polar else None)
    ax._servqual_own = True
    return ax


# --------------------------------------------------------------------------------------------------
# Labels from the questionnaire
# --------------------------------------------------------------------------------------------------
def _text_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _shorten(s: str, width: int | None) -> str:
    s = str(s).strip()
    if not width or _text_width(s) <= width:
        return s
    out, w = "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width - 1:
            break
        out += c
        w += cw
    return out.rstrip(" ，,。.;；") + "…"


def _wrap(s: str, width: int) -> str:
    """Break a label into lines of about ``width`` display cells (at spaces; CJK text anywhere)."""
    import textwrap

    s = str(s).strip()
    if _text_width(s) <= width:
        return s
    if " " in s and not _has_cjk(s):
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




def _instrument(instrument, data=None):
    if instrument is None and data is not None:
        instrument = getattr(data, "instrument", None)
    if instrument is None or isinstance(instrument, Instrument):
        return instrument
    raise TypeError(f"instrument must be a servqual Instrument (servqual.load_instrument), got {type(instrument).__name__}")


class _Labels:
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
            return _v("overall", self.lang)
        return self.dims.get(d, str(d))

    def item(self, key, wording: bool = True, width: int | None = 36) -> str:
        entry = self.items.get(key)
        if entry is None:
            return self.any(key, width)
        iid, text, rev = entry
        tag = "(R)" if rev else ""
        if wording and text:
            return f"{iid}{tag} {_shorten(text, width)}"
        return f"{iid}{tag}"

    def any(self, key, width: int | None = 36) -> str:
        """Dimension name, item wording, KPI / criterion name, or the key itself."""
        if key in self.dims or key in ("overall", "total"):
            return self.dim(key)
        if key in self.names:
            return _shorten(self.names[key], width)
        if key in self.items:
            return self.item(key, True, width)
        return str(key)


def _result_table(obj, what: str) -> pd.DataFrame:
    """A DataFrame, or the ``table`` of a result object."""
    if isinstance(obj, pd.DataFrame):
        return obj
    tab = getattr(obj, "table", None)
    if isinstance(tab, pd.DataFrame):
        return tab
    if hasattr(obj, "to_frame"):
        return obj.to_frame()
    raise TypeError(f"{what} must be a pandas DataFrame or a servqual result with a .table, got {type(obj).__name__}")


def _need(df: pd.DataFrame, cols, what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"{what} needs the columns {', '.join(cols)}; missing: {', '.join(missing)}")


def _title(ax, title, default: str, pad: float | None = None) -> None:
    if title is None:
        title = default
    if title:
        ax.set_title(title, fontsize=12, fontweight="bold", loc="left", pad=pad)


def _tidy(ax, grid: str | None = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if grid:
        ax.grid(axis=grid, color="#e5e5e5", linewidth=0.8, zorder=0)
        ax.set_axisbelow(True)


def _legend_below(ax, created: bool, ncol: int, **kw):
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


def _label_points(ax, xs, ys, texts, *, fontsize: float = 7.5, color=None, marker_pt: float = 3.5):
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


def _legend_ncol(labels, max_width: int = 110) -> int:
    k = len(labels)
    width = sum(_text_width(str(x)) + 6 for x in labels)
    return k if width <= max_width else int(np.ceil(k / np.ceil(width / max_width)))


def _finish(ax, fam, *extra):
    _apply_fonts([ax, *extra, *getattr(ax.figure, "legends", [])] if getattr(ax, "_servqual_own", False)
                 else [ax, *extra], fam)
    return ax


# --------------------------------------------------------------------------------------------------
# Item distributions
# --------------------------------------------------------------------------------------------------
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

    Example
    -------
    >>> likert_bars(read_dataset("kiosk"), load_instrument("kiosk"), "expectation", lang="en")  # doctest: +SKIP
    """
    lang = check_lang(lang)
    df = _frame(data)
    inst = _instrument(instrument, data)
    if inst is None:
        raise AnalysisError("likert_bars needs the instrument (dimensions, items and scale)")
    groups = _item_groups(inst, block, items, df)
    columns = [c for _, cs in groups for c in cs]
    scale = _common_scale(inst, block, columns)
    points = scale.points
    k = len(points)
    dist = _distribution(df, columns, points, getattr(inst, "missing_codes", ()))
    colors = _likert_colors(k)
    labels = _Labels(inst, lang)
    mid = scale.midpoint
    n_rows = len(columns) + len(groups)
    with _drawing(lang) as fam:
        created = ax is None
        ax = _new_axes(ax, (10.5, 0.34 * n_rows + 1.8))
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
        ax.set_xlabel(_v("share", lang))
        _tidy(ax, "x")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        _legend_below(ax, created, _legend_ncol(_point_labels(scale, lang)), title=_v("rating", lang),
                      title_fontsize=8.5)
        b = inst.block(block or inst.analysis_block) if inst.blocks else None
        default = (b.text.get(lang) if b is not None and b.text else "") or inst.title.get(lang) or _v("answer_dist", lang)
        _title(ax, title, default)
    return _finish(ax, fam)


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
    """
    import seaborn as sns

    lang = check_lang(lang)
    df = _frame(data)
    inst = _instrument(instrument, data)
    if inst is None:
        raise AnalysisError("item_heatmap needs the instrument (dimensions, items and scale)")
    groups = _item_groups(inst, block, items, df)
    columns = [c for _, cs in groups for c in cs]
    scale = _common_scale(inst, block, columns)
    dist = _distribution(df, columns, scale.points, getattr(inst, "missing_codes", ())) * 100
    labels = _Labels(inst, lang)
    with _drawing(lang) as fam:
        ax = _new_axes(ax, (1.1 * len(scale.points) + (5.5 if wording else 3.5), 0.3 * len(columns) + 1.6))
        hm_kw = {"annot": annot, "fmt": ".0f", "cmap": cmap, "cbar": not annot, "linewidths": 0.5,
                 "linecolor": "white", "vmin": 0, "annot_kws": {"fontsize": 7.5}}
        hm_kw.update(kw)
        xl = [("\n".join([str(p), _wrap(scale.label(p, lang), 12)]) if scale.label(p, lang) else str(p))
              for p in scale.points]
        yl = [labels.item(c, wording, label_width) for c in columns]
        with _quiet():
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
        _title(ax, title, _v("answer_dist", lang) + " (%)", pad=30 if any(scale.label(p, lang) for p in scale.points) else 18)
        cbar_ax = ax.collections[0].colorbar.ax if ax.collections and ax.collections[0].colorbar else None
    return _finish(ax, fam, cbar_ax)


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
    """
    import seaborn as sns

    from servqual.psychometrics.stats import sufficient_stats

    lang = check_lang(lang)
    df = _frame(data)
    inst = _instrument(instrument, data if instrument is not None else None)
    labels = _Labels(inst, lang)
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
    with _drawing(lang) as fam:
        size = min(max(0.42 * n + 2.5, 5.0), 14.0)
        ax = _new_axes(ax, (size + 2.8, size))
        mask = np.triu(np.ones((n, n), dtype=bool), k=1) if triangle else None
        hm_kw = {"cmap": "RdBu_r", "vmin": -1, "vmax": 1, "center": 0, "square": False, "annot": annot, "fmt": ".2f",
                 "linewidths": 0.4, "linecolor": "white", "annot_kws": {"fontsize": 7},
                 "cbar_kws": {"shrink": 0.6, "label": "r"}}
        hm_kw.update(kw)
        with _quiet():
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
        _title(ax, title, _v("corr", lang))
        cbar = ax.collections[0].colorbar if ax.collections else None
    return _finish(ax, fam, cbar.ax if cbar is not None else None)


# --------------------------------------------------------------------------------------------------
# Factor analysis
# --------------------------------------------------------------------------------------------------
_EIGEN_ATTRS = ("observed", "eigenvalues", "values", "correlation")
_THRESH_ATTRS = ("thresholds", "threshold", "simulated", "random", "quantile", "fa_simulated", "pc_simulated")


def _as_vector(x, what: str) -> np.ndarray:
    if isinstance(x, pd.DataFrame):
        if x.shape[1] == 1:
            x = x.iloc[:, 0]
        else:
            raise AnalysisError(f"{what}: give one column (a Series or array), got a table with columns "
                                f"{', '.join(map(str, x.columns))}")
    v = np.asarray(x, dtype=float).ravel()
    if v.size == 0 or not np.all(np.isfinite(v)):
        raise AnalysisError(f"{what} must be a non-empty array of finite numbers")
    return v


def _unpack_eigen(eigenvalues, thresholds, kind: str):
    """(observed, thresholds or None, suggested count or None) from arrays/Series or a result (duck-typed)."""
    ev, th, suggested = eigenvalues, thresholds, None
    if not isinstance(ev, (np.ndarray, pd.Series, pd.DataFrame, list, tuple)):
        obj = ev
        ev = next((getattr(obj, a) for a in _EIGEN_ATTRS if getattr(obj, a, None) is not None), None)
        if ev is None:
            raise TypeError(f"eigenvalues must be an array / Series or a result with one of the attributes "
                            f"{', '.join(_EIGEN_ATTRS)}, got {type(obj).__name__}")
        if th is None and not isinstance(ev, pd.DataFrame):
            th = next((getattr(obj, a) for a in _THRESH_ATTRS if getattr(obj, a, None) is not None), None)
        count = getattr(obj, "n_components" if kind == "pc" else "n_factors", None)
        suggested = int(count) if isinstance(count, (int, np.integer)) else None
    if isinstance(ev, pd.DataFrame):
        # a parallel-analysis table: {kind}_observed with {kind}_sim_q (threshold) / {kind}_sim_mean
        obs = [c for c in (f"{kind}_observed", "observed", "eigenvalue", kind) if c in ev.columns]
        if th is None:
            tcols = [c for c in (f"{kind}_sim_q", f"{kind}_threshold", "threshold", f"{kind}_sim_mean", "simulated",
                                 "quantile", "random") if c in ev.columns]
            th = ev[tcols[0]] if tcols else None
        if not obs:
            raise AnalysisError(f"cannot find the observed eigenvalues among the columns {', '.join(map(str, ev.columns))}; "
                                "pass arrays")
        ev = ev[obs[0]]
    if isinstance(th, pd.DataFrame):
        tcols = [c for c in (f"{kind}_sim_q", "threshold", "simulated", "quantile", "random") if c in th.columns]
        th = th[tcols[0]] if tcols else th
    ev = _as_vector(ev, "eigenvalues")
    if th is not None:
        th = _as_vector(th, "thresholds")
        if th.size < ev.size:
            th = np.concatenate([th, np.full(ev.size - th.size, np.nan)])
        th = th[: ev.size]
    return ev, th, suggested


def scree_plot(eigenvalues, thresholds=None, *, kind: str = "pc", kaiser: bool | None = None, n_factors: int | None = None,
               max_factors: int | None = None, title=None, ax=None, lang: str = "zh", **kw):
    """Scree plot of the observed eigenvalues with parallel-analysis thresholds.

    Parameters
    ----------
    eigenvalues : array, Series or result
        Observed eigenvalues, largest first (e.g. ``servqual.eigenvalues(...).correlation``). A result
        is duck-typed: its ``observed`` / ``eigenvalues`` / ``correlation`` attribute; a parallel-analysis
        result whose ``eigenvalues`` is a table (``pc_observed, pc_sim_q, fa_observed, fa_sim_q`` as
        :func:`servqual.efa.parallel_analysis`) gives both the eigenvalues and the thresholds of ``kind``,
        and its suggested ``n_components`` / ``n_factors``.
    thresholds : array or Series, optional
        Eigenvalues of random data of the same size (mean or 95th percentile), from any parallel
        analysis; the leading factors whose observed eigenvalue exceeds its threshold are highlighted.
    kind : {"pc", "fa"}
        Which eigenvalues to read from a parallel-analysis table: of the correlation matrix
        (components, default) or of the reduced matrix (common factors).
    kaiser : bool, optional
        Draw the eigenvalue = 1 line (default: for ``kind="pc"`` only; it has no meaning for
        reduced-matrix eigenvalues).
    n_factors : int, optional
        Number of factors to mark as suggested (default: the count of leading eigenvalues above the
        thresholds when they are given).
    max_factors : int, optional
        Show only the first ``max_factors`` eigenvalues.
    title, ax, lang
    **kw
        Passed to ``Axes.plot`` for the observed line.

    Returns
    -------
    matplotlib.axes.Axes
        Line 0 = observed eigenvalues (one marker per factor), then the thresholds line (if given) and
        the Kaiser line (if asked).

    Notes
    -----
    Horn (1965): retain the leading factors whose eigenvalues exceed those of random data. Kaiser (1960)
    rule: eigenvalue > 1, known to over-extract.
    """
    lang = check_lang(lang)
    if kind not in ("pc", "fa"):
        raise AnalysisError("kind must be 'pc' (components) or 'fa' (common factors)")
    if kaiser is None:
        kaiser = kind == "pc"
    ev, th, suggested = _unpack_eigen(eigenvalues, thresholds, kind)
    if n_factors is None:
        n_factors = suggested
    if max_factors is not None:
        ev = ev[:max_factors]
        th = th[:max_factors] if th is not None else None
    x = np.arange(1, ev.size + 1)
    if n_factors is None and th is not None:
        above = ev > np.nan_to_num(th, nan=np.inf)
        n_factors = int(np.argmin(above)) if not above.all() else int(above.size)
    with _drawing(lang) as fam:
        ax = _new_axes(ax, (7.0, 4.5))
        line_kw = {"color": PALETTE["blue"], "marker": "o", "linewidth": 2, "markersize": 6}
        line_kw.update(kw)
        ax.plot(x, ev, label=_v("observed", lang), zorder=3, **line_kw)
        if th is not None:
            ax.plot(x, th, color=PALETTE["orange"], linestyle="--", marker="s", markersize=4, linewidth=1.6,
                    label=_v("threshold", lang), zorder=2)
        if kaiser:
            ax.axhline(1.0, color=PALETTE["grey"], linestyle=":", linewidth=1.2, label=_v("kaiser", lang), zorder=1)
        if n_factors:
            ax.scatter(x[:n_factors], ev[:n_factors], s=110, facecolors="none", edgecolors=PALETTE["red"],
                       linewidths=1.6, zorder=4, label=_v("retain", lang, k=n_factors))
        ax.set_xticks(x if x.size <= 30 else x[::max(1, x.size // 15)])
        ax.set_xlabel(_v("component", lang))
        ax.set_ylabel(_v("eigenvalue", lang))
        ax.set_ylim(bottom=min(0.0, float(np.nanmin(ev))))
        _tidy(ax, "y")
        ax.legend(frameon=False, fontsize=9)
        _title(ax, title, _v("scree", lang))
    return _finish(ax, fam)


_FACTOR_RE = re.compile(r"^(?:MR|PA|ML|F|RC|TC|PC|Factor|factor|f)\s*_?(\d+)$")


def loading_heatmap(loadings, instrument: Instrument | None = None, *, threshold: float = 0.3, sort: bool = True,
                    wording: bool = False, label_width: int = 30, annot: bool = True, title=None, ax=None,
                    lang: str = "zh", **kw):
    """Heatmap of factor loadings (items x factors); loadings below ``threshold`` in absolute value greyed.

    Parameters
    ----------
    loadings : pandas.DataFrame or result
        Items (rows) x factors (columns); or a result with a ``loadings`` DataFrame (EFA / CFA results).
    instrument : Instrument, optional
        Labels items (id, and wording if ``wording``) and factors named after dimensions.
    threshold : float, default 0.3
        |loading| below it is drawn in grey (the usual salience cut-off, e.g. Hair et al. 2019).
    sort : bool
        Order items by their strongest factor, then by the size of that loading (as ``psych::fa.sort``).
    annot : bool
        Print the loadings.
    title, ax, lang
    **kw
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib.axes.Axes
        One row per item, one column per factor; factors named like ``MR1`` / ``PA2`` / ``F3`` are shown
        as "Factor 1" / "因子 1".
    """
    import seaborn as sns
    from matplotlib.colors import ListedColormap

    lang = check_lang(lang)
    if not isinstance(loadings, pd.DataFrame):
        inner = getattr(loadings, "loadings", None)
        if not isinstance(inner, pd.DataFrame):
            raise TypeError(f"loadings must be a DataFrame (items x factors) or a result with .loadings, got "
                            f"{type(loadings).__name__}")
        loadings = inner
    lo = loadings.apply(pd.to_numeric, errors="coerce").astype(float)
    if lo.empty:
        raise AnalysisError("the loadings table is empty")
    if sort:
        a = lo.abs().fillna(0)
        main = a.to_numpy().argmax(axis=1)
        order = sorted(range(len(lo)), key=lambda i: (main[i], -a.iat[i, main[i]]))
        lo = lo.iloc[order]
    labels = _Labels(_instrument(instrument), lang)
    rows = [labels.item(i, wording, label_width) for i in lo.index]

    def fname(c):
        m = _FACTOR_RE.match(str(c))
        if m:
            return _v("factor", lang, i=int(m.group(1)))
        return labels.any(c, 16)

    cols = [fname(c) for c in lo.columns]
    small = lo.abs() < threshold
    with _drawing(lang) as fam:
        ax = _new_axes(ax, (1.2 * lo.shape[1] + (6 if wording else 3), 0.3 * lo.shape[0] + 1.6))
        hm_kw = {"cmap": "RdBu_r", "vmin": -1, "vmax": 1, "center": 0, "linewidths": 0.5, "linecolor": "white",
                 "cbar_kws": {"shrink": 0.6, "label": _v("loadings", lang)}}
        hm_kw.update(kw)
        shown = pd.DataFrame(lo.to_numpy(), index=rows, columns=cols)
        with _quiet():
            sns.heatmap(shown, mask=small.to_numpy() | lo.isna().to_numpy(), ax=ax, **hm_kw)
            sns.heatmap(shown, mask=~small.to_numpy(), cmap=ListedColormap(["#efefef"]), cbar=False, ax=ax,
                        linewidths=0.5, linecolor="white")
        if annot:
            for i in range(lo.shape[0]):
                for j in range(lo.shape[1]):
                    v = lo.iat[i, j]
                    if not np.isfinite(v):
                        continue
                    strong = abs(v) >= threshold
                    ax.text(j + 0.5, i + 0.5, f"{round(v, 2) + 0.0:.2f}", ha="center", va="center", fontsize=8,
                            color=("white" if abs(v) > 0.6 else PALETTE["dark"]) if strong else "#a6a6a6",
                            fontweight="bold" if strong else "normal")
        ax.set_yticks(np.arange(len(rows)) + 0.5, rows, rotation=0, fontsize=8.5)
        ax.set_xticks(np.arange(len(cols)) + 0.5, cols, rotation=0, fontsize=9)
        ax.xaxis.tick_top()
        ax.tick_params(axis="both", length=0)
        ax.set_xlabel(_v("small", lang, t=f"{threshold:g}"), fontsize=8.5, color=PALETTE["grey"])
        _title(ax, title, _v("loadings", lang), pad=18)
        cbar = ax.collections[0].colorbar
    return _finish(ax, fam, cbar.ax if cbar is not None else None)


# --------------------------------------------------------------------------------------------------
# SERVQUAL gaps
# --------------------------------------------------------------------------------------------------
def _gap_rows(gap, level: str, cols) -> tuple[pd.DataFrame, float]:
    tab = _result_table(gap, "gap")
    ci = float(getattr(gap, "ci", 0.95) or 0.95)
    _need(tab, cols, "the gap table")
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
    """
    lang = check_lang(lang)
    if level not in ("item", "dimension"):
        raise AnalysisError("level must be 'item' or 'dimension'")
    tab, _ = _gap_rows(gap, level, ["dimension", "item", "expectation", "perception", "gap"])
    if level == "dimension" and "level" in tab.columns:
        tab = tab[tab["level"] == "dimension"]
    labels = _Labels(_instrument(instrument), lang)
    with _drawing(lang) as fam:
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
        ax = _new_axes(ax, (10.0 if level == "item" else 7.5, 0.34 * (len(rows) + len(headers)) + 1.6))
        y = np.array([r[0] for r in rows])
        e = np.array([float(r[2]["expectation"]) for r in rows])
        p = np.array([float(r[2]["perception"]) for r in rows])
        ax.hlines(y, np.minimum(e, p), np.maximum(e, p), color=PALETTE["light"], linewidth=3.2, zorder=1)
        sc_kw = {"s": 46, "zorder": 3}
        sc_kw.update(kw)
        ax.scatter(e, y, color=PALETTE["blue"], label=_v("expectation", lang), **sc_kw)
        ax.scatter(p, y, color=PALETTE["orange"], label=_v("perception", lang), **sc_kw)
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
        ax.set_xlabel(_v("mean_score", lang))
        ax.text(1.01, 1.0, "G", transform=ax.transAxes, ha="left", va="bottom", fontsize=8.5, fontweight="bold")
        _tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        _legend_below(ax, created, 2, fontsize=9)
        _title(ax, title, _v("dumbbell", lang))
    return _finish(ax, fam)


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
    labels = _Labels(_instrument(instrument), lang)
    names = [labels.dim(r["dimension"]) if (level == "dimension" or r.get("level") in ("overall", "total"))
             else labels.item(r["item"], wording, label_width) for _, r in tab.iterrows()]
    g = tab["gap"].to_numpy(dtype=float)
    lo = tab["ci_low"].to_numpy(dtype=float)
    hi = tab["ci_high"].to_numpy(dtype=float)
    is_total = np.arange(len(tab)) >= len(body)
    with _drawing(lang) as fam:
        ax = _new_axes(ax, (8.0, 0.38 * len(tab) + 1.5))
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
        ax.set_xlabel(_v("gap", lang))
        _tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        _title(ax, title, _v("gap_title", lang, ci=ci))
    return _finish(ax, fam)


# --------------------------------------------------------------------------------------------------
# IPA, radar, Kano
# --------------------------------------------------------------------------------------------------
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
    """
    lang = check_lang(lang)
    tab = _result_table(table, "table")
    if crosshair is None:
        crosshair = getattr(table, "crosshair", None)
    name_col = "attribute" if "attribute" in tab.columns else "item"
    _need(tab, [name_col, "importance", "performance"], "ipa_plot")
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
    labels = _Labels(_instrument(instrument), lang)
    with _drawing(lang) as fam:
        created = ax is None
        ax = _new_axes(ax, (8.0, 6.5))
        sc_kw = {"s": 48, "edgecolor": "white", "linewidth": 0.7, "zorder": 3}
        sc_kw.update(kw)
        for code, (zh, en, color) in _IPA_QUADRANTS.items():
            m = quad == code
            ax.scatter(perf[m], imp[m], color=color, label=zh if lang == "zh" else en, **sc_kw)
        other = ~np.isin(quad, list(_IPA_QUADRANTS))
        if other.any():
            ax.scatter(perf[other], imp[other], color=PALETTE["dark"], **sc_kw)
        ax.axvline(x0, color=PALETTE["dark"], linewidth=1, linestyle="--", zorder=1)
        ax.axhline(y0, color=PALETTE["dark"], linewidth=1, linestyle="--", zorder=1)
        xr = np.nanmax(perf) - np.nanmin(perf)
        yr = np.nanmax(imp) - np.nanmin(imp)
        xlo, xhi = min(np.nanmin(perf), x0) - 0.12 * xr, max(np.nanmax(perf), x0) + 0.12 * xr
        ylo, yhi = min(np.nanmin(imp), y0) - 0.12 * yr, max(np.nanmax(imp), y0) + 0.12 * yr
        ax.set_xlim(xlo, xhi)
        ax.set_ylim(ylo, yhi)
        if diagonal:
            lo_, hi_ = max(xlo, ylo), min(xhi, yhi)
            ax.plot([lo_, hi_], [lo_, hi_], color=PALETTE["grey"], linewidth=1, linestyle=":", zorder=1)
        corners = {"concentrate_here": (0.02, 0.98, "left", "top"), "keep_up": (0.98, 0.98, "right", "top"),
                   "low_priority": (0.02, 0.02, "left", "bottom"), "possible_overkill": (0.98, 0.02, "right", "bottom")}
        for code, (xa, ya, ha, va) in corners.items():
            zh, en, color = _IPA_QUADRANTS[code]
            ax.text(xa, ya, zh if lang == "zh" else en, transform=ax.transAxes, ha=ha, va=va, fontsize=10,
                    fontweight="bold", color=color, alpha=0.85)
        ax.set_xlabel(_v("performance", lang))
        ax.set_ylabel(_v("importance", lang))
        _tidy(ax, None)
        _legend_below(ax, created, 4)
        _title(ax, title, _v("ipa", lang))
        _finish(ax, fam)  # fonts first: the labels are placed on the final layout
        if label != "none":
            texts = [labels.item(key, label == "wording", label_width) for key in tab[name_col]]
            _apply_fonts(_label_points(ax, perf, imp, texts, color=PALETTE["dark"]), fam)
    return ax


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
    """
    from servqual.service.compare import dimension_scores

    lang = check_lang(lang)
    inst = _instrument(instrument, scores if not isinstance(scores, (pd.Series, pd.DataFrame)) else None)
    seg_name = None
    if isinstance(scores, pd.Series):
        polys = {"": scores.drop(labels=[i for i in ("overall",) if i in scores.index])}
        seg_name = None
    else:
        df = _frame(scores)
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
    labels = _Labels(inst, lang)
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
    with _drawing(lang) as fam:
        ax = _new_axes(ax, (7.0, 6.5), polar=True)
        if getattr(ax, "name", "") != "polar":
            raise AnalysisError("radar_plot needs a polar Axes (plt.subplot(projection='polar'))")
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        color_i = 0
        for key, v in zip(polys.keys(), vals):
            closed = np.r_[v, v[:1]]
            ang = np.r_[angles, angles[:1]]
            if key is None:
                name, color, style = _v("overall", lang), PALETTE["dark"], "--"
            else:
                name = str(segment_labels.get(key, key)) if segment_labels else str(key)
                if seg_name and segment_labels is None:
                    name = f"{seg_name} = {key}"
                color, style = _SERIES[color_i % len(_SERIES)], "-"
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
        _title(ax, title, _v("radar", lang))
    return _finish(ax, fam)


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
    """
    lang = check_lang(lang)
    tab = _result_table(table, "table")
    _need(tab, ["feature", "better", "worse"], "kano_plot")
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
    labels = _Labels(_instrument(instrument), lang)
    with _drawing(lang) as fam:
        created = ax is None
        ax = _new_axes(ax, (7.5, 6.5))
        sc_kw = {"s": 50, "edgecolor": "white", "linewidth": 0.7, "zorder": 3}
        sc_kw.update(kw)
        for code, (zh, en, color) in _KANO.items():
            m = cat == code
            if m.any():
                ax.scatter(worse[m], better[m], color=color, label=f"{code} {zh if lang == 'zh' else en}", **sc_kw)
        other = ~np.isin(cat, list(_KANO))
        if other.any():
            ax.scatter(worse[other], better[other], color=PALETTE["dark"], **sc_kw)
        ax.axvline(x0, color=PALETTE["dark"], linestyle="--", linewidth=1, zorder=1)
        ax.axhline(y0, color=PALETTE["dark"], linestyle="--", linewidth=1, zorder=1)
        ax.set_xlim(0, max(1.0, float(np.nanmax(worse)) + 0.05))
        ax.set_ylim(0, max(1.0, float(np.nanmax(better)) + 0.05))
        corners = {"A": (0.02, 0.98, "left", "top"), "O": (0.98, 0.98, "right", "top"),
                   "I": (0.02, 0.02, "left", "bottom"), "M": (0.98, 0.02, "right", "bottom")}
        for code, (xa, ya, ha, va) in corners.items():
            zh, en, color = _KANO[code]
            ax.text(xa, ya, zh if lang == "zh" else en, transform=ax.transAxes, ha=ha, va=va, fontsize=10,
                    fontweight="bold", color=color, alpha=0.85)
        ax.set_xlabel(_v("worse", lang))
        ax.set_ylabel(_v("better", lang))
        _tidy(ax, None)
        _legend_below(ax, created, 6)
        _title(ax, title, _v("kano", lang))
        _finish(ax, fam)  # fonts first: the labels are placed on the final layout
        if label != "none":
            texts = tab["text"].astype(str).tolist() if "text" in tab.columns and lang == "zh" else None
            names = []
            for i, key in enumerate(tab["feature"]):
                if label == "wording":
                    names.append(f"{key} {_shorten(texts[i], label_width)}" if texts
                                 else labels.item(key, True, label_width))
                else:
                    names.append(str(key))
            _apply_fonts(_label_points(ax, worse, better, names, color=PALETTE["dark"]), fam)
    return ax


# --------------------------------------------------------------------------------------------------
# Weights, AHP, ranking
# --------------------------------------------------------------------------------------------------
def _weights_input(weights):
    if isinstance(weights, (pd.Series, pd.DataFrame)):
        return weights
    if isinstance(weights, Mapping):
        vals = list(weights.values())
        if vals and all(isinstance(v, (pd.Series, Mapping)) or hasattr(v, "weights") for v in vals):
            return pd.DataFrame({k: pd.Series(dict(getattr(v, "weights", v))) for k, v in weights.items()})
        return pd.Series(dict(weights), dtype=float)
    w = getattr(weights, "weights", None)
    if isinstance(w, pd.Series):
        tab = getattr(weights, "table", None)
        coef = getattr(weights, "coefficients", None)
        # a combined result: the combined weights next to the weights it combined
        if isinstance(tab, pd.DataFrame) and isinstance(coef, pd.Series) and "indicator" in tab.columns:
            methods = [str(m) for m in coef.index if str(m) in tab.columns]
            if methods:
                name = str(getattr(weights, "method", "combined"))
                out = pd.DataFrame({name: w})
                for m in methods:
                    out[m] = tab.set_index("indicator")[m].reindex(out.index).to_numpy()
                return out
        return w
    raise TypeError(f"weights must be a Series, a DataFrame (indicators x methods), a dict or a result with "
                    f".weights, got {type(weights).__name__}")


def weights_bar(weights, instrument: Instrument | None = None, *, sort: bool = True, top: int | None = None,
                label_width: int = 30, title=None, ax=None, lang: str = "zh", **kw):
    """Horizontal bar chart of indicator weights, largest first, values written on the bars.

    Parameters
    ----------
    weights : Series, DataFrame, dict or result
        A Series (or ``{indicator: weight}``, or a result with ``.weights``): one bar per indicator. A
        DataFrame with indicators as rows and methods as columns (or ``{method: Series}``): grouped bars
        to compare methods (sorted by the first column).
    instrument : Instrument, optional
        Names dimensions, items (by id or column) and KPIs in ``lang``.
    sort : bool
        Largest weight first.
    top : int, optional
        Show only the ``top`` largest weights.
    label_width, title, ax, lang
    **kw
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per indicator (per method for a DataFrame).
    """
    lang = check_lang(lang)
    w = _weights_input(weights)
    frame = w.to_frame(_v("weight", lang)) if isinstance(w, pd.Series) else w
    frame = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    if frame.empty or frame.isna().all().all():
        raise AnalysisError("no weights to plot")
    if sort:
        frame = frame.sort_values(frame.columns[0], ascending=False)
    if top:
        frame = frame.iloc[:top]
    labels = _Labels(_instrument(instrument), lang)
    names = [labels.any(i, label_width) for i in frame.index]
    k = frame.shape[1]
    with _drawing(lang) as fam:
        ax = _new_axes(ax, (8.0, (0.34 if k == 1 else 0.22 * k + 0.15) * len(frame) + 1.4))
        y = np.arange(len(frame), dtype=float)
        h = 0.72 / k
        vmax = float(np.nanmax(frame.to_numpy()))
        for j, col in enumerate(frame.columns):
            yy = y - 0.36 + h * (j + 0.5)
            vals = frame[col].to_numpy()
            bar_kw = {"height": h * 0.92}
            bar_kw.update(kw)
            name = _METHODS[str(col).lower()][0 if lang == "zh" else 1] if str(col).lower() in _METHODS else str(col)
            ax.barh(yy, vals, color=_SERIES[j % len(_SERIES)], label=name, zorder=2, **bar_kw)
            for yi, v in zip(yy, vals):
                if np.isfinite(v):
                    ax.text(v + 0.01 * vmax, yi, f"{v:.3f}", va="center", ha="left", fontsize=7.5 if k > 1 else 8)
        ax.set_yticks(y, names, fontsize=9)
        ax.set_ylim(len(frame) - 0.5, -0.6)
        ax.set_xlim(0, vmax * 1.15)
        ax.set_xlabel(_v("weight", lang))
        _tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        if k > 1:
            ax.legend(frameon=False, fontsize=9, loc="lower right")
        _title(ax, title, _v("weights", lang))
    return _finish(ax, fam)


def _ahp_tables(criteria, indicators) -> pd.DataFrame:
    """Tidy ``criterion, indicator, local, global, criterion_weight`` from the accepted inputs."""
    if isinstance(criteria, pd.DataFrame) or isinstance(getattr(criteria, "table", None), pd.DataFrame):
        t = _result_table(criteria, "criteria").copy()
        t = t.rename(columns={"local_weight": "local", "global_weight": "global"})
        _need(t, ["criterion", "indicator", "local"], "the AHP table")
        if "criterion_weight" not in t.columns:
            if "global" not in t.columns:
                raise AnalysisError("the AHP table needs criterion_weight or global weights")
            cw = t.groupby("criterion", sort=False)["global"].sum()
            t["criterion_weight"] = t["criterion"].map(cw)
        if "global" not in t.columns:
            t["global"] = t["criterion_weight"] * t["local"]
        return t[["criterion", "indicator", "local", "global", "criterion_weight"]].reset_index(drop=True)
    if not isinstance(criteria, Mapping):
        cw = getattr(criteria, "weights", None)
        if cw is None:
            raise TypeError("criteria must be a dict {criterion: local weight}, a tidy table or an AHP hierarchy result")
        criteria = dict(cw)
    rows = []
    indicators = indicators or {}
    for c, wc in dict(criteria).items():
        sub = indicators.get(c)
        if sub is None:
            rows.append({"criterion": c, "indicator": None, "local": np.nan, "global": float(wc),
                         "criterion_weight": float(wc)})
            continue
        sub = dict(getattr(sub, "weights", sub))
        for ind, lw in sub.items():
            rows.append({"criterion": c, "indicator": ind, "local": float(lw), "global": float(wc) * float(lw),
                         "criterion_weight": float(wc)})
    return pd.DataFrame(rows)


def ahp_hierarchy_plot(criteria, indicators=None, *, goal: str | None = None, instrument: Instrument | None = None,
                       label_width: int = 22, title=None, ax=None, lang: str = "zh", **kw):
    """AHP hierarchy as a tree: goal -> criteria (local weight) -> indicators (local and global weight).

    Parameters
    ----------
    criteria : dict, DataFrame or AHPHierarchyResult
        ``{criterion: local weight}`` (with ``indicators``), or a tidy table with ``criterion, indicator,
        local, global`` (``local_weight, global_weight, criterion_weight`` as in
        :func:`servqual.weights.ahp_hierarchy`'s table), or that result itself.
    indicators : dict, optional
        ``{criterion: {indicator: local weight}}`` (values may be AHP results).
    goal : str, optional
        Goal text (default: the instrument's hierarchy goal, else "目标" / "Goal").
    instrument : Instrument, optional
        Names criteria and indicators (hierarchy, dimensions, items, KPIs) in ``lang``.
    label_width, title, ax, lang
    **kw
        Passed to ``Axes.barh`` (the global-weight bars).

    Returns
    -------
    matplotlib.axes.Axes
        Boxes for the goal, every criterion and every indicator, connectors whose width follows the
        weights, and a bar of each indicator's global weight on the right.
    """
    lang = check_lang(lang)
    t = _ahp_tables(criteria, indicators)
    if t.empty:
        raise AnalysisError("the hierarchy has no criteria")
    inst = _instrument(instrument)
    labels = _Labels(inst, lang)
    if goal is None:
        goal = (inst.hierarchy.goal.get(lang) if inst is not None and inst.hierarchy is not None else "") or _v("goal", lang)
    crits = list(dict.fromkeys(t["criterion"]))
    n_leaf = sum(max(int(t["criterion"].eq(c).sum()), 1) for c in crits)
    with _drawing(lang) as fam:
        ax = _new_axes(ax, (12.0, 0.42 * n_leaf + 1.4))
        box = {"boxstyle": "round,pad=0.35", "linewidth": 1.0}
        # leaf rows (top to bottom), criteria centred on their indicators
        leaf_y, crit_y, y = [], {}, 0.0
        for c in crits:
            sub = t[t["criterion"] == c]
            ys = []
            for _, r in sub.iterrows():
                if r["indicator"] is not None and not (isinstance(r["indicator"], float) and np.isnan(r["indicator"])):
                    leaf_y.append((y, r))
                    ys.append(y)
                    y += 1
            if not ys:
                ys = [y]
                y += 1
            crit_y[c] = float(np.mean(ys))
            y += 0.4
        goal_y = float(np.mean(list(crit_y.values())))
        x_goal, x_crit, x_ind, x_bar = 0.0, 1.0, 2.15, 3.35
        cw = t.drop_duplicates("criterion").set_index("criterion")["criterion_weight"]
        gmax = float(t["global"].max()) if t["global"].notna().any() else 1.0
        goal_t = ax.text(x_goal, goal_y, _shorten(goal, 14), ha="center", va="center", fontsize=10.5, fontweight="bold",
                         color="white", bbox={**box, "facecolor": PALETTE["dark"], "edgecolor": PALETTE["dark"]}, zorder=3)
        crit_t = {}
        for c in crits:
            crit_t[c] = ax.text(x_crit, crit_y[c], f"{labels.any(c, 16)}\n{float(cw[c]):.3f}", ha="center", va="center",
                                fontsize=9.5, color="white", fontweight="bold",
                                bbox={**box, "facecolor": PALETTE["blue"], "edgecolor": PALETTE["blue"]}, zorder=3)
        loc_w = _v("local", lang)
        leaf_t = []
        for yy, r in leaf_y:
            leaf_t.append(ax.text(x_ind, yy, f"{labels.any(r['indicator'], label_width)}  ({loc_w} {float(r['local']):.3f})",
                                  ha="left", va="center", fontsize=8.5, color=PALETTE["dark"],
                                  bbox={**box, "facecolor": "#fbeee2", "edgecolor": PALETTE["orange"]}, zorder=3))

        def connect(parent, child, color, width):
            ax.annotate("", xy=(0, 0.5), xycoords=child, xytext=(1, 0.5), textcoords=parent, zorder=1,
                        arrowprops={"arrowstyle": "-", "color": color, "linewidth": width, "shrinkA": 6, "shrinkB": 6,
                                    "connectionstyle": "arc3,rad=0"})

        for c in crits:
            connect(goal_t, crit_t[c], "#9fb6cc", 0.8 + 6 * float(cw[c]))
        for (yy, r), t in zip(leaf_y, leaf_t):
            connect(crit_t[r["criterion"]], t, "#d9b99b", 0.6 + 5 * float(r["local"]))
        bar_kw = {"height": 0.55, "color": PALETTE["orange"]}
        bar_kw.update(kw)
        if leaf_y:
            ys = np.array([yy for yy, _ in leaf_y])
            gs = np.array([float(r["global"]) for _, r in leaf_y])
            ax.barh(ys, gs / gmax * 0.9, left=x_bar, zorder=2, **bar_kw)
            for yy, g in zip(ys, gs):
                ax.text(x_bar + g / gmax * 0.9 + 0.03, yy, f"{g:.3f}", va="center", ha="left", fontsize=8)
            ax.text(x_bar, -0.9, f"{_v('global_weight', lang)}", ha="left", va="center", fontsize=9,
                    fontweight="bold", color=PALETTE["dark"])
        ax.set_xlim(-0.45, x_bar + 1.25)
        ax.set_ylim(max(y - 0.4, 1) + 0.2, -1.4)
        ax.axis("off")
        _title(ax, title, _v("ahp", lang))
    return _finish(ax, fam)


_SCORE_COLS = ("closeness", "score", "index", "composite", "grade", "relational_grade", "value", "mean")


def ranking_plot(scores, *, column: str | None = None, top: int | None = None, instrument: Instrument | None = None,
                 label_width: int = 24, title=None, ax=None, lang: str = "zh", **kw):
    """Ranking of alternatives by TOPSIS closeness or a composite score, best at the top.

    Parameters
    ----------
    scores : DataFrame, Series or result
        A table indexed by alternative with ``closeness`` (TOPSIS, :func:`servqual.evaluate.topsis`) or
        ``score`` / ``index`` / ``grade`` / ``mean`` and optionally ``rank``; a Series of scores; or a
        result with ``.table`` / ``.scores``.
    column : str, optional
        Score column (default: the first of closeness, score, index, composite, grade, relational_grade,
        value, mean).
    top : int, optional
        Show only the best ``top``.
    instrument : Instrument, optional
        Names alternatives that are dimensions or items.
    label_width, title, ax, lang
    **kw
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per alternative, sorted by rank (best at the top), labelled "#rank  name" ("第rank名  name")
        with the score at the bar end.
    """
    lang = check_lang(lang)
    if isinstance(scores, pd.Series):
        tab = scores.to_frame("score")
    elif isinstance(scores, pd.DataFrame):
        tab = scores
    else:
        tab = getattr(scores, "table", None)
        if not isinstance(tab, pd.DataFrame):
            s = getattr(scores, "scores", None)
            if not isinstance(s, pd.Series):
                raise TypeError(f"scores must be a DataFrame, a Series or a result with .table, got {type(scores).__name__}")
            tab = s.to_frame("score")
    if column is None:
        column = next((c for c in _SCORE_COLS if c in tab.columns), None)
        if column is None:
            num = [c for c in tab.columns if pd.api.types.is_numeric_dtype(tab[c]) and c != "rank"]
            if not num:
                raise AnalysisError("no score column found; pass column=")
            column = num[0]
    _need(tab, [column], "ranking_plot")
    if "segment" in tab.columns and tab.index.equals(pd.RangeIndex(len(tab))):
        tab = tab.set_index("segment")
    vals = tab[column].astype(float)
    rank = tab["rank"].astype(int) if "rank" in tab.columns else vals.rank(ascending=False, method="min").astype(int)
    order = np.lexsort((-vals.to_numpy(), rank.to_numpy()))
    tab, vals, rank = tab.iloc[order], vals.iloc[order], rank.iloc[order]
    if top:
        tab, vals, rank = tab.iloc[:top], vals.iloc[:top], rank.iloc[:top]
    labels = _Labels(_instrument(instrument), lang)
    names = [(f"第{r}名  " if lang == "zh" else f"#{r}  ") + labels.any(i, label_width) for i, r in zip(tab.index, rank)]
    import seaborn as sns

    with _drawing(lang) as fam:
        ax = _new_axes(ax, (8.0, 0.34 * len(tab) + 1.4))
        y = np.arange(len(tab))
        v = vals.to_numpy()
        span = np.nanmax(v) - np.nanmin(v)
        shade = (v - np.nanmin(v)) / span if span > 0 else np.ones_like(v)
        cmap = sns.light_palette(PALETTE["blue"], as_cmap=True)
        bar_kw = {"height": 0.68}
        bar_kw.update(kw)
        ax.barh(y, v, color=[cmap(0.35 + 0.65 * s) for s in shade], zorder=2, **bar_kw)
        vmax = float(np.nanmax(np.abs(v)))
        for yi, val in zip(y, v):
            ax.text(val + 0.01 * vmax, yi, f"{val:.3f}", va="center", ha="left", fontsize=8)
        ax.set_yticks(y, names, fontsize=9)
        ax.set_ylim(len(tab) - 0.5, -0.6)
        if np.nanmin(v) >= 0:
            ax.set_xlim(0, vmax * 1.12)
        ax.set_xlabel(_v("closeness", lang) if column == "closeness" else (
            _v("score", lang) if column in ("score", "index", "composite", "mean") else str(column)))
        _tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        _title(ax, title, _v("ranking", lang))
    return _finish(ax, fam)
