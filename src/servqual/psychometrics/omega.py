"""McDonald's omega: omega total from a one-factor model and the Schmid-Leiman omega hierarchical,
as R ``psych::omega``.

Both start from the item correlation matrix (:func:`servqual.stats.sufficient_stats`) and the factor
extraction of :mod:`servqual.efa`, so the cost after reading the data does not grow with N.

Tested against R psych 2.2.9 (``omega``, ``fa``) on six data sets.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._results import ResultMixin
from servqual._blas import single_thread_blas
from servqual._linalg import smc
from servqual.psychometrics.cutoffs import ECV_DOMINANT, OMEGA_GOOD, OMEGA_H_UNIDIMENSIONAL, dot
from servqual.psychometrics.factoring import fa_core
from servqual.psychometrics.rotations import oblimin
from servqual.psychometrics.stats import factorable_corr, indefinite_message
from servqual._text import T, check_lang, join_names
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.thresholds import THRESHOLDS

__all__ = ["omega", "omega_total", "OmegaResult"]


@dataclass(frozen=True, repr=False, eq=False)
class OmegaResult(ResultMixin):
    """Result of :func:`omega`.

    Attributes
    ----------
    omega_h : float
        Omega hierarchical ``(Σg)² / ΣR`` (general-factor saturation).
    omega_total : float
        ``1 - Σu² / ΣR`` (psych's ``omega.tot``).
    omega_lim : float
        Asymptotic omega_h, ``(Σg)² / (ΣR - Σu²)``.
    omega_mcdonald : float
        ``(Σλ)² / ((Σλ)² + Σψ)`` from a one-factor model (``nan`` for several groups).
    alpha, g6 : float
        Standardised alpha and Guttman's lambda 6 (SMC) of the (flipped) correlation matrix.
    ecv : float
        Explained common variance of the general factor.
    omega_group : pandas.DataFrame
        Rows ``g, F1*, F2*, ...``; columns ``total, general, group``.
    schmid_leiman : pandas.DataFrame
        Items x ``g, F1*..Fk*, h2, u2, p2`` (``p2 = g²/h2``); flipped item names end with ``-``.
    n_groups, n, method : int, int, str
    flipped : list
        Items psych reverses because they load negatively on g.
    min_eigenvalue : float or None
        The smallest eigenvalue of the correlation matrix when it is not positive definite (pairwise
        deletion can give one), else ``None``; omega is then computed from that matrix as
        ``psych::omega`` does (see ``notes()``).
    """

    n_groups: int
    n: int
    method: str
    items: list
    omega_h: float
    omega_total: float
    omega_lim: float
    omega_mcdonald: float
    alpha: float
    g6: float
    ecv: float
    omega_group: pd.DataFrame
    schmid_leiman: pd.DataFrame
    flipped: list = field(default_factory=list)
    group_items: dict = field(default_factory=dict)
    min_eigenvalue: float | None = None

    title = "McDonald's omega"

    def tables(self) -> dict:
        coef = pd.DataFrame(
            {"estimate": [self.omega_total, self.omega_h, self.omega_lim, self.omega_mcdonald, self.alpha,
                          self.g6, self.ecv]},
            index=pd.Index(["omega_total", "omega_h", "omega_lim", "omega_mcdonald", "alpha", "g6", "ecv"],
                           name="coefficient"),
        )
        if self.n_groups > 1:
            coef = coef.drop(index="omega_mcdonald")
        return {"Coefficients": coef, "Omega by group": self.omega_group, "Schmid-Leiman loadings": self.schmid_leiman}

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        lang = check_lang(lang)
        ok = dot(THRESHOLDS["omega"].value)
        lines = [T(f"omega_total = {self.omega_total:.3f}（>= {ok} 可接受，>= {dot(OMEGA_GOOD)} 良好；McDonald 1999）。",
                   f"omega_total = {self.omega_total:.3f} (>= {ok} acceptable, >= {dot(OMEGA_GOOD)} good; McDonald 1999).")]
        if self.n_groups == 1:
            lines.append(T("只有一个因子时 omega_h 等于单因子 omega，不是层级系数；请报告 omega_total。",
                           "With one factor omega_h equals the one-factor omega and is not a hierarchical coefficient; "
                           "report omega_total."))
        else:
            lines.append(T(
                f"omega_h = {self.omega_h:.3f}：总分方差中由一般因子解释的比例（>= {dot(OMEGA_H_UNIDIMENSIONAL)} 支持单维总分；"
                f"Reise et al. 2013）；ECV = {self.ecv:.3f}（>= {dot(ECV_DOMINANT)} 提示一般因子占主导；Rodriguez et al. 2016）。",
                f"omega_h = {self.omega_h:.3f}: share of total-score variance due to the general factor "
                f"(>= {dot(OMEGA_H_UNIDIMENSIONAL)} supports a unidimensional total score; Reise et al. 2013); "
                f"ECV = {self.ecv:.3f} (>= {dot(ECV_DOMINANT)} suggests a dominant general factor; Rodriguez et al. 2016).",
            ))
        if self.flipped:
            lines.append(T(f"因在 g 上负载荷而反向的题项：{join_names(self.flipped, 'zh')}。",
                           f"Items reversed because they load negatively on g: {', '.join(map(str, self.flipped))}."))
        if self.min_eigenvalue is not None:
            w = f"{self.min_eigenvalue:.4f}"
            lines.append(T(
                f"相关矩阵非正定（最小特征值 {w}；成对删除所致）：与 psych::omega 相同，因子直接从该矩阵提取，"
                "平方复相关截断到 [0, 1]（psych::smc）。",
                f"The correlation matrix is not positive definite (smallest eigenvalue {w}; pairwise deletion): as "
                "psych::omega does, the factors were extracted from it as it is and the squared multiple "
                "correlations clipped to [0, 1] (psych::smc)."))
        return [ln.get(lang) for ln in lines]


def _schmid(r, nf, method, option="equal"):
    """Schmid-Leiman transformation as ``psych::schmid`` (varimax extraction, oblimin, g from Phi)."""
    orth = fa_core(r, nf, method, "varimax" if nf > 1 else "none").loadings
    if nf == 1:
        fload, gload = orth, np.array([1.0])
    else:
        fload, _, phi, _ = oblimin(orth)
        if nf > 2:
            gload = fa_core(phi, 1, method, "none").loadings[:, 0]
        else:
            r12 = phi[0, 1]
            if option == "equal":
                gload = np.array([np.sqrt(abs(r12)), np.sign(r12) * np.sqrt(abs(r12))])
            elif option == "first":
                gload = np.array([1.0, r12])
            else:
                gload = np.array([r12, 1.0])
            warnings.warn(
                "two group factors: three are needed to identify the general factor, so its loadings are set "
                f"by option={option!r} (psych's convention). Interpret omega_h with caution.",
                ServqualWarning, stacklevel=4,
            )
    g = fload @ gload
    h2 = np.sum(orth**2, axis=1)
    u2 = np.diag(r) - h2
    uniq2 = np.clip(fload**2 * (1.0 - gload**2), 0.0, None)
    sm = np.sign(fload) * np.sqrt(uniq2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p2 = g**2 / h2
    return g, sm, h2, u2, p2, fload


def omega(data, n_groups: int | None = None, items=None, groups: dict | None = None, method: str = "minres",
          nan_policy: str = "listwise", flip: bool = True, option: str = "equal") -> OmegaResult:
    """McDonald's omega total and (Schmid-Leiman) omega hierarchical, as R ``psych::omega``.

    Parameters
    ----------
    data : pandas.DataFrame or servqual.stats.SufficientStats
    n_groups : int, optional
        Number of group factors. Default: ``len(groups)`` if ``groups`` is given, else 1.
    items : list of str, optional
        Items to analyse (default: the items of ``groups``, else all columns).
    groups : dict, optional
        Dimension -> items (e.g. an instrument's dimensions); sets the items and the number of group
        factors. The group factors themselves are found by the exploratory analysis, as in psych; the
        table ``group_items`` shows which items load most on each.
    method : {"minres", "ml", "pa"}
        Factor extraction (psych ``fm``; default minres).
    nan_policy : {"listwise", "pairwise"}
    flip : bool
        Reverse items that load negatively on g before computing the coefficients (psych default).
    option : {"equal", "first", "second"}
        With exactly two group factors, how the g loadings are fixed (psych's ``option``).

    Returns
    -------
    OmegaResult
        ``omega_h``, ``omega_total``, ``omega_lim``, ``omega_mcdonald`` (one factor), ``alpha``, ``g6``,
        ``ecv``, ``omega_group`` (rows g, F1*..; columns total, general, group), ``schmid_leiman``
        (g, F1*.., h2, u2, p2).

    Warns
    -----
    ServqualWarning
        With one factor omega_h is not a hierarchical coefficient (psych warns the same); with two
        group factors g is not identified (psych's ``option`` convention is used); the correlation
        matrix is not positive definite (pairwise deletion can give one): omega is then computed from it
        as ``psych::omega`` does, which smooths nothing that omega uses (``min_eigenvalue`` and
        ``notes()`` record it). ``method="ml"`` on such a matrix raises an ``AnalysisError`` (the
        likelihood is undefined; psych stops too).

    Notes
    -----
    One factor: ``omega_total = 1 - Σψ / ΣR`` (psych, observed total variance) and McDonald's
    ``ω = (Σλ)² / ((Σλ)² + Σψ)`` (model-implied total variance; what most Python packages report) from a
    one-factor minres solution. Several groups: factors extracted with varimax, rotated by oblimin,
    a general factor extracted from their correlations and the Schmid & Leiman (1957) orthogonalisation
    ``g = F γ``, ``group_j = F_j sqrt(1 - γ_j²)``; ``ω_h = (Σg)² / ΣR``, ``ω_t = 1 - Σu² / ΣR``, ECV
    ``= Σg² / Σ(g² + Σgroup²)``. Zinbarg et al. (2005); McDonald (1999); Revelle & Zinbarg (2009).
    Tested against R psych 2.2.9 ``omega(fm = "minres")`` and one-factor ``fa`` (minres, ml).

    Examples
    --------
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger")
    >>> res = omega(df, 3, items=[f"x{i}" for i in range(1, 10)])  # psych::omega(HolzingerSwineford1939[, 7:15], 3)
    >>> round(res.omega_h, 3), round(res.omega_total, 3)
    (0.449, 0.851)
    """
    if groups is not None:
        if not isinstance(groups, dict) or not groups:
            raise AnalysisError("groups must be a non-empty dict: dimension -> list of items")
        gi = [i for its in groups.values() for i in its]
        if items is None:
            items = list(dict.fromkeys(gi))
        if n_groups is None:
            n_groups = len(groups)
    if n_groups is None:
        n_groups = 1
    if method not in ("minres", "ml", "pa"):
        raise AnalysisError(f"method must be 'minres', 'ml' or 'pa', got {method!r}")
    st, r, w_min = factorable_corr(data, items, nan_policy, 2, "omega")
    if w_min is not None:
        if method == "ml":
            raise AnalysisError(
                f"maximum likelihood needs a positive definite correlation matrix, and this one is not (smallest "
                f"eigenvalue {w_min:.4f}), as pairwise deletion can give (R psych::omega(fm = 'ml') stops on it "
                "too). Use method='minres' or 'pa', or nan_policy='listwise'."
            )
        warnings.warn(indefinite_message("omega", w_min, "Omega is computed from it as psych::omega does (the "
                                         "squared multiple correlations clipped to [0, 1], as psych::smc)."),
                      ServqualWarning, stacklevel=2)
    if not isinstance(n_groups, (int, np.integer)) or n_groups < 1:
        raise AnalysisError(f"n_groups must be a positive integer, got {n_groups!r}")
    k = st.k
    nf = int(n_groups)
    if nf > 1 and k < 2 * nf:
        raise AnalysisError(
            f"{nf} group factors need at least {2 * nf} items (got {k}); use fewer groups or more items."
        )
    if nf == 1:
        warnings.warn("omega_h is not meaningful with one factor (it equals the one-factor omega); report "
                      "omega_total.", ServqualWarning, stacklevel=2)
    with single_thread_blas():
        g, sm, h2, u2, p2, _ = _schmid(r, nf, method, option)
    names = list(st.items)
    sl = np.column_stack([g, sm])
    key = np.sign(g)
    key[key == 0] = 1
    flipped = []
    if flip and np.any(key < 0):
        r = r * np.outer(key, key)
        sl = sl * key[:, None]
        flipped = [n for n, kk in zip(names, key) if kk < 0]
        names = [f"{n}-" if kk < 0 else n for n, kk in zip(names, key)]
    g = sl[:, 0]
    vt = float(r.sum())
    vitem = float(np.trace(r))
    gsq = float(g.sum() ** 2)
    uniq = float(u2.sum())
    om_tot = (vt - uniq) / vt
    ev = np.sum(sl**2, axis=0)
    gnames = ["g"] + [f"F{j + 1}*" for j in range(nf)]
    sub = np.argmax(np.abs(sl[:, 1:]), axis=1)
    tot, gen, grp = np.full(nf + 1, np.nan), np.full(nf + 1, np.nan), np.full(nf + 1, np.nan)
    grs = 0.0
    group_items = {}
    for j in range(nf):
        idx = np.where(sub == j)[0]
        group_items[gnames[j + 1]] = [names[i] for i in idx]
        if len(idx):
            vgr = float(r[np.ix_(idx, idx)].sum())
            gr = float(sl[idx, j + 1].sum())
            gg = float(sl[idx, 0].sum())
            grs += gr**2
            grp[j + 1] = gr**2 / vgr
            gen[j + 1] = gg**2 / vgr
            tot[j + 1] = (gr**2 + gg**2) / vgr
    tot[0], gen[0], grp[0] = om_tot, gsq / vt, grs / vt
    lam1 = None
    if nf == 1:
        lam1 = sl[:, 0]
    om_mcd = float(lam1.sum() ** 2 / (lam1.sum() ** 2 + (1 - lam1**2).sum())) if lam1 is not None else np.nan
    sl_df = pd.DataFrame(np.column_stack([sl, h2, u2, p2]), index=names, columns=gnames + ["h2", "u2", "p2"])
    return OmegaResult(
        n_groups=nf, n=int(st.n), method=method, items=list(st.items),
        omega_h=gsq / vt, omega_total=om_tot, omega_lim=gsq / (vt - uniq), omega_mcdonald=om_mcd,
        alpha=((vt - vitem) / vt) * (k / (k - 1)), g6=(vt + float(smc(r).sum()) - vitem) / vt,
        ecv=float(ev[0] / ev.sum()),
        omega_group=pd.DataFrame({"total": tot, "general": gen, "group": grp}, index=pd.Index(gnames, name="factor")),
        schmid_leiman=sl_df, flipped=flipped, group_items=group_items, min_eigenvalue=w_min,
    )


def omega_total(data, items=None, method: str = "minres", nan_policy: str = "listwise") -> float:
    """Omega total of one set of items from a one-factor model, as ``psych::omega(nfactors = 1)$omega.tot``.

    ``1 - Σψ / ΣR`` with ψ the uniquenesses of a one-factor ``method`` solution and ΣR the sum of the
    correlation matrix (the observed variance of the standardised total score). See :func:`omega` (which
    also gives McDonald's model-based ``(Σλ)² / ((Σλ)² + Σψ)`` as ``omega_mcdonald``). Tested against
    R psych 2.2.9.

    Examples
    --------
    >>> import servqual as sq
    >>> round(omega_total(sq.load_dataset("holzinger"), items=["x1", "x2", "x3"]), 3)  # psych::omega(..., 1)$omega.tot
    0.635
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="omega_h is not meaningful", category=ServqualWarning)
        return float(omega(data, 1, items=items, method=method, nan_policy=nan_policy).omega_total)
