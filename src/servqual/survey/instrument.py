"""The questionnaire as data: dimensions, items, scales, SERVQUAL blocks, KPIs and the indicator hierarchy.

A questionnaire (an *instrument*) is a YAML file. The minimal form, which other tooling writes and which is
always accepted, is::

    id: sq_after_sales
    scale: {min: 1, max: 7}          # default scale of every item
    missing_codes: [0, 99]           # optional: answers that mean "no answer / not applicable"
    dimensions:
      - id: tangibles
        items:
          - id: a01                  # = column name in the data
          - {id: a02, reverse: true} # reverse-keyed: scored as min + max - x

The full schema (see ``surveys/README.md``) adds bilingual text, named scales with labels, SERVQUAL blocks
(expectation / perception / importance ...), outcome and attention-check items, respondent id, duration
and PII columns, objective KPIs with direction and target, a goal -> criteria -> indicators hierarchy,
citation and version.

:func:`load_instrument` validates everything and reports every problem with the file name and YAML line.
YAML is parsed with a safe loader: a file can never execute code.
"""

from __future__ import annotations

import difflib
import html
import io
import operator
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd
import yaml

from servqual._resources import resolve_survey
from servqual._text import LANGS, Text
from servqual.exceptions import InstrumentError, InstrumentWarning

__all__ = [
    "Text",
    "Scale",
    "Item",
    "Dimension",
    "Block",
    "KPI",
    "Indicator",
    "Criterion",
    "Hierarchy",
    "KanoFeature",
    "KANO_ANSWERS",
    "Instrument",
    "load_instrument",
    "as_instrument",
    "BLOCK_ROLES",
    "OUTCOME_KINDS",
]

BLOCK_ROLES = ("expectation", "perception", "importance", "performance", "adequate", "desired")
OUTCOME_KINDS = ("satisfaction", "loyalty", "recommend", "complaint", "other")
DIRECTIONS = ("higher_is_better", "lower_is_better")
TARGET_OPS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}
_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


# --------------------------------------------------------------------------------------------------
# YAML with line numbers
# --------------------------------------------------------------------------------------------------
class _Map(dict):
    """A dict that remembers the YAML line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class _Seq(list):
    line: int = 0
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records line numbers. Python tags (``!!python/...``) are rejected as by SafeLoader."""


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    m = _Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in m:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {m.key_lines[key]})", key_node.start_mark
            )
        m[key] = loader.construct_object(value_node, deep=True)
        m.key_lines[key] = key_node.start_mark.line + 1
    return m


def _construct_seq(loader, node):
    s = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    s.line = node.start_mark.line + 1
    s.item_lines = [child.start_mark.line + 1 for child in node.value]
    return s


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def _line(obj, key=None) -> int:
    if isinstance(obj, _Map):
        return obj.line_of(key) if key is not None else obj.line
    if isinstance(obj, _Seq):
        return obj.line
    return 0


# --------------------------------------------------------------------------------------------------
# Data model (frozen)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    """A response scale: integer Likert points ``min..max`` with optional bilingual labels, or continuous."""

    min: float
    max: float
    labels: tuple = ()  # tuple of (value, Text)
    integer: bool = True
    id: str | None = None

    @property
    def points(self) -> list:
        if not self.integer:
            return []
        return list(range(int(self.min), int(self.max) + 1))

    @property
    def midpoint(self) -> float:
        return (self.min + self.max) / 2

    def label(self, value, lang: str = "zh") -> str:
        for v, t in self.labels:
            if v == value:
                return t.get(lang)
        return ""

    def reverse(self, x):
        """Reverse-key a value or array: ``min + max - x``."""
        return self.min + self.max - x

    def describe(self, lang: str = "en") -> str:
        if not self.integer:
            return f"{_fmt(self.min)}-{_fmt(self.max)} (continuous)"
        if self.labels:
            return "; ".join(f"{_fmt(v)} = {t.get(lang)}" for v, t in self.labels)
        return f"{_fmt(self.min)}-{_fmt(self.max)}"


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

    @property
    def item_ids(self) -> list:
        return [i.id for i in self.items]


@dataclass(frozen=True)
class Block:
    """One way of asking every attribute (SERVQUAL expectation, perception, importance, ...)."""

    id: str
    role: str
    text: Text = field(default_factory=Text)
    column: str = "{id}"  # template; {id} is the item id
    scale: Scale | None = None
    line: int = 0


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

    def meets_target(self, x):
        """Boolean (array) whether ``x`` meets the target; None when no target is set."""
        if self.target_op is None:
            return None
        return TARGET_OPS[self.target_op](x, self.target)

    @property
    def target_text(self) -> str:
        return "" if self.target_op is None else f"{self.target_op} {_fmt(self.target)}{(' ' + self.unit) if self.unit else ''}"


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

    # ---- construction ---------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path) -> "Instrument":
        return load_instrument(path)

    @classmethod
    def from_dict(cls, spec: dict, source: str = "<dict>") -> "Instrument":
        """Build and validate an instrument from a plain dict (same schema as the YAML file)."""
        return _build(spec, source)

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
        """Dimension items, outcome items and attention checks."""
        return self.items + list(self.outcomes) + list(self.attention_checks)

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

    def _block_id(self, block: str | None) -> str:
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

    def scale_of(self, item: Item, block: str | None = None) -> Scale:
        if item.scale is not None:
            return item.scale
        if item.role == "item" and self.blocks:
            b = self.block(self._block_id(block))
            if b is not None and b.scale is not None:
                return b.scale
        return self.scale

    def columns(self, block: str | None = None) -> dict:
        """``{item_id: data column}`` of the dimension items for ``block`` (default: the analysis block)."""
        bid = self._block_id(block)
        return {it.id: it.column(bid) for it in self.items}

    def model(self, block: str | None = None, reflective_only: bool = False) -> dict:
        """``{dimension_id: [data columns]}`` for ``block``: the measurement model the analyses take.

        ``reflective_only=True`` leaves out formative dimensions (for reliability, CFA, AVE, HTMT).
        """
        bid = self._block_id(block)
        return {d.id: [it.column(bid) for it in d.items] for d in self.dimensions
                if not reflective_only or d.measurement == "reflective"}

    def reverse_columns(self, block: str | None = None) -> list:
        bid = self._block_id(block)
        return [it.column(bid) for it in self.items if it.reverse]

    def directions(self) -> dict:
        """``{kpi column: direction}`` of the objective KPIs (for entropy / CRITIC / TOPSIS)."""
        return {k.column: k.direction for k in self.kpis if k.column}

    def column_specs(self) -> pd.DataFrame:
        """Every data column the instrument describes, one row each.

        Columns: ``column, item, block, role, dimension, kind, scale_min, scale_max, integer, reverse,
        expected``. Roles: ``item`` (scored attribute in a block), ``outcome``, ``attention``, ``kpi``,
        ``respondent_id``, ``duration``, ``pii``, ``segment``.
        """
        rows = []

        def add(column, item, block, role, dimension=None, kind=None, scale=None, reverse=False, expected=()):
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
                    "expected": ",".join(_fmt(e) for e in expected) if expected else None,
                }
            )

        if self.respondent_id:
            add(self.respondent_id, None, None, "respondent_id")
        block_ids = [b.id for b in self.blocks] or [""]
        for bid in block_ids:
            for it in self.items:
                add(it.column(bid), it.id, bid or None, "item", it.dimension, None, self.scale_of(it, bid or None), it.reverse)
        for it in self.outcomes:
            add(it.column(), it.id, None, "outcome", None, it.kind, self.scale_of(it), it.reverse)
        for it in self.attention_checks:
            add(it.column(), it.id, None, "attention", None, None, self.scale_of(it), False, it.expected)
        for k in self.kpis:
            if k.column:
                add(k.column, k.id, None, "kpi", None, k.direction, None)
        for f in self.kano_features:
            add(f.functional, f.id, "functional", "kano")
            add(f.dysfunctional, f.id, "dysfunctional", "kano")
        if self.duration_column:
            add(self.duration_column, None, None, "duration")
        for c in self.segments:
            add(c, None, None, "segment")
        for c in self.pii:
            add(c, None, None, "pii")
        return pd.DataFrame(rows)

    def dictionary(self, lang: str = "zh") -> pd.Series:
        """Item wording by data column (for tables that read in words)."""
        out = {}
        bids = [b.id for b in self.blocks] or [""]
        for bid in bids:
            for it in self.items:
                out[it.column(bid)] = it.text.get(lang, it.id)
        for it in list(self.outcomes) + list(self.attention_checks):
            out[it.column()] = it.text.get(lang, it.id)
        for k in self.kpis:
            if k.column:
                out[k.column] = k.name.get(lang, k.id)
        return pd.Series(out, name="text", dtype=object)

    def dimension_names(self, lang: str = "zh") -> dict:
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

    def summary(self) -> str:
        lines = [
            f"Instrument {self.id}" + (f" v{self.version}" if self.version else "") + (f" ({self.source})" if self.source else ""),
            f"  {self.title.get('en')}" if self.title else "",
            f"  {len(self.dimensions)} dimensions, {len(self.items)} items"
            + (f", blocks: {', '.join(b.id + '=' + b.role for b in self.blocks)}" if self.blocks else "")
            + (f", {len(self.outcomes)} outcome items" if self.outcomes else "")
            + (f", {len(self.attention_checks)} attention checks" if self.attention_checks else "")
            + (f", {len(self.kpis)} KPIs" if self.kpis else ""),
            f"  default scale {self.scale.describe('en')}; missing codes: {', '.join(_fmt(m) for m in self.missing_codes) or 'none'}",
        ]
        for d in self.dimensions:
            rev = [i.id + "(R)" if i.reverse else i.id for i in d.items]
            lines.append(f"  - {d.id} {d.name.get('en', '')}: {', '.join(rev)}")
        return "\n".join(x for x in lines if x)

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


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --------------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------------
def as_instrument(instrument) -> Instrument:
    """An :class:`Instrument` as it is, or loaded from a questionnaire file or a bundled name.

    >>> as_instrument("kiosk").id
    'kiosk_kservqual'
    """
    if isinstance(instrument, Instrument):
        return instrument
    if isinstance(instrument, (str, Path)):
        return load_instrument(instrument)
    raise TypeError(
        f"instrument must be a servqual Instrument, a questionnaire file or a bundled name, got {type(instrument).__name__}"
    )


def load_instrument(path) -> Instrument:
    """Load and validate a questionnaire YAML file.

    Parameters
    ----------
    path : str or pathlib.Path
        A YAML file, or the name of a questionnaire shipped with servqual (``"servqual22"``,
        ``"after_sales_service_quality"``) or of a bundled data set (``"mobi"``, ``"kiosk"``, ...;
        see :func:`servqual.list_datasets`).

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        Listing every problem as ``file:line: message`` (duplicate ids, unknown references, bad
        scales, E/P blocks that do not pair up, a dimension with fewer than 2 items, unsafe YAML tags).

    Warns
    -----
    InstrumentWarning
        A dimension with fewer than 3 items (reliability and CFA are weak with 2).

    Examples
    --------
    >>> import servqual as sq
    >>> inst = sq.load_instrument("servqual22")
    >>> inst.dimension_ids
    ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy']
    """
    p = Path(path)
    if not p.exists() and not p.suffix:
        resolved = resolve_survey(str(path))  # a bundled questionnaire by name
        if resolved is None:
            raise InstrumentError(
                f"{path}: no such questionnaire file, and no bundled questionnaire of that name. "
                "Give the path of a .yaml file, or one of servqual.list_surveys()."
            )
        p = resolved
    if not p.exists():
        raise InstrumentError(f"{p}: file not found. Check the path of the questionnaire (.yaml) file.")
    try:
        raw_bytes = p.read_bytes()
    except OSError as e:
        raise InstrumentError(f"{p}: cannot read the file ({e.strerror}).") from None
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw_bytes.decode("gb18030")
        except UnicodeDecodeError:
            raise InstrumentError(f"{p}: not a text file in UTF-8 or GBK; save the questionnaire as UTF-8.") from None
    return _parse(text, str(p))


def _parse(text: str, source: str) -> Instrument:
    try:
        spec = yaml.load(io.StringIO(text), Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        prob = str(e.problem)
        if "python" in prob or "could not determine a constructor" in prob:
            prob = (
                f"unsafe or unknown YAML tag ({prob.split('for the tag')[-1].strip()}); questionnaire files "
                "are plain data and may not contain tags such as !!python/object. Remove the tag"
            )
        raise InstrumentError(f"{where}: {prob}.") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(e, "problem", None) or str(e)
        raise InstrumentError(
            f"{where}: the file is not valid YAML ({problem}). Check the indentation and the quotes around that line."
        ) from None
    if not isinstance(spec, dict):
        raise InstrumentError(f"{source}: the file must be a YAML mapping with at least 'id', 'scale' and 'dimensions'.")
    return _build(spec, source, stacklevel=6)


class _Problems:
    def __init__(self, source: str):
        self.source = source
        self.errors: list = []
        self.warnings: list = []
        self.stacklevel = 4

    def err(self, line: int, msg: str):
        self.errors.append((line, msg))

    def warn(self, line: int, msg: str):
        self.warnings.append((line, msg))

    def where(self, line: int) -> str:
        return f"{self.source}:{line}" if line else self.source

    def raise_if_any(self):
        for line, msg in self.warnings:
            warnings.warn(f"{self.where(line)}: {msg}", InstrumentWarning, stacklevel=self.stacklevel)
        if self.errors:
            self.errors.sort(key=lambda t: t[0])
            lines = [f"{self.where(line)}: {msg}" for line, msg in self.errors]
            head = f"{self.source}: {len(lines)} problem(s) in the questionnaire:\n  "
            raise InstrumentError(head + "\n  ".join(lines), problems=lines)


_TOP_KEYS = {
    "id", "version", "title", "instructions", "citation", "languages", "scale", "scales", "missing_codes",
    "dimensions", "blocks", "analysis_block", "outcomes", "attention_checks", "kpis", "hierarchy",
    "respondent_id", "duration", "pii", "segments", "description", "notes", "source", "license", "data", "kano",
}


def _text(v, pr: _Problems, line: int, what: str) -> Text:
    if v is None:
        return Text()
    if isinstance(v, str):
        return Text(zh=v, en=v)
    if isinstance(v, dict):
        bad = [k for k in v if k not in LANGS]
        if bad:
            pr.err(_line(v) or line, f"{what}: unknown language key(s) {', '.join(map(str, bad))}; use 'zh' and 'en'")
        for k in LANGS:
            if k in v and not isinstance(v[k], str):
                pr.err(_line(v, k), f"{what}.{k} must be text, got {v[k]!r}")
        return Text(zh=v.get("zh") if isinstance(v.get("zh"), str) else None, en=v.get("en") if isinstance(v.get("en"), str) else None)
    pr.err(line, f"{what} must be text or a mapping {{zh: ..., en: ...}}, got {v!r}")
    return Text()


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _scale(v, pr: _Problems, line: int, what: str, named: dict) -> Scale | None:
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
    ln = _line(v) or line
    unknown = [k for k in v if k not in ("min", "max", "labels", "integer", "type", "id")]
    if unknown:
        pr.err(ln, f"{what}: unknown key(s) {', '.join(map(str, unknown))}; a scale has min, max, labels, type")
    lo, hi = v.get("min"), v.get("max")
    ok = True
    if not _num(lo) or not _num(hi):
        pr.err(ln, f"{what}: min and max must be numbers, got min={lo!r}, max={hi!r}")
        ok = False
    elif lo >= hi:
        pr.err(ln, f"{what}: min ({lo}) must be below max ({hi})")
        ok = False
    typ = v.get("type", "likert")
    if typ not in ("likert", "continuous", "nps"):
        pr.err(_line(v, "type"), f"{what}: type must be likert, continuous or nps, got {typ!r}")
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
                kl = _line(lab, key)
                if not _num(key):
                    pr.err(kl, f"{what}: label key {key!r} is not a scale point (a number)")
                    continue
                if ok and not (lo <= key <= hi):
                    pr.err(kl, f"{what}: label for {key} is outside the scale {lo}..{hi}")
                labels.append((key, _text(t, pr, kl, f"{what} label {key}")))
        elif isinstance(lab, list):
            if ok and integer and len(lab) != int(hi - lo + 1):
                pr.err(_line(lab) or ln, f"{what}: {len(lab)} labels for {int(hi - lo + 1)} scale points ({lo}..{hi})")
            for i, t in enumerate(lab):
                labels.append((int(lo) + i if ok else i, _text(t, pr, ln, f"{what} label {i + 1}")))
        else:
            pr.err(ln, f"{what}: labels must be a mapping {{1: {{zh: ..., en: ...}}, ...}} or a list")
    if not ok:
        return None
    return Scale(min=lo, max=hi, labels=tuple(sorted(labels, key=lambda t: t[0])), integer=integer, id=v.get("id"))


def _check_id(v, pr: _Problems, line: int, what: str) -> str | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str) or not v:
        pr.err(line, f"{what} needs an 'id' (text), got {v!r}")
        return None
    if not _ID_RE.match(v):
        pr.err(line, f"{what} id {v!r} may contain only letters, digits, '_', '.', '-' and must not start with a digit")
    return v


def _build(spec: dict, source: str, stacklevel: int = 4) -> Instrument:
    pr = _Problems(source)
    pr.stacklevel = stacklevel
    unknown = [k for k in spec if k not in _TOP_KEYS]
    for k in unknown:
        pr.err(_line(spec, k), f"unknown top-level key {k!r}; allowed: {', '.join(sorted(_TOP_KEYS))}")
    iid = _check_id(spec.get("id"), pr, _line(spec, "id") or 1, "the questionnaire")

    # named scales
    named: dict = {}
    sc = spec.get("scales") or {}
    if not isinstance(sc, dict):
        pr.err(_line(spec, "scales"), "scales must be a mapping {name: {min, max, labels}}")
        sc = {}
    for name, s in sc.items():
        parsed = _scale(s, pr, _line(sc, name), f"scale {name!r}", {})
        if parsed is not None:
            named[name] = Scale(parsed.min, parsed.max, parsed.labels, parsed.integer, id=str(name))

    if "scale" not in spec:
        pr.err(1, "missing 'scale' (the default scale of every item), e.g. scale: {min: 1, max: 7}")
        default_scale = None
    else:
        default_scale = _scale(spec["scale"], pr, _line(spec, "scale"), "scale", named)

    # missing codes
    mc = spec.get("missing_codes", [])
    if mc is None:
        mc = []
    if not isinstance(mc, list) or not all(_num(x) or isinstance(x, str) for x in mc):
        pr.err(_line(spec, "missing_codes"), f"missing_codes must be a list of numbers (or text codes), got {mc!r}")
        mc = []

    # blocks
    blocks = []
    bl = spec.get("blocks") or []
    if not isinstance(bl, list):
        pr.err(_line(spec, "blocks"), "blocks must be a list of {id, role, column}")
        bl = []
    seen_roles: dict = {}
    for b, bline in zip(bl, getattr(bl, "item_lines", [0] * len(bl))):
        if not isinstance(b, dict):
            pr.err(bline, f"a block must be a mapping with id, role and column, got {b!r}")
            continue
        bid = _check_id(b.get("id"), pr, bline, "a block")
        role = b.get("role", bid)
        if role not in BLOCK_ROLES:
            pr.err(_line(b, "role"), f"block {bid!r}: role must be one of {', '.join(BLOCK_ROLES)}, got {role!r}")
        elif role in seen_roles:
            pr.err(_line(b, "role"), f"block {bid!r}: role {role!r} is already used by block {seen_roles[role]!r}")
        else:
            seen_roles[role] = bid
        col = b.get("column", "{id}_" + str(bid))
        if not isinstance(col, str) or "{id}" not in col:
            pr.err(_line(b, "column"), f"block {bid!r}: column must be a template containing {{id}}, e.g. '{{id}}_e', got {col!r}")
            col = "{id}"
        bscale = _scale(b.get("scale"), pr, _line(b, "scale"), f"block {bid!r} scale", named)
        blocks.append(Block(id=bid or "", role=role, text=_text(b.get("text"), pr, bline, f"block {bid} text"), column=col, scale=bscale, line=bline))
    if len({b.id for b in blocks}) != len(blocks):
        pr.err(_line(spec, "blocks"), "block ids must be unique")
    if blocks and ("expectation" in seen_roles) != ("perception" in seen_roles) and ("expectation" in seen_roles):
        pr.err(_line(spec, "blocks"), "an expectation block needs a perception block to pair with (SERVQUAL gap = P - E)")
    if "adequate" in seen_roles and "desired" not in seen_roles or "desired" in seen_roles and "adequate" not in seen_roles:
        pr.err(_line(spec, "blocks"), "adequate and desired expectation blocks come in pairs (zone of tolerance)")
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
            pr.err(_line(spec, "analysis_block"), f"analysis_block {analysis_block!r} is not a block id ({', '.join(b.id for b in blocks)})")
    elif analysis_block is not None:
        pr.err(_line(spec, "analysis_block"), "analysis_block given but the questionnaire has no blocks")

    # E/P scales must agree for gaps
    if "expectation" in seen_roles and "perception" in seen_roles:
        be = next(b for b in blocks if b.role == "expectation")
        bp = next(b for b in blocks if b.role == "perception")
        se, sp = be.scale or default_scale, bp.scale or default_scale
        if se is not None and sp is not None and (se.min, se.max) != (sp.min, sp.max):
            pr.err(be.line, f"expectation block scale {_fmt(se.min)}..{_fmt(se.max)} differs from perception block scale "
                   f"{_fmt(sp.min)}..{_fmt(sp.max)}; gaps need both on one scale")

    used_ids: dict = {}
    used_cols: dict = {}

    def claim_id(i, line, what):
        if i is None:
            return
        if i in used_ids:
            pr.err(line, f"duplicate id {i!r} ({what}); first defined at line {used_ids[i]}")
        else:
            used_ids[i] = line

    def claim_col(c, line, what):
        if c is None:
            return
        if c in used_cols:
            pr.err(line, f"data column {c!r} ({what}) is already used at line {used_cols[c]}")
        else:
            used_cols[c] = line

    def parse_item(it, line, what, role, dim_id=None) -> Item | None:
        if isinstance(it, (str, int)) and not isinstance(it, bool):
            it = {"id": str(it)}
        if not isinstance(it, dict):
            pr.err(line, f"{what} must be a mapping with an id, got {it!r}")
            return None
        ln = _line(it) or line
        allowed = {"id", "text", "reverse", "scale", "columns", "column", "kind", "expected", "note", "label", "source"}
        if role == "attention":
            allowed = allowed | {"after"}
        for k in it:
            if k not in allowed:
                pr.err(_line(it, k), f"{what} {it.get('id')!r}: unknown key {k!r}; allowed: {', '.join(sorted(allowed))}")
        iid_ = _check_id(it.get("id"), pr, ln, what)
        dup = iid_ in used_ids
        claim_id(iid_, ln, what)
        if dup:
            return None
        rev = it.get("reverse", False)
        if not isinstance(rev, bool):
            pr.err(_line(it, "reverse"), f"{what} {iid_!r}: reverse must be true or false, got {rev!r}")
            rev = False
        iscale = _scale(it.get("scale"), pr, _line(it, "scale"), f"{what} {iid_!r} scale", named)
        cols = []
        if role == "item" and blocks:
            explicit = it.get("columns") or {}
            if not isinstance(explicit, dict):
                pr.err(_line(it, "columns"), f"{what} {iid_!r}: columns must map block ids to data columns")
                explicit = {}
            for k in explicit:
                if k not in [b.id for b in blocks]:
                    pr.err(_line(explicit, k), f"{what} {iid_!r}: columns names block {k!r}, which is not declared under blocks")
            for b in blocks:
                c = explicit.get(b.id)
                if c is None:
                    c = b.column.replace("{id}", str(iid_))
                cols.append((b.id, str(c)))
                claim_col(str(c), ln, f"{what} {iid_} / block {b.id}")
        else:
            if "columns" in it:
                pr.err(_line(it, "columns"), f"{what} {iid_!r}: 'columns' maps blocks to columns, but there are no blocks; use 'column'")
            c = str(it.get("column", iid_))
            cols.append(("", c))
            claim_col(c, ln, f"{what} {iid_}")
        kind = it.get("kind")
        if role == "outcome":
            kind = kind or "satisfaction"
            if kind not in OUTCOME_KINDS:
                pr.err(_line(it, "kind"), f"outcome {iid_!r}: kind must be one of {', '.join(OUTCOME_KINDS)}, got {kind!r}")
        expected = ()
        if role == "attention":
            e = it.get("expected")
            if e is None:
                pr.err(ln, f"attention check {iid_!r} needs 'expected': the answer(s) an attentive respondent gives")
            else:
                expected = tuple(e) if isinstance(e, list) else (e,)
                sc_ = iscale or default_scale
                for x in expected:
                    if not _num(x) or (sc_ is not None and not (sc_.min <= x <= sc_.max)):
                        pr.err(_line(it, "expected"), f"attention check {iid_!r}: expected answer {x!r} is not on its scale")
        after = it.get("after")
        if after is not None and not isinstance(after, str):
            pr.err(_line(it, "after"), f"attention check {iid_!r}: 'after' must be the id of a dimension item, got {after!r}")
            after = None
        if iid_ is None:
            return None
        return Item(
            id=iid_, text=_text(it.get("text"), pr, ln, f"{what} {iid_} text"), dimension=dim_id, reverse=rev,
            scale=iscale, columns=tuple(cols), role=role, kind=kind, expected=expected, after=after, line=ln,
        )

    # dimensions
    dims = []
    dl = spec.get("dimensions")
    if dl is None and spec.get("kano"):
        dl = []  # a Kano-only questionnaire
    elif not isinstance(dl, list) or not dl:
        pr.err(_line(spec, "dimensions") or 1, "'dimensions' must be a non-empty list of {id, items}")
        dl = []
    for d, dline in zip(dl, getattr(dl, "item_lines", [0] * len(dl))):
        if not isinstance(d, dict):
            pr.err(dline, f"a dimension must be a mapping with id and items, got {d!r}")
            continue
        for k in d:
            if k not in ("id", "name", "items", "description", "measurement"):
                pr.err(_line(d, k), f"dimension {d.get('id')!r}: unknown key {k!r}; allowed: id, name, description, measurement, items")
        meas = d.get("measurement", "reflective")
        if meas not in ("reflective", "formative"):
            pr.err(_line(d, "measurement"), f"dimension {d.get('id')!r}: measurement must be reflective or formative, got {meas!r}")
            meas = "reflective"
        did = _check_id(d.get("id"), pr, dline, "a dimension")
        claim_id(did, dline, "dimension")
        il = d.get("items")
        items = []
        if not isinstance(il, list) or not il:
            pr.err(_line(d, "items") or dline, f"dimension {did!r} has no items; list its items under 'items:'")
            il = []
        for it, iline in zip(il, getattr(il, "item_lines", [dline] * len(il))):
            parsed = parse_item(it, iline, "item", "item", did)
            if parsed is not None:
                items.append(parsed)
        if il and len(il) < 2 and meas == "reflective":
            pr.err(dline, f"dimension {did!r} has {len(il)} item; a dimension needs at least 2 items (3 or more recommended). "
                   "Move a single question to 'outcomes' or add items")
        elif len(il) == 2 and meas == "reflective":
            pr.warn(dline, f"dimension {did!r} has only 2 items; reliability and CFA are weak below 3 items per dimension")
        dims.append(Dimension(id=did or "", name=_text(d.get("name"), pr, dline, f"dimension {did} name"), items=tuple(items),
                              description=_text(d.get("description"), pr, dline, f"dimension {did} description"), line=dline,
                              measurement=meas))

    def parse_list(key, role, what):
        lst = spec.get(key) or []
        if not isinstance(lst, list):
            pr.err(_line(spec, key), f"{key} must be a list")
            return ()
        out = []
        for it, iline in zip(lst, getattr(lst, "item_lines", [0] * len(lst))):
            parsed = parse_item(it, iline, what, role)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    outcomes = parse_list("outcomes", "outcome", "outcome")
    checks = parse_list("attention_checks", "attention", "attention check")
    dim_item_ids = {it.id for d in dims for it in d.items}
    for chk in checks:
        if chk.after is not None and chk.after not in dim_item_ids:
            near = difflib.get_close_matches(chk.after, sorted(dim_item_ids), n=1)
            pr.err(chk.line, f"attention check {chk.id!r}: 'after: {chk.after}' names no dimension item"
                   + (f"; did you mean {near[0]!r}?" if near else "; give the id of the item it should follow"))

    # KPIs
    kpis = []
    kl = spec.get("kpis") or []
    if not isinstance(kl, list):
        pr.err(_line(spec, "kpis"), "kpis must be a list")
        kl = []
    for k, kline in zip(kl, getattr(kl, "item_lines", [0] * len(kl))):
        if not isinstance(k, dict):
            pr.err(kline, f"a KPI must be a mapping, got {k!r}")
            continue
        for key in k:
            if key not in ("id", "name", "column", "unit", "direction", "target", "description"):
                pr.err(_line(k, key), f"KPI {k.get('id')!r}: unknown key {key!r}; allowed: id, name, column, unit, direction, target, description")
        kid = _check_id(k.get("id"), pr, kline, "a KPI")
        claim_id(kid, kline, "KPI")
        direction = k.get("direction", "higher_is_better")
        if direction not in DIRECTIONS:
            pr.err(_line(k, "direction"), f"KPI {kid!r}: direction must be higher_is_better or lower_is_better, got {direction!r}")
        op, tv = None, None
        t = k.get("target")
        if t is not None:
            if _num(t):
                op, tv = (">=" if direction == "higher_is_better" else "<="), float(t)
            elif isinstance(t, str):
                m = re.match(r"^\s*(<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?)\s*$", t)
                if not m:
                    pr.err(_line(k, "target"), f"KPI {kid!r}: target must look like '<= 24' or '>= 0.9', got {t!r}")
                else:
                    op, tv = m.group(1), float(m.group(2))
            else:
                pr.err(_line(k, "target"), f"KPI {kid!r}: target must be a number or text like '<= 24', got {t!r}")
        col = k.get("column", kid)
        claim_col(col, kline, f"KPI {kid}")
        kpis.append(KPI(id=kid or "", name=_text(k.get("name"), pr, kline, f"KPI {kid} name"), column=col,
                        unit=k.get("unit"), direction=direction, target_op=op, target=tv,
                        description=_text(k.get("description"), pr, kline, "KPI description"), line=kline))

    # special columns
    rid = spec.get("respondent_id")
    if rid is not None and not isinstance(rid, str):
        pr.err(_line(spec, "respondent_id"), f"respondent_id must be the name of a column, got {rid!r}")
        rid = None
    claim_col(rid, _line(spec, "respondent_id"), "respondent_id")
    dur = spec.get("duration")
    dcol, dunit, dmin = None, "seconds", None
    if isinstance(dur, str):
        dcol = dur
    elif isinstance(dur, dict):
        dcol = dur.get("column")
        dunit = dur.get("unit", "seconds")
        dmin = dur.get("min")
        if dunit not in ("seconds", "minutes"):
            pr.err(_line(dur, "unit"), f"duration unit must be seconds or minutes, got {dunit!r}")
        if dmin is not None and (not _num(dmin) or dmin < 0):
            pr.err(_line(dur, "min"), f"duration min must be a non-negative number, got {dmin!r}")
        if not isinstance(dcol, str):
            pr.err(_line(dur), "duration needs 'column': the name of the completion-time column")
    elif dur is not None:
        pr.err(_line(spec, "duration"), "duration must be a column name or {column, unit, min}")
    claim_col(dcol, _line(spec, "duration"), "duration")
    pii = spec.get("pii") or []
    segs = spec.get("segments") or []
    for key, lst in (("pii", pii), ("segments", segs)):
        if not isinstance(lst, list) or not all(isinstance(x, str) for x in lst):
            pr.err(_line(spec, key), f"{key} must be a list of column names")
    for c in pii if isinstance(pii, list) else []:
        claim_col(c, _line(spec, "pii"), "pii")
    for c in segs if isinstance(segs, list) else []:
        claim_col(c, _line(spec, "segments"), "segment")

    # hierarchy
    hierarchy = None
    h = spec.get("hierarchy")
    if h is not None:
        hierarchy = _hierarchy(h, pr, spec, dims, outcomes, kpis)

    # a missing code must not be a valid answer on any scale in use
    scales_in_use = {}
    for sc_ in [default_scale] + [b.scale for b in blocks] + [it.scale for d in dims for it in d.items] + \
            [it.scale for it in list(outcomes) + list(checks)]:
        if sc_ is not None:
            scales_in_use[(sc_.min, sc_.max, sc_.integer)] = sc_
    for m in mc:
        for sc_ in scales_in_use.values():
            if _num(m) and sc_.min <= m <= sc_.max and (not sc_.integer or float(m).is_integer()):
                pr.err(
                    _line(spec, "missing_codes"),
                    f"missing code {_fmt(m)} is a valid answer on the scale {_fmt(sc_.min)}..{_fmt(sc_.max)}; "
                    "choose a code outside every scale in use (e.g. 99 or -99)",
                )
                break

    kano_features, kano_answers = _kano(spec.get("kano"), pr, _line(spec, "kano"), claim_id, claim_col)

    langs = spec.get("languages", list(LANGS))
    if not isinstance(langs, list) or any(x not in LANGS for x in langs):
        pr.err(_line(spec, "languages"), f"languages must be a list drawn from zh, en; got {langs!r}")
        langs = list(LANGS)
    version = spec.get("version")
    pr.raise_if_any()
    return Instrument(
        id=iid, scale=default_scale, dimensions=tuple(dims), version=None if version is None else str(version),
        title=_text(spec.get("title"), pr, 1, "title"), instructions=_text(spec.get("instructions"), pr, 1, "instructions"),
        citation=spec.get("citation"), languages=tuple(langs), missing_codes=tuple(mc), blocks=tuple(blocks),
        analysis_block=analysis_block, outcomes=outcomes, attention_checks=checks, kpis=tuple(kpis), hierarchy=hierarchy,
        respondent_id=rid, duration_column=dcol, duration_unit=dunit, min_duration=dmin, pii=tuple(pii), segments=tuple(segs),
        scales=tuple(named.items()), kano_features=kano_features, kano_answers=kano_answers, source=source,
    )


def _kano(k, pr: _Problems, line: int, claim_id, claim_col):
    if k is None:
        return (), ()
    if not isinstance(k, dict):
        pr.err(line, "kano must be a mapping with 'answers' and 'features'")
        return (), ()
    for key in k:
        if key not in ("answers", "features"):
            pr.err(_line(k, key), f"kano: unknown key {key!r}; allowed: answers, features")
    ans = k.get("answers") or {a: a.replace("_", "-") for a in KANO_ANSWERS}
    answers = []
    if not isinstance(ans, dict):
        pr.err(_line(k, "answers"), "kano answers must map like, must_be, neutral, live_with, dislike to their codes in the data")
    else:
        for a in ans:
            if a not in KANO_ANSWERS:
                pr.err(_line(ans, a), f"kano answers: unknown answer {a!r}; the five Kano answers are {', '.join(KANO_ANSWERS)}")
        for a in KANO_ANSWERS:
            if a not in ans:
                pr.err(_line(ans) or line, f"kano answers: the code of {a!r} is missing")
            else:
                answers.append((a, ans[a]))
        codes = [c for _, c in answers]
        if len(set(map(str, codes))) != len(codes):
            pr.err(_line(ans) or line, f"kano answers: two answers share one code ({codes})")
    feats = []
    fl = k.get("features")
    if not isinstance(fl, list) or not fl:
        pr.err(_line(k, "features") or line, "kano needs a non-empty list of features {id, functional, dysfunctional}")
        fl = []
    for f, fline in zip(fl, getattr(fl, "item_lines", [line] * len(fl))):
        if not isinstance(f, dict):
            pr.err(fline, f"a Kano feature must be a mapping, got {f!r}")
            continue
        fid = _check_id(f.get("id"), pr, fline, "a Kano feature")
        claim_id(fid, fline, "Kano feature")
        fc, dc = f.get("functional"), f.get("dysfunctional")
        if not isinstance(fc, str) or not isinstance(dc, str):
            pr.err(fline, f"Kano feature {fid!r} needs 'functional' and 'dysfunctional' column names")
            continue
        claim_col(fc, fline, f"Kano feature {fid} functional")
        claim_col(dc, fline, f"Kano feature {fid} dysfunctional")
        feats.append(KanoFeature(id=fid or "", functional=fc, dysfunctional=dc, text=_text(f.get("text"), pr, fline, "Kano feature text"), line=fline))
    return tuple(feats), tuple(answers)


def _hierarchy(h, pr: _Problems, spec, dims, outcomes, kpis) -> Hierarchy | None:
    hl = _line(spec, "hierarchy")
    if not isinstance(h, dict):
        pr.err(hl, "hierarchy must be a mapping with goal and criteria")
        return None
    goal = h.get("goal")
    goal_id = "goal"
    if isinstance(goal, dict) and "id" in goal:
        goal_id = str(goal["id"])
        goal_text = _text(goal.get("name"), pr, _line(h, "goal"), "hierarchy goal")
    else:
        goal_text = _text(goal, pr, _line(h, "goal"), "hierarchy goal")
    dim_ids = {d.id for d in dims}
    item_ids = {it.id for d in dims for it in d.items} | {o.id for o in outcomes}
    kpi_ids = {k.id for k in kpis}
    crit = []
    cl = h.get("criteria")
    if not isinstance(cl, list) or not cl:
        pr.err(_line(h, "criteria") or hl, "hierarchy needs a non-empty list of criteria")
        return None
    seen = {}
    for c, cline in zip(cl, getattr(cl, "item_lines", [hl] * len(cl))):
        if not isinstance(c, dict):
            pr.err(cline, f"a criterion must be a mapping with id and indicators, got {c!r}")
            continue
        cid = _check_id(c.get("id"), pr, cline, "a criterion")
        if cid in seen:
            pr.err(cline, f"duplicate criterion id {cid!r}; first at line {seen[cid]}")
        seen[cid] = cline
        inds = []
        il = c.get("indicators")
        if not isinstance(il, list) or not il:
            pr.err(_line(c, "indicators") or cline, f"criterion {cid!r} needs a list of indicators")
            il = []
        for ind, iline in zip(il, getattr(il, "item_lines", [cline] * len(il))):
            if isinstance(ind, str):
                ind = {"dimension": ind} if ind in dim_ids else {"kpi": ind} if ind in kpi_ids else {"item": ind}
            if not isinstance(ind, dict):
                pr.err(iline, f"criterion {cid!r}: an indicator is {{item: id}}, {{dimension: id}} or {{kpi: id}}, got {ind!r}")
                continue
            kinds = [k for k in ("item", "dimension", "kpi") if k in ind]
            if len(kinds) != 1:
                pr.err(_line(ind) or iline, f"criterion {cid!r}: an indicator names exactly one of item, dimension, kpi; got {dict(ind)!r}")
                continue
            kind = kinds[0]
            ref = str(ind[kind])
            known = {"item": item_ids, "dimension": dim_ids, "kpi": kpi_ids}[kind]
            if ref not in known:
                pr.err(_line(ind, kind) or iline, f"criterion {cid!r}: unknown {kind} {ref!r}; known: {', '.join(sorted(known)) or 'none'}")
            inds.append(Indicator(kind=kind, ref=ref, name=_text(ind.get("name"), pr, iline, "indicator name"), line=iline))
        crit.append(Criterion(id=cid or "", name=_text(c.get("name"), pr, cline, f"criterion {cid} name"), indicators=tuple(inds), line=cline))
    return Hierarchy(goal=goal_text, criteria=tuple(crit), goal_id=goal_id)


def iter_question_columns(instrument: Instrument) -> Iterable[tuple]:
    """(column, item, block_id) of every answer column, in questionnaire order."""
    bids = [b.id for b in instrument.blocks] or [""]
    for bid in bids:
        for it in instrument.items:
            yield it.column(bid), it, bid
    for it in list(instrument.outcomes) + list(instrument.attention_checks):
        yield it.column(), it, ""
