"""Confirmatory factor analysis: one entry point for every estimator lavaan 0.6.14 offers for a CFA.

:func:`cfa` chooses the estimator module from its arguments, as ``lavaan::cfa`` does:

==============================================  =====================================================
arguments                                       module and result
==============================================  =====================================================
``estimator="ML"`` (default)                    :mod:`~servqual.psychometrics.cfa_ml` → ``CFAResult``
``estimator="MLM" | "MLMV" | "MLR"``            :mod:`~servqual.psychometrics.cfa_robust` → ``RobustCFAResult``
``ordered=...`` or ``"WLSMV" | "DWLS" | "ULSMV"``  :mod:`~servqual.psychometrics.cfa_ordinal` → ``OrdinalCFAResult``
``missing="fiml"`` (lavaan ``missing = "ml"``)   :mod:`~servqual.psychometrics.fiml` → ``FIMLResult``
``group=...`` with ``group_equal=...``          :mod:`~servqual.psychometrics.invariance` → ``MultiGroupFit``
==============================================  =====================================================

Every result has ``fit_measures()`` (a Series with lavaan's ``fitMeasures`` names where the estimator
has them) and a parameter table; the ML result keeps its own column names (``chi2``, ``pval``), which
earlier versions defined and ``results.json`` carries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scipy import stats

from servqual._text import T
from servqual._validation import as_frame
from servqual.exceptions import AnalysisError
from servqual.psychometrics.cfa_ml import CFAResult, cfa_ml, parse_model
from servqual.psychometrics.cfa_ordinal import ORDINAL_ESTIMATORS, cfa_ordinal
from servqual.psychometrics.cfa_robust import ROBUST_ESTIMATORS, cfa_robust
from servqual.psychometrics.fiml import cfa_fiml
from servqual.psychometrics.invariance import LEVELS, multigroup_cfa
from servqual.thresholds import THRESHOLDS

__all__ = ["cfa", "CFAResult", "parse_model", "ESTIMATORS", "ordinal_items", "choose_estimator"]

#: Every estimator name :func:`cfa` accepts.
ESTIMATORS = ("ML", *ROBUST_ESTIMATORS, *ORDINAL_ESTIMATORS)

#: Items with at most this many distinct integer values are ordinal under ``ordered="auto"``.
MAX_ORDINAL_CATEGORIES = 10


def ordinal_items(data, items) -> list:
    """The items that ``ordered="auto"`` treats as ordinal: integer-coded with at most 10 distinct values.

    Examples
    --------
    >>> import servqual as sq
    >>> ordinal_items(sq.read_dataset("holzinger").data, ["x1", "x2"])
    []
    >>> ordinal_items(sq.read_dataset("kiosk").data, ["sq01_per", "sq02_per"])
    ['sq01_per', 'sq02_per']
    """
    df = as_frame(data)
    out = []
    for c in items:
        v = pd.to_numeric(df[c], errors="coerce").dropna().to_numpy(float)
        if v.size and np.all(v == np.round(v)) and np.unique(v).size <= MAX_ORDINAL_CATEGORIES:
            out.append(c)
    return out


def choose_estimator(data, items) -> tuple:
    """The estimator ``estimator="auto"`` chooses for ``items``, and why: ``(name, Text)``.

    Items with fewer than 5 answer categories are ordinal: WLSMV on polychoric correlations
    (Rhemtulla, Brosseau-Liard & Savalei 2012). With 5 or more, ML treats them as continuous; MLR
    (robust standard errors and the Yuan-Bentler scaled test) when an item is severely non-normal,
    |skewness| > 2 or |excess kurtosis| > 7 (Curran, West & Finch 1996).

    Examples
    --------
    >>> import servqual as sq
    >>> est, why = choose_estimator(sq.read_dataset("holzinger").data, ["x1", "x2", "x3"])
    >>> est, why.en
    ('ML', 'ML: every item has 5 or more answer categories (Rhemtulla, Brosseau-Liard & Savalei 2012) and none is severely non-normal (|skewness| <= 2, |excess kurtosis| <= 7; Curran, West & Finch 1996).')
    """
    df = as_frame(data)
    t_cat, t_sk, t_ku = THRESHOLDS["ordinal_categories"], THRESHOLDS["skew_severe"], THRESHOLDS["kurtosis_severe"]
    few, skewed = [], []
    for c in items:
        v = pd.to_numeric(df[c], errors="coerce").dropna().to_numpy(float)
        if v.size == 0:
            raise AnalysisError(f"item {c} has no answer")
        integer = bool(np.all(v == np.round(v)))
        if integer and np.unique(v).size < t_cat.value:
            few.append(f"{c} ({np.unique(v).size})")
        if v.size > 2 and np.std(v) > 0:
            sk, ku = float(stats.skew(v)), float(stats.kurtosis(v))
            if abs(sk) > t_sk.value or abs(ku) > t_ku.value:
                skewed.append(f"{c} (skewness {sk:.2f}, kurtosis {ku:.2f})")
    cat = f"{t_cat.citation}"
    if few:
        return "WLSMV", T(f"WLSMV：题项答案类别少于 {int(t_cat.value)} 个，按有序变量处理（{', '.join(few)}；{cat}）。",
                          f"WLSMV: items with fewer than {int(t_cat.value)} answer categories are treated as ordinal "
                          f"({', '.join(few)}; {cat}).")
    if skewed:
        return "MLR", T(f"MLR：每个题项至少 {int(t_cat.value)} 个答案类别，但有题项严重偏离正态（{', '.join(skewed)}；"
                        f"|偏度| > {t_sk.value:g} 或 |超额峰度| > {t_ku.value:g}，{t_sk.citation}），采用稳健标准误与 Yuan-Bentler 校正检验。",
                        f"MLR: every item has {int(t_cat.value)} or more answer categories, but some are severely "
                        f"non-normal ({', '.join(skewed)}; |skewness| > {t_sk.value:g} or |excess kurtosis| > "
                        f"{t_ku.value:g}, {t_sk.citation}): robust standard errors and the Yuan-Bentler scaled test.")
    return "ML", T(f"ML：每个题项至少 {int(t_cat.value)} 个答案类别（{cat}），且无严重偏离正态（|偏度| <= {t_sk.value:g}，"
                   f"|超额峰度| <= {t_ku.value:g}；{t_sk.citation}）。",
                   f"ML: every item has {int(t_cat.value)} or more answer categories ({cat}) and none is severely "
                   f"non-normal (|skewness| <= {t_sk.value:g}, |excess kurtosis| <= {t_ku.value:g}; {t_sk.citation}).")


def _level(group_equal) -> str:
    eq = tuple(sorted(set(group_equal)))
    for name, fam in LEVELS.items():
        if eq == tuple(sorted(fam)):
            return name
    raise AnalysisError(f"group_equal={tuple(group_equal)!r} is not one of the nested invariance levels: "
                        + "; ".join(f"{k}: {list(v)}" for k, v in LEVELS.items()))


def cfa(data, model=None, items=None, estimator: str = "ML", nan_policy: str = "listwise", max_iter: int = 500,
        tol: float = 1e-9, *, missing: str = "listwise", ordered=None, group: str | None = None,
        group_equal=(), group_partial=()):
    """Confirmatory factor analysis as ``lavaan::cfa``: ML, robust ML, ordinal (WLSMV), FIML or multi-group.

    Parameters
    ----------
    data : DataFrame or Responses
    model : dict or str
        ``{factor: [items]}`` or lavaan ``=~`` syntax; the first item of each factor is its marker.
    items : list, optional
        ML only: columns to use when ``model`` is None (one factor).
    estimator : {"ML", "MLR", "MLM", "MLMV", "WLSMV", "DWLS", "ULSMV", "auto"}
        As lavaan defines each; with ``ordered`` the default becomes ``"WLSMV"``, as in lavaan. ``"auto"``
        chooses with :func:`choose_estimator` (WLSMV below 5 answer categories, MLR for severely
        non-normal items, ML otherwise) and records why in the result's ``estimator_choice`` (a
        bilingual text).
    nan_policy : {"listwise", "pairwise"}
        ML only: missing-data handling of the sample covariances (``missing="fiml"`` uses every row).
    max_iter, tol : int, float
        Optimiser limits (ML).
    missing : {"listwise", "fiml"}
        ``"fiml"`` (lavaan's ``missing = "ml"``; ``"ml"`` is accepted too) fits the model to every row with
        at least one answer.
    ordered : None, "auto" or list of str
        Items to treat as ordinal (thresholds and polychoric correlations); ``"auto"``: every model item
        that is integer-coded with at most 10 values. Every model item must be ordinal (mixing ordinal and
        continuous items is not supported).
    group : str, optional
        Grouping column of a multi-group CFA (ML).
    group_equal : sequence of str
        Parameter families held equal across groups: ``()`` configural, ``("loadings",)`` metric,
        ``("loadings", "intercepts")`` scalar, ``("loadings", "intercepts", "residuals")`` strict.
    group_partial : sequence of str
        Parameters freed from ``group_equal`` (partial invariance); not supported yet, a clear error.

    Returns
    -------
    CFAResult, RobustCFAResult, OrdinalCFAResult, FIMLResult or MultiGroupFit
        See the table in the module docstring.

    Raises
    ------
    AnalysisError
        For an unknown estimator, an unsupported combination (FIML with a robust or ordinal estimator,
        partly ordinal models, partial invariance) or data the estimator cannot use.

    Examples
    --------
    >>> import servqual as sq
    >>> hs = sq.read_dataset("holzinger").data
    >>> model = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9"
    >>> round(float(cfa(hs, model).fit_measures()["chi2"]), 3)      # lavaan::cfa(HS.model, HolzingerSwineford1939)
    85.306
    >>> round(float(cfa(hs, model, estimator="MLR").fit_measures()["chisq.scaled"]), 3)  # estimator = "MLR"
    87.132
    >>> fit = cfa(hs, model, group="school", group_equal=("loadings",))  # group = "school", group.equal = "loadings"
    >>> fit.level, int(fit.fit_measures()["df"])
    ('metric', 54)
    """
    est = str(estimator).upper()
    if est == "AUTO":
        spec_ = parse_model(model) if model is not None else {"F1": list(items or [])}
        chosen, why = choose_estimator(data, [i for f in spec_ for i in spec_[f]])
        if chosen != "ML" and (str(missing).lower() in ("fiml", "ml") or group is not None):
            chosen = "ML"
            why = T(why.zh + "但 FIML 与多组分析目前只支持 ML，故采用 ML。",
                    why.en + " FIML and multi-group models support ML only, so ML is used.")
        res = cfa(data, model, items, chosen, nan_policy, max_iter, tol, missing=missing,
                  ordered="auto" if chosen == "WLSMV" else ordered, group=group, group_equal=group_equal,
                  group_partial=group_partial)
        object.__setattr__(res, "estimator_choice", why)  # why this estimator (zh / en)
        return res
    if est not in ESTIMATORS:
        raise AnalysisError(f"estimator must be one of {', '.join(ESTIMATORS)}, got {estimator!r}")
    miss = str(missing).lower()
    if miss not in ("listwise", "fiml", "ml"):
        raise AnalysisError(f"missing must be 'listwise' or 'fiml' (lavaan's 'ml'), got {missing!r}")
    if group_partial:
        raise AnalysisError("partial invariance (group_partial) is not supported yet; fit the nested levels "
                            "with group_equal and compare them (servqual.psychometrics.invariance)")
    spec = parse_model(model) if model is not None else None
    if ordered is not None or est in ORDINAL_ESTIMATORS:
        if spec is None:
            raise AnalysisError("an ordinal CFA needs a model {factor: [items]}")
        model_items = [i for f in spec for i in spec[f]]
        ordinal = ordinal_items(data, model_items) if ordered in (None, "auto", True) else list(ordered)
        continuous = [i for i in model_items if i not in ordinal]
        if continuous:
            raise AnalysisError(f"every model item must be ordinal for DWLS/WLSMV/ULSMV; not ordinal: "
                                f"{', '.join(continuous)} (mixing ordinal and continuous items is not supported)")
        if miss != "listwise" or group is not None:
            raise AnalysisError("ordinal CFA supports listwise deletion and a single group only")
        return cfa_ordinal(data, spec, estimator="WLSMV" if est == "ML" else est)
    if group is not None:
        if est != "ML" or miss != "listwise":
            raise AnalysisError("multi-group CFA supports estimator='ML' with listwise deletion")
        return multigroup_cfa(data, spec, group, _level(group_equal))
    if group_equal:
        raise AnalysisError("group_equal needs group=<column>")
    if miss in ("fiml", "ml"):
        if est != "ML":
            raise AnalysisError(f"missing='fiml' is available with estimator='ML'; {est} with FIML is not supported yet")
        return cfa_fiml(data, spec, max_iter=max_iter * 4)
    if est in ROBUST_ESTIMATORS:
        return cfa_robust(data, spec, estimator=est)
    return cfa_ml(data, model, items=items, nan_policy=nan_policy, max_iter=max_iter, tol=tol)
