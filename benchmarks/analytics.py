"""Analytics benchmark: cumulative flow, aging WIP and the Monte Carlo forecast.

Run: ``.venv/bin/python -m benchmarks.analytics [--sizes 10000 100000] [--repeat 3]``
from the project root. Prints a Markdown table (copied into docs/benchmarks.md,
``## Analytics``). Terms:

- *time*: the median of ``--repeat`` runs of one analytics function on one context
  (180-day window, frames from :mod:`benchmarks.engine_frames`, ~10 status changes per
  issue); the context is built once beforehand and is not part of the figure.
- *CFD via status_at*: the obvious alternative to the event replay, one
  ``Timeline.status_at`` per day end (a full pass over every change each day); the
  run asserts both give the same counts and prints the ratio.
- *forecast, slow team*: ``when`` for 50 items from a throughput of about one item per
  20 days, the case that needs the most simulated days (several chunks).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from benchmarks._timing import median_run
from benchmarks.engine_frames import BENCH_SETTINGS, engine_frames
from data.metrics.aging import aging_wip
from data.metrics.context import CalculationContext
from data.metrics.cumulative_flow import code_columns, cumulative_flow, day_ends, state_columns
from data.metrics.forecast import days_needed, forecast

AS_OF = pd.Timestamp("2026-06-01T00:00:00Z")
PERIOD_DAYS = 180


def cfd_via_status_at(ctx: CalculationContext) -> np.ndarray:
    """Reference CFD: one status lookup over all changes per day end."""
    timeline = ctx.timeline
    columns = state_columns(ctx.workflow, timeline.labels)
    column_of = code_columns(timeline.labels, timeline.states, columns)
    rows = []
    for end in day_ends(ctx.as_of.to_pydatetime(), ctx.period_days):
        alive = ctx.is_flow & (ctx.created_ns < end.value)
        codes = column_of[timeline.status_at(end.value)[alive]]
        rows.append(np.bincount(codes, minlength=len(columns)))
    return np.array(rows)


def measure(size: int, repeat: int) -> list[tuple[str, float, str]]:
    frames = engine_frames(size, AS_OF)
    ctx = CalculationContext.build(frames, BENCH_SETTINGS, as_of=AS_OF, period_days=PERIOD_DAYS)
    cfd_s, cfd = median_run(lambda: cumulative_flow(ctx), repeat)
    ref_s, ref = median_run(lambda: cfd_via_status_at(ctx), repeat)
    assert (cfd.counts.to_numpy() == ref).all(), "CFD replay disagrees with status_at"
    aging_s, aging = median_run(lambda: aging_wip(ctx), repeat)
    fc_s, fc = median_run(lambda: forecast(ctx), repeat)
    json_s, _ = median_run(lambda: [r.to_json() for r in (cfd, aging, fc)], repeat)
    slow = np.zeros(PERIOD_DAYS, dtype=np.int64)
    slow[::20] = 1
    slow_s, slow_days = median_run(lambda: days_needed(slow, 50), repeat)
    return [
        ("cumulative flow (event replay)", cfd_s, f"{len(cfd.counts)} days x {len(cfd.states)}"),
        ("CFD via status_at per day", ref_s, f"ratio {ref_s / cfd_s:.1f}x slower"),
        ("aging WIP", aging_s, f"{aging.wip} items"),
        ("forecast (2 horizons + 2 targets, 10k trials)", fc_s,
         f"{fc.completed_in_window} completed in window"),
        ("to_json of the three results", json_s, "CLI / export path"),
        ("forecast, slow team: when 50 items", slow_s, f"p85 = {slow_days[0.85]} days"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| issues | analytics | median seconds | notes |")
    print("| ---: | --- | ---: | --- |")
    for size in args.sizes:
        for label, seconds, note in measure(size, args.repeat):
            print(f"| {size:,} | {label} | {seconds:.3f} | {note} |")


if __name__ == "__main__":
    main()
