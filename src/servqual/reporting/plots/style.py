"""The look of every figure: colours, interface words and the Chinese (CJK) font.

Chinese text needs a CJK font. :func:`use_cjk_font` registers the Noto Sans SC font shipped by the
``pylopdf-fonts-zh-cn`` package (SIL Open Font License) -- or, without it, a CJK font already installed
on the system -- with matplotlib's font manager. The plot functions call it themselves and set the font
only on the texts they draw (through :func:`drawing` and :func:`apply_fonts`), so the user's global
``rcParams`` stay as they were; ``use_cjk_font(rc=True)`` opts in to a global default.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> from servqual.reporting.plots.style import PALETTE, IPA_COLORS, term
>>> IPA_COLORS["concentrate_here"] == PALETTE["red"]
True
>>> term("gap_title", "en", ci=0.95)
'SERVQUAL gaps with 95% confidence intervals'
"""

from __future__ import annotations

import unicodedata
import warnings
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.text import Text

from servqual.exceptions import ServqualWarning

__all__ = [
    "PALETTE", "SERIES", "VOCAB", "IPA_COLORS", "KANO_COLORS", "term", "cjk_font_path", "use_cjk_font",
    "font_families", "drawing", "has_cjk", "apply_fonts",
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
#: Colours of successive series (segments, methods).
SERIES = ["#2f6c9f", "#e07b39", "#3a9a5b", "#c23b3b", "#7b5ea7", "#8c6d31", "#d16ba5", "#5f9ea0", "#6b6b6b"]

#: Interface words (what the questionnaire has no wording for): key -> (zh, en).
VOCAB = {
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

#: Colour of each importance-performance quadrant (names in :data:`servqual.labels.IPA_QUADRANTS`).
IPA_COLORS = {
    "concentrate_here": PALETTE["red"],
    "keep_up": PALETTE["green"],
    "low_priority": PALETTE["grey"],
    "possible_overkill": PALETTE["orange"],
}
#: Colour of each Kano category (names in :data:`servqual.labels.KANO_CATEGORIES`).
KANO_COLORS = {
    "A": PALETTE["green"],
    "O": PALETTE["blue"],
    "M": PALETTE["red"],
    "I": PALETTE["grey"],
    "R": PALETTE["orange"],
    "Q": PALETTE["dark"],
}


def term(key: str, lang: str, **fmt) -> str:
    """The interface word ``key`` of :data:`VOCAB` in ``lang``, formatted with ``fmt``.

    Examples
    --------
    >>> term("retain", "en", k=3), term("overall", "zh")
    ('Suggested: 3 factor(s)', '总体')
    """
    s = VOCAB[key][0 if lang == "zh" else 1]
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

    Examples
    --------
    >>> cjk_font_path().name
    'NotoSansSC-Regular.otf'
    """
    here = Path(__file__).parents[2] / "fonts"
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

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> use_cjk_font()  # the font of the pylopdf-fonts-zh-cn dependency
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


def font_families(lang: str) -> list:
    """Font families for a figure in ``lang``: the CJK font first for Chinese, the Latin default first for English.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> font_families("zh")[0], font_families("en")[-1]
    ('Noto Sans SC', 'Noto Sans SC')
    """
    cjk = use_cjk_font()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    latin = [f for f in matplotlib.rcParams["font.sans-serif"] if f in installed and f != cjk][:1] or ["DejaVu Sans"]
    if cjk is None:
        return latin
    return [cjk] + latin if lang == "zh" else latin + [cjk]


@contextmanager
def drawing(lang: str):
    """Temporarily use the figure fonts while the artists are created; yields the font families.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> with drawing("zh") as fam:
    ...     matplotlib.rcParams["font.family"][0] == fam[0]
    True
    """
    fam = font_families(lang)
    with matplotlib.rc_context({"font.family": fam, "axes.unicode_minus": True}):
        yield fam
        # a backend chosen while drawing (e.g. Jupyter's inline backend, on the first figure) switches
        # interactive mode on; leaving rc_context would switch it off again and hide later figures
        interactive = matplotlib.is_interactive()
    if interactive and not matplotlib.is_interactive():
        matplotlib.interactive(True)


def has_cjk(s: str) -> bool:
    """Whether ``s`` holds a wide (Chinese, Japanese, Korean) character.

    Examples
    --------
    >>> has_cjk("服务 quality"), has_cjk("quality")
    (True, False)
    """
    return any(unicodedata.east_asian_width(c) in "WF" for c in s)


def _has_bold(family: str) -> bool:
    return any(f.name == family and (f.weight in ("bold", "heavy", "black", "demibold", "semibold")
                                     or (isinstance(f.weight, int) and f.weight >= 600))
               for f in font_manager.fontManager.ttflist)


def apply_fonts(artists, fam: list) -> None:
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
            if bold and not has_cjk(t.get_text()):
                t.set_fontfamily(latin)
            else:
                t.set_fontfamily(fam)
                if bold and cjk is not None and not cjk_bold:
                    t.set_fontweight("normal")
                    t.set_path_effects([patheffects.withStroke(linewidth=0.6, foreground=t.get_color())])


