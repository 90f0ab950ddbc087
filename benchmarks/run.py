#!/usr/bin/env python
"""Time servqual beside pingouin, factor_analyzer and semopy on simulated SERVQUAL data.

One run times, at N = 250, 2,800, 100,000 and 1,000,000 rows of a simulated 22-item, 5-factor
7-point Likert data set (SERVQUAL structure 4/5/4/4/5 items):

* Cronbach's alpha with a percentile bootstrap CI (B = 1000): ``servqual.cronbach_alpha`` against a
  Python loop over ``pingouin.cronbach_alpha`` (at large N only part of the loop is timed and the time
  is extrapolated linearly; the table says so);
* KMO: ``servqual.kmo`` against ``factor_analyzer.calculate_kmo``;
* EFA (minres, 5 factors, oblimin and varimax): ``servqual.psychometrics.efa.efa`` against
  ``factor_analyzer.FactorAnalyzer``;
* CFA (ML, 5 correlated factors): ``servqual.psychometrics.cfa.cfa`` against ``semopy.Model.fit`` + ``semopy.calc_stats``;
* the whole ``servqual.measurement_report`` on the data frame (reading the file excluded), with its
  peak memory against the size of the data.

Each cell is the median of several repeats (21 up to 5,000 rows, 7 up to 200,000, 2 above), servqual
and the peer timed alternately round by round; peak memory is measured in a separate call
(``tracemalloc`` peak of traced allocations, and the peak resident-set growth where Linux allows
resetting it). The table is printed and written between the markers in ``benchmarks/README.md``.

Usage::

    python benchmarks/run.py            # full run (about 5-10 minutes on 2 cores)
    python benchmarks/run.py --quick    # smoke run with small N

For a fair comparison on processors where ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` are set, unset
them for this command only: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py``.
The BLAS kernel that ran is recorded in the output.

The data are simulated with a known structure and serve for timing only; they say nothing about any
real survey.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import importlib
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"

#: SERVQUAL dimensions and their number of items (Parasuraman, Zeithaml & Berry 1988).
DIMENSIONS = {"tangibles": 4, "reliability": 5, "responsiveness": 4, "assurance": 4, "empathy": 5}
FULL_SIZES = (250, 2_800, 100_000, 1_000_000)
QUICK_SIZES = (250, 2_800, 20_000)
N_BOOT = 1000
TARGETS = {"alpha_boot": 30.0, "efa": 5.0, "cfa": 5.0}
PIPELINE_SECONDS = 3.0
PIPELINE_MEMORY_FACTOR = 2.0


# ------------------------------------------------------------------------------------------------
# simulated data
# ------------------------------------------------------------------------------------------------
def servqual_columns() -> list:
    """Perception columns of the bundled ``servqual22`` questionnaire: sq01_p ... sq22_p."""
    return [f"sq{i + 1:02d}_p" for i in range(sum(DIMENSIONS.values()))]


def servqual_model() -> dict:
    """Dimension -> item columns, in questionnaire order (4/5/4/4/5 items)."""
    cols, out, j = servqual_columns(), {}, 0
    for dim, size in DIMENSIONS.items():
        out[dim] = cols[j : j + size]
        j += size
    return out


def simulate_servqual_likert(n: int, seed: int = 0) -> pd.DataFrame:
    """SIMULATED 7-point Likert answers with the SERVQUAL structure, for timing only.

    Five correlated factors (all factor correlations 0.45) with 4/5/4/4/5 items, standardized
    loadings fixed between 0.62 and 0.82, normal unique parts, and the continuous responses cut at
    fixed thresholds into the categories 1..7 (slightly skewed towards agreement, as satisfaction
    data usually are). Columns are the perception columns of the bundled ``servqual22``
    questionnaire (``sq01_p`` ... ``sq22_p``), float64 as ``servqual.read_responses`` returns them.
    The same ``seed`` always gives the same data; rows are generated in chunks so that memory stays
    close to the size of the result.
    """
    model = servqual_model()
    k, m = sum(DIMENSIONS.values()), len(DIMENSIONS)
    phi = np.full((m, m), 0.45)
    np.fill_diagonal(phi, 1.0)
    loadings = np.random.default_rng(20240601).permutation(np.linspace(0.62, 0.82, k))
    lam = np.zeros((k, m))
    j = 0
    for f, cols in enumerate(model.values()):
        lam[j : j + len(cols), f] = loadings[j : j + len(cols)]
        j += len(cols)
    chol = np.linalg.cholesky(phi)
    unique_sd = np.sqrt(1.0 - (lam**2).sum(axis=1))
    cuts = np.array([-2.0, -1.3, -0.6, 0.0, 0.7, 1.4])
    rng = np.random.default_rng(seed)
    out = np.empty((n, k))
    step = 200_000
    for a in range(0, n, step):
        b = min(n, a + step)
        eta = rng.standard_normal((b - a, m)) @ chol.T
        y = eta @ lam.T + rng.standard_normal((b - a, k)) * unique_sd
        out[a:b] = np.searchsorted(cuts, y) + 1.0
    return pd.DataFrame(out, columns=servqual_columns())


# ------------------------------------------------------------------------------------------------
# timing and memory measurement
# ------------------------------------------------------------------------------------------------
class NotAvailable(Exception):
    """The servqual function a benchmark needs does not exist (yet)."""


def _servqual_attr(module: str, name: str):
    try:
        mod = importlib.import_module(f"servqual.{module}")
    except ModuleNotFoundError as e:
        raise NotAvailable(f"servqual.{module} not available") from e
    fn = getattr(mod, name, None)
    if fn is None:
        raise NotAvailable(f"servqual.{module}.{name} not available")
    return fn


def _time_once(fn) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _rss_reset() -> int | None:
    """Reset the kernel's peak-RSS counter (Linux) and return the current RSS in bytes, or None."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return _proc_status("VmRSS")
    except OSError:
        return None


def _proc_status(key: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def peak_memory(fn) -> dict:
    """Peak traced allocations (tracemalloc) and peak RSS growth of one call, in bytes."""
    gc.collect()
    rss0 = _rss_reset()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    hwm = _proc_status("VmHWM") if rss0 is not None else None
    return {"tracemalloc": int(peak), "rss": (int(hwm - rss0) if hwm is not None else None)}, result


# ------------------------------------------------------------------------------------------------
# the benchmarks: each returns (servqual callable, peer callable, peer extrapolation factor, note)
# ------------------------------------------------------------------------------------------------
def _pingouin_resamples(n: int, quick: bool) -> int:
    """Resamples of the pingouin loop actually timed (the rest is extrapolated linearly)."""
    if n <= 5_000:
        return N_BOOT if not quick else 200
    if n <= 200_000:
        return 100 if not quick else 50
    return 10


def bench_alpha_boot(data: pd.DataFrame, quick: bool):
    import pingouin as pg

    from servqual.psychometrics.reliability import cronbach_alpha

    n = len(data)
    b_timed = min(N_BOOT, _pingouin_resamples(n, quick))

    def ours():
        return cronbach_alpha(data, ci="percentile", n_boot=N_BOOT, seed=1)

    def peer():
        rng = np.random.default_rng(1)
        est = np.empty(b_timed)
        for b in range(b_timed):
            idx = rng.integers(0, n, n)
            est[b] = pg.cronbach_alpha(data.take(idx), nan_policy="listwise")[0]
        return np.quantile(est, [0.025, 0.975])

    note = "" if b_timed == N_BOOT else f"pingouin: {b_timed} of {N_BOOT} resamples timed, x{N_BOOT // b_timed}"
    return ours, peer, N_BOOT / b_timed, note


def bench_kmo(data: pd.DataFrame, quick: bool):
    from factor_analyzer import calculate_kmo

    from servqual.psychometrics.adequacy import kmo

    return (lambda: kmo(data)), (lambda: calculate_kmo(data)), 1.0, ""


def _bench_efa(rotation: str):
    def bench(data: pd.DataFrame, quick: bool):
        from factor_analyzer import FactorAnalyzer

        efa = _servqual_attr("psychometrics.efa", "efa")

        def ours():
            res = efa(data, n_factors=5, method="minres", rotation=rotation)
            res.loadings  # the loadings table (servqual wraps its tables on first access)
            return res

        def peer():
            return FactorAnalyzer(n_factors=5, rotation=rotation, method="minres").fit(data)

        return ours, peer, 1.0, ""

    return bench


def bench_cfa(data: pd.DataFrame, quick: bool):
    import semopy

    cfa = _servqual_attr("psychometrics.cfa", "cfa")
    model = servqual_model()
    desc = "\n".join(f"{dim} =~ " + " + ".join(cols) for dim, cols in model.items())

    def ours():
        res = cfa(data, model)
        res.fit  # the fit-measure table, as semopy.calc_stats returns one (servqual builds tables on access)
        return res

    def peer():
        m = semopy.Model(desc)
        m.fit(data)
        return semopy.calc_stats(m)

    return ours, peer, 1.0, ""


def bench_pipeline(data: pd.DataFrame, quick: bool):
    """The whole measurement report on a parsed data frame (no peer)."""
    report = _servqual_attr("psychometrics.measurement", "measurement_report")
    for mod in ("omega", "efa", "cfa", "construct"):  # parts measurement_report imports lazily
        _servqual_attr(f"psychometrics.{mod}", "__name__")

    def ours():
        return report(data, "servqual22")

    return ours, None, 1.0, ""


def bench_pipeline_parts(data: pd.DataFrame, quick: bool):
    """The parts of the measurement report that need no factor model: alpha (whole instrument and each
    dimension, Feldt CI), item analysis of each dimension, KMO and Bartlett."""
    from servqual.psychometrics.adequacy import bartlett, kmo
    from servqual.psychometrics.reliability import cronbach_alpha, item_analysis

    model = servqual_model()
    cols = servqual_columns()

    def ours():
        cronbach_alpha(data, cols, ci="feldt")
        for items in model.values():
            cronbach_alpha(data, items, ci="feldt")
            item_analysis(data, items)
        kmo(data, cols)
        bartlett(data, cols)

    return ours, None, 1.0, ""


BENCHES = [
    # key, label, function, target kind
    ("alpha_boot", f"alpha + percentile bootstrap CI, B = {N_BOOT} (22 items) vs pingouin loop", bench_alpha_boot),
    ("kmo", "KMO (22 items) vs factor_analyzer.calculate_kmo", bench_kmo),
    ("efa", "EFA minres, 5 factors, oblimin vs factor_analyzer", _bench_efa("oblimin")),
    ("efa_varimax", "EFA minres, 5 factors, varimax vs factor_analyzer", _bench_efa("varimax")),
    ("cfa", "CFA ML, 5 correlated factors vs semopy fit + calc_stats", bench_cfa),
    ("pipeline", "measurement_report (whole pipeline, after parsing)", bench_pipeline),
    ("pipeline_parts", "alpha x6 + item analysis x5 + KMO + Bartlett (no factor models)", bench_pipeline_parts),
]


def _repeats(n: int, quick: bool) -> int:
    if quick:
        return 3 if n <= 5_000 else 2
    return 21 if n <= 5_000 else 7 if n <= 200_000 else 2


def _run_cell(key, fn_factory, data, quick, measure_memory=True) -> dict:
    """Time servqual and the peer on one data set: one untimed warm-up call each (up to 200,000 rows),
    then ``repeats`` rounds that time servqual and the peer alternately, so that a burst of load on a
    shared machine falls on both; the medians are reported."""
    n = len(data)
    cell = {"bench": key, "n": n}
    try:
        ours, peer, factor, note = fn_factory(data, quick)
    except NotAvailable as e:
        cell["status"] = f"not available ({e})"
        return cell
    reps = _repeats(n, quick)
    # the bootstrap and the pingouin loop at 1 M rows take tens of seconds: one timing each there
    if key == "alpha_boot" and n >= 500_000:
        reps = 1
    warm = n <= 200_000
    ours_t, peer_t = [], []

    def run_ours(timed: bool) -> str | None:
        """Call servqual once; a failure (a function still under construction) ends the cell, not the run."""
        try:
            if timed:
                ours_t.append(_time_once(ours))
            else:
                ours()
        except ModuleNotFoundError as e:
            return f"not available ({e})"
        except Exception as e:
            return f"servqual failed: {type(e).__name__}: {e}"[:300]
        return None

    failed = run_ours(timed=False) if warm else None
    if failed:
        cell["status"] = failed
        return cell
    peer_ok = peer is not None
    if peer_ok and warm and key != "alpha_boot":
        try:
            peer()
        except Exception as e:
            cell["peer_status"] = f"peer failed: {type(e).__name__}: {e}"[:300]
            peer_ok = False
    for _ in range(reps):
        failed = run_ours(timed=True)
        if failed:
            cell["status"] = failed
            return cell
        if peer_ok:
            try:
                peer_t.append(_time_once(peer))
            except Exception as e:
                cell["peer_status"] = f"peer failed: {type(e).__name__}: {e}"[:300]
                peer_ok = False
    cell["servqual_s"] = statistics.median(ours_t)
    skipped = {}
    if measure_memory:
        cell["servqual_mem"], res = peak_memory(ours)
        skipped = dict(getattr(res, "skipped", None) or {})
        skipped.pop("formative dimensions", None)
    if skipped:  # parts of the measurement report that did not run
        note = "; ".join(x for x in (note, "parts skipped: " + ", ".join(skipped)) if x)
        cell["skipped"] = skipped
    if peer_ok and peer_t:
        t = statistics.median(peer_t)
        cell["peer_s"] = t * factor
        cell["peer_timed_s"] = t
        if measure_memory:
            cell["peer_mem"], _ = peak_memory(peer)
        cell["ratio"] = cell["peer_s"] / cell["servqual_s"]
    cell["note"] = note
    cell["repeats"] = reps
    cell["status"] = "ok"
    return cell


# ------------------------------------------------------------------------------------------------
# machine description
# ------------------------------------------------------------------------------------------------
def machine_info() -> dict:
    info = {
        "date": _dt.date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_start": _loadavg(),
    }
    try:
        with open("/proc/cpuinfo") as fh:
            info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), platform.processor())
    except OSError:
        info["cpu"] = platform.processor()
    mem = _proc_meminfo_total()
    info["memory_gb"] = round(mem / 2**30, 1) if mem else None
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        info[var] = os.environ.get(var, "unset")
    versions = {}
    from importlib.metadata import PackageNotFoundError, version

    for mod, dist in (("servqual", "servqual"), ("numpy", "numpy"), ("scipy", "scipy"), ("pandas", "pandas"),
                      ("pingouin", "pingouin"), ("factor_analyzer", "factor_analyzer"), ("semopy", "semopy"),
                      ("sklearn", "scikit-learn"), ("threadpoolctl", "threadpoolctl")):
        try:
            versions[mod] = version(dist)
        except PackageNotFoundError:
            versions[mod] = "not installed"
    info["versions"] = versions
    for mod in ("scipy.linalg", "sklearn", "servqual", "factor_analyzer", "semopy", "pingouin"):
        try:  # load every library first, so that each BLAS / OpenMP runtime they bring is listed
            importlib.import_module(mod)
        except Exception:  # noqa: BLE001
            pass
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [
            {k: d.get(k) for k in ("user_api", "internal_api", "prefix", "version", "architecture", "threading_layer",
                                    "num_threads")}
            for d in threadpool_info()
        ]
    except Exception:  # noqa: BLE001
        info["blas"] = []
    return info


def _loadavg():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _proc_meminfo_total() -> int | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


# ------------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------------
def _fmt_s(t) -> str:
    if t is None:
        return "-"
    if t < 0.01:
        return f"{t * 1000:.2f} ms"
    if t < 1:
        return f"{t * 1000:.0f} ms"
    return f"{t:.2f} s"


def _fmt_mb(b) -> str:
    return "-" if b is None else f"{b / 2**20:.0f} MB" if b >= 2**20 else f"{b / 2**10:.0f} kB"


def _verdict(cell: dict, data_bytes: int) -> str:
    key, n = cell["bench"], cell["n"]
    if cell.get("status") != "ok":
        return ""
    kind = "efa" if key.startswith("efa") else key
    if kind in TARGETS and "ratio" in cell:
        goal = TARGETS[kind]
        return f"{'meets' if cell['ratio'] >= goal else 'MISSES'} >= {goal:g}x"
    if key == "pipeline" and n >= 1_000_000:
        mem = cell.get("servqual_mem", {})
        peak = max(v for v in (mem.get("tracemalloc"), mem.get("rss")) if v is not None) if mem else None
        ok_t = cell["servqual_s"] < PIPELINE_SECONDS
        ok_m = peak is not None and peak < PIPELINE_MEMORY_FACTOR * data_bytes
        return (f"time {'meets' if ok_t else 'MISSES'} < {PIPELINE_SECONDS:g} s; "
                f"memory {'meets' if ok_m else 'MISSES'} < {PIPELINE_MEMORY_FACTOR:g}x data")
    return ""


def results_markdown(cells: list, info: dict, data_bytes: dict, wall: float, quick: bool) -> str:
    labels = {k: lab for k, lab, _ in BENCHES}
    lines = []
    blas = "; ".join(
        f"{b.get('prefix')} {b.get('version')} ({b.get('internal_api')}, kernel {b.get('architecture')}, "
        f"{b.get('num_threads')} threads)" if b.get("user_api") == "blas"
        else f"{b.get('prefix')} ({b.get('internal_api')}, {b.get('num_threads')} threads)"
        for b in info.get("blas", [])
    ) or "unknown"
    v = info["versions"]
    lines += [
        f"Run of {info['date']}{' (--quick smoke run)' if quick else ''}, total wall time {wall:.0f} s.",
        "",
        f"- Machine: {info['cpu']}, {info['cpu_count']} logical cores ({info['cpu_affinity']} usable), "
        f"{info['memory_gb']} GB memory; {info['platform']}",
        f"- Load average (1, 5, 15 min) at start {info.get('load_average_start')}, at end "
        f"{info.get('load_average_end')}: above the core count means other processes competed for the CPU",
        f"- BLAS: {blas}; OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}, OPENBLAS_L2_SIZE={info['OPENBLAS_L2_SIZE']}",
        f"- Python {info['python']}; servqual {v['servqual']}, numpy {v['numpy']}, scipy {v['scipy']}, "
        f"pandas {v['pandas']}; pingouin {v['pingouin']}, factor_analyzer {v['factor_analyzer']}, "
        f"semopy {v['semopy']}, scikit-learn {v['sklearn']}",
        "- Data: `simulate_servqual_likert(n, seed=1)` (simulated, 22 float64 columns); size in memory: "
        + ", ".join(f"N = {n:,}: {_fmt_mb(b)}" for n, b in data_bytes.items()),
        "",
        "| benchmark | N | servqual | peer | peer / servqual | servqual peak memory (traced / RSS growth) | "
        "peer peak memory (traced) | target | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for c in cells:
        lab = labels[c["bench"]]
        n = c["n"]
        if c.get("status") != "ok":
            lines.append(f"| {lab} | {n:,} | {c.get('status', '')} | | | | | | |")
            continue
        mem = c.get("servqual_mem") or {}
        mem_s = f"{_fmt_mb(mem.get('tracemalloc'))} / {_fmt_mb(mem.get('rss'))}" if mem else "-"
        if mem and data_bytes.get(n, 0) >= 10 * 2**20:  # fixed overheads dominate below
            peak = max(x for x in (mem.get("tracemalloc"), mem.get("rss")) if x is not None)
            mem_s += f" ({peak / data_bytes[n]:.2f}x data)"
        peer_s = _fmt_s(c.get("peer_s")) if "peer_s" in c else (c.get("peer_status", "-") if c["bench"] not in ("pipeline", "pipeline_parts") else "-")
        if "peer_s" in c and c.get("peer_timed_s") is not None and c["peer_s"] != c["peer_timed_s"]:
            peer_s += " (extrapolated)"
        ratio = f"{c['ratio']:.1f}x" if "ratio" in c else "-"
        pmem = _fmt_mb((c.get("peer_mem") or {}).get("tracemalloc")) if c.get("peer_mem") else "-"
        note = c.get("note", "")
        reps = c.get("repeats")
        note = "; ".join(x for x in (note, f"median of {reps}" if reps and reps > 1 else "1 run") if x)
        lines.append(f"| {lab} | {n:,} | {_fmt_s(c['servqual_s'])} | {peer_s} | {ratio} | {mem_s} | {pmem} | "
                     f"{_verdict(c, data_bytes.get(n, 0))} | {note} |")
    return "\n".join(lines)


def write_readme(block: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n## Results\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{block}\n{END}{tail}", encoding="utf-8")


# ------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: N = 250, 2,800, 20,000 and fewer repeats")
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], help="comma-separated N (overrides)")
    ap.add_argument("--only", help="comma-separated benchmark keys: " + ", ".join(k for k, _, _ in BENCHES))
    ap.add_argument("--no-readme", action="store_true", help="print the table only")
    ap.add_argument("--json", type=Path, help="also write the raw results as JSON to this file")
    ap.add_argument("--from-json", type=Path, help="only re-render the table of a saved --json run")
    args = ap.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        data_bytes = {int(k): v for k, v in saved["data_bytes"].items()}
        m = saved["machine"]
        block = results_markdown(saved["cells"], m, data_bytes, m.get("wall_s", float("nan")), saved.get("quick", False))
        print(block)
        if not args.no_readme:
            write_readme(block)
        return 0

    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    only = set(args.only.split(",")) if args.only else None
    info = machine_info()
    print(json.dumps(info, indent=1))
    warnings.simplefilter("ignore")  # the simulated data are clean; peers warn about deprecations

    t_start = time.perf_counter()
    cells, data_bytes = [], {}
    for n in sizes:
        data = simulate_servqual_likert(n, seed=1)
        data_bytes[n] = int(data.memory_usage(index=True, deep=True).sum())
        for key, label, factory in BENCHES:
            if only and key not in only:
                continue
            if key == "pipeline_parts" and n != max(sizes):
                continue
            t0 = time.perf_counter()
            cell = _run_cell(key, factory, data, args.quick)
            cells.append(cell)
            shown = {k: v for k, v in cell.items() if k not in ("bench", "n")}
            print(f"N={n:>9,} {key:<15} {time.perf_counter() - t0:7.1f} s  {shown}", flush=True)
        del data
        gc.collect()
    wall = time.perf_counter() - t_start
    info["load_average_end"] = _loadavg()
    info["wall_s"] = wall
    block = results_markdown(cells, info, data_bytes, wall, args.quick)
    print()
    print(block)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "data_bytes": data_bytes, "cells": cells, "quick": args.quick}, indent=1, default=str))
    if not args.no_readme:
        write_readme(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
