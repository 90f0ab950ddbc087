"""Checks of the Kano section: the five answers and their codes, and the features asked twice.

``kano: {answers: {like: ..., must_be: ..., neutral: ..., live_with: ..., dislike: ...}, features: [...]}``.
Every answer needs its own code (default: the answer with ``-`` for ``_``); a feature has an id and the
data columns of its ``functional`` (feature present) and ``dysfunctional`` (feature absent) questions.
"""

from __future__ import annotations

from servqual.survey.instrument.model import KANO_ANSWERS, KanoFeature
from servqual.survey.instrument.problems import Context, check_id, check_keys, mappings, parse_text
from servqual.survey.instrument.yaml_lines import line_of

__all__ = ["parse_kano"]


def parse_kano(ctx: Context, k, line: int) -> tuple[tuple, tuple]:
    """The Kano features and the ``(answer, code)`` pairs of the five Kano answers."""
    pr, claims = ctx.pr, ctx.claims
    if k is None:
        return (), ()
    if not isinstance(k, dict):
        pr.err(line, "kano must be a mapping with 'answers' and 'features'")
        return (), ()
    check_keys(pr, k, ("answers", "features"), "kano")
    ans = k.get("answers") or {a: a.replace("_", "-") for a in KANO_ANSWERS}
    answers = []
    if not isinstance(ans, dict):
        pr.err(line_of(k, "answers"), "kano answers must map like, must_be, neutral, live_with, dislike to their codes in the data")
    else:
        for a in ans:
            if a not in KANO_ANSWERS:
                pr.err(line_of(ans, a), f"kano answers: unknown answer {a!r}; the five Kano answers are {', '.join(KANO_ANSWERS)}")
        for a in KANO_ANSWERS:
            if a not in ans:
                pr.err(line_of(ans) or line, f"kano answers: the code of {a!r} is missing")
            else:
                answers.append((a, ans[a]))
        codes = [c for _, c in answers]
        if len(set(map(str, codes))) != len(codes):
            pr.err(line_of(ans) or line, f"kano answers: two answers share one code ({codes})")
    feats = []
    fl = k.get("features")
    if not isinstance(fl, list) or not fl:
        pr.err(line_of(k, "features") or line, "kano needs a non-empty list of features {id, functional, dysfunctional}")
        fl = []
    for f, fline in mappings(pr, fl, line, "a Kano feature must be a mapping"):
        fid = check_id(f.get("id"), pr, fline, "a Kano feature")
        claims.id(fid, fline, "Kano feature")
        fc, dc = f.get("functional"), f.get("dysfunctional")
        if not isinstance(fc, str) or not isinstance(dc, str):
            pr.err(fline, f"Kano feature {fid!r} needs 'functional' and 'dysfunctional' column names")
            continue
        claims.column(fc, fline, f"Kano feature {fid} functional")
        claims.column(dc, fline, f"Kano feature {fid} dysfunctional")
        feats.append(KanoFeature(id=fid or "", functional=fc, dysfunctional=dc, text=parse_text(f.get("text"), pr, fline, "Kano feature text"), line=fline))
    return tuple(feats), tuple(answers)
