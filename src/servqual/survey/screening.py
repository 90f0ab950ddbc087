"""Screening careless responses: missingness, long strings, straight-lining, IRV, Mahalanobis D²,
attention checks, completion time and duplicates — one row per respondent, exclusion made explicit.

References: Meade & Craig (2012) *Psychological Methods* 17(3); Curran (2016) *JESP* 66; Dunn et al.
(2018) *J Bus Psychol* 33 (intra-individual response variability).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from servqual._results import ResultMixin, Summary
from servqual._text import T, check_lang, join_names
from servqual.exceptions import AnalysisError
from servqual.survey.instrument import as_instrument
from servqual.survey.io import Responses

__all__ = ["screen", "ScreeningResult", "longstring", "irv", "mahalanobis", "EXCLUSION_RULES", "EXCLUSION_RULE_TEXTS"]

#: Each exclusion rule in both languages.
EXCLUSION_RULE_TEXTS = {
    "straightlining": T("同一题组的全部题项选择同一选项（直线作答）", "answered every item of a block with the same scale point"),
    "longstring": T("连续相同作答的最长长度达到阈值", "longest run of identical answers at or above the longstring threshold"),
    "attention": T("未通过注意力检测题", "failed one or more attention checks"),
    "too_fast": T("作答时间短于最短时长", "completion time below the minimum"),
    "mahalanobis": T("多元离群值（马氏距离 D² 的 p 值小于阈值）", "multivariate outlier (Mahalanobis D² p below the alpha)"),
    "duplicate_id": T("受访者编号重复（保留首次出现）", "respondent id used more than once (later occurrences)"),
    "duplicate_answers": T("作答模式与之前的受访者完全相同", "answer pattern identical to an earlier respondent's"),
    "missing": T("未作答题项比例超过上限", "share of unanswered items above max_missing"),
}
#: Each exclusion rule with what it flags (the ``rule`` column of the summary table).
EXCLUSION_RULES = {name: t.en for name, t in EXCLUSION_RULE_TEXTS.items()}


def longstring(values: np.ndarray) -> np.ndarray:
    """Longest run of identical consecutive answers per row (NaN breaks a run and is not counted).

    Parameters
    ----------
    values : array (n, k)

    Returns
    -------
    numpy.ndarray of int, length n

    Notes
    -----
    Vectorised over rows: a run continues where ``x[:, j] == x[:, j-1]`` (both answered).
    Johnson (2005) *J Res Pers* 39; Curran (2016).

    Examples
    --------
    >>> import numpy as np
    >>> longstring(np.array([[1, 1, 2, 2, 2], [3, 3, 3, 3, 3.]]))
    array([3, 5])
    """
    x = np.asarray(values, dtype=float)
    n, k = x.shape
    if k == 0:
        return np.zeros(n, dtype=int)
    run = (~np.isnan(x[:, 0])).astype(int)
    best = run.copy()
    for j in range(1, k):
        cur = x[:, j]
        same = (cur == x[:, j - 1]) & ~np.isnan(cur)
        run = np.where(same, run + 1, (~np.isnan(cur)).astype(int))
        best = np.maximum(best, run)
    return best


def irv(values: np.ndarray) -> np.ndarray:
    """Intra-individual response variability: the SD (n-1) of each respondent's answers (Dunn et al. 2018).

    Examples
    --------
    >>> import numpy as np
    >>> irv(np.array([[1, 2, 3, 4, 5], [3, 3, 3, 3, 3.]]))   # apply(x, 1, sd) in R
    array([1.58113883, 0.        ])
    """
    x = np.asarray(values, dtype=float)
    if x.ndim == 2 and x.shape[1] == 0:
        return np.full(x.shape[0], np.nan)
    cnt = (~np.isnan(x)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.nanmean(np.where(cnt[:, None] > 0, x, 0), axis=1)
        out = np.sqrt(np.nansum((x - m[:, None]) ** 2, axis=1) / (cnt - 1))
    out[cnt < 2] = np.nan
    return out


def mahalanobis(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mahalanobis D² of each complete row from the complete-row mean, and its chi-square(k) p-value.

    Rows with a missing answer get NaN (stated in the screening output). A singular covariance matrix
    (collinear items) uses the pseudo-inverse and ``k`` = its rank.

    Examples
    --------
    >>> import numpy as np
    >>> import servqual as sq
    >>> x = sq.read_dataset("kiosk").items("perception").to_numpy()
    >>> d2, p = mahalanobis(x)   # R: mahalanobis(x, colMeans(x), cov(x)) on complete rows
    >>> np.round(d2[:3], 3), np.round(p[:3], 4)
    (array([19.227,  7.894, 33.172]), array([0.7398, 0.9992, 0.1005]))
    >>> int(np.isnan(d2).sum())                                # rows with a missing answer
    4
    """
    x = np.asarray(values, dtype=float)
    ok = ~np.isnan(x).any(axis=1)
    d2 = np.full(x.shape[0], np.nan)
    p = np.full(x.shape[0], np.nan)
    xc = x[ok]
    if xc.shape[0] <= x.shape[1] + 1:
        return d2, p
    c = xc - xc.mean(axis=0)
    cov = c.T @ c / (xc.shape[0] - 1)
    rank = np.linalg.matrix_rank(cov)
    inv = np.linalg.pinv(cov) if rank < cov.shape[0] else np.linalg.inv(cov)
    d2[ok] = np.einsum("ij,jk,ik->i", c, inv, c)
    p[ok] = stats.chi2.sf(d2[ok], df=max(rank, 1))
    return d2, p


@dataclass(frozen=True, repr=False, eq=False)
class ScreeningResult(ResultMixin):
    """Per-respondent screening flags, a summary, and (when rules were given) the kept data and exclusion log.

    Attributes
    ----------
    flags : pandas.DataFrame
        One row per respondent (index = data index). Columns: ``respondent`` (id or row), ``row`` (file
        row), ``n_items``, ``n_answered``, ``share_missing``, ``longstring`` (overall, in questionnaire
        order), ``longstring_<block>`` per block, ``straightlining`` (every answered item of some block
        on the same scale point, with at least 3 and at least 80 % of the block's items answered), ``irv``, ``mahalanobis_d2``, ``mahalanobis_pval``,
        ``mahalanobis_outlier``, ``attention_failed`` (count), ``duration``, ``too_fast``,
        ``duplicate_id``, ``duplicate_answers``, ``excluded``, ``reasons``.
    kept : pandas.DataFrame
        The data without the excluded respondents.
    exclusion_log : pandas.DataFrame
        ``respondent, row, reasons`` of every excluded respondent.
    rules : tuple
        The exclusion rules applied.
    """

    flags: pd.DataFrame
    kept: pd.DataFrame
    exclusion_log: pd.DataFrame
    rules: tuple
    settings: dict
    title: str = "Screening of careless responses"

    def summary_table(self) -> pd.DataFrame:
        f = self.flags
        n = len(f)
        rows = []
        checks = [
            ("straightlining", f["straightlining"]),
            ("longstring", f["longstring"] >= self.settings["longstring_threshold"]),
            ("attention", f["attention_failed"] > 0),
            ("too_fast", f["too_fast"].fillna(False).astype(bool)),
            ("mahalanobis", f["mahalanobis_outlier"].fillna(False).astype(bool)),
            ("duplicate_id", f["duplicate_id"]),
            ("duplicate_answers", f["duplicate_answers"]),
            ("missing", f["share_missing"] > self.settings["max_missing"]),
        ]
        for name, mask in checks:
            k = int(mask.sum())
            rows.append({"check": name, "rule": EXCLUSION_RULES[name], "n_flagged": k,
                         "share": k / n if n else np.nan, "applied": name in self.rules})
        rows.append({"check": "excluded", "rule": ", ".join(self.rules) or "none (flags only)",
                     "n_flagged": int(f["excluded"].sum()), "share": f["excluded"].mean() if n else np.nan, "applied": True})
        return pd.DataFrame(rows)

    def tables(self) -> dict:
        return {"summary": self.summary_table(), "flags": self.flags, "exclusion log": self.exclusion_log}

    def to_frame(self) -> pd.DataFrame:
        return self.flags.copy()

    def notes(self, lang: str = "en") -> list:
        """How many were screened, excluded and kept, and the criteria, in ``lang`` (``"zh"`` or ``"en"``)."""
        check_lang(lang)
        s = self.settings
        n, n_excl, n_kept = len(self.flags), int(self.flags["excluded"].sum()), len(self.kept)
        if lang == "zh":
            rules = join_names(self.rules, "zh") or "无（仅标记）"
            return [
                f"共筛查 {n} 位受访者的 {s['n_items']} 个题项列；按规则（{rules}）剔除 {n_excl} 位，保留 {n_kept} 位。",
                f"最长连续相同作答的阈值为 {s['longstring_threshold']}（最长题组题项数的一半，Johnson 2005）；"
                f"马氏距离 D² 仅在完整作答的行上计算，p < {s['mahalanobis_alpha']} 时标记（Meade & Craig 2012）。",
            ]
        return [
            f"{n} respondents screened on {s['n_items']} item columns; {n_excl} "
            f"excluded by rules: {', '.join(self.rules) or 'none (flags only)'}; {n_kept} kept.",
            f"Longstring threshold {s['longstring_threshold']} (half the items of the longest block, Johnson 2005); "
            f"Mahalanobis D² flagged at p < {s['mahalanobis_alpha']} on complete rows only (Meade & Craig 2012).",
        ]

    def summary(self, decimals: int = 3, lang: str = "en") -> Summary:
        """The summary table (rounded to ``decimals``) and the notes in ``lang``.

        Examples
        --------
        >>> import servqual as sq
        >>> res = sq.screen(sq.read_dataset("kiosk"), "kiosk", exclude=["straightlining"])
        >>> print(res.summary(lang="zh"))
        Screening of careless responses
        ...
        - 共筛查 211 位受访者的 96 个题项列；按规则（straightlining）剔除 9 位，保留 202 位。
        - 最长连续相同作答的阈值为 12（最长题组题项数的一半，Johnson 2005）；马氏距离 D² 仅在完整作答的行上计算，p < 0.001 时标记（Meade & Craig 2012）。
        """
        notes = self.notes(lang)
        parts = [self.title, "=" * len(self.title)]
        table = self.summary_table()
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            parts.append(table.round(decimals).to_string(index=False))
        parts.extend(f"- {n}" for n in notes)
        return Summary("\n".join(parts), self._html({"summary": table}, notes, decimals))


def screen(data, instrument, *, exclude=None, longstring_threshold: int | None = None, min_duration: float | None = None,
           mahalanobis_alpha: float = 0.001, max_missing: float = 0.2, blocks=None) -> ScreeningResult:
    """Screen every respondent for careless answering and make exclusion explicit.

    Parameters
    ----------
    data : Responses or pandas.DataFrame
        Responses from :func:`servqual.read_responses` (scored) or a DataFrame with the questionnaire's
        columns. Reverse-keyed items are screened on the answers as given (``Responses.raw``) so that a
        straight-liner who ticks "5" everywhere is caught even across reverse-keyed items.
    instrument : Instrument or str
    exclude : list of str, optional
        Rules that exclude a respondent: any of ``straightlining, longstring, attention, too_fast,
        mahalanobis, duplicate_id, duplicate_answers, missing``. Default: none (flags only).
    longstring_threshold : int, optional
        Flag a longstring at or above this; default half the items of the longest block (at least 5).
    min_duration : float, optional
        Minimum completion time in the duration column's unit; default the questionnaire's ``duration.min``.
    mahalanobis_alpha : float
        p-value below which D² marks an outlier (default 0.001, Tabachnick & Fidell).
    max_missing : float
        Share of unanswered items above which the ``missing`` rule applies (default 0.2).
    blocks : list of str, optional
        Blocks to screen (default: all blocks; the single item set when the questionnaire has none).

    Returns
    -------
    ScreeningResult
        ``.flags`` (one row per respondent), ``.summary_table()``, ``.kept``, ``.exclusion_log``.

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.read_dataset("bfi")
    >>> res = sq.screen(r, "bfi", exclude=["straightlining"])
    >>> int(res.flags["straightlining"].sum()), len(res.kept)
    (4, 2796)
    >>> res.exclusion_log.head(2)
       respondent  row         reasons
    0       62783  563  straightlining
    1       64642 1431  straightlining
    """
    instrument = as_instrument(instrument)
    if isinstance(data, Responses):
        answers, scored, rows = data.raw, data.data, data.row_numbers
    elif isinstance(data, pd.DataFrame):
        answers, scored, rows = data, data, None
    else:
        raise TypeError(f"data must be servqual Responses or a DataFrame, got {type(data).__name__}")
    exclude = list(exclude or [])
    unknown = [r for r in exclude if r not in EXCLUSION_RULES]
    if unknown:
        raise ValueError(f"unknown exclusion rule(s) {', '.join(unknown)}; rules: {', '.join(EXCLUSION_RULES)}")
    if len(scored) == 0:
        raise AnalysisError("no respondents to screen (the data has no rows)")
    block_ids = [b.id for b in instrument.blocks] or [None]
    if blocks is not None:
        block_ids = [instrument.block_id(b) for b in blocks]
    block_cols = {}
    for b in block_ids:
        cols = list(instrument.columns(b).values())
        missing = [c for c in cols if c not in answers.columns]
        if missing:
            raise AnalysisError(f"columns of the questionnaire missing from the data: {', '.join(missing[:10])}; "
                                "read the file with servqual.read_responses() to check it")
        block_cols[b or "items"] = cols
    all_cols = [c for cols in block_cols.values() for c in cols]
    specs = instrument.column_specs().drop_duplicates("column").set_index("column")
    x_ans = answers[all_cols].apply(pd.to_numeric, errors="coerce").astype(float)
    x_sc = scored[all_cols].apply(pd.to_numeric, errors="coerce").astype(float)
    for c in all_cols:  # each column's own missing and not-applicable codes
        codes = [float(m) for m in tuple(specs.at[c, "missing_codes"]) + tuple(specs.at[c, "not_applicable"])
                 if isinstance(m, (int, float)) and not isinstance(m, bool)]
        if codes:
            x_ans[c] = x_ans[c].mask(x_ans[c].isin(codes))
            x_sc[c] = x_sc[c].mask(x_sc[c].isin(codes))
    a = x_ans.to_numpy()
    n, k = a.shape
    f = pd.DataFrame(index=scored.index)
    if instrument.respondent_id and instrument.respondent_id in scored.columns:
        f["respondent"] = scored[instrument.respondent_id].to_numpy()
    else:
        f["respondent"] = np.arange(n) + 1
    f["row"] = rows.to_numpy() if rows is not None else np.arange(n) + 2
    answered = ~np.isnan(a)
    f["n_items"] = k
    f["n_answered"] = answered.sum(axis=1)
    f["share_missing"] = 1 - f["n_answered"] / k
    f["longstring"] = longstring(a)
    straight = np.zeros(n, dtype=bool)
    for name, cols in block_cols.items():
        if not cols:  # a questionnaire without rating items (e.g. Kano answers only) has no line to straighten
            continue
        xb = x_ans[cols].to_numpy()
        ls = longstring(xb)
        nb = (~np.isnan(xb)).sum(axis=1)
        if len(block_cols) > 1:
            f[f"longstring_{name}"] = ls
        same = (np.nanmax(np.where(np.isnan(xb), -np.inf, xb), axis=1) == np.nanmin(np.where(np.isnan(xb), np.inf, xb), axis=1))
        straight |= same & (nb >= 3) & (nb >= 0.8 * len(cols))
    f["straightlining"] = straight
    f["irv"] = irv(a)
    d2, p = mahalanobis(x_sc.to_numpy())
    f["mahalanobis_d2"] = d2
    f["mahalanobis_pval"] = p
    f["mahalanobis_outlier"] = pd.array(np.where(np.isnan(p), pd.NA, p < mahalanobis_alpha), dtype="boolean")
    fails = np.zeros(n, dtype=int)
    for chk in instrument.attention_checks:
        col = chk.column()
        if col in answers.columns:
            v = pd.to_numeric(answers[col], errors="coerce").to_numpy(dtype=float)
            fails += (~np.isin(v, np.asarray(chk.expected, dtype=float))).astype(int)
    f["attention_failed"] = fails
    thr_dur = min_duration if min_duration is not None else instrument.min_duration
    if instrument.duration_column and instrument.duration_column in answers.columns:
        dur = pd.to_numeric(answers[instrument.duration_column], errors="coerce").to_numpy(dtype=float)
        f["duration"] = dur
        f["too_fast"] = pd.array(np.where(np.isnan(dur) | (thr_dur is None), pd.NA, dur < (thr_dur or 0)), dtype="boolean")
    else:
        f["duration"] = np.nan
        f["too_fast"] = pd.array([pd.NA] * n, dtype="boolean")
    if instrument.respondent_id and instrument.respondent_id in scored.columns:
        ids = scored[instrument.respondent_id].astype(str)
        f["duplicate_id"] = ids.duplicated(keep="first").to_numpy()
    else:
        f["duplicate_id"] = False
    has_any = answered.any(axis=1)
    row_hash = pd.util.hash_pandas_object(x_ans.round(9), index=False)
    f["duplicate_answers"] = row_hash.duplicated(keep="first").to_numpy() & has_any
    ls_thr = longstring_threshold or max(5, int(np.ceil(max(len(c) for c in block_cols.values()) / 2)))
    masks = {
        "straightlining": f["straightlining"].to_numpy(),
        "longstring": (f["longstring"] >= ls_thr).to_numpy(),
        "attention": (f["attention_failed"] > 0).to_numpy(),
        "too_fast": f["too_fast"].fillna(False).to_numpy(dtype=bool),
        "mahalanobis": f["mahalanobis_outlier"].fillna(False).to_numpy(dtype=bool),
        "duplicate_id": f["duplicate_id"].to_numpy(dtype=bool),
        "duplicate_answers": f["duplicate_answers"].to_numpy(dtype=bool),
        "missing": (f["share_missing"] > max_missing).to_numpy(),
    }
    reasons = [[] for _ in range(n)]
    for rule in exclude:
        for i in np.flatnonzero(masks[rule]):
            reasons[i].append(rule)
    f["excluded"] = [bool(r) for r in reasons]
    f["reasons"] = ["; ".join(r) for r in reasons]
    kept = scored.loc[~f["excluded"].to_numpy()]
    log = f.loc[f["excluded"], ["respondent", "row", "reasons"]].reset_index(drop=True)
    settings = {"n_items": k, "longstring_threshold": ls_thr, "mahalanobis_alpha": mahalanobis_alpha,
                "max_missing": max_missing, "min_duration": thr_dur, "blocks": list(block_cols)}
    return ScreeningResult(flags=f, kept=kept, exclusion_log=log, rules=tuple(exclude), settings=settings)
