"""Flow Efficiency (METRICS.md section 3).

Terms: over the window's measured items (see :mod:`data.metrics.flow_time`), the sum
of time in active statuses between ``started_at`` and ``completed_at`` divided by the
sum of their flow times, x 100. Waiting and not-started time in between is waiting.
``None`` when there is no measured item or their flow times sum to zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from data.metrics.flow_time import measured_items
from data.metrics.result import PlainResult
from data.metrics.stats import ratio_percent

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window

NS_PER_SECOND = 10**9


@dataclass(frozen=True)
class FlowEfficiency(PlainResult):
    percent: float | None


def flow_efficiency(ctx: CalculationContext, window: Window | None = None) -> FlowEfficiency:
    """Active share of the measured items' total flow time, in percent."""
    mask = measured_items(ctx, window)
    active = float(ctx.per_issue["active_seconds"].to_numpy()[mask].sum())
    # divide before summing: a sum of int64 nanoseconds overflows past ~292 years
    total = float(((ctx.completed_ns[mask] - ctx.started_ns[mask]) / NS_PER_SECOND).sum())
    return FlowEfficiency(percent=ratio_percent(active, total))
