r"""Robust maximum likelihood for CFA: MLM, MLMV and MLR, as lavaan 0.6.14 computes them.

Likert and other survey data are rarely multivariate normal. The ML estimates stay consistent, but their
standard errors and the chi-square test need a correction for non-normality. With the ML estimates
:math:`\hat\theta` of :func:`servqual.cfa` (unchanged), the Jacobian :math:`\Delta = \partial
\operatorname{vech}\Sigma(\theta) / \partial\theta^\top`, the normal-theory weight
:math:`W = \tfrac12 D^\top(\Sigma^{-1}\otimes\Sigma^{-1})D` and the asymptotic covariance of the sample
covariances without a normality assumption :math:`\Gamma = N^{-1}\sum_i (d_i - \bar d)(d_i - \bar d)^\top`,
:math:`d_i = \operatorname{vech}((y_i - \bar y)(y_i - \bar y)^\top)`:

MLM (Satorra & Bentler 1994)
    standard errors from :math:`V = N^{-1}(\Delta^\top W\Delta)^{-1}\Delta^\top W\Gamma W\Delta(\Delta^\top W\Delta)^{-1}`;
    the test :math:`T_{SB} = T / c` with :math:`c = \operatorname{tr}(U\Gamma)/df`,
    :math:`U = W - W\Delta(\Delta^\top W\Delta)^{-1}\Delta^\top W`.
MLMV
    the same standard errors; the scaled-shifted test :math:`aT + b`, :math:`a = \sqrt{df/\operatorname{tr}((U\Gamma)^2)}`,
    :math:`b = df - a\operatorname{tr}(U\Gamma)`.
MLR (Huber–White; Yuan & Bentler 2000, Mplus variant)
    standard errors from :math:`V = N^{-1} H^{-1} B H^{-1}` with :math:`H` the observed information and
    :math:`B` the mean outer product of the casewise scores; the test :math:`T / c` with
    :math:`c = (\operatorname{tr}(A_1^{-1}B_1) - \operatorname{tr}(H^{-1}B)) / df`, :math:`A_1, B_1` the
    observed and first-order information of the saturated model at :math:`\hat\Sigma`.

The scaled fit indices (``cfi.scaled``, ``rmsea.scaled`` ...) replace :math:`T` by the scaled test; the
robust ones follow Brosseau-Liard, Savalei & Li (2012), Brosseau-Liard & Savalei (2014) and, for MLMV,
Savalei (2018), as lavaan does.

References
----------
Satorra, A., & Bentler, P. M. (1994). Corrections to test statistics and standard errors in covariance
structure analysis. In A. von Eye & C. C. Clogg (Eds.), *Latent variables analysis* (pp. 399–419). Sage.
Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance structure
analysis with nonnormal missing data. *Sociological Methodology*, 30, 165–200.
Brosseau-Liard, P. E., Savalei, V., & Li, L. (2012). An investigation of the sample performance of two
nonnormality corrections for RMSEA. *Multivariate Behavioral Research*, 47, 904–930.

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.cfa_robust import cfa_robust
>>> hs = sq.read_dataset("holzinger").data
>>> fit = cfa_robust(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9", estimator="MLM")
>>> round(float(fit.fit_measures()["chisq.scaled"]), 3)   # lavaan: cfa(HS.model, HolzingerSwineford1939, estimator = "MLM")
80.872
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from servqual._results import ResultMixin
from servqual._validation import as_frame
from servqual.exceptions import AnalysisError
from servqual.psychometrics.cfa_ml import cfa_ml, parse_model
from servqual.psychometrics.fit_indices import incremental, rmsea, rmsea_interval, rmsea_pvalues, scaled_shifted

__all__ = ["ROBUST_ESTIMATORS", "RobustCFAResult", "cfa_robust", "FactorModel", "factor_model", "vech_index",
           "duplication_matrix"]

#: estimator -> (standard errors, test), as lavaan names them
ROBUST_ESTIMATORS = {
    "MLM": ("robust.sem", "satorra.bentler"),
    "MLMV": ("robust.sem", "scaled.shifted"),
    "MLR": ("robust.huber.white", "yuan.bentler.mplus"),
}


def vech_index(p: int):
    """Rows / columns of vech (lavaan's order: the lower triangle column by column, diagonal included)."""
    rows, cols = [], []
    for j in range(p):
        for i in range(j, p):
            rows.append(i)
            cols.append(j)
    return np.array(rows), np.array(cols)


def duplication_matrix(p: int) -> np.ndarray:
    """The duplication matrix D: vec(A) = D vech(A) for symmetric A."""
    ri, ci = vech_index(p)
    d = np.zeros((p * p, len(ri)))
    for k, (i, j) in enumerate(zip(ri, ci)):
        d[i * p + j, k] = 1.0
        d[j * p + i, k] = 1.0
    return d


@dataclass
class FactorModel:
    r"""A simple-structure factor model :math:`\Sigma = \Lambda\Psi\Lambda^\top + \Theta` and its free parameters.

    ``params`` lists the free parameters as ``(kind, a, b)``: ``("lam", item, factor)``, ``("theta", item,
    item)``, ``("psi", f, g)``; :meth:`x` gives their values, :meth:`sigma` the implied covariance at a
    parameter vector and :meth:`dsigma` its derivatives.
    """

    items: list
    factors: list
    params: list  # (kind, a, b) with kind "lam" (item, factor), "theta" (item), "psi" (f, g)
    lam: np.ndarray
    psi: np.ndarray
    theta: np.ndarray

    def sigma(self, x=None) -> np.ndarray:
        lam, psi, theta = self.unpack(x)
        return lam @ psi @ lam.T + np.diag(theta)

    def unpack(self, x=None):
        lam, psi, theta = self.lam.copy(), self.psi.copy(), self.theta.copy()
        if x is not None:
            for v, (kind, a, b) in zip(x, self.params):
                if kind == "lam":
                    lam[a, b] = v
                elif kind == "theta":
                    theta[a] = v
                else:
                    psi[a, b] = psi[b, a] = v
        return lam, psi, theta

    def x(self) -> np.ndarray:
        out = []
        for kind, a, b in self.params:
            out.append(self.lam[a, b] if kind == "lam" else self.theta[a] if kind == "theta" else self.psi[a, b])
        return np.asarray(out)

    def dsigma(self, x=None) -> list:
        """d Sigma / d theta_k, one p x p matrix per free parameter."""
        lam, psi, _ = self.unpack(x)
        p = len(self.items)
        out = []
        lp = lam @ psi
        for kind, a, b in self.params:
            m = np.zeros((p, p))
            if kind == "lam":
                m[a, :] += lp[:, b]
                m[:, a] += lp[:, b]
            elif kind == "theta":
                m[a, a] = 1.0
            else:
                m = np.outer(lam[:, a], lam[:, b])
                if a != b:
                    m = m + m.T
            out.append(m)
        return out


def factor_model(ml, model: dict) -> FactorModel:
    """The factor model of an ML :class:`~servqual.psychometrics.cfa.CFAResult`, at its estimates."""
    items, factors = list(ml.items), list(model)
    p, m = len(items), len(factors)
    lam, psi, theta = np.zeros((p, m)), np.zeros((m, m)), np.zeros(p)
    params = []
    for r in ml.parameters.itertuples(index=False):
        if r.op == "=~":
            i, f = items.index(r.rhs), factors.index(r.lhs)
            lam[i, f] = r.estimate
            if not r.fixed:
                params.append(("lam", i, f))
        elif r.op == "~~" and r.lhs in items:
            i = items.index(r.lhs)
            theta[i] = r.estimate
            if not r.fixed:
                params.append(("theta", i, i))
        elif r.op == "~~":
            f, g = factors.index(r.lhs), factors.index(r.rhs)
            psi[f, g] = psi[g, f] = r.estimate
            if not r.fixed:
                params.append(("psi", f, g))
    return FactorModel(items, factors, params, lam, psi, theta)


@dataclass(frozen=True, repr=False, eq=False)
class RobustCFAResult(ResultMixin):
    """A CFA by robust ML: the ML estimates with corrected standard errors, tests and fit indices.

    Attributes
    ----------
    estimates : DataFrame
        ``lhs, op, rhs, est, se, z, pvalue, ci_lower, ci_upper, std_all`` (lavaan's names).
    measures : Series
        The fit measures (also returned by :meth:`fit_measures`):
        lavaan's ``fitMeasures`` names, including ``chisq.scaled``, ``chisq.scaling.factor``,
        ``cfi.scaled``/``cfi.robust``, ``tli.*``, ``rmsea.scaled``/``rmsea.robust`` with intervals.
    test : dict
        The standard test and the robust one with its traces (``trace.UGamma`` ...).
    ml : CFAResult
        The underlying ML fit (estimates, implied covariances, standardized solution).
    estimator : str
    n : int
    """

    estimates: pd.DataFrame
    measures: pd.Series
    test: dict
    ml: object
    estimator: str
    n: int
    title = "CFA by robust ML"

    def fit_measures(self) -> pd.Series:
        """The fit measures as a Series name -> value (lavaan ``fitMeasures`` names), as ``CFAResult.fit_measures()``."""
        return self.measures.copy()

    def tables(self) -> dict:
        fm = self.fit_measures()
        keys = [k for k in ("chisq", "df", "pvalue", "chisq.scaled", "pvalue.scaled", "chisq.scaling.factor",
                            "cfi.robust", "tli.robust", "rmsea.robust", "srmr") if k in fm.index]
        fit = pd.DataFrame({"measure": keys, "value": [fm[k] for k in keys]})
        return {"Estimates": self.estimates, "Fit": fit}

    def notes(self, lang: str = "en") -> list:
        if lang == "zh":
            return [f"稳健最大似然（{self.estimator}，与 lavaan 一致）：估计值同 ML，标准误与检验统计量已按非正态校正；N = {self.n}。"]
        return [f"Robust ML ({self.estimator}, as lavaan): ML estimates with standard errors and test corrected "
                f"for non-normality; N = {self.n}."]


def cfa_robust(data, model, *, estimator: str = "MLR") -> RobustCFAResult:
    """Fit a CFA by ML with robust standard errors and test: ``lavaan::cfa(..., estimator = "MLM" | "MLMV" | "MLR")``.

    Parameters
    ----------
    data : DataFrame or Responses
        Numeric answers; rows with a missing value on a model item are left out (listwise).
    model : dict or str
        ``{factor: [items]}`` or lavaan ``=~`` syntax (markers: the first item of each factor).
    estimator : {"MLR", "MLM", "MLMV"}
        See the module docstring.

    Returns
    -------
    RobustCFAResult

    Notes
    -----
    Tested against lavaan 0.6.14 on the holzinger, mobi, kiosk, bfi and corporate-reputation data
    (``meanstructure = FALSE``, ``likelihood = "normal"``): robust standard errors, the scaled tests and
    the scaled and robust fit indices agree to 1e-4.

    Examples
    --------
    >>> import servqual as sq
    >>> hs = sq.read_dataset("holzinger").data
    >>> fit = cfa_robust(hs, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}, estimator="MLR")
    >>> fit.estimator, int(fit.fit_measures()["df"])
    ('MLR', 8)
    """
    est = str(estimator).upper()
    if est not in ROBUST_ESTIMATORS:
        raise AnalysisError(f"robust ML estimator must be one of {', '.join(ROBUST_ESTIMATORS)}, got {estimator!r}")
    se_kind, test_kind = ROBUST_ESTIMATORS[est]
    spec = parse_model(model)
    df = as_frame(data)
    ml = cfa_ml(df, spec)
    mod = factor_model(ml, spec)
    y = df[mod.items].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(float)
    n, p = y.shape
    z = y - y.mean(axis=0)
    s = z.T @ z / n
    sig = mod.sigma()
    si = np.linalg.inv(sig)
    ri, ci = vech_index(p)
    dup = duplication_matrix(p)
    ds = mod.dsigma()
    delta = np.column_stack([m[ri, ci] for m in ds])
    w = 0.5 * dup.T @ np.kron(si, si) @ dup
    d_i = z[:, ri] * z[:, ci]
    gamma = np.cov(d_i, rowvar=False, bias=True)
    a_inv = np.linalg.inv(delta.T @ w @ delta)
    fmv = ml.fit_measures()
    t = float(fmv["chi2"])
    dof = int(fmv["df"])
    tb, dfb = float(fmv["baseline_chi2"]), int(fmv["baseline_df"])
    x = mod.x()
    if se_kind == "robust.sem":
        v = a_inv @ delta.T @ w @ gamma @ w @ delta @ a_inv / n
    else:
        h = _observed_information(mod, x, s, ds)
        scores = _casewise_scores(z, si, ds)
        b = scores.T @ scores / n
        h_inv = np.linalg.inv(h)
        v = h_inv @ b @ h_inv / n
    se = np.sqrt(np.clip(np.diag(v), 0.0, None))
    u = w - w @ delta @ a_inv @ delta.T @ w
    ug = u @ gamma
    test = {"standard": {"stat": t, "df": dof, "pvalue": float(stats.chi2.sf(t, dof))}}
    # baseline (independence) model: Sigma = diag(S); its Delta picks the variances
    diag_rows = np.flatnonzero(ri == ci)
    sig_b = np.diag(np.diag(s))
    sib = np.linalg.inv(sig_b)
    w_b = 0.5 * dup.T @ np.kron(sib, sib) @ dup
    delta_b = np.zeros((len(ri), p))
    delta_b[diag_rows, np.arange(p)] = 1.0
    u_b = w_b - w_b @ delta_b @ np.linalg.inv(delta_b.T @ w_b @ delta_b) @ delta_b.T @ w_b
    ug_b = u_b @ gamma
    if test_kind == "satorra.bentler":
        c, cb = np.trace(ug) / dof, np.trace(ug_b) / dfb
        ts, tbs = t / c, tb / cb
        test[test_kind] = {"stat": ts, "df": dof, "scaling.factor": c, "trace.UGamma": float(np.trace(ug))}
        c_rob, cb_rob = c, cb
    elif test_kind == "scaled.shifted":
        ss, ssb = scaled_shifted(t, dof, ug), scaled_shifted(tb, dfb, ug_b)
        ts, b_, tbs, bb = ss["stat"], ss["shift.parameter"], ssb["stat"], ssb["shift.parameter"]
        c, cb = ss["scaling.factor"], ssb["scaling.factor"]
        test[test_kind] = {"stat": ts, "df": dof, "scaling.factor": c, "shift.parameter": b_,
                           "trace.UGamma": float(np.trace(ug)), "trace.UGamma2": float(np.sum(ug * ug.T))}
        c_rob, cb_rob = c * (dof - b_) / dof, cb * (dfb - bb) / dfb
    else:
        c, tr_h1, tr_h0 = _ybm_scaling(mod, x, z, s, si, dup, ri, ds, n)
        cb, _, _ = _ybm_baseline(z, s, dup, ri, n, p)
        ts, tbs = t / c, tb / cb
        test[test_kind] = {"stat": ts, "df": dof, "scaling.factor": c, "ybm_trace_h1": tr_h1, "ybm_trace_h0": tr_h0,
                           "trace.UGamma": tr_h1 - tr_h0}
        c_rob, cb_rob = c, cb
    test[test_kind]["pvalue"] = float(stats.chi2.sf(ts, dof))
    fm = {k: float(fmv[src]) for k, src in (("npar", "npar"), ("fmin", "fmin"), ("chisq", "chi2"), ("df", "df"),
                                            ("pvalue", "pval"), ("baseline.chisq", "baseline_chi2"),
                                            ("baseline.df", "baseline_df"), ("baseline.pvalue", "baseline_pval"),
                                            ("srmr", "srmr"), ("logl", "loglik"),
                                            ("unrestricted.logl", "unrestricted_loglik"), ("aic", "aic"),
                                            ("bic", "bic"), ("bic2", "bic2"))}
    fm.update(incremental(t, dof, tb, dfb))
    fm.update({"chisq.scaled": ts, "df.scaled": dof, "pvalue.scaled": test[test_kind]["pvalue"],
               "chisq.scaling.factor": c, "baseline.chisq.scaled": tbs, "baseline.df.scaled": dfb,
               "baseline.pvalue.scaled": float(stats.chi2.sf(tbs, dfb)), "baseline.chisq.scaling.factor": cb})
    fm.update({k + ".scaled": v_ for k, v_ in incremental(ts, dof, tbs, dfb).items()})
    # robust CFI / TLI (Brosseau-Liard & Savalei 2014): T - c df against Tb - cb dfb
    rob_num = max(t - c_rob * dof, 0.0)
    rob_den = max(tb - cb_rob * dfb, t - c_rob * dof, 0.0)
    fm["cfi.robust"] = 1.0 - rob_num / rob_den if rob_den > 0 else 1.0
    fm["rni.robust"] = 1.0 - (t - c_rob * dof) / (tb - cb_rob * dfb)
    fm["tli.robust"] = fm["nnfi.robust"] = 1.0 - ((t - c_rob * dof) * dfb) / ((tb - cb_rob * dfb) * dof)
    fm["rmsea"] = rmsea(t, dof, n)
    fm["rmsea.ci.lower"], fm["rmsea.ci.upper"] = rmsea_interval(t, dof, n)
    fm["rmsea.pvalue"], fm["rmsea.notclose.pvalue"] = rmsea_pvalues(t, dof, n)
    # lavaan's scaled RMSEA: the scaled-shifted statistic on df, else the unscaled one on tr(U Gamma)
    xx2, df2 = (ts, dof) if test_kind == "scaled.shifted" else (t, c * dof)
    fm["rmsea.scaled"] = rmsea(xx2, df2, n)
    fm["rmsea.ci.lower.scaled"], fm["rmsea.ci.upper.scaled"] = rmsea_interval(xx2, df2, n)
    fm["rmsea.pvalue.scaled"], fm["rmsea.notclose.pvalue.scaled"] = rmsea_pvalues(xx2, df2, n)
    fm["rmsea.robust"] = rmsea(t, dof, n, c_rob)
    fm["rmsea.ci.lower.robust"], fm["rmsea.ci.upper.robust"] = rmsea_interval(ts, dof, n, c)
    fm["rmsea.pvalue.robust"], fm["rmsea.notclose.pvalue.robust"] = rmsea_pvalues(ts, dof, n, c)
    fm.update({"rmsea.ci.level": 0.90, "rmsea.close.h0": 0.05, "rmsea.notclose.h0": 0.08, "ntotal": n})
    for k in ("rmr", "crmr", "gfi", "agfi", "pgfi", "mfi", "ecvi"):
        fm[k] = float(fmv[k])
    fm.update({"rmr_nomean": fm["rmr"], "crmr_nomean": fm["crmr"], "srmr_bentler": fm["srmr"],
               "srmr_bentler_nomean": fm["srmr"]})
    # Mplus' SRMR: residual correlations and relative residual variances
    so, sg = np.sqrt(np.diag(s)), np.sqrt(np.diag(sig))
    res = s / np.outer(so, so) - sig / np.outer(sg, sg)
    rel = (np.diag(s) - np.diag(sig)) / np.diag(s)
    fm["srmr_mplus"] = fm["srmr_mplus_nomean"] = float(
        np.sqrt((np.sum(np.tril(res, -1) ** 2) + np.sum(rel ** 2)) / (p * (p + 1) / 2)))
    fm["cn_05"] = float(stats.chi2.ppf(0.95, dof) / (t / n) + 1) if dof > 0 else np.nan
    fm["cn_01"] = float(stats.chi2.ppf(0.99, dof) / (t / n) + 1) if dof > 0 else np.nan
    if test_kind == "yuan.bentler.mplus":
        fm["scaling.factor.h1"] = tr_h1 / len(ri)
        fm["scaling.factor.h0"] = tr_h0 / len(x)
    estimates = _estimates(ml, mod, x, se)
    return RobustCFAResult(estimates, pd.Series(fm, dtype=float), test, ml, est, n)


def _gradient(mod: FactorModel, x, s, p):
    """d F_ML / d theta (F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p)."""
    sig = mod.sigma(x)
    si = np.linalg.inv(sig)
    m = si @ (sig - s) @ si
    return np.array([np.sum(m * d) for d in mod.dsigma(x)])


def _observed_information(mod: FactorModel, x, s, ds, h=1e-6) -> np.ndarray:
    """Observed information per case: half the Hessian of F_ML, by central differences of its gradient."""
    k = len(x)
    p = s.shape[0]
    hess = np.zeros((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        hess[:, j] = (_gradient(mod, x + e, s, p) - _gradient(mod, x - e, s, p)) / (2 * h)
    return 0.25 * (hess + hess.T)


def _casewise_scores(z, si, ds) -> np.ndarray:
    """d log L_i / d theta: 0.5 tr(Sigma^-1 (z_i z_i' - Sigma) Sigma^-1 dSigma_k)."""
    out = np.empty((z.shape[0], len(ds)))
    for k, d in enumerate(ds):
        sdk = si @ d @ si
        out[:, k] = 0.5 * (np.einsum("ij,jk,ik->i", z, sdk, z) - np.sum(si * d))
    return out


def _h1_trace(z, s, dup, n) -> float:
    """tr(A1^-1 B1) of the saturated model at its estimate S (observed = expected information there)."""
    si = np.linalg.inv(s)
    a1 = 0.5 * dup.T @ np.kron(si, si) @ dup
    zs = z @ si
    outer = 0.5 * (zs[:, :, None] * zs[:, None, :] - si[None, :, :])
    vec = outer.reshape(z.shape[0], -1)
    g = vec @ dup
    b1 = g.T @ g / n
    return float(np.trace(np.linalg.solve(a1, b1)))


def _ybm_scaling(mod, x, z, s, si, dup, ri, ds, n):
    tr_h1 = _h1_trace(z, s, dup, n)
    h = _observed_information(mod, x, s, ds)
    scores = _casewise_scores(z, si, ds)
    b = scores.T @ scores / n
    tr_h0 = float(np.trace(np.linalg.solve(h, b)))
    df = len(ri) - len(x)
    return (tr_h1 - tr_h0) / df, tr_h1, tr_h0


def _ybm_baseline(z, s, dup, ri, n, p):
    tr_h1 = _h1_trace(z, s, dup, n)
    scores = np.column_stack([0.5 * (z[:, i] ** 2 / s[i, i] ** 2 - 1.0 / s[i, i]) for i in range(p)])
    b = scores.T @ scores / n
    h = np.diag(0.5 / np.diag(s) ** 2)
    tr_h0 = float(np.trace(np.linalg.solve(h, b)))
    dfb = len(ri) - p
    return (tr_h1 - tr_h0) / dfb, tr_h1, tr_h0


def _estimates(ml, mod: FactorModel, x, se) -> pd.DataFrame:
    z975 = special.ndtri(0.975)
    se_of = {}
    for (kind, a, b), s_ in zip(mod.params, se):
        if kind == "lam":
            se_of[(mod.factors[b], "=~", mod.items[a])] = s_
        elif kind == "theta":
            se_of[(mod.items[a], "~~", mod.items[a])] = s_
        else:
            se_of[(mod.factors[a], "~~", mod.factors[b])] = s_
            se_of[(mod.factors[b], "~~", mod.factors[a])] = s_
    rows = []
    for r in ml.parameters.itertuples(index=False):
        s_ = float(se_of.get((r.lhs, r.op, r.rhs), 0.0))
        zv = r.estimate / s_ if s_ > 0 else np.nan
        rows.append({"lhs": r.lhs, "op": r.op, "rhs": r.rhs, "est": r.estimate, "se": s_, "z": zv,
                     "pvalue": 2 * special.ndtr(-abs(zv)) if s_ > 0 else np.nan,
                     "ci_lower": r.estimate - z975 * s_, "ci_upper": r.estimate + z975 * s_, "std_all": r.std_all})
    return pd.DataFrame(rows)
