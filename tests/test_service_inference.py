"""The shared tests of the service floor: Welch t, Welch ANOVA, Games-Howell, Holm, Hedges' g, segments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.multitest import multipletests

from servqual.exceptions import AnalysisError
from servqual.service.inference import (
    confidence_level,
    games_howell,
    hedges_g,
    holm,
    holm_by_level,
    one_sample,
    segments,
    welch_anova,
    welch_t,
)

RNG = np.random.default_rng(3)
A, B, C = RNG.normal(0, 1, 30), RNG.normal(0.5, 2, 25), RNG.normal(0.2, 1.5, 18)


def test_welch_t_matches_scipy():
    r = welch_t(A, B, confidence=0.9)
    ref = stats.ttest_ind(A, B, equal_var=False)
    assert_allclose([r["t"], r["pval"], r["df"]], [ref.statistic, ref.pvalue, ref.df], rtol=1e-12)
    lo, hi = ref.confidence_interval(0.9)
    assert_allclose([r["ci_low"], r["ci_high"]], [lo, hi], rtol=1e-10)
    flat = welch_t(np.ones(3), np.ones(4))
    assert flat["se"] == 0 and np.isnan(flat["t"]) and np.isnan(flat["pval"]) and np.isnan(flat["df"])


def test_one_sample_matches_scipy():
    r = one_sample(np.append(A, np.nan), confidence=0.95, null=0.1)
    ref = stats.ttest_1samp(A, 0.1)
    assert r["n"] == A.size
    assert_allclose([r["t"], r["pval"]], [ref.statistic, ref.pvalue], rtol=1e-12)
    assert_allclose([r["ci_low"], r["ci_high"]], stats.ttest_1samp(A, 0).confidence_interval(0.95), rtol=1e-10)


def test_welch_anova_and_games_howell_match_pingouin():
    df = pd.DataFrame({"y": np.concatenate([A, B, C]), "g": ["a"] * A.size + ["b"] * B.size + ["c"] * C.size})
    f, d1, d2, p = welch_anova([A, B, C])
    ref = pg.welch_anova(df, dv="y", between="g").iloc[0]
    assert_allclose([f, d1, d2, p], [ref["F"], ref["ddof1"], ref["ddof2"], ref["p_unc"] if "p_unc" in ref else ref["p-unc"]],
                    rtol=1e-8)
    gh = pg.pairwise_gameshowell(df, dv="y", between="g").set_index(["A", "B"])
    r = games_howell(A, B, 3)
    row = gh.loc[("a", "b")]
    assert_allclose([r["diff"], r["se"], r["t"], r["df"], r["pval"]],
                    [row["diff"], row["se"], row["T"], row["df"], row["pval"]], rtol=1e-6)


def test_hedges_g_matches_pingouin():
    assert_allclose(hedges_g(A, B), pg.compute_effsize(A, B, eftype="hedges"), rtol=1e-2)
    assert np.isnan(hedges_g(np.ones(3), np.ones(3)))


def test_holm_and_holm_by_level_match_statsmodels():
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.005])
    assert_allclose(holm(p), multipletests(p, method="holm")[1], atol=1e-15)
    level = ["item", "item", "dimension", "dimension", "overall"]
    out = holm_by_level(p, level)
    assert_allclose(out[:2], multipletests(p[:2], method="holm")[1])
    assert_allclose(out[2:4], multipletests(p[2:4], method="holm")[1])
    assert out[4] == p[4]


def test_confidence_level_and_segments():
    assert confidence_level() == 0.95 and confidence_level(0.9) == 0.9 and confidence_level(ci=0.8) == 0.8
    with pytest.raises(ValueError, match="confidence must be"):
        confidence_level(True)
    df = pd.DataFrame({"c": ["b", "a", None, "b"]})
    segs = segments(df, "c")
    assert [lab for lab, _ in segs] == ["all", "a", "b"]
    assert segs[0][1].all() and segs[2][1].tolist() == [True, False, False, True]
    assert [lab for lab, _ in segments(df, None)] == ["all"]
    with pytest.raises(AnalysisError, match="segment column 'x'"):
        segments(df, "x")
