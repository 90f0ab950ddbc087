"""KPI attainment, the last part of the evaluation section: each objective KPI of the questionnaire
against its target, with a one-sided test and a traffic light.

Examples
--------
>>> import servqual as sq
>>> from servqual.reporting.report import Section
>>> from servqual.reporting.study import StudyContext
>>> sec = Section("evaluation", "Evaluation")
>>> from servqual.reporting.study.kpis import kpis
>>> kpis(StudyContext.from_data(sq.read_dataset("mobi"), lang="en", figures=False), sec)
>>> sec.paragraphs[0].en
'The questionnaire defines no objective KPIs: no KPI attainment.'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from servqual._results import records
from servqual._text import T
from servqual.reporting.report import Section
from servqual.reporting.study.context import StudyContext
from servqual.reporting.study.text import KPI_TOLERANCE, SIGNIFICANCE, dot

__all__ = ["kpis", "STATUS"]

#: The traffic light of KPI attainment, in words.
STATUS = {"green": T("绿（达标）", "green (met)"), "amber": T("黄（接近目标）", "amber (close)"),
          "red": T("红（未达标）", "red (missed)"), "no target": T("无目标", "no target")}


def kpis(ctx: StudyContext, sec: Section) -> None:
    """KPI attainment (overall and by segment) when the questionnaire defines KPIs and the data have them."""
    from servqual.service.compare import kpi_attainment

    inst, kept = ctx.instrument, ctx.kept
    defined = [k for k in inst.kpis if k.column]
    if not defined:
        sec.add_paragraph(T("问卷未定义客观 KPI，不做 KPI 达标评价。", "The questionnaire defines no objective KPIs: no KPI attainment."))
        return
    absent = [k.column for k in defined if k.column not in kept.columns]
    if absent:
        sec.add_paragraph(T(f"数据中没有 KPI 列（{'、'.join(absent)}），不做 KPI 达标评价。",
                            f"The data lack the KPI columns ({', '.join(absent)}): no KPI attainment."))
        return
    ka = ctx.run(sec, T("KPI 达标评价", "KPI attainment"),
                 lambda: kpi_attainment(kept, inst, by=ctx.segment, alpha=SIGNIFICANCE, tolerance=KPI_TOLERANCE))
    if ka is None:
        return
    out = pd.DataFrame({"kpi": ka["kpi"], "name": [T(z, e) for z, e in zip(ka["name_zh"], ka["name_en"])],
                        "segment": ka["segment"].astype(str), "n": ka["n"],
                        "target": [f"{o} {v:g}" if o else "" for o, v in zip(ka["target_op"].fillna(""), ka["target"].fillna(np.nan))],
                        "mean": ka["mean"], "attainment_rate": ka["attainment_rate"], "pval": ka["pval_shortfall"],
                        "status": [STATUS.get(s, T(s, s)) for s in ka["status"]]})
    allk = ka[ka["segment"].astype(str) == "all"]
    counts = allk["status"].value_counts()
    red = allk.loc[allk["status"] == "red", "kpi"].tolist()
    tol, sig = f"{100 * KPI_TOLERANCE:g}", dot(SIGNIFICANCE)
    sec.add_paragraph(T(
        f"{len(allk)} 项 KPI 中达标（绿）{int(counts.get('green', 0))} 项、接近目标（黄）{int(counts.get('amber', 0))} 项、"
        f"未达标（红）{int(counts.get('red', 0))} 项" + (f"：{'、'.join(red)}" if red else "")
        + f"。红：均值未达目标且差距超过目标的 {tol}%、单侧 t 检验 p<{SIGNIFICANCE:.2f}；黄：未达目标但差距在 {tol}% 以内或不显著。",
        f"Of {len(allk)} KPIs, {int(counts.get('green', 0))} meet the target (green), {int(counts.get('amber', 0))} are "
        f"close (amber) and {int(counts.get('red', 0))} miss it (red)" + (f": {', '.join(red)}" if red else "")
        + f". Red: the mean misses the target by more than {tol} % of it with a one-sided t test p < {sig}; amber: a miss "
          f"within {tol} % or not significant.",
    ))
    ctx.table(sec, "kpi", T("KPI 达标情况", "KPI attainment"), out, labels={"pval": T("未达标单侧p", "Shortfall p")})
    ctx.kpi = ka
    ctx.results["kpi"] = records(ka)
