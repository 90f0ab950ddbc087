"""Checks of the columns that are not questions: respondent id, completion time, PII and segments.

``respondent_id`` names a column; ``duration`` is a column name or ``{column, unit: seconds | minutes,
min, missing_codes}``; ``pii`` (personal data, never reported) and ``segments`` (grouping variables) are
lists of column names (a segment may be ``{column, missing_codes}``). Completion times and segments take
only their own missing codes (default none), not the questionnaire's, which are for the rating items. Every one of these columns is claimed once, like the answer columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from servqual.survey.instrument.checks_scales import parse_code_list
from servqual.survey.instrument.problems import Context, is_number
from servqual.survey.instrument.yaml_lines import line_of

__all__ = ["SpecialColumns", "parse_special_columns", "DURATION_UNITS"]

#: The units of a completion time.
DURATION_UNITS = ("seconds", "minutes")


@dataclass(frozen=True)
class SpecialColumns:
    """The respondent id, completion-time, PII and segment columns of a questionnaire."""

    respondent_id: str | None
    duration_column: str | None
    duration_unit: str
    min_duration: float | None
    pii: list
    segments: list
    duration_missing_codes: tuple = ()
    segment_missing_codes: tuple = ()


def parse_special_columns(ctx: Context, spec: dict) -> SpecialColumns:
    """The columns that are not questions, each claimed."""
    pr, claims = ctx.pr, ctx.claims
    rid = spec.get("respondent_id")
    if rid is not None and not isinstance(rid, str):
        pr.err(line_of(spec, "respondent_id"), f"respondent_id must be the name of a column, got {rid!r}")
        rid = None
    claims.column(rid, line_of(spec, "respondent_id"), "respondent_id")
    dur = spec.get("duration")
    dcol, dunit, dmin, dcodes = None, "seconds", None, ()
    if isinstance(dur, str):
        dcol = dur
    elif isinstance(dur, dict):
        dcol = dur.get("column")
        dunit = dur.get("unit", "seconds")
        dmin = dur.get("min")
        dcodes = parse_code_list(dur, "missing_codes", pr, "duration") or ()
        if dunit not in DURATION_UNITS:
            pr.err(line_of(dur, "unit"), f"duration unit must be seconds or minutes, got {dunit!r}")
        if dmin is not None and (not is_number(dmin) or dmin < 0):
            pr.err(line_of(dur, "min"), f"duration min must be a non-negative number, got {dmin!r}")
        if not isinstance(dcol, str):
            pr.err(line_of(dur), "duration needs 'column': the name of the completion-time column")
    elif dur is not None:
        pr.err(line_of(spec, "duration"), "duration must be a column name or {column, unit, min}")
    claims.column(dcol, line_of(spec, "duration"), "duration")
    pii = spec.get("pii") or []
    segs = spec.get("segments") or []
    seg_codes = []
    if isinstance(segs, list):  # a segment is a column name or {column, missing_codes}
        plain = []
        for x in segs:
            if isinstance(x, dict) and isinstance(x.get("column"), str):
                for k in x:
                    if k not in ("column", "missing_codes"):
                        pr.err(line_of(x, k), f"segment {x['column']!r}: unknown key {k!r}; allowed: column, missing_codes")
                codes = parse_code_list(x, "missing_codes", pr, f"segment {x['column']!r}")
                if codes:
                    seg_codes.append((x["column"], codes))
                plain.append(x["column"])
            else:
                plain.append(x)
        segs = plain
    for key, lst in (("pii", pii), ("segments", segs)):
        if not isinstance(lst, list) or not all(isinstance(x, str) for x in lst):
            pr.err(line_of(spec, key), f"{key} must be a list of column names"
                                       + (" (a segment may also be {column: ..., missing_codes: [...]})" if key == "segments" else ""))
    for c in pii if isinstance(pii, list) else []:
        claims.column(c, line_of(spec, "pii"), "pii")
    for c in segs if isinstance(segs, list) else []:
        claims.column(c, line_of(spec, "segments"), "segment")
    return SpecialColumns(respondent_id=rid, duration_column=dcol, duration_unit=dunit, min_duration=dmin, pii=pii,
                          segments=segs, duration_missing_codes=tuple(dcodes), segment_missing_codes=tuple(seg_codes))
