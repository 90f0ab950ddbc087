"""The sections of the study, in report order: one registered builder per section.

A section is one function ``build(ctx, sec)`` that writes into ``sec`` (a
:class:`servqual.reporting.report.Section`) from the :class:`~servqual.reporting.study.context.StudyContext`
``ctx``, registered with :func:`section`. The registration names the section's key, its title, the
section it follows (``after``) and the keys it adds to the study results of ``results.json``
(``results``); :func:`servqual.reporting.study.build_study` runs the builders in this order and checks
that each one adds no other result key.

Adding a section is one module with one registered function, imported in
``servqual/reporting/study/__init__.py``::

    @section("loyalty", T("忠诚度", "Loyalty"), after="kano", results=("nps",))
    def loyalty(ctx, sec):
        ...

Examples
--------
>>> from servqual.reporting.study import SECTIONS
>>> [s.key for s in SECTIONS][:3]
['sample', 'items', 'reliability']
>>> next(s for s in SECTIONS if s.key == "reliability").results
('alpha_all',)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from servqual._text import Text

__all__ = ["SectionSpec", "SECTIONS", "section", "section_keys", "results_keys"]


@dataclass(frozen=True)
class SectionSpec:
    """One registered section: ``key``, ``title``, the keys it adds to the study results, its builder."""

    key: str
    title: Text
    results: tuple
    build: Callable


#: The registered sections in report order.
SECTIONS: list[SectionSpec] = []


def section(key: str, title: Text, *, after: str | None = None, results=()) -> Callable:
    """Register the decorated ``build(ctx, sec)`` as the section ``key``, placed right after ``after``.

    Parameters
    ----------
    key : str
        The section key (the report's anchor, the Excel sheet prefix, ``results.json`` ``sections``).
    title : Text
        The section title in both languages.
    after : str, optional
        The key of the section this one follows; None places it last.
    results : iterable of str
        The keys the builder adds to the study results (``results.json`` ``study``).

    Returns
    -------
    callable
        The decorator; it returns the builder unchanged.

    Raises
    ------
    ValueError
        A key registered twice, or ``after`` naming a section not registered yet.
    """
    def register(build: Callable) -> Callable:
        keys = section_keys()
        if key in keys:
            raise ValueError(f"the study section {key!r} is registered twice")
        if after is not None and after not in keys:
            raise ValueError(f"section {key!r} follows {after!r}, which is not registered (known: {', '.join(keys)})")
        at = len(SECTIONS) if after is None else keys.index(after) + 1
        SECTIONS.insert(at, SectionSpec(key, title, tuple(results), build))
        return build

    return register


def section_keys() -> tuple:
    """The registered section keys, in report order."""
    return tuple(s.key for s in SECTIONS)


def results_keys() -> dict:
    """``{section key: the study-result keys it adds}``, in report order."""
    return {s.key: s.results for s in SECTIONS}
