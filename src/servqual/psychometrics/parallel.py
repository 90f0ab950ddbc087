"""Horn's parallel analysis for the number of factors and components, as R ``psych::fa.parallel``.

Each simulated correlation matrix is drawn directly from a Wishart distribution, so a replication
costs O(k³) whatever the number of respondents.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import wishart

from servqual._blas import single_thread_blas
from servqual._results import ResultMixin
from servqual._text import check_lang
from servqual._validation import DEFAULT_SEED
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.factoring import fa_core
from servqual.psychometrics.stats import factorable_corr, indefinite_message

__all__ = ["parallel_analysis", "ParallelResult", "leading_count"]


def leading_count(observed: np.ndarray, threshold: np.ndarray) -> int:
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
    min_eigenvalue : float or None
        The smallest eigenvalue of the observed correlation matrix when it is not positive definite
        (pairwise deletion can give one), else ``None``; the observed eigenvalues are then those of that
        matrix, as ``psych::fa.parallel`` computes them (see ``notes()``).
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
    min_eigenvalue: float | None = None

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

    def notes(self, lang: str = "en") -> list:
        """Interpretation lines in ``lang`` (``"zh"`` or ``"en"``)."""
        if check_lang(lang) == "zh":
            pct = f"第 {100 * self.quantile:g} 百分位数"
            return [
                f"规则：保留观测特征值超过 {self.n_iter} 个同规模模拟正态数据集特征值{pct}的前若干个因子（成分）"
                "（Horn 1965；Glorfeld 1995；psych::fa.parallel）。",
                f"建议：{self.n_factors} 个因子，{self.n_components} 个成分。以模拟均值为界（Horn 原始准则）："
                f"{self.horn_mean_factors} 个因子，{self.horn_mean_components} 个成分。",
                "模拟阈值是随机的：当某个特征值接近阈值时，不同种子下的个数可能相差一个。",
            ] + ([f"观测相关矩阵非正定（最小特征值 {self.min_eigenvalue:.4f}；成对删除所致）：与 psych::fa.parallel 相同，"
                  "观测特征值取自该矩阵本身（含负特征值）。"] if self.min_eigenvalue is not None else [])
        q = f"{100 * self.quantile:g}th percentile"
        return [
            f"Rule: retain the leading factors (components) whose observed eigenvalue exceeds the {q} of the "
            f"eigenvalues of {self.n_iter} simulated normal data sets of the same size (Horn 1965; Glorfeld 1995; "
            "psych::fa.parallel).",
            f"Suggested: {self.n_factors} factor(s), {self.n_components} component(s). Against the simulated means "
            f"(Horn's original rule): {self.horn_mean_factors} factor(s), {self.horn_mean_components} component(s).",
            "The simulated thresholds are random: counts can move by one between seeds when an eigenvalue lies "
            "close to its threshold.",
        ] + ([f"The observed correlation matrix is not positive definite (smallest eigenvalue {self.min_eigenvalue:.4f}; "
              "pairwise deletion): as psych::fa.parallel does, the observed eigenvalues are those of this matrix "
              "(negative ones included)."] if self.min_eigenvalue is not None else [])


def parallel_analysis(data, items=None, n_iter: int = 20, quantile: float = 0.95, seed=DEFAULT_SEED,
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
    seed : int, numpy.random.Generator or None
        Seed of the simulation (default ``DEFAULT_SEED``, 42; ``None`` for fresh randomness).
    method : {"minres", "ml", "pa"}
        Extraction for the factor eigenvalues (psych ``fm``).
    nan_policy : {"listwise", "pairwise"}

    Returns
    -------
    ParallelResult
        ``n_factors``, ``n_components`` and the table ``eigenvalues`` (position, pc_observed, pc_sim_mean,
        pc_sim_q, fa_observed, fa_sim_mean, fa_sim_q).

    Warns
    -----
    ServqualWarning
        The correlation matrix is not positive definite (pairwise deletion can give one): the observed
        eigenvalues are then those of that matrix, as ``psych::fa.parallel`` computes them
        (``min_eigenvalue`` and ``notes()`` record it). ``method="ml"`` on such a matrix raises an
        ``AnalysisError``.

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
    >>> import servqual as sq
    >>> pa = parallel_analysis(sq.load_dataset("holzinger"), [f"x{i}" for i in range(1, 10)])
    >>> pa.n_factors, pa.n_components  # psych::fa.parallel(HolzingerSwineford1939[, 7:15]), up to simulation noise
    (3, 3)
    """
    if method not in ("minres", "ml", "pa"):
        raise AnalysisError(f"method must be 'minres', 'ml' or 'pa', got {method!r}")
    if not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
        raise AnalysisError(f"n_iter must be a positive integer, got {n_iter!r}")
    if not 0 < quantile < 1:
        raise AnalysisError(f"quantile must lie in (0, 1), got {quantile!r}")
    st, r, w_min = factorable_corr(data, items, nan_policy, 2, "parallel analysis")
    if w_min is not None:
        if method == "ml":
            raise AnalysisError(
                f"maximum likelihood needs a positive definite correlation matrix, and this one is not (smallest "
                f"eigenvalue {w_min:.4f}), as pairwise deletion can give (R psych::fa.parallel(fm = 'ml') stops on "
                "it too). Use method='minres' or 'pa', or nan_policy='listwise'."
            )
        warnings.warn(indefinite_message("parallel analysis", w_min, "The observed eigenvalues are those of this "
                                         "matrix, as psych::fa.parallel computes them."), ServqualWarning, stacklevel=2)
    k, n = st.k, int(st.n)
    with single_thread_blas():
        return _parallel(r, k, n, n_iter, quantile, seed, method, w_min)


def _parallel(r, k, n, n_iter, quantile, seed, method, min_eigenvalue=None):
    pc_obs = np.linalg.eigvalsh(r)[::-1].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fa_obs = fa_core(r, 1, method).values.copy()
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
            fa_sim[i] = fa_core(c, 1, method).values
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
        n_factors=leading_count(fa_obs, fa_q), n_components=leading_count(pc_obs, pc_q), eigenvalues=table,
        n_iter=int(n_iter), quantile=float(quantile), seed=seed, method=method, n=n,
        horn_mean_factors=leading_count(fa_obs, table["fa_sim_mean"].to_numpy()),
        horn_mean_components=leading_count(pc_obs, table["pc_sim_mean"].to_numpy()),
        min_eigenvalue=min_eigenvalue,
    )
