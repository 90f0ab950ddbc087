r"""Partial least squares path modelling (PLS-SEM), as seminr and SmartPLS estimate it.

Each construct is a weighted composite of its standardized indicators. Wold's algorithm alternates two
steps until the outer weights change by less than ``tol``:

* **inner approximation**: the proxy of construct :math:`j` is :math:`\tilde\eta_j = \sum_i e_{ij}\hat\eta_i`
  over the constructs linked to it, with :math:`e_{ij}` the regression coefficient of :math:`j` on its
  predecessors and the correlation with its successors (``scheme="path"``), the correlation
  (``"factorial"``) or its sign (``"centroid"``);
* **outer approximation**: mode A (reflective) weights are the covariances of the indicators with the
  proxy, mode B (formative) weights the regression coefficients of the proxy on the indicators; the
  scores :math:`\hat\eta_j = X_j w_j` are standardized.

Then the path coefficients are the OLS coefficients of each endogenous construct on its predecessors,
the loadings the correlations of the indicators with their construct's scores, and the quality criteria
of the reflective constructs follow from them: Cronbach's alpha, :math:`\rho_C = (\sum\lambda)^2 /
((\sum\lambda)^2 + \sum(1 - \lambda^2))`, AVE :math:`= \overline{\lambda^2}`, and Dijkstra–Henseler's
:math:`\rho_A = (w^\top w)^2\, \dfrac{w^\top (S - \operatorname{diag} S) w}{w^\top (w w^\top -
\operatorname{diag}(w w^\top)) w}`. :math:`f^2` compares the :math:`R^2` with and without a predictor.

References
----------
Lohmöller, J.-B. (1989). *Latent variable path modeling with partial least squares*. Physica.
Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path modeling. *MIS Quarterly*,
39(2), 297–316.
Hair, J. F., Hult, G. T. M., Ringle, C. M., & Sarstedt, M. (2022). *A primer on partial least squares
structural equation modeling (PLS-SEM)* (3rd ed.). Sage.

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.pls import pls
>>> mobi = sq.read_dataset("mobi").data
>>> model = {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"], "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
...          "Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"]}
>>> res = pls(mobi, model, paths=[("Image", "Satisfaction"), ("Expectation", "Satisfaction"), ("Value", "Satisfaction")])
>>> round(float(res.inner_summary.set_index("construct").loc["Satisfaction", "r2"]), 4)   # seminr rSquared
0.5906
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from servqual._results import ResultMixin
from servqual._validation import DEFAULT_SEED, as_frame, check_confidence, rng
from servqual.exceptions import AnalysisError
from servqual.psychometrics.construct import htmt
from servqual.survey.instrument import as_instrument

__all__ = ["SCHEMES", "PLSResult", "pls", "pls_model"]

#: Inner weighting schemes.
SCHEMES = ("path", "factorial", "centroid")


def _standardize(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)


def _rho_a(zb: np.ndarray, w: np.ndarray) -> float:
    """Dijkstra-Henseler rho_A of a block of standardized indicators with outer weights ``w``."""
    s = np.corrcoef(zb, rowvar=False)
    ww = np.outer(w, w)
    return float((w @ w) ** 2 * (w @ (s - np.diag(np.diag(s))) @ w) / (w @ (ww - np.diag(np.diag(ww))) @ w))


def _ols(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(x, y, rcond=None)[0]


@dataclass(frozen=True, repr=False, eq=False)
class PLSResult(ResultMixin):
    """A PLS path model.

    Attributes
    ----------
    paths : DataFrame
        ``from, to, estimate`` (standardized path coefficients), ``vif`` (collinearity of the predictors of
        the same construct), and with a bootstrap ``se, t, pval, ci_low, ci_high``.
    outer : DataFrame
        ``construct, item, weight, loading, communality``.
    inner_summary : DataFrame
        ``construct, r2, r2_adj, alpha, rho_c, rho_a, ave`` (reliability for mode A constructs).
    effects : DataFrame
        ``from, to, direct, indirect, total``.
    scores : DataFrame
        Construct scores (standardized).
    cross_loadings : DataFrame
        Items x constructs correlations.
    fsquared : DataFrame
        ``from, to, f2``.
    htmt : DataFrame
        Heterotrait-monotrait ratios of the constructs (:func:`servqual.htmt`; HTMT and HTMT2).
    iterations : int
    """

    paths: pd.DataFrame
    outer: pd.DataFrame
    inner_summary: pd.DataFrame
    effects: pd.DataFrame
    scores: pd.DataFrame
    cross_loadings: pd.DataFrame
    fsquared: pd.DataFrame
    htmt: pd.DataFrame
    iterations: int
    converged: bool
    n: int
    title = "PLS path model"

    def tables(self) -> dict:
        return {"Paths": self.paths, "Outer model": self.outer, "Constructs": self.inner_summary,
                "Effects": self.effects}

    def notes(self, lang: str = "en") -> list:
        if lang == "zh":
            return [f"PLS 路径模型（与 seminr 一致），N = {self.n}，{self.iterations} 次迭代"
                    + ("收敛" if self.converged else "未收敛") + "。"]
        return [f"PLS path model (as seminr), N = {self.n}; {'converged' if self.converged else 'did not converge'} "
                f"after {self.iterations} iterations."]


def pls_model(instrument, block: str | None = None) -> tuple[dict, list, dict]:
    """The PLS model of a questionnaire's ``structure:``: ``(constructs, paths, modes)``.

    Dimensions are measured by their items in ``block`` (mode B when ``measurement: formative``), an
    outcome item is a single-indicator construct named by its id.

    Examples
    --------
    >>> model, paths, modes = pls_model("ecsi_mobi")
    >>> list(model)[:3], paths[0], modes["Image"]
    (['Image', 'Expectation', 'Quality'], ('Image', 'Expectation'), 'A')
    """
    inst = as_instrument(instrument)
    paths = inst.structural_paths()
    if not paths:
        raise AnalysisError(f"questionnaire {inst.id!r} has no structure: list its paths, e.g. "
                            "structure: [{from: [quality], to: satisfaction}]")
    meas = inst.model(block, outcomes=True)
    outcome_cols = {o.id: o.column() for o in inst.outcomes}
    used = list(dict.fromkeys(c for p in paths for c in p))
    model = {c: meas[c] if c in meas else [outcome_cols[c]] for c in used}
    formative = {d.id for d in inst.dimensions if d.measurement == "formative"}
    return model, paths, {c: "B" if c in formative else "A" for c in used}


def pls(data, model, paths=None, scheme: str = "path", modes: dict | None = None, *, plsc: bool = False,
        bootstrap: int | None = None, seed=DEFAULT_SEED, confidence: float = 0.95, tol: float = 1e-7,
        max_iter: int = 300, refit_f2: bool = True) -> PLSResult:
    r"""Estimate a PLS path model: ``seminr::estimate_pls`` with composites (mode A by default, or B).

    Parameters
    ----------
    data : DataFrame or Responses
        Rows with a missing value on an indicator are left out (listwise).
    model : dict or Instrument
        ``{construct: [items]}``; or a questionnaire (an Instrument, a file, a bundled name; None takes the
        questionnaire of ``data``) whose ``structure:`` gives the constructs, the paths and the modes
        (:func:`pls_model`).
    paths : list of (from, to)
        The structural model (from the questionnaire when it is given).
    scheme : {"path", "factorial", "centroid"}
        Inner weighting scheme (seminr ``path_weighting`` / ``path_factorial`` / centroid).
    modes : dict, optional
        ``{construct: "A" | "B"}`` (default: mode A for every construct).
    tol, max_iter
        Convergence: the largest change of an outer weight below ``tol`` (seminr's 1e-7).
    plsc : bool
        Consistent PLS (Dijkstra & Henseler 2015) for the mode A constructs: construct correlations
        disattenuated by :math:`\sqrt{\rho_{A,i}\rho_{A,j}}`, loadings :math:`w\sqrt{\rho_A}/(w^\top w)`, and
        the paths and R² from the corrected correlations (seminr's ``reflective()`` constructs).
    bootstrap : int, optional
        Resamples of the rows; adds ``se``, ``t``, ``pval`` (two-sided, normal) and the percentile interval
        ``ci_low``, ``ci_high`` to ``paths`` and ``outer`` (weights and loadings), as seminr's
        ``bootstrap_model`` reports them.
    seed : int or None
        Seed of the resamples.
    confidence : float
        Level of the bootstrap intervals.
    refit_f2 : bool
        Compute f² as seminr's ``fSquared``: from the R² of the model re-estimated without each path.

    Returns
    -------
    PLSResult

    Notes
    -----
    Tested against the fixtures of seminr's own test suite (``tests/fixtures/V_3_6_0``, the mobi model
    Image, Expectation, Value → Satisfaction): R², adjusted R², f², alpha, rho_C, AVE, rho_A, the
    cross-loadings, HTMT and the path coefficients of both schemes agree to 1e-10, and so do PLSc's paths,
    loadings, R² and rho_A. The bootstrap draws its own resamples (seminr's are R's), so its standard
    errors agree with seminr's only up to resampling noise. Q² (PLSpredict) and the SRMR of the PLS model
    are not available yet.
    """
    if scheme not in SCHEMES:
        raise AnalysisError(f"scheme must be one of {', '.join(SCHEMES)}, got {scheme!r}")
    if not isinstance(model, dict):
        model, q_paths, q_modes = pls_model(model if model is not None else getattr(data, "instrument", None))
        paths = q_paths if paths is None else paths
        modes = {**q_modes, **(modes or {})}
    df = as_frame(data)
    constructs = list(model)
    items = [i for c in constructs for i in model[c]]
    absent = [i for i in items if i not in df.columns]
    if absent:
        raise AnalysisError(f"PLS: item(s) not in the data: {', '.join(absent)}")
    paths = [tuple(p) for p in (paths or [])]
    unknown = sorted({c for p in paths for c in p} - set(constructs))
    if unknown:
        raise AnalysisError(f"PLS: path(s) name construct(s) not in the model: {', '.join(unknown)}")
    modes = {c: str((modes or {}).get(c, "A")).upper() for c in constructs}
    x = df[items].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(float)
    n = x.shape[0]
    z = _standardize(x)
    k = len(constructs)
    blocks = []
    start = 0
    for c in constructs:
        blocks.append(slice(start, start + len(model[c])))
        start += len(model[c])
    adj = np.zeros((k, k))  # adj[i, j] = 1 when i -> j
    for a, b in paths:
        adj[constructs.index(a), constructs.index(b)] = 1
    weights = [np.ones(b.stop - b.start) for b in blocks]

    def scores_of(ws):
        s = np.column_stack([z[:, b] @ w for b, w in zip(blocks, ws)])
        return _standardize(s)

    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        y = scores_of(weights)
        r = np.corrcoef(y, rowvar=False)
        e = np.zeros((k, k))
        for j in range(k):
            linked = np.flatnonzero(adj[:, j] + adj[j, :])
            if scheme == "path":
                pred = np.flatnonzero(adj[:, j])
                if pred.size:
                    e[pred, j] = _ols(y[:, j], y[:, pred])
                succ = np.flatnonzero(adj[j, :])
                e[succ, j] = r[succ, j]
            elif scheme == "factorial":
                e[linked, j] = r[linked, j]
            else:
                e[linked, j] = np.sign(r[linked, j])
        proxy = _standardize(y @ e)
        new = []
        for j, b in enumerate(blocks):
            xb = z[:, b]
            if modes[constructs[j]] == "B":
                w = _ols(proxy[:, j], xb)
            else:
                w = xb.T @ proxy[:, j] / (n - 1)
            sd = np.std(xb @ w, ddof=1)
            new.append(w / sd)
        change = max(np.max(np.abs(a - b)) for a, b in zip(new, weights))
        weights = new
        if change < tol:
            converged = True
            break
    y = scores_of(weights)
    scores = pd.DataFrame(y, columns=constructs)
    rho_a = np.array([_rho_a(z[:, b], w) if b.stop - b.start > 1 else 1.0 for b, w in zip(blocks, weights)])
    rc = np.corrcoef(y, rowvar=False)
    if plsc:
        reflect = np.array([modes[c] == "A" for c in constructs])
        q = np.where(reflect, np.sqrt(rho_a), 1.0)
        rc = rc / np.outer(q, q)
        np.fill_diagonal(rc, 1.0)
    beta = np.zeros((k, k))
    r2, r2_adj = {}, {}
    for j in range(k):
        pred = np.flatnonzero(adj[:, j])
        if pred.size:
            beta[pred, j] = np.linalg.solve(rc[np.ix_(pred, pred)], rc[pred, j])
            rr = float(beta[pred, j] @ rc[pred, j])
            r2[constructs[j]] = rr
            r2_adj[constructs[j]] = 1 - (1 - rr) * (n - 1) / (n - pred.size - 1)
    cross = pd.DataFrame(np.corrcoef(np.column_stack([z, y]), rowvar=False)[: len(items), len(items):],
                         index=items, columns=constructs)
    if plsc:
        for j, c in enumerate(constructs):
            if modes[c] == "A" and len(model[c]) > 1:
                w = weights[j]
                cross.loc[model[c], c] = w * np.sqrt(rho_a[j]) / (w @ w)
    outer_rows = []
    summary = []
    for j, c in enumerate(constructs):
        b = blocks[j]
        lam = cross.loc[model[c], c].to_numpy()
        w = weights[j]
        for it_, wi, li in zip(model[c], w, lam):
            outer_rows.append({"construct": c, "item": it_, "weight": wi, "loading": li, "communality": li ** 2})
        kk = b.stop - b.start
        if kk > 1:
            # seminr's alpha is the alpha of the standardized indicators (the data PLS works on)
            s = np.corrcoef(z[:, b], rowvar=False)
            alpha = kk / (kk - 1) * (1 - kk / s.sum())
        else:
            alpha = 1.0
        rho_c = lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam ** 2))
        summary.append({"construct": c, "mode": modes[c], "r2": r2.get(c, np.nan), "r2_adj": r2_adj.get(c, np.nan),
                        "alpha": alpha, "rho_c": rho_c, "rho_a": rho_a[j], "ave": float(np.mean(lam ** 2))})
    path_rows = [{"from": a, "to": b, "estimate": beta[constructs.index(a), constructs.index(b)]} for a, b in paths]
    total = np.linalg.inv(np.eye(k) - beta) - np.eye(k)  # sum of all path products
    eff = [{"from": constructs[i], "to": constructs[j], "direct": beta[i, j], "indirect": total[i, j] - beta[i, j],
            "total": total[i, j]} for i in range(k) for j in range(k) if total[i, j] != 0 or beta[i, j] != 0]
    f2 = []
    if refit_f2:
        for a, b in paths:
            # seminr: the R² of the model re-estimated without the path (weights re-estimated too)
            reduced = [p for p in paths if p != (a, b)]
            keep = [c for c in constructs if any(c in p for p in reduced)] or [b]
            sub = pls(df, {c: model[c] for c in keep}, reduced, scheme, {c: modes[c] for c in keep}, plsc=plsc,
                      tol=tol, max_iter=max_iter, refit_f2=False) if reduced else None
            r2_ex = (float(sub.inner_summary.set_index("construct").loc[b, "r2"])
                     if sub is not None and b in set(t for _, t in reduced) else 0.0)
            f2.append({"from": a, "to": b, "f2": (r2[b] - r2_ex) / (1 - r2[b])})
    path_df, outer_df = pd.DataFrame(path_rows), pd.DataFrame(outer_rows)
    if bootstrap:
        path_df, outer_df = _bootstrap(df[items].apply(pd.to_numeric, errors="coerce").dropna(), model, paths,
                                       scheme, modes, plsc, int(bootstrap), seed, check_confidence(confidence),
                                       path_df, outer_df, tol, max_iter)
    vif = []
    for j in range(k):
        pred = np.flatnonzero(adj[:, j])
        for i in pred:
            others = [p for p in pred if p != i]
            r2_i = float(rc[i, others] @ np.linalg.solve(rc[np.ix_(others, others)], rc[others, i])) if others else 0.0
            vif.append({"from": constructs[i], "to": constructs[j], "vif": 1 / (1 - r2_i)})
    path_df = path_df.merge(pd.DataFrame(vif, columns=["from", "to", "vif"]), on=["from", "to"], how="left")
    reflective = {c: model[c] for c in constructs if modes[c] == "A" and len(model[c]) > 1}
    ht = htmt(pd.DataFrame(x, columns=items), reflective) if len(reflective) > 1 else pd.DataFrame()
    return PLSResult(path_df, outer_df, pd.DataFrame(summary), pd.DataFrame(eff), scores, cross, pd.DataFrame(f2),
                     ht, it, converged, n)


def _bootstrap(frame, model, paths, scheme, modes, plsc, reps, seed, confidence, path_df, outer_df, tol, max_iter):
    """Re-estimate on row resamples; standard errors, t, p and percentile intervals of paths, weights, loadings."""
    gen = rng(seed)
    n = len(frame)
    p_draws, w_draws, l_draws = [], [], []
    for _ in range(reps):
        idx = gen.integers(0, n, size=n)
        b = pls(frame.iloc[idx].reset_index(drop=True), model, paths, scheme, modes, plsc=plsc, tol=tol,
                max_iter=max_iter, refit_f2=False)
        p_draws.append(b.paths["estimate"].to_numpy())
        w_draws.append(b.outer["weight"].to_numpy())
        l_draws.append(b.outer["loading"].to_numpy())
    a = (1 - confidence) / 2

    def add(df, col, draws, prefix=""):
        d = np.asarray(draws)
        se = d.std(axis=0, ddof=1)
        t = df[col].to_numpy() / se
        lo, hi = np.percentile(d, [100 * a, 100 * (1 - a)], axis=0)
        return df.assign(**{f"{prefix}se": se, f"{prefix}t": t, f"{prefix}pval": 2 * stats.norm.sf(np.abs(t)),
                            f"{prefix}ci_low": lo, f"{prefix}ci_high": hi})

    path_df = add(path_df, "estimate", p_draws)
    outer_df = add(outer_df, "weight", w_draws, "weight_")
    outer_df = add(outer_df, "loading", l_draws, "loading_")
    return path_df, outer_df
