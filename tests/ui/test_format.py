from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ui import format as fmt


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (None, 1, "—"), (4.0, 1, "4"), (12.345, 1, "12.3"), (1234.5, 1, "1,234.5"),
    (0.05, 2, "0.05"), (7, 1, "7"),
])
def test_number(value, digits, expected):
    assert fmt.number(value, digits) == expected


@pytest.mark.parametrize(("hours", "expected"), [
    (None, ("—", "")), (0.5, ("30", "min")), (1.0, ("1", "hours")), (30.5, ("30.5", "hours")),
    (47.9, ("47.9", "hours")), (48.0, ("2", "days")), (100.0, ("4.2", "days")),
])
def test_duration_picks_a_readable_unit(hours, expected):
    assert fmt.duration_hours(hours) == expected


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (12.0, 10.0, 20.0), (5.0, 10.0, -50.0), (None, 10.0, None), (3.0, None, None),
    (3.0, 0.0, None),
])
def test_change_between_periods(current, previous, expected):
    assert fmt.change(current, previous) == expected


@pytest.mark.parametrize(("delta", "expected"), [
    (None, "no previous period to compare"), (20.0, "▲ 20% vs previous period"),
    (-7.6, "▼ 8% vs previous period"), (0.2, "■ no change vs previous period"),
])
def test_change_text(delta, expected):
    assert fmt.change_text(delta) == expected


@pytest.mark.parametrize(("seconds", "expected"), [
    (10, "less than a minute"), (180, "3 min"), (7200, "2 h"), (5 * 86400, "5 days"),
])
def test_age(seconds, expected):
    assert fmt.age(seconds) == expected


def test_dates():
    moment = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert fmt.short_date(moment) == "15 Jan"
    assert fmt.timestamp(moment) == "2026-01-15 09:30 UTC"
    assert fmt.timestamp(None) == "never"
    assert fmt.percent(None) == "—"
    assert fmt.percent(41.2345) == "41.2%"


@pytest.mark.parametrize(("delta", "expected"), [
    (18.5, "▲ 18.5 pts vs previous period"), (-3.0, "▼ 3 pts vs previous period"),
    (0.01, "■ no change vs previous period"),
])
def test_change_in_points_for_percentages(delta, expected):
    assert fmt.change_text(delta, points=True) == expected
    assert fmt.difference(25.0, 25.0 - delta) == pytest.approx(delta)
