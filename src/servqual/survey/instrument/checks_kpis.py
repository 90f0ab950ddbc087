"""Checks of the objective KPIs (response hours, first-time-fix rate ...).

A KPI has an id, a name, a data column (default: its id), a unit, a direction (``higher_is_better`` or
``lower_is_better``) and an optional target: a number (met at or above it, or at or below it for
``lower_is_better``) or a comparison such as ``"<= 24"``. A KPI takes only its own ``missing_codes``
(default none): the questionnaire's missing codes are for the rating items, and a 0 in a KPI is a value.
"""

from __future__ import annotations

import re

from servqual.survey.instrument.checks_scales import parse_code_list
from servqual.survey.instrument.model import DIRECTIONS, KPI
from servqual.survey.instrument.problems import Context, check_id, check_keys, is_number, mappings, parse_text
from servqual.survey.instrument.yaml_lines import line_of

__all__ = ["parse_kpis", "KPI_KEYS", "TARGET_PATTERN"]

#: The keys a KPI may have.
KPI_KEYS = ("id", "name", "column", "unit", "direction", "target", "description", "missing_codes")
#: A target written as a comparison: ``<= 24``, ``>= 0.9``.
TARGET_PATTERN = re.compile(r"^\s*(<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?)\s*$")


def parse_kpis(ctx: Context, spec: dict) -> list:
    """The KPIs listed under ``kpis:``, each column claimed."""
    pr, claims = ctx.pr, ctx.claims
    kpis = []
    kl = spec.get("kpis") or []
    if not isinstance(kl, list):
        pr.err(line_of(spec, "kpis"), "kpis must be a list")
        kl = []
    for k, kline in mappings(pr, kl, 0, "a KPI must be a mapping"):
        check_keys(pr, k, KPI_KEYS, f"KPI {k.get('id')!r}")
        kid = check_id(k.get("id"), pr, kline, "a KPI")
        claims.id(kid, kline, "KPI")
        direction = k.get("direction", "higher_is_better")
        if direction not in DIRECTIONS:
            pr.err(line_of(k, "direction"), f"KPI {kid!r}: direction must be higher_is_better or lower_is_better, got {direction!r}")
        op, tv = None, None
        t = k.get("target")
        if t is not None:
            if is_number(t):
                op, tv = (">=" if direction == "higher_is_better" else "<="), float(t)
            elif isinstance(t, str):
                m = TARGET_PATTERN.match(t)
                if not m:
                    pr.err(line_of(k, "target"), f"KPI {kid!r}: target must look like '<= 24' or '>= 0.9', got {t!r}")
                else:
                    op, tv = m.group(1), float(m.group(2))
            else:
                pr.err(line_of(k, "target"), f"KPI {kid!r}: target must be a number or text like '<= 24', got {t!r}")
        col = k.get("column", kid)
        claims.column(col, kline, f"KPI {kid}")
        kpis.append(KPI(id=kid or "", name=parse_text(k.get("name"), pr, kline, f"KPI {kid} name"), column=col,
                        unit=k.get("unit"), direction=direction, target_op=op, target=tv,
                        description=parse_text(k.get("description"), pr, kline, "KPI description"), line=kline,
                        missing_codes=parse_code_list(k, "missing_codes", pr, f"KPI {kid!r}") or ()))
    return kpis
