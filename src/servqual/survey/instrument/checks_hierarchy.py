"""Checks of the indicator hierarchy: goal -> criteria -> indicators (for AHP and the weighting methods).

Each criterion has an id (used once) and a list of indicators; an indicator is ``{item: id}``,
``{dimension: id}`` or ``{kpi: id}`` (a bare id is looked up among dimensions, KPIs and items, in that
order) and must name something the questionnaire declares.
"""

from __future__ import annotations

from servqual.survey.instrument.model import Criterion, Hierarchy, Indicator
from servqual.survey.instrument.problems import Context, check_id, mappings, parse_text
from servqual.survey.instrument.yaml_lines import line_of, with_lines

__all__ = ["parse_hierarchy"]


def parse_hierarchy(ctx: Context, spec: dict, dims, outcomes, kpis) -> Hierarchy | None:
    """The goal -> criteria -> indicators hierarchy; None when there is none (or it is unusable)."""
    pr = ctx.pr
    h = spec.get("hierarchy")
    if h is None:
        return None
    hl = line_of(spec, "hierarchy")
    if not isinstance(h, dict):
        pr.err(hl, "hierarchy must be a mapping with goal and criteria")
        return None
    goal = h.get("goal")
    goal_id = "goal"
    if isinstance(goal, dict) and "id" in goal:
        goal_id = str(goal["id"])
        goal_text = parse_text(goal.get("name"), pr, line_of(h, "goal"), "hierarchy goal")
    else:
        goal_text = parse_text(goal, pr, line_of(h, "goal"), "hierarchy goal")
    dim_ids = {d.id for d in dims}
    item_ids = {it.id for d in dims for it in d.items} | {o.id for o in outcomes}
    kpi_ids = {k.id for k in kpis}
    crit = []
    cl = h.get("criteria")
    if not isinstance(cl, list) or not cl:
        pr.err(line_of(h, "criteria") or hl, "hierarchy needs a non-empty list of criteria")
        return None
    seen = {}
    for c, cline in mappings(pr, cl, hl, "a criterion must be a mapping with id and indicators"):
        cid = check_id(c.get("id"), pr, cline, "a criterion")
        if cid in seen:
            pr.err(cline, f"duplicate criterion id {cid!r}; first at line {seen[cid]}")
        seen[cid] = cline
        inds = []
        il = c.get("indicators")
        if not isinstance(il, list) or not il:
            pr.err(line_of(c, "indicators") or cline, f"criterion {cid!r} needs a list of indicators")
            il = []
        for ind, iline in with_lines(il, cline):
            if isinstance(ind, str):
                ind = {"dimension": ind} if ind in dim_ids else {"kpi": ind} if ind in kpi_ids else {"item": ind}
            if not isinstance(ind, dict):
                pr.err(iline, f"criterion {cid!r}: an indicator is {{item: id}}, {{dimension: id}} or {{kpi: id}}, got {ind!r}")
                continue
            kinds = [k for k in ("item", "dimension", "kpi") if k in ind]
            if len(kinds) != 1:
                pr.err(line_of(ind) or iline, f"criterion {cid!r}: an indicator names exactly one of item, dimension, kpi; got {dict(ind)!r}")
                continue
            kind = kinds[0]
            ref = str(ind[kind])
            known = {"item": item_ids, "dimension": dim_ids, "kpi": kpi_ids}[kind]
            if ref not in known:
                pr.err(line_of(ind, kind) or iline, f"criterion {cid!r}: unknown {kind} {ref!r}; known: {', '.join(sorted(known)) or 'none'}")
            inds.append(Indicator(kind=kind, ref=ref, name=parse_text(ind.get("name"), pr, iline, "indicator name"), line=iline))
        crit.append(Criterion(id=cid or "", name=parse_text(c.get("name"), pr, cline, f"criterion {cid} name"), indicators=tuple(inds), line=cline))
    return Hierarchy(goal=goal_text, criteria=tuple(crit), goal_id=goal_id)
