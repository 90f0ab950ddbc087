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
    from servqual._resources import resolve_survey as _resolve_survey

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


def test_ahp_command_saaty_example(tmp_path, capsys):
    """A consistent 3x3 matrix built from w = (0.6, 0.3, 0.1) gives back w with CR = 0."""
    m = tmp_path / "m.csv"
    m.write_text(",price,quality,service\nprice,1,2,6\nquality,1/2,1,3\nservice,1/6,1/3,1\n", encoding="utf-8")
    out = tmp_path / "ahp.json"
    assert main(["ahp", str(m), "-o", str(out)]) == 0
    import json

    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["weights"] == pytest.approx({"price": 0.6, "quality": 0.3, "service": 0.1}, abs=1e-9)
    assert doc["cr"] == pytest.approx(0.0, abs=1e-9) and doc["consistent"]
    assert "consistent (CR < 0.10)" in capsys.readouterr().out


def test_ahp_command_inconsistent_and_malformed(tmp_path, capsys):
    m = tmp_path / "bad.csv"
    m.write_text(",a,b,c\na,1,9,1/9\nb,1/9,1,9\nc,9,1/9,1\n", encoding="utf-8")
    assert main(["ahp", str(m), "--strict"]) == 1
    assert "NOT consistent" in capsys.readouterr().out
    m2 = tmp_path / "bad2.csv"
    m2.write_text(",a,b\na,1,x\nb,1,1\n", encoding="utf-8")
    assert main(["ahp", str(m2)]) == 2
    err = capsys.readouterr().err
    assert "bad2.csv" in err and "'x'" in err and "Traceback" not in err


def test_weights_command_on_matrix_and_survey(tmp_path, capsys):
    d = tmp_path / "centres.csv"
    d.write_text("centre,response_hours,ftf_rate,satisfaction\nA,20,0.92,88\nB,30,0.85,90\nC,12,0.95,93\nD,45,0.80,79\n",
                 encoding="utf-8")
    out = tmp_path / "w.json"
    assert main(["weights", "--method", "entropy", "--data", str(d), "--index", "centre", "--cost", "response_hours",
                 "-o", str(out)]) == 0
    import json

    doc = json.loads(out.read_text(encoding="utf-8"))
    from servqual.decision.weights import entropy_weights

    x = pd.read_csv(d, index_col="centre")
    expected = entropy_weights(x, directions={"response_hours": "lower_is_better"})
    assert doc["weights"] == pytest.approx(expected.to_dict(), abs=1e-12)
    assert main(["weights", "--method", "critic", "--data", str(d)]) == 2  # text column without --index
    assert "non-numeric column" in capsys.readouterr().err
    s = sq.dataset_path("kiosk")
    assert main(["weights", "-m", "critic", "--survey", "kiosk", "--data", str(s), "--level", "dimensions"]) == 0
    assert "critic" in capsys.readouterr().out
    # the methods come from the registry; an unknown one is named with the list
    assert main(["weights", "-m", "nope", "--data", str(d), "--index", "centre"]) == 2
    err = capsys.readouterr().err
    assert "'nope' is not a weighting method" in err and "entropy, critic" in err


def test_structural_model_commands(tmp_path, capsys):
    import json

    out = tmp_path / "sem.json"
    assert main(["sem", "--dataset", "corp_rep", "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    est = {(r["lhs"], r["op"], r["rhs"]): r for r in doc["estimates"]}
    assert est[("CUSL", "~", "CUSA")]["est"] == pytest.approx(0.4592, abs=1e-3)   # lavaan: 0.45923
    assert doc["fit_measures"]["df"] == 30
    assert main(["pls", "--dataset", "mobi", "-o", str(tmp_path / "pls.csv")]) == 0
    assert "Satisfaction" in (tmp_path / "pls.csv").read_text(encoding="utf-8")
    assert main(["process", "--dataset", "corp_rep", "--model", "4", "-x", "COMP", "-m", "cusa", "-y", "CUSL",
                 "--n-boot", "200", "-o", str(tmp_path / "p.json")]) == 0
    p = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    ind = {r["effect"]: r for r in p["effects"]}["indirect_cusa"]
    assert ind["estimate"] == pytest.approx(0.30294, abs=1e-4)   # a*b of R's lm on the composites
    capsys.readouterr()
    assert main(["process", "--dataset", "corp_rep", "--model", "7", "-x", "COMP", "-m", "cusa", "-y", "CUSL"]) == 2
    assert "needs a moderator" in capsys.readouterr().err
    assert main(["sem", "--dataset", "kiosk"]) == 2
    assert "no structure" in capsys.readouterr().err


def test_report_takes_the_study_options_and_records_them(tmp_path):
    """servqual report --exclude/--segment/--seed/--title/--ahp: the sample, segment and AHP weights follow."""
    import json

    import openpyxl

    inst = sq.load_instrument("kiosk")
    form = tmp_path / "ahp.xlsx"
    sq.write_ahp_form(inst.dimension_ids, form, lang="en")
    wb = openpyxl.load_workbook(form)
    ws = wb["AHP"]
    for row in ws.iter_rows(min_row=2):
        row[4].value = "2" if row[1].value == "security" else "1/2" if row[2].value == "security" else "1"
    wb.save(form)
    out = tmp_path / "rep"
    rc = main(["report", "--dataset", "kiosk", "--out", str(out), "--format", "html", "--exclude", "none",
               "--segment", "none", "--seed", "7", "--title", "Kiosk study 2026", "--ahp", str(form)])
    assert rc == 0
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    st = doc["study"]
    assert st["exclusion_rules"] == [] and st["n_kept"] == st["n_read"] == 211
    assert st["segment"] is None
    w = {r["dimension"]: r for r in st["weights"]}
    assert w["security"]["ahp"] == max(r["ahp"] for r in st["weights"])  # the expert's judgements reached the weights
    assert "Kiosk study 2026" in (out / "report.html").read_text(encoding="utf-8")
