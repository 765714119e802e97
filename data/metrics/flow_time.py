"""Flow Time (METRICS.md section 3).

Terms: *measured items* are the flow items completed in the window that have a
``started_at``; their flow time is ``completed_at - started_at`` in exact days.
*unstarted* counts the completed items without a ``started_at`` (left out). Median,
p85 and p95 use linear percentiles; ``None`` when there is no measured item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from data.metrics.fields import NAT
from data.metrics.result import PlainResult
from data.metrics.stats import percentiles

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window

NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class FlowTime(PlainResult):
    items: int
    unstarted: int
    median_days: float | None
    p85_days: float | None
    p95_days: float | None


def measured_items(ctx: CalculationContext, window: Window | None = None) -> np.ndarray:
    """Mask of the window's completed flow items that have a ``started_at``."""
    win = ctx.resolve(window)
    return ctx.memo(
        ("measured", win), lambda: ctx.completed_in(win) & (ctx.started_ns != NAT)
    )


def flow_days(ctx: CalculationContext, mask: np.ndarray) -> np.ndarray:
    """Flow time in days of the masked (measured) items, in position order."""
    return (ctx.completed_ns[mask] - ctx.started_ns[mask]) / NS_PER_DAY


def flow_time(ctx: CalculationContext, window: Window | None = None) -> FlowTime:
    """Flow time percentiles of the items completed in the window."""
    measured = measured_items(ctx, window)
    median, p85, p95 = percentiles(flow_days(ctx, measured), (50, 85, 95))
    return FlowTime(
        items=int(measured.sum()),
        unstarted=int(ctx.completed_in(ctx.resolve(window)).sum() - measured.sum()),
        median_days=median,
        p85_days=p85,
        p95_days=p95,
    )
