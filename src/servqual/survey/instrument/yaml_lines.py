"""YAML read with line numbers, so that every problem in a questionnaire names its line.

:class:`LineLoader` is a safe loader (``!!python/...`` tags are refused) whose mappings and lists remember
the line each key or element stands on; :func:`line_of` asks them.
"""

from __future__ import annotations

import yaml

__all__ = ["LineLoader", "LineMap", "LineSeq", "line_of", "with_lines"]


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


class LineLoader(yaml.SafeLoader):
    """SafeLoader that records line numbers. Python tags (``!!python/...``) are rejected as by SafeLoader."""


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    m = LineMap()
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
    s = LineSeq(loader.construct_object(child, deep=True) for child in node.value)
    s.line = node.start_mark.line + 1
    s.item_lines = [child.start_mark.line + 1 for child in node.value]
    return s


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def line_of(obj, key=None) -> int:
    """The YAML line of a mapping or list read by :class:`LineLoader` (of ``key`` in a mapping); 0 when unknown.

    >>> spec = yaml.load("id: s\\nscale:\\n  min: 1\\n  max: 5\\n", Loader=LineLoader)  # noqa: S506
    >>> line_of(spec, "scale"), line_of(spec["scale"], "max"), line_of({"a": 1}, "a")
    (2, 4, 0)
    """
    if isinstance(obj, LineMap):
        return obj.line_of(key) if key is not None else obj.line
    if isinstance(obj, LineSeq):
        return obj.line
    return 0


def with_lines(seq, default: int = 0):
    """``(element, line)`` pairs of a YAML list (``default`` as the line of a list built in Python)."""
    return zip(seq, getattr(seq, "item_lines", [default] * len(seq)))
