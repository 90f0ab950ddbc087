"""The decision floor's shared pieces: the one Johnson (2000) relative-weights function, the registry of
objective weighting methods, the public decision-matrix helpers and the result contract (notes in zh and
en, ``consistency_index`` with its ``ci`` alias, the CR cut-off from ``servqual.thresholds``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual.decision.weights as W
from servqual.decision.evaluate import composite_index, fuzzy_evaluation, grey_relational, rank_stability, topsis
from servqual.decision.matrix import decision_matrix, direction_signs
from servqual.exceptions import AnalysisError, LanguageError
from servqual.labels import METHODS
from servqual.psychometrics.regression import relative_weights
from servqual.service.ipa import ipa
from servqual.thresholds import THRESHOLDS

SAT = [f"ipa{j:02d}_sat" for j in range(1, 25)]
M3 = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
HIER = {"goal": W.pairwise_matrix({("c1", "c2"): 3, ("c1", "c3"): 5, ("c2", "c3"): 2}),
        "criteria": {"c1": W.pairwise_matrix({("a", "b"): 2}), "c2": ["c"], "c3": ["d"]}}
KPIS = pd.DataFrame({"response_hours": [4.0, 8.0, 2.5, 6.0], "resolved_pct": [92.0, 85.0, 97.0, 88.0],
                     "complaints": [12, 20, 5, 15]}, index=["A", "B", "C", "D"])


# --- relative weights ------------------------------------------------------------------------------
def _johnson_svd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson (2000) from the data: Z = U V' is the orthonormal matrix closest to the standardised X."""
    n = len(y)
    xs = (x - x.mean(0)) / x.std(0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    u, _, vt = np.linalg.svd(xs, full_matrices=False)
    z = (u @ vt) * np.sqrt(n - 1)
    beta = np.linalg.lstsq(z, ys, rcond=None)[0]
    lam = np.linalg.lstsq(z, xs, rcond=None)[0]
    return (lam ** 2).T @ (beta ** 2)


def test_relative_weights_give_ipa_numbers_and_the_data_svd(kiosk, inst):
    res = ipa(kiosk, inst, importance="relative_weights")
    x = kiosk[SAT].to_numpy(float)
    y = kiosk[["overall_sat1", "overall_sat2"]].mean(axis=1).to_numpy()
    r = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    eps = relative_weights(r[:-1, :-1], r[:-1, -1])
    assert_allclose(eps, res.table["importance"].to_numpy(), rtol=0, atol=1e-14)
    assert_allclose(eps, _johnson_svd(x, y), atol=1e-10)
    assert_allclose(eps.sum(), res.r2, atol=1e-12)


def test_relative_weights_of_orthogonal_predictors_are_squared_correlations():
    assert_allclose(relative_weights(np.eye(3), [0.3, 0.2, 0.1]), [0.09, 0.04, 0.01], atol=1e-15)


def test_relative_weights_refuse_a_singular_matrix():
    with pytest.raises(AnalysisError, match="singular"):
        relative_weights(np.ones((2, 2)), [0.5, 0.5])


def test_derived_importance_uses_the_one_implementation(kiosk):
    cols = SAT[:5] + ["overall_sat1"]
    res = W.derived_importance(kiosk[cols].dropna(), "overall_sat1")
    r = kiosk[cols].dropna().corr().to_numpy()
    raw = relative_weights(r[:5, :5], r[:5, 5])
    assert_allclose(res.table["raw_weight"], raw, rtol=0, atol=1e-14)  # the correlations differ in the last bits
    assert_allclose(res.weights, raw / raw.sum(), rtol=0, atol=1e-13)


def test_derived_methods_table_and_aliases():
    assert tuple(W.DERIVED_METHODS) == ("relative_weights", "regression", "shapley")
    assert all(code in METHODS for code in W.DERIVED_METHODS)
    d = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2.0], "b": [2, 1, 4, 3, 5, 1.0], "y": [1, 2, 4, 3, 5, 2.0]})
    for alias, code in (("johnson", "relative_weights"), ("LMG", "shapley"), ("dominance", "shapley")):
        res = W.derived_importance(d, "y", method=alias)
        assert res.method == code
        assert_allclose(res.weights, W.derived_importance(d, "y", method=code).weights, rtol=0, atol=0)
    with pytest.raises(AnalysisError, match="choose relative_weights, regression, shapley"):
        W.derived_importance(d, "y", method="magic")


# --- the registry ----------------------------------------------------------------------------------
def test_registry_names_labels_and_functions():
    assert W.OBJECTIVE_METHODS == ("entropy", "critic", "cv", "sd", "pca", "equal")
    assert W.OBJECTIVE_METHODS == tuple(W.REGISTRY)
    for code, m in W.REGISTRY.items():
        assert m.code == code and m.label is METHODS[code]
        assert m.label.get("zh") and m.label.get("en")
    assert W.weight_method("STD").code == "sd" and W.weight_method("coefficient_of_variation").code == "cv"
    with pytest.raises(AnalysisError, match="unknown weighting method 'nope'"):
        W.weight_method("nope")
    with pytest.raises(AnalysisError, match="unknown weighting method"):
        W.objective_weights(KPIS, "nope")


@pytest.mark.parametrize("code", ["entropy", "critic", "cv", "sd", "equal"])
def test_objective_weights_dispatch_through_the_registry(code):
    res = W.objective_weights(KPIS, code, {"response_hours": "cost"})
    direct = W.REGISTRY[code].function(KPIS, {"response_hours": "cost"})
    assert res.method == code
    assert_allclose(res.weights, direct.weights, rtol=0, atol=0)
    series = {"entropy": W.entropy_weights, "critic": W.critic_weights, "sd": W.sd_weights}
    if code in series:
        assert_allclose(res.weights, series[code](KPIS, {"response_hours": "cost"}), rtol=0, atol=0)


def test_equal_weights_and_options_pass_through():
    assert W.objective_weights(KPIS, "equal").weights.tolist() == [1 / 3] * 3
    a = W.objective_weights(KPIS, "entropy", normalize="sum", shift=0.01)
    b = W.entropy_weights(KPIS, normalize="sum", shift=0.01)
    assert_allclose(a.weights, b, rtol=0, atol=0)


def test_pca_through_the_registry_matches_pca_weights(kiosk):
    a = W.objective_weights(kiosk[SAT[:6]].dropna(), "pca")
    assert_allclose(a.weights, W.pca_weights(kiosk[SAT[:6]].dropna()), rtol=0, atol=0)
    with pytest.raises(AnalysisError, match="missing values"):
        W.objective_weights(KPIS.assign(complaints=[1, None, 2, 3]), "pca", nan_policy="raise")


@pytest.mark.filterwarnings("ignore:negative composite coefficient")
def test_evaluate_weight_shortcuts_resolve_through_the_registry():
    for code in W.OBJECTIVE_METHODS:
        res = topsis(KPIS, code, {"response_hours": "cost"})
        alt = topsis(KPIS, W.objective_weights(KPIS, code, {"response_hours": "cost"}).weights, {"response_hours": "cost"})
        assert_allclose(res["closeness"], alt["closeness"], rtol=0, atol=0)
    with pytest.raises(AnalysisError, match="give a Series or one of 'entropy', 'critic'"):
        topsis(KPIS, "nope")


# --- decision matrix -------------------------------------------------------------------------------
def test_public_decision_matrix_helpers():
    assert direction_signs({"complaints": "成本型"}, KPIS.columns).tolist() == [1.0, 1.0, -1.0]
    assert direction_signs([1, -1, "benefit"], KPIS.columns).tolist() == [1.0, -1.0, 1.0]
    with pytest.raises(AnalysisError, match="not in the data"):
        direction_signs({"x": "cost"}, KPIS.columns)
    with pytest.raises(AnalysisError, match="missing values"):
        decision_matrix(KPIS.assign(complaints=[1, None, 2, 3]), nan_policy="raise")
    assert decision_matrix(KPIS).shape == (4, 3)


# --- the result contract -----------------------------------------------------------------------------
def test_consistency_index_and_its_ci_alias():
    res = W.ahp(M3)
    assert res.consistency_index == res.ci
    assert_allclose(res.consistency_index, (res.lambda_max - 3) / 2, atol=1e-15)
    assert res.tables()["Consistency"]["ci"].iloc[0] == res.consistency_index
    h = W.ahp_hierarchy(HIER)
    assert h.consistency_index_total == h.ci_total


def test_cr_cut_off_comes_from_the_thresholds():
    cut = THRESHOLDS["ahp_cr"].value
    assert W.AHPResult.__dataclass_fields__["threshold"].default == cut
    res = W.ahp(M3)
    assert res.threshold == cut and res.consistent == THRESHOLDS["ahp_cr"].met(res.cr)
    assert f"threshold CR < {cut:.2f}, Saaty 1980" in res.notes()[0]


def _results():
    x = KPIS
    w = W.entropy_weights(x)
    grades = pd.DataFrame({"q1": [5, 4, 4, 3, 5], "q2": [4, 4, 3, 3, 2]})
    return [
        W.ahp(M3), W.ahp([[1, 2], [0.5, 1]]),
        W.ahp_group([M3, [[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]]]),
        W.ahp_hierarchy(HIER),
        W.fuzzy_ahp(M3), W.objective_weights(x, "critic"), W.derived_importance(
            pd.DataFrame({"a": [1, 2, 3, 4, 5, 2.0], "b": [2, 1, 4, 3, 5, 1.0], "y": [1, 2, 4, 3, 5, 2.0]}), "y"),
        W.combine_weights({"ahp": pd.Series([0.5, 0.3, 0.2], index=x.columns), "entropy": w}),
        composite_index(x, w, scale={"response_hours": (0, 10), "resolved_pct": (0, 100), "complaints": (0, 30)}),
        fuzzy_evaluation(grades, pd.Series({"q1": 0.6, "q2": 0.4}), {5: "A", 4: "B", 3: "C", 2: "D", 1: "E"}),
        grey_relational(x), rank_stability(x, w, n_random=50),
    ]


def test_every_decision_result_writes_notes_in_zh_and_en():
    for res in _results():
        en, zh = res.notes(lang="en"), res.notes(lang="zh")
        assert en and zh and len(en) == len(zh), type(res).__name__
        assert en == res.notes()
        assert any(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in zh), (type(res).__name__, zh)
        assert str(res.summary(lang="zh")).endswith(zh[-1])
        with pytest.raises(LanguageError):
            res.notes(lang="fr")
