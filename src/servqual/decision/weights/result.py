"""The result of an objective weighting or a derived importance: weights and the intermediate table.

Every objective method (:mod:`~servqual.decision.weights.objective`) and every derived-importance
method (:mod:`~servqual.decision.weights.derived`) ends in :func:`weights_result`, which normalises the
raw weights, ranks them and returns a :class:`WeightsResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import check_lang
from servqual.labels import label

__all__ = ["WeightsResult", "weights_result", "rank_table"]


def rank_table(weights: pd.Series, key: str) -> pd.DataFrame:
    """``{key, weight, rank}`` of a weight Series (rank 1 = largest; ties share the smaller rank).

    Examples
    --------
    >>> import pandas as pd
    >>> from servqual.decision.weights.result import rank_table
    >>> rank_table(pd.Series({"speed": 0.5, "price": 0.3, "staff": 0.2}), "criterion")
      criterion  weight  rank
    0     speed     0.5     1
    1     price     0.3     2
    2     staff     0.2     3
    """
    return pd.DataFrame({key: weights.index, "weight": weights.to_numpy(),
                         "rank": weights.rank(ascending=False, method="min").astype(int).to_numpy()})


@dataclass(frozen=True, repr=False)
class WeightsResult(ResultMixin):
    """Result of :func:`~servqual.decision.weights.objective_weights` / :func:`~servqual.decision.weights.derived_importance`.

    Attributes
    ----------
    weights : pandas.Series
        Weights (sum 1) indexed by the data's columns.
    table : pandas.DataFrame
        One row per indicator with the method's intermediate quantities and ``weight, rank``.
    method : str
    n : int
        Rows (alternatives / respondents) used.
    details : dict
        Method-specific extras (e.g. ``r2`` for derived importance, the variant options).
    """

    weights: pd.Series
    table: pd.DataFrame
    method: str
    n: int
    details: dict = field(default_factory=dict)
    title: str = field(default="Indicator weights")

    def tables(self) -> dict:
        return {f"Weights ({self.method})": self.table}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        if lang == "zh":
            out = [f"{label('method', self.method, 'zh')}权重，n = {self.n} 行；权重之和为 1。"]
        else:
            out = [f"{self.method} weights from n = {self.n} rows; weights sum to 1."]
        if "formula" in self.details:
            out.append(self.details["formula"])
        if "r2" in self.details:
            out.append(("结果变量对各属性回归的 R^2 = " if lang == "zh" else "R^2 of the outcome on the attributes = ")
                       + f"{self.details['r2']:.4f}" + ("。" if lang == "zh" else "."))
        return out


def weights_result(cols, w, table: dict, method: str, n: int, details=None) -> WeightsResult:
    """Normalise raw weights ``w`` to sum 1, add ``weight`` and ``rank`` to ``table`` and wrap them.

    Parameters
    ----------
    cols : sequence
        Indicator names.
    w : array_like
        Raw (non-negative) weights, one per indicator.
    table : dict
        The method's intermediate columns (``{name: values}``), placed after ``indicator``.
    method : str
        The method's code (a key of :data:`servqual.labels.METHODS`).
    n : int
        Rows used.
    details : dict, optional
        Method-specific extras.

    Returns
    -------
    WeightsResult

    Examples
    --------
    >>> from servqual.decision.weights.result import weights_result
    >>> res = weights_result(["a", "b"], [1.0, 3.0], {}, "equal", 5)
    >>> res.weights.tolist(), res.table["rank"].tolist()
    ([0.25, 0.75], [2, 1])
    """
    w = np.asarray(w, dtype=float)
    s = pd.Series(w / w.sum(), index=list(cols), name="weight")
    t = pd.DataFrame({"indicator": list(cols), **table})
    t["weight"] = s.to_numpy()
    t["rank"] = s.rank(ascending=False, method="min").astype(int).to_numpy()
    return WeightsResult(weights=s, table=t, method=method, n=int(n), details=dict(details or {}))
