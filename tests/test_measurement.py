"""measurement_report and `servqual analyze`: every number in results.json equals R psych / lavaan / semTools."""

from __future__ import annotations

import json
import warnings

import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual.cli import main
from servqual.psychometrics.measurement import RESULTS_KEYS

# data set -> (bundled name, reference slug, block, row filter)
CASES = {
    "mobi": ("mobi", "mobi", None, None),
    "bfi": ("bfi", "bfi", None, None),
    "holzinger": ("holzinger", "holzinger", None, None),
    "corp_rep": ("corp_rep", "corp_rep", None, None),
    "kiosk_perception": ("kiosk", "kiosk_perception", "perception", ("in_authors_analysis_sample", 1)),
    "kiosk_expectation": ("kiosk", "kiosk_expectation", "expectation", ("in_authors_analysis_sample", 1)),
}


@pytest.fixture(scope="module")
def reports():
    cache = {}

    def get(case):
        if case not in cache:
            name, slug, block, flt = CASES[case]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", sq.InstrumentWarning)
                inst = sq.load_instrument(name)
                data = sq.read_dataset(name).data
            if flt:
                data = data[data[flt[0]] == flt[1]]
            cache[case] = sq.measurement_report(data, inst, block=block, missing="listwise")  # as the R reference
        return cache[case]

    return get


@pytest.mark.parametrize("case", list(CASES))
def test_reliability_matches_psych(case, reports, ref_case):
    rep = reports(case)
    rc = ref_case(CASES[case][1])
    ref = rc.ref
    assert rep.n_used == ref["meta"]["n_complete"]
    rel = rep.reliability.set_index("scale")
    names = {"all": "all", **{k: k for k in rc.constructs}}
    for scale in names:
        a = ref["sets"][scale]["alpha"]
        if scale != "all" and len(rc.constructs[scale]) < 2:
            continue
        assert_allclose(rel.loc[scale, "alpha"], a["raw_alpha"], atol=1e-6)
        assert_allclose(rel.loc[scale, "alpha_std"], a["std_alpha"], atol=1e-6)
        f = a["feldt_ci95_formula"]
        assert_allclose([rel.loc[scale, "alpha_ci_low"], rel.loc[scale, "alpha_ci_high"]], [f["lower"], f["upper"]], atol=1e-6)


@pytest.mark.parametrize("case", list(CASES))
def test_omega_total_matches_psych_omega(case, reports, ref_case):
    rep = reports(case)
    rc = ref_case(CASES[case][1])
    rel = rep.reliability.set_index("scale")
    assert_allclose(rel.loc["all", "omega_total"], rc.ref["sets"]["all"]["omega"]["omega_total"], atol=1e-3)
    for c, items in rc.constructs.items():
        if len(items) >= 3:
            assert_allclose(rel.loc[c, "omega_total"], rc.ref["sets"][c]["omega"]["omega_total"], atol=1e-3)


@pytest.mark.parametrize("case", list(CASES))
def test_item_analysis_kmo_bartlett_match_psych(case, reports, ref_case):
    rep = reports(case)
    rc = ref_case(CASES[case][1])
    ref = rc.ref
    ia = rep.item_analysis
    for c, items in rc.constructs.items():
        if len(items) < 2:
            continue
        drop = ref["sets"][c]["alpha"]
        got = ia[ia["scale"] == c].set_index("item")
        assert_allclose(got.loc[items, "r_drop"], [drop["r_drop"][i] for i in items], atol=1e-6)
        assert_allclose(got.loc[items, "alpha_if_deleted"], [drop["alpha_if_item_deleted"][i] for i in items], atol=1e-6)
    k = rep.kmo.set_index("item")["msa"]
    assert_allclose(k["overall"], ref["sets"]["all"]["kmo"]["MSA"], atol=1e-6)
    msai = ref["sets"]["all"]["kmo"]["MSAi"]
    assert_allclose(k[list(msai)], list(msai.values()), atol=1e-6)
    b = rep.bartlett.iloc[0]
    assert_allclose(b["chi2"], ref["sets"]["all"]["bartlett"]["chisq"], rtol=1e-9)
    assert int(b["df"]) == ref["sets"]["all"]["bartlett"]["df"]


def test_results_json_keys_and_columns(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", "--dataset", "mobi", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Cronbach's alpha" in text and "KMO" in text
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for key in ("n_rows", "n_used", "missing_policy"):
        assert key in doc
    assert doc["n_rows"] == 250 and doc["n_used"] == 250 and doc["missing_policy"] == "listwise"
    for key, cols in RESULTS_KEYS.items():
        if key in ("cfa_fit", "cfa_loadings", "construct_validity") and not doc[key]:
            continue  # covered by the CFA tests when the CFA module is present
        assert isinstance(doc[key], list) and doc[key], key
        for rec in doc[key]:
            assert set(cols) <= set(rec), (key, set(cols) - set(rec))
    scales = {r["scale"] for r in doc["reliability"]}
    assert scales == {"all", "Image", "Expectation", "Quality", "Value", "Satisfaction", "Loyalty"}
    assert any(r["item"] == "overall" for r in doc["kmo"])


def test_report_faces(reports):
    rep = reports("mobi")
    s = rep.summary()
    assert "Nunnally" in s and "Kaiser" in s
    assert "<table" in rep._repr_html_()
    assert list(rep.to_frame().columns)[:3] == ["scale", "n_items", "n"]


def test_listwise_deletion_is_stated(ref_case):
    """corp_rep: -99 codes -> NaN -> listwise deletion leaves the oracle's n."""
    rep = sq.measurement_report(sq.read_dataset("corp_rep"), "corp_rep")
    assert rep.n_rows == 344 and rep.n_used == ref_case("corp_rep").ref["meta"]["n_complete"]
    assert any("listwise" in n for n in rep.notes())
    assert "formative dimensions" in rep.skipped


def test_too_few_rows_is_a_clear_error():
    data = sq.read_dataset("mobi").data.head(10)
    with pytest.raises(sq.AnalysisError, match="at least 24 complete rows"):
        sq.measurement_report(data, "mobi")


def test_constant_item_is_named():
    data = sq.read_dataset("holzinger").data.copy()
    data["x1"] = 5.0
    rep = sq.measurement_report(data, "holzinger")
    text = " ".join(list(rep.skipped.values()) + rep.warnings)
    assert "x1" in text


@pytest.mark.parametrize("case", list(CASES))
def test_cfa_fit_in_report_matches_lavaan(case, reports, ref_case):
    rep = reports(case)
    ref = ref_case(CASES[case][1]).ref["cfa"]["ML"]
    h, fm = ref["headline"], ref["fit_measures"]
    f = rep.cfa_fit.iloc[0]
    assert f["estimator"] == "ML" and int(f["df"]) == h["df"]
    assert_allclose(f["chi2"], h["chisq"], rtol=1e-5)
    assert_allclose(f["aic"], h["aic"], rtol=1e-6)
    assert_allclose(f["bic"], h["bic"], rtol=1e-6)
    for ours, theirs in [("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("rmsea_ci_low", "rmsea_ci_lower"),
                         ("rmsea_ci_high", "rmsea_ci_upper"), ("srmr", "srmr"), ("pval", "pvalue")]:
        assert_allclose(f[ours], h[theirs], atol=1e-3, err_msg=ours)
    for k in ("gfi", "agfi", "nfi"):
        assert_allclose(f[k], fm[k], atol=1e-3, err_msg=k)


@pytest.mark.parametrize("case", list(CASES))
def test_construct_validity_and_htmt_in_report_match_semtools(case, reports, ref_case):
    rep = reports(case)
    rc = ref_case(CASES[case][1])
    st = rc.ref["semtools"]["ML"]
    sf = st["standardized_formulas"]
    cv = rep.construct_validity.set_index("dimension")
    for d in rc.constructs:
        assert_allclose(cv.loc[d, "cr"], sf["CR"][d], atol=1e-3)
        assert_allclose(cv.loc[d, "ave"], sf["AVE"][d], atol=1e-3)
        assert_allclose(cv.loc[d, "sqrt_ave"], sf["sqrt_AVE"][d], atol=1e-3)
    m = rc.matrix(st["htmt"]["htmt_henseler2015"])
    for r in rep.htmt.itertuples():
        assert_allclose(r.htmt, m.loc[r.dimension_a, r.dimension_b], atol=1e-6)
    loads = rep.cfa_loadings
    std = rc.ref["cfa"]["ML"]["std_loadings"]
    for r in loads.itertuples():
        assert_allclose(r.std_loading, std[r.dimension][r.item], atol=1e-3)


def test_report_notes_in_both_languages(reports):
    rep = reports("mobi")
    en, zh = rep.notes(), rep.notes("zh")
    assert en == rep.to_json_dict()["interpretation"] and len(zh) == len(en) and zh != en
    assert "Kaiser 1974" in zh[2] and rep.summary(lang="zh") != rep.summary()


def test_robust_estimator_adds_the_scaled_and_robust_columns(tmp_path):
    """results.json cfa_fit keeps its columns and adds the robust ones; the numbers are those of
    servqual.cfa(estimator="MLR"), which equal lavaan (tests/test_cfa_robust.py)."""
    hs = sq.read_dataset("holzinger")
    rep = sq.measurement_report(hs, "holzinger", estimator="MLR")
    ref = sq.cfa(hs.data, sq.load_instrument("holzinger").model(), estimator="MLR")
    fm, f = ref.fit_measures(), rep.cfa_fit.iloc[0]
    assert f["estimator"] == "MLR" and f["chi2"] == pytest.approx(fm["chisq"], abs=1e-9)
    for col, key in {"chi2_scaled": "chisq.scaled", "scaling_factor": "chisq.scaling.factor", "cfi_robust": "cfi.robust",
                     "tli_robust": "tli.robust", "rmsea_robust": "rmsea.robust", "rmsea_scaled": "rmsea.scaled",
                     "rmsea_robust_ci_low": "rmsea.ci.lower.robust"}.items():
        assert f[col] == pytest.approx(fm[key], abs=1e-12), col
    e = ref.estimates[ref.estimates["op"] == "=~"].set_index(["lhs", "rhs"])
    got = rep.cfa_loadings.set_index(["dimension", "item"])
    assert_allclose(got["se"].to_numpy(), e.loc[got.index, "se"].to_numpy(), atol=1e-12)
    assert any("MLR scaled test" in n for n in rep.notes())
    out = tmp_path / "mlr"
    assert main(["analyze", "--dataset", "holzinger", "--estimator", "MLR", "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["cfa_fit"][0]["cfi_robust"] == pytest.approx(fm["cfi.robust"], abs=1e-12)
    assert set(RESULTS_KEYS) <= set(doc)


def test_construct_validity_on_an_improper_solution_carries_the_caveat():
    """A one-factor model of holzinger x3, x4, x5, x7 has a negative residual variance (x4), as in lavaan."""
    inst = sq.Instrument.from_dict({"id": "hz", "scale": {"min": 0, "max": 10, "type": "continuous"},
                                    "dimensions": [{"id": "a", "items": ["x3", "x4", "x5", "x7"]}]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = sq.measurement_report(sq.load_dataset("holzinger"), inst)
    assert any(w.startswith("CFA: Heywood case") and "x4" in w for w in rep.warnings)
    assert len(rep.construct_validity)
    assert any(n.startswith("Caveat: the CFA solution is improper") for n in rep.notes())
    assert any(n.startswith("注意：CFA 解不恰当") for n in rep.notes("zh"))
