"""The items behind each page's numbers (CSV downloads, charts) and the previous period.

Everything here is read from the engine's :class:`~data.metrics.context.CalculationContext`
and its shared DORA event tables (:mod:`data.metrics.dora_events`), so an exported
row is exactly an item the metric counted. Terms:

- *window*: the context's ``[as_of - period_days, as_of)``.
- *deployments*: deployments whose time is in the window (``key``, ``time``, ``failed``);
  ``name`` instead of ``key`` when deployments are released versions (METRICS.md
  section 8: a version has a name, not an issue key).
- *changes*: changes whose lead time ends in the window (``key``, ``start``,
  ``deployed_at``, ``lead_time_hours``).
- *incidents*: incidents whose restore ends in the window (``key``, ``start``,
  ``end``, ``restore_hours``).
- *completed*: flow items completed in the window (``key``, ``flow_type``,
  ``started_at``, ``completed_at``, ``flow_days``: NaN when never started).
- *wip*: flow items in an active or waiting status at ``as_of`` (``key``, ``status``,
  ``age_days`` since ``started_at``).

Durations are exact (never rounded); times are UTC. No Dash here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from data.metrics import dora_events, forecast
from data.metrics.change_failure_rate import change_failure_rate
from data.metrics.context import CalculationContext, Window
from data.metrics.deployment_frequency import deployment_frequency
from data.metrics.fields import NAT
from data.metrics.flow_efficiency import flow_efficiency
from data.metrics.flow_load import flow_load
from data.metrics.flow_time import flow_time
from data.metrics.flow_velocity import flow_velocity
from data.metrics.forecast import daily_counts
from data.metrics.lead_time import lead_time
from data.metrics.time_to_restore import time_to_restore

DAY_NS = 86400 * 10**9


@dataclass(frozen=True)
class PageItems:
    """The item tables of one context (see the module docstring for columns)."""

    as_of: pd.Timestamp
    period_days: int
    deployments: pd.DataFrame
    changes: pd.DataFrame
    incidents: pd.DataFrame
    completed: pd.DataFrame
    wip: pd.DataFrame


def _utc(ns: np.ndarray) -> pd.DatetimeIndex:
    return pd.to_datetime(np.asarray(ns, dtype=np.int64), utc=True)


def deployments(ctx: CalculationContext) -> pd.DataFrame:
    table = dora_events.deployments(ctx)
    inside = table[ctx.window.contains(table["at"].to_numpy(np.int64))]
    label = "key" if ctx.settings.dora.deployments.source == "issues" else "name"
    frame = pd.DataFrame({label: inside["name"].astype(str).to_numpy(),
                          "time": _utc(inside["at"].to_numpy(np.int64)),
                          "failed": inside["failed"].to_numpy(dtype=bool)})
    return frame.sort_values("time", kind="stable").reset_index(drop=True)


def _spans(ctx: CalculationContext, table: pd.DataFrame, start: str, end: str,
           hours: str) -> pd.DataFrame:
    """Rows of an event table (``pos``, ``start``, ``end`` ns) whose end is in the window."""
    mask, durations = dora_events.hours_ending_in(ctx, table)
    inside = table[mask]
    pos = inside["pos"].to_numpy(np.int64)
    begin, finish = inside["start"].to_numpy(np.int64), inside["end"].to_numpy(np.int64)
    per_issue = ctx.per_issue
    frame = pd.DataFrame({
        "key": per_issue["key"].to_numpy()[pos],
        "issue_type": per_issue["issue_type"].to_numpy()[pos],
        start: _utc(begin), end: _utc(finish),
        hours: durations,
    })
    return frame.sort_values(end, kind="stable").reset_index(drop=True)


def changes(ctx: CalculationContext) -> pd.DataFrame:
    return _spans(ctx, dora_events.lead_times(ctx), "start", "deployed_at", "lead_time_hours")


def incidents(ctx: CalculationContext) -> pd.DataFrame:
    return _spans(ctx, dora_events.restores(ctx), "start", "end", "restore_hours")


def completed(ctx: CalculationContext) -> pd.DataFrame:
    mask = ctx.completed_in()
    rows = ctx.per_issue[mask]
    started, done = ctx.started_ns[mask], ctx.completed_ns[mask]
    flow_days = np.where(started != NAT, (done - started) / DAY_NS, np.nan)
    frame = pd.DataFrame({
        "key": rows["key"].to_numpy(), "issue_type": rows["issue_type"].to_numpy(),
        "flow_type": rows["flow_type"].to_numpy(), "status": rows["status"].to_numpy(),
        "started_at": rows["started_at"].to_numpy(), "completed_at": rows["completed_at"],
        "flow_days": flow_days, "active_days": rows["active_seconds"].to_numpy() / 86400,
    })
    return frame.sort_values("completed_at", kind="stable").reset_index(drop=True)


def wip(ctx: CalculationContext) -> pd.DataFrame:
    mask = ctx.wip_at(ctx.as_of)
    rows = ctx.per_issue[mask]
    started = ctx.started_ns[mask]
    age = np.where(started != NAT, (ctx.as_of.value - started) / DAY_NS, np.nan)
    frame = pd.DataFrame({
        "key": rows["key"].to_numpy(), "issue_type": rows["issue_type"].to_numpy(),
        "flow_type": rows["flow_type"].to_numpy(), "status": rows["status"].to_numpy(),
        "started_at": rows["started_at"].to_numpy(), "age_days": age,
    })
    return frame.sort_values("age_days", ascending=False, kind="stable").reset_index(drop=True)


def page_items(ctx: CalculationContext) -> PageItems:
    """Every item table of the context's window."""
    return PageItems(ctx.as_of, ctx.period_days, deployments(ctx), changes(ctx),
                     incidents(ctx), completed(ctx), wip(ctx))


def _stack(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One CSV-ready table: a ``record`` column names each part's kind."""
    frames = [part.assign(record=kind) for kind, part in parts.items() if not part.empty]
    if not frames:
        return pd.DataFrame({"record": pd.Series(dtype=str)})
    table = pd.concat(frames, ignore_index=True)
    return table[["record", *[c for c in table.columns if c != "record"]]]


def dora_table(items: PageItems) -> pd.DataFrame:
    """Deployments, changes with lead time and incidents with restore time."""
    return _stack({"deployment": items.deployments, "change": items.changes,
                   "incident": items.incidents})


def flow_table(items: PageItems) -> pd.DataFrame:
    """Completed flow items with flow time, and the items in progress with their age."""
    return _stack({"completed": items.completed, "in_progress": items.wip})


def throughput_table(items: PageItems) -> pd.DataFrame:
    """The daily throughput samples the forecast draws from (one row per day)."""
    counts = daily_counts(items.completed["completed_at"], items.as_of, items.period_days)
    start = items.as_of - pd.Timedelta(days=items.period_days)
    return pd.DataFrame({"day_start": [start + pd.Timedelta(days=i) for i in range(len(counts))],
                         "completed_items": counts})


@dataclass(frozen=True)
class ForecastAnswer:
    """Monte Carlo answers at every confidence of :data:`CURVE_CONFIDENCES`."""

    how_many: dict[float, int]
    when: dict[float, datetime | None]
    completed: int
    sample_days: int


# 50% to 99% in steps of 1%: enough points to draw a confidence curve; the engine
# simulates once per question whatever the number of confidences.
CURVE_CONFIDENCES = tuple(round(0.5 + i / 100, 2) for i in range(50))


def forecast_answers(completed_items: pd.DataFrame, as_of: datetime, period_days: int, *,
                     items: int, days: int) -> ForecastAnswer:
    """How many in ``days`` days and when ``items`` are done, from the window's throughput."""
    samples = daily_counts(completed_items["completed_at"], as_of, period_days)
    return ForecastAnswer(
        how_many=forecast.how_many(samples, days, CURVE_CONFIDENCES),
        when=forecast.when(samples, items, as_of, CURVE_CONFIDENCES),
        completed=int(samples.sum()), sample_days=int(samples.size))


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV
# Injection"); summaries, version, status and type names come from JIRA, written by
# people who may have no access to the dashboard.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """A text cell that would start a formula, prefixed with ``'``; anything else as is.

    Only text: a number we computed (a negative duration, say) stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: pd.DataFrame) -> str:
    """CSV text with ISO 8601 UTC times, full-precision numbers and no live formulas.

    Every text cell is quoted and formula-like ones are neutralised (:func:`neutralised`),
    as OWASP recommends; numbers stay unquoted numbers. The header is our own column
    names, written plain.
    """
    types = pd.api.types
    text_columns = [c for c in table.columns if not (
        types.is_numeric_dtype(table[c].dtype) or types.is_bool_dtype(table[c].dtype)
        or types.is_datetime64_any_dtype(table[c].dtype))]
    safe = table.assign(**{c: table[c].map(neutralised) for c in text_columns})
    rows = safe.to_csv(index=False, header=False, date_format="%Y-%m-%dT%H:%M:%SZ",
                       quoting=csv.QUOTE_NONNUMERIC)
    return ",".join(map(str, table.columns)) + "\n" + rows


def previous_period(ctx: CalculationContext) -> dict[str, Any]:
    """Headline numbers of the period before the window, in the report's section-6 shape,
    with its ``start``, the ``data_start`` (first issue created) and whether the data
    ``covered`` the whole period.

    The previous period is ``[as_of - 2 * period_days, as_of - period_days)``, measured
    on the same context the way the engine measures its weekly buckets (each metric's
    own function with an explicit window), so the comparison shown on the cards uses
    the same definitions as the numbers themselves.
    """
    length = ctx.window.end - ctx.window.start
    window = Window(ctx.window.start - length, ctx.window.start)
    first = _utc(ctx.created_ns).min() if len(ctx.created_ns) else None
    return {
        # Covered: the data's first issue was created by the period's start. Before
        # that, the period holds only part of the work and any change would mislead.
        "start": window.start.isoformat(),
        "data_start": None if first is None else first.isoformat(),
        "covered": first is not None and first <= window.start,
        "dora": {
            "deployment_frequency": deployment_frequency(ctx, window).to_json(),
            "lead_time_for_changes": lead_time(ctx, window).to_json(),
            "change_failure_rate": change_failure_rate(ctx, window).to_json(),
            "time_to_restore": time_to_restore(ctx, window).to_json(),
        },
        "flow": {
            "velocity": flow_velocity(ctx, window).to_json(),
            "time": flow_time(ctx, window).to_json(),
            "efficiency": flow_efficiency(ctx, window).to_json(),
            "load": flow_load(ctx, window).to_json(),
        },
    }
