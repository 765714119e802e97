"""Time to Restore (METRICS.md section 4).

Terms: an incident counts when its end (see :mod:`data.metrics.dora_events`) lies in
the window and is not before its start. Hours are exact; median and p85 use linear
percentiles. No counted incident: ``None`` values and tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from data.metrics.dora_events import hours_ending_in, restores
from data.metrics.result import PlainResult
from data.metrics.stats import percentiles
from data.metrics.tiers import Tier, tier_for

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window


@dataclass(frozen=True)
class TimeToRestore(PlainResult):
    incidents: int
    median_hours: float | None
    p85_hours: float | None
    tier: Tier | None


def time_to_restore(ctx: CalculationContext, window: Window | None = None) -> TimeToRestore:
    """Median and 85th percentile restore time of incidents ended in the window."""
    inside, hours = hours_ending_in(ctx, restores(ctx), window)
    median, p85 = percentiles(hours, (50, 85))
    return TimeToRestore(
        incidents=int(inside.sum()),
        median_hours=median,
        p85_hours=p85,
        tier=tier_for("time_to_restore", median),
    )
