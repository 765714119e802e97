"""Scope forecast and burn-up (METRICS.md section 9) on hand-worked fixtures.

The release fixture (:mod:`tests.data.metrics.scope_fixture`) completes 2 items worth
3 points on every day of its 14-day window, so every trial needs the same number of
days and the dates are exact.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from configuration.settings import Settings
from data.metrics.context import CalculationContext
from data.metrics.forecast import daily_sums, daily_throughput
from data.metrics.scope_forecast import scope_forecast
from tests.builders import issue
from tests.data.metrics.scope_fixture import (
    AS_OF,
    DAYS,
    POINTS,
    SETTINGS,
    done_on,
    release_raw,
    release_scope,
)
from tests.data.metrics.support import context_of


def fixture_context(raw: list[dict[str, Any]], settings: Settings = SETTINGS,
                    ) -> CalculationContext:
    return context_of(raw, settings, as_of=AS_OF, period_days=DAYS)


def keys_mask(ctx: CalculationContext, prefix: str) -> np.ndarray:
    return ctx.per_issue["key"].str.startswith(prefix).to_numpy()


def release_context() -> CalculationContext:
    return fixture_context(release_raw())


def test_the_throughput_fixture_is_two_items_and_three_points_every_day() -> None:
    ctx = release_context()
    assert daily_throughput(ctx).tolist() == [2] * DAYS
    completed = ctx.per_issue["completed_at"][ctx.is_flow]
    points = ctx.fields.numbers(POINTS)[ctx.is_flow]
    assert daily_sums(completed, points, ctx.as_of, DAYS).tolist() == [3.0] * DAYS


def test_release_scope_in_items_and_points_with_growth() -> None:
    # Scope: S-1..S-5 (S-6 is no flow item, S-7 is created after as_of): 5 items, of
    # which S-1 and S-3 are done (S-5 was reopened): 3 remain -> 2 days at 2 a day.
    # Points 3 + 8 + 2 + 0 + 1 = 14, done 3 + 2 = 5, 9 remain -> 3 days at 3 a day.
    ctx = release_context()
    result = scope_forecast(ctx, keys_mask(ctx, "S-"), points_field=POINTS)
    in_two, in_three = "2026-02-03T00:00:00+00:00", "2026-02-04T00:00:00+00:00"
    assert result.to_json() == {
        "total": 5, "done": 2, "remaining": 3,
        "dates": {"50": in_two, "85": in_two, "95": in_two},
        "points": {"total": 14.0, "done": 5.0, "remaining": 9.0,
                   "dates": {"50": in_three, "85": in_three, "95": in_three}},
    }
    # Burn-up at 01-25: S-1, S-2, S-5 created (12 points); S-1 and S-5 (not yet
    # reopened) done (4 points). At 02-01: S-3 and S-4 have joined, the scope added
    # after week 1; S-1 and S-3 are done.
    assert result.burnup.to_json() == {
        "week_end": ["2026-01-25T00:00:00+00:00", "2026-02-01T00:00:00+00:00"],
        "total": [3, 5], "done": [2, 2],
        "points": {"total": [12.0, 14.0], "done": [4.0, 5.0]},
    }
    assert result.added == 2


def test_chance_by_a_date_is_the_share_of_trials_done_by_then() -> None:
    ctx = release_context()
    items = scope_forecast(ctx, keys_mask(ctx, "S-")).items  # every trial: 2 days
    assert items.chance_by(datetime(2026, 2, 2, 23, 59, tzinfo=UTC)) == 0.0
    assert items.chance_by(datetime(2026, 2, 3, tzinfo=UTC)) == 1.0
    assert items.chance_by(datetime(2026, 1, 30, tzinfo=UTC)) == 0.0


def test_without_a_points_field_there_are_no_points() -> None:
    ctx = release_context()
    result = scope_forecast(ctx, keys_mask(ctx, "S-"))
    assert "points" not in result.to_json()
    assert "points" not in result.burnup.to_json()
    assert result.points is None


def test_nothing_remaining_is_done_at_as_of_even_without_throughput() -> None:
    # Only S-1 (done 01-20) in scope; no other completion in the window.
    ctx = fixture_context([done_on("S-1", datetime(2026, 1, 20, 12, tzinfo=UTC), 3,
                                   scoped=True)])
    result = scope_forecast(ctx, keys_mask(ctx, "S-"), points_field=POINTS)
    now = "2026-02-01T00:00:00+00:00"
    assert result.to_json() == {
        "total": 1, "done": 1, "remaining": 0, "dates": dict.fromkeys(("50", "85", "95"), now),
        "points": {"total": 3.0, "done": 3.0, "remaining": 0.0,
                   "dates": dict.fromkeys(("50", "85", "95"), now)},
    }
    assert result.items.chance_by(datetime(2026, 1, 31, tzinfo=UTC)) == 1.0


def test_no_throughput_and_something_remaining_has_no_dates() -> None:
    # Nothing completed in the window: S-1 was done before it; S-2 remains.
    raw = [done_on("S-1", datetime(2026, 1, 5, 12, tzinfo=UTC), 3, scoped=True),
           issue("S-2", created="2026-01-02T00:00:00.000+0000", fields={POINTS: 5})]
    ctx = fixture_context(raw)
    result = scope_forecast(ctx, keys_mask(ctx, "S-"), points_field=POINTS)
    assert result.to_json() == {
        "total": 2, "done": 1, "remaining": 1, "dates": dict.fromkeys(("50", "85", "95")),
        "points": {"total": 8.0, "done": 3.0, "remaining": 5.0,
                   "dates": dict.fromkeys(("50", "85", "95"))},
    }
    assert result.items.chance_by(datetime(2030, 1, 1, tzinfo=UTC)) == 0.0


def test_unestimated_remaining_items_are_done_in_points_but_not_in_items() -> None:
    # S-4 remains with no points: 0 points remain, so the points dates are as_of.
    ctx = release_context()
    scope = ctx.per_issue["key"].isin(["S-1", "S-4"]).to_numpy()
    result = scope_forecast(ctx, scope, points_field=POINTS).to_json()
    assert (result["remaining"], result["points"]["remaining"]) == (1, 0.0)
    assert result["dates"]["85"] == "2026-02-02T00:00:00+00:00"  # 1 item, 2 a day: 1 day
    assert result["points"]["dates"]["85"] == "2026-02-01T00:00:00+00:00"


@pytest.mark.parametrize(("value", "points"), [
    (5, 5.0), (2.5, 2.5), ("3", 3.0), ("lots", 0.0), (-2, 0.0), (None, 0.0),
])
def test_an_items_points_are_its_number_else_zero(value: Any, points: float) -> None:
    fields = {} if value is None else {POINTS: value}
    ctx = fixture_context([issue("S-1", fields=fields)])
    assert ctx.fields.numbers(POINTS).tolist() == [points]


def test_an_empty_scope_is_done_now() -> None:
    ctx = release_context()
    result = scope_forecast(ctx, np.zeros(len(ctx.per_issue), dtype=bool))
    assert result.to_json()["total"] == 0
    assert result.items.dates[0.85] == datetime(2026, 2, 1, tzinfo=UTC)
    assert result.burnup.total == (0, 0)


def test_a_period_shorter_than_a_week_has_no_burn_up_buckets() -> None:
    ctx = context_of(release_scope(), SETTINGS, as_of=AS_OF, period_days=5)
    result = scope_forecast(ctx, keys_mask(ctx, "S-"))
    assert result.burnup.to_json() == {"week_end": [], "total": [], "done": []}
    assert result.added == 0  # no first week to grow after


def test_fractional_points_reach_their_sum_exactly() -> None:
    # 0.1 + 0.2 points a day against 0.3 points remaining: one day, not two.
    jan = datetime(2026, 1, 31, 12, tzinfo=UTC)
    raw = [done_on("T-1", jan, 0.1), done_on("T-2", jan, 0.2),
           issue("S-1", fields={POINTS: 0.1}), issue("S-2", fields={POINTS: 0.2})]
    ctx = context_of(raw, SETTINGS, as_of=AS_OF, period_days=1)
    result = scope_forecast(ctx, keys_mask(ctx, "S-"), points_field=POINTS)
    assert result.points is not None
    assert result.points.dates[0.95] == datetime(2026, 2, 2, tzinfo=UTC)
