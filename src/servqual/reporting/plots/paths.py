"""Path diagrams of structural models: constructs as ellipses, paths as arrows with their standardized
coefficients and significance stars.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import servqual as sq
>>> from servqual.reporting.plots.paths import path_diagram
>>> mobi = sq.read_dataset("mobi").data
>>> model = {"Image": ["IMAG1", "IMAG2", "IMAG3"], "Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2"]}
>>> fit = sq.pls(mobi, model, [("Image", "Value"), ("Image", "Satisfaction"), ("Value", "Satisfaction")])
>>> ax = path_diagram(fit, lang="en")
>>> sorted(t.get_text() for t in ax.texts if t.get_text() in model)
['Image', 'Satisfaction', 'Value']
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.patches import Ellipse, FancyArrowPatch

from servqual._text import check_lang
from servqual.exceptions import AnalysisError
from servqual.reporting.plots.base import finish, new_axes, set_title
from servqual.reporting.plots.style import PALETTE, drawing
from servqual.thresholds import THRESHOLDS

__all__ = ["path_diagram", "path_table"]


def path_table(result) -> pd.DataFrame:
    """The paths of a structural result as ``from, to, estimate, pvalue``.

    Accepts a :class:`~servqual.psychometrics.sem.SEMResult` (``std_all`` of the ``~`` rows), a
    :class:`~servqual.psychometrics.pls.PLSResult` (its ``paths``; p-values when bootstrapped) or a
    DataFrame with those columns.
    """
    if isinstance(result, pd.DataFrame):
        df = result
    elif hasattr(result, "estimates") and "op" in getattr(result, "estimates", pd.DataFrame()).columns:
        e = result.estimates[result.estimates["op"] == "~"]
        df = pd.DataFrame({"from": e["rhs"], "to": e["lhs"], "estimate": e["std_all"], "pvalue": e["pvalue"]})
    elif hasattr(result, "paths") and isinstance(result.paths, pd.DataFrame):
        df = result.paths
    else:
        raise AnalysisError(f"path_diagram needs a SEM or PLS result or a table of paths, got {type(result).__name__}")
    missing = [c for c in ("from", "to", "estimate") if c not in df.columns]
    if missing:
        raise AnalysisError(f"the table of paths has no column(s) {', '.join(missing)}")
    out = df[["from", "to", "estimate"]].copy()
    out["pvalue"] = df["pvalue"].to_numpy() if "pvalue" in df.columns else np.nan
    return out.reset_index(drop=True)


def _stars(p) -> str:
    if p is None or not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if THRESHOLDS["significance"].met(p) else ""


def _on_ellipse(centre, towards, a: float = 1.0, b: float = 0.45):
    """The point of the ellipse (half-axes ``a``, ``b``) around ``centre`` in the direction of ``towards``."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    t = 1.0 / np.sqrt((dx / a) ** 2 + (dy / b) ** 2) if (dx or dy) else 0.0
    return centre[0] + t * dx, centre[1] + t * dy


def _layers(nodes: list, edges: list) -> dict:
    """Column of every node: 0 for the exogenous ones, then one more than the deepest predecessor."""
    depth = {n: 0 for n in nodes}
    for _ in range(len(nodes)):
        changed = False
        for a, b in edges:
            if depth[b] < depth[a] + 1:
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    else:
        raise AnalysisError("the structural model has a cycle; a path diagram needs a recursive model")
    return depth


def path_diagram(result, *, names: Mapping | None = None, title=None, ax=None, lang: str = "zh"):
    """Draw the structural model: one ellipse per construct, one arrow per path.

    Parameters
    ----------
    result : SEMResult, PLSResult or DataFrame
        See :func:`path_table`.
    names : dict, optional
        Display names of the constructs (e.g. from the questionnaire, in ``lang``).
    title, ax, lang
        The title (default: "结构模型" / "Structural model"), the Axes to draw on, the language.

    Returns
    -------
    matplotlib.axes.Axes
        One text per construct and one label per arrow (coefficient with ``*`` p < .05, ``**`` < .01,
        ``***`` < .001; dashed grey arrows are not significant).
    """
    lang = check_lang(lang)
    paths = path_table(result)
    nodes = list(dict.fromkeys([*paths["from"], *paths["to"]]))
    depth = _layers(nodes, list(zip(paths["from"], paths["to"])))
    cols = max(depth.values()) + 1
    by_col = {c: [n for n in nodes if depth[n] == c] for c in range(cols)}
    pos = {}
    for c, members in by_col.items():
        for r, node in enumerate(members):
            pos[node] = (c * 3.2, (len(members) - 1) / 2 * 1.6 - r * 1.6)
    names = dict(names or {})
    height = max(len(m) for m in by_col.values())
    ax = new_axes(ax, (3.0 + 2.6 * cols, 1.2 + 1.25 * height))
    with drawing(lang) as fam:
        for node, (x, y) in pos.items():
            ax.add_patch(Ellipse((x, y), 2.0, 0.9, facecolor="#eef3f8", edgecolor=PALETTE["blue"], linewidth=1.2,
                                 zorder=2))
            ax.text(x, y, str(names.get(node, node)), ha="center", va="center", fontsize=9, zorder=3)
        top = max(p[1] for p in pos.values())
        bottom = min(p[1] for p in pos.values())
        centre_y = (top + bottom) / 2
        for r in paths.itertuples(index=False):
            (x0, y0), (x1, y1) = pos[r[0]], pos[r[1]]
            sig = bool(_stars(r.pvalue)) or not np.isfinite(r.pvalue)
            start, end = _on_ellipse((x0, y0), (x1, y1)), _on_ellipse((x1, y1), (x0, y0))
            # a path that skips a column bends around the constructs between: above them when it runs in
            # the upper half, below them otherwise (matplotlib's arc3: rad < 0 bends left-to-right arrows up)
            skip = depth[r[1]] - depth[r[0]] > 1
            rad = (-0.35 if (y0 + y1) / 2 >= centre_y else 0.35) if skip else 0.0
            arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, connectionstyle=f"arc3,rad={rad}",
                                    color=PALETTE["dark"] if sig else PALETTE["grey"],
                                    linestyle="-" if sig else "--", linewidth=1.2, zorder=1)
            ax.add_patch(arrow)
            mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            if skip:  # the midpoint of arc3's quadratic curve: half the control point's offset
                dx, dy = end[0] - start[0], end[1] - start[1]
                mx, my = mx + 0.5 * rad * dy, my - 0.5 * rad * dx
                top, bottom = max(top, my + 0.3), min(bottom, my - 0.3)
            ax.text(mx, my, f"{r.estimate:.2f}{_stars(r.pvalue)}", ha="center", va="center", fontsize=8.5,
                    color=PALETTE["dark"], zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 1.4, max(xs) + 1.4)
        ax.set_ylim(min(min(ys), bottom) - 0.9, max(max(ys), top) + 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
        set_title(ax, title, "结构模型" if lang == "zh" else "Structural model")
    return finish(ax, fam)
