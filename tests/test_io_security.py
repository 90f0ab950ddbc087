"""Hostile and broken data files against the survey reader (servqual.survey.io) and `servqual validate`.

One test (at least) per class: the attack or the breakage is planted in a file generated here; the
assertion is on the refusal (one line naming the file and what to do, exit code 2 from the command,
no traceback) or on the correct result, with the input's sha256 unchanged and bounded time where
the file could make a reader hang.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import DataReadError, DataValidationError, InputFileError, ServqualError, ServqualWarning
from servqual.survey.io import PII_HIDDEN, read_table

SPEC = {
    "id": "io_security",
    "scale": {"min": 1, "max": 5},
    "respondent_id": "rid",
    "pii": ["phone"],
    "dimensions": [
        {"id": "A", "items": ["a1", "a2", "a3"]},
        {"id": "B", "items": ["b1", "b2", "b3"]},
    ],
}
ITEMS = ["a1", "a2", "a3", "b1", "b2", "b3"]
PHONES = ["13800138000", "+86 139 0000 1111", "015550001234", "13700137000"]


@pytest.fixture(scope="module")
def inst():
    return sq.Instrument.from_dict(SPEC)


def answers(n: int = 4, **extra) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    df = pd.DataFrame(rng.integers(1, 6, size=(n, len(ITEMS))), columns=ITEMS)
    df.insert(0, "rid", [f"{i + 1:05d}" for i in range(n)])
    df["phone"] = (PHONES * n)[:n]
    for k, v in extra.items():
        df[k] = v
    return df


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def assert_clear(exc: BaseException, path=None) -> None:
    """A refusal that the command line turns into one line and exit 2."""
    assert isinstance(exc, ServqualError) and isinstance(exc, ValueError)
    msg = str(exc)
    assert msg and "\n" not in msg and "Traceback" not in msg and len(msg) < 600, msg
    if path is not None:
        assert str(path) in msg


def bounded(fn, seconds: float = 10.0):
    """Run ``fn`` in a thread; fail when it does not return within ``seconds``."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    start = time.perf_counter()
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"did not return within {seconds} s"
    return box, time.perf_counter() - start


def validate_cli(tmp_path, data, *extra, timeout=60):
    """``servqual validate`` on ``data`` with the questionnaire SPEC; returns (exit code, stdout + stderr)."""
    survey = tmp_path / "survey.yaml"
    if not survey.exists():
        import yaml

        survey.write_text(yaml.safe_dump(SPEC, allow_unicode=True), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "servqual", "validate", "--survey", str(survey), "--data", str(data),
                           *extra], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return proc.returncode, proc.stdout + proc.stderr


# --------------------------------------------------------------------------------------------------
# 4. Personal data is not displayed
# --------------------------------------------------------------------------------------------------
def test_pii_values_never_shown_by_repr_html_or_summary(tmp_path, inst):
    p = tmp_path / "answers.csv"
    answers().to_csv(p, index=False)
    r = sq.read_responses(p, inst)
    shown = [repr(r), str(r.summary()), r.summary()._repr_html_(), r._repr_html_(), r.head().to_string()]
    for text in shown:
        for phone in PHONES:
            assert phone not in text
            assert phone.replace(" ", "") not in text
    assert PII_HIDDEN in r._repr_html_() and "personal data hidden: phone" in r._repr_html_()
    # the values stay reachable by explicit column access, as text (leading zeros kept)
    assert r.data["phone"].tolist() == PHONES and r.raw["phone"].tolist() == PHONES
    assert r.pii_columns == ["phone"]


def test_pii_values_never_shown_by_the_data_frames_either(tmp_path, inst):
    p = tmp_path / "answers.csv"
    answers().to_csv(p, index=False)
    r = sq.read_responses(p, inst)
    kept = sq.screen(r, inst).kept
    frames = [r.data, r.raw, r.data.head(), r.data.iloc[1:], kept]
    for f in frames:
        shown = [repr(f), f.to_string(), f._repr_html_(), str(f)]
        for text in shown:
            for phone in PHONES:
                assert phone not in text and phone.replace(" ", "") not in text
    assert PII_HIDDEN in repr(r.data)
    assert r.data["phone"].tolist() == PHONES  # explicit column access gives the values


def test_pii_name_matching_only_in_letter_case_warns_and_is_hidden(tmp_path, inst):
    p = tmp_path / "answers.csv"
    answers().rename(columns={"phone": "Phone"}).to_csv(p, index=False)
    with pytest.warns(ServqualWarning, match=r"declares the personal-data column 'phone'.*has 'Phone'.*letter case"):
        r = sq.read_responses(p, inst)
    for phone in PHONES:
        assert phone not in r._repr_html_()
    assert r.pii_columns == ["Phone"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q = tmp_path / "exact.csv"
        answers().to_csv(q, index=False)
        sq.read_responses(q, inst)  # the exact name: no warning


# --------------------------------------------------------------------------------------------------
# 5. Denial of service: devices, FIFOs, zip bombs, huge sheets
# --------------------------------------------------------------------------------------------------
def test_dev_zero_as_data_is_refused_at_once(inst):
    box, seconds = bounded(lambda: sq.read_responses("/dev/zero", inst))
    err = box.get("error")
    assert isinstance(err, InputFileError) and "character device, not a regular file" in str(err)
    assert_clear(err, "/dev/zero")
    assert seconds < 5


@pytest.mark.parametrize("name", ["data.csv", "data.xlsx", "data.sav"])
def test_fifo_as_data_is_refused_without_hanging(tmp_path, inst, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    box, seconds = bounded(lambda: sq.check_responses(fifo, inst))
    err = box.get("error")
    assert isinstance(err, InputFileError) and "named pipe" in str(err)
    assert_clear(err, fifo)
    assert seconds < 5


def test_fifo_as_data_through_the_command(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    code, out = validate_cli(tmp_path, fifo, timeout=30)
    assert code == 2 and "named pipe" in out and "Traceback" not in out


def _zip_bomb(path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(400):
                fh.write(b"<c><v>0</v></c>" * 4096)  # about 24 MB inflated, some 50 KB in the file
    return Path(path)


def test_xlsx_zip_bomb_is_refused_before_decompression(tmp_path, inst):
    p = _zip_bomb(tmp_path / "bomb.xlsx")
    assert p.stat().st_size < 200_000
    before = sha256(p)
    box, seconds = bounded(lambda: sq.read_responses(p, inst))
    err = box.get("error")
    assert isinstance(err, InputFileError) and err.limit == "max_ratio", repr(err)
    assert_clear(err, p)
    assert seconds < 3 and sha256(p) == before
    code, out = validate_cli(tmp_path, p)
    assert code == 2 and "inflates" in out and "Traceback" not in out


def test_10000_column_sheet_is_refused_from_its_dimension(tmp_path, inst):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for j, name in enumerate(["rid", *ITEMS], 1):
        ws.cell(row=1, column=j, value=name)
        ws.cell(row=2, column=j, value="1" if name == "rid" else 3)
    ws.cell(row=2, column=10_000, value=1)
    p = tmp_path / "wide.xlsx"
    wb.save(p)
    before = sha256(p)
    box, seconds = bounded(lambda: sq.read_responses(p, inst))
    err = box.get("error")
    assert isinstance(err, InputFileError) and err.limit == "max_columns" and "10,000 columns" in str(err)
    assert_clear(err, p)
    assert seconds < 3 and sha256(p) == before
    # a study that really has that many columns raises the limit
    r = sq.read_responses(p, inst, limits={"max_columns": 20_000})
    assert r.n_rows == 1 and r.data.shape[1] == 10_000


def test_size_limit_is_adjustable(tmp_path, inst):
    p = tmp_path / "answers.csv"
    answers(50).to_csv(p, index=False)
    with pytest.raises(InputFileError, match="max_bytes=") as e:
        sq.read_responses(p, inst, limits={"max_bytes": 100})
    assert_clear(e.value, p)
    assert sq.read_responses(p, inst, limits={"max_bytes": 10**6}).n_rows == 50
    with pytest.raises(ValueError, match="unknown limit"):
        sq.read_responses(p, inst, limits={"max_rows": 1})


# --------------------------------------------------------------------------------------------------
# 7. Respondent ids are text
# --------------------------------------------------------------------------------------------------
def test_respondent_ids_keep_leading_zeros_and_01_is_not_1(tmp_path, inst):
    df = answers(4)
    df["rid"] = ["00033", "1", "01", "033"]
    p = tmp_path / "ids.csv"
    df.to_csv(p, index=False)
    before = sha256(p)
    r = sq.read_responses(p, inst)  # four different respondents: no duplicate reported
    assert r.data["rid"].tolist() == ["00033", "1", "01", "033"]
    assert sha256(p) == before
    df["rid"] = ["00033", "1", "00033", "01"]
    df.to_csv(p, index=False)
    prob = sq.check_responses(p, inst)
    assert prob[["row", "value"]].values.tolist() == [[2, "00033"], [4, "00033"]]
    assert all("first at row 2" in x for x in prob["problem"])


def test_respondent_ids_from_excel_and_screening_flags(tmp_path, inst):
    df = answers(4)
    df["rid"] = ["00033", "1", "01", "7"]
    p = tmp_path / "ids.xlsx"
    df.to_excel(p, index=False)
    r = sq.read_responses(p, inst)
    assert r.data["rid"].tolist() == ["00033", "1", "01", "7"]
    flags = sq.screen(r, inst).flags
    assert flags["respondent"].astype(str).tolist() == ["00033", "1", "01", "7"]
    # numbers typed in Excel become their text without ".0"
    num = tmp_path / "numbers.xlsx"
    df.assign(rid=[33, 1, 2, 7]).to_excel(num, index=False)
    assert sq.read_responses(num, inst).data["rid"].tolist() == ["33", "1", "2", "7"]


# --------------------------------------------------------------------------------------------------
# 8. Formulas without saved values
# --------------------------------------------------------------------------------------------------
def test_formulas_without_cached_values_are_named(tmp_path, inst):
    import openpyxl

    wb = openpyxl.Workbook()  # openpyxl saves formulas without computing them: no cached value
    ws = wb.active
    ws.title = "answers"
    ws.append(["rid", *ITEMS, "phone"])
    for i in range(3):
        ws.append([f"{i + 1}", 1, 2, 3, 4, 5, 1, "138"])
        ws.cell(row=i + 2, column=4, value=f"=B{i + 2}+1")  # a3
        ws.cell(row=i + 2, column=7, value=f"=MIN(5,E{i + 2})")  # b3
    p = tmp_path / "formulas.xlsx"
    wb.save(p)
    before = sha256(p)
    with pytest.raises(DataReadError) as e:
        sq.check_responses(p, inst)
    msg = str(e.value)
    assert "'a3', 'b3'" in msg and "formulas without saved values" in msg and "first D2" in msg
    assert "open the file in Excel and save it, or export the values" in msg
    assert_clear(e.value, p)
    assert sha256(p) == before
    code, out = validate_cli(tmp_path, p)
    assert code == 2 and "formulas without saved values" in out and "OK" not in out and "Traceback" not in out


def test_formulas_with_cached_values_are_read(tmp_path, inst):
    """A workbook saved by a spreadsheet program stores each formula's value: it is read."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["rid", *ITEMS])
    ws.append(["1", 1, 2, 3, 4, 5, 1])
    p = tmp_path / "cached.xlsx"
    wb.save(p)
    src = tmp_path / "with_values.xlsx"
    with zipfile.ZipFile(p) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="D2" t="n"><v>3</v></c>', b'<c r="D2"><f>B2+2</f><v>3</v></c>')
                assert b"<f>B2+2</f>" in data
            zout.writestr(info, data)
    r = sq.read_responses(src, inst)
    assert float(r.data.loc[0, "a3"]) == 3.0


# --------------------------------------------------------------------------------------------------
# Clear messages: merged header, wrong sheet, HTML as .xls, encodings, NUL padding, header only
# --------------------------------------------------------------------------------------------------
def test_merged_header_rows_in_excel(tmp_path, inst):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["", "Dimension A", None, None, "Dimension B", None, None])
    ws.append(["rid", *ITEMS])
    ws.append(["1", 1, 2, 3, 4, 5, 1])
    ws.merge_cells("B1:D1")
    ws.merge_cells("E1:G1")
    p = tmp_path / "merged.xlsx"
    wb.save(p)
    with pytest.raises(DataReadError, match=r"merged cells in its header \(B1:D1, E1:G1\).*one header row") as e:
        sq.read_responses(p, inst)
    assert_clear(e.value, p)
    code, out = validate_cli(tmp_path, p)
    assert code == 2 and "merged cells" in out and "Traceback" not in out


def test_data_on_the_second_sheet_names_that_sheet(tmp_path, inst):
    p = tmp_path / "two_sheets.xlsx"
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame({"note": ["exported 2026-05-01", "by the panel provider"]}).to_excel(xw, sheet_name="README", index=False)
        answers().to_excel(xw, sheet_name="Responses", index=False)
    with pytest.raises(DataReadError) as e:
        sq.check_responses(p, inst)
    msg = str(e.value)
    assert "sheet 'README' (the first sheet) holds 0 of the questionnaire's 7 columns" in msg
    assert "sheet 'Responses' holds 7" in msg and "--sheet Responses" in msg
    assert_clear(e.value, p)
    assert sq.read_responses(p, inst, sheet="Responses").n_rows == 4
    assert sq.read_responses(p, inst, sheet=1).n_rows == 4
    with pytest.raises(DataReadError, match=r"no sheet 'Answers'; the sheets are 'README', 'Responses'"):
        sq.read_responses(p, inst, sheet="Answers")
    code, out = validate_cli(tmp_path, p)
    assert code == 2 and "--sheet Responses" in out and "Traceback" not in out
    code, out = validate_cli(tmp_path, p, "--sheet", "Responses")
    assert code == 0, out


def test_html_table_saved_as_xls(tmp_path, inst):
    p = tmp_path / "export.xls"
    p.write_text("<html><body><table><tr><td>rid</td><td>a1</td></tr><tr><td>1</td><td>3</td></tr></table>"
                 "</body></html>", encoding="utf-8")
    with pytest.raises(InputFileError, match="HTML table saved with a spreadsheet name.*save it as .xlsx") as e:
        sq.read_responses(p, inst)
    assert_clear(e.value, p)
    code, out = validate_cli(tmp_path, p)
    assert code == 2 and "HTML table" in out and "Traceback" not in out


def test_csv_mixing_utf8_and_gbk_lines_names_the_first_bad_line(tmp_path, inst):
    df = answers(4, comment=["服务很好"] * 4)
    lines = df.to_csv(index=False).splitlines(keepends=True)
    raw = "".join(lines[:3]).encode("utf-8") + "".join(lines[3:]).encode("gbk")
    p = tmp_path / "mixed.csv"
    p.write_bytes(raw)
    with pytest.raises(InputFileError, match="mixes encodings: line 4 is not UTF-8 while line 2 is") as e:
        sq.read_responses(p, inst)
    assert_clear(e.value, p)
    code, out = validate_cli(tmp_path, p)
    assert code == 2 and "line 4" in out and "Traceback" not in out


def test_cp1252_text_is_not_decoded_as_mac_latin2(tmp_path, inst):
    df = answers(4, city=["Zürich", "Genève", "Köln", "Malmö"], note=["café", "naïve", "déjà vu", "Ærø"])
    p = tmp_path / "western.csv"
    p.write_bytes(df.to_csv(index=False).encode("cp1252"))
    r = sq.read_responses(p, inst)
    assert r.encoding == "cp1252"
    assert r.data["city"].tolist() == ["Zürich", "Genève", "Köln", "Malmö"]
    assert r.data["note"].tolist() == ["café", "naïve", "déjà vu", "Ærø"]
    assert "decoded as cp1252" in " ".join(r.log["detail"])
    # one accented letter between ASCII letters is also a valid GBK pair ("Z黵ich"): still Windows-1252
    z = tmp_path / "zurich.csv"
    z.write_bytes(answers(2, city=["Zürich", "Zürich"]).to_csv(index=False).encode("cp1252"))
    r = sq.read_responses(z, inst)
    assert r.encoding == "cp1252" and r.data["city"].tolist() == ["Zürich", "Zürich"]
    # GBK keeps its own detection
    g = tmp_path / "gbk.csv"
    g.write_bytes(answers(4, comment=["服务很好"] * 4).to_csv(index=False).encode("gbk"))
    assert sq.read_responses(g, inst).data["comment"].tolist() == ["服务很好"] * 4


def test_text_in_no_known_encoding_is_refused_with_what_to_do(tmp_path, inst):
    p = tmp_path / "cyrillic.csv"
    p.write_bytes("rid,a1,город\n1,3,Москва\n".encode("koi8-r") + b"\x81\x8d\n")  # not UTF-8, GB18030 or cp1252
    with pytest.raises(InputFileError, match=r"is not UTF-8 \(line 1 does not decode\).*encoding=/--encoding") as e:
        sq.read_responses(p, inst)
    assert_clear(e.value, p)


def test_nul_padded_tail_is_ignored_and_logged(tmp_path, inst):
    p = tmp_path / "padded.csv"
    p.write_bytes(answers(4).to_csv(index=False).encode("utf-8") + b"\x00" * 16_866)
    r = sq.read_responses(p, inst)
    assert r.n_rows == 4 and r.data["rid"].tolist() == ["00001", "00002", "00003", "00004"]
    assert "16,866 NUL byte(s) at the end of the file ignored" in " ".join(r.log["detail"])
    code, out = validate_cli(tmp_path, p)
    assert code == 0 and len(out) < 300 and "Traceback" not in out


def test_nul_inside_the_text_is_a_short_refusal(tmp_path, inst):
    p = tmp_path / "nul.csv"
    p.write_bytes(b"rid,a1\n1,\x003\n" + b"2,4\n" * 2000)
    with pytest.raises(InputFileError, match="NUL byte at line 2") as e:
        sq.read_responses(p, inst)
    assert_clear(e.value, p)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_header_only_file_is_not_ok(tmp_path, inst, suffix):
    p = tmp_path / f"header_only{suffix}"
    empty = answers(0)
    if suffix == ".csv":
        empty.to_csv(p, index=False)
    else:
        empty.to_excel(p, index=False)
    prob = sq.check_responses(p, inst)
    assert prob[["row", "problem"]].values.tolist() == [[2, "no answers: the file has a header row and no data rows"]]
    with pytest.raises(DataValidationError, match="no answers"):
        sq.read_responses(p, inst)
    code, out = validate_cli(tmp_path, p)
    assert code == 2 and "no answers" in out and "OK" not in out and "Traceback" not in out


def test_read_table_keeps_the_problem_table_format_and_the_input(tmp_path, inst):
    df = answers(3).astype({"a1": object})
    df.loc[1, "a1"] = "n/a"
    p = tmp_path / "bad.csv"
    df.to_csv(p, index=False)
    before = sha256(p)
    prob = sq.check_responses(p, inst)
    assert list(prob.columns[:5]) == ["file", "row", "column", "value", "problem"]
    assert prob[["file", "row", "column", "value"]].values.tolist() == [[str(p), 3, "a1", "n/a"]]
    assert read_table(p, text_columns=["rid"])[0]["rid"].tolist() == ["00001", "00002", "00003"]
    assert sha256(p) == before


def test_rows_after_blank_lines_keep_their_spreadsheet_numbers(tmp_path, inst):
    df = answers(3).astype({"a1": object})
    df.loc[2, "a1"] = "n/a"
    lines = df.to_csv(index=False).splitlines()
    p = tmp_path / "blank_lines.csv"
    p.write_text("\n".join(lines[:2] + ["", "   "] + lines[2:]) + "\n", encoding="utf-8")
    prob = sq.check_responses(p, inst)
    assert prob[["row", "column", "value"]].values.tolist() == [[6, "a1", "n/a"]]  # as a spreadsheet shows it

