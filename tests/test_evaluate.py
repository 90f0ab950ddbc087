"""Comprehensive evaluation: TOPSIS against Hwang & Yoon's published example, the other methods against
their formulas evaluated independently, and the properties each must have."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from servqual.decision.evaluate import (
    FUZZY_OPERATORS, composite_index, fuzzy_evaluation, grey_relational, membership_matrix, rank_stability, topsis,
)
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.decision.weights import ahp_hierarchy, critic_weights, entropy_weights, pairwise_matrix

# Hwang & Yoon (1981), Multiple Attribute Decision Making, pp. 128-134: fighter aircraft, weights
# (0.2, 0.1, 0.1, 0.1, 0.2, 0.3), acquisition cost is the cost attribute; printed relative closeness
# C* = 0.643, 0.268, 0.614, 0.312 (A1 > A3 > A4 > A2).
FIGHTER = pd.DataFrame([[2.0, 1500, 20000, 5.5, 5, 9], [2.5, 2700, 18000, 6.5, 3, 5], [1.8, 2000, 21000, 4.5, 7, 7],
                        [2.2, 1800, 20000, 5.0, 5, 5]], index=["A1", "A2", "A3", "A4"],
                       columns=["speed", "range", "payload", "cost", "reliability", "maneuverability"])
W = pd.Series([0.2, 0.1, 0.1, 0.1, 0.2, 0.3], index=FIGHTER.columns)
DIRS = {"cost": "lower_is_better"}


# --------------------------------------------------------------------------------------------------
# TOPSIS
# --------------------------------------------------------------------------------------------------
def test_topsis_matches_hwang_yoon_fighter_example():
    t = topsis(FIGHTER, W, DIRS)
    assert t.columns.tolist() == ["d_plus", "d_minus", "closeness", "rank"]
    assert t.index.tolist() == ["A1", "A2", "A3", "A4"]
    assert_allclose(t["closeness"].to_numpy(), [0.643, 0.268, 0.614, 0.312], atol=6e-4)  # printed to 3 decimals
    assert t["rank"].tolist() == [1, 4, 2, 3]


def test_topsis_equals_its_definition_and_is_scale_invariant():
    a = FIGHTER.to_numpy()
    v = a / np.sqrt((a ** 2).sum(0)) * W.to_numpy()
    best = np.where(np.arange(6) == 3, v.min(0), v.max(0))
    worst = np.where(np.arange(6) == 3, v.max(0), v.min(0))
    dp = np.sqrt(((v - best) ** 2).sum(1))
    dm = np.sqrt(((v - worst) ** 2).sum(1))
    t = topsis(FIGHTER, W, {"cost": -1})
    assert_allclose(t["d_plus"], dp, atol=1e-12)
    assert_allclose(t["d_minus"], dm, atol=1e-12)
    assert_allclose(t["closeness"], dm / (dp + dm), atol=1e-12)
    scaled = FIGHTER.assign(range=FIGHTER["range"] * 1.852, payload=FIGHTER["payload"] * 0.4536)
    assert_allclose(topsis(scaled, W, DIRS)["closeness"], t["closeness"], atol=1e-12)
    mm = topsis(FIGHTER, W, DIRS, normalize="minmax")
    z = (a - a.min(0)) / np.ptp(a, axis=0) * W.to_numpy()
    b = np.where(np.arange(6) == 3, z.min(0), z.max(0))
    wv = np.where(np.arange(6) == 3, z.max(0), z.min(0))
    c = np.sqrt(((z - wv) ** 2).sum(1)) / (np.sqrt(((z - b) ** 2).sum(1)) + np.sqrt(((z - wv) ** 2).sum(1)))
    assert_allclose(mm["closeness"], c, atol=1e-12)


def test_entropy_weighted_topsis_one_liner():
    t = topsis(FIGHTER, "entropy", DIRS)
    assert_allclose(t["closeness"], topsis(FIGHTER, entropy_weights(FIGHTER, DIRS), DIRS)["closeness"], atol=1e-15)
    assert_allclose(topsis(FIGHTER, "critic", DIRS)["closeness"],
                    topsis(FIGHTER, critic_weights(FIGHTER, DIRS), DIRS)["closeness"], atol=1e-15)
    eq = topsis(FIGHTER, "equal")
    assert_allclose(eq["closeness"], topsis(FIGHTER, dict.fromkeys(FIGHTER.columns, 1.0))["closeness"], atol=1e-15)


def test_topsis_errors():
    with pytest.raises(AnalysisError, match="no weights for indicator"):
        topsis(FIGHTER, W.drop("speed"), items=list(FIGHTER.columns))
    with pytest.raises(AnalysisError, match="identical"):
        topsis(pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 2.0]}), "equal")
    with pytest.raises(AnalysisError, match="non-numeric"):
        topsis(FIGHTER.assign(name="x"), "equal")
    with pytest.raises(AnalysisError, match="normalize must be"):
        topsis(FIGHTER, W, normalize="z")


# --------------------------------------------------------------------------------------------------
# Composite index
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def survey():
    rng = np.random.default_rng(11)
    d = pd.DataFrame(rng.integers(1, 6, size=(120, 4)).astype(float), columns=["q1", "q2", "q3", "q4"])
    d["hours"] = rng.uniform(1, 48, 120).round(1)
    d["centre"] = np.repeat(["north", "south", "west"], 40)
    return d


def test_composite_index_formula_groups_and_ci(survey):
    w = pd.Series({"q1": 0.4, "q2": 0.3, "q3": 0.2, "q4": 0.1})
    res = composite_index(survey, w, scale=(1, 5), by="centre")
    expect = ((survey[w.index] - 1) / 4 * w).sum(axis=1) * 100
    assert_allclose(res.scores, expect, atol=1e-12)
    t = res.table
    assert t["segment"].tolist() == ["all", "north", "south", "west"]
    v = expect[survey["centre"] == "south"]
    row = t.iloc[2]
    lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
    assert_allclose([row["n"], row["mean"], row["sd"], row["ci_low"], row["ci_high"]], [40, v.mean(), v.std(ddof=1), lo, hi], atol=1e-10)
    assert "Overall index" in res.summary()


def test_composite_index_cost_indicator_observed_bounds_and_missing(survey):
    w = pd.Series({"q1": 0.5, "hours": 0.5})
    res = composite_index(survey, w, directions={"hours": "lower_is_better"}, scale={"q1": (1, 5), "hours": (0, 48)})
    assert_allclose(res.scores, 50 * (survey["q1"] - 1) / 4 + 50 * (48 - survey["hours"]) / 48, atol=1e-12)
    obs = composite_index(survey, {"q1": 1, "q2": 1})
    q = survey[["q1", "q2"]]
    assert_allclose(obs.scores, 50 * ((q - q.min()) / (q.max() - q.min())).sum(axis=1), atol=1e-12)
    d = survey.copy()
    d.loc[0, "q2"] = np.nan
    lw = composite_index(d, {"q1": 0.5, "q2": 0.5}, scale=(1, 5))
    av = composite_index(d, {"q1": 0.5, "q2": 0.5}, scale=(1, 5), nan_policy="available")
    assert np.isnan(lw.scores[0]) and av.scores[0] == pytest.approx(100 * (d.loc[0, "q1"] - 1) / 4)
    assert lw.table.loc[0, "n"] == 119
    with pytest.warns(ServqualWarning, match="outside the scale"):
        composite_index(survey, {"hours": 1}, scale=(1, 5))
    with pytest.raises(AnalysisError, match="not in the data"):
        composite_index(survey, {"q9": 1})
    with pytest.raises(AnalysisError, match="no range"):
        composite_index(survey.assign(flat=2.0), {"flat": 1})


# --------------------------------------------------------------------------------------------------
# Fuzzy comprehensive evaluation
# --------------------------------------------------------------------------------------------------
GRADES = {5: "很满意", 4: "满意", 3: "一般", 2: "不满意", 1: "很不满意"}
R = np.array([[0.2, 0.5, 0.2, 0.1, 0.0], [0.1, 0.3, 0.4, 0.1, 0.1], [0.4, 0.4, 0.1, 0.1, 0.0]])
WF = np.array([0.5, 0.3, 0.2])


def _by_hand(w, r, op):
    m, n = r.shape
    out = np.zeros(n)
    for j in range(n):
        if op == "M(·,+)":
            out[j] = sum(w[i] * r[i, j] for i in range(m))
        elif op == "M(∧,∨)":
            out[j] = max(min(w[i], r[i, j]) for i in range(m))
        elif op == "M(·,∨)":
            out[j] = max(w[i] * r[i, j] for i in range(m))
        else:
            out[j] = min(1.0, sum(min(w[i], r[i, j]) for i in range(m)))
    return out


def test_membership_matrix_is_the_answer_distribution():
    d = pd.DataFrame({"a": [5, 4, 4, 3, np.nan], "b": [1, 1, 2, 5, 5]})
    m = membership_matrix(d, GRADES)
    assert m.columns.tolist() == list(GRADES.values())
    assert_allclose(m.loc["a"].to_numpy(), [0.25, 0.5, 0.25, 0, 0])
    assert_allclose(m.loc["b"].to_numpy(), [0.4, 0, 0, 0.2, 0.4])
    assert m.attrs["n"] == {"a": 4, "b": 5}
    with pytest.raises(AnalysisError, match=r"indicator 'b' has answers that are not grades: \[7"):
        membership_matrix(d.assign(b=[1, 7, 2, 5, 5]), GRADES)


@pytest.mark.parametrize("op", list(FUZZY_OPERATORS))
def test_fuzzy_operators_equal_their_definitions(op):
    mem = pd.DataFrame(R, index=["x1", "x2", "x3"], columns=list(GRADES))
    res = fuzzy_evaluation(mem, pd.Series(WF, index=mem.index), operator=op)
    raw = _by_hand(WF, R, op)
    assert_allclose(res.vector["raw"], raw, atol=1e-12)
    b = raw / raw.sum()
    assert_allclose(res.vector["membership"], b, atol=1e-12)
    assert res.grade == str(list(GRADES)[int(np.argmax(b))])
    assert_allclose(res.score, b @ np.array([5, 4, 3, 2, 1.0]), atol=1e-12)


def test_fuzzy_weighted_average_by_hand_and_aliases():
    mem = pd.DataFrame(R, index=["x1", "x2", "x3"], columns=list(GRADES.values()))
    res = fuzzy_evaluation(mem, {"x1": 0.5, "x2": 0.3, "x3": 0.2}, grade_scores=[95, 85, 75, 65, 55])
    # B = (0.5*0.2+0.3*0.1+0.2*0.4, ...) = (0.21, 0.42, 0.24, 0.10, 0.03)
    assert_allclose(res.vector["membership"], [0.21, 0.42, 0.24, 0.10, 0.03], atol=1e-12)
    assert res.grade == "满意"
    assert_allclose(res.score, 0.21 * 95 + 0.42 * 85 + 0.24 * 75 + 0.10 * 65 + 0.03 * 55, atol=1e-12)
    z = fuzzy_evaluation(mem, {"x1": 0.5, "x2": 0.3, "x3": 0.2}, operator="zadeh")
    assert z.operator == "M(∧,∨)" and np.isnan(z.score)  # text grades without scores
    with pytest.raises(AnalysisError, match="unknown fuzzy operator"):
        fuzzy_evaluation(mem, {"x1": 1, "x2": 1, "x3": 1}, operator="M(?,?)")


def test_two_level_fuzzy_evaluation_follows_the_hierarchy():
    rng = np.random.default_rng(5)
    d = pd.DataFrame(rng.integers(1, 6, size=(80, 5)), columns=["q1", "q2", "q3", "q4", "q5"])
    hier = {"service": ["q1", "q2", "q3"], "facility": ["q4", "q5"]}
    goal = pairwise_matrix({("service", "facility"): 3})
    h = ahp_hierarchy({"goal": goal, "criteria": {"service": pairwise_matrix([2, 3, 2], ["q1", "q2", "q3"]),
                                                  "facility": pairwise_matrix([1 / 2], ["q4", "q5"])}})
    res = fuzzy_evaluation(d, h.weights, GRADES, hierarchy=hier)
    r = membership_matrix(d, GRADES).to_numpy()
    b1 = h.local["service"].weights.to_numpy() @ r[:3]
    b2 = h.local["facility"].weights.to_numpy() @ r[3:]
    top = h.criterion_weights.loc[["service", "facility"]].to_numpy() @ np.vstack([b1, b2])
    assert_allclose(res.vector["membership"], top / top.sum(), atol=1e-12)
    assert_allclose(res.criteria.loc[0, list(GRADES.values())].to_numpy(dtype=float), b1, atol=1e-12)
    assert res.criteria["criterion"].tolist() == ["service", "facility"]
    assert_allclose(res.score, (top / top.sum()) @ np.array([5, 4, 3, 2, 1.0]), atol=1e-12)
    given = fuzzy_evaluation(d, h.weights, GRADES, hierarchy=hier, criterion_weights={"service": 0.5, "facility": 0.5})
    assert_allclose(given.vector["raw"], 0.5 * b1 + 0.5 * b2, atol=1e-12)
    assert "Criteria (first level)" in res.summary()


# --------------------------------------------------------------------------------------------------
# Grey relational analysis
# --------------------------------------------------------------------------------------------------
def _grey_by_hand(z, ref, rho, w):
    m, n = z.shape
    delta = [[abs(ref[j] - z[i, j]) for j in range(n)] for i in range(m)]
    dmin = min(min(r) for r in delta)
    dmax = max(max(r) for r in delta)
    xi = np.array([[(dmin + rho * dmax) / (delta[i][j] + rho * dmax) for j in range(n)] for i in range(m)])
    return xi, xi @ w


@pytest.mark.parametrize("rho", [0.5, 0.3])
def test_grey_relational_equals_deng_formula(rho):
    a = FIGHTER.to_numpy()
    z = (a - a.min(0)) / np.ptp(a, axis=0)
    z[:, 3] = 1 - z[:, 3]
    xi, g = _grey_by_hand(z, np.ones(6), rho, np.full(6, 1 / 6))
    res = grey_relational(FIGHTER, directions=DIRS, rho=rho)
    assert_allclose(res.coefficients.to_numpy(), xi, atol=1e-12)
    assert_allclose(res.table["grade"], g, atol=1e-12)
    assert res.table["rank"].tolist() == list(stats.rankdata(-g, method="min").astype(int))
    wg = grey_relational(FIGHTER, W, DIRS, rho=rho)
    assert_allclose(wg.table["grade"], xi @ W.to_numpy(), atol=1e-12)


def test_grey_relational_reference_row_and_mean_normalisation():
    a = FIGHTER.to_numpy()
    z = a / a.mean(0)
    xi, g = _grey_by_hand(np.delete(z, 0, axis=0), z[0], 0.5, np.full(6, 1 / 6))
    res = grey_relational(FIGHTER, normalize="mean", reference="A1")
    assert res.table.index.tolist() == ["A2", "A3", "A4"]
    assert_allclose(res.table["grade"], g, atol=1e-12)
    with pytest.raises(AnalysisError, match="rho must lie"):
        grey_relational(FIGHTER, rho=0)
    with pytest.raises(AnalysisError, match="reference row"):
        grey_relational(FIGHTER, reference="A9")


# --------------------------------------------------------------------------------------------------
# Rank stability
# --------------------------------------------------------------------------------------------------
def test_rank_stability_vectorised_scores_equal_topsis_and_are_seeded():
    res = rank_stability(FIGHTER, W, DIRS, seed=7, n_random=300)
    again = rank_stability(FIGHTER, W, DIRS, seed=7, n_random=300)
    pd.testing.assert_frame_equal(res.random, again.random)
    assert res.base.tolist() == topsis(FIGHTER, W, DIRS)["rank"].tolist()
    row = res.one_at_a_time.iloc[-1]  # maneuverability +20 %
    w2 = W.copy() * (1 - 0.36) / (1 - 0.3)
    w2["maneuverability"] = 0.36
    assert_allclose(row["weight"], 0.36)
    assert row["best"] == topsis(FIGHTER, w2, DIRS)["closeness"].idxmax()
    assert res.random["p_best"].sum() == pytest.approx(1)
    assert ((res.random["min_rank"] <= res.random["base_rank"]) & (res.random["base_rank"] <= res.random["max_rank"])).all()
    assert "random weight draws" in res.summary()


def test_dominant_alternative_is_always_best():
    d = FIGHTER.copy()
    d.loc["A5"] = [3.0, 3000, 22000, 4.0, 9, 9]  # best on every indicator, including the lowest cost
    for method in ("topsis", "weighted_sum", "grey"):
        res = rank_stability(d, W, DIRS, method=method, seed=1, n_random=200, perturbation=0.5)
        assert res.random.loc["A5", "p_best"] == 1.0 and res.one_at_a_time["same_best"].all()
        assert res.summary_stats["p_same_best"] == 1.0
    with pytest.raises(AnalysisError, match="perturbation must lie"):
        rank_stability(d, W, perturbation=1.5)
