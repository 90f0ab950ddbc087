"""The SFO 2017 customer survey (bundled ``sfo``): a routed survey with "not applicable" answers, read and
analysed as the field does, against R psych / lavaan (``tests/reference/sfo/``, made by its
``make_reference.R``)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.psychometrics.fiml import missing_patterns, loglik

REF = json.loads((Path(__file__).parent / "reference" / "sfo" / "sfo.json").read_text(encoding="utf-8"))
ITEMS = REF["meta"]["items"]


@pytest.fixture(scope="module")
def resp():
    return sq.read_dataset("sfo")


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(sq.dataset_path("sfo"), low_memory=False)


def test_reads_with_no_problem_and_counts_not_applicable_apart(resp, raw):
    assert len(resp.problems) == 0 and resp.n_rows == 2831
    rep = sq.missing_report(resp)
    t = rep.items.set_index("column")
    for c in ITEMS:
        v = pd.to_numeric(raw[c], errors="coerce")
        assert t.loc[c, "not_applicable"] == (v == 6).sum(), c
        assert t.loc[c, "no_answer"] == ((v == 0) | v.isna()).sum(), c
    # the overall rating writes its blank as text: it is a missing code, not a problem
    assert t.loc["Q7ALL", "no_answer"] == (raw["Q7ALL"].astype(str).str.strip() == "Blank").sum() > 0
    assert t.loc["Q7LTPARKING", "pct_not_applicable"] == pytest.approx(100 * (raw["Q7LTPARKING"] == 6).mean())
    assert rep.complete_rows == int(resp.data[[c for c in rep.columns]].notna().all(axis=1).sum())


def test_recommend_keeps_0_and_6_as_answers(resp, raw):
    v = raw["NETPRO"]
    assert resp.data["NETPRO"].isna().sum() == ((v == 11) | v.isna()).sum()
    assert (resp.data["NETPRO"] == 0).sum() == (v == 0).sum() > 0
    assert (resp.data["NETPRO"] == 6).sum() == (v == 6).sum() > 0


def test_item_statistics_on_available_cases_equal_r(resp):
    x = resp.data[ITEMS]
    np.testing.assert_array_equal(x.count().to_numpy(), REF["items"]["n"])
    np.testing.assert_allclose(x.mean().to_numpy(), REF["items"]["mean"], atol=1e-12)
    np.testing.assert_allclose(x.std().to_numpy(), REF["items"]["sd"], atol=1e-12)


def test_kmo_on_the_pairwise_matrix_equals_psych(resp):
    k = sq.kmo(resp.data[ITEMS], nan_policy="pairwise").set_index("item")["msa"]
    assert k["overall"] == pytest.approx(REF["kmo"]["overall"], abs=1e-10)
    np.testing.assert_allclose(k[ITEMS].to_numpy(), REF["kmo"]["items"], atol=1e-10)


@pytest.mark.parametrize("dim", ["facilities", "cleanliness", "ease"])
def test_alpha_within_each_dimension_equals_psych_on_the_dimensions_complete_rows(resp, dim):
    items = resp.instrument.model()[dim]
    ref = REF["alpha"][dim]
    a = sq.cronbach_alpha(resp.data, items=items)
    assert a.n == ref["n"]  # deletion within the dimension, not over the whole questionnaire
    assert a.alpha == pytest.approx(ref["raw_alpha"], abs=1e-10)
    st = a.item_stats.set_index("item")
    np.testing.assert_allclose(st.loc[items, "r_drop"].to_numpy(), ref["r_drop"], atol=1e-10)
    np.testing.assert_allclose(st.loc[items, "alpha_if_deleted"].to_numpy(), ref["alpha_if_deleted"], atol=1e-10)


def test_the_topic_overall_item_is_out_of_the_cleanliness_score(resp):
    inst = resp.instrument
    assert "Q9ALL" not in inst.model()["cleanliness"] and [i.id for i in inst.overall_items] == ["Q9ALL"]


def test_cfa_by_fiml_equals_lavaan_missing_ml(resp):
    model = resp.instrument.model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = sq.cfa(resp.data[ITEMS], model, missing="fiml")
    fm = f.fit_measures()
    ref = REF["cfa_fiml"]["fit"]
    assert fm["ntotal"] == ref["ntotal"] == 2823  # the 8 rows without any answer are left out, as lavaan does
    for k in ("chisq", "logl", "aic", "bic"):
        assert fm[k] == pytest.approx(ref[k], rel=1e-8), k
    for k in ("cfi", "tli", "rmsea", "srmr"):
        assert fm[k] == pytest.approx(ref[k], abs=1e-4), k
    est = pd.DataFrame(REF["cfa_fiml"]["est"]).merge(f.estimates, on=["lhs", "op", "rhs"], suffixes=("_r", ""))
    assert len(est) == len(REF["cfa_fiml"]["est"]["lhs"])
    np.testing.assert_allclose(est["est"], est["est_r"], atol=1e-4)
    np.testing.assert_allclose(est["se"], est["se_r"], atol=1e-4)


def _plain_loglik(mu, sigma, pats):
    """One pattern at a time, as the formula reads (the reference of the batched evaluation)."""
    total = 0.0
    for o, n_k, m, s in zip(pats.observed, pats.counts, pats.means, pats.covs):
        so = sigma[np.ix_(o, o)]
        d = m - mu[o]
        total += -0.5 * n_k * (o.sum() * np.log(2 * np.pi) + np.linalg.slogdet(so)[1]
                               + np.sum(np.linalg.inv(so) * (s + np.outer(d, d))))
    return total


def test_the_batched_likelihood_equals_the_pattern_by_pattern_formula(resp):
    x = resp.data[ITEMS].to_numpy(dtype=float)
    x = x[~np.isnan(x).all(axis=1)]
    pats = missing_patterns(x, ITEMS)
    assert len(pats.counts) > 1000  # routing makes many patterns
    mu = np.nanmean(x, axis=0)
    sigma = pd.DataFrame(x).cov().to_numpy() + 0.1 * np.eye(len(ITEMS))
    assert loglik(mu, sigma, pats) == pytest.approx(_plain_loglik(mu, sigma, pats), rel=1e-12)


def test_fiml_standardized_solution_equals_lavaan_std_all(resp):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = sq.cfa(resp.data[ITEMS], resp.instrument.model(), missing="fiml")
    est = pd.DataFrame(REF["cfa_fiml"]["est"]).merge(f.estimates, on=["lhs", "op", "rhs"], suffixes=("_r", ""))
    np.testing.assert_allclose(est["std_all"], est["std_all_r"], atol=1e-4)


def test_derived_importance_ipa_works_on_a_questionnaire_without_blocks(resp):
    """The report's suggestion for a perception-only questionnaire works when followed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sq.ipa(resp.data, resp.instrument, importance="relative_weights")
    cols = ITEMS + ["Q7ALL"]
    assert res.n == int(resp.data[cols].notna().all(axis=1).sum())  # the rows with every rating and the outcome
    assert res.outcome == "Q7ALL" and res.table["importance"].sum() == pytest.approx(res.r2, abs=1e-12)


def test_measurement_report_states_the_rows_of_every_table(resp):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = sq.measurement_report(resp, resp.instrument)
    info = rep.table_info
    assert rep.missing_policies == {"reliability": "within_dimension", "correlations": "pairwise", "cfa": "fiml"}
    assert info["reliability"]["n"] == [363] + [REF["alpha"][d]["n"] for d in ("facilities", "cleanliness", "ease")]
    assert info["cfa_fit"] == {"n": 2823, "missing_policy": "fiml", "estimator": "ML"}
    assert rep.cfa_fit["chi2"].iloc[0] == pytest.approx(REF["cfa_fiml"]["fit"]["chisq"], rel=1e-8)
    rel = rep.reliability.set_index("scale")
    for d in ("facilities", "cleanliness", "ease"):
        assert rel.loc[d, "alpha"] == pytest.approx(REF["alpha"][d]["raw_alpha"], abs=1e-10)
    k = rep.kmo.set_index("item")["msa"]
    assert k["overall"] == pytest.approx(REF["kmo"]["overall"], abs=1e-10)
    assert "full-information ML" in rep.notes()[0] and "87.2%" in rep.notes()[0]
    d = rep.to_json_dict()
    assert d["table_info"]["kmo"]["missing_policy"] == "pairwise"


def test_a_pair_never_asked_together_leaves_out_only_what_needs_it(resp):
    """Routing that never asks two items together (made here on the real data: Q7RENTAL blanked wherever
    Q7PARK was answered): the correlation-based parts say which pair lacks data and what would help; the
    dimensions whose items can be estimated and the CFA by FIML are still computed."""
    d = resp.data.copy()
    d.loc[d["Q7PARK"].notna(), "Q7RENTAL"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = sq.measurement_report(d, resp.instrument)
    for part in ("KMO", "EFA", "HTMT"):
        assert "Q7PARK-Q7RENTAL" in rep.skipped[part] and "field the pairs together" in rep.skipped[part]
    assert "facilities" not in set(rep.reliability["scale"])  # nobody answered all 14 facilities now
    assert set(rep.reliability["scale"]) == {"cleanliness", "ease"}
    # the CFA estimates are computed; the unrestricted model (and so the chi-square and fit indices) is not
    # identified for a pair never observed together, and is left out, saying so
    assert rep.cfa_fit["n"].iloc[0] == 2823 and np.isfinite(rep.cfa_fit["loglik"].iloc[0])
    assert rep.cfa_fit[["chi2", "cfi", "rmsea", "srmr"]].isna().all(axis=None)
    assert rep.cfa_loadings["std_loading"].notna().all()
    assert any("never answered together" in w for w in rep.warnings)


def test_overall_item_drives_derived_importance_within_its_dimension(resp):
    res = sq.overall_drivers(resp, resp.instrument)
    t = res.table
    items = resp.instrument.model()["cleanliness"]
    assert t["item"].tolist() == [i for i in items] and set(t["overall"]) == {"Q9ALL"}
    x = resp.data[items + ["Q9ALL"]].dropna()
    assert t["n"].iloc[0] == len(x)
    # the relative weights add up to the R² of the regression of the overall item on the dimension's items
    a = np.column_stack([np.ones(len(x)), x[items].to_numpy()])
    y = x["Q9ALL"].to_numpy()
    beta, *_ = np.linalg.lstsq(a, y, rcond=None)
    r2 = 1 - np.sum((y - a @ beta) ** 2) / np.sum((y - y.mean()) ** 2)
    assert t["importance"].sum() == pytest.approx(r2, abs=1e-10) and t["r2"].iloc[0] == pytest.approx(r2, abs=1e-10)
    assert (t["importance"] > 0).all()


def test_outcome_drivers_are_relative_weights_of_the_dimension_scores(resp):
    res = sq.outcome_drivers(resp, resp.instrument)
    t = res.table[res.table["outcome"] == "Q7ALL"]
    sc = sq.dimension_scores(resp.data, resp.instrument)[["facilities", "cleanliness", "ease"]]
    x = pd.concat([sc, resp.data["Q7ALL"]], axis=1).dropna()
    assert t["n"].iloc[0] == len(x)
    a = np.column_stack([np.ones(len(x)), x.iloc[:, :3].to_numpy()])
    y = x["Q7ALL"].to_numpy()
    beta, *_ = np.linalg.lstsq(a, y, rcond=None)
    r2 = 1 - np.sum((y - a @ beta) ** 2) / np.sum((y - y.mean()) ** 2)
    assert t["importance"].sum() == pytest.approx(r2, abs=1e-10)
    std_beta = beta[1:] * x.iloc[:, :3].std().to_numpy() / x["Q7ALL"].std()
    np.testing.assert_allclose(t["beta"].to_numpy(), std_beta, atol=1e-10)
    assert set(res.table["outcome"]) == {"Q7ALL", "NETPRO", "Q10SAFE", "Q12PRECHEKCRATE"}
