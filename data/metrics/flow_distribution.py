"""Flow Distribution (METRICS.md section 3).

Terms: the percentage of the window's completed flow items per flow type; five keys
summing to 100 (up to float rounding); every share is ``None`` when nothing completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from data.metrics.flow_velocity import counts_by_type
from data.metrics.stats import ratio_percent

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window


@dataclass(frozen=True)
class FlowDistribution:
    shares: Mapping[str, float | None]

    def to_json(self) -> dict[str, Any]:
        return dict(self.shares)


def flow_distribution(
    ctx: CalculationContext, window: Window | None = None
) -> FlowDistribution:
    """Share of each flow type among the items completed in the window."""
    counts = counts_by_type(ctx, ctx.completed_in(ctx.resolve(window)))
    total = sum(counts.values())
    return FlowDistribution(
        shares=MappingProxyType({k: ratio_percent(v, total) for k, v in counts.items()})
    )
