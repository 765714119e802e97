"""What the drill-down panel shows for a request (tests/data/segments/fixture.py)."""

from __future__ import annotations

from data.segments.drill import shown_items
from tests.data.segments.fixture import frames
from tests.data.segments.test_items import context


def keys(shown) -> list[str]:
    return [item["key"] for item in shown.items]


def test_a_weekly_bucket_shows_that_weeks_items() -> None:
    ctx = context()
    # buckets end 03-10, 03-17, 03-24, 03-31; plotly may round the clicked time
    shown = shown_items(ctx, {"metric": "velocity", "week_end": "2026-03-17 00:00:00.2"},
                        frames())
    assert keys(shown) == ["S-2", "I-1"]  # done 03-14 and 03-16T06:00
    assert shown.scope == "week ending 2026-03-17 00:00 UTC"
    deployments = shown_items(ctx, {"metric": "deployment_frequency",
                                    "week_end": "2026-03-10"}, frames())
    assert keys(deployments) == ["D-1"]


def test_a_point_shows_that_item_and_its_history() -> None:
    shown = shown_items(context(), {"metric": "load", "key": "S-4", "history": True}, frames())
    assert keys(shown) == ["S-4"]
    assert shown.history == [("2026-03-25 00:00", "To Do", "In Progress")]


def test_a_histogram_bin_shows_the_items_in_its_range() -> None:
    shown = shown_items(context(), {"metric": "lead_time_for_changes", "value": "hours",
                                    "low": 100, "high": 130}, frames())
    assert keys(shown) == ["S-2"]


def test_a_card_shows_the_segments_items() -> None:
    shown = shown_items(context("component=API"), {"metric": "time_to_restore"}, frames())
    assert keys(shown) == ["I-1"]
    assert shown.linked
    assert shown.scope == "the whole period"
