"""Classical item analysis: the critical ratio of extreme groups, the corrected item-total correlation
and alpha if the item is deleted, with a keep / review / drop decision per item.

The item statistics come from :func:`~servqual.psychometrics.reliability.cronbach_alpha`; the critical
ratio needs the item responses themselves (the extreme groups of the total score).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from servqual._validation import check_nan_policy
from servqual.exceptions import AnalysisError
from servqual.psychometrics.reliability import cronbach_alpha, prepare_scale, validate_reverse
from servqual.psychometrics.stats import SufficientStats, item_columns

__all__ = ["item_analysis"]


def item_analysis(
    data,
    items=None,
    groups_quantile: float = 0.27,
    equal_var: bool = False,
    cr_min: float = 3.0,
    r_drop_min: float = 0.4,
    sig: float = 0.05,
    nan_policy: str = "listwise",
    reverse=None,
    scale=None,
    *,
    alpha_result=None,
) -> pd.DataFrame:
    """Classical item analysis: critical ratio (extreme groups), corrected item-total r, alpha if deleted.

    Parameters
    ----------
    data : pandas.DataFrame
        Item responses (the raw rows are needed for the extreme groups).
    items : list of str, optional
    groups_quantile : float
        Share of respondents in each extreme group (default 0.27, Kelley 1939).
    equal_var : bool
        ``False`` (default): Welch's t-test (no equal-variance assumption, SPSS's "equal variances not
        assumed" row). ``True``: Student's pooled-variance t-test (SPSS's "equal variances assumed" row,
        the one many theses report).
    cr_min : float
        Minimum critical ratio (default 3.0).
    r_drop_min : float
        Minimum corrected item-total correlation (default 0.4; 0.3 is a common lenient choice).
    sig : float
        Significance level of the critical ratio (default 0.05).
    nan_policy : {"listwise"}
        Rows with a missing item are dropped (the total score needs every item).
    reverse, scale
        Reverse-keyed items and the (min, max) scale, as in :func:`cronbach_alpha`.
    alpha_result : AlphaResult, optional
        The :func:`cronbach_alpha` result of the same items on the same complete rows (without
        reverse-keying); given, it saves the second pass over the data.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``item``, ``mean``, ``sd``, ``cr`` (t of the high group minus the low group),
        ``cr_df``, ``cr_pval`` (two-sided), ``r_drop``, ``alpha_if_deleted``, ``flags`` (failed
        criteria) and ``decision``. ``attrs`` holds ``alpha``, ``n``, ``low_cut``, ``high_cut``,
        ``n_low``, ``n_high`` and ``t_test``.

    Notes
    -----
    Extreme groups as in SPSS practice: the total score (sum of the items) is sorted, the low cut is
    the score of the respondent at rank ``ceil(q n)`` from the bottom and the high cut the score at
    rank ``ceil(q n)`` from the top; the low group is every respondent at or below the low cut, the
    high group every respondent at or above the high cut (ties included, so a group may exceed q n).
    The critical ratio is the independent-samples t statistic of each item between the two groups
    (Student or Welch, see ``equal_var``).

    Decision rules (three criteria): (1) CR significant at ``sig`` and ``>= cr_min``; (2) corrected
    item-total correlation ``r_drop >= r_drop_min``; (3) alpha if item deleted not above the scale's
    alpha. ``decision`` is ``"keep"`` when all hold, ``"review"`` when one fails and ``"drop"`` when two
    or more fail. These are screening heuristics; content validity decides.

    Examples
    --------
    >>> from servqual import load_dataset
    >>> res = item_analysis(load_dataset("holzinger"), ["x4", "x5", "x6"])
    >>> list(res["decision"])
    ['keep', 'keep', 'keep']
    """
    if isinstance(data, SufficientStats):
        raise AnalysisError("item_analysis needs the item responses (extreme groups), not sufficient statistics.")
    check_nan_policy(nan_policy, ("listwise",), "item_analysis (the total score needs every item)")
    if not 0 < groups_quantile < 0.5:
        raise ValueError(f"groups_quantile must be in (0, 0.5), got {groups_quantile!r}")
    return _item_analysis(data, items, groups_quantile, equal_var, cr_min, r_drop_min, sig, reverse, scale,
                          alpha_result)


def _item_analysis(data, items=None, groups_quantile=0.27, equal_var=False, cr_min=3.0, r_drop_min=0.4, sig=0.05,
                   reverse=None, scale=None, alpha_res=None):
    """:func:`item_analysis` after validation."""
    if alpha_res is None or validate_reverse(reverse, scale, list(alpha_res.items)):
        st, x, n = prepare_scale(data, items, "listwise", reverse, scale)
        alpha_res = cronbach_alpha(st, ci=None)
        cols = [x[:, j] for j in range(st.k)]
    else:
        _, cols = item_columns(data, items)
        ok = np.ones(len(cols[0]), dtype=bool)
        for c in cols:
            ok &= ~np.isnan(c)
        if not ok.all():
            cols = [c[ok] for c in cols]
        n = len(cols[0])
    k = len(cols)
    total = np.zeros(n)
    for c in cols:
        total += c
    g = int(np.ceil(groups_quantile * n))
    low_cut, high_cut = np.partition(total, [g - 1, n - g])[[g - 1, n - g]]
    low, high = total <= low_cut, total >= high_cut
    if low_cut >= high_cut or low.sum() < 2 or high.sum() < 2:
        raise AnalysisError(
            f"the extreme groups overlap or are too small (n = {n}, low cut {low_cut}, high cut {high_cut}); "
            "the total score has too few distinct values for a critical-ratio analysis."
        )
    tt = sps.ttest_ind(np.column_stack([c[high] for c in cols]), np.column_stack([c[low] for c in cols]), axis=0,
                       equal_var=equal_var)
    t = np.asarray(tt.statistic, dtype=float)
    p = np.asarray(tt.pvalue, dtype=float)
    dfree = np.asarray(tt.df, dtype=float) if hasattr(tt, "df") else np.full(k, high.sum() + low.sum() - 2.0)
    it = alpha_res.item_stats
    flags, decision = [], []
    for j in range(k):
        f = []
        if not (np.isfinite(t[j]) and p[j] < sig and t[j] >= cr_min):
            f.append("cr")
        if not it["r_drop"].iloc[j] >= r_drop_min:
            f.append("r_drop")
        if it["alpha_if_deleted"].iloc[j] > alpha_res.alpha:
            f.append("alpha_if_deleted")
        flags.append(", ".join(f))
        decision.append("keep" if not f else "review" if len(f) == 1 else "drop")
    out = pd.DataFrame(
        {
            "item": it["item"].to_list(),
            "mean": it["mean"].to_numpy(),
            "sd": it["sd"].to_numpy(),
            "cr": t,
            "cr_df": dfree,
            "cr_pval": p,
            "r_drop": it["r_drop"].to_numpy(),
            "alpha_if_deleted": it["alpha_if_deleted"].to_numpy(),
            "flags": flags,
            "decision": decision,
        }
    )
    out.attrs.update(
        alpha=alpha_res.alpha, n=n, low_cut=float(low_cut), high_cut=float(high_cut), n_low=int(low.sum()),
        n_high=int(high.sum()), t_test="student" if equal_var else "welch",
    )
    return out
