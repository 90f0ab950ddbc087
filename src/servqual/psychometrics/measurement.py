"""One call for everything a committee, reviewer or client asks to trust a questionnaire.

:func:`measurement_report` runs, on the instrument's dimensions (after reverse-coding and listwise
deletion, as R psych/lavaan do): reliability per dimension and for the whole instrument (alpha with
Feldt CI, omega), item analysis, KMO/Bartlett, parallel analysis, EFA, CFA with fit indices, construct
validity (CR/AVE, Fornell-Larcker, HTMT) and Harman's single-factor test; each part with the thresholds
it is judged by.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin, jsonable, records
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.survey.instrument import Instrument, load_instrument
from servqual._text import T, check_lang, p_sentence
from servqual._validation import DEFAULT_SEED, as_frame, check_nan_policy
from servqual.psychometrics.cutoffs import dot, author_year
from servqual.psychometrics.reliability import negative_alpha_note
from servqual.thresholds import BANDS, HU_BENTLER, THRESHOLDS

__all__ = ["measurement_report", "MeasurementReport", "RESULTS_KEYS", "RANGES", "check_ranges"]

#: Keys of ``results.json`` (``servqual analyze``) and the columns each table is guaranteed to have.
RESULTS_KEYS = {
    "reliability": ["scale", "n_items", "alpha", "alpha_std", "alpha_ci_low", "alpha_ci_high", "omega_total"],
    "item_analysis": ["scale", "item", "mean", "sd", "r_drop", "alpha_if_deleted"],
    "kmo": ["item", "msa"],
    "bartlett": ["chi2", "df", "pval"],
    "parallel_analysis": ["n_factors", "n_components"],
    "cfa_fit": ["estimator", "chi2", "df", "pval", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr", "gfi",
                "agfi", "aic", "bic"],
    "cfa_loadings": ["dimension", "item", "std_loading"],
    "construct_validity": ["dimension", "cr", "ave", "sqrt_ave"],
    "htmt": ["dimension_a", "dimension_b", "htmt"],
}


_INF = float("inf")
#: The range of each statistic of the report that has one, ``{table: {column: (low, high)}}``; the
#: key ``"*dimensions*"`` stands for the latent-correlation columns of the Fornell-Larcker table.
RANGES = {
    "reliability": {"alpha": (-_INF, 1.0), "alpha_std": (-_INF, 1.0), "alpha_ci_low": (-_INF, 1.0),
                    "alpha_ci_high": (-_INF, 1.0), "average_r": (-1.0, 1.0), "omega_total": (0.0, 1.0)},
    "item_analysis": {"r_drop": (-1.0, 1.0), "alpha_if_deleted": (-_INF, 1.0), "cr_pval": (0.0, 1.0)},
    "kmo": {"msa": (0.0, 1.0)},
    "bartlett": {"chi2": (0.0, _INF), "pval": (0.0, 1.0)},
    "cfa_fit": {"chi2": (0.0, _INF), "pval": (0.0, 1.0), "cfi": (0.0, 1.0), "rmsea": (0.0, _INF),
                "rmsea_ci_low": (0.0, _INF), "rmsea_ci_high": (0.0, _INF), "srmr": (0.0, _INF), "gfi": (-_INF, 1.0),
                "agfi": (-_INF, 1.0)},
    "construct_validity": {"cr": (0.0, 1.0), "ave": (0.0, 1.0), "sqrt_ave": (0.0, 1.0)},
    "fornell_larcker": {"*dimensions*": (-1.0, 1.0), "sqrt_ave": (0.0, 1.0), "max_abs_r": (0.0, 1.0)},
    "htmt": {"htmt": (0.0, _INF)},
    "harman": {"proportion_var": (0.0, 1.0)},
}
_RANGE_TOL = 1e-9  # rounding beyond a bound (a correlation of 1 + 2e-16) is not a violation


def _row_label(df: pd.DataFrame, i: int) -> str:
    row = df.iloc[i]
    for key in ("scale", "item", "dimension", "method", "estimator"):
        if key in df.columns:
            lab = f"{key} {row[key]}"
            if key == "scale" and "item" in df.columns:
                lab = f"item {row['item']} of scale {row['scale']}"
            return lab
    name = df.index[i]
    return f"row {name}" if not isinstance(df.index, pd.RangeIndex) else f"row {i + 1}"


def check_ranges(tables: dict, model: dict | None = None) -> tuple:
    """Set every statistic outside its range (:data:`RANGES`), or infinite, to NaN, and say why.

    An impossible value (an alpha above 1, an AVE of 1.3, a KMO of -0.2) comes from a degenerate
    computation (items that cancel out, a Heywood case, a singular matrix); it is left out of the
    tables (``null`` in ``results.json``) with one message per value.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The tables by their ``results.json`` key.
    model : dict, optional
        Dimension -> items (the columns of the Fornell-Larcker table named by dimensions).

    Returns
    -------
    (dict, list of str)
        The tables (a copy where a value was set to NaN) and the messages.

    Examples
    --------
    >>> rel = pd.DataFrame({"scale": ["A"], "alpha": [0.8], "omega_total": [1.3]})
    >>> tabs, why = check_ranges({"reliability": rel})
    >>> float(tabs["reliability"]["omega_total"].iloc[0]), why
    (nan, ['reliability: omega_total = 1.3 for scale A is outside its range [0, 1]; left out (null). The computation behind it is degenerate (items that cancel out or duplicate each other, a Heywood case): check the items of that part.'])
    """
    out, msgs = {}, []
    for key, df in tables.items():
        spec = RANGES.get(key)
        if df is None or not len(df) or not spec:
            out[key] = df
            continue
        cols = {}
        for col, bounds in spec.items():
            names = [d for d in (model or {}) if d in df.columns] if col == "*dimensions*" else [col]
            for c in names:
                if c in df.columns and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
                    cols[c] = bounds
        bad_cells = []
        for c, (lo, hi) in cols.items():
            v = df[c].to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                bad = np.isinf(v) | (v < lo - _RANGE_TOL) | (v > hi + _RANGE_TOL)
            for i in np.flatnonzero(bad):
                what = "is infinite" if np.isinf(v[i]) else f"is outside its range [{lo:g}, {hi:g}]"
                msgs.append(f"{key}: {c} = {v[i]:.4g} for {_row_label(df, i)} {what}; left out (null). The computation "
                            "behind it is degenerate (items that cancel out or duplicate each other, a Heywood case): "
                            "check the items of that part.")
                bad_cells.append((i, c))
        if bad_cells:
            df = df.copy()
            for i, c in bad_cells:
                df.iloc[i, df.columns.get_loc(c)] = np.nan
        out[key] = df
    return out, msgs


@dataclass(frozen=True, repr=False, eq=False)
class MeasurementReport(ResultMixin):
    """Reliability and validity of an instrument on one data set.

    Attributes
    ----------
    n_rows, n_used : int
        Rows in the data and rows complete on every item.
    missing_policy : str
        ``listwise`` (every part on the complete rows), ``pairwise`` or ``auto`` (see
        :func:`measurement_report`); ``missing_policies`` names the policy of each part and
        ``table_info`` the ``n`` and ``missing_policy`` of every table.
    block : str or None
        The questionnaire block analysed.
    reliability, item_analysis, kmo, bartlett, parallel_analysis, efa_loadings, cfa_fit, cfa_loadings,
    construct_validity, fornell_larcker, htmt, harman : pandas.DataFrame
        The tables (empty when a part could not be computed; see ``skipped``).
    skipped : dict
        Part -> reason, for parts left out (e.g. CFA with one-item dimensions).
    warnings : list of str
        Warnings raised while computing (Heywood cases, non-convergence, ...).
    """

    n_rows: int
    n_used: int
    missing_policy: str
    block: str | None
    model: dict
    reliability: pd.DataFrame
    item_analysis: pd.DataFrame
    kmo: pd.DataFrame
    bartlett: pd.DataFrame
    parallel_analysis: pd.DataFrame
    efa_loadings: pd.DataFrame
    cfa_fit: pd.DataFrame
    cfa_loadings: pd.DataFrame
    construct_validity: pd.DataFrame
    fornell_larcker: pd.DataFrame
    htmt: pd.DataFrame
    harman: pd.DataFrame
    skipped: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    results: dict = field(default_factory=dict, repr=False)  # the underlying result objects
    table_info: dict = field(default_factory=dict)  # table -> {"n": rows used, "missing_policy": ...}
    policy_note: str | None = None  # how incomplete rows were used, when not listwise throughout
    missing_policies: dict = field(default_factory=dict)  # part -> policy (reliability, correlations, cfa)
    title = "Measurement report: reliability and validity"

    def tables(self) -> dict:
        out = {
            "Reliability": self.reliability,
            "Item analysis": self.item_analysis,
            "KMO": self.kmo,
            "Bartlett's test of sphericity": self.bartlett,
            "Parallel analysis": self.parallel_analysis,
            "EFA loadings": self.efa_loadings,
            "CFA fit": self.cfa_fit,
            "CFA standardized loadings": self.cfa_loadings,
            "Construct validity": self.construct_validity,
            "Fornell-Larcker": self.fornell_larcker,
            "HTMT": self.htmt,
            "Harman's single-factor test": self.harman,
        }
        return {k: v for k, v in out.items() if v is not None and len(v)}

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``); ``results.json`` holds the English ones."""
        return interpret(self, lang)

    def to_json_dict(self) -> dict:
        """The ``results.json`` content: stable keys (see :data:`RESULTS_KEYS`), each table a list of records."""
        d = {"n_rows": self.n_rows, "n_used": self.n_used, "missing_policy": self.missing_policy, "block": self.block,
             "model": self.model}
        for key in RESULTS_KEYS:
            df = getattr(self, key)
            d[key] = records(df.reset_index(drop=True)) if df is not None else []
        for key in ("efa_loadings", "fornell_larcker", "harman"):
            df = getattr(self, key)
            d[key] = records(df.reset_index() if key != "harman" else df) if df is not None and len(df) else []
        d["table_info"] = jsonable(self.table_info)
        d["missing_policies"] = dict(self.missing_policies)
        d["skipped"] = dict(self.skipped)
        d["warnings"] = list(self.warnings)
        d["interpretation"] = self.notes()
        return d


def _fmt(v, nd=3):
    return "NA" if v is None or not np.isfinite(v) else f"{v:.{nd}f}"


def _kmo_scale(lang: str) -> str:
    kb = BANDS["kmo"]
    if lang == "zh":
        return f"{kb.citation}：>= " + "，".join(f"{dot(g.lower)} {g.name.get('zh')}" for g in kb.grades)
    return f"{kb.citation}: >= " + ", ".join(f"{dot(g.lower)} {g.name.get('en')}" for g in kb.grades)


def interpret(rep: MeasurementReport, lang: str = "en") -> list:
    """Interpretation lines in ``lang`` with their cited thresholds (every decision from :mod:`servqual.thresholds`)."""
    lang = check_lang(lang)
    t = THRESHOLDS
    n_items = sum(len(v) for v in rep.model.values())
    pol = rep.missing_policies or {}
    if rep.policy_note is None:
        out = [T(f"{rep.n_rows} 行中有 {rep.n_used} 行在全部 {n_items} 个题项上完整（成列删除）。",
                 f"n = {rep.n_used} of {rep.n_rows} rows complete on all {n_items} items (listwise deletion).")]
    else:
        lost = 1 - rep.n_used / max(rep.n_rows, 1)
        lim = t["listwise_loss"]
        zh = (f"{rep.n_rows} 行中有 {rep.n_used} 行（{1 - lost:.1%}）在全部 {n_items} 个题项上完整：信度与题项分析按维度内成列删除"
              + (f"；相关、EFA 与 HTMT 用成对删除，CFA 用全信息最大似然（FIML），因为成列删除会损失 {lost:.1%} 的行"
                 f"（超过 {lim.value:.0%}，{lim.citation}）。" if pol.get("correlations") == "pairwise"
                 else "；相关与 CFA 用成列删除后的完整行。"))
        out = [T(zh, "n: " + rep.policy_note + ".")]
    rel = rep.reliability
    if len(rel):
        a = t["alpha"]
        low = rel.loc[(rel["scale"] != "all") & (rel["alpha"] < a.value), "scale"].tolist()
        undefined = rel.loc[(rel["scale"] != "all") & rel["alpha"].isna(), "scale"].tolist()
        allrow = rel.loc[rel["scale"] == "all"]
        if len(allrow):
            v = _fmt(allrow['alpha'].iloc[0])
            und_zh = f"无定义（见警告）：{'、'.join(undefined)}。" if undefined else ""
            und_en = f" Undefined (see the warnings): {', '.join(undefined)}." if undefined else ""
            out.append(T(f"整份量表的 Cronbach's alpha 为 {v}；"
                         + (f"低于 {a.value:.2f}（{a.citation}）：{'、'.join(low)}。" if low
                            else f"其余维度均 >= {a.value:.2f}（{a.citation}）。" if undefined
                            else f"每个维度均 >= {a.value:.2f}（{a.citation}）。") + und_zh,
                         f"Cronbach's alpha of the whole instrument {v}; "
                         + (f"below {a.value:.2f} ({a.citation}): {', '.join(low)}." if low
                            else f"every other dimension >= {a.value:.2f} ({a.citation})." if undefined
                            else f"every dimension >= {a.value:.2f} ({a.citation}).") + und_en))
        for name, alpha in zip(rel["scale"], rel["alpha"]):
            res = rep.results.get(f"alpha:{name}")
            note = negative_alpha_note(alpha, res.item_stats, name) if res is not None else None
            if note is not None:
                out.append(note)
    if len(rep.kmo):
        k = float(rep.kmo.loc[rep.kmo["item"] == "overall", "msa"].iloc[0])
        out.append(T(f"KMO = {_fmt(k)}（{BANDS['kmo'].label(k, 'zh')}；{_kmo_scale('zh')}）。",
                     f"KMO = {_fmt(k)} ({BANDS['kmo'].label(k, 'en')}; {_kmo_scale('en')})."))
    if len(rep.bartlett):
        b = rep.bartlett.iloc[0]
        ok = b["pval"] < 0.05
        head = f"Bartlett's test chi2({int(b['df'])}) = {b['chi2']:.1f}, "
        out.append(T(f"Bartlett 球形检验 χ²({int(b['df'])}) = {b['chi2']:.1f}，{p_sentence(b['pval'], 'zh')}"
                     + ("：相关矩阵适合做因子分析。" if ok else "：相关矩阵与单位矩阵无法区分。"),
                     head + p_sentence(b["pval"], "en") + (": the correlations are suitable for factor analysis." if ok
                             else ": the correlation matrix is not distinguishable from identity.")))
    if len(rep.parallel_analysis):
        pa = rep.parallel_analysis.iloc[0]
        nf, nc, nd = int(pa['n_factors']), int(pa['n_components']), len(rep.model)
        out.append(T(f"平行分析建议 {nf} 个因子、{nc} 个成分（Horn 1965；量表有 {nd} 个维度）。",
                     f"Parallel analysis suggests {nf} factors and {nc} components (Horn 1965; the instrument has {nd} dimensions)."))
    if len(rep.cfa_fit) and not np.isfinite(rep.cfa_fit.iloc[0]["chi2"]):
        out.append(T("CFA：载荷等估计已计算；由于有题目对从未被同时回答，饱和模型无法识别，卡方检验与拟合指数无法计算（见警告）。",
                     "CFA: the estimates are computed; the chi-square test and the fit indices are not, because the "
                     "unrestricted model is not identified (item pairs never answered together; see the warnings)."))
    elif len(rep.cfa_fit):
        f = rep.cfa_fit.iloc[0]
        ok = [t[key].met(f[key]) for key in HU_BENTLER]
        cut = (f"CFI/TLI {t['cfi'].op} {dot(t['cfi'].value)}, RMSEA {t['rmsea'].op} {dot(t['rmsea'].value)}, "
               f"SRMR {t['srmr'].op} {dot(t['srmr'].value)}")
        head = (f"CFA: chi2({int(f['df'])}) = {f['chi2']:.2f}, CFI = {_fmt(f['cfi'])}, TLI = {_fmt(f['tli'])}, RMSEA = "
                f"{_fmt(f['rmsea'])} [{_fmt(f['rmsea_ci_low'])}, {_fmt(f['rmsea_ci_high'])}], SRMR = {_fmt(f['srmr'])}")
        out.append(T(f"{head}；满足 {author_year(t['cfi'].citation)} 的 {len(ok)} 项标准中的 {sum(ok)} 项（{cut}）。",
                     f"{head}; {sum(ok)} of {len(ok)} {author_year(t['cfi'].citation)} cut-offs met ({cut})."))
        if "chi2_scaled" in rep.cfa_fit.columns:
            name = str(f.get("estimator", "robust"))
            rob = (f"chi2({_fmt(f['df_scaled'], 0)}) = {_fmt(f['chi2_scaled'], 2)} (scaling factor {_fmt(f['scaling_factor'])}), "
                   f"robust CFI = {_fmt(f['cfi_robust'])}, TLI = {_fmt(f['tli_robust'])}, RMSEA = {_fmt(f['rmsea_robust'])} "
                   f"[{_fmt(f['rmsea_robust_ci_low'])}, {_fmt(f['rmsea_robust_ci_high'])}]")
            out.append(T(f"{name} 校正检验：{rob}（上面的 ML 卡方未校正）。", f"{name} scaled test: {rob} (the ML chi-square above is unscaled)."))
    if len(rep.construct_validity):
        cv = rep.construct_validity
        cr, ave = t["cr"], t["ave"]
        bad_cr = cv.loc[cv["cr"] < cr.value, "dimension"].tolist()
        bad_ave = cv.loc[cv["ave"] < ave.value, "dimension"].tolist()
        out.append(T(
            "组合信度" + (f"低于 {cr.value:.2f}：" + "、".join(bad_cr) if bad_cr else f"在每个维度上均 >= {cr.value:.2f}")
            + "；AVE " + (f"低于 {ave.value:.2f}：" + "、".join(bad_ave) if bad_ave else f"在每个维度上均 >= {ave.value:.2f}")
            + f"（{cr.citation}）。",
            "Composite reliability " + (f"below {cr.value:.2f}: " + ", ".join(bad_cr) if bad_cr
                                        else f">= {cr.value:.2f} for every dimension")
            + "; AVE " + (f"below {ave.value:.2f}: " + ", ".join(bad_ave) if bad_ave
                          else f">= {ave.value:.2f} for every dimension")
            + f" ({cr.citation})."))
        improper = [w for w in rep.warnings if w.startswith("CFA:") and ("Heywood" in w or "improper" in w)]
        if improper:
            out.append(T("注意：CFA 解不恰当（Heywood 情形，见警告），基于它的组合信度、AVE 与 Fornell-Larcker 结果不可作为效度证据。",
                         "Caveat: the CFA solution is improper (a Heywood case, see the warnings), so the composite "
                         "reliability, AVE and Fornell-Larcker results computed from it are no evidence of validity."))
    if len(rep.fornell_larcker) and "passes" in rep.fornell_larcker.columns:
        fails = rep.fornell_larcker.index[~rep.fornell_larcker["passes"].astype(bool)].tolist()
        out.append(T("Fornell-Larcker 准则：" + ("sqrt(AVE) 大于所有潜变量相关。" if not fails
                     else "sqrt(AVE) 未超过最大潜变量相关的维度：" + "、".join(map(str, fails)) + "。"),
                     "Fornell-Larcker criterion: " + ("sqrt(AVE) exceeds every latent correlation." if not fails
                     else "sqrt(AVE) does not exceed the largest latent correlation for " + ", ".join(map(str, fails)) + ".")))
    if len(rep.htmt):
        strict, liberal = t["htmt_strict"], t["htmt_liberal"]
        hi = rep.htmt.loc[rep.htmt["htmt"] >= strict.value]
        pairs = [f"{a}-{b} ({v:.2f})" for a, b, v in zip(hi["dimension_a"], hi["dimension_b"], hi["htmt"])]
        rule = f"{strict.citation}: {strict.value:.2f} strict, {liberal.value:.2f} liberal"
        rule_zh = f"{strict.citation}：严格 {strict.value:.2f}，宽松 {liberal.value:.2f}"
        out.append(T("HTMT " + (f"在每对维度上均低于 {strict.value:.2f}" if not pairs
                                else f">= {strict.value:.2f} 的维度对：" + "、".join(pairs)) + f"（{rule_zh}）。",
                     "HTMT " + (f"below {strict.value:.2f} for every pair" if not pairs
                                else f">= {strict.value:.2f} for " + ", ".join(pairs)) + f" ({rule})."))
    if len(rep.harman):
        h = rep.harman.set_index("method")
        hm = t["harman"]
        p = float(h.loc["pca", "proportion_var"]) if "pca" in h.index else np.nan
        share = f"{100 * hm.value:g} %"
        over = p > hm.value
        out.append(T(f"Harman 单因子检验：第一个成分解释 {p:.1%} 的方差"
                     + (f"（> {share}：可能存在共同方法偏差，{hm.citation}）。" if over else f"（< {share}，{hm.citation}）。"),
                     f"Harman's single-factor test: the first component explains {p:.1%} of the variance "
                     + (f"(> {share}: common-method variance may be a concern, {hm.citation})." if over
                        else f"(< {share}, {hm.citation}).")))
    for k, why in rep.skipped.items():
        out.append(T(f"{k} 未做：{why}", f"{k} left out: {why}"))
    for w in rep.warnings:
        out.append(T(f"警告：{w}", f"Warning: {w}"))
    return [ln.get(lang) for ln in out]


def _model_and_data(data, instrument: Instrument, block):
    """The model, the rows complete on every item (a DataFrame of float64 columns) and the row count.

    Columns that are already float64 are not copied, and complete data are not copied at all (the
    selection shares the data's memory); only non-float columns are converted and only incomplete rows
    are filtered out."""
    model = instrument.model(block, reflective_only=True, outcomes=True)
    if not model:
        raise AnalysisError("the questionnaire has no reflective dimension: reliability and validity statistics do not apply")
    cols = [c for cs in model.values() for c in cs]
    df = as_frame(data)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"item columns missing from the data: {', '.join(missing[:10])}; read the file with "
                            "servqual.read_responses() against this questionnaire")
    n_rows = len(df)
    x = df[cols]
    converted = {}
    ok = np.ones(n_rows, dtype=bool)
    for c in cols:
        s = x[c]
        if s.dtype != np.float64:
            s = pd.to_numeric(s, errors="coerce") if not pd.api.types.is_numeric_dtype(s) else s
            converted[c] = s.to_numpy(dtype=float, na_value=np.nan)
            ok &= ~np.isnan(converted[c])
        else:
            ok &= s.notna().to_numpy()
    n_used = int(ok.sum())
    if n_used < len(cols) + 1 and n_used == n_rows:
        raise AnalysisError(f"only {n_used} of {n_rows} rows are complete on the {len(cols)} items; at least "
                            f"{len(cols) + 1} complete rows are needed: the covariance matrix of {len(cols)} items "
                            "needs more respondents than items. Collect more responses, or analyse a block or "
                            "questionnaire with fewer items")
    if n_used < len(cols) + 1:
        raise AnalysisError(f"only {n_used} of {n_rows} rows are complete on the {len(cols)} items; at least "
                            f"{len(cols) + 1} complete rows are needed for listwise deletion. Use missing='auto' (the "
                            "default; `servqual analyze --missing auto`): reliability within each dimension, pairwise "
                            "correlations and a CFA by full-information ML use every answer")
    if converted:
        x = x.assign(**converted) if all(isinstance(c, str) for c in converted) else _replace_columns(x, converted)
    if n_used < n_rows:
        x = x.loc[ok]
    if n_used < n_rows or not isinstance(x.index, pd.RangeIndex) or x.index.start != 0 or x.index.step != 1:
        x = x.reset_index(drop=True)
    return model, x, n_rows


def _model_and_frame(data, instrument: Instrument, block):
    """The model, every row of its item columns as float64 (missing answers NaN) and the complete-row mask."""
    model = instrument.model(block, reflective_only=True, outcomes=True)
    if not model:
        raise AnalysisError("the questionnaire has no reflective dimension: reliability and validity statistics do not apply")
    cols = [c for cs in model.values() for c in cs]
    df = as_frame(data)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AnalysisError(f"item columns missing from the data: {', '.join(missing[:10])}; read the file with "
                            "servqual.read_responses() against this questionnaire")
    x = pd.DataFrame({c: pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan) for c in cols})
    return model, x, x.notna().all(axis=1).to_numpy()


def _pairwise_corr_stats(x_all: pd.DataFrame):
    """Pairwise-deletion statistics whose matrix is R's ``cor(x, use = "pairwise")``: each correlation with
    the means and SDs of the rows that answered both items (what psych analyses on incomplete data).
    Every part that uses them (KMO, Bartlett, EFA, parallel analysis, Harman, omega, HTMT) depends on
    the correlations only."""
    from servqual.psychometrics.stats import SufficientStats, sufficient_stats

    ok = x_all.notna().to_numpy(dtype=float)
    npw = ok.T @ ok
    cols = list(x_all.columns)
    few = [(cols[i], cols[j]) for i in range(len(cols)) for j in range(i + 1, len(cols)) if npw[i, j] < 3]
    if few:
        shown = ", ".join(f"{a}-{b}" for a, b in few[:8]) + (f" and {len(few) - 8} more" if len(few) > 8 else "")
        raise AnalysisError(f"{len(few)} item pair(s) have fewer than 3 respondents who answered both ({shown}), so "
                            "their correlation cannot be estimated (routing that never asks both). The parts that need "
                            "every correlation are left out; the reliability of each dimension and the CFA by FIML do "
                            "not need them. To estimate them, field the pairs together for some respondents")
    base = sufficient_stats(x_all, nan_policy="pairwise")
    r = x_all.corr().to_numpy(copy=True)
    np.fill_diagonal(r, 1.0)
    return SufficientStats(base.items, base.n, base.mean, r, "pairwise", base.n_pairwise)


def _replace_columns(x, converted):
    x = x.copy()
    for c, v in converted.items():
        x[c] = v
    return x


def measurement_report(data, instrument, *, block: str | None = None, n_factors: int | None = None, seed: int = DEFAULT_SEED,
                       htmt_boot: int = 0, efa_method: str = "minres", efa_rotation: str = "oblimin",
                       missing: str = "auto", estimator: str = "ML") -> MeasurementReport:
    """Reliability and validity of the instrument's dimensions, in one call.

    Parameters
    ----------
    data : Responses or pandas.DataFrame
        Scored responses (reverse-keyed items already scored, as :func:`servqual.read_responses`
        returns them). A plain DataFrame is taken as scored.
    instrument : Instrument or str
    block : str, optional
        Block to analyse (default: the analysis block, e.g. perception).
    n_factors : int, optional
        Factors for the EFA (default: the number of dimensions).
    seed : int
        Seed of parallel analysis (and of HTMT bootstrap CIs).
    htmt_boot : int
        Bootstrap resamples for HTMT CIs (0: none).
    missing : {"auto", "listwise", "pairwise"}
        How incomplete rows are used (see Notes). ``"listwise"``: every part on the rows complete on all
        items. ``"pairwise"``: reliability within each dimension, correlations pairwise, CFA by FIML.
        ``"auto"`` (default): reliability and item analysis within each dimension; correlations, EFA and
        CFA listwise while listwise deletion loses at most 5 % of the rows (threshold
        ``listwise_loss``, Schafer 1999; Graham 2009), otherwise pairwise correlations and FIML.
    estimator : {"ML", "MLR", "MLM", "MLMV", "auto"}
        Estimator of the CFA (lavaan's names). The robust ones keep the ML estimates (and so CR, AVE and
        Fornell-Larcker) and add robust standard errors and the scaled and robust fit columns to
        ``cfa_fit`` (``chi2_scaled``, ``df_scaled``, ``pval_scaled``, ``scaling_factor``, ``shift``,
        ``cfi_scaled``, ``tli_scaled``, ``rmsea_scaled`` with its interval, ``cfi_robust``, ``tli_robust``,
        ``rmsea_robust`` with its interval). ``"auto"`` chooses as :func:`servqual.psychometrics.cfa.choose_estimator`
        among these (an ordinal choice falls back to ML, said in the warnings). With FIML the CFA is ML.

    Returns
    -------
    MeasurementReport
        ``.summary()``, ``_repr_html_``, ``.to_frame()`` (reliability), ``.to_json_dict()`` (the
        ``results.json`` of ``servqual analyze``), and every table as an attribute.

    Notes
    -----
    Missing data, as the field handles them: alpha, omega and the item analysis of a dimension use the rows
    that answered every item of that dimension (as published tables and ``psych::alpha`` on the
    dimension's complete rows do); the whole-instrument alpha the rows complete on every item; KMO,
    Bartlett, parallel analysis, EFA, Harman's test and HTMT one correlation matrix (listwise, or
    pairwise as ``psych`` computes with ``use = "pairwise"``); the CFA maximum likelihood on complete rows
    or full-information ML (lavaan ``missing = "ml"``). ``table_info`` gives every table's ``n`` and
    ``missing_policy``. With ``missing="listwise"`` every number equals R on the listwise-complete data.
    Thresholds: alpha >= .70
    (Nunnally 1978); KMO (Kaiser 1974); CFI/TLI >= .95, RMSEA <= .06, SRMR <= .08 (Hu & Bentler 1999);
    CR >= .70, AVE >= .50 and sqrt(AVE) > latent correlations (Fornell & Larcker 1981); HTMT < .85/.90
    (Henseler et al. 2015); Harman's first factor < 50 % (Podsakoff et al. 2003).

    Examples
    --------
    >>> import servqual as sq
    >>> rep = sq.measurement_report(sq.read_dataset("mobi"), "mobi")
    >>> round(float(rep.reliability.set_index("scale").loc["Image", "alpha"]), 4)  # psych::alpha raw_alpha
    0.7144
    """
    from servqual.psychometrics.adequacy import bartlett, kmo
    from servqual.psychometrics.reliability import cronbach_alpha
    from servqual.psychometrics.stats import sufficient_stats

    if not isinstance(instrument, Instrument):
        instrument = load_instrument(instrument)
    check_nan_policy(missing, ("auto", "listwise", "pairwise"), "measurement_report missing")
    est = str(estimator).upper()
    if est not in ("ML", "MLR", "MLM", "MLMV", "AUTO"):
        raise AnalysisError(f"measurement_report estimator must be ML, MLR, MLM, MLMV or auto, got {estimator!r}; "
                            "ordinal estimators are available through servqual.cfa(..., estimator='WLSMV')")
    model, x_all, complete = _model_and_frame(data, instrument, block)
    n_rows, n_complete = len(x_all), int(complete.sum())
    loss = 1.0 - n_complete / n_rows if n_rows else 0.0
    lw_ok = THRESHOLDS["listwise_loss"].met(loss)
    cov_policy = "listwise" if missing == "listwise" or (missing == "auto" and lw_ok) else "pairwise"
    cfa_policy = "listwise" if cov_policy == "listwise" else "fiml"
    rel_policy = "listwise" if missing == "listwise" or n_complete == n_rows else "within_dimension"
    cols_all = [c for cs in model.values() for c in cs]
    if cov_policy == "listwise" or n_complete >= len(cols_all) + 1:
        model, x, n_rows = _model_and_data(data, instrument, block)
        # one pass over the rows: the parts on complete rows depend on the data only through n, the means
        # and the covariance matrix
        st = sufficient_stats(x)
    else:
        x, st = None, None
    table_info: dict = {}
    try:
        st_cov = st if cov_policy == "listwise" else _pairwise_corr_stats(x_all)
    except AnalysisError as err:  # item pairs that no respondent answered together
        st_cov, cov_error = None, str(err)
    else:
        cov_error = None

    def need_cov():
        if st_cov is None:
            raise AnalysisError(cov_error)
        return st_cov

    formative = [d.id for d in instrument.dimensions if d.measurement == "formative"]
    skipped: dict = {}
    if formative:
        skipped["formative dimensions"] = (f"{', '.join(formative)} are formative (items form the construct), so alpha, "
                                           "CFA, AVE and HTMT do not apply to them (Diamantopoulos & Winklhofer 2001)")
    results: dict = {}
    caught: list = []

    def step(name, fn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always", ServqualWarning)
            try:
                out = fn()
            except AnalysisError as e:
                skipped[name] = str(e)
                out = None
            records = list(w)
        # re-emit other warnings only after leaving the recording context (inside it they would be recorded again)
        for m in records:
            if issubclass(m.category, ServqualWarning):
                msg = f"{name}: {m.message}"
                if msg not in caught:
                    caught.append(msg)
            else:
                warnings.warn_explicit(m.message, m.category, m.filename, m.lineno)
        return out

    # ---- reliability --------------------------------------------------------------------------
    scales = [("all", cols_all)] + list(model.items())
    rel_rows, item_rows = [], []
    omega_all = step("omega (all)", lambda: _omega_all(need_cov(), model))
    for name, cols in scales:
        if len(cols) < 2:
            skipped[f"reliability of {name}"] = "fewer than 2 items"
            continue
        if name == "all" or rel_policy == "listwise":
            if st is None:
                skipped[f"alpha ({name})"] = (f"only {n_complete} of {n_rows} rows answered every item; the "
                                              "dimensions' alphas use each dimension's complete rows")
                continue
            src, xs_, pol = st.subset(cols), x, "listwise"
        else:  # the rows that answered every item of this dimension
            xs_ = x_all.loc[x_all[cols].notna().all(axis=1), cols].reset_index(drop=True)
            src, pol = xs_, "within_dimension"
        a = step(f"alpha ({name})", lambda src=src: cronbach_alpha(src, ci="feldt"))
        if a is None:
            continue
        results[f"alpha:{name}"] = a
        if name == "all":
            om = omega_all
        else:
            om = step(f"omega ({name})", lambda src=src, cols=cols: _omega_one(src, cols))
        rel_rows.append({"scale": name, "n_items": len(cols), "n": a.n, "missing_policy": pol, "alpha": a.alpha,
                         "alpha_std": a.alpha_std, "alpha_ci_low": a.ci_low, "alpha_ci_high": a.ci_high,
                         "average_r": a.average_r, "omega_total": om if om is not None else np.nan})
        if name != "all":
            it = a.item_stats
            ia = step(f"item analysis ({name})", lambda cols=cols, a=a, xs_=xs_: _item_cr(xs_, cols, a))
            for _, r in it.iterrows():
                row = {"scale": name, "item": r["item"], "mean": r["mean"], "sd": r["sd"], "r_drop": r["r_drop"],
                       "alpha_if_deleted": r["alpha_if_deleted"], "r_cor": r["r_cor"]}
                if ia is not None:
                    m = ia.set_index("item").loc[r["item"]]
                    row.update({"cr": m["cr"], "cr_pval": m["cr_pval"], "decision": m["decision"]})
                item_rows.append(row)
    reliability = pd.DataFrame(rel_rows)
    item_analysis = pd.DataFrame(item_rows)
    if len(reliability):
        dims_ = reliability[reliability["scale"] != "all"]
        table_info["reliability"] = {"n": [int(v) for v in reliability["n"]], "missing_policy": rel_policy}
        table_info["item_analysis"] = {"n": [int(v) for v in dims_["n"]], "missing_policy": rel_policy}

    # ---- adequacy ------------------------------------------------------------------------------
    kmo_t = step("KMO", lambda: kmo(need_cov()))
    bart = step("Bartlett", lambda: bartlett(need_cov()))
    pa_t = step("parallel analysis", lambda: _parallel(need_cov(), seed))
    k = n_factors or len(model)
    efa_t = step("EFA", lambda: _efa(need_cov(), k, efa_method, efa_rotation, results))
    harman = step("Harman", lambda: _harman(need_cov()))
    n_cov = int(st_cov.n) if st_cov is not None else 0
    for key in ("kmo", "bartlett", "parallel_analysis", "efa_loadings", "harman", "htmt"):
        table_info[key] = {"n": n_cov, "missing_policy": cov_policy}

    # ---- CFA and construct validity ---------------------------------------------------------------
    cfa_fit = cfa_load = cv = fl = ht = None
    est_note = None
    if est == "AUTO":
        from servqual.psychometrics.cfa import choose_estimator

        est, why = choose_estimator(x_all, cols_all)
        est_note = why.en
        if est not in ("ML", "MLR"):
            est_note += " The measurement report's CFA supports ML and robust ML, so ML is used."
            est = "ML"
    if est != "ML" and cfa_policy == "fiml":
        est_note = (est_note + " " if est_note else "") + (f"{est} with FIML is not available: the CFA is ML by FIML.")
        est = "ML"
    if est_note:
        caught.append(f"CFA estimator: {est_note}")
    robust = None
    if any(len(c) < 2 for c in model.values()):
        skipped["CFA"] = "a dimension has fewer than 2 items"
    else:
        if cfa_policy == "listwise" and est != "ML":
            robust = step("CFA", lambda: _cfa_robust(x, model, est))
            cres = robust.ml if robust is not None else None
        elif cfa_policy == "listwise":
            cres = step("CFA", lambda: _cfa(st, model))
        else:
            cres = step("CFA", lambda: _cfa_fiml(x_all, model))
        if cres is not None:
            results["cfa"] = cres
            if cfa_policy == "listwise":
                cfa_fit, cfa_load = _cfa_tables(cres)
                if robust is not None:
                    results["cfa_robust"] = robust
                    cfa_fit, cfa_load = _robust_tables(robust, cfa_fit, cfa_load)
                cv = step("construct validity", lambda: _construct(cres))
                fl = step("Fornell-Larcker", lambda: _fornell(cres))
            else:
                cfa_fit, cfa_load, lat_cor = _fiml_tables(cres)
                cv = step("construct validity", lambda: _construct(cfa_load.rename(columns={"dimension": "factor"})))
                fl = step("Fornell-Larcker", lambda: _fornell(cfa_load.rename(columns={"dimension": "factor"}), lat_cor))
            n_cfa = int(cfa_fit["n"].iloc[0]) if len(cfa_fit) and "n" in cfa_fit else n_complete
            for key in ("cfa_fit", "cfa_loadings", "construct_validity", "fornell_larcker"):
                table_info[key] = {"n": n_cfa, "missing_policy": cfa_policy, "estimator": est}
        boot_x = x if cov_policy == "listwise" else x_all
        ht = step("HTMT", lambda: _htmt(boot_x if htmt_boot else need_cov(), model, htmt_boot, seed))
        if htmt_boot and cov_policy != "listwise":  # the bootstrap resamples complete rows
            table_info["htmt"] = {"n": n_complete, "missing_policy": "listwise"}

    empty = pd.DataFrame()
    tables = {"reliability": reliability, "item_analysis": item_analysis, "kmo": kmo_t, "bartlett": bart,
              "parallel_analysis": pa_t, "efa_loadings": efa_t, "cfa_fit": cfa_fit, "cfa_loadings": cfa_load,
              "construct_validity": cv, "fornell_larcker": fl, "htmt": ht, "harman": harman}
    tables, out_of_range = check_ranges({k: v if v is not None else empty for k, v in tables.items()}, model)
    caught.extend(m for m in out_of_range if m not in caught)
    if cov_policy != "listwise" or rel_policy != "listwise":
        caught_policy = (f"{n_complete} of {n_rows} rows ({1 - loss:.1%}) answered every item: reliability within each "
                         "dimension" + ("; correlations pairwise and the CFA by full-information ML, because listwise "
                                        f"deletion would lose {loss:.1%} of the rows (more than "
                                        f"{THRESHOLDS['listwise_loss'].value:.0%}, {THRESHOLDS['listwise_loss'].citation})"
                                        if cov_policy == "pairwise" else "; correlations and CFA listwise, on the complete rows"))
    else:
        caught_policy = None
    return MeasurementReport(
        n_rows=n_rows, n_used=n_complete, missing_policy=missing if missing != "auto" else (
            "listwise" if cov_policy == rel_policy == "listwise" else "auto"),
        block=instrument._block_id(block) or None, model=model,
        **tables, skipped=skipped, warnings=caught, results=results, table_info=table_info, policy_note=caught_policy,
        missing_policies={"reliability": rel_policy, "correlations": cov_policy, "cfa": cfa_policy},
    )


# ---- adapters to the analysis modules ---------------------------------------------------------------
def _item_cr(x, cols, alpha_res=None):
    from servqual.psychometrics.items import item_analysis

    return item_analysis(x, cols, alpha_result=alpha_res)


def _omega_one(x, cols):
    from servqual.psychometrics.omega import omega_total

    if len(cols) < 3:
        raise AnalysisError("omega needs at least 3 items")
    return float(omega_total(x, cols))


def _omega_all(x, model):
    from servqual.psychometrics.omega import omega

    cols = [c for cs in model.values() for c in cs]
    res = omega(x, n_groups=len(model), items=cols)
    return float(res.omega_total)


def _parallel(x, seed):
    from servqual.psychometrics.efa import parallel_analysis

    res = parallel_analysis(x, seed=seed)
    return pd.DataFrame([{"n_factors": int(res.n_factors), "n_components": int(res.n_components)}])


def _efa(x, k, method, rotation, results):
    from servqual.psychometrics.efa import efa

    res = efa(x, n_factors=k, method=method, rotation=rotation)
    results["efa"] = res
    return res.loadings


def _harman(x):
    from servqual.psychometrics.efa import harman_single_factor

    h = harman_single_factor(x)
    t = h.proportions.reset_index()
    t.insert(1, "first_eigenvalue", h.first_eigenvalue)
    return t


def _cfa(x, model):
    from servqual.psychometrics.cfa import cfa

    return cfa(x, model)


def _cfa_tables(res):
    fit = res.fit
    fit = fit.to_frame().T if isinstance(fit, pd.Series) else fit.copy()
    load = res.loadings.rename(columns={"factor": "dimension"}).copy()
    return fit.reset_index(drop=True), load


def _cfa_robust(x, model, estimator):
    from servqual.psychometrics.cfa import cfa

    return cfa(x, model, estimator=estimator)


def _robust_tables(res, fit, load):
    """The ML tables with the robust estimator's name, scaled and robust fit columns and robust SEs."""
    fm = res.fit_measures()
    g = fm.get
    fit = fit.copy()
    fit["estimator"] = res.estimator
    extra = {"chi2_scaled": g("chisq.scaled"), "df_scaled": g("df.scaled"), "pval_scaled": g("pvalue.scaled"),
             "scaling_factor": g("chisq.scaling.factor"), "shift": g("chisq.shift.parameters", np.nan),
             "cfi_scaled": g("cfi.scaled"), "tli_scaled": g("tli.scaled"), "rmsea_scaled": g("rmsea.scaled"),
             "rmsea_scaled_ci_low": g("rmsea.ci.lower.scaled"), "rmsea_scaled_ci_high": g("rmsea.ci.upper.scaled"),
             "cfi_robust": g("cfi.robust"), "tli_robust": g("tli.robust"), "rmsea_robust": g("rmsea.robust"),
             "rmsea_robust_ci_low": g("rmsea.ci.lower.robust"), "rmsea_robust_ci_high": g("rmsea.ci.upper.robust")}
    for k, v in extra.items():
        fit[k] = np.nan if v is None else float(v)
    e = res.estimates
    lo = e[e["op"] == "=~"].set_index(["lhs", "rhs"])
    load = load.copy()
    key = list(zip(load["dimension"], load["item"]))
    se = lo.loc[key, "se"].to_numpy(dtype=float)
    load["se"] = se
    with np.errstate(divide="ignore", invalid="ignore"):
        load["z"] = np.where(se > 0, load["estimate"] / se, np.nan)
    load["pval"] = lo.loc[key, "pvalue"].to_numpy(dtype=float)
    return fit, load


def _cfa_fiml(x_all, model):
    from servqual.psychometrics.cfa import cfa

    rows = x_all.notna().any(axis=1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="FIML: .* row\\(s\\) answer no model item")
        return cfa(x_all.loc[rows].reset_index(drop=True), model, missing="fiml")


def _fiml_tables(res):
    """The ``cfa_fit`` and ``cfa_loadings`` tables (the columns of the ML tables) and the latent
    correlations of a FIML CFA."""
    fm = res.fit_measures()
    fit = pd.DataFrame([{
        "estimator": "ML (FIML)", "n": int(fm["ntotal"]), "npar": int(fm["npar"]), "chi2": fm["chisq"], "df": fm["df"],
        "pval": fm["pvalue"], "cfi": fm["cfi"], "tli": fm["tli"], "nfi": fm.get("nfi"), "rfi": fm.get("rfi"),
        "ifi": fm.get("ifi"), "rni": fm.get("rni"), "pnfi": fm.get("pnfi"), "rmsea": fm["rmsea"],
        "rmsea_ci_low": fm["rmsea.ci.lower"], "rmsea_ci_high": fm["rmsea.ci.upper"], "rmsea_pval": fm["rmsea.pvalue"],
        "srmr": fm["srmr"], "rmr": fm.get("rmr"), "crmr": fm.get("crmr"), "mfi": fm.get("mfi"), "ecvi": fm.get("ecvi"),
        "aic": fm["aic"], "bic": fm["bic"], "bic2": fm["bic2"], "loglik": fm["logl"],
        "unrestricted_loglik": fm["unrestricted.logl"], "baseline_chi2": fm["baseline.chisq"],
        "baseline_df": fm["baseline.df"], "baseline_pval": fm["baseline.pvalue"], "fmin": fm["fmin"],
        "converged": bool(res.converged)}])
    e = res.estimates
    lo = e[e["op"] == "=~"]
    load = pd.DataFrame({"dimension": lo["lhs"].to_numpy(), "item": lo["rhs"].to_numpy(), "estimate": lo["est"].to_numpy(),
                         "se": lo["se"].to_numpy(), "z": lo["z"].to_numpy(), "pval": lo["pvalue"].to_numpy(),
                         "std_loading": lo["std_all"].to_numpy(), "ci_low": lo["ci_lower"].to_numpy(),
                         "ci_high": lo["ci_upper"].to_numpy(), "fixed": (lo["se"] == 0).to_numpy()})
    facs = list(dict.fromkeys(lo["lhs"]))
    cor = pd.DataFrame(np.eye(len(facs)), index=facs, columns=facs)
    fc = e[(e["op"] == "~~") & e["lhs"].isin(facs) & e["rhs"].isin(facs) & (e["lhs"] != e["rhs"])]
    for a, b, v in zip(fc["lhs"], fc["rhs"], fc["std_all"]):
        cor.loc[a, b] = cor.loc[b, a] = v
    return fit, load, cor


def _construct(res):
    from servqual.psychometrics.construct import construct_validity

    return construct_validity(res)


def _fornell(res, lat_cor=None):
    from servqual.psychometrics.construct import fornell_larcker

    return fornell_larcker(res) if lat_cor is None else fornell_larcker(res, lat_cor)


def _htmt(x, model, n_boot, seed):
    from servqual.psychometrics.construct import htmt

    if len(model) < 2:
        raise AnalysisError("HTMT needs at least 2 dimensions")
    return htmt(x, model, ci="bootstrap" if n_boot else None, n_boot=n_boot or 2000, seed=seed)
