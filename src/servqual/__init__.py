"""servqual: service-quality and customer-satisfaction research in one place.

Design the questionnaire, check the data, check reliability and validity (numbers equal to R psych,
lavaan and semTools), weigh the indicators, evaluate (SERVQUAL gaps, IPA, Kano, TOPSIS, fuzzy evaluation)
and report.

The flat API (``sq.cronbach_alpha``, ``sq.cfa``, ``sq.study_report`` ...) is listed below in
:data:`_EXPORTS`, name by name, with the module of the floor that defines it (see
``docs/architecture.md``). A name is imported on first use, so that ``import servqual`` (and
``servqual --version``) stays fast and does not load matplotlib or the report writers.
"""

from __future__ import annotations

import importlib

from servqual._version import __version__

#: Every public name of the flat API -> the module (relative to ``servqual``) that defines it.
_EXPORTS = {
    module: names.split()
    for module, names in {
        # errors and warnings
        "exceptions": "ServqualError InstrumentError DataReadError DataValidationError AnalysisError ConvergenceError "
                      "LanguageError ReportError CLIError InputFileError OutputFileError ServqualWarning InstrumentWarning ConvergenceWarning "
                      "HeywoodWarning",
        # result contract
        "_results": "Summary",
        # survey: data sets, questionnaire, reading, screening, questionnaire outputs
        "survey.datasets": "dataset_path dataset_readme list_datasets list_surveys load_dataset read_dataset",
        "survey.instrument": "Instrument load_instrument",
        "survey.io": "Responses read_responses validate_responses check_responses",
        "survey.screening": "screen ScreeningResult",
        "survey.missing": "missing_report MissingReport",
        "survey.forms": "codebook render_questionnaire response_template write_codebook write_questionnaire "
                        "write_template write_xlsform xlsform",
        # psychometrics: reliability and validity
        "psychometrics.stats": "SufficientStats sufficient_stats",
        "psychometrics.reliability": "cronbach_alpha guttman_lambdas split_half AlphaResult SplitHalfResult",
        "psychometrics.items": "item_analysis",
        "psychometrics.adequacy": "bartlett eigenvalues kmo EigenvaluesResult",
        "psychometrics.efa": "efa harman_single_factor parallel_analysis EFAResult ParallelResult HarmanResult",
        "psychometrics.omega": "omega omega_total OmegaResult",
        "psychometrics.cfa": "cfa CFAResult",
        "psychometrics.cfa_robust": "cfa_robust RobustCFAResult",
        "psychometrics.cfa_ordinal": "cfa_ordinal OrdinalCFAResult",
        "psychometrics.polychoric": "polychoric PolychoricResult",
        "psychometrics.fiml": "cfa_fiml FIMLResult",
        "psychometrics.invariance": "invariance measurement_invariance multigroup_cfa InvarianceResult MultiGroupFit",
        "psychometrics.modindices": "modindices residual_correlations ModIndicesResult",
        "psychometrics.process": "process composite_scores ProcessResult",
        "psychometrics.sem": "sem SEMResult",
        "psychometrics.pls": "pls PLSResult",
        "psychometrics.construct": "construct_validity fornell_larcker htmt htmt_matrix",
        "psychometrics.measurement": "measurement_report MeasurementReport",
        # service-quality analyses
        "service.gap": "gap_analysis zone_of_tolerance GapResult",
        "service.ipa": "ipa overall_drivers outcome_drivers IPAResult OverallDriversResult OutcomeDriversResult",
        "service.kano": "kano kano_category KanoResult",
        "service.compare": "compare_groups compare_waves dimension_scores kpi_attainment nps satisfaction_index "
                           "CompareResult SatisfactionIndexResult",
        # decision: weights and evaluation
        "decision.weights": "ahp ahp_form ahp_group ahp_hierarchy ahp_inconsistency combine_weights critic_weights "
                            "cv_weights derived_importance entropy_weights fuzzy_ahp objective_weights pca_weights "
                            "read_ahp_form read_pairwise_matrix relative_weights sd_weights shapley_weights "
                            "write_ahp_form AHPResult AHPGroupResult AHPHierarchyResult FuzzyAHPResult WeightsResult "
                            "CombinedWeightsResult OBJECTIVE_METHODS DERIVED_METHODS",
        "decision.evaluate": "composite_index fuzzy_evaluation grey_relational membership_matrix rank_stability topsis "
                             "CompositeIndexResult FuzzyEvaluationResult GreyRelationalResult RankStabilityResult",
        # reporting
        "reporting.report": "Report",
        "reporting.study": "study_report run_study",
    }.items()
}

#: Submodules reachable under short names (``from servqual import plots``, ``sq.datasets``); the modules
#: themselves live in the floors (``servqual.reporting.plots``).
_MODULE_ALIASES = {
    "datasets": "survey.datasets", "instrument": "survey.instrument", "io": "survey.io",
    "screening": "survey.screening", "questionnaire": "survey.forms", "forms": "survey.forms",
    "reliability": "psychometrics.reliability", "adequacy": "psychometrics.adequacy",
    "measurement": "psychometrics.measurement", "construct": "psychometrics.construct",
    "gap": "service.gap", "compare": "service.compare",
    "weights": "decision.weights", "evaluate": "decision.evaluate",
    "plots": "reporting.plots", "report": "reporting.report", "study": "reporting.study",
    "thresholds": "thresholds", "labels": "labels",
}

_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = ["__version__", *_WHERE, *_MODULE_ALIASES]


def __getattr__(name):
    """Import a flat name or an aliased submodule on first use."""
    if name in _WHERE:
        value = getattr(importlib.import_module(f"servqual.{_WHERE[name]}"), name)
    elif name in _MODULE_ALIASES:
        value = importlib.import_module(f"servqual.{_MODULE_ALIASES[name]}")
    else:
        raise AttributeError(f"module 'servqual' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
