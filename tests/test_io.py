"""read_responses on real exports and on real-looking bad files: every validation branch."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.exceptions import DataReadError, DataValidationError, InputFileError

# A questionnaire over real columns of the corporate-reputation survey (1-7, -99 = missing).
SPEC = {
    "id": "corp_rep_test",
    "scale": {"min": 1, "max": 7},
    "missing_codes": [-99],
    "dimensions": [
        {"id": "COMP", "items": ["comp_1", "comp_2", "comp_3"]},
        {"id": "LIKE", "items": ["like_1", "like_2", {"id": "like_3", "reverse": True}]},
    ],
    "outcomes": [{"id": "cusa", "kind": "satisfaction"}],
}


@pytest.fixture(scope="module")
def inst():
    return sq.Instrument.from_dict(SPEC)


@pytest.fixture(scope="module")
def real():
    """The real corp_rep export as stored (344 rows)."""
    return pd.read_csv(sq.dataset_path("corp_rep"))


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def write_csv(df, path, encoding="utf-8"):
    path.write_bytes(df.to_csv(index=False).encode(encoding))
    return path


def test_clean_real_file_reads_and_scores(tmp_path, inst, real):
    p = write_csv(real, tmp_path / "corp.csv")
    before = digest(p)
    r = sq.read_responses(p, inst)
    assert digest(p) == before
    assert r.data.shape == real.shape  # no row dropped, every column kept
    # -99 -> NaN in the scored data; raw keeps it
    n_missing = int((real["cusa"] == -99).sum())
    assert n_missing == 1
    assert r.data["cusa"].isna().sum() == n_missing
    assert (r.raw["cusa"] == -99).sum() == n_missing
    # like_3 is reverse-keyed: 1 + 7 - x
    np.testing.assert_array_equal(r.data["like_3"].to_numpy(), 8 - real["like_3"].to_numpy(dtype=float))
    np.testing.assert_array_equal(r.raw["like_3"].to_numpy(), real["like_3"].to_numpy(dtype=float))
    assert "missing code -> NaN" in set(r.log["step"]) and "reverse-keyed" in set(r.log["step"])
    assert "none dropped" in r.log["detail"].iloc[-1]
    assert len(r.problems) == 0
    assert r.items().columns.tolist() == ["comp_1", "comp_2", "comp_3", "like_1", "like_2", "like_3"]


def corrupt(real, cells):
    df = real.astype(object).copy()
    for (i, col), v in cells.items():
        df.at[i, col] = v
    return df


def test_every_bad_cell_is_reported_with_file_row_column_value(tmp_path, inst, real):
    df = corrupt(real, {
        (0, "comp_1"): "abc",         # text in a numeric column
        (4, "comp_2"): 9,             # outside 1-7, looks like a missing code
        (7, "comp_3"): 12,            # outside 1-7
        (9, "like_1"): 3.5,           # not whole on a Likert item
        (11, "like_2"): 99,           # undeclared missing code
        (13, "cusa"): "５",           # full-width digit
        (15, "like_2"): "3,5",        # decimal comma
    })
    p = write_csv(df, tmp_path / "bad.csv")
    before = digest(p)
    prob = sq.read_responses(p, inst, errors="report")
    assert digest(p) == before
    got = {(r.row, r.column): r.problem for r in prob.itertuples()}
    # spreadsheet rows: header = 1, data row i -> i + 2
    assert got[(2, "comp_1")] == "not a number"
    assert "undeclared missing code" in got[(6, "comp_2")]
    assert got[(9, "comp_3")] == "outside the scale 1-7"
    assert got[(11, "like_1")] == "not a whole number on a Likert item"
    assert "undeclared missing code" in got[(13, "like_2")]
    assert got[(15, "cusa")] == "not a number"
    assert got[(17, "like_2")] == "not a number"
    assert len(prob) == 7
    assert set(prob["file"]) == {str(p)}
    hints = dict(zip(zip(prob.row, prob.column), prob.hint))
    assert "missing_codes: [99]" in hints[(13, "like_2")]
    assert "full-width" in hints[(15, "cusa")]
    assert "decimal comma" in hints[(17, "like_2")]


def test_default_raises_listing_ten_and_the_total(tmp_path, inst, real):
    cells = {(i, "comp_1"): "x" for i in range(15)}
    p = write_csv(corrupt(real, cells), tmp_path / "many.csv")
    with pytest.raises(DataValidationError) as exc:
        sq.read_responses(p, inst)
    msg = str(exc.value)
    assert "15 problem(s)" in msg and "the first 10" in msg
    assert "row 2, column 'comp_1': value 'x': not a number" in msg
    assert "row 16," not in msg  # only 10 listed
    assert "What to do" in msg
    assert len(exc.value.problems) == 15
    assert isinstance(exc.value, ValueError)


def test_missing_column(tmp_path, inst, real):
    p = write_csv(real.drop(columns=["like_2"]), tmp_path / "nocol.csv")
    prob = sq.read_responses(p, inst, errors="report")
    assert prob.loc[0, "column"] == "like_2" and prob.loc[0, "row"] == 1
    assert "missing from the file" in prob.loc[0, "problem"]


def test_duplicated_respondent_ids(tmp_path, real):
    spec = dict(SPEC, respondent_id="rid")
    inst = sq.Instrument.from_dict(spec)
    df = real.copy()
    df.insert(0, "rid", np.arange(len(df)) + 1000)
    df.loc[10, "rid"] = 1003
    p = write_csv(df, tmp_path / "dup.csv")
    prob = sq.read_responses(p, inst, errors="report")
    assert sorted(prob["row"]) == [5, 12]
    assert all("duplicated respondent id (first at row 5)" in x for x in prob["problem"])


def test_gbk_file_detected_and_given(tmp_path, inst, real):
    df = real.copy()
    df["备注"] = "服务很好"
    p = write_csv(df, tmp_path / "gbk.csv", encoding="gbk")
    r = sq.read_responses(p, inst)
    assert r.encoding == "gb18030"
    assert r.data["备注"].iloc[0] == "服务很好"
    r2 = sq.read_responses(p, inst, encoding="gbk")
    assert r2.data["备注"].iloc[0] == "服务很好"
    # wrong explicit encoding -> clear error naming the line
    with pytest.raises(DataReadError, match=r"gbk.csv: line 1 is not valid utf-8.*encoding"):
        sq.read_responses(p, inst, encoding="utf-8")


def test_utf8_bom_file(tmp_path, inst, real):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + real.to_csv(index=False).encode("utf-8"))
    r = sq.read_responses(p, inst)
    assert r.encoding == "utf-8-sig"
    assert "serviceprovider" in r.data.columns  # BOM not glued to the first header


def test_semicolon_separated_file(tmp_path, inst, real):
    p = tmp_path / "semi.csv"
    p.write_text(real.to_csv(index=False, sep=";"), encoding="utf-8")
    assert sq.read_responses(p, inst).data.shape == real.shape


def test_excel_file(tmp_path, inst, real):
    p = tmp_path / "corp.xlsx"
    df = corrupt(real, {(2, "comp_1"): "n/a"})
    df.to_excel(p, index=False)
    before = digest(p)
    prob = sq.read_responses(p, inst, errors="report")
    assert digest(p) == before
    assert prob[["row", "column", "value"]].values.tolist() == [[4, "comp_1", "n/a"]]
    ok = tmp_path / "ok.xlsx"
    real.to_excel(ok, index=False)
    r = sq.read_responses(ok, inst)
    assert r.data["cusa"].isna().sum() == 1


def test_spss_sav_with_value_labels(tmp_path, inst, real):
    pyreadstat = pytest.importorskip("pyreadstat")
    p = tmp_path / "corp.sav"
    labels = {"comp_1": {1.0: "完全不同意", 7.0: "完全同意"}}
    pyreadstat.write_sav(real, str(p), variable_value_labels=labels)
    r = sq.read_responses(p, inst)
    assert r.value_labels["comp_1"][7.0] == "完全同意"
    assert r.data["cusa"].isna().sum() == 1
    assert r.row_numbers.iloc[0] == 1  # SPSS case number


def test_text_missing_code(tmp_path, real):
    spec = dict(SPEC, missing_codes=[-99, "不适用"])
    inst = sq.Instrument.from_dict(spec)
    p = write_csv(corrupt(real, {(3, "comp_1"): "不适用"}), tmp_path / "txt.csv")
    r = sq.read_responses(p, inst)
    assert np.isnan(r.data.loc[3, "comp_1"])


@pytest.mark.parametrize("content, match", [
    (None, "does not exist"),
    (b"", "the file is empty"),
    (b"a,b\n1,2\n", None),
])
def test_unreadable_files(tmp_path, inst, content, match):
    p = tmp_path / "x.csv"
    if content is not None:
        p.write_bytes(content)
    if match is None:  # readable but lacks the questionnaire's columns
        prob = sq.read_responses(p, inst, errors="report")
        assert set(prob["column"]) >= {"comp_1", "like_3", "cusa"}
        return
    with pytest.raises((DataReadError, InputFileError), match=match):
        sq.read_responses(p, inst)


def test_unknown_suffix_and_duplicate_header(tmp_path, inst):
    p = tmp_path / "x.json"
    p.write_text("{}")
    with pytest.raises(DataReadError, match="unknown file type"):
        sq.read_responses(p, inst)
    q = tmp_path / "dup.csv"
    q.write_text("comp_1,comp_1\n1,2\n")
    with pytest.raises(DataReadError, match="repeats column name"):
        sq.read_responses(q, inst)


def test_errors_argument_is_checked(tmp_path, inst):
    with pytest.raises(ValueError, match="errors must be"):
        sq.read_responses(tmp_path / "x.csv", inst, errors="ignore")


def test_odk_group_path_headers_are_renamed_and_logged(tmp_path):
    from servqual.survey.forms import xlsform_export_names

    inst = sq.load_instrument("servqual22")
    names = xlsform_export_names(inst)
    tmpl = sq.response_template(inst)
    cols = list(tmpl.columns)
    # an export whose item columns carry ODK Central group paths
    long = {v: k for k, v in names.items() if "-" in k}
    header = [long.get(c, c) for c in cols]
    assert header != cols
    row = []
    for c in cols:
        spec = inst.column_specs().set_index("column").loc[c]
        row.append(int(spec["scale_min"]) if spec["role"] in ("item", "outcome", "attention") else 1)
    p = tmp_path / "odk.csv"
    pd.DataFrame([row, row], columns=header).assign(**{inst.respondent_id: [1, 2]} if inst.respondent_id else {}).to_csv(p, index=False)
    r = sq.read_responses(p, inst)
    assert list(r.data.columns[: len(cols)]) == cols or set(cols) <= set(r.data.columns)
    assert "renamed headers" in set(r.log["step"])
