"""Group AHP: several experts' pairwise matrices aggregated by their judgements (AIJ) or priorities (AIP)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import check_lang, join_names
from servqual.decision.weights.ahp import AHP_CR, AHPResult, ahp
from servqual.decision.weights.result import rank_table
from servqual.exceptions import AnalysisError, ServqualWarning

__all__ = ["AHPGroupResult", "ahp_group"]


@dataclass(frozen=True, repr=False)
class AHPGroupResult(ResultMixin):
    """Result of :func:`ahp_group`.

    Attributes
    ----------
    weights : pandas.Series
        Group priorities (sum 1).
    experts : pandas.DataFrame
        One row per expert: ``expert, expert_weight, lambda_max, cr, consistent, included`` and one
        column per criterion with the expert's own priorities.
    aggregation : str
        ``aij`` (aggregation of individual judgements) or ``aip`` (of individual priorities).
    group : AHPResult or None
        For AIJ, the AHP of the aggregated matrix (its CR is the group matrix's consistency).
    matrix : pandas.DataFrame or None
        The aggregated (weighted geometric mean) matrix for AIJ.
    """

    weights: pd.Series
    experts: pd.DataFrame
    aggregation: str
    group: AHPResult | None
    matrix: pd.DataFrame | None
    max_cr: float | None
    title: str = field(default="Group AHP")

    def tables(self) -> dict:
        w = self.weights
        out = {"Group priorities": rank_table(w, "criterion"), "Experts": self.experts}
        if self.group is not None:
            out["Group matrix consistency"] = self.group.tables()["Consistency"]
        return out

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        k = int(self.experts["included"].sum())
        bad = self.experts.loc[~self.experts["consistent"], "expert"].tolist() if self.max_cr is not None else []
        if lang == "zh":
            lines = [f"{len(self.experts)} 位专家中的 {k} 位，按"
                     + ("判断矩阵的加权几何平均（AIJ）" if self.aggregation == "aij" else "各自权重的加权几何平均（AIP）")
                     + "集结（Forman & Peniwati 1998）。"]
            if bad:
                lines.append(f"CR >= {self.max_cr:.2f} 的专家：{join_names(map(str, bad), 'zh')}。")
            return lines
        lines = [f"{k} of {len(self.experts)} experts aggregated by "
                 + ("the weighted geometric mean of their judgements (AIJ)" if self.aggregation == "aij"
                    else "the weighted geometric mean of their priorities (AIP)") + " (Forman & Peniwati 1998)."]
        if bad:
            lines.append(f"Experts with CR >= {self.max_cr:.2f}: {', '.join(map(str, bad))}.")
        return lines


def ahp_group(matrices, expert_weights=None, *, aggregation: str = "aij", method: str = "eigenvector", ri="saaty1980",
              max_cr: float | None = AHP_CR.value, exclude_inconsistent: bool = False) -> AHPGroupResult:
    """Group AHP: aggregate several experts' pairwise matrices (AIJ) or priorities (AIP).

    Parameters
    ----------
    matrices : dict or list
        ``{expert: matrix}`` or a list of matrices over the same criteria (DataFrames are aligned by name).
    expert_weights : dict, Series or sequence, optional
        Weight of each expert (normalised to sum 1); default equal.
    aggregation : {"aij", "aip"}
        ``aij`` (default): element-wise weighted geometric mean of the judgements, then AHP of that
        matrix -- the only mean that keeps the aggregate reciprocal (Aczél & Saaty 1983), appropriate
        when the group acts as one decision maker. ``aip``: weighted geometric mean of the individual
        priority vectors, renormalised (for experts acting as separate individuals; Forman & Peniwati 1998).
    method, ri
        As in :func:`ahp`.
    max_cr : float or None
        Experts with ``CR >= max_cr`` are flagged (default 0.10); None disables the check.
    exclude_inconsistent : bool
        Drop the flagged experts from the aggregate (default False: report them only).

    Returns
    -------
    AHPGroupResult

    Notes
    -----
    AIJ: ``a_ij^G = prod_k a_ij^(k) ^ lambda_k`` with ``sum lambda_k = 1``. AIP: ``w_i^G propto prod_k
    w_i^(k) ^ lambda_k``. Tested: with identical experts both equal the single-expert AHP; AIJ of
    consistent matrices built from vectors ``v_k`` returns the normalised weighted geometric mean of ``v_k``.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.weights import pairwise_matrix
    >>> m1 = pairwise_matrix({("speed", "price"): 3, ("speed", "staff"): 5, ("price", "staff"): 2})
    >>> m2 = pairwise_matrix({("speed", "price"): 2, ("speed", "staff"): 4, ("price", "staff"): 3})
    >>> sq.ahp_group({"e1": m1, "e2": m2}, expert_weights={"e1": 2, "e2": 1}).weights.round(4)
    speed    0.6198
    price    0.2576
    staff    0.1226
    Name: weight, dtype: float64
    """
    agg = str(aggregation).lower()
    if agg not in ("aij", "aip"):
        raise AnalysisError(f"aggregation must be 'aij' or 'aip', got {aggregation!r}")
    if isinstance(matrices, Mapping):
        keys, mats = [str(k) for k in matrices], list(matrices.values())
    else:
        mats = list(matrices)
        keys = [f"expert{i + 1}" for i in range(len(mats))]
    if len(mats) == 0:
        raise AnalysisError("no expert matrices given")
    results = [ahp(m, method=method, ri=ri) for m in mats]
    names = list(results[0].matrix.index)
    for k, r in zip(keys, results):
        if sorted(r.matrix.index) != sorted(names):
            raise AnalysisError(f"expert {k!r} compares {', '.join(r.matrix.index)}; expected {', '.join(names)}")
    if expert_weights is None:
        lam = np.ones(len(mats))
    elif isinstance(expert_weights, (Mapping, pd.Series)):
        ew = dict(expert_weights)
        missing = [k for k in keys if k not in ew]
        if missing:
            raise AnalysisError(f"expert_weights has no weight for {', '.join(missing)}")
        lam = np.array([float(ew[k]) for k in keys])
    else:
        lam = np.asarray(expert_weights, dtype=float)
        if lam.shape != (len(mats),):
            raise AnalysisError(f"{len(lam)} expert weights for {len(mats)} experts")
    if (lam < 0).any() or lam.sum() <= 0:
        raise AnalysisError("expert weights must be non-negative and not all zero")
    consistent = np.array([True if max_cr is None else r.cr < max_cr for r in results])
    included = consistent.copy() if (exclude_inconsistent and max_cr is not None) else np.ones(len(mats), bool)
    if not included.any():
        raise AnalysisError(f"every expert has CR >= {max_cr}; nothing left to aggregate (set exclude_inconsistent=False to report them)")
    use = lam * included
    use = use / use.sum()
    logs = np.stack([np.log(r.matrix.loc[names, names].to_numpy()) for r in results])
    group = gm = None
    if agg == "aij":
        gm = pd.DataFrame(np.exp(np.tensordot(use, logs, axes=1)), index=names, columns=names)
        group = ahp(gm, method=method, ri=ri)
        w = group.weights
    else:
        lw = np.stack([np.log(r.weights.loc[names].to_numpy()) for r in results])
        v = np.exp(use @ lw)
        w = pd.Series(v / v.sum(), index=names, name="weight")
    rows = []
    for k, r, l_, c, inc in zip(keys, results, lam / lam.sum(), consistent, included):
        row = {"expert": k, "expert_weight": float(l_), "lambda_max": r.lambda_max, "cr": r.cr, "consistent": bool(c),
               "included": bool(inc)}
        row.update({c_: float(r.weights[c_]) for c_ in names})
        rows.append(row)
    if max_cr is not None and not consistent.all() and not exclude_inconsistent:
        warnings.warn(f"{int((~consistent).sum())} expert(s) have CR >= {max_cr}: "
                      f"{', '.join(k for k, c in zip(keys, consistent) if not c)} (kept; exclude_inconsistent=True drops them)",
                      ServqualWarning, stacklevel=2)
    return AHPGroupResult(weights=w.rename("weight"), experts=pd.DataFrame(rows), aggregation=agg, group=group, matrix=gm,
                          max_cr=max_cr)

