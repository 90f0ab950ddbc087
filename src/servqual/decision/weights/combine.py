"""Combination of weight vectors: game theory, linear and multiplicative (subjective with objective weights)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import check_lang
from servqual.labels import label
from servqual.exceptions import AnalysisError

__all__ = ["CombinedWeightsResult", "combine_weights"]


@dataclass(frozen=True, repr=False)
class CombinedWeightsResult(ResultMixin):
    """Result of :func:`combine_weights`.

    Attributes
    ----------
    weights : pandas.Series
        Combined weights (sum 1).
    coefficients : pandas.Series
        The combination coefficient of each weight vector (linear / game theory; NaN for multiplicative).
    table : pandas.DataFrame
        ``indicator``, one column per input weight vector, ``weight, rank``.
    method : str
    """

    weights: pd.Series
    coefficients: pd.Series
    table: pd.DataFrame
    method: str
    title: str = field(default="Combined weights")

    def tables(self) -> dict:
        return {"Combined weights": self.table,
                "Coefficients": pd.DataFrame({"source": self.coefficients.index, "coefficient": self.coefficients.to_numpy()})}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        f = {"multiplicative": "w_j = prod_k w_kj / sum_i prod_k w_ki",
             "linear": "w_j = sum_k alpha_k w_kj with sum alpha_k = 1",
             "game_theory": "alpha minimises || sum_k alpha_k w_k - w_l || for every l (game-theory combination, 博弈论组合赋权); "
                            "alpha normalised to sum 1"}[self.method]
        if lang == "zh":
            return [f"{label('method', self.method, 'zh')}：{f}。"]
        return [f"{self.method}: {f}."]


def _weight_inputs(weights) -> tuple[list[str], list[pd.Series]]:
    if isinstance(weights, Mapping):
        names, vecs = [str(k) for k in weights], list(weights.values())
    else:
        vecs = list(weights)
        names = [getattr(v, "name", None) or f"w{i + 1}" for i, v in enumerate(vecs)]
        if len(set(names)) != len(names):
            names = [f"w{i + 1}" for i in range(len(vecs))]
    out = []
    for nm, v in zip(names, vecs):
        v = getattr(v, "weights", v)
        if not isinstance(v, pd.Series):
            raise AnalysisError(f"weights {nm!r} must be a pandas Series indexed by indicator (or a result with .weights)")
        out.append(v.astype(float))
    idx = list(out[0].index)
    for nm, v in zip(names, out):
        if sorted(map(str, v.index)) != sorted(map(str, idx)):
            raise AnalysisError(f"weights {nm!r} cover {', '.join(map(str, v.index))}; expected {', '.join(map(str, idx))}")
        if (v < 0).any() or not np.isfinite(v).all():
            raise AnalysisError(f"weights {nm!r} must be finite and non-negative")
    out = [v.loc[idx] / v.sum() for v in out]
    return names, out


def combine_weights(weights, method: str = "game_theory", alpha=None) -> CombinedWeightsResult:
    """Combine subjective and objective weights (e.g. AHP and entropy).

    Parameters
    ----------
    weights : dict or list of Series
        ``{"ahp": w1, "entropy": w2}``: two or more weight vectors over the same indicators
        (results with a ``.weights`` attribute are accepted). Each is normalised to sum 1.
    method : {"game_theory", "linear", "multiplicative"}
        ``game_theory`` (default; 博弈论组合赋权, the combination closest to every input in the least
        squares sense, so no coefficient has to be chosen by hand), ``linear`` (``alpha`` given:
        one coefficient per input, or a single number for the first of two inputs) or
        ``multiplicative`` (normalised product).
    alpha : float or sequence, optional
        Coefficients of the linear combination (default equal).

    Returns
    -------
    CombinedWeightsResult
        ``weights``, ``coefficients`` (reported for every method), ``table``.

    Notes
    -----
    Game theory: solve ``sum_k alpha_k (w_l . w_k) = w_l . w_l`` for l = 1..L, then ``alpha* = |alpha| /
    sum |alpha|`` and ``w = sum_k alpha*_k w_k``. Two identical inputs give alpha = (0.5, 0.5).

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.weights import entropy_weights
    >>> kiosk = sq.read_dataset("kiosk").data
    >>> items = ["ipa01_sat", "ipa02_sat", "ipa03_sat"]
    >>> df = kiosk[kiosk[items].notna().all(axis=1)]  # the 207 complete rows
    >>> from servqual.decision.weights import ahp, combine_weights
    >>> subjective = ahp([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]], names=items).weights
    >>> res = combine_weights({"ahp": subjective, "entropy": entropy_weights(df, items=items)})
    >>> res.coefficients.round(4).tolist(), res.weights.round(4).tolist()
    ([0.6105, 0.3895], [0.4693, 0.2781, 0.2526])
    """
    names, vecs = _weight_inputs(weights)
    if len(vecs) < 2:
        raise AnalysisError("combine_weights needs at least two weight vectors")
    w = np.column_stack([v.to_numpy() for v in vecs])  # indicators x L
    idx = list(vecs[0].index)
    meth = str(method).lower()
    if meth == "multiplicative":
        prod = w.prod(axis=1)
        if prod.sum() <= 0:
            raise AnalysisError("the product of the weights is zero for every indicator")
        comb, coef = prod / prod.sum(), np.full(len(vecs), np.nan)
    elif meth == "linear":
        if alpha is None:
            coef = np.full(len(vecs), 1 / len(vecs))
        elif np.ndim(alpha) == 0:
            if len(vecs) != 2:
                raise AnalysisError("a single alpha applies to two weight vectors; pass one coefficient per vector")
            coef = np.array([float(alpha), 1 - float(alpha)])
        else:
            coef = np.asarray(alpha, dtype=float)
            if coef.shape != (len(vecs),):
                raise AnalysisError(f"{len(coef)} coefficients for {len(vecs)} weight vectors")
        if (coef < 0).any() or abs(coef.sum() - 1) > 1e-9:
            raise AnalysisError("linear coefficients must be non-negative and sum to 1")
        comb = w @ coef
    elif meth in ("game_theory", "game"):
        g = w.T @ w
        a = np.linalg.lstsq(g, np.diag(g), rcond=None)[0]  # minimum-norm solution if inputs are linearly dependent
        coef = np.abs(a) / np.abs(a).sum()
        comb = w @ coef
        meth = "game_theory"
    else:
        raise AnalysisError(f"unknown method {method!r}; choose game_theory, linear or multiplicative")
    s = pd.Series(comb / comb.sum(), index=idx, name="weight")
    t = pd.DataFrame({"indicator": idx, **{nm: v.to_numpy() for nm, v in zip(names, vecs)}})
    t["weight"] = s.to_numpy()
    t["rank"] = s.rank(ascending=False, method="min").astype(int).to_numpy()
    return CombinedWeightsResult(weights=s, coefficients=pd.Series(coef, index=names, name="coefficient"), table=t, method=meth)
