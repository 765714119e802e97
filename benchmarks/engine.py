"""Metric engine benchmark: context + all metrics + all weekly series at 10k and 100k issues.

Run: ``.venv/bin/python -m benchmarks.engine [--sizes 10000 100000] [--repeat 3]`` from
the project root. Prints a Markdown table (copied into docs/benchmarks.md,
``## Metric engine``). Terms:

- *engine time*: ``CalculationContext.build`` + ``compute_report(ctx, analytics=False)``
  (every headline metric, every weekly series, the scatter) on a 180-day window;
  the median of ``--repeat`` runs on the same frames (fresh context each run), after
  one warm-up run.
- *peak memory*: tracemalloc's peak of Python + numpy allocations during one engine
  run (pandas' Arrow-backed strings allocate outside it), and the process's peak RSS
  (``ru_maxrss``) at the end, which includes the generated frames and the reference.
- *reference*: :mod:`benchmarks.engine_reference`, a plain per-issue Python loop
  computing the same headline numbers; the run asserts both agree and prints the ratio.

Frames are generated directly (:mod:`benchmarks.engine_frames`), ~10 status changes
per issue, not through JSON. ``--issues N [N ...] [--plot FILE.svg]`` instead times
every stage (generate, store save and load, context, all metrics with 26 weekly
series) per size, each in its own process: see :mod:`benchmarks._scaling`.
``--normalize N`` also times ``normalize_issues`` (the fetch path) on ``N`` raw
issues: the simulator's demo project copied under new ids and keys.
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._scaling import loglog_svg, run_sizes
from benchmarks.engine_frames import BENCH_SETTINGS, engine_frames
from benchmarks.engine_reference import reference_metrics
from data.metrics.context import CalculationContext
from data.metrics.report import compute_report, report_to_json

AS_OF = pd.Timestamp("2026-06-01T00:00:00Z")
PERIOD_DAYS = 180
TARGETS = {10_000: 0.3, 100_000: 3.0}


def run_engine(frames, period_days: int = PERIOD_DAYS) -> dict[str, Any]:
    ctx = CalculationContext.build(frames, BENCH_SETTINGS, as_of=AS_OF, period_days=period_days)
    return report_to_json(compute_report(ctx, analytics=False))


def timed(function, *args) -> tuple[float, Any]:
    """Wall-clock seconds of one call, and its result."""
    began = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - began, result


def cpu_timed(function, *args) -> tuple[float, float]:
    """(wall, CPU) seconds of one call: CPU time shows the cost on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def headline(payload: dict[str, Any]) -> dict[str, Any]:
    """The section 6 numbers without tiers, status names casefolded (for comparison)."""
    dora = {k: {f: v for f, v in m.items() if f != "tier"} for k, m in payload["dora"].items()}
    flow = {k: dict(v) for k, v in payload["flow"].items()}
    flow["load"]["by_status"] = {
        name.casefold(): n for name, n in sorted(flow["load"]["by_status"].items())}
    return {"dora": dora, "flow": flow}


def assert_same(engine: Any, reference: Any, where: str = "") -> None:
    """Equal structures; floats equal to 1e-9 relative (sums in another order)."""
    if isinstance(engine, dict):
        assert set(engine) == set(reference), f"{where}: keys {set(engine) ^ set(reference)}"
        for key in engine:
            assert_same(engine[key], reference[key], f"{where}.{key}")
    elif isinstance(engine, float) and isinstance(reference, float):
        assert math.isclose(engine, reference, rel_tol=1e-9, abs_tol=1e-9), where
    else:
        assert engine == reference, f"{where}: {engine!r} != {reference!r}"


def bench(size: int, repeat: int) -> dict[str, Any]:
    frames = engine_frames(size, AS_OF)
    run_engine(frames)  # warm-up: imports, lru caches, numpy code paths
    runs = [cpu_timed(run_engine, frames) for _ in range(repeat)]
    tracemalloc.start()
    payload = run_engine(frames)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    loop_cpu = time.process_time()
    loop_seconds, reference = timed(reference_metrics, frames, BENCH_SETTINGS, AS_OF,
                                    PERIOD_DAYS)
    loop_cpu = time.process_time() - loop_cpu
    assert_same(headline(payload), headline(reference), "report")
    engine_seconds = statistics.median(wall for wall, _ in runs)
    engine_cpu = statistics.median(cpu for _, cpu in runs)
    return {
        "size": size,
        "transitions": len(frames.transitions),
        "engine": engine_seconds,
        "engine_cpu": engine_cpu,
        "loop_cpu": loop_cpu,
        "traced_mib": peak / 2**20,
        "loop": loop_seconds,
        "ratio": loop_cpu / engine_cpu,
        "completed": payload["flow"]["velocity"]["completed"],
        "deployments": payload["dora"]["deployment_frequency"]["deployments"],
    }


def bench_normalize(count: int) -> None:
    """Time normalize_issues on ``count`` raw demo issues (copies with new ids)."""
    from datetime import UTC, datetime

    from data.issues.normalize import normalize_issues
    from data.simulator.demo_data import generate_demo_issues
    from data.simulator.demo_settings import demo_settings

    base = generate_demo_issues(anchor=datetime(2026, 3, 1, tzinfo=UTC))
    raws = [{**raw, "id": f"{n}-{raw['id']}", "key": f"{raw['key']}-{n}"}
            for n in range(count // len(base) + 1) for raw in base][:count]
    histories = sum(len(raw["changelog"]["histories"]) for raw in raws)
    field_ids = demo_settings("http://127.0.0.1:9").mapped_field_ids()
    runs = [cpu_timed(normalize_issues, raws, field_ids) for _ in range(3)]
    print(f"\nnormalize_issues: {len(raws):,} raw issues, {histories:,} histories: "
          f"{statistics.median(w for w, _ in runs):.2f} s wall, "
          f"{statistics.median(c for _, c in runs):.2f} s CPU (median of 3)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--normalize", type=int, default=0, metavar="N")
    parser.add_argument("--issues", type=int, nargs="+", metavar="N",
                        help="org scale: time each stage at these sizes instead")
    parser.add_argument("--plot", type=Path, help="with --issues: write a log-log SVG here")
    args = parser.parse_args(argv)
    if args.issues:
        results = run_sizes(args.issues)
        if args.plot:
            loglog_svg(results, args.plot)
        return
    print("| issues | transitions | engine wall (median) | engine CPU (median) | target | "
          "traced peak | loop wall | loop CPU | loop / engine (CPU) | completed | deployments |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        r = bench(size, args.repeat)
        target = TARGETS.get(size)
        print(f"| {size:,} | {r['transitions']:,} | {r['engine']:.3f} s | "
              f"{r['engine_cpu']:.3f} s | "
              f"{'<= ' + format(target, 'g') + ' s' if target else '-'} | "
              f"{r['traced_mib']:.0f} MiB | {r['loop']:.2f} s | {r['loop_cpu']:.2f} s | "
              f"{r['ratio']:.1f}x | "
              f"{r['completed']:,} | {r['deployments']:,} |", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    print(f"\nProcess peak RSS (frames + engine + reference): {rss:.2f} GiB; "
          "reference and engine agree on every headline number.")
    if args.normalize:
        bench_normalize(args.normalize)


if __name__ == "__main__":
    main()
