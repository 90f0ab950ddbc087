"""Factor extraction as R ``psych::fa`` / ``psych::principal``: minres, ML, principal axis and principal
components, the rotation, sign and order of the factors, and ``psych::factor.stats``.

:func:`fa_core` takes a correlation matrix and returns a :class:`FactorFit` of numpy arrays; the
analyses :func:`~servqual.psychometrics.efa.efa`, :func:`~servqual.psychometrics.omega.omega`,
:func:`~servqual.psychometrics.parallel.parallel_analysis` and
:func:`~servqual.psychometrics.efa.harman_single_factor` build on it.

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.stats import sufficient_stats
>>> r = sufficient_stats(sq.load_dataset("holzinger"), [f"x{i}" for i in range(1, 10)]).corr
>>> fit = fa_core(r, 3, "minres", "oblimin")
>>> fit.names  # psych::fa(HolzingerSwineford1939[, 7:15], 3)
['MR1', 'MR3', 'MR2']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from servqual._linalg import cor_smooth, eigh_desc, eigvals_desc, smc
from servqual.exceptions import AnalysisError
from servqual.psychometrics._kernels import eigh_ascending
from servqual.psychometrics.rotations import oblimin, promax, varimax
from servqual.psychometrics.stats import noncentrality_for_cdf

__all__ = ["FACTOR_METHODS", "PSI_LOWER", "FactorFit", "fa_core", "fit_statistics"]

#: The extraction methods of :func:`fa_core`.
FACTOR_METHODS = ("minres", "ml", "pa", "pc")
_PREFIX = {"minres": "MR", "ml": "ML", "pa": "PA", "pc": "PC"}
_EPS = np.finfo(float).eps
# psych::fa bounds the uniquenesses of minres/ml to [0.005, 1] and optimises them with
# optim(method = "L-BFGS-B", parscale = 0.01) and optim's defaults factr = 1e7, lmm = 5, maxit = 100;
# optim runs L-BFGS-B 2.3, SciPy 3.0: the two take the same steps until a uniqueness reaches a bound
#: Lower bound of the minres/ML uniquenesses (psych::fa).
PSI_LOWER = 0.005
_PARSCALE = 0.01
_LBFGSB = dict(maxcor=5, ftol=1e7 * _EPS, gtol=0.0)


def _top_loadings(s: np.ndarray, nf: int, floor: float | None = 0.0) -> np.ndarray:
    """First ``nf`` principal axes of ``s`` scaled by the square roots of their eigenvalues."""
    w, v = eigh_desc(s)
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
    w, v = eigh_desc(s)
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
    w, v = eigh_desc(r * np.outer(sc, sc))
    lam = v[:, :nf] * np.sqrt(np.maximum(w[:nf] - 1.0, 0.0))
    return np.sqrt(psi)[:, None] * lam


def _ml_gradient(psi, r, nf):
    lam = _ml_loadings(psi, r, nf)
    return (np.sum(lam**2, axis=1) + psi - np.diag(r)) / psi**2


def _psi_bounds(k: int) -> optimize.Bounds:
    """Box [0.005, 1] for k uniquenesses on the optimiser's scale."""
    return optimize.Bounds(np.full(k, PSI_LOWER / _PARSCALE), np.full(k, 1.0 / _PARSCALE))


def _optimise_uniquenesses(r, nf, method, max_iter):
    """Minimise the minres or ML discrepancy over the uniquenesses (bounded L-BFGS-B, psych's settings).

    While no uniqueness reaches its bound, SciPy's L-BFGS-B (version 3.0) takes the steps that R's
    (version 2.3, which ``psych::fa`` runs through ``optim``) takes, and the solutions agree with psych's.
    At a Heywood solution (a uniqueness at its lower bound 0.005) psych's gradient is not the gradient of
    its objective, and the two versions can stop at different points on the bound: there servqual's
    loadings can differ from psych's by a few thousandths (``tests/test_pairwise_npd.py`` states by how
    much on real data), and servqual's objective is sometimes above, sometimes below psych's.
    """
    start = np.clip(1.0 - smc(r), PSI_LOWER, 1.0)
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

        def fun_grad(x):
            psi = x * _PARSCALE
            diag_view[:] = 1.0 - psi
            w, v = eigh_ascending(work)
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

    else:

        def fun_grad(x):
            return fun(x * _PARSCALE, r, nf), jac(x * _PARSCALE, r, nf) * _PARSCALE

    res = optimize.minimize(fun_grad, start / _PARSCALE, jac=True, method="L-BFGS-B", bounds=bounds,
                            options=dict(_LBFGSB, maxiter=max_iter))
    x_opt, nit, message = res.x, int(res.nit), str(res.message)
    # only the iteration limit counts as not converged: an abnormal line-search stop happens at bounded
    # (Heywood) solutions, where psych's gradient is not the gradient of its objective, in R as well
    converged = int(res.status) != 1
    psi = x_opt * _PARSCALE
    if method == "minres" and "x" in last and np.array_equal(last["x"], x_opt):
        # the solution is the last point evaluated: its eigendecomposition is that of R - diag(psi)
        w, v = last["w"][::-1], last["v"][:, ::-1]
        lam = v[:, :nf] * np.sqrt(np.maximum(w[:nf], 0.0))
    elif method == "minres":
        s = r.copy()
        np.fill_diagonal(s, 1.0 - psi)
        lam = _top_loadings(s, nf)
    else:
        lam = _ml_loadings(psi, r, nf)
    return lam, psi, converged, nit, message


def _principal_axis(r, nf, max_iter, min_err):
    """Iterated principal axis factoring as psych (SMC start, stop when the communality sum changes < min_err)."""
    rm = r.copy()
    np.fill_diagonal(rm, smc(r))
    comm = float(np.trace(rm))
    err, it, converged = comm, 0, True
    lam = None
    while err > min_err:
        w, v = eigh_desc(rm)
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
    w, v = eigh_desc(r)
    w = np.where(w < _EPS, _EPS, w)
    lam = v[:, :nf] * np.sqrt(w[:nf])
    # psych::principal: the largest absolute loading of each component is made positive
    idx = np.argmax(np.abs(lam), axis=0)
    sgn = np.sign(lam[idx, np.arange(nf)])
    sgn[sgn == 0] = 1
    return lam * sgn


# ---------------------------------------------------------------------------------------------
# fit statistics (psych::factor.stats)
# ---------------------------------------------------------------------------------------------
def fit_statistics(r, lam, phi, n, conf=0.9) -> dict:
    """The fit statistics of a factor solution as ``psych::factor.stats``.

    Parameters
    ----------
    r : numpy.ndarray
        Correlation matrix.
    lam : numpy.ndarray
        Loadings.
    phi : numpy.ndarray or None
        Factor correlations (None for orthogonal solutions).
    n : int
        Rows.
    conf : float
        Level of the RMSEA interval.

    Returns
    -------
    dict
        ``objective, chisq, df, pval, rmsea, rmsea_ci_low, rmsea_ci_high, tli, bic, fit, fit_off, rms,
        crms, empirical_chisq``.
    """
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
    m = cor_smooth(m)
    rs = cor_smooth(r)
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
# the core (correlation matrix in, numpy out)
# ---------------------------------------------------------------------------------------------
@dataclass
class FactorFit:
    """The estimates of :func:`fa_core` as numpy arrays (items in rows, factors in columns).

    Attributes
    ----------
    loadings, names : numpy.ndarray, list
        Rotated loadings in psych's order and signs, and their factor names.
    unrotated, unrotated_names : numpy.ndarray, list
        The extraction's loadings and names.
    communality, psi : numpy.ndarray
        ``diag(L L')`` and the uniquenesses of the optimiser.
    phi, rotmat : numpy.ndarray or None
        Factor correlations (oblique rotations) and the rotation matrix.
    values, e_values : numpy.ndarray
        Eigenvalues of R with the communalities on the diagonal, and of R.
    converged, iterations, message, rotation_converged
        The state of the extraction and of the rotation.
    """

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


def fa_core(r, nf, method="minres", rotation="none", max_iter=None, min_err=0.001) -> FactorFit:
    """Extract, rotate, sign and order factors as ``psych::fa`` / ``psych::principal``.

    Parameters
    ----------
    r : numpy.ndarray
        Correlation matrix, non-singular; it may be indefinite (pairwise deletion), as ``psych::fa``
        accepts it, for minres, principal axis and components (the ML discrepancy needs a positive
        definite matrix).
    nf : int
        Number of factors.
    method : {"minres", "ml", "pa", "pc"}
    rotation : {"none", "varimax", "promax", "oblimin"}
    max_iter : int, optional
        Iteration limit (100 for minres/ml, 50 for pa).
    min_err : float
        Principal-axis convergence criterion.

    Returns
    -------
    FactorFit

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.psychometrics.stats import sufficient_stats
    >>> r = sufficient_stats(sq.load_dataset("holzinger"), ["x1", "x2", "x3"]).corr
    >>> fa_core(r, 1).loadings.round(3).ravel()  # psych::fa(HolzingerSwineford1939[, 7:9])$loadings
    array([0.621, 0.479, 0.71 ])
    """
    e_values = eigvals_desc(r)
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
    values = eigvals_desc(s)

    rot, phi, tmat, rconv = lam, None, np.eye(nf), True
    names = list(unrot_names)
    if rotation != "none" and nf > 1:
        if rotation == "varimax":
            rot, tmat, rconv = varimax(lam)
        elif rotation == "promax":
            rot, tmat, phi, rconv = promax(lam)
        elif rotation == "oblimin":
            rot, th, phi, rconv = oblimin(lam)
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
    return FactorFit(rot, names, lam, unrot_names, communality, psi, phi,
                None if rotation == "none" or nf == 1 else tmat, values, e_values, conv, nit, msg, rconv)
