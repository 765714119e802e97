"""Flow Velocity (METRICS.md section 3).

Terms: *completed* counts flow items whose ``completed_at`` lies in the window;
*per_week* is ``completed / (window days / 7)``; *by_type* has all five flow types
(``feature``, ``defect``, ``risk``, ``debt``, ``other``), zeros included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from configuration.settings import FLOW_TYPES_WITH_OTHER

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window


@dataclass(frozen=True)
class FlowVelocity:
    completed: int
    per_week: float
    by_type: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"completed": self.completed, "per_week": self.per_week,
                "by_type": dict(self.by_type)}


def counts_by_type(ctx: CalculationContext, mask: np.ndarray) -> dict[str, int]:
    """Count of the masked issues per flow type, all five keys present."""
    codes = ctx.flow_type_codes[mask]
    counts = np.bincount(codes[codes >= 0], minlength=len(FLOW_TYPES_WITH_OTHER))
    return {name: int(n) for name, n in zip(FLOW_TYPES_WITH_OTHER, counts, strict=True)}


def flow_velocity(ctx: CalculationContext, window: Window | None = None) -> FlowVelocity:
    """Flow items completed in the window, per week and per flow type."""
    win = ctx.resolve(window)
    mask = ctx.completed_in(win)
    completed = int(mask.sum())
    return FlowVelocity(
        completed=completed,
        per_week=completed * 7.0 / win.days,
        by_type=MappingProxyType(counts_by_type(ctx, mask)),
    )
