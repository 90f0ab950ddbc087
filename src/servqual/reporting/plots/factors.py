"""Figures of factor analysis: the scree plot with parallel-analysis thresholds, and factor loadings.

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> from servqual.reporting.plots.factors import scree_plot
>>> ax = scree_plot([3.1, 1.6, 1.2, 0.6, 0.5], [1.4, 1.25, 1.15, 1.05, 0.95], lang="en")
>>> ax.get_title(loc="left"), [t.get_text() for t in ax.get_legend().get_texts()][-1]
('Scree plot and parallel analysis', 'Suggested: 3 factor(s)')
>>> matplotlib.pyplot.close("all")
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from servqual._text import check_lang
from servqual.exceptions import AnalysisError
from servqual.reporting.plots.base import Labels, finish, new_axes, plot_instrument, quiet_seaborn, set_title, tidy
from servqual.reporting.plots.style import PALETTE, drawing, term
from servqual.survey.instrument import Instrument

__all__ = ["scree_plot", "loading_heatmap"]


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

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> pa = sq.parallel_analysis(data.data[list(inst.columns().values())], seed=42)
    >>> ax = scree_plot(pa, lang="en")
    >>> [t.get_text() for t in ax.get_legend().get_texts()][-1]
    'Suggested: 3 factor(s)'
    >>> matplotlib.pyplot.close("all")
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
    with drawing(lang) as fam:
        ax = new_axes(ax, (7.0, 4.5))
        line_kw = {"color": PALETTE["blue"], "marker": "o", "linewidth": 2, "markersize": 6}
        line_kw.update(kw)
        ax.plot(x, ev, label=term("observed", lang), zorder=3, **line_kw)
        if th is not None:
            ax.plot(x, th, color=PALETTE["orange"], linestyle="--", marker="s", markersize=4, linewidth=1.6,
                    label=term("threshold", lang), zorder=2)
        if kaiser:
            ax.axhline(1.0, color=PALETTE["grey"], linestyle=":", linewidth=1.2, label=term("kaiser", lang), zorder=1)
        if n_factors:
            ax.scatter(x[:n_factors], ev[:n_factors], s=110, facecolors="none", edgecolors=PALETTE["red"],
                       linewidths=1.6, zorder=4, label=term("retain", lang, k=n_factors))
        ax.set_xticks(x if x.size <= 30 else x[::max(1, x.size // 15)])
        ax.set_xlabel(term("component", lang))
        ax.set_ylabel(term("eigenvalue", lang))
        ax.set_ylim(bottom=min(0.0, float(np.nanmin(ev))))
        tidy(ax, "y")
        ax.legend(frameon=False, fontsize=9)
        set_title(ax, title, term("scree", lang))
    return finish(ax, fam)


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

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import servqual as sq
    >>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
    >>> ax = loading_heatmap(sq.efa(data.data[list(inst.columns().values())], 3), inst, lang="en")
    >>> [t.get_text() for t in ax.get_xticklabels()], ax.get_xlabel()
    (['Factor 1', 'Factor 3', 'Factor 2'], '|loading| < 0.3 greyed')
    >>> matplotlib.pyplot.close("all")
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
    labels = Labels(plot_instrument(instrument), lang)
    rows = [labels.item(i, wording, label_width) for i in lo.index]

    def fname(c):
        m = _FACTOR_RE.match(str(c))
        if m:
            return term("factor", lang, i=int(m.group(1)))
        return labels.any(c, 16)

    cols = [fname(c) for c in lo.columns]
    small = lo.abs() < threshold
    with drawing(lang) as fam:
        ax = new_axes(ax, (1.2 * lo.shape[1] + (6 if wording else 3), 0.3 * lo.shape[0] + 1.6))
        hm_kw = {"cmap": "RdBu_r", "vmin": -1, "vmax": 1, "center": 0, "linewidths": 0.5, "linecolor": "white",
                 "cbar_kws": {"shrink": 0.6, "label": term("loadings", lang)}}
        hm_kw.update(kw)
        shown = pd.DataFrame(lo.to_numpy(), index=rows, columns=cols)
        with quiet_seaborn():
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
        ax.set_xlabel(term("small", lang, t=f"{threshold:g}"), fontsize=8.5, color=PALETTE["grey"])
        set_title(ax, title, term("loadings", lang), pad=18)
        cbar = ax.collections[0].colorbar
    return finish(ax, fam, cbar.ax if cbar is not None else None)


