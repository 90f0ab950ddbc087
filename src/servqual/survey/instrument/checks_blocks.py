"""Checks of the blocks: the ways of asking every attribute (SERVQUAL expectation / perception, IPA
importance / performance, zone of tolerance adequate / desired).

Each block has an id, a role from :data:`~servqual.survey.instrument.model.BLOCK_ROLES` used once, and a
column template containing ``{id}``. An expectation block needs a perception block (gap = P − E); adequate
and desired blocks come in pairs. The analysis block defaults to perception, else performance, else the
first block.
"""

from __future__ import annotations

from servqual.survey.instrument.model import BLOCK_ROLES, Block
from servqual.survey.instrument.checks_scales import parse_code_list, parse_scale
from servqual.survey.instrument.problems import Problems, check_id, mappings, parse_text
from servqual.survey.instrument.yaml_lines import line_of

__all__ = ["parse_blocks"]


def parse_blocks(spec: dict, pr: Problems, named: dict) -> tuple[list, str | None]:
    """The blocks and the analysis block's id (None without blocks)."""
    blocks = []
    bl = spec.get("blocks") or []
    if not isinstance(bl, list):
        pr.err(line_of(spec, "blocks"), "blocks must be a list of {id, role, column}")
        bl = []
    seen_roles: dict = {}
    for b, bline in mappings(pr, bl, 0, "a block must be a mapping with id, role and column"):
        bid = check_id(b.get("id"), pr, bline, "a block")
        role = b.get("role", bid)
        if role not in BLOCK_ROLES:
            pr.err(line_of(b, "role"), f"block {bid!r}: role must be one of {', '.join(BLOCK_ROLES)}, got {role!r}")
        elif role in seen_roles:
            pr.err(line_of(b, "role"), f"block {bid!r}: role {role!r} is already used by block {seen_roles[role]!r}")
        else:
            seen_roles[role] = bid
        col = b.get("column", "{id}_" + str(bid))
        if not isinstance(col, str) or ("{id}" not in col and "{num}" not in col):
            pr.err(line_of(b, "column"), f"block {bid!r}: column must be a template containing {{id}} (the item id) or "
                                         f"{{num}} (the number that ends the item id), e.g. '{{id}}_e' or 'qi{{num}}', got {col!r}")
            col = "{id}"
        bscale = parse_scale(b.get("scale"), pr, line_of(b, "scale"), f"block {bid!r} scale", named)
        blocks.append(Block(id=bid or "", role=role, text=parse_text(b.get("text"), pr, bline, f"block {bid} text"), column=col, scale=bscale, line=bline,
                            missing_codes=parse_code_list(b, "missing_codes", pr, f"block {bid!r}"),
                            not_applicable=parse_code_list(b, "not_applicable", pr, f"block {bid!r}")))
    if len({b.id for b in blocks}) != len(blocks):
        pr.err(line_of(spec, "blocks"), "block ids must be unique")
    if blocks and ("expectation" in seen_roles) != ("perception" in seen_roles) and ("expectation" in seen_roles):
        pr.err(line_of(spec, "blocks"), "an expectation block needs a perception block to pair with (SERVQUAL gap = P - E)")
    if "adequate" in seen_roles and "desired" not in seen_roles or "desired" in seen_roles and "adequate" not in seen_roles:
        pr.err(line_of(spec, "blocks"), "adequate and desired expectation blocks come in pairs (zone of tolerance)")
    analysis_block = spec.get("analysis_block")
    if blocks:
        if analysis_block is None:
            for pref in ("perception", "performance"):
                if pref in seen_roles:
                    analysis_block = seen_roles[pref]
                    break
            else:
                analysis_block = blocks[0].id
        elif analysis_block not in [b.id for b in blocks]:
            pr.err(line_of(spec, "analysis_block"), f"analysis_block {analysis_block!r} is not a block id ({', '.join(b.id for b in blocks)})")
    elif analysis_block is not None:
        pr.err(line_of(spec, "analysis_block"), "analysis_block given but the questionnaire has no blocks")
    return blocks, analysis_block
