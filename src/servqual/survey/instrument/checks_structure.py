"""Checks of the structural model: ``structure:`` lists the paths among dimensions and outcome items.

Each entry is ``{from: id or [ids], to: id}``; every id must be a dimension, an outcome construct or an
outcome item of the questionnaire (an outcome item enters a structural model as a single-indicator construct), no construct
may predict itself, and the paths must not form a cycle (recursive models only).

Examples
--------
>>> from servqual.survey.instrument import load_instrument
>>> load_instrument("ecsi_mobi").structural_paths()[:2]
[('Image', 'Expectation'), ('Image', 'Quality')]
"""

from __future__ import annotations

from servqual.survey.instrument.problems import Context
from servqual.survey.instrument.yaml_lines import line_of, with_lines

__all__ = ["parse_structure"]


def _cycle(paths: list) -> list:
    """The constructs of a cycle of ``paths`` (empty when the model is recursive)."""
    succ: dict = {}
    for a, b in paths:
        succ.setdefault(a, []).append(b)
    state: dict = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in succ.get(node, []):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
            if state.get(nxt) is None:
                found = visit(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = 2
        return []

    for start in list(succ):
        if state.get(start) is None:
            found = visit(start, [start])
            if found:
                return found
    return []


def parse_structure(ctx: Context, spec: dict, dims, outcomes, constructs=()) -> tuple:
    """The structural paths as a tuple of ``(from ids, to id)``; problems are recorded with their lines."""
    pr = ctx.pr
    s = spec.get("structure")
    if s is None:
        return ()
    sl = line_of(spec, "structure")
    if not isinstance(s, list) or not s:
        pr.err(sl, "structure must be a non-empty list of {from: [ids], to: id}")
        return ()
    known = {d.id for d in dims} | {o.id for o in outcomes if o.dimension is None} | {c.id for c in constructs}
    out = []
    for entry, line in with_lines(s, sl):
        if not isinstance(entry, dict) or "from" not in entry or "to" not in entry:
            pr.err(line, f"a structural path is {{from: [ids], to: id}}, got {entry!r}")
            continue
        extra = sorted(set(entry) - {"from", "to"})
        if extra:
            pr.err(line, f"a structural path has only from and to; unknown key(s) {', '.join(map(str, extra))}")
        froms = entry["from"] if isinstance(entry["from"], list) else [entry["from"]]
        to = entry["to"]
        bad = [str(x) for x in [*froms, to] if str(x) not in known]
        if bad:
            pr.err(line, f"structure: {', '.join(bad)} is not a dimension, outcome construct or outcome item of the questionnaire "
                         f"(known: {', '.join(sorted(known))})")
            continue
        if str(to) in map(str, froms):
            pr.err(line, f"structure: {to!r} cannot predict itself")
            continue
        out.append((tuple(str(x) for x in froms), str(to)))
    pairs = [(a, b) for froms, b in out for a in froms]
    dup = sorted({p for p in pairs if pairs.count(p) > 1})
    if dup:
        pr.err(sl, "structure: path(s) listed more than once: " + ", ".join(f"{a} -> {b}" for a, b in dup))
    cyc = _cycle(pairs)
    if cyc:
        pr.err(sl, "structure: the paths form a cycle " + " -> ".join(cyc) + "; only recursive models are supported")
    return tuple(out)
