"""Collecting the problems of a questionnaire, and the checks of single values every topic shares.

The checks do not stop at the first problem: each ``checks_*`` module adds what it finds to one
:class:`Problems`, which raises a single :class:`~servqual.exceptions.InstrumentError` listing every
problem as ``file:line: message``, sorted by line. Ids and data columns are claimed through
:class:`Claims`, so that a second use of either names the line of the first.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field

from servqual._safeio import remove_illegal_xml
from servqual._text import LANGS, Text
from servqual.exceptions import InstrumentError, InstrumentWarning
from servqual.survey.instrument.model import Scale
from servqual.survey.instrument.yaml_lines import line_of, with_lines

__all__ = ["Problems", "Claims", "Context", "ID_PATTERN", "check_id", "check_keys", "is_number", "is_non_finite", "mappings",
           "parse_text", "check_characters"]

#: What an id may look like: letters, digits, ``_``, ``.``, ``-``, not starting with a digit.
ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class Problems:
    """The errors and warnings found in one questionnaire, each with its YAML line.

    Examples
    --------
    >>> pr = Problems("q.yaml")
    >>> pr.err(3, "scale: min and max must be numbers")
    >>> pr.raise_if_any()
    Traceback (most recent call last):
    ...
    servqual.exceptions.InstrumentError: q.yaml: 1 problem(s) in the questionnaire:
      q.yaml:3: scale: min and max must be numbers
    """

    def __init__(self, source: str, stacklevel: int = 4):
        self.source = source
        self.errors: list = []
        self.warnings: list = []
        self.stacklevel = stacklevel

    def err(self, line: int, msg: str):
        self.errors.append((line, msg))

    def warn(self, line: int, msg: str):
        self.warnings.append((line, msg))

    def where(self, line: int) -> str:
        return f"{self.source}:{line}" if line else self.source

    def raise_if_any(self):
        """Issue the warnings; raise :class:`InstrumentError` listing every error, when there is one."""
        for line, msg in self.warnings:
            warnings.warn(f"{self.where(line)}: {msg}", InstrumentWarning, stacklevel=self.stacklevel)
        self.warnings = []  # each warning once, also when the checks raise in two rounds
        if self.errors:
            self.errors.sort(key=lambda t: t[0])
            lines = [f"{self.where(line)}: {msg}" for line, msg in self.errors]
            head = f"{self.source}: {len(lines)} problem(s) in the questionnaire:\n  "
            raise InstrumentError(head + "\n  ".join(lines), problems=lines)


class Claims:
    """The ids and the data columns used so far: each may be used once in a questionnaire."""

    def __init__(self, pr: Problems):
        self.pr = pr
        self.ids: dict = {}
        self.columns: dict = {}

    def id(self, value, line: int, what: str) -> None:
        """Claim an id; a second use is a problem naming the line of the first."""
        first = self._claim(self.ids, value, line)
        if first is not None:
            self.pr.err(line, f"duplicate id {value!r} ({what}); first defined at line {first}")

    def column(self, value, line: int, what: str) -> None:
        """Claim a data column; a second use is a problem naming the line of the first."""
        first = self._claim(self.columns, value, line)
        if first is not None:
            self.pr.err(line, f"data column {value!r} ({what}) is already used at line {first}")

    @staticmethod
    def _claim(used: dict, value, line: int) -> int | None:
        """The line of an earlier claim of ``value``; None (and ``value`` claimed) when there is none."""
        if value is None or value not in used:
            if value is not None:
                used[value] = line
            return None
        return used[value]


@dataclass
class Context:
    """What the checks of questions share: the problems, the claimed ids and columns, the named scales,
    the blocks and the default scale."""

    pr: Problems
    claims: Claims
    named: dict = field(default_factory=dict)
    blocks: list = field(default_factory=list)
    default_scale: Scale | None = None


def mappings(pr: Problems, seq, default_line: int, what: str):
    """``(mapping, line)`` of each element of a YAML list; an element that is not a mapping is a problem
    (``what``: the sentence that says what it must be, e.g. ``"a KPI must be a mapping"``)."""
    for x, line in with_lines(seq, default_line):
        if isinstance(x, dict):
            yield x, line
        else:
            pr.err(line, f"{what}, got {x!r}")


def check_keys(pr: Problems, mapping: dict, allowed, label: str) -> None:
    """Every key of ``mapping`` must be one of ``allowed`` (listed in that order in the message)."""
    for k in mapping:
        if k not in allowed:
            pr.err(line_of(mapping, k), f"{label}: unknown key {k!r}; allowed: {', '.join(allowed)}")


def is_number(v) -> bool:
    """Whether ``v`` is a finite int or float (a YAML ``true`` is not a number, nor ``.inf`` or ``.nan``).

    An integer too large for a floating-point number is not a number either.

    Examples
    --------
    >>> is_number(7), is_number(2.5), is_number(True), is_number(float("inf")), is_number(float("nan")), is_number(10**400)
    (True, True, False, False, False, False)
    """
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:  # an int beyond the range of a float
        return False


def is_non_finite(v) -> bool:
    """Whether ``v`` is an int or float that :func:`is_number` refuses: ``.inf``, ``.nan`` or a huge integer.

    Examples
    --------
    >>> is_non_finite(float("-inf")), is_non_finite(float("nan")), is_non_finite(3), is_non_finite("x")
    (True, True, False, False)
    """
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not is_number(v)


def check_characters(s: str, pr: Problems, line: int, what: str) -> None:
    """A text may not hold control characters (other than tab and line breaks), lone surrogates,
    U+FFFE or U+FFFF: the characters that XML, and so a workbook or a Word document, cannot hold.

    Examples
    --------
    >>> pr = Problems("q.yaml")
    >>> check_characters("ring the \\x07 bell", pr, 4, "item a1 text")
    >>> pr.errors
    [(4, 'item a1 text holds the control character U+0007 (character 10); remove it: a text may hold tabs and line breaks, not control characters')]
    """
    clean = remove_illegal_xml(s)
    if clean == s:
        return
    at = next((i for i, (a, b) in enumerate(zip(s, clean)) if a != b), len(clean))
    code = ord(s[at])
    what_char = "control character" if code < 0x20 else "character"
    pr.err(line, f"{what} holds the {what_char} U+{code:04X} (character {at + 1}); remove it: "
                 "a text may hold tabs and line breaks, not control characters")


def parse_text(v, pr: Problems, line: int, what: str) -> Text:
    """A bilingual text from a plain string (both languages) or a ``{zh: ..., en: ...}`` mapping.

    A text holding a control character (see :func:`check_characters`) is a problem at ``line``.
    """
    if v is None:
        return Text()
    if isinstance(v, str):
        check_characters(v, pr, line, what)
        return Text(zh=v, en=v)
    if isinstance(v, dict):
        bad = [k for k in v if k not in LANGS]
        if bad:
            pr.err(line_of(v) or line, f"{what}: unknown language key(s) {', '.join(map(str, bad))}; use 'zh' and 'en'")
        for k in LANGS:
            if k in v and not isinstance(v[k], str):
                pr.err(line_of(v, k), f"{what}.{k} must be text, got {v[k]!r}")
            elif k in v:
                check_characters(v[k], pr, line_of(v, k) or line, f"{what}.{k}")
        return Text(zh=v.get("zh") if isinstance(v.get("zh"), str) else None, en=v.get("en") if isinstance(v.get("en"), str) else None)
    pr.err(line, f"{what} must be text or a mapping {{zh: ..., en: ...}}, got {v!r}")
    return Text()


def check_id(v, pr: Problems, line: int, what: str) -> str | None:
    """The id as text (numbers allowed), or None with a problem when it is missing; flags bad characters."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str) or not v:
        pr.err(line, f"{what} needs an 'id' (text), got {v!r}")
        return None
    if not ID_PATTERN.match(v):
        pr.err(line, f"{what} id {v!r} may contain only letters, digits, '_', '.', '-' and must not start with a digit")
    return v
