"""servqual: service-quality and customer-satisfaction research in one place.

Design the questionnaire, check the data, check reliability and validity (numbers equal to R psych,
lavaan and semTools), weigh the indicators, evaluate (SERVQUAL gaps, IPA, Kano, TOPSIS, fuzzy evaluation)
and report.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .datasets import dataset_path, dataset_readme, list_datasets, list_surveys, load_dataset, read_dataset
from .exceptions import (
    AnalysisError,
    ConvergenceError,
    ConvergenceWarning,
    DataReadError,
    DataValidationError,
    HeywoodWarning,
    InstrumentError,
    InstrumentWarning,
    ServqualError,
    ServqualWarning,
)
from .instrument import Instrument, load_instrument
from .io import Responses, read_responses, validate_responses
from .screening import screen
from .stats import SufficientStats, sufficient_stats

__all__ = [
    "__version__",
    # data sets
    "dataset_path", "dataset_readme", "list_datasets", "list_surveys", "load_dataset", "read_dataset",
    # errors
    "AnalysisError", "ConvergenceError", "ConvergenceWarning", "DataReadError", "DataValidationError",
    "HeywoodWarning", "InstrumentError", "InstrumentWarning", "ServqualError", "ServqualWarning",
    # questionnaire, reading, screening
    "Instrument", "load_instrument", "Responses", "read_responses", "validate_responses", "screen",
    "SufficientStats", "sufficient_stats",
]
