"""The missing-data report: how much of each question was answered, left empty or did not apply.

A survey has two kinds of missing answer, and the field counts them apart: **no answer** (an empty cell
or a declared ``missing_codes`` code: the respondent skipped the question) and **not applicable** (a
``not_applicable`` code: the question did not apply, e.g. a service the customer did not use, or a
question routed away). :func:`missing_report` gives, for every rating column, the number of valid answers
and both shares; the most frequent patterns of missingness over those columns; and how much each
respondent left missing. The analyses state which rows they used from this: per item on available
cases, per dimension with deletion within the dimension, or listwise (see
:data:`servqual.thresholds.MISSING_POLICIES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import T
from servqual.exceptions import AnalysisError
from servqual.survey.instrument import as_instrument

__all__ = ["MissingReport", "missing_report", "RATING_ROLES"]

#: The roles of the columns the report covers (answers on a scale).
RATING_ROLES = ("item", "overall", "outcome", "attention")


@dataclass(frozen=True, repr=False)
class MissingReport(ResultMixin):
    """What :func:`missing_report` returns.

    Attributes
    ----------
    items : pandas.DataFrame
        One row per rating column: ``column, item, dimension, block, role, n_rows, n, no_answer,
        not_applicable, pct_no_answer, pct_not_applicable, pct_missing`` (``n`` = valid answers;
        percentages of all rows).
    patterns : pandas.DataFrame
        The most frequent patterns over the rating columns: ``pattern`` (one character per column in
        questionnaire order: ``.`` answered, ``-`` no answer, ``n`` not applicable), ``n_rows``, ``pct``,
        ``n_missing`` (columns missing in the pattern).
    respondents : pandas.DataFrame
        One row per respondent (file order): ``row`` (the row of the file), ``n_missing``,
        ``n_not_applicable``, ``share_missing`` (of the rating columns, both kinds).
    n_rows : int
        Rows of the data.
    complete_rows : int
        Rows with every rating column answered (what listwise deletion keeps).
    """

    items: pd.DataFrame
    patterns: pd.DataFrame
    respondents: pd.DataFrame
    n_rows: int
    complete_rows: int
    title: str = "Missing answers"

    @property
    def columns(self) -> list:
        """The rating columns covered, in questionnaire order."""
        return self.items["column"].tolist()

    def tables(self) -> dict:
        share = self.respondents["share_missing"]
        dist = pd.DataFrame({
            "respondents": ["none missing", "up to 10 %", "10-50 %", "over 50 %"],
            "n_rows": [int((share == 0).sum()), int(((share > 0) & (share <= 0.10)).sum()),
                       int(((share > 0.10) & (share <= 0.50)).sum()), int((share > 0.50).sum())],
        })
        return {"missing answers by column": self.items, "most frequent patterns": self.patterns,
                "missing answers by respondent": dist}

    def notes(self, lang: str = "en") -> list:
        it = self.items
        out = []
        lw = self.complete_rows
        out.append(T(f"{self.n_rows} 行中 {lw} 行（{lw / max(self.n_rows, 1):.1%}）所有评分题都有有效回答（成列删除保留的行）。",
                     f"{lw} of {self.n_rows} rows ({lw / max(self.n_rows, 1):.1%}) answered every rating question "
                     "(the rows listwise deletion keeps).").get(lang))
        na = it[it["not_applicable"] > 0]
        if len(na):
            top = na.sort_values("pct_not_applicable", ascending=False).iloc[0]
            out.append(T(f"{len(na)} 个题目有“不适用”回答；最多的是 {top['column']}（{top['pct_not_applicable']:.1f}%）。"
                         "不适用与未回答分开计数。",
                         f"{len(na)} columns have 'does not apply' answers; most in {top['column']} "
                         f"({top['pct_not_applicable']:.1f} %). Not applicable is counted apart from no answer.").get(lang))
        hi = it[it["pct_missing"] > 20]
        if len(hi):
            out.append(T(f"缺失超过 20% 的题目：{', '.join(hi['column'].astype(str))}。",
                         f"Columns missing in over 20 % of rows: {', '.join(hi['column'].astype(str))}.").get(lang))
        return out


def _frame_and_masks(data, instrument, not_applicable):
    """The data frame, the questionnaire and the not-applicable mask of what the caller gave."""
    from servqual.survey.io import Responses  # the reader's result type

    if isinstance(data, Responses):
        inst = data.instrument if instrument is None else as_instrument(instrument)
        return data.data, inst, data.not_applicable, data.row_numbers
    if instrument is None:
        raise AnalysisError("missing_report needs the questionnaire: pass instrument=, or the Responses of read_responses")
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    na = not_applicable if not_applicable is not None else pd.DataFrame(index=df.index)
    return df, as_instrument(instrument), na, None


def missing_report(data, instrument=None, *, not_applicable=None, max_patterns: int = 10) -> MissingReport:
    """Missing answers of every rating column: no answer and not applicable counted apart, the most
    frequent patterns and the share missing per respondent.

    Parameters
    ----------
    data : Responses or pandas.DataFrame
        What :func:`servqual.read_responses` returned (its ``not_applicable`` mask tells the two kinds
        apart), or scored answers (then every missing cell counts as no answer, unless
        ``not_applicable`` is given).
    instrument : Instrument or str, optional
        The questionnaire (default: that of the Responses).
    not_applicable : pandas.DataFrame, optional
        Boolean mask of the not-applicable cells, for a plain DataFrame.
    max_patterns : int
        How many patterns to list (default 10).

    Returns
    -------
    MissingReport

    Notes
    -----
    For column :math:`j` with :math:`N` rows, :math:`n_j` valid answers, :math:`m_j` cells without an
    answer and :math:`a_j` not applicable,

    .. math::

        \\%\\,\\text{no answer}_j = 100\\, m_j / N, \\qquad \\%\\,\\text{not applicable}_j = 100\\, a_j / N,
        \\qquad n_j + m_j + a_j = N.

    A pattern is the row's vector of answered / no answer / not applicable over the rating columns, as
    in SPSS Missing Value Analysis and ``mice::md.pattern`` (which do not tell the two kinds apart).

    Examples
    --------
    >>> import servqual as sq
    >>> rep = sq.missing_report(sq.read_dataset("bfi"))
    >>> rep.n_rows, rep.complete_rows
    (2800, 2436)
    >>> rep.items.set_index("column").loc["A1", ["n", "no_answer", "not_applicable"]].tolist()
    [2784, 16, 0]
    """
    df, inst, na_mask, rows = _frame_and_masks(data, instrument, not_applicable)
    specs = inst.column_specs()
    specs = specs[specs["role"].isin(RATING_ROLES) & specs["column"].isin(df.columns)].drop_duplicates("column")
    cols = specs["column"].tolist()
    if not cols:
        raise AnalysisError("missing_report: none of the questionnaire's rating columns is in the data")
    x = df[cols].apply(pd.to_numeric, errors="coerce")
    miss = x.isna().to_numpy()
    na = np.zeros_like(miss)
    for j, c in enumerate(cols):
        if c in na_mask.columns:
            na[:, j] = na_mask[c].to_numpy(dtype=bool) & miss[:, j]
    no_ans = miss & ~na
    n_rows = len(df)
    items = pd.DataFrame({
        "column": cols,
        "item": specs["item"].tolist(),
        "dimension": specs["dimension"].tolist(),
        "block": specs["block"].tolist(),
        "role": specs["role"].tolist(),
        "n_rows": n_rows,
        "n": (~miss).sum(axis=0).astype(int),
        "no_answer": no_ans.sum(axis=0).astype(int),
        "not_applicable": na.sum(axis=0).astype(int),
    })
    denom = max(n_rows, 1)
    items["pct_no_answer"] = 100 * items["no_answer"] / denom
    items["pct_not_applicable"] = 100 * items["not_applicable"] / denom
    items["pct_missing"] = items["pct_no_answer"] + items["pct_not_applicable"]
    code = np.where(na, "n", np.where(no_ans, "-", "."))
    pat = pd.Series(["".join(r) for r in code], dtype=object)
    counts = pat.value_counts()
    top = counts.head(max_patterns)
    patterns = pd.DataFrame({"pattern": top.index.tolist(), "n_rows": top.to_numpy().astype(int),
                             "pct": 100 * top.to_numpy() / denom,
                             "n_missing": [int(sum(ch != "." for ch in p)) for p in top.index]})
    row_no = rows.to_numpy() if rows is not None else np.arange(n_rows) + 2
    respondents = pd.DataFrame({"row": row_no, "n_missing": miss.sum(axis=1).astype(int),
                                "n_not_applicable": na.sum(axis=1).astype(int),
                                "share_missing": miss.mean(axis=1)})
    return MissingReport(items=items, patterns=patterns, respondents=respondents, n_rows=n_rows,
                         complete_rows=int((~miss).all(axis=1).sum()))
