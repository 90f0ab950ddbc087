"""Fuzzy AHP with triangular fuzzy judgements and Buckley's (1985) geometric mean."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import check_lang
from servqual.decision.weights.ahp import AHP_CR, AHPResult, ahp, as_pairwise_matrix
from servqual.exceptions import AnalysisError

__all__ = ["DEFUZZIFY", "FuzzyAHPResult", "fuzzy_ahp"]


#: Defuzzification of a triangular fuzzy weight ``(l, m, u)``: name -> formula.
DEFUZZIFY = {"centroid": "(l + m + u) / 3", "graded_mean": "(l + 4 m + u) / 6"}


@dataclass(frozen=True, repr=False)
class FuzzyAHPResult(ResultMixin):
    """Result of :func:`fuzzy_ahp`.

    Attributes
    ----------
    weights : pandas.Series
        Crisp weights (defuzzified fuzzy weights, renormalised to sum 1).
    fuzzy_weights : pandas.DataFrame
        ``criterion, l, m, u`` -- the triangular fuzzy weights -- and ``defuzzified`` before renormalising.
    crisp : AHPResult
        AHP of the modal (middle) matrix, for its consistency ratio.
    """

    weights: pd.Series
    fuzzy_weights: pd.DataFrame
    crisp: AHPResult
    defuzzify: str
    title: str = field(default="Fuzzy AHP (Buckley's geometric mean)")

    def tables(self) -> dict:
        t = self.fuzzy_weights.copy()
        t["weight"] = self.weights.to_numpy()
        return {"Fuzzy priorities": t, "Consistency of the modal matrix": self.crisp.tables()["Consistency"]}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        cut = f"{AHP_CR.value:.2f}"
        if lang == "zh":
            return [f"模糊权重按 Buckley (1985) 几何平均法计算；以 {self.defuzzify} 去模糊化后重新归一。",
                    f"中值判断矩阵的 CR = {self.crisp.cr:.3f}（小于 {cut} 可接受）。"]
        return [f"Fuzzy weights by Buckley's (1985) geometric mean; defuzzified by the {self.defuzzify} and renormalised.",
                f"CR of the modal matrix = {self.crisp.cr:.3f} (acceptable if < {cut})."]


def fuzzy_ahp(matrix, lower=None, upper=None, *, spread: float = 1.0, defuzzify: str = "centroid", ri="saaty1980",
              names=None) -> FuzzyAHPResult:
    """Fuzzy AHP with triangular fuzzy judgements and Buckley's geometric mean.

    Parameters
    ----------
    matrix : pairwise matrix
        The modal values ``m_ij`` (a crisp Saaty matrix).
    lower, upper : pairwise matrices, optional
        The lower and upper bounds ``l_ij <= m_ij <= u_ij`` (must satisfy ``l_ji = 1 / u_ij``). When
        omitted, each judgement ``m > 1`` becomes ``(max(1, m - spread), m, min(9, m + spread))``,
        ``m = 1`` stays ``(1, 1, 1)`` on the diagonal and becomes ``(1/(1+spread), 1, 1+spread)`` off
        it, and reciprocals are inverted -- the usual fuzzification of the 1-9 scale (spread 1).
    spread : float
        Half-width of the fuzzification (default 1).
    defuzzify : {"centroid", "graded_mean"}
        ``centroid`` (default, ``(l + m + u) / 3``, the most common choice) or ``graded_mean``
        (``(l + 4m + u) / 6``).
    ri : str or dict
        Random-index table for the CR of the modal matrix.

    Returns
    -------
    FuzzyAHPResult

    Notes
    -----
    Buckley (1985): ``r_i = (prod_j a_ij)^(1/n)`` component-wise for (l, m, u); the fuzzy weight
    ``w_i = r_i (x) (sum_k r_k)^-1 = (l_i / sum u, m_i / sum m, u_i / sum l)``. The crisp weights are
    the defuzzified ``w_i`` renormalised. With ``l = m = u`` this is the row geometric mean method (tested).

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.weights import pairwise_matrix
    >>> m = pairwise_matrix({("speed", "price"): 3, ("speed", "staff"): 5, ("price", "staff"): 2})
    >>> sq.fuzzy_ahp(m).weights.round(4)
    speed    0.6374
    price    0.2333
    staff    0.1294
    Name: weight, dtype: float64
    """
    mid = as_pairwise_matrix(matrix, names)
    labels = list(mid.index)
    n = len(labels)
    mm = mid.to_numpy()
    if (lower is None) != (upper is None):
        raise AnalysisError("give both lower and upper bound matrices, or neither")
    if lower is None:
        lo = np.ones((n, n))
        up = np.ones((n, n))
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                v = mm[i, j]
                if v >= 1 - 1e-9:
                    lo[i, j], up[i, j] = max(1.0, v - spread), min(9.0, v + spread)
                    if abs(v - 1) < 1e-9:
                        lo[i, j], up[i, j] = 1 / (1 + spread), 1 + spread
                else:
                    vv = 1 / v
                    lo[i, j], up[i, j] = 1 / min(9.0, vv + spread), 1 / max(1.0, vv - spread)
    else:
        lo = as_pairwise_matrix(lower, labels, what="lower-bound matrix", tol=1e9, warn_scale=False).to_numpy()
        up = as_pairwise_matrix(upper, labels, what="upper-bound matrix", tol=1e9, warn_scale=False).to_numpy()
        if (lo > mm + 1e-9).any() or (mm > up + 1e-9).any():
            raise AnalysisError("fuzzy judgements must satisfy lower <= modal <= upper in every cell")
        if np.abs(lo * up.T - 1).max() > 0.05:
            raise AnalysisError("fuzzy judgements are not reciprocal: lower[j, i] must equal 1 / upper[i, j]")
    r = np.stack([np.exp(np.log(x).mean(axis=1)) for x in (lo, mm, up)], axis=1)  # n x 3 (l, m, u)
    tot = r.sum(axis=0)
    fw = np.column_stack([r[:, 0] / tot[2], r[:, 1] / tot[1], r[:, 2] / tot[0]])
    if defuzzify == "centroid":
        d = fw.mean(axis=1)
    elif defuzzify == "graded_mean":
        d = (fw[:, 0] + 4 * fw[:, 1] + fw[:, 2]) / 6
    else:
        raise AnalysisError(f"defuzzify must be {' or '.join(map(repr, DEFUZZIFY))}, got {defuzzify!r}")
    crisp = ahp(mid, method="geometric_mean", ri=ri)
    table = pd.DataFrame({"criterion": labels, "l": fw[:, 0], "m": fw[:, 1], "u": fw[:, 2], "defuzzified": d})
    return FuzzyAHPResult(weights=pd.Series(d / d.sum(), index=labels, name="weight"), fuzzy_weights=table, crisp=crisp,
                          defuzzify=defuzzify)



