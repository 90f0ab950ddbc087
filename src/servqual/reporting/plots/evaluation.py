"""Figures of comprehensive evaluation: the ranking of alternatives by TOPSIS closeness or a composite score.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import pandas as pd
>>> from servqual.reporting.plots.evaluation import ranking_plot
>>> ax = ranking_plot(pd.Series({"A": 70.0, "B": 82.5, "C": 64.0}), lang="en")
>>> [t.get_text() for t in ax.get_yticklabels()]
['#1  B', '#2  A', '#3  C']
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from servqual._text import check_lang
from servqual.exceptions import AnalysisError
from servqual.reporting.plots.base import Labels, finish, need_columns, new_axes, plot_instrument, set_title, tidy
from servqual.reporting.plots.style import PALETTE, drawing, term
from servqual.survey.instrument import Instrument

__all__ = ["ranking_plot"]


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

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> res = sq.topsis(data.data[list(inst.columns().values())[:6]].head(5), "entropy")
    >>> ax = ranking_plot(res, lang="en")
    >>> ax.get_yticklabels()[0].get_text(), ax.get_xlabel()  # respondent 2 ranks first
    ('#1  2', 'Relative closeness C')
    >>> matplotlib.pyplot.close("all")
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
    need_columns(tab, [column], "ranking_plot")
    if "segment" in tab.columns and tab.index.equals(pd.RangeIndex(len(tab))):
        tab = tab.set_index("segment")
    vals = tab[column].astype(float)
    rank = tab["rank"].astype(int) if "rank" in tab.columns else vals.rank(ascending=False, method="min").astype(int)
    order = np.lexsort((-vals.to_numpy(), rank.to_numpy()))
    tab, vals, rank = tab.iloc[order], vals.iloc[order], rank.iloc[order]
    if top:
        tab, vals, rank = tab.iloc[:top], vals.iloc[:top], rank.iloc[:top]
    labels = Labels(plot_instrument(instrument), lang)
    names = [(f"第{r}名  " if lang == "zh" else f"#{r}  ") + labels.any(i, label_width) for i, r in zip(tab.index, rank)]
    import seaborn as sns

    with drawing(lang) as fam:
        ax = new_axes(ax, (8.0, 0.34 * len(tab) + 1.4))
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
        ax.set_xlabel(term("closeness", lang) if column == "closeness" else (
            term("score", lang) if column in ("score", "index", "composite", "mean") else str(column)))
        tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        set_title(ax, title, term("ranking", lang))
    return finish(ax, fam)

