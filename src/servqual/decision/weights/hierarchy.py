"""The AHP of a goal -> criteria -> indicators hierarchy: global weights and total-ranking consistency."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import check_lang, join_names
from servqual.decision.weights.ahp import AHP_CR, AHPResult, ahp
from servqual.exceptions import AnalysisError

__all__ = ["AHPHierarchyResult", "ahp_hierarchy"]


@dataclass(frozen=True, repr=False)
class AHPHierarchyResult(ResultMixin):
    """Result of :func:`ahp_hierarchy`.

    Attributes
    ----------
    weights : pandas.Series
        Global weights of the indicators (sum 1), indexed by indicator.
    table : pandas.DataFrame
        ``criterion, criterion_weight, indicator, local_weight, global_weight, rank``.
    criteria : pandas.DataFrame
        ``criterion, weight, n, lambda_max, ci, ri, cr, consistent`` (the goal's matrix first, as ``goal``).
    goal : AHPResult
    local : dict
        ``{criterion: AHPResult or None}`` (None for a criterion with a single indicator).
    ci_total, ri_total, cr_total : float
        Total-ranking (层次总排序) consistency: ``CR = sum_j w_j CI_j / sum_j w_j RI_j``;
        ``consistency_index_total`` is another name of ``ci_total``.
    consistent : bool
        Every matrix has CR < 0.10 and so has the total ranking.
    """

    weights: pd.Series
    table: pd.DataFrame
    criteria: pd.DataFrame
    goal: AHPResult
    local: dict
    ci_total: float
    ri_total: float
    cr_total: float
    consistent: bool
    title: str = field(default="AHP hierarchy: global weights")

    @property
    def criterion_weights(self) -> pd.Series:
        return self.goal.weights

    @property
    def consistency_index_total(self) -> float:
        """The total-ranking consistency index (the same as :attr:`ci_total`)."""
        return self.ci_total

    def tables(self) -> dict:
        tot = pd.DataFrame([{"ci_total": self.ci_total, "ri_total": self.ri_total, "cr_total": self.cr_total,
                             "consistent": self.consistent}])
        return {"Global weights": self.table, "Matrices": self.criteria, "Total-ranking consistency": tot}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        bad = self.criteria.loc[~self.criteria["consistent"], "criterion"].tolist()
        cut = f"{AHP_CR.value:.2f}"
        if lang == "zh":
            out = [f"层次总排序 CR = {self.cr_total:.3f}（sum w_j CI_j / sum w_j RI_j；小于 {cut} 可接受）。"]
            if bad:
                out.append(f"CR >= {cut} 的判断矩阵：{join_names(map(str, bad), 'zh')}；请修改这些判断。")
            return out
        out = [f"Total-ranking CR = {self.cr_total:.3f} (sum w_j CI_j / sum w_j RI_j; acceptable if < {cut})."]
        if bad:
            out.append(f"Matrices with CR >= {cut}: {', '.join(map(str, bad))}; revise those judgements.")
        return out


def ahp_hierarchy(hierarchy: Mapping, method: str = "eigenvector", ri="saaty1980", *,
                  threshold: float = AHP_CR.value) -> AHPHierarchyResult:
    """Global indicator weights of a goal -> criteria -> indicators hierarchy, with total-ranking consistency.

    Parameters
    ----------
    hierarchy : dict
        ``{"goal": G, "criteria": {criterion: C}}`` where ``G`` is the pairwise matrix (or
        :class:`AHPResult`) of the criteria with respect to the goal -- its names are the keys of
        ``criteria`` -- and each ``C`` is the pairwise matrix (or AHPResult) of that criterion's
        indicators, or a list with a single indicator name (local weight 1). Indicator names must be
        unique across criteria.
    method, ri, threshold
        As in :func:`ahp` (applied to every matrix given as a matrix).

    Returns
    -------
    AHPHierarchyResult
        ``weights`` (global weight per indicator), ``table``, ``criteria``, ``goal``, ``local``,
        ``cr_total`` and ``consistent``.

    Notes
    -----
    Global weight of indicator i under criterion j: ``g_i = w_j * v_ij``. The consistency of the total
    ranking (Saaty 1980, 层次总排序一致性检验): ``CI = sum_j w_j CI_j``, ``RI = sum_j w_j RI_j``,
    ``CR = CI / RI`` (criteria with a single indicator contribute 0 to both); acceptable if < 0.10.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.weights import pairwise_matrix
    >>> crit_matrix = pairwise_matrix({("tangibles", "reliability"): 1/3, ("tangibles", "speed"): 1/2, ("reliability", "speed"): 2})
    >>> m_t = pairwise_matrix({("q1", "q2"): 2})
    >>> m_r = pairwise_matrix({("q3", "q4"): 3, ("q3", "q5"): 2, ("q4", "q5"): 1/2})
    >>> h = {"goal": crit_matrix, "criteria": {"tangibles": m_t, "reliability": m_r, "speed": ["resp_hours"]}}
    >>> len(sq.ahp_hierarchy(h).table)
    6
    """
    if not isinstance(hierarchy, Mapping) or "goal" not in hierarchy or "criteria" not in hierarchy:
        raise AnalysisError('hierarchy must be a dict {"goal": matrix, "criteria": {criterion: matrix or [indicator]}}')
    crit = hierarchy["criteria"]
    if not isinstance(crit, Mapping) or not crit:
        raise AnalysisError('hierarchy["criteria"] must be a non-empty dict {criterion: matrix, AHPResult or [indicator]}')
    g = hierarchy["goal"]
    goal = g if isinstance(g, AHPResult) else ahp(g, method=method, ri=ri, threshold=threshold)
    names = [str(k) for k in crit]
    if sorted(goal.weights.index) != sorted(names):
        raise AnalysisError(f"the goal matrix compares {', '.join(goal.weights.index)} but the criteria are {', '.join(names)}; "
                            "they must be the same")
    local, rows, crows = {}, [], []
    crows.append({"criterion": "goal", "weight": 1.0, "n": goal.n, "lambda_max": goal.lambda_max, "ci": goal.ci, "ri": goal.ri,
                  "cr": goal.cr, "consistent": goal.consistent})
    ci_t = ri_t = 0.0
    seen: dict = {}
    for key, node in crit.items():
        c = str(key)
        wj = float(goal.weights[c])
        if isinstance(node, (list, tuple)) and len(node) > 1 and all(isinstance(v, str) for v in node):
            raise AnalysisError(f"criterion {c!r} is a list of {len(node)} indicators; give the pairwise matrix of its "
                                "indicators (a list is only for a criterion with a single indicator)")
        if isinstance(node, str) or (isinstance(node, (list, tuple)) and len(node) == 1 and np.ndim(node) == 1):
            ind = [node] if isinstance(node, str) else list(node)
            res, lw = None, pd.Series([1.0], index=[str(ind[0])])
            crows.append({"criterion": c, "weight": wj, "n": 1, "lambda_max": 1.0, "ci": 0.0, "ri": 0.0, "cr": 0.0, "consistent": True})
        else:
            res = node if isinstance(node, AHPResult) else ahp(node, method=method, ri=ri, threshold=threshold)
            lw = res.weights
            ci_t += wj * res.ci
            ri_t += wj * res.ri
            crows.append({"criterion": c, "weight": wj, "n": res.n, "lambda_max": res.lambda_max, "ci": res.ci, "ri": res.ri,
                          "cr": res.cr, "consistent": res.consistent})
        local[c] = res
        for ind, v in lw.items():
            if ind in seen:
                raise AnalysisError(f"indicator {ind!r} appears under both {seen[ind]!r} and {c!r}; indicator names must be unique")
            seen[ind] = c
            rows.append({"criterion": c, "criterion_weight": wj, "indicator": ind, "local_weight": float(v), "global_weight": wj * float(v)})
    table = pd.DataFrame(rows)
    table["rank"] = table["global_weight"].rank(ascending=False, method="min").astype(int)
    cr_t = ci_t / ri_t if ri_t > 0 else 0.0
    crit_df = pd.DataFrame(crows)
    ok = bool(crit_df["consistent"].all() and cr_t < threshold)
    return AHPHierarchyResult(weights=pd.Series(table["global_weight"].to_numpy(), index=table["indicator"].tolist(), name="weight"),
                              table=table, criteria=crit_df, goal=goal, local=local, ci_total=ci_t, ri_total=ri_t,
                              cr_total=cr_t, consistent=ok)
