"""Section 8, Kano: the category of each feature from its functional / dysfunctional pair (Berger et al. 1993),
with the better and worse coefficients.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.study import StudyContext
>>> ctx = StudyContext.from_data(sq.read_dataset("mobi"), lang="en", figures=False)
>>> ctx.build_section("kano").skipped.en
'the questionnaire has no Kano functional / dysfunctional question pairs'
"""

from __future__ import annotations

from servqual._text import T, Text
from servqual.labels import KANO_CATEGORIES
from servqual.reporting.report import Section
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.registry import section

__all__ = ["kano"]


@section("kano", T("Kano 模型分析", "Kano analysis"), after="ipa")
def kano(ctx: StudyContext, sec: Section) -> None:
    """Kano categories when the questionnaire has functional / dysfunctional question pairs."""
    from servqual.service.kano import kano as kano_fn

    inst = ctx.instrument
    if not inst.kano_features:
        sec.skip(T("问卷没有 Kano 功能/非功能题对", "the questionnaire has no Kano functional / dysfunctional question pairs"))
        return
    res = ctx.run(sec, T("Kano 分类", "Kano classification"), lambda: kano_fn(ctx.kept, inst))
    if res is None:
        return
    t = res.table
    cols = [c for c in ("feature", "text", "n", "A", "O", "M", "I", "R", "Q", "category", "better", "worse") if c in t.columns]
    out = t[cols].copy()
    if "text" in out.columns:
        wording = {f.id: Text(zh=f.text.get("zh", f.id), en=f.text.get("en", f.id)) for f in inst.kano_features}
        out["text"] = [wording.get(f, Text(zh=str(f), en=str(f))) for f in out["feature"]]
    out["category_label"] = [KANO_CATEGORIES.get(c, T(str(c), str(c))) for c in t["category"]]
    counts = t["category"].value_counts()
    shown = [c for c in ("M", "O", "A", "I") if counts.get(c, 0)]
    sec.add_paragraph(T(
        "按 Kano 评价表（Kano et al. 1984；Berger et al. 1993）分类："
        + "，".join(f"{KANO_CATEGORIES[c].zh} {int(counts.get(c, 0))} 项" for c in shown)
        + "。Better = (A+O)/(A+O+M+I)，Worse = −(O+M)/(A+O+M+I)；必备质量须先保证，一元质量决定满意度高低。",
        "Kano evaluation table (Kano et al. 1984; Berger et al. 1993): "
        + ", ".join(f"{int(counts.get(c, 0))} {KANO_CATEGORIES[c].en.lower()}" for c in shown)
        + ". Better = (A+O)/(A+O+M+I), worse = -(O+M)/(A+O+M+I); secure must-be features first, one-dimensional ones "
          "drive satisfaction.",
    ))
    ctx.table(sec, "kano", T("Kano 分类结果", "Kano categories"), out)
    ctx.figure(sec, "kano_plot", T("Kano Better-Worse 图", "Kano better-worse diagram"),
               lambda plots: plots.kano_plot(res, instrument=inst, lang=ctx.lang))
    ctx.kano = res
