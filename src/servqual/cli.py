"""The ``servqual`` command line.

Bad input (unreadable file, wrong encoding, invalid questionnaire, invalid data) exits with code 2 and a
short message naming the problem and where it is; ``--debug`` shows the Python traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .exceptions import ServqualError

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


class CLIError(ServqualError):
    """A usage problem detected by the command line."""


def _survey_and_data(args):
    """Resolve --survey / --data / --dataset into (instrument, data path)."""
    from .datasets import dataset_path
    from .instrument import load_instrument

    if getattr(args, "dataset", None):
        if args.data or args.survey:
            raise CLIError("give either --dataset NAME or --survey/--data, not both")
        return load_instrument(args.dataset), dataset_path(args.dataset)
    if not args.survey or not args.data:
        raise CLIError("give --survey SURVEY.yaml and --data DATA (or --dataset NAME for a bundled data set)")
    return load_instrument(args.survey), Path(args.data)


def _add_data_args(p, dataset=True):
    p.add_argument("--survey", "-s", help="questionnaire YAML file (or a bundled questionnaire name)")
    p.add_argument("--data", "-d", help="data file: .csv (UTF-8 or GBK), .xlsx or .sav")
    if dataset:
        p.add_argument("--dataset", help="a bundled real data set instead of --survey/--data (see `servqual datasets`)")
    p.add_argument("--encoding", help="text encoding of a CSV file (default: detected; e.g. utf-8, gbk)")
    p.add_argument("--sheet", help="Excel sheet name or number (default: the first)")


def _sheet(v):
    if v is None:
        return None
    return int(v) if str(v).isdigit() else v


def _print(text: str):
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --------------------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------------------
def cmd_survey(args):
    from . import questionnaire as q
    from .instrument import load_instrument

    inst = load_instrument(args.survey)
    out = Path(args.output)
    if args.survey_command == "render":
        q.write_questionnaire(inst, out, lang=args.lang, format=args.format)
    elif args.survey_command == "codebook":
        q.write_codebook(inst, out)
    elif args.survey_command == "template":
        q.write_template(inst, out)
    elif args.survey_command == "xlsform":
        q.write_xlsform(inst, out)
    elif args.survey_command == "check":
        _print(inst.summary())
        return EXIT_OK
    _print(f"wrote {out}")
    return EXIT_OK


def cmd_validate(args):
    from .io import read_responses

    inst, path = _survey_and_data(args)
    problems = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet), errors="report")
    if args.output:
        problems.to_csv(args.output, index=False, encoding="utf-8-sig")
    if len(problems) == 0:
        _print(f"{path}: OK - every answer agrees with questionnaire {inst.id!r}.")
        return EXIT_OK
    from .io import _format_problems

    _print(_format_problems(problems, str(path), max_listed=args.max_listed))
    if args.output:
        _print(f"the full problem table: {args.output}")
    return EXIT_BAD_INPUT


def cmd_screen(args):
    from .io import read_responses
    from .screening import screen

    inst, path = _survey_and_data(args)
    resp = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    exclude = [r.strip() for r in args.exclude.split(",") if r.strip()] if args.exclude else None
    res = screen(resp, inst, exclude=exclude, min_duration=args.min_duration)
    _print(resp.summary())
    _print("")
    _print(res.summary())
    if args.output:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        flags = res.flags.drop(columns=[c for c in inst.pii if c in res.flags.columns])
        flags.to_csv(out, index=False, encoding="utf-8-sig")
        _print(f"wrote {out} ({len(flags)} respondents)")
    return EXIT_OK


def cmd_datasets(args):
    from .datasets import list_datasets

    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_colwidth", 90):
        _print(list_datasets().to_string(index=False))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="servqual",
        description="Service-quality research: questionnaires, data checks, reliability and validity, weights, gaps, reports.",
    )
    p.add_argument("--version", action="version", version=f"servqual {__version__}")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("survey", help="questionnaire outputs: printable form, codebook, template, XLSForm")
    ss = s.add_subparsers(dest="survey_command", metavar="SUBCOMMAND")
    r = ss.add_parser("render", help="printable questionnaire (Markdown or HTML, zh or en)")
    r.add_argument("survey")
    r.add_argument("--lang", choices=["zh", "en"], default="zh")
    r.add_argument("--format", choices=["md", "html"], default=None, help="default: from the output file's suffix")
    r.add_argument("-o", "--output", required=True)
    for name, hlp in (("codebook", "codebook (.csv or .md)"), ("template", "blank response template (.csv or .xlsx)"),
                      ("xlsform", "XLSForm (.xlsx) for ODK / KoboToolbox / SurveyCTO")):
        c = ss.add_parser(name, help=hlp)
        c.add_argument("survey")
        c.add_argument("-o", "--output", required=True)
    c = ss.add_parser("check", help="load and validate a questionnaire file, print its structure")
    c.add_argument("survey")
    c.set_defaults(output="-")
    s.set_defaults(func=cmd_survey)

    v = sub.add_parser("validate", help="check every answer of a data file against the questionnaire (exit 0 when clean)")
    _add_data_args(v)
    v.add_argument("-o", "--output", help="write the full problem table (.csv)")
    v.add_argument("--max-listed", type=int, default=10, help="problems listed on screen (default 10)")
    v.set_defaults(func=cmd_validate)

    sc = sub.add_parser("screen", help="screen careless responses: one row of flags per respondent")
    _add_data_args(sc)
    sc.add_argument("-o", "--output", help="flags table (.csv)")
    sc.add_argument("--exclude", help="comma-separated exclusion rules, e.g. straightlining,attention,too_fast")
    sc.add_argument("--min-duration", type=float, help="minimum completion time (unit of the duration column)")
    sc.set_defaults(func=cmd_screen)

    d = sub.add_parser("datasets", help="list the bundled real data sets")
    d.set_defaults(func=cmd_datasets)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return p


_EXTRA_COMMANDS: list = []


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None) or (args.command == "survey" and not args.survey_command):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return args.func(args)
    except (ServqualError, FileNotFoundError, PermissionError, KeyError) as e:
        if args.debug:
            raise
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        sys.stderr.write(f"servqual {args.command}: {msg}\n")
        return EXIT_BAD_INPUT
    except ValueError as e:
        if args.debug:
            raise
        sys.stderr.write(f"servqual {args.command}: {e}\n(run again with --debug for details)\n")
        return EXIT_BAD_INPUT



def _json_default(o):  # used by commands that write results.json
    import numpy as np

    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    return str(o)


def write_json(obj, path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
