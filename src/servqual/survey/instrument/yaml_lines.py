"""YAML read with line numbers, so that every problem in a questionnaire names its line.

:class:`LineLoader` is a safe loader (``!!python/...`` tags and unknown tags such as ``!include`` are
refused) whose mappings and lists remember the line each key or element stands on; :func:`line_of` asks
them. A key stated twice in one mapping is refused (:func:`servqual._safeio.check_unique_keys`), while
the keys that a merge key ``<<:`` brings in may be overridden. A value that cannot be read as its type
(``!!int foo``, an integer of thousands of digits) is refused with its line instead of raising a Python
error. The loader is meant to be run through :func:`servqual._safeio.safe_yaml_load`, which bounds
size, nesting and alias expansion before anything is built.
"""

from __future__ import annotations

import yaml

from servqual._safeio import check_unique_keys

__all__ = ["LineLoader", "LineMap", "LineSeq", "line_of", "with_lines", "MAX_INTEGER_CHARS"]

#: The longest integer a questionnaire may write, in characters (digits, sign, ``0x``, ``_``, ``:``).
#: Longer integers are refused before they are converted (Python's conversion of very long numbers
#: is slow and refused beyond 4,300 digits), and so are those that do not fit a floating-point number.
MAX_INTEGER_CHARS = 300


class LineMap(dict):
    """A dict that remembers the YAML line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineSeq(list):
    """A list that remembers the YAML line of itself and of each element (1-based)."""

    line: int = 0
    item_lines: list


def _unreadable(node) -> str:
    """Why the scalar ``node`` cannot be read as its tag says."""
    value = node.value if isinstance(node.value, str) else ""
    shown = value if len(value) <= 40 else value[:40] + "..."
    return f"the value {shown!r} cannot be read as !!{node.tag.rsplit(':', 1)[-1]}; remove the tag or correct the value"


class LineLoader(yaml.SafeLoader):
    """SafeLoader that records line numbers. Python tags (``!!python/...``) are rejected as by SafeLoader.

    A scalar whose value does not fit its type raises a :class:`yaml.constructor.ConstructorError` at
    its line (never a ``ValueError`` or ``OverflowError``).
    """

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError):
            raise yaml.constructor.ConstructorError(None, None, _unreadable(node), node.start_mark) from None


def _construct_int(loader, node):
    value = node.value
    if len(value) > MAX_INTEGER_CHARS:
        raise yaml.constructor.ConstructorError(
            None, None, f"the integer {value[:12]}... is {len(value):,} characters long, over the limit of "
            f"{MAX_INTEGER_CHARS}; a questionnaire's numbers (scale points, codes, targets) are short", node.start_mark)
    number = loader.construct_yaml_int(node)
    try:
        float(number)
    except OverflowError:
        raise yaml.constructor.ConstructorError(
            None, None, f"the integer {value[:12]}... is too large to be used as a number; write a smaller number",
            node.start_mark) from None
    return number


def _construct_map(loader, node):
    check_unique_keys(loader, node)  # before the merge keys are flattened: merged keys may be overridden
    loader.flatten_mapping(node)
    m = LineMap()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    for key_node, value_node in node.value:  # merged keys first, then the mapping's own keys
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        m[key] = loader.construct_object(value_node, deep=True)
        m.key_lines[key] = key_node.start_mark.line + 1
    return m


def _construct_seq(loader, node):
    s = LineSeq(loader.construct_object(child, deep=True) for child in node.value)
    s.line = node.start_mark.line + 1
    s.item_lines = [child.start_mark.line + 1 for child in node.value]
    return s


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def line_of(obj, key=None) -> int:
    """The YAML line of a mapping or list read by :class:`LineLoader` (of ``key`` in a mapping); 0 when unknown.

    >>> spec = yaml.load("id: s\\nscale:\\n  min: 1\\n  max: 5\\n", Loader=LineLoader)  # noqa: S506
    >>> line_of(spec, "scale"), line_of(spec["scale"], "max"), line_of({"a": 1}, "a")
    (2, 4, 0)
    >>> base = yaml.load("likert: &l {min: 1, max: 5}\\nscale:\\n  <<: *l\\n  max: 7\\n", Loader=LineLoader)  # noqa: S506
    >>> base["scale"], line_of(base["scale"], "min"), line_of(base["scale"], "max")
    ({'min': 1, 'max': 7}, 1, 4)
    """
    if isinstance(obj, LineMap):
        return obj.line_of(key) if key is not None else obj.line
    if isinstance(obj, LineSeq):
        return obj.line
    return 0


def with_lines(seq, default: int = 0):
    """``(element, line)`` pairs of a YAML list (``default`` as the line of a list built in Python)."""
    return zip(seq, getattr(seq, "item_lines", [default] * len(seq)))
