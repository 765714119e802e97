"""Drill-down requests: from what was clicked to the items shown (no Dash here).

Terms: a *request* is a small dict the dashboard stores when something is clicked:
``metric`` (a key of :data:`data.segments.items.METRICS`) and optionally ``week_end``
(a weekly bar or point: that bucket's items), ``key`` (a scatter point or an aging
dot: that item; ``history`` adds its status changes), or ``low``/``high`` with
``value`` (a histogram bin: the items whose ``value`` lies in ``[low, high]``). The
metric :data:`SCOPE_REMAINING` with ``scope`` (filter clauses) asks for the items of
that scope not done at ``as_of`` (the Forecast page's scope, METRICS.md section 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from configuration.filters import parse_filter
from data.issues.frames import IssueFrames
from data.metrics.context import CalculationContext, Window, utc_timestamp
from data.scope_view import scope_view
from data.segments.items import Item, metric_items
from data.segments.options import filter_choices as choices  # noqa: F401 - re-export

SCOPE_REMAINING = "scope_remaining"


@dataclass(frozen=True)
class Shown:
    """What the panel shows for one request."""

    items: list[Item]
    scope: str  # e.g. "week ending 2026-03-31" or "the whole period"
    linked: bool  # keys are JIRA issues (not version deployments)
    history: list[tuple[str, str, str]] | None = None


def shown_items(ctx: CalculationContext, request: dict[str, Any],
                frames: IssueFrames) -> Shown:
    """The items behind ``request`` in the context's segment."""
    metric = str(request["metric"])
    if metric == SCOPE_REMAINING:
        view = scope_view(ctx, parse_filter(request.get("scope") or []),
                          ctx.settings.forecast.points_field)
        return Shown(list(view.remaining), f"not done at as of, {view.name}", True)
    window, scope = _window(ctx, request.get("week_end"))
    found = metric_items(ctx, metric, window)
    if request.get("key") is not None:
        found = [item for item in found if item["key"] == request["key"]]
        scope = str(request["key"])
    elif request.get("value") is not None:
        low, high, name = float(request["low"]), float(request["high"]), request["value"]
        found = [item for item in found if low <= float(item[name]) <= high]
        scope = f"{name} from {low:g} to {high:g}"
    history = None
    if request.get("history") and found:
        history = status_history(ctx, frames, str(found[0]["key"]))
    linked = not (ctx.settings.dora.deployments.source == "versions"
                  and metric in ("deployment_frequency", "change_failure_rate"))
    return Shown(found, scope, linked, history)


def _window(ctx: CalculationContext, week_end: Any) -> tuple[Window | None, str]:
    """The weekly bucket nearest the clicked instant (plotly may round its time)."""
    if not week_end:
        return None, "the whole period"
    clicked = utc_timestamp(week_end)
    buckets = ctx.weekly_windows()
    if not buckets:
        return None, "the whole period"
    ends = np.array([b.end_ns for b in buckets])
    bucket = buckets[int(np.argmin(np.abs(ends - clicked.value)))]
    return bucket, f"week ending {bucket.end:%Y-%m-%d %H:%M} UTC"


def status_history(ctx: CalculationContext, frames: IssueFrames,
                   key: str) -> list[tuple[str, str, str]]:
    """``(time, from, to)`` of the item's status changes before ``as_of``, oldest first."""
    ids = frames.issues.loc[frames.issues["key"] == key, "issue_id"]
    moves = frames.transitions[frames.transitions["issue_id"].isin(ids)]
    moves = moves[moves["at"] < ctx.as_of].sort_values(["at", "seq"], kind="stable")
    return [(f"{pd.Timestamp(at):%Y-%m-%d %H:%M}", str(src), str(dst))
            for at, src, dst in zip(moves["at"], moves["from_status"], moves["to_status"],
                                    strict=True)]
