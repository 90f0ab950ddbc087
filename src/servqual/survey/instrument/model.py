"""The questionnaire as data: frozen dataclasses for scales, items, dimensions, blocks, KPIs, Kano
features, the indicator hierarchy and the whole :class:`Instrument`.

Nothing here reads files or checks a schema: :mod:`servqual.survey.instrument.loader` builds these
objects from YAML after the checks in the ``checks_*`` modules.
"""

from __future__ import annotations

import html
import operator
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from servqual._results import Summary
from servqual._text import LANGS, Text, check_lang

__all__ = [
    "Scale", "Item", "Dimension", "Block", "KPI", "KanoFeature", "Indicator", "Criterion", "Hierarchy",
    "Instrument", "KANO_ANSWERS", "BLOCK_ROLES", "OUTCOME_KINDS", "DIRECTIONS", "TARGET_OPS",
    "format_number", "iter_question_columns", "normalize_answer",
]

#: The roles a block of questions can play (SERVQUAL expectation / perception, IPA importance / performance,
#: zone of tolerance adequate / desired).
BLOCK_ROLES = ("expectation", "perception", "importance", "performance", "adequate", "desired")
#: The kinds of outcome question.
OUTCOME_KINDS = ("satisfaction", "loyalty", "recommend", "complaint", "other")
#: The directions of an objective KPI.
DIRECTIONS = ("higher_is_better", "lower_is_better")
#: The comparisons a KPI target may use.
TARGET_OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}


def normalize_answer(text) -> str:
    """An answer text as it is compared with a scale's ``values`` and labels: Unicode NFKC, trimmed,
    inner white space collapsed, case folded (``" Very  Satisfied"`` and ``"very satisfied"`` match;
    full-width ``５`` is ``5``).

    >>> normalize_answer("  Neutral or   DISSATISFIED ")
    'neutral or dissatisfied'
    """
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


@dataclass(frozen=True)
class Scale:
    """A response scale: integer Likert points ``min..max`` (or the explicit ``point_list``, e.g. 0, 20, ..., 100)
    with optional bilingual labels and answer texts (``values``), or continuous.

    ``values`` maps answer texts (normalised by :func:`normalize_answer`) to codes; the labels serve as
    values too, so an export "by option text" (``非常满意``) reads as its code.
    """

    min: float
    max: float
    labels: tuple = ()  # tuple of (value, Text)
    integer: bool = True
    id: str | None = None
    values: tuple = ()  # tuple of (normalised text, code)
    point_list: tuple = ()  # explicit points (non-consecutive scales); empty: min..max

    @property
    def points(self) -> list:
        if self.point_list:
            return list(self.point_list)
        if not self.integer:
            return []
        return list(range(int(self.min), int(self.max) + 1))

    def is_point(self, x) -> bool:
        """Whether the number ``x`` is an answer on this scale (on its range; a point of a Likert scale)."""
        if not (self.min <= x <= self.max):
            return False
        if self.point_list:
            return any(float(x) == float(p) for p in self.point_list)
        return not self.integer or float(x).is_integer()

    def text_codes(self) -> dict:
        """``{normalised answer text: code}``: the declared ``values``, then the labels in every language.

        Examples
        --------
        >>> import servqual as sq
        >>> sq.load_instrument("bfi").scale.text_codes()["very accurate"]
        6
        """
        out = {}
        for v, t in self.labels:
            for lang in LANGS:
                txt = t.get(lang)
                if txt:
                    out.setdefault(normalize_answer(txt), v)
        out.update(dict(self.values))
        return out

    @property
    def midpoint(self) -> float:
        return (self.min + self.max) / 2

    def label(self, value, lang: str = "zh") -> str:
        """The label of scale point ``value`` in ``lang``; ``""`` when the point has none.

        Examples
        --------
        >>> import servqual as sq
        >>> sq.load_instrument("bfi").scale.label(6, "en")
        'Very accurate'
        """
        check_lang(lang)
        for v, t in self.labels:
            if v == value:
                return t.get(lang)
        return ""

    def reverse(self, x):
        """Reverse-key a value or array: ``min + max - x``."""
        return self.min + self.max - x

    def describe(self, lang: str = "en") -> str:
        """The scale in words: its labelled points, or its range."""
        check_lang(lang)
        if not self.integer:
            return f"{format_number(self.min)}-{format_number(self.max)} (continuous)"
        if self.labels:
            return "; ".join(f"{format_number(v)} = {t.get(lang)}" for v, t in self.labels)
        return f"{format_number(self.min)}-{format_number(self.max)}"


@dataclass(frozen=True)
class Item:
    """A question. For dimension items ``columns`` maps each block id to its data column."""

    id: str
    text: Text = field(default_factory=Text)
    dimension: str | None = None
    reverse: bool = False
    scale: Scale | None = None
    columns: tuple = ()  # tuple of (block_id, column); ("", id) when the instrument has no blocks
    role: str = "item"  # item | outcome | attention
    kind: str | None = None  # outcome kind
    expected: tuple = ()  # attention check: accepted answers
    after: str | None = None  # attention check: shown right after this dimension item (default: mid-block)
    line: int = 0
    missing_codes: tuple | None = None  # own missing codes (None: those of the level above)
    not_applicable: tuple | None = None  # own "does not apply" codes (None: those of the level above)

    def column(self, block: str | None = None) -> str | None:
        cols = dict(self.columns)
        if block is None:
            return next(iter(cols.values())) if cols else None
        return cols.get(block)


@dataclass(frozen=True)
class Dimension:
    """A dimension (construct). ``measurement`` is ``reflective`` (default: items are interchangeable
    indicators, so alpha, omega, CFA and AVE apply) or ``formative`` (items form the construct; those
    statistics do not apply and the measurement report leaves the dimension out, saying so)."""

    id: str
    name: Text = field(default_factory=Text)
    items: tuple = ()
    description: Text = field(default_factory=Text)
    line: int = 0
    measurement: str = "reflective"
    missing_codes: tuple | None = None  # codes of its items (None: those of the questionnaire)
    not_applicable: tuple | None = None
    overall: Item | None = None  # the topic-overall item, kept out of the scale score
    kind: str | None = None  # outcome constructs: satisfaction, loyalty, ...
    role: str = "dimension"  # dimension | outcome

    @property
    def item_ids(self) -> list:
        return [i.id for i in self.items]


@dataclass(frozen=True)
class Block:
    """One way of asking every attribute (SERVQUAL expectation, perception, importance, ...)."""

    id: str
    role: str
    text: Text = field(default_factory=Text)
    column: str = "{id}"  # template; {id} is the item id, {num} its number
    scale: Scale | None = None
    line: int = 0
    missing_codes: tuple | None = None  # codes of the block's columns (None: those of the questionnaire)
    not_applicable: tuple | None = None


@dataclass(frozen=True)
class KPI:
    """An objective indicator (response hours, first-time-fix rate ...)."""

    id: str
    name: Text = field(default_factory=Text)
    column: str | None = None
    unit: str | None = None
    direction: str = "higher_is_better"
    target_op: str | None = None
    target: float | None = None
    description: Text = field(default_factory=Text)
    line: int = 0
    missing_codes: tuple = ()  # a KPI's own missing codes (default none: a 0 is a value)

    def meets_target(self, x):
        """Boolean (array) whether ``x`` meets the target; None when no target is set."""
        if self.target_op is None:
            return None
        return TARGET_OPS[self.target_op](x, self.target)

    @property
    def target_text(self) -> str:
        return "" if self.target_op is None else f"{self.target_op} {format_number(self.target)}{(' ' + self.unit) if self.unit else ''}"


@dataclass(frozen=True)
class KanoFeature:
    """A Kano feature asked twice: functional (feature present) and dysfunctional (feature absent)."""

    id: str
    functional: str
    dysfunctional: str
    text: Text = field(default_factory=Text)
    line: int = 0


KANO_ANSWERS = ("like", "must_be", "neutral", "live_with", "dislike")


@dataclass(frozen=True)
class Indicator:
    """A leaf of the hierarchy: a survey item, a dimension score or a KPI."""

    kind: str  # item | dimension | kpi
    ref: str
    name: Text = field(default_factory=Text)
    line: int = 0

    @property
    def id(self) -> str:
        return self.ref


@dataclass(frozen=True)
class Criterion:
    id: str
    name: Text = field(default_factory=Text)
    indicators: tuple = ()
    line: int = 0


@dataclass(frozen=True)
class Hierarchy:
    """Goal -> criteria -> indicators."""

    goal: Text
    criteria: tuple = ()
    goal_id: str = "goal"

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per indicator: goal, criterion (id and name), indicator (ref, kind and name) in ``lang``."""
        check_lang(lang)
        rows = []
        for c in self.criteria:
            for ind in c.indicators:
                rows.append(
                    {
                        "goal": self.goal.get(lang, self.goal_id),
                        "criterion": c.id,
                        "criterion_name": c.name.get(lang, c.id),
                        "indicator": ind.ref,
                        "kind": ind.kind,
                        "indicator_name": ind.name.get(lang, ind.ref),
                    }
                )
        return pd.DataFrame(rows, columns=["goal", "criterion", "criterion_name", "indicator", "kind", "indicator_name"])

    def as_dict(self) -> dict:
        """``{criterion_id: [indicator refs]}`` (the form the weighting functions take)."""
        return {c.id: [i.ref for i in c.indicators] for c in self.criteria}


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire. Build it with :func:`load_instrument` or :meth:`Instrument.from_dict`."""

    id: str
    scale: Scale
    dimensions: tuple
    version: str | None = None
    title: Text = field(default_factory=Text)
    instructions: Text = field(default_factory=Text)
    citation: str | None = None
    languages: tuple = LANGS
    missing_codes: tuple = ()
    blocks: tuple = ()
    analysis_block: str | None = None
    outcomes: tuple = ()
    attention_checks: tuple = ()
    kpis: tuple = ()
    hierarchy: Hierarchy | None = None
    structure: tuple = ()  # ((from ids), to id) of the structural model
    respondent_id: str | None = None
    duration_column: str | None = None
    duration_unit: str = "seconds"
    min_duration: float | None = None
    pii: tuple = ()
    segments: tuple = ()
    scales: tuple = ()  # named scales (id, Scale)
    kano_features: tuple = ()
    kano_answers: tuple = ()  # (standard answer, code in the data) pairs
    source: str | None = None
    not_applicable: tuple = ()  # codes meaning "does not apply" on the rating items
    outcome_constructs: tuple = ()  # multi-item outcomes (Dimension objects with role "outcome")
    duration_missing_codes: tuple = ()
    segment_missing_codes: tuple = ()  # (segment column, codes) pairs

    # ---- construction ---------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path) -> "Instrument":
        """Load and validate a questionnaire file (see :func:`servqual.load_instrument`)."""
        from servqual.survey.instrument.loader import load_instrument  # the loader builds on this model

        return load_instrument(path)

    @classmethod
    def from_dict(cls, spec: dict, source: str = "<dict>") -> "Instrument":
        """Build and validate an instrument from a plain dict (same schema as the YAML file).

        Examples
        --------
        >>> inst = Instrument.from_dict({"id": "s", "scale": {"min": 1, "max": 5},
        ...                              "dimensions": [{"id": "d", "items": ["a", "b", "c"]}]})
        >>> inst.model()
        {'d': ['a', 'b', 'c']}
        """
        from servqual.survey.instrument.loader import build_instrument  # the loader builds on this model

        return build_instrument(spec, source)

    # ---- look-ups -------------------------------------------------------------------------------
    @property
    def items(self) -> list:
        """Every dimension item (scored attributes), in questionnaire order."""
        return [it for d in self.dimensions for it in d.items]

    @property
    def item_ids(self) -> list:
        return [it.id for it in self.items]

    @property
    def all_questions(self) -> list:
        """Dimension items, topic-overall items, outcome items and attention checks."""
        return self.items + self.overall_items + list(self.outcomes) + list(self.attention_checks)

    def item(self, item_id: str) -> Item:
        for it in self.all_questions:
            if it.id == item_id:
                return it
        raise KeyError(f"no item {item_id!r} in instrument {self.id!r}")

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(f"no dimension {dim_id!r} in instrument {self.id!r}; dimensions: {', '.join(self.dimension_ids)}")

    @property
    def dimension_ids(self) -> list:
        return [d.id for d in self.dimensions]

    def block(self, role_or_id: str) -> Block | None:
        for b in self.blocks:
            if b.id == role_or_id or b.role == role_or_id:
                return b
        return None

    def has_block(self, role: str) -> bool:
        return self.block(role) is not None

    def block_id(self, block: str | None) -> str:
        """The id of the block named by id or role (``None``: the analysis block; ``""`` without blocks)."""
        if not self.blocks:
            if block not in (None, ""):
                raise KeyError(f"instrument {self.id!r} has no blocks; it asks each item once")
            return ""
        if block is None:
            return self.analysis_block
        b = self.block(block)
        if b is None:
            raise KeyError(
                f"instrument {self.id!r} has no block {block!r}; blocks: "
                + ", ".join(f"{x.id} ({x.role})" for x in self.blocks)
            )
        return b.id

    _block_id = block_id  # former name, still used by callers outside this floor

    def construct(self, construct_id: str) -> Dimension:
        """A dimension or an outcome construct by id."""
        for d in list(self.dimensions) + list(self.outcome_constructs):
            if d.id == construct_id:
                return d
        raise KeyError(f"no dimension or outcome construct {construct_id!r} in instrument {self.id!r}")

    @property
    def overall_items(self) -> list:
        """The topic-overall items of the dimensions (``overall:``), in questionnaire order."""
        return [d.overall for d in self.dimensions if d.overall is not None]

    def codes_of(self, item: Item, block: str | None = None) -> tuple:
        """``(missing codes, not-applicable codes)`` of ``item``'s answers in ``block``.

        Each of the two keys is taken from the most specific level that sets it: the item, then its
        dimension (or outcome construct), then its block, then the questionnaire. KPIs, completion times
        and segments do not inherit the questionnaire's codes (see :meth:`column_specs`).

        Examples
        --------
        >>> inst = Instrument.from_dict({"id": "s", "scale": {"min": 1, "max": 5}, "missing_codes": [99],
        ...     "dimensions": [{"id": "d", "not_applicable": [0], "items": ["a", "b", {"id": "c", "missing_codes": []}]}]})
        >>> inst.codes_of(inst.item("a")), inst.codes_of(inst.item("c"))
        (((99,), (0,)), ((), (0,)))
        """
        levels = [item]
        if item.dimension is not None:
            try:
                levels.append(self.construct(item.dimension))
            except KeyError:
                pass
        if item.role == "item" and self.blocks:
            b = self.block(self.block_id(block))
            if b is not None:
                levels.append(b)

        def pick(attr, top):
            for lv in levels:
                v = getattr(lv, attr, None)
                if v is not None:
                    return tuple(v)
            return tuple(top)

        return pick("missing_codes", self.missing_codes), pick("not_applicable", self.not_applicable)

    def scale_of(self, item: Item, block: str | None = None) -> Scale:
        if item.scale is not None:
            return item.scale
        if item.role == "item" and self.blocks:
            b = self.block(self.block_id(block))
            if b is not None and b.scale is not None:
                return b.scale
        return self.scale

    def columns(self, block: str | None = None) -> dict:
        """``{item_id: data column}`` of the dimension items for ``block`` (default: the analysis block)."""
        bid = self.block_id(block)
        return {it.id: it.column(bid) for it in self.items}

    def model(self, block: str | None = None, reflective_only: bool = False, outcomes: bool = False) -> dict:
        """``{dimension_id: [data columns]}`` for ``block``: the measurement model the analyses take.

        ``reflective_only=True`` leaves out formative dimensions (for reliability, CFA, AVE, HTMT);
        ``outcomes=True`` adds the multi-item outcome constructs (satisfaction, loyalty ...) after the
        dimensions, for the analyses that check them with the dimensions (reliability, validity,
        structural models) -- never for gaps, weights, indices or priorities.
        """
        bid = self.block_id(block)
        out = {d.id: [it.column(bid) for it in d.items] for d in self.dimensions
               if not reflective_only or d.measurement == "reflective"}
        if outcomes:
            out.update({c.id: [it.column() for it in c.items] for c in self.outcome_constructs
                        if not reflective_only or c.measurement == "reflective"})
        return out

    def structural_paths(self) -> list:
        """The paths ``(from, to)`` of the questionnaire's ``structure:`` (empty without one)."""
        return [(a, to) for froms, to in self.structure for a in froms]

    def reverse_columns(self, block: str | None = None) -> list:
        bid = self.block_id(block)
        return [it.column(bid) for it in self.items if it.reverse]

    def directions(self) -> dict:
        """``{kpi column: direction}`` of the objective KPIs (for entropy / CRITIC / TOPSIS)."""
        return {k.column: k.direction for k in self.kpis if k.column}

    def column_specs(self) -> pd.DataFrame:
        """Every data column the instrument describes, one row each.

        Columns: ``column, item, block, role, dimension, kind, scale_min, scale_max, integer, reverse,
        expected, missing_codes, not_applicable, scale``. Roles: ``item`` (scored attribute in a block),
        ``overall`` (a dimension's topic-overall item), ``outcome``, ``attention``, ``kpi``, ``respondent_id``,
        ``duration``, ``pii``, ``segment``. ``missing_codes`` and ``not_applicable`` are the codes of the
        column (tuples): the rating items inherit the questionnaire's, KPIs, completion times and segments
        have only their own (default none, so a 0 there is a value).
        """
        rows = []

        def add(column, item, block, role, dimension=None, kind=None, scale=None, reverse=False, expected=(),
                codes=((), ())):
            rows.append(
                {
                    "column": column,
                    "item": item,
                    "block": block,
                    "role": role,
                    "dimension": dimension,
                    "kind": kind,
                    "scale_min": None if scale is None else scale.min,
                    "scale_max": None if scale is None else scale.max,
                    "integer": None if scale is None else scale.integer,
                    "reverse": reverse,
                    "expected": ",".join(format_number(e) for e in expected) if expected else None,
                    "missing_codes": tuple(codes[0]),
                    "not_applicable": tuple(codes[1]),
                    "scale": scale,
                }
            )

        if self.respondent_id:
            add(self.respondent_id, None, None, "respondent_id")
        block_ids = [b.id for b in self.blocks] or [""]
        for bid in block_ids:
            for it in self.items:
                add(it.column(bid), it.id, bid or None, "item", it.dimension, None, self.scale_of(it, bid or None), it.reverse,
                    codes=self.codes_of(it, bid or None))
        for it in self.overall_items:
            add(it.column(), it.id, None, "overall", it.dimension, None, self.scale_of(it), it.reverse, codes=self.codes_of(it))
        for it in self.outcomes:
            add(it.column(), it.id, None, "outcome", it.dimension, it.kind, self.scale_of(it), it.reverse, codes=self.codes_of(it))
        for it in self.attention_checks:
            add(it.column(), it.id, None, "attention", None, None, self.scale_of(it), False, it.expected, codes=self.codes_of(it))
        for k in self.kpis:
            if k.column:
                add(k.column, k.id, None, "kpi", None, k.direction, None, codes=(k.missing_codes, ()))
        for f in self.kano_features:
            add(f.functional, f.id, "functional", "kano", codes=(self.missing_codes, ()))
            add(f.dysfunctional, f.id, "dysfunctional", "kano", codes=(self.missing_codes, ()))
        if self.duration_column:
            add(self.duration_column, None, None, "duration", codes=(self.duration_missing_codes, ()))
        seg_codes = dict(self.segment_missing_codes)
        for c in self.segments:
            add(c, None, None, "segment", codes=(seg_codes.get(c, ()), ()))
        for c in self.pii:
            add(c, None, None, "pii")
        return pd.DataFrame(rows)

    def dictionary(self, lang: str = "zh") -> pd.Series:
        """Item wording by data column (for tables that read in words).

        Examples
        --------
        >>> import servqual as sq
        >>> sq.load_instrument("bfi").dictionary("en")["A1"]
        'Am indifferent to the feelings of others.'
        """
        check_lang(lang)
        out = {}
        bids = [b.id for b in self.blocks] or [""]
        for bid in bids:
            for it in self.items:
                out[it.column(bid)] = it.text.get(lang, it.id)
        for it in self.overall_items + list(self.outcomes) + list(self.attention_checks):
            out[it.column()] = it.text.get(lang, it.id)
        for k in self.kpis:
            if k.column:
                out[k.column] = k.name.get(lang, k.id)
        return pd.Series(out, name="text", dtype=object)

    def dimension_names(self, lang: str = "zh") -> dict:
        """``{dimension id: name in lang}``."""
        check_lang(lang)
        return {d.id: d.name.get(lang, d.id) for d in self.dimensions}

    def keys(self, block: str | None = None) -> pd.DataFrame:
        """Scoring keys as psych writes them: items x dimensions with +1 / -1 (reverse) / 0."""
        model = self.model(block)
        rev = set(self.reverse_columns(block))
        cols = [c for cs in model.values() for c in cs]
        k = pd.DataFrame(0, index=cols, columns=list(model))
        for d, cs in model.items():
            for c in cs:
                k.loc[c, d] = -1 if c in rev else 1
        return k

    def summary(self) -> Summary:
        """The questionnaire at a glance: dimensions, items (``(R)`` = reverse-keyed), blocks, scale.

        Returns
        -------
        servqual._results.Summary
            The text (a ``str``); in a notebook it shows as the table of dimensions.

        Examples
        --------
        >>> import servqual as sq
        >>> print(sq.load_instrument("bfi").summary())
        Instrument bfi_big_five v2010 (...bfi_big_five.yaml)
          Big Five personality items (SAPA project, IPIP item pool)
          5 dimensions, 25 items
          default scale 1 = Very inaccurate; 2 = Moderately inaccurate; ...; missing codes: none
          - Agreeableness Agreeableness: A1(R), A2, A3, A4, A5
          - Conscientiousness Conscientiousness: C1, C2, C3, C4(R), C5(R)
          - Extraversion Extraversion: E1(R), E2(R), E3, E4, E5
          - Neuroticism Neuroticism: N1, N2, N3, N4, N5
          - Openness Openness: O1, O2(R), O3, O4, O5(R)
        """
        lines = [
            f"Instrument {self.id}" + (f" v{self.version}" if self.version else "") + (f" ({self.source})" if self.source else ""),
            f"  {self.title.get('en')}" if self.title else "",
            f"  {len(self.dimensions)} dimensions, {len(self.items)} items"
            + (f", blocks: {', '.join(b.id + '=' + b.role for b in self.blocks)}" if self.blocks else "")
            + (f", {len(self.outcomes)} outcome items" if self.outcomes else "")
            + (f", {len(self.attention_checks)} attention checks" if self.attention_checks else "")
            + (f", {len(self.kpis)} KPIs" if self.kpis else ""),
            f"  default scale {self.scale.describe('en')}; missing codes: {', '.join(format_number(m) for m in self.missing_codes) or 'none'}",
        ]
        for d in self.dimensions:
            rev = [i.id + "(R)" if i.reverse else i.id for i in d.items]
            lines.append(f"  - {d.id} {d.name.get('en', '')}: {', '.join(rev)}")
        return Summary("\n".join(x for x in lines if x), self._repr_html_())

    def __repr__(self) -> str:
        return f"<Instrument {self.id!r}: {len(self.dimensions)} dimensions, {len(self.items)} items>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(d.id)}</td><td>{html.escape(d.name.get('zh'))}</td><td>{html.escape(d.name.get('en'))}</td>"
            f"<td>{html.escape(', '.join(i.id + (' (R)' if i.reverse else '') for i in d.items))}</td></tr>"
            for d in self.dimensions
        )
        title = html.escape(self.title.get("zh", self.id) + (" / " + self.title.en if self.title.en else ""))
        return (
            f"<h4>{title}</h4><p>{len(self.dimensions)} dimensions, {len(self.items)} items; scale "
            f"{html.escape(self.scale.describe('en'))}</p><table><tr><th>dimension</th><th>中文</th><th>English</th>"
            f"<th>items</th></tr>{rows}</table>"
        )


def format_number(v) -> str:
    """A number as people write it in messages and labels (``5`` for ``5.0``)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def iter_question_columns(instrument: Instrument) -> Iterable[tuple]:
    """(column, item, block_id) of every answer column, in questionnaire order."""
    bids = [b.id for b in instrument.blocks] or [""]
    for bid in bids:
        for it in instrument.items:
            yield it.column(bid), it, bid
    for it in instrument.overall_items + list(instrument.outcomes) + list(instrument.attention_checks):
        yield it.column(), it, ""
