"""Org scale: how each stage of the engine grows from 10,000 to 1,000,000 issues.

Used by ``benchmarks/engine.py --issues N [N ...]`` (not a benchmark of its own:
``make bench`` skips modules whose name starts with ``_``). Each size runs in a fresh
child process, so that its peak RSS is its own. Stages, each timed once (wall and
CPU seconds):

- *generate*: :func:`benchmarks.engine_frames.engine_frames`, the vectorized
  generator (~10 status changes per issue); the simulator's per-issue generator
  builds JSON-shaped dicts (about 1.8 s and several hundred MB per 10,000 issues),
  far too slow and large for a million;
- *store save* and *store load*: ``IssueStore.save`` and a cold ``IssueStore.load``
  (checksums verified, Parquet decoded; the in-process memo forgotten first);
- *context*: ``CalculationContext.build`` for a 182-day window (26 weekly buckets);
- *metrics*: ``compute_report`` (every headline metric, all 26 weekly series, the
  scatter, cumulative flow, aging and forecast) and ``report_to_json``.

Targets at 1,000,000 issues: store load <= 3 s, context + metrics <= 8 s, peak <= 6 GiB.
:func:`loglog_svg` draws the CPU seconds per stage against the issue count on log-log
axes (an SVG written by hand: neither matplotlib nor kaleido is installed here).
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
AS_OF = pd.Timestamp("2026-06-01T00:00:00Z")
DAYS = 182
STAGES = ("generate", "store save", "store load", "context", "metrics")
TARGETS_1M = {"store load": 3.0, "context + metrics": 8.0, "peak GiB": 6.0}


def measure(size: int) -> dict[str, Any]:
    """The stages of one size, in this process (run it in a fresh one)."""
    from benchmarks.cache import parquet_cold_load, parquet_save
    from benchmarks.engine_frames import BENCH_SETTINGS, engine_frames
    from data.metrics.context import CalculationContext
    from data.metrics.report import compute_report, report_to_json

    seconds: dict[str, tuple[float, float]] = {}

    def stage(name: str, action: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        seconds[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return result

    frames = stage("generate", lambda: engine_frames(size, AS_OF))
    with tempfile.TemporaryDirectory() as work:
        store = stage("store save", lambda: parquet_save(Path(work), frames))
        del frames
        frames = stage("store load", lambda: parquet_cold_load(store))
    ctx = stage("context", lambda: CalculationContext.build(
        frames, BENCH_SETTINGS, as_of=AS_OF, period_days=DAYS))
    report = stage("metrics", lambda: report_to_json(compute_report(ctx)))
    return {
        "size": size, "transitions": len(frames.transitions), "seconds": seconds,
        "weeks": len(report["series"]["week_start"]),
        "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def run_sizes(sizes: list[int]) -> list[dict[str, Any]]:
    """:func:`measure` of each size in its own child process, printed as a table."""
    print(f"| issues | transitions | {' | '.join(STAGES)} | context + metrics | weeks | "
          "peak RSS |")
    print("| ---: " * (len(STAGES) + 5) + "|")
    results = []
    for size in sizes:
        done = subprocess.run(
            [sys.executable, "-c", f"import json, benchmarks._scaling as s; "
             f"print(json.dumps(s.measure({size})))"],
            cwd=ROOT, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        cells = [f"{w:.2f} s ({c:.2f})" for w, c in (result["seconds"][s] for s in STAGES)]
        engine = sum(result["seconds"][s][0] for s in ("context", "metrics"))
        print(f"| {size:,} | {result['transitions']:,} | {' | '.join(cells)} | "
              f"{engine:.2f} s | {result['weeks']} | {result['peak_gib']:.2f} GiB |",
              flush=True)
    print("\nEach cell: wall seconds (CPU seconds in brackets), one run per size.")
    return results


COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")


def loglog_svg(results: list[dict[str, Any]], path: Path) -> None:
    """CPU seconds of each stage against issues, on log-log axes, as an SVG file (CPU,
    not wall: on the shared machine the wall time mostly measures the other work)."""
    width, height, left, bottom, top, right = 640, 400, 70, 50, 20, 150
    xs = [r["size"] for r in results]
    ys = [r["seconds"][s][1] for r in results for s in STAGES]
    x_lo, x_hi = math.log10(min(xs)), math.log10(max(xs))
    y_lo = math.floor(math.log10(max(min(ys), 1e-3)))
    y_hi = math.ceil(math.log10(max(ys)))

    def at(x: float, y: float) -> tuple[float, float]:
        fx = (math.log10(x) - x_lo) / ((x_hi - x_lo) or 1)
        fy = (math.log10(max(y, 10**y_lo)) - y_lo) / ((y_hi - y_lo) or 1)
        return (left + fx * (width - left - right), top + (1 - fy) * (height - top - bottom))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    for power in range(y_lo, y_hi + 1):
        _, y = at(xs[0], 10**power)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{10.0**power:g} s CPU</text>')
    for size in xs:
        x, _ = at(size, 10**y_lo)
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                     f'{size:,}</text>')
    parts.append(f'<text x="{(width - right + left) / 2}" y="{height - 10}" '
                 'text-anchor="middle">issues (log)</text>')
    for n, (name, color) in enumerate(zip(STAGES, COLORS, strict=True)):
        points = " ".join("{:.1f},{:.1f}".format(*at(r["size"], r["seconds"][name][1]))
                          for r in results)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" '
                     'stroke-width="2"/>')
        parts.append(f'<text x="{width - right + 10}" y="{top + 16 * (n + 1)}" '
                     f'fill="{color}">{name}</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
