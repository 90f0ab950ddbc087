"""The structure: key of a questionnaire (the structural model), its checks and its use by sem / pls."""

import pytest

import servqual as sq
from servqual.exceptions import InstrumentError

BASE = """id: s
scale: {min: 1, max: 5}
dimensions:
  - {id: quality, items: [q1, q2, q3]}
  - {id: value, items: [v1, v2, v3]}
  - {id: loyalty, items: [l1, l2, l3]}
outcomes:
  - {id: sat, kind: satisfaction, text: {en: Overall satisfaction}}
"""


def _load(tmp_path, extra):
    p = tmp_path / "s.yaml"
    p.write_text(BASE + extra, encoding="utf-8")
    return sq.load_instrument(p)


def test_paths_from_dimensions_and_outcome_items(tmp_path):
    inst = _load(tmp_path, "structure:\n  - {from: [quality, value], to: sat}\n  - {from: sat, to: loyalty}\n")
    assert inst.structural_paths() == [("quality", "sat"), ("value", "sat"), ("sat", "loyalty")]
    from servqual.psychometrics.sem import sem_syntax

    syntax = sem_syntax(inst, effects=False)
    assert "SAT =~ 1*sat" in syntax and "sat ~~ 0*sat" in syntax and "loyalty ~ b_SAT_loyalty*SAT" in syntax


@pytest.mark.parametrize("extra,message", [
    ("structure:\n  - {from: quality, to: nope}\n", "nope is not a dimension, outcome construct or outcome item"),
    ("structure:\n  - {from: quality, to: quality}\n", "cannot predict itself"),
    ("structure:\n  - {from: quality, to: value}\n  - {from: value, to: quality}\n", "cycle"),
    ("structure:\n  - {from: quality, to: value}\n  - {from: quality, to: value}\n", "more than once"),
    ("structure:\n  - {from: quality, to: value, via: x}\n", "unknown key"),
    ("structure: quality\n", "non-empty list"),
])
def test_structure_problems_name_the_file_and_line(tmp_path, extra, message):
    with pytest.raises(InstrumentError, match=message) as e:
        _load(tmp_path, extra)
    assert "s.yaml:" in str(e.value)
