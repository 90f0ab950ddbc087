"""Checks of response scales and missing codes.

A scale is ``{min, max}`` with optional ``labels`` (a mapping of scale points or a list, one per point) and
``type`` (``likert``, ``continuous``, ``nps``), or the name of a scale declared under ``scales:``. A Likert
scale has whole-number ends and at most 101 points; labels must sit on the scale. A missing code may not be
a valid answer on any scale in use, and the expectation and perception blocks must share one scale
(gaps are P − E).
"""

from __future__ import annotations

from servqual.survey.instrument.model import Scale, format_number
from servqual.survey.instrument.problems import Problems, is_non_finite, is_number, parse_text
from servqual.survey.instrument.yaml_lines import line_of

__all__ = ["parse_scale", "parse_named_scales", "parse_default_scale", "parse_missing_codes", "check_missing_codes",
           "check_gap_scales"]


def parse_scale(v, pr: Problems, line: int, what: str, named: dict) -> Scale | None:
    """A scale from ``{min, max, labels, type}`` or the name of a named scale; None (with problems) when invalid.

    Examples
    --------
    >>> pr = Problems("<dict>")
    >>> parse_scale({"min": 1, "max": 3, "labels": ["low", "mid", "high"]}, pr, 1, "scale", {}).label(3, "en")
    'high'
    >>> parse_scale({"min": 5, "max": 1}, pr, 3, "scale", {}) is None, pr.errors
    (True, [(3, 'scale: min (5) must be below max (1)')])
    >>> parse_scale({"min": 1, "max": float("inf")}, pr, 4, "scale", {}) is None, pr.errors[-1]
    (True, (4, 'scale: min and max must be finite numbers, got min=1, max=inf; write the ends of the scale, e.g. {min: 1, max: 7}'))
    """
    if v is None:
        return None
    if isinstance(v, str):
        if v in named:
            return named[v]
        pr.err(line, f"{what}: unknown scale {v!r}; named scales: {', '.join(named) or 'none defined under scales:'}")
        return None
    if not isinstance(v, dict):
        pr.err(line, f"{what} must be a mapping like {{min: 1, max: 7}}, got {v!r}")
        return None
    ln = line_of(v) or line
    unknown = [k for k in v if k not in ("min", "max", "labels", "integer", "type", "id")]
    if unknown:
        pr.err(ln, f"{what}: unknown key(s) {', '.join(map(str, unknown))}; a scale has min, max, labels, type")
    lo, hi = v.get("min"), v.get("max")
    ok = True
    if is_non_finite(lo) or is_non_finite(hi):
        pr.err(ln, f"{what}: min and max must be finite numbers, got min={lo!r}, max={hi!r}; "
                   "write the ends of the scale, e.g. {min: 1, max: 7}")
        ok = False
    elif not is_number(lo) or not is_number(hi):
        pr.err(ln, f"{what}: min and max must be numbers, got min={lo!r}, max={hi!r}")
        ok = False
    elif lo >= hi:
        pr.err(ln, f"{what}: min ({lo}) must be below max ({hi})")
        ok = False
    typ = v.get("type", "likert")
    if typ not in ("likert", "continuous", "nps"):
        pr.err(line_of(v, "type"), f"{what}: type must be likert, continuous or nps, got {typ!r}")
    integer = bool(v.get("integer", typ != "continuous"))
    if ok and integer and (float(lo) != int(lo) or float(hi) != int(hi)):
        pr.err(ln, f"{what}: an integer (Likert) scale needs whole-number min and max, got {lo}..{hi}")
        ok = False
    if ok and integer and hi - lo > 100:
        pr.err(ln, f"{what}: {int(hi - lo + 1)} points is not a Likert scale; use type: continuous")
    labels = []
    lab = v.get("labels")
    if lab is not None:
        if isinstance(lab, dict):
            for key, t in lab.items():
                kl = line_of(lab, key)
                if not is_number(key):
                    pr.err(kl, f"{what}: label key {key!r} is not a scale point (a number)")
                    continue
                if ok and not (lo <= key <= hi):
                    pr.err(kl, f"{what}: label for {key} is outside the scale {lo}..{hi}")
                labels.append((key, parse_text(t, pr, kl, f"{what} label {key}")))
        elif isinstance(lab, list):
            if ok and integer and len(lab) != int(hi - lo + 1):
                pr.err(line_of(lab) or ln, f"{what}: {len(lab)} labels for {int(hi - lo + 1)} scale points ({lo}..{hi})")
            for i, t in enumerate(lab):
                labels.append((int(lo) + i if ok else i, parse_text(t, pr, ln, f"{what} label {i + 1}")))
        else:
            pr.err(ln, f"{what}: labels must be a mapping {{1: {{zh: ..., en: ...}}, ...}} or a list")
    if not ok:
        return None
    return Scale(min=lo, max=hi, labels=tuple(sorted(labels, key=lambda t: t[0])), integer=integer, id=v.get("id"))


def parse_named_scales(spec: dict, pr: Problems) -> dict:
    """``{name: Scale}`` of the scales declared under ``scales:``."""
    named: dict = {}
    sc = spec.get("scales") or {}
    if not isinstance(sc, dict):
        pr.err(line_of(spec, "scales"), "scales must be a mapping {name: {min, max, labels}}")
        sc = {}
    for name, s in sc.items():
        parsed = parse_scale(s, pr, line_of(sc, name), f"scale {name!r}", {})
        if parsed is not None:
            named[name] = Scale(parsed.min, parsed.max, parsed.labels, parsed.integer, id=str(name))
    return named


def parse_default_scale(spec: dict, pr: Problems, named: dict) -> Scale | None:
    """The default scale of every item (``scale:``, required)."""
    if "scale" not in spec:
        pr.err(1, "missing 'scale' (the default scale of every item), e.g. scale: {min: 1, max: 7}")
        return None
    return parse_scale(spec["scale"], pr, line_of(spec, "scale"), "scale", named)


def parse_missing_codes(spec: dict, pr: Problems) -> list:
    """The codes that mean "no answer" (numbers or text)."""
    mc = spec.get("missing_codes", [])
    if mc is None:
        mc = []
    if not isinstance(mc, list) or not all(is_number(x) or isinstance(x, str) for x in mc):
        pr.err(line_of(spec, "missing_codes"), f"missing_codes must be a list of numbers (or text codes), got {mc!r}")
        mc = []
    return mc


def check_missing_codes(spec: dict, pr: Problems, mc: list, scales) -> None:
    """A missing code must not be a valid answer on any scale in use (``scales``: every scale, None allowed)."""
    scales_in_use = {}
    for sc_ in scales:
        if sc_ is not None:
            scales_in_use[(sc_.min, sc_.max, sc_.integer)] = sc_
    for m in mc:
        for sc_ in scales_in_use.values():
            if is_number(m) and sc_.min <= m <= sc_.max and (not sc_.integer or float(m).is_integer()):
                pr.err(
                    line_of(spec, "missing_codes"),
                    f"missing code {format_number(m)} is a valid answer on the scale {format_number(sc_.min)}..{format_number(sc_.max)}; "
                    "choose a code outside every scale in use (e.g. 99 or -99)",
                )
                break


def check_gap_scales(blocks, pr: Problems, default_scale: Scale | None) -> None:
    """The expectation and perception blocks must use one scale (SERVQUAL gap = P − E)."""
    roles = {b.role: b for b in blocks}
    if "expectation" not in roles or "perception" not in roles:
        return
    be = next(b for b in blocks if b.role == "expectation")
    bp = next(b for b in blocks if b.role == "perception")
    se, sp = be.scale or default_scale, bp.scale or default_scale
    if se is not None and sp is not None and (se.min, se.max) != (sp.min, sp.max):
        pr.err(be.line, f"expectation block scale {format_number(se.min)}..{format_number(se.max)} differs from perception block scale "
               f"{format_number(sp.min)}..{format_number(sp.max)}; gaps need both on one scale")
