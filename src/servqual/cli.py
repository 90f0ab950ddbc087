"""The ``servqual`` command line.

Bad input (unreadable file, wrong encoding, invalid questionnaire, invalid data) exits with code 2 and a
short message naming the problem and where it is; ``--debug`` shows the Python traceback.

Every command that writes files declares its inputs (data, questionnaire, AHP matrix) and checks every
output place in one :class:`servqual._safeio.OutputPlan` before it reads the data: an output that is an
input of the run, a symbolic link, a folder where a file is wanted (or a file where a folder is
wanted), a folder that does not exist, a device such as ``/dev/full`` or an empty name exits with
code 2 before any computation. Every file is written to a temporary name and renamed when complete;
Ctrl-C prints one line, ``interrupted; nothing written`` or the files completed, and exits with 130.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from servqual._version import __version__
from servqual.exceptions import CLIError, ServqualError

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130

_OUT_FILE, _OUT_FOLDER = "-o file", "--out folder"


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


def _output_plan(args, *inputs):
    """The :class:`~servqual._safeio.OutputPlan` of this run, with every input file of the run.

    The plan is kept on ``args``, so that :func:`main` can say on Ctrl-C what was written.
    """
    from servqual._safeio import OutputPlan

    args.plan = OutputPlan(inputs=[str(p) for p in inputs if p])
    return args.plan


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


def _table_file_name(name: str) -> str:
    """The file name of an ``analyze`` table: ``"Bartlett's test"`` -> ``"bartlett_s_test.csv"``."""
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_") + ".csv"


# --------------------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------------------
def cmd_survey(args):
    from servqual.survey import forms as q
    from servqual.survey.instrument import load_instrument

    inst = load_instrument(args.survey)
    if args.survey_command == "check":
        _print(inst.summary())
        return EXIT_OK
    plan = _output_plan(args, inst.source)
    out = plan.file(args.output, what=_OUT_FILE)
    if args.survey_command == "render":
        q.write_questionnaire(inst, out, lang=args.lang, format=args.format, inputs=plan.inputs)
    elif args.survey_command == "codebook":
        q.write_codebook(inst, out, inputs=plan.inputs)
    elif args.survey_command == "template":
        q.write_template(inst, out, inputs=plan.inputs)
    elif args.survey_command == "xlsform":
        q.write_xlsform(inst, out, inputs=plan.inputs)
    plan.written.append(out)
    _print(f"wrote {out}")
    return EXIT_OK


def cmd_validate(args):
    from servqual.survey.io import check_responses

    inst, path = _survey_and_data(args)
    plan = _output_plan(args, path, inst.source)
    out = plan.file(args.output, what=_OUT_FILE) if args.output is not None else None
    problems = check_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    if out is not None:
        plan.write_csv(problems, out)
    if len(problems) == 0:
        _print(f"{path}: OK - every answer agrees with questionnaire {inst.id!r}.")
        return EXIT_OK
    from servqual.survey.io import format_problems

    _print(format_problems(problems, str(path), max_listed=args.max_listed))
    if out is not None:
        _print(f"the full problem table: {out}")
    return EXIT_BAD_INPUT


def cmd_missing(args):
    from servqual.survey.io import read_responses
    from servqual.survey.missing import missing_report

    inst, path = _survey_and_data(args)
    plan = _output_plan(args, path, inst.source)
    out = plan.file(args.output, what=_OUT_FILE) if args.output is not None else None
    resp = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    rep = missing_report(resp, max_patterns=args.patterns)
    _print(rep.summary(decimals=1, lang=args.lang))
    if out is not None:
        plan.write_csv(rep.items, out)
        _print(f"wrote {out} ({len(rep.items)} columns)")
    return EXIT_OK


def cmd_screen(args):
    from servqual.survey.io import read_responses
    from servqual.survey.screening import screen

    inst, path = _survey_and_data(args)
    plan = _output_plan(args, path, inst.source)
    out = plan.file(args.output, what=_OUT_FILE) if args.output is not None else None
    resp = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    exclude = [r.strip() for r in args.exclude.split(",") if r.strip()] if args.exclude else None
    res = screen(resp, inst, exclude=exclude, min_duration=args.min_duration)
    _print(resp.summary())
    _print("")
    _print(res.summary())
    if out is not None:
        flags = res.flags.drop(columns=[c for c in inst.pii if c in res.flags.columns])
        plan.write_csv(flags, out)
        _print(f"wrote {out} ({len(flags)} respondents)")
    return EXIT_OK


def cmd_analyze(args):
    import pandas as pd

    from servqual.psychometrics.measurement import measurement_report
    from servqual.survey.io import read_responses

    inst, path = _survey_and_data(args)
    plan = _output_plan(args, path, inst.source)
    out = plan.folder(args.out, what=_OUT_FOLDER, files=["results.json"])
    resp = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    rep = measurement_report(resp, inst, block=args.block, seed=args.seed, htmt_boot=args.htmt_boot, missing=args.missing,
                             estimator=args.estimator)
    _print(rep.summary(decimals=3))
    tables = {out / _table_file_name(name): df for name, df in rep.tables().items()}
    for p in tables:  # the table names are known now: every file is checked before the first is written
        plan.file(p, what="output file")
    doc = {"servqual_version": __version__, "survey": inst.id, "survey_file": inst.source, "data_file": str(path)}
    doc.update(rep.to_json_dict())
    write_json(doc, out / "results.json", plan=plan)
    for p, df in tables.items():
        plan.write_csv(df, p, index=not isinstance(df.index, pd.RangeIndex))
    _print(f"\nwrote {out / 'results.json'} and {len(tables)} tables (.csv) in {out}")
    return EXIT_OK


def _table_output(args, plan):
    """The checked ``-o`` file of ``ahp`` / ``weights`` (``.json`` or ``.csv``), or ``None``."""
    if args.output is None:
        return None
    out = plan.file(args.output, what=_OUT_FILE)
    if out.suffix.lower() not in (".json", ".csv"):
        raise CLIError(f"{out}: write .json or .csv")
    return out


def _write_table(plan, out, table, doc: dict):
    """Write ``doc`` (``.json``) or ``table`` with its index (``.csv``) to ``out`` (when given)."""
    if out is None:
        return
    if out.suffix.lower() == ".json":
        write_json(doc, out, plan=plan)
    else:
        plan.write_csv(table, out, index=True)
    _print(f"wrote {out}")


def cmd_ahp(args):
    import pandas as pd

    from servqual.decision.weights import ahp, ahp_inconsistency, read_pairwise_matrix

    plan = _output_plan(args, args.matrix)
    out = _table_output(args, plan)
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
    _write_table(plan, out, res.weights.to_frame("weight"), doc)
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
        plan = _output_plan(args, path, inst.source)
        out = _table_output(args, plan)
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
        plan = _output_plan(args, path)
        out = _table_output(args, plan)
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
    _write_table(plan, out, res.table, doc)
    return EXIT_OK


def _study_options(args) -> dict:
    """The study options of ``servqual report``: screening rules, segment, seed, title and AHP judgements."""
    rules = [r.strip() for r in str(args.exclude).split(",") if r.strip()]
    opts = {"exclude": () if [r.lower() for r in rules] in ([], ["none"]) else tuple(rules), "seed": args.seed}
    if args.segment is not None:
        opts["segment"] = False if args.segment.strip().lower() == "none" else args.segment.strip()
    if args.title:
        opts["title"] = args.title
    if args.ahp:
        from servqual.decision.weights.form import read_ahp_form

        mats = read_ahp_form(args.ahp)
        opts["ahp"] = mats["goal"] if list(mats) == ["goal"] else {
            "goal": mats["goal"], "criteria": {k: v for k, v in mats.items() if k != "goal"}}
    return opts


def cmd_report(args):
    from servqual.reporting.report import check_formats
    from servqual.reporting.study import run_study

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if args.dataset:
        if args.data or args.survey:
            raise CLIError("give either --dataset NAME or --survey/--data, not both")
        from servqual._resources import resolve_survey
        from servqual.survey.datasets import dataset_path

        inst = None
        inputs = (dataset_path(args.dataset), resolve_survey(args.dataset))
    else:
        if not args.survey or not args.data:
            raise CLIError("give --survey SURVEY.yaml and --data DATA (or --dataset NAME for a bundled data set)")
        from servqual.survey.instrument import load_instrument

        inst = load_instrument(args.survey)
        inputs = (args.data, inst.source)
    study = _study_options(args)
    if args.ahp:
        inputs = (*inputs, args.ahp)
    plan = _output_plan(args, *inputs)
    files = [f"report.{f}" for f in check_formats(formats)] + ["results.json"]
    out = plan.folder(args.out, what=_OUT_FOLDER, files=files)
    if inst is None:
        paths = run_study(args.dataset, None, out, lang=args.lang, formats=formats, plan=plan, **study)
    else:
        paths = run_study(args.data, inst, out, lang=args.lang, formats=formats, encoding=args.encoding,
                          sheet=_sheet(args.sheet), plan=plan, **study)
    for kind, p in paths.items():
        _print(f"wrote {kind}: {p}")
    return EXIT_OK


def _structural_inputs(args):
    """(instrument, data path, responses) of sem / pls / process, read after the output place is checked."""
    from servqual.survey.io import read_responses

    inst, path = _survey_and_data(args)
    plan = _output_plan(args, path, inst.source, getattr(args, "model_file", None))
    out = _table_output(args, plan)
    resp = read_responses(path, inst, encoding=args.encoding, sheet=_sheet(args.sheet))
    return inst, resp, plan, out


def cmd_sem(args):
    from servqual.psychometrics.sem import sem

    inst, resp, plan, out = _structural_inputs(args)
    model = Path(args.model_file).read_text(encoding="utf-8") if args.model_file else inst
    fit = sem(resp, model, block=args.block, bootstrap=args.bootstrap, seed=args.seed)
    with _wide():
        _print(fit.summary(lang=args.lang))
    fm = fit.fit_measures()
    doc = {"estimates": fit.estimates, "fit_measures": fm.to_dict(), "r2": fit.r2.to_dict(), "n": fit.n,
           "converged": fit.converged}
    _write_table(plan, out, fit.estimates.set_index(["lhs", "op", "rhs"]), doc)
    return EXIT_OK


def cmd_invariance(args):
    from servqual.psychometrics.invariance import invariance

    inst, resp, plan, out = _structural_inputs(args)
    if args.by not in resp.data.columns:
        raise CLIError(f"--by {args.by}: no such column in {resp.source}; segments of the questionnaire: "
                       f"{', '.join(inst.segments) or 'none'}")
    if args.by in inst.pii:
        raise CLIError(f"--by {args.by} is a personal-data (pii) column; choose a segment")
    model = inst.model(args.block, reflective_only=True, outcomes=True)
    levels = tuple(x.strip() for x in args.levels.split(",")) if args.levels else ("configural", "metric", "scalar", "strict")
    res = invariance(resp.data, model, args.by, estimator=args.estimator, levels=levels)
    with _wide():
        _print(res.summary(lang=args.lang))
    doc = {"group": args.by, "levels": list(levels), "fit": res.fit, "tests": res.tests, "latent_means": res.latent_means}
    _write_table(plan, out, res.fit.set_index("level"), doc)
    return EXIT_OK


def cmd_pls(args):
    from servqual.psychometrics.pls import pls

    inst, resp, plan, out = _structural_inputs(args)
    fit = pls(resp, inst, scheme=args.scheme, plsc=args.plsc, bootstrap=args.bootstrap, seed=args.seed)
    with _wide():
        _print(fit.summary(lang=args.lang))
    doc = {"paths": fit.paths, "outer": fit.outer, "constructs": fit.inner_summary, "effects": fit.effects,
           "fsquared": fit.fsquared, "htmt": fit.htmt, "n": fit.n}
    _write_table(plan, out, fit.paths.set_index(["from", "to"]), doc)
    return EXIT_OK


def cmd_process(args):
    from servqual.psychometrics.process import process

    inst, resp, plan, out = _structural_inputs(args)
    res = process(resp, args.model, x=args.x, y=args.y, m=args.m or None, w=args.w, covariates=args.covariates or (),
                  n_boot=args.n_boot, seed=args.seed, conf=args.conf, hc=args.hc, probe=args.probe,
                  ci_method=args.ci_method, instrument=inst)
    with _wide():
        _print(res.summary(lang=args.lang))
    doc = {"model": res.model, "effects": res.effects,
           "equations": {o: {"coefficients": e["coefficients"],
                             "summary": {k: v for k, v in e["summary"].items() if k != "vcov"}}
                         for o, e in res.equations.items()},
           "sobel": res.sobel, "n": res.n, "johnson_neyman": res.johnson_neyman}
    _write_table(plan, out, res.effects.set_index("effect"), doc)
    return EXIT_OK


def _wide():
    import pandas as pd

    return pd.option_context("display.width", 160, "display.max_columns", 30)


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

    mi = sub.add_parser("missing", help="missing answers: per column no answer and not applicable apart, the most "
                                         "frequent patterns, the share missing per respondent")
    _add_data_args(mi)
    mi.add_argument("-o", "--output", help="write the per-column table (.csv)")
    mi.add_argument("--patterns", type=int, default=10, help="patterns listed (default 10)")
    mi.add_argument("--lang", choices=["zh", "en"], default="en", help="language of the notes (default en)")
    mi.set_defaults(func=cmd_missing)

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
    a.add_argument("--missing", choices=["auto", "listwise", "pairwise"], default="auto",
                   help="how incomplete rows are used: auto (default: reliability within each dimension; correlations "
                        "and CFA listwise while that loses at most 5%% of the rows, else pairwise and FIML), listwise, "
                        "pairwise")
    a.add_argument("--estimator", default="ML", choices=["ML", "MLR", "MLM", "MLMV", "auto"],
                   help="CFA estimator (default ML; MLR/MLM/MLMV add robust SEs and scaled/robust fit columns; auto "
                        "chooses by the items' categories and normality)")
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
    rp.add_argument("--exclude", default="straightlining",
                    help="comma-separated screening rules that exclude a respondent (default straightlining; "
                         "none keeps everyone and only flags; see `servqual screen`)")
    rp.add_argument("--segment", help="segment column of the by-group results (default: the first declared segment with "
                                      "2 to 20 groups; none for no segment)")
    rp.add_argument("--seed", type=int, default=42, help="seed of parallel analysis and anything else random (default 42)")
    rp.add_argument("--title", help="report title (default from the questionnaire's title)")
    rp.add_argument("--ahp", help="filled AHP expert form (.xlsx or .csv written by servqual.write_ahp_form()): AHP weights of the "
                                  "dimensions, combined with the objective weights")
    rp.set_defaults(func=cmd_report)

    sm = sub.add_parser("sem", help="structural equation model (ML, as lavaan) of the questionnaire's structure: "
                                    "paths, indirect and total effects, fit")
    _add_data_args(sm)
    sm.add_argument("--model-file", help="lavaan model syntax in a text file instead of the questionnaire's structure:")
    sm.add_argument("--block", help="questionnaire block whose columns measure the dimensions (default: the analysis block)")
    sm.add_argument("--bootstrap", type=int, help="bootstrap resamples for percentile and bca.simple intervals")
    sm.add_argument("--seed", type=int, default=42, help="seed of the bootstrap (default 42)")
    sm.add_argument("--lang", default="en", choices=["zh", "en"], help="language of the printed notes")
    sm.add_argument("-o", "--output", help="write the result (.json or .csv)")
    sm.set_defaults(func=cmd_sem)

    iv = sub.add_parser("invariance", help="measurement invariance across the groups of a segment (ML, as lavaan): "
                                           "configural, metric, scalar, strict, with LRT and changes of CFI/RMSEA/SRMR")
    _add_data_args(iv)
    iv.add_argument("--by", required=True, help="the grouping column (a segment of the questionnaire)")
    iv.add_argument("--estimator", default="ML", help="estimator (ML; robust and ordinal ladders are not available yet)")
    iv.add_argument("--levels", help="comma-separated levels (default configural,metric,scalar,strict)")
    iv.add_argument("--block", help="questionnaire block whose columns measure the dimensions (default: the analysis block)")
    iv.add_argument("--lang", default="en", choices=["zh", "en"], help="language of the printed notes")
    iv.add_argument("-o", "--output", help="write the result (.json or .csv)")
    iv.set_defaults(func=cmd_invariance)

    pl = sub.add_parser("pls", help="PLS path model (as SmartPLS / seminr) of the questionnaire's structure")
    _add_data_args(pl)
    pl.add_argument("--scheme", default="path", choices=["path", "factorial", "centroid"], help="inner weighting scheme")
    pl.add_argument("--plsc", action="store_true", help="consistent PLS for the reflective constructs")
    pl.add_argument("--bootstrap", type=int, help="bootstrap resamples (standard errors, t, p, intervals)")
    pl.add_argument("--seed", type=int, default=42, help="seed of the bootstrap (default 42)")
    pl.add_argument("--lang", default="en", choices=["zh", "en"], help="language of the printed notes")
    pl.add_argument("-o", "--output", help="write the result (.json or .csv)")
    pl.set_defaults(func=cmd_pls)

    pr = sub.add_parser("process", help="PROCESS models 1, 4, 6, 7, 8, 14 on scale scores, with bootstrap intervals")
    _add_data_args(pr)
    pr.add_argument("--model", type=int, default=4, help="Hayes' model number (default 4)")
    pr.add_argument("-x", required=True, help="antecedent: a column or a dimension / outcome id")
    pr.add_argument("-y", required=True, help="outcome: a column or a dimension / outcome id")
    pr.add_argument("-m", nargs="*", help="mediator(s)")
    pr.add_argument("-w", help="moderator (models 1, 7, 8, 14)")
    pr.add_argument("--covariates", nargs="*", help="columns entered in every equation")
    pr.add_argument("--n-boot", type=int, default=5000, help="bootstrap resamples (default 5000)")
    pr.add_argument("--seed", type=int, default=42, help="seed of the bootstrap (default 42)")
    pr.add_argument("--conf", type=float, default=0.95, help="level of the intervals (default 0.95)")
    pr.add_argument("--hc", choices=["HC0", "HC1", "HC2", "HC3", "HC4"], help="heteroscedasticity-consistent SEs")
    pr.add_argument("--probe", default="percentiles", choices=["percentiles", "meansd"],
                    help="values of a continuous moderator: 16th/50th/84th percentiles or mean ± 1 SD")
    pr.add_argument("--ci-method", default="percentile", choices=["percentile", "bc"], help="bootstrap interval")
    pr.add_argument("--lang", default="en", choices=["zh", "en"], help="language of the printed notes")
    pr.add_argument("-o", "--output", help="write the result (.json or .csv)")
    pr.set_defaults(func=cmd_process)

    d = sub.add_parser("datasets", help="list the bundled real data sets")
    d.set_defaults(func=cmd_datasets)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return p


_EXTRA_COMMANDS: list = []


def _cli_warning(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(f"servqual: warning: {message}\n")


def _os_error_message(e: OSError) -> str:
    """One line for an operating-system error: the file and the reason."""
    if e.filename is not None and e.strerror:
        return f"{e.filename}: {e.strerror}"
    return e.strerror or str(e)


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
    except KeyboardInterrupt:
        if args.debug:
            raise
        plan = getattr(args, "plan", None)
        msg = plan.interrupted_message() if plan is not None else "interrupted; nothing written"
        sys.stderr.write(f"servqual {args.command}: {msg}\n")
        return EXIT_INTERRUPTED
    except (ServqualError, KeyError) as e:
        if args.debug:
            raise
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        sys.stderr.write(f"servqual {args.command}: {msg}\n")
        return EXIT_BAD_INPUT
    except OSError as e:
        if args.debug:
            raise
        sys.stderr.write(f"servqual {args.command}: {_os_error_message(e)}\n")
        return EXIT_BAD_INPUT
    except ValueError as e:
        if args.debug:
            raise
        sys.stderr.write(f"servqual {args.command}: {e}\n(run again with --debug for details)\n")
        return EXIT_BAD_INPUT


def write_json(obj, path, *, plan=None, inputs=()) -> Path:
    """Write ``obj`` as JSON (:func:`servqual._results.dumps`), atomically and never onto an input.

    The text goes to a temporary file beside ``path``, renamed onto ``path`` when complete; a path
    that is a symbolic link, a folder, a device, in a folder that does not exist (outside the folders
    of ``plan``) or one of the inputs is refused.

    Parameters
    ----------
    obj : object
        A JSON document (dicts, lists, numbers, text, tables as records).
    path : str or Path
    plan : OutputPlan, optional
        The plan of the run: its inputs are protected and the file is added to its ``written``.
    inputs : iterable of path
        The input files of the run, when no ``plan`` is given.

    Returns
    -------
    Path

    Raises
    ------
    OutputFileError
        When ``path`` is not a place to write.

    Examples
    --------
    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> p = write_json({"alpha": 0.91, "n": 211}, folder / "results.json")
    >>> json.loads(p.read_text(encoding="utf-8"))
    {'alpha': 0.91, 'n': 211}
    >>> write_json({}, folder / "missing" / "results.json")
    Traceback (most recent call last):
    ...
    servqual.exceptions.OutputFileError: cannot write the output file .../missing/results.json: the folder .../missing does not exist
    """
    from servqual._results import dumps
    from servqual._safeio import OutputPlan

    plan = OutputPlan(inputs=inputs) if plan is None else plan
    return plan.write_text(path, dumps(obj))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
