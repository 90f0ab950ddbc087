"""The decision matrix shared by objective weights and evaluation: its checks and the indicators' directions.

Objective weights (:mod:`servqual.decision.weights`) and comprehensive evaluation
(:mod:`servqual.decision.evaluate`) start from the same alternatives x indicators matrix:
:func:`decision_matrix` checks it (numbers, missing rows, infinite values) and :func:`direction_signs`
turns ``directions`` (benefit / cost indicators) into one sign per column.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from servqual._validation import as_frame
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.stats import prepare_items

__all__ = ["BENEFIT", "COST", "direction_signs", "decision_matrix"]

#: words (and signs) that mark a benefit indicator (higher is better)
BENEFIT = {"higher_is_better", "benefit", "max", "maximize", "maximise", "positive", "+", "1", "+1", "正向", "效益型"}
#: words (and signs) that mark a cost indicator (lower is better)
COST = {"lower_is_better", "cost", "min", "minimize", "minimise", "negative", "-", "-1", "负向", "成本型"}


def direction_signs(directions, columns) -> np.ndarray:
    """+1 (benefit) / -1 (cost) per column from a dict, Series or sequence of directions.

    Parameters
    ----------
    directions : dict, Series, sequence or None
        ``{column: "higher_is_better" | "lower_is_better"}`` (or any word of :data:`BENEFIT` /
        :data:`COST`, or +1 / -1), or one direction per column in order. Columns not named are
        benefit indicators; ``None`` makes every column one.
    columns : sequence
        The columns of the decision matrix.

    Returns
    -------
    numpy.ndarray
        One sign per column.

    Raises
    ------
    AnalysisError
        For a direction that names no column, a sequence of the wrong length or an unknown word.

    Examples
    --------
    >>> from servqual.decision.matrix import direction_signs
    >>> direction_signs({"complaints": "cost"}, ["resolved_pct", "complaints"])
    array([ 1., -1.])
    """
    cols = list(columns)
    out = np.ones(len(cols))
    if directions is None:
        return out
    if isinstance(directions, (Mapping, pd.Series)):
        items = dict(directions).items()
        unknown = [k for k, _ in items if k not in cols]
        if unknown:
            raise AnalysisError(f"directions name column(s) not in the data: {', '.join(map(str, unknown))}")
        pairs = [(cols.index(k), v) for k, v in items]
    else:
        seq = list(directions)
        if len(seq) != len(cols):
            raise AnalysisError(f"{len(seq)} directions for {len(cols)} columns; pass a dict {{column: direction}}")
        pairs = list(enumerate(seq))
    for i, v in pairs:
        s = str(v).strip().lower() if not isinstance(v, (int, float, np.integer, np.floating)) else str(int(np.sign(v)))
        if s in BENEFIT:
            out[i] = 1.0
        elif s in COST:
            out[i] = -1.0
        else:
            raise AnalysisError(f"direction {v!r} of column {cols[i]!r}: use 'higher_is_better' / 'lower_is_better' "
                                "('benefit' / 'cost', +1 / -1)")
    return out


def decision_matrix(data, items=None, nan_policy: str = "listwise", min_rows: int = 2) -> pd.DataFrame:
    """The numeric alternatives x indicators matrix of an objective weighting or an evaluation.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        Alternatives (or respondents) x indicators.
    items : list of str, optional
        Columns to use (default: every column).
    nan_policy : {"listwise", "raise"}
        Drop rows with a missing value (with a ServqualWarning) or raise.
    min_rows : int
        Fewest complete rows accepted.

    Returns
    -------
    pandas.DataFrame
        The complete rows of the chosen columns, as numbers.

    Raises
    ------
    AnalysisError
        For missing values under ``nan_policy="raise"``, too few complete rows or infinite values.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.matrix import decision_matrix
    >>> kiosk = sq.read_dataset("kiosk")
    >>> decision_matrix(kiosk, ["ipa01_sat", "ipa02_sat"]).shape  # 4 of 211 rows have a missing value
    (207, 2)
    """
    if not isinstance(data, np.ndarray):
        data = as_frame(data)
    x = prepare_items(data, items)
    if nan_policy not in ("listwise", "raise"):
        raise ValueError(f"nan_policy must be 'listwise' or 'raise', got {nan_policy!r}")
    bad = x.isna().any(axis=1)
    if bad.any():
        if nan_policy == "raise":
            cols = [c for c in x.columns if x[c].isna().any()]
            raise AnalysisError(f"missing values in {', '.join(map(str, cols))}; fill them or use nan_policy='listwise'")
        warnings.warn(f"{int(bad.sum())} row(s) with missing values dropped (listwise)", ServqualWarning, stacklevel=3)
        x = x[~bad]
    if len(x) < min_rows:
        raise AnalysisError(f"only {len(x)} complete row(s); at least {min_rows} are needed")
    if np.isinf(x.to_numpy()).any():
        raise AnalysisError("the data contain infinite values")
    return x
