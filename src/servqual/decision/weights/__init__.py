"""Indicator weights: AHP (subjective), objective and derived weights, and their combination.

An evaluation system for service quality is a hierarchy (goal -> criteria -> indicators). Its weights
come from experts (the analytic hierarchy process, AHP: pairwise comparisons on Saaty's 1-9 scale) or
from data (entropy, CRITIC, coefficient of variation, standard deviation, principal components,
importance derived from how strongly each attribute goes with overall satisfaction), and are often
combined. Every variant that differs between textbooks and software (SPSSAU, yaahp) is named, and
each function says which one is the default and why. One file per family:

:mod:`~servqual.decision.weights.ahp`
    One pairwise matrix: :func:`ahp`, :func:`ahp_inconsistency`, :func:`pairwise_matrix`,
    :func:`read_pairwise_matrix`, :func:`as_pairwise_matrix` and the random-index tables :data:`RI_TABLES`.
:mod:`~servqual.decision.weights.group`, :mod:`~servqual.decision.weights.hierarchy`, :mod:`~servqual.decision.weights.fuzzy`
    Several experts (:func:`ahp_group`), a goal -> criteria -> indicators hierarchy (:func:`ahp_hierarchy`)
    and triangular fuzzy judgements (:func:`fuzzy_ahp`).
:mod:`~servqual.decision.weights.form`
    The expert questionnaire :func:`ahp_form` / :func:`write_ahp_form` / :func:`read_ahp_form`.
:mod:`~servqual.decision.weights.objective`
    From a data matrix (alternatives x indicators, or respondents x items): :func:`entropy_weights`,
    :func:`critic_weights`, :func:`cv_weights`, :func:`sd_weights`, :func:`pca_weights` (weights
    alone, a Series) and their ``*_result`` functions (a :class:`WeightsResult` with the intermediate
    table).
:mod:`~servqual.decision.weights.registry`
    :data:`REGISTRY` of the objective methods, :data:`OBJECTIVE_METHODS` (their names) and
    :func:`objective_weights`, which dispatches through it. Adding a method is one function in the
    family file and one line there.
:mod:`~servqual.decision.weights.derived`
    Against an overall-satisfaction item: :func:`regression_weights`, :func:`relative_weights`,
    :func:`shapley_weights`, :func:`derived_importance`, which dispatches through :data:`DERIVED_METHODS`.
:mod:`~servqual.decision.weights.combine`
    :func:`combine_weights` (multiplicative, linear, game theory).

``directions`` marks cost indicators (lower is better, e.g. response hours): a dict or Series
``{column: "higher_is_better" | "lower_is_better"}``; ``"benefit"`` / ``"cost"``, ``"max"`` / ``"min"``
and ``+1`` / ``-1`` are accepted too (``Instrument.directions()`` gives the questionnaire's KPIs in
this form). Columns not named are benefit indicators (:func:`servqual.decision.matrix.direction_signs`).
"""

from servqual.decision.weights.ahp import (
    AHP_METHODS, RI_SOURCES, RI_TABLES, SAATY_SCALE, AHPResult, ahp, ahp_inconsistency, as_pairwise_matrix, pairwise_matrix,
    random_index, read_pairwise_matrix,
)
from servqual.decision.weights.fuzzy import FuzzyAHPResult, fuzzy_ahp
from servqual.decision.weights.group import AHPGroupResult, ahp_group
from servqual.decision.weights.hierarchy import AHPHierarchyResult, ahp_hierarchy
from servqual.decision.weights.combine import CombinedWeightsResult, combine_weights
from servqual.decision.weights.derived import (
    DERIVED_METHODS, derived_importance, regression_weights, relative_weights, shapley_weights,
)
from servqual.decision.weights.form import ahp_form, read_ahp_form, write_ahp_form
from servqual.decision.weights.objective import (
    critic_result, critic_weights, cv_result, cv_weights, entropy_result, entropy_weights, equal_result, pca_result,
    pca_weights, sd_result, sd_weights,
)
from servqual.decision.weights.registry import OBJECTIVE_METHODS, REGISTRY, WeightMethod, objective_weights, weight_method
from servqual.decision.weights.result import WeightsResult

__all__ = [
    "RI_TABLES", "RI_SOURCES", "SAATY_SCALE", "AHP_METHODS",
    "AHPResult", "ahp", "ahp_inconsistency", "pairwise_matrix", "read_pairwise_matrix", "as_pairwise_matrix",
    "AHPGroupResult", "ahp_group", "AHPHierarchyResult", "ahp_hierarchy",
    "FuzzyAHPResult", "fuzzy_ahp", "random_index",
    "ahp_form", "write_ahp_form", "read_ahp_form",
    "WeightsResult", "objective_weights", "entropy_weights", "critic_weights", "cv_weights", "sd_weights",
    "pca_weights", "regression_weights", "relative_weights", "shapley_weights", "derived_importance",
    "CombinedWeightsResult", "combine_weights",
    "entropy_result", "critic_result", "cv_result", "sd_result", "pca_result", "equal_result",
    "REGISTRY", "OBJECTIVE_METHODS", "WeightMethod", "weight_method", "DERIVED_METHODS",
]
