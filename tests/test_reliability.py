"""Reliability statistics against R psych 2.2.9 (tests/reference/<slug>.json, ``sets.<set>``)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from conftest import ORACLE_MODELS, SLUGS
from numpy.testing import assert_allclose
from scipy import stats as sps

import servqual as sq
import servqual.psychometrics.reliability as rel
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.reliability import AlphaResult, SplitHalfResult, cronbach_alpha, guttman_lambdas, item_analysis, split_half
from servqual.psychometrics.stats import sufficient_stats

ATOL = 1e-6

DROP_COLUMNS = {
    "raw_alpha": "alpha_if_deleted",
    "std.alpha": "alpha_std_if_deleted",
    "G6(smc)": "g6_if_deleted",
    "average_r": "average_r_if_deleted",
    "S/N": "signal_noise_if_deleted",
    "alpha se": "ase_if_deleted",
    "var.r": "var_r_if_deleted",
    "med.r": "median_r_if_deleted",
}
ITEM_COLUMNS = {"n": "n", "raw.r": "raw_r", "std.r": "std_r", "r.cor": "r_cor", "r.drop": "r_drop", "mean": "mean", "sd": "sd"}


def _sets(case):
    return case.ref["sets"].items()


def _num(v):
    return np.nan if v is None else float(v)


# ---------------------------------------------------------------------------------------------
# Cronbach's alpha
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_alpha_matches_psych(ref_case, slug):
    case = ref_case(slug)
    for name, blk in _sets(case):
        items = blk["items"]
        ref = blk["alpha"]
        res = cronbach_alpha(case.data, items)
        assert isinstance(res, AlphaResult)
        assert res.n == blk["n_obs"] and res.n_items == len(items)
        ours = [res.alpha, res.alpha_std, res.g6_smc, res.average_r, res.signal_noise, res.ase, res.mean, res.sd, res.median_r]
        theirs = [ref[k] for k in ("raw_alpha", "std_alpha", "G6_smc", "average_r", "S_N", "ase", "mean", "sd", "median_r")]
        assert_allclose(ours, theirs, atol=ATOL, err_msg=f"{slug}/{name}")
        # Feldt interval: psych's own, alpha.ci and the formula
        assert res.ci_method == "feldt"
        for key in ("feldt_ci95", "alpha_ci_fn", "feldt_ci95_formula"):
            assert_allclose([res.ci_low, res.ci_high], [ref[key]["lower"], ref[key]["upper"]], atol=ATOL)
        duh = res.cis.set_index("method").loc["duhachek"]
        assert_allclose([duh["ci_low"], duh["ci_high"]], [ref["duhachek_ci95"]["lower"], ref["duhachek_ci95"]["upper"]], atol=ATOL)
        # alpha if item deleted (every column of psych's alpha.drop) and item statistics
        tab = res.item_stats.set_index("item")
        assert list(tab.index) == items
        for rcol, ocol in DROP_COLUMNS.items():
            theirs = [_num(ref["alpha_drop_table"][i][rcol]) for i in items]
            assert_allclose(tab[ocol].to_numpy(dtype=float), theirs, atol=ATOL, equal_nan=True, err_msg=f"{slug}/{name}/{ocol}")
        for rcol, ocol in ITEM_COLUMNS.items():
            theirs = [ref["item_stats"][i][rcol] for i in items]
            assert_allclose(tab[ocol].to_numpy(dtype=float), theirs, atol=ATOL, err_msg=f"{slug}/{name}/{ocol}")
        for key, ocol in (("alpha_if_item_deleted", "alpha_if_deleted"), ("std_alpha_if_item_deleted", "alpha_std_if_deleted"),
                          ("r_drop", "r_drop"), ("r_cor", "r_cor"), ("raw_r", "raw_r"), ("std_r", "std_r")):
            assert_allclose(tab[ocol].to_numpy(dtype=float), [ref[key][i] for i in items], atol=ATOL)


def _pre_deletion_data(case):
    """The recoded data before the model-wide listwise deletion (as the oracle's X0), not reverse-keyed."""
    model = json.loads((ORACLE_MODELS / f"{case.slug}.json").read_text(encoding="utf-8"))
    df = case.raw
    flt = model.get("filter")
    if flt:
        df = df[df[flt["column"]] == flt["equals"]]
    items = [i for its in model["constructs"].values() for i in its]
    x = df[items].astype(float)
    for code in model.get("na_values", []):
        x = x.mask(x == code)
    return x.reset_index(drop=True)


@pytest.mark.parametrize("slug", SLUGS)
def test_alpha_listwise_within_construct_matches_psych(ref_case, slug):
    """Deletion within each construct only; reverse keying done by cronbach_alpha(reverse=, scale=)."""
    case = ref_case(slug)
    x0 = _pre_deletion_data(case)
    for name, items in case.constructs.items():
        ref = case.ref["sets"][name]["alpha_listwise_within_construct"]
        rev = [i for i in case.reverse if i in items]
        res = cronbach_alpha(x0, items, reverse=rev or None, scale=(case.scale_min, case.scale_max) if rev else None)
        assert res.nan_policy == "listwise"
        assert res.n == ref["n_obs"]
        assert_allclose([res.alpha, res.alpha_std, res.average_r], [ref["raw_alpha"], ref["std_alpha"], ref["average_r"]], atol=ATOL)


def test_alpha_reverse_keying_equals_manual_recode(ref_case):
    case = ref_case("bfi")
    items = case.constructs["Agreeableness"]
    raw = case.data.copy()
    raw["A1"] = 7 - raw["A1"]  # undo the oracle's recoding
    res = cronbach_alpha(raw, items, reverse=["A1"], scale=(1, 6))
    assert_allclose(res.alpha, case.ref["sets"]["Agreeableness"]["alpha"]["raw_alpha"], atol=ATOL)
    # the same through sufficient statistics
    st = sufficient_stats(raw, items)
    res2 = cronbach_alpha(st, reverse=["A1"], scale=(1, 6))
    assert_allclose(res2.alpha, res.alpha, atol=1e-12)
    assert_allclose(res2.item_stats["mean"], res.item_stats["mean"], atol=1e-12)
    assert_allclose(res2.item_stats["raw_r"], res.item_stats["raw_r"], atol=1e-12)
    with pytest.raises(AnalysisError, match="scale"):
        cronbach_alpha(raw, items, reverse=["A1"])
    with pytest.raises(AnalysisError, match="not among"):
        cronbach_alpha(raw, items, reverse=["C1"], scale=(1, 6))
    with pytest.warns(ServqualWarning, match="outside scale"):
        cronbach_alpha(raw, items, reverse=["A1"], scale=(1, 5))


def test_alpha_from_sufficient_stats_equals_data(ref_case):
    case = ref_case("mobi")
    items = case.constructs["Quality"]
    a = cronbach_alpha(case.data, items)
    b = cronbach_alpha(sufficient_stats(case.data), items)
    assert_allclose([a.alpha, a.alpha_std, a.g6_smc, a.ase, a.ci_low, a.ci_high, a.mean, a.sd],
                    [b.alpha, b.alpha_std, b.g6_smc, b.ase, b.ci_low, b.ci_high, b.mean, b.sd], atol=1e-12)
    pd.testing.assert_frame_equal(a.item_stats, b.item_stats, atol=1e-12)
    with pytest.raises(AnalysisError, match="needs the item responses"):
        cronbach_alpha(sufficient_stats(case.data, items), ci="bootstrap")


@pytest.mark.parametrize("slug", SLUGS)
def test_alpha_feldt_ci_unrounded_vs_pingouin(ref_case, slug):
    """pingouin rounds its Feldt CI to 3 decimals; ours is unrounded and equals R's."""
    case = ref_case(slug)
    items = case.ref["sets"]["all"]["items"]
    ours = cronbach_alpha(case.data, items)
    p_alpha, p_ci = pg.cronbach_alpha(data=case.data[items])
    assert_allclose(ours.alpha, p_alpha, atol=1e-10)
    assert_allclose(np.round([ours.ci_low, ours.ci_high], 3), p_ci, atol=1e-12)
    ref = case.ref["sets"]["all"]["alpha"]["feldt_ci95"]
    assert_allclose([ours.ci_low, ours.ci_high], [ref["lower"], ref["upper"]], atol=ATOL)
    assert not np.allclose([ours.ci_low, ours.ci_high], p_ci, atol=1e-6, rtol=0)


# ---------------------------------------------------------------------------------------------
# bootstrap
# ---------------------------------------------------------------------------------------------
def _slow_alpha(x):
    c = np.cov(x, rowvar=False)
    k = x.shape[1]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def _documented_bootstrap_rows(n, n_boot, seed, block, task_draws):
    """Row indices of every bootstrap resample, rebuilt from the random stream documented in
    ``reliability._boot_alpha`` (written out independently of the implementation)."""
    sizes, left = [], n
    while left >= block:
        sizes.append(block)
        left -= block
    for bit in reversed(range(block.bit_length())):
        if left >= 1 << bit:
            sizes.append(1 << bit)
            left -= 1 << bit
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rng = np.random.default_rng(seed)
    if len(sizes) > 1:
        counts = rng.multinomial(n, np.array(sizes) / n, size=n_boot)
    else:
        counts = np.full((n_boot, 1), n)
    rows = [[] for _ in range(n_boot)]
    for j, (lo, size) in enumerate(zip(starts, sizes)):
        per = max(1, min(n_boot, task_draws // size))
        for r0 in range(0, n_boot, per):
            cnt = counts[r0 : r0 + per, j]
            total = int(cnt.sum())
            width = 8 if size <= 256 else 16
            bits = rng.bit_generator.random_raw(-(-total * width // 64))
            draws = bits.view(np.uint8 if width == 8 else np.uint16)[:total].astype(int) % size
            for r, part in enumerate(np.split(draws, np.cumsum(cnt)[:-1])):
                rows[r0 + r].append(lo + part)
    idx = np.array([np.concatenate(r) for r in rows])
    assert idx.shape == (n_boot, n)
    return idx


def test_bootstrap_percentile_matches_slow_loop_over_pingouin(ref_case):
    case = ref_case("holzinger")
    items = case.constructs["visual"]
    x = case.data[items].to_numpy()
    n_boot, seed = 200, 20240501
    res = cronbach_alpha(case.data, items, ci="percentile", n_boot=n_boot, seed=seed)
    idx = _documented_bootstrap_rows(len(x), n_boot, seed, rel._BOOT_BLOCK, rel._BOOT_TASK_DRAWS)
    slow = np.array([pg.cronbach_alpha(data=pd.DataFrame(x[i], columns=items))[0] for i in idx])
    assert_allclose(res.bootstrap, slow, atol=1e-10)
    perc = res.cis.set_index("method").loc["bootstrap_percentile"]
    assert_allclose([perc["ci_low"], perc["ci_high"]], np.quantile(slow, [0.025, 0.975]), atol=1e-10)
    assert res.ci_method == "bootstrap_percentile"
    assert (res.ci_low, res.ci_high) == (perc["ci_low"], perc["ci_high"])


@pytest.mark.parametrize(
    ("slug", "construct", "block", "task_draws"),
    [
        # 301 rows: 4 x 64 + 32 + 8 + 4 + 1, several tasks per block (8-bit draws)
        ("holzinger", "textual", 64, 200),
        ("holzinger", "textual", 256, 1000),
        ("holzinger", "textual", 16, 16),
        # 2,436 complete rows: 2,048 + 256 + 128 + 4 (16-bit draws above 256 rows), default sizes
        ("bfi", "Conscientiousness", 4096, 1 << 15),
        # 2,436 rows: 2 x 1,024 + 256 + 128 + 4, one resample per task
        ("bfi", "Conscientiousness", 1024, 1000),
    ],
)
def test_bootstrap_blocked_draws_match_slow_loop_over_pingouin(ref_case, monkeypatch, slug, construct, block,
                                                               task_draws):
    """The resamples follow the documented stream, with one or several row blocks and one or several
    tasks per block; each resample's alpha is checked against pingouin."""
    case = ref_case(slug)
    items = case.constructs[construct]
    x = case.data[items].dropna().to_numpy()
    n, n_boot, seed = len(x), 120, 99
    monkeypatch.setattr(rel, "_BOOT_BLOCK", block)
    monkeypatch.setattr(rel, "_BOOT_TASK_DRAWS", task_draws)
    res = cronbach_alpha(case.data, items, ci="percentile", n_boot=n_boot, seed=seed)
    idx = _documented_bootstrap_rows(n, n_boot, seed, block, task_draws)
    # every resample is n rows from the data, and the rows drawn cover the whole sample
    assert np.unique(idx).size == n
    slow = np.array([pg.cronbach_alpha(data=pd.DataFrame(x[i], columns=items))[0] for i in idx])
    assert_allclose(res.bootstrap, slow, atol=1e-10)


def test_bootstrap_row_draws_are_uniform():
    """The power-of-two block draws give each row probability 1/n: over 4,000 resamples of 300 rows
    (blocks 256 + 32 + 8 + 4), every row's total count is within a 5-sigma binomial band, and the
    draws' frequencies pass a chi-square goodness-of-fit test."""
    n, n_boot = 300, 4000
    idx = _documented_bootstrap_rows(n, n_boot, 5, rel._BOOT_BLOCK, rel._BOOT_TASK_DRAWS)
    freq = np.bincount(idx.ravel(), minlength=n)
    expected = n_boot  # n_boot * n draws over n rows
    assert np.all(np.abs(freq - expected) < 5 * np.sqrt(expected))
    assert sps.chisquare(freq).pvalue > 1e-4
    # and the implementation draws exactly these rows (two columns, every row distinct)
    x = np.column_stack([np.arange(n, dtype=float), np.arange(n, dtype=float) ** 2 % 7])
    boot = rel._boot_alpha(x, 50, np.random.default_rng(5))
    slow = np.array([_slow_alpha(x[i]) for i in _documented_bootstrap_rows(n, 50, 5, rel._BOOT_BLOCK,
                                                                           rel._BOOT_TASK_DRAWS)])
    assert_allclose(boot, slow, atol=1e-10)


def test_bootstrap_bca_matches_slow_jackknife(ref_case):
    case = ref_case("holzinger")
    items = case.constructs["speed"]
    x = case.data[items].to_numpy()
    n = len(x)
    res = cronbach_alpha(case.data, items, ci="bca", n_boot=500, seed=7)
    boot = res.bootstrap
    theta = _slow_alpha(x)
    jack = np.array([_slow_alpha(np.delete(x, i, axis=0)) for i in range(n)])
    assert_allclose(rel._jackknife_alpha(x), jack, atol=1e-10)
    d = jack.mean() - jack
    acc = np.sum(d**3) / (6 * np.sum(d**2) ** 1.5)
    z0 = sps.norm.ppf((np.sum(boot < theta) + np.sum(boot <= theta)) / (2 * boot.size))
    z = sps.norm.ppf([0.025, 0.975])
    lv = sps.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z)))
    assert_allclose([res.ci_low, res.ci_high], np.quantile(boot, lv), atol=1e-10)
    assert res.ci_method == "bootstrap_bca"


def test_bootstrap_reproducible_and_brackets_alpha(ref_case):
    case = ref_case("corp_rep")
    items = case.constructs["SWITCH"]
    a = cronbach_alpha(case.data, items, ci="all", n_boot=1000, seed=11)
    b = cronbach_alpha(case.data, items, ci="all", n_boot=1000, seed=11)
    c = cronbach_alpha(case.data, items, ci="all", n_boot=1000, seed=12)
    pd.testing.assert_frame_equal(a.cis, b.cis)
    assert not np.allclose(a.bootstrap, c.bootstrap)
    assert list(a.cis["method"]) == ["feldt", "duhachek", "bootstrap_percentile", "bootstrap_bca"]
    assert a.ci_method == "feldt" and a.n_boot == 1000
    for _, row in a.cis.iterrows():
        assert row["ci_low"] < a.alpha < row["ci_high"]
    # a Generator is accepted as seed
    e = cronbach_alpha(case.data, items, ci="percentile", n_boot=1000, seed=np.random.default_rng(11))
    assert_allclose(e.bootstrap, a.bootstrap, atol=1e-12)


def test_bootstrap_bad_requests(ref_case):
    case = ref_case("holzinger")
    items = case.constructs["visual"]
    with pytest.raises(AnalysisError, match="n_boot"):
        cronbach_alpha(case.data, items, ci="bootstrap", n_boot=10)
    with pytest.raises(AnalysisError, match="listwise"):
        cronbach_alpha(case.data, items, ci="bootstrap", nan_policy="pairwise")
    with pytest.raises(ValueError, match="ci must be"):
        cronbach_alpha(case.data, items, ci="wald")


# ---------------------------------------------------------------------------------------------
# missing data
# ---------------------------------------------------------------------------------------------
def _with_holes(case, items, frac=0.08, seed=3):
    x = case.data[items].copy()
    rng = np.random.default_rng(seed)
    mask = rng.random(x.shape) < frac
    return x.mask(mask)


def test_alpha_listwise_default_drops_incomplete_rows(ref_case):
    case = ref_case("mobi")
    items = case.constructs["Image"]
    x = _with_holes(case, items)
    res = cronbach_alpha(x, items)
    ref = cronbach_alpha(x.dropna(), items)
    assert res.nan_policy == "listwise" and res.n == len(x.dropna())
    assert_allclose(res.alpha, ref.alpha, atol=1e-12)
    assert "listwise" in " ".join(res.notes())


def test_alpha_pairwise_like_psych_default(ref_case):
    """psych::alpha(use='pairwise'): pairwise covariances, mean score over the answered items, n = rows."""
    case = ref_case("mobi")
    items = case.constructs["Image"]
    x = _with_holes(case, items)
    res = cronbach_alpha(x, items, nan_policy="pairwise")
    c = x.cov().to_numpy()  # pandas: pairwise-complete, like R cov(use = "pairwise")
    k = len(items)
    assert res.nan_policy == "pairwise" and res.n == len(x)
    assert_allclose(res.alpha, k / (k - 1) * (1 - np.trace(c) / c.sum()), atol=1e-12)
    total = x.mean(axis=1)
    assert_allclose(res.mean, total.mean(), atol=1e-12)
    assert_allclose(res.sd, total.std(), atol=1e-12)
    assert_allclose(res.item_stats["raw_r"], [total.corr(x[i]) for i in items], atol=1e-12)
    assert_allclose(res.item_stats["n"], x.notna().sum().to_numpy())
    assert_allclose(res.ase, np.sqrt(rel._alpha_core(c, c / np.sqrt(np.outer(np.diag(c), np.diag(c))))["q"] / len(x)))


# ---------------------------------------------------------------------------------------------
# bad inputs
# ---------------------------------------------------------------------------------------------
def test_alpha_constant_item_error_and_psych_variant(ref_case):
    case = ref_case("holzinger")
    x = case.data[["x1", "x2", "x3"]].copy()
    x["const"] = 3.0
    with pytest.raises(AnalysisError, match="const"):
        cronbach_alpha(x)
    # psych drops the constant item with a warning; the remaining items give psych's number
    assert_allclose(cronbach_alpha(x, ["x1", "x2", "x3"]).alpha, case.ref["sets"]["visual"]["alpha"]["raw_alpha"], atol=ATOL)


def test_alpha_identical_items_warn_naming_them(ref_case):
    case = ref_case("holzinger")
    x = case.data[["x1", "x2", "x3"]].copy()
    x["x1_copy"] = x["x1"]
    with pytest.warns(ServqualWarning, match=r"x1, .*x1_copy.*Drop one"):
        res = cronbach_alpha(x)
    assert np.isfinite(res.alpha) and np.isfinite(res.g6_smc)
    assert res.item_stats.drop(columns="item").notna().all().all()


def test_alpha_fewer_rows_than_items_warns(ref_case):
    x = ref_case("bfi").data.iloc[:10]
    with pytest.warns(ServqualWarning, match="only 10 rows for 25 items"):
        res = cronbach_alpha(x)
    assert np.isfinite(res.alpha)


def test_alpha_bad_inputs(ref_case):
    data = ref_case("holzinger").data
    with pytest.raises(AnalysisError, match="at least 2 items"):
        cronbach_alpha(data, ["x1"])
    bad = data[["x1", "x2"]].copy()
    bad["txt"] = ["a"] * len(bad)
    with pytest.raises(AnalysisError, match="non-numeric.*txt"):
        cronbach_alpha(bad)
    with pytest.raises(AnalysisError, match="not in the data"):
        cronbach_alpha(data, ["x1", "nope"])
    with pytest.raises(ValueError, match="nan_policy"):
        cronbach_alpha(data, ["x1", "x2"], nan_policy="drop")
    with pytest.raises(AnalysisError, match="complete row"):
        cronbach_alpha(pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [np.nan, 2.0, np.nan]}))


def test_alpha_result_renders(ref_case):
    res = cronbach_alpha(ref_case("corp_rep").data, ci="all", n_boot=500, seed=1)
    text = res.summary()
    assert "Cronbach's alpha" in text and "bootstrap_bca" in text
    d = res.to_dict()
    assert set(d) == set(res.tables()) and len(d["Item statistics and alpha if item deleted"]) == 13
    assert "<table" in res._repr_html_()
    assert res.to_frame()["alpha"].iloc[0] == res.alpha


# ---------------------------------------------------------------------------------------------
# Guttman's lambdas and split halves
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SLUGS)
def test_guttman_lambdas_match_closed_form(ref_case, slug):
    case = ref_case(slug)
    for name, blk in _sets(case):
        ref = blk["guttman_closed_form"]
        res = guttman_lambdas(case.data, blk["items"], seed=1)
        assert list(res["coefficient"]) == [f"lambda{i}" for i in range(1, 7)]
        for basis in ("correlation", "covariance"):
            for i in range(1, 7):
                want = ref[basis][f"lambda{i}"]
                if want is None:  # lambda4 not enumerated in R for more than 16 items
                    assert res.attrs["lambda4_sampled"] and len(blk["items"]) > 16
                    continue
                assert_allclose(res.loc[f"lambda{i}", basis], want, atol=ATOL, err_msg=f"{slug}/{name}/{basis}/{i}")
        # lambda3 on covariances is raw alpha, on correlations standardised alpha
        assert_allclose(res.loc["lambda3", "covariance"], blk["alpha"]["raw_alpha"], atol=ATOL)


@pytest.mark.parametrize("slug", SLUGS)
def test_split_half_exhaustive_matches_oracle(ref_case, slug):
    case = ref_case(slug)
    for name, blk in _sets(case):
        items = blk["items"]
        if len(items) > 16:
            continue
        for covar, key in ((False, "exhaustive_corr"), (True, "exhaustive_cov")):
            ref = blk["split_half"][key]
            res = split_half(case.data, items, method="exhaustive", covar=covar)
            assert isinstance(res, SplitHalfResult) and not res.sampled
            assert res.n_splits == ref["n_splits"]
            assert_allclose([res.max, res.min, res.mean], [ref["max"], ref["min"], ref["mean"]], atol=ATOL)
            assert res.lambda4 == res.max and res.beta == res.min
            best = {frozenset(res.best_a), frozenset(res.best_b)}
            assert best == {frozenset(ref["max_split_half_A"]), frozenset(ref["max_split_half_B"])}


@pytest.mark.parametrize("slug", SLUGS)
def test_split_half_psych_matches_splitHalf(ref_case, slug):
    case = ref_case(slug)
    for name, blk in _sets(case):
        items = blk["items"]
        ref = blk["split_half"]
        res = split_half(case.data, items, method="psych", seed=42)
        assert_allclose([res.alpha, res.lambda2, res.lambda6, res.average_r, res.median_r],
                        [ref["alpha"], ref["lambda2"], ref["lambda6"], ref["av_r"], ref["med_r"]], atol=ATOL)
        if len(items) <= 16:
            assert_allclose([res.max, res.min, res.mean], [ref["max_lambda4"], ref["min_beta"], ref["mean"]], atol=ATOL,
                            err_msg=f"{slug}/{name}")
            assert res.n_splits == int(np.ceil(ref["psych_n_splits"]))
        else:
            # random splits: psych's R stream cannot be reproduced, the distribution can
            assert res.sampled and res.n_splits == 10000
            assert abs(res.mean - ref["mean"]) < 0.005
            assert res.min < res.mean < res.max


def test_split_half_psych_odd_k_quirk(ref_case):
    """For k = 3 psych sums two of the three splits and divides by 1.5; for k = 9 it sees 63 of 126 splits."""
    case = ref_case("holzinger")
    vis = case.ref["sets"]["visual"]["split_half"]
    ps = split_half(case.data, case.constructs["visual"], method="psych")
    ex = split_half(case.data, case.constructs["visual"], method="exhaustive")
    m = case.data[case.constructs["visual"]].corr().to_numpy()
    first_two = [4 * (m[0, 1] + m[0, 2]) / m.sum(), 4 * (m[1, 0] + m[1, 2]) / m.sum()]
    assert_allclose(ps.mean, sum(first_two) / 1.5, atol=1e-12)
    assert_allclose(ps.mean, vis["mean"], atol=ATOL)
    assert ps.n_splits == 2 and ex.n_splits == 3 and ps.mean > ex.mean
    allset = case.ref["sets"]["all"]["split_half"]
    ps9 = split_half(case.data, method="psych")
    ex9 = split_half(case.data, method="exhaustive")
    assert ps9.n_splits == 63 and ex9.n_splits == 126
    assert_allclose([ps9.max, ex9.max], [allset["max_lambda4"], allset["exhaustive_corr"]["max"]], atol=ATOL)
    assert ps9.max < ex9.max


def test_split_half_sampled_reproducible(ref_case):
    case = ref_case("bfi")
    a = split_half(case.data, n_sample=2000, seed=5)
    b = split_half(case.data, n_sample=2000, seed=5)
    c = split_half(case.data, n_sample=2000, seed=6)
    assert a.sampled and a.n_splits == 2000
    assert (a.max, a.min, a.mean) == (b.max, b.min, b.mean)
    assert a.mean != c.mean
    assert "random splits" in " ".join(a.notes())


def test_split_half_spearman_brown_first_second_half(ref_case):
    case = ref_case("corp_rep")
    items = case.constructs["SWITCH"]
    res = split_half(case.data, items, covar=True)
    x = case.data[items]
    a, b = x[items[:2]].sum(axis=1), x[items[2:]].sum(axis=1)
    r = np.corrcoef(a, b)[0, 1]
    assert_allclose(res.spearman_brown, 2 * r / (1 + r), atol=1e-12)
    row = res.splits.set_index("split").loc["first/second half"]
    assert_allclose(row["guttman_split_half"], 2 * (1 - (a.var() + b.var()) / (a + b).var()), atol=1e-12)
    assert "split-half" in res.summary().lower()


def test_split_half_and_guttman_bad_inputs(ref_case):
    data = ref_case("holzinger").data
    with pytest.raises(AnalysisError, match="at least 2 items"):
        split_half(data, ["x1"])
    with pytest.raises(AnalysisError, match="at least 2 items"):
        guttman_lambdas(data, ["x1"])
    with pytest.raises(ValueError, match="method"):
        split_half(data, method="random")
    x = data[["x1", "x2", "x3"]].copy()
    x["x4"] = x["x1"]
    with pytest.warns(ServqualWarning, match="x4"):
        g = guttman_lambdas(x)
    assert g[["correlation", "covariance"]].notna().all().all()
    x["c"] = 1.0
    with pytest.raises(AnalysisError, match=r"without variance .*: c\."):
        guttman_lambdas(x)


def test_guttman_from_sufficient_stats(ref_case):
    case = ref_case("kiosk_perception")
    items = case.constructs["security"]
    a = guttman_lambdas(case.data, items)
    b = guttman_lambdas(sufficient_stats(case.data), items)
    pd.testing.assert_frame_equal(a, b, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# item analysis
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("equal_var", [False, True])
def test_item_analysis_critical_ratio_equals_scipy(ref_case, equal_var):
    case = ref_case("kiosk_perception")
    items = case.ref["sets"]["all"]["items"]
    res = item_analysis(case.data, items, equal_var=equal_var)
    x = case.data[items]
    total = x.sum(axis=1)
    n = len(total)
    g = int(np.ceil(0.27 * n))
    ranked = total.sort_values().to_numpy()
    low = x[total <= ranked[g - 1]]
    high = x[total >= ranked[n - g]]
    for j, it in enumerate(items):
        t = sps.ttest_ind(high[it], low[it], equal_var=equal_var)
        assert_allclose([res["cr"].iloc[j], res["cr_pval"].iloc[j]], [t.statistic, t.pvalue], rtol=1e-10, atol=1e-300)
    assert res.attrs["t_test"] == ("student" if equal_var else "welch")
    assert res.attrs["n_low"] == len(low) and res.attrs["n_high"] == len(high)
    assert len(low) >= g and len(high) >= g
    ref = case.ref["sets"]["all"]["alpha"]
    assert_allclose(res["r_drop"], [ref["r_drop"][i] for i in items], atol=ATOL)
    assert_allclose(res["alpha_if_deleted"], [ref["alpha_if_item_deleted"][i] for i in items], atol=ATOL)
    assert_allclose(res.attrs["alpha"], ref["raw_alpha"], atol=ATOL)


def test_item_analysis_decision_rules(ref_case):
    case = ref_case("bfi")
    items = case.ref["sets"]["all"]["items"]
    res = item_analysis(case.data, items, r_drop_min=0.3)
    alpha = res.attrs["alpha"]
    for _, row in res.iterrows():
        fails = []
        if not (row["cr_pval"] < 0.05 and row["cr"] >= 3):
            fails.append("cr")
        if row["r_drop"] < 0.3:
            fails.append("r_drop")
        if row["alpha_if_deleted"] > alpha:
            fails.append("alpha_if_deleted")
        assert row["flags"] == ", ".join(fails)
        assert row["decision"] == {0: "keep", 1: "review"}.get(len(fails), "drop")
    # N4 correlates negatively with the rest when Neuroticism is not reversed: it must not be kept
    assert res.set_index("item").loc["N4", "decision"] == "drop"
    assert (res["decision"] == "keep").any()
    with pytest.raises(AnalysisError, match="responses"):
        item_analysis(sufficient_stats(case.data, items))
    with pytest.raises(ValueError, match="groups_quantile"):
        item_analysis(case.data, items, groups_quantile=0.6)


@pytest.mark.parametrize("n", [2, 3, 255, 256, 2800, 4096, 4097, 100_000])
def test_bootstrap_blocks_cover_the_rows_in_power_of_two_pieces(n):
    blocks = rel._boot_blocks(n)
    assert blocks[0][0] == 0 and sum(size for _, size in blocks) == n
    for (lo, size), (nxt, _) in zip(blocks, blocks[1:] + [(n, 0)]):
        assert lo + size == nxt
        assert size & (size - 1) == 0 and size <= rel._BOOT_BLOCK
    # every draw of a block is a row of that block, each with the same probability
    gen = np.random.default_rng(0)
    for size in {s for _, s in blocks}:
        draws = rel._uniform_pow2(gen, size, 40_000)
        assert draws.min() >= 0 and draws.max() < size
        if size >= 2:
            freq = np.bincount(draws, minlength=size)
            assert sps.chisquare(freq).pvalue > 1e-6


def test_items_are_names_and_item_stats_the_table():
    data = sq.load_dataset("holzinger")
    res = cronbach_alpha(data, ["x1", "x2", "x3"])
    assert res.items == ["x1", "x2", "x3"] and list(res.items) == ["x1", "x2", "x3"] and res.items[0] == "x1"
    assert list(res.item_stats["item"]) == ["x1", "x2", "x3"]
    # the former table meaning keeps working, with a FutureWarning
    with pytest.warns(FutureWarning, match="item_stats"):
        legacy = res.items["mean"]
    pd.testing.assert_series_equal(legacy, res.item_stats["mean"])
    with pytest.warns(FutureWarning):
        assert res.items.shape == res.item_stats.shape


def test_ci_method_and_its_alias_ci():
    data = sq.load_dataset("holzinger")
    a = cronbach_alpha(data, ["x1", "x2", "x3"], ci="duhachek")
    b = cronbach_alpha(data, ["x1", "x2", "x3"], ci_method="duhachek")
    assert a.ci_method == a.ci == b.ci_method == "duhachek" and a.ci_low == b.ci_low
    with pytest.raises(ValueError, match="disagree"):
        cronbach_alpha(data, ["x1", "x2", "x3"], ci="bca", ci_method="duhachek")


def test_seed_default_is_the_shared_default():
    from servqual._validation import DEFAULT_SEED

    data = sq.load_dataset("holzinger")
    a = cronbach_alpha(data, ["x1", "x2", "x3"], ci="bootstrap", n_boot=200)
    b = cronbach_alpha(data, ["x1", "x2", "x3"], ci="bootstrap", n_boot=200, seed=DEFAULT_SEED)
    assert a.ci_low == b.ci_low and a.ci_high == b.ci_high


def test_notes_in_both_languages():
    res = cronbach_alpha(sq.load_dataset("holzinger"), ["x1", "x2", "x3"])
    en, zh = res.notes(), res.notes("zh")
    assert len(en) == len(zh) and "George & Mallery 2003" in en[0] and "George & Mallery 2003" in zh[0]
    assert res.summary(lang="zh") != res.summary()
    half = split_half(sq.load_dataset("holzinger"), ["x1", "x2", "x3", "x4"])
    assert len(half.notes("zh")) == len(half.notes())
