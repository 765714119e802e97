"""Lead Time for Changes on its own (METRICS.md section 4): the window argument."""

from __future__ import annotations

import pytest

from data.metrics.lead_time import lead_time
from tests.data.metrics.support import context_of, window
from tests.data.metrics.test_dora import ISSUE_SOURCE, ISSUE_SOURCE_ISSUES


@pytest.fixture(scope="module")
def ctx():
    return context_of(ISSUE_SOURCE_ISSUES, ISSUE_SOURCE)


@pytest.mark.parametrize(("start", "end", "changes", "median"), [
    # D-2 on 01-20 ends S-5's lead time (started 01-15): 120 h, nothing else
    ("2026-01-15", "2026-01-25", 1, 120.0),
    # D-1 on 01-10 ends S-1 (48 h) and S-2 (24 h)
    ("2026-01-05", "2026-01-15", 2, 36.0),
    # D-5 on 01-02, before the context's window, ends S-4 (72 h)
    ("2025-12-25", "2026-01-04", 1, 72.0),
])
def test_an_explicit_window_counts_the_changes_deployed_in_it(ctx, start, end, changes, median):
    """Rule: with ``window=`` a change counts when its deployment lies in that window,
    not in the context's own window."""
    result = lead_time(ctx, window(start, end))
    assert (result.changes, result.median_hours) == (changes, median)


def test_an_empty_window_has_no_lead_time(ctx):
    result = lead_time(ctx, window("2026-01-11", "2026-01-12"))
    assert (result.changes, result.median_hours, result.p85_hours, result.tier) == (
        0, None, None, None)
