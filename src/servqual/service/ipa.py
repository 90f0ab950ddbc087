"""Importance-performance analysis (IPA): stated or derived importance, quadrants and improvement priorities.

Martilla & James (1977) plot each service attribute by its importance and its performance; the
crosshair splits the plot into four quadrants that say where to act. :func:`ipa` takes importance
from the questionnaire's importance block (stated) or derives it from how strongly each attribute's
performance goes with overall satisfaction (correlation, standardised regression, Johnson's relative
weights), adds the diagonal iso-priority line and returns a ranked list of attributes to improve.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._text import T, check_lang, join_names
from servqual._validation import as_frame, check_nan_policy
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.labels import IPA_QUADRANTS, label
from servqual.psychometrics.regression import SINGULAR_TOL, relative_weights
from servqual.service.inference import block_columns
from servqual.survey.instrument import Instrument, as_instrument

__all__ = ["IPAResult", "ipa", "OverallDriversResult", "overall_drivers", "OutcomeDriversResult", "outcome_drivers", "QUADRANTS", "IMPORTANCE_METHODS"]

#: quadrant code -> (Chinese label, English label), Martilla & James (1977); from :data:`servqual.labels.IPA_QUADRANTS`
QUADRANTS = {code: (t.zh, t.en) for code, t in IPA_QUADRANTS.items()}
#: The sources of importance :func:`ipa` knows.
IMPORTANCE_METHODS = ("stated", "correlation", "regression", "relative_weights")

_MEAN_RULE = "means across attributes"
_MIDPOINT_RULE = "scale midpoints"
_DERIVED_MIDPOINT_RULE = "performance scale midpoint; mean derived importance (derived importance has no scale)"
#: the crosshair rules in Chinese, for the notes
_RULES_ZH = {_MEAN_RULE: "各属性均值", _MIDPOINT_RULE: "量表中点",
             _DERIVED_MIDPOINT_RULE: "表现取量表中点；推导重要性没有量表，取其均值"}


@dataclass(frozen=True, repr=False, eq=False)
class IPAResult(ResultMixin):
    """Result of :func:`ipa`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per attribute (see :func:`ipa`).
    priorities : pandas.DataFrame
        The attributes to improve, most urgent first.
    crosshair : dict
        ``{"importance": x, "performance": y, "rule": ...}``.
    importance_method : str
    outcome : str
        The criterion of derived importance (empty for stated importance).
    performance_source : str
        The block the performance scores come from.
    r2 : float
        R^2 of the outcome on the attributes (regression / relative weights), else NaN.
    n : int
        Respondents complete on every column used.
    """

    table: pd.DataFrame
    priorities: pd.DataFrame
    crosshair: dict
    importance_method: str
    performance_source: str
    outcome: str
    r2: float
    n: int
    title: str = field(default="Importance-performance analysis")

    def tables(self) -> dict:
        return {"Importance-performance grid": self.table, "Improvement priorities": self.priorities,
                "Crosshair": pd.DataFrame([self.crosshair])}

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        check_lang(lang)
        c = self.crosshair
        fit = np.isfinite(self.r2)
        lines = [
            T(f"重要性：{label('method', self.importance_method, 'zh')}" + (f"，以 {self.outcome} 为准则" if self.outcome else "")
              + (f"（R^2 = {self.r2:.3f}）" if fit else "") + f"；表现：{self.performance_source}；{self.n} 位受访者。",
              f"Importance: {self.importance_method}" + (f" against {self.outcome}" if self.outcome else "")
              + (f" (R^2 = {self.r2:.3f})" if fit else "") + f"; performance: {self.performance_source}; {self.n} respondents."),
            T(f"十字线（{_RULES_ZH.get(c['rule'], c['rule'])}）：重要性 {c['importance']:.3f}，表现 {c['performance']:.3f}。",
              f"Crosshair ({c['rule']}): importance {c['importance']:.3f}, performance {c['performance']:.3f}."),
        ]
        for code, name in IPA_QUADRANTS.items():
            its = self.table.loc[self.table["quadrant"] == code, "item"].tolist()
            if its:
                lines.append(T(f"{name.zh}：{join_names(its, 'zh', len(its))}。", f"{name.en} / {name.zh}: {', '.join(its)}."))
        if len(self.priorities):
            top = self.priorities["item"].head(5).tolist()
            lines.append(T(f"优先改进：{join_names(top, 'zh', len(top))}（Martilla & James 1977；等优先对角线参照 Slack 1994 / "
                           "Abalo et al. 2007）。",
                           "Improve first: " + ", ".join(top) + " (Martilla & James 1977; "
                           "iso-priority diagonal after Slack 1994 / Abalo et al. 2007)."))
        return [x.get(lang) for x in lines]


def ipa(data, instrument: Instrument, importance: str = "stated", crosshair: str = "mean", outcome=None, *,
        level: str = "item", nan_policy: str = "listwise") -> IPAResult:
    """Importance-performance analysis of the questionnaire's attributes.

    Parameters
    ----------
    data : pandas.DataFrame or Responses
        Scored answers.
    instrument : Instrument
    importance : {"stated", "correlation", "regression", "relative_weights"}
        ``stated``: mean of the importance block. Derived importance of each attribute's performance
        for the outcome: ``correlation`` (Pearson r), ``regression`` (standardised OLS coefficients of
        the outcome on all attributes), ``relative_weights`` (Johnson 2000 raw relative weights; they
        add up to R^2).
    crosshair : {"mean", "midpoint"}
        Where the axes cross: the mean importance and mean performance across the attributes
        (data-centred, Martilla & James 1977), or the midpoints of the response scales. Derived
        importance has no scale midpoint; its axis then crosses at the mean (said in ``crosshair['rule']``).
    outcome : str or list of str, optional
        Criterion of derived importance: an outcome id or data column, or several (their row mean).
        Default: the mean of the questionnaire's ``satisfaction`` outcome items.
    level : {"item", "dimension"}
        Attributes are the items (default) or the dimension scores (item means).
    nan_policy : {"listwise", "available"}
        ``listwise`` (default): the rows complete on every column used. ``available`` (stated importance
        only): each attribute on the respondents who answered both its importance and its performance
        (the table's ``n`` per attribute; a dimension averages its attributes' means), as IPA tables are
        usually computed when answers are missing or do not apply.

    Returns
    -------
    IPAResult
        ``result.table``: ``item`` (the dimension id when ``level="dimension"``), ``dimension``, ``n``,
        ``importance``, ``performance``, ``quadrant`` (``concentrate_here``, ``keep_up``,
        ``low_priority``, ``possible_overkill``), ``quadrant_zh``, ``quadrant_en``,
        ``priority_index`` (signed distance across the iso-priority diagonal; > 0 = improvement
        priority), ``diagonal`` (``above`` / ``below``), ``importance_rank``, ``performance_rank``.
        ``result.priorities``: ``rank, item, dimension, quadrant, quadrant_zh, quadrant_en, importance,
        performance, priority_index`` of the attributes in *concentrate here* (first) or above the
        diagonal, most urgent first.

    Notes
    -----
    Performance is the mean of the performance block if the questionnaire has one, else of the
    perception block. Quadrants: importance >= crosshair and performance < crosshair -> concentrate
    here; both >= -> keep up the good work; both < -> low priority; importance < and performance >=
    -> possible overkill (values on the crosshair count as high).

    Iso-priority diagonal (Slack 1994; Abalo, Varela & Manzano 2007): the 45-degree line through the
    crosshair. ``priority_index = (I - I_c) - (P - P_c)`` for stated importance (same units; with the
    midpoint crosshair this is ``I - P``, the line I = P); for derived importance both axes are first
    divided by their standard deviation across the attributes, since importance and performance are
    then in different units.

    Regression importance warns when a coefficient is negative (suppression / collinearity), the usual
    sign that relative weights are the better choice (Johnson 2000). Checked against numpy/scipy
    least squares and a direct computation of Johnson's weights in the tests.

    Examples
    --------
    >>> import servqual as sq
    >>> res = ipa(sq.read_dataset("kiosk").data, sq.load_instrument("kiosk"), importance="stated", crosshair="mean")
    >>> res.n, round(res.crosshair["importance"], 3), round(res.crosshair["performance"], 3)
    (207, 5.853, 4.904)
    >>> res.priorities[["rank", "item", "quadrant", "quadrant_en"]].head(3)
       rank item          quadrant       quadrant_en
    0     1  q16  concentrate_here  Concentrate here
    1     2  q07  concentrate_here  Concentrate here
    2     3  q23  concentrate_here  Concentrate here

    Derived importance: Johnson's relative weights of the attributes for overall satisfaction (they
    add up to R^2, ``relaimpo::calc.relimp(type = "lmg")`` ranks the attributes alike):

    >>> rw = ipa(sq.read_dataset("kiosk").data, sq.load_instrument("kiosk"), importance="relative_weights")
    >>> bool(abs(rw.table["importance"].sum() - rw.r2) < 1e-12)
    True
    """
    df = as_frame(data)
    inst = as_instrument(instrument)
    if importance not in IMPORTANCE_METHODS:
        raise ValueError(f"importance must be one of {', '.join(IMPORTANCE_METHODS)}, got {importance!r}")
    if crosshair not in ("mean", "midpoint"):
        raise ValueError(f"crosshair must be 'mean' or 'midpoint', got {crosshair!r}")
    if level not in ("item", "dimension"):
        raise ValueError(f"level must be 'item' or 'dimension', got {level!r}")
    check_nan_policy(nan_policy, ("listwise", "available"), "importance-performance analysis")
    if nan_policy == "available" and importance != "stated":
        raise AnalysisError("nan_policy='available' applies to stated importance; derived importance needs the rows "
                            "complete on every attribute and the outcome (nan_policy='listwise')")

    prole = "performance" if inst.block("performance") is not None else "perception"
    pcols = block_columns(df, inst, prole, "importance-performance analysis")
    pblock = inst.block(prole)
    items = inst.item_ids
    used = [pcols[i] for i in items]
    icols = None
    y_cols: list = []
    out_label = ""
    if importance == "stated":
        if inst.block("importance") is None:
            raise AnalysisError(
                f"importance='stated' needs an importance block, but questionnaire {inst.id!r} has none; "
                "use importance='correlation', 'regression' or 'relative_weights' (derived from an overall-satisfaction item)."
            )
        icols = block_columns(df, inst, "importance", "stated importance")
        used += [icols[i] for i in items]
    else:
        y_cols, out_label = _outcome_columns(df, inst, outcome)
        used += y_cols
    x = df[used].astype(float)
    n_each = None
    if nan_policy == "available":
        pm = x[[pcols[i] for i in items]].to_numpy()
        im = x[[icols[i] for i in items]].to_numpy()
        both = ~(np.isnan(pm) | np.isnan(im))
        n_each = both.sum(axis=0)
        short = [i for i, m in zip(items, n_each) if m < 3]
        if short:
            raise AnalysisError(f"attributes {', '.join(short[:10])} have fewer than 3 respondents who answered both "
                                "importance and performance; at least 3 are needed")
        item_imp = np.array([im[both[:, j], j].mean() for j in range(len(items))])
        item_perf = np.array([pm[both[:, j], j].mean() for j in range(len(items))])
        n = int(both.any(axis=1).sum())
    else:
        x = x[x.notna().all(axis=1)]
        n = len(x)
    k = len(items) if level == "item" else len(inst.dimensions)
    if n < 3:
        raise AnalysisError(f"only {n} rows are complete on the IPA columns; at least 3 are needed")

    def scores(cols_map):
        m = x[[cols_map[i] for i in items]].to_numpy()
        if level == "item":
            return m, items, [inst.item(i).dimension for i in items]
        ids = inst.dimension_ids
        out = np.column_stack([m[:, [items.index(it.id) for it in d.items]].mean(axis=1) for d in inst.dimensions])
        return out, ids, ids

    r2 = np.nan
    if n_each is not None:  # available cases: per attribute, then averaged within each dimension
        if level == "item":
            labels, dims, pmean, imp, n_tab = items, [inst.item(i).dimension for i in items], item_perf, item_imp, n_each
        else:
            labels = dims = inst.dimension_ids
            idx = [[items.index(it.id) for it in d.items] for d in inst.dimensions]
            pmean = np.array([item_perf[j].mean() for j in idx])
            imp = np.array([item_imp[j].mean() for j in idx])
            n_tab = np.array([n_each[j].min() for j in idx])
    else:
        perf, labels, dims = scores(pcols)
        pmean = perf.mean(axis=0)
        n_tab = n
    if n_each is not None:
        pass  # importance and performance are the attributes' available-case means (above)
    elif importance == "stated":
        imp_m, _, _ = scores(icols)
        imp = imp_m.mean(axis=0)
    else:
        y = x[y_cols].to_numpy().mean(axis=1)
        if np.std(y) == 0:
            raise AnalysisError(f"the outcome {out_label} is the same for every respondent; derived importance is undefined")
        sd = perf.std(axis=0, ddof=1)
        const = [labels[j] for j in np.flatnonzero(sd == 0)]
        if const:
            raise AnalysisError(f"attributes {', '.join(const)} have the same performance for every respondent; "
                                "their derived importance is undefined. Leave them out or use stated importance.")
        z = np.column_stack([perf, y])
        r = np.corrcoef(z, rowvar=False)
        r_xx, r_xy = r[:k, :k], r[:k, k]
        if importance == "correlation":
            imp = r_xy
        else:
            evals = np.linalg.eigvalsh(r_xx)
            if evals.min() <= SINGULAR_TOL * max(evals.max(), 1.0):
                raise AnalysisError("the attributes are perfectly collinear (singular correlation matrix); "
                                    f"{importance} importance needs linearly independent attributes. Use importance='correlation'.")
            if n <= k + 1:
                raise AnalysisError(f"{n} respondents for {k} attributes: {importance} importance needs more respondents than attributes + 1")
            beta = np.linalg.solve(r_xx, r_xy)
            r2 = float(beta @ r_xy)
            if importance == "regression":
                imp = beta
                neg = [labels[j] for j in np.flatnonzero(beta < 0)]
                if neg:
                    warnings.warn(
                        f"negative standardised regression coefficients for {', '.join(neg)}: with correlated attributes "
                        "regression importance is unstable (suppression / collinearity); consider importance='relative_weights'.",
                        ServqualWarning, stacklevel=2)
            else:
                imp = relative_weights(r_xx, r_xy)

    # crosshair
    if crosshair == "mean":
        ic, pc, rule = float(imp.mean()), float(pmean.mean()), _MEAN_RULE
    else:
        psc = pblock.scale or inst.scale
        pc = float(psc.midpoint)
        if importance == "stated":
            isc = inst.block("importance").scale or inst.scale
            ic, rule = float(isc.midpoint), _MIDPOINT_RULE
        else:
            ic, rule = float(imp.mean()), _DERIVED_MIDPOINT_RULE
    hi_i = imp >= ic
    hi_p = pmean >= pc
    quad = np.where(hi_i & ~hi_p, "concentrate_here",
                    np.where(hi_i & hi_p, "keep_up", np.where(~hi_i & ~hi_p, "low_priority", "possible_overkill")))
    if importance == "stated":
        pidx = (imp - ic) - (pmean - pc)
    else:
        si, sp = imp.std(ddof=1), pmean.std(ddof=1)
        pidx = (imp - ic) / (si if si > 0 else 1.0) - (pmean - pc) / (sp if sp > 0 else 1.0)
    table = pd.DataFrame({
        "item": labels, "dimension": dims, "n": n_tab, "importance": imp, "performance": pmean, "quadrant": quad,
        "quadrant_zh": [IPA_QUADRANTS[q].zh for q in quad], "quadrant_en": [IPA_QUADRANTS[q].en for q in quad],
        "priority_index": pidx, "diagonal": np.where(pidx > 0, "above", "below"),
    })
    table["importance_rank"] = table["importance"].rank(ascending=False, method="min").astype(int)
    table["performance_rank"] = table["performance"].rank(ascending=False, method="min").astype(int)
    pr = table[(table["quadrant"] == "concentrate_here") | (table["priority_index"] > 0)].copy()
    pr["_first"] = (pr["quadrant"] != "concentrate_here").astype(int)
    pr = pr.sort_values(["_first", "priority_index"], ascending=[True, False]).drop(columns="_first")
    pr.insert(0, "rank", np.arange(1, len(pr) + 1))
    pr = pr[["rank", "item", "dimension", "quadrant", "quadrant_zh", "quadrant_en", "importance", "performance",
             "priority_index"]].reset_index(drop=True)
    src = f"{prole} block {pblock.id!r}" if pblock is not None else "the items (asked once)"
    return IPAResult(table=table, priorities=pr, crosshair={"importance": ic, "performance": pc, "rule": rule},
                     importance_method=importance, performance_source=src, outcome=out_label, r2=r2, n=n)


def _outcome_columns(df: pd.DataFrame, inst: Instrument, outcome) -> tuple[list, str]:
    if outcome is None:
        outs = [o for o in inst.outcomes if o.kind == "satisfaction"]
        if not outs:
            raise AnalysisError(
                f"derived importance needs an overall-satisfaction item, but questionnaire {inst.id!r} has no outcome of "
                "kind 'satisfaction'; pass outcome='column' or use importance='stated'."
            )
        cols = [o.column() for o in outs]
    else:
        names = [outcome] if isinstance(outcome, str) else list(outcome)
        cols = []
        for nm in names:
            o = next((o for o in inst.outcomes if o.id == nm), None)
            cols.append(o.column() if o is not None else nm)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"outcome column(s) {', '.join(missing)} not in the data")
    bad = [c for c in cols if not pd.api.types.is_numeric_dtype(df[c])]
    if bad:
        raise AnalysisError(f"outcome column(s) {', '.join(bad)} are not numeric")
    label = cols[0] if len(cols) == 1 else "mean of " + ", ".join(cols)
    return cols, label


@dataclass(frozen=True, repr=False, eq=False)
class OverallDriversResult(ResultMixin):
    """What :func:`overall_drivers` returns: ``table`` with one row per item of every dimension that has a
    topic-overall item: ``dimension, overall, item, importance, share, r2, n``."""

    table: pd.DataFrame
    title = "Derived importance within dimensions (on each dimension's overall item)"

    def tables(self) -> dict:
        return {"drivers": self.table}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        out = []
        for d, g in self.table.groupby("dimension", sort=False):
            top = g.sort_values("importance", ascending=False).iloc[0]
            out.append(T(f"{d}：对总体题 {top['overall']} 影响最大的是 {top['item']}（相对权重 {top['importance']:.3f}，"
                         f"R² = {top['r2']:.3f}，n = {int(top['n'])}）。",
                         f"{d}: {top['item']} weighs most on the overall item {top['overall']} (relative weight "
                         f"{top['importance']:.3f}, R² = {top['r2']:.3f}, n = {int(top['n'])}).").get(lang))
        return out


def overall_drivers(data, instrument: Instrument, block: str | None = None) -> OverallDriversResult:
    """Derived importance of each item within its dimension: Johnson's relative weights of the dimension's
    items for its topic-overall item (``overall:`` in the questionnaire).

    Parameters
    ----------
    data : Responses or pandas.DataFrame
        Scored answers.
    instrument : Instrument or str
    block : str, optional
        The block whose item columns are the predictors (default: the analysis block).

    Returns
    -------
    OverallDriversResult
        One row per item: ``importance`` (the raw relative weight; the weights of a dimension add up to
        its R²), ``share`` (importance / R²), ``r2`` and ``n`` (the rows that answered every item of the
        dimension and its overall item).

    Notes
    -----
    With :math:`R_{xx} = Q \\Lambda Q^\\top`, :math:`\\Lambda_{xx}^{1/2} = Q \\Lambda^{1/2} Q^\\top` and
    :math:`\\beta^* = \\Lambda_{xx}^{-1/2} r_{xy}`, the relative weight of item :math:`j` is
    :math:`\\varepsilon_j = \\sum_k (\\Lambda_{xx}^{1/2})_{jk}^2 \\beta^{*2}_k` (Johnson 2000,
    *Multivariate Behavioral Research* 35); :math:`\\sum_j \\varepsilon_j = R^2`.

    Examples
    --------
    >>> import servqual as sq
    >>> res = overall_drivers(sq.read_dataset("sfo"), "sfo")
    >>> res.table["overall"].unique().tolist(), int(res.table["n"].iloc[0])
    (['Q9ALL'], 1016)
    >>> bool(abs(res.table["importance"].sum() - res.table["r2"].iloc[0]) < 1e-12)
    True
    """
    df = as_frame(data)
    inst = as_instrument(instrument)
    bid = inst.block_id(block)
    rows = []
    for d in inst.dimensions:
        if d.overall is None:
            continue
        cols = [it.column(bid) for it in d.items]
        y_col = d.overall.column()
        absent = [c for c in cols + [y_col] if c not in df.columns]
        if absent:
            raise AnalysisError(f"dimension {d.id!r}: column(s) {', '.join(absent)} not in the data")
        x = df[cols + [y_col]].apply(pd.to_numeric, errors="coerce").dropna()
        n = len(x)
        if n <= len(cols) + 1:
            raise AnalysisError(f"dimension {d.id!r}: {n} respondents answered all its items and its overall item "
                                f"{d.overall.id}; relative weights need more than {len(cols) + 1}")
        r = np.corrcoef(x.to_numpy(dtype=float), rowvar=False)
        r_xx, r_xy = r[:-1, :-1], r[:-1, -1]
        eps = relative_weights(r_xx, r_xy)
        r2 = float(eps.sum())
        for it, e in zip(d.items, eps):
            rows.append({"dimension": d.id, "overall": d.overall.id, "item": it.id, "importance": float(e),
                         "share": float(e) / r2 if r2 > 0 else np.nan, "r2": r2, "n": n})
    if not rows:
        raise AnalysisError(f"questionnaire {inst.id!r} names no topic-overall item (overall: on a dimension)")
    return OverallDriversResult(pd.DataFrame(rows))


@dataclass(frozen=True, repr=False, eq=False)
class OutcomeDriversResult(ResultMixin):
    """What :func:`outcome_drivers` returns: ``table`` with one row per dimension and outcome:
    ``outcome, kind, dimension, importance, share, beta, r2, n``."""

    table: pd.DataFrame
    title = "Drivers of the outcomes (relative weights of the dimensions)"

    def tables(self) -> dict:
        return {"drivers": self.table}

    def notes(self, lang: str = "en") -> list:
        check_lang(lang)
        out = []
        for o, g in self.table.groupby("outcome", sort=False):
            top = g.sort_values("importance", ascending=False).iloc[0]
            out.append(T(f"{o}：驱动作用最大的维度是 {top['dimension']}（相对权重 {top['importance']:.3f}，R² = {top['r2']:.3f}，n = {int(top['n'])}）。",
                         f"{o}: {top['dimension']} drives it most (relative weight {top['importance']:.3f}, R² = "
                         f"{top['r2']:.3f}, n = {int(top['n'])}).").get(lang))
        return out


def outcome_drivers(data, instrument: Instrument, block: str | None = None) -> OutcomeDriversResult:
    """Derived importance of the service dimensions for every outcome: Johnson's relative weights of the
    dimension scores (item means) for each outcome construct's score and each single outcome question.

    Parameters
    ----------
    data : Responses or pandas.DataFrame
        Scored answers.
    instrument : Instrument or str
    block : str, optional
        The block whose dimension scores are the predictors (default: the analysis block).

    Returns
    -------
    OutcomeDriversResult
        One row per outcome and dimension: ``importance`` (the raw relative weight; they add up to the
        outcome's R²), ``share`` (of R²), ``beta`` (the standardised regression coefficient), ``r2`` and ``n``
        (the respondents with every dimension score and the outcome). Outcomes are criteria here, never
        levers: they get no weight and no priority.

    Notes
    -----
    Relative weights (Johnson 2000) split :math:`R^2` among correlated predictors; they rank the drivers
    as dominance analysis (Budescu 1993) does, which ``relaimpo`` computes as ``lmg``.

    Examples
    --------
    >>> import servqual as sq
    >>> res = outcome_drivers(sq.read_dataset("mobi"), "mobi")
    >>> sorted(res.table["outcome"].unique())
    ['CUSCO', 'Loyalty', 'Satisfaction']
    >>> bool(abs(res.table.groupby("outcome")["importance"].sum() - res.table.groupby("outcome")["r2"].first()).max() < 1e-12)
    True
    """
    from servqual.service.compare import dimension_scores

    df = as_frame(data)
    inst = as_instrument(instrument)
    dims = inst.dimension_ids
    if len(dims) < 1:
        raise AnalysisError(f"questionnaire {inst.id!r} has no service dimension to drive its outcomes")
    sc = dimension_scores(df, inst, block)[dims]
    outcomes = []
    for c in inst.outcome_constructs:
        cols = [it.column() for it in c.items if it.column() in df.columns]
        if cols:
            outcomes.append((c.id, c.kind, df[cols].apply(pd.to_numeric, errors="coerce").mean(axis=1, skipna=False)))
    for it in inst.outcomes:
        if it.dimension is None and it.column() in df.columns:
            outcomes.append((it.id, it.kind, pd.to_numeric(df[it.column()], errors="coerce")))
    if not outcomes:
        raise AnalysisError(f"questionnaire {inst.id!r} declares no outcome (outcomes:) for the dimensions to drive")
    rows = []
    for name, kind, y in outcomes:
        x = pd.concat([sc, y.rename("__y")], axis=1).dropna()
        n = len(x)
        if n <= len(dims) + 1 or x["__y"].std() == 0:
            continue
        r = np.corrcoef(x.to_numpy(dtype=float), rowvar=False)
        r_xx, r_xy = r[:-1, :-1], r[:-1, -1]
        eps = relative_weights(r_xx, r_xy)
        beta = np.linalg.solve(r_xx, r_xy)
        r2 = float(eps.sum())
        for d, e, b in zip(dims, eps, beta):
            rows.append({"outcome": name, "kind": kind, "dimension": d, "importance": float(e),
                         "share": float(e) / r2 if r2 > 0 else np.nan, "beta": float(b), "r2": r2, "n": n})
    if not rows:
        raise AnalysisError("no outcome has enough respondents with every dimension score for its drivers")
    return OutcomeDriversResult(pd.DataFrame(rows))
