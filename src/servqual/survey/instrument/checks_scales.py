"""Checks of response scales and missing codes.

A scale is ``{min, max}`` with optional ``labels`` (a mapping of scale points or a list, one per point) and
``type`` (``likert``, ``continuous``, ``nps``), or the name of a scale declared under ``scales:``. A Likert
scale has whole-number ends and at most 101 points; labels must sit on the scale. A missing code may not be
a valid answer on any scale in use, and the expectation and perception blocks must share one scale
(gaps are P − E).
"""

from __future__ import annotations

from dataclasses import replace

from servqual.survey.instrument.model import Scale, format_number, normalize_answer
from servqual.survey.instrument.problems import Problems, is_non_finite, is_number, parse_text
from servqual.survey.instrument.yaml_lines import line_of

#: The keys a scale may have.
SCALE_KEYS = ("min", "max", "labels", "points", "values", "type", "integer", "id")

__all__ = ["SCALE_KEYS", "parse_scale", "parse_named_scales", "parse_default_scale", "parse_missing_codes", "parse_code_list", "check_codes", "RATING_ROLES",
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
    unknown = [k for k in v if k not in SCALE_KEYS]
    if unknown:
        pr.err(ln, f"{what}: unknown key(s) {', '.join(map(str, unknown))}; a scale has {', '.join(SCALE_KEYS[:-2])}")
    point_list = _parse_points(v, pr, ln, what)
    lo, hi = v.get("min"), v.get("max")
    if point_list:
        lo = min(point_list) if lo is None else lo
        hi = max(point_list) if hi is None else hi
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
    elif point_list and (min(point_list) != lo or max(point_list) != hi):
        pr.err(line_of(v, "points"), f"{what}: the points run from {format_number(min(point_list))} to "
                                     f"{format_number(max(point_list))}, but min/max say {format_number(lo)}..{format_number(hi)}; "
                                     "leave out min and max, or make them the first and last point")
        ok = False
    typ = v.get("type", "likert")
    if typ not in ("likert", "continuous", "nps"):
        pr.err(line_of(v, "type"), f"{what}: type must be likert, continuous or nps, got {typ!r}")
    if point_list and typ == "continuous":
        pr.err(line_of(v, "points"), f"{what}: a continuous scale has no points; leave out points or the type")
    integer = bool(v.get("integer", typ != "continuous"))
    if point_list:
        integer = all(float(x).is_integer() for x in point_list)
    elif ok and integer and (float(lo) != int(lo) or float(hi) != int(hi)):
        pr.err(ln, f"{what}: an integer (Likert) scale needs whole-number min and max, got {lo}..{hi}")
        ok = False
    if ok and integer and not point_list and hi - lo > 100:
        pr.err(ln, f"{what}: {int(hi - lo + 1)} points is not a Likert scale; use type: continuous, or list the "
                   "answers with points: (e.g. points: [0, 20, 40, 60, 80, 100])")
    on_scale = (lambda x: any(float(x) == float(p) for p in point_list)) if point_list else (lambda x: lo <= x <= hi)
    n_points = len(point_list) if point_list else (int(hi - lo + 1) if ok and integer else 0)
    labels = []
    lab = v.get("labels")
    if lab is not None:
        if isinstance(lab, dict):
            for key, t in lab.items():
                kl = line_of(lab, key)
                if not is_number(key):
                    pr.err(kl, f"{what}: label key {key!r} is not a scale point (a number)")
                    continue
                if ok and not on_scale(key):
                    pr.err(kl, f"{what}: label for {format_number(key)} is not a point of the scale "
                               + (', '.join(map(format_number, point_list)) if point_list else f"{lo}..{hi}"))
                labels.append((key, parse_text(t, pr, kl, f"{what} label {key}")))
        elif isinstance(lab, list):
            if ok and integer and len(lab) != n_points:
                pr.err(line_of(lab) or ln, f"{what}: {len(lab)} labels for {n_points} scale points "
                                           + (f"({', '.join(map(format_number, point_list))})" if point_list else f"({lo}..{hi})"))
            for i, t in enumerate(lab):
                key = (point_list[i] if i < len(point_list) else i) if point_list else (int(lo) + i if ok else i)
                labels.append((key, parse_text(t, pr, ln, f"{what} label {i + 1}")))
        else:
            pr.err(ln, f"{what}: labels must be a mapping {{1: {{zh: ..., en: ...}}, ...}} or a list")
    values = _parse_values(v, pr, ln, what, on_scale if ok else None)
    if not ok:
        return None
    return Scale(min=lo, max=hi, labels=tuple(sorted(labels, key=lambda t: t[0])), integer=integer, id=v.get("id"),
                 values=values, point_list=tuple(point_list))


def _parse_points(v: dict, pr: Problems, ln: int, what: str) -> list:
    """The explicit points of a scale (``points: [0, 20, 40, 60, 80, 100]``): finite numbers, increasing."""
    pts = v.get("points")
    if pts is None:
        return []
    pl = line_of(v, "points") or ln
    if not isinstance(pts, list) or len(pts) < 2 or not all(is_number(x) and not is_non_finite(x) for x in pts):
        pr.err(pl, f"{what}: points must be a list of at least 2 numbers, e.g. points: [0, 20, 40, 60, 80, 100]; got {pts!r}")
        return []
    if any(b <= a for a, b in zip(pts, pts[1:])):
        pr.err(pl, f"{what}: points must increase, each once; got {', '.join(map(format_number, pts))}")
        return []
    return list(pts)


def _parse_values(v: dict, pr: Problems, ln: int, what: str, on_scale) -> tuple:
    """``values: {answer text: code}``: the codes of answers exported as text, matched after normalisation."""
    vals = v.get("values")
    if vals is None:
        return ()
    vl = line_of(v, "values") or ln
    if not isinstance(vals, dict) or not vals:
        pr.err(vl, f"{what}: values must map answer texts to codes, e.g. values: {{非常满意: 5, 满意: 4}}; got {vals!r}")
        return ()
    out, seen = [], {}
    for text, code in vals.items():
        kl = line_of(vals, text) or vl
        if not isinstance(text, str) or not text.strip():
            pr.err(kl, f"{what}: values: {text!r} is not an answer text; the keys of values are the texts of the answers")
            continue
        if not is_number(code) or is_non_finite(code):
            pr.err(kl, f"{what}: values: the code of {text!r} must be a number, got {code!r}")
            continue
        if on_scale is not None and not on_scale(code):
            pr.err(kl, f"{what}: values: the code {format_number(code)} of {text!r} is not a point of the scale; "
                       "a text that means 'no answer' goes under missing_codes")
            continue
        key = normalize_answer(text)
        if key in seen and seen[key][0] != code:
            pr.err(kl, f"{what}: values: {text!r} and {seen[key][1]!r} are the same text once normalised but have different codes")
            continue
        if key not in seen:
            out.append((key, code))
        seen[key] = (code, text)
    return tuple(out)


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
            named[name] = replace(parsed, id=str(name))
    return named


def parse_default_scale(spec: dict, pr: Problems, named: dict) -> Scale | None:
    """The default scale of every item (``scale:``, required)."""
    if "scale" not in spec:
        pr.err(1, "missing 'scale' (the default scale of every item), e.g. scale: {min: 1, max: 7}")
        return None
    return parse_scale(spec["scale"], pr, line_of(spec, "scale"), "scale", named)


def parse_missing_codes(spec: dict, pr: Problems) -> list:
    """The codes that mean "no answer" (numbers or text) at the top of the questionnaire."""
    return list(parse_code_list(spec, "missing_codes", pr) or ())


def parse_code_list(mapping: dict, key: str, pr: Problems, what: str = "") -> tuple | None:
    """The codes listed under ``key`` (``missing_codes`` or ``not_applicable``) of a questionnaire level;
    None when the level does not set them (it then takes those of the level above).

    Examples
    --------
    >>> pr = Problems("q.yaml")
    >>> parse_code_list({"not_applicable": [0]}, "not_applicable", pr), parse_code_list({}, "missing_codes", pr)
    ((0,), None)
    """
    if not isinstance(mapping, dict) or key not in mapping:
        return None
    mc = mapping.get(key)
    if mc is None:
        return ()
    if not isinstance(mc, list) or not all(is_number(x) or isinstance(x, str) for x in mc):
        pr.err(line_of(mapping, key), f"{what + ': ' if what else ''}{key} must be a list of numbers (or text codes), got {mc!r}")
        return ()
    return tuple(mc)


#: The roles of the columns that hold answers on a scale (they inherit the questionnaire's codes).
RATING_ROLES = ("item", "overall", "outcome", "attention")


def check_codes(inst, pr: Problems, line_top: int, lines: dict) -> None:
    """A missing or not-applicable code must not be an answer on the scale of a column it applies to.

    Every offending code is one problem naming the items (``lines``: ``{item id: line}``; the line of the
    questionnaire's ``missing_codes`` when the item inherits its codes), and a text code may not also be
    an answer text of the scale (``values:`` or a label).
    """
    specs = inst.column_specs()
    bad: dict = {}
    for _, r in specs[specs["role"].isin(RATING_ROLES)].iterrows():
        sc = r["scale"]
        if sc is None:
            continue
        texts = sc.text_codes()
        for key in ("missing_codes", "not_applicable"):
            for m in r[key]:
                clash = (is_number(m) and sc.is_point(m)) or (isinstance(m, str) and normalize_answer(m) in texts)
                if clash:
                    desc = (", ".join(map(format_number, sc.points)) if sc.point_list
                            else f"{format_number(sc.min)}..{format_number(sc.max)}")
                    bad.setdefault((key, m, desc), []).append(r["item"])
    for (key, m, desc), items in bad.items():
        uniq = list(dict.fromkeys(items))
        line = min((lines.get(i, line_top) for i in uniq), default=line_top) or line_top
        what = "missing code" if key == "missing_codes" else "not-applicable code"
        shown = format_number(m) if not isinstance(m, str) else repr(m)
        pr.err(line, f"{what} {shown} is a valid answer on the scale {desc} of {', '.join(uniq[:8])}"
                     + (f" and {len(uniq) - 8} more" if len(uniq) > 8 else "")
                     + "; choose a code outside the scale (e.g. 99 or -99), or give these items their own "
                       f"{key} (on the item, its dimension or its block)")


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
