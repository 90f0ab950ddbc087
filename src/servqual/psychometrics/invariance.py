r"""Measurement invariance across groups: configural, metric, scalar and strict multi-group CFA by ML,
as lavaan 0.6.14 fits them (``cfa(..., group = g, group.equal = ...)``) and as ``lavTestLRT`` compares them.

Each group :math:`g` has its own sample mean :math:`\bar y_g` and covariance :math:`S_g` (divisor
:math:`n_g`), and the model

.. math:: \mu_g = \nu_g + \Lambda_g\alpha_g, \qquad \Sigma_g = \Lambda_g\Psi_g\Lambda_g^\top + \Theta_g .

The levels add equality constraints across groups: *configural* (same pattern, everything free, latent
means 0), *metric* (loadings equal), *scalar* (loadings and intercepts equal; latent means free in every
group but the first), *strict* (also residual variances equal). The first loading of each factor is 1 in
every group (marker identification). The estimates minimise

.. math:: F = \sum_g \frac{n_g}{N}\Big[\log|\Sigma_g| + \operatorname{tr}(S_g\Sigma_g^{-1}) - \log|S_g| - p
          + (\bar y_g - \mu_g)^\top\Sigma_g^{-1}(\bar y_g - \mu_g)\Big],

the test is :math:`T = N F`, standard errors come from the expected information, and the RMSEA of a
multi-group model carries lavaan's factor :math:`\sqrt{G}`. Nested levels are compared by the
chi-square difference (with its RMSEA, as ``lavTestLRT``) and by the changes in CFI, TLI, RMSEA and SRMR
(Chen 2007: a drop of CFI by more than .010 signals non-invariance).

References
----------
Meredith, W. (1993). Measurement invariance, factor analysis and factorial invariance. *Psychometrika*,
58, 525–543.
Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance.
*Structural Equation Modeling*, 14, 464–504.

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.invariance import measurement_invariance
>>> hs = sq.read_dataset("holzinger").data
>>> inv = measurement_invariance(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9",
...                              group="school")
>>> inv.table[["level", "chisq", "df"]].round(3)
        level    chisq  df
0  configural  115.851  48
1      metric  124.044  54
2      scalar  164.103  60
3      strict  181.511  69
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
from servqual.psychometrics.cfa_robust import duplication_matrix, vech_index
from servqual.psychometrics.fit_indices import incremental, rmsea, rmsea_interval

__all__ = ["LEVELS", "MultiGroupFit", "InvarianceResult", "multigroup_cfa", "measurement_invariance", "invariance"]

#: The invariance levels and the parameter families each holds equal across groups (lavaan's group.equal).
LEVELS = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}


@dataclass
class _Layout:
    """Where each group's matrix entries live in the parameter vector (-1 = fixed)."""

    items: list
    factors: list
    n_groups: int
    lam: np.ndarray  # (G, p, m) index
    lam_fixed: np.ndarray  # (p, m) fixed values
    theta: np.ndarray  # (G, p)
    psi: np.ndarray  # (G, m, m) symmetric index
    nu: np.ndarray  # (G, p)
    alpha: np.ndarray  # (G, m)
    names: list  # (lhs, op, rhs, group) of each free parameter
    n_par: int

    def matrices(self, v, g):
        lam = self.lam_fixed.copy()
        idx = self.lam[g]
        lam[idx >= 0] = v[idx[idx >= 0]]
        theta = v[self.theta[g]]
        psi = v[self.psi[g]]
        nu = v[self.nu[g]]
        alpha = np.where(self.alpha[g] >= 0, v[np.maximum(self.alpha[g], 0)], 0.0)
        return lam, theta, psi, nu, alpha


def _layout(model: dict, n_groups: int, equal: tuple) -> _Layout:
    items = [i for f in model for i in model[f]]
    factors = list(model)
    p, m = len(items), len(factors)
    names: list = []

    def new(name):
        names.append(name)
        return len(names) - 1

    lam = -np.ones((n_groups, p, m), int)
    fixed = np.zeros((p, m))
    for f, fname in enumerate(factors):
        for k, it in enumerate(model[fname]):
            i = items.index(it)
            if k == 0:
                fixed[i, f] = 1.0
                continue
            shared = new((fname, "=~", it, 0)) if "loadings" in equal else None
            for g in range(n_groups):
                lam[g, i, f] = shared if shared is not None else new((fname, "=~", it, g + 1))
    theta = np.zeros((n_groups, p), int)
    for i, it in enumerate(items):
        shared = new((it, "~~", it, 0)) if "residuals" in equal else None
        for g in range(n_groups):
            theta[g, i] = shared if shared is not None else new((it, "~~", it, g + 1))
    psi = np.zeros((n_groups, m, m), int)
    for g in range(n_groups):
        for f in range(m):
            for h in range(f, m):
                psi[g, f, h] = psi[g, h, f] = new((factors[f], "~~", factors[h], g + 1))
    nu = np.zeros((n_groups, p), int)
    for i, it in enumerate(items):
        shared = new((it, "~1", "", 0)) if "intercepts" in equal else None
        for g in range(n_groups):
            nu[g, i] = shared if shared is not None else new((it, "~1", "", g + 1))
    alpha = -np.ones((n_groups, m), int)
    if "intercepts" in equal:
        for g in range(1, n_groups):
            for f in range(m):
                alpha[g, f] = new((factors[f], "~1", "", g + 1))
    return _Layout(items, factors, n_groups, lam, fixed, theta, psi, nu, alpha, names, len(names))


def _objective(v, lay: _Layout, stats_g, n_total):
    f_total, grad = 0.0, np.zeros_like(v)
    for g, (n_g, ybar, s) in enumerate(stats_g):
        lam, theta, psi, nu, alpha = lay.matrices(v, g)
        sig = lam @ psi @ lam.T + np.diag(theta)
        sign, logdet = np.linalg.slogdet(sig)
        if sign <= 0:
            return np.inf, grad
        si = np.linalg.inv(sig)
        mu = nu + lam @ alpha
        d = ybar - mu
        w = n_g / n_total
        f_total += w * (logdet + np.sum(s * si) + d @ si @ d)
        # dF/dSigma (symmetric) and dF/dmu
        gs = si - si @ (s + np.outer(d, d)) @ si
        gm = -2.0 * si @ d
        # chain rule
        lp = lam @ psi
        g_lam = 2.0 * gs @ lp + np.outer(gm, alpha)
        g_psi = lam.T @ gs @ lam
        g_alpha = lam.T @ gm
        idx = lay.lam[g]
        np.add.at(grad, idx[idx >= 0], w * g_lam[idx >= 0])
        np.add.at(grad, lay.theta[g], w * np.diag(gs))
        m = len(lay.factors)
        for f in range(m):
            for h in range(f, m):
                grad[lay.psi[g, f, h]] += w * (g_psi[f, h] if f == h else g_psi[f, h] + g_psi[h, f])
        np.add.at(grad, lay.nu[g], w * gm)
        a = lay.alpha[g]
        np.add.at(grad, a[a >= 0], w * g_alpha[a >= 0])
    return f_total, grad


def _start(lay: _Layout, stats_g) -> np.ndarray:
    v = np.zeros(lay.n_par)
    for g, (_, ybar, s) in enumerate(stats_g):
        idx = lay.lam[g]
        v[idx[idx >= 0]] = 1.0
        v[lay.theta[g]] = np.diag(s) / 2
        m = len(lay.factors)
        for f in range(m):
            marker = int(np.flatnonzero(lay.lam_fixed[:, f])[0])
            v[lay.psi[g, f, f]] = s[marker, marker] / 2
        v[lay.nu[g]] = ybar
    return v


def _expected_information(v, lay: _Layout, stats_g, n_total) -> np.ndarray:
    """Expected information per case: sum over groups of (n_g/N) Delta_g' W_g Delta_g, with Delta_g the
    Jacobian of (mu_g, vech Sigma_g) by central differences and W_g the normal-theory weight
    (Sigma^-1 for the means, 0.5 D'(Sigma^-1 x Sigma^-1) D for the covariances)."""
    k = lay.n_par
    info = np.zeros((k, k))
    p = len(lay.items)
    ri, ci = vech_index(p)
    dup = duplication_matrix(p)
    for g, (n_g, _, _) in enumerate(stats_g):
        def moments(x):
            lam, theta, psi, nu, alpha = lay.matrices(x, g)
            sig = lam @ psi @ lam.T + np.diag(theta)
            return np.concatenate([nu + lam @ alpha, sig[ri, ci]]), sig

        _, sig = moments(v)
        h = 1e-6
        eye = np.eye(k) * h
        jac = np.column_stack([(moments(v + eye[j])[0] - moments(v - eye[j])[0]) / (2 * h) for j in range(k)])
        si = np.linalg.inv(sig)
        w_cov = 0.5 * dup.T @ np.kron(si, si) @ dup
        wmat = np.block([[si, np.zeros((p, ri.size))], [np.zeros((ri.size, p)), w_cov]])
        info += (n_g / n_total) * jac.T @ wmat @ jac
    return info


def _fisher_scoring(v, lay: _Layout, stats_g, n_total, tol=1e-9, max_iter=50):
    """Polish the estimates by Fisher scoring (the Hessian of F is about twice the expected information)."""
    for _ in range(max_iter):
        f, grad = _objective(v, lay, stats_g, n_total)
        if np.max(np.abs(grad)) < tol:
            break
        step = np.linalg.solve(2.0 * _expected_information(v, lay, stats_g, n_total), grad)
        if np.max(np.abs(step)) < 1e-12:
            break
        t = 1.0
        while t > 1e-4:
            f_new, _ = _objective(v - t * step, lay, stats_g, n_total)
            if f_new <= f:
                break
            t /= 2
        v = v - t * step
    return v


@dataclass(frozen=True, repr=False, eq=False)
class MultiGroupFit(ResultMixin):
    """One multi-group CFA (one invariance level).

    Attributes
    ----------
    level : str
    estimates : DataFrame
        ``lhs, op, rhs, group, group_label, est, se, z, pvalue`` (one row per group and parameter; shared
        parameters repeat their value in every group).
    measures : Series
        The fit measures (also returned by :meth:`fit_measures`):
        lavaan's names: ``chisq``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea`` (with interval), ``srmr``,
        ``aic``, ``bic``, ``logl`` ...
    groups : list
    n : dict
        Rows per group.
    """

    level: str
    estimates: pd.DataFrame
    measures: pd.Series
    groups: list
    n: dict
    converged: bool
    title = "Multi-group CFA"

    def fit_measures(self) -> pd.Series:
        """The fit measures as a Series name -> value (lavaan ``fitMeasures`` names), as ``CFAResult.fit_measures()``."""
        return self.measures.copy()

    def tables(self) -> dict:
        keys = [k for k in ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic") if k in self.fit_measures()]
        return {"Fit": pd.DataFrame({"measure": keys, "value": [self.fit_measures()[k] for k in keys]}),
                "Estimates": self.estimates}


def multigroup_cfa(data, model, group: str, level: str = "configural", *, groups=None) -> MultiGroupFit:
    """Fit a multi-group CFA at one invariance level (``lavaan::cfa(..., group = , group.equal = )``).

    Parameters
    ----------
    data : DataFrame or Responses
    model : dict or str
        ``{factor: [items]}`` or lavaan ``=~`` syntax.
    group : str
        The grouping column.
    level : {"configural", "metric", "scalar", "strict"}
    groups : list, optional
        Group values in the order to use (default: order of first appearance, as lavaan).

    Returns
    -------
    MultiGroupFit
    """
    if level not in LEVELS:
        raise AnalysisError(f"invariance level must be one of {', '.join(LEVELS)}, got {level!r}")
    spec = parse_model(model)
    df = as_frame(data)
    items = [i for f in spec for i in spec[f]]
    absent = [c for c in items + [group] if c not in df.columns]
    if absent:
        raise AnalysisError(f"multi-group CFA: column(s) not in the data: {', '.join(absent)}")
    sub = df[items + [group]].copy()
    sub[items] = sub[items].apply(pd.to_numeric, errors="coerce")
    sub = sub.dropna()
    levels = list(pd.unique(sub[group])) if groups is None else list(groups)
    if len(levels) < 2:
        raise AnalysisError(f"multi-group CFA needs at least two groups in {group!r}, found {levels}")
    stats_g, n = [], {}
    for lv in levels:
        y = sub.loc[sub[group] == lv, items].to_numpy(float)
        if y.shape[0] <= len(items):
            raise AnalysisError(f"group {lv!r} of {group!r} has {y.shape[0]} complete rows, fewer than the "
                                f"{len(items) + 1} a covariance matrix of {len(items)} items needs")
        z = y - y.mean(axis=0)
        stats_g.append((y.shape[0], y.mean(axis=0), z.T @ z / y.shape[0]))
        n[lv] = int(y.shape[0])
    n_total = sum(n.values())
    lay = _layout(spec, len(levels), LEVELS[level])
    sol = optimize.minimize(_objective, _start(lay, stats_g), args=(lay, stats_g, n_total), jac=True,
                            method="BFGS", options={"gtol": 1e-6, "maxiter": 2000})
    v = _fisher_scoring(sol.x, lay, stats_g, n_total)
    f_min, grad = _objective(v, lay, stats_g, n_total)
    converged = bool(np.max(np.abs(grad)) < 1e-5)
    p, G = len(items), len(levels)
    const = sum((n_g / n_total) * (np.linalg.slogdet(s)[1] + p) for n_g, _, s in stats_g)
    t = n_total * (f_min - const)
    pstar = G * (p * (p + 1) / 2 + p)
    dof = int(pstar - lay.n_par)
    info = _expected_information(v, lay, stats_g, n_total)
    se = np.sqrt(np.clip(np.diag(np.linalg.inv(info)) / n_total, 0, None))
    fm = _fit_measures(t, dof, stats_g, n_total, lay, v, G)
    estimates = _estimates(lay, v, se, levels)
    return MultiGroupFit(level, estimates, pd.Series(fm, dtype=float), levels, n, converged)


def _fit_measures(t, df, stats_g, n_total, lay, v, G) -> dict:
    p = len(lay.items)
    tb = sum(n_g * (np.sum(np.log(np.diag(s))) - np.linalg.slogdet(s)[1]) for n_g, _, s in stats_g)
    dfb = G * p * (p - 1) // 2
    fm = {"npar": lay.n_par, "chisq": t, "df": df, "pvalue": float(stats.chi2.sf(t, df)),
          "baseline.chisq": tb, "baseline.df": dfb, "baseline.pvalue": float(stats.chi2.sf(tb, dfb)),
          "ntotal": n_total}
    fm.update(incremental(t, df, tb, dfb))
    logl, logl1, sse_list = 0.0, 0.0, []
    for g, (n_g, ybar, s) in enumerate(stats_g):
        lam, theta, psi, nu, alpha = lay.matrices(v, g)
        sig = lam @ psi @ lam.T + np.diag(theta)
        mu = nu + lam @ alpha
        si = np.linalg.inv(sig)
        d = ybar - mu
        logl += -0.5 * n_g * (p * np.log(2 * np.pi) + np.linalg.slogdet(sig)[1] + np.sum(s * si) + d @ si @ d)
        logl1 += -0.5 * n_g * (p * np.log(2 * np.pi) + np.linalg.slogdet(s)[1] + p)
        # Bentler's SRMR: residuals scaled by the observed standard deviations
        so = np.sqrt(np.diag(s))
        r = (s - sig) / np.outer(so, so)
        mres = (ybar - mu) / so
        il = np.tril_indices(p)
        sse_list.append((n_g, float(np.sum(r[il] ** 2)), float(np.sum(mres ** 2))))
    npar = lay.n_par
    fm.update({"logl": logl, "unrestricted.logl": logl1, "aic": -2 * logl + 2 * npar,
               "bic": -2 * logl + npar * np.log(n_total), "bic2": -2 * logl + npar * np.log((n_total + 2) / 24)})
    pstar = p * (p + 1) / 2
    fm["srmr"] = float(sum(n_g / n_total * np.sqrt((a + b) / (pstar + p)) for n_g, a, b in sse_list))
    fm["srmr_bentler_nomean"] = float(sum(n_g / n_total * np.sqrt(a / pstar) for n_g, a, _ in sse_list))
    fm["rmsea"] = rmsea(t, df, n_total, groups=G)
    fm["rmsea.ci.lower"], fm["rmsea.ci.upper"] = rmsea_interval(t, df, n_total, groups=G)
    fm["mfi"] = float(np.exp(-0.5 * (t - df) / n_total))
    return fm


def _estimates(lay: _Layout, v, se, levels) -> pd.DataFrame:
    rows = []
    z975 = special.ndtri(0.975)
    m = len(lay.factors)

    def add(lhs, op, rhs, g, idx, fixed_value=0.0):
        est = float(v[idx]) if idx >= 0 else fixed_value
        s_ = float(se[idx]) if idx >= 0 else 0.0
        zv = est / s_ if s_ > 0 else np.nan
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "group": g + 1, "group_label": levels[g], "est": est,
                     "se": s_, "z": zv, "pvalue": 2 * special.ndtr(-abs(zv)) if s_ > 0 else np.nan,
                     "ci_lower": est - z975 * s_, "ci_upper": est + z975 * s_})

    for g in range(lay.n_groups):
        for f, fname in enumerate(lay.factors):
            for i in np.flatnonzero((lay.lam[g][:, f] >= 0) | (lay.lam_fixed[:, f] != 0)):
                add(fname, "=~", lay.items[i], g, int(lay.lam[g, i, f]), lay.lam_fixed[i, f])
        for i, it in enumerate(lay.items):
            add(it, "~~", it, g, int(lay.theta[g, i]))
        for f in range(m):
            for h in range(f, m):
                add(lay.factors[f], "~~", lay.factors[h], g, int(lay.psi[g, f, h]))
        for i, it in enumerate(lay.items):
            add(it, "~1", "", g, int(lay.nu[g, i]))
        for f in range(m):
            add(lay.factors[f], "~1", "", g, int(lay.alpha[g, f]))
    return pd.DataFrame(rows)


@dataclass(frozen=True, repr=False, eq=False)
class InvarianceResult(ResultMixin):
    """The four invariance levels and their comparisons.

    Attributes
    ----------
    fits : dict
        Level -> :class:`MultiGroupFit`.
    table : DataFrame
        One row per level: ``level, chisq, df, pvalue, cfi, tli, rmsea, srmr, aic, bic``.
    comparisons : DataFrame
        One row per step (``configural -> metric`` ...): ``chisq_diff, df_diff, pvalue, rmsea_diff``
        (``lavTestLRT``) and ``delta_cfi, delta_tli, delta_rmsea, delta_srmr``.
    """

    fits: dict
    table: pd.DataFrame
    comparisons: pd.DataFrame
    group: str
    title = "Measurement invariance"

    @property
    def fit(self) -> pd.DataFrame:
        """One row per level with its fit measures (the issue's name for :attr:`table`)."""
        return self.table

    @property
    def tests(self) -> pd.DataFrame:
        """Adjacent levels compared: chi-square difference test and changes of the fit indices."""
        return self.comparisons

    @property
    def latent_means(self) -> pd.DataFrame:
        """Latent means of every group under scalar invariance (0 in the first group), with SE, z and p."""
        if "scalar" not in self.fits:
            return pd.DataFrame(columns=["factor", "group", "est", "se", "z", "pvalue"])
        e = self.fits["scalar"].estimates
        factors = e.loc[e["op"] == "=~", "lhs"].unique()
        m = e[(e["op"] == "~1") & e["lhs"].isin(factors)]
        return m.drop(columns="group").rename(columns={"lhs": "factor", "group_label": "group"})[
            ["factor", "group", "est", "se", "z", "pvalue"]].reset_index(drop=True)

    def tables(self) -> dict:
        return {"Levels": self.table, "Comparisons": self.comparisons, "Latent means (scalar)": self.latent_means}

    def notes(self, lang: str = "en") -> list:
        """The highest level reached in order: a level holds when its CFI drops by at most .010 from the
        level before (Chen 2007) and every level before it holds; the levels after the first that fails
        are not interpreted (they rest on it)."""
        cut = 0.010
        held, failed = [], None
        for _, r in self.comparisons.iterrows():
            if r["delta_cfi"] >= -cut:
                held.append(r["to"])
            else:
                failed = r
                break
        first = self.comparisons["from"].iloc[0] if len(self.comparisons) else (self.table["level"].iloc[0] if len(self.table) else "")
        top = held[-1] if held else first
        if lang == "zh":
            out = f"按 {self.group} 分组的测量不变性（ML，与 lavaan 一致；每一层级与前一层级相比 CFI 下降不超过 .010 即成立，Chen 2007）：最高成立的层级为 {top}。"
            if failed is not None:
                out += (f"{failed['to']} 不成立（ΔCFI = {failed['delta_cfi']:.3f}），其后的层级以它为前提，不再解释；"
                        "可检查哪些题项的参数在组间不同（部分不变性）。")
            return [out]
        out = (f"Measurement invariance across {self.group} (ML, as lavaan; a level holds when CFI drops by at most .010 "
               f"from the level before, Chen 2007): the highest level that holds is {top}.")
        if failed is not None:
            out += (f" {failed['to']} does not hold (ΔCFI = {failed['delta_cfi']:.3f}); the levels after it rest on it and "
                    "are not interpreted. Look for the items whose parameters differ between the groups (partial invariance).")
        return [out]


def measurement_invariance(data, model, group: str, *, levels=tuple(LEVELS), groups=None) -> InvarianceResult:
    """Fit the nested invariance levels and compare each with the one before.

    Parameters
    ----------
    data : DataFrame or Responses
    model : dict or str
    group : str
        The grouping column.
    levels : sequence of str
        Levels to fit, in nesting order (default: configural, metric, scalar, strict).
    groups : list, optional
        Group values in the order to use.

    Returns
    -------
    InvarianceResult

    Notes
    -----
    Tested against lavaan 0.6.14 and ``lavTestLRT`` on the Holzinger–Swineford data by school (the lavaan
    tutorial's example): chi-square, df, fit indices, estimates and standard errors of every level agree
    to 1e-4.
    """
    fits = {lv: multigroup_cfa(data, model, group, lv, groups=groups) for lv in levels}
    keys = ["chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr", "aic", "bic"]
    table = pd.DataFrame([{"level": lv, **{k: float(f.fit_measures()[k]) for k in keys}} for lv, f in fits.items()])
    table["df"] = table["df"].astype(int)
    rows = []
    names = list(fits)
    for a, b in zip(names, names[1:]):
        fa, fb = fits[a].fit_measures(), fits[b].fit_measures()
        dchi, ddf = fb["chisq"] - fa["chisq"], int(fb["df"] - fa["df"])
        n, G = fb["ntotal"], len(fits[b].groups)
        rows.append({"from": a, "to": b, "chisq_diff": dchi, "df_diff": ddf,
                     "pvalue": float(stats.chi2.sf(dchi, ddf)) if ddf > 0 else np.nan,
                     "rmsea_diff": float(np.sqrt(max((dchi - ddf) / (n * ddf), 0.0)) * np.sqrt(G)) if ddf > 0 else np.nan,
                     **{f"delta_{k}": float(fb[k] - fa[k]) for k in ("cfi", "tli", "rmsea", "srmr", "aic", "bic", "mfi")}})
    return InvarianceResult(fits, table, pd.DataFrame(rows), group)


def invariance(data, model, group: str, *, estimator: str = "ML", levels=tuple(LEVELS), partial=None,
               groups=None) -> InvarianceResult:
    r"""Measurement invariance under the name and arguments of the invariance issue.

    ``estimator="ML"`` (robust and ordinal ladders are not available yet) and ``partial=None`` (partial
    invariance is not available yet); otherwise as :func:`measurement_invariance`, whose result has
    ``.fit`` (one row per level), ``.tests`` (adjacent levels compared) and ``.latent_means``.

    Examples
    --------
    >>> import servqual as sq
    >>> hs = sq.read_dataset("holzinger").data
    >>> res = invariance(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6", "school", levels=("configural", "metric"))
    >>> list(res.fit["level"]), int(res.tests.loc[0, "df_diff"])
    (['configural', 'metric'], 4)
    """
    if str(estimator).upper() != "ML":
        raise AnalysisError(f"invariance with estimator {estimator!r} is not available yet; use estimator='ML'")
    if partial:
        raise AnalysisError("partial invariance (partial=) is not available yet; compare the nested levels instead")
    return measurement_invariance(data, model, group, levels=levels, groups=groups)
