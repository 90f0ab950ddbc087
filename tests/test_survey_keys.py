"""The questionnaire keys for survey data as it comes: scoped missing codes, not applicable, answer texts,
non-consecutive scales, outcome constructs, topic-overall items and ``{num}`` column templates.

The small files written here are hand-made with a known answer per cell (what each cell must become);
the real data sets are used where the feature exists in them (bfi's empty cells, corp_rep's -99).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import InstrumentError


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


BASE = {
    "id": "keys_test",
    "scale": {"min": 1, "max": 5},
    "missing_codes": [99],
    "not_applicable": [0],
    "dimensions": [{"id": "d", "items": ["q1", "q2", "q3"]}],
}


def inst_of(**extra):
    return sq.Instrument.from_dict({**BASE, **extra})


# ---- missing codes apply where they belong -------------------------------------------------------------
def test_a_kpi_of_zeros_keeps_its_zeros(tmp_path):
    """A 0 = N/A on the ratings is not a missing code of the delay KPI: on-time flights stay 0 minutes."""
    inst = inst_of(kpis=[{"id": "delay", "column": "delay_min", "direction": "lower_is_better", "target": "<= 15"}],
                   duration={"column": "secs"}, segments=["cls"])
    df = pd.DataFrame({"q1": [0, 3, 4, 5], "q2": [1, 0, 99, 5], "q3": [2, 2, 3, 4],
                       "delay_min": [0, 0, 45, 0], "secs": [0, 300, 200, 100], "cls": [0, 1, 1, 0]})
    p = tmp_path / "kpi.csv"
    df.to_csv(p, index=False)
    before = digest(p)
    r = sq.read_responses(p, inst)
    assert digest(p) == before
    assert r.data["delay_min"].tolist() == [0, 0, 45, 0]
    assert r.data["delay_min"].mean() == pytest.approx(11.25)  # not 45 (as if the zeros were missing)
    met = inst.kpis[0].meets_target(r.data["delay_min"])
    assert met.mean() == 0.75
    assert r.data["secs"].tolist() == [0, 300, 200, 100] and r.data["cls"].tolist() == [0, 1, 1, 0]
    assert np.isnan(r.data.loc[0, "q1"]) and np.isnan(r.data.loc[1, "q2"]) and np.isnan(r.data.loc[2, "q2"])
    # the two kinds of missing apart
    assert r.not_applicable["q1"].tolist() == [True, False, False, False]
    assert r.not_applicable["q2"].tolist() == [False, True, False, False]
    steps = dict(zip(zip(r.log["step"], r.log["column"]), r.log["n"]))
    assert steps[("not applicable -> NaN", "q2")] == 1 and steps[("missing code -> NaN", "q2")] == 1
    assert not any(c == "delay_min" for _, c in steps)


def test_a_kpi_may_declare_its_own_missing_code(tmp_path):
    inst = inst_of(kpis=[{"id": "delay", "column": "delay_min", "missing_codes": [-1]}])
    p = tmp_path / "k.csv"
    pd.DataFrame({"q1": [1, 2], "q2": [1, 2], "q3": [1, 2], "delay_min": [-1, 0]}).to_csv(p, index=False)
    r = sq.read_responses(p, inst)
    assert np.isnan(r.data.loc[0, "delay_min"]) and r.data.loc[1, "delay_min"] == 0


def test_codes_are_inherited_item_over_dimension_over_block_over_questionnaire():
    inst = sq.Instrument.from_dict({
        "id": "lv", "scale": {"min": 1, "max": 5}, "missing_codes": [99], "not_applicable": [0],
        "blocks": [{"id": "p", "role": "perception", "column": "{id}_p"},
                   {"id": "i", "role": "importance", "column": "{id}_i", "not_applicable": [], "missing_codes": [9]}],
        "dimensions": [
            {"id": "a", "items": ["a1", "a2", {"id": "a3", "not_applicable": [-8]}]},
            {"id": "b", "missing_codes": [-9], "items": ["b1", "b2", "b3"]},
        ],
    })
    specs = inst.column_specs().set_index("column")
    assert specs.loc["a1_p", ["missing_codes", "not_applicable"]].tolist() == [(99,), (0,)]
    assert specs.loc["a1_i", ["missing_codes", "not_applicable"]].tolist() == [(9,), ()]
    assert specs.loc["a3_p", "not_applicable"] == (-8,) and specs.loc["a3_i", "not_applicable"] == (-8,)
    assert specs.loc["b1_p", "missing_codes"] == (-9,) and specs.loc["b1_i", "missing_codes"] == (-9,)


def test_a_code_that_is_a_scale_point_is_refused_naming_the_items():
    with pytest.raises(InstrumentError) as e:
        sq.Instrument.from_dict({**BASE, "outcomes": [{"id": "nps", "scale": {"min": 0, "max": 10}},
                                                       {"id": "rec", "scale": {"min": 0, "max": 10}}]})
    msg = str(e.value)
    assert "not-applicable code 0 is a valid answer on the scale 0..10 of nps, rec" in msg
    assert "their own not_applicable" in msg
    # the fix the message names works
    inst = sq.Instrument.from_dict({**BASE, "outcomes": [{"id": "nps", "scale": {"min": 0, "max": 10}, "not_applicable": []}]})
    assert inst.codes_of(inst.item("nps")) == ((99,), ())


# ---- answer texts ---------------------------------------------------------------------------------------
def test_text_outcome_values_and_labels_read_as_codes(tmp_path):
    inst = inst_of(
        scale={"min": 1, "max": 5, "labels": {1: {"zh": "非常不满意", "en": "Very dissatisfied"}, 2: "不满意", 3: "一般",
                                             4: "满意", 5: {"zh": "非常满意", "en": "Very satisfied"}}},
        scales={"sat2": {"min": 0, "max": 1, "values": {"satisfied": 1, "neutral or dissatisfied": 0}}},
        outcomes=[{"id": "satisfaction", "scale": "sat2", "not_applicable": []}],
    )
    df = pd.DataFrame({"q1": ["非常满意", " 满意", "Very satisfied", 2], "q2": [1, 2, "一般", 4], "q3": [3, 3, 3, 3],
                       "satisfaction": ["satisfied", "Neutral or Dissatisfied", "neutral  or dissatisfied", "satisfied"]})
    p = tmp_path / "text.csv"
    df.to_csv(p, index=False)
    r = sq.read_responses(p, inst)
    assert r.data["q1"].tolist() == [5, 4, 5, 2]
    assert r.data["q2"].tolist() == [1, 2, 3, 4]
    assert r.data["satisfaction"].tolist() == [1, 0, 0, 1]
    assert "answer text -> code" in set(r.log["step"])


def test_an_unknown_answer_text_is_a_problem_naming_the_allowed_texts(tmp_path):
    inst = inst_of(scales={"sat2": {"min": 0, "max": 1, "values": {"satisfied": 1, "neutral or dissatisfied": 0}}},
                   outcomes=[{"id": "satisfaction", "scale": "sat2", "not_applicable": []}])
    p = tmp_path / "t.csv"
    pd.DataFrame({"q1": [1], "q2": [2], "q3": [3], "satisfaction": ["happy"]}).to_csv(p, index=False)
    prob = sq.check_responses(p, inst)
    assert prob[["row", "column", "value", "problem"]].values.tolist() == [[2, "satisfaction", "happy", "not an answer of the scale"]]
    assert "'satisfied', 'neutral or dissatisfied'" in prob["hint"].iloc[0]
    assert "missing_codes" in prob["hint"].iloc[0]  # as the last resort, not the first


def test_text_in_an_unlabelled_scale_suggests_values_before_missing_codes(tmp_path):
    p = tmp_path / "t.csv"
    pd.DataFrame({"q1": ["同意"], "q2": [2], "q3": [3]}).to_csv(p, index=False)
    hint = sq.check_responses(p, inst_of())["hint"].iloc[0]
    assert hint.index("values:") < hint.index("missing_codes")


def test_values_codes_must_be_points_of_the_scale():
    with pytest.raises(InstrumentError, match="the code 7 of 'top' is not a point of the scale"):
        inst_of(scale={"min": 1, "max": 5, "values": {"top": 7}})


# ---- scales with explicit points -----------------------------------------------------------------------
def test_a_0_to_100_scale_in_steps_of_20(tmp_path):
    inst = inst_of(scales={"pct": {"points": [0, 20, 40, 60, 80, 100]}},
                   outcomes=[{"id": "rec", "scale": "pct", "not_applicable": []}])
    sc = inst.scale_of(inst.item("rec"))
    assert (sc.min, sc.max, sc.points) == (0, 100, [0, 20, 40, 60, 80, 100])
    p = tmp_path / "p.csv"
    pd.DataFrame({"q1": [1, 2], "q2": [1, 2], "q3": [1, 2], "rec": [40, 50]}).to_csv(p, index=False)
    prob = sq.check_responses(p, inst)
    assert prob[["row", "column", "problem"]].values.tolist() == [[3, "rec", "not a point of the scale 0, 20, 40, 60, 80, 100"]]
    # a form prints the six points, not 101
    assert len(sq.xlsform(inst)["choices"].query("list_name.str.startswith('pct')")) == 6


def test_a_101_point_scale_still_needs_points_or_continuous():
    with pytest.raises(InstrumentError, match="points:"):
        inst_of(scales={"pct": {"min": 0, "max": 200}})


# ---- column templates with the item number -------------------------------------------------------------
def test_block_columns_from_the_item_number():
    inst = sq.Instrument.from_dict({
        "id": "num", "scale": {"min": 1, "max": 5},
        "blocks": [{"id": "p", "role": "perception", "column": "q{num}"}, {"id": "i", "role": "importance", "column": "qi{num}"}],
        "dimensions": [{"id": "d", "items": ["q1", "q2", {"id": "q6", "columns": {"i": "imp_six"}}]}],
    })
    assert inst.columns("p") == {"q1": "q1", "q2": "q2", "q6": "q6"}
    assert inst.columns("i") == {"q1": "qi1", "q2": "qi2", "q6": "imp_six"}
    with pytest.raises(InstrumentError, match="ends in no number"):
        sq.Instrument.from_dict({"id": "num", "scale": {"min": 1, "max": 5},
                                 "blocks": [{"id": "p", "role": "perception", "column": "q{num}"}],
                                 "dimensions": [{"id": "d", "items": ["qa", "qb", "qc"]}]})


# ---- outcome constructs and topic-overall items --------------------------------------------------------
def test_outcome_constructs_and_overall_items():
    inst = inst_of(
        dimensions=[{"id": "support", "overall": "s4", "items": ["s1", "s2", "s3", "s4"]},
                    {"id": "d", "items": ["q1", "q2", "q3"]}],
        outcomes=[{"id": "loyalty", "kind": "loyalty", "items": ["loy1", "loy2", "loy3"]},
                  {"id": "overall_sat", "kind": "satisfaction"}],
        structure=[{"from": ["support", "d"], "to": "loyalty"}],
    )
    assert inst.dimension_ids == ["support", "d"]  # the outcome construct is no service dimension
    assert inst.dimension("support").item_ids == ["s1", "s2", "s3"]  # s4 kept out of the scale score
    assert [i.id for i in inst.overall_items] == ["s4"]
    assert [c.id for c in inst.outcome_constructs] == ["loyalty"]
    assert inst.construct("loyalty").items[0].kind == "loyalty"
    assert [o.id for o in inst.outcomes] == ["loy1", "loy2", "loy3", "overall_sat"]
    assert "s4" not in inst.columns().values()
    roles = inst.column_specs().set_index("column")["role"]
    assert roles["s4"] == "overall" and roles["loy1"] == "outcome"
    assert inst.structural_paths() == [("support", "loyalty"), ("d", "loyalty")]


# ---- not applicable on the forms -----------------------------------------------------------------------
def test_the_not_applicable_box_is_printed_and_offered():
    inst = inst_of()
    html = sq.render_questionnaire(inst, lang="zh", format="html")
    assert "不适用" in html
    ch = sq.xlsform(inst)["choices"]
    assert "0" in ch["name"].astype(str).tolist()
    cb = sq.codebook(inst).set_index("column")
    assert cb.loc["q1", "not_applicable"] == "0" and cb.loc["q1", "missing_codes"] == "99"


# ---- the missing-data report ---------------------------------------------------------------------------
def test_missing_report_counts_no_answer_and_not_applicable_apart(tmp_path):
    p = tmp_path / "m.csv"
    pd.DataFrame({"q1": [0, 1, "", 3], "q2": [0, 99, 2, 3], "q3": [1, 2, 3, 4]}).to_csv(p, index=False)
    rep = sq.missing_report(sq.read_responses(p, inst_of()))
    t = rep.items.set_index("column")
    assert t.loc["q1", ["n", "no_answer", "not_applicable"]].tolist() == [2, 1, 1]
    assert t.loc["q2", ["n", "no_answer", "not_applicable"]].tolist() == [2, 1, 1]
    assert t.loc["q3", "pct_missing"] == 0
    assert rep.complete_rows == 1
    assert rep.patterns.set_index("pattern")["n_rows"].to_dict() == {"nn.": 1, ".-.": 1, "-..": 1, "...": 1}
    assert rep.respondents["share_missing"].tolist() == pytest.approx([2 / 3, 1 / 3, 1 / 3, 0])


def test_missing_report_on_the_real_bfi_matches_a_count_by_hand():
    r = sq.read_dataset("bfi")
    rep = sq.missing_report(r)
    raw = pd.read_csv(sq.dataset_path("bfi"))
    items = sq.load_instrument("bfi").item_ids
    t = rep.items.set_index("column")
    for c in items:
        assert t.loc[c, "no_answer"] == raw[c].isna().sum()
    assert rep.complete_rows == int(raw[items].notna().all(axis=1).sum())


def test_outcome_constructs_are_measured_with_the_dimensions_but_are_no_dimensions():
    with pytest.warns(sq.InstrumentWarning):
        inst = sq.load_instrument("mobi")
    rep = sq.measurement_report(sq.read_dataset("mobi"), inst)
    assert set(rep.reliability["scale"]) == {"all", "Image", "Expectation", "Quality", "Value", "Satisfaction", "Loyalty"}
    assert "Satisfaction" in set(rep.construct_validity["dimension"])
    assert "Satisfaction" not in inst.dimension_ids
    scores = sq.dimension_scores(sq.read_dataset("mobi").data, inst)
    assert {"Satisfaction", "Loyalty"}.isdisjoint(scores.columns)  # no weights, indices or priorities for outcomes


def test_cli_missing_writes_the_per_column_table(tmp_path, capsys):
    from servqual.cli import main

    out = tmp_path / "missing.csv"
    assert main(["missing", "--dataset", "sfo", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Not applicable is counted apart from no answer" in text
    t = pd.read_csv(out, encoding="utf-8-sig").set_index("column")
    raw = pd.read_csv(sq.dataset_path("sfo"), low_memory=False)
    assert t.loc["Q7RENTAL", "not_applicable"] == (raw["Q7RENTAL"] == 6).sum()
    assert t.loc["Q7RENTAL", "n"] + t.loc["Q7RENTAL", "no_answer"] + t.loc["Q7RENTAL", "not_applicable"] == len(raw)


def test_the_study_states_n_and_missing_policy_of_every_table():
    from servqual.reporting.study.api import build_study

    st = build_study(sq.read_dataset("kiosk"), lang="en", figures=False)
    info = st.results["table_info"]
    for key in ("reliability", "kmo", "cfa_fit", "weights", "gaps", "ipa"):
        assert {"n", "missing_policy"} <= set(info[key]), key
    assert info["gaps"]["missing_policy"] == "pairwise" and info["ipa"]["missing_policy"] == "available"
    kept = st.measurement.n_rows
    assert max(info["gaps"]["n"]) <= kept and info["weights"]["n"] <= kept
