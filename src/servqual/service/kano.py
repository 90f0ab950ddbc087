"""Kano classification of product / service features from functional-dysfunctional answer pairs.

Every feature is asked twice: how would you feel if the feature were present (functional) and if it
were absent (dysfunctional), each answered like / must-be / neutral / live-with / dislike. The Kano
evaluation table (Kano, Seraku, Takahashi & Tsuji 1984; Berger et al. 1993) turns each answer pair into
a category: attractive (A), one-dimensional (O), must-be (M), indifferent (I), reverse (R) or
questionable (Q). :func:`kano` counts the categories per feature and reports the dominant category and
the better / worse coefficients (customer-satisfaction coefficients, Berger et al. 1993).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual.thresholds import THRESHOLDS
from servqual._results import ResultMixin
from servqual._text import T, check_lang, join_names
from servqual._validation import as_frame
from servqual.exceptions import AnalysisError
from servqual.labels import KANO_CATEGORIES as _KANO_NAMES
from servqual.labels import label
from servqual.survey.instrument import KANO_ANSWERS, Instrument, as_instrument

__all__ = ["KANO_TABLE", "KANO_CATEGORIES", "kano_category", "kano", "KanoResult"]

#: category code -> (Chinese, English), from :data:`servqual._KANO_NAMES`
KANO_CATEGORIES = {code: (t.zh, t.en) for code, t in _KANO_NAMES.items()}

#: The Kano evaluation table: rows = functional answer, columns = dysfunctional answer
#: (answers in the order like, must_be, neutral, live_with, dislike; Berger et al. 1993, Table 1).
KANO_TABLE = pd.DataFrame(
    [
        ["Q", "A", "A", "A", "O"],
        ["R", "I", "I", "I", "M"],
        ["R", "I", "I", "I", "M"],
        ["R", "I", "I", "I", "M"],
        ["R", "R", "R", "R", "Q"],
    ],
    index=pd.Index(list(KANO_ANSWERS), name="functional"),
    columns=pd.Index(list(KANO_ANSWERS), name="dysfunctional"),
)

# Berger et al. (1993) evaluation rule for close calls: M > O > A > I
_PRIORITY = {"M": 0, "O": 1, "A": 2, "I": 3, "R": 4, "Q": 5}


def kano_category(functional: str, dysfunctional: str) -> str:
    """The Kano category (A, O, M, I, R, Q) of one answer pair, answers named as in :data:`KANO_ANSWERS`.

    Examples
    --------
    >>> kano_category("like", "dislike"), kano_category("neutral", "dislike")
    ('O', 'M')
    """
    try:
        return KANO_TABLE.loc[functional, dysfunctional]
    except KeyError:
        raise AnalysisError(
            f"unknown Kano answer pair ({functional!r}, {dysfunctional!r}); answers are {', '.join(KANO_ANSWERS)}"
        ) from None


@dataclass(frozen=True, repr=False, eq=False)
class KanoResult(ResultMixin):
    """What :func:`kano` finds: the category counts, the dominant category and the coefficients of each feature.

    Attributes
    ----------
    table : pandas.DataFrame
        The features, one per row, with codes and both languages' names (columns listed under :func:`kano`).
    categories : pandas.DataFrame
        Respondents x features, the category of each answer pair (NaN where unanswered).
    """

    table: pd.DataFrame
    categories: pd.DataFrame
    title: str = field(default="Kano classification")

    def tables(self) -> dict:
        return {"Kano categories per feature": self.table,
                "Kano evaluation table (functional x dysfunctional)": KANO_TABLE}

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        check_lang(lang)
        t = self.table
        lines = []
        for c, name in _KANO_NAMES.items():
            f = t.loc[t["category"] == c, "feature"].tolist()
            if f:
                lines.append(T(f"{name.zh}（{name.en}）：{join_names(f, 'zh', len(f))}。", f"{name.en} ({name.zh}): {', '.join(f)}."))
        q = t.loc[~t["share_Q"].map(THRESHOLDS["kano_questionable"].met) & t["share_Q"].notna(), "feature"].tolist()
        if q:
            lines.append(T(f"可疑回答超过 10% 的功能：{join_names(q, 'zh', len(q))}；请检查这些题对的措辞。",
                           f"More than 10% questionable answers for {', '.join(q)}: check the wording of these pairs."))
        ns = t.loc[~t["significant"], "feature"].tolist()
        if ns:
            lines.append(T(
                f"以下功能最常见的两个类别差异不显著（Fong 1996），应视为混合类别：{join_names(ns, 'zh', len(ns))}。",
                "The two most frequent categories do not differ significantly (Fong 1996) for "
                + ", ".join(ns) + "; read these features as mixed.",
            ))
        lines.append(T("Better = (A+O)/(A+O+M+I)；Worse = -(O+M)/(A+O+M+I)（Berger et al. 1993）。",
                       "Better = (A+O)/(A+O+M+I); worse = -(O+M)/(A+O+M+I) (Berger et al. 1993)."))
        return [x.get(lang) for x in lines]


def kano(data, instrument: Instrument, *, features=None, lang: str | None = None) -> KanoResult:
    """Classify every Kano feature and compute its category shares and better / worse coefficients.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        One row per respondent with each feature's functional and dysfunctional answer.
    instrument : Instrument
        A questionnaire with a ``kano`` section (features and the answer codes used in the data).
    features : list of str, optional
        Feature ids to classify (default: all).
    lang : {"zh", "en"}, optional
        Deprecated (warns ``FutureWarning``): the language of the ``text`` and ``category_label``
        columns, Chinese when not given. The table carries both languages; choose the language of the
        notes in ``result.summary(lang=...)``.

    Returns
    -------
    KanoResult
        ``result.table`` has one row per feature: ``feature, text_zh, text_en`` (the wording),
        ``n`` (respondents with both answers), ``A, O, M, I, R, Q`` (counts), ``share_A ... share_Q``
        (shares of n), ``category`` (the code of the most frequent category; ties joined with "/" in the
        order M, O, A, I, R, Q), ``category_zh, category_en`` (its name), ``category_berger`` (the tie broken by Berger et al.'s rule M > O > A > I), ``significant``
        (Fong's 1996 test: ``|a - b| >= 1.65 * sqrt((a + b)(2n - a - b) / (2n))`` for the two most
        frequent counts a, b), ``better`` = (A + O) / (A + O + M + I) and ``worse`` =
        -(O + M) / (A + O + M + I) (NaN when A + O + M + I = 0). ``text`` and ``category_label`` repeat
        the wording and the name in Chinese (or in the language of the deprecated ``lang``), for code
        written against earlier versions.

    Raises
    ------
    AnalysisError
        The questionnaire has no Kano features; a feature's columns are missing from the data; an
        answer that is none of the five codes (the message names the feature, the column and the codes).

    Notes
    -----
    Evaluation table (rows functional, columns dysfunctional; like, must-be, neutral, live-with,
    dislike), Kano et al. (1984), Berger et al. (1993)::

                   like  must-be  neutral  live-with  dislike
        like        Q      A        A        A          O
        must-be     R      I        I        I          M
        neutral     R      I        I        I          M
        live-with   R      I        I        I          M
        dislike     R      R        R        R          Q

    A respondent who answered only one of the two questions is not counted for that feature.

    Examples
    --------
    >>> import servqual as sq
    >>> res = kano(sq.read_dataset("kiosk_kano").data, sq.load_instrument("kiosk_kano"))
    >>> res.table[["feature", "n", "category", "category_en", "better", "worse"]].head(3).round(3)
      feature    n category category_en  better  worse
    0     k01  ...        M     Must-be   0.461 -0.689
    1     k02  ...        M     Must-be   0.373 -0.891
    2     k03  ...        M     Must-be   0.478 -0.637
    >>> res.notes()[-1]
    'Better = (A+O)/(A+O+M+I); worse = -(O+M)/(A+O+M+I) (Berger et al. 1993).'
    """
    if lang is None:
        lang = "zh"
    else:
        warnings.warn("kano(lang=) is deprecated: the table carries both languages (text_zh / text_en, category_zh / "
                      "category_en); choose the language of the notes in summary(lang=).", FutureWarning, stacklevel=2)
        check_lang(lang)
    df = as_frame(data)
    inst = as_instrument(instrument)
    if not inst.kano_features:
        raise AnalysisError(f"questionnaire {inst.id!r} has no Kano features; add a 'kano' section with features")
    feats = list(inst.kano_features)
    if features is not None:
        ids = [f.id for f in feats]
        unknown = [f for f in features if f not in ids]
        if unknown:
            raise AnalysisError(f"unknown Kano feature(s) {', '.join(unknown)}; features: {', '.join(ids)}")
        feats = [f for f in feats if f.id in set(features)]
    missing = [c for f in feats for c in (f.functional, f.dysfunctional) if c not in df.columns]
    if missing:
        raise AnalysisError(
            f"Kano columns not in the data: {', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}. "
            "Check that the data file belongs to this questionnaire."
        )
    code_to_answer = {}
    for a, code in inst.kano_answers:
        code_to_answer[str(code)] = a
        if isinstance(code, (int, float)) and not isinstance(code, bool):
            code_to_answer[str(float(code))] = a

    def decode(col: str, fid: str) -> pd.Series:
        s = df[col]
        ok = s.notna()
        keys = s[ok].map(lambda v: str(float(v)) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else str(v).strip())
        ans = keys.map(code_to_answer)
        bad = sorted(set(s[ok][ans.isna()].astype(str)))
        if bad:
            raise AnalysisError(
                f"Kano feature {fid}: column {col!r} has answer(s) {', '.join(map(repr, bad[:5]))} that are not Kano codes "
                f"({', '.join(f'{a}={c!r}' for a, c in inst.kano_answers)}). Fix the data or the 'kano: answers' mapping."
            )
        out = pd.Series(np.nan, index=df.index, dtype=object)
        out[ok] = ans
        return out

    cats = {}
    rows = []
    for f in feats:
        fa, da = decode(f.functional, f.id), decode(f.dysfunctional, f.id)
        both = fa.notna() & da.notna()
        cat = pd.Series(np.nan, index=df.index, dtype=object)
        cat[both] = [KANO_TABLE.at[a, b] for a, b in zip(fa[both], da[both])]
        cats[f.id] = cat
        counts = {c: int((cat == c).sum()) for c in KANO_CATEGORIES}
        n = int(both.sum())
        row = {"feature": f.id, "text": f.text.get(lang, f.id), "text_zh": f.text.get("zh", f.id),
               "text_en": f.text.get("en", f.id), "n": n, **counts}
        for c in KANO_CATEGORIES:
            row[f"share_{c}"] = counts[c] / n if n else np.nan
        if n:
            top = max(counts.values())
            tied = sorted([c for c in KANO_CATEGORIES if counts[c] == top], key=_PRIORITY.get)
            row["category"] = "/".join(tied)
            row["category_berger"] = tied[0]
            srt = sorted(counts.values(), reverse=True)
            a, b = srt[0], srt[1]
            qf = 1.65 * np.sqrt((a + b) * (2 * n - a - b) / (2 * n))
            row["significant"] = bool(abs(a - b) >= qf) if a + b > 0 else False
        else:
            row["category"] = row["category_berger"] = ""
            row["significant"] = False
        for lg in ("zh", "en"):
            row[f"category_{lg}"] = "/".join(label("kano", c, lg) for c in row["category"].split("/") if c)
        row["category_label"] = row[f"category_{lang}"]
        base = counts["A"] + counts["O"] + counts["M"] + counts["I"]
        row["better"] = (counts["A"] + counts["O"]) / base if base else np.nan
        row["worse"] = -(counts["O"] + counts["M"]) / base if base else np.nan
        rows.append(row)
    cols = (["feature", "text", "text_zh", "text_en", "n"] + list(KANO_CATEGORIES) + [f"share_{c}" for c in KANO_CATEGORIES]
            + ["category", "category_label", "category_zh", "category_en", "category_berger", "significant", "better", "worse"])
    table = pd.DataFrame(rows)[cols]
    return KanoResult(table=table, categories=pd.DataFrame(cats))
