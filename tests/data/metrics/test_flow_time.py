"""Flow Time on its own (METRICS.md section 3): the window argument, on one context."""

from __future__ import annotations

import pytest

from data.metrics.flow_time import flow_time, measured_items
from tests.data.metrics.support import context_of, window
from tests.data.metrics.test_flow import ISSUES


def test_each_window_measures_its_own_items_on_one_context():
    """Rule: with ``window=`` the items measured are those completed in that window; the
    context memoizes per window, so asking for several windows gives each its own."""
    ctx = context_of(ISSUES)
    first = flow_time(ctx, window("2026-01-04", "2026-01-09"))  # S-1: 3 days
    before = flow_time(ctx, window("2026-01-01", "2026-01-04"))  # S-2: 2 days
    unstarted = flow_time(ctx, window("2026-01-12", "2026-01-13"))  # never started
    assert (first.items, first.unstarted, first.median_days) == (1, 0, 3.0)
    assert (before.items, before.unstarted, before.median_days) == (1, 0, 2.0)
    assert (unstarted.items, unstarted.unstarted, unstarted.median_days) == (0, 1, None)
    assert flow_time(ctx).items == 3  # the context's own window still has its own


def test_measured_items_is_the_mask_of_the_window():
    ctx = context_of(ISSUES)
    mask = measured_items(ctx, window("2026-01-04", "2026-01-09"))
    assert ctx.per_issue["key"].to_numpy()[mask].tolist() == ["S-1"]
    assert mask.sum() != measured_items(ctx).sum()
    assert measured_items(ctx, None).sum() == pytest.approx(3)
