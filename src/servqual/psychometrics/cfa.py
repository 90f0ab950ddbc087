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

from servqual._validation import as_frame
from servqual.exceptions import AnalysisError
from servqual.psychometrics.cfa_ml import CFAResult, cfa_ml, parse_model
from servqual.psychometrics.cfa_ordinal import ORDINAL_ESTIMATORS, cfa_ordinal
from servqual.psychometrics.cfa_robust import ROBUST_ESTIMATORS, cfa_robust
from servqual.psychometrics.fiml import cfa_fiml
from servqual.psychometrics.invariance import LEVELS, multigroup_cfa

__all__ = ["cfa", "CFAResult", "parse_model", "ESTIMATORS", "ordinal_items"]

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
    estimator : {"ML", "MLR", "MLM", "MLMV", "WLSMV", "DWLS", "ULSMV"}
        As lavaan defines each; with ``ordered`` the default becomes ``"WLSMV"``, as in lavaan.
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
