"""Claims: every judging sentence of the study as data, so that it can be recomputed from ``results.json``.

A :class:`Claim` is what a sentence asserts: a statistic for each element of its scope (dimensions,
items, pairs, groups), where those numbers sit in ``results.json`` (``source``, the ``key`` column that
names the rows, the value ``column`` and a ``where`` filter), the rule that judges them (a cut-off of
:data:`servqual.thresholds.THRESHOLDS` with its citation, or a reference value computed by the study
itself, such as the overall satisfaction index), the minimum n an element needs to be judged
(``min_n``), and a selection (the highest or lowest elements). From these the claim derives which
elements meet the rule, which fail it, which were not computed and which were selected; the sentence is
written from those sets by the section (``say``), never from numbers of its own.

``results.json`` carries every claim under ``study.claims``; a test recomputes each from the tables of
the same file.

Examples
--------
>>> from servqual._text import T
>>> c = Claim("reliability.alpha", "reliability", statistic="alpha", source="reliability", key="scale",
...           column="alpha", values={"a": 0.81, "b": 0.64, "c": float("nan")}, rule=rule_of("alpha"),
...           names="failed")
>>> c.met, c.failed, c.not_computed
(['a'], ['b'], ['c'])
>>> c.record()["rule"]
{'key': 'alpha', 'statistic': "Cronbach's alpha", 'op': '>=', 'value': 0.7, 'citation': 'Nunnally 1978'}
>>> g = Claim("evaluation.groups", "evaluation", statistic="index", source="study.satisfaction_index", key="segment",
...           column="index_0_100", values={"x": 80.0, "y": 70.0, "z": 90.0}, n={"x": 40, "y": 35, "z": 6},
...           min_n="min_n_group", select={"max": 1, "min": 1})
>>> g.eligible, g.selected
(['x', 'y'], {'max': ['x'], 'min': ['y']})
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

from servqual._text import Text
from servqual.thresholds import THRESHOLDS

__all__ = ["Claim", "rule_of", "reference_rule", "OPS"]

#: The comparison operators a claim's rule may use.
OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def rule_of(key: str) -> dict:
    """The rule record of the cut-off ``key`` of :data:`~servqual.thresholds.THRESHOLDS`."""
    t = THRESHOLDS[key]
    return {"key": t.key, "statistic": t.statistic, "op": t.op, "value": float(t.value), "citation": t.citation}


def reference_rule(op: str, value: float, what: str, *, source: str, where: dict, column: str) -> dict:
    """A rule against a value the study computed (``what``, found in ``source`` at ``where`` / ``column``)."""
    return {"key": None, "statistic": what, "op": op, "value": float(value), "citation": "",
            "reference": {"source": source, "where": dict(where), "column": column}}


def _num(v) -> float:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return float("nan")
    return v if math.isfinite(v) else float("nan")


@dataclass
class Claim:
    """One judging sentence as data (see the module docstring).

    Parameters
    ----------
    id : str
        ``section.what`` (unique within a study).
    section : str
        The section key.
    statistic : str
        What the values are (``alpha``, ``htmt``, ``pval_holm``, ``index_0_100`` ...).
    source : str
        Where the values are in ``results.json``: a top-level table (``reliability``) or ``study.<key>``.
    key : str or tuple of str or None
        The column(s) of ``source`` naming a row; a scope id of a two-column key is ``"a|b"``. None: the
        source has one row (after ``where``) and each scope id names a column of it.
    column : str or None
        The column of ``source`` the values come from (None with ``key=None``).
    values : dict
        ``{scope id: value}``; a missing or non-finite value means "not computed".
    rule : dict, optional
        :func:`rule_of` or :func:`reference_rule`; None for a claim that only selects.
    rules : dict, optional
        ``{scope id: rule}`` where the elements have rules of their own (the fit indices).
    minus : str, optional
        The value is ``column - minus`` of the row (Fornell-Larcker: sqrt(AVE) minus the largest correlation).
    labels : dict, optional
        ``{scope id: Text}``, the names the sentence uses (default: the ids).
    n : int or dict, optional
        The rows behind the values (one n, or one per scope id).
    min_n : str, optional
        The THRESHOLDS key of the minimum n an element needs to be judged or selected.
    where : dict, optional
        ``{column: value}`` filter of the source rows.
    select : dict, optional
        ``{"max": k, "min": k}``: the k highest / lowest eligible computed values.
    names : {"failed", "met", "selected", None}
        Which set the sentence names (a test checks that each of its labels is in the sentence); the
        elements not computed are always named.
    """

    id: str
    section: str
    statistic: str
    source: str
    key: str | tuple | None
    column: str | None
    values: dict
    rule: dict | None = None
    rules: dict = field(default_factory=dict)
    minus: str | None = None
    labels: dict = field(default_factory=dict)
    n: int | dict | None = None
    min_n: str | None = None
    where: dict = field(default_factory=dict)
    select: dict = field(default_factory=dict)
    names: str | None = None
    text: Text | None = None

    def __post_init__(self):
        self.values = {str(k): _num(v) for k, v in self.values.items()}
        self.labels = {str(k): v for k, v in self.labels.items()}
        if isinstance(self.n, dict):
            self.n = {str(k): (None if v is None else int(v)) for k, v in self.n.items()}

    # ---- derived sets ---------------------------------------------------------------------------
    @property
    def computed(self) -> list:
        """Scope ids with a finite value."""
        return [k for k, v in self.values.items() if not math.isnan(v)]

    @property
    def not_computed(self) -> list:
        """Scope ids whose value was not computed."""
        return [k for k, v in self.values.items() if math.isnan(v)]

    def n_of(self, k) -> int | None:
        """The n behind scope id ``k``."""
        return self.n.get(str(k)) if isinstance(self.n, dict) else self.n

    @property
    def eligible(self) -> list:
        """Computed scope ids that reach the minimum n (all computed ones without ``min_n``)."""
        if self.min_n is None:
            return self.computed
        m = THRESHOLDS[self.min_n].value
        return [k for k in self.computed if (self.n_of(k) or 0) >= m]

    @property
    def too_small(self) -> list:
        """Computed scope ids below the minimum n."""
        return [k for k in self.computed if k not in self.eligible]

    def rule_for(self, k) -> dict | None:
        """The rule that judges scope id ``k``."""
        return self.rules.get(str(k), self.rule)

    @property
    def met(self) -> list:
        """Eligible scope ids whose value meets their rule."""
        out = []
        for k in self.eligible:
            r = self.rule_for(k)
            if r is not None and OPS[r["op"]](self.values[k], r["value"]):
                out.append(k)
        return out

    @property
    def failed(self) -> list:
        """Eligible scope ids whose value fails their rule."""
        met = set(self.met)
        return [k for k in self.eligible if self.rule_for(k) is not None and k not in met]

    @property
    def selected(self) -> dict:
        """``{"max": ids, "min": ids}``: the highest / lowest eligible values (ties by scope order)."""
        order = sorted(self.eligible, key=lambda k: self.values[k])
        out = {}
        for how, k in self.select.items():
            out[how] = (order[::-1] if how == "max" else order)[:int(k)]
        return out

    def label(self, k, lang: str) -> str:
        """The name of scope id ``k`` in ``lang``."""
        lab = self.labels.get(str(k))
        return lab.get(lang) if isinstance(lab, Text) else str(k)

    def labels_of(self, ids, lang: str) -> list:
        """The names of ``ids`` in ``lang``."""
        return [self.label(k, lang) for k in ids]

    # ---- record ---------------------------------------------------------------------------------
    def record(self) -> dict:
        """The claim as a JSON-ready record (``study.claims`` of ``results.json``)."""
        def lab(k):
            x = self.labels.get(k)
            return {"zh": x.get("zh"), "en": x.get("en")} if isinstance(x, Text) else {"zh": k, "en": k}

        return {"id": self.id, "section": self.section,
                "text": None if self.text is None else {"zh": self.text.get("zh"), "en": self.text.get("en")},
                "statistic": self.statistic, "source": self.source,
                "key": list(self.key) if isinstance(self.key, tuple) else self.key, "column": self.column,
                "where": dict(self.where), "values": {k: (None if math.isnan(v) else v) for k, v in self.values.items()},
                "n": self.n, "min_n": None if self.min_n is None else {"key": self.min_n, "value": float(THRESHOLDS[self.min_n].value),
                                                                      "citation": THRESHOLDS[self.min_n].citation},
                "minus": self.minus, "rule": self.rule, "rules": dict(self.rules), "met": self.met, "failed": self.failed, "not_computed": self.not_computed,
                "too_small": self.too_small, "select": dict(self.select), "selected": self.selected,
                "names": self.names, "labels": {k: lab(k) for k in self.values}}
