"""Scope forecast and burn-up (METRICS.md section 9).

Terms:

- *scope*: a boolean mask over the context's positions (``per_issue`` rows): the flow
  items of the segment that match the scope filter. Items created at or after
  ``as_of`` are not in the context, so never in scope.
- *done*: a scope item whose state at ``as_of`` is done; ``remaining = total - done``.
- *points*: an item's number in the points field (``FieldIndex.numbers``: missing,
  non-numeric or negative = 0). The field's current value is used at every instant:
  JIRA's changelog of an estimate is not fetched.
- *daily samples*: the segment's daily throughput (:mod:`data.metrics.forecast`): flow
  items completed per day of the window, or, for points, the points of the flow items
  completed per day. Every flow item of the segment counts, not only the scope's: the
  team's pace is what it finishes, whatever the scope.
- *dates*: "when will ``remaining`` be done" by section 7's method: ``as_of`` plus the
  ``c`` quantile of the days each trial needs. Null when the samples are all zero and
  something remains; ``as_of`` at every confidence when nothing remains.
- *chance by a moment*: the share of trials done by it; a trial that needs ``k`` days
  is done at ``as_of + k days`` (section 7: day ``k`` ends there).
- *burn-up*: for each weekly bucket end ``e`` (section 7), the scope items created
  before ``e`` (``total``) and those whose state at ``e`` is done (``done``).
- *added*: scope items created after the first bucket's end: the scope that grew
  after the first week the burn-up shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from configuration.filters import Clause, parse_filter
from data.metrics.forecast import DEFAULT_CONFIDENCES, daily_sums, daily_throughput, dates_after
from data.metrics.sampling import DEFAULT_SEED, DEFAULT_TRIALS, quantile_days, trial_days
from data.metrics.workflow import DONE
from data.segments.match import filter_mask

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext

@dataclass(frozen=True)
class ScopeProgress:
    """Total, done and remaining scope (items or points) and when the rest is done.

    ``dates[c]`` is a UTC datetime or None; ``finish_days`` holds every trial's day
    count, sorted (read-only), for :meth:`chance_by`.
    """

    as_of: datetime
    total: float
    done: float
    remaining: float
    dates: Mapping[float, datetime | None]
    finish_days: np.ndarray = field(repr=False, compare=False)

    def chance_by(self, moment: datetime) -> float:
        """Share of trials done by ``moment`` (1.0 when nothing remains, 0.0 before as_of)."""
        whole_days = math.floor((moment - self.as_of).total_seconds() / 86_400)
        if whole_days < 0:
            return 1.0 if self.remaining <= 0 else 0.0
        done = np.searchsorted(self.finish_days, whole_days, side="right")
        return float(done / self.finish_days.size)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "done": self.done,
            "remaining": self.remaining,
            "dates": {_percent(c): None if d is None else d.isoformat()
                      for c, d in self.dates.items()},
        }


@dataclass(frozen=True)
class BurnUp:
    """Scope per weekly bucket end, oldest first; ``points_*`` are None without a points field."""

    week_end: tuple[datetime, ...]
    total: tuple[int, ...]
    done: tuple[int, ...]
    points_total: tuple[float, ...] | None = None
    points_done: tuple[float, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "week_end": [d.isoformat() for d in self.week_end],
            "total": list(self.total),
            "done": list(self.done),
        }
        if self.points_total is not None and self.points_done is not None:
            payload["points"] = {"total": list(self.points_total), "done": list(self.points_done)}
        return payload


@dataclass(frozen=True)
class ScopeForecast:
    """The scope's progress in items (and points), its burn-up and how much it grew."""

    items: ScopeProgress
    points: ScopeProgress | None
    burnup: BurnUp
    added: int

    def to_json(self) -> dict[str, Any]:
        """``forecast.scope`` of METRICS.md section 9."""
        payload = self.items.to_json()
        if self.points is not None:
            payload["points"] = self.points.to_json()
        return payload


def _percent(confidence: float) -> str:
    return f"{confidence * 100:g}"


def scope_mask(ctx: CalculationContext, clauses: Sequence[Clause] | None = None) -> np.ndarray:
    """The flow items matching ``clauses`` (default: the settings' scope filter)."""
    if clauses is None:
        clauses = parse_filter(ctx.settings.forecast.scope_filter)
    return ctx.is_flow & filter_mask(ctx, clauses)


def settings_scope(ctx: CalculationContext) -> ScopeForecast:
    """The scope forecast of the settings' scope filter and points field (the report's)."""
    return scope_forecast(ctx, scope_mask(ctx), points_field=ctx.settings.forecast.points_field)


def scope_forecast(
    ctx: CalculationContext,
    scope: np.ndarray,
    *,
    points_field: str | None = None,
    confidences: Sequence[float] = DEFAULT_CONFIDENCES,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> ScopeForecast:
    """Progress, completion dates and burn-up of the ``scope`` mask (flow items only)."""
    scope = np.asarray(scope, dtype=bool) & ctx.is_flow
    done_now = scope & (ctx.timeline.states[ctx.status_at(ctx.as_of)] == DONE)
    runs = {"confidences": tuple(confidences), "trials": trials, "seed": seed}
    items = progress(ctx, scope.sum(), done_now.sum(), daily_throughput(ctx), **runs)
    points = None
    if points_field:
        weights = ctx.fields.numbers(points_field)
        completed = ctx.per_issue["completed_at"][ctx.is_flow]
        samples = daily_sums(completed, weights[ctx.is_flow], ctx.as_of.to_pydatetime(),
                             ctx.period_days)
        points = progress(ctx, float(weights[scope].sum()), float(weights[done_now].sum()),
                          samples, **runs)
    buckets = ctx.weekly_windows()
    first_end = buckets[0].end if buckets else ctx.as_of
    added = int((scope & (ctx.created_ns >= first_end.value)).sum())
    burnup = burn_up(ctx, scope, points_field=points_field)
    return ScopeForecast(items=items, points=points, burnup=burnup, added=added)


def progress(
    ctx: CalculationContext,
    total: float,
    done: float,
    samples: np.ndarray,
    *,
    confidences: tuple[float, ...] = DEFAULT_CONFIDENCES,
    trials: int = DEFAULT_TRIALS,
    seed: int = DEFAULT_SEED,
) -> ScopeProgress:
    """Total/done/remaining and the dates by which ``samples`` finish the remainder.

    Whole counts stay ints in the JSON; point sums are floats.
    """
    kind = int if isinstance(total, (int, np.integer)) else float
    remaining = kind(total) - kind(done)
    days = np.sort(trial_days(samples, remaining, trials=trials, seed=seed))
    days.setflags(write=False)
    as_of = ctx.as_of.to_pydatetime()
    return ScopeProgress(
        as_of=as_of,
        total=kind(total),
        done=kind(done),
        remaining=remaining,
        dates=MappingProxyType(dates_after(as_of, quantile_days(days, confidences))),
        finish_days=days,
    )


def burn_up(ctx: CalculationContext, scope: np.ndarray, *,
            points_field: str | None = None) -> BurnUp:
    """Scope created before, and done at, each weekly bucket end."""
    weights = ctx.fields.numbers(points_field) if points_field else None
    ends = [w.end for w in ctx.weekly_windows()]
    totals, dones, point_totals, point_dones = [], [], [], []
    for end in ends:
        created = scope & (ctx.created_ns < end.value)
        done = created & (ctx.timeline.states[ctx.status_at(end)] == DONE)
        totals.append(int(created.sum()))
        dones.append(int(done.sum()))
        if weights is not None:
            point_totals.append(float(weights[created].sum()))
            point_dones.append(float(weights[done].sum()))
    return BurnUp(
        week_end=tuple(end.to_pydatetime() for end in ends),
        total=tuple(totals),
        done=tuple(dones),
        points_total=tuple(point_totals) if weights is not None else None,
        points_done=tuple(point_dones) if weights is not None else None,
    )
