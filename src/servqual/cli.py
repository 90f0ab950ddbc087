"""The ``servqual`` command line.

Bad input (unreadable file, wrong encoding, invalid questionnaire, invalid data) exits with code 2 and a
short message naming the problem and where it is; ``--debug`` shows the Python traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from servqual._version import __version__
from servqual.exceptions import CLIError, ServqualError

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


def _survey_and_data(args):
    """Resolve --survey / --data / --dataset into (instrument, data path)."""
    from servqual.survey.datasets import dataset_path
    from servqual.survey.instrument import load_instrument

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
    from servqual.survey import forms as q
    from servqual.survey.instrument import load_instrument

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
    from servqual.survey.io import check_responses

    inst, path = _survey_and_data(args)
    problems = check_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    if args.output:
        problems.to_csv(args.output, index=False, encoding="utf-8-sig")
    if len(problems) == 0:
        _print(f"{path}: OK - every answer agrees with questionnaire {inst.id!r}.")
        return EXIT_OK
    from servqual.survey.io import format_problems

    _print(format_problems(problems, str(path), max_listed=args.max_listed))
    if args.output:
        _print(f"the full problem table: {args.output}")
    return EXIT_BAD_INPUT


def cmd_screen(args):
    from servqual.survey.io import read_responses
    from servqual.survey.screening import screen

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


def cmd_analyze(args):
    from servqual.survey.io import read_responses
    from servqual.psychometrics.measurement import measurement_report

    inst, path = _survey_and_data(args)
    resp = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    rep = measurement_report(resp, inst, block=args.block, seed=args.seed, htmt_boot=args.htmt_boot)
    _print(rep.summary(decimals=3))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    doc = {"servqual_version": __version__, "survey": inst.id, "survey_file": inst.source, "data_file": str(path)}
    doc.update(rep.to_json_dict())
    write_json(doc, out / "results.json")
    for name, df in rep.tables().items():
        fname = "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")
        df.to_csv(out / f"{fname}.csv", index=not isinstance(df.index, __import__("pandas").RangeIndex), encoding="utf-8-sig")
    _print(f"\nwrote {out / 'results.json'} and {len(rep.tables())} tables (.csv) in {out}")
    return EXIT_OK


def _write_tables(args, tables: dict, doc: dict):
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() == ".json":
            write_json(doc, out)
        elif out.suffix.lower() == ".csv":
            out.parent.mkdir(parents=True, exist_ok=True)
            next(iter(tables.values())).to_csv(out, encoding="utf-8-sig")
        else:
            raise CLIError(f"{out}: write .json or .csv")
        _print(f"wrote {out}")


def cmd_ahp(args):
    import pandas as pd

    from servqual.decision.weights import ahp, ahp_inconsistency, read_pairwise_matrix

    m = read_pairwise_matrix(args.matrix)
    res = ahp(m, method=args.method, ri=args.ri)
    _print(f"AHP of {args.matrix} ({res.method}; RI table {res.ri_table})")
    with pd.option_context("display.width", 160):
        _print(res.weights.to_frame("weight").assign(rank=res.weights.rank(ascending=False, method="min").astype(int)).to_string())
    _print(f"lambda_max = {res.lambda_max:.4f}, CI = {res.ci:.4f}, RI = {res.ri:.4f}, CR = {res.cr:.4f} -> "
           + ("consistent (CR < 0.10)" if res.consistent else "NOT consistent (CR >= 0.10): revise the judgements below"))
    inc = None
    if not res.consistent and len(m) > 2:
        inc = ahp_inconsistency(res)
        _print(inc.head(5).to_string(index=False))
    doc = {"weights": {k: float(v) for k, v in res.weights.items()}, "lambda_max": res.lambda_max, "ci": res.ci,
           "ri": res.ri, "cr": res.cr, "consistent": bool(res.consistent), "method": res.method, "ri_table": res.ri_table}
    if inc is not None:
        doc["inconsistency"] = inc.to_dict(orient="records")
    _write_tables(args, {"weights": res.weights.to_frame("weight")}, doc)
    return EXIT_OK if res.consistent or not args.strict else EXIT_PROBLEMS


def cmd_weights(args):
    import pandas as pd

    from servqual.decision.weights import OBJECTIVE_METHODS, objective_weights

    if args.method not in OBJECTIVE_METHODS:
        raise CLIError(f"--method {args.method!r} is not a weighting method; choose one of {', '.join(OBJECTIVE_METHODS)}")
    directions = {}
    if args.survey:
        from servqual.survey.io import read_responses

        inst, path = _survey_and_data(args)
        df = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet)).data
        kpi_cols = [c for c in inst.directions() if c in df.columns]
        level = args.level or ("kpis" if kpi_cols else "items")
        if level == "kpis":
            if not kpi_cols:
                raise CLIError(f"questionnaire {inst.id!r} declares no KPI columns present in {path}; use --level items or dimensions")
            x = df[kpi_cols]
            directions = {c: d for c, d in inst.directions().items() if c in kpi_cols}
        elif level == "dimensions":
            model = inst.model()
            x = pd.DataFrame({d: df[cols].mean(axis=1, skipna=False) for d, cols in model.items()})
        else:
            x = df[list(inst.columns().values())]
    else:
        from servqual.survey.io import read_table

        if not args.data:
            raise CLIError("give --data DATA (alternatives x indicators), optionally with --survey SURVEY")
        path = Path(args.data)
        df = read_table(path, encoding=args.encoding, sheet=_sheet(args.sheet))[0]
        if args.index:
            if args.index not in df.columns:
                raise CLIError(f"{path}: no column {args.index!r} for --index")
            df = df.set_index(args.index)
        bad = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
        if bad:
            raise CLIError(f"{path}: non-numeric column(s) {', '.join(map(str, bad))}; name the label column with --index "
                           "or remove text columns")
        x = df
    for c in (args.cost or "").split(","):
        if c.strip():
            if c.strip() not in x.columns:
                raise CLIError(f"--cost names {c.strip()!r}, which is not an indicator column")
            directions[c.strip()] = "lower_is_better"
    res = objective_weights(x, method=args.method, directions=directions or None)
    _print(res.summary())
    doc = {"method": args.method, "n": res.n, "weights": {str(k): float(v) for k, v in res.weights.items()},
           "table": res.table.to_dict(orient="records")}
    _write_tables(args, {"weights": res.table}, doc)
    return EXIT_OK


def cmd_report(args):
    from servqual.reporting.study import run_study

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if args.dataset:
        if args.data or args.survey:
            raise CLIError("give either --dataset NAME or --survey/--data, not both")
        paths = run_study(args.dataset, None, args.out, lang=args.lang, formats=formats)
    else:
        if not args.survey or not args.data:
            raise CLIError("give --survey SURVEY.yaml and --data DATA (or --dataset NAME for a bundled data set)")
        paths = run_study(args.data, args.survey, args.out, lang=args.lang, formats=formats, encoding=args.encoding,
                          sheet=_sheet(args.sheet))
    for kind, p in paths.items():
        _print(f"wrote {kind}: {p}")
    return EXIT_OK


def cmd_datasets(args):
    from servqual.survey.datasets import list_datasets

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

    a = sub.add_parser("analyze", help="reliability and validity: alpha, omega, KMO, EFA, CFA, CR/AVE, HTMT -> DIR/results.json")
    _add_data_args(a)
    a.add_argument("--out", "-o", required=True, help="output folder for results.json and the tables")
    a.add_argument("--block", help="questionnaire block to analyse (default: the analysis block, e.g. perception)")
    a.add_argument("--seed", type=int, default=42, help="seed of parallel analysis and bootstraps (default 42)")
    a.add_argument("--htmt-boot", type=int, default=0, help="bootstrap resamples for HTMT confidence intervals (default 0: none)")
    a.set_defaults(func=cmd_analyze)

    ah = sub.add_parser("ahp", help="AHP weights and consistency ratio of a pairwise-comparison matrix (.csv/.xlsx)")
    ah.add_argument("matrix")
    ah.add_argument("--method", default="eigenvector", help="eigenvector (default), column_sum (和积法), geometric_mean (方根法)")
    ah.add_argument("--ri", default="saaty1980", help="random-index table: saaty1980 (default), saaty2005, donegan_dodd1991, "
                    "tummala_ling1998, alonso_lamata2006, china")
    ah.add_argument("-o", "--output", help="write the result (.json or .csv)")
    ah.add_argument("--strict", action="store_true", help="exit 1 when CR >= 0.10")
    ah.set_defaults(func=cmd_ahp)

    w = sub.add_parser("weights", help="objective indicator weights: entropy, CRITIC, coefficient of variation, ...")
    _add_data_args(w, dataset=False)
    w.add_argument("--method", "-m", default="entropy",
                   help="objective weighting method of the registry (entropy, critic, ...); an unknown name lists them all")
    w.add_argument("--level", choices=["kpis", "items", "dimensions"],
                   help="with --survey: weigh the KPIs (default when present), the items or the dimension scores")
    w.add_argument("--cost", help="comma-separated lower-is-better indicator columns (added to the questionnaire's KPI directions)")
    w.add_argument("--index", help="without --survey: the column naming the alternatives (rows)")
    w.add_argument("-o", "--output", help="write the result (.json or .csv)")
    w.set_defaults(func=cmd_weights, dataset=None)

    rp = sub.add_parser("report", help="the whole study as a client report: HTML, Excel and Word")
    _add_data_args(rp)
    rp.add_argument("--out", "-o", default="servqual-report", help="output folder (default servqual-report)")
    rp.add_argument("--lang", choices=["zh", "en"], default="zh")
    rp.add_argument("--format", default="html,xlsx,docx", help="comma-separated: html, xlsx, docx (default all three)")
    rp.set_defaults(func=cmd_report)

    d = sub.add_parser("datasets", help="list the bundled real data sets")
    d.set_defaults(func=cmd_datasets)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return p


_EXTRA_COMMANDS: list = []


def _cli_warning(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(f"servqual: warning: {message}\n")


def main(argv=None) -> int:
    import warnings

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None) or (args.command == "survey" and not args.survey_command):
        parser.print_help()
        return EXIT_BAD_INPUT
    if not args.debug:
        warnings.showwarning = _cli_warning
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



def write_json(obj, path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    from servqual._results import dumps

    Path(path).write_text(dumps(obj), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
