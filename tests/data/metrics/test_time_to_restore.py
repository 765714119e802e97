"""Time to Restore on its own (METRICS.md section 4): the window argument."""

from __future__ import annotations

import pytest

from data.metrics.time_to_restore import time_to_restore
from tests.data.metrics.support import context_of, window
from tests.data.metrics.test_dora import incident

INCIDENTS = [
    incident("I-1", "2026-01-10T09:00:00.000+0000", "2026-01-10T09:30:00.000+0000"),
    incident("I-2", "2026-01-11T00:00:00.000+0000", "2026-01-12T00:00:00.000+0000"),
    incident("I-4", "2025-12-01T00:00:00.000+0000", "2026-01-02T00:00:00.000+0000"),
]


@pytest.mark.parametrize(("start", "end", "incidents", "median"), [
    ("2026-01-01", "2026-01-04", 1, 768.0),  # I-4 ended 01-02, before the context's window
    ("2026-01-10", "2026-01-11", 1, 0.5),  # I-1 only
    ("2026-01-20", "2026-01-30", 0, None),
])
def test_an_explicit_window_counts_the_incidents_restored_in_it(start, end, incidents, median):
    """Rule: with ``window=`` an incident counts when its restore ends in that window."""
    ctx = context_of(INCIDENTS)
    result = time_to_restore(ctx, window(start, end))
    assert (result.incidents, result.median_hours) == (incidents, median)
