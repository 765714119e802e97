"""Segments and drill-down at scale: ``items`` and a filtered report at 100,000 issues.

Run: ``.venv/bin/python -m benchmarks.segments [--sizes 10000 100000] [--repeat 3]`` from
the project root. Prints figures (copied into docs/benchmarks.md, ``## Segments``).
Frames come from :mod:`benchmarks.engine_frames` (180-day window), with labels added
so that filters select real subsets. Timed, median of ``--repeat`` runs:

- *items, context held*: every metric's items (``metric_items``) on a context already
  built: what a drill-down costs once its page is drawn. Target at 100k: <= 1 s.
- *items from frames*: the full context, the segment's context and one metric's
  items, from the frames (what ``python app.py items`` computes after loading the
  store), unfiltered and for a filter keeping about a third of the issues.
- *segment report*: the filtered report (context of the segment + every metric),
  given the full context.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.engine_frames import BENCH_SETTINGS, engine_frames
from configuration.filters import parse_filter
from data.issues.frames import IssueFrames
from data.metrics.context import CalculationContext
from data.metrics.report import compute_report
from data.segments.items import METRICS, metric_items
from data.segments.segment import segment_context

AS_OF = pd.Timestamp("2026-06-01T00:00:00Z")
DAYS = 180
LABELS = ("api", "web", "mobile")
FILTER = parse_filter(["label=api"])


def with_labels(frames: IssueFrames, seed: int = 7) -> IssueFrames:
    """One label per issue (a third each), in ``field_values``."""
    rng = np.random.default_rng(seed)
    ids = frames.issues["issue_id"]
    labels = pd.DataFrame({"issue_id": ids, "field_id": "labels",
                           "value": np.array(LABELS)[rng.integers(0, len(LABELS), len(ids))]})
    values = pd.concat([frames.field_values, labels.astype("str")], ignore_index=True)
    return replace(frames, field_values=values)


def median_seconds(function: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench(size: int, repeat: int) -> None:
    frames = with_labels(engine_frames(size, AS_OF))
    build = lambda: CalculationContext.build(frames, BENCH_SETTINGS, as_of=AS_OF,  # noqa: E731
                                             period_days=DAYS)
    whole = build()
    all_items = median_seconds(lambda: [metric_items(whole, m) for m in METRICS], repeat)
    slowest = max(METRICS, key=lambda m: median_seconds(lambda: metric_items(whole, m), 1))
    plain = median_seconds(lambda: metric_items(build(), "lead_time_for_changes"), repeat)

    def filtered_items() -> None:
        ctx = segment_context(frames, BENCH_SETTINGS, FILTER, as_of=AS_OF, full=build())
        metric_items(ctx, "lead_time_for_changes")

    filtered = median_seconds(filtered_items, repeat)
    report = median_seconds(lambda: compute_report(segment_context(
        frames, BENCH_SETTINGS, FILTER, as_of=AS_OF, full=whole)), repeat)
    kept = len(segment_context(frames, BENCH_SETTINGS, FILTER, as_of=AS_OF,
                               full=whole).per_issue)
    print(f"| {size:,} | {all_items:.3f} (slowest: {slowest}) | {plain:.2f} | "
          f"{filtered:.2f} ({kept:,} kept) | {report:.2f} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("| issues | all 8 metrics' items, context held (s) | items from frames (s) "
          "| items of a segment from frames (s) | segment report, full context held (s) |")
    print("| --- | --- | --- | --- | --- |")
    for size in args.sizes:
        bench(size, args.repeat)


if __name__ == "__main__":
    main()
