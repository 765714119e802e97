from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callbacks.runtime import window_for
from callbacks.shell import period_from, status_for

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("choice", "start", "end", "store", "visible"), [
    ("30", None, None, {"period_days": 30, "start": None, "end": None}, False),
    ("custom", "2026-01-01", "2026-01-31",
     {"period_days": None, "start": "2026-01-01", "end": "2026-01-31"}, True),
    (None, None, None, {"period_days": 90, "start": None, "end": None}, False),
])
def test_period_selector(choice, start, end, store, visible):
    data, style = period_from(choice, start, end, 90)
    assert data == store
    assert (style["display"] == "block") is visible


@pytest.mark.parametrize(("period", "as_of", "days"), [
    ({"period_days": 7}, NOW, 7),
    (None, NOW, 90),
    # A custom range covers whole days, the end day included.
    ({"start": "2026-01-01", "end": "2026-01-31"}, datetime(2026, 2, 1, tzinfo=UTC), 31),
    ({"start": "2026-01-31", "end": "2026-01-01"}, datetime(2026, 2, 1, tzinfo=UTC), 31),
    # Issue 10, item 5: a range cannot end after the last sync (NOW), nor start after it.
    ({"start": "2026-03-01", "end": "2026-04-30"}, NOW, 10),
    ({"start": "2026-03-10", "end": "2026-03-10"}, NOW, 1),
    ({"start": "2026-05-01", "end": "2026-05-31"}, NOW, 1),
])
def test_window_for_period(period, as_of, days):
    window = window_for(period, 90, NOW)
    assert (window.as_of, window.period_days) == (as_of, days)
    assert window.previous().as_of == as_of - timedelta(days=days)


def test_sync_status_and_stale_note():
    label, note = status_for(None, NOW, 24)
    assert (label, note) == ("Not synced yet", None)
    label, note = status_for(NOW - timedelta(minutes=5), NOW, 24)
    assert label == "Last sync: 2026-03-10 11:55 UTC (5 min ago)"
    assert note is None
    _, note = status_for(NOW - timedelta(days=3), NOW, 24)
    assert "Showing data synced 3 days ago" in note.children
