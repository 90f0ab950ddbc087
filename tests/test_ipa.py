"""Importance-performance analysis: checked against pandas / scipy / numpy least squares on the kiosk data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.survey.instrument import Instrument
from servqual.service.ipa import QUADRANTS, IPAResult, ipa

IMP = [f"ipa{j:02d}_imp" for j in range(1, 25)]
SAT = [f"ipa{j:02d}_sat" for j in range(1, 25)]


def _quadrant(i, p, ic, pc):
    if i >= ic:
        return "concentrate_here" if p < pc else "keep_up"
    return "low_priority" if p < pc else "possible_overkill"


def test_stated_importance_with_mean_crosshair_on_kiosk(kiosk, inst):
    res = ipa(kiosk, inst, importance="stated", crosshair="mean")
    assert isinstance(res, IPAResult)
    t = res.table
    imp, perf = kiosk[IMP].mean().to_numpy(), kiosk[SAT].mean().to_numpy()  # performance block = IPA satisfaction
    assert_allclose(t["importance"], imp, atol=1e-12)
    assert_allclose(t["performance"], perf, atol=1e-12)
    ic, pc = imp.mean(), perf.mean()
    assert_allclose([res.crosshair["importance"], res.crosshair["performance"]], [ic, pc], atol=1e-12)
    assert res.crosshair["rule"] == "means across attributes"
    assert t["quadrant"].tolist() == [_quadrant(i, p, ic, pc) for i, p in zip(imp, perf)]
    assert t["quadrant_zh"].tolist() == [QUADRANTS[q][0] for q in t["quadrant"]]
    assert t["quadrant_en"].tolist() == [QUADRANTS[q][1] for q in t["quadrant"]]
    assert_allclose(t["priority_index"], (imp - ic) - (perf - pc), atol=1e-12)
    # priorities: concentrate-here attributes first, by distance above the diagonal
    pr = res.priorities
    conc = t[t["quadrant"] == "concentrate_here"].sort_values("priority_index", ascending=False)["item"].tolist()
    assert pr["item"].tolist()[: len(conc)] == conc
    assert pr["rank"].tolist() == list(range(1, len(pr) + 1))
    assert (pr["priority_index"].iloc[len(conc):] > 0).all()
    assert conc[:3] == ["q16", "q07", "q23"]  # going back a screen, use without help, touch response
    assert "Crosshair (means across attributes)" in res.summary()


def test_midpoint_crosshair_uses_scale_midpoints_and_the_i_equals_p_diagonal(kiosk, inst):
    res = ipa(kiosk, inst, crosshair="midpoint")
    assert res.crosshair["importance"] == 4 and res.crosshair["performance"] == 4
    t = res.table
    assert_allclose(t["priority_index"], t["importance"] - t["performance"], atol=1e-12)
    assert (t["diagonal"] == np.where(t["importance"] > t["performance"], "above", "below")).all()
    assert t["quadrant"].tolist() == [_quadrant(i, p, 4, 4) for i, p in zip(t["importance"], t["performance"])]
    # on the kiosk data most attributes sit above both midpoints; the fun items and the exterior are
    # rated unimportant but performing above 4 (possible overkill)
    assert (t["quadrant"] == "keep_up").sum() == 19
    assert set(t.loc[t["quadrant"] == "possible_overkill", "item"]) >= {"q04", "q05", "q22"}


def test_perception_block_is_used_without_a_performance_block(kiosk):
    inst = Instrument.from_dict({
        "id": "ep", "scale": {"min": 1, "max": 7},
        "blocks": [{"id": "exp", "role": "expectation", "column": "s{id}_exp"},
                   {"id": "per", "role": "perception", "column": "s{id}_per"},
                   {"id": "imp", "role": "importance", "column": "ipa{id}_imp"}],
        "dimensions": [{"id": "u", "items": [{"id": "q01", "columns": {"imp": "ipa01_imp"}},
                                             {"id": "q02", "columns": {"imp": "ipa02_imp"}},
                                             {"id": "q03", "columns": {"imp": "ipa03_imp"}}]}],
    })
    res = ipa(kiosk, inst)
    assert_allclose(res.table["performance"], kiosk[["sq01_per", "sq02_per", "sq03_per"]].mean(), atol=1e-12)
    assert "perception block" in res.performance_source


def test_correlation_importance_matches_scipy_pearsonr(kiosk, inst):
    res = ipa(kiosk, inst, importance="correlation")
    y = kiosk[["overall_sat1", "overall_sat2"]].mean(axis=1)
    expected = [stats.pearsonr(kiosk[c], y).statistic for c in SAT]
    assert_allclose(res.table["importance"], expected, atol=1e-10)
    assert res.outcome == "mean of overall_sat1, overall_sat2"
    assert "mean derived importance" not in res.crosshair["rule"]
    one = ipa(kiosk, inst, importance="correlation", outcome="overall_sat1")
    assert_allclose(one.table["importance"], [stats.pearsonr(kiosk[c], kiosk["overall_sat1"]).statistic for c in SAT], atol=1e-10)
    mid = ipa(kiosk, inst, importance="correlation", crosshair="midpoint")
    assert mid.crosshair["performance"] == 4 and "mean derived importance" in mid.crosshair["rule"]
    # derived importance: both axes standardised across attributes before the diagonal
    t = res.table
    z = (t["importance"] - t["importance"].mean()) / t["importance"].std() - (t["performance"] - t["performance"].mean()) / t["performance"].std()
    assert_allclose(t["priority_index"], z, atol=1e-12)


def test_regression_importance_matches_least_squares_on_standardised_data(kiosk, inst):
    with pytest.warns(ServqualWarning, match="negative standardised regression coefficients"):
        res = ipa(kiosk, inst, importance="regression")
    X = kiosk[SAT].to_numpy(float)
    y = kiosk[["overall_sat1", "overall_sat2"]].mean(axis=1).to_numpy()
    Xs = (X - X.mean(0)) / X.std(0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    beta, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(ys)), Xs]), ys, rcond=None)
    assert_allclose(res.table["importance"], beta[1:], atol=1e-8)
    fitted = np.column_stack([np.ones(len(ys)), X]) @ np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0]
    r2 = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert_allclose(res.r2, r2, atol=1e-10)


def test_relative_weights_match_johnson_computed_from_the_data_svd(kiosk, inst):
    res = ipa(kiosk, inst, importance="relative_weights")
    X = kiosk[SAT].to_numpy(float)
    y = kiosk[["overall_sat1", "overall_sat2"]].mean(axis=1).to_numpy()
    n = len(y)
    Xs = (X - X.mean(0)) / X.std(0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    # Johnson (2000) from the data: Z = U V' is the orthonormal matrix closest to X
    u, s, vt = np.linalg.svd(Xs, full_matrices=False)
    Z = (u @ vt) * np.sqrt(n - 1)
    beta = np.linalg.lstsq(Z, ys, rcond=None)[0]
    lam = np.linalg.lstsq(Z, Xs, rcond=None)[0]  # rows: Z, columns: X
    eps = (lam**2).T @ (beta**2)
    assert_allclose(res.table["importance"], eps, atol=1e-10)
    assert_allclose(res.table["importance"].sum(), res.r2, atol=1e-10)
    assert res.table.loc[res.table["importance"].idxmax(), "item"] == "q18"


def test_dimension_level_ipa(kiosk, inst):
    res = ipa(kiosk, inst, level="dimension")
    t = res.table.set_index("item")
    assert list(t.index) == inst.dimension_ids
    assert_allclose(t.loc["security", "importance"], kiosk[["ipa19_imp", "ipa20_imp", "ipa21_imp"]].to_numpy().mean(), atol=1e-12)
    assert_allclose(t.loc["fun", "performance"], kiosk[["ipa04_sat", "ipa05_sat", "ipa06_sat"]].to_numpy().mean(), atol=1e-12)


def test_ipa_bad_input(kiosk, inst):
    no_imp = Instrument.from_dict({
        "id": "p", "scale": {"min": 1, "max": 7},
        "blocks": [{"id": "per", "role": "perception", "column": "s{id}_per"}],
        "dimensions": [{"id": "u", "items": ["q01", "q02", "q03"]}],
    })
    with pytest.raises(AnalysisError, match="needs an importance block"):
        ipa(kiosk, no_imp)
    with pytest.raises(AnalysisError, match="no outcome of kind 'satisfaction'"):
        ipa(kiosk, no_imp, importance="correlation")
    with pytest.raises(AnalysisError, match="not in the data"):
        ipa(kiosk, inst, importance="correlation", outcome="nps_0_10")
    dup = kiosk.copy()
    dup["ipa02_sat"] = dup["ipa01_sat"]
    with pytest.raises(AnalysisError, match="collinear"):
        ipa(dup, inst, importance="relative_weights")
    const = kiosk.copy()
    const["ipa05_sat"] = 4
    with pytest.raises(AnalysisError, match="q05"):
        ipa(const, inst, importance="correlation")
    with pytest.raises(AnalysisError, match="missing from the data"):
        ipa(kiosk.drop(columns=IMP), inst)
    with pytest.raises(ValueError, match="importance must be one of"):
        ipa(kiosk, inst, importance="derived")
    with pytest.raises(ValueError, match="crosshair"):
        ipa(kiosk, inst, crosshair="median")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ipa(kiosk, inst, importance="relative_weights")  # no warning for relative weights


def test_quadrant_names_come_from_the_labels_and_notes_speak_both_languages(kiosk, inst):
    from servqual.labels import IPA_QUADRANTS

    assert QUADRANTS == {q: (t.zh, t.en) for q, t in IPA_QUADRANTS.items()}
    res = ipa(kiosk, inst)
    en, zh = res.notes(), res.notes("zh")
    assert len(en) == len(zh)
    assert any(n.startswith("Concentrate here / 重点改进区: q") for n in en)
    assert any(n.startswith("重点改进区：q") for n in zh)
    assert zh[-1].startswith("优先改进：q16")
    assert "十字线" in res.summary(lang="zh")
