"""Indicator weights: AHP (subjective) and entropy, CRITIC, CV, SD, PCA and derived importance (objective).

An evaluation system for service quality is a hierarchy (goal -> criteria -> indicators). Its weights
come from experts (the analytic hierarchy process, AHP: pairwise comparisons on Saaty's 1-9 scale) or
from data (entropy, CRITIC, coefficient of variation, standard deviation, principal components,
importance derived from how strongly each attribute goes with overall satisfaction), and are often
combined. Every variant that differs between textbooks and software (SPSSAU, yaahp) is named here, and
each function says which one is the default and why.

Subjective weights
    :func:`ahp`, :func:`ahp_inconsistency`, :func:`ahp_group`, :func:`ahp_hierarchy`,
    :func:`fuzzy_ahp`, :func:`pairwise_matrix`, :func:`read_pairwise_matrix`, the expert questionnaire
    :func:`ahp_form` / :func:`write_ahp_form` / :func:`read_ahp_form`, and the random-index tables
    :data:`RI_TABLES`.
Objective weights (a data matrix: alternatives x indicators, or respondents x items)
    :func:`entropy_weights`, :func:`critic_weights`, :func:`cv_weights`, :func:`sd_weights`,
    :func:`pca_weights`, and :func:`objective_weights` (the same with the intermediate table).
Derived importance against an overall-satisfaction item
    :func:`regression_weights`, :func:`relative_weights`, :func:`shapley_weights`,
    :func:`derived_importance`.
Combination
    :func:`combine_weights` (multiplicative, linear, game theory).

``directions`` marks cost indicators (lower is better, e.g. response hours): a dict or Series
``{column: "higher_is_better" | "lower_is_better"}``; ``"benefit"`` / ``"cost"``, ``"max"`` / ``"min"``
and ``+1`` / ``-1`` are accepted too (``Instrument.directions()`` gives the questionnaire's KPIs in
this form). Columns not named are benefit indicators.
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
from servqual.exceptions import AnalysisError, DataReadError, ServqualWarning
from servqual.psychometrics.stats import prepare_items, sufficient_stats

__all__ = [
    "RI_TABLES", "RI_SOURCES", "SAATY_SCALE", "AHP_METHODS",
    "AHPResult", "ahp", "ahp_inconsistency", "pairwise_matrix", "read_pairwise_matrix",
    "AHPGroupResult", "ahp_group", "AHPHierarchyResult", "ahp_hierarchy",
    "FuzzyAHPResult", "fuzzy_ahp", "random_index",
    "ahp_form", "write_ahp_form", "read_ahp_form",
    "WeightsResult", "objective_weights", "entropy_weights", "critic_weights", "cv_weights", "sd_weights",
    "pca_weights", "regression_weights", "relative_weights", "shapley_weights", "derived_importance",
    "CombinedWeightsResult", "combine_weights",
]

# --------------------------------------------------------------------------------------------------
# Random consistency index tables
# --------------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------------
# Pairwise matrices: validation and reading
# --------------------------------------------------------------------------------------------------
def _parse_number(v):
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


def _as_matrix(matrix, names=None, *, tol: float = 0.05, what: str = "pairwise matrix", warn_scale: bool = True) -> pd.DataFrame:
    """Validate a reciprocal pairwise-comparison matrix; return it as a float DataFrame with names."""
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
                v = _parse_number(raw[i, j])
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

    Example
    -------
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
            x = _parse_number(v)
            if x is None or not x > 0:
                raise AnalysisError(f"judgement ({a!r}, {b!r}) = {v!r}: judgements must be positive ratios")
            m[i, j], m[j, i] = x, 1 / x
        miss = [f"({names[i]}, {names[j]})" for i in range(n) for j in range(i + 1, n) if np.isnan(m[i, j])]
        if miss:
            raise AnalysisError(f"missing judgement(s): {', '.join(miss)}")
        return pd.DataFrame(m, index=names, columns=names)
    vals = [_parse_number(v) for v in judgements]
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


def _read_table(path, what: str) -> tuple[pd.DataFrame, str, int]:
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

    Example
    -------
    >>> ahp(read_pairwise_matrix("criteria.csv")).weights  # doctest: +SKIP
    """
    p = os.fspath(path)
    raw, kind, _ = _read_table(p, "pairwise matrix file")
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
                v = _parse_number(cell)
            except (TypeError, ValueError):
                raise DataReadError(f"{p}, row {i + 2} ({rows[i]}), column {j + 2} ({header[j]}): {cell!r} is not a number") from None
            if v is None:
                raise DataReadError(f"{p}, row {i + 2} ({rows[i]}), column {j + 2} ({header[j]}): the judgement is missing")
            if not v > 0:
                raise DataReadError(f"{p}, row {i + 2} ({rows[i]}), column {j + 2} ({header[j]}): {cell!r} is not a positive ratio")
            vals[i, j] = v
    return pd.DataFrame(vals, index=header, columns=header)


# --------------------------------------------------------------------------------------------------
# AHP
# --------------------------------------------------------------------------------------------------
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
    lambda_max, ci, ri, cr : float
        Principal eigenvalue (or its estimate ``mean((A w)_i / w_i)`` for the approximate methods),
        ``CI = (lambda_max - n) / (n - 1)``, the random index and ``CR = CI / RI``.
    ri_table : str
        Name of the random-index table used; ``ri_values`` the table itself (Series n -> RI).
    consistent : bool
        ``CR < threshold`` (0.10); always True for n <= 2.
    """

    weights: pd.Series
    matrix: pd.DataFrame
    method: str
    lambda_max: float
    ci: float
    ri: float
    cr: float
    ri_table: str
    ri_values: pd.Series
    consistent: bool
    threshold: float = 0.10
    title: str = field(default="AHP priorities")

    @property
    def n(self) -> int:
        return len(self.weights)

    def tables(self) -> dict:
        w = self.weights
        pri = pd.DataFrame({"criterion": w.index, "weight": w.to_numpy(), "rank": w.rank(ascending=False, method="min").astype(int).to_numpy()})
        cons = pd.DataFrame([{"n": self.n, "method": self.method, "lambda_max": self.lambda_max, "ci": self.ci,
                              "ri": self.ri, "cr": self.cr, "ri_table": self.ri_table, "consistent": self.consistent}])
        return {"Priorities": pri, "Consistency": cons}

    def notes(self) -> list:
        if self.n <= 2:
            return [f"n = {self.n}: a reciprocal matrix of order <= 2 is consistent by definition (CR = 0)."]
        verdict = "acceptable" if self.consistent else "NOT acceptable: revise the judgements (see .inconsistency())"
        return [f"CR = {self.cr:.3f} ({verdict}; threshold CR < {self.threshold:.2f}, Saaty 1980) with RI = {self.ri:.4g} "
                f"from {RI_SOURCES.get(self.ri_table, 'a user-supplied table')}",
                f"Priorities by the {AHP_METHODS[self.method]}."]

    def inconsistency(self) -> pd.DataFrame:
        """The judgements that contribute most to inconsistency (see :func:`ahp_inconsistency`)."""
        return ahp_inconsistency(self)


def ahp(matrix, method: str = "eigenvector", ri="saaty1980", *, names=None, threshold: float = 0.10,
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

    Example
    -------
    >>> res = ahp([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]], names=["speed", "price", "staff"])
    >>> res.weights.round(3).tolist(), res.consistent
    ([0.648, 0.23, 0.122], True)
    """
    m = _method(method)
    ri_name, tab = _ri_table(ri)
    df = _as_matrix(matrix, names, tol=tol)
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
        weights=pd.Series(w, index=list(df.index), name="weight"), matrix=df, method=m, lambda_max=lam, ci=ci, ri=riv,
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

    Example
    -------
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


# --------------------------------------------------------------------------------------------------
# Group AHP
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class AHPGroupResult(ResultMixin):
    """Result of :func:`ahp_group`.

    Attributes
    ----------
    weights : pandas.Series
        Group priorities (sum 1).
    experts : pandas.DataFrame
        One row per expert: ``expert, expert_weight, lambda_max, cr, consistent, included`` and one
        column per criterion with the expert's own priorities.
    aggregation : str
        ``aij`` (aggregation of individual judgements) or ``aip`` (of individual priorities).
    group : AHPResult or None
        For AIJ, the AHP of the aggregated matrix (its CR is the group matrix's consistency).
    matrix : pandas.DataFrame or None
        The aggregated (weighted geometric mean) matrix for AIJ.
    """

    weights: pd.Series
    experts: pd.DataFrame
    aggregation: str
    group: AHPResult | None
    matrix: pd.DataFrame | None
    max_cr: float | None
    title: str = field(default="Group AHP")

    def tables(self) -> dict:
        w = self.weights
        out = {"Group priorities": pd.DataFrame({"criterion": w.index, "weight": w.to_numpy(),
                                                 "rank": w.rank(ascending=False, method="min").astype(int).to_numpy()}),
               "Experts": self.experts}
        if self.group is not None:
            out["Group matrix consistency"] = self.group.tables()["Consistency"]
        return out

    def notes(self) -> list:
        k = int(self.experts["included"].sum())
        lines = [f"{k} of {len(self.experts)} experts aggregated by "
                 + ("the weighted geometric mean of their judgements (AIJ)" if self.aggregation == "aij"
                    else "the weighted geometric mean of their priorities (AIP)") + " (Forman & Peniwati 1998)."]
        if self.max_cr is not None:
            bad = self.experts.loc[~self.experts["consistent"], "expert"].tolist()
            if bad:
                lines.append(f"Experts with CR >= {self.max_cr:.2f}: {', '.join(map(str, bad))}.")
        return lines


def ahp_group(matrices, expert_weights=None, *, aggregation: str = "aij", method: str = "eigenvector", ri="saaty1980",
              max_cr: float | None = 0.10, exclude_inconsistent: bool = False) -> AHPGroupResult:
    """Group AHP: aggregate several experts' pairwise matrices (AIJ) or priorities (AIP).

    Parameters
    ----------
    matrices : dict or list
        ``{expert: matrix}`` or a list of matrices over the same criteria (DataFrames are aligned by name).
    expert_weights : dict, Series or sequence, optional
        Weight of each expert (normalised to sum 1); default equal.
    aggregation : {"aij", "aip"}
        ``aij`` (default): element-wise weighted geometric mean of the judgements, then AHP of that
        matrix -- the only mean that keeps the aggregate reciprocal (Aczél & Saaty 1983), appropriate
        when the group acts as one decision maker. ``aip``: weighted geometric mean of the individual
        priority vectors, renormalised (for experts acting as separate individuals; Forman & Peniwati 1998).
    method, ri
        As in :func:`ahp`.
    max_cr : float or None
        Experts with ``CR >= max_cr`` are flagged (default 0.10); None disables the check.
    exclude_inconsistent : bool
        Drop the flagged experts from the aggregate (default False: report them only).

    Returns
    -------
    AHPGroupResult

    Notes
    -----
    AIJ: ``a_ij^G = prod_k a_ij^(k) ^ lambda_k`` with ``sum lambda_k = 1``. AIP: ``w_i^G propto prod_k
    w_i^(k) ^ lambda_k``. Tested: with identical experts both equal the single-expert AHP; AIJ of
    consistent matrices built from vectors ``v_k`` returns the normalised weighted geometric mean of ``v_k``.

    Example
    -------
    >>> import servqual as sq
    >>> from servqual.decision.weights import pairwise_matrix
    >>> m1 = pairwise_matrix({("speed", "price"): 3, ("speed", "staff"): 5, ("price", "staff"): 2})
    >>> m2 = pairwise_matrix({("speed", "price"): 2, ("speed", "staff"): 4, ("price", "staff"): 3})
    >>> sq.ahp_group({"e1": m1, "e2": m2}, expert_weights={"e1": 2, "e2": 1}).weights.round(4)
    speed    0.6198
    price    0.2576
    staff    0.1226
    Name: weight, dtype: float64
    """
    agg = str(aggregation).lower()
    if agg not in ("aij", "aip"):
        raise AnalysisError(f"aggregation must be 'aij' or 'aip', got {aggregation!r}")
    if isinstance(matrices, Mapping):
        keys, mats = [str(k) for k in matrices], list(matrices.values())
    else:
        mats = list(matrices)
        keys = [f"expert{i + 1}" for i in range(len(mats))]
    if len(mats) == 0:
        raise AnalysisError("no expert matrices given")
    results = [ahp(m, method=method, ri=ri) for m in mats]
    names = list(results[0].matrix.index)
    for k, r in zip(keys, results):
        if sorted(r.matrix.index) != sorted(names):
            raise AnalysisError(f"expert {k!r} compares {', '.join(r.matrix.index)}; expected {', '.join(names)}")
    if expert_weights is None:
        lam = np.ones(len(mats))
    elif isinstance(expert_weights, (Mapping, pd.Series)):
        ew = dict(expert_weights)
        missing = [k for k in keys if k not in ew]
        if missing:
            raise AnalysisError(f"expert_weights has no weight for {', '.join(missing)}")
        lam = np.array([float(ew[k]) for k in keys])
    else:
        lam = np.asarray(expert_weights, dtype=float)
        if lam.shape != (len(mats),):
            raise AnalysisError(f"{len(lam)} expert weights for {len(mats)} experts")
    if (lam < 0).any() or lam.sum() <= 0:
        raise AnalysisError("expert weights must be non-negative and not all zero")
    consistent = np.array([True if max_cr is None else r.cr < max_cr for r in results])
    included = consistent.copy() if (exclude_inconsistent and max_cr is not None) else np.ones(len(mats), bool)
    if not included.any():
        raise AnalysisError(f"every expert has CR >= {max_cr}; nothing left to aggregate (set exclude_inconsistent=False to report them)")
    use = lam * included
    use = use / use.sum()
    logs = np.stack([np.log(r.matrix.loc[names, names].to_numpy()) for r in results])
    group = gm = None
    if agg == "aij":
        gm = pd.DataFrame(np.exp(np.tensordot(use, logs, axes=1)), index=names, columns=names)
        group = ahp(gm, method=method, ri=ri)
        w = group.weights
    else:
        lw = np.stack([np.log(r.weights.loc[names].to_numpy()) for r in results])
        v = np.exp(use @ lw)
        w = pd.Series(v / v.sum(), index=names, name="weight")
    rows = []
    for k, r, l_, c, inc in zip(keys, results, lam / lam.sum(), consistent, included):
        row = {"expert": k, "expert_weight": float(l_), "lambda_max": r.lambda_max, "cr": r.cr, "consistent": bool(c),
               "included": bool(inc)}
        row.update({c_: float(r.weights[c_]) for c_ in names})
        rows.append(row)
    if max_cr is not None and not consistent.all() and not exclude_inconsistent:
        warnings.warn(f"{int((~consistent).sum())} expert(s) have CR >= {max_cr}: "
                      f"{', '.join(k for k, c in zip(keys, consistent) if not c)} (kept; exclude_inconsistent=True drops them)",
                      ServqualWarning, stacklevel=2)
    return AHPGroupResult(weights=w.rename("weight"), experts=pd.DataFrame(rows), aggregation=agg, group=group, matrix=gm,
                          max_cr=max_cr)


# --------------------------------------------------------------------------------------------------
# Hierarchy
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class AHPHierarchyResult(ResultMixin):
    """Result of :func:`ahp_hierarchy`.

    Attributes
    ----------
    weights : pandas.Series
        Global weights of the indicators (sum 1), indexed by indicator.
    table : pandas.DataFrame
        ``criterion, criterion_weight, indicator, local_weight, global_weight, rank``.
    criteria : pandas.DataFrame
        ``criterion, weight, n, lambda_max, ci, ri, cr, consistent`` (the goal's matrix first, as ``goal``).
    goal : AHPResult
    local : dict
        ``{criterion: AHPResult or None}`` (None for a criterion with a single indicator).
    ci_total, ri_total, cr_total : float
        Total-ranking (层次总排序) consistency: ``CR = sum_j w_j CI_j / sum_j w_j RI_j``.
    consistent : bool
        Every matrix has CR < 0.10 and so has the total ranking.
    """

    weights: pd.Series
    table: pd.DataFrame
    criteria: pd.DataFrame
    goal: AHPResult
    local: dict
    ci_total: float
    ri_total: float
    cr_total: float
    consistent: bool
    title: str = field(default="AHP hierarchy: global weights")

    @property
    def criterion_weights(self) -> pd.Series:
        return self.goal.weights

    def tables(self) -> dict:
        tot = pd.DataFrame([{"ci_total": self.ci_total, "ri_total": self.ri_total, "cr_total": self.cr_total,
                             "consistent": self.consistent}])
        return {"Global weights": self.table, "Matrices": self.criteria, "Total-ranking consistency": tot}

    def notes(self) -> list:
        bad = self.criteria.loc[~self.criteria["consistent"], "criterion"].tolist()
        out = [f"Total-ranking CR = {self.cr_total:.3f} (sum w_j CI_j / sum w_j RI_j; acceptable if < 0.10)."]
        if bad:
            out.append(f"Matrices with CR >= 0.10: {', '.join(map(str, bad))}; revise those judgements.")
        return out


def ahp_hierarchy(hierarchy: Mapping, method: str = "eigenvector", ri="saaty1980", *, threshold: float = 0.10) -> AHPHierarchyResult:
    """Global indicator weights of a goal -> criteria -> indicators hierarchy, with total-ranking consistency.

    Parameters
    ----------
    hierarchy : dict
        ``{"goal": G, "criteria": {criterion: C}}`` where ``G`` is the pairwise matrix (or
        :class:`AHPResult`) of the criteria with respect to the goal -- its names are the keys of
        ``criteria`` -- and each ``C`` is the pairwise matrix (or AHPResult) of that criterion's
        indicators, or a list with a single indicator name (local weight 1). Indicator names must be
        unique across criteria.
    method, ri, threshold
        As in :func:`ahp` (applied to every matrix given as a matrix).

    Returns
    -------
    AHPHierarchyResult
        ``weights`` (global weight per indicator), ``table``, ``criteria``, ``goal``, ``local``,
        ``cr_total`` and ``consistent``.

    Notes
    -----
    Global weight of indicator i under criterion j: ``g_i = w_j * v_ij``. The consistency of the total
    ranking (Saaty 1980, 层次总排序一致性检验): ``CI = sum_j w_j CI_j``, ``RI = sum_j w_j RI_j``,
    ``CR = CI / RI`` (criteria with a single indicator contribute 0 to both); acceptable if < 0.10.

    Example
    -------
    >>> import servqual as sq
    >>> from servqual.decision.weights import pairwise_matrix
    >>> crit_matrix = pairwise_matrix({("tangibles", "reliability"): 1/3, ("tangibles", "speed"): 1/2, ("reliability", "speed"): 2})
    >>> m_t = pairwise_matrix({("q1", "q2"): 2})
    >>> m_r = pairwise_matrix({("q3", "q4"): 3, ("q3", "q5"): 2, ("q4", "q5"): 1/2})
    >>> h = {"goal": crit_matrix, "criteria": {"tangibles": m_t, "reliability": m_r, "speed": ["resp_hours"]}}
    >>> len(sq.ahp_hierarchy(h).table)
    6
    """
    if not isinstance(hierarchy, Mapping) or "goal" not in hierarchy or "criteria" not in hierarchy:
        raise AnalysisError('hierarchy must be a dict {"goal": matrix, "criteria": {criterion: matrix or [indicator]}}')
    crit = hierarchy["criteria"]
    if not isinstance(crit, Mapping) or not crit:
        raise AnalysisError('hierarchy["criteria"] must be a non-empty dict {criterion: matrix, AHPResult or [indicator]}')
    g = hierarchy["goal"]
    goal = g if isinstance(g, AHPResult) else ahp(g, method=method, ri=ri, threshold=threshold)
    names = [str(k) for k in crit]
    if sorted(goal.weights.index) != sorted(names):
        raise AnalysisError(f"the goal matrix compares {', '.join(goal.weights.index)} but the criteria are {', '.join(names)}; "
                            "they must be the same")
    local, rows, crows = {}, [], []
    crows.append({"criterion": "goal", "weight": 1.0, "n": goal.n, "lambda_max": goal.lambda_max, "ci": goal.ci, "ri": goal.ri,
                  "cr": goal.cr, "consistent": goal.consistent})
    ci_t = ri_t = 0.0
    seen: dict = {}
    for key, node in crit.items():
        c = str(key)
        wj = float(goal.weights[c])
        if isinstance(node, (list, tuple)) and len(node) > 1 and all(isinstance(v, str) for v in node):
            raise AnalysisError(f"criterion {c!r} is a list of {len(node)} indicators; give the pairwise matrix of its "
                                "indicators (a list is only for a criterion with a single indicator)")
        if isinstance(node, str) or (isinstance(node, (list, tuple)) and len(node) == 1 and np.ndim(node) == 1):
            ind = [node] if isinstance(node, str) else list(node)
            res, lw = None, pd.Series([1.0], index=[str(ind[0])])
            crows.append({"criterion": c, "weight": wj, "n": 1, "lambda_max": 1.0, "ci": 0.0, "ri": 0.0, "cr": 0.0, "consistent": True})
        else:
            res = node if isinstance(node, AHPResult) else ahp(node, method=method, ri=ri, threshold=threshold)
            lw = res.weights
            ci_t += wj * res.ci
            ri_t += wj * res.ri
            crows.append({"criterion": c, "weight": wj, "n": res.n, "lambda_max": res.lambda_max, "ci": res.ci, "ri": res.ri,
                          "cr": res.cr, "consistent": res.consistent})
        local[c] = res
        for ind, v in lw.items():
            if ind in seen:
                raise AnalysisError(f"indicator {ind!r} appears under both {seen[ind]!r} and {c!r}; indicator names must be unique")
            seen[ind] = c
            rows.append({"criterion": c, "criterion_weight": wj, "indicator": ind, "local_weight": float(v), "global_weight": wj * float(v)})
    table = pd.DataFrame(rows)
    table["rank"] = table["global_weight"].rank(ascending=False, method="min").astype(int)
    cr_t = ci_t / ri_t if ri_t > 0 else 0.0
    crit_df = pd.DataFrame(crows)
    ok = bool(crit_df["consistent"].all() and cr_t < threshold)
    return AHPHierarchyResult(weights=pd.Series(table["global_weight"].to_numpy(), index=table["indicator"].tolist(), name="weight"),
                              table=table, criteria=crit_df, goal=goal, local=local, ci_total=ci_t, ri_total=ri_t,
                              cr_total=cr_t, consistent=ok)


# --------------------------------------------------------------------------------------------------
# Fuzzy AHP (Buckley 1985)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class FuzzyAHPResult(ResultMixin):
    """Result of :func:`fuzzy_ahp`.

    Attributes
    ----------
    weights : pandas.Series
        Crisp weights (defuzzified fuzzy weights, renormalised to sum 1).
    fuzzy_weights : pandas.DataFrame
        ``criterion, l, m, u`` -- the triangular fuzzy weights -- and ``defuzzified`` before renormalising.
    crisp : AHPResult
        AHP of the modal (middle) matrix, for its consistency ratio.
    """

    weights: pd.Series
    fuzzy_weights: pd.DataFrame
    crisp: AHPResult
    defuzzify: str
    title: str = field(default="Fuzzy AHP (Buckley's geometric mean)")

    def tables(self) -> dict:
        t = self.fuzzy_weights.copy()
        t["weight"] = self.weights.to_numpy()
        return {"Fuzzy priorities": t, "Consistency of the modal matrix": self.crisp.tables()["Consistency"]}

    def notes(self) -> list:
        return [f"Fuzzy weights by Buckley's (1985) geometric mean; defuzzified by the {self.defuzzify} and renormalised.",
                f"CR of the modal matrix = {self.crisp.cr:.3f} (acceptable if < 0.10)."]


def fuzzy_ahp(matrix, lower=None, upper=None, *, spread: float = 1.0, defuzzify: str = "centroid", ri="saaty1980",
              names=None) -> FuzzyAHPResult:
    """Fuzzy AHP with triangular fuzzy judgements and Buckley's geometric mean.

    Parameters
    ----------
    matrix : pairwise matrix
        The modal values ``m_ij`` (a crisp Saaty matrix).
    lower, upper : pairwise matrices, optional
        The lower and upper bounds ``l_ij <= m_ij <= u_ij`` (must satisfy ``l_ji = 1 / u_ij``). When
        omitted, each judgement ``m > 1`` becomes ``(max(1, m - spread), m, min(9, m + spread))``,
        ``m = 1`` stays ``(1, 1, 1)`` on the diagonal and becomes ``(1/(1+spread), 1, 1+spread)`` off
        it, and reciprocals are inverted -- the usual fuzzification of the 1-9 scale (spread 1).
    spread : float
        Half-width of the fuzzification (default 1).
    defuzzify : {"centroid", "graded_mean"}
        ``centroid`` (default, ``(l + m + u) / 3``, the most common choice) or ``graded_mean``
        (``(l + 4m + u) / 6``).
    ri : str or dict
        Random-index table for the CR of the modal matrix.

    Returns
    -------
    FuzzyAHPResult

    Notes
    -----
    Buckley (1985): ``r_i = (prod_j a_ij)^(1/n)`` component-wise for (l, m, u); the fuzzy weight
    ``w_i = r_i (x) (sum_k r_k)^-1 = (l_i / sum u, m_i / sum m, u_i / sum l)``. The crisp weights are
    the defuzzified ``w_i`` renormalised. With ``l = m = u`` this is the row geometric mean method (tested).

    Example
    -------
    >>> import servqual as sq
    >>> from servqual.decision.weights import pairwise_matrix
    >>> m = pairwise_matrix({("speed", "price"): 3, ("speed", "staff"): 5, ("price", "staff"): 2})
    >>> sq.fuzzy_ahp(m).weights.round(4)
    speed    0.6374
    price    0.2333
    staff    0.1294
    Name: weight, dtype: float64
    """
    mid = _as_matrix(matrix, names)
    labels = list(mid.index)
    n = len(labels)
    mm = mid.to_numpy()
    if (lower is None) != (upper is None):
        raise AnalysisError("give both lower and upper bound matrices, or neither")
    if lower is None:
        lo = np.ones((n, n))
        up = np.ones((n, n))
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                v = mm[i, j]
                if v >= 1 - 1e-9:
                    lo[i, j], up[i, j] = max(1.0, v - spread), min(9.0, v + spread)
                    if abs(v - 1) < 1e-9:
                        lo[i, j], up[i, j] = 1 / (1 + spread), 1 + spread
                else:
                    vv = 1 / v
                    lo[i, j], up[i, j] = 1 / min(9.0, vv + spread), 1 / max(1.0, vv - spread)
    else:
        lo = _as_matrix(lower, labels, what="lower-bound matrix", tol=1e9, warn_scale=False).to_numpy()
        up = _as_matrix(upper, labels, what="upper-bound matrix", tol=1e9, warn_scale=False).to_numpy()
        if (lo > mm + 1e-9).any() or (mm > up + 1e-9).any():
            raise AnalysisError("fuzzy judgements must satisfy lower <= modal <= upper in every cell")
        if np.abs(lo * up.T - 1).max() > 0.05:
            raise AnalysisError("fuzzy judgements are not reciprocal: lower[j, i] must equal 1 / upper[i, j]")
    r = np.stack([np.exp(np.log(x).mean(axis=1)) for x in (lo, mm, up)], axis=1)  # n x 3 (l, m, u)
    tot = r.sum(axis=0)
    fw = np.column_stack([r[:, 0] / tot[2], r[:, 1] / tot[1], r[:, 2] / tot[0]])
    if defuzzify == "centroid":
        d = fw.mean(axis=1)
    elif defuzzify == "graded_mean":
        d = (fw[:, 0] + 4 * fw[:, 1] + fw[:, 2]) / 6
    else:
        raise AnalysisError(f"defuzzify must be 'centroid' or 'graded_mean', got {defuzzify!r}")
    crisp = ahp(mid, method="geometric_mean", ri=ri)
    table = pd.DataFrame({"criterion": labels, "l": fw[:, 0], "m": fw[:, 1], "u": fw[:, 2], "defuzzified": d})
    return FuzzyAHPResult(weights=pd.Series(d / d.sum(), index=labels, name="weight"), fuzzy_weights=table, crisp=crisp,
                          defuzzify=defuzzify)


# --------------------------------------------------------------------------------------------------
# The expert questionnaire (pairwise-comparison form)
# --------------------------------------------------------------------------------------------------
_FORM_COLUMNS = ["section", "item_a", "item_b", "question", "value"]
_FORM_SHEET = "AHP"
_INSTR_SHEET = "Instructions"


def _form_instructions(lang: str) -> list[str]:
    zh = lang == "zh"
    head = ("请比较每一行中 A 与 B 对上一层目标的相对重要性，在 value 列填写 1-9 标度值："
            "A 比 B 重要填 1-9 的整数，B 比 A 重要填其倒数（如 1/3）。" if zh else
            "For each row, judge how much more important A is than B with respect to the section's goal and enter "
            "a value on Saaty's 1-9 scale in the value column: an integer 1-9 if A is more important, its reciprocal "
            "(e.g. 1/3) if B is more important.")
    lines = [head]
    for k in sorted(SAATY_SCALE):
        z, e = SAATY_SCALE[k]
        lines.append(f"{k}: {z if zh else e}")
    lines.append("1/2 ... 1/9: 上述判断的倒数（B 比 A 重要）" if zh else "1/2 ... 1/9: reciprocals (B more important than A)")
    return lines


def _hierarchy_criteria(criteria, lang: str, goal: str):
    """Accept an Instrument or its Hierarchy: ``({criterion: [indicators]}, bilingual labels, goal name)``."""
    hier = getattr(criteria, "hierarchy", None) if not isinstance(criteria, (Mapping, list, tuple)) else None
    if hier is None and hasattr(criteria, "criteria") and hasattr(criteria, "as_dict"):
        hier = criteria
    if hier is None:
        if not isinstance(criteria, (Mapping, list, tuple)) and hasattr(criteria, "dimensions"):
            raise AnalysisError("the questionnaire has no 'hierarchy' section; declare goal -> criteria -> indicators "
                                "in its YAML, or pass {criterion: [indicators]}")
        return criteria, {}, goal
    labels = {}
    inst = criteria if hasattr(criteria, "dimensions") else None
    for c in hier.criteria:
        labels[c.id] = c.name.get(lang, c.id)
        for ind in c.indicators:
            name = ind.name.get(lang, "")
            if not name and inst is not None:
                if ind.kind == "dimension":
                    name = inst.dimension(ind.ref).name.get(lang, ind.ref)
                elif ind.kind == "kpi":
                    name = next((k.name.get(lang, k.id) for k in inst.kpis if k.id == ind.ref), ind.ref)
                else:
                    name = inst.item(ind.ref).text.get(lang, ind.ref)
            labels[ind.ref] = name or ind.ref
    goal_name = hier.goal.get(lang, goal) if goal == "goal" else goal
    labels[goal_name] = goal_name
    return hier.as_dict(), labels, goal_name


def ahp_form(criteria, lang: str = "zh", *, labels: Mapping | None = None, goal: str = "goal") -> pd.DataFrame:
    """The expert questionnaire: one row per pairwise comparison to fill in.

    Parameters
    ----------
    criteria : dict, list, Instrument or Hierarchy
        ``{criterion: [indicators]}`` (a section comparing the criteria with respect to the goal, then
        one section per criterion with two or more indicators) or a list of criteria (one section).
        A questionnaire (or its ``hierarchy``) gives its goal -> criteria -> indicators with the
        criterion, dimension, item and KPI names in ``lang``.
        ``Instrument.hierarchy.as_dict()`` gives the questionnaire's hierarchy in this form.
    lang : {"zh", "en"}
        Language of the question text and of the Saaty-scale instructions.
    labels : dict, optional
        Display names ``{id: name}`` used in the question text (default: the ids).
    goal : str
        Name of the top section (default ``"goal"``).

    Returns
    -------
    pandas.DataFrame
        ``section, item_a, item_b, question, value`` (``value`` empty, to be filled with 1/9..9);
        ``df.attrs["instructions"]`` holds the scale text.

    Example
    -------
    >>> write_ahp_form({"tangibles": ["q1", "q2"], "reliability": ["q3", "q4", "q5"]}, "form.xlsx")  # doctest: +SKIP
    """
    if lang not in ("zh", "en"):
        raise AnalysisError(f"lang must be 'zh' or 'en', got {lang!r}")
    criteria, hier_labels, goal = _hierarchy_criteria(criteria, lang, goal)
    lab = {**hier_labels, **dict(labels or {})}
    if isinstance(criteria, Mapping):
        sections = [(goal, [str(c) for c in criteria])] + [(str(c), [str(i) for i in v]) for c, v in criteria.items()]
    else:
        sections = [(goal, [str(c) for c in criteria])]
    rows = []
    for sec, items in sections:
        if len(set(items)) != len(items):
            raise AnalysisError(f"section {sec!r} lists an item twice: {', '.join(items)}")
        if len(items) < 2:
            continue
        target = lab.get(sec, "总目标" if (sec == goal and lang == "zh") else sec)
        for a, b in itertools.combinations(items, 2):
            na, nb = lab.get(a, a), lab.get(b, b)
            q = (f"就“{target}”而言，“{na}”相对于“{nb}”的重要程度" if lang == "zh"
                 else f"With respect to '{target}', how much more important is '{na}' than '{nb}'?")
            rows.append({"section": sec, "item_a": a, "item_b": b, "question": q, "value": None})
    if not rows:
        raise AnalysisError("nothing to compare: every section has fewer than 2 items")
    df = pd.DataFrame(rows, columns=_FORM_COLUMNS).astype({"value": object})
    df.attrs["instructions"] = _form_instructions(lang)
    df.attrs["lang"] = lang
    return df


def write_ahp_form(criteria, path, lang: str = "zh", *, labels: Mapping | None = None, goal: str = "goal",
                   form: pd.DataFrame | None = None) -> str:
    """Write the pairwise-comparison questionnaire (:func:`ahp_form`) to an .xlsx workbook.

    Sheet ``AHP`` holds the comparisons (header row ``section, item_a, item_b, question, value``; the
    expert fills ``value``), sheet ``Instructions`` the bilingual Saaty scale. ``form`` writes a given
    (possibly filled) form instead of a new one. Returns the path written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    df = form if form is not None else ahp_form(criteria, lang, labels=labels, goal=goal)
    wb = Workbook()
    ws = wb.active
    ws.title = _FORM_SHEET
    ws.append(_FORM_COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for rec in df[_FORM_COLUMNS].itertuples(index=False):
        v = rec.value
        ws.append([rec.section, rec.item_a, rec.item_b, rec.question, None if v is None or (isinstance(v, float) and np.isnan(v)) else v])
        ws.cell(row=ws.max_row, column=5).fill = fill
    ws.column_dimensions["D"].width = 60
    ws.freeze_panes = "A2"
    wi = wb.create_sheet(_INSTR_SHEET)
    for line in df.attrs.get("instructions") or _form_instructions(lang):
        wi.append([line])
    wi.column_dimensions["A"].width = 100
    p = os.fspath(path)
    wb.save(p)
    return p


def read_ahp_form(path_or_frame, *, sheet: str = _FORM_SHEET) -> dict[str, pd.DataFrame]:
    """Read a filled pairwise-comparison form back into matrices.

    Parameters
    ----------
    path_or_frame : str, path-like or pandas.DataFrame
        An .xlsx written by :func:`write_ahp_form` (or CSV with the same columns), or the DataFrame of
        :func:`ahp_form` with ``value`` filled.
    sheet : str
        Sheet name in a workbook (default ``AHP``).

    Returns
    -------
    dict
        ``{section: pairwise matrix DataFrame}`` in the form's order, ready for :func:`ahp` /
        :func:`ahp_hierarchy` (``{"goal": out["goal"], "criteria": {c: out[c] ...}}``).

    Notes
    -----
    Values are numbers or fractions (``1/3``). Errors (DataReadError) name the file, sheet, row (as
    numbered in the spreadsheet, header = row 1) and value: blanks, text, zero or negative values,
    a pair compared twice. Values beyond 1/9..9 raise a ServqualWarning.
    """
    if isinstance(path_or_frame, pd.DataFrame):
        df, where = path_or_frame.copy(), "form"
    else:
        p = os.fspath(path_or_frame)
        if not os.path.exists(p):
            raise DataReadError(f"AHP form {p!r} does not exist")
        ext = os.path.splitext(p)[1].lower()
        if ext in (".xlsx", ".xlsm"):
            try:
                book = pd.read_excel(p, sheet_name=None, dtype=object)
            except Exception as e:  # pragma: no cover - depends on the file
                raise DataReadError(f"cannot read AHP form {p!r}: {e}") from None
            if sheet not in book:
                raise DataReadError(f"{p}: no sheet {sheet!r} (sheets: {', '.join(book)})")
            df = book[sheet]
            where = f"{p}, sheet {sheet!r}"
        elif ext == ".csv":
            df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            where = p
        else:
            raise DataReadError(f"AHP form {p!r}: unknown file type {ext!r}; use .xlsx or .csv")
    missing = [c for c in ("section", "item_a", "item_b", "value") if c not in df.columns]
    if missing:
        raise DataReadError(f"{where}: missing column(s) {', '.join(missing)}; expected {', '.join(_FORM_COLUMNS)}")
    order: dict = {}
    judg: dict = {}
    for k, rec in enumerate(df.itertuples(index=False)):
        rown = k + 2
        sec, a, b, raw = str(rec.section).strip(), str(rec.item_a).strip(), str(rec.item_b).strip(), rec.value
        try:
            v = _parse_number(raw)
        except (TypeError, ValueError):
            raise DataReadError(f"{where}, row {rown} ({sec}: {a} vs {b}): value {raw!r} is not a number; "
                                "enter 1-9 or a reciprocal such as 1/3") from None
        if v is None:
            raise DataReadError(f"{where}, row {rown} ({sec}: {a} vs {b}): no judgement entered")
        if not v > 0:
            raise DataReadError(f"{where}, row {rown} ({sec}: {a} vs {b}): value {raw!r} must be positive (1/9 .. 9)")
        if v > 9 * (1 + 1e-6) or v < (1 / 9) * (1 - 1e-6):
            warnings.warn(f"{where}, row {rown} ({sec}: {a} vs {b}): value {raw!r} is off Saaty's 1/9..9 scale",
                          ServqualWarning, stacklevel=2)
        names = order.setdefault(sec, [])
        for x in (a, b):
            if x not in names:
                names.append(x)
        key = (a, b) if (a, b) not in judg.get(sec, {}) and (b, a) not in judg.get(sec, {}) else None
        if key is None:
            raise DataReadError(f"{where}, row {rown}: the pair {a} / {b} of section {sec!r} is compared twice")
        judg.setdefault(sec, {})[(a, b)] = v
    out = {}
    for sec, names in order.items():
        try:
            out[sec] = pairwise_matrix(judg[sec], names)
        except AnalysisError as e:
            raise DataReadError(f"{where}, section {sec!r}: {e}") from None
    return out


# --------------------------------------------------------------------------------------------------
# Objective weights
# --------------------------------------------------------------------------------------------------
_BENEFIT = {"higher_is_better", "benefit", "max", "maximize", "maximise", "positive", "+", "1", "+1", "正向", "效益型"}
_COST = {"lower_is_better", "cost", "min", "minimize", "minimise", "negative", "-", "-1", "负向", "成本型"}


def _directions(directions, columns) -> np.ndarray:
    """+1 (benefit) / -1 (cost) per column from a dict/Series/sequence; unnamed columns are benefit."""
    cols = list(columns)
    out = np.ones(len(cols))
    if directions is None:
        return out
    if isinstance(directions, (Mapping, pd.Series)):
        items = dict(directions).items()
        unknown = [k for k, _ in items if k not in cols]
        if unknown:
            raise AnalysisError(f"directions name column(s) not in the data: {', '.join(map(str, unknown))}")
        pairs = [(cols.index(k), v) for k, v in items]
    else:
        seq = list(directions)
        if len(seq) != len(cols):
            raise AnalysisError(f"{len(seq)} directions for {len(cols)} columns; pass a dict {{column: direction}}")
        pairs = list(enumerate(seq))
    for i, v in pairs:
        s = str(v).strip().lower() if not isinstance(v, (int, float, np.integer, np.floating)) else str(int(np.sign(v)))
        if s in _BENEFIT:
            out[i] = 1.0
        elif s in _COST:
            out[i] = -1.0
        else:
            raise AnalysisError(f"direction {v!r} of column {cols[i]!r}: use 'higher_is_better' / 'lower_is_better' "
                                "('benefit' / 'cost', +1 / -1)")
    return out


def _decision_matrix(data, items=None, nan_policy: str = "listwise", min_rows: int = 2) -> pd.DataFrame:
    if hasattr(data, "data") and not isinstance(data, pd.DataFrame) and isinstance(getattr(data, "data"), pd.DataFrame):
        data = data.data
    x = prepare_items(data, items)
    if nan_policy not in ("listwise", "raise"):
        raise ValueError(f"nan_policy must be 'listwise' or 'raise', got {nan_policy!r}")
    bad = x.isna().any(axis=1)
    if bad.any():
        if nan_policy == "raise":
            cols = [c for c in x.columns if x[c].isna().any()]
            raise AnalysisError(f"missing values in {', '.join(map(str, cols))}; fill them or use nan_policy='listwise'")
        warnings.warn(f"{int(bad.sum())} row(s) with missing values dropped (listwise)", ServqualWarning, stacklevel=3)
        x = x[~bad]
    if len(x) < min_rows:
        raise AnalysisError(f"only {len(x)} complete row(s); at least {min_rows} are needed")
    if np.isinf(x.to_numpy()).any():
        raise AnalysisError("the data contain infinite values")
    return x


def _minmax(x: pd.DataFrame, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min-max normalisation by direction; returns (matrix, constant-column mask)."""
    a = x.to_numpy(dtype=float)
    lo, hi = a.min(axis=0), a.max(axis=0)
    rng = hi - lo
    const = rng <= 1e-12 * np.maximum(1.0, np.abs(hi))
    safe = np.where(const, 1.0, rng)
    z = np.where(dirs > 0, (a - lo) / safe, (hi - a) / safe)
    z[:, const] = 0.0
    return z, const


def _warn_constant(cols, const, method):
    if const.all():
        raise AnalysisError(f"every indicator is constant ({', '.join(map(str, cols))}); {method} weights are undefined")
    if const.any():
        names = [str(c) for c, k in zip(cols, const) if k]
        warnings.warn(f"constant indicator(s) {', '.join(names)} carry no information and get weight 0 in the {method} method",
                      ServqualWarning, stacklevel=3)


@dataclass(frozen=True, repr=False)
class WeightsResult(ResultMixin):
    """Result of :func:`objective_weights` / :func:`derived_importance`.

    Attributes
    ----------
    weights : pandas.Series
        Weights (sum 1) indexed by the data's columns.
    table : pandas.DataFrame
        One row per indicator with the method's intermediate quantities and ``weight, rank``.
    method : str
    n : int
        Rows (alternatives / respondents) used.
    details : dict
        Method-specific extras (e.g. ``r2`` for derived importance, the variant options).
    """

    weights: pd.Series
    table: pd.DataFrame
    method: str
    n: int
    details: dict = field(default_factory=dict)
    title: str = field(default="Indicator weights")

    def tables(self) -> dict:
        return {f"Weights ({self.method})": self.table}

    def notes(self) -> list:
        out = [f"{self.method} weights from n = {self.n} rows; weights sum to 1."]
        if "formula" in self.details:
            out.append(self.details["formula"])
        if "r2" in self.details:
            out.append(f"R^2 of the outcome on the attributes = {self.details['r2']:.4f}.")
        return out


def _finish(cols, w, table: dict, method, n, details=None) -> WeightsResult:
    w = np.asarray(w, dtype=float)
    s = pd.Series(w / w.sum(), index=list(cols), name="weight")
    t = pd.DataFrame({"indicator": list(cols), **table})
    t["weight"] = s.to_numpy()
    t["rank"] = s.rank(ascending=False, method="min").astype(int).to_numpy()
    return WeightsResult(weights=s, table=t, method=method, n=int(n), details=dict(details or {}))


def _entropy(x: pd.DataFrame, directions, normalize: str, shift: float) -> WeightsResult:
    cols = list(x.columns)
    dirs = _directions(directions, cols)
    m = len(x)
    if normalize == "minmax":
        z, const = _minmax(x, dirs)
    elif normalize == "sum":
        z = x.to_numpy(dtype=float)
        if (z < 0).any():
            neg = [str(c) for c in cols if (x[c] < 0).any()]
            raise AnalysisError(f"normalize='sum' needs non-negative data; negative values in {', '.join(neg)} "
                                "(use normalize='minmax')")
        const = np.ptp(z, axis=0) <= 1e-12 * np.maximum(1.0, np.abs(z).max(axis=0))
    else:
        raise AnalysisError(f"normalize must be 'minmax' or 'sum', got {normalize!r}")
    _warn_constant(cols, const, "entropy")
    z = z + float(shift)
    tot = z.sum(axis=0)
    if ((tot <= 0) & ~const).any():
        zero = [str(c) for c, t_, k in zip(cols, tot, const) if t_ <= 0 and not k]
        raise AnalysisError(f"column(s) {', '.join(zero)} sum to zero; entropy proportions are undefined")
    p = z / np.where(tot > 0, tot, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)  # 0 ln 0 := 0
    e = -plogp.sum(axis=0) / math.log(m)
    e = np.where(const, 1.0, e)
    d = 1 - e
    if d.sum() <= 0:
        raise AnalysisError("every indicator has maximal entropy (no variation); entropy weights are undefined")
    return _finish(cols, d, {"direction": np.where(dirs > 0, "higher_is_better", "lower_is_better"), "entropy": e, "divergence": d},
                   "entropy", m, {"normalize": normalize, "shift": shift,
                                  "formula": "e_j = -sum_i p_ij ln p_ij / ln m (0 ln 0 := 0); w_j = (1 - e_j) / sum (1 - e_k)."})


def _critic(x: pd.DataFrame, directions, conflict: str) -> WeightsResult:
    cols = list(x.columns)
    dirs = _directions(directions, cols)
    z, const = _minmax(x, dirs)
    _warn_constant(cols, const, "CRITIC")
    sd = z.std(axis=0, ddof=1)
    keep = ~const
    r = np.zeros((len(cols), len(cols)))
    if keep.sum() >= 2:
        r[np.ix_(keep, keep)] = np.corrcoef(z[:, keep], rowvar=False)
    else:
        r[np.ix_(keep, keep)] = 1.0
    if conflict in ("1-r", "r"):
        conf = (1 - r)
    elif conflict in ("1-|r|", "abs"):
        conf = (1 - np.abs(r))
    else:
        raise AnalysisError(f"conflict must be '1-r' or '1-|r|', got {conflict!r}")
    conf[:, const] = 0.0
    conf = conf.sum(axis=1)
    info = sd * conf
    info[const] = 0.0
    if info.sum() <= 0:
        raise AnalysisError("CRITIC information is zero for every indicator (perfectly correlated or constant indicators)")
    return _finish(cols, info, {"direction": np.where(dirs > 0, "higher_is_better", "lower_is_better"), "sd": sd,
                                "conflict": conf, "information": info}, "critic", len(x),
                   {"conflict": conflict, "formula": f"C_j = sd_j * sum_k ({conflict.replace('r', 'r_jk')}) on min-max normalised "
                                                     "data; w_j = C_j / sum C_k (Diakoulaki et al. 1995)."})


def _cv(x: pd.DataFrame) -> WeightsResult:
    cols = list(x.columns)
    a = x.to_numpy(dtype=float)
    mean, sd = a.mean(axis=0), a.std(axis=0, ddof=1)
    if (np.abs(mean) <= 1e-12).any():
        zero = [str(c) for c, mu in zip(cols, mean) if abs(mu) <= 1e-12]
        raise AnalysisError(f"the coefficient of variation needs non-zero means; mean 0 in {', '.join(zero)}")
    if (mean < 0).any():
        warnings.warn("negative means: the coefficient of variation is meaningful only for ratio-scale, positive data",
                      ServqualWarning, stacklevel=3)
    cv = sd / np.abs(mean)
    const = sd <= 1e-12 * np.maximum(1.0, np.abs(mean))
    _warn_constant(cols, const, "coefficient-of-variation")
    return _finish(cols, cv, {"mean": mean, "sd": sd, "cv": cv}, "cv", len(x),
                   {"formula": "w_j = CV_j / sum CV_k with CV_j = sd_j / |mean_j| (raw data, sd with n - 1)."})


def _sd(x: pd.DataFrame, directions) -> WeightsResult:
    cols = list(x.columns)
    dirs = _directions(directions, cols)
    z, const = _minmax(x, dirs)
    _warn_constant(cols, const, "standard-deviation")
    sd = z.std(axis=0, ddof=1)
    return _finish(cols, sd, {"sd": sd}, "sd", len(x),
                   {"formula": "w_j = sd_j / sum sd_k of the min-max normalised indicators."})


def _pca(data, items, n_components, basis, nan_policy) -> WeightsResult:
    ss = sufficient_stats(data, items, nan_policy=nan_policy)
    cols = ss.items
    sd = ss.sd
    if (sd <= 1e-12).any():
        raise AnalysisError(f"constant item(s) {', '.join(c for c, s in zip(cols, sd) if s <= 1e-12)}: principal components "
                            "need variation in every item; drop them")
    r = ss.corr
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    if n_components is None:
        k = max(1, int((vals > 1).sum()))
    else:
        k = int(n_components)
        if not 1 <= k <= len(cols):
            raise AnalysisError(f"n_components must be between 1 and {len(cols)}")
    vecs = vecs * np.where(vecs.sum(axis=0) < 0, -1.0, 1.0)
    load = vecs[:, :k] * np.sqrt(np.clip(vals[:k], 0, None))
    share = vals[:k] / vals[:k].sum()
    if basis == "score_coefficients":
        coef = (load / np.sqrt(vals[:k])) @ share
    elif basis == "loadings":
        coef = np.abs(load) @ share
    else:
        raise AnalysisError(f"basis must be 'score_coefficients' or 'loadings', got {basis!r}")
    if (coef < 0).any():
        warnings.warn(f"negative composite coefficient(s) for {', '.join(c for c, v in zip(cols, coef) if v < 0)}; "
                      "their absolute values are used", ServqualWarning, stacklevel=3)
    w = np.abs(coef)
    tab = {f"loading_{i + 1}": load[:, i] for i in range(k)}
    tab["coefficient"] = coef
    return _finish(cols, w, tab, "pca", ss.n,
                   {"n_components": k, "eigenvalues": vals[:k].tolist(), "basis": basis,
                    "formula": ("w_j propto |sum_k (l_jk / sqrt(lambda_k)) * lambda_k / sum lambda| over the retained components"
                                if basis == "score_coefficients" else
                                "w_j propto sum_k |l_jk| * lambda_k / sum lambda over the retained components")})


def objective_weights(data, method: str = "entropy", directions=None, *, items=None, nan_policy: str = "listwise",
                      normalize: str = "minmax", shift: float = 0.0, conflict: str = "1-r", n_components=None,
                      basis: str = "score_coefficients") -> WeightsResult:
    """Objective indicator weights with the intermediate table (for reports and the command line).

    Parameters
    ----------
    data : pandas.DataFrame
        Alternatives (or respondents) x indicators.
    method : {"entropy", "critic", "cv", "sd", "pca"}
        See :func:`entropy_weights`, :func:`critic_weights`, :func:`cv_weights`, :func:`sd_weights`,
        :func:`pca_weights`.
    directions : dict or Series, optional
        ``{column: "higher_is_better" | "lower_is_better"}`` (cost indicators are reversed in the
        min-max normalisation).
    items : list of str, optional
        Columns to use (default: all).
    nan_policy : {"listwise", "raise"}
        Rows with missing values are dropped with a warning (default) or an error is raised.
    normalize, shift
        Entropy options; ``conflict`` the CRITIC option; ``n_components``, ``basis`` the PCA options.

    Returns
    -------
    WeightsResult
        ``weights`` (Series indexed by column) and ``table`` (``indicator``, the method's quantities,
        ``weight, rank``).
    """
    meth = str(method).lower()
    if meth == "pca":
        return _pca(data, items, n_components, basis, "listwise")
    x = _decision_matrix(data, items, nan_policy)
    if meth == "entropy":
        return _entropy(x, directions, normalize, shift)
    if meth == "critic":
        return _critic(x, directions, conflict)
    if meth in ("cv", "coefficient_of_variation"):
        return _cv(x)
    if meth in ("sd", "std", "standard_deviation"):
        return _sd(x, directions)
    raise AnalysisError(f"unknown weighting method {method!r}; choose entropy, critic, cv, sd or pca")


def entropy_weights(data, directions=None, normalize: str = "minmax", *, shift: float = 0.0, items=None,
                    nan_policy: str = "listwise") -> pd.Series:
    """Entropy weight method (熵权法).

    Parameters
    ----------
    data : pandas.DataFrame
        Alternatives (or respondents) x indicators.
    directions : dict or Series, optional
        ``{column: "higher_is_better" | "lower_is_better"}``; cost indicators are reversed by the
        min-max normalisation (``(max - x) / (max - min)``).
    normalize : {"minmax", "sum"}
        ``minmax`` (default): min-max normalise each indicator by its direction, then ``p_ij = z_ij /
        sum_i z_ij`` -- direction-aware and invariant to the unit and origin of each column, the
        variant of most Chinese textbooks. ``sum``: the raw-proportion variant ``p_ij = x_ij / sum_i x_ij``
        of Hwang & Yoon (1981) and many papers (needs non-negative ratio-scale data; directions do not
        change it, since it measures the spread of the raw values).
    shift : float
        Constant added to the normalised values before the proportions (default 0: no shift, the
        textbook method with ``0 ln 0 := 0``). Some software (e.g. SPSSAU) shifts the normalised data by
        a small constant such as 0.01 so that no proportion is zero; pass that constant to reproduce it.
    items : list of str, optional
    nan_policy : {"listwise", "raise"}

    Returns
    -------
    pandas.Series
        Weights (sum 1) indexed by the data's columns.

    Notes
    -----
    ``e_j = -(1 / ln m) sum_i p_ij ln p_ij`` with ``0 ln 0 := 0`` (the limit), ``d_j = 1 - e_j``,
    ``w_j = d_j / sum_k d_k`` (Shannon entropy weights; Zeleny 1982, Hwang & Yoon 1981). A constant
    indicator carries no information: it gets weight 0 with a ServqualWarning (all constant: error).
    Tested against direct evaluation of the formula (both variants, with and without shift) on Hwang &
    Yoon's (1981) fighter-aircraft matrix; invariant to rescaling a column (``minmax``) and to
    multiplying a column by a constant (``sum``).

    Example
    -------
    >>> import pandas as pd
    >>> import servqual as sq
    >>> kpis = pd.DataFrame({"response_hours": [4.0, 8.0, 2.5, 6.0], "resolved_pct": [92.0, 85.0, 97.0, 88.0],
    ...                      "complaints": [12, 20, 5, 15]}, index=["A", "B", "C", "D"])
    >>> sq.entropy_weights(kpis, directions={"response_hours": "lower_is_better"}).round(4)
    response_hours    0.3241
    resolved_pct      0.3757
    complaints        0.3001
    Name: weight, dtype: float64
    """
    x = _decision_matrix(data, items, nan_policy)
    return _entropy(x, directions, normalize, shift).weights


def critic_weights(data, directions=None, *, conflict: str = "1-r", items=None, nan_policy: str = "listwise") -> pd.Series:
    """CRITIC weights (Criteria Importance Through Intercriteria Correlation; Diakoulaki et al. 1995).

    Parameters
    ----------
    data : pandas.DataFrame
    directions : dict or Series, optional
        Cost indicators are reversed by the min-max normalisation.
    conflict : {"1-r", "1-|r|"}
        ``1-r`` (default, Diakoulaki et al.'s original: negatively correlated indicators add conflict)
        or ``1-|r|`` (a strong negative correlation counts as redundancy, as in some later papers).
    items, nan_policy
        As in :func:`entropy_weights`.

    Returns
    -------
    pandas.Series
        Weights (sum 1) indexed by the data's columns.

    Notes
    -----
    On min-max normalised data (by direction): ``C_j = sd_j * sum_k (1 - r_jk)``, ``w_j = C_j / sum C``.
    The weights do not depend on whether sd uses n or n - 1 (a common factor). A constant indicator
    gets weight 0 with a ServqualWarning. Tested against direct evaluation of Diakoulaki et al.'s formula
    (both conflict options); invariant to rescaling a column (tested).

    Example
    -------
    >>> import pandas as pd
    >>> import servqual as sq
    >>> kpis = pd.DataFrame({"response_hours": [4.0, 8.0, 2.5, 6.0], "resolved_pct": [92.0, 85.0, 97.0, 88.0],
    ...                      "complaints": [12, 20, 5, 15]}, index=["A", "B", "C", "D"])
    >>> sq.critic_weights(kpis, {"complaints": "cost"}).round(4)
    response_hours    0.5046
    resolved_pct      0.2525
    complaints        0.2429
    Name: weight, dtype: float64
    """
    x = _decision_matrix(data, items, nan_policy)
    return _critic(x, directions, conflict).weights


def cv_weights(data, *, items=None, nan_policy: str = "listwise") -> pd.Series:
    """Coefficient-of-variation weights (变异系数法): ``w_j = CV_j / sum CV``, ``CV_j = sd_j / |mean_j|``.

    Computed on the raw data (ratio-scale indicators with positive means; sd with n - 1), so directions
    do not apply. A constant indicator gets weight 0 with a warning; a zero mean is an error.
    """
    x = _decision_matrix(data, items, nan_policy)
    return _cv(x).weights


def sd_weights(data, directions=None, *, items=None, nan_policy: str = "listwise") -> pd.Series:
    """Standard-deviation weights: ``w_j = sd_j / sum sd`` of the min-max normalised indicators.

    The normalisation makes indicators in different units comparable (the default and only variant);
    reversing a cost indicator does not change its sd, so ``directions`` is accepted for symmetry.
    """
    x = _decision_matrix(data, items, nan_policy)
    return _sd(x, directions).weights


def pca_weights(data, *, items=None, n_components=None, basis: str = "score_coefficients",
                nan_policy: str = "listwise") -> pd.Series:
    """Principal-component (or factor-loading) based weights (主成分分析法权重).

    Parameters
    ----------
    data : pandas.DataFrame
    items : list of str, optional
    n_components : int, optional
        Components retained (default: eigenvalues > 1, Kaiser's rule).
    basis : {"score_coefficients", "loadings"}
        ``score_coefficients`` (default, the procedure taught in Chinese textbooks): component
        score coefficients ``l_jk / sqrt(lambda_k)`` averaged over the retained components with their
        variance shares, absolute value, normalised. ``loadings``: ``sum_k |l_jk| * share_k``.
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    pandas.Series
        Weights (sum 1) indexed by item.

    Notes
    -----
    PCA of the correlation matrix (from :func:`servqual.stats.sufficient_stats`); component signs are
    chosen so that each component's eigenvector sums positive (as psych::principal does). Negative
    composite coefficients are replaced by their absolute values with a warning. Tested against the
    unrotated loadings and eigenvalues of R psych 2.2.9 ``principal()`` on six data sets (1e-6).
    """
    return _pca(data, items, n_components, basis, nan_policy).weights


# --------------------------------------------------------------------------------------------------
# Derived importance
# --------------------------------------------------------------------------------------------------
def _derived_stats(data, outcome, items, nan_policy):
    if hasattr(data, "data") and not isinstance(data, pd.DataFrame):
        data = data.data
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if outcome not in data.columns:
        raise AnalysisError(f"outcome column {outcome!r} is not in the data")
    cols = [c for c in (list(items) if items is not None else list(data.columns)) if c != outcome]
    if len(cols) < 1:
        raise AnalysisError("derived importance needs at least one attribute besides the outcome")
    ss = sufficient_stats(data, cols + [outcome], nan_policy=nan_policy)
    sd = ss.sd
    if (sd <= 1e-12).any():
        raise AnalysisError(f"constant column(s) {', '.join(c for c, s in zip(ss.items, sd) if s <= 1e-12)}; "
                            "derived importance needs variation in every attribute and the outcome")
    r = ss.corr
    k = len(cols)
    rxx, rxy = r[:k, :k], r[:k, k]
    ev = np.linalg.eigvalsh(rxx)
    if ev.min() <= 1e-10 * max(ev.max(), 1.0):
        raise AnalysisError(f"the attributes {', '.join(cols)} are perfectly collinear (singular correlation matrix); "
                            "drop redundant attributes")
    if ss.n <= k + 1:
        raise AnalysisError(f"{ss.n} complete rows for {k} attributes; regression needs more rows than attributes + 1")
    return cols, rxx, rxy, ss.n


def _rw(rxx, rxy):
    evals, evecs = np.linalg.eigh(rxx)
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta_z = evecs @ np.diag(1 / np.sqrt(evals)) @ evecs.T @ rxy
    return (lam ** 2) @ (beta_z ** 2)


def _shapley(rxx, rxy):
    k = len(rxy)
    if k > 15:
        raise AnalysisError(f"Shapley decomposition needs 2^k regressions; k = {k} attributes is too many (max 15)")
    r2 = np.zeros(1 << k)
    for mask in range(1, 1 << k):
        idx = [j for j in range(k) if mask >> j & 1]
        sub = rxy[idx]
        r2[mask] = float(sub @ np.linalg.solve(rxx[np.ix_(idx, idx)], sub))
    fact = [math.factorial(i) for i in range(k + 1)]
    phi = np.zeros(k)
    for mask in range(1 << k):
        s = bin(mask).count("1")
        for j in range(k):
            if mask >> j & 1:
                continue
            phi[j] += fact[s] * fact[k - s - 1] / fact[k] * (r2[mask | (1 << j)] - r2[mask])
    return phi, r2[-1]


def derived_importance(data, outcome: str, items=None, method: str = "relative_weights", *,
                       nan_policy: str = "listwise") -> WeightsResult:
    """Importance of attributes derived from their relation with an overall-satisfaction item.

    Parameters
    ----------
    data : pandas.DataFrame
    outcome : str
        The overall-satisfaction (criterion) column.
    items : list of str, optional
        The attributes (default: every other column).
    method : {"relative_weights", "regression", "shapley"}
        ``relative_weights`` (default: Johnson 2000 -- decomposes R^2 into non-negative shares that
        stay meaningful when attributes are correlated, as satisfaction attributes are);
        ``regression``: standardised OLS coefficients (|beta| normalised; negative betas warn);
        ``shapley``: the Shapley value / dominance (LMG) decomposition of R^2 over all 2^k subsets.
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    WeightsResult
        ``weights`` (sum 1); ``table`` with ``beta``, ``raw_weight`` (the R^2 share for relative
        weights / Shapley; |beta| for regression), ``weight, rank``; ``details["r2"]``.

    Notes
    -----
    From the correlation matrix: ``beta = R_xx^-1 r_xy``, ``R^2 = r_xy' beta``. Relative weights:
    ``R_xx = Q diag(l) Q'``, ``Lambda = Q diag(sqrt l) Q'``, ``eps_j = sum_k Lambda_jk^2 (Lambda^-1 r_xy)_k^2``,
    ``sum eps = R^2``. Shapley: ``phi_j = sum_S |S|!(k-|S|-1)!/k! [R^2(S+j) - R^2(S)]`` (Lipovetsky &
    Conklin 2001; Budescu 1993's general dominance). Tested against statsmodels OLS on the data
    (betas, R^2 and every subset R^2).
    """
    cols, rxx, rxy, n = _derived_stats(data, outcome, items, nan_policy)
    beta = np.linalg.solve(rxx, rxy)
    r2 = float(rxy @ beta)
    meth = str(method).lower()
    if meth == "regression":
        raw = np.abs(beta)
        if (beta < 0).any():
            warnings.warn(f"negative standardised coefficient(s) for {', '.join(c for c, b in zip(cols, beta) if b < 0)} "
                          "(suppression or collinearity); their absolute values are used as importance", ServqualWarning, stacklevel=2)
    elif meth in ("relative_weights", "johnson"):
        raw = _rw(rxx, rxy)
    elif meth in ("shapley", "dominance", "lmg"):
        raw, _ = _shapley(rxx, rxy)
    else:
        raise AnalysisError(f"unknown method {method!r}; choose relative_weights, regression or shapley")
    if raw.sum() <= 0:
        raise AnalysisError("the attributes explain none of the outcome's variance (R^2 = 0)")
    return _finish(cols, raw, {"r": rxy, "beta": beta, "raw_weight": raw}, meth if meth != "johnson" else "relative_weights", n,
                   {"r2": r2, "outcome": outcome})


def regression_weights(data, outcome: str, items=None, *, nan_policy: str = "listwise") -> pd.Series:
    """Standardised regression coefficients as importance weights (|beta| / sum |beta|). See :func:`derived_importance`."""
    return derived_importance(data, outcome, items, "regression", nan_policy=nan_policy).weights


def relative_weights(data, outcome: str, items=None, *, nan_policy: str = "listwise") -> pd.Series:
    """Johnson's (2000) relative weights as shares of R^2 (sum 1). See :func:`derived_importance`."""
    return derived_importance(data, outcome, items, "relative_weights", nan_policy=nan_policy).weights


def shapley_weights(data, outcome: str, items=None, *, nan_policy: str = "listwise") -> pd.Series:
    """Shapley-value (dominance, LMG) decomposition of R^2 as shares (sum 1). See :func:`derived_importance`."""
    return derived_importance(data, outcome, items, "shapley", nan_policy=nan_policy).weights


# --------------------------------------------------------------------------------------------------
# Combined weights
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class CombinedWeightsResult(ResultMixin):
    """Result of :func:`combine_weights`.

    Attributes
    ----------
    weights : pandas.Series
        Combined weights (sum 1).
    coefficients : pandas.Series
        The combination coefficient of each weight vector (linear / game theory; NaN for multiplicative).
    table : pandas.DataFrame
        ``indicator``, one column per input weight vector, ``weight, rank``.
    method : str
    """

    weights: pd.Series
    coefficients: pd.Series
    table: pd.DataFrame
    method: str
    title: str = field(default="Combined weights")

    def tables(self) -> dict:
        return {"Combined weights": self.table,
                "Coefficients": pd.DataFrame({"source": self.coefficients.index, "coefficient": self.coefficients.to_numpy()})}

    def notes(self) -> list:
        f = {"multiplicative": "w_j = prod_k w_kj / sum_i prod_k w_ki",
             "linear": "w_j = sum_k alpha_k w_kj with sum alpha_k = 1",
             "game_theory": "alpha minimises || sum_k alpha_k w_k - w_l || for every l (game-theory combination, 博弈论组合赋权); "
                            "alpha normalised to sum 1"}[self.method]
        return [f"{self.method}: {f}."]


def _weight_inputs(weights) -> tuple[list[str], list[pd.Series]]:
    if isinstance(weights, Mapping):
        names, vecs = [str(k) for k in weights], list(weights.values())
    else:
        vecs = list(weights)
        names = [getattr(v, "name", None) or f"w{i + 1}" for i, v in enumerate(vecs)]
        if len(set(names)) != len(names):
            names = [f"w{i + 1}" for i in range(len(vecs))]
    out = []
    for nm, v in zip(names, vecs):
        v = getattr(v, "weights", v)
        if not isinstance(v, pd.Series):
            raise AnalysisError(f"weights {nm!r} must be a pandas Series indexed by indicator (or a result with .weights)")
        out.append(v.astype(float))
    idx = list(out[0].index)
    for nm, v in zip(names, out):
        if sorted(map(str, v.index)) != sorted(map(str, idx)):
            raise AnalysisError(f"weights {nm!r} cover {', '.join(map(str, v.index))}; expected {', '.join(map(str, idx))}")
        if (v < 0).any() or not np.isfinite(v).all():
            raise AnalysisError(f"weights {nm!r} must be finite and non-negative")
    out = [v.loc[idx] / v.sum() for v in out]
    return names, out


def combine_weights(weights, method: str = "game_theory", alpha=None) -> CombinedWeightsResult:
    """Combine subjective and objective weights (e.g. AHP and entropy).

    Parameters
    ----------
    weights : dict or list of Series
        ``{"ahp": w1, "entropy": w2}``: two or more weight vectors over the same indicators
        (results with a ``.weights`` attribute are accepted). Each is normalised to sum 1.
    method : {"game_theory", "linear", "multiplicative"}
        ``game_theory`` (default; 博弈论组合赋权, the combination closest to every input in the least
        squares sense, so no coefficient has to be chosen by hand), ``linear`` (``alpha`` given:
        one coefficient per input, or a single number for the first of two inputs) or
        ``multiplicative`` (normalised product).
    alpha : float or sequence, optional
        Coefficients of the linear combination (default equal).

    Returns
    -------
    CombinedWeightsResult
        ``weights``, ``coefficients`` (reported for every method), ``table``.

    Notes
    -----
    Game theory: solve ``sum_k alpha_k (w_l . w_k) = w_l . w_l`` for l = 1..L, then ``alpha* = |alpha| /
    sum |alpha|`` and ``w = sum_k alpha*_k w_k``. Two identical inputs give alpha = (0.5, 0.5).

    Example
    -------
    >>> combine_weights({"ahp": ahp_res.weights, "entropy": entropy_weights(df)}).coefficients  # doctest: +SKIP
    """
    names, vecs = _weight_inputs(weights)
    if len(vecs) < 2:
        raise AnalysisError("combine_weights needs at least two weight vectors")
    w = np.column_stack([v.to_numpy() for v in vecs])  # indicators x L
    idx = list(vecs[0].index)
    meth = str(method).lower()
    if meth == "multiplicative":
        prod = w.prod(axis=1)
        if prod.sum() <= 0:
            raise AnalysisError("the product of the weights is zero for every indicator")
        comb, coef = prod / prod.sum(), np.full(len(vecs), np.nan)
    elif meth == "linear":
        if alpha is None:
            coef = np.full(len(vecs), 1 / len(vecs))
        elif np.ndim(alpha) == 0:
            if len(vecs) != 2:
                raise AnalysisError("a single alpha applies to two weight vectors; pass one coefficient per vector")
            coef = np.array([float(alpha), 1 - float(alpha)])
        else:
            coef = np.asarray(alpha, dtype=float)
            if coef.shape != (len(vecs),):
                raise AnalysisError(f"{len(coef)} coefficients for {len(vecs)} weight vectors")
        if (coef < 0).any() or abs(coef.sum() - 1) > 1e-9:
            raise AnalysisError("linear coefficients must be non-negative and sum to 1")
        comb = w @ coef
    elif meth in ("game_theory", "game"):
        g = w.T @ w
        a = np.linalg.lstsq(g, np.diag(g), rcond=None)[0]  # minimum-norm solution if inputs are linearly dependent
        coef = np.abs(a) / np.abs(a).sum()
        comb = w @ coef
        meth = "game_theory"
    else:
        raise AnalysisError(f"unknown method {method!r}; choose game_theory, linear or multiplicative")
    s = pd.Series(comb / comb.sum(), index=idx, name="weight")
    t = pd.DataFrame({"indicator": idx, **{nm: v.to_numpy() for nm, v in zip(names, vecs)}})
    t["weight"] = s.to_numpy()
    t["rank"] = s.rank(ascending=False, method="min").astype(int).to_numpy()
    return CombinedWeightsResult(weights=s, coefficients=pd.Series(coef, index=names, name="coefficient"), table=t, method=meth)
