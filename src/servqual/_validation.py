"""Checks of the arguments every analysis shares: the data, the missing-data policy, the confidence
level and the random seed.

One vocabulary for missing data (``nan_policy``), used by every analysis that accepts one:

``"listwise"``
    drop every row with a missing value in any of the analysed columns (the default everywhere);
``"pairwise"``
    each correlation or covariance from the rows complete on that pair (as R ``use = "pairwise"``);
``"available"``
    each column's statistics from its own non-missing values (IPA, gap and index means per item);
``"raise"``
    refuse data with a missing value.

An analysis accepts the subset of these that is meaningful for it and says which in its docstring;
:func:`check_nan_policy` gives the same message for every refusal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from servqual.exceptions import AnalysisError

__all__ = ["NAN_POLICIES", "DEFAULT_SEED", "as_frame", "check_nan_policy", "check_confidence", "rng"]

#: Every missing-data policy servqual knows, with its meaning.
NAN_POLICIES = {
    "listwise": "drop every row with a missing value in an analysed column",
    "pairwise": "each pair of columns from the rows complete on both",
    "available": "each column from its own non-missing values",
    "raise": "refuse data with a missing value",
}

#: The seed of every bootstrap, random split and simulation when none is given, so that a result is
#: reproduced by running the same call again. Pass ``seed=None`` explicitly for fresh randomness.
DEFAULT_SEED = 42


def as_frame(data) -> pd.DataFrame:
    """The scored DataFrame of ``data``: a DataFrame as it is, or the ``.data`` of servqual Responses.

    >>> as_frame(pd.DataFrame({"q1": [1, 2]})).shape
    (2, 1)
    """
    if isinstance(data, pd.DataFrame):
        return data
    inner = getattr(data, "data", None)
    if isinstance(inner, pd.DataFrame):
        return inner
    raise TypeError(f"data must be a pandas DataFrame or servqual Responses, got {type(data).__name__}")


def check_nan_policy(policy, allowed=("listwise", "pairwise"), what: str = "this analysis") -> str:
    """Return ``policy`` when ``what`` accepts it; a clear :class:`AnalysisError` otherwise.

    >>> check_nan_policy("pairwise")
    'pairwise'
    >>> check_nan_policy("omit")
    Traceback (most recent call last):
    ...
    servqual.exceptions.AnalysisError: nan_policy must be 'listwise' or 'pairwise' for this analysis, got 'omit' (servqual's ...
    """
    if policy not in allowed:
        opts = " or ".join(repr(a) for a in allowed)
        known = "" if policy in NAN_POLICIES else f" (servqual's policies: {', '.join(NAN_POLICIES)})"
        raise AnalysisError(f"nan_policy must be {opts} for {what}, got {policy!r}{known}.")
    return policy


def check_confidence(level, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1 (e.g. 0.95), as a float.

    >>> check_confidence(0.9)
    0.9
    """
    if isinstance(level, bool) or not (isinstance(level, (int, float, np.floating)) and 0 < level < 1):
        raise ValueError(f"{name} must be a confidence level between 0 and 1 (e.g. 0.95), got {level!r}")
    return float(level)


def rng(seed) -> np.random.Generator:
    """The random generator of ``seed`` (an int, a Generator, or None for fresh entropy)."""
    return np.random.default_rng(seed)
