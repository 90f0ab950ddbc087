"""servqual: service-quality and customer-satisfaction research in one place."""

from __future__ import annotations

__version__ = "0.1.0"

from .exceptions import (  # noqa: F401
    AnalysisError,
    ConvergenceError,
    DataReadError,
    DataValidationError,
    InstrumentError,
    ServqualError,
    ServqualWarning,
)
from .stats import SufficientStats, sufficient_stats  # noqa: F401
