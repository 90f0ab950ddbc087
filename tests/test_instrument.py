"""The questionnaire file: the minimal form, the full schema, and every validation branch."""

from __future__ import annotations

import textwrap
import warnings

import pytest

import servqual as sq
from servqual.exceptions import InstrumentError, InstrumentWarning

MINIMAL = """\
id: sq_after_sales
scale: {min: 1, max: 7}          # default scale of every item
missing_codes: [0, 99]           # optional
dimensions:
  - id: tangibles
    items:
      - id: a01                  # = column name in the data
      - {id: a02, reverse: true} # reverse-keyed
      - id: a03
"""


def write(tmp_path, text, name="survey.yaml", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(textwrap.dedent(text).encode(encoding))
    return p


def load_error(tmp_path, text) -> str:
    with pytest.raises(InstrumentError) as exc:
        sq.load_instrument(write(tmp_path, text))
    return str(exc.value)


def test_minimal_form_is_accepted(tmp_path):
    inst = sq.load_instrument(write(tmp_path, MINIMAL))
    assert inst.id == "sq_after_sales"
    assert inst.dimension_ids == ["tangibles"]
    assert inst.item_ids == ["a01", "a02", "a03"]
    assert inst.missing_codes == (0, 99)
    assert (inst.scale.min, inst.scale.max) == (1, 7)
    assert inst.reverse_columns() == ["a02"]
    assert inst.model() == {"tangibles": ["a01", "a02", "a03"]}
    assert inst.scale.reverse(2) == 6
    keys = inst.keys()
    assert keys.loc["a02", "tangibles"] == -1 and keys.loc["a01", "tangibles"] == 1


def test_full_schema_blocks_kpis_hierarchy(tmp_path):
    text = """\
    id: full
    version: 2
    title: {zh: 售后服务质量, en: After-sales service quality}
    scales:
      agree5:
        min: 1
        max: 5
        labels: {1: {zh: 非常不同意, en: Strongly disagree}, 5: {zh: 非常同意, en: Strongly agree}}
      imp: {min: 1, max: 7}
    scale: agree5
    respondent_id: rid
    duration: {column: secs, unit: seconds, min: 90}
    pii: [phone]
    segments: [centre]
    blocks:
      - {id: e, role: expectation, column: "{id}_e"}
      - {id: p, role: perception, column: "{id}_p"}
      - {id: i, role: importance, column: "{id}_i", scale: imp}
    dimensions:
      - id: resp
        name: {zh: 响应性, en: Responsiveness}
        items:
          - {id: r1, text: {zh: 及时回应, en: Prompt reply}, columns: {e: r1_exp}}
          - {id: r2, reverse: true}
          - {id: r3}
    outcomes:
      - {id: overall, kind: satisfaction}
      - {id: nps, kind: recommend, scale: {min: 0, max: 10}}
    attention_checks:
      - {id: ac1, expected: 2}
    kpis:
      - {id: response_hours, unit: h, direction: lower_is_better, target: "<= 24"}
      - {id: ftf, column: ftf_rate, target: 0.9}
    hierarchy:
      goal: {zh: 服务质量, en: Service quality}
      criteria:
        - id: efficiency
          indicators: [{kpi: response_hours}, {dimension: resp}]
        - id: quality
          indicators: [{item: r1}, ftf]
    """
    inst = sq.load_instrument(write(tmp_path, text))
    assert inst.version == "2"
    assert inst.analysis_block == "p"
    assert inst.columns() == {"r1": "r1_p", "r2": "r2_p", "r3": "r3_p"}
    assert inst.columns("expectation") == {"r1": "r1_exp", "r2": "r2_e", "r3": "r3_e"}
    assert inst.scale_of(inst.item("r1"), "i").max == 7
    assert inst.scale_of(inst.item("r1"), "p").max == 5
    assert inst.scale.label(1, "zh") == "非常不同意" and inst.scale.label(5, "en") == "Strongly agree"
    k = {x.id: x for x in inst.kpis}
    assert k["response_hours"].target_op == "<=" and k["response_hours"].target == 24
    assert k["ftf"].target_op == ">=" and k["ftf"].meets_target(0.95)
    assert inst.directions() == {"response_hours": "lower_is_better", "ftf_rate": "higher_is_better"}
    assert inst.hierarchy.as_dict() == {"efficiency": ["response_hours", "resp"], "quality": ["r1", "ftf"]}
    specs = inst.column_specs()
    assert set(specs["role"]) == {"respondent_id", "item", "outcome", "attention", "kpi", "duration", "segment", "pii"}
    assert len(specs[specs.role == "item"]) == 9
    assert inst.dictionary("en")["r1_p"] == "Prompt reply"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("id: x\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, b, a]\n", ["survey.yaml:5", "duplicate id 'a'"]),
        ("id: x\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, b]\n  - id: d\n    items: [c, e]\n",
         ["survey.yaml:6", "duplicate id 'd'"]),
        ("id: x\nscale: {min: 7, max: 1}\ndimensions:\n  - id: d\n    items: [a, b, c]\n", ["survey.yaml:2", "must be below max"]),
        ("id: x\nscale: {min: 1, max: seven}\ndimensions:\n  - id: d\n    items: [a, b, c]\n", ["min and max must be numbers"]),
        ("id: x\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a]\n", ["survey.yaml:4", "at least 2 items"]),
        ("id: x\nscale: {min: 1, max: 7}\nmissing_codes: [3]\ndimensions:\n  - id: d\n    items: [a, b, c]\n",
         ["survey.yaml:3", "missing code 3 is a valid answer"]),
        ("id: x\nscale: {min: 1, max: 7}\nblocks:\n  - {id: e, role: expectation, column: '{id}_e'}\ndimensions:\n  - id: d\n    items: [a, b, c]\n",
         ["expectation block needs a perception block"]),
        ("id: x\nscale: {min: 1, max: 7}\nblocks:\n  - {id: e, role: expectation, column: '{id}_e', scale: {min: 1, max: 5}}\n"
         "  - {id: p, role: perception, column: '{id}_p'}\ndimensions:\n  - id: d\n    items: [a, b, c]\n", ["differs from perception block scale"]),
        ("id: x\nscale: {min: 1, max: 7}\nblocks:\n  - {id: e, role: expectation, column: '{id}_e'}\n"
         "  - {id: p, role: perception, column: '{id}_p'}\ndimensions:\n  - id: d\n    items:\n      - {id: a, columns: {q: a_q}}\n      - b\n      - c\n",
         ["survey.yaml:9", "names block 'q'"]),
        ("id: x\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, b, c]\nhierarchy:\n  goal: G\n  criteria:\n"
         "    - id: c1\n      indicators: [{dimension: nope}]\n", ["survey.yaml:10", "unknown dimension 'nope'"]),
        ("id: x\nscale: {min: 1, max: 7}\nkpis:\n  - {id: k, direction: up}\ndimensions:\n  - id: d\n    items: [a, b, c]\n",
         ["survey.yaml:4", "direction must be"]),
        ("id: x\nscale: {min: 1, max: 7}\nkpis:\n  - {id: k, target: 'about 24'}\ndimensions:\n  - id: d\n    items: [a, b, c]\n",
         ["target must look like"]),
        ("id: x\nscale: {min: 1, max: 7}\nattention_checks:\n  - {id: ac}\ndimensions:\n  - id: d\n    items: [a, b, c]\n",
         ["survey.yaml:4", "needs 'expected'"]),
        ("id: x\nscale: {min: 1, max: 7}\nattention_checks:\n  - {id: ac, expected: 2, after: bb}\ndimensions:\n  - id: d\n"
         "    items: [a, b, c]\n", ["survey.yaml:4", "'after: bb' names no dimension item", "did you mean 'b'"]),
        ("id: x\nscale: {min: 1, max: 7}\nattention_checks:\n  - {id: ac, expected: 2, after: [a]}\ndimensions:\n  - id: d\n"
         "    items: [a, b, c]\n", ["survey.yaml:4", "'after' must be the id of a dimension item"]),
        ("id: x\nscale: {min: 1, max: 7}\noutcomes:\n  - {id: sat, after: a}\ndimensions:\n  - id: d\n    items: [a, b, c]\n",
         ["survey.yaml:4", "unknown key 'after'"]),
        ("id: x\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, b, c]\n    weight: 3\n", ["survey.yaml:6", "unknown key 'weight'"]),
        ("id: x\nscale: {min: 1, max: 7}\ndimension:\n  - id: d\n", ["unknown top-level key 'dimension'", "'dimensions' must be a non-empty list"]),
        ("scale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, b, c]\n", ["needs an 'id'"]),
        ("id: x\ndimensions:\n  - id: d\n    items: [a, b, c]\n", ["missing 'scale'"]),
        ("id: x\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, {id: b, reverse: yes please}, c]\n",
         ["reverse must be true or false"]),
    ],
)
def test_invalid_questionnaires_name_file_and_line(tmp_path, text, expected):
    msg = load_error(tmp_path, text)
    for e in expected:
        assert e in msg, msg


def test_two_item_dimension_warns_with_line(tmp_path):
    with pytest.warns(InstrumentWarning, match=r"survey.yaml:4: dimension 'd' has only 2 items"):
        sq.load_instrument(write(tmp_path, "id: x\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, b]\n"))


def test_broken_yaml_names_line(tmp_path):
    msg = load_error(tmp_path, "id: x\nscale: {min: 1, max: 7\ndimensions:\n  - id: d\n")
    assert "survey.yaml:" in msg and "not valid YAML" in msg


def test_yaml_with_python_tag_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    text = f"id: x\nscale: !!python/object/apply:os.system ['touch {marker}']\ndimensions:\n  - id: d\n    items: [a, b, c]\n"
    msg = load_error(tmp_path, text)
    assert "survey.yaml:2" in msg and "tag" in msg
    assert not marker.exists()


def test_yaml_duplicate_key_is_an_error(tmp_path):
    msg = load_error(tmp_path, "id: x\nid: y\nscale: {min: 1, max: 7}\ndimensions:\n  - id: d\n    items: [a, b, c]\n")
    assert "survey.yaml:2" in msg and "duplicate key 'id'" in msg


def test_gbk_encoded_questionnaire_is_read(tmp_path):
    text = MINIMAL.replace("id: tangibles", "id: tangibles\n    name: {zh: 有形性, en: Tangibles}")
    inst = sq.load_instrument(write(tmp_path, text, encoding="gbk"))
    assert inst.dimension_names("zh") == {"tangibles": "有形性"}


def test_missing_file_and_unknown_name():
    with pytest.raises(InstrumentError, match="file not found"):
        sq.load_instrument("no/such/survey.yaml")
    with pytest.raises(InstrumentError, match="no bundled questionnaire"):
        sq.load_instrument("no_such_survey")


def test_from_dict_matches_yaml(tmp_path):
    d = {"id": "x", "scale": {"min": 1, "max": 5}, "dimensions": [{"id": "d", "items": ["a", {"id": "b", "reverse": True}, "c"]}]}
    inst = sq.Instrument.from_dict(d)
    assert inst.reverse_columns() == ["b"] and inst.source == "<dict>"


def test_instrument_file_is_not_modified(tmp_path):
    p = write(tmp_path, MINIMAL)
    before = p.read_bytes()
    sq.load_instrument(p)
    assert p.read_bytes() == before


@pytest.mark.parametrize("name", ["servqual22", "after_sales_service_quality"])
def test_shipped_questionnaires_load_cleanly(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", InstrumentWarning)
        inst = sq.load_instrument(name)
    assert inst.title.zh and inst.title.en
    for it in inst.items:
        assert it.text.zh and it.text.en, f"{name}: item {it.id} needs zh and en wording"
    for d in inst.dimensions:
        assert d.name.zh and d.name.en


def test_servqual22_structure():
    inst = sq.load_instrument("servqual22")
    assert {d.id: len(d.items) for d in inst.dimensions} == {
        "tangibles": 4, "reliability": 5, "responsiveness": 4, "assurance": 4, "empathy": 5}
    assert inst.has_block("expectation") and inst.has_block("perception")
    assert (inst.scale.min, inst.scale.max) == (1, 7)


def test_after_sales_structure():
    inst = sq.load_instrument("after_sales_service_quality")
    assert len(inst.dimensions) == 5
    assert all(3 <= len(d.items) <= 5 for d in inst.dimensions)
    directions = {k.id: k.direction for k in inst.kpis}
    assert len(inst.kpis) >= 4 and "lower_is_better" in directions.values()
    assert inst.hierarchy is not None and len(inst.hierarchy.criteria) == 5
    assert any(o.kind == "satisfaction" for o in inst.outcomes)
