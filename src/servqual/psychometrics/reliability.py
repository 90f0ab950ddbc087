"""Internal-consistency reliability: Cronbach's alpha with item statistics and confidence intervals,
Guttman's lambdas and split-half coefficients (the item analysis is in :mod:`servqual.psychometrics.items`).

Every coefficient is computed from the item covariance matrix (:func:`servqual.stats.sufficient_stats`),
so the cost after reading the data does not grow with the number of respondents; the bootstrap is
vectorised (resamples as count weights, batched matrix products, bounded memory).

Numbers are tested against R psych 2.2.9 (``alpha``, ``alpha.ci``, ``splitHalf``) and closed-form
Guttman (1945) lambdas.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd
from scipy import stats as sps

from servqual._blas import single_thread_blas
from servqual._results import ResultMixin
from servqual._text import T, check_lang, join_names
from servqual._validation import DEFAULT_SEED, check_nan_policy
from servqual._validation import rng as make_rng
from servqual._linalg import collinear_items, definiteness, residual_variances, smallest_eigenvalue
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.cutoffs import MANY_ITEMS, R_DROP_LOW, dot
from servqual.psychometrics.stats import (
    SufficientStats,
    check_items,
    item_columns,
    listwise_stats,
    prepare_items,
    stats_from,
    sufficient_stats,
)
from servqual.thresholds import BANDS, THRESHOLDS

__all__ = [
    "cronbach_alpha",
    "AlphaResult",
    "guttman_lambdas",
    "split_half",
    "SplitHalfResult",
    "ZERO_VARIANCE",
    "reverse_key_candidates",
    "negative_alpha_note",
]

#: A variance of a sum of items at most this share of the sum of the item variances counts as zero:
#: the items cancel out (e.g. ``q2 = 6 - q1``, a reverse-keyed item left unrecoded), the sum is
#: constant, and a ratio with it in the denominator is rounding noise (an alpha of -1.5e15), so the
#: statistic is undefined (NaN, with a warning).
ZERO_VARIANCE = 1e-9

_CI_CHOICES = ("feldt", "duhachek", "bootstrap", "percentile", "bca", "all", None)
# largest row block of the bootstrap (a power of two, at most 65536: see _boot_alpha)
_BOOT_BLOCK = 4096
# draws per task of the bootstrap (keeps each task's working memory in the processor cache)
_BOOT_TASK_DRAWS = 1 << 15


# ---------------------------------------------------------------------------------------------
# input handling
# ---------------------------------------------------------------------------------------------
def validate_reverse(reverse, scale, items):
    if reverse is None or len(list(reverse)) == 0:
        return []
    reverse = list(reverse)
    if scale is None:
        raise AnalysisError(
            f"reverse-keyed items {', '.join(map(str, reverse))} need scale=(min, max), the lowest and "
            "highest scale points (e.g. scale=(1, 5)), to recode x' = min + max - x."
        )
    try:
        lo, hi = (float(s) for s in scale)
    except (TypeError, ValueError):
        raise AnalysisError(f"scale must be a pair (min, max) of numbers, got {scale!r}") from None
    if not lo < hi:
        raise AnalysisError(f"scale must be (min, max) with min < max, got {scale!r}")
    missing = [r for r in reverse if r not in items]
    if missing:
        raise AnalysisError(f"reverse-keyed items not among the analysed items: {', '.join(map(str, missing))}")
    return reverse


def prepare_scale(data, items, nan_policy, reverse, scale):
    """The items of a scale after reverse-keying: ``(SufficientStats, rows or None, n_rows)``.

    ``rows`` is the float64 array of the complete rows (None when ``data`` is a :class:`SufficientStats`).
    """
    check_nan_policy(nan_policy, ("listwise", "pairwise"), "reliability")
    if isinstance(data, SufficientStats):
        st = stats_from(data, items)
        rev = validate_reverse(reverse, scale, st.items)
        if rev:
            lo, hi = (float(s) for s in scale)
            sign = np.array([-1.0 if it in rev else 1.0 for it in st.items])
            mean = np.where(sign < 0, lo + hi - st.mean, st.mean)
            cov = st.cov * np.outer(sign, sign)
            st = SufficientStats(list(st.items), st.n, mean, cov, st.nan_policy, st.n_pairwise)
        return st, None, st.n
    if not (reverse is not None and len(list(reverse))) and nan_policy == "listwise":
        # one float64 copy of the item columns (the rows are needed for bootstraps and extreme groups)
        names, cols = item_columns(data, items)
        if not cols:
            return _prepare_frame(data, items, nan_policy, reverse, scale)
        a = np.empty((len(cols[0]), len(cols)))
        for j, c in enumerate(cols):
            a[:, j] = c
        if np.isnan(a.sum(axis=1)).any():
            a = a[~np.isnan(a).any(axis=1)]
        st = listwise_stats(names, [a[:, j] for j in range(a.shape[1])])
        return st, a, a.shape[0]
    return _prepare_frame(data, items, nan_policy, reverse, scale)


def _prepare_frame(data, items, nan_policy, reverse, scale):
    x = prepare_items(data, items)
    rev = validate_reverse(reverse, scale, list(x.columns))
    if rev:
        lo, hi = (float(s) for s in scale)
        vals = x[rev].to_numpy()
        out = np.isfinite(vals) & ((vals < lo) | (vals > hi))
        if out.any():
            bad = [c for c, o in zip(rev, out.any(axis=0)) if o]
            warnings.warn(
                f"reverse-keyed items {', '.join(map(str, bad))} have values outside scale {scale}; "
                "the recoding min + max - x will be off the scale.",
                ServqualWarning,
                stacklevel=3,
            )
        x = x.copy()
        x[rev] = lo + hi - x[rev]
    st = sufficient_stats(x, None, nan_policy)
    a = x.to_numpy(dtype=float)
    if nan_policy == "listwise":
        a = a[~np.isnan(a).any(axis=1)]
    return st, a, a.shape[0]


def _warn_if_singular(st: SufficientStats, stacklevel: int = 3) -> bool:
    """Warn about a correlation matrix that is singular or not positive definite; True if it is either.

    A singular matrix names its collinear items (or the shortage of rows); an indefinite one (pairwise
    deletion) names none, since no item is a linear combination of the others, and says how the
    squared multiple correlations are then found (clipped to [0, 1], as ``psych::smc``)."""
    r = st.corr
    if st.k < 2:
        return False
    state = definiteness(r)
    if state == "positive definite":
        return False
    if state == "indefinite":
        msg = (
            f"the correlation matrix of items {', '.join(map(str, st.items))} is not positive definite "
            f"(smallest eigenvalue {smallest_eigenvalue(r):.4f}), as {st.nan_policy} deletion can give: each "
            "covariance comes from a different subset of respondents. As in R psych, the squared multiple "
            "correlations are clipped to [0, 1] (psych::smc), so G6, lambda 6 and r_cor are psych's numbers "
            "but not proper lower bounds of reliability; G6 can reach 1. Prefer complete answers "
            "(nan_policy='listwise') where possible."
        )
    elif st.n <= st.k:
        msg = (
            f"only {st.n} rows for {st.k} items: the correlation matrix is singular, so G6 and the "
            "squared multiple correlations are degenerate. Collect more responses."
        )
    else:
        bad = collinear_items(r, st.items)
        idx = [st.items.index(b) for b in bad]
        opposed = any(r[i, j] < 0 for i in idx for j in idx if i < j)
        msg = (
            f"items {', '.join(map(str, bad))} are perfectly collinear (singular correlation matrix); "
            + ("some of them are exact opposites: one is probably a reverse-keyed item left unrecoded; "
               "declare it reverse-keyed or drop one of them."
               if opposed else "reliability is overstated by the duplication. Drop one of them.")
        )
    warnings.warn(msg, ServqualWarning, stacklevel=stacklevel)
    return True


# ---------------------------------------------------------------------------------------------
# alpha
# ---------------------------------------------------------------------------------------------
def _alpha_core(c: np.ndarray, r: np.ndarray) -> dict:
    """psych's alpha.1 on a covariance ``c`` and correlation ``r`` (k >= 2)."""
    k = c.shape[0]
    tr_c = np.trace(c)
    sum_c = c.sum()
    sum_r = r.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = (1.0 - tr_c / sum_c) * k / (k - 1)
        std = (1.0 - k / sum_r) * k / (k - 1)
        g6 = 1.0 - (k - (1.0 - residual_variances(r)).sum()) / sum_r  # 1 - sum(e_j^2) / sum(R)
        av_r = (sum_r - k) / (k * (k - 1))
        sn = k * av_r / (1.0 - av_r)
        cc = c @ c
        q = (2.0 * k**2 / ((k - 1) ** 2 * sum_c**3)) * (sum_c * (np.trace(cc) + tr_c**2) - 2.0 * tr_c * cc.sum())
    low = r[np.tril_indices(k, -1)]
    var_r = float(np.var(low, ddof=1)) if low.size > 1 else np.nan
    med_r = float(np.median(low))
    if not sum_c > ZERO_VARIANCE * tr_c:  # the total score is constant: alpha and its ase are undefined
        raw = q = np.nan
    if not sum_r > ZERO_VARIANCE * k:
        std = g6 = np.nan
    return dict(raw=raw, std=std, g6=g6, av_r=av_r, sn=sn, q=q, var_r=var_r, med_r=med_r)


def _alpha_if_deleted(c: np.ndarray, r: np.ndarray, singular: bool) -> np.ndarray:
    """psych's alpha statistics with each item dropped in turn, all items at once (k >= 3).

    Columns: raw alpha, standardized alpha, G6, average r, signal/noise, the Duhachek ``q`` (not yet
    divided by n), variance and median of the inter-item correlations. Every sum over the reduced
    matrix is the full sum less the dropped item's row and column; the squared multiple correlations
    of the reduced matrix come from the full inverse by a rank-one downdate,
    ``(R_{-i})^-1 = (R^-1)_{-i,-i} - (R^-1)_{-i,i} (R^-1)_{i,-i} / (R^-1)_{ii}``. A singular or
    indefinite matrix falls back to psych's per-subset computation (for an indefinite one the squared
    multiple correlations of each reduced matrix are clipped to [0, 1], as ``psych::smc``).
    """
    k = c.shape[0]
    kd = k - 1
    d_c, s_c = np.diag(c), c.sum(axis=0)
    tr = np.trace(c) - d_c
    tot = c.sum() - 2.0 * s_c + d_c
    s_r = r.sum(axis=0)
    sum_r = r.sum() - 2.0 * s_r + 1.0
    constant = ~(tot > ZERO_VARIANCE * tr)  # the total without item i is constant
    flat = ~(sum_r > ZERO_VARIANCE * kd)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(constant, np.nan, (1.0 - tr / tot) * kd / (kd - 1))
        std = np.where(flat, np.nan, (1.0 - kd / sum_r) * kd / (kd - 1))
        av_r = (sum_r - kd) / (kd * (kd - 1))
        sn = kd * av_r / (1.0 - av_r)
    if singular:
        smc_sum = np.array([(1.0 - residual_variances(np.delete(np.delete(r, i, 0), i, 1))).sum() for i in range(k)])
    else:
        p = np.linalg.inv(r)
        with np.errstate(divide="ignore", invalid="ignore"):
            diag = np.diag(p)[None, :] - p**2 / np.diag(p)[:, None]  # row i: item j's (R_-i)^-1 diagonal
            smc = 1.0 - 1.0 / diag
        np.fill_diagonal(smc, 0.0)
        smc_sum = smc.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        g6 = np.where(flat, np.nan, 1.0 - (kd - smc_sum) / sum_r)
    # Duhachek q of each reduced matrix
    frob = (c**2).sum() - 2.0 * (c**2).sum(axis=0) + d_c**2
    reduced_rows = s_c[None, :] - c  # row i: column sums of C without item i (entry i meaningless)
    np.fill_diagonal(reduced_rows, 0.0)
    ones_cc = (reduced_rows**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(constant, np.nan, (2.0 * kd**2 / ((kd - 1) ** 2 * tot**3)) * (tot * (frob + tr**2) - 2.0 * tr * ones_cc))
    # spread of the inter-item correlations without item i
    a_idx, b_idx = np.tril_indices(k, -1)
    low = r[a_idx, b_idx]
    keep = (a_idx[None, :] != np.arange(k)[:, None]) & (b_idx[None, :] != np.arange(k)[:, None])
    vals = np.broadcast_to(low, keep.shape)[keep].reshape(k, -1)
    var_r = np.var(vals, axis=1, ddof=1) if vals.shape[1] > 1 else np.full(k, np.nan)
    med_r = np.median(vals, axis=1)
    return np.column_stack([raw, std, g6, av_r, sn, q, var_r, med_r])


def _alpha_from_moments(var_items: np.ndarray, var_total: np.ndarray, k: int) -> np.ndarray:
    """Raw alpha from the sum of the item variances and the variance of the total; NaN where the total
    is constant (see :data:`ZERO_VARIANCE`)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var_total > ZERO_VARIANCE * var_items, k / (k - 1.0) * (1.0 - var_items / var_total), np.nan)


def _feldt(alpha, n, k, confidence):
    a = (1.0 - confidence) / 2.0
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return 1.0 - (1.0 - alpha) * sps.f.ppf(1.0 - a, df1, df2), 1.0 - (1.0 - alpha) * sps.f.ppf(a, df1, df2)


def _alpha_features(x: np.ndarray, center: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Per-row features ``[x - center, sum_j (x_j - center_j)**2, t**2]`` (t the centred row total):
    their weighted means give every item mean, the sum of the item second moments and the second
    moment of the total, which is all raw alpha needs."""
    n, k = x.shape
    f = np.empty((n, k + 2)) if out is None else out[:n]
    np.subtract(x, center, out=f[:, :k])
    np.einsum("ij,ij->i", f[:, :k], f[:, :k], out=f[:, k])
    t = f[:, :k].sum(axis=1)
    np.multiply(t, t, out=f[:, k + 1])
    return f


def _alpha_from_feature_means(m: np.ndarray, k: int) -> np.ndarray:
    var_items = m[:, k] - (m[:, :k] ** 2).sum(axis=1)
    var_total = m[:, k + 1] - m[:, :k].sum(axis=1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return _alpha_from_moments(var_items, var_total, k)


def _boot_blocks(n: int) -> list:
    """Row blocks ``(lo, size)`` of the bootstrap: full blocks of ``_BOOT_BLOCK`` rows, then the
    remaining rows split by the binary digits of their count (e.g. 2,800 = 2,048 + 512 + 128 + 64 + 32
    + 16), so every block holds a power-of-two number of rows."""
    out, lo = [], 0
    while n - lo >= _BOOT_BLOCK:
        out.append((lo, _BOOT_BLOCK))
        lo += _BOOT_BLOCK
    size = _BOOT_BLOCK
    while lo < n:
        while size > n - lo:
            size //= 2
        out.append((lo, size))
        lo += size
    return out


def _boot_tasks(blocks: list, n_boot: int) -> list:
    """The bootstrap's work split: ``(j, r0, r1)`` = block ``j``, resamples ``[r0, r1)``, block by block,
    ``_BOOT_TASK_DRAWS // size`` resamples at a time."""
    tasks = []
    for j, (_, size) in enumerate(blocks):
        per = int(max(1, min(n_boot, _BOOT_TASK_DRAWS // size)))
        tasks.extend((j, r0, min(n_boot, r0 + per)) for r0 in range(0, n_boot, per))
    return tasks


def _uniform_pow2(gen: np.random.Generator, size: int, count: int) -> np.ndarray:
    """``count`` independent uniform integers on ``[0, size)`` for a power of two ``size`` <= 65536: the
    low bits of the generator's raw 64-bit outputs, 16 (or, for size <= 256, 8) bits per draw. Exactly
    uniform (no rejection is needed for a power of two) and several times cheaper than
    ``Generator.integers``."""
    width = 1 if size <= 256 else 2
    raw = gen.bit_generator.random_raw(-(-count * width // 8))
    return raw.view(np.uint8 if width == 1 else np.uint16)[:count] & (size - 1)


def _boot_alpha(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Raw alpha of ``n_boot`` row resamples of ``x`` (complete rows), vectorised.

    Every resample is a row count vector ``w`` (how often each row was drawn); with the per-row
    features ``F = [xc, sum_j xc_j**2, t**2]`` (data centred, t the row total; k + 2 columns) the
    products ``w @ F / n`` give the resample's item means, mean sum of squares and mean squared total,
    hence its item variances and total-score variance.

    Random stream: the rows are split into blocks of power-of-two sizes (:func:`_boot_blocks`). With
    more than one block, the number of draws falling in each block is drawn first for every resample,
    ``rng.multinomial(n, block_sizes / n, size=n_boot)``; with one block it is ``n``. Then, task by
    task (:func:`_boot_tasks`: block by block, a few resamples at a time), the total of the task's
    counts is drawn uniformly within the block (:func:`_uniform_pow2`) and handed out to its
    resamples in order.

    This is exactly the ordinary bootstrap (n draws with replacement, each row with probability 1/n),
    with a working memory of a few hundred kB, kept in the processor cache, whatever n and ``n_boot``.
    """
    n, k = x.shape
    center = x.mean(axis=0)
    blocks = _boot_blocks(n)
    if len(blocks) > 1:
        counts = rng.multinomial(n, np.array([s for _, s in blocks]) / n, size=n_boot)
    else:
        counts = np.full((n_boot, 1), n)
    out = np.zeros((n_boot, k + 2))
    fbuf = np.empty((blocks[0][1], k + 2))
    feats_of = -1
    with single_thread_blas():
        for j, r0, r1 in _boot_tasks(blocks, n_boot):
            lo, size = blocks[j]
            if feats_of != j:
                feats = _alpha_features(x[lo : lo + size], center, fbuf)
                feats_of = j
            cnt = counts[r0:r1, j]
            idx = _uniform_pow2(rng, size, int(cnt.sum()))
            off = idx + np.repeat(np.arange(r1 - r0, dtype=np.int64) * size, cnt)
            w = np.bincount(off, minlength=(r1 - r0) * size).reshape(r1 - r0, size)
            out[r0:r1] += w.astype(float) @ feats
    out /= n
    return _alpha_from_feature_means(out, k)


def _jackknife_alpha(x: np.ndarray) -> np.ndarray:
    """Leave-one-out raw alpha for every row, in closed form (covariance downdates), block by block."""
    n, k = x.shape
    mean = x.mean(axis=0)
    s1, s2, t1, t2 = np.zeros(k), np.zeros(k), 0.0, 0.0
    for lo in range(0, n, _BOOT_BLOCK):
        xc = x[lo : lo + _BOOT_BLOCK] - mean
        t = xc.sum(axis=1)
        s1 += xc.sum(axis=0)
        s2 += (xc**2).sum(axis=0)
        t1 += t.sum()
        t2 += (t**2).sum()
    m = n - 1
    out = np.empty(n)
    for lo in range(0, n, _BOOT_BLOCK):
        xc = x[lo : lo + _BOOT_BLOCK] - mean
        t = xc.sum(axis=1)
        var_items = ((s2 - xc**2) - (s1 - xc) ** 2 / m).sum(axis=1) / (m - 1)
        var_total = ((t2 - t**2) - (t1 - t) ** 2 / m) / (m - 1)
        out[lo : lo + _BOOT_BLOCK] = _alpha_from_moments(var_items, var_total, k)
    return out


def _bca(boot: np.ndarray, theta: float, jack: np.ndarray, confidence: float):
    a_lo = (1.0 - confidence) / 2.0
    prop = (np.sum(boot < theta) + np.sum(boot <= theta)) / (2.0 * boot.size)
    z0 = sps.norm.ppf(prop)
    d = jack.mean() - jack
    den = 6.0 * np.sum(d**2) ** 1.5
    acc = np.sum(d**3) / den if den > 0 else 0.0
    z = sps.norm.ppf([a_lo, 1.0 - a_lo])
    levels = sps.norm.cdf(z0 + (z0 + z) / (1.0 - acc * (z0 + z)))
    if not np.all(np.isfinite(levels)):
        return np.nan, np.nan
    lo, hi = np.quantile(boot, levels)
    return float(lo), float(hi)


class ItemNames(list):
    """The item names of a result: a list of str.

    ``AlphaResult.items`` used to be the item-statistics table (now ``item_stats``). Code that still
    uses it as a table -- a column by name (``items["mean"]``) or a DataFrame attribute
    (``items.shape``, ``items.iloc``, ``items.set_index(...)``) -- gets ``item_stats`` with a
    ``FutureWarning``; integer indexing, slicing, ``len`` and iteration are those of the list.

    Examples
    --------
    >>> import pandas as pd
    >>> names = ItemNames(["q1", "q2"], pd.DataFrame({"item": ["q1", "q2"], "mean": [3.5, 4.0]}))
    >>> names, names[0], len(names)
    (['q1', 'q2'], 'q1', 2)
    """

    def __init__(self, names, table: pd.DataFrame):
        super().__init__(names)
        self._table = table

    def _legacy(self) -> pd.DataFrame:
        warnings.warn("AlphaResult.items is the list of item names; use AlphaResult.item_stats for the "
                      "item-statistics table", FutureWarning, stacklevel=3)
        return self._table

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer, slice)):
            return super().__getitem__(key)
        return self._legacy()[key]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._legacy(), name)


def reverse_key_candidates(item_stats: pd.DataFrame) -> list:
    """The items whose corrected item-total correlation (``r_drop``) is negative: each goes against
    the sum of the others, as a reverse-keyed item that was not recoded does.

    Parameters
    ----------
    item_stats : pandas.DataFrame
        ``AlphaResult.item_stats`` (columns ``item`` and ``r_drop``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> from servqual import load_dataset
    >>> raw = load_dataset("bfi")  # A1 is reverse-keyed: unrecoded it goes against A2-A5
    >>> reverse_key_candidates(cronbach_alpha(raw, ["A1", "A2", "A3", "A4", "A5"]).item_stats)
    ['A1']
    """
    it = item_stats
    return [str(v) for v in it.loc[it["r_drop"] < 0, "item"]]


def negative_alpha_note(alpha: float, item_stats: pd.DataFrame, scale=None):
    """The hint for a negative alpha: the items may be keyed in opposite directions, and which items
    are the candidates for reverse keying (:func:`reverse_key_candidates`); ``None`` when alpha is not
    negative.

    Parameters
    ----------
    alpha : float
    item_stats : pandas.DataFrame
        ``AlphaResult.item_stats``.
    scale : str, optional
        The scale's name, for the sentence.

    Returns
    -------
    Text or None

    Examples
    --------
    >>> from servqual import load_dataset
    >>> raw = load_dataset("bfi")  # A1 is reverse-keyed, here left unrecoded
    >>> res = cronbach_alpha(raw, ["A1", "A2", "A3"])
    >>> print(negative_alpha_note(res.alpha, res.item_stats, "Agreeableness").en)
    alpha of Agreeableness = -0.210 is negative: the items go against each other on average, as when reverse-keyed items are not recoded. Candidates for reverse keying (negative corrected item-total correlation): A1; declare them reverse-keyed in the questionnaire (reverse: true) or pass reverse= and scale=.
    """
    if not (np.isfinite(alpha) and alpha < 0):
        return None
    cand = reverse_key_candidates(item_stats)
    of_en, of_zh = (f" of {scale}", f"{scale} 的") if scale is not None else ("", "")
    head = T(f"{of_zh} alpha = {alpha:.3f} 为负：题项之间平均呈负相关，常见原因是反向计分题未被反向编码。".lstrip(),
             f"alpha{of_en} = {alpha:.3f} is negative: the items go against each other on average, as when "
             "reverse-keyed items are not recoded.")
    if cand:
        tail = T(f"可能需要反向计分的题项（校正题项-总分相关为负）：{join_names(cand, 'zh')}；请在问卷中声明为反向题"
                 "（reverse: true），或传入 reverse= 与 scale=。",
                 f"Candidates for reverse keying (negative corrected item-total correlation): {', '.join(cand)}; "
                 "declare them reverse-keyed in the questionnaire (reverse: true) or pass reverse= and scale=.")
    else:
        tail = T("没有题项的校正题项-总分相关为负；请检查计分方向与答案编码。",
                 "No item has a negative corrected item-total correlation; check the keying and the coding of the answers.")
    return T(head.get("zh") + tail.get("zh"), head.get("en") + " " + tail.get("en"))


def _constant_total_message(item_stats: pd.DataFrame) -> str:
    items = [str(v) for v in item_stats["item"]]
    return (f"the total score of items {', '.join(items)} has zero variance (the items cancel out, e.g. one is the "
            "reverse of another): alpha is undefined and left out (NaN). Declare the reverse-keyed items "
            "(reverse: true) or drop one of the opposed items.")


@dataclass(frozen=True, repr=False, eq=False)
class AlphaResult(ResultMixin):
    """Cronbach's alpha with psych's companion statistics.

    Attributes
    ----------
    n : int
        Rows used (complete rows under listwise deletion; all rows under pairwise, as psych).
    n_items : int
    alpha : float
        Raw alpha (from covariances).
    alpha_std : float
        Standardised alpha (from correlations).
    average_r, median_r : float
        Mean and median inter-item correlation.
    g6_smc : float
        Guttman's lambda 6 with squared multiple correlations (psych ``G6(smc)``).
    signal_noise : float
        ``k * average_r / (1 - average_r)``.
    ase : float
        Asymptotic standard error of alpha (psych ``ase``, Duhachek & Iacobucci 2004 form).
    mean, sd : float
        Mean and standard deviation of the mean score (row mean of the items).
    ci_low, ci_high : float
        Confidence interval of the requested ``ci`` method.
    ci_method : str
    confidence : float
    nan_policy : str
    cis : pandas.DataFrame
        ``method, estimate, ci_low, ci_high``: ``feldt``, ``duhachek`` and, when requested,
        ``bootstrap_percentile`` and ``bootstrap_bca``.
    item_stats : pandas.DataFrame
        One row per item (see :func:`cronbach_alpha`).
    items : ItemNames
        The item names (a list). Indexed like a table (``res.items["mean"]``, ``res.items.shape``) it
        still gives ``item_stats``, the table this name meant before, with a ``FutureWarning``.
    ci : str
        Alias of ``ci_method``.
    var_r : float
        Variance of the inter-item correlations.
    n_boot : int
    bootstrap : numpy.ndarray or None
        The bootstrap distribution of raw alpha when a bootstrap CI was requested.
    """

    n: int
    n_items: int
    alpha: float
    alpha_std: float
    average_r: float
    median_r: float
    g6_smc: float
    signal_noise: float
    ase: float
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    ci_method: str
    confidence: float
    nan_policy: str
    cis: pd.DataFrame
    item_stats: pd.DataFrame
    var_r: float = np.nan
    n_boot: int = 0
    bootstrap: np.ndarray | None = field(default=None, repr=False)
    title = "Cronbach's alpha"

    def tables(self) -> dict:
        columns = ("n", "n_items", "alpha", "alpha_std", "g6_smc", "average_r", "median_r", "signal_noise", "ase",
                   "mean", "sd", "ci_low", "ci_high")
        main = pd.DataFrame({c: [getattr(self, c)] for c in columns})
        return {
            "Reliability": main,
            f"Confidence intervals ({self.confidence:.0%})": self.cis,
            "Item statistics and alpha if item deleted": self.item_stats,
        }

    @property
    def items(self) -> "ItemNames":
        """The item names (see :class:`ItemNames` for the former table meaning)."""
        return ItemNames(self.item_stats["item"].tolist(), self.item_stats)

    @property
    def ci(self) -> str:
        """Alias of ``ci_method``, the interval method."""
        return self.ci_method

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``); the bands are ``BANDS["alpha"]``."""
        lang = check_lang(lang)
        a = self.alpha
        bands = BANDS["alpha"]
        scale_en = ", ".join(f"{dot(g.lower)} {g.name.get('en')}" for g in bands.grades)
        scale_zh = "，".join(f"{dot(g.lower)} {g.name.get('zh')}" for g in bands.grades)
        ok = np.isfinite(self.ci_low)
        ci_en = f"; {self.ci_method} {self.confidence:.0%} CI [{self.ci_low:.3f}, {self.ci_high:.3f}]" if ok else ""
        ci_zh = f"；{self.ci_method} {self.confidence:.0%} 置信区间 [{self.ci_low:.3f}, {self.ci_high:.3f}]" if ok else ""
        if np.isfinite(a):
            lines = [T(f"alpha = {a:.3f}（{bands.label(a, 'zh')}；{bands.citation}：>= {scale_zh}）{ci_zh}。",
                       f"alpha = {a:.3f} ({bands.label(a, 'en')}; {bands.citation}: >= {scale_en}){ci_en}.")]
        else:
            lines = [T("alpha 无定义：总分方差为零（题项相互抵消，例如一题是另一题的反向）；请声明反向计分题或删去相互抵消的题项之一。",
                       _constant_total_message(self.item_stats)[0].upper() + _constant_total_message(self.item_stats)[1:])]
        neg = negative_alpha_note(a, self.item_stats)
        if neg is not None:
            lines.append(neg)
        lines.append(T(f"缺失值：{self.nan_policy} 删除，n = {self.n}。", f"Missing data: {self.nan_policy} deletion, n = {self.n}."))
        it = self.item_stats
        up = it.loc[it["alpha_if_deleted"] > a, "item"].tolist()
        if up:
            lines.append(T(f"删除 {join_names(up, 'zh')} 会提高 alpha；请检查措辞与计分方向。",
                           f"Deleting {', '.join(map(str, up))} would raise alpha; check wording and keying."))
        low = it.loc[it["r_drop"] < R_DROP_LOW, "item"].tolist()
        if low:
            lines.append(T(f"校正题项-总分相关低于 {dot(R_DROP_LOW)}：{join_names(low, 'zh')}。",
                           f"Corrected item-total correlation below {dot(R_DROP_LOW)}: {', '.join(map(str, low))}."))
        if self.n_items > MANY_ITEMS:
            lines.append(T(f"题项超过 {MANY_ITEMS} 个时，无论同质性如何 alpha 几乎总是很高（Cortina 1993）。",
                           f"With more than {MANY_ITEMS} items alpha is high almost regardless of homogeneity (Cortina 1993)."))
        return [ln.get(lang) for ln in lines]


def cronbach_alpha(
    data,
    items=None,
    ci: str | None = "feldt",
    n_boot: int = 2000,
    seed=DEFAULT_SEED,
    confidence: float = 0.95,
    nan_policy: str = "listwise",
    reverse=None,
    scale=None,
    *,
    ci_method: str | None = None,
) -> AlphaResult:
    """Cronbach's alpha with item statistics, alpha-if-deleted and confidence intervals (as psych::alpha).

    Parameters
    ----------
    data : pandas.DataFrame or SufficientStats
        Item responses, or statistics from :func:`servqual.sufficient_stats` (no bootstrap then).
    items : list of str, optional
        Items of the scale (default: every column).
    ci : {"feldt", "duhachek", "bootstrap", "percentile", "bca", "all", None}
        Interval reported in ``ci_low``/``ci_high``. ``"bootstrap"`` means BCa; ``"all"`` computes
        every interval and reports Feldt's in ``ci_low``/``ci_high``. Feldt and Duhachek rows are always
        in ``cis``; bootstrap rows only for ``"bootstrap"``, ``"percentile"``, ``"bca"`` or ``"all"``.
    n_boot : int
        Bootstrap resamples (default 2000).
    seed : int, numpy.random.Generator or None
        Seed of the bootstrap (``numpy.random.default_rng``); default ``DEFAULT_SEED`` (42), ``None``
        for fresh randomness.
    confidence : float
        Confidence level (default 0.95).
    nan_policy : {"listwise", "pairwise"}
        ``"listwise"`` (default; what the R reference analyses used) keeps rows answered on every item.
        ``"pairwise"`` reproduces ``psych::alpha``'s own default (``use = "pairwise"``): pairwise
        covariances, the mean score as the mean of the answered items, ``n`` = all rows (from a
        pairwise :class:`SufficientStats` the smallest pairwise n, and the mean score and ``raw_r``
        from the covariances).
        The policy used is stored in ``nan_policy``.
    reverse : list of str, optional
        Reverse-keyed items, recoded ``x' = min + max - x`` before anything else.
    scale : tuple (min, max)
        Lowest and highest scale point; required with ``reverse``.
    ci_method : str, optional
        The interval method under its contract name; ``ci`` is its alias (give one of them).

    Returns
    -------
    AlphaResult
        Scalars ``n, n_items, alpha, alpha_std, average_r, median_r, g6_smc, signal_noise, ase, mean,
        sd, ci_low, ci_high, ci_method``; ``cis`` (method, estimate, ci_low, ci_high) and ``items`` with
        one row per item:

        - ``item``, ``n`` (answers), ``mean``, ``sd``;
        - ``raw_r`` (item - mean-score correlation), ``std_r`` (the same from standardised items),
          ``r_cor`` (corrected for item overlap and unreliability, SMC on the diagonal),
          ``r_drop`` (corrected item-total correlation, item vs the sum of the other items);
        - ``alpha_if_deleted``, ``alpha_std_if_deleted``, ``g6_if_deleted``, ``average_r_if_deleted``,
          ``signal_noise_if_deleted``, ``ase_if_deleted``, ``var_r_if_deleted``,
          ``median_r_if_deleted`` (psych's ``alpha.drop``; the variance of a single correlation is
          undefined, so ``var_r_if_deleted`` is NaN for 3-item scales as in psych).

    Raises
    ------
    AnalysisError
        Fewer than 2 items, constant items, non-numeric columns, ``reverse`` without ``scale``,
        a bootstrap from sufficient statistics or under pairwise deletion.

    Warns
    -----
    ServqualWarning
        Perfectly collinear items or fewer rows than items (the correlation matrix is singular), or a
        correlation matrix that is not positive definite (pairwise deletion can give one; then, as in
        psych, the squared multiple correlations of ``G6``, ``r_cor`` and ``g6_if_deleted`` are clipped
        to [0, 1], see :func:`servqual._linalg.smc`).

    Notes
    -----
    With covariance matrix ``C`` (k items) and correlation matrix ``R``:
    ``alpha = k/(k-1) (1 - tr C / 1'C1)``; ``alpha_std`` the same on ``R``;
    ``G6 = 1 - sum(1 - SMC_j) / 1'R1``; ``ase = sqrt(Q / n)`` with
    ``Q = 2k^2/((k-1)^2 (1'C1)^3) [1'C1 (tr C^2 + (tr C)^2) - 2 tr C 1'C^2 1]`` (psych's form of
    Duhachek & Iacobucci 2004). Feldt (1965) interval:
    ``1 - (1 - alpha) F_{1-a/2 ; a/2}(n-1, (n-1)(k-1))``, exactly ``psych::alpha.ci``; Duhachek:
    ``alpha -/+ z ase``. pingouin rounds its (Feldt) interval to 3 decimals; servqual does not round.
    Bootstrap: rows resampled with replacement, percentile interval (``numpy.quantile``, linear, as R
    type 7) and BCa with the jackknife acceleration (Efron 1987), the jackknife computed in closed form
    from leave-one-out moment downdates.

    For two items psych fills the "if deleted" row of item 1 with ``C12/C22`` (raw), ``r12`` (std,
    average r, median r), ``r12^2`` (G6) and ``r12/(1-r12)``; servqual reproduces those values.
    Unlike psych (which drops a constant item with a warning) a constant item is an error here: the
    message names it, and the alpha of the remaining items is psych's number.

    Thresholds: >= .70 acceptable, >= .80 good, >= .90 excellent (Nunnally & Bernstein 1994).
    Tested against R psych 2.2.9 ``alpha`` (total, ``alpha.drop``, ``item.stats``, ``feldt``) to 1e-6.

    Examples
    --------
    >>> from servqual import load_dataset
    >>> df = load_dataset("holzinger")
    >>> res = cronbach_alpha(df, ["x1", "x2", "x3"])  # psych::alpha(HolzingerSwineford1939[, 7:9]); alpha.ci (Feldt)
    >>> round(res.alpha, 4), round(res.ci_low, 4), round(res.ci_high, 4)
    (0.6261, 0.5465, 0.6938)
    >>> boot = cronbach_alpha(df, ["x1", "x2", "x3"], ci="all", n_boot=1000, seed=1)
    >>> list(boot.cis["method"])
    ['feldt', 'duhachek', 'bootstrap_percentile', 'bootstrap_bca']
    """
    if ci_method is not None:
        if ci not in ("feldt", ci_method):
            raise ValueError(f"ci = {ci!r} and ci_method = {ci_method!r} disagree; give one of them (ci is its alias)")
        ci = ci_method
    if ci not in _CI_CHOICES:
        raise ValueError(f"ci must be one of {_CI_CHOICES}, got {ci!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    st, x, n_rows = prepare_scale(data, items, nan_policy, reverse, scale)
    check_items(st, 2, "alpha")
    k = st.k
    c, r = st.cov, st.corr
    singular = _warn_if_singular(st)
    pairwise = st.nan_policy == "pairwise"
    nsub = n_rows if (pairwise and x is not None) else st.n

    tot = _alpha_core(c, r)
    ase = float(np.sqrt(tot["q"] / nsub))

    # per-item statistics
    sd_items = np.sqrt(np.diag(c))
    sum_c = c.sum()
    if pairwise and x is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            total = np.nanmean(x, axis=1)
        ok_t = np.isfinite(total)
        mean_t = float(np.mean(total[ok_t]))
        sd_t = float(np.std(total[ok_t], ddof=1))
        raw_r = np.empty(k)
        for j in range(k):
            ok = ok_t & np.isfinite(x[:, j])
            raw_r[j] = np.corrcoef(total[ok], x[ok, j])[0, 1]
        n_items_valid = np.sum(np.isfinite(x), axis=0)
        means = np.nanmean(x, axis=0)
    else:
        constant = not sum_c > ZERO_VARIANCE * np.trace(c)
        mean_t = float(np.mean(st.mean))
        sd_t = 0.0 if constant else float(np.sqrt(sum_c) / k)
        with np.errstate(divide="ignore", invalid="ignore"):
            raw_r = np.full(k, np.nan) if constant else c.sum(axis=0) / np.sqrt(np.diag(c) * sum_c)
        n_items_valid = np.full(k, st.n) if not pairwise else np.diag(st.n_pairwise).astype(int)
        means = st.mean
    flat = not r.sum() > ZERO_VARIANCE * k
    rc = r.copy()
    np.fill_diagonal(rc, 1.0 - residual_variances(r))  # the squared multiple correlations
    with np.errstate(divide="ignore", invalid="ignore"):
        std_r = np.full(k, np.nan) if flat else r.sum(axis=0) / np.sqrt(r.sum())
        r_cor = np.full(k, np.nan) if not rc.sum() > ZERO_VARIANCE * k else rc.sum(axis=0) / np.sqrt(rc.sum())
    r_drop = np.empty(k)
    for i in range(k):
        v_drop = sum_c - 2 * c[:, i].sum() + c[i, i]
        rest = np.trace(c) - c[i, i]
        with np.errstate(divide="ignore", invalid="ignore"):
            r_drop[i] = (c[:, i].sum() - c[i, i]) / np.sqrt(c[i, i] * v_drop) if v_drop > ZERO_VARIANCE * rest else np.nan

    drop = np.empty((k, 8))
    if k > 2:
        drop[:] = _alpha_if_deleted(c, r, singular)
        drop[:, 5] = np.sqrt(drop[:, 5] / nsub)
    else:
        r12 = r[0, 1]
        for i, other in ((0, 1), (1, 0)):
            drop[i] = [c[0, 1] / c[other, other], r12, r12**2, r12, r12 / (1 - r12), np.nan, 0.0, r12]
    items_tab = pd.DataFrame(
        {
            "item": list(map(str, st.items)),
            "n": np.asarray(n_items_valid, dtype=int),
            "mean": means,
            "sd": sd_items,
            "raw_r": raw_r,
            "std_r": std_r,
            "r_cor": r_cor,
            "r_drop": r_drop,
            "alpha_if_deleted": drop[:, 0],
            "alpha_std_if_deleted": drop[:, 1],
            "g6_if_deleted": drop[:, 2],
            "average_r_if_deleted": drop[:, 3],
            "signal_noise_if_deleted": drop[:, 4],
            "ase_if_deleted": drop[:, 5],
            "var_r_if_deleted": drop[:, 6],
            "median_r_if_deleted": drop[:, 7],
        }
    )

    # confidence intervals
    alpha = float(tot["raw"])
    if not np.isfinite(alpha):
        warnings.warn(_constant_total_message(items_tab), ServqualWarning, stacklevel=2)
    z = sps.norm.ppf(1.0 - (1.0 - confidence) / 2.0)
    f_lo, f_hi = _feldt(alpha, nsub, k, confidence)
    rows = [("feldt", alpha, float(f_lo), float(f_hi)), ("duhachek", alpha, alpha - z * ase, alpha + z * ase)]
    boot = None
    want_boot = ci in ("bootstrap", "percentile", "bca", "all")
    if want_boot:
        if x is None:
            raise AnalysisError(
                "a bootstrap interval needs the item responses, not sufficient statistics; pass the DataFrame "
                "or use ci='feldt' / 'duhachek'."
            )
        if pairwise:
            raise AnalysisError(
                "the bootstrap resamples complete rows; use nan_policy='listwise' with ci='bootstrap', or "
                "ci='feldt' / 'duhachek' under pairwise deletion."
            )
        if int(n_boot) < 100:
            raise AnalysisError(f"n_boot={n_boot} is too small for a bootstrap interval; use at least 1000.")
        rng = make_rng(seed)
        boot = _boot_alpha(x, int(n_boot), rng)
        bad = ~np.isfinite(boot)
        if bad.all():
            boot = boot[:0]
        elif bad.any():
            warnings.warn(
                f"{int(bad.sum())} bootstrap resample(s) had a constant total score and were discarded.",
                ServqualWarning,
                stacklevel=2,
            )
            boot = boot[~bad]
        a_lo = (1.0 - confidence) / 2.0
        if boot.size and np.isfinite(alpha):
            p_lo, p_hi = np.quantile(boot, [a_lo, 1.0 - a_lo])
            b_lo, b_hi = _bca(boot, alpha, _jackknife_alpha(x), confidence)
        else:  # alpha is undefined: so are its intervals
            p_lo = p_hi = b_lo = b_hi = np.nan
        rows.append(("bootstrap_percentile", alpha, float(p_lo), float(p_hi)))
        rows.append(("bootstrap_bca", alpha, b_lo, b_hi))
    cis = pd.DataFrame(rows, columns=["method", "estimate", "ci_low", "ci_high"])
    method = {None: "feldt", "all": "feldt", "bootstrap": "bootstrap_bca", "percentile": "bootstrap_percentile",
              "bca": "bootstrap_bca"}.get(ci, ci)
    sel = cis.loc[cis["method"] == method].iloc[0]
    if ci is None:
        lo_sel = hi_sel = np.nan
        method = "none"
    else:
        lo_sel, hi_sel = float(sel["ci_low"]), float(sel["ci_high"])

    return AlphaResult(
        n=int(nsub),
        n_items=k,
        alpha=alpha,
        alpha_std=float(tot["std"]),
        average_r=float(tot["av_r"]),
        median_r=float(tot["med_r"]),
        g6_smc=float(tot["g6"]),
        signal_noise=float(tot["sn"]),
        ase=ase,
        mean=mean_t,
        sd=sd_t,
        ci_low=lo_sel,
        ci_high=hi_sel,
        ci_method=method,
        confidence=float(confidence),
        nan_policy=st.nan_policy,
        cis=cis,
        item_stats=items_tab,
        var_r=float(tot["var_r"]),
        n_boot=int(n_boot) if want_boot else 0,
        bootstrap=boot,
    )


# ---------------------------------------------------------------------------------------------
# split halves and Guttman's lambdas
# ---------------------------------------------------------------------------------------------
_MAX_EXHAUSTIVE = 16


def _split_values(m: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Flanagan-Rulon / Guttman split-half coefficient ``4 C_AB / 1'C1`` for indicator rows ``a``."""
    am = a @ m
    c_ab = am.sum(axis=1) - np.einsum("ij,ij->i", am, a)
    return 4.0 * c_ab / m.sum()


def _all_splits(k: int, first_only: bool):
    half = k // 2
    combos = np.array([cb for cb in combinations(range(k), half) if not first_only or cb[0] == 0], dtype=int)
    a = np.zeros((len(combos), k))
    a[np.arange(len(combos))[:, None], combos] = 1.0
    return a


def _random_splits(k: int, n_sample: int, rng: np.random.Generator) -> np.ndarray:
    half = k // 2
    order = np.argsort(rng.random((n_sample, k)), axis=1)[:, :half]
    a = np.zeros((n_sample, k))
    a[np.arange(n_sample)[:, None], order] = 1.0
    return a


def _exhaustive_or_sampled(m, n_sample, rng):
    """Split-half values of every distinct split (k <= 16) or of ``n_sample`` random splits."""
    k = m.shape[0]
    if k <= _MAX_EXHAUSTIVE:
        a = _all_splits(k, first_only=(k % 2 == 0))
        return a, _split_values(m, a), False
    a = _random_splits(k, n_sample, rng)
    return a, _split_values(m, a), True


@dataclass(frozen=True, repr=False, eq=False)
class SplitHalfResult(ResultMixin):
    """Split-half reliabilities over many splits of the items.

    Attributes
    ----------
    method : str
        ``"exhaustive"`` or ``"psych"``.
    basis : str
        ``"correlation"`` or ``"covariance"``.
    n, n_items, n_splits : int
    sampled : bool
        True when the splits were a random sample (more than 16 items).
    max : float
        Best split = Guttman's lambda 4 (``lambda4`` alias).
    min : float
        Worst split = Revelle's beta (``beta`` alias).
    mean : float
        Mean over the splits (psych's convention for ``method="psych"``).
    best_a, best_b, worst_a, worst_b : list of str
        The halves of the best and worst split.
    spearman_brown : float
        Spearman-Brown coefficient of the first-half / second-half split (SPSS ``MODEL=SPLIT`` halves).
    alpha, lambda2, lambda6, average_r, median_r : float
        On the same basis matrix (as ``psych::splitHalf``).
    splits : pandas.DataFrame
        ``split, half_a, half_b, r_halves, spearman_brown, guttman_split_half`` for the best, worst and
        first/second-half splits.
    """

    method: str
    basis: str
    n: int
    n_items: int
    n_splits: int
    sampled: bool
    max: float
    min: float
    mean: float
    best_a: list
    best_b: list
    worst_a: list
    worst_b: list
    spearman_brown: float
    alpha: float
    lambda2: float
    lambda6: float
    average_r: float
    median_r: float
    splits: pd.DataFrame
    title = "Split-half reliability"

    @property
    def lambda4(self) -> float:
        return self.max

    @property
    def beta(self) -> float:
        return self.min

    def tables(self) -> dict:
        main = pd.DataFrame(
            {
                "statistic": ["max (lambda4)", "min (beta)", "mean", "alpha", "lambda2", "lambda6",
                              "spearman_brown (first/second half)"],
                "estimate": [self.max, self.min, self.mean, self.alpha, self.lambda2, self.lambda6,
                             self.spearman_brown],
            }
        )
        return {"Split-half coefficients": main, "Splits": self.splits}

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        lang = check_lang(lang)
        basis_zh = {"correlation": "相关", "covariance": "协方差"}[self.basis]
        if self.sampled:
            lines = [T(f"{self.n_items} 个题项的 {self.n_splits} 次随机分半（{basis_zh}矩阵）。",
                       f"{self.n_splits} random splits of {self.n_items} items on the {self.basis} matrix.")]
        else:
            lines = [T(f"{self.n_items} 个题项的 {self.n_splits} 种分半（{self.method}；{basis_zh}矩阵）。",
                       f"{self.n_splits} splits ({self.method}) of {self.n_items} items on the {self.basis} matrix.")]
        worst = THRESHOLDS["split_half_min"]
        if self.min < worst.value:
            lines.append(T(f"最差分半（beta = {self.min:.3f}）偏低：题项可能不在测量同一事物（{worst.citation}）。",
                           f"The worst split (beta = {self.min:.3f}) is low: the items may not measure one thing "
                           f"({worst.citation})."))
        if self.sampled:
            lines.append(T("随机分半得到的 lambda4 是真实最大值的下界。",
                           "lambda4 from random splits is a lower bound of the true maximum."))
        return [ln.get(lang) for ln in lines]


def _prep_matrix(data, items, nan_policy, covar):
    st = stats_from(data, items, nan_policy)
    check_items(st, 2, "split-half reliability")
    return st, (st.cov if covar else st.corr)


def _halves_stats(m, a_mask):
    a = a_mask.astype(float)
    b = 1.0 - a
    vaa, vbb, vab = a @ m @ a, b @ m @ b, a @ m @ b
    r_ab = vab / np.sqrt(vaa * vbb)
    return r_ab, 2 * r_ab / (1 + r_ab), 4 * vab / m.sum()


def split_half(
    data,
    items=None,
    method: str = "exhaustive",
    covar: bool = False,
    n_sample: int = 10000,
    seed=DEFAULT_SEED,
    nan_policy: str = "listwise",
) -> SplitHalfResult:
    """Split-half reliability over all (or many) splits: best split (lambda 4), worst (beta), mean.

    Parameters
    ----------
    data : pandas.DataFrame or SufficientStats
    items : list of str, optional
    method : {"exhaustive", "psych"}
        ``"exhaustive"`` enumerates every distinct split into halves of sizes floor(k/2) and ceil(k/2)
        (for even k each split once) for k <= 16. ``"psych"`` reproduces ``psych::splitHalf``
        (2.2.9): it enumerates only the first ``choose(k, floor(k/2)) / 2`` combinations in
        lexicographic order - for odd k part of the splits - takes absolute values and divides the
        sum by that (possibly fractional) count, so for k = 3 the "mean" is the sum of two splits
        divided by 1.5 (and can exceed the exhaustive mean).
    covar : bool
        Use the covariance matrix instead of the correlation matrix (psych's default is correlations).
    n_sample : int
        Random splits drawn when k > 16 (both methods), as psych does with 10,000 splits.
    seed : int, numpy.random.Generator or None
        Seed of the random splits (default ``DEFAULT_SEED``, 42; ``None`` for fresh randomness). psych's random splits come from R's generator and cannot be
        reproduced outside R; only their distribution agrees.
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    SplitHalfResult
        ``max`` (= lambda4), ``min`` (= beta), ``mean``, ``n_splits``, ``spearman_brown``, the halves of
        the best and worst splits, psych's ``alpha``, ``lambda2``, ``lambda6``, ``average_r``,
        ``median_r`` and the ``splits`` table.

    Notes
    -----
    For a split into halves A and B, ``4 C_AB / 1'C1`` (Flanagan-Rulon, equal to Guttman's split-half
    coefficient; Guttman 1945). Its maximum over splits is lambda 4, its minimum Revelle's (1979) beta.
    The Spearman-Brown coefficient ``2 r / (1 + r)`` is given for the first/second half split (SPSS
    puts the extra item of an odd k in the first half). Tested against R psych 2.2.9 ``splitHalf``
    (``maxrb``, ``minrb``, ``meanr``, ``alpha``, ``lambda2``, ``lambda6``, ``av.r``, ``med.r``) and an
    exhaustive enumeration in R to 1e-6.

    Examples
    --------
    >>> from servqual import load_dataset
    >>> res = split_half(load_dataset("holzinger"), ["x4", "x5", "x6"])  # psych::splitHalf(HolzingerSwineford1939[, 10:12])
    >>> round(res.lambda4, 4), res.n_splits
    (0.7946, 3)
    """
    if method not in ("exhaustive", "psych"):
        raise ValueError(f"method must be 'exhaustive' or 'psych', got {method!r}")
    st, m = _prep_matrix(data, items, nan_policy, covar)
    k = st.k
    rng = make_rng(seed)
    half = k // 2
    sampled = False
    if method == "exhaustive":
        a, vals, sampled = _exhaustive_or_sampled(m, n_sample, rng)
        mean = float(vals.mean())
        n_splits = len(vals)
    else:
        count = comb(k, half) / 2.0
        if count <= 10000:
            n_use = int(np.ceil(count))
            combos = []
            for cb in combinations(range(k), half):
                combos.append(cb)
                if len(combos) == n_use:
                    break
            a = np.zeros((n_use, k))
            a[np.arange(n_use)[:, None], np.array(combos)] = 1.0
            vals = np.abs(_split_values(m, a))
            mean = float(vals.sum() / count)
            n_splits = n_use
        else:
            a = _random_splits(k, n_sample, rng)
            vals = _split_values(m, a)
            mean = float(vals.mean())
            n_splits = n_sample
            sampled = True
    ib, iw = int(np.argmax(vals)), int(np.argmin(vals))
    names = np.array(list(map(str, st.items)), dtype=object)

    # psych's companions on the same matrix
    off = m.copy()
    np.fill_diagonal(off, 0.0)
    sumr = m.sum()
    sum_off = sumr - np.trace(m)
    alpha = sum_off / sumr * k / (k - 1)
    diag_smc = np.diag(m) - residual_variances(m)
    lambda6 = (sum_off + diag_smc.sum()) / sumr
    lambda2 = (sum_off + np.sqrt((off**2).sum() * k / (k - 1))) / sumr
    rr = st.corr[np.tril_indices(k, -1)]

    first = np.zeros(k, dtype=bool)
    first[: k - half] = True
    rows = []
    for label, mask in (("best (lambda4)", a[ib] > 0), ("worst (beta)", a[iw] > 0), ("first/second half", first)):
        r_ab, sb, g = _halves_stats(m, mask)
        rows.append((label, ", ".join(names[mask]), ", ".join(names[~mask]), r_ab, sb, g))
    splits = pd.DataFrame(
        rows, columns=["split", "half_a", "half_b", "r_halves", "spearman_brown", "guttman_split_half"]
    )
    return SplitHalfResult(
        method=method,
        basis="covariance" if covar else "correlation",
        n=st.n,
        n_items=k,
        n_splits=int(n_splits),
        sampled=sampled,
        max=float(vals[ib]),
        min=float(vals[iw]),
        mean=mean,
        best_a=list(names[a[ib] > 0]),
        best_b=list(names[a[ib] == 0]),
        worst_a=list(names[a[iw] > 0]),
        worst_b=list(names[a[iw] == 0]),
        spearman_brown=float(splits["spearman_brown"].iloc[2]),
        alpha=float(alpha),
        lambda2=float(lambda2),
        lambda6=float(lambda6),
        average_r=float(rr.mean()),
        median_r=float(np.median(rr)),
        splits=splits,
    )


def _guttman_on(m: np.ndarray, lambda4: float) -> list:
    k = m.shape[0]
    vt = m.sum()
    off = m.copy()
    np.fill_diagonal(off, 0.0)
    l1 = 1.0 - np.trace(m) / vt
    l2 = (off.sum() + np.sqrt(k / (k - 1) * (off**2).sum())) / vt
    l3 = k / (k - 1) * l1
    l5 = l1 + 2.0 * np.sqrt(np.max((off**2).sum(axis=0))) / vt
    l6 = 1.0 - residual_variances(m).sum() / vt
    return [l1, l2, l3, lambda4, l5, l6]


def guttman_lambdas(data, items=None, nan_policy: str = "listwise", n_sample: int = 10000, seed=DEFAULT_SEED) -> pd.DataFrame:
    """Guttman's (1945) six lower bounds of reliability on the correlation and the covariance matrix.

    Parameters
    ----------
    data : pandas.DataFrame or SufficientStats
    items : list of str, optional
    nan_policy : {"listwise", "pairwise"}
    n_sample, seed
        Random splits for lambda 4 when there are more than 16 items (then a lower bound of lambda 4).

    Returns
    -------
    pandas.DataFrame
        Rows ``lambda1`` ... ``lambda6``; columns ``coefficient``, ``correlation`` (on R) and
        ``covariance`` (on C). ``df.attrs["lambda4_sampled"]`` tells whether lambda 4 came from random
        splits.

    Notes
    -----
    With ``V = 1'C1`` and ``C_o`` the off-diagonal part: ``l1 = 1 - tr C / V``;
    ``l2 = (1'C_o1 + sqrt(k/(k-1) sum C_o^2)) / V``; ``l3 = k/(k-1) l1`` (= alpha);
    ``l4`` = the best split-half ``4 C_AB / V`` over every split (exhaustive for k <= 16);
    ``l5 = l1 + 2 sqrt(max_j sum_i C_o,ij^2) / V``; ``l6 = 1 - sum_j e_j / V`` with ``e_j = 1 / (C^-1)_jj``
    the residual variance of item j given the others (for perfectly collinear items 0, via a
    pseudo-inverse, with a warning). Tested against closed-form R computations (psych 2.2.9 oracle) to
    1e-6.

    Examples
    --------
    >>> from servqual import load_dataset
    >>> g = guttman_lambdas(load_dataset("holzinger"), ["x1", "x2", "x3"])  # psych::guttman(HolzingerSwineford1939[, 7:9])
    >>> round(float(g.loc["lambda6", "correlation"]), 4)
    0.5352
    """
    st = stats_from(data, items, nan_policy)
    check_items(st, 2, "Guttman's lambdas")
    _warn_if_singular(st)
    rng = make_rng(seed)
    cols = {}
    sampled = False
    for name, m in (("correlation", st.corr), ("covariance", st.cov)):
        _, vals, sampled = _exhaustive_or_sampled(m, n_sample, rng)
        cols[name] = _guttman_on(m, float(vals.max()))
    out = pd.DataFrame({"coefficient": [f"lambda{i}" for i in range(1, 7)], **cols})
    out.index = out["coefficient"].to_list()
    out.attrs["lambda4_sampled"] = sampled
    return out


def __getattr__(name):
    # item_analysis lives in servqual.psychometrics.items, which builds on cronbach_alpha; it stays
    # importable from here
    if name == "item_analysis":
        from servqual.psychometrics.items import item_analysis

        return item_analysis
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
