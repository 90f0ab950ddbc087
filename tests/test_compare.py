"""Group comparisons, waves, KPIs, satisfaction index and NPS: checked against pingouin and scipy."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from servqual.service.compare import (
    CompareResult,
    compare_groups,
    compare_waves,
    dimension_scores,
    kpi_attainment,
    nps,
    satisfaction_index,
)
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.survey.instrument import Instrument

DIMS = ["usefulness", "fun", "control", "economy", "personalization", "convenience", "security", "tangibles"]


def test_dimension_scores_match_psych_scale_scores(ref_case, kiosk, inst):
    sc = dimension_scores(kiosk, inst)
    ref = ref_case("kiosk_perception").ref["scale_scores"]
    assert_allclose(sc[DIMS].mean(), [ref["mean"][d] for d in DIMS], atol=1e-6)
    assert_allclose(sc[DIMS].std(), [ref["sd"][d] for d in DIMS], atol=1e-6)
    assert_allclose(sc["overall"], sc[DIMS].mean(axis=1), atol=1e-12)
    gap = dimension_scores(kiosk, inst, "gap")
    assert_allclose(gap["security"], sc["security"] - dimension_scores(kiosk, inst, "expectation")["security"], atol=1e-12)
    with pytest.raises(AnalysisError, match="neither 'gap' nor a block"):
        dimension_scores(kiosk, inst, "desired")


# ---------------------------------------------------------------------------------------------
# compare_groups
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["sex", "age_group", "use_frequency"])
def test_compare_groups_matches_pingouin_and_scipy_on_kiosk(kiosk, inst, by):
    if by == "age_group":
        # the two 30-39 respondents give the same usefulness score: Welch's weights are undefined there
        with pytest.warns(ServqualWarning, match="usefulness: 30-39"):
            res = compare_groups(kiosk, inst, by)
    else:
        res = compare_groups(kiosk, inst, by)
    assert isinstance(res, CompareResult)
    sc = dimension_scores(kiosk, inst)
    sc[by] = kiosk[by]
    t = res.table.set_index("dimension")
    for u in DIMS + ["overall"]:
        if by == "age_group" and u == "usefulness":
            assert np.isnan(t.loc[u, "welch_f"])
            with pytest.raises(ValueError, match="non-zero variance"):
                pg.welch_anova(data=sc, dv=u, between=by)
            wa = pd.Series({"F": np.nan, "ddof1": 3.0, "ddof2": np.nan, "p_unc": np.nan,
                            "np2": pg.anova(data=sc, dv=u, between=by)["np2"].iloc[0]})
        else:
            wa = pg.welch_anova(data=sc, dv=u, between=by).iloc[0]
        assert_allclose(t.loc[u, ["welch_f", "welch_df1", "welch_df2", "welch_pval", "eta_sq"]].to_numpy(float),
                        [wa["F"], wa["ddof1"], wa["ddof2"], wa["p_unc"], wa["np2"]], rtol=1e-6, atol=1e-6)
        groups = [g[u].to_numpy() for _, g in sc.groupby(by)]
        h, p = stats.kruskal(*groups)
        n = len(sc)
        assert_allclose(t.loc[u, ["kw_h", "kw_pval", "epsilon_sq"]].to_numpy(float), [h, p, h / (n - 1)], atol=1e-6)
        aov = pg.anova(data=sc, dv=u, between=by, detailed=True).set_index("Source")
        ssb, ssw, msw = aov.loc[by, "SS"], aov.loc["Within", "SS"], aov.loc["Within", "MS"]
        k = len(groups)
        assert_allclose(t.loc[u, "omega_sq"], (ssb - (k - 1) * msw) / (ssb + ssw + msw), atol=1e-6)
        gh = pg.pairwise_gameshowell(data=sc, dv=u, between=by)
        ours = res.posthoc[res.posthoc["dimension"] == u]
        assert ours["group_a"].tolist() == gh["A"].tolist() and ours["group_b"].tolist() == gh["B"].tolist()
        assert_allclose(ours[["diff", "se", "t", "df", "pval", "hedges_g"]].to_numpy(float),
                        gh[["diff", "se", "T", "df", "pval", "hedges"]].to_numpy(float), rtol=1e-6, atol=1e-6)
        gm = res.groups[res.groups["dimension"] == u]
        assert_allclose(gm["mean"], sc.groupby(by)[u].mean().to_numpy(), atol=1e-12)
    dm = (t.index != "overall") & t["welch_pval"].notna()
    assert_allclose(t.loc[dm, "welch_pval_holm"], pg.multicomp(t.loc[dm, "welch_pval"].to_numpy(), method="holm")[1], atol=1e-12)


def test_compare_groups_kiosk_findings(kiosk, inst):
    res = compare_groups(kiosk, inst, "use_frequency")
    t = res.table.set_index("dimension")
    # rare users rate personalization higher than monthly and weekly users
    assert t.loc["personalization", "welch_pval_holm"] < 0.01
    assert "2-3 times per 6 months or more > 2-3 times per week or more" in t.loc["personalization", "significant_pairs"]
    assert (t.drop(index="personalization")["welch_pval_holm"] > 0.05).all()


def test_group_with_one_respondent_is_left_out_with_a_warning(kiosk, inst):
    df = kiosk.copy()
    df.loc[df["age_group"] == "30-39", "age_group"] = "20-29"  # (their usefulness scores are equal)
    df.loc[5, "age_group"] = "60+"
    with pytest.warns(ServqualWarning, match=r"'60\+' \(n = 1\)"):
        res = compare_groups(df, inst, "age_group")
    assert res.dropped == ("60+",)
    assert "60+" not in set(res.groups["group"])
    only = df[df["age_group"].isin(["20-29", "60+"])]
    with pytest.warns(ServqualWarning), pytest.raises(AnalysisError, match="1 group"):
        compare_groups(only, inst, "age_group")
    with pytest.raises(AnalysisError, match="not in the data"):
        compare_groups(df, inst, "centre")


def test_constant_group_scores_warn(kiosk, inst):
    df = kiosk.copy()
    m = df["sex"] == "male"
    for c in inst.model("perception")["fun"]:
        df.loc[m, c] = 4
    with pytest.warns(ServqualWarning, match="fun: male"):
        res = compare_groups(df, inst, "sex")
    t = res.table.set_index("dimension")
    assert np.isnan(t.loc["fun", "welch_f"]) and np.isfinite(t.loc["fun", "kw_h"]) and np.isfinite(t.loc["usefulness", "welch_f"])


# ---------------------------------------------------------------------------------------------
# compare_waves
# ---------------------------------------------------------------------------------------------
def test_independent_waves_match_scipy_welch_t(kiosk, inst):
    before, after = kiosk[kiosk["sex"] == "male"], kiosk[kiosk["sex"] == "female"]
    out = compare_waves(before, after, inst).set_index("dimension")
    sb, sa = dimension_scores(before, inst), dimension_scores(after, inst)
    for u in DIMS + ["overall"]:
        r = stats.ttest_ind(sa[u], sb[u], equal_var=False)
        ci = r.confidence_interval(0.95)
        assert_allclose(out.loc[u, ["change", "t", "df", "pval", "ci_low", "ci_high"]].to_numpy(float),
                        [sa[u].mean() - sb[u].mean(), r.statistic, r.df, r.pvalue, ci.low, ci.high], atol=1e-6)
        g = pg.compute_effsize(sa[u], sb[u], eftype="hedges")
        assert_allclose(out.loc[u, "effect_size"], g, atol=1e-6)
    assert (out["effect_size_type"] == "hedges_g").all()
    assert out.loc["overall", "n_before"] == 52 and out.loc["overall", "n_after"] == 142


def test_paired_waves_match_scipy_ttest_rel(kiosk, inst):
    # second wave: the same respondents answering the IPA satisfaction items as "perception" in shuffled order
    rng = np.random.default_rng(3)
    after = kiosk.copy()
    for j in range(1, 25):
        after[f"sq{j:02d}_per"] = np.clip(kiosk[f"sq{j:02d}_per"] + rng.integers(-1, 3, len(kiosk)), 1, 7)
    after = after.sample(frac=1, random_state=1)
    out = compare_waves(kiosk, after, inst, paired=True).set_index("dimension")
    sb = dimension_scores(kiosk, inst).set_index(kiosk["respondent_id"])
    sa = dimension_scores(after, inst).set_index(after["respondent_id"]).loc[sb.index]
    for u in DIMS + ["overall"]:
        r = stats.ttest_rel(sa[u], sb[u])
        ci = r.confidence_interval()
        d = sa[u] - sb[u]
        assert_allclose(out.loc[u, ["change", "t", "df", "pval", "ci_low", "ci_high", "effect_size"]].to_numpy(float),
                        [d.mean(), r.statistic, r.df, r.pvalue, ci.low, ci.high, d.mean() / d.std()], rtol=1e-6, atol=1e-6)
    assert out["significant"].all()
    assert (out["effect_size_type"] == "cohen_dz").all()


def test_paired_waves_bad_input(kiosk, inst):
    after = kiosk.iloc[:150].copy()
    for j in range(1, 25):
        after[f"sq{j:02d}_per"] = np.clip(after[f"sq{j:02d}_per"] + np.resize([1, 0, -1, 1, 2], 150), 1, 7)
    with pytest.warns(ServqualWarning, match="44 only in the before wave, 0 only in the after wave"):
        out = compare_waves(kiosk, after, inst, paired=True)
    assert out["n_before"].iloc[0] == 150
    with pytest.warns(ServqualWarning, match="constant scores .* the t test is undefined"):
        same = compare_waves(kiosk, kiosk, inst, paired=True)
    assert (same["change"] == 0).all() and same["t"].isna().all()
    dup = kiosk.copy()
    dup.loc[1, "respondent_id"] = dup.loc[0, "respondent_id"]
    with pytest.raises(AnalysisError, match="duplicated respondent ids in the after wave: 1"):
        compare_waves(kiosk, dup, inst, paired=True)
    other = kiosk.assign(respondent_id=kiosk["respondent_id"] + 1000)
    with pytest.raises(AnalysisError, match="no respondent id appears in both waves"):
        compare_waves(kiosk, other, inst, paired=True)
    with pytest.raises(AnalysisError, match="at least 2"):
        compare_waves(kiosk.iloc[:1], kiosk, inst)


# ---------------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------------
def _kpi_instrument() -> Instrument:
    return Instrument.from_dict({
        "id": "after_sales", "scale": {"min": 1, "max": 5},
        "dimensions": [{"id": "d", "items": ["a1", "a2", "a3"]}],
        "kpis": [
            {"id": "response_hours", "name": {"zh": "响应时间", "en": "Response time"}, "column": "response_hours",
             "unit": "h", "direction": "lower_is_better", "target": "<= 24"},
            {"id": "repair_hours", "column": "repair_hours", "direction": "lower_is_better", "target": 72},
            {"id": "csat", "column": "csat", "direction": "higher_is_better", "target": ">= 90"},
            {"id": "calls", "column": "calls"},
        ],
    })


def _kpi_frame():
    return pd.DataFrame({
        "centre": ["north"] * 6 + ["south"] * 6,
        # north meets 24 h on average, south misses it clearly
        "response_hours": [10, 20, 30, 12, 18, 22, 40, 50, 45, 38, 60, 41],
        # repair: overall mean 73 vs <= 72: a 1.4 % shortfall, within the 5 % tolerance -> amber
        "repair_hours": [70, 75, 72, 74, 73, 76, 71, 74, 72, 73, 75, 71],
        "csat": [95, 92, 88, 91, 96, 94, 85, 80, 91, 70, 75, 82],
        "calls": [3, 4, 5, 2, 1, 3, 4, 4, 5, 6, 2, 3],
    })


def test_kpi_attainment_rates_tests_and_traffic_lights():
    inst, df = _kpi_instrument(), _kpi_frame()
    out = kpi_attainment(df, inst, by="centre").set_index(["kpi", "segment"])
    x = df["response_hours"]
    r = stats.ttest_1samp(x, 24)
    row = out.loc[("response_hours", "all")]
    assert_allclose([row["attainment_rate"], row["mean"], row["t"], row["pval"]], [(x <= 24).mean(), x.mean(), r.statistic, r.pvalue], atol=1e-10)
    assert_allclose(row["pval_shortfall"], stats.ttest_1samp(x, 24, alternative="greater").pvalue, atol=1e-10)
    assert row["name_zh"] == "响应时间" and row["target_op"] == "<=" and row["target"] == 24
    assert out.loc[("response_hours", "north"), "status"] == "green"
    assert out.loc[("response_hours", "south"), "status"] == "red"
    assert out.loc[("repair_hours", "all"), "status"] == "amber"
    csat_s = df.loc[df["centre"] == "south", "csat"]
    assert_allclose(out.loc[("csat", "south"), "pval_shortfall"], stats.ttest_1samp(csat_s, 90, alternative="less").pvalue, atol=1e-10)
    assert out.loc[("csat", "south"), "status"] == "red"
    assert out.loc[("csat", "north"), "status"] == "green"
    assert out.loc[("calls", "all"), "status"] == "no target" and np.isnan(out.loc[("calls", "all"), "attainment_rate"])


def test_kpi_amber_when_the_shortfall_is_not_significant():
    inst = _kpi_instrument()
    df = _kpi_frame()
    df["response_hours"] = [10, 50, 12, 45, 20, 30, 15, 40, 22, 35, 18, 60]  # mean 29.75 > 24, noisy
    out = kpi_attainment(df, inst).set_index("kpi")
    assert out.loc["response_hours", "pval_shortfall"] > 0.05
    assert out.loc["response_hours", "status"] == "amber"


def test_kpi_bad_input(kiosk, inst):
    with pytest.raises(AnalysisError, match="defines no KPIs"):
        kpi_attainment(kiosk, inst)
    df = _kpi_frame()
    with pytest.raises(AnalysisError, match=r"repair_hours \(repair_hours\)"):
        kpi_attainment(df.drop(columns="repair_hours"), _kpi_instrument())
    df.loc[0, "centre"] = "west"
    with pytest.warns(ServqualWarning, match="response_hours/west"):
        kpi_attainment(df, _kpi_instrument(), by="centre")


# ---------------------------------------------------------------------------------------------
# satisfaction index and NPS
# ---------------------------------------------------------------------------------------------
def test_satisfaction_index_equal_and_importance_weights(kiosk, inst):
    res = satisfaction_index(kiosk, inst)
    sc = dimension_scores(kiosk, inst)
    t = res.table.set_index("dimension")
    expected_dim = (sc[DIMS].mean() - 1) / 6 * 100
    assert_allclose(t.loc[DIMS, "index"], expected_dim, atol=1e-10)
    assert_allclose(t.loc["overall", "index"], expected_dim.mean(), atol=1e-10)
    csi = ((sc[DIMS] - 1) / 6 * 100).mean(axis=1)
    ci = stats.ttest_1samp(csi, 0).confidence_interval()
    assert_allclose(t.loc["overall", ["ci_low", "ci_high"]].to_numpy(float), [ci.low, ci.high], atol=1e-6)
    assert_allclose(res.scores, csi, atol=1e-10)
    imp = satisfaction_index(kiosk, inst, weights="importance").table.set_index("dimension")
    w = pd.Series({d: kiosk[inst.model("importance")[d]].to_numpy().mean() for d in DIMS})
    w = w / w.sum()
    assert_allclose(imp.loc[DIMS, "weight"], w[DIMS], atol=1e-12)
    assert_allclose(imp.loc["overall", "index"], (w * expected_dim).sum(), atol=1e-10)
    by = satisfaction_index(kiosk, inst, by="sex").table
    male = by[(by["segment"] == "male") & (by["dimension"] == "overall")].iloc[0]
    assert male["n"] == 52
    assert_allclose(male["index"], csi[kiosk["sex"] == "male"].mean(), atol=1e-10)


def test_satisfaction_index_hand_worked():
    inst = Instrument.from_dict({"id": "s", "scale": {"min": 1, "max": 5},
                                 "dimensions": [{"id": "x", "items": ["x1", "x2", "x3"]},
                                                {"id": "y", "items": ["y1", "y2", "y3"]}]})
    df = pd.DataFrame({"x1": [5, 1], "x2": [5, 1], "x3": [5, 1], "y1": [3, 3], "y2": [3, 3], "y3": [3, 3]}, dtype=float)
    # respondent 1: x = 100, y = 50; respondent 2: x = 0, y = 50. Weights 3:1 -> 87.5 and 12.5, mean 50
    res = satisfaction_index(df, inst, weights={"x": 3, "y": 1})
    assert_allclose(res.scores, [87.5, 12.5], atol=1e-12)
    t = res.table.set_index("dimension")
    assert_allclose(t.loc[["x", "y", "overall"], "index"], [50, 50, 50], atol=1e-12)
    with pytest.raises(AnalysisError, match="needs an importance block"):
        satisfaction_index(df, inst, weights="importance")


def test_nps_hand_worked_and_bad_input(kiosk, inst):
    df = pd.DataFrame({"rec": [10, 9, 8, 7, 6, 0, 10, 3, 9, 5], "g": list("aaaaabbbbb")})
    out = nps(df, "rec", by="g").set_index("segment")
    # all: promoters 10, 9, 10, 9 = 0.4; detractors 6, 0, 3, 5 = 0.4 -> NPS 0, se = 100 sqrt(0.8 / 10)
    assert_allclose(out.loc["all", ["promoters", "passives", "detractors", "nps", "se"]].to_numpy(float),
                    [0.4, 0.2, 0.4, 0.0, 100 * np.sqrt(0.08)], atol=1e-12)
    assert_allclose(out.loc["a", "nps"], 100 * (2 / 5 - 1 / 5), atol=1e-12)
    z = stats.norm.ppf(0.975)
    assert_allclose(out.loc["all", "ci_high"], z * 100 * np.sqrt(0.08), atol=1e-12)
    with pytest.raises(AnalysisError, match="outside the 0-10 scale: 11"):
        nps(df.assign(rec=df["rec"].replace(0, 11)), "rec")
    with pytest.raises(AnalysisError, match="1-5 scale"):
        nps(kiosk, "recommend_intention", instrument=inst)
    with pytest.warns(ServqualWarning, match="no answer above 5"):
        nps(kiosk, "recommend_intention")
    with pytest.raises(AnalysisError, match="not in the data"):
        nps(df, "nps")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nps(df, "rec")


# ---------------------------------------------------------------------------------------------
# the result contract: confidence (alias ci), notes in both languages
# ---------------------------------------------------------------------------------------------
def test_confidence_and_its_alias_ci_in_every_comparison(kiosk, inst):
    a = compare_groups(kiosk, inst, by="sex", confidence=0.9)
    b = compare_groups(kiosk, inst, by="sex", ci=0.9)
    pd.testing.assert_frame_equal(a.groups, b.groups)
    assert a.confidence == a.ci == 0.9
    g = a.groups.iloc[0]
    assert_allclose(g["ci_high"] - g["mean"], stats.t.ppf(0.95, g["n"] - 1) * g["se"], atol=1e-12)
    half = kiosk.iloc[:100], kiosk.iloc[100:]
    pd.testing.assert_frame_equal(compare_waves(*half, inst, confidence=0.9), compare_waves(*half, inst, ci=0.9))
    si = satisfaction_index(kiosk, inst, confidence=0.9)
    pd.testing.assert_frame_equal(si.table, satisfaction_index(kiosk, inst, ci=0.9).table)
    assert si.confidence == si.ci == 0.9
    rec = kiosk.assign(r=np.arange(len(kiosk)) % 11)
    pd.testing.assert_frame_equal(nps(rec, "r", confidence=0.9), nps(rec, "r", ci=0.9))
    with pytest.raises(ValueError, match="ci must be a confidence level"):
        compare_groups(kiosk, inst, by="sex", ci=2)
    with pytest.raises(TypeError, match="give the confidence level once"):
        satisfaction_index(kiosk, inst, confidence=0.8, ci=0.9)


def test_comparison_notes_in_chinese_and_english(kiosk, inst):
    for res in (compare_groups(kiosk, inst, by="sex"), satisfaction_index(kiosk, inst, weights="importance")):
        en, zh = res.notes(), res.notes("zh")
        assert len(en) == len(zh) and en != zh
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in zh)
    assert satisfaction_index(kiosk, inst).notes("zh")[0].startswith("指数 ")
