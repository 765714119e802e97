"""Scope forecast benchmark: 10,000 trials for a 1,000-item scope (target <= 200 ms).

Run: ``.venv/bin/python -m benchmarks.scope_forecast [--repeat 5]`` from the project
root. Prints a Markdown table (copied into docs/benchmarks.md, ``## Scope forecast``).
Terms:

- *sampler*: :func:`data.metrics.forecast.trial_days` for 1,000 remaining items,
  10,000 trials, from 90 daily samples drawn from a Poisson law of the given mean:
  the cost grows with the days a trial needs (1,000 / mean), so a slow team is the
  worst case; 0.3 a day needs ~3,300 of the 3,650 days simulated at most.
- *points*: the same for 3,000 points from samples of three times the items' size
  with fractions (float sums instead of int32).
- *scope forecast*: :func:`data.metrics.scope_forecast.scope_forecast` on a context of
  10,000 issues (frames of :mod:`benchmarks.engine_frames`, 180-day window) whose scope
  is 1,000 not-done flow items: items and points, burn-up included; the context is
  built once beforehand and not counted.

Times are the median of ``--repeat`` runs after one warm-up.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
import pandas as pd

from benchmarks._timing import median_run
from benchmarks.engine_frames import BENCH_SETTINGS, engine_frames
from data.issues.frames import IssueFrames
from data.metrics.context import CalculationContext
from data.metrics.forecast import trial_days
from data.metrics.scope_forecast import scope_forecast
from data.metrics.workflow import DONE

AS_OF = pd.Timestamp("2026-06-01T00:00:00Z")
PERIOD_DAYS = 180
TARGET_SECONDS = 0.2
SCOPE_ITEMS = 1_000
MEANS = (12.0, 3.0, 1.0, 0.3)
POINTS_FIELD = "customfield_10016"


def sampler_rows(repeat: int) -> list[tuple[str, float, str]]:
    rows = []
    for mean in MEANS:
        samples = np.random.default_rng(1).poisson(mean, 90)
        trial_days(samples, SCOPE_ITEMS)  # warm-up
        seconds, days = median_run(lambda s=samples: trial_days(s, SCOPE_ITEMS), repeat)
        rows.append((f"sampler, {mean:g} item{'' if mean == 1 else 's'} a day", seconds,
                     f"median {int(np.median(days)):,} days"))
    points = np.random.default_rng(2).poisson(3.0, 90) * 3.0 + 0.5
    seconds, days = median_run(lambda: trial_days(points, 3 * SCOPE_ITEMS), repeat)
    rows.append(("sampler, points (float sums), ~9.5 a day", seconds,
                 f"median {int(np.median(days)):,} days"))
    return rows


def with_points(frames: IssueFrames) -> IssueFrames:
    """The frames plus a story-points value (1, 2, 3, 5 or 8) on every issue."""
    ids = frames.issues["issue_id"]
    points = np.random.default_rng(3).choice(["1", "2", "3", "5", "8"], len(ids))
    extra = pd.DataFrame({"issue_id": ids.to_numpy(), "field_id": POINTS_FIELD,
                          "value": points}).astype("str")
    return replace(frames, field_values=pd.concat([frames.field_values, extra],
                                                  ignore_index=True))


def scope_row(repeat: int) -> tuple[str, float, str]:
    frames = with_points(engine_frames(10_000, AS_OF))
    ctx = CalculationContext.build(frames, BENCH_SETTINGS, as_of=AS_OF, period_days=PERIOD_DAYS)
    not_done = ctx.is_flow & (ctx.timeline.states[ctx.status_at(ctx.as_of)] != DONE)
    scope = np.zeros(len(ctx.per_issue), dtype=bool)
    scope[np.flatnonzero(not_done)[:SCOPE_ITEMS]] = True
    scope_forecast(ctx, scope, points_field=POINTS_FIELD)  # warm-up (memoized masks)
    seconds, result = median_run(
        lambda: scope_forecast(ctx, scope, points_field=POINTS_FIELD), repeat)
    return ("scope forecast of 1,000 items, 10,000 issues", seconds,
            f"85%: {result.items.dates[0.85]:%Y-%m-%d}; mean "
            f"{ctx.completed_in().sum() / PERIOD_DAYS:.1f} items a day")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"| measure (10,000 trials, {SCOPE_ITEMS:,} items) | median seconds | target | notes |")
    print("| --- | ---: | ---: | --- |")
    for label, seconds, note in [*sampler_rows(args.repeat), scope_row(args.repeat)]:
        mark = "ok" if seconds <= TARGET_SECONDS else "OVER"
        print(f"| {label} | {seconds:.3f} | {TARGET_SECONDS} ({mark}) | {note} |")


if __name__ == "__main__":
    main()
