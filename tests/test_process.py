"""PROCESS models 4 (simple and parallel), 6, 7 and 14 against R on the corporate-reputation data.

Reference: tests/reference/process/corp_rep.json (R ``lm`` and the oracle's bootstrap, with the row
indices of its first resamples so that the bootstrap estimates can be compared one by one).
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import AnalysisError
from servqual.psychometrics.process import process

REF = json.loads((Path(__file__).parent / "reference" / "process" / "corp_rep.json").read_text(encoding="utf-8"))
C = REF["composites"]
IDX = np.asarray(REF["resample_indices_1based"]) - 1


@pytest.fixture(scope="module")
def data():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sq.read_dataset("corp_rep").data


def _fit(data, ref, **kw):
    return process(data, x=C[ref["X"]], m={m: C[m] for m in ref["M"]}, y=C[ref["Y"]],
                   w=C[ref["W"]] if ref["W"] else None, model=ref["model"],
                   names={"x": ref["X"], "y": ref["Y"], "w": ref["W"]}, probe="meansd", **kw)


@pytest.mark.parametrize("key", list(REF["models"]))
def test_regressions_equal_r(data, key):
    ref = REF["models"][key]
    res = _fit(data, ref, resamples=IDX)
    assert res.n == ref["n"]
    for outcome, eq in ref["equations"].items():
        if outcome == "total_effect_model":
            continue
        want = pd.DataFrame(eq["coefficients"])
        got = res.equations[outcome]["coefficients"]
        assert list(got["term"]) == [t.replace("int_1", f"{ref['X'] if ref['model'] == 7 else ref['M'][0]}x{ref['W']}")
                                     for t in want["term"]]
        for col in ("coeff", "se", "t", "p", "llci", "ulci"):
            np.testing.assert_allclose(got[col].to_numpy(), want[col].to_numpy(), rtol=1e-9, atol=1e-12, err_msg=col)
        for k in ("n", "R2", "MSE", "F", "df1", "df2", "p"):
            assert res.equations[outcome]["summary"][k] == pytest.approx(eq["summary"][k], rel=1e-9, abs=1e-300), k


@pytest.mark.parametrize("key", list(REF["models"]))
def test_effects_and_bootstrap_on_the_same_resamples_equal_r(data, key):
    ref = REF["models"][key]
    res = _fit(data, ref, resamples=IDX)
    eff = res.effects.set_index("effect")
    assert set(eff.index) == set(ref["effects"])
    for name, e in ref["effects"].items():
        assert eff.loc[name, "estimate"] == pytest.approx(e["estimate"], abs=1e-12)
        np.testing.assert_allclose(res.boot[name].to_numpy(), e["bootstrap_first"], atol=1e-10, err_msg=name)
        t = np.asarray(e["bootstrap_first"])
        # percentile interval = R's quantile(type = 7) of the bootstrap estimates
        assert eff.loc[name, "ci_low"] == pytest.approx(np.quantile(t, 0.025))
        assert eff.loc[name, "boot_se"] == pytest.approx(t.std(ddof=1))


@pytest.mark.parametrize("key", ["model4", "model7", "model14"])
def test_hc3_standard_errors_equal_r(data, key):
    ref = REF["models"][key]
    res = _fit(data, ref, bootstrap=20, hc3=True)
    for outcome, eq in ref["equations"].items():
        if outcome == "total_effect_model":
            continue
        want = pd.DataFrame(eq["coefficients"])
        got = res.equations[outcome]["coefficients"]
        np.testing.assert_allclose(got["se"].to_numpy(), want["se_hc3"].to_numpy(), rtol=1e-9)
        np.testing.assert_allclose(got["llci"].to_numpy(), want["llci_hc3"].to_numpy(), rtol=1e-9, atol=1e-12)
        assert res.equations[outcome]["summary"]["F"] == pytest.approx(eq["summary"]["F_hc3"], rel=1e-9)


def test_sobel_equals_r(data):
    for key in ("model4", "model4_parallel"):
        ref = REF["models"][key]
        res = _fit(data, ref, bootstrap=20).sobel.set_index("mediator")
        for m, s in ref["sobel"].items():
            for k in ("effect", "se", "z", "p"):
                assert res.loc[m, k] == pytest.approx(s[k], rel=1e-9)


def test_seeded_bootstrap_is_reproducible_and_bias_corrected_interval_brackets(data):
    ref = REF["models"]["model4"]
    a = _fit(data, ref, bootstrap=300, seed=3)
    b = _fit(data, ref, bootstrap=300, seed=3)
    pd.testing.assert_frame_equal(a.effects, b.effects)
    bc = _fit(data, ref, bootstrap=300, seed=3, ci_method="bc").effects.set_index("effect")
    row = bc.loc["indirect_CUSA"]
    assert row["ci_low"] < row["estimate"] < row["ci_high"]
    assert "indirect_CUSA" in a.notes("en")[0] and "PROCESS" in a.notes("zh")[0]


def test_vectorized_bootstrap_equals_refitting_each_resample(data):
    # the batched regressions give the same effects as fitting every resample on its own
    ref = REF["models"]["model7"]
    res = _fit(data, ref, resamples=IDX[:5])
    from servqual.psychometrics.process import composite_scores
    frame = composite_scores(data, {ref["X"]: C[ref["X"]], "CUSA": C["CUSA"], ref["Y"]: C[ref["Y"]],
                                    ref["W"]: C[ref["W"]]}).reset_index(drop=True)
    for k, idx in enumerate(IDX[:5]):
        sub = frame.iloc[idx].reset_index(drop=True)
        b = np.linalg.lstsq(np.column_stack([np.ones(len(sub)), sub[ref["X"]], sub[ref["W"]],
                                             sub[ref["X"]] * sub[ref["W"]]]), sub["CUSA"], rcond=None)[0]
        assert res.boot.loc[k, "index_moderated_mediation_CUSA"] == pytest.approx(
            b[3] * np.linalg.lstsq(np.column_stack([np.ones(len(sub)), sub[ref["X"]], sub["CUSA"]]), sub[ref["Y"]],
                                   rcond=None)[0][2], abs=1e-10)


def test_simple_moderation_model_1_and_johnson_neyman(data):
    res = process(data, 1, x="comp_1", y="cusl_1", w="like_1", n_boot=100, seed=1, probe="meansd")
    c = res.equations["cusl_1"]["coefficients"].set_index("term")["coeff"]
    eff = res.effects.set_index("effect")
    w = data["like_1"].dropna()
    assert eff.loc["interaction", "estimate"] == pytest.approx(c["comp_1xlike_1"])
    assert eff.loc["conditional_effect_X_at_W_mean", "estimate"] == pytest.approx(
        c["comp_1"] + c["comp_1xlike_1"] * res.variables["w_values"]["mean"])
    jn = res.johnson_neyman
    assert 0 <= jn["significant_share"] <= 1 and all(w.min() <= v <= w.max() for v in jn["values"])


@pytest.mark.parametrize("hc", ["HC0", "HC1", "HC2", "HC3", "HC4"])
def test_hc_standard_errors_follow_their_definitions(data, hc):
    res = process(data, 4, x="comp_1", m="cusa", y="cusl_1", n_boot=20, seed=1, hc=hc)
    coef = res.equations["cusa"]["coefficients"]
    sub = data[["comp_1", "cusa", "cusl_1"]].dropna()
    xm = np.column_stack([np.ones(len(sub)), sub["comp_1"]])
    b = np.linalg.lstsq(xm, sub["cusa"], rcond=None)[0]
    e = sub["cusa"].to_numpy() - xm @ b
    inv = np.linalg.inv(xm.T @ xm)
    h = np.einsum("ij,jk,ik->i", xm, inv, xm)
    n, k = xm.shape
    om = {"HC0": e ** 2, "HC1": e ** 2 * n / (n - k), "HC2": e ** 2 / (1 - h), "HC3": e ** 2 / (1 - h) ** 2,
          "HC4": e ** 2 / (1 - h) ** np.minimum(4, n * h / k)}[hc]
    v = inv @ (xm.T * om) @ xm @ inv
    np.testing.assert_allclose(coef["se"], np.sqrt(np.diag(v)), rtol=1e-10)


def test_dimension_ids_resolve_to_scale_scores():
    mobi = sq.read_dataset("mobi")
    res = process(mobi, 4, x="Image", m="Satisfaction", y="Loyalty", n_boot=50, seed=1)
    assert res.variables["x"] == "Image" and res.n == 250


def test_bad_requests_are_clear_errors(data):
    with pytest.raises(AnalysisError, match="not available"):
        process(data, x="comp_1", y="cusl_1", m="cusa", model=5)
    with pytest.raises(AnalysisError, match="single value"):
        process(data.assign(one=1.0), 1, x="comp_1", y="cusl_1", w="one")
    with pytest.raises(AnalysisError, match="moderator"):
        process(data, x="comp_1", y="cusl_1", m="cusa", model=7)
    with pytest.raises(AnalysisError, match="exactly two mediators"):
        process(data, x="comp_1", y="cusl_1", m="cusa", model=6)
    with pytest.raises(AnalysisError, match="not in the data"):
        process(data, x="nope", y="cusl_1", m="cusa")
