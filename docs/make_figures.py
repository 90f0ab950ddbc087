"""Draw the figures shown in the README from the bundled kiosk survey: python docs/make_figures.py"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import servqual as sq  # noqa: E402
from servqual import plots  # noqa: E402

out = Path(__file__).parent / "img"
out.mkdir(exist_ok=True)
inst = sq.load_instrument("kiosk")
kept = sq.screen(sq.read_dataset("kiosk"), inst, exclude=["straightlining", "missing"]).kept

ax = plots.gap_bars(sq.gap_analysis(kept, inst), inst, lang="zh")
ax.figure.savefig(out / "gap_bars_zh.png", dpi=90, bbox_inches="tight")
ax = plots.ipa_plot(sq.ipa(kept, inst), instrument=inst, lang="en")
ax.figure.savefig(out / "ipa_en.png", dpi=80, bbox_inches="tight")
rep = sq.measurement_report(kept, inst)
ax = plots.loading_heatmap(rep.results["efa"].loadings, inst, lang="zh")
ax.figure.savefig(out / "efa_loadings_zh.png", dpi=80, bbox_inches="tight")
plt.close("all")
