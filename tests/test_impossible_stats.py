"""Impossible statistics never reach results.json: undefined means null with the reason in warnings,
and every statistic that has a range is checked against it.

The attack files are generated in tmp_path: a dimension whose two items cancel out exactly (``a2 = 6 -
a1``, a reverse-keyed item left unrecoded), which used to give alpha = -1.458e15, and a dimension with
an unrecoded reverse item, whose negative alpha must name the candidates for reverse keying.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.cli import main
from servqual.psychometrics.measurement import RANGES, check_ranges, measurement_report
from servqual.psychometrics.reliability import cronbach_alpha, negative_alpha_note, reverse_key_candidates

pytestmark = pytest.mark.filterwarnings("ignore::servqual.exceptions.InstrumentWarning")

SURVEY = """\
id: attack
version: "1"
title: {{zh: 攻击, en: Attack}}
languages: [zh, en]
scales:
  s: {{min: {lo}, max: {hi}, type: continuous}}
scale: s
respondent_id: id
dimensions:
  - id: A
    name: {{zh: 甲, en: A}}
    items:
{a_items}
  - id: B
    name: {{zh: 乙, en: B}}
    items:
{b_items}
"""


def survey_text(a_items, b_items, lo=1, hi=5) -> str:
    def lines(ids):
        return "\n".join(f"      - {{id: {i}, text: {{zh: 题{i}, en: Item {i}}}}}" for i in ids)
    return SURVEY.format(lo=lo, hi=hi, a_items=lines(a_items), b_items=lines(b_items))


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cancel_data(n: int = 120, seed: int = 3) -> pd.DataFrame:
    """a2 = 6 - a1 (scores with decimals): a1 + a2 is constant."""
    rng = np.random.default_rng(seed)
    f, g = rng.normal(size=n), rng.normal(size=n)

    def item(factor):
        return np.clip(np.round(3 + factor + rng.normal(scale=0.6, size=n), 2), 1, 5)

    a1 = item(f)
    return pd.DataFrame({"id": [f"{i:04d}" for i in range(n)], "a1": a1, "a2": np.round(6 - a1, 2), "a3": item(f),
                         **{f"b{i}": item(g) for i in (1, 2, 3)}})


@pytest.fixture
def files(tmp_path):
    """``cancel``: dimension A is (a1, a2 = 6 - a1); ``reverse``: the bfi answers with A1 (reverse-keyed)
    left unrecoded in dimension A = (A1, A2, A3)."""
    def make(kind):
        s = tmp_path / f"{kind}.yaml"
        d = tmp_path / f"{kind}.csv"
        if kind == "cancel":
            s.write_text(survey_text(["a1", "a2"], ["a3", "b1", "b2", "b3"]), encoding="utf-8")
            cancel_data().to_csv(d, index=False)
        else:
            s.write_text(survey_text(["A1", "A2", "A3"], ["C1", "C2", "C3"], 1, 6), encoding="utf-8")
            sq.load_dataset("bfi")[["id", "A1", "A2", "A3", "C1", "C2", "C3"]].to_csv(d, index=False)
        return s, d
    return make


def all_numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from all_numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from all_numbers(v)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield obj


# ---------------------------------------------------------------------------------------------------
# the root: alpha of a constant total score
# ---------------------------------------------------------------------------------------------------
def test_alpha_of_items_that_cancel_out_is_nan_with_a_reason():
    x = cancel_data()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = cronbach_alpha(x, ["a1", "a2"], ci="all", n_boot=200)
    msgs = [str(m.message) for m in w]
    assert not [m for m in w if issubclass(m.category, RuntimeWarning)], msgs  # no 1/0 noise
    assert any("zero variance" in m and "a1, a2" in m for m in msgs), msgs
    assert math.isnan(res.alpha) and math.isnan(res.alpha_std) and math.isnan(res.ase)
    assert res.cis[["estimate", "ci_low", "ci_high"]].isna().all().all()
    assert "zero variance" in res.notes()[0]


def test_alpha_if_deleted_of_a_cancelling_pair_is_nan_not_1e15():
    x = cancel_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cronbach_alpha(x, ["a1", "a2", "a3"])
    st = res.item_stats.set_index("item")
    assert math.isnan(st.loc["a3", "alpha_if_deleted"])  # a1 + a2 without a3: constant
    values = st.drop(columns=["n"]).to_numpy(dtype=float)
    assert np.all(np.isnan(values) | (np.abs(values) < 1e3))
    assert res.alpha <= 1 and np.isfinite(res.alpha)


def test_cli_analyze_writes_null_alpha_and_the_reason(files, tmp_path, capsys):
    s, d = files("cancel")
    before = sha(s), sha(d)
    out = tmp_path / "out"
    assert main(["analyze", "--survey", str(s), "--data", str(d), "--out", str(out)]) == 0
    cap = capsys.readouterr()
    assert "Traceback" not in cap.out + cap.err
    assert (sha(s), sha(d)) == before
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rel = {r["scale"]: r for r in doc["reliability"]}
    assert rel["A"]["alpha"] is None and rel["A"]["alpha_ci_low"] is None
    assert any("zero variance" in w and "a1, a2" in w for w in doc["warnings"]), doc["warnings"]
    assert any("Undefined" in line and "A" in line for line in doc["interpretation"])
    assert all(abs(v) < 1e12 for v in all_numbers({k: doc[k] for k in ("reliability", "item_analysis")}))
    for r in doc["reliability"]:
        assert r["alpha"] is None or r["alpha"] <= 1


# ---------------------------------------------------------------------------------------------------
# negative alpha: a hint about reverse-keyed items
# ---------------------------------------------------------------------------------------------------
def test_negative_alpha_names_the_candidates_for_reverse_keying(files):
    s, d = files("reverse")
    resp = sq.read_responses(d, sq.load_instrument(s))
    res = cronbach_alpha(resp.data, ["A1", "A2", "A3"])
    assert res.alpha < 0
    assert reverse_key_candidates(res.item_stats) == ["A1"]
    assert any("Candidates for reverse keying" in n and "A1" in n for n in res.notes())
    rep = measurement_report(resp, sq.load_instrument(s))
    notes = rep.notes("en")
    assert any(n.startswith("alpha of A = ") and "negative" in n and ": A1;" in n for n in notes), notes
    assert any("反向" in n and "A1" in n for n in rep.notes("zh"))
    assert any("Candidates for reverse keying" in n for n in rep.to_json_dict()["interpretation"])


def test_no_note_for_a_positive_alpha():
    res = cronbach_alpha(sq.load_dataset("holzinger"), ["x1", "x2", "x3"])
    assert negative_alpha_note(res.alpha, res.item_stats) is None
    assert not any("reverse keying" in n for n in res.notes())


# ---------------------------------------------------------------------------------------------------
# ranges
# ---------------------------------------------------------------------------------------------------
def test_check_ranges_nulls_impossible_values_and_says_why():
    tables = {
        "reliability": pd.DataFrame({"scale": ["all", "A"], "alpha": [0.8, 1.4], "omega_total": [-0.1, 0.7],
                                     "average_r": [1 + 1e-15, 0.3]}),
        "kmo": pd.DataFrame({"item": ["q1", "overall"], "msa": [1.2, 0.7]}),
        "construct_validity": pd.DataFrame({"dimension": ["A"], "cr": [0.9], "ave": [float("inf")], "ave_ok": [True]}),
        "fornell_larcker": pd.DataFrame({"A": [0.7, 1.3], "B": [1.3, 0.8]}, index=pd.Index(["A", "B"], name="dimension")),
        "efa_loadings": pd.DataFrame({"F1": [1.2]}),  # pattern coefficients may exceed 1: not checked
    }
    out, msgs = check_ranges(tables, {"A": ["a1"], "B": ["b1"]})
    rel = out["reliability"]
    assert math.isnan(rel.loc[1, "alpha"]) and math.isnan(rel.loc[0, "omega_total"])
    assert rel.loc[0, "average_r"] == 1 + 1e-15  # rounding is not a violation
    assert math.isnan(out["kmo"].loc[0, "msa"]) and out["kmo"].loc[1, "msa"] == 0.7
    assert math.isnan(out["construct_validity"].loc[0, "ave"]) and bool(out["construct_validity"].loc[0, "ave_ok"])
    assert np.isnan(out["fornell_larcker"].to_numpy()).sum() == 2
    assert out["efa_loadings"].loc[0, "F1"] == 1.2
    assert tables["reliability"].loc[1, "alpha"] == 1.4  # the input is not modified
    assert len(msgs) == 6
    assert any("alpha = 1.4 for scale A is outside its range [-inf, 1]" in m for m in msgs)
    assert any("msa = 1.2 for item q1" in m for m in msgs)
    assert any("ave = inf for dimension A is infinite" in m for m in msgs)


def test_ranges_cover_the_documented_statistics():
    assert RANGES["reliability"]["alpha"][1] == 1 and RANGES["reliability"]["omega_total"] == (0, 1)
    assert RANGES["kmo"]["msa"] == (0, 1) and RANGES["construct_validity"]["ave"] == (0, 1)
    assert RANGES["item_analysis"]["r_drop"] == (-1, 1)


@pytest.mark.parametrize("name", ["holzinger", "mobi"])
def test_bundled_statistics_are_in_range(name):
    resp = sq.read_dataset(name)
    rep = measurement_report(resp, resp.instrument)
    tables = {k: getattr(rep, k) for k in RANGES}
    _, msgs = check_ranges(tables, rep.model)
    assert msgs == []
    assert not any("outside its range" in w for w in rep.warnings)
