"""Comprehensive evaluation: composite index, TOPSIS, fuzzy comprehensive evaluation, grey relations, rank stability.

Once the indicators have weights (:mod:`servqual.decision.weights`), service centres, regions or periods are
scored and ranked:

- :func:`composite_index` -- a weighted 0-100 index per respondent, per group and overall;
- :func:`topsis` -- closeness to the ideal and anti-ideal alternatives (Hwang & Yoon 1981);
- :func:`membership_matrix` and :func:`fuzzy_evaluation` -- fuzzy comprehensive evaluation
  (模糊综合评价) from the distribution of answers over the grades, with the four classic composition
  operators and a two-level evaluation following the hierarchy;
- :func:`grey_relational` -- grey relational analysis (灰色关联分析; Deng 1982);
- :func:`rank_stability` -- how the ranking changes when the weights are perturbed.

``weights`` is a Series indexed by indicator (any result with a ``.weights`` Series is accepted, as
is a dict); ``directions`` marks cost indicators as in :func:`servqual.decision.matrix.direction_signs`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from servqual._results import ResultMixin
from servqual._text import check_lang
from servqual._validation import as_frame
from servqual.decision.matrix import decision_matrix, direction_signs
from servqual.decision.weights.registry import OBJECTIVE_METHODS, objective_weights
from servqual.exceptions import AnalysisError, ServqualWarning

__all__ = [
    "CompositeIndexResult", "composite_index", "topsis", "membership_matrix", "FuzzyEvaluationResult",
    "fuzzy_evaluation", "FUZZY_OPERATORS", "GreyRelationalResult", "grey_relational", "RankStabilityResult",
    "rank_stability",
]




def _weights(weights, columns=None, *, what: str = "weights") -> pd.Series:
    """Weights as a float Series (sum 1) over ``columns`` (default: the weights' own index)."""
    w = getattr(weights, "weights", weights)
    if isinstance(w, Mapping):
        w = pd.Series(dict(w), dtype=float)
    if not isinstance(w, pd.Series):
        if columns is not None and np.ndim(w) == 1 and len(w) == len(columns):
            w = pd.Series(np.asarray(w, dtype=float), index=list(columns))
        else:
            raise AnalysisError(f"{what} must be a Series or dict {{indicator: weight}} (or a result with .weights)")
    w = w.astype(float)
    if columns is not None:
        cols = list(columns)
        missing = [c for c in cols if c not in w.index]
        extra = [c for c in w.index if c not in cols]
        if missing:
            raise AnalysisError(f"no {what} for indicator(s) {', '.join(map(str, missing))}")
        if extra:
            raise AnalysisError(f"{what} given for indicator(s) not evaluated: {', '.join(map(str, extra))}")
        w = w.loc[cols]
    if not np.isfinite(w).all() or (w < 0).any():
        raise AnalysisError(f"{what} must be finite and non-negative")
    if w.sum() <= 0:
        raise AnalysisError(f"{what} sum to zero")
    return (w / w.sum()).rename("weight")


# --------------------------------------------------------------------------------------------------
# Composite index
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class CompositeIndexResult(ResultMixin):
    """Result of :func:`composite_index`.

    Attributes
    ----------
    scores : pandas.Series
        Each row's index (0-100), NaN where it cannot be computed.
    table : pandas.DataFrame
        ``segment, n, mean, sd, se, ci_low, ci_high`` (``all`` first, then each group).
    weights : pandas.Series
    bounds : pandas.DataFrame
        ``indicator, low, high, direction`` used to rescale each indicator to 0-1.
    """

    scores: pd.Series
    table: pd.DataFrame
    weights: pd.Series
    bounds: pd.DataFrame
    title: str = field(default="Weighted composite index (0-100)")

    def tables(self) -> dict:
        return {"Composite index": self.table, "Weights and bounds": self.bounds.assign(weight=self.weights.to_numpy())}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        a = self.table.iloc[0]
        if lang == "zh":
            return [f"总指数 {a['mean']:.1f}（置信区间 {a['ci_low']:.1f} 至 {a['ci_high']:.1f}），n = {int(a['n'])}。",
                    "指数 = 100 * sum_j w_j z_j，其中 z_j = (x_j - low_j) / (high_j - low_j)（成本型指标取反）。"]
        return [f"Overall index {a['mean']:.1f} (CI {a['ci_low']:.1f} to {a['ci_high']:.1f}), n = {int(a['n'])}.",
                "Index = 100 * sum_j w_j z_j with z_j = (x_j - low_j) / (high_j - low_j) (reversed for cost indicators)."]


def composite_index(data, weights, *, directions=None, scale=None, by: str | None = None, nan_policy: str = "listwise",
                    ci: float = 0.95) -> CompositeIndexResult:
    """Weighted composite index on 0-100 per row (respondent or alternative), per group and overall.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent / alternative; the columns named by ``weights`` are the indicators.
    weights : Series, dict or result with ``.weights``
        Indicator weights (normalised to sum 1), e.g. AHP global weights or entropy weights.
    directions : dict or Series, optional
        Cost indicators (lower is better) are reversed.
    scale : tuple, dict or None
        Bounds used to rescale each indicator to 0-1: ``(low, high)`` for all (e.g. ``(1, 5)`` for a
        five-point scale -- recommended for survey items, so the index is comparable across samples),
        ``{column: (low, high)}``, or None (default: the observed minimum and maximum of each column,
        the only choice available without a questionnaire; the index is then relative to this sample).
    by : str, optional
        Group column: the index per group as well.
    nan_policy : {"listwise", "available"}
        ``listwise`` (default): a row with any missing indicator gets no index. ``available``: the
        weights are renormalised over the indicators the row has.
    ci : float
        Confidence level of the t interval of the mean index.

    Returns
    -------
    CompositeIndexResult
        ``scores`` (per row), ``table`` (``segment, n, mean, sd, se, ci_low, ci_high``), ``weights``, ``bounds``.

    Notes
    -----
    ``I_i = 100 sum_j w_j z_ij``, ``z_ij = (x_ij - low_j) / (high_j - low_j)`` for benefit and
    ``(high_j - x_ij) / (high_j - low_j)`` for cost indicators (the CSI rescaling of Fornell et al. 1996).
    Values outside the bounds raise a ServqualWarning.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.weights import entropy_weights
    >>> items = ["ipa01_sat", "ipa02_sat", "ipa03_sat"]  # satisfaction with three kiosk attributes, 1-7
    >>> df = sq.read_dataset("kiosk").data.dropna(subset=items)
    >>> w = entropy_weights(df, items=items)
    >>> composite_index(df, w, scale=(1, 7), by="sex").table.round(2)
      segment    n   mean     sd    se  ci_low  ci_high
    0     all  207  74.83  16.86  1.17   72.52    77.14
    1  female  153  74.74  16.85  1.36   72.05    77.43
    2    male   54  75.10  17.05  2.32   70.45    79.75
    """
    df = as_frame(data)
    w = _weights(weights)
    cols = list(w.index)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"weighted indicator(s) not in the data: {', '.join(map(str, missing))}")
    x = df[cols]
    bad = [c for c in cols if not pd.api.types.is_numeric_dtype(x[c])]
    if bad:
        raise AnalysisError(f"non-numeric indicator column(s): {', '.join(map(str, bad))}")
    a = x.to_numpy(dtype=float)
    dirs = direction_signs(directions, cols)
    if scale is None:
        lo, hi = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
    elif isinstance(scale, Mapping):
        miss = [c for c in cols if c not in scale]
        if miss:
            raise AnalysisError(f"scale has no bounds for {', '.join(map(str, miss))}")
        lo = np.array([float(scale[c][0]) for c in cols])
        hi = np.array([float(scale[c][1]) for c in cols])
    else:
        lo_, hi_ = scale
        lo, hi = np.full(len(cols), float(lo_)), np.full(len(cols), float(hi_))
    rng = hi - lo
    if (rng <= 0).any() or not np.isfinite(rng).all():
        zero = [str(c) for c, r in zip(cols, rng) if not r > 0]
        raise AnalysisError(f"indicator(s) {', '.join(zero)} have no range (constant, or low >= high); "
                            "give scale=(low, high) or drop them")
    if ((a < lo - 1e-9) | (a > hi + 1e-9)).any():
        warnings.warn("some values lie outside the scale bounds; their rescaled scores fall outside 0-1", ServqualWarning, stacklevel=2)
    z = np.where(dirs > 0, (a - lo) / rng, (hi - a) / rng)
    wv = w.to_numpy()
    ok = ~np.isnan(z)
    if nan_policy == "listwise":
        s = np.where(ok.all(axis=1), np.nansum(z * wv, axis=1) * 100, np.nan)
    elif nan_policy == "available":
        den = (ok * wv).sum(axis=1)
        s = np.where(den > 0, np.nansum(z * wv, axis=1) / np.where(den > 0, den, 1) * 100, np.nan)
    else:
        raise ValueError(f"nan_policy must be 'listwise' or 'available', got {nan_policy!r}")
    scores = pd.Series(s, index=df.index, name="index")
    if not 0 < ci < 1:
        raise AnalysisError(f"ci must be between 0 and 1, got {ci}")
    segs = [("all", np.ones(len(df), bool))]
    if by is not None:
        if by not in df.columns:
            raise AnalysisError(f"group column {by!r} is not in the data")
        for lab in sorted(df[by].dropna().unique().tolist(), key=str):
            segs.append((lab, (df[by] == lab).to_numpy()))
    rows = []
    for lab, mask in segs:
        v = s[mask]
        v = v[~np.isnan(v)]
        n = len(v)
        mean = float(v.mean()) if n else np.nan
        sd = float(v.std(ddof=1)) if n > 1 else np.nan
        se = sd / np.sqrt(n) if n > 1 else np.nan
        t = stats.t.ppf(0.5 + ci / 2, n - 1) if n > 1 else np.nan
        rows.append({"segment": lab, "n": n, "mean": mean, "sd": sd, "se": se, "ci_low": mean - t * se, "ci_high": mean + t * se})
    if rows[0]["n"] == 0:
        raise AnalysisError("no row has every indicator; use nan_policy='available' or check the data")
    bounds = pd.DataFrame({"indicator": cols, "low": lo, "high": hi,
                           "direction": np.where(dirs > 0, "higher_is_better", "lower_is_better")})
    return CompositeIndexResult(scores=scores, table=pd.DataFrame(rows), weights=w, bounds=bounds)


# --------------------------------------------------------------------------------------------------
# TOPSIS
# --------------------------------------------------------------------------------------------------
def _resolve_weights(weights, x: pd.DataFrame, directions) -> pd.Series:
    if isinstance(weights, str):
        key = weights.lower()
        if key in OBJECTIVE_METHODS:
            return objective_weights(x, key, directions).weights
        raise AnalysisError(f"weights {weights!r}: give a Series or one of {', '.join(map(repr, OBJECTIVE_METHODS))}")
    return _weights(weights, list(x.columns))


def _topsis_normalise(a: np.ndarray, normalize: str, dirs: np.ndarray, cols) -> np.ndarray:
    if normalize == "vector":
        nrm = np.sqrt((a ** 2).sum(axis=0))
        if (nrm <= 0).any():
            raise AnalysisError(f"indicator(s) {', '.join(str(c) for c, v in zip(cols, nrm) if v <= 0)} are all zero")
        return a / nrm
    if normalize == "minmax":
        lo, hi = a.min(axis=0), a.max(axis=0)
        rng = np.where(hi - lo > 0, hi - lo, 1.0)
        return (a - lo) / rng
    raise AnalysisError(f"normalize must be 'vector' or 'minmax', got {normalize!r}")


def _topsis_scores(r: np.ndarray, wmat: np.ndarray, dirs: np.ndarray):
    """Vectorised TOPSIS: r (m x n) normalised, wmat (K x n) weights -> d_plus, d_minus, closeness (K x m)."""
    v = r[None, :, :] * wmat[:, None, :]
    vmax, vmin = v.max(axis=1), v.min(axis=1)
    pis = np.where(dirs > 0, vmax, vmin)
    nis = np.where(dirs > 0, vmin, vmax)
    dp = np.sqrt(((v - pis[:, None, :]) ** 2).sum(axis=2))
    dm = np.sqrt(((v - nis[:, None, :]) ** 2).sum(axis=2))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = dm / (dp + dm)
    return dp, dm, c


def topsis(data, weights, directions=None, *, normalize: str = "vector", items=None) -> pd.DataFrame:
    """TOPSIS: rank alternatives by relative closeness to the ideal solution (Hwang & Yoon 1981).

    Parameters
    ----------
    data : pandas.DataFrame
        Alternatives (rows, e.g. service centres) x indicators.
    weights : Series, dict, result with ``.weights``, or "entropy" / "critic" / "equal"
        Indicator weights (normalised to sum 1); a string computes them from ``data`` -- so
        ``topsis(df, "entropy", dirs)`` is entropy-weighted TOPSIS.
    directions : dict or Series, optional
        Cost indicators: their ideal is the minimum.
    normalize : {"vector", "minmax"}
        ``vector`` (default, Hwang & Yoon's ``x_ij / sqrt(sum_i x_ij^2)``, invariant to the unit of
        each column) or ``minmax`` (``(x - min) / (max - min)``).
    items : list of str, optional
        Columns to use (default: those of the weights, or all columns).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``data``: ``d_plus`` (distance to the ideal), ``d_minus`` (to the anti-ideal),
        ``closeness`` (``d_minus / (d_plus + d_minus)``, 0-1, higher is better) and ``rank``
        (1 = best; ties share the smaller rank).

    Notes
    -----
    ``v_ij = w_j r_ij``; ideal ``A+_j = max_i v_ij`` (benefit) or ``min_i v_ij`` (cost), anti-ideal the
    reverse; Euclidean distances. Tested against Hwang & Yoon's (1981) fighter-aircraft example
    (closeness 0.643, 0.268, 0.614, 0.312); invariant to rescaling a column (vector normalisation).

    Examples
    --------
    >>> import servqual as sq
    >>> items = ["ipa01_sat", "ipa02_sat", "ipa03_sat"]
    >>> df = sq.read_dataset("kiosk").data.dropna(subset=items)
    >>> centres = df.groupby("age_group")[items].mean()  # alternatives: the age groups' mean satisfaction
    >>> topsis(centres, "entropy").round(4)
               d_plus  d_minus  closeness  rank
    age_group
    10-19      0.0000   0.0929     1.0000     1
    20-29      0.0456   0.0535     0.5398     4
    30-39      0.0116   0.0860     0.8808     2
    40-49      0.0929   0.0000     0.0000     5
    50+        0.0462   0.0546     0.5418     3
    """
    df = as_frame(data)
    if items is None and not isinstance(weights, str):
        w0 = getattr(weights, "weights", weights)
        if isinstance(w0, (pd.Series, Mapping)):
            items = list(pd.Series(dict(w0)).index) if isinstance(w0, Mapping) else list(w0.index)
    x = decision_matrix(df, items, "raise")
    cols = list(x.columns)
    w = _resolve_weights(weights, x, directions)
    dirs = direction_signs(directions, cols)
    r = _topsis_normalise(x.to_numpy(dtype=float), normalize, dirs, cols)
    dp, dm, c = _topsis_scores(r, w.to_numpy()[None, :], dirs)
    if np.isnan(c).any():
        raise AnalysisError("every alternative is identical on the weighted indicators; TOPSIS cannot rank them")
    out = pd.DataFrame({"d_plus": dp[0], "d_minus": dm[0], "closeness": c[0]}, index=x.index)
    out["rank"] = out["closeness"].rank(ascending=False, method="min").astype(int)
    return out


# --------------------------------------------------------------------------------------------------
# Fuzzy comprehensive evaluation
# --------------------------------------------------------------------------------------------------
FUZZY_OPERATORS = {
    "M(·,+)": "weighted average: b_j = sum_i w_i r_ij (uses every indicator; default)",
    "M(∧,∨)": "Zadeh min-max: b_j = max_i min(w_i, r_ij) (main factor decides)",
    "M(·,∨)": "product-max: b_j = max_i w_i r_ij (main factor prominent)",
    "M(∧,⊕)": "min-bounded sum: b_j = min(1, sum_i min(w_i, r_ij))",
}
_OP_ALIASES = {
    "M(·,+)": "M(·,+)", "M(*,+)": "M(·,+)", "M(.,+)": "M(·,+)", "weighted_average": "M(·,+)", "weighted": "M(·,+)",
    "M(∧,∨)": "M(∧,∨)", "M(min,max)": "M(∧,∨)", "zadeh": "M(∧,∨)", "min_max": "M(∧,∨)",
    "M(·,∨)": "M(·,∨)", "M(*,max)": "M(·,∨)", "M(.,max)": "M(·,∨)", "product_max": "M(·,∨)",
    "M(∧,⊕)": "M(∧,⊕)", "M(min,+)": "M(∧,⊕)", "M(min,bounded_sum)": "M(∧,⊕)", "min_bounded_sum": "M(∧,⊕)",
}


def _operator(op: str) -> str:
    key = _OP_ALIASES.get(str(op).replace(" ", ""))
    if key is None:
        raise AnalysisError(f"unknown fuzzy operator {op!r}; choose one of {', '.join(FUZZY_OPERATORS)} "
                            "(or weighted_average, zadeh, product_max, min_bounded_sum)")
    return key


def _compose(w: np.ndarray, r: np.ndarray, op: str) -> np.ndarray:
    if op == "M(·,+)":
        return w @ r
    if op == "M(∧,∨)":
        return np.minimum(w[:, None], r).max(axis=0)
    if op == "M(·,∨)":
        return (w[:, None] * r).max(axis=0)
    return np.minimum(1.0, np.minimum(w[:, None], r).sum(axis=0))


def _grade_spec(grades) -> tuple[list, list]:
    if isinstance(grades, Mapping):
        vals, labs = list(grades.keys()), [str(v) for v in grades.values()]
    else:
        vals = list(grades)
        labs = [str(v) for v in vals]
    if len(vals) < 2:
        raise AnalysisError("at least two grades are needed")
    if len(set(labs)) != len(labs):
        raise AnalysisError(f"duplicate grade labels: {', '.join(labs)}")
    return vals, labs


def membership_matrix(data, grades, items=None) -> pd.DataFrame:
    """Membership matrix R of a fuzzy evaluation: the share of answers at each grade, per indicator.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents x indicators (answers coded as the grade values).
    grades : list or dict
        The grade values in the order of the evaluation set, e.g. ``[5, 4, 3, 2, 1]``, or
        ``{5: "很满意", 4: "满意", 3: "一般", 2: "不满意", 1: "很不满意"}`` (value -> label).
    items : list of str, optional
        Indicators (default: all columns).

    Returns
    -------
    pandas.DataFrame
        Indicators x grade labels; each row sums to 1 (missing answers are excluded per indicator).
        ``attrs["n"]`` holds the number of answers per indicator.

    Notes
    -----
    ``r_ij = #(answers of indicator i at grade j) / #(answers of indicator i)``. Answers that are not a
    grade value raise AnalysisError naming the indicator and the value.
    """
    df = as_frame(data)
    vals, labs = _grade_spec(grades)
    cols = list(df.columns) if items is None else list(items)
    miss = [c for c in cols if c not in df.columns]
    if miss:
        raise AnalysisError(f"indicator(s) not in the data: {', '.join(map(str, miss))}")
    rows, ns = [], {}
    for c in cols:
        s = df[c].dropna()
        if len(s) == 0:
            raise AnalysisError(f"indicator {c!r} has no answers")
        counts = []
        known = pd.Series(False, index=s.index)
        for v in vals:
            hit = s == v
            known |= hit
            counts.append(int(hit.sum()))
        if not known.all():
            other = s[~known].unique().tolist()[:5]
            raise AnalysisError(f"indicator {c!r} has answers that are not grades: {other}; grades are {vals}")
        rows.append(np.array(counts) / len(s))
        ns[c] = len(s)
    out = pd.DataFrame(rows, index=cols, columns=labs)
    out.attrs["n"] = ns
    return out


@dataclass(frozen=True, repr=False)
class FuzzyEvaluationResult(ResultMixin):
    """Result of :func:`fuzzy_evaluation`.

    Attributes
    ----------
    vector : pandas.DataFrame
        ``grade, membership`` (normalised to sum 1), ``raw`` (before normalising) and ``score`` of the grade.
    grade : str
        The grade with the largest membership (maximum-membership principle).
    score : float
        The weighted score ``sum_j b_j s_j`` (normalised B), NaN without grade scores.
    criteria : pandas.DataFrame or None
        Two-level evaluation: one row per criterion with its weight, membership vector, grade and score.
    membership : pandas.DataFrame
        The indicator membership matrix R used.
    operator : str
    """

    vector: pd.DataFrame
    grade: str
    score: float
    criteria: pd.DataFrame | None
    membership: pd.DataFrame
    operator: str
    title: str = field(default="Fuzzy comprehensive evaluation")

    def tables(self) -> dict:
        out = {"Evaluation vector": self.vector}
        if self.criteria is not None:
            out["Criteria (first level)"] = self.criteria
        out["Membership matrix"] = self.membership
        return out

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        if lang == "zh":
            return [f"合成算子 {self.operator}：{FUZZY_OPERATORS[self.operator]}。",
                    f"最大隶属度等级：{self.grade}；加权得分 = {self.score:.3f}。"]
        return [f"Operator {self.operator}: {FUZZY_OPERATORS[self.operator]}.",
                f"Maximum membership: {self.grade}; weighted score = {self.score:.3f}."]


def fuzzy_evaluation(data, weights, grades=None, *, operator: str = "M(·,+)", grade_scores=None, hierarchy=None,
                     criterion_weights=None) -> FuzzyEvaluationResult:
    """Fuzzy comprehensive evaluation (模糊综合评价), one or two levels.

    Parameters
    ----------
    data : pandas.DataFrame
        With ``grades``: respondents x indicators (answers = grade values); the membership matrix is
        built by :func:`membership_matrix`. Without ``grades``: the membership matrix itself
        (indicators x grades, rows summing to 1).
    weights : Series, dict or result with ``.weights``
        Indicator weights. In a two-level evaluation they are renormalised within each criterion, so
        local or global (e.g. AHP hierarchy) weights both work.
    grades : list or dict, optional
        Grade values (and labels), e.g. ``{5: "很满意", 4: "满意", 3: "一般", 2: "不满意", 1: "很不满意"}``.
    operator : str
        ``"M(·,+)"`` (default: the weighted average, the only operator that uses every indicator's
        information and keeps B a distribution), ``"M(∧,∨)"``, ``"M(·,∨)"``, ``"M(∧,⊕)"``; ASCII aliases
        ``weighted_average``, ``zadeh``, ``product_max``, ``min_bounded_sum``.
    grade_scores : sequence or dict, optional
        Score of each grade for the weighted score (default: the grade values when numeric, e.g. 5..1).
    hierarchy : dict, optional
        ``{criterion: [indicators]}`` for a two-level evaluation: each criterion's vector
        ``B_k = W_k o R_k`` becomes a row of the second-level matrix.
    criterion_weights : Series or dict, optional
        Weights of the criteria (default: the sum of the indicator weights within each criterion).

    Returns
    -------
    FuzzyEvaluationResult
        ``vector``, ``grade`` (maximum membership), ``score`` (weighted), ``criteria``, ``membership``.

    Notes
    -----
    ``B = W o R`` with the chosen operator; B is normalised to sum 1 before the maximum-membership grade
    and the score ``sum_j b_j s_j`` are read. Two levels: ``B = W_crit o [B_1; ...; B_K]``.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.weights import entropy_weights
    >>> answers = sq.read_dataset("kiosk").data[["ipa01_sat", "ipa02_sat", "ipa03_sat"]].dropna()  # 1-7 answers
    >>> grades = {7: "excellent", 6: "very good", 5: "good", 4: "fair", 3: "poor", 2: "very poor", 1: "bad"}
    >>> res = fuzzy_evaluation(answers, entropy_weights(answers), grades)
    >>> res.grade, round(res.score, 3)
    ('very good', 5.49)
    """
    op = _operator(operator)
    w_all = getattr(weights, "weights", weights)
    w_all = pd.Series(dict(w_all), dtype=float) if isinstance(w_all, Mapping) else w_all
    if not isinstance(w_all, pd.Series):
        raise AnalysisError("weights must be a Series or dict {indicator: weight}")
    inds = list(w_all.index)
    if grades is not None:
        vals, labs = _grade_spec(grades)
        r = membership_matrix(data, grades, inds)
    else:
        r = as_frame(data).astype(float)
        labs = [str(c) for c in r.columns]
        vals = list(r.columns)
        miss = [c for c in inds if c not in r.index]
        if miss:
            raise AnalysisError(f"membership matrix has no row for {', '.join(map(str, miss))}")
        r = r.loc[inds]
        if (r.to_numpy() < 0).any() or (r.to_numpy() > 1 + 1e-9).any():
            raise AnalysisError("membership degrees must lie in [0, 1]")
    if grade_scores is None:
        try:
            sc = np.array([float(v) for v in vals])
        except (TypeError, ValueError):
            sc = None
    else:
        sc = np.array([float(grade_scores[v]) for v in vals]) if isinstance(grade_scores, Mapping) else np.asarray(grade_scores, float)
        if len(sc) != len(labs):
            raise AnalysisError(f"{len(sc)} grade scores for {len(labs)} grades")

    def evaluate(w: pd.Series, rr: np.ndarray):
        raw = _compose(w.to_numpy(), rr, op)
        tot = raw.sum()
        b = raw / tot if tot > 0 else raw
        return raw, b

    def score_of(b):
        return float(b @ sc) if sc is not None else np.nan

    crit_df = None
    if hierarchy is None:
        w = _weights(w_all, inds)
        raw, b = evaluate(w, r.to_numpy())
    else:
        if not isinstance(hierarchy, Mapping) or not hierarchy:
            raise AnalysisError("hierarchy must be a dict {criterion: [indicators]}")
        used = [i for v in hierarchy.values() for i in v]
        miss = [i for i in used if i not in inds]
        if miss:
            raise AnalysisError(f"no weight for indicator(s) {', '.join(map(str, miss))} of the hierarchy")
        crit = [str(k) for k in hierarchy]
        if criterion_weights is None:
            cw = pd.Series({str(k): float(w_all.loc[list(v)].sum()) for k, v in hierarchy.items()})
        else:
            cw = getattr(criterion_weights, "weights", criterion_weights)
            cw = pd.Series(dict(cw), dtype=float) if isinstance(cw, Mapping) else cw
        cw = _weights(cw, crit, what="criterion weights")
        level, rows = [], []
        for k, v in hierarchy.items():
            wk = _weights(w_all.loc[list(v)], list(v), what=f"weights of criterion {k!r}")
            rk, bk = evaluate(wk, r.loc[list(v)].to_numpy())
            level.append(bk)
            rows.append({"criterion": str(k), "weight": float(cw[str(k)]), **dict(zip(labs, bk)),
                         "grade": labs[int(np.argmax(bk))], "score": score_of(bk)})
        crit_df = pd.DataFrame(rows)
        raw, b = evaluate(cw, np.vstack(level))
    vec = pd.DataFrame({"grade": labs, "membership": b, "raw": raw})
    vec["score"] = sc if sc is not None else np.nan
    if np.sum(b == b.max()) > 1:
        warnings.warn("two or more grades share the largest membership; the maximum-membership grade is the first of them",
                      ServqualWarning, stacklevel=2)
    return FuzzyEvaluationResult(vector=vec, grade=labs[int(np.argmax(b))], score=score_of(b), criteria=crit_df,
                                 membership=r, operator=op)


# --------------------------------------------------------------------------------------------------
# Grey relational analysis
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class GreyRelationalResult(ResultMixin):
    """Result of :func:`grey_relational`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed like the data: ``grade`` (grey relational grade, 关联度) and ``rank`` (1 = closest to the reference).
    coefficients : pandas.DataFrame
        Grey relational coefficients (alternatives x indicators).
    reference : pandas.Series
        The reference sequence (normalised).
    rho : float
    """

    table: pd.DataFrame
    coefficients: pd.DataFrame
    reference: pd.Series
    rho: float
    weights: pd.Series
    title: str = field(default="Grey relational analysis")

    def tables(self) -> dict:
        return {"Grey relational grades": self.table, "Relational coefficients": self.coefficients}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        formula = f"xi_ij = (min Delta + rho max Delta) / (Delta_ij + rho max Delta), rho = {self.rho}; "
        if lang == "zh":
            return [formula + "关联度 = sum_j w_j xi_ij（邓聚龙 1982）。"]
        return [formula + "grade = sum_j w_j xi_ij (Deng 1982)."]


def grey_relational(data, weights=None, directions=None, *, rho: float = 0.5, normalize: str = "minmax",
                    reference=None, items=None) -> GreyRelationalResult:
    """Grey relational analysis: how close each alternative's profile is to the reference (ideal) sequence.

    Parameters
    ----------
    data : pandas.DataFrame
        Alternatives x indicators.
    weights : Series, dict or result, optional
        Indicator weights for the grade (default equal, Deng's original mean).
    directions : dict or Series, optional
        Cost indicators (reversed in the min-max normalisation; their ideal is the minimum otherwise).
    rho : float
        Distinguishing (resolution) coefficient in (0, 1]; 0.5 (default) is Deng's conventional value.
    normalize : {"minmax", "mean", "initial", "none"}
        ``minmax`` (default: range normalisation by direction, so the ideal is 1 everywhere), ``mean``
        (``x / mean``), ``initial`` (``x / x_first``) or ``none``.
    reference : label, optional
        A row of ``data`` as the reference sequence (excluded from the ranking); default: the ideal
        (best value of each indicator after normalisation).
    items : list of str, optional

    Returns
    -------
    GreyRelationalResult
        ``table`` (``grade``, ``rank``), ``coefficients``, ``reference``.

    Notes
    -----
    ``Delta_ij = |x_0j - x_ij|``, ``xi_ij = (min_ij Delta + rho max_ij Delta) / (Delta_ij + rho max_ij Delta)``
    (minimum and maximum over every alternative and indicator), grade ``gamma_i = sum_j w_j xi_ij``.

    Examples
    --------
    >>> import servqual as sq
    >>> items = ["ipa01_sat", "ipa02_sat", "ipa03_sat"]
    >>> df = sq.read_dataset("kiosk").data.dropna(subset=items)
    >>> grey_relational(df.groupby("age_group")[items].mean()).table.round(4)
                grade  rank
    age_group
    10-19      1.0000     1
    20-29      0.5912     4
    30-39      0.9048     2
    40-49      0.3333     5
    50+        0.6156     3
    """
    if not 0 < rho <= 1:
        raise AnalysisError(f"rho must lie in (0, 1], got {rho}")
    x = decision_matrix(as_frame(data), items, "raise")
    cols = list(x.columns)
    dirs = direction_signs(directions, cols)
    a = x.to_numpy(dtype=float)
    if normalize == "minmax":
        lo, hi = a.min(axis=0), a.max(axis=0)
        rng = np.where(hi - lo > 0, hi - lo, 1.0)
        z = np.where(dirs > 0, (a - lo) / rng, (hi - a) / rng)
        best_dirs = np.ones(len(cols))
    elif normalize == "mean":
        mu = a.mean(axis=0)
        if (mu == 0).any():
            raise AnalysisError("normalize='mean' needs non-zero column means")
        z, best_dirs = a / mu, dirs
    elif normalize == "initial":
        if (a[0] == 0).any():
            raise AnalysisError("normalize='initial' needs non-zero values in the first row")
        z, best_dirs = a / a[0], dirs
    elif normalize == "none":
        z, best_dirs = a, dirs
    else:
        raise AnalysisError(f"normalize must be minmax, mean, initial or none, got {normalize!r}")
    index = list(x.index)
    if reference is None:
        ref = np.where(best_dirs > 0, z.max(axis=0), z.min(axis=0))
        keep = np.ones(len(index), bool)
    else:
        if reference not in index:
            raise AnalysisError(f"reference row {reference!r} is not in the data")
        k = index.index(reference)
        ref = z[k]
        keep = np.arange(len(index)) != k
    zz = z[keep]
    delta = np.abs(zz - ref)
    dmin, dmax = delta.min(), delta.max()
    if dmax <= 0:
        raise AnalysisError("every alternative equals the reference sequence; grey relations are undefined")
    xi = (dmin + rho * dmax) / (delta + rho * dmax)
    w = _weights(weights, cols) if weights is not None else pd.Series(1 / len(cols), index=cols, name="weight")
    grade = xi @ w.to_numpy()
    idx = x.index[keep]
    table = pd.DataFrame({"grade": grade}, index=idx)
    table["rank"] = table["grade"].rank(ascending=False, method="min").astype(int)
    return GreyRelationalResult(table=table, coefficients=pd.DataFrame(xi, index=idx, columns=cols),
                                reference=pd.Series(ref, index=cols, name="reference"), rho=rho, weights=w)


# --------------------------------------------------------------------------------------------------
# Rank stability under weight perturbation
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class RankStabilityResult(ResultMixin):
    """Result of :func:`rank_stability`.

    Attributes
    ----------
    one_at_a_time : pandas.DataFrame
        ``indicator, change, weight, best, same_best, spearman, n_changed, max_shift``.
    random : pandas.DataFrame
        One row per alternative: ``base_rank, mean_rank, sd_rank, min_rank, max_rank, p_same_rank, p_best``.
    base : pandas.Series
        Baseline ranks.
    summary_stats : dict
        ``p_same_best`` (share of random draws keeping the best alternative), ``mean_spearman``, ``n_random``.
    """

    one_at_a_time: pd.DataFrame
    random: pd.DataFrame
    base: pd.Series
    summary_stats: dict
    method: str
    title: str = field(default="Rank stability under weight perturbation")

    def tables(self) -> dict:
        return {"Random perturbation (per alternative)": self.random, "One at a time": self.one_at_a_time}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        s = self.summary_stats
        if lang == "zh":
            return [f"{s['n_random']} 次随机权重抽样（每个权重乘以 U(1 - p, 1 + p)，p = {s['perturbation']}，再归一）："
                    f"最优方案在 {100 * s['p_same_best']:.1f}% 的抽样中不变；与基准排序的平均 Spearman rho = "
                    f"{s['mean_spearman']:.3f}。",
                    "逐一变动：一个权重乘以 (1 + change)，其余按比例缩放，使权重之和仍为 1。"]
        return [f"{s['n_random']} random weight draws (each weight x U(1 - p, 1 + p), p = {s['perturbation']}, renormalised): "
                f"best alternative unchanged in {100 * s['p_same_best']:.1f}% of draws; mean Spearman rho with the baseline "
                f"ranking = {s['mean_spearman']:.3f}.",
                "One at a time: one weight scaled by (1 + change), the others rescaled proportionally to keep the sum at 1."]


def _row_spearman(ranks: np.ndarray, base: np.ndarray) -> np.ndarray:
    a = ranks - ranks.mean(axis=1, keepdims=True)
    b = base - base.mean()
    den = np.sqrt((a ** 2).sum(axis=1) * (b ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (a @ b) / den, 1.0)


def rank_stability(data, weights, directions=None, *, method: str = "topsis", perturbation: float = 0.2, steps=None,
                   n_random: int = 1000, seed=None, normalize: str = "vector", rho: float = 0.5) -> RankStabilityResult:
    """How the ranking of alternatives changes when the indicator weights are perturbed.

    Parameters
    ----------
    data : pandas.DataFrame
        Alternatives x indicators.
    weights : Series, dict or result with ``.weights``
    directions : dict or Series, optional
    method : {"topsis", "weighted_sum", "grey"}
        The scoring rule re-run under each weight vector (``weighted_sum`` = min-max normalised
        weighted sum, i.e. the composite index; ``grey`` = grey relational grade).
    perturbation : float
        Relative size p of the perturbations (default 0.2 = +-20 %).
    steps : sequence of float, optional
        Relative changes for the one-at-a-time analysis (default ``-p, -p/2, +p/2, +p``).
    n_random : int
        Random draws (default 1000); each weight is multiplied by U(1 - p, 1 + p) and renormalised.
    seed : int or numpy Generator, optional
        For reproducible draws.
    normalize : str
        TOPSIS normalisation (see :func:`topsis`).
    rho : float
        Grey relational rho.

    Returns
    -------
    RankStabilityResult
        ``one_at_a_time`` and ``random`` tables, ``base`` ranks, ``summary_stats``.

    Notes
    -----
    All draws are scored at once (vectorised over the weight vectors). Ranks use the "min" rule for
    ties throughout; Spearman's rho is the Pearson correlation of the rank vectors.
    """
    df = as_frame(data)
    w0 = getattr(weights, "weights", weights)
    items = list(w0.index) if isinstance(w0, pd.Series) else (list(w0) if isinstance(w0, Mapping) else None)
    x = decision_matrix(df, items, "raise")
    cols = list(x.columns)
    w = _weights(weights, cols)
    dirs = direction_signs(directions, cols)
    a = x.to_numpy(dtype=float)
    if not 0 < perturbation < 1:
        raise AnalysisError(f"perturbation must lie in (0, 1), got {perturbation}")
    meth = str(method).lower()
    if meth == "topsis":
        r = _topsis_normalise(a, normalize, dirs, cols)

        def score(wm):
            return _topsis_scores(r, wm, dirs)[2]
    elif meth in ("weighted_sum", "composite"):
        lo, hi = a.min(axis=0), a.max(axis=0)
        rng = np.where(hi - lo > 0, hi - lo, 1.0)
        z = np.where(dirs > 0, (a - lo) / rng, (hi - a) / rng)

        def score(wm):
            return wm @ z.T
    elif meth == "grey":
        xi = grey_relational(x, None, directions, rho=rho).coefficients.to_numpy()

        def score(wm):
            return wm @ xi.T
    else:
        raise AnalysisError(f"method must be topsis, weighted_sum or grey, got {method!r}")

    def ranks(sc):
        return stats.rankdata(-np.nan_to_num(sc, nan=-np.inf), method="min", axis=1)

    wv = w.to_numpy()
    base = ranks(score(wv[None, :]))[0]
    best0 = int(np.argmin(base))
    steps = [-perturbation, -perturbation / 2, perturbation / 2, perturbation] if steps is None else list(steps)
    oat_w, oat_meta = [], []
    for j, c in enumerate(cols):
        for d in steps:
            wj = min(max(wv[j] * (1 + d), 0.0), 1.0)
            rest = 1 - wv[j]
            nw = wv * ((1 - wj) / rest) if rest > 0 else np.full(len(wv), 0.0)
            nw[j] = wj
            oat_w.append(nw / nw.sum())
            oat_meta.append((c, d, wj))
    oat_r = ranks(score(np.array(oat_w)))
    rho_oat = _row_spearman(oat_r, base)
    oat = pd.DataFrame({"indicator": [m[0] for m in oat_meta], "change": [m[1] for m in oat_meta],
                        "weight": [m[2] for m in oat_meta],
                        "best": [x.index[int(np.argmin(rr))] for rr in oat_r],
                        "same_best": [bool(np.argmin(rr) == best0) for rr in oat_r], "spearman": rho_oat,
                        "n_changed": (oat_r != base).sum(axis=1), "max_shift": np.abs(oat_r - base).max(axis=1)})
    rng_ = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n_random = int(n_random)
    if n_random < 1:
        raise AnalysisError("n_random must be at least 1")
    all_r = []
    for start in range(0, n_random, 2000):  # chunks keep the (draws x alternatives x indicators) array small
        k = min(2000, n_random - start)
        wm = wv * rng_.uniform(1 - perturbation, 1 + perturbation, size=(k, len(wv)))
        wm = wm / wm.sum(axis=1, keepdims=True)
        all_r.append(ranks(score(wm)))
    rr = np.vstack(all_r)
    rnd = pd.DataFrame({"base_rank": base.astype(int), "mean_rank": rr.mean(axis=0), "sd_rank": rr.std(axis=0, ddof=1) if n_random > 1 else 0.0,
                        "min_rank": rr.min(axis=0), "max_rank": rr.max(axis=0), "p_same_rank": (rr == base).mean(axis=0),
                        "p_best": (rr == 1).mean(axis=0)}, index=x.index)
    sp = _row_spearman(rr, base)
    summ = {"p_same_best": float((rr[:, best0] == base[best0]).mean()) if base[best0] == 1 else float((rr[:, best0] == 1).mean()),
            "mean_spearman": float(sp.mean()), "n_random": n_random, "perturbation": perturbation}
    return RankStabilityResult(one_at_a_time=oat, random=rnd, base=pd.Series(base.astype(int), index=x.index, name="rank"),
                               summary_stats=summ, method=meth)
