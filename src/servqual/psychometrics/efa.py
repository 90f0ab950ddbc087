"""Exploratory factor analysis (EFA) and principal components, as R ``psych::fa`` / ``psych::principal``.

Everything starts from the item correlation matrix (:func:`servqual.stats.sufficient_stats`), so after
reading the data the cost does not grow with the number of respondents.

Extraction methods
    ``minres`` (ordinary least squares on the off-diagonal residuals), ``ml`` (maximum likelihood),
    ``pa`` (iterated principal axis) and ``pc`` (principal components, ``psych::principal``).
Rotations
    ``none``, ``varimax`` (``stats::varimax``, Kaiser normalisation), ``promax`` (Kaiser-normalised
    Promax with power 4, as ``psych::kaiser(L, "Promax")``) and ``oblimin`` (gradient-projection direct
    oblimin with gamma 0 and no Kaiser normalisation, as ``GPArotation::oblimin``).

Factors are reported the way psych reports them: each column is flipped so that its loadings sum to a
positive number and the columns are ordered by the variance they account for; the names (``MR1``,
``ML2``, ``PA3``, ``PC1``/``RC1``) keep the number of the unrotated factor, so ``MR1, MR3, MR2`` means the
rotated second-largest factor came from the third unrotated one. The factor correlations ``phi`` are
ordered and signed like the loadings.

Numbers are tested against R psych 2.2.9 and GPArotation 2022.10 on six real data sets.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special
from scipy.linalg import lapack

from servqual._blas import single_thread_blas
from servqual._results import ResultMixin
from servqual.psychometrics.adequacy import _require_nonsingular, _stats_and_corr
from servqual.exceptions import AnalysisError, ConvergenceWarning, HeywoodWarning
from servqual.psychometrics.stats import noncentrality_for_cdf

__all__ = [
    "efa",
    "EFAResult",
    "parallel_analysis",
    "ParallelResult",
    "harman_single_factor",
    "HarmanResult",
    "FACTOR_METHODS",
    "ROTATIONS",
]

FACTOR_METHODS = ("minres", "ml", "pa", "pc")
ROTATIONS = ("none", "varimax", "promax", "oblimin")
_PREFIX = {"minres": "MR", "ml": "ML", "pa": "PA", "pc": "PC"}
_EPS = np.finfo(float).eps
# psych::fa bounds the uniquenesses of minres/ml to [0.005, 1] and optimises them with
# optim(method = "L-BFGS-B", parscale = 0.01) and optim's defaults factr = 1e7, lmm = 5, maxit = 100
_PSI_LOWER = 0.005
_PARSCALE = 0.01
_LBFGSB = dict(maxcor=5, ftol=1e7 * _EPS, gtol=0.0)


# ---------------------------------------------------------------------------------------------
# linear algebra
# ---------------------------------------------------------------------------------------------
def _eigvals_desc(s: np.ndarray) -> np.ndarray:
    """Eigenvalues of a symmetric matrix, largest first (LAPACK syevd without numpy's wrapping)."""
    w, _, info = lapack.dsyevd(s, compute_v=0)
    return (w if info == 0 else np.linalg.eigvalsh(s))[::-1]


def _eigh_desc(s: np.ndarray):
    w, v = np.linalg.eigh(s)
    return w[::-1], v[:, ::-1]


def _smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1 / diag(R^-1)`` (psych ``smc``; pseudo-inverse if singular)."""
    try:
        inv = np.linalg.inv(r)
        if not np.all(np.isfinite(inv)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r, hermitian=True)
    with np.errstate(divide="ignore"):
        s = 1.0 - 1.0 / np.diag(inv)
    return np.clip(np.nan_to_num(s, nan=1.0, posinf=1.0, neginf=0.0), 0.0, 1.0)


def _cor_smooth(x: np.ndarray, eig_tol: float = 1e-12) -> np.ndarray:
    """psych ``cor.smooth``: make a matrix positive definite by raising tiny/negative eigenvalues."""
    # eigenvalues alone agree with those of the full decomposition to ~p * eps * ||x||, far below 1e-10:
    # a smallest eigenvalue above 1e-10 means the matrix is returned unchanged
    if np.linalg.eigvalsh(x)[0] > 1e-10:
        return x
    w, v = _eigh_desc(x)
    if w.min() >= _EPS:
        return x
    w = np.where(w < eig_tol, 100 * eig_tol, w)
    w = w * x.shape[0] / w.sum()
    y = (v * w) @ v.T
    d = np.sqrt(np.diag(y))
    return y / np.outer(d, d)


def _top_loadings(s: np.ndarray, nf: int, floor: float | None = 0.0) -> np.ndarray:
    """First ``nf`` principal axes of ``s`` scaled by the square roots of their eigenvalues."""
    w, v = _eigh_desc(s)
    w = w[:nf]
    if floor is not None:
        w = np.maximum(w, floor)
    return v[:, :nf] * np.sqrt(w)


# ---------------------------------------------------------------------------------------------
# extraction
# ---------------------------------------------------------------------------------------------
def _minres_objective(psi, r, nf):
    s = r.copy()
    np.fill_diagonal(s, 1.0 - psi)
    w, v = _eigh_desc(s)
    w = np.where(w < _EPS, 100 * _EPS, w)
    lam = v[:, :nf] * np.sqrt(w[:nf])
    res = s - lam @ lam.T
    return float(np.sum(np.tril(res, -1) ** 2))


def _minres_gradient(psi, r, nf):
    lam = _top_loadings(r - np.diag(psi), nf)
    return np.sum(lam**2, axis=1) + psi - np.diag(r)


def _ml_objective(psi, r, nf):
    sc = 1.0 / np.sqrt(psi)
    e = np.linalg.eigvalsh(r * np.outer(sc, sc))[::-1][nf:]
    return float(-(np.sum(np.log(e) - e) - nf + r.shape[0]))


def _ml_loadings(psi, r, nf):
    sc = 1.0 / np.sqrt(psi)
    w, v = _eigh_desc(r * np.outer(sc, sc))
    lam = v[:, :nf] * np.sqrt(np.maximum(w[:nf] - 1.0, 0.0))
    return np.sqrt(psi)[:, None] * lam


def _ml_gradient(psi, r, nf):
    lam = _ml_loadings(psi, r, nf)
    return (np.sum(lam**2, axis=1) + psi - np.diag(r)) / psi**2


@functools.lru_cache(maxsize=64)
def _psi_bounds(k: int) -> optimize.Bounds:
    """Box [0.005, 1] for k uniquenesses on the optimiser's scale (built once per k; never modified)."""
    return optimize.Bounds(np.full(k, _PSI_LOWER / _PARSCALE), np.full(k, 1.0 / _PARSCALE))


def _optimise_uniquenesses(r, nf, method, max_iter):
    """Minimise the minres or ML discrepancy over the uniquenesses (bounded L-BFGS-B, psych's settings)."""
    start = np.clip(1.0 - _smc(r), _PSI_LOWER, 1.0)
    if method == "minres":
        fun, jac = _minres_objective, _minres_gradient
    else:
        fun, jac = _ml_objective, _ml_gradient
    k = r.shape[0]
    last = {}  # x, eigenvalues and eigenvectors of the last minres evaluation
    bounds = _psi_bounds(k)
    diag_r = np.diag(r).copy()
    if method == "minres" and np.all(diag_r == 1.0):
        # objective and psych's gradient from one eigendecomposition of R - diag(psi) (the two matrices
        # are the same when diag(R) is exactly 1); values are those of the separate functions above
        work = r.copy()
        diag_view = np.einsum("ii->i", work)
        eps100 = 100 * _EPS
        syevr = lapack.dsyevr

        def fun_grad(x):
            psi = x * _PARSCALE
            diag_view[:] = 1.0 - psi
            w, v, _, _, info = syevr(work)  # ascending
            if info != 0:  # pragma: no cover - LAPACK failure on a finite symmetric matrix
                w, v = np.linalg.eigh(work)
            last.update(x=x.copy(), w=w, v=v)
            lead = w[k - nf :]
            if lead[0] >= _EPS:
                # the usual case: L L' = V_lead W_lead V_lead' exactly, so R - Psi - L L' = V_rest W_rest V_rest',
                # whose squares sum to sum(w_rest^2); the off-diagonal half of that is psych's objective
                lam = v[:, k - nf :] * np.sqrt(lead)
                dres = (1.0 - psi) - np.einsum("ij,ij->i", lam, lam)  # diagonal of R - Psi - L L'
                rest = w[: k - nf]
                f = (float(np.vdot(rest, rest)) - float(np.vdot(dres, dres))) / 2.0
                return f, -dres * _PARSCALE  # psych's gradient diag(L L') + psi - diag(R), diag(R) = 1
            w, v = w[::-1], v[:, ::-1]
            lead = w[:nf]
            vl = v[:, :nf]
            lam = vl * np.sqrt(np.where(lead < _EPS, eps100, lead))
            res = work - lam @ lam.T
            dr = np.einsum("ii->i", res)
            f = (float(np.vdot(res, res)) - float(np.vdot(dr, dr))) / 2.0  # sum over i < j of res_ij^2
            lam = vl * np.sqrt(np.maximum(lead, 0.0))
            return f, (np.einsum("ij,ij->i", lam, lam) + psi - diag_r) * _PARSCALE

        res = optimize.minimize(fun_grad, start / _PARSCALE, jac=True, method="L-BFGS-B", bounds=bounds,
                                options=dict(_LBFGSB, maxiter=max_iter))
    else:
        res = optimize.minimize(
            lambda x: fun(x * _PARSCALE, r, nf),
            start / _PARSCALE,
            jac=lambda x: jac(x * _PARSCALE, r, nf) * _PARSCALE,
            method="L-BFGS-B",
            bounds=bounds,
            options=dict(_LBFGSB, maxiter=max_iter),
        )
    psi = res.x * _PARSCALE
    if method == "minres" and "x" in last and np.array_equal(last["x"], res.x):
        # the solution is the last point evaluated: its eigendecomposition is that of R - diag(psi)
        w, v = last["w"][::-1], last["v"][:, ::-1]
        lam = v[:, :nf] * np.sqrt(np.maximum(w[:nf], 0.0))
    elif method == "minres":
        s = r.copy()
        np.fill_diagonal(s, 1.0 - psi)
        lam = _top_loadings(s, nf)
    else:
        lam = _ml_loadings(psi, r, nf)
    # an abnormal line-search stop happens at bounded (Heywood) solutions, where psych's gradient is not
    # the gradient of its objective; R's optim stops there as well. Only the iteration limit counts.
    converged = int(res.status) != 1
    return lam, psi, converged, int(res.nit), str(res.message)


def _principal_axis(r, nf, max_iter, min_err):
    """Iterated principal axis factoring as psych (SMC start, stop when the communality sum changes < min_err)."""
    rm = r.copy()
    np.fill_diagonal(rm, _smc(r))
    comm = float(np.trace(rm))
    err, it, converged = comm, 0, True
    lam = None
    while err > min_err:
        w, v = _eigh_desc(rm)
        with np.errstate(invalid="ignore"):
            lam = v[:, :nf] * np.sqrt(w[:nf])
        if not np.all(np.isfinite(lam)):
            raise AnalysisError(
                "principal axis factoring met a negative eigenvalue (imaginary loadings); extract fewer "
                "factors or use method='minres'."
            )
        new = np.sum(lam**2, axis=1)
        comm1 = float(new.sum())
        np.fill_diagonal(rm, new)
        err = abs(comm - comm1)
        comm = comm1
        it += 1
        if it >= max_iter:
            converged = err <= min_err
            break
    return lam, 1.0 - np.diag(rm), converged, it, ""


def _principal_components(r, nf):
    w, v = _eigh_desc(r)
    w = np.where(w < _EPS, _EPS, w)
    lam = v[:, :nf] * np.sqrt(w[:nf])
    # psych::principal: the largest absolute loading of each component is made positive
    idx = np.argmax(np.abs(lam), axis=0)
    sgn = np.sign(lam[idx, np.arange(nf)])
    sgn[sgn == 0] = 1
    return lam * sgn


# ---------------------------------------------------------------------------------------------
# rotations
# ---------------------------------------------------------------------------------------------
def _varimax(x, normalize=True, eps=1e-5, max_iter=1000):
    """``stats::varimax``: returns (rotated loadings, orthogonal rotation matrix, converged)."""
    nc = x.shape[1]
    if nc < 2:
        return x, np.eye(nc), True
    sc = np.sqrt(np.sum(x**2, axis=1)) if normalize else np.ones(x.shape[0])
    z0 = x / sc[:, None]
    p = z0.shape[0]
    t = np.eye(nc)
    d = 0.0
    converged = False
    for _ in range(max_iter):
        z = z0 @ t
        b = z0.T @ (z**3 - z * (np.sum(z**2, axis=0) / p))
        u, s, vt = np.linalg.svd(b)
        t = u @ vt
        d_past, d = d, float(np.sum(s))
        if d < d_past * (1 + eps):
            converged = True
            break
    return (z0 @ t) * sc[:, None], t, converged


def _promax(x, m=4):
    """``psych::kaiser(x, "Promax")``: rows scaled to unit length, varimax, power-``m`` target, rows rescaled.

    Returns (loadings, rotation matrix T with loadings = x @ T, Phi, converged).
    """
    h = np.sqrt(np.sum(x**2, axis=1))
    xw = x / h[:, None]
    xv, tv, conv = _varimax(xw)
    q = xv * np.abs(xv) ** (m - 1)
    u = np.linalg.lstsq(xv, q, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u * np.sqrt(d)
    z = xv @ u
    u_tot = tv @ u
    ui = np.linalg.inv(u_tot)
    phi = ui @ ui.T
    return z * h[:, None], u_tot, phi, conv


def _lu(t):
    """LU factors of a small square matrix (LAPACK getrf, without numpy's per-call wrapping)."""
    lu, piv, info = lapack.dgetrf(t)
    if info != 0:
        raise np.linalg.LinAlgError("singular rotation matrix")
    return lu, piv


def _oblimin(a, gamma=0.0, eps=1e-5, max_iter=1000):
    """Direct oblimin by gradient projection (Jennrich 2002; ``GPArotation::GPFoblq``, identity start).

    Returns (loadings, T with loadings = a @ inv(T).T, Phi = T'T, converged).

    The steps are those of ``GPFoblq``; ``inv(T)`` is never formed: the loadings ``a inv(T)'`` are the
    solution of ``T X = a'`` and the gradient ``-(L' G inv(T))'`` that of ``T' Y = -(L' G)'``, both from
    one LU factorisation of the k x k matrix ``T`` per step.
    """
    p, k = a.shape
    centre = None if gamma == 0 else np.eye(p) - np.full((p, p), gamma / p)
    at = np.asfortranarray(a.T)
    getrs = lapack.dgetrs

    def criterion(lam):
        # oblimin criterion f = sum(L² ∘ X) / 4 with X = C L² N, N = 1 - I (X = row sums of L² less L²),
        # C = I - gamma/p (identity for gamma = 0), and its gradient L ∘ X
        l2 = lam * lam
        x = l2.sum(axis=1, keepdims=True) - l2
        if centre is not None:
            x = centre @ x
        return lam * x, float(np.vdot(l2, x)) / 4.0

    def loadings(t):
        lu, piv = _lu(t)
        return getrs(lu, piv, at)[0].T, lu, piv

    t = np.eye(k)
    alpha = 1.0
    lam, lu, piv = loadings(t)
    gq, f = criterion(lam)
    g = -getrs(lu, piv, (lam.T @ gq).T, trans=1)[0]
    converged = False
    for _ in range(max_iter + 1):
        gp = g - t * (t * g).sum(axis=0)
        s2 = float(np.vdot(gp, gp))
        if math.sqrt(s2) < eps:
            converged = True
            break
        alpha *= 2
        for _ in range(11):
            xm = t - alpha * gp
            tt = xm / np.sqrt((xm * xm).sum(axis=0))
            lam, lu, piv = loadings(tt)
            gqt, ft = criterion(lam)
            if f - ft > 0.5 * s2 * alpha:
                break
            alpha /= 2
        t, f = tt, ft
        g = -getrs(lu, piv, (lam.T @ gqt).T, trans=1)[0]
    # lam holds a @ inv(t).T for the final t
    return lam, t, t.T @ t, converged


# ---------------------------------------------------------------------------------------------
# fit statistics (psych::factor.stats)
# ---------------------------------------------------------------------------------------------
def _fit_statistics(r, lam, phi, n, conf=0.9):
    p, nf = lam.shape
    model = lam @ lam.T if phi is None else lam @ phi @ lam.T
    resid = r - model
    r2 = float(np.sum(r * r))
    rstar2 = float(np.sum(resid * resid))
    dof = p * (p - 1) / 2 - p * nf + nf * (nf - 1) / 2
    r2_off = r2 - float(np.trace(r))
    np.fill_diagonal(resid, 0.0)
    rstar_off = float(np.sum(resid**2))
    out = {
        "objective": np.nan, "chisq": np.nan, "df": dof, "pval": np.nan,
        "rmsea": np.nan, "rmsea_ci_low": np.nan, "rmsea_ci_high": np.nan, "tli": np.nan, "bic": np.nan,
        "fit": 1 - rstar2 / r2, "fit_off": 1 - rstar_off / r2_off if r2_off > 0 else np.nan,
        "rms": np.sqrt(rstar_off / (p * (p - 1))) if p > 1 else np.nan,
        "crms": np.sqrt(rstar_off / (2 * dof)) if dof > 0 else np.nan,
        "empirical_chisq": rstar_off * n,
    }
    m = model.copy()
    np.fill_diagonal(m, np.diag(r))
    m = _cor_smooth(m)
    rs = _cor_smooth(r)
    try:
        mir = np.linalg.solve(m, rs)
    except np.linalg.LinAlgError:
        return out
    sign, logdet = np.linalg.slogdet(mir)
    obj = float(np.trace(mir) - logdet - p) if sign > 0 else np.nan
    out["objective"] = obj
    nm = (n - 1) - (2 * p + 5) / 6 - 2 * nf / 3
    chisq = max(obj * nm, 0.0)
    out["chisq"] = chisq
    if dof > 0:
        out["pval"] = float(special.chdtrc(dof, chisq))  # what scipy.stats.chi2.sf evaluates
    s0, ld0 = np.linalg.slogdet(rs)
    f0 = float(np.trace(rs) - ld0 - p)
    mm = obj / dof if dof != 0 else np.nan
    m0 = f0 * 2 / (p * (p - 1))
    out["tli"] = (m0 - mm) / (m0 - 1 / nm) if dof != 0 else np.nan
    if dof > 0 and np.isfinite(obj):
        rmsea = np.sqrt(max(chisq / (dof * n) - 1 / (n - 1), 0.0))
        tail = (1 - conf) / 2
        hi = max(n, chisq) + 2 * n

        def ncp_root(target):
            return noncentrality_for_cdf(chisq, dof, target, hi)

        cdf = special.chdtr(dof, chisq)
        upper = np.sqrt(ncp_root(tail) / (n - 1) / dof) if cdf > tail else 0.0
        lower = np.sqrt(ncp_root(1 - tail) / (n - 1) / dof) if cdf > 1 - tail else 0.0
        if np.isfinite(upper) and upper < rmsea:
            upper = np.nan
        if np.isfinite(lower) and lower > rmsea:
            lower = np.nan
        out.update(rmsea=rmsea, rmsea_ci_low=lower, rmsea_ci_high=upper, bic=chisq - dof * np.log(n))
    return out


# ---------------------------------------------------------------------------------------------
# the core (correlation matrix in, numpy out); shared with servqual.omega
# ---------------------------------------------------------------------------------------------
@dataclass
class _Fit:
    loadings: np.ndarray
    names: list
    unrotated: np.ndarray
    unrotated_names: list
    communality: np.ndarray  # diag of the model (psych $communality)
    psi: np.ndarray  # optimiser uniquenesses (psych 1 - $communalities)
    phi: np.ndarray | None
    rotmat: np.ndarray | None
    values: np.ndarray  # eigenvalues of R with the communalities on the diagonal
    e_values: np.ndarray
    converged: bool
    iterations: int
    message: str
    rotation_converged: bool = True


def _fa_core(r, nf, method="minres", rotation="none", max_iter=None, min_err=0.001):
    """Extract, rotate, sign and order factors as ``psych::fa`` / ``psych::principal``."""
    e_values = _eigvals_desc(r)
    if method in ("minres", "ml"):
        lam, psi, conv, nit, msg = _optimise_uniquenesses(r, nf, method, 100 if max_iter is None else max_iter)
    elif method == "pa":
        lam, psi, conv, nit, msg = _principal_axis(r, nf, 50 if max_iter is None else max_iter, min_err)
    elif method == "pc":
        lam = _principal_components(r, nf)
        conv, nit, msg = True, 0, ""
        psi = 1.0 - np.sum(lam**2, axis=1)
    else:  # pragma: no cover - validated by the caller
        raise AnalysisError(f"unknown method {method!r}")
    if method != "pc":
        # psych::fa flips the unrotated factors so that their loadings sum to a positive number
        sgn = np.sign(lam.sum(axis=0))
        sgn[sgn == 0] = 1
        lam = lam * sgn
    lam = np.where(lam == 0.0, 1e-15, lam)
    prefix = _PREFIX[method]
    unrot_names = [f"{prefix}{j + 1}" for j in range(nf)]
    model = lam @ lam.T
    communality = np.diag(model).copy()
    s = r.copy()
    np.fill_diagonal(s, communality)
    values = _eigvals_desc(s)

    rot, phi, tmat, rconv = lam, None, np.eye(nf), True
    names = list(unrot_names)
    if rotation != "none" and nf > 1:
        if rotation == "varimax":
            rot, tmat, rconv = _varimax(lam)
        elif rotation == "promax":
            rot, tmat, phi, rconv = _promax(lam)
        elif rotation == "oblimin":
            rot, th, phi, rconv = _oblimin(lam)
            tmat = np.linalg.inv(th).T
        if method == "pc":
            names = [("TC" if phi is not None else "RC") + str(j + 1) for j in range(nf)]
    sgn = np.sign(rot.sum(axis=0))
    sgn[sgn == 0] = 1
    rot = rot * sgn
    tmat = tmat * sgn
    if phi is not None:
        phi = phi * np.outer(sgn, sgn)
    if nf > 1:
        # psych orders by the variance accounted for: diag(Phi L'L) for oblique solutions
        vx = np.sum(rot**2, axis=0) if phi is None else np.diag(phi @ rot.T @ rot)
        order = np.argsort(-vx, kind="stable")
        rot, tmat = rot[:, order], tmat[:, order]
        names = [names[j] for j in order]
        if phi is not None:
            phi = phi[np.ix_(order, order)]
    return _Fit(rot, names, lam, unrot_names, communality, psi, phi,
                None if rotation == "none" or nf == 1 else tmat, values, e_values, conv, nit, msg, rconv)


_VARIANCE_COLUMNS = ("ss_loadings", "proportion_var", "cumulative_var", "proportion_explained", "cumulative_proportion")


@functools.lru_cache(maxsize=256)
def _labels(names: tuple, name: str | None = None) -> pd.Index:
    """An Index of labels, built once per distinct label tuple (building a string Index costs more than
    the small tables it labels). Every table gets its own shallow ``.view()``, so renaming one
    table's index never renames another's."""
    return pd.Index(list(names), name=name)


def _variance_table(fit: _Fit, p: int) -> pd.DataFrame:
    lam = fit.loadings
    vx = np.sum(lam**2, axis=0) if fit.phi is None else np.diag(fit.phi @ lam.T @ lam)
    total = p  # psych: sum(communality + uniquenesses) = trace(R)
    # one 2-D block (cheaper to wrap than a dict of columns)
    table = np.column_stack([vx, vx / total, np.cumsum(vx / total), vx / vx.sum(), np.cumsum(vx / vx.sum())])
    return pd.DataFrame(table, index=_labels(tuple(fit.names), "factor").view(),
                        columns=_labels(_VARIANCE_COLUMNS).view())


# ---------------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False)
class EFAResult(ResultMixin):
    """Result of :func:`efa`.

    The estimates are computed by :func:`efa`; the tables below are wrapped in pandas objects when
    first accessed (then kept), and the fit statistics are computed then.

    Attributes
    ----------
    loadings : pandas.DataFrame
        Items x factors pattern loadings (rotated), psych's order, names and signs.
    communalities : pandas.Series
        ``h2``, the row sums of squared *unrotated* loadings (psych ``$communality``).
    uniquenesses : pandas.Series
        ``u2 = 1 - h2`` (psych ``$uniquenesses``, ``diag(R - LL')``).
    variance : pandas.DataFrame
        One row per factor: ``ss_loadings`` (for oblique solutions ``diag(Phi L'L)``), ``proportion_var``
        (over the number of items), ``cumulative_var``, ``proportion_explained`` (over the common
        variance), ``cumulative_proportion``.
    phi : pandas.DataFrame or None
        Factor correlations (oblique rotations), ordered and signed like ``loadings``.
    structure : pandas.DataFrame
        Structure coefficients ``L Phi`` (item-factor correlations; equal to ``loadings`` if orthogonal).
    rotation_matrix : pandas.DataFrame or None
        ``T`` with ``loadings = unrotated @ T`` (rows: unrotated factors, columns: reported factors).
    unrotated : pandas.DataFrame
        Unrotated loadings.
    fit : pandas.Series
        ``objective, chisq, df, pval, rmsea, rmsea_ci_low, rmsea_ci_high`` (90 % CI), ``tli, bic, fit,
        fit_off, rms, crms, empirical_chisq`` as ``psych::factor.stats`` reports them; computed when
        first accessed (it costs about as much as the rotation), then kept.
    eigenvalues, reduced_eigenvalues : numpy.ndarray
        Eigenvalues of R and of R with the communalities on the diagonal.
    complexity : pandas.Series
        Hofmann's item complexity ``(Σλ²)² / Σλ⁴``.
    """

    method: str
    rotation: str
    n_factors: int
    n: int
    items: list
    eigenvalues: np.ndarray = field(repr=False)
    reduced_eigenvalues: np.ndarray = field(repr=False)
    converged: bool = True
    iterations: int = 0
    heywood_items: list = field(default_factory=list)
    # the estimates as arrays (_Fit) and the inputs of the fit statistics (R, loadings, Phi, n); the
    # tables below are wrapped in pandas objects on first access, then kept
    fit_: object = field(default=None, repr=False)
    _fit_inputs: tuple = field(default=(), repr=False)

    def _items_ix(self):
        return _labels(tuple(self.items)).view()

    def _names_ix(self):
        return _labels(tuple(self.fit_.names)).view()

    @functools.cached_property
    def loadings(self) -> pd.DataFrame:
        return pd.DataFrame(self.fit_.loadings, index=self._items_ix(), columns=self._names_ix())

    @functools.cached_property
    def communalities(self) -> pd.Series:
        return pd.Series(self.fit_.communality, index=self._items_ix(), name="h2")

    @functools.cached_property
    def uniquenesses(self) -> pd.Series:
        return pd.Series(1.0 - self.fit_.communality, index=self._items_ix(), name="u2")

    @functools.cached_property
    def variance(self) -> pd.DataFrame:
        return _variance_table(self.fit_, len(self.items))

    @functools.cached_property
    def phi(self) -> pd.DataFrame | None:
        if self.fit_.phi is None:
            return None
        return pd.DataFrame(self.fit_.phi, index=self._names_ix(), columns=self._names_ix())

    @functools.cached_property
    def structure(self) -> pd.DataFrame:
        if self.fit_.phi is None:
            return self.loadings
        return pd.DataFrame(self.fit_.loadings @ self.fit_.phi, index=self._items_ix(), columns=self._names_ix())

    @functools.cached_property
    def rotation_matrix(self) -> pd.DataFrame | None:
        if self.fit_.rotmat is None:
            return None
        return pd.DataFrame(self.fit_.rotmat, index=_labels(tuple(self.fit_.unrotated_names)).view(),
                            columns=self._names_ix())

    @functools.cached_property
    def unrotated(self) -> pd.DataFrame:
        return pd.DataFrame(self.fit_.unrotated, index=self._items_ix(),
                            columns=_labels(tuple(self.fit_.unrotated_names)).view())

    @functools.cached_property
    def complexity(self) -> pd.Series:
        lam = self.fit_.loadings
        with np.errstate(divide="ignore", invalid="ignore"):
            cx = np.sum(lam**2, axis=1) ** 2 / np.sum(lam**4, axis=1)
        return pd.Series(cx, index=self._items_ix(), name="complexity")

    @functools.cached_property
    def fit(self) -> pd.Series:
        """Fit statistics as ``psych::factor.stats`` reports them (computed on first access)."""
        stats = _fit_statistics(*self._fit_inputs)
        return pd.Series(np.fromiter(stats.values(), float, len(stats)), index=_labels(tuple(stats)).view(),
                         name="fit")

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"Exploratory factor analysis ({self.method}, {self.rotation}, {self.n_factors} factors, n = {self.n})"

    @property
    def variance_accounted(self) -> pd.DataFrame:
        """psych's ``Vaccounted`` layout (statistics as rows, factors as columns)."""
        return self.variance.T

    def tables(self) -> dict:
        load = self.loadings.copy()
        load["h2"] = self.communalities
        load["u2"] = self.uniquenesses
        load["complexity"] = self.complexity
        out = {"Loadings": load, "Variance accounted for": self.variance}
        if self.phi is not None:
            out["Factor correlations (Phi)"] = self.phi
        if self.method != "pc":
            out["Fit"] = self.fit.to_frame("estimate")
        return out

    def notes(self) -> list:
        lines = []
        if self.method != "pc" and np.isfinite(self.fit.get("rmsea", np.nan)):
            f = self.fit
            lines.append(
                f"chi2({f['df']:.0f}) = {f['chisq']:.2f}, p = {f['pval']:.3g}; RMSEA = {f['rmsea']:.3f} "
                f"[{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}] (<= .05 close, <= .08 acceptable; "
                f"Browne & Cudeck 1993); TLI = {f['tli']:.3f} (>= .90 acceptable, >= .95 good; Hu & Bentler 1999)."
            )
        low = self.communalities[self.communalities < 0.2].index.tolist()
        if low:
            lines.append(f"Communalities below .20 (items weakly explained by the factors): {', '.join(map(str, low))}.")
        cross = [it for it, row in self.loadings.abs().iterrows() if (row >= 0.32).sum() > 1]
        if cross:
            lines.append(
                "Cross-loading items (|loading| >= .32 on more than one factor; Tabachnick & Fidell 2013): "
                + ", ".join(map(str, cross)) + "."
            )
        if self.heywood_items:
            lines.append(f"Heywood case (communality >= 1 or uniqueness at its bound): {', '.join(map(str, self.heywood_items))}.")
        return lines

    def get_loadings_frame(self, threshold: float = 0.3, highlight_max: bool = True, sort_items: bool = False,
                           decimals: int = 3, color_max: str = "yellow"):
        """Loadings as a pandas ``Styler``: |loading| < ``threshold`` greyed, each item's largest loading highlighted.

        Parameters
        ----------
        threshold : float
            Loadings with smaller absolute value are shown in light grey.
        highlight_max : bool
            Highlight the largest absolute loading of each item.
        sort_items : bool
            Sort items by their main factor and, within a factor, by decreasing loading.
        decimals : int
            Digits shown (display only).
        color_max : str
            Background colour of the highlighted loadings.
        """
        df = self.loadings.copy()
        if sort_items:
            main = df.abs().to_numpy().argmax(axis=1)
            key = pd.DataFrame({"f": main, "v": -df.abs().max(axis=1).to_numpy()}, index=df.index)
            df = df.loc[key.sort_values(["f", "v"], kind="stable").index]
        absd = df.abs()

        def grey(v):
            return "color: lightgrey" if abs(v) < threshold else ""

        styler = df.style.format(precision=decimals)
        styler = styler.map(grey) if hasattr(styler, "map") else styler.applymap(grey)
        if highlight_max:
            maxcol = absd.to_numpy().argmax(axis=1)

            def hl(row):
                i = df.index.get_loc(row.name)
                return [f"background-color: {color_max}" if j == maxcol[i] else "" for j in range(len(row))]

            styler = styler.apply(hl, axis=1)
        return styler


def _correlations(data, items, nan_policy, min_items: int, what: str):
    """Sufficient statistics and a non-singular correlation matrix (pairwise Pearson under pairwise
    deletion, as R ``cor(use = "pairwise")``), with clear errors for constant or collinear items."""
    st, r = _stats_and_corr(data, items, nan_policy, min_items, what)
    return st, _require_nonsingular(st, what, r)


def _max_factors(k: int) -> int:
    nf = 0
    while nf + 1 <= k and k * (k - 1) / 2 - k * (nf + 1) + (nf + 1) * nf / 2 >= 0:
        nf += 1
    return nf


def _validate(data, items, nan_policy, n_factors, method, rotation):
    if method not in FACTOR_METHODS:
        raise AnalysisError(f"method must be one of {', '.join(FACTOR_METHODS)}; got {method!r}")
    if rotation not in ROTATIONS:
        raise AnalysisError(f"rotation must be one of {', '.join(ROTATIONS)}; got {rotation!r}")
    if not isinstance(n_factors, (int, np.integer)) or isinstance(n_factors, bool) or n_factors < 1:
        raise AnalysisError(f"n_factors must be a positive integer, got {n_factors!r}")
    what = "factor analysis" if method != "pc" else "principal components analysis"
    st, r = _correlations(data, items, nan_policy, 3 if method != "pc" else 2, what)
    k = st.k
    if method == "pc":
        if n_factors > k:
            raise AnalysisError(f"n_factors = {n_factors} exceeds the number of items ({k}); use at most {k}.")
    else:
        mx = _max_factors(k)
        if n_factors > mx:
            raise AnalysisError(
                f"{n_factors} factors are too many for {k} items: the factor model would have "
                f"{k * (k - 1) / 2 - k * n_factors + n_factors * (n_factors - 1) / 2:.0f} degrees of freedom "
                f"(needs >= 0). Extract at most {mx} factor(s), add items, or use method='pc'."
            )
    return st, r


def efa(data, n_factors: int, items=None, method: str = "minres", rotation: str = "oblimin",
        nan_policy: str = "listwise", max_iter: int | None = None, min_err: float = 0.001) -> EFAResult:
    """Exploratory factor analysis as R ``psych::fa`` (or principal components as ``psych::principal``).

    Parameters
    ----------
    data : pandas.DataFrame or servqual.stats.SufficientStats
        Item responses (rows = respondents) or precomputed sufficient statistics.
    n_factors : int
        Number of factors (components) to extract.
    items : list of str, optional
        Columns to analyse (default: all).
    method : {"minres", "ml", "pa", "pc"}
        ``minres`` minimum residual (unweighted least squares; psych's default), ``ml`` maximum
        likelihood, ``pa`` iterated principal axis, ``pc`` principal components (``psych::principal``).
    rotation : {"oblimin", "promax", "varimax", "none"}
        ``oblimin`` (default, as psych) direct oblimin gamma = 0 without Kaiser normalisation; ``promax``
        Kaiser-normalised Promax (m = 4); ``varimax`` with Kaiser normalisation; ``none``.
    nan_policy : {"listwise", "pairwise"}
        Missing-data handling for the correlation matrix.
    max_iter : int, optional
        Iteration limit: L-BFGS-B iterations for minres/ml (default 100, R ``optim``'s default),
        principal-axis iterations for pa (default 50, psych's ``max.iter``).
    min_err : float
        Principal axis convergence: change of the communality sum (psych's ``min.err``, 0.001).

    Returns
    -------
    EFAResult
        ``loadings``, ``communalities``, ``uniquenesses``, ``variance`` (ss_loadings, proportion_var,
        cumulative_var, proportion_explained, cumulative_proportion), ``phi``, ``structure``,
        ``rotation_matrix``, ``fit`` (objective, chisq, df, pval, rmsea, rmsea_ci_low, rmsea_ci_high,
        tli, bic, fit, fit_off, rms, crms), ``eigenvalues``, ``reduced_eigenvalues``, ``complexity``.

    Raises
    ------
    AnalysisError
        Too few rows or items, constant items, a singular correlation matrix (collinear items are
        named), or more factors than the degrees of freedom allow.

    Warns
    -----
    HeywoodWarning
        An item's communality reaches 1 (or its uniqueness the lower bound 0.005): the solution is
        improper; the items are named.
    ConvergenceWarning
        The optimiser, the principal-axis iteration or the rotation stopped before converging.

    Notes
    -----
    minres minimises ``Σ_{i<j} (r_ij - (ΛΛ')_ij)²`` and ML ``tr(Σ⁻¹R) - log|Σ⁻¹R| - p`` over the
    uniquenesses ψ in [0.005, 1] (L-BFGS-B from ``ψ = 1 - SMC``, the settings of ``psych::fa``), the
    loadings being the first eigenvectors of ``R - Ψ`` (minres) or of ``Ψ^-½ R Ψ^-½`` (ML). The fit
    statistics follow ``psych::factor.stats``: ``chisq = F (n - 1 - (2p + 5)/6 - 2m/3)``, ``RMSEA =
    sqrt(max(chisq/(df n) - 1/(n - 1), 0))`` with a 90 % CI from the non-central chi-square, ``TLI`` of
    Tucker & Lewis (1973), ``BIC = chisq - df ln n``. Rotations: Kaiser (1958) varimax, Hendrickson &
    White (1964) promax, Jennrich (2002) gradient-projection oblimin.

    Unlike ``factor_analyzer`` 0.5, the factor correlations are reordered with the factors, and the
    communalities are those of the extraction (rotation does not change them).

    Tested against R psych 2.2.9 (``fa``, ``principal``) with GPArotation 2022.10 on six data sets:
    loadings, communalities, variance accounted for, Phi and fit within 1e-3.

    Examples
    --------
    >>> res = efa(df, n_factors=3, rotation="oblimin")        # doctest: +SKIP
    >>> res.loadings.round(2); res.phi; res.fit[["chisq", "rmsea", "tli"]]   # doctest: +SKIP
    >>> res.get_loadings_frame(threshold=0.3)                 # doctest: +SKIP
    """
    st, r = _validate(data, items, nan_policy, n_factors, method, rotation)
    with single_thread_blas():
        fit = _fa_core(r, int(n_factors), method, rotation, max_iter=max_iter, min_err=min_err)
        return _result_from_fit(fit, r, st, int(n_factors), method, rotation)


def _result_from_fit(fit: _Fit, r, st, nf, method, rotation) -> EFAResult:
    items = list(st.items)
    p = len(items)
    lam = fit.loadings
    heywood = []
    if method != "pc":
        at_bound = (fit.psi <= _PSI_LOWER + 1e-6) if method in ("minres", "ml") else np.zeros(p, bool)
        heywood = [it for it, h, b in zip(items, fit.communality, at_bound) if h >= 1.0 or b]
        if heywood:
            warnings.warn(
                f"Heywood case: communality >= 1 (or uniqueness at its lower bound {_PSI_LOWER}) for "
                f"{', '.join(map(str, heywood))}. The solution is improper: extract fewer factors, drop or merge "
                "these items, or try method='ml' / 'pa'.",
                HeywoodWarning, stacklevel=3,
            )
        if not fit.converged:
            warnings.warn(
                f"the {method} extraction did not converge in {fit.iterations} iterations"
                + (f" ({fit.message})" if fit.message else "") + "; "
                "increase max_iter or extract fewer factors.", ConvergenceWarning, stacklevel=3)
    if not fit.rotation_converged:
        warnings.warn(f"the {rotation} rotation did not converge; the loadings may not be a simple structure.",
                      ConvergenceWarning, stacklevel=3)
    return EFAResult(
        method=method, rotation=rotation if nf > 1 else "none", n_factors=nf, n=int(st.n), items=items,
        eigenvalues=fit.e_values, reduced_eigenvalues=fit.values, converged=fit.converged,
        iterations=fit.iterations, heywood_items=heywood, fit_=fit, _fit_inputs=(r, lam, fit.phi, st.n),
    )


# ---------------------------------------------------------------------------------------------
# parallel analysis
# ---------------------------------------------------------------------------------------------
def _leading_count(observed: np.ndarray, threshold: np.ndarray) -> int:
    """Number of leading observed eigenvalues strictly above the threshold (psych's rule)."""
    fail = np.where(~(observed > threshold))[0]
    return int(fail[0]) if len(fail) else len(observed)


@dataclass(frozen=True, repr=False, eq=False)
class ParallelResult(ResultMixin):
    """Result of :func:`parallel_analysis`.

    Attributes
    ----------
    n_factors, n_components : int
        Suggested numbers of factors and components: leading observed eigenvalues above the
        ``quantile`` of the simulated ones.
    eigenvalues : pandas.DataFrame
        One row per position: ``pc_observed`` (eigenvalues of R), ``pc_sim_mean``, ``pc_sim_q``
        (threshold), ``fa_observed`` (eigenvalues of R with one-factor communalities on the diagonal),
        ``fa_sim_mean``, ``fa_sim_q``.
    n_iter, quantile, seed, method, n : settings and sample size.
    """

    n_factors: int
    n_components: int
    eigenvalues: pd.DataFrame
    n_iter: int
    quantile: float
    seed: object
    method: str
    n: int
    horn_mean_factors: int = 0
    horn_mean_components: int = 0

    title = "Parallel analysis"

    @property
    def pc_values(self) -> np.ndarray:
        return self.eigenvalues["pc_observed"].to_numpy()

    @property
    def fa_values(self) -> np.ndarray:
        return self.eigenvalues["fa_observed"].to_numpy()

    def tables(self) -> dict:
        dec = pd.DataFrame({"estimate": [self.n_factors, self.n_components]},
                           index=pd.Index(["n_factors", "n_components"], name="suggestion"))
        return {"Eigenvalues": self.eigenvalues, "Suggested number": dec}

    def notes(self) -> list:
        q = f"{100 * self.quantile:g}th percentile"
        return [
            f"Rule: retain the leading factors (components) whose observed eigenvalue exceeds the {q} of the "
            f"eigenvalues of {self.n_iter} simulated normal data sets of the same size (Horn 1965; Glorfeld 1995; "
            "psych::fa.parallel).",
            f"Suggested: {self.n_factors} factor(s), {self.n_components} component(s). Against the simulated means "
            f"(Horn's original rule): {self.horn_mean_factors} factor(s), {self.horn_mean_components} component(s).",
            "The simulated thresholds are random: counts can move by one between seeds when an eigenvalue lies "
            "close to its threshold.",
        ]


def parallel_analysis(data, items=None, n_iter: int = 20, quantile: float = 0.95, seed=None,
                      method: str = "minres", nan_policy: str = "listwise") -> ParallelResult:
    """Horn's parallel analysis for the number of factors and components, as R ``psych::fa.parallel``.

    Parameters
    ----------
    data : pandas.DataFrame or servqual.stats.SufficientStats
    items : list of str, optional
    n_iter : int
        Number of simulated data sets (psych's default 20).
    quantile : float
        Percentile of the simulated eigenvalues used as threshold (0.95 as ``fa.parallel``).
    seed : int or numpy.random.Generator, optional
        Seed of the simulation.
    method : {"minres", "ml", "pa"}
        Extraction for the factor eigenvalues (psych ``fm``).
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    ParallelResult
        ``n_factors``, ``n_components`` and the table ``eigenvalues`` (position, pc_observed, pc_sim_mean,
        pc_sim_q, fa_observed, fa_sim_mean, fa_sim_q).

    Notes
    -----
    Observed values: the eigenvalues of R (components) and of R with the communalities of a one-factor
    ``method`` solution on its diagonal (factors, as ``fa.parallel``). Each simulated correlation matrix
    is drawn directly as ``W ~ Wishart(n - 1, I)`` scaled to a correlation matrix, which is the
    distribution of the correlation matrix of ``n`` independent standard normal rows; each replication
    therefore costs O(k³) whatever N. A component (factor) is retained while its observed eigenvalue
    exceeds the ``quantile`` of the simulated ones (Glorfeld 1995); ``horn_mean_*`` give the counts
    against the simulated means (Horn 1965).

    Differences from R: ``psych::fa.parallel`` also resamples the observed data column-wise (reported as
    ``*.simr`` but not used by its decision when ``sim = TRUE``); this is not done here. The simulated
    values are random, so the thresholds (and occasionally a count) differ from R's ``set.seed(42)`` run
    by simulation noise; the observed eigenvalues are equal. Tested against psych 2.2.9: observed values
    exactly, counts within one (exactly where the observed eigenvalues are clearly away from R's
    thresholds).

    Examples
    --------
    >>> pa = parallel_analysis(df, seed=1)   # doctest: +SKIP
    >>> pa.n_factors, pa.eigenvalues          # doctest: +SKIP
    """
    if method not in ("minres", "ml", "pa"):
        raise AnalysisError(f"method must be 'minres', 'ml' or 'pa', got {method!r}")
    if not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
        raise AnalysisError(f"n_iter must be a positive integer, got {n_iter!r}")
    if not 0 < quantile < 1:
        raise AnalysisError(f"quantile must lie in (0, 1), got {quantile!r}")
    st, r = _correlations(data, items, nan_policy, 2, "parallel analysis")
    k, n = st.k, int(st.n)
    with single_thread_blas():
        return _parallel(r, k, n, n_iter, quantile, seed, method)


def _parallel(r, k, n, n_iter, quantile, seed, method):
    from scipy.stats import wishart

    pc_obs = np.linalg.eigvalsh(r)[::-1].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fa_obs = _fa_core(r, 1, method).values.copy()
    rng = np.random.default_rng(seed)
    ws = wishart(df=n - 1, scale=np.eye(k)).rvs(size=int(n_iter), random_state=rng)
    ws = np.asarray(ws).reshape(int(n_iter), k, k)
    pc_sim = np.empty((n_iter, k))
    fa_sim = np.empty((n_iter, k))
    for i, w in enumerate(ws):
        d = np.sqrt(np.diag(w))
        c = w / np.outer(d, d)
        pc_sim[i] = np.linalg.eigvalsh(c)[::-1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fa_sim[i] = _fa_core(c, 1, method).values
    # eigenvalues that are zero up to rounding (e.g. the second one of a two-item one-factor model) are
    # set to 0, so that rounding noise can never count as a factor
    for v in (pc_obs, fa_obs, pc_sim, fa_sim):
        v[np.abs(v) < 1e-12] = 0.0
    pc_q = np.quantile(pc_sim, quantile, axis=0)  # type 7, R's default
    fa_q = np.quantile(fa_sim, quantile, axis=0)
    table = pd.DataFrame(
        {"pc_observed": pc_obs, "pc_sim_mean": pc_sim.mean(axis=0), "pc_sim_q": pc_q,
         "fa_observed": fa_obs, "fa_sim_mean": fa_sim.mean(axis=0), "fa_sim_q": fa_q},
        index=pd.Index(np.arange(1, k + 1), name="position"),
    )
    return ParallelResult(
        n_factors=_leading_count(fa_obs, fa_q), n_components=_leading_count(pc_obs, pc_q), eigenvalues=table,
        n_iter=int(n_iter), quantile=float(quantile), seed=seed, method=method, n=n,
        horn_mean_factors=_leading_count(fa_obs, table["fa_sim_mean"].to_numpy()),
        horn_mean_components=_leading_count(pc_obs, table["pc_sim_mean"].to_numpy()),
    )


# ---------------------------------------------------------------------------------------------
# Harman's single-factor test
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False, eq=False)
class HarmanResult(ResultMixin):
    """Result of :func:`harman_single_factor`.

    Attributes
    ----------
    first_eigenvalue : float
        Largest eigenvalue of R.
    pca_proportion : float
        ``λ1 / p``, share of the total variance on the first unrotated component.
    proportions : pandas.DataFrame
        One row per extraction (``pca``, ``minres``, ``pa``, ``ml``): ``proportion_var`` of a single
        unrotated factor/component and ``exceeds_threshold``.
    threshold : float
    exceeds_threshold : bool
        ``pca_proportion > threshold`` (the usual reading of the test).
    """

    first_eigenvalue: float
    pca_proportion: float
    proportions: pd.DataFrame
    threshold: float
    exceeds_threshold: bool
    n: int
    n_items: int

    title = "Harman's single-factor test"

    def tables(self) -> dict:
        return {"Variance of a single factor": self.proportions}

    def notes(self) -> list:
        verdict = ("exceeds" if self.exceeds_threshold else "does not exceed")
        return [
            f"The first unrotated component explains {100 * self.pca_proportion:.1f}% of the variance, which "
            f"{verdict} {100 * self.threshold:.0f}%: "
            + ("common-method variance may be a problem." if self.exceeds_threshold
               else "no single factor dominates, so common-method bias is not evident by this test."),
            "Harman's test is a weak diagnostic: passing it does not rule out common-method variance "
            "(Podsakoff et al. 2003, J Appl Psychol 88:879); consider a marker variable or a method factor.",
        ]


def harman_single_factor(data, items=None, threshold: float = 0.5, nan_policy: str = "listwise") -> HarmanResult:
    """Harman's single-factor test for common-method variance (Podsakoff et al. 2003).

    Parameters
    ----------
    data : pandas.DataFrame or servqual.stats.SufficientStats
    items : list of str, optional
        All substantive items of the questionnaire (default: all columns).
    threshold : float
        Share of variance above which one factor is said to dominate (0.5).
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    HarmanResult
        ``first_eigenvalue``, ``pca_proportion`` and the table ``proportions`` (index method: pca, minres,
        pa, ml; columns proportion_var, exceeds_threshold).

    Notes
    -----
    All items are analysed together with one unrotated factor; ``proportion_var = Σλ² / p``. For
    components it equals ``λ1 / p`` with λ1 the largest eigenvalue of R. If one factor accounts for
    more than half of the variance, common-method variance may be present (Podsakoff et al. 2003).
    Tested against R psych 2.2.9 (``principal`` and ``fa(nfactors = 1, fm = minres/pa/ml)``).

    Examples
    --------
    >>> harman_single_factor(df).pca_proportion   # doctest: +SKIP
    """
    st, r = _correlations(data, items, nan_policy, 2, "Harman's single-factor test")
    p = st.k
    ev = np.linalg.eigvalsh(r)[::-1]
    props = {"pca": ev[0] / p}
    with warnings.catch_warnings(), single_thread_blas():
        warnings.simplefilter("ignore")
        for m in ("minres", "pa", "ml"):
            props[m] = float(np.sum(_fa_core(r, 1, m).loadings ** 2) / p)
    table = pd.DataFrame({"proportion_var": pd.Series(props)})
    table.index.name = "method"
    table["exceeds_threshold"] = table["proportion_var"] > threshold
    return HarmanResult(float(ev[0]), float(ev[0] / p), table, float(threshold), bool(ev[0] / p > threshold),
                        int(st.n), p)
