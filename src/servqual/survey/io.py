"""Reading real survey exports and checking every answer against the questionnaire.

:func:`read_responses` reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 -- detected automatically),
Excel (.xlsx) and SPSS (.sav) files and checks each cell the questionnaire describes. Every problem is
reported with the file, the row as the user sees it (the spreadsheet row: the header is row 1), the
column and the offending value. The input file is only read, never written. No row is dropped.
"""

from __future__ import annotations

import csv
import io as _io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from servqual._results import Summary, frame_to_html
from servqual.exceptions import DataReadError, DataValidationError
from servqual.survey.forms.xlsforms import xlsform_export_names
from servqual.survey.instrument import Instrument, as_instrument

__all__ = ["Responses", "read_responses", "check_responses", "read_table", "validate_responses", "format_problems",
           "PROBLEM_COLUMNS"]

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "hint"]
_LIKELY_MISSING = {0, 9, 99, 999, 9999, -1, -9, -99, -999, 98, 97, 88}
CSV_SUFFIXES = {".csv", ".txt", ".tsv", ".tab", ".dat"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SPSS_SUFFIXES = {".sav", ".zsav"}


@dataclass(frozen=True)
class Responses:
    """Responses read and checked against a questionnaire.

    Attributes
    ----------
    data : pandas.DataFrame
        Scored answers: declared missing codes are NaN and reverse-keyed items are scored as
        ``min + max - x``. Every column of the file is kept, in file order; no row is dropped.
    raw : pandas.DataFrame
        The answers as read (numbers as numbers, missing codes and reverse-keyed items unchanged).
    instrument : Instrument
    source : str
        The file that was read.
    encoding : str or None
        The text encoding used (CSV only).
    log : pandas.DataFrame
        What was done to the data: ``step, column, n, detail`` (missing codes recoded, items
        reversed, extra columns passed through).
    problems : pandas.DataFrame
        Problems found (empty when the file is clean); columns ``file, row, column, value, problem, hint``.
    row_numbers : pandas.Series
        The file row of each data row (header = row 1 for CSV/Excel; the case number for SPSS).
    """

    data: pd.DataFrame
    raw: pd.DataFrame
    instrument: Instrument
    source: str
    encoding: str | None = None
    log: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    row_numbers: pd.Series | None = None
    value_labels: dict = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.data)

    def items(self, block: str | None = None) -> pd.DataFrame:
        """The scored item columns of ``block`` (default: the analysis block), in questionnaire order."""
        cols = list(self.instrument.columns(block).values())
        return self.data[cols]

    def summary(self) -> Summary:
        """What was read: the file, its size, the questionnaire, the problems and every step of the log.

        Examples
        --------
        >>> import servqual as sq
        >>> print(sq.read_dataset("holzinger").summary())
        Responses: ...HolzingerSwineford1939.csv (encoding utf-8)
          301 rows x 15 columns; questionnaire 'holzinger_swineford': 3 dimensions, 9 items
          problems: 0
          - rows: 301 rows read, none dropped
        """
        inst = self.instrument
        n_items = len(inst.items)
        lines = [
            f"Responses: {self.source}" + (f" (encoding {self.encoding})" if self.encoding else ""),
            f"  {len(self.data)} rows x {self.data.shape[1]} columns; questionnaire {inst.id!r}: "
            f"{len(inst.dimensions)} dimensions, {n_items} items",
            f"  problems: {len(self.problems)}",
        ]
        for _, r in self.log.iterrows():
            lines.append(f"  - {r['step']}: {r['detail']}")
        return Summary("\n".join(lines), self._repr_html_())

    def __repr__(self) -> str:
        return (f"<Responses: {Path(self.source).name}, {len(self.data)} rows x {self.data.shape[1]} columns, "
                f"{len(self.problems)} problems>")

    def _repr_html_(self) -> str:
        return (
            f"<p><b>Responses</b> {self.source}: {len(self.data)} rows, {len(self.problems)} problems</p>"
            + frame_to_html(self.log, caption="log")
            + frame_to_html(self.data.head(), caption="first rows (scored)")
        )


# --------------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------------
def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            raise DataReadError(f"{path}: unknown encoding {encoding!r}; use e.g. utf-8, utf-8-sig, gbk or gb18030.") from None
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise DataReadError(
                f"{path}: line {line} is not valid {encoding} (byte {raw[e.start:e.start + 1]!r} at offset {e.start}). "
                "Give the file's real encoding with encoding=/--encoding (Excel on Chinese Windows writes gbk; "
                "most other tools write utf-8)."
            ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is not None:
            return str(best), best.encoding
    except ImportError:  # pragma: no cover - charset_normalizer is a dependency
        pass
    raise DataReadError(
        f"{path}: the text encoding could not be recognised (not UTF-8, not GBK/GB18030). "
        "Save the file as 'CSV UTF-8' or give its encoding with encoding=/--encoding."
    )


def _sniff_sep(text: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path, encoding: str | None = None, sheet=None) -> tuple[pd.DataFrame, str | None, pd.Series, dict, dict]:
    """Read a CSV / Excel / SPSS file as it is: returns ``(frame, encoding, row_numbers, value_labels, user_missing)``.

    Cells are not converted beyond the file format's own types; empty cells are NaN; text such as
    ``"NA"`` stays text (so that it can be reported, not silently treated as missing).
    """
    p = Path(path)
    if not p.exists():
        raise DataReadError(f"{p}: file not found. Check the path of the data file.")
    if p.is_dir():
        raise DataReadError(f"{p}: is a folder, not a data file.")
    suffix = p.suffix.lower()
    labels: dict = {}
    user_missing: dict = {}
    enc = None
    try:
        if suffix in CSV_SUFFIXES or suffix == "":
            raw = p.read_bytes()
            if not raw.strip():
                raise DataReadError(f"{p}: the file is empty.")
            text, enc = _decode(raw, p, encoding)
            sep = _sniff_sep(text, suffix)
            header = next(csv.reader(_io.StringIO(text.split("\n", 1)[0]), delimiter=sep), [])
            _check_header(p, header)
            try:
                df = pd.read_csv(_io.StringIO(text), sep=sep, keep_default_na=False, na_values=[""], skipinitialspace=False)
            except pd.errors.ParserError as e:
                raise DataReadError(f"{p}: cannot parse the CSV ({e}). Check the separator and the quotes on that line.") from None
            rows = pd.Series(np.arange(len(df)) + 2, index=df.index, name="row")
        elif suffix in EXCEL_SUFFIXES:
            try:
                sh = 0 if sheet is None else sheet
                _check_header(p, pd.read_excel(p, sheet_name=sh, header=None, nrows=1).iloc[0].tolist())
                df = pd.read_excel(p, sheet_name=sh, dtype=object, keep_default_na=False, na_values=[""])
            except ValueError as e:
                raise DataReadError(f"{p}: cannot read sheet {sheet!r} ({e}).") from None
            rows = pd.Series(np.arange(len(df)) + 2, index=df.index, name="row")
        elif suffix in SPSS_SUFFIXES:
            import pyreadstat

            df, meta = pyreadstat.read_sav(str(p), apply_value_formats=False, user_missing=True)
            labels = dict(meta.variable_value_labels or {})
            for col, ranges in (meta.missing_ranges or {}).items():
                user_missing[col] = ranges
            rows = pd.Series(np.arange(len(df)) + 1, index=df.index, name="row")
        else:
            raise DataReadError(
                f"{p}: unknown file type {suffix!r}; servqual reads .csv/.txt/.tsv (UTF-8 or GBK), .xlsx and .sav files."
            )
    except DataReadError:
        raise
    except UnicodeDecodeError as e:  # pragma: no cover - decoded above
        raise DataReadError(f"{p}: encoding problem ({e}).") from None
    except (OSError, ValueError) as e:
        raise DataReadError(f"{p}: cannot read the file ({e}).") from None
    except Exception as e:  # noqa: BLE001 - third-party readers raise their own types
        raise DataReadError(f"{p}: cannot read the file ({type(e).__name__}: {e}).") from None
    df.columns = [str(c).strip() for c in df.columns]
    _check_header(p, list(df.columns))
    return df, enc, rows, labels, user_missing


def _check_header(p, header) -> None:
    names = [str(c).strip() for c in header]
    seen, dup = set(), []
    for c in names:
        if c in seen and c not in dup:
            dup.append(c)
        seen.add(c)
    if dup:
        raise DataReadError(f"{p}: the header (row 1) repeats column name(s) {', '.join(dup)}; every column needs its own name.")


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------
def _as_numeric(s: pd.Series):
    """Parse a column to float; returns (values, not_a_number_mask)."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float), pd.Series(False, index=s.index)
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float), pd.Series(False, index=s.index)
    obj = s.astype(object)
    present = obj.notna()
    stripped = obj.where(~present, obj.astype(str).str.strip())
    num = pd.to_numeric(stripped.where(stripped != "", np.nan), errors="coerce")
    bad = present & num.isna() & (stripped != "")
    return num.astype(float), bad


def _hint_not_number(v) -> str:
    t = str(v)
    if any("\uff10" <= ch <= "\uff19" for ch in t):
        return "full-width digits: retype the number with ordinary digits 0-9"
    if "," in t and t.replace(",", "", 1).replace(".", "", 1).strip().lstrip("-").isdigit():
        return "decimal comma: use a point (3.5), or export the file with '.' as decimal separator"
    return "enter the answer as a number, leave the cell empty, or declare this text under missing_codes"


def validate_responses(df: pd.DataFrame, instrument: Instrument, source: str = "<data>", row_numbers=None,
                       user_missing: dict | None = None) -> pd.DataFrame:
    """Check a DataFrame of answers against ``instrument``; return the problem table (empty when clean).

    Returns
    -------
    pandas.DataFrame
        Columns ``file, row, column, value, problem, hint``; one row per offending cell (or missing column).
    """
    problems = []
    rows = row_numbers if row_numbers is not None else pd.Series(np.arange(len(df)) + 2, index=df.index)
    specs = instrument.column_specs()
    missing_num = {float(m) for m in instrument.missing_codes if isinstance(m, (int, float)) and not isinstance(m, bool)}
    missing_txt = {str(m).strip() for m in instrument.missing_codes if isinstance(m, str)}
    user_missing = user_missing or {}

    def add(mask, column, problem, hint, values=None):
        idx = mask[mask].index
        vals = df.loc[idx, column] if values is None else values.loc[idx]
        for i, v in zip(idx, vals):
            problems.append({"file": source, "row": int(rows.loc[i]), "column": column, "value": v, "problem": problem, "hint": hint})

    for _, spec in specs.iterrows():
        col, role = spec["column"], spec["role"]
        if col not in df.columns:
            if role in ("pii", "segment"):
                continue
            problems.append({
                "file": source, "row": 1, "column": col, "value": "",
                "problem": f"column {col!r} ({role}{' ' + str(spec['item']) if spec['item'] else ''}) is missing from the file",
                "hint": "add the column, rename the header to match the questionnaire, or correct the questionnaire",
            })
            continue
        s = df[col]
        if role in ("pii", "segment"):
            continue
        if role == "respondent_id":
            miss = s.isna() | (s.astype(str).str.strip() == "")
            add(miss, col, "respondent id is empty", "give every respondent an id")
            key = s.astype(str).str.strip()
            dup = key.duplicated(keep=False) & ~miss
            if dup.any():
                first = {}
                for i, k in key[dup].items():
                    first.setdefault(k, int(rows.loc[i]))
                for i in dup[dup].index:
                    problems.append({
                        "file": source, "row": int(rows.loc[i]), "column": col, "value": df.at[i, col],
                        "problem": f"duplicated respondent id (first at row {first[key.loc[i]]})",
                        "hint": "ids must be unique: remove the duplicate response or correct its id",
                    })
            continue
        if role == "kano":
            codes = {str(c) for _, c in instrument.kano_answers}
            present = s.notna() & (s.astype(str).str.strip() != "")
            txt = s.astype(str).str.strip()
            bad = present & ~txt.isin(codes) & ~txt.isin(missing_txt)
            try:
                bad &= ~pd.to_numeric(s, errors="coerce").isin(missing_num)
            except TypeError:  # pragma: no cover
                pass
            add(bad, col, f"not a Kano answer (expected one of {', '.join(sorted(codes))})",
                "recode the answer to one of the Kano answer codes declared in the questionnaire")
            continue
        num, not_num = _as_numeric(s)
        txt = s.astype(str).str.strip()
        text_missing = not_num & txt.isin(missing_txt)
        not_num = not_num & ~text_missing
        if not_num.any():
            idx = not_num[not_num].index
            for i in idx:
                v = df.at[i, col]
                problems.append({"file": source, "row": int(rows.loc[i]), "column": col, "value": v,
                                 "problem": "not a number", "hint": _hint_not_number(v)})
        is_missing_code = num.isin(missing_num)
        for r in user_missing.get(col, []):
            is_missing_code |= (num >= r["lo"]) & (num <= r["hi"])
        valid = num.notna() & ~is_missing_code
        if role in ("item", "outcome", "attention"):
            lo, hi = float(spec["scale_min"]), float(spec["scale_max"])
            out = valid & ((num < lo) | (num > hi))
            if out.any():
                for i in out[out].index:
                    v = num.loc[i]
                    vv = int(v) if float(v).is_integer() else v
                    if float(v).is_integer() and int(v) in _LIKELY_MISSING:
                        hint = f"if {vv} means 'no answer', declare it: missing_codes: [{vv}]; otherwise correct the answer"
                    else:
                        hint = f"the scale is {_n(lo)}-{_n(hi)}: correct the answer or the questionnaire's scale"
                    problems.append({"file": source, "row": int(rows.loc[i]), "column": col, "value": df.at[i, col],
                                     "problem": f"outside the scale {_n(lo)}-{_n(hi)}" + (" (undeclared missing code?)" if float(v).is_integer() and int(v) in _LIKELY_MISSING else ""),
                                     "hint": hint})
            if spec["integer"]:
                frac = valid & ~out & (num != np.round(num))
                add(frac, col, "not a whole number on a Likert item", "Likert answers are whole scale points")
        elif role == "duration":
            neg = valid & (num < 0)
            add(neg, col, "negative completion time", "completion times are zero or positive")
    out = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    if len(out):
        out = out.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    return out


def _show(v) -> str:
    """A cell value as the user typed it (numbers without numpy reprs, text quoted)."""
    if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return str(int(v)) if float(v).is_integer() else repr(float(v))
    return repr(str(v))


def _n(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def format_problems(problems: pd.DataFrame, source: str, max_listed: int = 10) -> str:
    n = len(problems)
    head = problems.head(max_listed)
    lines = [f"{source}: {n} problem(s) in the data; the first {len(head)}:" if n > max_listed else f"{source}: {n} problem(s) in the data:"]
    for _, r in head.iterrows():
        val = _show(r["value"])
        val = f" value {val}:" if val else ""
        lines.append(f"  row {r['row']}, column {r['column']!r}:{val} {r['problem']} -> {r['hint']}")
    lines.append(
        "What to do: correct these cells in a copy of the file (servqual never changes your file), or declare "
        "missing codes / scales in the questionnaire. See every problem with read_responses(..., errors='report') "
        "or `servqual validate --survey ... --data ...`."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------------
def read_responses(path, instrument, *, encoding: str | None = None, sheet=None, errors: str = "raise", max_listed: int = 10):
    """Read a survey export and check it against the questionnaire.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.csv``/``.txt``/``.tsv`` (UTF-8, UTF-8 with BOM, GBK/GB18030 detected automatically), ``.xlsx``
        or SPSS ``.sav`` (codes are read as numbers; value labels are kept in ``value_labels``; SPSS
        user-missing values are treated as missing and logged).
    instrument : Instrument or str or path
        The questionnaire (an :class:`Instrument`, a YAML path or a bundled name).
    encoding : str, optional
        Text encoding of a CSV file; detected when omitted.
    sheet : str or int, optional
        Excel sheet (default: the first).
    errors : {"raise", "report"}
        ``"raise"`` (default): raise :class:`DataValidationError` listing up to ``max_listed`` problem
        cells, their total and what to do. ``"report"`` is an alias of :func:`check_responses`: it
        returns the full problem table instead of :class:`Responses` (an empty table when the file is
        clean); call :func:`check_responses` for that table.
    max_listed : int
        How many problems the error message lists.

    Returns
    -------
    Responses
        ``.data`` scored, ``.raw`` as read, ``.log``, ``.problems`` (empty: a file with problems raises).
        With the alias ``errors="report"``: the problem table of :func:`check_responses`.

    Raises
    ------
    DataValidationError
        When a cell or a column disagrees with the questionnaire; ``.problems`` holds the full table.
    DataReadError
        When the file cannot be read (missing, empty, unknown type or encoding, repeated header names).

    Notes
    -----
    A cell is a problem when it is not a number, is outside its item's scale and not a declared missing
    code, is not a whole number on a Likert item, a Kano answer is not one of the declared codes, or a
    respondent id is empty or repeated; a column the questionnaire needs that the file lacks is a
    problem too. Rows are numbered as a spreadsheet shows them: the header is row 1, the first answer
    row is row 2 (SPSS: the case number). Missing codes become NaN; reverse-keyed items are scored as
    ``min + max - x`` in ``data`` while ``raw`` keeps the answers. Nothing is dropped: screening and
    exclusion are explicit steps (:func:`servqual.screen`).

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.read_responses(sq.dataset_path("bfi"), "bfi")
    >>> r.data.shape
    (2800, 29)
    >>> float(r.raw.loc[0, "A1"]), float(r.data.loc[0, "A1"])   # A1 is reverse-keyed on 1-6
    (2.0, 5.0)
    >>> len(r.problems)
    0
    """
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
    instrument, p, (df, enc, rows, labels, user_missing), renamed, problems = _read_and_check(path, instrument, encoding, sheet)
    if errors == "report":
        return problems
    if len(problems):
        raise DataValidationError(format_problems(problems, str(p), max_listed), problems=problems)
    resp = _score(df, instrument, str(p), enc, rows, labels, user_missing)
    if renamed:
        extra = pd.DataFrame([{"step": "renamed headers", "column": ", ".join(list(renamed)[:10]), "n": len(renamed),
                               "detail": f"{len(renamed)} ODK/KoboToolbox group-path header(s) renamed to the questionnaire's "
                                         f"columns (e.g. {next(iter(renamed))} -> {next(iter(renamed.values()))})"}])
        object.__setattr__(resp, "log", pd.concat([extra, resp.log], ignore_index=True))
    return resp


def check_responses(path, instrument, *, encoding: str | None = None, sheet=None) -> pd.DataFrame:
    """Read a survey export and return every problem it has against the questionnaire (never raises for them).

    Parameters
    ----------
    path : str or pathlib.Path
        The data file (as for :func:`read_responses`).
    instrument : Instrument or str or path
        The questionnaire.
    encoding : str, optional
        Text encoding of a CSV file; detected when omitted.
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    pandas.DataFrame
        Columns ``file, row, column, value, problem, hint``; one row per offending cell (or missing
        column), empty when the file is clean. ``read_responses(..., errors="report")`` returns the same.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger").astype({"x1": object})
    >>> df.loc[4, "x1"] = "n/a"
    >>> path = Path(tempfile.mkdtemp()) / "holzinger.csv"
    >>> df.to_csv(path, index=False)
    >>> check_responses(path, "holzinger")[["row", "column", "value", "problem"]]
       row column value      problem
    0    6     x1   n/a  not a number
    """
    return _read_and_check(path, instrument, encoding, sheet)[-1]


def _read_and_check(path, instrument, encoding, sheet):
    """The questionnaire, the path, what :func:`read_table` read, the renamed headers and the problem table."""
    instrument = as_instrument(instrument)
    p = Path(path)
    table = read_table(p, encoding=encoding, sheet=sheet)
    df, renamed = _undo_form_export_names(table[0], instrument)
    table = (df,) + table[1:]
    problems = validate_responses(df, instrument, source=str(p), row_numbers=table[2], user_missing=table[4])
    return instrument, p, table, renamed, problems


def _undo_form_export_names(df: pd.DataFrame, instrument: Instrument):
    """Rename ODK Central / KoboToolbox group-path headers (``g_items-g_eff-eff1``) to data columns.

    Only headers that are not already questionnaire columns and that the questionnaire's XLSForm would
    produce are renamed, and only when no two headers map to one column.
    """
    wanted = set(instrument.column_specs()["column"])
    if not any(("-" in c or "/" in c) and c not in wanted for c in df.columns):
        return df, {}
    names = xlsform_export_names(instrument)
    mapping = {c: names[c] for c in df.columns if c not in wanted and c in names and names[c] != c}
    targets = list(mapping.values())
    if not mapping or len(set(targets)) != len(targets) or any(t in df.columns for t in targets):
        return df, {}
    return df.rename(columns=mapping), mapping


def _score(df, instrument, source, enc, rows, labels, user_missing) -> Responses:
    specs = instrument.column_specs()
    log = []
    raw = df.copy()
    data = df.copy()
    missing_num = [float(m) for m in instrument.missing_codes if isinstance(m, (int, float)) and not isinstance(m, bool)]
    missing_txt = {str(m).strip() for m in instrument.missing_codes if isinstance(m, str)}
    numeric_roles = ("item", "outcome", "attention", "kpi", "duration")
    for _, spec in specs.iterrows():
        col, role = spec["column"], spec["role"]
        if role == "segment" and col not in df.columns:
            log.append({"step": "segment absent", "column": col, "n": 0,
                        "detail": f"{col}: segment column declared in the questionnaire is not in the file"})
            continue
        if role == "segment" and (missing_num or missing_txt):
            s_ = df[col]
            num_s = pd.to_numeric(s_, errors="coerce")
            is_mc_s = num_s.isin(missing_num) | s_.astype(str).str.strip().isin(missing_txt)
            if is_mc_s.any():
                data[col] = s_.mask(is_mc_s)
                log.append({"step": "missing code -> NaN", "column": col, "n": int(is_mc_s.sum()),
                            "detail": f"{col}: {int(is_mc_s.sum())} missing-code value(s) of this segment set to missing"})
            continue
        if col not in df.columns or role not in numeric_roles:
            continue
        num, not_num = _as_numeric(df[col])
        txt_missing = not_num & df[col].astype(str).str.strip().isin(missing_txt)
        raw[col] = num  # text missing codes (declared strings) cannot be numbers: NaN here, logged below
        is_mc = num.isin(missing_num) | txt_missing
        for r in user_missing.get(col, []):
            um = (num >= r["lo"]) & (num <= r["hi"])
            if um.any():
                log.append({"step": "spss user-missing -> NaN", "column": col, "n": int(um.sum()),
                            "detail": f"{col}: {int(um.sum())} SPSS user-missing value(s) set to missing"})
            is_mc |= um
        n_mc = int(is_mc.sum())
        if n_mc:
            log.append({"step": "missing code -> NaN", "column": col, "n": n_mc,
                        "detail": f"{col}: {n_mc} missing-code answer(s) set to missing"})
        scored = num.mask(is_mc)
        if role == "item" and spec["reverse"]:
            lo, hi = float(spec["scale_min"]), float(spec["scale_max"])
            scored = lo + hi - scored
            log.append({"step": "reverse-keyed", "column": col, "n": int(scored.notna().sum()),
                        "detail": f"{col}: scored as {_n(lo)} + {_n(hi)} - x"})
        data[col] = scored
    known = set(specs["column"])
    extra = [c for c in df.columns if c not in known]
    if extra:
        log.append({"step": "passed through", "column": ", ".join(extra[:20]), "n": len(extra),
                    "detail": f"{len(extra)} column(s) not in the questionnaire kept as read: {', '.join(extra[:10])}"
                              + (" ..." if len(extra) > 10 else "")})
    log.append({"step": "rows", "column": "", "n": len(df), "detail": f"{len(df)} rows read, none dropped"})
    return Responses(data=data, raw=raw, instrument=instrument, source=source, encoding=enc,
                     log=pd.DataFrame(log, columns=["step", "column", "n", "detail"]),
                     problems=pd.DataFrame(columns=PROBLEM_COLUMNS), row_numbers=rows, value_labels=labels)
