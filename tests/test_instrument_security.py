"""Hostile and broken questionnaire files: each is refused with one line naming the file and the YAML
line, exit code 2 and no traceback, in bounded time, and the file is left byte-identical.

Every attack is generated in a temporary folder: a YAML alias bomb in a text field, a 50 MB
questionnaire, deep nesting, ``/dev/zero`` and a FIFO as questionnaire, ``.inf`` and NaN scale ends,
5,000-digit integers, control characters in texts (escaped and raw), YAML code tags and ``!include``;
a valid merge key ``<<:`` is accepted.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import servqual as sq
from servqual._safeio import MAX_YAML_BYTES
from servqual.cli import main
from servqual.exceptions import InputFileError, InstrumentError, ServqualError

DIMS = "dimensions:\n  - id: d\n    items: [a, b, c]\n"
HEAD = "id: x\nscale: {min: 1, max: 7}\n"
VALID = HEAD + DIMS
#: Nine levels of ten aliases: 10**9 strings once expanded.
BOMB = "notes:\n  l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
SECONDS = 5.0  # every refusal is checked to come within this bound


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write(tmp_path, text, name="survey.yaml") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return p


def check_cli(capsys, path) -> str:
    """Run ``servqual survey check`` on ``path``: exit 2, one message naming the file, no traceback, in bounded
    time, the file unchanged; returns the message."""
    before = sha256(path) if Path(path).is_file() else None
    t0 = time.perf_counter()
    code = main(["survey", "check", str(path)])
    elapsed = time.perf_counter() - t0
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text
    assert "Traceback" not in text
    assert elapsed < SECONDS, f"{elapsed:.1f}s"
    msg = out.err.strip()
    assert str(path) in msg, msg
    if before is not None:
        assert sha256(path) == before
    return msg


def run_subprocess(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "servqual", "survey", "check", str(path)],
                          capture_output=True, text=True, timeout=30)


# ---------------------------------------------------------------------------------------------------
# Denial of service: aliases, size, nesting, files that are not files
# ---------------------------------------------------------------------------------------------------
def test_alias_bomb_in_a_text_field_is_refused_quickly(tmp_path, capsys):
    p = write(tmp_path, BOMB + HEAD + "title: *a8\n" + DIMS)
    msg = check_cli(capsys, p)
    assert "expands its aliases to more than 10,000 nodes" in msg and "line " in msg
    assert "max_aliases=" in msg and "\n" not in msg


def test_moderate_aliases_are_accepted_and_the_alias_limit_is_adjustable(tmp_path):
    agree = "scales:\n  agree: &agree {min: 1, max: 5, labels: [a, b, c, d, e]}\n"
    items = "".join(f"      - {{id: i{k}, scale: *agree}}\n" for k in range(40))
    p = write(tmp_path, agree + "id: x\nscale: agree\ndimensions:\n  - id: d\n    items:\n" + items)
    inst = sq.load_instrument(p)
    assert len(inst.items) == 40 and inst.items[0].scale.max == 5
    with pytest.raises(InputFileError, match="max_aliases=") as e:
        sq.load_instrument(p, max_aliases=100)
    assert e.value.limit == "max_aliases" and str(p) in str(e.value)


def test_recursive_alias_is_refused(tmp_path, capsys):
    msg = check_cli(capsys, write(tmp_path, HEAD + "notes: &n [a, *n]\n" + DIMS))
    assert "recursive alias *n (line 3)" in msg


def test_fifty_megabyte_questionnaire_is_refused_from_its_size(tmp_path, capsys):
    p = write(tmp_path, VALID + "notes: |\n")
    with p.open("r+b") as fh:  # a sparse file: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024**2)
    msg = check_cli(capsys, p)
    assert "is 50.0 MiB, over the limit of 1.0 MiB for a questionnaire file" in msg and "max_bytes=" in msg


def test_size_limit_is_adjustable(tmp_path):
    p = write(tmp_path, VALID + "notes: |\n" + ("  " + "x" * 98 + "\n") * (MAX_YAML_BYTES // 100 + 10))
    with pytest.raises(InputFileError) as e:
        sq.load_instrument(p)
    assert e.value.limit == "max_bytes"
    assert sq.load_instrument(p, max_bytes=4 * MAX_YAML_BYTES).item_ids == ["a", "b", "c"]


@pytest.mark.parametrize("depth", [60, 5000])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_is_refused_without_recursion_error(tmp_path, capsys, depth, style):
    if style == "flow":
        deep = "notes: " + "[" * depth + "]" * depth + "\n"
    else:
        deep = "notes:\n  " + "- " * depth + "x\n"  # a list in a list in a list ...
    msg = check_cli(capsys, write(tmp_path, HEAD + deep + DIMS))
    assert "nests deeper than 50 levels (line " in msg and "max_depth=" in msg


def test_depth_limit_is_adjustable(tmp_path):
    p = write(tmp_path, HEAD + "notes: " + "[" * 60 + "]" * 60 + "\n" + DIMS)
    assert sq.load_instrument(p, max_depth=100).id == "x"


def test_dev_zero_is_refused_without_reading():
    t0 = time.perf_counter()
    r = run_subprocess("/dev/zero")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "the questionnaire file /dev/zero is a character device, not a regular file" in r.stderr
    assert time.perf_counter() - t0 < 30


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "survey.yaml"
    os.mkfifo(fifo)
    r = run_subprocess(fifo)  # would block for ever on open() without the check
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"the questionnaire file {fifo} is a named pipe (FIFO), not a regular file" in r.stderr


def test_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "survey.yaml"
    folder.mkdir()
    assert "is a folder, not a regular file" in check_cli(capsys, folder)


# ---------------------------------------------------------------------------------------------------
# Numbers: infinities, NaN, integers of thousands of digits
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("scale, shown", [
    ("{min: 1, max: .inf}", "min=1, max=inf"),
    ("{min: -.inf, max: 7}", "min=-inf, max=7"),
    ("{min: .nan, max: 7}", "min=nan, max=7"),
    ("{min: 1, max: 1.0e+999}", "min=1, max=inf"),
    ("{min: 0, max: .inf, type: continuous}", "min=0, max=inf"),
])
def test_scale_that_is_not_finite_is_a_clear_problem(tmp_path, capsys, scale, shown):
    p = write(tmp_path, f"id: x\nscale: {scale}\n" + DIMS)
    msg = check_cli(capsys, p)
    assert f"{p}:2: scale: min and max must be finite numbers, got {shown}" in msg


@pytest.mark.parametrize("where, line", [
    ("scale: {min: 1, max: NUMBER}\n" + DIMS, 2),
    ("scale: {min: 1, max: 7}\nmissing_codes: [NUMBER]\n" + DIMS, 3),
    ("scale: {min: 1, max: 7}\nkpis:\n  - {id: k, target: NUMBER}\n" + DIMS, 4),
    ("scale: {min: 1, max: 7}\ntitle: NUMBER\n" + DIMS, 3),
])
@pytest.mark.parametrize("number", ["9" * 5000, "0x" + "f" * 5000, "1" + ":30" * 2000])
def test_integer_of_thousands_of_digits_is_refused_with_its_line(tmp_path, capsys, where, line, number):
    p = write(tmp_path, "id: x\n" + where.replace("NUMBER", number))
    msg = check_cli(capsys, p)
    assert msg.startswith(f"servqual survey: {p}:{line}: the integer ") and "characters long, over the limit of 300" in msg
    assert len(msg) < 300


def test_integer_too_large_for_a_float_is_refused(tmp_path, capsys):
    p = write(tmp_path, "id: x\nscale: {min: 1, max: 0x" + "f" * 290 + "}\n" + DIMS)
    msg = check_cli(capsys, p)
    assert f"{p}:2: the integer 0xffff" in msg and "too large to be used as a number" in msg


@pytest.mark.parametrize("extra, expected", [
    ("kpis:\n  - {id: k, target: .inf}\n", ":4: KPI 'k': target must be a number"),
    ("duration: {column: secs, min: .nan}\n", ":3: duration min must be a non-negative number, got nan"),
    ("missing_codes: [.nan]\n", ":3: missing_codes must be a list of numbers"),
    ("attention_checks:\n  - {id: ac, expected: .inf}\n", ":4: attention check 'ac': expected answer inf is not on its scale"),
    ("scales:\n  s: {min: 1, max: .nan}\n", ":4: scale 's': min and max must be finite numbers"),
])
def test_infinite_numbers_elsewhere_are_problems(tmp_path, capsys, extra, expected):
    p = write(tmp_path, HEAD + extra + DIMS)
    assert str(p) + expected in check_cli(capsys, p)


@pytest.mark.parametrize("value, expected", [
    ("!!int foo", "the value 'foo' cannot be read as !!int"),
    ("!!float x", "the value 'x' cannot be read as !!float"),
    ("!!timestamp foo", "the value 'foo' cannot be read as !!timestamp"),
    ("!!bool maybe", "the value 'maybe' cannot be read as !!bool"),
])
def test_value_that_does_not_fit_its_tag_names_the_line(tmp_path, capsys, value, expected):
    p = write(tmp_path, HEAD + f"notes: {value}\n" + DIMS)
    assert f"{p}:3: {expected}" in check_cli(capsys, p)


# ---------------------------------------------------------------------------------------------------
# Control characters in texts
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [(r'"bad\x07bell"', "0007"), (r'"\e[31mred"', "001B"), (r'"a\0b"', "0000"),
                                        (r'"vt\vtab"', "000B"), (r'"x\uFFFEy"', "FFFE")])
def test_escaped_control_character_in_an_item_text_is_refused(tmp_path, capsys, text, code):
    p = write(tmp_path, HEAD + f"dimensions:\n  - id: d\n    items:\n      - {{id: a, text: {text}}}\n      - b\n      - c\n")
    msg = check_cli(capsys, p)
    assert f"{p}:6: item a text holds the" in msg and f"U+{code}" in msg and "remove it" in msg


def test_control_characters_are_refused_in_every_text_with_its_line(tmp_path):
    text = (HEAD + 'title: {zh: "标题", en: "Title\\x1b[2J"}\n'
            'dimensions:\n  - id: d\n    name:\n      zh: 维度\n      en: "Dim\\x08"\n    items: [a, b, c]\n'
            'kpis:\n  - {id: k, name: "K\\x0c"}\n')
    with pytest.raises(InstrumentError) as e:
        sq.load_instrument(write(tmp_path, text))
    msg = str(e.value)
    assert "survey.yaml:3: title.en holds the control character U+001B" in msg
    assert "survey.yaml:8: dimension d name.en holds the control character U+0008" in msg
    assert "survey.yaml:11: KPI k name holds the control character U+000C" in msg


def test_tabs_and_line_breaks_in_texts_are_kept(tmp_path):
    p = write(tmp_path, HEAD + 'dimensions:\n  - id: d\n    items:\n      - {id: a, text: "one\\ttwo\\nthree\\r\\nfour"}\n'
                              "      - b\n      - c\n")
    assert sq.load_instrument(p).item("a").text.en == "one\ttwo\nthree\r\nfour"


@pytest.mark.parametrize("char, code", [("\x07", "0007"), ("\x1b", "001B"), ("\x7f", "007F"), ("\ufffe", "FFFE")])
def test_raw_control_character_in_the_file_names_its_line(tmp_path, capsys, char, code):
    p = write(tmp_path, HEAD + "title: 标题\n" + f"notes: fine\ndescription: bad{char}char\n" + DIMS)
    msg = check_cli(capsys, p)
    assert f"{p}:5: the file holds the" in msg and f"U+{code}, which YAML does not allow; remove it" in msg


def test_control_characters_never_reach_the_codebook(tmp_path, capsys):
    p = write(tmp_path, HEAD + 'dimensions:\n  - id: d\n    items:\n      - {id: a, text: "=1\\x07"}\n      - b\n      - c\n')
    out = tmp_path / "codebook.xlsx"
    before = sha256(p)
    assert main(["survey", "codebook", str(p), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{p}:6: item a text holds the control character U+0007" in err
    assert not out.exists() and sha256(p) == before


def test_nul_byte_in_the_file_is_refused_with_its_line(tmp_path, capsys):
    msg = check_cli(capsys, write(tmp_path, VALID.replace("id: d", "id: d\x00").encode()))
    assert "holds a NUL byte at line 4" in msg


def test_mixed_encodings_name_the_first_bad_line(tmp_path, capsys):
    p = write(tmp_path, HEAD.encode() + "title: 服务质量\n".encode() + "notes: 说明\n".encode("gbk") + DIMS.encode())
    assert "mixes encodings: line 4 is not UTF-8 while line 3 is" in check_cli(capsys, p)


# ---------------------------------------------------------------------------------------------------
# Tags and keys
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch MARKER']", "!!python/name:os.system",
                                 "!!python/object/new:os.system ['touch MARKER']", "!include other.yaml",
                                 "!!python/module:os"])
def test_code_tags_and_includes_are_refused_and_never_run(tmp_path, capsys, tag):
    marker = tmp_path / "pwned"
    (tmp_path / "other.yaml").write_text("min: 1\nmax: 7\n")
    p = write(tmp_path, f"id: x\nscale: {tag.replace('MARKER', str(marker))}\n" + DIMS)
    msg = check_cli(capsys, p)
    assert f"{p}:2: unsafe or unknown YAML tag" in msg and "Remove the tag" in msg
    assert not marker.exists()


def test_merge_key_is_accepted_with_overrides(tmp_path):
    text = ("scales:\n  agree: &agree\n    min: 1\n    max: 5\n    labels: {1: low, 5: high}\n"
            "id: x\nscale:\n  <<: *agree\n  max: 7\n  labels: {1: low, 7: high}\n"
            "dimensions:\n  - id: d\n    items:\n      - a\n      - {id: b, scale: {<<: *agree, type: likert}}\n      - c\n")
    inst = sq.load_instrument(write(tmp_path, text))
    assert (inst.scale.min, inst.scale.max) == (1, 7) and inst.scale.label(7, "en") == "high"
    assert inst.item("b").scale.max == 5 and inst.scale_of(inst.item("b")).max == 5


def test_a_key_stated_twice_beside_a_merge_key_is_still_a_duplicate(tmp_path, capsys):
    p = write(tmp_path, "scales:\n  a: &a {min: 1, max: 5}\nid: x\nscale:\n  <<: *a\n  max: 7\n  max: 6\n" + DIMS)
    assert f"{p}:7: duplicate key 'max' (first at line 6)" in check_cli(capsys, p)


def test_merge_of_a_scalar_is_a_clear_problem(tmp_path, capsys):
    p = write(tmp_path, "id: x\nscale:\n  <<: 3\n  max: 7\n" + DIMS)
    msg = check_cli(capsys, p)
    assert f"{p}:3: expected a mapping or list of mappings for merging" in msg


def test_a_duplicate_key_named_python_is_not_called_a_tag(tmp_path, capsys):
    p = write(tmp_path, HEAD + "notes: {python: 1, python: 2}\n" + DIMS)
    assert f"{p}:3: duplicate key 'python' (first at line 3)" in check_cli(capsys, p)


# ---------------------------------------------------------------------------------------------------
# The errors themselves
# ---------------------------------------------------------------------------------------------------
def test_refusals_are_servqual_errors_and_value_errors(tmp_path):
    cases = [BOMB + HEAD + "title: *a8\n" + DIMS, HEAD + "notes: " + "[" * 80 + "]" * 80 + "\n" + DIMS,
             "id: x\nscale: {min: 1, max: .inf}\n" + DIMS, "id: x\nscale: {min: 1, max: " + "9" * 5000 + "}\n" + DIMS]
    for i, text in enumerate(cases):
        with pytest.raises(ServqualError) as e:
            sq.load_instrument(write(tmp_path, text, f"s{i}.yaml"))
        assert isinstance(e.value, ValueError) and f"s{i}.yaml" in str(e.value)


def test_a_valid_questionnaire_still_loads(tmp_path):
    p = write(tmp_path, VALID)
    before = sha256(p)
    assert sq.load_instrument(p).item_ids == ["a", "b", "c"]
    assert sha256(p) == before
