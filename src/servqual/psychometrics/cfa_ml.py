"""Confirmatory factor analysis (CFA) by maximum likelihood, as R ``lavaan::cfa``.

The model is a dict ``{factor: [items]}`` (or simple lavaan syntax ``"F =~ a + b + c"``). Each factor is
identified by its first item (marker variable: loading fixed to 1, ``std.lv = FALSE``); residual variances
and the full latent covariance matrix are free. Estimation uses only the sample covariance matrix with
divisor N (lavaan's ``likelihood = "normal"``), so after reading the data the cost does not grow with the
number of respondents.

Fit measures follow ``lavaan::fitMeasures`` (lavaan 0.6.14): the chi-square is ``N * F_ML``, RMSEA and its
90 % interval use N (not N - 1), SRMR is Bentler's (residuals standardised by the observed standard
deviations, lower triangle with the diagonal), GFI/AGFI are Joreskog-Sorbom's ML versions and AIC/BIC use
the full normal log-likelihood. Standard errors come from the expected information matrix
(``se = "standard"``, ``information = "expected"``) and the standardised (``std.all``) solution's standard
errors from the delta method, exactly as ``lavaan::standardizedSolution``.

Tested against R lavaan 0.6.14 on six real data sets.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special

from servqual._blas import single_thread_blas
from servqual._results import ResultMixin
from servqual._linalg import eigvals_desc, require_nonsingular
from servqual._text import T, check_lang, p_sentence
from servqual.exceptions import AnalysisError, ConvergenceWarning, HeywoodWarning, ServqualWarning
from servqual.psychometrics._kernels import cholesky_inverse, solve_pd
from servqual.psychometrics.cutoffs import INDEX_ACCEPTABLE, RMSEA_ACCEPTABLE, dot, author_year
from servqual.psychometrics.fit_indices import rmsea_interval
from servqual.psychometrics.stats import check_items, stats_from
from servqual.thresholds import THRESHOLDS

__all__ = ["cfa_ml", "CFAResult", "parse_model"]

_Z975 = float(special.ndtri(0.975))


def _p_norm(z):
    """Two-sided normal p value, NaN where z is NaN."""
    return 2.0 * special.ndtr(-np.abs(np.asarray(z, dtype=float)))


_FIT_COLUMNS = [
    "estimator", "n", "npar", "chi2", "df", "pval", "cfi", "tli", "nfi", "rfi", "ifi", "rni", "pnfi", "rmsea",
    "rmsea_ci_low", "rmsea_ci_high", "rmsea_pval", "srmr", "rmr", "crmr", "gfi", "agfi", "pgfi", "mfi", "ecvi",
    "aic", "bic", "bic2", "loglik", "unrestricted_loglik", "baseline_chi2", "baseline_df", "baseline_pval",
    "fmin", "converged", "iterations",
]


# ---------------------------------------------------------------------------------------------
# model specification
# ---------------------------------------------------------------------------------------------
def parse_model(model) -> dict:
    """Normalise a measurement model to ``{factor: [items]}``.

    Parameters
    ----------
    model : dict or str
        ``{factor: [items]}`` or lavaan measurement syntax (lines ``F =~ a + b + c``; ``;`` also separates
        statements, ``#`` starts a comment). Only ``=~`` statements are understood.

    Returns
    -------
    dict
        Factor -> list of item names, in the given order (the first item is the factor's marker).
    """
    if isinstance(model, str):
        out: dict = {}
        for raw in re.split(r"[;\n]", model):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if "=~" not in line:
                raise AnalysisError(
                    f"model line {line!r} is not a measurement statement 'factor =~ item1 + item2'; only '=~' lines "
                    "are supported (pass a dict {factor: [items]} for a plain CFA)."
                )
            lhs, rhs = (s.strip() for s in line.split("=~", 1))
            items = [t.strip() for t in rhs.split("+") if t.strip()]
            if not lhs or not items or any("*" in t for t in items):
                raise AnalysisError(f"cannot read model line {line!r}: write 'factor =~ item1 + item2 + item3' "
                                    "(fixed values / labels with '*' are not supported)")
            out.setdefault(lhs, []).extend(items)
        model = out
    if not isinstance(model, dict) or not model:
        raise AnalysisError("model must be a non-empty dict {factor: [items]} (or lavaan '=~' syntax)")
    clean = {}
    for f, items in model.items():
        if isinstance(items, str):
            items = [items]
        items = [str(i) for i in items]
        if not items:
            raise AnalysisError(f"factor {f!r} has no items; give every factor at least one item")
        dup = sorted({i for i in items if items.count(i) > 1})
        if dup:
            raise AnalysisError(f"factor {f!r} lists item(s) {', '.join(dup)} more than once; list each item once")
        clean[str(f)] = items
    items_all = {i for v in clean.values() for i in v}
    clash = sorted(set(clean) & items_all)
    if clash:
        raise AnalysisError(f"name(s) {', '.join(clash)} are used both for a factor and an item; rename the factor")
    return clean


@dataclass(frozen=True)
class _Spec:
    factors: list
    items: list
    lam_pattern: np.ndarray  # (p, k) bool: loading present
    lam_free: list  # [(i, f)] free loadings
    markers: list  # [(i, f)] loadings fixed to 1
    theta_free: list  # item indices with free residual variance
    theta_fixed: list  # item indices whose residual variance is fixed to 0 (single-indicator factors)
    psi_pairs: list  # [(f, g)] with f >= g

    def __post_init__(self):
        lf = np.asarray(self.lam_free, dtype=int).reshape(-1, 2)
        mk = np.asarray(self.markers, dtype=int).reshape(-1, 2)
        pp = np.asarray(self.psi_pairs, dtype=int).reshape(-1, 2)
        object.__setattr__(self, "lam_index", (lf[:, 0], lf[:, 1]))
        object.__setattr__(self, "marker_index", (mk[:, 0], mk[:, 1]))
        object.__setattr__(self, "psi_index", (pp[:, 0], pp[:, 1]))
        object.__setattr__(self, "theta_index", np.asarray(self.theta_free, dtype=int))
        # index arrays and masks of the derivatives, built once per model
        ii, ff = lf[:, 0], lf[:, 1]
        gi, hi = pp[:, 0], pp[:, 1]
        nl, nt = len(lf), len(self.theta_free)
        object.__setattr__(self, "ix_ff", np.ix_(ff, ff))
        object.__setattr__(self, "ix_ii", np.ix_(ii, ii))
        object.__setattr__(self, "psi_mask_g", 2.0 * (ff[:, None] == gi[None, :]))
        object.__setattr__(self, "psi_mask_h", 2.0 * ((ff[:, None] == hi[None, :]) & (gi != hi)[None, :]))
        object.__setattr__(self, "rows_lam", np.arange(nl))
        object.__setattr__(self, "rows_theta", nl + np.arange(nt))
        object.__setattr__(self, "rows_psi", nl + nt + np.arange(len(pp)))
        object.__setattr__(self, "psi_offdiag", gi != hi)
        # start values: each factor's items (marker first) as one padded gather for all factors
        groups, singles = [], []
        for f in range(len(self.factors)):
            marker = [i for i, g in self.markers if g == f][0]
            order = [marker] + [i for i in np.flatnonzero(self.lam_pattern[:, f]) if i != marker]
            (groups if len(order) > 1 else singles).append((f, np.array(order)))
        m = max((len(o) for _, o in groups), default=0)
        gather = np.zeros((len(groups), m), dtype=int)
        valid = np.zeros((len(groups), m), dtype=bool)
        for j, (_, order) in enumerate(groups):
            gather[j, : len(order)] = order
            valid[j, : len(order)] = True
        object.__setattr__(self, "start_groups", groups)
        object.__setattr__(self, "start_singles", singles)
        object.__setattr__(self, "start_gather", (gather[:, :, None], gather[:, None, :]))
        object.__setattr__(self, "start_valid", (valid, valid[:, :, None] & valid[:, None, :]))

    @property
    def n_lam(self):
        return len(self.lam_free)

    @property
    def n_theta(self):
        return len(self.theta_free)

    @property
    def q(self):
        return len(self.lam_free) + len(self.theta_free) + len(self.psi_pairs)


def _build_spec(model: dict) -> _Spec:
    factors = list(model)
    items: list = []
    for v in model.values():
        for i in v:
            if i not in items:
                items.append(i)
    p, k = len(items), len(factors)
    pat = np.zeros((p, k), dtype=bool)
    lam_free, markers = [], []
    for f, name in enumerate(factors):
        for j, it in enumerate(model[name]):
            i = items.index(it)
            pat[i, f] = True
            (markers if j == 0 else lam_free).append((i, f))
    # lavaan's auto.fix.single: the residual variance of the only indicator of a factor is fixed to zero
    single = sorted({items.index(model[name][0]) for name in factors if len(model[name]) == 1})
    theta_free = [i for i in range(p) if i not in single]
    psi_pairs = [(f, g) for f in range(k) for g in range(f + 1)]
    return _Spec(factors, items, pat, lam_free, markers, theta_free, single, psi_pairs)


def _unpack(x, spec: _Spec):
    """Parameter vector -> (Lambda, theta diagonal, Psi); works for complex vectors (complex-step)."""
    p, k = len(spec.items), len(spec.factors)
    dt = np.result_type(x, float)
    lam = np.zeros((p, k), dtype=dt)
    lam[spec.marker_index] = 1.0
    a, t = spec.n_lam, spec.n_theta
    lam[spec.lam_index] = x[:a]
    theta = np.zeros(p, dtype=dt)
    theta[spec.theta_index] = x[a:a + t]
    psi = np.zeros((k, k), dtype=dt)
    ff, gg = spec.psi_index
    vals = x[a + t:]
    psi[ff, gg] = vals
    psi[gg, ff] = vals
    return lam, theta, psi


def _sigma(x, spec):
    lam, theta, psi = _unpack(x, spec)
    s = lam @ psi @ lam.T
    s[np.diag_indices_from(s)] += theta
    return s


def _rank_one_terms(lam, psi, spec: _Spec):
    """dSigma/dx_a = X[a] Y[a]' + X[q + a] Y[q + a]' (two rank-one terms per parameter; (2q, p) each).

    Loading (i, f): e_i u_f' + u_f e_i' with u = Lambda Psi; residual variance i: e_i e_i'; latent
    covariance (f, g): l_f l_g' + l_g l_f' (one term for a variance)."""
    p, q = len(spec.items), spec.q
    xs = np.zeros((2 * q, p))
    ys = np.zeros((2 * q, p))
    nl, nt = spec.n_lam, spec.n_theta
    if nl:
        ii, ff = spec.lam_index
        u = (lam @ psi)[:, ff].T  # (nl, p)
        a = spec.rows_lam
        xs[a, ii] = 1.0
        ys[a] = u
        xs[q + a] = u
        ys[q + a, ii] = 1.0
    if nt:
        t = spec.theta_index
        b = spec.rows_theta
        xs[b, t] = 1.0
        ys[b, t] = 1.0
    fi, gi = spec.psi_index
    c = spec.rows_psi
    xs[c] = lam[:, fi].T
    ys[c] = lam[:, gi].T
    off = spec.psi_offdiag
    xs[q + c[off]] = lam[:, gi[off]].T
    ys[q + c[off]] = lam[:, fi[off]].T
    return xs, ys


def _fold(k1, k2, q):
    """[tr(A D_a B D_b)]_ab from k1 = Y A X', k2 = Y B X' (D_a from :func:`_rank_one_terms`).

    tr(A D_a B D_b) = sum_{r,s} (y_bs' A x_ar)(y_ar' B x_bs) over the two rank-one terms r, s."""
    e = k1.T * k2
    return e[:q, :q] + e[:q, q:] + e[q:, :q] + e[q:, q:]


def _discrepancy(x, spec, s_n, logdet_s):
    """F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p, or None if Sigma is not positive definite."""
    sig = _sigma(x, spec)
    ci = cholesky_inverse(sig)
    if ci is None:
        return None, None
    chol, prec = ci
    logdet = 2.0 * np.sum(np.log(np.diag(chol)))
    f = logdet + np.sum(s_n * prec) - logdet_s - len(sig)
    return float(f), (sig, prec)


def _grad_info(x, spec, s_n, prec, sig, observed=False):
    """Gradient of F_ML, its expected Hessian ``tr(P D_a P D_b)`` and, if asked, the observed Hessian
    ``-tr(P D_a P D_b) + 2 tr(P D_a P S P D_b) + tr(M d2Sigma_ab)`` (P = Sigma^-1, M = P (Sigma - S) P)."""
    q = spec.q
    lam, _, psi = _unpack(x, spec)
    xs, ys = _rank_one_terms(lam, psi, spec)
    sp = s_n @ prec
    pspp = prec @ sp  # P S P
    m = prec - pspp
    g = np.einsum("rp,rp->r", ys @ m, xs)
    g = g[:q] + g[q:]
    ypx = ys @ prec @ xs.T
    h = _fold(ypx, ypx, q)
    if not observed:
        return g, h, None
    if observed == "later":  # the pieces, for _observed_hessian once the gradient test has been made
        return g, h, (spec, lam, psi, xs, ys, pspp, m, ypx)
    return g, h, _observed_hessian(spec, lam, psi, xs, ys, pspp, m, ypx, h)


def _observed_hessian(spec, lam, psi, xs, ys, pspp, m, ypx, h):
    """The observed Hessian from the pieces :func:`_grad_info` computed (see there)."""
    h2 = _fold(ypx, ys @ pspp @ xs.T, spec.q)
    hobs = -h + h2 + h2.T + _second_order(lam, psi, spec, m)
    return 0.5 * (hobs + hobs.T)


def _second_order(lam, psi, spec, m):
    """tr(M d2Sigma/dx_a dx_b): non-zero for loading-loading and loading-psi pairs."""
    q = spec.q
    out = np.zeros((q, q))
    nl = spec.n_lam
    if not nl:
        return out
    ii, _ = spec.lam_index
    out[:nl, :nl] = 2.0 * psi[spec.ix_ff] * m[spec.ix_ii]
    ml = (m @ lam)[ii]  # (nl, k)
    gi, hi = spec.psi_index
    block = spec.psi_mask_g * ml[:, hi] + spec.psi_mask_h * ml[:, gi]
    off = nl + spec.n_theta
    out[:nl, off:] = block
    out[off:, :nl] = block.T
    return out


# ---------------------------------------------------------------------------------------------
# starting values and estimation
# ---------------------------------------------------------------------------------------------
def _start(spec: _Spec, s_n: np.ndarray) -> np.ndarray:
    """Starting values: per factor, a one-factor principal-axis solution on its items' correlations
    (SMC communalities, leading eigenvector; all factors in one batched LAPACK call, each factor's
    items padded with zeros), scaled to the marker; latent covariances by least squares on the
    off-diagonal covariances; residual variances from the observed variances."""
    p, k = len(spec.items), len(spec.factors)
    var = np.diag(s_n)
    sd = np.sqrt(var)
    lam = np.zeros((p, k))
    psi = np.zeros((k, k))
    for f, order in spec.start_singles:
        lam[order[0], f] = 1.0
        psi[f, f] = var[order[0]]
    groups = spec.start_groups
    if groups:
        valid, valid2 = spec.start_valid
        r_all = s_n / np.outer(sd, sd)
        r_pad = np.where(valid2, r_all[spec.start_gather], 0.0)
        diag = np.einsum("gii->gi", r_pad)
        diag[~valid] = 1.0  # identity on the padding for the inverse
        try:
            smc = 1.0 - 1.0 / np.einsum("gii->gi", np.linalg.inv(r_pad))
        except np.linalg.LinAlgError:
            smc = np.full(valid.shape, 0.5)
        diag[:] = np.clip(smc, 0.05, 0.95)
        diag[~valid] = 0.0  # zeros on the padding: its eigenvalues are 0, below each factor's leading one
        w, v = np.linalg.eigh(r_pad)
        for j, (f, order) in enumerate(groups):
            load = v[j, : len(order), -1] * np.sqrt(max(w[j, -1], 1e-3)) * sd[order]
            if load[0] < 0:
                load = -load
            marker = order[0]
            if abs(load[0]) < 1e-3 * sd[marker]:
                load = np.full(len(order), 0.7 * sd[marker])
            lam[order, f] = load / load[0]
            psi[f, f] = load[0] ** 2
    s_off = s_n - np.diag(var)
    num = lam.T @ s_off @ lam
    l2 = lam**2
    den = np.outer(l2.sum(axis=0), l2.sum(axis=0)) - l2.T @ l2
    with np.errstate(divide="ignore", invalid="ignore"):
        cov_lv = np.where(den > 0, num / den, 0.0)
    off = ~np.eye(k, dtype=bool)
    psi[off] = cov_lv[off]
    # keep the start latent correlation matrix comfortably positive definite
    dpsi = np.sqrt(np.diag(psi))
    rho = psi / np.outer(dpsi, dpsi)
    for shrink in (1.0, 0.9, 0.8, 0.6, 0.4, 0.2, 0.0):
        cand = rho * shrink
        np.fill_diagonal(cand, 1.0)
        if np.linalg.eigvalsh(cand).min() > 0.05:
            break
    psi = cand * np.outer(dpsi, dpsi)
    common = np.einsum("if,fg,ig->i", lam, psi, lam)
    theta = np.maximum(var - common, 0.1 * var)
    theta[spec.theta_fixed] = 0.0
    return np.concatenate([lam[spec.lam_index], theta[spec.theta_index], psi[spec.psi_index]])


def _estimate(spec, s_n, logdet_s, max_iter, tol):
    """Newton steps with the analytic observed Hessian where it is positive definite, Fisher-scoring steps
    (expected information) elsewhere, each with a backtracking line search.

    Returns x, F, converged, iterations, message and, when the gradient test stopped it, ``((Sigma,
    Sigma^-1), expected information)`` at x (else None)."""
    x = _start(spec, s_n)
    final = None
    f, mats = _discrepancy(x, spec, s_n, logdet_s)
    if f is None:  # pragma: no cover - the start is built positive definite
        raise AnalysisError("could not find positive definite starting values for the CFA model")
    converged, message, it = False, "iteration limit reached", 0
    gmax = np.inf
    for it in range(1, max_iter + 1):
        sig, prec = mats
        g, h, pieces = _grad_info(x, spec, s_n, prec, sig, observed="later")
        gmax = float(np.max(np.abs(g)))
        if gmax < tol:
            converged, message, it = True, "gradient below tolerance", it - 1
            final = (mats, h)
            break
        hobs = _observed_hessian(*pieces, h)
        step = None
        if hobs is not None:
            sol = solve_pd(hobs, g)
            if sol is not None:
                step = -sol
        if step is None:
            try:
                step = -np.linalg.solve(h, g)
            except np.linalg.LinAlgError:
                step = -np.linalg.lstsq(h, g, rcond=None)[0]
        slope = float(g @ step)
        if not np.isfinite(slope) or slope >= 0:
            step, slope = -g, -float(g @ g)
        alpha, accepted = 1.0, False
        noise = 64 * np.finfo(float).eps * max(1.0, abs(f))
        for _ in range(40):
            xn = x + alpha * step
            fn, mn = _discrepancy(xn, spec, s_n, logdet_s)
            # near the optimum F changes by less than its rounding error: accept a step that does not
            # increase F beyond that noise, so Newton's quadratic convergence is not cut short
            if fn is not None and (fn <= f + 1e-4 * alpha * slope or (gmax < 1e-4 and fn <= f + noise)):
                accepted = True
                break
            alpha *= 0.5
        if not accepted:
            # no decrease is representable any more: converged if the gradient is essentially zero
            converged = gmax < max(1e3 * tol, 1e-6)
            message = "no further decrease possible" if converged else "line search failed"
            break
        x, f, mats = xn, fn, mn
    else:
        sig, prec = mats
        g, _, _ = _grad_info(x, spec, s_n, prec, sig)
        converged = bool(np.max(np.abs(g)) < tol)
    return x, f, bool(converged), it, message, final


# ---------------------------------------------------------------------------------------------
# standardised solution
# ---------------------------------------------------------------------------------------------
def _std_values(x, spec):
    """std.all values: every loading (pattern order), residual variances, factor correlations (f > g).

    ``x`` may be a batch of parameter vectors (b, q), real or complex."""
    x = np.atleast_2d(x)
    b = x.shape[0]
    p, k = len(spec.items), len(spec.factors)
    lam = np.zeros((b, p, k), dtype=x.dtype)
    for i, f in spec.markers:
        lam[:, i, f] = 1.0
    a = spec.n_lam
    if a:
        ii, ff = np.array(spec.lam_free).T
        lam[:, ii, ff] = x[:, :a]
    theta = np.zeros((b, p), dtype=x.dtype)
    theta[:, spec.theta_free] = x[:, a:a + spec.n_theta]
    psi = np.zeros((b, k, k), dtype=x.dtype)
    fi, gi = np.array(spec.psi_pairs).T
    psi[:, fi, gi] = x[:, a + spec.n_theta:]
    psi[:, gi, fi] = x[:, a + spec.n_theta:]
    sig_diag = ((lam @ psi) * lam).sum(axis=-1) + theta  # diag(L Psi L') + theta (no conjugation: complex-step safe)
    sd_obs = np.sqrt(sig_diag)
    sd_lat = np.sqrt(np.einsum("bff->bf", psi))
    std_lam = lam * sd_lat[:, None, :] / sd_obs[:, :, None]
    pi, pf = np.nonzero(spec.lam_pattern)
    cor = psi / (sd_lat[:, :, None] * sd_lat[:, None, :])
    lo_f, lo_g = np.tril_indices(k, -1)
    return np.concatenate([std_lam[:, pi, pf], theta / sig_diag, cor[:, lo_f, lo_g]], axis=1)


def _std_jacobian(x, spec):
    """:func:`_std_values` at ``x`` and its exact Jacobian by complex-step differentiation, from one
    batched evaluation (row 0 unperturbed, row a + 1 perturbed by ``i h`` in parameter a)."""
    h = 1e-30
    q = len(x)
    xc = np.repeat(x[None, :].astype(complex), q + 1, axis=0)
    xc[np.arange(1, q + 1), np.arange(q)] += 1j * h
    with np.errstate(invalid="ignore", divide="ignore"):
        vals = _std_values(xc, spec)
    return vals[0].real, np.imag(vals[1:]).T / h


# ---------------------------------------------------------------------------------------------
# fit measures
# ---------------------------------------------------------------------------------------------
def _fit_measures(spec, s_n, sig, f, n, q, converged, iterations, logdet_s, prec):
    """lavaan's fit measures; ``logdet_s`` = log|S| and ``prec`` = Sigma^-1 as the estimation left them."""
    p = len(spec.items)
    pstar = p * (p + 1) // 2
    df = pstar - q
    chi2 = max(n * f, 0.0)  # F_ML >= 0; a just-identified model gives 0 up to rounding
    pval = float(special.chdtrc(df, chi2)) if df > 0 else np.nan
    var = np.diag(s_n)
    chi2_b = n * (np.sum(np.log(var)) - logdet_s)
    df_b = p * (p - 1) // 2
    pval_b = float(special.chdtrc(df_b, chi2_b)) if df_b > 0 else np.nan
    den = max(chi2 - df, chi2_b - df_b, 0.0)
    cfi = 1.0 - max(chi2 - df, 0.0) / den if den > 0 else 1.0
    rni = 1.0 - (chi2 - df) / (chi2_b - df_b) if chi2_b != df_b else np.nan
    # a just-identified model (df = 0) takes lavaan's conventions: TLI = RFI = 1, RMSEA = 0 [0, 0], AGFI = 1
    tli = ((chi2_b / df_b - chi2 / df) / (chi2_b / df_b - 1.0)) if df > 0 and df_b > 0 else (1.0 if df == 0 else np.nan)
    nfi = (chi2_b - chi2) / chi2_b
    rfi = ((chi2_b / df_b - chi2 / df) / (chi2_b / df_b)) if df > 0 else (1.0 if df == 0 else np.nan)
    ifi = (chi2_b - chi2) / (chi2_b - df) if chi2_b != df else np.nan
    pnfi = df / df_b * nfi if df_b > 0 else np.nan
    rmsea = np.sqrt(max((chi2 - df) / (df * n), 0.0)) if df > 0 else (0.0 if df == 0 else np.nan)
    lo, hi = rmsea_interval(chi2, df, n) if df != 0 else (0.0, 0.0)
    rmsea_pval = float(1.0 - special.chndtr(chi2, df, n * df * 0.05**2)) if df > 0 else np.nan
    # residual-based indices (lower triangle including the diagonal; Bentler's SRMR)
    li, lj = np.tril_indices(p)
    res = s_n - sig
    sd = np.sqrt(var)
    rmr = np.sqrt(np.mean(res[li, lj] ** 2))
    srmr = np.sqrt(np.mean((res / np.outer(sd, sd))[li, lj] ** 2))
    r_obs = s_n / np.outer(sd, sd)
    sd_imp = np.sqrt(np.diag(sig))
    r_imp = sig / np.outer(sd_imp, sd_imp)
    oi, oj = np.tril_indices(p, -1)
    crmr = np.sqrt(np.mean((r_obs - r_imp)[oi, oj] ** 2)) if p > 1 else np.nan
    # GFI / AGFI (ML weight Sigma^-1)
    a = prec @ s_n
    e = a - np.eye(p)
    gfi = 1.0 - np.sum(e * e.T) / np.sum(a * a.T)
    agfi = 1.0 - pstar / df * (1.0 - gfi) if df > 0 else (1.0 if df == 0 else np.nan)
    pgfi = df / pstar * gfi
    mfi = np.exp(-0.5 * (chi2 - df) / n)
    ecvi = chi2 / n + 2.0 * q / n
    logdet_sig = np.linalg.slogdet(sig)[1]
    loglik = -0.5 * n * (p * np.log(2 * np.pi) + logdet_sig + np.sum(s_n * prec))
    unres = -0.5 * n * (p * np.log(2 * np.pi) + logdet_s + p)
    aic = -2.0 * loglik + 2.0 * q
    bic = -2.0 * loglik + q * np.log(n)
    bic2 = -2.0 * loglik + q * np.log((n + 2.0) / 24.0)
    row = dict(
        estimator="ML", n=int(n), npar=int(q), chi2=chi2, df=int(df), pval=pval, cfi=cfi, tli=tli, nfi=nfi, rfi=rfi,
        ifi=ifi, rni=rni, pnfi=pnfi, rmsea=rmsea, rmsea_ci_low=lo, rmsea_ci_high=hi, rmsea_pval=rmsea_pval,
        srmr=srmr, rmr=rmr, crmr=crmr, gfi=gfi, agfi=agfi, pgfi=pgfi, mfi=mfi, ecvi=ecvi, aic=aic, bic=bic,
        bic2=bic2, loglik=loglik, unrestricted_loglik=unres, baseline_chi2=chi2_b, baseline_df=int(df_b),
        baseline_pval=pval_b, fmin=0.5 * f, converged=bool(converged), iterations=int(iterations),
    )
    return {c: np.array([row[c]]) for c in _FIT_COLUMNS}


# ---------------------------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False)
class CFAResult(ResultMixin):
    """Result of :func:`cfa`.

    Attributes
    ----------
    fit : pandas.DataFrame
        One row: ``estimator, n, npar, chi2, df, pval, cfi, tli, nfi, rfi, ifi, rni, pnfi, rmsea,
        rmsea_ci_low, rmsea_ci_high`` (90 %), ``rmsea_pval`` (H0: RMSEA <= .05), ``srmr`` (Bentler), ``rmr``,
        ``crmr``, ``gfi, agfi, pgfi, mfi, ecvi, aic, bic, bic2`` (sample-size adjusted BIC), ``loglik``,
        ``unrestricted_loglik``, ``baseline_chi2, baseline_df, baseline_pval`` (independence model),
        ``fmin`` (lavaan's F_ML / 2), ``converged, iterations``.
    loadings : pandas.DataFrame
        One row per loading: ``factor, item, estimate`` (unstandardised), ``se, z, pval`` (``se = 0``
        and ``z``/``pval`` NaN for the fixed marker, as lavaan), ``std_loading`` (std.all), ``std_se,
        std_z, std_pval, ci_low, ci_high`` (95 % CI of the standardised loading, lavaan's
        ``standardizedSolution``), ``fixed``.
    residual_variances : pandas.DataFrame
        ``item, estimate, se, z, pval, std_estimate`` (std.all, = 1 - R^2), ``std_se``, ``fixed``.
    r2 : pandas.DataFrame
        ``item, r2`` (explained share of each item's model-implied variance).
    factor_covariances, factor_correlations : pandas.DataFrame
        Latent covariance matrix Psi and its correlation form (``lavInspect(fit, "cor.lv")``).
    parameters : pandas.DataFrame
        Every parameter in lavaan's ``lhs, op, rhs`` layout with ``estimate, se, z, pval, ci_low, ci_high``
        (unstandardised) and ``std_all, std_se, fixed``.
    implied_cov, sample_cov : pandas.DataFrame
        Model-implied and sample covariance matrices (divisor N).
    residual_cor : pandas.DataFrame
        Observed minus model-implied correlations (lavaan ``residuals(fit, type = "cor")``).
    vcov : pandas.DataFrame
        Covariance matrix of the free parameters (inverse expected information / N).
    model : dict
        The model ``{factor: [items]}``.
    """

    model: dict
    n: int
    estimator: str = "ML"
    converged: bool = True
    iterations: int = 0
    warnings: list = field(default_factory=list)
    # the matrices are kept as arrays and wrapped in DataFrames on access
    psi_: np.ndarray = field(default=None, repr=False)
    sigma_: np.ndarray = field(default=None, repr=False)
    s_: np.ndarray = field(default=None, repr=False)
    vcov_: np.ndarray = field(default=None, repr=False)
    item_names_: tuple = field(default=(), repr=False)
    param_names_: tuple = field(default=(), repr=False)
    # the tables as columns; each DataFrame is built on first access (a third of a small fit's time)
    columns_: dict = field(default_factory=dict, repr=False)
    title = "Confirmatory factor analysis (ML)"

    @cached_property
    def fit(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns_["fit"])

    @cached_property
    def loadings(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns_["loadings"])

    @cached_property
    def residual_variances(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns_["residual_variances"])

    @cached_property
    def r2(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns_["r2"])

    @cached_property
    def parameters(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns_["parameters"])

    def _square(self, m, names):
        return pd.DataFrame(m.copy(), index=list(names), columns=list(names))

    @property
    def factor_covariances(self) -> pd.DataFrame:
        return self._square(self.psi_, self.model)

    @property
    def factor_correlations(self) -> pd.DataFrame:
        sd = np.sqrt(np.abs(np.diag(self.psi_)))
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._square(self.psi_ / np.outer(sd, sd), self.model)

    @property
    def implied_cov(self) -> pd.DataFrame:
        return self._square(self.sigma_, self.item_names_)

    @property
    def sample_cov(self) -> pd.DataFrame:
        return self._square(self.s_, self.item_names_)

    @property
    def residual_cor(self) -> pd.DataFrame:
        so, si = np.sqrt(np.diag(self.s_)), np.sqrt(np.diag(self.sigma_))
        return self._square(self.s_ / np.outer(so, so) - self.sigma_ / np.outer(si, si), self.item_names_)

    @property
    def vcov(self) -> pd.DataFrame:
        return self._square(self.vcov_, self.param_names_)

    @property
    def factors(self) -> list:
        return list(self.model)

    @property
    def items(self) -> list:
        return list(self.item_names_)

    def fit_measures(self) -> pd.Series:
        """The fit row as a Series name -> value (lavaan ``fitMeasures``), as ``EFAResult.fit_measures()``."""
        return self.fit.iloc[0].copy()

    def std_loadings(self) -> pd.DataFrame:
        """Standardised loadings as an item x factor matrix (0 where an item does not load)."""
        m = pd.DataFrame(0.0, index=self.items, columns=self.factors)
        for f, i, v in zip(self.loadings["factor"], self.loadings["item"], self.loadings["std_loading"]):
            m.loc[i, f] = v
        return m

    def tables(self) -> dict:
        fit = self.fit.iloc[0]
        keys = ["n", "chi2", "df", "pval", "cfi", "tli", "nfi", "rmsea", "rmsea_ci_low", "rmsea_ci_high", "srmr",
                "gfi", "agfi", "aic", "bic"]
        main = pd.DataFrame({"measure": keys, "value": [float(fit[k]) for k in keys]})
        return {
            "Fit measures": main,
            "Loadings": self.loadings,
            "Residual variances": self.residual_variances,
            "Factor correlations": self.factor_correlations,
        }

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``); the warnings are quoted as raised."""
        lang = check_lang(lang)
        f = self.fit.iloc[0]
        t = THRESHOLDS
        cfi, rmsea, srmr, loading = t["cfi"], t["rmsea"], t["srmr"], t["loading"]
        def head(lang):
            return (f"chi2({int(f['df'])}) = {f['chi2']:.2f}, {p_sentence(f['pval'], lang)}; CFI = {f['cfi']:.3f}, "
                    f"TLI = {f['tli']:.3f}")
        rm = f"RMSEA = {f['rmsea']:.3f} [{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}]"
        lines = [T(
            f"{head('zh')}（>= {dot(cfi.value)} 良好，>= {dot(INDEX_ACCEPTABLE)} 可接受），{rm}（<= {dot(rmsea.value)} 良好，"
            f"<= {dot(RMSEA_ACCEPTABLE)} 可接受），SRMR = {f['srmr']:.3f}（<= {dot(srmr.value)}）——{cfi.citation} 的标准。",
            f"{head('en')} (>= {dot(cfi.value)} good, >= {dot(INDEX_ACCEPTABLE)} acceptable), {rm} (<= {dot(rmsea.value)} good, "
            f"<= {dot(RMSEA_ACCEPTABLE)} acceptable), SRMR = {f['srmr']:.3f} (<= {dot(srmr.value)}) "
            f"- cut-offs of {author_year(cfi.citation)}.",
        )]
        low = self.loadings[self.loadings["std_loading"].abs() < loading.value]
        if len(low):
            weak = [f"{i} ({f})" for f, i in zip(low["factor"], low["item"])]
            lines.append(T(f"标准化载荷低于 {loading.value:.2f}（{loading.citation}）：" + "、".join(weak) + "。",
                           f"Standardised loadings below {loading.value:.2f} ({loading.citation}): " + ", ".join(weak) + "."))
        if not self.converged:
            lines.append(T("估计未收敛：结果不可信。", "The estimator did not converge: the numbers are not trustworthy."))
        return [ln.get(lang) for ln in lines] + list(self.warnings)


# ---------------------------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------------------------
def cfa_ml(data, model=None, items=None, estimator: str = "ML", nan_policy: str = "listwise", max_iter: int = 500,
        tol: float = 1e-9) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood (equal to ``lavaan::cfa(..., estimator = "ML")``).

    Parameters
    ----------
    data : pandas.DataFrame or servqual.stats.SufficientStats
        Item responses (one row per respondent) or precomputed sufficient statistics.
    model : dict or str, optional
        ``{factor: [items]}`` (the first item of each factor is its marker, loading fixed to 1) or lavaan
        measurement syntax ``"F1 =~ a + b + c\\nF2 =~ d + e + f"``. An item may load on several factors.
        Default: one factor named ``factor`` measured by ``items``.
    items : list of str, optional
        Only used without ``model``: the items of the one-factor model (default: every column).
    estimator : {"ML"}
        Maximum likelihood with the normal (divisor N) likelihood, as lavaan's default.
    nan_policy : {"listwise", "pairwise"}
        ``listwise`` (lavaan's default): rows complete on every model item. ``pairwise`` uses the pairwise
        covariance matrix with N = the smallest pairwise count (not lavaan; an approximation).
    max_iter : int
        Maximum Newton / Fisher-scoring iterations (each solves one small linear system; 5-15 are typical).
    tol : float
        Convergence criterion: largest absolute gradient element of ``F_ML``.

    Returns
    -------
    CFAResult
        ``fit`` (one row of fit measures), ``loadings`` (unstandardised and std.all with SEs and CIs),
        ``residual_variances``, ``r2``, ``factor_covariances``, ``factor_correlations``, ``parameters``,
        ``implied_cov``, ``sample_cov``, ``residual_cor``, ``vcov``; see :class:`CFAResult` for every column.

    Raises
    ------
    AnalysisError
        A model item missing from the data, constant or perfectly collinear items, too few rows, or a model
        with negative degrees of freedom (not identified).

    Warns
    -----
    ConvergenceWarning
        The estimator stopped before convergence (``fit["converged"]`` is False).
    HeywoodWarning
        A negative residual variance or a standardised loading above 1 (items named).
    ServqualWarning
        The latent covariance matrix is not positive definite (factors named), a one-item factor, or
        standard errors that cannot be computed.

    Notes
    -----
    Model: ``Sigma = Lambda Psi Lambda' + Theta`` with ``Theta`` diagonal. Estimates minimise
    ``F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p`` over the sample covariance ``S`` (divisor N) by
    Newton's method with the analytic gradient and observed Hessian (Fisher scoring with the expected
    information where the Hessian is not positive definite) and a backtracking line search; the solution is
    unbounded, as lavaan's, so Heywood cases show as negative variances. ``chi2 = N F_ML`` with
    ``df = p(p+1)/2 - npar``; baseline = independence model. ``CFI = 1 - max(chi2 - df, 0) /
    max(chi2 - df, chi2_b - df_b, 0)``; ``TLI = (chi2_b/df_b - chi2/df) / (chi2_b/df_b - 1)``;
    ``NFI = (chi2_b - chi2)/chi2_b``; ``RMSEA = sqrt(max(chi2 - df, 0) / (df N))`` with the 90 % interval
    from the noncentral chi-square; ``SRMR = sqrt(mean((s_ij - sigma_ij)^2 / (s_ii s_jj)))`` over
    ``i >= j``; ``GFI = 1 - tr[(Sigma^-1 S - I)^2] / tr[(Sigma^-1 S)^2]``, ``AGFI = 1 - p*/df (1 - GFI)``;
    ``AIC = -2 logL + 2 npar``, ``BIC = -2 logL + npar ln N``. Standard errors: inverse expected
    information divided by N; std.all SEs by the delta method (exact complex-step Jacobian).

    Identification follows lavaan: marker variables (``std.lv = FALSE``). A factor with one item gets its
    residual variance fixed at 0 (lavaan's ``auto.fix.single``: the factor *is* the item) with a warning.
    Cut-offs used in ``notes()``: CFI/TLI >= .95, RMSEA <= .06, SRMR <= .08 (Hu & Bentler 1999).

    Tested against R lavaan 0.6.14 (``cfa``, ``fitMeasures``, ``standardizedSolution``, ``lavInspect``) on
    six data sets: fit measures to 1e-5 (chi2, AIC, BIC, log-likelihood: relative 1e-6), standardised
    loadings, their SEs and CIs, R^2 and factor correlations to 1e-4 (lavaan stops at its own tolerance).
    Unlike semopy, the fit indices are lavaan's (semopy's GFI/AGFI/AIC/BIC/RMSEA are defined differently
    and it has no SRMR).

    References: Joreskog (1969) *Psychometrika* 34; Bollen (1989) *Structural equations with latent
    variables*; Hu & Bentler (1999) *Struct Equ Modeling* 6; Rosseel (2012) *J Stat Softw* 48(2).

    Examples
    --------
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger")  # lavaan::HolzingerSwineford1939
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> res = cfa_ml(df, model)  # lavaan::cfa(HS.model, HolzingerSwineford1939)
    >>> res.fit[["chi2", "df", "cfi", "tli", "rmsea", "srmr"]].round(3)  # fitMeasures(fit)
         chi2  df    cfi    tli  rmsea   srmr
    0  85.306  24  0.931  0.896  0.092  0.065
    >>> res.loadings[["factor", "item", "std_loading"]].round(3).head(3)  # standardizedSolution(fit)
       factor item  std_loading
    0  visual   x1        0.772
    1  visual   x2        0.424
    2  visual   x3        0.581
    """
    if str(estimator).upper() != "ML":
        raise AnalysisError(f"estimator {estimator!r} is not available; use estimator='ML'")
    if model is None:
        cols = list(items) if items is not None else (
            list(data.items) if hasattr(data, "items") and not isinstance(data, pd.DataFrame) else list(data.columns))
        model = {"factor": cols}
    spec_model = parse_model(model)
    if items is not None:
        extra = sorted(set(map(str, items)) ^ {i for v in spec_model.values() for i in v})
        if extra:
            raise AnalysisError(f"items and model disagree on {', '.join(extra)}; pass either the model alone or "
                                "items equal to the model's items")
    spec = _build_spec(spec_model)
    st = stats_from(data, spec.items, nan_policy)
    check_items(st, 1, "CFA")
    require_nonsingular(st.corr, st.n, st.items, "CFA")
    n = int(st.n)
    p = len(spec.items)
    q = spec.q
    df = p * (p + 1) // 2 - q
    if df < 0:
        raise AnalysisError(
            f"the CFA model is not identified: {q} free parameters but only {p * (p + 1) // 2} variances and "
            f"covariances (df = {df}). A factor needs at least 3 items on its own, or 2 items when it correlates "
            "with other factors; add items or merge factors."
        )
    caught: list = []

    def _warn(msg, cls):
        caught.append(msg)
        warnings.warn(msg, cls, stacklevel=3)

    singles = [f for f, v in spec_model.items() if len(v) == 1]
    if singles:
        _warn(f"factor(s) {', '.join(singles)} have a single item: its residual variance is fixed to 0 (as lavaan), "
              "so the factor equals the item and has no measurement error; add items for a real latent factor.",
              ServqualWarning)
    s_n = st.cov * (n - 1) / n
    logdet_s = float(np.linalg.slogdet(s_n)[1])
    max_iter = int(max_iter)
    if max_iter < 1:
        raise AnalysisError("max_iter must be at least 1")
    with single_thread_blas():
        x, fval, converged, iterations, message, final = _estimate(spec, s_n, logdet_s, max_iter, tol)
        if final is not None:
            (sig, prec), h = final
        else:
            sig = _sigma(x, spec)
            prec = np.linalg.inv(sig)
            _, h, _ = _grad_info(x, spec, s_n, prec, sig)
    lam, theta, psi = _unpack(x, spec)
    if not converged:
        runaway = _runaway_factors(lam, theta, psi, s_n, spec)
        hint = (f" The estimates of {', '.join(runaway)} run away (huge loadings or variances): such a "
                "factor is empirically under-identified, typically a 2-item factor that hardly correlates with the "
                "others; give it more items or merge it." if runaway else "")
        _warn(f"the CFA did not converge after {iterations} iterations ({message}); the estimates are not "
              f"trustworthy.{hint or ' Increase max_iter, check for Heywood cases, or simplify the model.'}",
              ConvergenceWarning)
    # standard errors: inverse expected information / N
    info = 0.5 * h
    vc = None
    try:
        w = eigvals_desc(info)
        if w[-1] > 1e-10 * max(w[0], 1e-300):
            ci = cholesky_inverse(info)
            if ci is not None:
                vc = ci[1] / n
            else:  # pragma: no cover - positive eigenvalues but no Cholesky factor: fall back
                vc = np.linalg.inv(info) / n
    except np.linalg.LinAlgError:  # pragma: no cover
        vc = None
    if vc is None:
        _warn("standard errors could not be computed: the information matrix is singular (the model may not be "
              "identified); SEs, z and p values are NaN.", ServqualWarning)
        vc = np.full((q, q), np.nan)
    se = np.sqrt(np.clip(np.diag(vc), 0, None))
    std, jac = _std_jacobian(x, spec)  # NaN only for negative variances (warned below)
    std_se = np.sqrt(np.clip(((jac @ vc) * jac).sum(axis=1), 0, None))  # diag(J V J')

    items, factors = spec.items, spec.factors
    k = len(factors)
    # --- loadings, residual variances, latent (co)variances: one lavaan-style parameter table -----
    free_pos = {pos: a for a, pos in enumerate(spec.lam_free)}
    ii, ff = np.nonzero(spec.lam_pattern)
    std_index = {(i, f): r for r, (i, f) in enumerate(zip(ii, ff))}
    nl = len(ii)
    order = [(items.index(it), f) for f in range(k) for it in spec_model[factors[f]]]
    l_i = np.array([i for i, _ in order])
    l_f = np.array([f for _, f in order])
    l_free = np.array([free_pos.get(pos, -1) for pos in order])
    l_std = np.array([std_index[pos] for pos in order])
    th_free = {i: spec.n_lam + b for b, i in enumerate(spec.theta_free)}
    t_free = np.array([th_free.get(i, -1) for i in range(p)])
    psi_off = spec.n_lam + spec.n_theta
    pairs = sorted(enumerate(spec.psi_pairs), key=lambda t: (t[1][0] != t[1][1], t[0]))
    lo_f, lo_g = np.tril_indices(k, -1)
    cor_index = {(f, g): nl + p + r for r, (f, g) in enumerate(zip(lo_f, lo_g))}
    v_f = np.array([f for _, (f, g) in pairs])
    v_g = np.array([g for _, (f, g) in pairs])
    v_free = np.array([psi_off + c for c, _ in pairs])
    v_std = np.array([cor_index.get((f, g), -1) for _, (f, g) in pairs])

    se_ext = np.append(se, 0.0)  # index -1 -> fixed parameter, se 0 (as lavaan)
    std_ext = np.append(std, 1.0)  # latent variances: std.all = 1
    std_se_ext = np.append(std_se, 0.0)
    est = np.concatenate([lam[l_i, l_f], theta, psi[v_f, v_g]])
    free_idx = np.concatenate([l_free, t_free, v_free])
    fixed = free_idx < 0
    p_se = se_ext[free_idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_z = np.where(fixed | (p_se <= 0), np.nan, est / p_se)
    s_idx = np.concatenate([l_std, nl + np.arange(p), v_std])
    p_std, p_std_se = std_ext[s_idx], std_se_ext[s_idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_std_z = np.where(p_std_se > 0, p_std / p_std_se, np.nan)
    item_names = np.array(items, dtype=object)
    fac_names = np.array(factors, dtype=object)
    nload = len(order)
    parameters = dict({
        "lhs": np.concatenate([fac_names[l_f], item_names, fac_names[v_g]]),
        "op": ["=~"] * nload + ["~~"] * (p + len(pairs)),
        "rhs": np.concatenate([item_names[l_i], item_names, fac_names[v_f]]),
        "estimate": est, "se": p_se, "z": p_z, "pval": _p_norm(p_z),
        "ci_low": est - _Z975 * p_se, "ci_high": est + _Z975 * p_se,
        "std_all": p_std, "std_se": p_std_se, "fixed": fixed,
    })
    sl = slice(0, nload)
    loadings = dict({
        "factor": fac_names[l_f], "item": item_names[l_i], "estimate": est[sl], "se": p_se[sl], "z": p_z[sl],
        "pval": _p_norm(p_z[sl]), "std_loading": p_std[sl], "std_se": p_std_se[sl], "std_z": p_std_z[sl],
        "std_pval": _p_norm(p_std_z[sl]), "ci_low": p_std[sl] - _Z975 * p_std_se[sl],
        "ci_high": p_std[sl] + _Z975 * p_std_se[sl], "fixed": fixed[sl],
    })
    sv = slice(nload, nload + p)
    residual_variances = dict({
        "item": item_names, "estimate": est[sv], "se": p_se[sv], "z": p_z[sv], "pval": _p_norm(p_z[sv]),
        "std_estimate": p_std[sv], "std_se": p_std_se[sv], "fixed": fixed[sv],
    })
    r2 = {"item": item_names, "r2": 1.0 - p_std[sv]}
    # --- matrices -----------------------------------------------------------------------------------
    sd_lat = np.sqrt(np.abs(np.diag(psi)))
    with np.errstate(divide="ignore", invalid="ignore"):
        cor_lv = psi / np.outer(sd_lat, sd_lat)
    fit = _fit_measures(spec, s_n, sig, fval, n, q, converged, iterations, logdet_s, prec)
    # --- diagnostics ----------------------------------------------------------------------------------
    neg = [it for it, v in zip(items, theta) if v < 0]
    big = [str(v) for v in item_names[l_i][np.abs(p_std[:nload]) > 1]]
    heywood = list(dict.fromkeys(neg + big))
    if heywood:
        _warn(f"Heywood case: negative residual variance or standardised loading above 1 for {', '.join(heywood)}; "
              "the solution is improper (a factor with too few or too similar items, or a misspecified model).",
              HeywoodWarning)
    neg_psi = [factors[f] for f in range(k) if psi[f, f] <= 0]
    if neg_psi:
        _warn(f"negative latent variance for {', '.join(neg_psi)}: the solution is improper.", HeywoodWarning)
    if k > 1 and not neg_psi:
        ev, evec = np.linalg.eigh(cor_lv)
        if ev.min() < -1e-10:
            weight = np.sqrt(np.sum(evec[:, ev < -1e-10] ** 2, axis=1))
            involved = [factors[j] for j in np.argsort(-weight) if weight[j] > 0.3]
            off = np.abs(cor_lv - np.eye(k))
            a_, b_ = np.unravel_index(np.argmax(off), off.shape)
            _warn(f"the latent covariance matrix is not positive definite (smallest eigenvalue of the factor "
                  f"correlations {ev.min():.4f}); factors involved: {', '.join(involved)} (largest correlation "
                  f"{factors[a_]}-{factors[b_]} = {cor_lv[a_, b_]:.3f}). These factors are hardly distinguishable; "
                  "consider merging them or revising their items.", ServqualWarning)
    return CFAResult(
        columns_={"fit": fit, "loadings": loadings, "residual_variances": residual_variances, "r2": r2,
                  "parameters": parameters},
        model=spec_model, n=n, converged=bool(converged), iterations=int(iterations), warnings=caught,
        psi_=psi, sigma_=sig, s_=s_n, vcov_=vc, item_names_=tuple(items), param_names_=tuple(_param_names(spec)),
    )


def _runaway_factors(lam, theta, psi, s_n, spec: _Spec) -> list:
    """Factors whose loadings or variance drift off (empirical under-identification)."""
    out = []
    var = np.diag(s_n)
    for f, name in enumerate(spec.factors):
        idx = np.flatnonzero(spec.lam_pattern[:, f])
        marker = [i for i, g in spec.markers if g == f][0]
        scale = np.sqrt(var[idx] / var[marker])
        big = np.any(np.abs(lam[idx, f]) > 10 * scale) or psi[f, f] > 20 * var[marker]
        tiny = psi[f, f] < 1e-3 * var[marker] or np.any(theta[idx] < -var[idx])
        if big or tiny:
            out.append(name)
    return out


def _param_names(spec: _Spec) -> list:
    names = [f"{spec.factors[f]}=~{spec.items[i]}" for i, f in spec.lam_free]
    names += [f"{spec.items[i]}~~{spec.items[i]}" for i in spec.theta_free]
    names += [f"{spec.factors[g]}~~{spec.factors[f]}" for f, g in spec.psi_pairs]
    return names
