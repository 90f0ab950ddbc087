"""The command line: exit codes, messages without tracebacks, outputs."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import servqual as sq
from servqual.cli import main


@pytest.fixture
def survey_and_data(tmp_path):
    """A copy of the bundled kiosk questionnaire and data (so nothing bundled is touched)."""
    from servqual.datasets import _resolve_survey

    s = tmp_path / "kiosk.yaml"
    shutil.copy(_resolve_survey("kiosk"), s)
    d = tmp_path / "kiosk.csv"
    shutil.copy(sq.dataset_path("kiosk"), d)
    return s, d


def test_validate_clean_exits_0(survey_and_data, capsys):
    s, d = survey_and_data
    assert main(["validate", "--survey", str(s), "--data", str(d)]) == 0
    assert "OK" in capsys.readouterr().out


def test_validate_bad_data_exits_2_and_names_cells(survey_and_data, tmp_path, capsys):
    s, d = survey_and_data
    df = pd.read_csv(d)
    df["sq01_per"] = df["sq01_per"].astype(object)
    df.loc[5, "sq01_per"] = "很好"
    df.loc[6, "sq02_per"] = 9
    bad = tmp_path / "bad.csv"
    bad.write_bytes(df.to_csv(index=False).encode("gbk"))
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    out_csv = tmp_path / "problems.csv"
    code = main(["validate", "--survey", str(s), "--data", str(bad), "-o", str(out_csv)])
    out = capsys.readouterr().out
    assert code == 2
    assert "row 7, column 'sq01_per': value '很好': not a number" in out
    assert "row 8, column 'sq02_per': value 9: outside the scale 1-7" in out
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before
    assert len(pd.read_csv(out_csv)) == 2


def test_screen_writes_one_row_per_respondent(survey_and_data, tmp_path, capsys):
    s, d = survey_and_data
    out = tmp_path / "flags.csv"
    assert main(["screen", "--survey", str(s), "--data", str(d), "-o", str(out)]) == 0
    flags = pd.read_csv(out)
    assert len(flags) == 211
    assert {"longstring", "straightlining"} <= set(flags.columns)
    assert "Screening of careless responses" in capsys.readouterr().out


def test_screen_with_dataset_and_exclusion(capsys):
    assert main(["screen", "--dataset", "kiosk", "--exclude", "straightlining"]) == 0
    assert "9 excluded" in capsys.readouterr().out


@pytest.mark.parametrize("args, needle", [
    (["validate", "--survey", "nope.yaml", "--data", "x.csv"], "nope.yaml: file not found"),
    (["validate", "--dataset", "kiosk", "--survey", "x.yaml"], "either --dataset"),
    (["validate", "--survey", "kiosk"], "give --survey"),
    (["validate", "--dataset", "nonexistent"], "no bundled"),
])
def test_bad_input_exits_2_without_traceback(args, needle, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_invalid_survey_and_wrong_encoding(survey_and_data, tmp_path, capsys):
    s, d = survey_and_data
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nscale: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    assert main(["validate", "--survey", str(bad), "--data", str(d)]) == 2
    assert "bad.yaml:2" in capsys.readouterr().err
    gbk = tmp_path / "gbk.csv"
    df = pd.read_csv(d).assign(note="服务")
    gbk.write_bytes(df.to_csv(index=False).encode("gbk"))
    assert main(["validate", "--survey", str(s), "--data", str(gbk), "--encoding", "utf-8"]) == 2
    err = capsys.readouterr().err
    assert "not valid utf-8" in err and "--encoding" in err


def test_console_script_and_debug_flag(tmp_path):
    exe = shutil.which("servqual")
    cmd = [exe] if exe else [sys.executable, "-m", "servqual"]
    r = subprocess.run(cmd + ["validate", "--survey", "missing.yaml", "--data", "x.csv"], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "file not found" in r.stderr
    r = subprocess.run(cmd + ["--debug", "validate", "--survey", "missing.yaml", "--data", "x.csv"], capture_output=True, text=True)
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_datasets_command(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    for name in ("mobi", "kiosk", "bfi", "holzinger", "corp_rep"):
        assert name in out
