r"""Structural equation models with latent variables by maximum likelihood, as ``lavaan::sem`` fits them.

The model, in lavaan syntax, has measurement statements ``F =~ x1 + x2`` (the first loading fixed to 1
unless another value is given, ``F =~ 1*x``), regressions among latent variables ``Y ~ a*X + Z``
(``a`` a label), (co)variances ``x ~~ 0*x`` / ``X ~~ Z`` and defined parameters ``ind := a*b``. With
:math:`B` the regression coefficients among the latent variables, :math:`A = (I - B)^{-1}`,

.. math:: \Sigma(\theta) = \Lambda A \Psi A^\top \Lambda^\top + \Theta ,

where :math:`\Psi` holds the variances and covariances of the exogenous latent variables (all free, as
lavaan's default) and the residual variances of the endogenous ones, and :math:`\Theta` the residual
variances of the indicators. The estimates minimise lavaan's ML discrepancy
:math:`F = \log|\Sigma| + \operatorname{tr}(S\Sigma^{-1}) - \log|S| - p` (``likelihood = "normal"``, S with
divisor N); the test is :math:`T = N F`, standard errors come from the expected information, defined
parameters get delta-method standard errors, and the standardized solution is lavaan's ``std.all``.

References
----------
Bollen, K. A. (1989). *Structural equations with latent variables*. Wiley.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
Software*, 48(2).

Examples
--------
>>> import servqual as sq
>>> from servqual.psychometrics.sem import sem
>>> cr = sq.read_dataset("corp_rep").data
>>> fit = sem(cr, '''COMP =~ comp_1 + comp_2 + comp_3
... CUSL =~ cusl_1 + cusl_2 + cusl_3
... CUSL ~ b*COMP''')
>>> int(fit.fit_measures()["df"]), round(float(fit.estimates.set_index("label").loc["b", "est"]), 3)
(8, 0.6...)
"""

from __future__ import annotations

import ast
import operator
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from servqual._results import ResultMixin
from servqual._validation import DEFAULT_SEED, as_frame, check_confidence, rng
from servqual.exceptions import AnalysisError, HeywoodWarning, ServqualWarning
from servqual.psychometrics.cfa_robust import duplication_matrix, vech_index
from servqual.survey.instrument import as_instrument
from servqual.psychometrics.fit_indices import incremental, rmsea, rmsea_interval, rmsea_pvalues

__all__ = ["SEMResult", "sem", "parse_syntax", "sem_syntax"]

_TERM = re.compile(r"^(?:(?P<mod>[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?)\s*\*\s*)?(?P<var>[A-Za-z_][\w.]*)$")


@dataclass
class _Statement:
    lhs: str
    op: str
    rhs: str
    label: str = ""
    fixed: float | None = None


def parse_syntax(model: str) -> tuple[list, dict]:
    """lavaan model syntax -> statements (``=~``, ``~``, ``~~``) and defined parameters (``:=``).

    >>> st, defined = parse_syntax("F =~ a + 1*b\\nY ~ g*F\\nind := g*2")
    >>> [(s.lhs, s.op, s.rhs, s.label, s.fixed) for s in st]
    [('F', '=~', 'a', '', None), ('F', '=~', 'b', '', 1.0), ('Y', '~', 'F', 'g', None)]
    >>> defined
    {'ind': 'g*2'}
    """
    statements, defined = [], {}
    for raw in re.split(r"[;\n]", model):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^([A-Za-z_][\w.]*)\s*(=~|~~|:=|~)\s*(.+)$", line)
        if not m:
            raise AnalysisError(f"cannot read model line {line!r}: write 'F =~ x1 + x2', 'Y ~ X', 'X ~~ Z' or 'name := a*b'")
        lhs, op, rhs = m.group(1), m.group(2), m.group(3).strip()
        if op == ":=":
            defined[lhs] = rhs.replace(" ", "")
            continue
        for term in (t.strip() for t in rhs.split("+")):
            tm = _TERM.match(term.replace(" ", ""))
            if not tm:
                raise AnalysisError(f"cannot read term {term!r} in model line {line!r}")
            mod, var = tm.group("mod"), tm.group("var")
            fixed = label = None
            if mod is not None:
                try:
                    fixed = float(mod)
                except ValueError:
                    label = mod
            statements.append(_Statement(lhs, op, var, label or "", fixed))
    return statements, defined


@dataclass
class _Model:
    observed: list
    latent: list
    # free parameter slots: (kind, i, j) with kind in lam, beta, psi, theta
    slots: list
    labels: list
    lam0: np.ndarray
    beta0: np.ndarray
    psi0: np.ndarray
    theta0: np.ndarray
    statements: list

    def matrices(self, v):
        lam, beta, psi, theta = self.lam0.copy(), self.beta0.copy(), self.psi0.copy(), self.theta0.copy()
        for val, (kind, i, j) in zip(v, self.slots):
            if kind == "lam":
                lam[i, j] = val
            elif kind == "beta":
                beta[i, j] = val
            elif kind == "psi":
                psi[i, j] = psi[j, i] = val
            else:
                theta[i, j] = theta[j, i] = val
        return lam, beta, psi, theta

    def sigma(self, v):
        lam, beta, psi, theta = self.matrices(v)
        a = np.linalg.inv(np.eye(len(self.latent)) - beta)
        return lam @ a @ psi @ a.T @ lam.T + theta


def _build(statements: list, columns) -> _Model:
    latent = list(dict.fromkeys(s.lhs for s in statements if s.op == "=~"))
    for s in statements:
        if s.op == "~" and s.lhs not in latent:
            raise AnalysisError(f"regression {s.lhs} ~ {s.rhs}: {s.lhs} is not a latent variable of the model; "
                                "give it a measurement statement (a single item: 'F =~ 1*item' and 'item ~~ 0*item')")
    observed = list(dict.fromkeys(s.rhs for s in statements if s.op == "=~"))
    absent = [o for o in observed if o not in columns]
    if absent:
        raise AnalysisError(f"SEM: indicator(s) not in the data: {', '.join(absent)}")
    p, m = len(observed), len(latent)
    lam0, beta0, psi0, theta0 = np.zeros((p, m)), np.zeros((m, m)), np.zeros((m, m)), np.zeros((p, p))
    slots, labels = [], []

    def free(kind, i, j, label):
        slots.append((kind, i, j))
        labels.append(label)

    seen_first = set()
    fixed_var = {}
    for s in statements:
        if s.op == "~~":
            fixed_var[(s.lhs, s.rhs)] = s
    for s in statements:
        if s.op == "=~":
            f, i = latent.index(s.lhs), observed.index(s.rhs)
            if s.fixed is not None:
                lam0[i, f] = s.fixed
            elif s.lhs not in seen_first:
                lam0[i, f] = 1.0  # marker
            else:
                free("lam", i, f, s.label)
            seen_first.add(s.lhs)
        elif s.op == "~":
            if s.rhs not in latent:
                raise AnalysisError(f"regression {s.lhs} ~ {s.rhs}: {s.rhs} is not a latent variable of the model")
            i, j = latent.index(s.lhs), latent.index(s.rhs)
            if s.fixed is not None:
                beta0[i, j] = s.fixed
            else:
                free("beta", i, j, s.label)
    endo = {s.lhs for s in statements if s.op == "~"}
    exo = [f for f in latent if f not in endo]
    for i, o in enumerate(observed):
        s = fixed_var.get((o, o))
        if s is not None and s.fixed is not None:
            theta0[i, i] = s.fixed
        else:
            free("theta", i, i, s.label if s else "")
    for f in latent:
        s = fixed_var.get((f, f))
        k = latent.index(f)
        if s is not None and s.fixed is not None:
            psi0[k, k] = s.fixed
        else:
            free("psi", k, k, s.label if s else "")
    for a_ in range(len(exo)):
        for b_ in range(a_ + 1, len(exo)):
            ia, ib = latent.index(exo[a_]), latent.index(exo[b_])
            free("psi", ia, ib, "")
    for (lhs, rhs), s in fixed_var.items():
        if lhs != rhs and lhs in latent and rhs in latent and not (lhs in exo and rhs in exo):
            ia, ib = latent.index(lhs), latent.index(rhs)
            if s.fixed is None:
                free("psi", ia, ib, s.label)
        elif lhs != rhs and lhs in observed and rhs in observed and s.fixed is None:
            free("theta", observed.index(lhs), observed.index(rhs), s.label)
    return _Model(observed, latent, slots, labels, lam0, beta0, psi0, theta0, statements)


def _objective(v, mod: _Model, s, logdet_s, p):
    sig = mod.sigma(v)
    sign, logdet = np.linalg.slogdet(sig)
    if sign <= 0:
        return np.inf
    return logdet + np.sum(s * np.linalg.inv(sig)) - logdet_s - p


def _objective_grad(v, mod: _Model, s, logdet_s, p, ri, ci):
    r"""F_ML and its gradient :math:`\partial F/\partial\theta_k = \operatorname{tr}(\Sigma^{-1}(\Sigma - S)\Sigma^{-1}\partial\Sigma_k)`."""
    sig = mod.sigma(v)
    sign, logdet = np.linalg.slogdet(sig)
    if sign <= 0:
        return np.inf, np.zeros_like(v)
    si = np.linalg.inv(sig)
    g = si @ (sig - s) @ si
    weight = np.where(ri == ci, 1.0, 2.0)  # an off-diagonal vech element stands for two entries
    return logdet + np.sum(s * si) - logdet_s - p, _jacobian(v, mod, ri, ci).T @ (weight * g[ri, ci])


def _jacobian(v, mod: _Model, ri, ci) -> np.ndarray:
    r"""d vech(Sigma) / d theta, analytically, with :math:`A = (I - B)^{-1}` and :math:`C = A\Psi A^\top`.

    Loadings: :math:`\partial\Sigma/\partial\lambda_{if} = e_i (\Lambda C)_{\cdot f}^\top + (\cdot)^\top`;
    regressions: :math:`\partial A/\partial\beta_{ij} = A e_i e_j^\top A`, so
    :math:`\partial\Sigma = \Lambda(\partial A\,\Psi A^\top + A\Psi\,\partial A^\top)\Lambda^\top`;
    latent (co)variances: :math:`\Lambda A (e_f e_g^\top + e_g e_f^\top) A^\top \Lambda^\top` (one term on the
    diagonal); residual (co)variances: :math:`e_i e_j^\top + e_j e_i^\top`.
    """
    lam, beta, psi, _ = mod.matrices(v)
    m = len(mod.latent)
    a = np.linalg.inv(np.eye(m) - beta)
    la = lam @ a
    c = a @ psi @ a.T
    lc = lam @ c
    cols = []
    p = lam.shape[0]
    for kind, i, j in mod.slots:
        if kind == "lam":  # item i, factor j
            d = np.zeros((p, p))
            d[i, :] = lc[:, j]
            d = d + d.T
        elif kind == "beta":  # d A / d beta_ij = A e_i e_j' A
            d_a = np.outer(a[:, i], a[j, :])
            d_c = d_a @ psi @ a.T
            d = lam @ (d_c + d_c.T) @ lam.T
        elif kind == "psi":
            d = np.outer(la[:, i], la[:, j])
            if i != j:
                d = d + d.T
        else:
            d = np.zeros((p, p))
            d[i, j] = d[j, i] = 1.0
        cols.append(d[ri, ci])
    return np.column_stack(cols)


def _start(mod: _Model, s: np.ndarray) -> np.ndarray:
    v = []
    for kind, i, j in mod.slots:
        if kind == "lam":
            v.append(1.0)
        elif kind == "beta":
            v.append(0.0)
        elif kind == "theta":
            v.append(s[i, i] / 2 if i == j else 0.0)
        else:
            if i == j:
                marker = int(np.flatnonzero(mod.lam0[:, i])[0]) if np.any(mod.lam0[:, i]) else 0
                v.append(max(s[marker, marker] / 2, 0.05))
            else:
                v.append(0.0)
    return np.asarray(v)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}


def _evaluate(expr: str, values: dict) -> float:
    """Arithmetic of labels and numbers (``a*b``, ``c + a*b``), nothing else."""
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.operand))
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise AnalysisError(f"defined parameter {expr!r}: {node.id!r} is not a label of the model")
            return values[node.id]
        raise AnalysisError(f"defined parameter {expr!r}: only labels, numbers and + - * / ^ are allowed")

    return float(ev(ast.parse(expr.replace("^", "**"), mode="eval")))


def _defined_values(v, mod: _Model, defined: dict) -> dict:
    values = {lab: val for lab, val in zip(mod.labels, v) if lab}
    out = {}
    for name, expr in defined.items():
        out[name] = _evaluate(expr, {**values, **out})
    return out


@dataclass(frozen=True, repr=False, eq=False)
class SEMResult(ResultMixin):
    """A structural equation model.

    Attributes
    ----------
    estimates : DataFrame
        ``lhs, op, rhs, label, est, se, z, pvalue, ci_lower, ci_upper, std_all`` (lavaan's
        ``parameterEstimates`` + ``standardizedSolution``), defined parameters as ``op = ":="``.
    measures : Series
        Fit measures (lavaan's names; also :meth:`fit_measures`).
    r2 : Series
        R² of every indicator and endogenous latent variable.
    n : int
    boot : DataFrame or None
        The bootstrap draws (free parameters ``p0, p1, ...`` in model order, then the defined ones).
    """

    estimates: pd.DataFrame
    measures: pd.Series
    r2: pd.Series
    n: int
    converged: bool
    boot: pd.DataFrame | None = None
    title = "Structural equation model (ML)"

    def fit_measures(self) -> pd.Series:
        """The fit measures as a Series name -> value (lavaan ``fitMeasures`` names)."""
        return self.measures.copy()

    @property
    def paths(self) -> pd.DataFrame:
        return self.estimates[self.estimates["op"] == "~"].reset_index(drop=True)

    @property
    def defined(self) -> pd.DataFrame:
        return self.estimates[self.estimates["op"] == ":="].reset_index(drop=True)

    def tables(self) -> dict:
        fm = self.measures
        keys = [k for k in ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr") if k in fm.index]
        return {"Paths": self.paths, "Defined effects": self.defined, "Fit": pd.DataFrame(
            {"measure": keys, "value": [fm[k] for k in keys]})}

    def notes(self, lang: str = "en") -> list:
        sig = self.paths[self.paths["pvalue"] < 0.05]
        names = ", ".join(f"{r.rhs} → {r.lhs}" for r in sig.itertuples())
        if lang == "zh":
            return [f"结构方程模型（ML，与 lavaan 一致），N = {self.n}；p < .05 的路径：{names or '无'}。"]
        return [f"Structural equation model (ML, as lavaan), N = {self.n}; paths with p < .05: {names or 'none'}."]


def _latent_name(oid: str, column: str, taken: set) -> str:
    """The construct name of a single-indicator outcome (not the name of its column)."""
    for cand in (oid if oid != column else oid.upper(), f"{oid}_F"):
        if cand != column and cand not in taken:
            return cand
    raise AnalysisError(f"cannot name the construct of outcome {oid!r}")  # pragma: no cover


def sem_syntax(instrument, block: str | None = None, *, effects: bool = True) -> str:
    """lavaan syntax of the questionnaire's ``structure:``: measurement, labelled paths and their effects.

    Every dimension in the structure is measured by its items in ``block``; an outcome item enters as a
    single-indicator construct (loading 1, residual variance 0). Each path ``X -> Y`` is labelled
    ``b_X_Y``; with ``effects``, every indirect path from a construct to another gets a defined parameter
    ``ind_X_..._Y``, and each pair with an indirect path its total indirect ``totind_X_Y`` and total effect
    ``total_X_Y`` (the direct path plus the indirect ones).

    Examples
    --------
    >>> print(sem_syntax("corp_rep", effects=False))
    COMP =~ comp_1 + comp_2 + comp_3
    LIKE =~ like_1 + like_2 + like_3
    CUSA =~ 1*cusa
    cusa ~~ 0*cusa
    CUSL =~ cusl_1 + cusl_2 + cusl_3
    CUSA ~ b_COMP_CUSA*COMP + b_LIKE_CUSA*LIKE
    CUSL ~ b_COMP_CUSL*COMP + b_LIKE_CUSL*LIKE + b_CUSA_CUSL*CUSA
    """
    inst = as_instrument(instrument)
    paths = inst.structural_paths()
    if not paths:
        raise AnalysisError(f"questionnaire {inst.id!r} has no structure: list its paths, e.g. "
                            "structure: [{from: [quality], to: satisfaction}]")
    meas = inst.model(block, outcomes=True)
    outcome_cols = {o.id: o.column() for o in inst.outcomes}
    appearance = list(dict.fromkeys(c for p in paths for c in p))
    targets = {b for _, b in paths}
    order = [c for c in appearance if c not in targets] + [c for c in appearance if c in targets]
    name, lines = {}, []
    for c in order:
        if c in meas:
            name[c] = c
            lines.append(f"{c} =~ " + " + ".join(meas[c]))
        else:
            col = outcome_cols[c]
            name[c] = _latent_name(c, col, set(meas) | set(name.values()))
            lines += [f"{name[c]} =~ 1*{col}", f"{col} ~~ 0*{col}"]
    preds: dict = {}
    for a, b in paths:
        preds.setdefault(name[b], []).append(name[a])
    for to, froms in preds.items():
        lines.append(f"{to} ~ " + " + ".join(f"b_{a}_{to}*{a}" for a in froms))
    if effects:
        lines += _effect_definitions([(name[a], name[b]) for a, b in paths])
    return "\n".join(lines)


def _effect_definitions(paths: list) -> list:
    """``:=`` lines of every indirect path, the total indirect and the total effect of each pair."""
    succ: dict = {}
    for a, b in paths:
        succ.setdefault(a, []).append(b)
    direct = set(paths)
    nodes = list(dict.fromkeys(c for p in paths for c in p))
    out = []
    for src in nodes:
        chains: dict = {}

        def walk(node, trail):
            for nxt in succ.get(node, []):
                route = trail + [nxt]
                if len(route) > 2:
                    chains.setdefault(nxt, []).append(route)
                walk(nxt, route)

        walk(src, [src])
        for dst in nodes:
            routes = chains.get(dst)
            if not routes:
                continue
            names = []
            for route in routes:
                nm = "ind_" + "_".join(route)
                out.append(f"{nm} := " + "*".join(f"b_{u}_{v}" for u, v in zip(route, route[1:])))
                names.append(nm)
            out.append(f"totind_{src}_{dst} := " + " + ".join(names))
            out.append(f"total_{src}_{dst} := " + (f"b_{src}_{dst} + " if (src, dst) in direct else "")
                       + f"totind_{src}_{dst}")
    return out


def sem(data, model, *, block: str | None = None, max_iter: int = 2000, bootstrap: int | None = None, seed=DEFAULT_SEED,
        resamples=None, confidence: float = 0.95) -> SEMResult:
    """Fit a structural equation model by ML: ``lavaan::sem(model, data)``.

    Parameters
    ----------
    data : DataFrame or Responses
        Rows with a missing value on an indicator are left out (listwise).
    model : str or Instrument
        lavaan syntax: ``=~``, ``~`` (among latent variables; single items as ``F =~ 1*x`` with
        ``x ~~ 0*x``), ``~~``, labels ``a*X``, fixed values ``1*x``, and ``:=`` defined parameters; or a
        questionnaire (an Instrument, a file, a bundled name) whose ``structure:`` gives the model
        (:func:`sem_syntax`).
    block : str, optional
        With a questionnaire: the block whose columns measure the dimensions.
    max_iter : int
    bootstrap : int, optional
        Number of bootstrap resamples (lavaan's ``se = "bootstrap"``); adds ``boot_se`` and the
        percentile (``ci_lower_perc``, ``ci_upper_perc``) and bias-corrected (``ci_lower_bca``,
        ``ci_upper_bca``, lavaan's ``bca.simple``) intervals of every free and defined parameter.
    seed : int or None
        Seed of the resamples.
    resamples : array of int, optional
        Explicit resamples (rows x n, 0-based) instead of drawing them.
    confidence : float
        Level of the bootstrap intervals.

    Returns
    -------
    SEMResult

    Notes
    -----
    Tested against lavaan 0.6.14 (``sem(model, data)``) on the corporate-reputation model of Hair et al.:
    estimates, standard errors, the standardized solution, R², defined (indirect and total) effects with
    delta-method standard errors, and the fit measures agree to 1e-4. Observed variables as predictors,
    intercepts (``~ 1``), robust estimators and FIML are not supported yet. Each bootstrap draw starts from
    the full-sample estimates (as lavaan's); the draws agree with lavaan's on the same resamples to 1e-5,
    and the intervals follow ``boot::norm.inter`` as lavaan's ``parameterEstimates`` does.
    """
    # model syntax has operators or several lines; anything else names a questionnaire
    if not (isinstance(model, str) and any(ch in model for ch in "=~:\n")):
        model = sem_syntax(model if model is not None else getattr(data, "instrument", None), block)
    statements, defined = parse_syntax(model)
    df = as_frame(data)
    mod = _build(statements, df.columns)
    y = df[mod.observed].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(float)
    n, p = y.shape
    if n <= p:
        raise AnalysisError(f"SEM needs more complete rows ({n}) than indicators ({p})")
    z = y - y.mean(axis=0)
    s = z.T @ z / n
    logdet_s = float(np.linalg.slogdet(s)[1])
    ri, ci = vech_index(p)
    dup = duplication_matrix(p)
    v = _start(mod, s)
    with warnings.catch_warnings():  # trial points with a non-positive-definite Sigma give inf, on purpose
        warnings.simplefilter("ignore", RuntimeWarning)
        sol = optimize.minimize(_objective_grad, v, args=(mod, s, logdet_s, p, ri, ci), jac=True, method="BFGS",
                                options={"gtol": 1e-8, "maxiter": max_iter})
    v = sol.x
    v, grad = _fisher_scoring(v, mod, s, ri, ci, dup)
    f = _objective(v, mod, s, logdet_s, p)
    converged = bool(np.isfinite(f) and np.max(np.abs(grad)) < 1e-6)
    sig = mod.sigma(v)
    si = np.linalg.inv(sig)
    jac = _jacobian(v, mod, ri, ci)
    info = jac.T @ (0.5 * dup.T @ np.kron(si, si) @ dup) @ jac
    vcov = np.linalg.inv(info) / n
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    t = n * f
    dof = int(len(ri) - len(v))
    tb = n * (np.sum(np.log(np.diag(s))) - logdet_s)
    dfb = p * (p - 1) // 2
    fm = {"npar": len(v), "fmin": f / 2, "chisq": t, "df": dof, "pvalue": float(stats.chi2.sf(t, dof)),
          "baseline.chisq": tb, "baseline.df": dfb, "baseline.pvalue": float(stats.chi2.sf(tb, dfb)), "ntotal": n}
    fm.update(incremental(t, dof, tb, dfb))
    lo, up = rmsea_interval(t, dof, n)
    close, notclose = rmsea_pvalues(t, dof, n)
    fm.update({"rmsea": rmsea(t, dof, n), "rmsea.ci.lower": lo, "rmsea.ci.upper": up, "rmsea.pvalue": close,
               "rmsea.notclose.pvalue": notclose})
    logl = -0.5 * n * (p * np.log(2 * np.pi) + np.linalg.slogdet(sig)[1] + np.sum(s * si))
    logl1 = -0.5 * n * (p * np.log(2 * np.pi) + logdet_s + p)
    fm.update({"logl": logl, "unrestricted.logl": logl1, "aic": -2 * logl + 2 * len(v),
               "bic": -2 * logl + len(v) * np.log(n), "bic2": -2 * logl + len(v) * np.log((n + 2) / 24)})
    so = np.sqrt(np.diag(s))
    res = (s - sig) / np.outer(so, so)
    fm["srmr"] = float(np.sqrt(np.sum(res[ri, ci] ** 2) / len(ri)))
    estimates, r2 = _estimates(mod, v, se, vcov, defined, n)
    boot = None
    if bootstrap or resamples is not None:
        confidence = check_confidence(confidence)
        if resamples is None:
            resamples = rng(seed).integers(0, n, size=(int(bootstrap), n))
        boot, failed = _bootstrap(y, mod, v, defined, np.asarray(resamples), confidence)
        estimates = _with_bootstrap(estimates, mod, defined, boot, confidence)
        if failed:
            warnings.warn(f"{failed} of {len(resamples)} bootstrap resamples did not converge and were left out",
                          ServqualWarning, stacklevel=2)
    neg = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == estimates["rhs"]) & (estimates["est"] < 0)]
    if len(neg):
        warnings.warn(f"negative variance for {', '.join(neg['lhs'])}: the solution is improper (Heywood case); "
                      "its standardized values and R² are not interpretable", HeywoodWarning, stacklevel=2)
    return SEMResult(estimates, pd.Series(fm, dtype=float), r2, n, converged, boot)


def _fisher_scoring(v, mod: _Model, s, ri, ci, dup, max_iter: int = 50):
    """Fisher scoring steps on the ML discrepancy until the step is below 1e-10; returns (v, gradient)."""
    grad = np.full(len(v), np.inf)
    for _ in range(max_iter):
        sig = mod.sigma(v)
        si = np.linalg.inv(sig)
        w = 0.5 * dup.T @ np.kron(si, si) @ dup
        jac = _jacobian(v, mod, ri, ci)
        grad = -2 * jac.T @ w @ (s[ri, ci] - sig[ri, ci])
        step = np.linalg.solve(2 * jac.T @ w @ jac, grad)
        v = v - step
        if np.max(np.abs(step)) < 1e-10:
            break
    return v, grad


def norm_inter(t: np.ndarray, alpha) -> np.ndarray:
    """Bootstrap quantiles interpolated on the normal scale (``boot::norm.inter``, used by lavaan's percentile
    and ``bca.simple`` intervals): between order statistics ``k`` and ``k + 1`` with ``k = floor((R + 1) alpha)``.

    >>> norm_inter(np.arange(1.0, 1000.0), [0.025, 0.975]).round(3).tolist()
    [25.0, 975.0]
    """
    t = np.sort(np.asarray(t, dtype=float))
    r = t.size
    out = []
    for a in np.atleast_1d(alpha):
        rk = (r + 1) * a
        k = int(np.floor(rk))
        if k == rk and 1 <= k <= r:
            out.append(t[k - 1])
        elif k < 1:
            out.append(t[0])
        elif k >= r:
            out.append(t[-1])
        else:
            lo, hi = special.ndtri(k / (r + 1)), special.ndtri((k + 1) / (r + 1))
            w = (special.ndtri(a) - lo) / (hi - lo)
            out.append(t[k - 1] + w * (t[k] - t[k - 1]))
    return np.asarray(out)


def _bootstrap(y, mod: _Model, v0, defined, resamples, confidence):
    """Refit on every resample from the full-sample estimates; draws of the free and defined parameters."""
    n, p = y.shape
    ri, ci = vech_index(p)
    dup = duplication_matrix(p)
    draws, failed = [], 0
    for idx in resamples:
        yb = y[idx]
        zb = yb - yb.mean(axis=0)
        sb = zb.T @ zb / n
        try:
            vb, gb = _fisher_scoring(v0.copy(), mod, sb, ri, ci, dup)
        except np.linalg.LinAlgError:
            failed += 1
            continue
        if not np.all(np.isfinite(vb)) or np.max(np.abs(gb)) > 1e-4:
            failed += 1
            continue
        draws.append(np.concatenate([vb, list(_defined_values(vb, mod, defined).values())]))
    names = [f"p{k}" for k in range(len(v0))] + list(defined)
    return pd.DataFrame(draws, columns=names), failed


def _slot_key(mod: _Model, slot) -> tuple:
    kind, i, j = slot
    if kind == "lam":
        return (mod.latent[j], "=~", mod.observed[i])
    if kind == "beta":
        return (mod.latent[i], "~", mod.latent[j])
    if kind == "theta":
        return (mod.observed[i], "~~", mod.observed[j])
    return (mod.latent[i], "~~", mod.latent[j])


def _with_bootstrap(estimates: pd.DataFrame, mod: _Model, defined: dict, boot: pd.DataFrame, confidence: float):
    """Bootstrap standard errors and percentile / bias-corrected intervals beside the estimates."""
    a = (1 - confidence) / 2
    cols = {k: np.nan for k in ("boot_se", "ci_lower_perc", "ci_upper_perc", "ci_lower_bca", "ci_upper_bca")}
    out = estimates.assign(**cols)
    where = {_slot_key(mod, slot): f"p{k}" for k, slot in enumerate(mod.slots)}
    where.update({(name, ":=", expr): name for name, expr in defined.items()})
    n_ok = len(boot)
    for idx, row in out.iterrows():
        col = where.get((row["lhs"], row["op"], row["rhs"]))
        if col is None:  # a fixed parameter
            out.loc[idx, ["boot_se", "ci_lower_perc", "ci_upper_perc", "ci_lower_bca", "ci_upper_bca"]] = \
                [0.0, row["est"], row["est"], row["est"], row["est"]]
            continue
        t = boot[col].to_numpy()
        ddof = 1 if row["op"] == ":=" else 0  # lavaan: divisor n for free parameters, n - 1 for := rows
        lo, hi = norm_inter(t, [a, 1 - a])
        z0 = special.ndtri(np.mean(t < row["est"]))
        blo, bhi = norm_inter(t, special.ndtr(2 * z0 + special.ndtri([a, 1 - a])))
        out.loc[idx, ["boot_se", "ci_lower_perc", "ci_upper_perc", "ci_lower_bca", "ci_upper_bca"]] = \
            [float(t.std(ddof=ddof)) if n_ok > ddof else np.nan, lo, hi, blo, bhi]
    return out


def _standardized(v, mod: _Model):
    lam, beta, psi, theta = mod.matrices(v)
    a = np.linalg.inv(np.eye(len(mod.latent)) - beta)
    cov_eta = a @ psi @ a.T
    sd_eta = np.sqrt(np.clip(np.diag(cov_eta), 0, None))
    sig = lam @ cov_eta @ lam.T + theta
    sd_obs = np.sqrt(np.clip(np.diag(sig), 0, None))
    return lam, beta, psi, theta, cov_eta, sd_eta, sig, sd_obs


def _estimates(mod: _Model, v, se, vcov, defined, n):
    lam, beta, psi, theta, cov_eta, sd_eta, sig, sd_obs = _standardized(v, mod)
    se_of = {slot: s_ for slot, s_ in zip(mod.slots, se)}
    label_of = {slot: lab for slot, lab in zip(mod.slots, mod.labels)}
    z975 = special.ndtri(0.975)
    rows = []

    def add(lhs, op, rhs, label, est, s_, std):
        zv = est / s_ if s_ > 0 else np.nan
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "label": label, "est": est, "se": s_, "z": zv,
                     "pvalue": 2 * special.ndtr(-abs(zv)) if s_ > 0 else np.nan,
                     "ci_lower": est - z975 * s_, "ci_upper": est + z975 * s_, "std_all": std})

    for st in mod.statements:  # loadings and regressions in the order of the model
        if st.op == "=~":
            i, f = mod.observed.index(st.rhs), mod.latent.index(st.lhs)
            slot = ("lam", i, f)
            add(st.lhs, "=~", st.rhs, label_of.get(slot, ""), lam[i, f], se_of.get(slot, 0.0),
                lam[i, f] * sd_eta[f] / sd_obs[i])
        elif st.op == "~":
            i, j = mod.latent.index(st.lhs), mod.latent.index(st.rhs)
            slot = ("beta", i, j)
            add(st.lhs, "~", st.rhs, label_of.get(slot, ""), beta[i, j], se_of.get(slot, 0.0),
                beta[i, j] * sd_eta[j] / sd_eta[i])
    for i, o in enumerate(mod.observed):
        slot = ("theta", i, i)
        add(o, "~~", o, label_of.get(slot, ""), theta[i, i], se_of.get(slot, 0.0), theta[i, i] / sd_obs[i] ** 2)
    m = len(mod.latent)
    for i in range(m):
        slot = ("psi", i, i)
        add(mod.latent[i], "~~", mod.latent[i], label_of.get(slot, ""), psi[i, i], se_of.get(slot, 0.0),
            psi[i, i] / sd_eta[i] ** 2)
    for (kind, i, j) in mod.slots:
        if kind == "psi" and i != j:
            add(mod.latent[i], "~~", mod.latent[j], label_of[(kind, i, j)], psi[i, j], se_of[(kind, i, j)],
                psi[i, j] / np.sqrt(psi[i, i] * psi[j, j]) if psi[i, i] > 0 and psi[j, j] > 0 else np.nan)
    if defined:
        vals = _defined_values(v, mod, defined)
        std_vals = _defined_std(v, mod, defined)
        h = 1e-7
        grads = []
        for k in range(len(v)):
            e = np.zeros(len(v))
            e[k] = h
            up, dn = _defined_values(v + e, mod, defined), _defined_values(v - e, mod, defined)
            grads.append([(up[d] - dn[d]) / (2 * h) for d in defined])
        g = np.asarray(grads).T  # defined x params
        dse = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", g, vcov, g), 0, None))
        for (name, expr), s_ in zip(defined.items(), dse):
            add(name, ":=", expr, name, vals[name], float(s_), std_vals[name])
    r2 = {o: 1 - theta[i, i] / sd_obs[i] ** 2 for i, o in enumerate(mod.observed)}
    endo = list(dict.fromkeys(s.lhs for s in mod.statements if s.op == "~"))
    for name in endo:
        k = mod.latent.index(name)
        # a negative residual variance (an improper solution) has no R², as lavaan reports NA
        r2[name] = 1 - psi[k, k] / sd_eta[k] ** 2 if psi[k, k] >= 0 else np.nan
    return pd.DataFrame(rows), pd.Series(r2)


def _defined_std(v, mod: _Model, defined) -> dict:
    """Defined parameters computed from the standardized (std.all) regression coefficients."""
    lam, beta, psi, theta, cov_eta, sd_eta, sig, sd_obs = _standardized(v, mod)
    values = {}
    for (kind, i, j), lab, val in zip(mod.slots, mod.labels, v):
        if not lab:
            continue
        if kind == "beta":
            values[lab] = val * sd_eta[j] / sd_eta[i]
        elif kind == "lam":
            values[lab] = val * sd_eta[j] / sd_obs[i]
        else:
            values[lab] = val
    out = {}
    for name, expr in defined.items():
        out[name] = _evaluate(expr, {**values, **out})
    return out
