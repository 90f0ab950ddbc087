"""Thresholds and polychoric correlations of ordinal (Likert) items, as lavaan estimates them.

Likert answers are ordered categories, not interval numbers. The ordinal model assumes that each answer
``x`` cuts a standard-normal latent response ``x*`` at thresholds ``tau_1 < ... < tau_{C-1}``, and that the
latent responses of two items are bivariate normal with correlation ``rho`` (the polychoric correlation).

Estimation is lavaan's two-step estimator (``lavaan::lavCor(..., ordered = items)``, the first stage of
``cfa(..., ordered = ..., estimator = "WLSMV")``, lavaan 0.6.14):

1. the thresholds of each item from its own margin, :math:`\\tau_c = \\Phi^{-1}(P(x \\le c))`;
2. each correlation by maximising the bivariate multinomial likelihood of the two items' contingency table
   with the thresholds held fixed,

   .. math::

      \\ell(\\rho) = \\sum_{i,j} n_{ij} \\log \\pi_{ij}(\\rho), \\qquad
      \\pi_{ij} = \\Phi_2(a_i, b_j; \\rho) - \\Phi_2(a_{i-1}, b_j; \\rho) - \\Phi_2(a_i, b_{j-1}; \\rho)
                 + \\Phi_2(a_{i-1}, b_{j-1}; \\rho).

The categories of an item are the values observed in the data (a 7-point item on which nobody answered 2
has five thresholds), as lavaan's ordered factors. As lavaan does: cell probabilities are floored at
``sqrt(.Machine$double.eps)`` (1.49e-8) in the likelihood; correlations are bounded to [-0.999, 0.999];
2 x 2 tables follow ``zero.add = c(0.5, 0)`` with ``zero.keep.margins = TRUE`` (one empty cell: half a
case is moved so that the margins stay; two empty cells: a correlation of ±1), and independence or equal
margins give the closed forms; larger tables get nothing added.

The bivariate normal probability :math:`\\Phi_2` is computed from Sheppard's integral over
:math:`\\theta = \\arcsin t`, which has a smooth integrand for every :math:`|\\rho| < 1`, by 48-point
Gauss–Legendre quadrature (absolute error below 1e-13 on the tested grid).

References
----------
Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
*Psychometrika*, 44, 443–460.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2).

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.polychoric import polychoric
>>> x = sq.read_dataset("bfi").data
>>> pc = polychoric(x, ["A2", "A3", "A4"])  # lavaan::lavCor(bfi[, c("A2", "A3", "A4")], ordered = TRUE)
>>> pc.n, round(float(pc.correlations.loc["A2", "A3"]), 4)
(2737, 0.5562)
>>> pc.thresholds.loc["A2"].round(3).tolist()
[-2.116, -1.528, -1.185, -0.474, 0.486]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from servqual._results import ResultMixin
from servqual._validation import as_frame, check_nan_policy
from servqual.exceptions import AnalysisError

__all__ = ["PolychoricResult", "polychoric", "polychoric_pair", "polychoric_nacov", "item_thresholds", "bivariate_normal_cdf"]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(48)
#: stand-in for an infinite threshold: Phi(-_BIG) = 0 and the integrand vanishes to machine precision
_BIG = 1e3
#: lavaan's floor on a cell probability (``sqrt(.Machine$double.eps)``): a cell the model makes nearly
#: impossible costs at most ``log(1.49e-8)`` per case, which keeps a single outlying answer from pulling
#: the correlation down
_PI_FLOOR = np.sqrt(np.finfo(float).eps)
#: lavaan's ``zero.add[1]`` for 2 x 2 tables (``zero.add[2]`` = 0 for larger tables: nothing is added)
_ZERO_ADD_2X2 = 0.5


def bivariate_normal_cdf(h, k, rho: float) -> np.ndarray:
    """:math:`P(X \\le h, Y \\le k)` of a standard bivariate normal with correlation ``rho``.

    ``h`` and ``k`` broadcast; infinite bounds are allowed.

    .. math::

       \\Phi_2(h, k; \\rho) = \\Phi(h)\\Phi(k) + \\frac{1}{2\\pi}\\int_0^{\\arcsin \\rho}
       \\exp\\left(-\\frac{h^2 - 2hk\\sin\\theta + k^2}{2\\cos^2\\theta}\\right) d\\theta

    >>> round(float(bivariate_normal_cdf(0.0, 0.0, 0.5)), 12)   # 1/4 + asin(0.5) / (2 pi) = 1/3
    0.333333333333
    """
    h = np.clip(np.asarray(h, dtype=float), -_BIG, _BIG)
    k = np.clip(np.asarray(k, dtype=float), -_BIG, _BIG)
    base = special.ndtr(h) * special.ndtr(k)
    if rho == 0.0:
        return base
    top = np.arcsin(rho)
    theta = 0.5 * top * (_GL_X + 1.0)
    s, c2 = np.sin(theta), np.cos(theta) ** 2
    hh, kk = h[..., None], k[..., None]
    expo = -(hh * hh - 2.0 * hh * kk * s + kk * kk) / (2.0 * c2)
    integral = 0.5 * top * np.sum(_GL_W * np.exp(expo), axis=-1)
    return base + integral / (2.0 * np.pi)


def item_thresholds(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observed categories of one item and its thresholds :math:`\\Phi^{-1}` of the cumulative proportions."""
    cats, counts = np.unique(x, return_counts=True)
    if cats.size < 2:
        raise AnalysisError(f"an ordinal item needs at least two observed categories, got {cats.tolist()}")
    cum = np.cumsum(counts)[:-1] / counts.sum()
    return cats, special.ndtri(cum)


def _cell_probabilities(a: np.ndarray, b: np.ndarray, rho: float) -> np.ndarray:
    """:math:`\\pi_{ij}(\\rho)` for the thresholds ``a`` (rows) and ``b`` (columns) without their infinite ends."""
    aa = np.concatenate(([-np.inf], a, [np.inf]))
    bb = np.concatenate(([-np.inf], b, [np.inf]))
    F = bivariate_normal_cdf(aa[:, None], bb[None, :], rho)
    return F[1:, 1:] - F[:-1, 1:] - F[1:, :-1] + F[:-1, :-1]


def polychoric_pair(x: np.ndarray, y: np.ndarray, tx=None, ty=None) -> float:
    """Two-step polychoric correlation of two ordinal variables (complete pairs only).

    ``tx`` / ``ty`` are the thresholds of ``x`` / ``y`` when already known (the first step).
    """
    cx, ax = item_thresholds(x) if tx is None else tx
    cy, ay = item_thresholds(y) if ty is None else ty
    ix = np.searchsorted(cx, x)
    iy = np.searchsorted(cy, y)
    table = np.zeros((cx.size, cy.size))
    np.add.at(table, (ix, iy), 1.0)
    if table.shape == (2, 2):
        special_case = _two_by_two(table, ax[0], ay[0])
        if special_case is not None:
            return special_case
    nz = table > 0
    n_obs = table[nz]

    def negloglik(r):
        p = np.maximum(_cell_probabilities(ax, ay, r), _PI_FLOOR)[nz]
        return -np.sum(n_obs * np.log(p))

    res = optimize.minimize_scalar(negloglik, bounds=(-0.999, 0.999), method="bounded",
                                   options={"xatol": 1e-12, "maxiter": 500})
    return float(res.x)


def _two_by_two(table: np.ndarray, a: float, b: float):
    """lavaan's rules for a 2 x 2 table: empty cells, independence and equal margins (``table`` is updated)."""
    zero = np.flatnonzero(table.ravel() == 0)
    if zero.size == 2:
        return 1.0 if table[0, 0] > 0 else -1.0
    if zero.size == 1:
        # zero.add = 0.5 with the margins kept: move half a case around the table
        sign = 1.0 if zero[0] in (0, 3) else -1.0
        table += sign * _ZERO_ADD_2X2 * np.array([[1.0, -1.0], [-1.0, 1.0]])
    if table[0, 0] * table[1, 1] == table[0, 1] * table[1, 0]:
        return 0.0
    if a == 0 and b == 0:
        return float(-np.cos(2 * np.pi * table[0, 0] / table.sum()))  # Brown & Benedetti 1977, eq. 2
    return None


@dataclass(frozen=True, repr=False, eq=False)
class PolychoricResult(ResultMixin):
    """Thresholds and polychoric correlations of ordinal items.

    Attributes
    ----------
    correlations : DataFrame
        The polychoric correlation matrix (items x items, unit diagonal).
    thresholds : Series
        Thresholds indexed by ``(item, "t1")``, ``(item, "t2")``, ... (lavaan's ``item|t1`` names).
    categories : dict
        Observed categories of each item.
    n : int
        Rows used (complete on every item).
    items : list
        Item names.
    nacov : DataFrame
        :math:`N` times the asymptotic covariance matrix of the thresholds (item order) followed by the
        correlations (lavaan's order of the lower triangle, column by column: ``(2,1), (3,1), ..., (3,2), ...``),
        lavaan's ``NACOV`` (Muthén 1984), see :func:`polychoric_nacov`.
    """

    correlations: pd.DataFrame
    thresholds: pd.Series
    categories: dict
    n: int
    items: list
    nacov: pd.DataFrame | None = None

    @property
    def dwls_weights(self) -> pd.Series:
        """The DWLS weights: ``1 / diag(nacov)`` (lavaan's ``WLS.VD``, ``lavInspect(fit, "wls.v")`` diagonal)."""
        return 1.0 / pd.Series(np.diag(self.nacov.to_numpy()), index=self.nacov.index)

    title = "Polychoric correlations"

    def tables(self) -> dict:
        th = self.thresholds.rename("threshold").reset_index()
        return {"Polychoric correlations": self.correlations, "Thresholds": th}

    def notes(self, lang: str = "en") -> list:
        if lang == "zh":
            return [f"两步法多分格相关（lavaan）：{len(self.items)} 个题项，{self.n} 个完整样本。"]
        return [f"Two-step polychoric correlations (as lavaan) of {len(self.items)} items on {self.n} complete rows."]


def polychoric(data, items=None, nan_policy: str = "listwise", *, nacov: bool = True) -> PolychoricResult:
    """Thresholds and two-step polychoric correlations of ordinal items, as lavaan 0.6.14 gives them.

    Parameters
    ----------
    data : DataFrame or Responses
        Integer-coded ordinal answers.
    items : list of str, optional
        Columns to use (default: every column).
    nan_policy : {"listwise"}
        Rows with a missing answer on any item are left out (lavaan's ``missing = "listwise"``).
    nacov : bool
        Also compute the asymptotic covariance of the estimates (``.nacov``, ``.dwls_weights``), which the
        DWLS / WLSMV estimators need.

    Returns
    -------
    PolychoricResult

    Raises
    ------
    AnalysisError
        When an item is not integer-coded or has fewer than two observed categories.

    Notes
    -----
    See the module docstring for the model and the estimator. Tested against lavaan 0.6.14
    (``lavInspect(fit, "sampstat")`` of ``cfa(..., ordered = items, estimator = "WLSMV")``) on the kiosk,
    bfi and corporate-reputation data: thresholds and correlations agree to 1e-6.

    Examples
    --------
    >>> import servqual as sq
    >>> pc = polychoric(sq.read_dataset("kiosk").data, ["sq01_per", "sq02_per"])
    >>> pc.n, list(pc.thresholds.loc["sq01_per"].index)
    (207, ['t1', 't2', 't3', 't4', 't5'])
    """
    check_nan_policy(nan_policy, ("listwise",), "polychoric correlations")
    df = as_frame(data)
    items = list(df.columns) if items is None else list(items)
    missing = [c for c in items if c not in df.columns]
    if missing:
        raise AnalysisError(f"polychoric: columns not in the data: {', '.join(missing)}")
    if len(items) < 2:
        raise AnalysisError("polychoric correlations need at least two items")
    x = df[items].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(dtype=float)
    if x.shape[0] < 2:
        raise AnalysisError("polychoric correlations need at least two complete rows")
    bad = [c for c, col in zip(items, x.T) if not np.all(col == np.round(col))]
    if bad:
        raise AnalysisError(f"polychoric correlations need integer-coded answers; not integer: {', '.join(bad)}")
    single = [f"{c} (only {col[0]:g})" for c, col in zip(items, x.T) if np.unique(col).size < 2]
    if single:
        raise AnalysisError(f"polychoric correlations: item(s) with a single observed answer category: {', '.join(single)}; "
                            "an item that every respondent answers alike carries no correlation. Leave it out of the model")
    first = [item_thresholds(col) for col in x.T]
    p = len(items)
    r = np.eye(p)
    for i in range(p):
        for j in range(i):
            r[i, j] = r[j, i] = polychoric_pair(x[:, i], x[:, j], first[i], first[j])
    th = pd.Series(
        np.concatenate([t for _, t in first]),
        index=pd.MultiIndex.from_tuples([(c, f"t{k + 1}") for c, (_, t) in zip(items, first) for k in range(t.size)],
                                        names=["item", "threshold"]),
    )
    cats = {c: cc.tolist() for c, (cc, _) in zip(items, first)}
    nacov = polychoric_nacov(x, first, r) if nacov else None
    names = [f"{i}|{t}" for i, t in th.index] + [f"{items[i]}~~{items[j]}" for i, j in _pairs(p)]
    nac = None if nacov is None else pd.DataFrame(nacov, index=names, columns=names)
    return PolychoricResult(pd.DataFrame(r, index=items, columns=items), th, cats, int(x.shape[0]), items, nac)


def _pairs(p: int) -> list:
    """lavaan's order of the correlations: the lower triangle column by column."""
    return [(i, j) for j in range(p - 1) for i in range(j + 1, p)]


def _dnorm2(h, k, rho):
    """Bivariate standard normal density (0 at an infinite bound)."""
    h = np.clip(h, -_BIG, _BIG)
    k = np.clip(k, -_BIG, _BIG)
    q = 1.0 - rho * rho
    return np.exp(-(h * h - 2 * rho * h * k + k * k) / (2 * q)) / (2 * np.pi * np.sqrt(q))


def polychoric_nacov(x: np.ndarray, first: list, r: np.ndarray) -> np.ndarray:
    r""":math:`N` times the asymptotic covariance of the two-step thresholds and polychoric correlations.

    The two-step estimator solves the univariate score equations for the thresholds and, with them fixed,
    the bivariate score equation of each correlation. Its sandwich covariance (Muthén 1984), as lavaan
    computes it (``muthen1984``), uses outer products of the casewise scores :math:`s_i`:

    .. math::

       \Gamma = N\, A^{-1} \Big(\sum_i s_i s_i^\top\Big) A^{-\top}, \qquad
       A = \begin{pmatrix} A_{11} & 0 \\ A_{21} & A_{22} \end{pmatrix}

    with :math:`A_{11}` the block-diagonal (item by item) part of the threshold scores' cross-products,
    :math:`A_{22}` the diagonal of the correlation scores' cross-products and :math:`A_{21}` the
    cross-products of each correlation's scores with the derivatives of its bivariate log-likelihood
    with respect to the two items' thresholds. As lavaan, a case whose cell probability is at the floor
    (1.49e-8) contributes nothing to its pair's scores.
    """
    n, p = x.shape
    idx = [np.searchsorted(c, col) for (c, _), col in zip(first, x.T)]
    nth = [t.size for _, t in first]
    start = np.concatenate(([0], np.cumsum(nth)))
    n_th = int(start[-1])
    # univariate threshold scores
    sc_th = np.zeros((n, n_th))
    for v, ((_, t), k) in enumerate(zip(first, idx)):
        ext = np.concatenate(([-np.inf], t, [np.inf]))
        up, lo = ext[k + 1], ext[k]
        prob = special.ndtr(up) - special.ndtr(lo)
        rows = np.arange(n)
        has_up = k < t.size
        has_lo = k > 0
        sc_th[rows[has_up], start[v] + k[has_up]] = _phi(up[has_up]) / prob[has_up]
        sc_th[rows[has_lo], start[v] + k[has_lo] - 1] = -_phi(lo[has_lo]) / prob[has_lo]
    pairs = _pairs(p)
    sc_cor = np.zeros((n, len(pairs)))
    a21 = np.zeros((len(pairs), n_th))
    for m, (i, j) in enumerate(pairs):
        rho = r[i, j]
        a = np.concatenate(([-np.inf], first[i][1], [np.inf]))
        b = np.concatenate(([-np.inf], first[j][1], [np.inf]))
        ki, kj = idx[i], idx[j]
        pi = np.maximum(_cell_probabilities(first[i][1], first[j][1], rho), _PI_FLOOR)[ki, kj]
        # as lavaan: a case in a cell of floored probability contributes no score to this correlation
        pi = np.where(pi <= _PI_FLOOR, np.inf, pi)
        au, al, bu, bl = a[ki + 1], a[ki], b[kj + 1], b[kj]
        d = _dnorm2(au, bu, rho) - _dnorm2(al, bu, rho) - _dnorm2(au, bl, rho) + _dnorm2(al, bl, rho)
        sc_cor[:, m] = d / pi
        s = np.sqrt(1.0 - rho * rho)

        def edge(t_edge, other_up, other_lo):
            # d Phi2(t, other; rho) / dt over the other variable's interval
            te = np.clip(t_edge, -_BIG, _BIG)
            return _phi(te) * (special.ndtr((np.clip(other_up, -_BIG, _BIG) - rho * te) / s)
                               - special.ndtr((np.clip(other_lo, -_BIG, _BIG) - rho * te) / s))

        for (v, kv, up, lo, oup, olo) in ((i, ki, au, al, bu, bl), (j, kj, bu, bl, au, al)):
            dth = np.zeros((n, nth[v]))
            rows = np.arange(n)
            has_up = kv < nth[v]
            has_lo = kv > 0
            dth[rows[has_up], kv[has_up]] = edge(up[has_up], oup[has_up], olo[has_up]) / pi[has_up]
            dth[rows[has_lo], kv[has_lo] - 1] = -edge(lo[has_lo], oup[has_lo], olo[has_lo]) / pi[has_lo]
            a21[m, start[v]:start[v + 1]] = sc_cor[:, m] @ dth
    scores = np.hstack([sc_th, sc_cor])
    inner = scores.T @ scores
    a11 = np.zeros((n_th, n_th))
    for v in range(p):
        sl = slice(start[v], start[v + 1])
        a11[sl, sl] = inner[sl, sl]
    a11_inv = np.linalg.inv(a11)
    a22_inv = np.diag(1.0 / np.einsum("ij,ij->j", sc_cor, sc_cor))
    b_inv = np.block([[a11_inv, np.zeros((n_th, len(pairs)))], [-a22_inv @ a21 @ a11_inv, a22_inv]])
    return n * (b_inv @ inner @ b_inv.T)


def _phi(z):
    return np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
