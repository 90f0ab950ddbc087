r"""Confirmatory factor analysis of ordinal items: DWLS, WLSMV and ULSMV, as lavaan 0.6.14 fits them.

The model (lavaan's ``parameterization = "delta"``): each item's latent response :math:`x^*` is standard
normal and cut at free thresholds; the latent responses follow the factor model
:math:`\Sigma^* = \Lambda \Psi \Lambda^\top + \Theta` with unit diagonal, so the residual variances
:math:`\Theta = I - \operatorname{diag}(\Lambda\Psi\Lambda^\top)` are not free parameters. The first loading
of each factor is fixed to 1 (marker identification, lavaan's default).

Estimation is in three stages:

1. thresholds :math:`\hat\tau` and polychoric correlations :math:`\hat\rho` with their asymptotic
   covariance :math:`\Gamma` (:mod:`servqual.psychometrics.polychoric`);
2. the structural parameters :math:`\theta` minimise

   .. math:: F(\theta) = \tfrac12 (\hat s - s(\theta))^\top W (\hat s - s(\theta)),

   with :math:`\hat s = (\hat\tau, \hat\rho)`, :math:`W = \operatorname{diag}(\Gamma)^{-1}` for DWLS and
   WLSMV, :math:`W = I` for ULSMV (the thresholds are free, so they reproduce :math:`\hat\tau` exactly);
3. robust standard errors (``se = "robust.sem"``) from the sandwich
   :math:`V = N^{-1}(\Delta^\top W\Delta)^{-1}\Delta^\top W \Gamma W \Delta(\Delta^\top W\Delta)^{-1}` and, for
   WLSMV, the mean-and-variance adjusted (scaled-shifted) test of Asparouhov & Muthén (2010):
   with :math:`U = W - W\Delta(\Delta^\top W\Delta)^{-1}\Delta^\top W`,
   :math:`a = \sqrt{df / \operatorname{tr}((U\Gamma)^2)}`, :math:`b = df - a \operatorname{tr}(U\Gamma)`,
   :math:`T_{ss} = a T + b`. ULSMV uses the same scaled-shifted test; DWLS reports the standard test and
   standard errors from the expected information.

The chi-square is :math:`T = 2 N F(\hat\theta)`; the baseline model fixes every correlation to 0. CFI, TLI,
RMSEA (with :math:`N - 1`, as lavaan for categorical data), SRMR (residual correlations) and WRMR follow
``lavaan::fitMeasures``; the ``.robust`` CFI, TLI and RMSEA of the scaled estimators are Savalei's (2021)
(see :func:`_catml_robust`).

References
----------
Muthén, B. (1984). A general structural equation model with dichotomous, ordered categorical, and
continuous latent variable indicators. *Psychometrika*, 49, 115–132.
Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction. Mplus technical appendix.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2).

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.cfa_ordinal import cfa_ordinal
>>> x = sq.read_dataset("corp_rep").data
>>> fit = cfa_ordinal(x, "COMP =~ comp_1 + comp_2 + comp_3\nLIKE =~ like_1 + like_2 + like_3")
>>> fit.n, int(fit.fit_measures()["df"])
(344, 8)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from servqual._results import ResultMixin
from servqual._validation import as_frame
from servqual.exceptions import AnalysisError
from servqual.psychometrics.cfa_ml import parse_model
from servqual.psychometrics.fit_indices import incremental, rmsea, rmsea_interval, rmsea_pvalues, scaled_shifted
from servqual.psychometrics.cfa_robust import duplication_matrix, vech_index
from servqual.psychometrics.polychoric import PolychoricResult, polychoric

__all__ = ["ORDINAL_ESTIMATORS", "OrdinalCFAResult", "cfa_ordinal"]

#: estimator -> (weight matrix, standard errors, test), as lavaan sets them
ORDINAL_ESTIMATORS = {
    "WLSMV": ("diagonal", "robust.sem", "scaled.shifted"),
    "DWLS": ("diagonal", "standard", "standard"),
    "ULSMV": ("identity", "robust.sem", "scaled.shifted"),
}


@dataclass
class _Model:
    items: list
    factors: list
    lam_free: np.ndarray  # (p, m) bool: free loadings
    lam_fixed: np.ndarray  # (p, m) fixed values (markers 1, others 0)

    @property
    def n_lam(self) -> int:
        return int(self.lam_free.sum())

    @property
    def psi_index(self) -> list:
        m = len(self.factors)
        return [(f, g) for g in range(m) for f in range(g, m)]

    def unpack(self, x):
        lam = self.lam_fixed.copy()
        lam[self.lam_free] = x[: self.n_lam]
        m = len(self.factors)
        psi = np.zeros((m, m))
        for v, (f, g) in zip(x[self.n_lam:], self.psi_index):
            psi[f, g] = psi[g, f] = v
        return lam, psi


def _build(model: dict, items_in_data) -> _Model:
    items = [i for f in model for i in model[f]]
    dup = sorted({i for i in items if items.count(i) > 1})
    if dup:
        raise AnalysisError(f"ordinal CFA: item(s) {', '.join(dup)} load on more than one factor; "
                            "cross-loadings are not supported for ordinal items")
    missing = [i for i in items if i not in items_in_data]
    if missing:
        raise AnalysisError(f"ordinal CFA: item(s) not in the data: {', '.join(missing)}")
    factors = list(model)
    p, m = len(items), len(factors)
    free = np.zeros((p, m), bool)
    fixed = np.zeros((p, m))
    for f, name in enumerate(factors):
        for k, it in enumerate(model[name]):
            i = items.index(it)
            if k == 0:
                fixed[i, f] = 1.0
            else:
                free[i, f] = True
    return _Model(items, factors, free, fixed)


def _pairs(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row / column index of lavaan's correlation order (lower triangle, column by column)."""
    rows, cols = [], []
    for j in range(p - 1):
        for i in range(j + 1, p):
            rows.append(i)
            cols.append(j)
    return np.array(rows), np.array(cols)


def _implied(x, mod: _Model, ri, ci):
    lam, psi = mod.unpack(x)
    sig = lam @ psi @ lam.T
    return sig[ri, ci], lam, psi


def _jacobian(lam, psi, mod: _Model, ri, ci) -> np.ndarray:
    """d sigma_ij / d theta for the correlations (rows) and the free loadings then psi (columns)."""
    lp = lam @ psi
    cols = []
    for i, f in zip(*np.nonzero(mod.lam_free)):
        cols.append(np.where(ri == i, lp[ci, f], 0.0) + np.where(ci == i, lp[ri, f], 0.0))
    for f, g in mod.psi_index:
        if f == g:
            cols.append(lam[ri, f] * lam[ci, f])
        else:
            cols.append(lam[ri, f] * lam[ci, g] + lam[ri, g] * lam[ci, f])
    return np.column_stack(cols)


def _start(mod: _Model) -> np.ndarray:
    """Start values: every free loading 1, factor variances 0.5, covariances 0."""
    return np.array([1.0] * mod.n_lam + [0.5 if f == g else 0.0 for f, g in mod.psi_index])


@dataclass(frozen=True, repr=False, eq=False)
class OrdinalCFAResult(ResultMixin):
    """An ordinal CFA: estimates, fit measures and the sample statistics it rests on.

    Attributes
    ----------
    estimates : DataFrame
        lavaan's ``parameterEstimates`` + ``standardizedSolution`` columns: ``lhs, op, rhs, est, se, z,
        pvalue, ci_lower, ci_upper, std_lv, std_all``; ops ``=~`` (loadings), ``~~`` (factor and residual
        (co)variances), ``|`` (thresholds).
    measures : Series
        The fit measures (also returned by :meth:`fit_measures`):
        lavaan's ``fitMeasures`` names (``chisq``, ``chisq.scaled``, ``cfi.scaled``, ``rmsea.scaled``,
        ``srmr``, ``wrmr``, ...).
    test : dict
        The standard and (WLSMV / ULSMV) the scaled-shifted test with its traces.
    sample : PolychoricResult
        Thresholds, polychoric correlations and their asymptotic covariance.
    estimator : str
    n : int
    items : list
    factors : list
    """

    estimates: pd.DataFrame
    measures: pd.Series
    test: dict
    sample: PolychoricResult
    estimator: str
    n: int
    items: list
    factors: list
    converged: bool
    title = "Ordinal CFA"

    def fit_measures(self) -> pd.Series:
        """The fit measures as a Series name -> value (lavaan ``fitMeasures`` names), as ``CFAResult.fit_measures()``."""
        return self.measures.copy()

    @property
    def loadings(self) -> pd.DataFrame:
        return self.estimates[self.estimates["op"] == "=~"].reset_index(drop=True)

    @property
    def thresholds(self) -> pd.DataFrame:
        return self.estimates[self.estimates["op"] == "|"].reset_index(drop=True)

    def tables(self) -> dict:
        fm = self.fit_measures()
        keys = [k for k in ("chisq", "df", "pvalue", "chisq.scaled", "pvalue.scaled", "cfi", "tli", "cfi.scaled",
                            "tli.scaled", "rmsea", "rmsea.scaled", "srmr", "wrmr") if k in fm.index]
        fit = pd.DataFrame({"measure": keys, "value": [fm[k] for k in keys]})
        return {"Loadings": self.loadings, "Fit": fit}

    def notes(self, lang: str = "en") -> list:
        if lang == "zh":
            return [f"有序 CFA（{self.estimator}，delta 参数化，与 lavaan 一致）：{self.n} 个完整样本，{len(self.items)} 个题项。"]
        return [f"Ordinal CFA ({self.estimator}, delta parameterization, as lavaan) on {self.n} complete rows "
                f"of {len(self.items)} items."]


def cfa_ordinal(data, model, *, estimator: str = "WLSMV", max_iter: int = 500) -> OrdinalCFAResult:
    """Fit a CFA to ordinal items by DWLS, WLSMV or ULSMV, as ``lavaan::cfa(..., ordered = items)``.

    Parameters
    ----------
    data : DataFrame or Responses
        Integer-coded answers; rows with a missing answer on a model item are left out (listwise).
    model : dict or str
        ``{factor: [items]}`` or lavaan ``=~`` syntax; the first item of each factor is its marker.
    estimator : {"WLSMV", "DWLS", "ULSMV"}
        See the module docstring.
    max_iter : int
        Iterations of the least-squares optimiser.

    Returns
    -------
    OrdinalCFAResult

    Notes
    -----
    Tested against lavaan 0.6.14 (``cfa(model, data, ordered = items, estimator = ...)``) on the kiosk,
    bfi and corporate-reputation data: estimates, robust standard errors, the scaled-shifted test and the
    fit indices agree to 1e-4.

    Examples
    --------
    >>> import servqual as sq
    >>> x = sq.read_dataset("corp_rep").data
    >>> fit = cfa_ordinal(x, {"COMP": ["comp_1", "comp_2", "comp_3"], "LIKE": ["like_1", "like_2", "like_3"]})
    >>> fit.loadings[["lhs", "rhs", "est"]].round(3).head(2)
        lhs     rhs    est
    0  COMP  comp_1  1.000
    1  COMP  comp_2  ...
    """
    est = str(estimator).upper()
    if est not in ORDINAL_ESTIMATORS:
        raise AnalysisError(f"ordinal estimator must be one of {', '.join(ORDINAL_ESTIMATORS)}, got {estimator!r}")
    weight_kind, se_kind, test_kind = ORDINAL_ESTIMATORS[est]
    spec = parse_model(model)
    df = as_frame(data)
    mod = _build(spec, df.columns)
    sample = polychoric(df, mod.items)
    n, p = sample.n, len(mod.items)
    n_par = mod.n_lam + len(mod.psi_index) + len(sample.thresholds)
    if n <= n_par:
        raise AnalysisError(f"{estimator}: {n} complete rows for {n_par} parameters (thresholds, loadings, factor "
                            "(co)variances); the asymptotic covariance of the polychoric correlations needs "
                            "more respondents than parameters. Collect more responses or fit a smaller model")
    r = sample.correlations.to_numpy()
    ri, ci = _pairs(p)
    rho = r[ri, ci]
    gamma = sample.nacov.to_numpy()
    n_th = len(sample.thresholds)
    g_cc = gamma[n_th:, n_th:]
    w_c = 1.0 / np.diag(g_cc) if weight_kind == "diagonal" else np.ones(len(rho))
    sw = np.sqrt(w_c)

    def resid(x):
        return sw * (rho - _implied(x, mod, ri, ci)[0])

    def jac(x):
        _, lam, psi = _implied(x, mod, ri, ci)
        return -sw[:, None] * _jacobian(lam, psi, mod, ri, ci)

    sol = optimize.least_squares(resid, _start(mod), jac=jac, method="lm", xtol=1e-14, ftol=1e-14, gtol=1e-14,
                                 max_nfev=max_iter * 10)
    x = sol.x
    sig, lam, psi = _implied(x, mod, ri, ci)
    # lavaan's discrepancy and Gamma carry the factor (N - 1) / N of the unbiased sample statistics
    fmin = 0.5 * (n - 1) / n * float(np.sum(w_c * (rho - sig) ** 2))
    t = 2 * n * fmin
    g_unbiased = g_cc * n / (n - 1)
    dof = len(rho) - len(x)
    delta = _jacobian(lam, psi, mod, ri, ci)
    a_inv = np.linalg.inv(delta.T @ (w_c[:, None] * delta))
    wd = w_c[:, None] * delta
    if se_kind == "robust.sem":
        v = a_inv @ wd.T @ g_unbiased @ wd @ a_inv / n
    else:
        v = a_inv / (n - 1)  # expected information of the (D)WLS discrepancy
    se = np.sqrt(np.clip(np.diag(v), 0, None))
    u_c = np.diag(w_c) - wd @ a_inv @ wd.T
    ug = u_c @ g_cc
    test = {"standard": {"stat": t, "df": dof, "pvalue": float(stats.chi2.sf(t, dof))}}
    t_base = (n - 1) * float(np.sum(w_c * rho ** 2))
    df_base = len(rho)
    fm = {"npar": n_th + len(x), "fmin": fmin, "chisq": t, "df": dof, "pvalue": test["standard"]["pvalue"]}
    fm.update({"baseline.chisq": t_base, "baseline.df": df_base, "baseline.pvalue": float(stats.chi2.sf(t_base, df_base))})
    nel = n_th + len(rho)
    nn = n - 1  # lavaan's N for the categorical fit indices
    fm.update(incremental(t, dof, t_base, df_base))
    fm.update(_rmsea_family(t, dof, nn, ""))
    if test_kind == "scaled.shifted" and dof > 0:  # a saturated model (df = 0) has no scaled test
        ss = scaled_shifted(t, dof, ug)
        ssb = scaled_shifted(t_base, df_base, np.diag(w_c) @ g_cc)
        test["scaled.shifted"] = {**{k: v for k, v in ss.items() if k != "a"}, "df": dof, "pvalue": float(stats.chi2.sf(ss["stat"], dof))}
        fm.update({"chisq.scaled": ss["stat"], "df.scaled": dof, "pvalue.scaled": test["scaled.shifted"]["pvalue"],
                   "chisq.scaling.factor": ss["scaling.factor"], "baseline.chisq.scaled": ssb["stat"],
                   "baseline.df.scaled": df_base, "baseline.pvalue.scaled": float(stats.chi2.sf(ssb["stat"], df_base)),
                   "baseline.chisq.scaling.factor": ssb["scaling.factor"]})
        fm.update({k + ".scaled": v for k, v in incremental(ss["stat"], dof, ssb["stat"], df_base).items()})
        fm.update(_rmsea_family(ss["stat"], dof, nn, ".scaled"))
        fm.update(_catml_robust(r, lam, psi, delta, w_c, g_cc, n, dof, nn))
    e = np.zeros((p, p))
    e[ri, ci] = rho - sig
    sse = float(np.sum(e ** 2))
    pstar = p * (p + 1) / 2
    fm.update({"rmr": np.sqrt(sse / (pstar + n_th)), "rmr_nomean": np.sqrt(sse / pstar),
               "srmr": np.sqrt(sse / pstar), "srmr_bentler": np.sqrt(sse / (pstar + n_th)),
               "srmr_bentler_nomean": np.sqrt(sse / pstar), "crmr": np.sqrt(sse / (pstar - p + n_th)),
               "crmr_nomean": np.sqrt(sse / (pstar - p))})
    fm["cn_05"] = float(stats.chi2.ppf(0.95, dof) / (t / nn) + 1) if dof > 0 else np.nan
    fm["cn_01"] = float(stats.chi2.ppf(0.99, dof) / (t / nn) + 1) if dof > 0 else np.nan
    w_t = 1.0 / np.diag(gamma[:n_th, :n_th]) if weight_kind == "diagonal" else np.ones(n_th)
    th = sample.thresholds.to_numpy()
    gfi = 1.0 - float(np.sum(w_c * (rho - sig) ** 2)) / (float(np.sum(w_c * rho ** 2)) + float(np.sum(w_t * th ** 2)))
    fm.update({"gfi": gfi, "agfi": 1.0 - nel / dof * (1.0 - gfi) if dof > 0 else np.nan, "pgfi": dof / nel * gfi,
               "mfi": float(np.exp(-0.5 * (t - dof) / nn)), "wrmr": float(np.sqrt(t / nel))})
    estimates = _estimates(mod, lam, psi, x, se, sample, gamma[:n_th, :n_th] * n / (n - 1), n)
    return OrdinalCFAResult(estimates, pd.Series(fm, dtype=float), test, sample, est, n, mod.items, mod.factors,
                            bool(sol.success))


def _estimates(mod: _Model, lam, psi, x, se, sample, g_tt, n) -> pd.DataFrame:
    rows = []
    z975 = special.ndtri(0.975)
    sd_f = np.sqrt(np.diag(psi))

    def add(lhs, op, rhs, est, s, std):
        z = est / s if s > 0 else np.nan
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "est": est, "se": s, "z": z,
                     "pvalue": 2 * special.ndtr(-abs(z)) if s > 0 else np.nan,
                     "ci_lower": est - z975 * s, "ci_upper": est + z975 * s, "std_lv": std, "std_all": std})

    se_lam = np.zeros_like(lam)
    se_lam[mod.lam_free] = se[: mod.n_lam]
    for f, name in enumerate(mod.factors):
        for i in np.flatnonzero(mod.lam_free[:, f] | (mod.lam_fixed[:, f] != 0)):
            add(name, "=~", mod.items[i], lam[i, f], se_lam[i, f], lam[i, f] * sd_f[f])
    implied_var = np.diag(lam @ psi @ lam.T)
    for i, it in enumerate(mod.items):
        add(it, "~~", it, 1.0 - implied_var[i], 0.0, 1.0 - implied_var[i])
    se_psi = dict(zip(mod.psi_index, se[mod.n_lam:]))
    m = len(mod.factors)
    for f in range(m):
        for g in range(f, m):
            key = (g, f)
            add(mod.factors[f], "~~", mod.factors[g], psi[f, g], se_psi[key], psi[f, g] / (sd_f[f] * sd_f[g]))
    th_se = np.sqrt(np.diag(g_tt) / n)
    for ((item, tname), v), s in zip(sample.thresholds.items(), th_se):
        add(item, "|", tname, float(v), float(s), float(v))
    return pd.DataFrame(rows)


def _catml_robust(r, lam, psi, delta, w_c, g_cc, n, dof, nn) -> dict:
    r"""The robust CFI, TLI and RMSEA of Savalei (2021) for categorical data, as lavaan's ``lav_fit_catml_dwls``.

    The ML discrepancy of the polychoric matrix :math:`R` against the model-implied correlations at the
    (unchanged) DWLS estimates gives :math:`T_3 = N F_{ML}`; its scaling :math:`\hat c_3 = k / df` with
    :math:`k = \operatorname{tr}(U^	op V U \Gamma)`, :math:`U = I - \Delta E^{-1}\Delta^	op W` (DWLS weights
    :math:`W`, normal-theory ML weights :math:`V` of the correlations at the implied matrix), and the baseline
    :math:`T_{3,0} = -N\log|R|`, :math:`\hat c_{3,0} = \operatorname{tr}(\Gamma) / df_0`. Empty when
    :math:`R` is not positive definite (lavaan returns NA then).
    """
    p = r.shape[0]
    if np.linalg.eigvalsh(r).min() < np.sqrt(np.finfo(float).eps):
        return {}
    sig = lam @ psi @ lam.T
    np.fill_diagonal(sig, 1.0)
    si = np.linalg.inv(sig)
    f = np.linalg.slogdet(sig)[1] + np.sum(r * si) - np.linalg.slogdet(r)[1] - p
    t3 = n * f
    vi, vj = vech_index(p)
    off = np.flatnonzero(vi != vj)  # the correlations, in lavaan's order
    v = (0.5 * duplication_matrix(p).T @ np.kron(si, si) @ duplication_matrix(p))[np.ix_(off, off)]
    e_inv = np.linalg.inv(delta.T @ (w_c[:, None] * delta))
    u = np.eye(len(w_c)) - delta @ e_inv @ delta.T * w_c[None, :]
    c3 = float(np.trace(u.T @ v @ u @ g_cc)) / dof
    t0, df0 = -n * np.linalg.slogdet(r)[1], len(w_c)
    c0 = float(np.trace(g_cc)) / df0
    num, den = t3 - c3 * dof, t0 - c0 * df0
    cfi_den = max(den, num, 0.0)
    out = {"cfi.robust": 1.0 - max(num, 0.0) / cfi_den if cfi_den > 0 else 1.0, "rni.robust": 1.0 - num / den,
           "tli.robust": 1.0 - (num * df0) / (den * dof)}
    out["nnfi.robust"] = out["tli.robust"]
    t3s = t3 / c3
    lo, up = rmsea_interval(t3s, dof, nn, c=c3)
    close, notclose = rmsea_pvalues(t3s, dof, nn, c=c3)
    out.update({"rmsea.robust": rmsea(t3, dof, nn, c=c3), "rmsea.ci.lower.robust": lo, "rmsea.ci.upper.robust": up,
                "rmsea.pvalue.robust": close, "rmsea.notclose.pvalue.robust": notclose})
    return out


def _rmsea_family(t, df, nn, suffix: str) -> dict:
    """RMSEA, its interval and the close / not-close p-values on lavaan's categorical N (``nn`` = N - 1)."""
    lo, up = rmsea_interval(t, df, nn)
    close, notclose = rmsea_pvalues(t, df, nn)
    names = {"rmsea": rmsea(t, df, nn), "rmsea.ci.lower": lo, "rmsea.ci.upper": up, "rmsea.pvalue": close,
             "rmsea.notclose.pvalue": notclose}
    if not suffix:
        return {**names, "rmsea.ci.level": 0.90, "rmsea.close.h0": 0.05, "rmsea.notclose.h0": 0.08}
    return {k + suffix: v for k, v in names.items()}
