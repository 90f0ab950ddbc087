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

=========================  ==========================================================================
module                     what
=========================  ==========================================================================
:mod:`.model`              the frozen dataclasses (:class:`Instrument`, :class:`Scale`, :class:`Item` ...)
:mod:`.loader`             :func:`load_instrument`, :func:`as_instrument`: file, YAML, every check
:mod:`.yaml_lines`         YAML with the line of every key and element
:mod:`.problems`           collecting problems; ids and columns used once; text and id values
:mod:`.checks_scales`      scales, labels, missing codes, one scale for expectation and perception
:mod:`.checks_blocks`      blocks, their roles and column templates, the analysis block
:mod:`.checks_dimensions`  dimensions, measurement (reflective / formative), items per dimension
:mod:`.checks_items`       questions: reverse keys, data columns, outcome kinds, attention checks
:mod:`.checks_kpis`        objective KPIs: direction and target
:mod:`.checks_columns`     respondent id, completion time, PII and segment columns
:mod:`.checks_kano`        Kano answers and features
:mod:`.checks_hierarchy`   goal -> criteria -> indicators
=========================  ==========================================================================

Examples
--------
>>> import servqual as sq
>>> inst = sq.load_instrument("kiosk")
>>> inst
<Instrument 'kiosk_kservqual': 8 dimensions, 24 items>
>>> [b.role for b in inst.blocks]
['expectation', 'perception', 'importance', 'performance']
"""

from servqual._text import Text
from servqual.survey.instrument.loader import as_instrument, build_instrument, load_instrument
from servqual.survey.instrument.model import (
    BLOCK_ROLES,
    DIRECTIONS,
    KANO_ANSWERS,
    KPI,
    OUTCOME_KINDS,
    TARGET_OPS,
    Block,
    Criterion,
    Dimension,
    Hierarchy,
    Indicator,
    Instrument,
    Item,
    KanoFeature,
    Scale,
    format_number,
    iter_question_columns,
)

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
    "build_instrument",
    "BLOCK_ROLES",
    "OUTCOME_KINDS",
    "DIRECTIONS",
    "TARGET_OPS",
    "format_number",
    "iter_question_columns",
]
