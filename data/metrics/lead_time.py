"""Lead Time for Changes (METRICS.md section 4).

Terms: a change counts when the end of its lead time (the earliest linked deployment
at or after its start, see :mod:`data.metrics.dora_events`) lies in the window. Hours
are exact seconds / 3600; ``median_hours`` and ``p85_hours`` use linear percentiles.
No counted change: ``None`` values and tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from data.metrics.dora_events import hours_ending_in, lead_times
from data.metrics.result import PlainResult
from data.metrics.stats import percentiles
from data.metrics.tiers import Tier, tier_for

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window



@dataclass(frozen=True)
class LeadTime(PlainResult):
    changes: int
    median_hours: float | None
    p85_hours: float | None
    tier: Tier | None


def lead_time(ctx: CalculationContext, window: Window | None = None) -> LeadTime:
    """Median and 85th percentile lead time of the changes deployed in the window."""
    inside, hours = hours_ending_in(ctx, lead_times(ctx), window)
    median, p85 = percentiles(hours, (50, 85))
    return LeadTime(
        changes=int(inside.sum()),
        median_hours=median,
        p85_hours=p85,
        tier=tier_for("lead_time_for_changes", median),
    )
