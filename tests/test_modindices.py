"""Modification indices, expected parameter changes and residual correlations equal lavaan 0.6.14
(``modindices(fit)``, ``residuals(fit, type = "cor")``; tests/reference/modindices/make_reference.R).

The indices depend on the estimates to second order: lavaan's estimates converge to about 1e-6, which
moves an index by up to 5e-4, so indices are compared within 1e-3 and expected changes within 5e-4.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq

REF = json.loads((Path(__file__).parent / "reference" / "modindices" / "modindices.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["holzinger", "mobi"])
def test_modification_indices_equal_lavaan(name):
    case = REF[name]
    fit = sq.cfa(sq.load_dataset(name), case["model"])
    assert fit.n == case["n"]
    res = sq.modindices(fit)
    ref = pd.DataFrame(case["mi"])
    m = ref.merge(res.table, on=["lhs", "op", "rhs"], suffixes=("_r", ""))
    assert len(m) == len(ref) == len(res.table)  # the same candidates: cross-loadings and residual covariances
    np.testing.assert_allclose(m["mi"], m["mi_r"], atol=1e-3)
    for k in ("epc", "sepc_lv", "sepc_all"):
        np.testing.assert_allclose(m[k], m[k + "_r"], atol=5e-4)
    assert res.table["mi"].is_monotonic_decreasing


@pytest.mark.parametrize("name", ["holzinger", "mobi"])
def test_residual_correlations_equal_lavaan(name):
    case = REF[name]
    fit = sq.cfa(sq.load_dataset(name), case["model"])
    names = case["residual_cor"]["names"]
    got = sq.residual_correlations(fit).loc[names, names].to_numpy()
    np.testing.assert_allclose(got, np.array(case["residual_cor"]["data"]), atol=1e-5)


def test_notes_and_refusal():
    fit = sq.cfa(sq.load_dataset("holzinger"), REF["holzinger"]["model"])
    res = sq.modindices(fit, minimum_value=3.84)
    assert (res.table["mi"] >= 3.84).all() and "visual =~ x9" in res.notes()[0]
    with pytest.raises(sq.AnalysisError, match="needs an ML CFA"):
        sq.modindices(sq.cfa(sq.load_dataset("holzinger"), REF["holzinger"]["model"], estimator="MLR"))
