"""Figures for service-quality studies, labelled in Chinese or English.

Every function draws on a matplotlib Axes (a new figure when ``ax`` is None) and returns it; none calls
``plt.show()``, so they run headless (Agg) in scripts, notebooks and reports. Labels, titles, legends and
tick texts are in ``lang`` ("zh" or "en"), taken from the questionnaire's own wording (dimension names,
item text, scale labels) when an :class:`~servqual.survey.instrument.Instrument` is given.

Chinese text needs a CJK font. :func:`use_cjk_font` registers the Noto Sans SC font shipped by the
``pylopdf-fonts-zh-cn`` package (SIL Open Font License) -- or, without it, a CJK font already installed
on the system -- with matplotlib's font manager. The plot functions call it themselves and set the font
only on the texts they draw (through ``matplotlib.rc_context`` and per-text font families), so the
user's global ``rcParams`` stay as they were; ``use_cjk_font(rc=True)`` opts in to a global default.

The functions live in one module per family of figures:

- :mod:`~servqual.reporting.plots.style` -- colours, interface words, the CJK font
- :mod:`~servqual.reporting.plots.base` -- what the plot modules share (axes, labels, legends)
- :mod:`~servqual.reporting.plots.items` -- ``likert_bars`` (diverging stacked bars of the answer
  distribution), ``item_heatmap`` (% per scale point), ``correlation_heatmap`` (ordered by dimension)
- :mod:`~servqual.reporting.plots.factors` -- ``scree_plot`` (eigenvalues, parallel-analysis
  thresholds, Kaiser line), ``loading_heatmap`` (small loadings greyed)
- :mod:`~servqual.reporting.plots.gaps` -- ``gap_dumbbell`` (expectation vs perception), ``gap_bars``
  (SERVQUAL gaps P - E with confidence intervals)
- :mod:`~servqual.reporting.plots.quadrants` -- ``ipa_plot`` (importance-performance quadrants),
  ``kano_plot`` (Kano better-worse diagram)
- :mod:`~servqual.reporting.plots.scores` -- ``radar_plot`` (dimension scores, overall and by segment)
- :mod:`~servqual.reporting.plots.weights` -- ``weights_bar`` (one method or several side by side),
  ``ahp_hierarchy_plot`` (goal -> criteria -> indicators with local and global weights)
- :mod:`~servqual.reporting.plots.evaluation` -- ``ranking_plot`` (TOPSIS closeness / composite score)
- :mod:`~servqual.reporting.plots.paths` -- ``path_diagram`` (structural model of a SEM or PLS result:
  standardized coefficients on the arrows, significance marked)

Examples
--------
>>> import matplotlib; matplotlib.use("Agg")
>>> import servqual as sq
>>> from servqual.reporting import plots
>>> data, inst = sq.read_dataset("kiosk"), sq.load_instrument("kiosk")
>>> ax = plots.gap_bars(sq.gap_analysis(data.data, inst), inst, lang="zh")
>>> ax.get_title(loc="left")
'SERVQUAL 差距及 95% 置信区间'
>>> matplotlib.pyplot.close("all")
"""

from servqual.reporting.plots.evaluation import ranking_plot
from servqual.reporting.plots.factors import loading_heatmap, scree_plot
from servqual.reporting.plots.gaps import gap_bars, gap_dumbbell
from servqual.reporting.plots.items import correlation_heatmap, item_heatmap, likert_bars
from servqual.reporting.plots.quadrants import ipa_plot, kano_plot
from servqual.reporting.plots.paths import path_diagram
from servqual.reporting.plots.scores import radar_plot
from servqual.reporting.plots.style import PALETTE, cjk_font_path, use_cjk_font
from servqual.reporting.plots.weights import ahp_hierarchy_plot, weights_bar

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
    "path_diagram",
]
