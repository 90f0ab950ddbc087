"""Figures of indicator weights: weight bars (one method or several) and the AHP hierarchy.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> from servqual.reporting.plots.weights import weights_bar
>>> ax = weights_bar({"entropy": {"q01": 0.2, "q02": 0.5, "q03": 0.3},
...                   "critic": {"q01": 0.3, "q02": 0.4, "q03": 0.3}}, lang="en")
>>> len(ax.patches), [t.get_text() for t in ax.get_legend().get_texts()]
(6, ['Entropy', 'CRITIC'])
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from servqual._text import check_lang
from servqual.exceptions import AnalysisError
from servqual.labels import METHODS
from servqual.reporting.plots.base import (
    Labels, finish, need_columns, new_axes, plot_instrument, result_table, set_title, shorten, tidy,
)
from servqual.reporting.plots.style import PALETTE, SERIES, drawing, term
from servqual.survey.instrument import Instrument

__all__ = ["weights_bar", "ahp_hierarchy_plot"]


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

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = weights_bar({"q01": 0.2, "q02": 0.5, "q03": 0.3}, lang="en")
    >>> [t.get_text() for t in ax.get_yticklabels()]  # largest first
    ['q02', 'q03', 'q01']
    >>> matplotlib.pyplot.close("all")
    """
    lang = check_lang(lang)
    w = _weights_input(weights)
    frame = w.to_frame(term("weight", lang)) if isinstance(w, pd.Series) else w
    frame = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    if frame.empty or frame.isna().all().all():
        raise AnalysisError("no weights to plot")
    if sort:
        frame = frame.sort_values(frame.columns[0], ascending=False)
    if top:
        frame = frame.iloc[:top]
    labels = Labels(plot_instrument(instrument), lang)
    names = [labels.any(i, label_width) for i in frame.index]
    k = frame.shape[1]
    with drawing(lang) as fam:
        ax = new_axes(ax, (8.0, (0.34 if k == 1 else 0.22 * k + 0.15) * len(frame) + 1.4))
        y = np.arange(len(frame), dtype=float)
        h = 0.72 / k
        vmax = float(np.nanmax(frame.to_numpy()))
        for j, col in enumerate(frame.columns):
            yy = y - 0.36 + h * (j + 0.5)
            vals = frame[col].to_numpy()
            bar_kw = {"height": h * 0.92}
            bar_kw.update(kw)
            code = str(col).lower()
            name = METHODS[code].get(lang) if code in METHODS else str(col)
            ax.barh(yy, vals, color=SERIES[j % len(SERIES)], label=name, zorder=2, **bar_kw)
            for yi, v in zip(yy, vals):
                if np.isfinite(v):
                    ax.text(v + 0.01 * vmax, yi, f"{v:.3f}", va="center", ha="left", fontsize=7.5 if k > 1 else 8)
        ax.set_yticks(y, names, fontsize=9)
        ax.set_ylim(len(frame) - 0.5, -0.6)
        ax.set_xlim(0, vmax * 1.15)
        ax.set_xlabel(term("weight", lang))
        tidy(ax, "x")
        ax.tick_params(axis="y", length=0)
        if k > 1:
            ax.legend(frameon=False, fontsize=9, loc="lower right")
        set_title(ax, title, term("weights", lang))
    return finish(ax, fam)


def _ahp_tables(criteria, indicators) -> pd.DataFrame:
    """Tidy ``criterion, indicator, local, global, criterion_weight`` from the accepted inputs."""
    if isinstance(criteria, pd.DataFrame) or isinstance(getattr(criteria, "table", None), pd.DataFrame):
        t = result_table(criteria, "criteria").copy()
        t = t.rename(columns={"local_weight": "local", "global_weight": "global"})
        need_columns(t, ["criterion", "indicator", "local"], "the AHP table")
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

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> ax = ahp_hierarchy_plot({"usefulness": 0.6, "control": 0.4},
    ...                         {"usefulness": {"q01": 0.5, "q02": 0.5}, "control": {"q07": 1.0}},
    ...                         instrument=inst, lang="en")
    >>> len(ax.patches), ax.texts[1].get_text()  # a global-weight bar per indicator; a criterion box
    (3, 'Usefulness\\n0.600')
    >>> matplotlib.pyplot.close("all")
    """
    lang = check_lang(lang)
    t = _ahp_tables(criteria, indicators)
    if t.empty:
        raise AnalysisError("the hierarchy has no criteria")
    inst = plot_instrument(instrument)
    labels = Labels(inst, lang)
    if goal is None:
        goal = (inst.hierarchy.goal.get(lang) if inst is not None and inst.hierarchy is not None else "") or term("goal", lang)
    crits = list(dict.fromkeys(t["criterion"]))
    n_leaf = sum(max(int(t["criterion"].eq(c).sum()), 1) for c in crits)
    with drawing(lang) as fam:
        ax = new_axes(ax, (12.0, 0.42 * n_leaf + 1.4))
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
        goal_t = ax.text(x_goal, goal_y, shorten(goal, 14), ha="center", va="center", fontsize=10.5, fontweight="bold",
                         color="white", bbox={**box, "facecolor": PALETTE["dark"], "edgecolor": PALETTE["dark"]}, zorder=3)
        crit_t = {}
        for c in crits:
            crit_t[c] = ax.text(x_crit, crit_y[c], f"{labels.any(c, 16)}\n{float(cw[c]):.3f}", ha="center", va="center",
                                fontsize=9.5, color="white", fontweight="bold",
                                bbox={**box, "facecolor": PALETTE["blue"], "edgecolor": PALETTE["blue"]}, zorder=3)
        loc_w = term("local", lang)
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
            ax.text(x_bar, -0.9, f"{term('global_weight', lang)}", ha="left", va="center", fontsize=9,
                    fontweight="bold", color=PALETTE["dark"])
        ax.set_xlim(-0.45, x_bar + 1.25)
        ax.set_ylim(max(y - 0.4, 1) + 0.2, -1.4)
        ax.axis("off")
        set_title(ax, title, term("ahp", lang))
    return finish(ax, fam)


