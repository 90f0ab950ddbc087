"""Checks of single questions: dimension items, outcome items and attention checks.

A question has an id (used once), an optional wording, a ``reverse`` flag (reverse-keyed items are scored
as ``min + max - x``; the flag must be ``true`` or ``false``), an optional own scale, and its data columns:
one per block (from the block's column template, or ``columns: {block: column}``), or ``column`` when the
questionnaire has no blocks; every data column is used once. Outcome items have a ``kind``; attention
checks have the ``expected`` answer(s), on their scale, and may be placed ``after`` a dimension item.
"""

from __future__ import annotations

import difflib
import re

from servqual.survey.instrument.checks_scales import parse_code_list, parse_scale
from servqual.survey.instrument.model import OUTCOME_KINDS, Item
from servqual.survey.instrument.problems import Context, check_id, check_keys, is_number, parse_text
from servqual.survey.instrument.yaml_lines import line_of, with_lines

__all__ = ["parse_item", "parse_item_list", "parse_outcomes", "item_number", "CONSTRUCT_KEYS", "check_reverse", "check_attention_positions", "ITEM_KEYS"]

#: The keys a question may have (attention checks also ``after``).
ITEM_KEYS = {"id", "text", "reverse", "scale", "columns", "column", "kind", "expected", "note", "label", "source",
             "missing_codes", "not_applicable"}
#: The item number a column template may use: the digits that end the item id (``q6`` -> ``6``).
_NUM = re.compile(r"(\d+)$")


def item_number(item_id) -> str | None:
    """The number of an item for ``{num}`` in a column template: the digits that end its id.

    >>> item_number("q6"), item_number("sq01"), item_number("tangibles")
    ('6', '01', None)
    """
    m = _NUM.search(str(item_id))
    return m.group(1) if m else None


def parse_item(ctx: Context, it, line: int, what: str, role: str, dim_id: str | None = None,
               kind: str | None = None) -> Item | None:
    """One question (``role``: ``item``, ``overall``, ``outcome`` or ``attention``); None when it cannot be built.

    ``kind``: the kind of the outcome construct the item belongs to (its items take it by default).
    """
    pr = ctx.pr
    if isinstance(it, (str, int)) and not isinstance(it, bool):
        it = {"id": str(it)}
    if not isinstance(it, dict):
        pr.err(line, f"{what} must be a mapping with an id, got {it!r}")
        return None
    ln = line_of(it) or line
    allowed = ITEM_KEYS | {"after"} if role == "attention" else ITEM_KEYS
    check_keys(pr, it, sorted(allowed), f"{what} {it.get('id')!r}")
    iid_ = check_id(it.get("id"), pr, ln, what)
    dup = iid_ in ctx.claims.ids
    ctx.claims.id(iid_, ln, what)
    if dup:
        return None
    rev = check_reverse(ctx, it, what, iid_)
    iscale = parse_scale(it.get("scale"), pr, line_of(it, "scale"), f"{what} {iid_!r} scale", ctx.named)
    cols = _item_columns(ctx, it, ln, what, role, iid_)
    kind = _outcome_kind(ctx, it, iid_, kind) if role == "outcome" else it.get("kind")
    expected = _attention_expected(ctx, it, ln, iid_, iscale or ctx.default_scale) if role == "attention" else ()
    after = it.get("after")
    if after is not None and not isinstance(after, str):
        pr.err(line_of(it, "after"), f"attention check {iid_!r}: 'after' must be the id of a dimension item, got {after!r}")
        after = None
    if iid_ is None:
        return None
    return Item(
        id=iid_, text=parse_text(it.get("text"), pr, ln, f"{what} {iid_} text"), dimension=dim_id, reverse=rev,
        scale=iscale, columns=tuple(cols), role=role, kind=kind, expected=expected, after=after, line=ln,
        missing_codes=parse_code_list(it, "missing_codes", pr, f"{what} {iid_!r}"),
        not_applicable=parse_code_list(it, "not_applicable", pr, f"{what} {iid_!r}"),
    )


def check_reverse(ctx: Context, it: dict, what: str, iid_) -> bool:
    """The ``reverse`` flag of a question (reverse-keyed: scored as ``min + max - x``); must be true or false."""
    rev = it.get("reverse", False)
    if not isinstance(rev, bool):
        ctx.pr.err(line_of(it, "reverse"), f"{what} {iid_!r}: reverse must be true or false, got {rev!r}")
        rev = False
    return rev


def _item_columns(ctx: Context, it: dict, ln: int, what: str, role: str, iid_) -> list:
    """``(block id, data column)`` of a question, each column claimed."""
    pr, claims, blocks = ctx.pr, ctx.claims, ctx.blocks
    cols = []
    if role == "item" and blocks:
        explicit = it.get("columns") or {}
        if not isinstance(explicit, dict):
            pr.err(line_of(it, "columns"), f"{what} {iid_!r}: columns must map block ids to data columns")
            explicit = {}
        for k in explicit:
            if k not in [b.id for b in blocks]:
                pr.err(line_of(explicit, k), f"{what} {iid_!r}: columns names block {k!r}, which is not declared under blocks")
        for b in blocks:
            c = explicit.get(b.id)
            if c is None:
                num = item_number(iid_)
                if "{num}" in b.column and num is None:
                    pr.err(ln, f"{what} {iid_!r}: block {b.id!r} names its columns with {{num}} ({b.column!r}), "
                               "but the item id ends in no number; give the item columns: {" + f"{b.id}: ..." + "}")
                    num = str(iid_)
                c = b.column.replace("{id}", str(iid_)).replace("{num}", num or "")
            cols.append((b.id, str(c)))
            claims.column(str(c), ln, f"{what} {iid_} / block {b.id}")
    else:
        if "columns" in it:
            pr.err(line_of(it, "columns"), f"{what} {iid_!r}: 'columns' maps blocks to columns, but there are no blocks; use 'column'")
        c = str(it.get("column", iid_))
        cols.append(("", c))
        claims.column(c, ln, f"{what} {iid_}")
    return cols


def _outcome_kind(ctx: Context, it: dict, iid_, default: str | None = None) -> str:
    kind = it.get("kind") or default or "satisfaction"
    if kind not in OUTCOME_KINDS:
        ctx.pr.err(line_of(it, "kind"), f"outcome {iid_!r}: kind must be one of {', '.join(OUTCOME_KINDS)}, got {kind!r}")
    return kind


def _attention_expected(ctx: Context, it: dict, ln: int, iid_, scale) -> tuple:
    """The answer(s) an attentive respondent gives, each on the check's scale."""
    e = it.get("expected")
    if e is None:
        ctx.pr.err(ln, f"attention check {iid_!r} needs 'expected': the answer(s) an attentive respondent gives")
        return ()
    expected = tuple(e) if isinstance(e, list) else (e,)
    for x in expected:
        if not is_number(x) or (scale is not None and not (scale.min <= x <= scale.max)):
            ctx.pr.err(line_of(it, "expected"), f"attention check {iid_!r}: expected answer {x!r} is not on its scale")
    return expected


def parse_item_list(ctx: Context, spec: dict, key: str, role: str, what: str) -> tuple:
    """The questions listed under ``key`` (``outcomes``, ``attention_checks``)."""
    return parse_outcomes(ctx, spec, key, role, what)[0]


#: The keys of a multi-item outcome construct under ``outcomes:``.
CONSTRUCT_KEYS = ("id", "name", "kind", "items", "description", "measurement", "missing_codes", "not_applicable", "scale")


def parse_outcomes(ctx: Context, spec: dict, key: str = "outcomes", role: str = "outcome", what: str = "outcome") -> tuple:
    """``(questions, constructs)`` under ``key``: single questions, and (for outcomes) the multi-item
    outcome constructs (an entry with ``items:``), whose items are among the questions too."""
    from servqual.survey.instrument.model import Dimension  # the model of a construct

    lst = spec.get(key) or []
    if not isinstance(lst, list):
        ctx.pr.err(line_of(spec, key), f"{key} must be a list")
        return (), ()
    out, constructs = [], []
    for it, iline in with_lines(lst, 0):
        if role == "outcome" and isinstance(it, dict) and "items" in it:
            check_keys(ctx.pr, it, CONSTRUCT_KEYS, f"outcome construct {it.get('id')!r}")
            cid = check_id(it.get("id"), ctx.pr, iline, "an outcome construct")
            ctx.claims.id(cid, iline, "outcome construct")
            kind = _outcome_kind(ctx, it, cid)
            il = it.get("items")
            if not isinstance(il, list) or len(il) < 2:
                ctx.pr.err(line_of(it, "items") or iline, f"outcome construct {cid!r}: items must list at least 2 questions; "
                                                          "a single outcome question is an entry of outcomes: without items")
                il = il if isinstance(il, list) else []
            cscale = it.get("scale")
            items = []
            for sub, sline in with_lines(il, iline):
                if cscale is not None:
                    sub = {"id": str(sub)} if isinstance(sub, (str, int)) and not isinstance(sub, bool) else sub
                    if isinstance(sub, dict) and "scale" not in sub:
                        sub = {**sub, "scale": cscale}
                parsed = parse_item(ctx, sub, sline, "outcome item", "outcome", cid, kind)
                if parsed is not None:
                    items.append(parsed)
            meas = it.get("measurement", "reflective")
            if meas not in ("reflective", "formative"):
                ctx.pr.err(line_of(it, "measurement"), f"outcome construct {cid!r}: measurement must be reflective or formative, got {meas!r}")
                meas = "reflective"
            constructs.append(Dimension(
                id=cid or "", name=parse_text(it.get("name"), ctx.pr, iline, f"outcome {cid} name"), items=tuple(items),
                description=parse_text(it.get("description"), ctx.pr, iline, f"outcome {cid} description"), line=iline,
                measurement=meas, missing_codes=parse_code_list(it, "missing_codes", ctx.pr, f"outcome construct {cid!r}"),
                not_applicable=parse_code_list(it, "not_applicable", ctx.pr, f"outcome construct {cid!r}"),
                kind=kind, role="outcome"))
            out.extend(items)
            continue
        parsed = parse_item(ctx, it, iline, what, role)
        if parsed is not None:
            out.append(parsed)
    return tuple(out), tuple(constructs)


def check_attention_positions(ctx: Context, checks, dims) -> None:
    """``after:`` of an attention check must name a dimension item."""
    dim_item_ids = {it.id for d in dims for it in d.items}
    for chk in checks:
        if chk.after is not None and chk.after not in dim_item_ids:
            near = difflib.get_close_matches(chk.after, sorted(dim_item_ids), n=1)
            ctx.pr.err(chk.line, f"attention check {chk.id!r}: 'after: {chk.after}' names no dimension item"
                       + (f"; did you mean {near[0]!r}?" if near else "; give the id of the item it should follow"))
