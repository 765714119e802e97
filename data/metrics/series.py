"""Weekly series and the flow-time scatter (METRICS.md section 7).

Terms:

- *bucket*: one of the consecutive 7-day windows ending at ``as_of`` (the last is
  ``[as_of - 7 d, as_of)``), as many as fit in ``period_days`` (oldest first). Each
  metric is computed as if the bucket were the window, by the metric's own function;
  WIP is counted at each bucket's end. Empty buckets give ``None`` for medians and
  rates and 0 for counts.
- *scatter point*: one measured flow item of the window (see
  :mod:`data.metrics.flow_time`): its key, ``completed_at`` and flow time in days,
  ordered by completion time; drawn with the window's p50 / p85 / p95 flow times.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from configuration.settings import FLOW_TYPES_WITH_OTHER
from data.metrics.change_failure_rate import change_failure_rate
from data.metrics.deployment_frequency import deployment_frequency
from data.metrics.flow_efficiency import flow_efficiency
from data.metrics.flow_load import flow_load
from data.metrics.flow_time import flow_days, flow_time, measured_items
from data.metrics.flow_velocity import flow_velocity
from data.metrics.lead_time import lead_time
from data.metrics.stats import percentiles
from data.metrics.time_to_restore import time_to_restore

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext


@dataclass(frozen=True)
class WeeklySeries:
    """One value per bucket in every column (oldest bucket first)."""

    week_start: tuple[datetime, ...]
    week_end: tuple[datetime, ...]
    deployments: tuple[int, ...]
    lead_time_median_hours: tuple[float | None, ...]
    change_failure_percent: tuple[float | None, ...]
    restore_median_hours: tuple[float | None, ...]
    completed: tuple[int, ...]
    throughput_by_type: Mapping[str, tuple[int, ...]]
    flow_time_median_days: tuple[float | None, ...]
    efficiency_percent: tuple[float | None, ...]
    wip: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "week_start": [d.isoformat() for d in self.week_start],
            "week_end": [d.isoformat() for d in self.week_end],
            "deployments": list(self.deployments),
            "lead_time_median_hours": list(self.lead_time_median_hours),
            "change_failure_percent": list(self.change_failure_percent),
            "restore_median_hours": list(self.restore_median_hours),
            "completed": list(self.completed),
            "throughput_by_type": {k: list(v) for k, v in self.throughput_by_type.items()},
            "flow_time_median_days": list(self.flow_time_median_days),
            "efficiency_percent": list(self.efficiency_percent),
            "wip": list(self.wip),
        }


class ScatterPoint(NamedTuple):
    """One flow item of the scatter (a NamedTuple: immutable and cheap by the thousand)."""

    key: str
    completed_at: datetime
    days: float


@dataclass(frozen=True)
class FlowTimeScatter:
    points: tuple[ScatterPoint, ...]
    p50_days: float | None
    p85_days: float | None
    p95_days: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "points": [
                {"key": p.key, "completed_at": p.completed_at.isoformat(), "days": p.days}
                for p in self.points
            ],
            "p50_days": self.p50_days,
            "p85_days": self.p85_days,
            "p95_days": self.p95_days,
        }


def weekly_series(ctx: CalculationContext) -> WeeklySeries:
    """Every metric per weekly bucket of the context's window."""
    buckets = ctx.weekly_windows()
    velocity = [flow_velocity(ctx, b) for b in buckets]
    return WeeklySeries(
        week_start=tuple(b.start.to_pydatetime() for b in buckets),
        week_end=tuple(b.end.to_pydatetime() for b in buckets),
        deployments=tuple(deployment_frequency(ctx, b).deployments for b in buckets),
        lead_time_median_hours=tuple(lead_time(ctx, b).median_hours for b in buckets),
        change_failure_percent=tuple(change_failure_rate(ctx, b).percent for b in buckets),
        restore_median_hours=tuple(time_to_restore(ctx, b).median_hours for b in buckets),
        completed=tuple(v.completed for v in velocity),
        throughput_by_type=MappingProxyType(
            {t: tuple(v.by_type[t] for v in velocity) for t in FLOW_TYPES_WITH_OTHER}
        ),
        flow_time_median_days=tuple(flow_time(ctx, b).median_days for b in buckets),
        efficiency_percent=tuple(flow_efficiency(ctx, b).percent for b in buckets),
        wip=tuple(flow_load(ctx, b).wip for b in buckets),
    )


def flow_time_scatter(ctx: CalculationContext) -> FlowTimeScatter:
    """Flow time of every measured item of the window, with its percentiles."""
    mask = measured_items(ctx)
    days = flow_days(ctx, mask)
    rows = np.flatnonzero(mask)
    keys = ctx.per_issue["key"].iloc[rows].to_numpy(dtype=object)
    completed = pd.DatetimeIndex(ctx.per_issue["completed_at"].iloc[rows]).to_pydatetime()
    order = np.lexsort((keys.astype(str), ctx.completed_ns[rows]))
    p50, p85, p95 = percentiles(days, (50, 85, 95))
    points = tuple(map(ScatterPoint._make, zip(
        keys[order].tolist(), completed[order].tolist(), days[order].tolist(), strict=True)))
    return FlowTimeScatter(points=points, p50_days=p50, p85_days=p85, p95_days=p95)
