"""Flow Load (METRICS.md section 3).

Terms: *wip* counts flow items whose status at the window's end (``as_of`` for the
report's own window, each bucket's end in the weekly series) is active or waiting,
among the issues created before that instant. *by_status* has the same count per
status name, ordered as the workflow lists them (active, then waiting), then by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window


@dataclass(frozen=True)
class FlowLoad:
    wip: int
    by_status: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"wip": self.wip, "by_status": dict(self.by_status)}


def flow_load(ctx: CalculationContext, window: Window | None = None) -> FlowLoad:
    """Work in progress at the window's end, in total and per status."""
    instant = ctx.resolve(window).end
    mask = ctx.wip_at(instant)
    codes, counts = np.unique(ctx.status_at(instant)[mask], return_counts=True)
    found = {str(ctx.timeline.labels[c]): int(n) for c, n in zip(codes, counts, strict=True)}
    order = {name.casefold(): i for i, name in enumerate(ctx.workflow.in_progress)}
    names = sorted(found, key=lambda name: (order.get(name.casefold(), len(order)), name))
    return FlowLoad(wip=int(mask.sum()), by_status=MappingProxyType({n: found[n] for n in names}))
