"""Change Failure Rate (METRICS.md section 4).

Terms: ``failed / deployments x 100`` over the deployments whose time lies in the
window (*failed* is defined in :mod:`data.metrics.dora_events`). No deployment:
``percent`` and tier are ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from data.metrics.dora_events import deployments
from data.metrics.result import PlainResult
from data.metrics.stats import ratio_percent
from data.metrics.tiers import Tier, tier_for

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window


@dataclass(frozen=True)
class ChangeFailureRate(PlainResult):
    deployments: int
    failed: int
    percent: float | None
    tier: Tier | None


def change_failure_rate(
    ctx: CalculationContext, window: Window | None = None
) -> ChangeFailureRate:
    """Share of the window's deployments that failed, and its DORA tier."""
    table = deployments(ctx)
    inside = ctx.resolve(window).contains(table["at"].to_numpy())
    total = int(inside.sum())
    failed = int(table["failed"].to_numpy(dtype=bool)[inside].sum())
    percent = ratio_percent(failed, total)
    return ChangeFailureRate(
        deployments=total,
        failed=failed,
        percent=percent,
        tier=tier_for("change_failure_rate", percent),
    )
