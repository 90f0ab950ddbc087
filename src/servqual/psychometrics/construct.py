"""Construct validity: composite reliability, AVE, the Fornell-Larcker criterion and HTMT.

Convergent validity is judged from a confirmatory factor analysis (:func:`servqual.cfa.cfa`):
composite reliability (CR) and average variance extracted (AVE), both in the textbook form on
standardised loadings (Fornell & Larcker 1981, what most software and papers report) and in the
semTools form (``compRelSEM``, ``AVE``). Discriminant validity is judged by the Fornell-Larcker criterion
(sqrt(AVE) above every latent correlation) and by the heterotrait-monotrait ratio of correlations
(HTMT; Henseler, Ringle & Sarstedt 2015), in its original arithmetic form and the geometric HTMT2 of
Roemer, Schuberth & Henseler (2021), with vectorised percentile-bootstrap confidence intervals.

Tested against R semTools 0.5.6 (``compRelSEM``, ``AVE``, ``htmt``) and lavaan 0.6.14 on six data sets.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from servqual._validation import DEFAULT_SEED
from servqual.exceptions import AnalysisError, ServqualWarning
from servqual.psychometrics.stats import SufficientStats, prepare_items
from servqual.thresholds import THRESHOLDS

__all__ = ["construct_validity", "fornell_larcker", "htmt", "htmt_matrix", "CR_THRESHOLD", "AVE_THRESHOLD",
           "HTMT_STRICT", "HTMT_LIBERAL"]

#: Composite reliability cut-off (alias of ``servqual.thresholds.THRESHOLDS["cr"].value``).
CR_THRESHOLD = THRESHOLDS["cr"].value
#: AVE cut-off (alias of ``THRESHOLDS["ave"].value``).
AVE_THRESHOLD = THRESHOLDS["ave"].value
#: HTMT cut-offs (aliases of ``THRESHOLDS["htmt_strict"].value`` and ``THRESHOLDS["htmt_liberal"].value``).
HTMT_STRICT = THRESHOLDS["htmt_strict"].value
HTMT_LIBERAL = THRESHOLDS["htmt_liberal"].value


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _is_cfa_result(obj) -> bool:
    return all(hasattr(obj, a) for a in ("loadings", "factor_covariances", "sample_cov", "model"))


def _std_loadings_by_factor(loadings: pd.DataFrame) -> dict:
    need = {"factor", "item", "std_loading"}
    if not need <= set(loadings.columns):
        raise AnalysisError(
            "the loadings table needs columns factor, item and std_loading (standardised loadings), got "
            + ", ".join(map(str, loadings.columns))
        )
    out: dict = {}
    for f, it, v in zip(loadings["factor"], loadings["item"], loadings["std_loading"]):
        out.setdefault(str(f), []).append((str(it), float(v)))
    return out


def _std_formulas(lams: np.ndarray):
    s = lams.sum()
    cr = s**2 / (s**2 + np.sum(1.0 - lams**2))
    ave = float(np.mean(lams**2))
    return float(cr), ave, float(np.sqrt(ave)) if ave >= 0 else np.nan


# ---------------------------------------------------------------------------------------------
# convergent validity
# ---------------------------------------------------------------------------------------------
def construct_validity(cfa_result) -> pd.DataFrame:
    """Composite reliability and AVE per dimension from a CFA.

    Parameters
    ----------
    cfa_result : CFAResult or pandas.DataFrame
        The result of :func:`servqual.cfa.cfa`, or a table of standardised loadings with columns
        ``factor, item, std_loading`` (e.g. from a published paper); from a table only the
        standardised-loading formulas (``cr, ave, sqrt_ave``) can be computed.

    Returns
    -------
    pandas.DataFrame
        One row per dimension: ``dimension, n_items``;
        ``cr`` = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) and ``ave`` = mean(l^2) on the standardised
        (std.all) loadings l (Fornell & Larcker 1981), ``sqrt_ave``;
        from a CFAResult also ``cr_semtools`` = (sum lambda)^2 psi / (1' S 1), the composite reliability
        with the *observed* total variance of the unweighted sum score (``semTools::compRelSEM``),
        ``omega_implied`` = the same with the model-implied total variance 1' Sigma 1 (Raykov's rho,
        ``compRelSEM(obs.var = FALSE)``), ``ave_semtools`` = sum(lambda^2 psi) / sum(s_jj) (explained over
        observed item variance, ``semTools::AVE``);
        ``cr_ok`` (cr >= 0.70) and ``ave_ok`` (ave >= 0.50).

    Notes
    -----
    Thresholds: CR >= 0.70 and AVE >= 0.50 indicate convergent validity (Fornell & Larcker 1981;
    Hair et al. 2019, *Multivariate Data Analysis*, 8th ed.). lambda are unstandardised loadings, psi
    the factor variance and S the sample covariance matrix (divisor N, as lavaan). The textbook and
    semTools versions differ slightly because the textbook formula assumes standardised items with
    uncorrelated errors and equal observed and implied variances.

    Tested against R semTools 0.5.6 (``compRelSEM``, ``compRelSEM(obs.var = FALSE)``, ``AVE``) and the
    standardised-loading formulas on lavaan's ``standardizedSolution`` for six data sets.

    Examples
    --------
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger")  # lavaan::HolzingerSwineford1939
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> res = sq.cfa(df, model)
    >>> construct_validity(res)[["dimension", "cr", "ave"]].round(3)  # semTools::compRelSEM(fit), AVE(fit)
      dimension     cr    ave
    0    visual  0.626  0.371
    1   textual  0.885  0.720
    2     speed  0.691  0.430
    """
    full = _is_cfa_result(cfa_result)
    if full:
        table = cfa_result.loadings
    elif isinstance(cfa_result, pd.DataFrame):
        table = cfa_result
    else:
        raise AnalysisError("construct_validity needs a CFAResult (servqual.cfa) or a table of standardised loadings")
    by = _std_loadings_by_factor(table)
    rows = []
    for f, pairs in by.items():
        lams = np.array([v for _, v in pairs])
        cr, ave, sq = _std_formulas(lams)
        row = {"dimension": f, "n_items": len(pairs), "cr": cr, "ave": ave, "sqrt_ave": sq}
        if full:
            items = [i for i, _ in pairs]
            sub = table[table["factor"].astype(str) == f]
            lam_u = sub["estimate"].to_numpy(dtype=float)
            psi = float(cfa_result.factor_covariances.loc[f, f])
            s = cfa_result.sample_cov.loc[items, items].to_numpy()
            sig = cfa_result.implied_cov.loc[items, items].to_numpy()
            common = lam_u.sum() ** 2 * psi
            row["cr_semtools"] = common / s.sum()
            row["omega_implied"] = common / sig.sum()
            row["ave_semtools"] = float(np.sum(lam_u**2) * psi / np.trace(s))
        rows.append(row)
    out = pd.DataFrame(rows)
    out["cr_ok"] = out["cr"] >= CR_THRESHOLD
    out["ave_ok"] = out["ave"] >= AVE_THRESHOLD
    return out


# ---------------------------------------------------------------------------------------------
# Fornell-Larcker
# ---------------------------------------------------------------------------------------------
def fornell_larcker(cfa_result, factor_correlations: pd.DataFrame | None = None,
                    ave: str = "standardized") -> pd.DataFrame:
    """Fornell-Larcker criterion table: sqrt(AVE) on the diagonal, latent correlations off it.

    Parameters
    ----------
    cfa_result : CFAResult or pandas.DataFrame
        The result of :func:`servqual.cfa.cfa`, or a standardised-loadings table (``factor, item,
        std_loading``) together with ``factor_correlations``.
    factor_correlations : pandas.DataFrame, optional
        Square latent correlation matrix; required when ``cfa_result`` is a loadings table.
    ave : {"standardized", "semtools"}
        AVE on the diagonal: mean squared standardised loading (Fornell & Larcker 1981, default) or
        ``semTools::AVE`` (needs a CFAResult).

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension: one column per dimension (diagonal sqrt(AVE), off-diagonal latent
        correlations), then ``sqrt_ave``, ``max_abs_r`` (largest absolute correlation with another
        dimension) and ``passes`` (sqrt_ave > max_abs_r).

    Notes
    -----
    Discriminant validity holds for a dimension when the square root of its AVE exceeds its
    correlation with every other dimension (Fornell & Larcker 1981, *J Mark Res* 18). Equal to the
    table built from lavaan 0.6.14 ``standardizedSolution`` and ``lavInspect(fit, "cor.lv")``.

    Examples
    --------
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger")  # lavaan::HolzingerSwineford1939
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> fornell_larcker(sq.cfa(df, model))["passes"].tolist()
    [True, True, True]
    """
    if ave not in ("standardized", "semtools"):
        raise ValueError(f"ave must be 'standardized' or 'semtools', got {ave!r}")
    if _is_cfa_result(cfa_result):
        phi = cfa_result.factor_correlations
        cv = construct_validity(cfa_result)
    else:
        if factor_correlations is None:
            raise AnalysisError("with a loadings table, pass factor_correlations (the latent correlation matrix) too")
        if ave == "semtools":
            raise AnalysisError("ave='semtools' needs a CFAResult (unstandardised loadings and covariances)")
        phi = factor_correlations
        cv = construct_validity(cfa_result)
    col = "ave" if ave == "standardized" else "ave_semtools"
    dims = list(cv["dimension"])
    missing = [d for d in dims if d not in phi.index]
    if missing:
        raise AnalysisError(f"factor correlations lack dimension(s) {', '.join(missing)}")
    r = phi.loc[dims, dims].to_numpy(dtype=float).copy()
    sq = np.sqrt(cv[col].to_numpy(dtype=float))
    off = np.abs(r)
    np.fill_diagonal(off, -np.inf)
    maxr = off.max(axis=1) if len(dims) > 1 else np.array([np.nan])
    np.fill_diagonal(r, sq)
    out = pd.DataFrame(r, index=pd.Index(dims, name="dimension"), columns=dims)
    out["sqrt_ave"] = sq
    out["max_abs_r"] = np.where(np.isfinite(maxr), maxr, np.nan)
    out["passes"] = (sq > maxr) if len(dims) > 1 else True
    return out


# ---------------------------------------------------------------------------------------------
# HTMT
# ---------------------------------------------------------------------------------------------
def _htmt_pairs(absr: np.ndarray, blocks: list):
    """HTMT and HTMT2 for every pair of blocks; ``absr`` is (..., p, p) absolute correlations."""
    mono_a, mono_g = [], []
    for idx in blocks:
        li, lj = np.triu_indices(len(idx), 1)
        m = absr[..., idx[li], idx[lj]]
        mono_a.append(m.mean(axis=-1))
        with np.errstate(divide="ignore"):
            mono_g.append(np.exp(np.log(m).mean(axis=-1)))
    h1, h2 = [], []
    k = len(blocks)
    for a in range(k):
        for b in range(a + 1, k):
            het = absr[..., blocks[a][:, None], blocks[b][None, :]].reshape(absr.shape[:-2] + (-1,))
            with np.errstate(divide="ignore", invalid="ignore"):
                h1.append(het.mean(axis=-1) / np.sqrt(mono_a[a] * mono_a[b]))
                h2.append(np.exp(np.log(het).mean(axis=-1)) / np.sqrt(mono_g[a] * mono_g[b]))
    return np.stack(h1, axis=-1), np.stack(h2, axis=-1)


def _prepare_htmt(data, model):
    from servqual.psychometrics.cfa import parse_model

    model = parse_model(model)
    single = [f for f, v in model.items() if len(v) < 2]
    if single:
        warnings.warn(
            f"HTMT is undefined for single-item dimension(s) {', '.join(single)} (there are no monotrait "
            "correlations); they are left out of the HTMT table.", ServqualWarning, stacklevel=3)
        model = {f: v for f, v in model.items() if len(v) >= 2}
    if len(model) < 2:
        raise AnalysisError("HTMT needs at least two dimensions with two or more items each")
    items = list(dict.fromkeys(i for v in model.values() for i in v))
    blocks = [np.array([items.index(i) for i in v]) for v in model.values()]
    if isinstance(data, SufficientStats):
        missing = [i for i in items if i not in data.items]
        if missing:
            raise AnalysisError(f"items not in the sufficient statistics: {', '.join(map(str, missing))}")
        st = data.subset(items)  # listwise, or pairwise correlations (as semTools::htmt(missing = "pairwise"))
        if st.n < 3:
            raise AnalysisError(f"only {st.n} rows are complete on the HTMT items; at least 3 are needed")
        const = [it for it, v in zip(items, np.diag(st.cov)) if not v > 0]
        if const:
            raise AnalysisError(f"item(s) without variance (every answer the same): {', '.join(const)}; drop them")
        return model, items, st, blocks
    x = prepare_items(data, items)
    x = x.dropna()
    if len(x) < 3:
        raise AnalysisError(f"only {len(x)} rows are complete on the HTMT items; at least 3 are needed")
    a = x.to_numpy(dtype=float)
    sd = a.std(axis=0)
    const = [it for it, s in zip(items, sd) if not s > 0]
    if const:
        raise AnalysisError(f"item(s) without variance (every answer the same): {', '.join(const)}; drop them")
    return model, items, a, blocks


def _corr(a: np.ndarray) -> np.ndarray:
    c = a - a.mean(axis=0)
    cov = c.T @ c
    d = np.sqrt(np.diag(cov))
    r = cov / np.outer(d, d)
    np.fill_diagonal(r, 1.0)
    return r


def htmt(data, model, method: str = "htmt", ci: str | None = None, n_boot: int = 2000, seed=DEFAULT_SEED,
         confidence: float = 0.95, *, ci_method: str | None = None) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations for every pair of dimensions.

    Parameters
    ----------
    data : pandas.DataFrame or servqual.stats.SufficientStats
        Item responses (rows incomplete on the model's items are dropped, listwise), or listwise
        sufficient statistics (then without a bootstrap interval).
    model : dict or str
        ``{dimension: [items]}`` (or lavaan ``=~`` syntax).
    method : {"htmt", "htmt2"}
        The statistic the flags and the confidence interval refer to; both are always reported.
    ci : {None, "bootstrap"}
        ``"bootstrap"`` adds percentile bootstrap confidence intervals (rows resampled with replacement).
    n_boot : int
        Bootstrap resamples.
    seed : int, numpy.random.Generator or None
        Random seed of the bootstrap (default ``DEFAULT_SEED``, 42; ``None`` for fresh randomness).
    confidence : float
        Confidence level of the interval.
    ci_method : {None, "bootstrap"}, optional
        The interval method under its contract name; ``ci`` is its alias (give one of them).

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``dimension_a, dimension_b, htmt`` (Henseler et al. 2015: mean absolute
        heterotrait correlation over the geometric mean of the two mean absolute monotrait
        correlations), ``htmt2`` (Roemer et al. 2021: the same with geometric means), ``method``,
        ``below_085`` and ``below_090`` (the chosen statistic under 0.85 / 0.90); with
        ``ci="bootstrap"`` also ``ci_low, ci_high`` (percentile interval of the chosen statistic),
        ``ci_high_below_1`` (HTMT-inference: the upper bound is below 1) and ``n_boot``.

    Notes
    -----
    ``HTMT_ab = mean_{i in a, j in b} |r_ij| / sqrt(mean_{i<i' in a} |r_ii'| * mean_{j<j' in b} |r_jj'|)``
    on Pearson correlations; HTMT2 replaces each arithmetic mean by a geometric mean and is consistent
    for congeneric (unequal-loading) items. Discriminant validity: HTMT < 0.85 (strict) or < 0.90
    (liberal), or the bootstrap upper bound below 1 (Henseler, Ringle & Sarstedt 2015, *J Acad Mark
    Sci* 43; Roemer, Schuberth & Henseler 2021, *Ind Manag Data Syst* 121). HTMT is undefined for a
    single-item dimension (no monotrait correlations): such dimensions are left out with a warning.
    The bootstrap is vectorised (batches of resampled correlation matrices); the percentile bounds use
    linear interpolation (R ``quantile`` type 7).

    Tested against R semTools 0.5.6 ``htmt(htmt2 = FALSE)`` and ``htmt(htmt2 = TRUE)`` on six data sets.

    Examples
    --------
    >>> import servqual as sq
    >>> df = sq.load_dataset("holzinger")  # lavaan::HolzingerSwineford1939
    >>> model = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    >>> htmt(df, model)[["dimension_a", "dimension_b", "htmt"]].round(3)  # semTools::htmt(HS.model, HolzingerSwineford1939)
      dimension_a dimension_b   htmt
    0      visual     textual  0.424
    1      visual       speed  0.467
    2     textual       speed  0.290
    """
    if method not in ("htmt", "htmt2"):
        raise ValueError(f"method must be 'htmt' or 'htmt2', got {method!r}")
    if ci_method is not None:
        if ci not in (None, ci_method):
            raise ValueError(f"ci = {ci!r} and ci_method = {ci_method!r} disagree; give one of them (ci is its alias)")
        ci = ci_method
    if ci not in (None, "bootstrap"):
        raise ValueError(f"ci must be None or 'bootstrap', got {ci!r}")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    model, items, a, blocks = _prepare_htmt(data, model)
    dims = list(model)
    if isinstance(a, SufficientStats):
        if ci is not None:
            raise AnalysisError("a bootstrap interval needs the item responses, not sufficient statistics; pass the "
                                "DataFrame or use ci=None")
        r = np.abs(a.corr)
    else:
        r = np.abs(_corr(a))
    h1, h2 = _htmt_pairs(r, blocks)
    pa, pb = zip(*[(dims[i], dims[j]) for i in range(len(dims)) for j in range(i + 1, len(dims))])
    out = pd.DataFrame({"dimension_a": list(pa), "dimension_b": list(pb), "htmt": h1, "htmt2": h2})
    out["method"] = method
    stat = out[method].to_numpy()
    out["below_085"] = stat < HTMT_STRICT
    out["below_090"] = stat < HTMT_LIBERAL
    if ci == "bootstrap":
        n_boot = int(n_boot)
        if n_boot < 10:
            raise AnalysisError("n_boot must be at least 10 for a bootstrap interval (2000 or more recommended)")
        boot = _bootstrap(a, blocks, method, n_boot, seed)
        alpha = (1.0 - confidence) / 2.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanquantile(boot, alpha, axis=0)
            hi = np.nanquantile(boot, 1.0 - alpha, axis=0)
        out["ci_low"] = lo
        out["ci_high"] = hi
        out["ci_high_below_1"] = hi < 1.0
        out["n_boot"] = n_boot
    return out


def _bootstrap(a: np.ndarray, blocks: list, method: str, n_boot: int, seed) -> np.ndarray:
    """HTMT of ``n_boot`` row resamples.

    Each resample is represented by its row counts w (how often each row was drawn); its cross-product
    matrix is ``sum_i w_i x_i x_i'``, so a chunk of resamples costs one matrix product
    ``W (c x n) @ Z (n x p(p+1)/2)`` with Z the row-wise products of the centred data.
    """
    rng = np.random.default_rng(seed)
    n, p = a.shape
    x = a - a.mean(axis=0)
    iu, ju = np.triu_indices(p)
    z = x[:, iu] * x[:, ju]  # (n, p(p+1)/2)
    chunk = max(1, min(n_boot, int(2e7 // max(n, 1))))
    res = []
    done = 0
    while done < n_boot:
        c = min(chunk, n_boot - done)
        idx = rng.integers(0, n, size=(c, n))
        w = np.bincount((idx + n * np.arange(c)[:, None]).ravel(), minlength=c * n).reshape(c, n).astype(float)
        m1 = w @ x / n  # (c, p) resample means
        m2 = w @ z / n  # (c, p(p+1)/2) resample raw second moments
        cov = np.empty((c, p, p))
        cov[:, iu, ju] = m2 - m1[:, iu] * m1[:, ju]
        cov[:, ju, iu] = cov[:, iu, ju]
        d = np.sqrt(np.clip(np.einsum("bii->bi", cov), 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            rb = np.abs(cov / (d[:, :, None] * d[:, None, :]))
        h1, h2 = _htmt_pairs(rb, blocks)
        res.append(h1 if method == "htmt" else h2)
        done += c
    return np.concatenate(res, axis=0)


def htmt_matrix(data, model, method: str = "htmt") -> pd.DataFrame:
    """HTMT as a square dimension x dimension matrix (1 on the diagonal, as ``semTools::htmt``).

    Parameters
    ----------
    data : pandas.DataFrame
    model : dict or str
        ``{dimension: [items]}``.
    method : {"htmt", "htmt2"}
        ``htmt`` = arithmetic means (``semTools::htmt(htmt2 = FALSE)``), ``htmt2`` = geometric means
        (``htmt2 = TRUE``, semTools' default).

    Returns
    -------
    pandas.DataFrame
        Symmetric matrix of HTMT values; see :func:`htmt` for the formula, thresholds and references.
    """
    tidy = htmt(data, model, method=method)
    dims = list(dict.fromkeys(list(tidy["dimension_a"]) + list(tidy["dimension_b"])))
    m = pd.DataFrame(np.eye(len(dims)), index=dims, columns=dims)
    for a_, b_, v in zip(tidy["dimension_a"], tidy["dimension_b"], tidy[method]):
        m.loc[a_, b_] = v
        m.loc[b_, a_] = v
    return m
