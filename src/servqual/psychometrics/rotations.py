"""Factor rotations, as R ``stats::varimax``, ``psych::kaiser(L, "Promax")`` and ``GPArotation::oblimin``.

Each function takes an unrotated ``p x m`` loading matrix and returns the rotated loadings, the rotation
matrix and, for oblique rotations, the factor correlations ``Phi``.

Examples
--------
>>> import numpy as np
>>> lam = np.array([[0.8, 0.3], [0.7, 0.4], [0.3, 0.7], [0.2, 0.8]])
>>> rot, t, converged = varimax(lam)
>>> np.allclose(rot @ rot.T, lam @ lam.T), converged  # an orthogonal rotation keeps L L'
(True, True)
"""

from __future__ import annotations

import math

import numpy as np

from servqual.psychometrics._kernels import lu_factor, lu_solve

__all__ = ["ROTATIONS", "varimax", "promax", "oblimin"]

#: The rotations :func:`servqual.psychometrics.efa.efa` knows.
ROTATIONS = ("none", "varimax", "promax", "oblimin")


def varimax(x, normalize=True, eps=1e-5, max_iter=1000):
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


def promax(x, m=4):
    """``psych::kaiser(x, "Promax")``: rows scaled to unit length, varimax, power-``m`` target, rows rescaled.

    Returns (loadings, rotation matrix T with loadings = x @ T, Phi, converged).
    """
    h = np.sqrt(np.sum(x**2, axis=1))
    xw = x / h[:, None]
    xv, tv, conv = varimax(xw)
    q = xv * np.abs(xv) ** (m - 1)
    u = np.linalg.lstsq(xv, q, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u * np.sqrt(d)
    z = xv @ u
    u_tot = tv @ u
    ui = np.linalg.inv(u_tot)
    phi = ui @ ui.T
    return z * h[:, None], u_tot, phi, conv


def oblimin(a, gamma=0.0, eps=1e-5, max_iter=1000):
    """Direct oblimin by gradient projection (Jennrich 2002; ``GPArotation::GPFoblq``, identity start).

    Returns (loadings, T with loadings = a @ inv(T).T, Phi = T'T, converged).

    The steps are those of ``GPFoblq``; ``inv(T)`` is never formed: the loadings ``a inv(T)'`` are the
    solution of ``T X = a'`` and the gradient ``-(L' G inv(T))'`` that of ``T' Y = -(L' G)'``, both from
    one LU factorisation of the k x k matrix ``T`` per step.
    """
    p, k = a.shape
    centre = None if gamma == 0 else np.eye(p) - np.full((p, p), gamma / p)
    at = np.asfortranarray(a.T)

    def criterion(lam):
        # oblimin criterion f = sum(L² ∘ X) / 4 with X = C L² N, N = 1 - I (X = row sums of L² less L²),
        # C = I - gamma/p (identity for gamma = 0), and its gradient L ∘ X
        l2 = lam * lam
        x = l2.sum(axis=1, keepdims=True) - l2
        if centre is not None:
            x = centre @ x
        return lam * x, float(np.vdot(l2, x)) / 4.0

    def loadings(t):
        lu, piv = lu_factor(t)
        return lu_solve(lu, piv, at).T, lu, piv

    t = np.eye(k)
    alpha = 1.0
    lam, lu, piv = loadings(t)
    gq, f = criterion(lam)
    g = -lu_solve(lu, piv, (lam.T @ gq).T, trans=1)
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
        g = -lu_solve(lu, piv, (lam.T @ gqt).T, trans=1)
    # lam holds a @ inv(t).T for the final t
    return lam, t, t.T @ t, converged
