"""Careless-response screening on real data and on cases with a known answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.survey.screening import irv, longstring, mahalanobis

SPEC = {
    "id": "screen_test",
    "scale": {"min": 1, "max": 5},
    "respondent_id": "rid",
    "duration": {"column": "secs", "min": 60},
    "attention_checks": [{"id": "ac", "expected": 2}],
    "dimensions": [{"id": "d1", "items": ["a1", "a2", {"id": "a3", "reverse": True}]},
                   {"id": "d2", "items": ["b1", "b2", "b3"]}],
}


@pytest.fixture
def simulated_known_truth():
    """Simulated answers with planted careless respondents (known truth)."""
    rng = np.random.default_rng(7)
    n = 60
    df = pd.DataFrame(rng.integers(1, 6, size=(n, 6)), columns=["a1", "a2", "a3", "b1", "b2", "b3"]).astype(float)
    df.insert(0, "rid", np.arange(n) + 1)
    df["secs"] = 300.0
    df["ac"] = 2.0
    df.loc[3, ["a1", "a2", "a3", "b1", "b2", "b3"]] = 4  # straight-liner
    df.loc[5, "secs"] = 20  # too fast
    df.loc[8, "ac"] = 5  # failed attention check
    df.loc[11, "rid"] = 2  # duplicated id
    df.loc[14, ["a1", "a2", "a3", "b1", "b2", "b3"]] = df.loc[15, ["a1", "a2", "a3", "b1", "b2", "b3"]].to_numpy()
    df.loc[20, ["a1", "a2"]] = np.nan  # 2 of 6 missing
    return df


def test_flags_planted_respondents(simulated_known_truth):
    inst = sq.Instrument.from_dict(SPEC)
    res = sq.screen(simulated_known_truth, inst)
    f = res.flags
    assert f.index.equals(simulated_known_truth.index)  # one row per respondent
    assert f["straightlining"].tolist().count(True) == 1 and bool(f.loc[3, "straightlining"])
    assert f.loc[3, "longstring"] == 6 and f.loc[3, "irv"] == 0
    assert bool(f.loc[5, "too_fast"]) and f["too_fast"].sum() == 1
    assert f.loc[8, "attention_failed"] == 1 and f["attention_failed"].sum() == 1
    assert bool(f.loc[11, "duplicate_id"]) and not bool(f.loc[1, "duplicate_id"])
    assert bool(f.loc[15, "duplicate_answers"]) and not bool(f.loc[14, "duplicate_answers"])
    assert f.loc[20, "share_missing"] == pytest.approx(2 / 6)
    assert np.isnan(f.loc[20, "mahalanobis_d2"])  # complete rows only
    assert f["row"].iloc[0] == 2
    assert res.exclusion_log.empty and len(res.kept) == len(simulated_known_truth)


def test_exclusion_is_explicit_and_logged(simulated_known_truth):
    inst = sq.Instrument.from_dict(SPEC)
    res = sq.screen(simulated_known_truth, inst, exclude=["straightlining", "too_fast", "attention", "duplicate_id", "missing"])
    assert res.exclusion_log["respondent"].tolist() == [4, 6, 9, 2, 21]
    assert res.exclusion_log["reasons"].tolist() == ["straightlining", "too_fast", "attention", "duplicate_id", "missing"]
    assert len(res.kept) == len(simulated_known_truth) - 5
    summ = res.summary_table().set_index("check")
    assert summ.loc["excluded", "n_flagged"] == 5
    assert summ.loc["straightlining", "applied"] and not summ.loc["mahalanobis", "applied"]
    assert "5 excluded" in res.summary()
    assert "<table" in res._repr_html_()


def test_unknown_rule_is_an_error(simulated_known_truth):
    with pytest.raises(ValueError, match="unknown exclusion rule"):
        sq.screen(simulated_known_truth, sq.Instrument.from_dict(SPEC), exclude=["lazy"])


def test_missing_columns_are_named(simulated_known_truth):
    with pytest.raises(sq.AnalysisError, match="b3"):
        sq.screen(simulated_known_truth.drop(columns=["b3"]), sq.Instrument.from_dict(SPEC))


def test_kiosk_straightliners_match_the_data_readme():
    """The kiosk README: 2 respondents straight-line all perception items, 7 all expectation items."""
    r = sq.read_dataset("kiosk")
    res = sq.screen(r, "kiosk")
    f = res.flags
    assert int((f["longstring_per"] == 24).sum()) == 2
    assert int((f["longstring_exp"] == 24).sum()) == 7
    # the 4 never-users answered nothing
    assert int((f["n_answered"] == 0).sum()) == 4


def test_longstring_and_irv_against_direct_computation():
    x = np.array([[1, 1, 2, 2, 2, 3], [5, 5, 5, 5, 5, 5], [1, np.nan, 1, 1, 2, 2], [1, 2, 3, 4, 5, 1.0]])
    np.testing.assert_array_equal(longstring(x), [3, 6, 2, 1])
    expected_irv = [np.std(row[~np.isnan(row)], ddof=1) for row in x]
    np.testing.assert_allclose(irv(x), expected_irv)


def test_mahalanobis_against_scipy():
    from scipy.spatial.distance import mahalanobis as md

    rng = np.random.default_rng(3)
    x = rng.normal(size=(50, 4))
    d2, p = mahalanobis(x)
    vi = np.linalg.inv(np.cov(x, rowvar=False))
    mu = x.mean(axis=0)
    np.testing.assert_allclose(d2, [md(r, mu, vi) ** 2 for r in x], rtol=1e-10)
    from scipy.stats import chi2

    np.testing.assert_allclose(p, chi2.sf(d2, 4))


@pytest.mark.parametrize("name", ["bfi", "corp_rep", "mobi", "holzinger", "kiosk"])
def test_bundled_data_sets_screen_without_error(name):
    r = sq.read_dataset(name)
    res = sq.screen(r, name)
    assert len(res.flags) == len(r.data)
    assert {"longstring", "straightlining", "irv", "mahalanobis_d2"} <= set(res.flags.columns)


def test_questionnaire_without_rating_items_is_screened_on_what_it_has():
    # the Kano questionnaire has functional / dysfunctional answers but no rating block: no
    # straightlining or IRV to compute, and no crash
    kano = sq.read_dataset("kiosk_kano")
    res = sq.screen(kano, kano.instrument)
    assert len(res.flags) == 211
    assert not res.flags["straightlining"].any()
    assert res.flags["irv"].isna().all()
