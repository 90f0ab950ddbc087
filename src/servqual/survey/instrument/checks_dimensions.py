"""Checks of the dimensions (constructs) and their items.

A dimension has an id, a name, an optional description, a ``measurement`` (``reflective``, the default, or
``formative``) and a non-empty list of items. A reflective dimension needs at least 2 items; with only 2
a warning says that reliability and CFA are weak below 3. A questionnaire of Kano features alone may have
no dimensions.

``missing_codes`` and ``not_applicable`` on a dimension are the codes of its items (overriding those of
the questionnaire and of the block). ``overall: q4`` names the dimension's topic-overall item ("overall,
how satisfied are you with technical support"): it is read and checked like the others, serves as the
criterion of derived importance within the dimension, and is kept out of the dimension's items and so of
its scale score, reliability and factor models.
"""

from __future__ import annotations

from servqual.survey.instrument.checks_items import parse_item
from servqual.survey.instrument.checks_scales import parse_code_list
from servqual.survey.instrument.model import Dimension
from servqual.survey.instrument.problems import Context, check_id, check_keys, mappings, parse_text
from servqual.survey.instrument.yaml_lines import line_of, with_lines

__all__ = ["parse_dimensions", "DIMENSION_KEYS", "MEASUREMENTS"]

#: The keys a dimension may have.
DIMENSION_KEYS = ("id", "name", "description", "measurement", "items", "missing_codes", "not_applicable", "overall")
#: How a dimension's items relate to it.
MEASUREMENTS = ("reflective", "formative")


def parse_dimensions(ctx: Context, spec: dict) -> list:
    """The dimensions, each with its items."""
    pr = ctx.pr
    dims = []
    dl = spec.get("dimensions")
    if dl is None and spec.get("kano"):
        dl = []  # a Kano-only questionnaire
    elif not isinstance(dl, list) or not dl:
        pr.err(line_of(spec, "dimensions") or 1, "'dimensions' must be a non-empty list of {id, items}")
        dl = []
    for d, dline in mappings(pr, dl, 0, "a dimension must be a mapping with id and items"):
        check_keys(pr, d, DIMENSION_KEYS, f"dimension {d.get('id')!r}")
        meas = d.get("measurement", "reflective")
        if meas not in MEASUREMENTS:
            pr.err(line_of(d, "measurement"), f"dimension {d.get('id')!r}: measurement must be reflective or formative, got {meas!r}")
            meas = "reflective"
        did = check_id(d.get("id"), pr, dline, "a dimension")
        ctx.claims.id(did, dline, "dimension")
        il = d.get("items")
        items = []
        if not isinstance(il, list) or not il:
            pr.err(line_of(d, "items") or dline, f"dimension {did!r} has no items; list its items under 'items:'")
            il = []
        overall_id = d.get("overall")
        overall_spec = None
        if isinstance(overall_id, dict):
            overall_spec, overall_id = overall_id, overall_id.get("id")
        elif overall_id is not None and not isinstance(overall_id, str):
            pr.err(line_of(d, "overall"), f"dimension {did!r}: overall must be the id of its topic-overall item, got {overall_id!r}")
            overall_id = None
        overall = None
        for it, iline in with_lines(il, dline):
            is_overall = overall_id is not None and (it == overall_id or isinstance(it, dict) and it.get("id") == overall_id)
            parsed = parse_item(ctx, it, iline, "item", "overall" if is_overall else "item", did)
            if parsed is not None and is_overall:
                overall = parsed
            elif parsed is not None:
                items.append(parsed)
        if overall_id is not None and overall is None:
            if overall_spec is not None:  # declared in place: overall: {id: q4, text: ...}
                overall = parse_item(ctx, overall_spec, line_of(d, "overall"), "overall item", "overall", did)
            else:
                pr.err(line_of(d, "overall"), f"dimension {did!r}: overall: {overall_id} is not one of its items "
                                              f"({', '.join(i.id for i in items)}); list it under items, or write "
                                              "overall: {id: ..., text: ...}")
        il = [x for x in il if not (overall_id is not None and (x == overall_id or isinstance(x, dict) and x.get("id") == overall_id))]
        if il and len(il) < 2 and meas == "reflective":
            pr.err(dline, f"dimension {did!r} has {len(il)} item; a dimension needs at least 2 items (3 or more recommended). "
                   "Move a single question to 'outcomes' or add items")
        elif len(il) == 2 and meas == "reflective":
            pr.warn(dline, f"dimension {did!r} has only 2 items; reliability and CFA are weak below 3 items per dimension")
        dims.append(Dimension(id=did or "", name=parse_text(d.get("name"), pr, dline, f"dimension {did} name"), items=tuple(items),
                              description=parse_text(d.get("description"), pr, dline, f"dimension {did} description"), line=dline,
                              measurement=meas, missing_codes=parse_code_list(d, "missing_codes", pr, f"dimension {did!r}"),
                              not_applicable=parse_code_list(d, "not_applicable", pr, f"dimension {did!r}"), overall=overall))
    return dims
