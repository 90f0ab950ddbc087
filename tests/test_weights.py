"""Indicator weights: AHP against Saaty's published examples, objective weights against their formulas,
PCA weights against R psych::principal, derived importance against statsmodels OLS."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose

from servqual.exceptions import AnalysisError, DataReadError, ServqualWarning
from servqual.decision.weights import (
    RI_TABLES, AHPResult, ahp, ahp_form, ahp_group, ahp_hierarchy, ahp_inconsistency, combine_weights, critic_weights,
    cv_weights, derived_importance, entropy_weights, fuzzy_ahp, objective_weights, pairwise_matrix, pca_weights,
    random_index, read_ahp_form, read_pairwise_matrix, regression_weights, relative_weights, sd_weights,
    shapley_weights, write_ahp_form,
)

from conftest import SLUGS, rmat


def _m(rows):
    return [[float(eval(t)) for t in r.split()] for r in rows]


# Saaty (1990), "How to make a decision: the analytic hierarchy process", EJOR 48, 9-26, Table 2:
# criteria of buying a house; printed priorities and lambda_max = 9.669, CI = 0.238, CR = 0.169.
HOUSE_NAMES = ["size", "transport", "neighborhood", "age", "yard", "modern", "condition", "financing"]
HOUSE = pd.DataFrame(_m(["1 5 3 7 6 6 1/3 1/4", "1/5 1 1/3 5 3 3 1/5 1/7", "1/3 3 1 6 3 4 6 1/5",
                         "1/7 1/5 1/6 1 1/3 1/4 1/7 1/8", "1/6 1/3 1/3 3 1 1/2 1/5 1/6", "1/6 1/3 1/4 4 2 1 1/5 1/6",
                         "3 5 1/6 7 5 5 1 1/2", "4 7 5 8 6 6 2 1"]), index=HOUSE_NAMES, columns=HOUSE_NAMES)
HOUSE_W = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]

# Saaty (1980), The Analytic Hierarchy Process, wealth of nations (Saaty & Khouja 1976): printed
# priorities .427 .230 .021 .052 .052 .123 .094 and lambda_max = 7.61.
WEALTH_NAMES = ["US", "USSR", "China", "France", "UK", "Japan", "WGermany"]
WEALTH = pd.DataFrame(_m(["1 4 9 6 6 5 5", "1/4 1 7 5 5 3 4", "1/9 1/7 1 1/5 1/5 1/7 1/5", "1/6 1/5 5 1 1 1/3 1/3",
                          "1/6 1/5 5 1 1 1/3 1/3", "1/5 1/3 7 3 3 1 2", "1/5 1/4 5 3 3 1/2 1"]),
                      index=WEALTH_NAMES, columns=WEALTH_NAMES)
WEALTH_W = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]


def _consistent(v, names=None):
    v = np.asarray(v, float)
    names = names or [f"k{i}" for i in range(len(v))]
    return pd.DataFrame(np.outer(v, 1 / v), index=names, columns=names)


# --------------------------------------------------------------------------------------------------
# AHP
# --------------------------------------------------------------------------------------------------
def test_ahp_matches_saaty1990_house_example():
    res = ahp(HOUSE)
    assert isinstance(res, AHPResult)
    assert_allclose(res.weights.to_numpy(), HOUSE_W, atol=5e-4)  # printed to 3 decimals
    assert_allclose([res.lambda_max, res.ci, res.cr], [9.669, 0.238, 0.169], atol=5e-4)
    assert res.ri == 0.41 + 1.0 and res.ri_table == "saaty1980" and not res.consistent
    assert list(res.weights.index) == HOUSE_NAMES and res.weights.name == "weight"
    assert_allclose(res.weights.sum(), 1, atol=1e-12)
    assert res.ri_values[8] == 1.41
    assert "NOT acceptable" in res.summary() and "<h4>" in res._repr_html_()


def test_ahp_matches_saaty1980_wealth_of_nations():
    res = ahp(WEALTH)
    assert_allclose(res.weights.to_numpy(), WEALTH_W, atol=5e-4)
    assert_allclose(res.lambda_max, 7.61, atol=5e-3)
    assert_allclose(res.cr, (res.lambda_max - 7) / 6 / 1.32, atol=1e-12)
    assert res.consistent


@pytest.mark.parametrize("method", ["eigenvector", "column_sum", "geometric_mean", "和积法", "方根法"])
def test_consistent_matrix_returns_generating_vector_with_cr_zero(method):
    v = np.array([0.4, 0.25, 0.2, 0.1, 0.05])
    res = ahp(_consistent(v), method=method)
    assert_allclose(res.weights.to_numpy(), v, atol=1e-12)
    assert_allclose([res.lambda_max, res.ci, res.cr], [5, 0, 0], atol=1e-10)
    assert res.consistent
    assert (ahp_inconsistency(res)["contribution"].abs() < 1e-12).all()


def test_approximate_methods_equal_their_textbook_formulas():
    a = HOUSE.to_numpy()
    cs = (a / a.sum(axis=0)).mean(axis=1)
    gm = np.prod(a, axis=1) ** (1 / 8)
    gm = gm / gm.sum()
    for method, w in [("column_sum", cs), ("geometric_mean", gm)]:
        res = ahp(HOUSE, method=method)
        assert_allclose(res.weights.to_numpy(), w, atol=1e-12)
        lam = np.mean((a @ w) / w)
        assert_allclose(res.lambda_max, lam, atol=1e-12)
        assert_allclose(res.cr, (lam - 8) / 7 / 1.41, atol=1e-12)


def test_n_le_2_is_consistent_by_definition():
    r2 = ahp([[1, 7], [1 / 7, 1]], names=["a", "b"])
    assert_allclose(r2.weights.to_numpy(), [7 / 8, 1 / 8], atol=1e-12)
    assert r2.cr == 0 and r2.ci == 0 and r2.consistent and r2.lambda_max == 2
    r1 = ahp([[1]], names=["only"])
    assert r1.weights.tolist() == [1.0] and r1.consistent
    assert "consistent by definition" in r2.summary()


@pytest.mark.parametrize("table", list(RI_TABLES))
def test_every_ri_table_is_selectable_and_used(table):
    tab = RI_TABLES[table]
    assert set(range(1, 16)) <= set(tab) and tab[1] == tab[2] == 0
    assert all(0.45 < tab[n] < 1.7 for n in range(3, 16))
    res = ahp(WEALTH, ri=table)
    assert res.ri == tab[7] and res.ri_table == table
    assert_allclose(res.cr, res.ci / tab[7], atol=1e-12)
    assert random_index(7, table) == tab[7]


def test_ri_aliases_custom_table_and_limits():
    assert ahp(WEALTH, ri="chinese").ri_table == "china"
    res = ahp(WEALTH, ri={7: 1.0})
    assert res.ri_table == "custom" and res.cr == pytest.approx(res.ci)
    big = _consistent(np.arange(1, 17))
    with pytest.raises(AnalysisError, match="no value for a 16 x 16"), pytest.warns(ServqualWarning, match="beyond"):
        ahp(big)
    with pytest.raises(AnalysisError, match="unknown random-index table"):
        ahp(WEALTH, ri="nope")
    with pytest.raises(AnalysisError, match="unknown AHP method"):
        ahp(WEALTH, method="magic")


def test_ahp_validation_messages():
    with pytest.raises(AnalysisError, match="not square"):
        ahp(np.ones((2, 3)))
    with pytest.raises(AnalysisError, match="must be positive|positive ratios"):
        ahp([[1, -2], [-0.5, 1]])
    with pytest.raises(AnalysisError, match="not reciprocal: row 'a', column 'b' is 3 but row 'b', column 'a' is 3"):
        ahp([[1, 3], [3, 1]], names=["a", "b"])
    with pytest.raises(AnalysisError, match="row 'b', column 'c' is missing"):
        ahp([[1, 2, 3], [0.5, 1, np.nan], [1 / 3, 2, 1]], names=["a", "b", "c"])
    with pytest.raises(AnalysisError, match="diagonal must be 1"):
        ahp([[2, 2], [0.5, 1]])
    with pytest.raises(AnalysisError, match="'x' is not a number"):
        ahp([[1, "x"], [1, 1]])
    with pytest.raises(AnalysisError, match="row names"):
        ahp(pd.DataFrame(np.eye(2) + 0, index=["a", "b"], columns=["a", "c"]).replace(0, 1.0))
    with pytest.warns(ServqualWarning, match="beyond Saaty's 1-9 scale"):
        ahp([[1, 12], [1 / 12, 1]])


def test_rounded_reciprocals_and_fraction_strings_are_accepted():
    exact = ahp([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    rounded = ahp([[1, 3, 5], [0.33, 1, 2], [0.2, 0.5, 1]])
    text = ahp([["1", "3", "5"], ["1/3", "1", "2"], ["1/5", "1/2", "1"]])
    assert_allclose(rounded.weights, exact.weights, atol=5e-3)
    assert_allclose(text.weights, exact.weights, atol=1e-12)
    assert exact.matrix.index.tolist() == ["c1", "c2", "c3"]


def test_inconsistency_decomposes_lambda_and_finds_worst_judgement():
    res = ahp(HOUSE)
    inc = res.inconsistency()
    assert len(inc) == 28
    assert_allclose(inc["contribution"].sum(), res.lambda_max - 8, atol=1e-10)
    assert_allclose(inc["share"].sum(), 1, atol=1e-10)
    top = inc.iloc[0]
    assert (top["row"], top["column"]) == ("neighborhood", "condition")  # a_37 = 6 against the other judgements
    w = res.weights
    assert_allclose(top["consistent_value"], w["neighborhood"] / w["condition"], atol=1e-12)
    assert top["suggested"] in {1 / k for k in range(1, 10)} | set(range(1, 10))
    b = HOUSE.copy()
    b.loc["neighborhood", "condition"], b.loc["condition", "neighborhood"] = top["suggested"], 1 / top["suggested"]
    assert_allclose(top["cr_if_suggested"], ahp(b).cr, atol=1e-12)
    assert top["cr_if_suggested"] < res.cr


def test_pairwise_matrix_from_upper_triangle():
    m = pairwise_matrix({("a", "b"): 3, ("a", "c"): "5", ("b", "c"): 2})
    assert m.loc["b", "a"] == pytest.approx(1 / 3) and m.loc["c", "b"] == 0.5 and m.loc["c", "c"] == 1
    assert_allclose(pairwise_matrix([3, 5, 2], ["a", "b", "c"]).to_numpy(), m.to_numpy())
    with pytest.raises(AnalysisError, match=r"missing judgement\(s\): \(b, c\)"):
        pairwise_matrix({("a", "b"): 3, ("a", "c"): 5})
    with pytest.raises(AnalysisError, match="need 3 upper-triangle"):
        pairwise_matrix([3, 5], ["a", "b", "c"])


# --------------------------------------------------------------------------------------------------
# Group, hierarchy, fuzzy
# --------------------------------------------------------------------------------------------------
def test_group_identical_experts_equal_single_expert():
    single = ahp(WEALTH)
    for agg in ("aij", "aip"):
        g = ahp_group([WEALTH, WEALTH, WEALTH], aggregation=agg)
        assert_allclose(g.weights.to_numpy(), single.weights.to_numpy(), atol=1e-10)
    assert g.experts["expert"].tolist() == ["expert1", "expert2", "expert3"]


def test_group_aij_of_consistent_matrices_is_weighted_geometric_mean():
    v1, v2 = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.3, 0.5])
    g = ahp_group({"e1": _consistent(v1, list("abc")), "e2": _consistent(v2, list("abc"))}, expert_weights={"e1": 3, "e2": 1})
    expect = v1 ** 0.75 * v2 ** 0.25
    assert_allclose(g.weights.to_numpy(), expect / expect.sum(), atol=1e-12)
    assert_allclose(g.matrix.loc["a", "b"], (5 / 3) ** 0.75 * (2 / 3) ** 0.25, atol=1e-12)
    assert g.group.cr == pytest.approx(0, abs=1e-10)
    assert_allclose(g.experts["expert_weight"], [0.75, 0.25])


def test_group_aip_and_consistency_filter():
    good = [WEALTH, _consistent([0.3, 0.2, 0.05, 0.1, 0.1, 0.15, 0.1], WEALTH_NAMES)]
    bad = HOUSE.iloc[:7, :7].copy()
    bad.index = bad.columns = WEALTH_NAMES
    with pytest.warns(ServqualWarning, match="CR >= 0.1"):
        kept = ahp_group(good + [bad], aggregation="aip")
    assert kept.experts["included"].all() and not kept.experts["consistent"].iloc[2]
    dropped = ahp_group(good + [bad], aggregation="aip", exclude_inconsistent=True)
    lw = np.log(np.column_stack([ahp(m).weights.to_numpy() for m in good])).mean(axis=1)
    assert_allclose(dropped.weights.to_numpy(), np.exp(lw) / np.exp(lw).sum(), atol=1e-12)
    assert dropped.experts["included"].tolist() == [True, True, False]
    assert "Experts with CR >= 0.10" in dropped.summary()
    with pytest.raises(AnalysisError, match="aggregation must be"):
        ahp_group(good, aggregation="mean")


def test_hierarchy_global_weights_and_total_ranking_cr():
    goal = pairwise_matrix({("service", "facility"): 3, ("service", "speed"): 2, ("facility", "speed"): 1 / 2})
    service = pairwise_matrix({("q1", "q2"): 2, ("q1", "q3"): 4, ("q2", "q3"): 3})
    facility = pairwise_matrix({("q4", "q5"): 1 / 3})
    h = ahp_hierarchy({"goal": goal, "criteria": {"service": service, "facility": ahp(facility), "speed": ["resp_hours"]}})
    g, s, f = ahp(goal).weights, ahp(service), ahp(facility).weights
    expect = pd.Series({"q1": g["service"] * s.weights["q1"], "q2": g["service"] * s.weights["q2"],
                        "q3": g["service"] * s.weights["q3"], "q4": g["facility"] * f["q4"], "q5": g["facility"] * f["q5"],
                        "resp_hours": g["speed"]})
    assert_allclose(h.weights.loc[expect.index].to_numpy(), expect.to_numpy(), atol=1e-12)
    assert_allclose(h.weights.sum(), 1, atol=1e-12)
    assert_allclose(h.cr_total, g["service"] * s.ci / (g["service"] * s.ri), atol=1e-12)  # n = 2 and n = 1 add 0
    assert h.criteria["criterion"].tolist() == ["goal", "service", "facility", "speed"]
    assert h.table["rank"].min() == 1 and "Total-ranking CR" in h.summary()
    with pytest.raises(AnalysisError, match="goal matrix compares"):
        ahp_hierarchy({"goal": goal, "criteria": {"service": service}})
    with pytest.raises(AnalysisError, match="list of 2 indicators"):
        ahp_hierarchy({"goal": goal, "criteria": {"service": service, "facility": ["q4", "q5"], "speed": ["x"]}})
    with pytest.raises(AnalysisError, match="appears under both"):
        ahp_hierarchy({"goal": goal, "criteria": {"service": service, "facility": ["q1"], "speed": ["x"]}})


def test_fuzzy_ahp_with_crisp_judgements_equals_geometric_mean():
    res = fuzzy_ahp(WEALTH, WEALTH, WEALTH)
    assert_allclose(res.weights.to_numpy(), ahp(WEALTH, method="geometric_mean").weights.to_numpy(), atol=1e-12)
    assert_allclose(res.fuzzy_weights[["l", "m", "u"]].std(axis=1), 0, atol=1e-12)


def test_fuzzy_ahp_buckley_by_hand():
    m = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    res = fuzzy_ahp(m)  # default spread 1: 3 -> (2, 3, 4), 5 -> (4, 5, 6), reciprocals inverted
    lo = np.array([[1, 2, 4], [1 / 4, 1, 2], [1 / 6, 1 / 4, 1]])
    up = np.array([[1, 4, 6], [1 / 2, 1, 4], [1 / 4, 1 / 2, 1]])
    mid = np.array(m)
    r = [np.array([np.prod(x[i]) ** (1 / 3) for i in range(3)]) for x in (lo, mid, up)]
    fl, fm, fu = r[0] / r[2].sum(), r[1] / r[1].sum(), r[2] / r[0].sum()
    assert_allclose(res.fuzzy_weights["l"], fl, atol=1e-12)
    assert_allclose(res.fuzzy_weights["m"], fm, atol=1e-12)
    assert_allclose(res.fuzzy_weights["u"], fu, atol=1e-12)
    d = (fl + fm + fu) / 3
    assert_allclose(res.weights.to_numpy(), d / d.sum(), atol=1e-12)
    g = fuzzy_ahp(m, defuzzify="graded_mean")
    d2 = (fl + 4 * fm + fu) / 6
    assert_allclose(g.weights.to_numpy(), d2 / d2.sum(), atol=1e-12)
    with pytest.raises(AnalysisError, match="lower <= modal <= upper"):
        fuzzy_ahp(m, up, lo)


# --------------------------------------------------------------------------------------------------
# Reading matrices and the expert form
# --------------------------------------------------------------------------------------------------
def test_read_pairwise_matrix_csv_and_xlsx(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(",a,b,c\na,1,3,5\nb,1/3,1,2\nc,1/5,1/2,1\n", encoding="utf-8")
    m = read_pairwise_matrix(p)
    assert m.index.tolist() == ["a", "b", "c"] and m.loc["b", "a"] == pytest.approx(1 / 3)
    x = tmp_path / "m.xlsx"
    WEALTH.to_excel(x)
    assert_allclose(read_pairwise_matrix(x).to_numpy(), WEALTH.to_numpy(), atol=1e-12)
    assert_allclose(ahp(read_pairwise_matrix(x)).weights, ahp(WEALTH).weights, atol=1e-12)
    bad = tmp_path / "bad.csv"
    bad.write_text(",a,b\na,1,three\nb,1/3,1\n", encoding="utf-8")
    with pytest.raises(DataReadError, match=r"bad.csv, row 2 \(a\), column 3 \(b\): 'three' is not a number"):
        read_pairwise_matrix(bad)
    blank = tmp_path / "blank.csv"
    blank.write_text(",a,b\na,1,\nb,1/3,1\n", encoding="utf-8")
    with pytest.raises(DataReadError, match="row 2 .*column 3 .*missing"):
        read_pairwise_matrix(blank)
    swap = tmp_path / "swap.csv"
    swap.write_text(",a,b\nb,1,3\na,1/3,1\n", encoding="utf-8")
    with pytest.raises(DataReadError, match="row 2: row name 'b' differs"):
        read_pairwise_matrix(swap)
    with pytest.raises(DataReadError, match="does not exist"):
        read_pairwise_matrix(tmp_path / "none.csv")


def test_ahp_form_round_trip_through_xlsx(tmp_path):
    crit = {"service": ["q1", "q2", "q3"], "facility": ["q4", "q5"], "speed": ["q6"]}
    form = ahp_form(crit, lang="zh", labels={"q1": "响应速度"})
    assert len(form) == 3 + 3 + 1 and form.columns.tolist() == ["section", "item_a", "item_b", "question", "value"]
    assert "响应速度" in form["question"].iloc[3] and "总目标" in form["question"].iloc[0]
    assert any("极端重要" in line for line in form.attrs["instructions"])
    en = ahp_form(list(crit), lang="en")
    assert len(en) == 3 and "how much more important" in en["question"].iloc[0]
    assert any("Extreme importance" in line for line in en.attrs["instructions"])
    truth = {"goal": pairwise_matrix([3, 5, 2], ["service", "facility", "speed"]),
             "service": pairwise_matrix([2, 1 / 4, 1 / 3], ["q1", "q2", "q3"]), "facility": pairwise_matrix([7], ["q4", "q5"])}
    form["value"] = pd.Series([truth[s].loc[a, b] for s, a, b in zip(form["section"], form["item_a"], form["item_b"])],
                              index=form.index, dtype=object)
    form.loc[form.index[1], "value"] = "5"  # typed as text in a spreadsheet
    form.loc[form.index[5], "value"] = "1/3"
    path = write_ahp_form(None, tmp_path / "form.xlsx", form=form)
    back = read_ahp_form(path)
    assert list(back) == ["goal", "service", "facility"]
    for k, m in truth.items():
        assert_allclose(back[k].loc[m.index, m.columns].to_numpy(), m.to_numpy(), atol=1e-12)
    assert_allclose(read_ahp_form(form)["service"].to_numpy(), truth["service"].to_numpy(), atol=1e-12)
    blank = write_ahp_form(crit, tmp_path / "blank.xlsx", lang="en")
    with pytest.raises(DataReadError, match=r"blank.xlsx, sheet 'AHP', row 2 \(goal: service vs facility\): no judgement"):
        read_ahp_form(blank)
    form2 = form.copy()
    form2.loc[form2.index[4], "value"] = "strong"
    with pytest.raises(DataReadError, match=r"row 6 \(service: q1 vs q3\): value 'strong' is not a number"):
        read_ahp_form(write_ahp_form(None, tmp_path / "bad.xlsx", form=form2))
    form2.loc[form2.index[4], "value"] = 0
    with pytest.raises(DataReadError, match="row 6 .* must be positive"):
        read_ahp_form(form2)
    form2.loc[form2.index[4], "value"] = 15
    with pytest.warns(ServqualWarning, match="off Saaty's 1/9..9 scale"):
        read_ahp_form(form2)
    with pytest.raises(DataReadError, match="no sheet 'Judgements'"):
        read_ahp_form(path, sheet="Judgements")
    with pytest.raises(DataReadError, match="does not exist"):
        read_ahp_form(tmp_path / "missing.xlsx")


# --------------------------------------------------------------------------------------------------
# Objective weights
# --------------------------------------------------------------------------------------------------
# Hwang & Yoon (1981), Multiple Attribute Decision Making, fighter-aircraft example (qualitative
# attributes on their interval scale); acquisition cost (X4) is the cost attribute.
FIGHTER = pd.DataFrame([[2.0, 1500, 20000, 5.5, 5, 9], [2.5, 2700, 18000, 6.5, 3, 5], [1.8, 2000, 21000, 4.5, 7, 7],
                        [2.2, 1800, 20000, 5.0, 5, 5]], index=["A1", "A2", "A3", "A4"],
                       columns=["speed", "range", "payload", "cost", "reliability", "maneuverability"])
DIRS = {"cost": "lower_is_better"}


def _entropy_by_hand(p):
    m, n = p.shape
    e = []
    for j in range(n):
        s = 0.0
        for i in range(m):
            if p[i, j] > 0:
                s += p[i, j] * math.log(p[i, j])
        e.append(-s / math.log(m))
    d = 1 - np.array(e)
    return d / d.sum()


def test_entropy_sum_variant_on_hwang_yoon_fighter_matrix():
    a = FIGHTER.to_numpy()
    w = entropy_weights(FIGHTER, normalize="sum")
    assert_allclose(w.to_numpy(), _entropy_by_hand(a / a.sum(axis=0)), atol=1e-12)
    assert list(w.index) == list(FIGHTER.columns)
    assert_allclose(entropy_weights(FIGHTER, DIRS, normalize="sum"), w, atol=1e-15)  # raw proportions ignore direction


def test_entropy_minmax_with_cost_direction_and_zero_log_zero():
    a = FIGHTER.to_numpy().copy()
    z = (a - a.min(0)) / (a.max(0) - a.min(0))
    z[:, 3] = (a[:, 3].max() - a[:, 3]) / np.ptp(a[:, 3])
    w = entropy_weights(FIGHTER, DIRS)
    assert_allclose(w.to_numpy(), _entropy_by_hand(z / z.sum(0)), atol=1e-12)  # zeros: 0 ln 0 := 0
    assert_allclose(entropy_weights(FIGHTER, {"cost": -1}), w, atol=1e-15)
    assert_allclose(entropy_weights(FIGHTER, {"cost": "cost"}), w, atol=1e-15)
    s = entropy_weights(FIGHTER, DIRS, shift=0.01)
    zz = z + 0.01
    assert_allclose(s.to_numpy(), _entropy_by_hand(zz / zz.sum(0)), atol=1e-12)
    t = objective_weights(FIGHTER, "entropy", DIRS).table
    assert t.loc[3, "direction"] == "lower_is_better" and {"entropy", "divergence", "weight", "rank"} <= set(t.columns)


def test_entropy_and_critic_invariant_to_rescaling_a_column():
    scaled = FIGHTER.assign(range=FIGHTER["range"] * 1.852 + 7, payload=FIGHTER["payload"] * 0.4536)
    assert_allclose(entropy_weights(scaled, DIRS), entropy_weights(FIGHTER, DIRS), atol=1e-12)
    assert_allclose(critic_weights(scaled, DIRS), critic_weights(FIGHTER, DIRS), atol=1e-12)
    sc = FIGHTER.assign(range=FIGHTER["range"] * 1.852)
    assert_allclose(entropy_weights(sc, normalize="sum"), entropy_weights(FIGHTER, normalize="sum"), atol=1e-12)


def test_critic_equals_diakoulaki_formula_and_abs_option():
    a = FIGHTER.to_numpy().copy()
    z = (a - a.min(0)) / np.ptp(a, axis=0)
    z[:, 3] = 1 - z[:, 3]
    sd = z.std(axis=0, ddof=0)  # population or sample sd: the weights do not change
    r = np.corrcoef(z, rowvar=False)
    for conflict, conf in [("1-r", (1 - r).sum(1)), ("1-|r|", (1 - np.abs(r)).sum(1))]:
        c = sd * conf
        assert_allclose(critic_weights(FIGHTER, DIRS, conflict=conflict).to_numpy(), c / c.sum(), atol=1e-12)
    with pytest.raises(AnalysisError, match="conflict must be"):
        critic_weights(FIGHTER, conflict="r2")


def test_cv_and_sd_weights_equal_their_formulas():
    a = FIGHTER.to_numpy()
    cv = a.std(0, ddof=1) / a.mean(0)
    assert_allclose(cv_weights(FIGHTER).to_numpy(), cv / cv.sum(), atol=1e-12)
    z = (a - a.min(0)) / np.ptp(a, axis=0)
    sd = z.std(0, ddof=1)
    assert_allclose(sd_weights(FIGHTER, DIRS).to_numpy(), sd / sd.sum(), atol=1e-12)


def test_constant_indicator_gets_zero_weight_with_warning_and_all_constant_is_an_error():
    d = FIGHTER.assign(flat=3.0)
    for f in (lambda x: entropy_weights(x), lambda x: critic_weights(x), lambda x: sd_weights(x),
              lambda x: entropy_weights(x, normalize="sum"), lambda x: cv_weights(x)):
        with pytest.warns(ServqualWarning, match="constant indicator.*flat"):
            w = f(d)
        assert w["flat"] == 0 and w.sum() == pytest.approx(1)
    with pytest.warns(ServqualWarning):
        assert_allclose(entropy_weights(d).drop("flat"), entropy_weights(FIGHTER), atol=1e-12)
    with pytest.raises(AnalysisError, match="every indicator is constant"):
        entropy_weights(pd.DataFrame({"a": [1.0, 1, 1], "b": [2.0, 2, 2]}))
    with pytest.raises(AnalysisError, match="non-negative"):
        entropy_weights(FIGHTER.assign(speed=-FIGHTER["speed"]), normalize="sum")
    with pytest.raises(AnalysisError, match="directions name column"):
        entropy_weights(FIGHTER, {"price": "cost"})
    with pytest.raises(AnalysisError, match="direction 'down'"):
        entropy_weights(FIGHTER, {"cost": "down"})
    with pytest.warns(ServqualWarning, match="1 row"):
        entropy_weights(pd.concat([FIGHTER, FIGHTER.iloc[[0]].assign(speed=np.nan)]))
    with pytest.raises(AnalysisError, match="only 1 complete row"):
        entropy_weights(FIGHTER.iloc[:1])


@pytest.mark.parametrize("slug", SLUGS)
def test_pca_weights_match_psych_principal(ref_case, slug):
    case = ref_case(slug)
    pc = case.ref["pca"]
    k = int(pc["nfactors"])
    load = rmat(pc["none"]["loadings"]).loc[list(case.data.columns)].to_numpy()[:, :k]
    ev = np.asarray(pc["none"]["eigenvalues"], float)[:k]
    share = ev / ev.sum()
    w_load = np.abs(load) @ share
    assert_allclose(pca_weights(case.data, n_components=k, basis="loadings").to_numpy(), w_load / w_load.sum(), atol=1e-6)
    load = load * np.where(load.sum(axis=0) < 0, -1, 1)
    coef = (load / np.sqrt(ev)) @ share
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)
        w = pca_weights(case.data, n_components=k)
    assert_allclose(w.to_numpy(), np.abs(coef) / np.abs(coef).sum(), atol=1e-6)


def test_pca_weights_default_keeps_eigenvalues_above_one(ref_case):
    d = ref_case("mobi").data
    res = objective_weights(d, "pca")
    ev = np.linalg.eigvalsh(np.corrcoef(d.to_numpy(), rowvar=False))
    assert res.details["n_components"] == int((ev > 1).sum())
    assert_allclose(res.weights.sum(), 1, atol=1e-12)


# --------------------------------------------------------------------------------------------------
# Derived importance
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mobi_scores(ref_case):
    case = ref_case("mobi")
    d = case.data
    out = pd.DataFrame({c: d[items].mean(axis=1) for c, items in case.constructs.items() if c in ("Image", "Expectation", "Quality", "Value")})
    out["overall"] = d["CUSA1"]
    return out


def _ols_r2(d, cols, y="overall"):
    if not cols:
        return 0.0
    return sm.OLS(d[y], sm.add_constant(d[list(cols)])).fit().rsquared


def test_regression_weights_match_statsmodels_standardised_ols(mobi_scores):
    z = (mobi_scores - mobi_scores.mean()) / mobi_scores.std(ddof=1)
    fit = sm.OLS(z["overall"], z.drop(columns="overall")).fit()
    res = derived_importance(mobi_scores, "overall", method="regression")
    assert_allclose(res.table["beta"].to_numpy(), fit.params.to_numpy(), atol=1e-10)
    assert_allclose(res.details["r2"], fit.rsquared, atol=1e-10)
    assert_allclose(regression_weights(mobi_scores, "overall").to_numpy(), np.abs(fit.params) / np.abs(fit.params).sum(), atol=1e-10)


def test_relative_weights_sum_to_r2_and_equal_r2_for_orthogonal_predictors(mobi_scores):
    res = derived_importance(mobi_scores, "overall")
    assert_allclose(res.table["raw_weight"].sum(), _ols_r2(mobi_scores, ["Image", "Expectation", "Quality", "Value"]), atol=1e-10)
    assert_allclose(relative_weights(mobi_scores, "overall"), res.weights, atol=1e-15)
    rng = np.random.default_rng(3)
    q, _ = np.linalg.qr(rng.standard_normal((60, 3)) - 0)
    x = q - q.mean(0)
    x, _ = np.linalg.qr(x - x.mean(0))
    d = pd.DataFrame(x, columns=["a", "b", "c"])
    d["y"] = d @ np.array([3.0, 1.0, 0.5]) + rng.standard_normal(60) * 0.02
    d = d - d.mean()
    r = d.corr().to_numpy()
    assert abs(r[0, 1]) < 1e-8
    rw = derived_importance(d, "y").table["raw_weight"].to_numpy()
    assert_allclose(rw, r[:3, 3] ** 2, atol=1e-8)  # uncorrelated predictors: relative weight = r^2


def test_shapley_weights_match_statsmodels_subset_regressions(mobi_scores):
    cols = ["Image", "Expectation", "Quality", "Value"]
    k = len(cols)
    phi = np.zeros(k)
    for j, c in enumerate(cols):
        others = [o for o in cols if o != c]
        for s in range(k):
            for sub in itertools.combinations(others, s):
                wgt = math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
                phi[j] += wgt * (_ols_r2(mobi_scores, list(sub) + [c]) - _ols_r2(mobi_scores, sub))
    res = derived_importance(mobi_scores, "overall", method="shapley")
    assert_allclose(res.table["raw_weight"].to_numpy(), phi, atol=1e-10)
    assert_allclose(shapley_weights(mobi_scores, "overall").to_numpy(), phi / phi.sum(), atol=1e-10)
    assert "R^2 of the outcome" in res.summary()


def test_derived_importance_errors(mobi_scores):
    with pytest.raises(AnalysisError, match="outcome column 'nps'"):
        relative_weights(mobi_scores, "nps")
    with pytest.raises(AnalysisError, match="perfectly collinear"):
        relative_weights(mobi_scores.assign(dup=mobi_scores["Image"] * 2), "overall")
    with pytest.raises(AnalysisError, match="constant"):
        relative_weights(mobi_scores.assign(flat=1.0), "overall")
    with pytest.raises(AnalysisError, match="unknown method"):
        derived_importance(mobi_scores, "overall", method="magic")


# --------------------------------------------------------------------------------------------------
# Combined weights
# --------------------------------------------------------------------------------------------------
def test_combine_weights_three_methods():
    w1 = pd.Series([0.5, 0.3, 0.2], index=list("abc"))
    w2 = pd.Series([0.2, 0.2, 0.6], index=list("cba"))  # aligned by name
    m = combine_weights({"ahp": w1, "entropy": w2}, "multiplicative")
    p = w1 * w2.loc[w1.index]
    assert_allclose(m.weights.to_numpy(), (p / p.sum()).to_numpy(), atol=1e-12)
    lin = combine_weights({"ahp": w1, "entropy": w2}, "linear", alpha=0.7)
    assert_allclose(lin.weights.to_numpy(), 0.7 * w1.to_numpy() + 0.3 * w2.loc[w1.index].to_numpy(), atol=1e-12)
    assert lin.coefficients.tolist() == [0.7, pytest.approx(0.3)]
    gt = combine_weights({"ahp": w1, "entropy": w2})
    W = np.column_stack([w1.to_numpy(), w2.loc[w1.index].to_numpy()])
    a = np.linalg.solve(W.T @ W, np.diag(W.T @ W))
    assert_allclose(gt.coefficients.to_numpy(), np.abs(a) / np.abs(a).sum(), atol=1e-12)
    assert_allclose(gt.weights.to_numpy(), W @ gt.coefficients.to_numpy(), atol=1e-12)
    same = combine_weights([w1, w1.copy()])
    assert_allclose(same.coefficients.to_numpy(), [0.5, 0.5], atol=1e-12)
    assert_allclose(same.weights, w1, atol=1e-12)
    assert "Coefficients" in gt.summary()
    with pytest.raises(AnalysisError, match="cover"):
        combine_weights([w1, w1.drop("c")])
    with pytest.raises(AnalysisError, match="at least two"):
        combine_weights([w1])
    with pytest.raises(AnalysisError, match="sum to 1"):
        combine_weights([w1, w2], "linear", alpha=[0.5, 0.7])


def test_ahp_form_from_the_questionnaire_hierarchy(tmp_path):
    """The expert form is generated from the questionnaire's goal -> criteria -> indicators, in zh and en,
    and a filled form reads back into the matrices of each section."""
    import servqual as sq

    inst = sq.load_instrument("after_sales_service_quality")
    crit = inst.hierarchy.as_dict()
    zh = sq.ahp_form(inst, lang="zh")
    en = sq.ahp_form(inst.hierarchy, lang="en")
    k = len(crit)
    n_pairs = k * (k - 1) // 2 + sum(len(v) * (len(v) - 1) // 2 for v in crit.values())
    assert len(zh) == len(en) == n_pairs
    first = inst.hierarchy.criteria[0]
    assert first.name.zh in zh["question"].iloc[0] and first.name.en in en["question"].iloc[0]
    filled = zh.copy()
    filled["value"] = 1
    path = tmp_path / "ahp.xlsx"
    sq.write_ahp_form(inst, path, lang="zh", form=filled)
    mats = sq.read_ahp_form(path)
    assert set(crit) <= set(mats) or len(mats) == 1 + sum(len(v) >= 2 for v in crit.values())


def test_ahp_form_cells_are_inert_and_the_write_is_guarded(tmp_path):
    import os
    import re
    import zipfile

    from servqual.exceptions import OutputFileError

    labels = {"a": "=HYPERLINK(\"http://x\")", "b": "@SUM(A1)", "c": "+1+1"}
    path = write_ahp_form(["a", "b", "c"], tmp_path / "form.xlsx", lang="en", labels=labels)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/"))
    texts = re.findall(r"<t[^>]*>([^<]*)</t>", xml)
    assert texts and not any(t[:1] in "=+-@" for t in texts)
    assert "<f>" not in xml
    link = tmp_path / "link.xlsx"
    os.symlink(tmp_path / "elsewhere.xlsx", link)
    with pytest.raises(OutputFileError, match="link"):
        write_ahp_form(["a", "b"], link)
    with pytest.raises(OutputFileError):
        write_ahp_form(["a", "b"], path, inputs=[path])
