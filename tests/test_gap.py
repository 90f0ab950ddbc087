"""SERVQUAL gap analysis: checked against scipy / pingouin / statsmodels, R psych alphas and hand-worked cases."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.multitest import multipletests

from servqual.survey.datasets import dataset_path
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.service.gap import GapResult, gap_analysis, holm, zone_of_tolerance
from servqual.survey.instrument import Instrument, load_instrument

DIMS = ["usefulness", "fun", "control", "economy", "personalization", "convenience", "security", "tangibles"]


@pytest.fixture(scope="module")
def res(kiosk, inst):
    return gap_analysis(kiosk, inst)


def _ep(kiosk, j):
    return kiosk[f"sq{j:02d}_exp"].to_numpy(float), kiosk[f"sq{j:02d}_per"].to_numpy(float)


# ---------------------------------------------------------------------------------------------
# the questionnaire file
# ---------------------------------------------------------------------------------------------
def test_kiosk_instrument_loads_without_warning_and_maps_every_column():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inst = load_instrument("kiosk")
    assert inst.dimension_ids == DIMS
    assert [b.role for b in inst.blocks] == ["expectation", "perception", "importance", "performance"]
    assert inst.analysis_block == "per"
    model = json.loads((Path(__file__).parent / "reference/oracle/models/kiosk_perception.json").read_text())
    assert inst.model("perception") == model["constructs"]
    assert inst.model("expectation") == {d: [c.replace("_per", "_exp") for c in cs] for d, cs in model["constructs"].items()}
    assert inst.model("importance")["tangibles"] == ["ipa22_imp", "ipa23_imp", "ipa24_imp"]
    assert inst.model("performance")["usefulness"] == ["ipa01_sat", "ipa02_sat", "ipa03_sat"]
    data = pd.read_csv(dataset_path("kiosk"))
    described = set(inst.column_specs()["column"])
    assert described <= set(data.columns)
    assert set(data.columns) - described == {"kiosk_types_used", "use_motives"}
    assert {o.id: o.kind for o in inst.outcomes} == {"overall_sat1": "satisfaction", "overall_sat2": "satisfaction",
                                                    "reuse_intention": "loyalty", "recommend_intention": "loyalty"}
    assert all((inst.scale_of(o).min, inst.scale_of(o).max) == (1, 5) for o in inst.outcomes)
    assert inst.respondent_id == "respondent_id"
    assert list(inst.segments) == ["sex", "age_group", "use_frequency", "in_authors_analysis_sample"]
    for q in inst.all_questions:
        assert q.text.zh and q.text.en, q.id
    for d in inst.dimensions:
        assert d.name.zh and d.name.en
    for b in inst.blocks:
        assert b.text.zh and b.text.en


def test_gap_accepts_read_responses_output(inst):
    from servqual.survey.io import read_responses

    r = read_responses(dataset_path("kiosk"), inst)
    sample = r.data[r.data["in_authors_analysis_sample"] == 1]
    out = gap_analysis(r, inst)  # the 4 never-users are incomplete and left out
    assert out.n == 207 and out.n_dropped == 4
    assert_allclose(gap_analysis(sample, inst).table["gap"].iloc[-1], -1.159364261168385, atol=1e-9)


# ---------------------------------------------------------------------------------------------
# the numbers stated in the data set's README
# ---------------------------------------------------------------------------------------------
def test_kiosk_readme_numbers_are_reproduced(res):
    t = res.table
    items = t[t["level"] == "item"]
    assert round(items["gap"].mean(), 2) == -1.16
    assert round(t.loc[t["level"] == "overall", "gap"].iloc[0], 2) == -1.16
    pos = items[items["gap"] > 0]
    assert pos["item"].tolist() == ["q04"] and round(pos["gap"].iloc[0], 2) == 0.31
    dims = t[t["level"] == "dimension"].sort_values("gap")
    assert dims["dimension"].iloc[0] == "security" and round(dims["gap"].iloc[0], 2) == -1.81
    worst = items.sort_values("gap")["item"].head(3).tolist()
    assert worst == ["q23", "q15", "q16"]
    assert round(items.set_index("item").loc["q23", "gap"], 2) == -2.09
    assert isinstance(res, GapResult) and "security" in res.summary()


# ---------------------------------------------------------------------------------------------
# item rows against scipy
# ---------------------------------------------------------------------------------------------
def test_item_gaps_match_scipy_ttest_rel_on_kiosk(res, kiosk):
    items = res.table[res.table["level"] == "item"].reset_index(drop=True)
    for j in range(1, 25):
        e, p = _ep(kiosk, j)
        r = stats.ttest_rel(p, e)
        ci = r.confidence_interval(0.95)
        row = items.iloc[j - 1]
        assert row["item"] == f"q{j:02d}" and row["n"] == 194
        assert_allclose([row["expectation"], row["perception"], row["gap"], row["gap_sd"]],
                        [e.mean(), p.mean(), (p - e).mean(), (p - e).std(ddof=1)], atol=1e-10)
        assert_allclose([row["t"], row["df"], row["ci_low"], row["ci_high"]], [r.statistic, r.df, ci.low, ci.high], atol=1e-6)
        assert_allclose(row["pval"], r.pvalue, rtol=1e-6, atol=1e-300)
        assert_allclose(row["cohen_dz"], (p - e).mean() / (p - e).std(ddof=1), atol=1e-12)


def test_item_wilcoxon_matches_scipy_normal_approximation_on_kiosk(res, kiosk):
    items = res.table[res.table["level"] == "item"].reset_index(drop=True)
    for j in range(1, 25):
        e, p = _ep(kiosk, j)
        d = p - e
        # kiosk gaps have zeros and ties: R's wilcox.test uses the corrected normal approximation
        two = stats.wilcoxon(d, zero_method="wilcox", correction=True, method="asymptotic")
        v = stats.wilcoxon(d, zero_method="wilcox", alternative="greater", method="asymptotic").statistic
        assert_allclose(items.loc[j - 1, "wilcoxon_pval"], two.pvalue, rtol=1e-6, atol=1e-300)
        assert_allclose(items.loc[j - 1, "wilcoxon_stat"], v, atol=1e-9)


def test_wilcoxon_exact_when_no_ties_like_r():
    # 10 distinct non-zero differences, one negative with the smallest |d|: V = 55 - 1 = 54 and the
    # exact two-sided p is 2 * P(V <= 1) = 2 * 2 / 2^10 (R wilcox.test: V = 54, p-value = 0.003906)
    inst = _small_instrument()
    e = np.full(10, 4.0)
    diffs = np.array([1.1, 2.2, 3.3, 0.4, 0.5, 1.6, 2.7, 0.8, -0.05, 1.9])  # continuous gaps, no ties
    df = _small_frame(e, e + diffs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ServqualWarning)
        out = gap_analysis(df, inst).table
    row = out[out["item"] == "a1"].iloc[0]
    assert row["wilcoxon_stat"] == 54.0
    exact = stats.wilcoxon(diffs, method="exact")
    assert_allclose(row["wilcoxon_pval"], exact.pvalue, atol=1e-12)
    assert_allclose(row["wilcoxon_pval"], 2 * 2 / 1024, atol=1e-12)


def test_holm_matches_statsmodels(res):
    items = res.table[res.table["level"] == "item"]
    assert_allclose(items["pval_holm"], multipletests(items["pval"], method="holm")[1], atol=1e-12)
    dims = res.table[res.table["level"] == "dimension"]
    assert_allclose(dims["pval_holm"], multipletests(dims["pval"], method="holm")[1], atol=1e-12)
    p = np.array([0.01, np.nan, 0.04, 0.03])
    assert_allclose(holm(p), [0.03, np.nan, 0.06, 0.06], atol=1e-12)


def test_dimension_and_overall_rows_are_score_level_paired_tests(res, kiosk, inst):
    t = res.table
    for d in DIMS:
        e = kiosk[inst.model("expectation")[d]].mean(axis=1).to_numpy()
        p = kiosk[inst.model("perception")[d]].mean(axis=1).to_numpy()
        r = stats.ttest_rel(p, e)
        row = t[(t["level"] == "dimension") & (t["dimension"] == d)].iloc[0]
        assert row["item"] == ""
        assert_allclose([row["gap"], row["t"]], [(p - e).mean(), r.statistic], atol=1e-6)
        items = t[(t["level"] == "item") & (t["dimension"] == d)]
        assert_allclose(row["gap"], items["gap"].mean(), atol=1e-12)
    e = kiosk[[c for cs in inst.model("expectation").values() for c in cs]].mean(axis=1)
    p = kiosk[[c for cs in inst.model("perception").values() for c in cs]].mean(axis=1)
    ov = t[t["level"] == "overall"].iloc[0]
    assert_allclose(ov["t"], stats.ttest_rel(p, e).statistic, atol=1e-6)


def test_hand_worked_paired_gap():
    # E = 5, 6, 7, 6; P = 4, 6, 5, 5 -> G = -1, 0, -2, -1: mean -1, sd = sqrt(2/3), t = -1 / (sd / 2)
    inst = _small_instrument()
    e = np.array([5, 6, 7, 6.0])
    p = np.array([4, 6, 5, 5.0])
    df = _small_frame(e, p)
    out = gap_analysis(df, inst).table
    row = out[out["item"] == "a1"].iloc[0]
    sd = np.sqrt(2 / 3)
    assert_allclose([row["gap"], row["gap_sd"], row["t"], row["df"], row["cohen_dz"]],
                    [-1, sd, -1 / (sd / 2), 3, -1 / sd], atol=1e-12)
    half = stats.t.ppf(0.975, 3) * sd / 2
    assert_allclose([row["ci_low"], row["ci_high"]], [-1 - half, -1 + half], atol=1e-12)


# ---------------------------------------------------------------------------------------------
# reliability of the gap (Peter, Churchill & Brown 1993)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug,col", [("kiosk_perception", "alpha_p"), ("kiosk_expectation", "alpha_e")])
def test_alpha_of_e_and_p_matches_psych_on_kiosk(ref_case, res, slug, col):
    case = ref_case(slug)
    rel = res.reliability.set_index("dimension")
    for d in DIMS:
        assert_allclose(rel.loc[d, col], case.ref["sets"][d]["alpha"]["raw_alpha"], atol=1e-6)
    assert_allclose(rel.loc["overall", col], case.ref["sets"]["all"]["alpha"]["raw_alpha"], atol=1e-6)
    if slug == "kiosk_perception":
        for d in DIMS:
            assert_allclose(rel.loc[d, "sd_p"], case.ref["scale_scores"]["sd"][d], atol=1e-6)


def test_difference_score_reliability_matches_direct_computation(res, kiosk, inst):
    rel = res.reliability.set_index("dimension")
    for d in DIMS:
        ecols, pcols = inst.model("expectation")[d], inst.model("perception")[d]
        E, P = kiosk[ecols], kiosk[pcols]
        G = pd.DataFrame(P.to_numpy() - E.to_numpy())
        a_e, a_p, a_g = (pg.cronbach_alpha(data=x)[0] for x in (E, P, G))
        se, sp = E.mean(axis=1).std(), P.mean(axis=1).std()
        r = np.corrcoef(E.mean(axis=1), P.mean(axis=1))[0, 1]
        expected = (sp**2 * a_p + se**2 * a_e - 2 * r * sp * se) / (sp**2 + se**2 - 2 * r * sp * se)
        assert_allclose(rel.loc[d, ["alpha_e", "alpha_p", "alpha_g", "sd_e", "sd_p", "r_ep", "reliability_gap"]].to_numpy(float),
                        [a_e, a_p, a_g, se, sp, r, expected], atol=1e-6)
    # security: weakly correlated E and P keep the gap reliable; tangibles do not
    assert rel.loc["security", "reliability_gap"] > 0.8 and rel.loc["tangibles", "reliability_gap"] < 0.4


# ---------------------------------------------------------------------------------------------
# weighted SERVQUAL and SERVPERF
# ---------------------------------------------------------------------------------------------
def test_weighted_servqual_with_stated_importance(res, kiosk, inst):
    w = res.weighted.set_index("dimension")
    imp = pd.Series({d: kiosk[inst.model("importance")[d]].to_numpy().mean() for d in DIMS})
    assert_allclose(w.loc[DIMS, "importance"], imp[DIMS], atol=1e-12)
    assert_allclose(w.loc[DIMS, "weight"], imp[DIMS] / imp.sum(), atol=1e-12)
    assert_allclose(w.loc["total", "gap"], (w.loc[DIMS, "weight"] * w.loc[DIMS, "gap"]).sum(), atol=1e-12)
    g = sum((kiosk[inst.model("perception")[d]].mean(axis=1) - kiosk[inst.model("expectation")[d]].mean(axis=1))
            * w.loc[d, "weight"] for d in DIMS)
    r = stats.ttest_1samp(g, 0)
    assert_allclose([w.loc["total", "t"], w.loc["total", "ci_low"]], [r.statistic, r.confidence_interval().low], atol=1e-6)
    assert "importance" in res.weight_source


def test_weighted_servqual_with_given_weights(kiosk, inst, res):
    by_dim = pd.Series(np.arange(1, 9, dtype=float), index=DIMS)
    out = gap_analysis(kiosk, inst, weights=by_dim).weighted.set_index("dimension")
    assert_allclose(out.loc[DIMS, "weight"], by_dim / by_dim.sum(), atol=1e-12)
    assert out["importance"].isna().all()
    # item weights (e.g. from the weighting functions) are summed within dimensions
    by_item = pd.Series(1.0, index=[f"sq{j:02d}_per" for j in range(1, 25)])
    by_item["sq19_per"] = 4.0
    out2 = gap_analysis(kiosk, inst, weights=by_item).weighted.set_index("dimension")
    assert_allclose(out2.loc["security", "weight"], 6 / 27, atol=1e-12)
    eq = gap_analysis(kiosk, inst, weights="equal").weighted.set_index("dimension")
    assert_allclose(eq.loc["total", "gap"], res.table["gap"].iloc[-1], atol=1e-12)
    with pytest.raises(AnalysisError, match="neither a dimension"):
        gap_analysis(kiosk, inst, weights=pd.Series({"nope": 1.0}))
    with pytest.raises(AnalysisError, match="non-negative"):
        gap_analysis(kiosk, inst, weights=by_dim * -1)


def test_servperf_scores_are_perception_means_with_t_intervals(res, kiosk, ref_case):
    sp = res.servperf
    case = ref_case("kiosk_perception")
    items = sp[sp["level"] == "item"]
    for j, row in enumerate(items.itertuples()):
        col = f"sq{j + 1:02d}_per"
        assert_allclose([row.mean, row.sd], [case.ref["descriptives"]["items"][col]["mean"],
                                             case.ref["descriptives"]["items"][col]["sd"]], atol=1e-6)
        ci = stats.ttest_1samp(kiosk[col], 0).confidence_interval()
        assert_allclose([row.ci_low, row.ci_high], [ci.low, ci.high], atol=1e-6)
    dims = sp[sp["level"] == "dimension"].set_index("dimension")
    for d in DIMS:
        assert_allclose(dims.loc[d, "mean"], case.ref["scale_scores"]["mean"][d], atol=1e-6)


# ---------------------------------------------------------------------------------------------
# zone of tolerance
# ---------------------------------------------------------------------------------------------
def _zot_instrument() -> Instrument:
    return Instrument.from_dict({
        "id": "zot", "scale": {"min": 1, "max": 9},
        "blocks": [
            {"id": "min", "role": "adequate", "column": "{id}_min"},
            {"id": "des", "role": "desired", "column": "{id}_des"},
            {"id": "per", "role": "perception", "column": "{id}_per"},
            {"id": "exp", "role": "expectation", "column": "{id}_exp"},
        ],
        "dimensions": [
            {"id": "reliability", "items": ["r1", "r2", "r3"]},
            {"id": "empathy", "items": ["e1", "e2", "e3"]},
        ],
    })


def _zot_frame():
    rng = np.random.default_rng(7)
    rows = {}
    base = {"r1": (5, 8, 4), "r2": (5, 8, 6), "r3": (4, 7, 8), "e1": (6, 8, 7), "e2": (3, 6, 5), "e3": (5, 9, 6)}
    for it, (a, d, p) in base.items():
        noise = np.array([-1, 0, 1, 0])
        rows[f"{it}_min"] = a + noise
        rows[f"{it}_des"] = d + noise[::-1]
        rows[f"{it}_per"] = p + np.array([0, 1, -1, 0])
        rows[f"{it}_exp"] = d - rng.permutation([0, 1, 1, 0])
    return pd.DataFrame(rows).astype(float)


def test_zone_of_tolerance_hand_made():
    inst, df = _zot_instrument(), _zot_frame()
    z = zone_of_tolerance(df, inst).set_index("item")
    # r1: adequate 5, desired 8, perception 4 -> below; r2: 6 in [5, 8] -> within; r3: 8 > 7 -> above
    assert_allclose(z.loc["r1", ["adequate", "desired", "perception", "zot_width", "msa", "mss"]].to_numpy(float),
                    [5, 8, 4, 3, -1, -4], atol=1e-12)
    assert z.loc["r1", "position"] == "below" and z.loc["r2", "position"] == "within" and z.loc["r3", "position"] == "above"
    assert_allclose(z.loc["r2", "zot_position"], 1 / 3, atol=1e-12)
    zd = zone_of_tolerance(df, inst)
    rel = zd[zd["level"] == "dimension"].set_index("dimension")
    assert_allclose(rel.loc["reliability", "msa"], np.mean([-1, 1, 4]), atol=1e-12)
    # gap_analysis carries it along
    res = gap_analysis(df, inst)
    assert "Zone of tolerance" in res.tables()
    assert any("below the adequate level" in n for n in res.notes())


def test_zone_of_tolerance_inverted_zone_warns():
    inst, df = _zot_instrument(), _zot_frame()
    df["r1_min"], df["r1_des"] = df["r1_des"].copy(), df["r1_min"].copy()
    with pytest.warns(ServqualWarning, match="r1"):
        zone_of_tolerance(df, inst)


def test_zone_of_tolerance_needs_adequate_and_desired(kiosk, inst):
    with pytest.raises(AnalysisError, match="adequate block"):
        zone_of_tolerance(kiosk, inst)
    assert gap_analysis(kiosk, inst).zone.empty


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
def _small_instrument() -> Instrument:
    return Instrument.from_dict({
        "id": "small", "scale": {"min": 1, "max": 7},
        "blocks": [{"id": "e", "role": "expectation", "column": "{id}_e"},
                   {"id": "p", "role": "perception", "column": "{id}_p"}],
        "dimensions": [{"id": "d1", "items": ["a1", "a2", "a3"]}, {"id": "d2", "items": ["b1", "b2", "b3"]}],
    })


def _small_frame(e1, p1):
    n = len(e1)
    rng = np.random.default_rng(1)
    df = {"a1_e": e1, "a1_p": p1}
    for it in ["a2", "a3", "b1", "b2", "b3"]:
        df[f"{it}_e"] = rng.integers(3, 8, n).astype(float)
        df[f"{it}_p"] = rng.integers(1, 8, n).astype(float)
    return pd.DataFrame(df)


def test_missing_expectation_block_in_instrument_is_a_clear_error(kiosk):
    perf_only = Instrument.from_dict({
        "id": "perf", "scale": {"min": 1, "max": 7},
        "blocks": [{"id": "per", "role": "perception", "column": "{id}_per"}],
        "dimensions": [{"id": "d", "items": ["sq01", "sq02", "sq03"]}],
    })
    with pytest.raises(AnalysisError, match="needs an expectation block"):
        gap_analysis(kiosk, perf_only)


def test_block_missing_from_data_is_a_clear_error(kiosk, inst):
    no_e = kiosk.drop(columns=[c for c in kiosk.columns if c.endswith("_exp")])
    with pytest.raises(AnalysisError, match="expectation block 'exp' is missing from the data"):
        gap_analysis(no_e, inst)
    with pytest.raises(AnalysisError, match=r"q03 \(sq03_exp\)"):
        gap_analysis(kiosk.drop(columns=["sq03_exp"]), inst)


def test_unpaired_answers_warn_naming_items(kiosk, inst):
    df = kiosk.copy()
    df.loc[[0, 1], "sq05_per"] = np.nan
    df.loc[3, "sq17_exp"] = np.nan
    with pytest.warns(ServqualWarning, match=r"q05 \(2 row\(s\)\).*q17 \(1 row\(s\)\)"):
        out = gap_analysis(df, inst)
    assert out.n == 191 and out.n_dropped == 3
    with pytest.warns(ServqualWarning):
        pw = gap_analysis(df, inst, nan_policy="pairwise").table.set_index("item")
    assert pw.loc["q05", "n"] == 192 and pw.loc["q01", "n"] == 194


def test_constant_differences_warn_and_leave_t_undefined():
    inst = _small_instrument()
    e = np.array([5, 6, 7, 4.0])
    with pytest.warns(ServqualWarning, match=r"a1 \(every gap = -1\)"):
        out = gap_analysis(_small_frame(e, e - 1), inst).table
    row = out[out["item"] == "a1"].iloc[0]
    assert row["gap"] == -1 and row["gap_sd"] == 0 and np.isnan(row["t"]) and np.isnan(row["cohen_dz"])
    assert not out.loc[out["item"] == "a2", ["t", "pval"]].isna().any(axis=None)


def test_too_few_rows_is_an_error():
    inst = _small_instrument()
    with pytest.raises(AnalysisError, match="at least 2"):
        gap_analysis(_small_frame(np.array([5.0]), np.array([4.0])), inst)


def test_item_at_the_ceiling_for_everyone_warns_and_keeps_alpha_defined(kiosk, inst):
    df = kiosk.copy()
    df["sq19_exp"] = 7.0
    with pytest.warns(ServqualWarning, match=r"q19 \(E\)"):
        rel = gap_analysis(df, inst).reliability.set_index("dimension")
    c = df[["sq19_exp", "sq20_exp", "sq21_exp"]].cov().to_numpy()
    assert_allclose(rel.loc["security", "alpha_e"], 1.5 * (1 - np.trace(c) / c.sum()), atol=1e-12)


# ---------------------------------------------------------------------------------------------
# the result contract: confidence (alias ci), notes in both languages
# ---------------------------------------------------------------------------------------------
def test_confidence_and_its_alias_ci(kiosk, inst):
    a = gap_analysis(kiosk, inst, confidence=0.9)
    b = gap_analysis(kiosk, inst, ci=0.9)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.confidence == a.ci == b.confidence == 0.9
    s = a.table[a.table["level"] == "overall"].iloc[0]
    assert_allclose(s["ci_high"] - s["gap"], stats.t.ppf(0.95, s["n"] - 1) * s["se"], atol=1e-12)
    assert "90% CI" in a.notes()[1] and "90% CI" in a.notes("zh")[1]
    with pytest.raises(ValueError, match="confidence must be a confidence level"):
        gap_analysis(kiosk, inst, confidence=95)
    with pytest.raises(ValueError, match="ci must be a confidence level"):
        gap_analysis(kiosk, inst, ci=1.5)
    with pytest.raises(TypeError, match="give the confidence level once"):
        gap_analysis(kiosk, inst, confidence=0.9, ci=0.99)


def test_gap_notes_in_chinese_and_english(res):
    en, zh = res.notes(), res.notes(lang="zh")
    assert len(en) == len(zh) and en != zh
    assert en[0].startswith(f"{res.n} respondents") and zh[0].startswith(f"{res.n} 位受访者")
    assert "总体差距" in zh[1]
    assert "Holm" in res.summary(lang="zh")
    with pytest.raises(ValueError, match="lang must be"):
        res.notes("fr")
