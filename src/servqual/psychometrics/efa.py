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
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from servqual._blas import single_thread_blas
from servqual._results import ResultMixin
from servqual._text import T, check_lang, join_names, p_sentence
from servqual.exceptions import AnalysisError, ConvergenceWarning, HeywoodWarning, ServqualWarning
from servqual.psychometrics.cutoffs import COMMUNALITY_LOW, CROSS_LOADING, INDEX_ACCEPTABLE, RMSEA_ACCEPTABLE, RMSEA_CLOSE, dot
from servqual.psychometrics.factoring import FACTOR_METHODS, PSI_LOWER, FactorFit, fa_core, fit_statistics
from servqual.psychometrics.parallel import ParallelResult, parallel_analysis
from servqual.psychometrics.rotations import ROTATIONS
from servqual.psychometrics.stats import factorable_corr, indefinite_message, nonsingular_corr
from servqual.thresholds import THRESHOLDS

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


_VARIANCE_COLUMNS = ("ss_loadings", "proportion_var", "cumulative_var", "proportion_explained", "cumulative_proportion")


def _labels(names, name: str | None = None) -> pd.Index:
    """An Index of labels."""
    return pd.Index(list(names), name=name)


def _variance_table(fit: FactorFit, p: int) -> pd.DataFrame:
    lam = fit.loadings
    vx = np.sum(lam**2, axis=0) if fit.phi is None else np.diag(fit.phi @ lam.T @ lam)
    total = p  # psych: sum(communality + uniquenesses) = trace(R)
    # one 2-D block (cheaper to wrap than a dict of columns)
    table = np.column_stack([vx, vx / total, np.cumsum(vx / total), vx / vx.sum(), np.cumsum(vx / vx.sum())])
    return pd.DataFrame(table, index=_labels(tuple(fit.names), "factor"),
                        columns=_labels(_VARIANCE_COLUMNS))


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
    min_eigenvalue : float or None
        The smallest eigenvalue of the correlation matrix when it is not positive definite (pairwise
        deletion can give one), else ``None``. The factors are then extracted from that matrix, as
        ``psych::fa`` does, and the fit statistics come from the matrix smoothed as
        ``psych::cor.smooth`` does (see ``notes()``).
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
    min_eigenvalue: float | None = None
    # the estimates as arrays (_Fit) and the inputs of the fit statistics (R, loadings, Phi, n); the
    # tables below are wrapped in pandas objects on first access, then kept
    fit_: object = field(default=None, repr=False)
    _fit_inputs: tuple = field(default=(), repr=False)

    def _items_ix(self):
        return _labels(tuple(self.items))

    def _names_ix(self):
        return _labels(tuple(self.fit_.names))

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
        return pd.DataFrame(self.fit_.rotmat, index=_labels(tuple(self.fit_.unrotated_names)),
                            columns=self._names_ix())

    @functools.cached_property
    def unrotated(self) -> pd.DataFrame:
        return pd.DataFrame(self.fit_.unrotated, index=self._items_ix(),
                            columns=_labels(tuple(self.fit_.unrotated_names)))

    @functools.cached_property
    def complexity(self) -> pd.Series:
        lam = self.fit_.loadings
        with np.errstate(divide="ignore", invalid="ignore"):
            cx = np.sum(lam**2, axis=1) ** 2 / np.sum(lam**4, axis=1)
        return pd.Series(cx, index=self._items_ix(), name="complexity")

    @functools.cached_property
    def fit(self) -> pd.Series:
        """Fit statistics as ``psych::factor.stats`` reports them (computed on first access)."""
        stats = fit_statistics(*self._fit_inputs)
        return pd.Series(np.fromiter(stats.values(), float, len(stats)), index=_labels(tuple(stats)),
                         name="fit")

    def fit_measures(self) -> pd.Series:
        """The fit statistics as a Series name -> value, as ``CFAResult.fit_measures()`` (lavaan ``fitMeasures``).

        A copy of ``fit``; ``results.json`` keeps writing ``fit`` as it did.
        """
        return self.fit.copy()

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

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        lang = check_lang(lang)
        lines = []
        if self.method != "pc" and np.isfinite(self.fit.get("rmsea", np.nan)):
            f = self.fit
            tli = THRESHOLDS["tli"]
            def head(lang):
                return (f"chi2({f['df']:.0f}) = {f['chisq']:.2f}, {p_sentence(f['pval'], lang)}; RMSEA = {f['rmsea']:.3f} "
                        f"[{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}]")
            lines.append(T(
                f"{head('zh')}（<= {dot(RMSEA_CLOSE)} 接近拟合，<= {dot(RMSEA_ACCEPTABLE)} 可接受；Browne & Cudeck 1993）；"
                f"TLI = {f['tli']:.3f}（>= {dot(INDEX_ACCEPTABLE)} 可接受，>= {dot(tli.value)} 良好；{tli.citation}）。",
                f"{head('en')} (<= {dot(RMSEA_CLOSE)} close, <= {dot(RMSEA_ACCEPTABLE)} acceptable; Browne & Cudeck 1993); "
                f"TLI = {f['tli']:.3f} (>= {dot(INDEX_ACCEPTABLE)} acceptable, >= {dot(tli.value)} good; {tli.citation}).",
            ))
        low = self.communalities[self.communalities < COMMUNALITY_LOW].index.tolist()
        if low:
            lines.append(T(f"共同度低于 {dot(COMMUNALITY_LOW)}（题项被因子解释得很弱）：{join_names(low, 'zh')}。",
                           f"Communalities below {dot(COMMUNALITY_LOW)} (items weakly explained by the factors): "
                           f"{', '.join(map(str, low))}."))
        cross = [it for it, row in self.loadings.abs().iterrows() if (row >= CROSS_LOADING).sum() > 1]
        if cross:
            lines.append(T(
                f"交叉载荷题项（在多个因子上 |载荷| >= {dot(CROSS_LOADING)}；Tabachnick & Fidell 2013）：{join_names(cross, 'zh')}。",
                f"Cross-loading items (|loading| >= {dot(CROSS_LOADING)} on more than one factor; Tabachnick & Fidell 2013): "
                + ", ".join(map(str, cross)) + ".",
            ))
        if self.heywood_items:
            lines.append(T(f"Heywood 情形（共同度 >= 1 或唯一性达到下界）：{join_names(self.heywood_items, 'zh')}。",
                           f"Heywood case (communality >= 1 or uniqueness at its bound): {', '.join(map(str, self.heywood_items))}."))
        if self.min_eigenvalue is not None:
            w = f"{self.min_eigenvalue:.4f}"
            if self.method == "pc":
                lines.append(T(
                    f"相关矩阵非正定（最小特征值 {w}；成对删除所致）：成分取自该矩阵本身，与 psych::principal 相同。",
                    f"The correlation matrix is not positive definite (smallest eigenvalue {w}; pairwise deletion): "
                    "the components are those of this matrix, as psych::principal gives them."))
            else:
                lines.append(T(
                    f"相关矩阵非正定（最小特征值 {w}；成对删除所致）：因子按 psych::fa 的做法直接从该矩阵提取，"
                    "拟合指标（目标函数、卡方、RMSEA、TLI、BIC）则基于按 psych::cor.smooth 平滑后的矩阵计算。",
                    f"The correlation matrix is not positive definite (smallest eigenvalue {w}; pairwise deletion): "
                    "the factors were extracted from it as psych::fa does, and the fit statistics (objective, "
                    "chi-square, RMSEA, TLI, BIC) from the matrix smoothed as psych::cor.smooth does."))
        return [ln.get(lang) for ln in lines]

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
    st, r, w_min = factorable_corr(data, items, nan_policy, 3 if method != "pc" else 2, what)
    if w_min is not None and method == "ml":
        raise AnalysisError(
            f"maximum likelihood needs a positive definite correlation matrix, and this one is not (smallest "
            f"eigenvalue {w_min:.4f}), as pairwise deletion can give: the likelihood is undefined (R "
            "psych::fa(fm = 'ml') stops on it too). Use method='minres' or 'pa', or nan_policy='listwise'."
        )
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
    return st, r, w_min


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
        named), more factors than the degrees of freedom allow, or ``method="ml"`` on a correlation
        matrix that is not positive definite (the likelihood is undefined; ``psych::fa`` stops too).

    Warns
    -----
    HeywoodWarning
        An item's communality reaches 1 (or its uniqueness the lower bound 0.005): the solution is
        improper; the items are named (ultra-Heywood when the communality exceeds 1, as psych warns).
    ConvergenceWarning
        The optimiser, the principal-axis iteration or the rotation stopped before converging.
    ServqualWarning
        The correlation matrix is not positive definite (pairwise deletion can give one). As
        ``psych::fa``, the factors are extracted from it as it is (the minres and principal-axis
        starts are ``psych::smc``, clipped to [0, 1]) and the fit statistics come from the matrix
        smoothed by :func:`servqual._linalg.cor_smooth` (``psych::cor.smooth``, which
        ``psych::factor.stats`` applies); ``min_eigenvalue`` and ``notes()`` record it.

    Notes
    -----
    minres minimises ``Σ_{i<j} (r_ij - (ΛΛ')_ij)²`` and ML ``tr(Σ⁻¹R) - log|Σ⁻¹R| - p`` over the
    uniquenesses ψ in [0.005, 1] (L-BFGS-B from ``ψ = 1 - SMC``, the settings of ``psych::fa``; once a
    uniqueness reaches a bound, version 2.3 of L-BFGS-B, the one R's ``optim`` runs, so that Heywood
    solutions stop where psych's do), the
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
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger")
    >>> res = efa(df, n_factors=3, items=[f"x{i}" for i in range(1, 10)])  # psych::fa(HolzingerSwineford1939[, 7:15], 3)
    >>> res.loadings.round(2)
         MR1   MR3   MR2
    x1  0.20  0.59  0.03
    x2  0.04  0.51 -0.12
    x3 -0.06  0.69  0.02
    x4  0.85  0.02  0.01
    x5  0.89 -0.06  0.01
    x6  0.81  0.08 -0.01
    x7  0.04 -0.15  0.74
    x8 -0.03  0.13  0.69
    x9  0.03  0.38  0.46
    >>> res.fit_measures()[["chisq", "rmsea", "tli"]].round(3)  # fa(...)$STATISTIC, $RMSEA, $TLI
    chisq    22.555
    rmsea     0.054
    tli       0.963
    Name: fit, dtype: float64
    """
    st, r, w_min = _validate(data, items, nan_policy, n_factors, method, rotation)
    if w_min is not None:
        how = ("The components are those of this matrix, as psych::principal gives them." if method == "pc" else
               "The factors are extracted from it as psych::fa does, and the fit statistics (objective, chi-square, "
               "RMSEA, TLI, BIC) come from the matrix smoothed as psych::cor.smooth does.")
        warnings.warn(indefinite_message("EFA" if method != "pc" else "principal components", w_min, how),
                      ServqualWarning, stacklevel=2)
    with single_thread_blas():
        fit = fa_core(r, int(n_factors), method, rotation, max_iter=max_iter, min_err=min_err)
        return _result_from_fit(fit, r, st, int(n_factors), method, rotation, w_min)


_METHOD_ALTERNATIVES = {"minres": ("ml", "pa"), "ml": ("minres", "pa"), "pa": ("minres", "ml")}


def _result_from_fit(fit: FactorFit, r, st, nf, method, rotation, min_eigenvalue=None) -> EFAResult:
    items = list(st.items)
    p = len(items)
    lam = fit.loadings
    heywood = []
    if method != "pc":
        at_bound = (fit.psi <= PSI_LOWER + 1e-6) if method in ("minres", "ml") else np.zeros(p, bool)
        heywood = [it for it, h, b in zip(items, fit.communality, at_bound) if h >= 1.0 or b]
        if heywood:
            ultra = [it for it, h in zip(items, fit.communality) if h > 1.0]
            others = " / ".join(f"'{m}'" for m in _METHOD_ALTERNATIVES[method])
            warnings.warn(
                f"Heywood case: communality >= 1 (or uniqueness at its lower bound {PSI_LOWER}) for "
                f"{', '.join(map(str, heywood))}"
                + (f" (ultra-Heywood, communality above 1: {', '.join(map(str, ultra))})" if ultra else "")
                + ". The solution is improper: extract fewer factors, drop or merge these items, or try "
                f"method={others}.",
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
        iterations=fit.iterations, heywood_items=heywood, min_eigenvalue=min_eigenvalue, fit_=fit,
        _fit_inputs=(r, lam, fit.phi, st.n),
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

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        if check_lang(lang) == "zh":
            verdict = "超过" if self.exceeds_threshold else "未超过"
            return [
                f"第一个未旋转成分解释 {100 * self.pca_proportion:.1f}% 的方差，{verdict} {100 * self.threshold:.0f}%："
                + ("可能存在共同方法偏差。" if self.exceeds_threshold else "没有单一因子占主导，本检验未显示共同方法偏差。"),
                "Harman 检验是较弱的诊断：通过它并不能排除共同方法偏差（Podsakoff et al. 2003, J Appl Psychol 88:879）；"
                "可考虑标记变量或方法因子。",
            ]
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
    >>> import servqual as sq
    >>> res = harman_single_factor(sq.load_dataset("holzinger"), [f"x{i}" for i in range(1, 10)])
    >>> round(res.pca_proportion, 4)  # psych::principal(HolzingerSwineford1939[, 7:15], 1)$Vaccounted[2, 1]
    0.3574
    """
    st, r = nonsingular_corr(data, items, nan_policy, 2, "Harman's single-factor test")
    p = st.k
    ev = np.linalg.eigvalsh(r)[::-1]
    props = {"pca": ev[0] / p}
    with warnings.catch_warnings(), single_thread_blas():
        warnings.simplefilter("ignore")
        for m in ("minres", "pa", "ml"):
            props[m] = float(np.sum(fa_core(r, 1, m).loadings ** 2) / p)
    table = pd.DataFrame({"proportion_var": pd.Series(props)})
    table.index.name = "method"
    table["exceeds_threshold"] = table["proportion_var"] > threshold
    return HarmanResult(float(ev[0]), float(ev[0] / p), table, float(threshold), bool(ev[0] / p > threshold),
                        int(st.n), p)
