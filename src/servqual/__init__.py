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
from . import adequacy, compare, evaluate, gap, questionnaire, reliability, report, weights  # noqa: E402
from .adequacy import bartlett, eigenvalues, kmo
from .compare import compare_groups, compare_waves, dimension_scores, kpi_attainment, nps, satisfaction_index
from .evaluate import composite_index, fuzzy_evaluation, grey_relational, membership_matrix, rank_stability, topsis
from .gap import gap_analysis, zone_of_tolerance
from .cfa import cfa
from .construct import construct_validity, fornell_larcker, htmt, htmt_matrix
from .ipa import ipa
from .kano import kano, kano_category
from .efa import efa, harman_single_factor, parallel_analysis
from .measurement import measurement_report
from .omega import omega, omega_total
from .questionnaire import (
    codebook,
    render_questionnaire,
    response_template,
    write_codebook,
    write_questionnaire,
    write_template,
    write_xlsform,
    xlsform,
)
from .reliability import cronbach_alpha, guttman_lambdas, item_analysis, split_half
from .report import Report
from .weights import (
    ahp,
    ahp_form,
    ahp_group,
    ahp_hierarchy,
    ahp_inconsistency,
    combine_weights,
    critic_weights,
    cv_weights,
    derived_importance,
    entropy_weights,
    fuzzy_ahp,
    objective_weights,
    pca_weights,
    read_ahp_form,
    read_pairwise_matrix,
    relative_weights,
    sd_weights,
    shapley_weights,
    write_ahp_form,
)

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
    # questionnaire outputs
    "codebook", "render_questionnaire", "response_template", "write_codebook", "write_questionnaire", "write_template",
    "write_xlsform", "xlsform",
    # reliability and validity
    "cronbach_alpha", "guttman_lambdas", "item_analysis", "split_half", "kmo", "bartlett", "eigenvalues",
    "measurement_report", "cfa", "construct_validity", "fornell_larcker", "htmt", "htmt_matrix", "efa", "parallel_analysis", "harman_single_factor", "omega", "omega_total",
    # weights
    "ahp", "ahp_form", "ahp_group", "ahp_hierarchy", "ahp_inconsistency", "combine_weights", "critic_weights",
    "cv_weights", "derived_importance", "entropy_weights", "fuzzy_ahp", "objective_weights", "pca_weights",
    "read_ahp_form", "read_pairwise_matrix", "relative_weights", "sd_weights", "shapley_weights", "write_ahp_form",
    # evaluation
    "composite_index", "fuzzy_evaluation", "grey_relational", "membership_matrix", "rank_stability", "topsis",
    # service-quality analyses
    "gap_analysis", "zone_of_tolerance", "ipa", "kano", "kano_category",
    "compare_groups", "compare_waves", "dimension_scores", "kpi_attainment", "nps", "satisfaction_index",
    # reports
    "Report", "study_report", "run_study",
    # submodules (servqual.efa, .omega, .cfa, .ipa and .kano are importable as modules too:
    # ``from servqual.cfa import CFAResult``; at the top level those names are the functions)
    "adequacy", "compare", "evaluate", "gap", "plots", "questionnaire", "reliability", "report", "study", "weights",
]


def __getattr__(name):
    """Import the plotting and study layers (matplotlib, seaborn) only when they are first used."""
    import importlib

    if name in ("plots", "study"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("run_study", "study_report"):
        return getattr(importlib.import_module(".study", __name__), name)
    raise AttributeError(f"module 'servqual' has no attribute {name!r}")
