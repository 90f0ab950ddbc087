"""The tests and helpers the service analyses share: Holm's adjustment, one-sample and Welch t, Welch's
ANOVA, Games-Howell pairs, Hedges' g, the columns of a questionnaire block, dimension weights and segments.

:func:`~servqual.service.gap.gap_analysis`, :func:`~servqual.service.ipa.ipa` and the comparisons of
:mod:`servqual.service.compare` build on these; each is checked against scipy, statsmodels or pingouin
in the tests of the analysis that uses it.

Examples
--------
>>> import numpy as np
>>> from servqual.service.inference import holm, one_sample
>>> holm([0.01, 0.04, 0.03])  # p.adjust(c(.01, .04, .03), "holm")
array([0.03, 0.06, 0.06])
>>> s = one_sample(np.array([1.0, 2.0, 3.0, 4.0]), confidence=0.95)  # t.test(1:4)
>>> round(s["mean"], 2), round(float(s["t"]), 4), round(s["pval"], 4)
(2.5, 3.873, 0.0305)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from servqual._validation import check_confidence
from servqual.exceptions import AnalysisError
from servqual.survey.instrument import Instrument

__all__ = [
    "holm",
    "holm_by_level",
    "confidence_level",
    "one_sample",
    "welch",
    "welch_t",
    "welch_anova",
    "games_howell",
    "hedges_g",
    "block_columns",
    "dimension_weights",
    "segments",
    "ConfidenceAlias",
    "weight_source_text",
]

_IMPORTANCE = "mean stated importance of each dimension's items (importance block)"
_EQUAL = "equal weights"
_GIVEN = "weights given by the caller"
_SOURCES_ZH = {_IMPORTANCE: "各维度题项的陈述重要性均值（重要性题组）", _EQUAL: "等权", _GIVEN: "调用者给定的权重"}


# --------------------------------------------------------------------------------------------------
# Multiple testing
# --------------------------------------------------------------------------------------------------
def holm(p) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values (NaN entries are left out and stay NaN).

    Parameters
    ----------
    p : array_like
        Unadjusted p-values.

    Returns
    -------
    numpy.ndarray
        ``min(1, max_{j <= i} (m - j + 1) p_(j))`` for the i-th smallest of the m finite p-values, in
        the order of ``p`` (R ``p.adjust(p, "holm")``).

    Examples
    --------
    >>> holm([0.01, float("nan"), 0.02])  # p.adjust(c(.01, .02), "holm")
    array([0.02,  nan, 0.02])
    """
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    adj = np.maximum.accumulate((m - np.arange(m)) * q[order])
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def holm_by_level(p, level, unadjusted=("overall",)) -> np.ndarray:
    """Holm-adjusted p-values within each ``level`` (e.g. across the items, across the dimensions).

    Rows whose level is in ``unadjusted`` (the single overall test) keep their p-value.

    Examples
    --------
    >>> holm_by_level([0.01, 0.02, 0.03], ["dimension", "dimension", "overall"])
    array([0.02, 0.02, 0.03])
    """
    p = np.asarray(p, dtype=float)
    level = np.asarray(level)
    out = p.copy()
    for lev in pd.unique(level):
        if lev not in unadjusted:
            m = level == lev
            out[m] = holm(p[m])
    return out


# --------------------------------------------------------------------------------------------------
# t tests and effect sizes
# --------------------------------------------------------------------------------------------------
class ConfidenceAlias:
    """``ci``, the name of earlier versions, as an alias of a result's ``confidence`` field."""

    @property
    def ci(self) -> float:
        """Alias of ``confidence``."""
        return self.confidence


def confidence_level(confidence: float = 0.95, ci: float | None = None) -> float:
    """The confidence level of an analysis from ``confidence`` or its alias ``ci``, checked.

    Examples
    --------
    >>> confidence_level(0.9), confidence_level(ci=0.99)
    (0.9, 0.99)
    """
    if ci is None:
        return check_confidence(confidence, "confidence")
    if confidence not in (0.95, ci):
        raise TypeError(f"give the confidence level once: confidence={confidence!r} and its alias ci={ci!r} differ")
    return check_confidence(ci, "ci")


def one_sample(d: np.ndarray, confidence: float = 0.95, null: float = 0.0) -> dict:
    """Mean, sd, t interval and one-sample t test of the finite values in ``d``.

    Parameters
    ----------
    d : numpy.ndarray
        The values (NaN are left out).
    confidence : float
        Level of the interval ``mean +- t_{(1 + confidence) / 2, n - 1} se``.
    null : float
        The mean under the null hypothesis.

    Returns
    -------
    dict
        ``n, mean, sd, se, ci_low, ci_high, t, df, pval`` (R ``t.test(d, mu = null)``); NaN where
        undefined (fewer than 2 values; ``t`` and ``pval`` also when the sd is 0).
    """
    d = d[~np.isnan(d)]
    n = d.size
    out = {"n": n, "mean": np.nan, "sd": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
           "t": np.nan, "df": np.nan, "pval": np.nan}
    if n == 0:
        return out
    m = float(d.mean())
    out["mean"] = m
    if n < 2:
        return out
    sd = float(d.std(ddof=1))
    se = sd / np.sqrt(n)
    q = stats.t.ppf(0.5 + confidence / 2, n - 1)
    out.update(sd=sd, se=se, ci_low=m - q * se, ci_high=m + q * se, df=float(n - 1))
    if sd > 0 and np.isfinite(sd):
        t = (m - null) / se
        out.update(t=t, pval=float(2 * stats.t.sf(abs(t), n - 1)))
    return out


def welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Difference of means ``mean(a) - mean(b)``, its unpooled standard error and Welch-Satterthwaite df.

    .. math::

        se = \\sqrt{s_a^2 / n_a + s_b^2 / n_b}, \\qquad
        df = \\frac{(s_a^2 / n_a + s_b^2 / n_b)^2}{(s_a^2 / n_a)^2 / (n_a - 1) + (s_b^2 / n_b)^2 / (n_b - 1)}

    The df is NaN when ``se`` is 0.
    """
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if se > 0 else np.nan
    return a.mean() - b.mean(), se, df


def welch_t(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> dict:
    """Welch's two-sample t test of ``mean(a) - mean(b)`` (R ``t.test(a, b)``).

    Returns
    -------
    dict
        ``diff, se, ci_low, ci_high, t, df, pval``; NaN for the test when both samples are constant.

    Examples
    --------
    >>> r = welch_t(np.array([3.0, 4, 5, 6]), np.array([1.0, 2, 3]))  # t.test(3:6, 1:3)
    >>> round(float(r["t"]), 4), round(float(r["df"]), 3), round(r["pval"], 4)
    (2.8868, 4.959, 0.0346)
    """
    diff, se, df = welch(a, b)
    if se > 0:
        t = diff / se
        p = float(2 * stats.t.sf(abs(t), df))
        half = stats.t.ppf(0.5 + confidence / 2, df) * se
    else:
        t = p = half = np.nan
    return {"diff": diff, "se": se, "ci_low": diff - half, "ci_high": diff + half, "t": t, "df": df, "pval": p}


def welch_anova(groups: list) -> tuple[float, float, float, float]:
    """Welch (1951) heteroscedastic one-way ANOVA: F, df1, df2, p (R ``oneway.test(var.equal = FALSE)``).

    .. math::

        F = \\frac{\\sum_i w_i (m_i - m_w)^2 / (k - 1)}{1 + 2 (k - 2) L / (k^2 - 1)}, \\qquad
        w_i = n_i / s_i^2, \\quad L = \\sum_i \\frac{(1 - w_i / W)^2}{n_i - 1}, \\quad
        df = \\left(k - 1, \\frac{k^2 - 1}{3 L}\\right)

    Examples
    --------
    >>> groups = [np.array([1.0, 2, 3, 4]), np.array([3.0, 5, 6, 8]), np.array([2.0, 2.5, 3, 4])]
    >>> f, d1, d2, p = welch_anova(groups)  # oneway.test(y ~ g, var.equal = FALSE)
    >>> round(f, 4), d1, round(d2, 3), round(p, 4)
    (2.8656, 2.0, 5.431, 0.1414)
    """
    n = np.array([g.size for g in groups], dtype=float)
    m = np.array([g.mean() for g in groups])
    v = np.array([g.var(ddof=1) for g in groups])
    k = len(groups)
    w = n / v
    sw = w.sum()
    mw = (w * m).sum() / sw
    lam = ((1 - w / sw) ** 2 / (n - 1)).sum()
    f = ((w * (m - mw) ** 2).sum() / (k - 1)) / (1 + 2 * (k - 2) / (k**2 - 1) * lam)
    df2 = (k**2 - 1) / (3 * lam)
    return float(f), float(k - 1), float(df2), float(stats.f.sf(f, k - 1, df2))


def games_howell(a: np.ndarray, b: np.ndarray, k: int) -> dict:
    """Games & Howell (1976) comparison of two of ``k`` groups: Welch t, p from the studentized range.

    Returns
    -------
    dict
        ``diff`` (``mean(a) - mean(b)``), ``se, t, df`` (Welch) and ``pval`` =
        ``P(Q_{k, df} > sqrt(2) |t|)``; NaN for the test when both groups are constant.
    """
    diff, se, df = welch(a, b)
    if se > 0:
        t = diff / se
        pv = float(np.clip(stats.studentized_range.sf(np.sqrt(2) * abs(t), k, df), 0, 1))
    else:
        t = pv = np.nan
    return {"diff": diff, "se": se, "t": t, "df": df, "pval": pv}


def hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Hedges' g of ``mean(a) - mean(b)``: the pooled-sd difference times ``1 - 3 / (4 (n_a + n_b) - 9)``.

    Examples
    --------
    >>> round(hedges_g(np.array([3.0, 4, 5, 6]), np.array([1.0, 2, 3])), 4)  # effsize::cohen.d(3:6, 1:3, hedges.correction = TRUE)
    1.7793
    """
    na, nb = a.size, b.size
    sp = np.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    if not sp > 0:
        return np.nan
    d = (a.mean() - b.mean()) / sp
    return float(d * (1 - 3 / (4 * (na + nb) - 9)))


# --------------------------------------------------------------------------------------------------
# Questionnaire blocks, weights and segments
# --------------------------------------------------------------------------------------------------
def block_columns(df: pd.DataFrame, instrument: Instrument, role: str, what: str = "") -> dict:
    """``{item_id: column}`` of the block with ``role``, with clear errors when the block or its columns are missing.

    Raises
    ------
    AnalysisError
        The questionnaire has no such block; none or some of its columns are in the data; a column is
        not numeric.

    Examples
    --------
    >>> import servqual as sq
    >>> cols = block_columns(sq.read_dataset("kiosk").data, sq.load_instrument("kiosk"), "expectation")
    >>> cols["q01"]
    'sq01_exp'
    """
    b = instrument.block(role)
    if b is None and not instrument.blocks and role in ("perception", "performance"):
        # a questionnaire that asks each item once: its items are what the respondents perceive
        cols = instrument.columns()
        return _check_block_columns(df, cols, role, "(the items)")
    if b is None:
        have = ", ".join(f"{x.id} ({x.role})" for x in instrument.blocks) or "none"
        raise AnalysisError(
            f"{what or 'this analysis'} needs {'an' if role[0] in 'aeiou' else 'a'} {role} block, but questionnaire {instrument.id!r} has none "
            f"(blocks: {have}). Add a block with role: {role} to the questionnaire."
        )
    return _check_block_columns(df, instrument.columns(b.id), role, repr(b.id))


def _check_block_columns(df: pd.DataFrame, cols: dict, role: str, name: str) -> dict:
    """``cols`` when every column is in the data and numeric; a clear error otherwise."""
    absent = [f"{i} ({c})" for i, c in cols.items() if c not in df.columns]
    if len(absent) == len(cols):
        raise AnalysisError(
            f"the {role} block {name} is missing from the data: none of its columns "
            f"({', '.join(list(cols.values())[:6])}{', ...' if len(cols) > 6 else ''}) is in the data. "
            "Check that the data file belongs to this questionnaire."
        )
    if absent:
        raise AnalysisError(
            f"{len(absent)} item(s) of the {role} block {name} have no column in the data: {', '.join(absent)}. "
            f"Every item needs its {role} answer; add the columns or drop the items from the questionnaire."
        )
    bad = [c for c in cols.values() if not pd.api.types.is_numeric_dtype(df[c])]
    if bad:
        raise AnalysisError(
            f"non-numeric answers in the {role} columns {', '.join(bad)}. Read the data with "
            "servqual.read_responses(), which reports every non-numeric cell."
        )
    return cols


def _weights_by_dimension(w: pd.Series, instrument: Instrument) -> pd.Series:
    """Weights indexed by dimension id, or by item id / column (summed within dimensions), per dimension."""
    dims = instrument.dimension_ids
    item_map = {}
    for it in instrument.items:
        item_map[it.id] = it.dimension
        for _, c in it.columns:
            item_map[c] = it.dimension
    if set(w.index) <= set(dims):
        missing = [d for d in dims if d not in w.index]
        if missing:
            raise AnalysisError(f"weights have no value for dimension(s) {', '.join(missing)}; give one weight per dimension")
        return w.reindex(dims)
    if set(w.index) <= set(item_map):
        w = w.groupby(w.index.map(item_map)).sum().reindex(dims)
        missing = [d for d in dims if np.isnan(w[d])]
        if missing:
            raise AnalysisError(f"weights cover no item of dimension(s) {', '.join(missing)}")
        return w
    unknown = [str(x) for x in w.index if x not in set(dims) | set(item_map)]
    raise AnalysisError(
        f"weights index {', '.join(unknown[:8])} is neither a dimension ({', '.join(dims)}) nor an item of "
        f"questionnaire {instrument.id!r}; index the weights by dimension id or by item id / column"
    )


def dimension_weights(weights, instrument: Instrument, importance: pd.Series | None) -> tuple[pd.Series, str]:
    """Normalised dimension weights (sum 1) and a description of their source.

    Parameters
    ----------
    weights : None, "importance", "equal", pandas.Series or dict
        ``None`` or ``"importance"``: ``importance`` (``None`` gives no weights, an empty Series, unless
        ``"importance"`` was asked for, which is then an error); ``"equal"``; a Series indexed by
        dimension id or by item id / column (summed within dimensions).
    instrument : Instrument
    importance : pandas.Series or None
        Mean stated importance per dimension.

    Returns
    -------
    (pandas.Series, str)

    Examples
    --------
    >>> import servqual as sq
    >>> w, src = dimension_weights("equal", sq.load_instrument("kiosk"), None)
    >>> round(float(w.sum()), 6), src
    (1.0, 'equal weights')
    """
    dims = instrument.dimension_ids
    if weights is None or (isinstance(weights, str) and weights == "importance"):
        if importance is None:
            if isinstance(weights, str):
                raise AnalysisError(
                    f"weights='importance' needs an importance block, but questionnaire {instrument.id!r} has none "
                    "(or its columns are not in the data); pass weights as a Series indexed by dimension instead."
                )
            return pd.Series(dtype=float), ""
        w = importance.reindex(dims)
        src = _IMPORTANCE
    elif isinstance(weights, str) and weights == "equal":
        w = pd.Series(1.0, index=dims)
        src = _EQUAL
    elif isinstance(weights, (pd.Series, dict)):
        w = _weights_by_dimension(pd.Series(weights, dtype=float), instrument)
        src = _GIVEN
    else:
        raise TypeError("weights must be None, 'importance', 'equal', or a Series / dict indexed by dimension or item")
    if w.isna().any() or (w < 0).any() or not np.isfinite(w).all():
        bad = [d for d in dims if not (np.isfinite(w[d]) and w[d] >= 0)]
        raise AnalysisError(f"weights must be finite and non-negative; bad for dimension(s) {', '.join(bad)}")
    if w.sum() <= 0:
        raise AnalysisError("weights sum to 0; at least one dimension needs a positive weight")
    return w / w.sum(), src


def weight_source_text(source: str, lang: str = "en") -> str:
    """The description of a weight source that :func:`dimension_weights` returns, in ``lang``.

    Examples
    --------
    >>> weight_source_text("equal weights", "zh")
    '等权'
    """
    return _SOURCES_ZH.get(source, source) if lang == "zh" else source


def segments(df: pd.DataFrame, by: str | None) -> list:
    """``[("all", mask), (label, mask), ...]``: every row, then each value of the segment column ``by``.

    Examples
    --------
    >>> [lab for lab, _ in segments(pd.DataFrame({"c": ["b", "a", "b"]}), "c")]
    ['all', 'a', 'b']
    """
    segs = [("all", pd.Series(True, index=df.index))]
    if by is not None:
        if by not in df.columns:
            raise AnalysisError(f"segment column {by!r} is not in the data")
        for lab in sorted(df[by].dropna().unique().tolist(), key=str):
            segs.append((lab, df[by] == lab))
    return segs
