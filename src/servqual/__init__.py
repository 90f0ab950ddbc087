"""servqual: service-quality and customer-satisfaction research in one place.

Design the questionnaire, check the data, check reliability and validity (numbers equal to R psych,
lavaan and semTools), weigh the indicators, evaluate (SERVQUAL gaps, IPA, Kano, TOPSIS, fuzzy evaluation)
and report.
"""

from __future__ import annotations

from ._version import __version__

from .survey.datasets import dataset_path, dataset_readme, list_datasets, list_surveys, load_dataset, read_dataset
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
from .survey.instrument import Instrument, load_instrument
from .survey.io import Responses, read_responses, validate_responses
from .survey.screening import screen
from .psychometrics.stats import SufficientStats, sufficient_stats
from .psychometrics.adequacy import bartlett, eigenvalues, kmo
from .service.compare import compare_groups, compare_waves, dimension_scores, kpi_attainment, nps, satisfaction_index
from .decision.evaluate import composite_index, fuzzy_evaluation, grey_relational, membership_matrix, rank_stability, topsis
from .service.gap import gap_analysis, zone_of_tolerance
from .psychometrics.cfa import cfa
from .psychometrics.construct import construct_validity, fornell_larcker, htmt, htmt_matrix
from .service.ipa import ipa
from .service.kano import kano, kano_category
from .psychometrics.efa import efa, harman_single_factor, parallel_analysis
from .psychometrics.measurement import measurement_report
from .psychometrics.omega import omega, omega_total
from .survey.forms import (
    codebook,
    render_questionnaire,
    response_template,
    write_codebook,
    write_questionnaire,
    write_template,
    write_xlsform,
    xlsform,
)
from .psychometrics.reliability import cronbach_alpha, guttman_lambdas, item_analysis, split_half
from .reporting.report import Report
from .decision.weights import (
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
    # submodules under their former flat names (aliases of servqual.<floor>.<module>)
    "adequacy", "compare", "evaluate", "gap", "plots", "questionnaire", "reliability", "report", "study", "weights",
]


#: Submodules reachable as attributes under their former flat names (``from servqual import plots``);
#: the modules themselves live in the floors (``servqual.reporting.plots``). Loaded on first use, so that
#: ``import servqual`` does not import matplotlib.
_MODULE_ALIASES = {
    "adequacy": "psychometrics.adequacy", "compare": "service.compare", "evaluate": "decision.evaluate",
    "gap": "service.gap", "questionnaire": "survey.forms", "reliability": "psychometrics.reliability",
    "report": "reporting.report", "weights": "decision.weights", "plots": "reporting.plots",
    "study": "reporting.study",
}


def __getattr__(name):
    """Import the plotting and study layers (matplotlib, seaborn) and the aliased submodules on first use."""
    import importlib

    if name in _MODULE_ALIASES:
        return importlib.import_module(f".{_MODULE_ALIASES[name]}", __name__)
    if name in ("run_study", "study_report"):
        return getattr(importlib.import_module(".reporting.study", __name__), name)
    raise AttributeError(f"module 'servqual' has no attribute {name!r}")
