"""cfa(estimator="auto"): the estimator chosen by the number of answer categories and the items'
normality (Rhemtulla, Brosseau-Liard & Savalei 2012; Curran, West & Finch 1996), and why, in zh and en."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import servqual as sq
from servqual.psychometrics.cfa import choose_estimator

HS = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


def quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def test_continuous_normal_items_get_ml():
    hs = sq.load_dataset("holzinger")
    res = quiet(sq.cfa, hs, HS, estimator="auto")
    assert isinstance(res, sq.CFAResult)
    assert res.fit["chi2"].iloc[0] == pytest.approx(sq.cfa(hs, HS).fit["chi2"].iloc[0], abs=1e-12)
    assert res.estimator_choice.en.startswith("ML:") and "Curran, West & Finch 1996" in res.estimator_choice.en
    assert res.estimator_choice.zh.startswith("ML：")


def test_items_with_fewer_than_five_categories_get_wlsmv():
    # the kiosk importance block: ipa01_imp uses only 4 of its 7 points in the real answers
    r = sq.read_dataset("kiosk")
    model = r.instrument.model("importance")
    res = quiet(sq.cfa, r.data, model, estimator="auto")
    ref = quiet(sq.cfa, r.data, model, estimator="WLSMV")
    assert type(res).__name__ == "OrdinalCFAResult"
    assert "ipa01_imp (4)" in res.estimator_choice.en
    assert res.fit_measures()["chisq.scaled"] == pytest.approx(ref.fit_measures()["chisq.scaled"], abs=1e-10)


def test_a_severely_skewed_item_gets_mlr():
    hs = sq.load_dataset("holzinger").copy()
    hs["x1"] = np.exp(hs["x1"])  # made here: skewness 6.3, excess kurtosis 61
    est, why = choose_estimator(hs, [i for v in HS.values() for i in v])
    assert est == "MLR" and "x1 (skewness 6.28" in why.en
    res = quiet(sq.cfa, hs, HS, estimator="auto")
    assert res.fit_measures()["chisq.scaled"] == pytest.approx(
        quiet(sq.cfa, hs, HS, estimator="MLR").fit_measures()["chisq.scaled"], abs=1e-10)


def test_fiml_keeps_ml_and_says_why():
    hs = sq.load_dataset("holzinger").copy()
    hs["x1"] = np.exp(hs["x1"])
    res = quiet(sq.cfa, hs, HS, estimator="auto", missing="fiml")
    assert type(res).__name__ == "FIMLResult"
    assert res.estimator_choice.en.startswith("MLR:") and "support ML only, so ML is used" in res.estimator_choice.en
