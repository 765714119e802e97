"""Deployment Frequency (METRICS.md section 4).

Terms: *deployments* are the deployments (see :mod:`data.metrics.dora_events`) whose
time lies in the window; *per_week* is ``deployments / (window days / 7)``. With no
deployment there is nothing to count: the tier is ``None`` (``per_week`` stays 0.0,
a rate of zero, as the contract's example shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from data.metrics.dora_events import deployments
from data.metrics.result import PlainResult
from data.metrics.tiers import Tier, tier_for

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window


@dataclass(frozen=True)
class DeploymentFrequency(PlainResult):
    deployments: int
    per_week: float
    tier: Tier | None


def deployment_frequency(
    ctx: CalculationContext, window: Window | None = None
) -> DeploymentFrequency:
    """Deployments in the window, per week, and their DORA tier."""
    win = ctx.resolve(window)
    count = int(win.contains(deployments(ctx)["at"].to_numpy()).sum())
    per_week = count * 7.0 / win.days  # not count / (days / 7): 7/30 must stay exact
    return DeploymentFrequency(
        deployments=count,
        per_week=per_week,
        tier=tier_for("deployment_frequency", per_week) if count else None,
    )
