"""The one DORA performance tier table.

Source: DORA, *Accelerate State of DevOps Report 2023* (Google Cloud), the software
delivery performance clusters (elite / high / medium / low), with the boundaries fixed
by METRICS.md section 4:

- deployment frequency (deployments per week): elite on demand (>= 7), high between
  daily and weekly (>= 1), medium between weekly and monthly (>= 7/30), else low;
- lead time for changes (median hours): elite < 1 day, high < 1 week, medium < 1 month
  (30 days), else low;
- change failure rate (percent): elite <= 5, high <= 10, medium <= 15, else low;
- time to restore (median hours): elite < 1 hour, high < 1 day, medium < 1 week, else low.

Terms: a *rule* is ``(comparison, elite, high, medium)``; ``">="`` means higher is better
(the first bound the value reaches wins), ``"<"`` and ``"<="`` mean lower is better.
``None`` (nothing to count) has no tier.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Literal

Tier = Literal["elite", "high", "medium", "low"]
TIER_ORDER: tuple[Tier, ...] = ("elite", "high", "medium", "low")

TIER_TABLE: dict[str, tuple[str, float, float, float]] = {
    "deployment_frequency": (">=", 7.0, 1.0, 7.0 / 30.0),
    "lead_time_for_changes": ("<", 24.0, 168.0, 720.0),
    "change_failure_rate": ("<=", 5.0, 10.0, 15.0),
    "time_to_restore": ("<", 1.0, 24.0, 168.0),
}

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def tier_for(metric: str, value: float | None) -> Tier | None:
    """The DORA tier of ``value`` for ``metric`` (a :data:`TIER_TABLE` key), or None."""
    if value is None:
        return None
    comparison, *bounds = TIER_TABLE[metric]
    reaches = _COMPARE[comparison]
    for tier, bound in zip(TIER_ORDER, bounds, strict=False):
        if reaches(value, bound):
            return tier
    return "low"
