"""Loading a questionnaire: finding the file, reading YAML with line numbers, running every check, building
the :class:`~servqual.survey.instrument.model.Instrument`.

The file goes through the guarded reader of :mod:`servqual._safeio` before anything is built: what is
not a regular file (a folder, a FIFO, ``/dev/zero``) is refused without being opened, a file over
:data:`~servqual._safeio.MAX_YAML_BYTES` is refused from its size, the text must be UTF-8 (or GBK) in
one encoding, and :func:`~servqual._safeio.safe_yaml_load` refuses nesting deeper than
:data:`~servqual._safeio.MAX_YAML_DEPTH` and aliases that expand to more than
:data:`~servqual._safeio.MAX_YAML_ALIASES` nodes (an alias bomb). Each limit is a keyword of
:func:`load_instrument` and :func:`parse_yaml_text`.

:func:`build_instrument` runs the checks topic by topic (each in its ``checks_*`` module: scales and
missing codes, blocks, dimensions, items, KPIs, special columns, Kano, hierarchy), collects every problem
and raises one :class:`~servqual.exceptions.InstrumentError` listing them all with their lines.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from servqual._resources import resolve_survey
from servqual._safeio import (
    MAX_YAML_ALIASES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    decode_text,
    read_input_bytes,
    safe_yaml_load,
)
from servqual._text import LANGS
from servqual.exceptions import InstrumentError
from servqual.survey.instrument.checks_blocks import parse_blocks
from servqual.survey.instrument.checks_columns import parse_special_columns
from servqual.survey.instrument.checks_dimensions import parse_dimensions
from servqual.survey.instrument.checks_hierarchy import parse_hierarchy
from servqual.survey.instrument.checks_structure import parse_structure
from servqual.survey.instrument.checks_items import check_attention_positions, parse_item_list, parse_outcomes
from servqual.survey.instrument.checks_kano import parse_kano
from servqual.survey.instrument.checks_kpis import parse_kpis
from servqual.survey.instrument.checks_scales import (
    check_codes,
    check_gap_scales,
    parse_code_list,
    parse_default_scale,
    parse_missing_codes,
    parse_named_scales,
)
from servqual.survey.instrument.model import Instrument
from servqual.survey.instrument.problems import Claims, Context, Problems, check_id, parse_text
from servqual.survey.instrument.yaml_lines import LineLoader, line_of

__all__ = ["load_instrument", "as_instrument", "parse_yaml_text", "build_instrument", "TOP_KEYS"]

#: The keys a questionnaire file may have at its top level.
TOP_KEYS = {
    "id", "version", "title", "instructions", "citation", "languages", "scale", "scales", "missing_codes", "not_applicable",
    "dimensions", "blocks", "analysis_block", "outcomes", "attention_checks", "kpis", "hierarchy", "structure",
    "respondent_id", "duration", "pii", "segments", "description", "notes", "source", "license", "data", "kano",
}


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


def load_instrument(path, *, max_bytes: int | None = MAX_YAML_BYTES, max_depth: int = MAX_YAML_DEPTH,
                    max_aliases: int = MAX_YAML_ALIASES) -> Instrument:
    """Load and validate a questionnaire YAML file.

    Parameters
    ----------
    path : str or pathlib.Path
        A YAML file, or the name of a questionnaire shipped with servqual (``"servqual22"``,
        ``"after_sales_service_quality"``) or of a bundled data set (``"mobi"``, ``"kiosk"``, ...;
        see :func:`servqual.list_datasets`).
    max_bytes : int or None
        The largest file read, in bytes (default 1 MiB, :data:`servqual._safeio.MAX_YAML_BYTES`);
        ``None`` for no limit.
    max_depth : int
        The deepest nesting of YAML mappings and lists (default 50).
    max_aliases : int
        The most YAML nodes reached through aliases (``*name``), counted as they are expanded
        (default 10,000).

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        Listing every problem as ``file:line: message`` (duplicate ids and keys, unknown references,
        bad scales, E/P blocks that do not pair up, a dimension with fewer than 2 items, unsafe or
        unknown YAML tags, control characters in texts, numbers that are not finite).
    InputFileError
        The file is refused before it is built: not a regular file (a folder, a FIFO, a device), over
        ``max_bytes``, not UTF-8 or GBK text (naming the line), nested deeper than ``max_depth`` or
        expanding its aliases beyond ``max_aliases`` (naming the line).

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
    >>> sq.load_instrument("servqual22", max_bytes=1000)
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the questionnaire file .../servqual22.yaml is ... bytes, over the limit of 1,000 bytes for a questionnaire file; pass a larger max_bytes= to raise the limit
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
    raw_bytes = read_input_bytes(p, "questionnaire", max_bytes)
    text = decode_text(raw_bytes, name=str(p), kind="questionnaire", fallbacks=("gb18030",)).text
    return parse_yaml_text(text, str(p), max_bytes=None, max_depth=max_depth, max_aliases=max_aliases)


def _reader_problem(e: yaml.reader.ReaderError, text: str) -> tuple:
    """``(line, message)`` for a character that YAML does not accept (a control character)."""
    code = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "\0")
    at = text.find(chr(code))
    line = text.count("\n", 0, at) + 1 if at >= 0 else 0
    what = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    return line, f"the file holds the {what} U+{code:04X}, which YAML does not allow; remove it"


def parse_yaml_text(text: str, source: str, *, max_bytes: int | None = MAX_YAML_BYTES, max_depth: int = MAX_YAML_DEPTH,
                    max_aliases: int = MAX_YAML_ALIASES) -> Instrument:
    """Parse the YAML text of a questionnaire (``source`` names it in messages) and build the instrument.

    The limits are those of :func:`load_instrument` (``max_bytes`` applies to the text in UTF-8).

    Examples
    --------
    >>> inst = parse_yaml_text("scales:\\n  agree: &agree {min: 1, max: 5}\\nid: s\\nscale:\\n  <<: *agree\\n  max: 7\\n"
    ...                        "dimensions:\\n  - {id: d, items: [a, b, c]}\\n", "<text>")
    >>> inst.scale.min, inst.scale.max
    (1, 7)
    >>> parse_yaml_text("id: s\\nnotes: " + "[" * 60 + "]" * 60 + "\\n", "<text>")
    Traceback (most recent call last):
    ...
    servqual.exceptions.InputFileError: the YAML <text> nests deeper than 50 levels (line 2); pass a larger max_depth= to raise the limit
    """
    try:
        spec = safe_yaml_load(text, max_bytes, max_depth, max_aliases, loader=LineLoader, name=source)
    except yaml.reader.ReaderError as e:
        line, prob = _reader_problem(e, text)
        where = f"{source}:{line}" if line else source
        raise InstrumentError(f"{where}: {prob}.") from None
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        prob = str(e.problem)
        if "could not determine a constructor" in prob:
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
    return build_instrument(spec, source, stacklevel=6)


def build_instrument(spec: dict, source: str, stacklevel: int = 4) -> Instrument:
    """Check a questionnaire given as a mapping and build it; raise :class:`InstrumentError` listing every problem.

    Examples
    --------
    >>> build_instrument({"id": "s", "scale": {"min": 1, "max": 5},
    ...                   "dimensions": [{"id": "d", "items": ["a", "c", {"id": "b", "reverse": "yes"}]}]}, "<dict>")
    Traceback (most recent call last):
    ...
    servqual.exceptions.InstrumentError: <dict>: 1 problem(s) in the questionnaire:
      <dict>: item 'b': reverse must be true or false, got 'yes'
    """
    pr = Problems(source, stacklevel=stacklevel)
    for k in spec:
        if k not in TOP_KEYS:
            pr.err(line_of(spec, k), f"unknown top-level key {k!r}; allowed: {', '.join(sorted(TOP_KEYS))}")
    iid = check_id(spec.get("id"), pr, line_of(spec, "id") or 1, "the questionnaire")
    named = parse_named_scales(spec, pr)
    default_scale = parse_default_scale(spec, pr, named)
    mc = parse_missing_codes(spec, pr)
    na = parse_code_list(spec, "not_applicable", pr) or ()
    blocks, analysis_block = parse_blocks(spec, pr, named)
    check_gap_scales(blocks, pr, default_scale)

    ctx = Context(pr=pr, claims=Claims(pr), named=named, blocks=blocks, default_scale=default_scale)
    dims = parse_dimensions(ctx, spec)
    outcomes, constructs = parse_outcomes(ctx, spec, "outcomes", "outcome", "outcome")
    checks = parse_item_list(ctx, spec, "attention_checks", "attention", "attention check")
    check_attention_positions(ctx, checks, dims)
    kpis = parse_kpis(ctx, spec)
    cols = parse_special_columns(ctx, spec)
    hierarchy = parse_hierarchy(ctx, spec, dims, outcomes, kpis)
    structure = parse_structure(ctx, spec, dims, outcomes, constructs)
    kano_features, kano_answers = parse_kano(ctx, spec.get("kano"), line_of(spec, "kano"))

    langs = spec.get("languages", list(LANGS))
    if not isinstance(langs, list) or any(x not in LANGS for x in langs):
        pr.err(line_of(spec, "languages"), f"languages must be a list drawn from zh, en; got {langs!r}")
        langs = list(LANGS)
    version = spec.get("version")
    title = parse_text(spec.get("title"), pr, line_of(spec, "title") or 1, "title")
    instructions = parse_text(spec.get("instructions"), pr, line_of(spec, "instructions") or 1, "instructions")
    pr.raise_if_any()
    inst = Instrument(
        id=iid, scale=default_scale, dimensions=tuple(dims), version=None if version is None else str(version),
        title=title, instructions=instructions,
        citation=spec.get("citation"), languages=tuple(langs), missing_codes=tuple(mc), blocks=tuple(blocks),
        analysis_block=analysis_block, outcomes=outcomes, attention_checks=checks, kpis=tuple(kpis), hierarchy=hierarchy, structure=structure,
        respondent_id=cols.respondent_id, duration_column=cols.duration_column, duration_unit=cols.duration_unit,
        min_duration=cols.min_duration, pii=tuple(cols.pii), segments=tuple(cols.segments),
        scales=tuple(named.items()), kano_features=kano_features, kano_answers=kano_answers, source=source,
        not_applicable=tuple(na), outcome_constructs=constructs, duration_missing_codes=cols.duration_missing_codes,
        segment_missing_codes=cols.segment_missing_codes,
    )
    own = {it.id: it.line for it in inst.all_questions
           if it.missing_codes is not None or it.not_applicable is not None}
    for d in list(inst.dimensions) + list(inst.outcome_constructs):
        if d.missing_codes is not None or d.not_applicable is not None:
            own.update({it.id: d.line for it in d.items if it.id not in own})
    check_codes(inst, pr, line_of(spec, "missing_codes") or line_of(spec, "not_applicable") or 1, own)
    pr.raise_if_any()
    return inst
