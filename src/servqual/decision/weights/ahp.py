"""The analytic hierarchy process on one pairwise-comparison matrix: priorities, consistency, inconsistency.

:func:`ahp` gives the priorities and consistency ratio of one reciprocal pairwise-comparison matrix
(Saaty's 1-9 scale) and :func:`ahp_inconsistency` the judgements to revisit. :func:`pairwise_matrix`,
:func:`read_pairwise_matrix` and :func:`as_pairwise_matrix` build, read and check the matrices;
:data:`RI_TABLES` holds the random-index tables. Several experts (:mod:`~servqual.decision.weights.group`),
a hierarchy (:mod:`~servqual.decision.weights.hierarchy`) and fuzzy judgements
(:mod:`~servqual.decision.weights.fuzzy`) build on these.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import check_lang
from servqual.decision.weights.result import rank_table
from servqual.exceptions import AnalysisError, DataReadError, ServqualWarning
from servqual.thresholds import THRESHOLDS

__all__ = [
    "RI_TABLES", "RI_SOURCES", "SAATY_SCALE", "AHP_METHODS",
    "AHP_CR", "AHPResult", "ahp", "ahp_inconsistency", "pairwise_matrix", "read_pairwise_matrix", "as_pairwise_matrix",
    "parse_judgement", "read_cell_table", "random_index",
]

#: Average consistency index of random reciprocal matrices, by matrix order n (RI(1) = RI(2) = 0).
RI_TABLES: dict[str, dict[int, float]] = {
    # Saaty (1980), The Analytic Hierarchy Process, p. 21 (n <= 10); n = 11..15 as extended there.
    "saaty1980": {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
                  11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59},
    # Saaty (2005), Theory and Applications of the Analytic Network Process (50 000 matrices per n).
    "saaty2005": {1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45, 10: 1.49,
                  11: 1.52, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59},
    # Donegan & Dodd (1991), A note on Saaty's random indexes. Math. Comput. Modelling 15(10), 135-137.
    "donegan_dodd1991": {1: 0.0, 2: 0.0, 3: 0.4887, 4: 0.8045, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171,
                         9: 1.3733, 10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969},
    # Tummala & Ling (1998), A note on the computation of the mean random consistency index of the AHP.
    # Theory and Decision 44, 221-230.
    "tummala_ling1998": {1: 0.0, 2: 0.0, 3: 0.500, 4: 0.834, 5: 1.046, 6: 1.178, 7: 1.267, 8: 1.326,
                         9: 1.369, 10: 1.406, 11: 1.433, 12: 1.456, 13: 1.474, 14: 1.491, 15: 1.501},
    # Alonso & Lamata (2006), Consistency in the AHP: a new approach. IJUFKS 14(4), 445-459 (100 000 matrices).
    "alonso_lamata2006": {1: 0.0, 2: 0.0, 3: 0.5245, 4: 0.8815, 5: 1.1086, 6: 1.2479, 7: 1.3417, 8: 1.4056,
                          9: 1.4499, 10: 1.4854, 11: 1.5141, 12: 1.5365, 13: 1.5551, 14: 1.5713, 15: 1.5838},
    # The table of Chinese AHP textbooks (许树柏 1988, 实用决策方法: 层次分析法原理).
    "china": {1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.12, 6: 1.26, 7: 1.36, 8: 1.41, 9: 1.46, 10: 1.49,
              11: 1.52, 12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59},
}
RI_SOURCES: dict[str, str] = {
    "saaty1980": "Saaty (1980), The Analytic Hierarchy Process. McGraw-Hill.",
    "saaty2005": "Saaty (2005), Theory and Applications of the Analytic Network Process. RWS Publications.",
    "donegan_dodd1991": "Donegan & Dodd (1991), Mathematical and Computer Modelling 15(10), 135-137.",
    "tummala_ling1998": "Tummala & Ling (1998), Theory and Decision 44, 221-230.",
    "alonso_lamata2006": "Alonso & Lamata (2006), Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 14(4), 445-459.",
    "china": "许树柏 (1988) 实用决策方法: 层次分析法原理, 天津大学出版社 (the table of many Chinese textbooks).",
}
_RI_ALIASES = {"saaty": "saaty1980", "saaty1977": "saaty1980", "alonso_lamata": "alonso_lamata2006",
               "donegan_dodd": "donegan_dodd1991", "tummala_ling": "tummala_ling1998", "cn": "china",
               "chinese": "china"}

#: Saaty's fundamental scale: intensity -> (Chinese, English) definitions.
SAATY_SCALE = {
    1: ("同等重要", "Equal importance"),
    3: ("稍微重要", "Moderate importance"),
    5: ("明显重要", "Strong importance"),
    7: ("强烈重要", "Very strong importance"),
    9: ("极端重要", "Extreme importance"),
    2: ("介于 1 与 3 之间", "Between equal and moderate"),
    4: ("介于 3 与 5 之间", "Between moderate and strong"),
    6: ("介于 5 与 7 之间", "Between strong and very strong"),
    8: ("介于 7 与 9 之间", "Between very strong and extreme"),
}
#: the consistency-ratio cut-off (CR < 0.10, Saaty 1980)
AHP_CR = THRESHOLDS["ahp_cr"]

_SCALE_VALUES = np.array(sorted({*(1.0 / k for k in range(1, 10)), *range(1, 10)}), dtype=float)

AHP_METHODS = {
    "eigenvector": "principal right eigenvector (特征根法; Saaty 1977)",
    "column_sum": "normalised column sums, row means (和积法)",
    "geometric_mean": "row geometric means (方根法; Crawford & Williams 1985)",
}
_METHOD_ALIASES = {"eigen": "eigenvector", "ev": "eigenvector", "特征根法": "eigenvector", "特征向量法": "eigenvector",
                   "sum": "column_sum", "arithmetic": "column_sum", "normalized_column": "column_sum",
                   "和积法": "column_sum", "geometric": "geometric_mean", "rgm": "geometric_mean", "root": "geometric_mean",
                   "方根法": "geometric_mean"}


def _method(method: str) -> str:
    m = _METHOD_ALIASES.get(method, method)
    if m not in AHP_METHODS:
        raise AnalysisError(f"unknown AHP method {method!r}; choose one of {', '.join(AHP_METHODS)}")
    return m


def _ri_table(ri) -> tuple[str, dict]:
    if isinstance(ri, Mapping):
        tab = {int(k): float(v) for k, v in ri.items()}
        tab.setdefault(1, 0.0)
        tab.setdefault(2, 0.0)
        return "custom", tab
    key = _RI_ALIASES.get(str(ri).lower(), str(ri).lower())
    if key not in RI_TABLES:
        raise AnalysisError(f"unknown random-index table {ri!r}; choose one of {', '.join(RI_TABLES)} or pass a dict {{n: RI}}")
    return key, RI_TABLES[key]


def random_index(n: int, ri="saaty1980") -> float:
    """The random consistency index RI of an ``n x n`` matrix from table ``ri`` (0 for n <= 2)."""
    name, tab = _ri_table(ri)
    if n <= 2:
        return 0.0
    if n not in tab:
        raise AnalysisError(
            f"the random-index table {name!r} has no value for a {n} x {n} matrix (it covers n = "
            f"{min(tab)}..{max(tab)}); split the criteria into smaller groups or pass ri={{n: value}}"
        )
    return float(tab[n])


def parse_judgement(v):
    """A judgement cell as float: numbers, "3", "1/3", "0.333"; None for blanks; raises ValueError otherwise."""
    if v is None:
        return None
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return None if (isinstance(v, float) or isinstance(v, np.floating)) and np.isnan(v) else float(v)
    s = str(v).strip().replace("／", "/")
    if s == "" or s.lower() in ("nan", "na", "none"):
        return None
    if re.fullmatch(r"[+-]?\d+(\.\d*)?\s*/\s*\d+(\.\d*)?", s):
        a, b = (float(t) for t in s.split("/"))
        if b == 0:
            raise ValueError(s)
        return a / b
    return float(s)


def as_pairwise_matrix(matrix, names=None, *, tol: float = 0.05, what: str = "pairwise matrix",
                       warn_scale: bool = True) -> pd.DataFrame:
    """Check a reciprocal pairwise-comparison matrix and return it as a float DataFrame named by criterion.

    Parameters
    ----------
    matrix : pandas.DataFrame, numpy.ndarray, nested list or AHPResult
        The judgements; cells may be fractions such as ``"1/3"``.
    names : list of str, optional
        Criterion names (default: the DataFrame's, else ``c1, c2, ...``).
    tol : float
        Relative tolerance of reciprocity; rounded reciprocals within it are reconciled to
        ``sqrt(a_ij / a_ji)``.
    what : str
        How errors name the matrix.
    warn_scale : bool
        Warn about judgements beyond Saaty's 1/9..9 scale.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    AnalysisError
        For a non-square, incomplete, non-positive or non-reciprocal matrix, or one whose diagonal is not 1.

    Examples
    --------
    >>> from servqual.decision.weights import as_pairwise_matrix
    >>> as_pairwise_matrix([[1, "3"], ["1/3", 1]], names=["speed", "price"]).round(4)
            speed  price
    speed  1.0000    3.0
    price  0.3333    1.0
    """
    if isinstance(matrix, AHPResult):
        return matrix.matrix
    if isinstance(matrix, pd.DataFrame):
        df = matrix.copy()
        if names is not None:
            df.index, df.columns = list(names), list(names)
        elif isinstance(df.index, pd.RangeIndex) and not isinstance(df.columns, pd.RangeIndex):
            df.index = list(df.columns)
        if df.shape[0] != df.shape[1]:
            raise AnalysisError(f"the {what} is not square: {df.shape[0]} rows x {df.shape[1]} columns")
        if [str(c) for c in df.index] != [str(c) for c in df.columns]:
            raise AnalysisError(
                f"the {what}'s row names ({', '.join(map(str, df.index))}) differ from its column names "
                f"({', '.join(map(str, df.columns))}); rows and columns must list the same criteria in the same order"
            )
        labels = [str(c) for c in df.columns]
        raw = df.to_numpy(dtype=object)
    else:
        raw = np.asarray(matrix, dtype=object)
        if raw.ndim != 2 or raw.shape[0] != raw.shape[1]:
            raise AnalysisError(f"the {what} is not square: shape {raw.shape}")
        n = raw.shape[0]
        labels = [str(x) for x in names] if names is not None else [f"c{i + 1}" for i in range(n)]
        if len(labels) != n:
            raise AnalysisError(f"{len(labels)} names given for a {n} x {n} {what}")
    if len(set(labels)) != len(labels):
        raise AnalysisError(f"duplicate criterion names in the {what}: {', '.join(labels)}")
    n = len(labels)
    if n == 0:
        raise AnalysisError(f"the {what} is empty")
    a = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            try:
                v = parse_judgement(raw[i, j])
            except (TypeError, ValueError):
                raise AnalysisError(f"{what}: row {labels[i]!r}, column {labels[j]!r}: {raw[i, j]!r} is not a number") from None
            if v is None:
                raise AnalysisError(
                    f"{what}: row {labels[i]!r}, column {labels[j]!r} is missing; fill every judgement "
                    "(or build the matrix from the upper triangle with servqual.weights.pairwise_matrix)"
                )
            a[i, j] = v
    bad = [(labels[i], labels[j], a[i, j]) for i in range(n) for j in range(n) if not a[i, j] > 0 or not np.isfinite(a[i, j])]
    if bad:
        r, c, v = bad[0]
        raise AnalysisError(f"{what}: row {r!r}, column {c!r} is {v:g}; judgements must be positive ratios (1/9 .. 9)"
                            + (f" ({len(bad) - 1} more)" if len(bad) > 1 else ""))
    diag = [labels[i] for i in range(n) if abs(a[i, i] - 1) > 1e-9]
    if diag:
        raise AnalysisError(f"{what}: the diagonal must be 1 (a criterion compared with itself); not 1 for {', '.join(diag)}")
    prod = a * a.T
    dev = np.abs(np.log(prod))
    if dev.max() > math.log1p(tol):
        i, j = np.unravel_index(np.argmax(dev), dev.shape)
        i, j = min(i, j), max(i, j)
        raise AnalysisError(
            f"{what} is not reciprocal: row {labels[i]!r}, column {labels[j]!r} is {a[i, j]:g} but row {labels[j]!r}, "
            f"column {labels[i]!r} is {a[j, i]:g} (should be {1 / a[i, j]:.4g}); a_ji must equal 1 / a_ij"
        )
    if dev.max() > 1e-12:  # rounded reciprocals (0.33 for 1/3): reconcile to the geometric mean
        a = np.sqrt(a / a.T)
    if warn_scale:
        off = [(labels[i], labels[j], a[i, j]) for i in range(n) for j in range(n) if a[i, j] > 9 * (1 + 1e-6)]
        if off:
            warnings.warn(
                f"{what}: {len(off)} judgement(s) beyond Saaty's 1-9 scale (e.g. row {off[0][0]!r}, column "
                f"{off[0][1]!r} = {off[0][2]:g}); the random index assumes the 1/9..9 scale", ServqualWarning, stacklevel=3)
    return pd.DataFrame(a, index=labels, columns=labels)


def pairwise_matrix(judgements, names=None) -> pd.DataFrame:
    """Build a reciprocal pairwise matrix from the upper triangle.

    Parameters
    ----------
    judgements : dict or sequence
        ``{(a, b): value}`` -- how much more important ``a`` is than ``b`` (1/9 .. 9) -- for every pair,
        or the upper triangle row by row as a flat sequence (``n (n - 1) / 2`` values, order
        (1,2), (1,3), ..., (2,3), ...).
    names : list of str, optional
        Criterion order (required for a flat sequence; default for a dict: order of first appearance).

    Returns
    -------
    pandas.DataFrame
        The full matrix with ``a_ii = 1`` and ``a_ji = 1 / a_ij``.

    Examples
    --------
    >>> pairwise_matrix({("speed", "price"): 3, ("speed", "staff"): 5, ("price", "staff"): 2}).round(4)
           speed  price  staff
    speed  1.0000    3.0    5.0
    price  0.3333    1.0    2.0
    staff  0.2000    0.5    1.0
    """
    if isinstance(judgements, Mapping):
        if names is None:
            names = []
            for a, b in judgements:
                for x in (a, b):
                    if x not in names:
                        names.append(x)
        names = [str(x) for x in names]
        n = len(names)
        m = np.full((n, n), np.nan)
        np.fill_diagonal(m, 1.0)
        for (a, b), v in judgements.items():
            if str(a) not in names or str(b) not in names:
                raise AnalysisError(f"judgement ({a!r}, {b!r}) names a criterion not in {names}")
            i, j = names.index(str(a)), names.index(str(b))
            x = parse_judgement(v)
            if x is None or not x > 0:
                raise AnalysisError(f"judgement ({a!r}, {b!r}) = {v!r}: judgements must be positive ratios")
            m[i, j], m[j, i] = x, 1 / x
        miss = [f"({names[i]}, {names[j]})" for i in range(n) for j in range(i + 1, n) if np.isnan(m[i, j])]
        if miss:
            raise AnalysisError(f"missing judgement(s): {', '.join(miss)}")
        return pd.DataFrame(m, index=names, columns=names)
    vals = [parse_judgement(v) for v in judgements]
    if names is None:
        raise AnalysisError("names are required when judgements are given as a flat upper triangle")
    names = [str(x) for x in names]
    n = len(names)
    if len(vals) != n * (n - 1) // 2:
        raise AnalysisError(f"{n} criteria need {n * (n - 1) // 2} upper-triangle judgements, got {len(vals)}")
    m = np.eye(n)
    for (i, j), x in zip(itertools.combinations(range(n), 2), vals):
        if x is None or not x > 0:
            raise AnalysisError(f"judgement ({names[i]}, {names[j]}) = {x!r}: judgements must be positive ratios")
        m[i, j], m[j, i] = x, 1 / x
    return pd.DataFrame(m, index=names, columns=names)


def read_cell_table(path, what: str) -> tuple[pd.DataFrame, str, int]:
    """Read a CSV/XLSX cell grid as strings/objects; returns (raw frame without header, kind, first data row number)."""
    p = os.fspath(path)
    if not os.path.exists(p):
        raise DataReadError(f"{what} {p!r} does not exist")
    ext = os.path.splitext(p)[1].lower()
    try:
        if ext in (".xlsx", ".xlsm", ".xls"):
            raw = pd.read_excel(p, header=None, dtype=object)
            return raw, "xlsx", 1
        if ext in (".csv", ".txt", ".tsv", ""):
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    raw = pd.read_csv(p, header=None, dtype=str, keep_default_na=False, sep=None, engine="python", encoding=enc)
                    return raw, "csv", 1
                except UnicodeDecodeError:
                    continue
            raise DataReadError(f"{what} {p!r}: cannot decode the text (tried UTF-8 and GB18030)")
    except (DataReadError, AnalysisError):
        raise
    except Exception as e:  # pragma: no cover - depends on the file
        raise DataReadError(f"cannot read {what} {p!r}: {e}") from None
    raise DataReadError(f"{what} {p!r}: unknown file type {ext!r}; use .csv or .xlsx")


def read_pairwise_matrix(path) -> pd.DataFrame:
    """Read a pairwise-comparison matrix from a CSV or XLSX file.

    The first row holds the criterion names (after an empty or label corner cell), the first column
    the same names in the same order; cells are numbers or fractions such as ``1/3``.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (UTF-8 or GB18030, any delimiter) or ``.xlsx`` (first sheet).

    Returns
    -------
    pandas.DataFrame
        The matrix (float), index and columns = criterion names. It is validated by :func:`ahp`.

    Notes
    -----
    Errors name the file, the row (line in the file, 1 = header), the column and the value:
    non-numeric cells, blanks, and row names that differ from the header. Call :func:`ahp` on
    the result for the reciprocity and scale checks.

    Examples
    --------
    >>> import os, tempfile
    >>> from servqual.decision.weights import ahp, read_pairwise_matrix
    >>> path = os.path.join(tempfile.mkdtemp(), "criteria.csv")
    >>> with open(path, "w", encoding="utf-8") as f:
    ...     _ = f.write(",speed,price,staff\\nspeed,1,3,5\\nprice,1/3,1,2\\nstaff,1/5,1/2,1\\n")
    >>> ahp(read_pairwise_matrix(path)).weights.round(3).tolist()
    [0.648, 0.23, 0.122]
    """
    p = os.fspath(path)
    raw, kind, _ = read_cell_table(p, "pairwise matrix file")
    raw = raw.dropna(how="all").dropna(axis=1, how="all") if kind == "xlsx" else raw
    if raw.shape[0] < 2 or raw.shape[1] < 2:
        raise DataReadError(f"{p}: a pairwise matrix needs a header row of criterion names and one row per criterion")
    header = [str(x).strip() for x in raw.iloc[0, 1:].tolist()]
    rows = [str(x).strip() for x in raw.iloc[1:, 0].tolist()]
    n = len(header)
    if len(rows) != n:
        raise DataReadError(f"{p}: {n} criteria in the header but {len(rows)} data rows; the matrix must be square")
    for k, (r, h) in enumerate(zip(rows, header)):
        if r != h:
            raise DataReadError(
                f"{p}, row {k + 2}: row name {r!r} differs from column {k + 2} header {h!r}; rows and columns must "
                "list the same criteria in the same order")
    vals = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            cell = raw.iloc[i + 1, j + 1]
            try:
                v = parse_judgement(cell)
            except (TypeError, ValueError):
                raise DataReadError(f"{p}, row {i + 2} ({rows[i]}), column {j + 2} ({header[j]}): {cell!r} is not a number") from None
            if v is None:
                raise DataReadError(f"{p}, row {i + 2} ({rows[i]}), column {j + 2} ({header[j]}): the judgement is missing")
            if not v > 0:
                raise DataReadError(f"{p}, row {i + 2} ({rows[i]}), column {j + 2} ({header[j]}): {cell!r} is not a positive ratio")
            vals[i, j] = v
    return pd.DataFrame(vals, index=header, columns=header)


def _priorities(a: np.ndarray, method: str) -> np.ndarray:
    n = a.shape[0]
    if n == 1:
        return np.ones(1)
    if method == "eigenvector":
        vals, vecs = np.linalg.eig(a)
        k = int(np.argmax(vals.real))
        w = np.abs(vecs[:, k].real)
    elif method == "column_sum":
        w = (a / a.sum(axis=0)).mean(axis=1)
    else:
        w = np.exp(np.log(a).mean(axis=1))
    return w / w.sum()


def _lambda(a: np.ndarray, w: np.ndarray, method: str) -> float:
    n = a.shape[0]
    if n <= 2:
        return float(n)
    if method == "eigenvector":
        lam = float(np.max(np.linalg.eigvals(a).real))
    else:
        lam = float(np.mean((a @ w) / w))
    return max(lam, float(n)) if lam > n - 1e-9 else lam


@dataclass(frozen=True, repr=False)
class AHPResult(ResultMixin):
    """Result of :func:`ahp`.

    Attributes
    ----------
    weights : pandas.Series
        Priorities (sum 1), indexed and named by criterion.
    matrix : pandas.DataFrame
        The validated pairwise matrix.
    method : str
        ``eigenvector``, ``column_sum`` or ``geometric_mean``.
    lambda_max, consistency_index, ri, cr : float
        Principal eigenvalue (or its estimate ``mean((A w)_i / w_i)`` for the approximate methods),
        the consistency index ``CI = (lambda_max - n) / (n - 1)``, the random index and ``CR = CI / RI``.
        ``ci`` is an alias of ``consistency_index``.
    ri_table : str
        Name of the random-index table used; ``ri_values`` the table itself (Series n -> RI).
    consistent : bool
        ``CR < threshold`` (``THRESHOLDS["ahp_cr"]``, 0.10); always True for n <= 2.
    """

    weights: pd.Series
    matrix: pd.DataFrame
    method: str
    lambda_max: float
    consistency_index: float
    ri: float
    cr: float
    ri_table: str
    ri_values: pd.Series
    consistent: bool
    threshold: float = AHP_CR.value
    title: str = field(default="AHP priorities")

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def ci(self) -> float:
        """Alias of :attr:`consistency_index`."""
        return self.consistency_index

    def tables(self) -> dict:
        w = self.weights
        pri = rank_table(w, "criterion")
        cons = pd.DataFrame([{"n": self.n, "method": self.method, "lambda_max": self.lambda_max, "ci": self.consistency_index,
                              "ri": self.ri, "cr": self.cr, "ri_table": self.ri_table, "consistent": self.consistent}])
        return {"Priorities": pri, "Consistency": cons}

    def notes(self, lang: str = "en") -> list:
        zh = check_lang(lang) == "zh"
        if self.n <= 2:
            return [f"n = {self.n}：二阶及以下的互反矩阵必然一致（CR = 0）。" if zh else
                    f"n = {self.n}: a reciprocal matrix of order <= 2 is consistent by definition (CR = 0)."]
        source = RI_SOURCES.get(self.ri_table, "用户给定的表" if zh else "a user-supplied table")
        if zh:
            verdict = "一致性可接受" if self.consistent else "一致性不可接受：请修改判断（见 .inconsistency()）"
            return [f"CR = {self.cr:.3f}（{verdict}；临界值 CR < {self.threshold:.2f}，{AHP_CR.citation}），"
                    f"RI = {self.ri:.4g}，取自 {source}", f"权重计算方法：{AHP_METHODS[self.method]}。"]
        verdict = "acceptable" if self.consistent else "NOT acceptable: revise the judgements (see .inconsistency())"
        return [f"CR = {self.cr:.3f} ({verdict}; threshold CR < {self.threshold:.2f}, {AHP_CR.citation}) with RI = {self.ri:.4g} "
                f"from {source}", f"Priorities by the {AHP_METHODS[self.method]}."]

    def inconsistency(self) -> pd.DataFrame:
        """The judgements that contribute most to inconsistency (see :func:`ahp_inconsistency`)."""
        return ahp_inconsistency(self)


def ahp(matrix, method: str = "eigenvector", ri="saaty1980", *, names=None, threshold: float = AHP_CR.value,
        tol: float = 0.05) -> AHPResult:
    """Priorities and consistency of a reciprocal pairwise-comparison matrix (analytic hierarchy process).

    Parameters
    ----------
    matrix : pandas.DataFrame, numpy.ndarray or nested list
        ``a_ij`` = how much more important criterion i is than j on Saaty's 1-9 scale (``a_ji = 1/a_ij``).
        A DataFrame's index and columns must list the same criteria; cells may be fractions ("1/3").
    method : {"eigenvector", "column_sum", "geometric_mean"}
        ``eigenvector`` (default: Saaty's principal right eigenvector, the method CR was defined for),
        ``column_sum`` (和积法: normalise columns, average rows) or ``geometric_mean`` (方根法: row
        geometric means; the least-squares solution in logs, Crawford & Williams 1985). Chinese
        aliases are accepted.
    ri : str or dict
        Random-index table: ``saaty1980`` (default, the table CR = 0.10 was calibrated on),
        ``saaty2005``, ``donegan_dodd1991``, ``tummala_ling1998``, ``alonso_lamata2006``, ``china``
        (the table of Chinese textbooks), or a dict ``{n: RI}``.
    names : list of str, optional
        Criterion names for an array.
    threshold : float
        Consistency threshold for CR (default 0.10, Saaty 1980).
    tol : float
        Relative tolerance for reciprocity: ``|a_ij a_ji - 1| <= tol`` passes (rounded entries such as
        0.33 for 1/3 are reconciled to ``sqrt(a_ij / a_ji)``); larger deviations are errors.

    Returns
    -------
    AHPResult
        ``weights`` (Series named by criterion), ``lambda_max``, ``ci``, ``ri``, ``cr``, ``ri_table``,
        ``ri_values``, ``consistent``; ``tables()``: Priorities (``criterion, weight, rank``) and
        Consistency (``n, method, lambda_max, ci, ri, cr, ri_table, consistent``).

    Notes
    -----
    ``A w = lambda_max w``; ``CI = (lambda_max - n) / (n - 1)``, ``CR = CI / RI(n)``, consistent when
    ``CR < 0.10`` (Saaty 1980). For the approximate methods ``lambda_max`` is estimated as
    ``mean_i (A w)_i / w_i``, as the textbooks that teach them do. A matrix of order n <= 2 is
    consistent by definition (CR = 0). Values beyond 9 (or below 1/9) raise a ServqualWarning;
    non-square, non-positive, non-reciprocal or incomplete matrices raise AnalysisError.

    Tested against Saaty's published examples: the house-buying matrix (Saaty 1990, EJOR 48, 9-26:
    lambda_max = 9.669, CI = 0.238, CR = 0.169) and the wealth of nations (Saaty 1980: lambda_max = 7.61).

    Examples
    --------
    >>> res = ahp([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]], names=["speed", "price", "staff"])
    >>> res.weights.round(3).tolist(), res.consistent
    ([0.648, 0.23, 0.122], True)
    """
    m = _method(method)
    ri_name, tab = _ri_table(ri)
    df = as_pairwise_matrix(matrix, names, tol=tol)
    a = df.to_numpy()
    n = a.shape[0]
    w = _priorities(a, m)
    lam = _lambda(a, w, m)
    if n <= 2:
        ci, riv, cr = 0.0, 0.0, 0.0
    else:
        ci = (lam - n) / (n - 1)
        riv = random_index(n, tab if ri_name == "custom" else ri_name)
        cr = ci / riv
    return AHPResult(
        weights=pd.Series(w, index=list(df.index), name="weight"), matrix=df, method=m, lambda_max=lam, consistency_index=ci, ri=riv,
        cr=cr, ri_table=ri_name, ri_values=pd.Series(tab, name="ri").sort_index(), consistent=bool(cr < threshold),
        threshold=threshold,
    )


def ahp_inconsistency(result, *, method: str = "eigenvector", ri="saaty1980") -> pd.DataFrame:
    """Which judgements make a pairwise matrix inconsistent, and the value that would make each consistent.

    Parameters
    ----------
    result : AHPResult or matrix
        An :func:`ahp` result (or a matrix, analysed with ``method`` and ``ri``).

    Returns
    -------
    pandas.DataFrame
        One row per judgement i < j, worst first: ``row, column, value`` (a_ij), ``consistent_value``
        (``w_i / w_j``), ``suggested`` (the nearest value on Saaty's 1/9..9 scale), ``ratio``
        (``e_ij = a_ij w_j / w_i``), ``contribution`` (``(e_ij + 1/e_ij - 2) / n``), ``share`` (of
        ``lambda_max - n``) and ``cr_if_suggested`` (CR after replacing that judgement and its
        reciprocal by ``suggested``).

    Notes
    -----
    With ``e_ij = a_ij w_j / w_i``, ``lambda = (1/n) sum_ij e_ij = 1 + (1/n) sum_{i<j} (e_ij + 1/e_ij)``
    (Saaty 2003, "Decision-making with the AHP: why is the principal eigenvector necessary"), so
    ``lambda - n = sum_{i<j} (e_ij + 1/e_ij - 2) / n`` splits exactly over the judgements; the one with
    the largest term is the first to revisit. For the approximate methods lambda is their estimate.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.decision.weights import pairwise_matrix
    >>> m = pairwise_matrix({("speed", "price"): 3, ("speed", "staff"): 5, ("price", "staff"): 2})
    >>> list(sq.ahp(m).inconsistency().head(3)["row"])
    ['speed', 'speed', 'price']
    """
    res = result if isinstance(result, AHPResult) else ahp(result, method=method, ri=ri)
    a, w = res.matrix.to_numpy(), res.weights.to_numpy()
    names = list(res.matrix.index)
    n = len(names)
    lam = float(np.mean((a @ w) / w)) if n > 2 else float(n)
    rows = []
    for i, j in itertools.combinations(range(n), 2):
        e = a[i, j] * w[j] / w[i]
        target = w[i] / w[j]
        sug = float(_SCALE_VALUES[np.argmin(np.abs(np.log(_SCALE_VALUES) - math.log(target)))])
        b = a.copy()
        b[i, j], b[j, i] = sug, 1 / sug
        cr2 = ahp(pd.DataFrame(b, index=names, columns=names), method=res.method,
                  ri=res.ri_values.to_dict() if res.ri_table == "custom" else res.ri_table).cr if n > 2 else 0.0
        contrib = (e + 1 / e - 2) / n
        rows.append({"row": names[i], "column": names[j], "value": a[i, j], "consistent_value": target, "suggested": sug,
                     "ratio": e, "contribution": contrib, "share": contrib / (lam - n) if lam - n > 1e-12 else 0.0,
                     "cr_if_suggested": cr2})
    out = pd.DataFrame(rows, columns=["row", "column", "value", "consistent_value", "suggested", "ratio", "contribution",
                                      "share", "cr_if_suggested"])
    return out.sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True)

