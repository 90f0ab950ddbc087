"""A just-identified model (df = 0) reports what lavaan 0.6.14 reports, not NaN.

lavaan: ``fitMeasures(cfa("visual =~ x1 + x2 + x3", HolzingerSwineford1939))`` gives chisq 0, df 0, pvalue NA,
cfi 1, tli 1, nnfi 1, rfi 1, nfi 1, rmsea 0 with interval [0, 0], rmsea.pvalue NA, agfi 1; the same
model with ``missing = "ml"`` on corp_rep's cusl_1-3 (-99 = missing) gives tli 1, rfi 1, rmsea 0 [0, 0].
"""

from __future__ import annotations

import math
import warnings

import pytest

import servqual as sq


def test_ml_just_identified_takes_lavaans_conventions():
    fit = sq.cfa(sq.load_dataset("holzinger"), {"visual": ["x1", "x2", "x3"]}).fit.iloc[0]
    assert fit["df"] == 0 and fit["chi2"] == pytest.approx(0, abs=1e-9)
    for key, value in {"cfi": 1, "tli": 1, "rfi": 1, "nfi": 1, "rmsea": 0, "rmsea_ci_low": 0, "rmsea_ci_high": 0,
                       "agfi": 1}.items():
        assert fit[key] == pytest.approx(value, abs=1e-9), key
    assert math.isnan(fit["pval"]) and math.isnan(fit["rmsea_pval"])  # lavaan: NA


def test_fiml_just_identified_takes_lavaans_conventions():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fm = sq.cfa(sq.read_dataset("corp_rep").data, {"CUSL": ["cusl_1", "cusl_2", "cusl_3"]}, missing="fiml").fit_measures()
    assert fm["df"] == 0
    for key, value in {"cfi": 1, "tli": 1, "rfi": 1, "rmsea": 0, "rmsea.ci.lower": 0, "rmsea.ci.upper": 0}.items():
        assert fm[key] == pytest.approx(value, abs=1e-9), key
