"""Flow Efficiency on its own (METRICS.md section 3): the window argument."""

from __future__ import annotations

import pytest

from data.metrics.flow_efficiency import flow_efficiency
from tests.data.metrics.support import context_of, window
from tests.data.metrics.test_flow import ISSUES


@pytest.fixture(scope="module")
def ctx():
    return context_of(ISSUES)


@pytest.mark.parametrize(("start", "end", "percent"), [
    # S-1 completed 01-08: active 01-05..06 and 01-07..08 over 3 days of flow
    ("2026-01-04", "2026-01-09", 200 / 3),
    # S-2 completed 01-03, before the context's window: 2 active days of 2
    ("2026-01-01", "2026-01-04", 100.0),
    # nothing completed
    ("2026-01-21", "2026-01-31", None),
])
def test_an_explicit_window_measures_the_items_completed_in_it(ctx, start, end, percent):
    """Rule: with ``window=`` the items measured are those completed in that window,
    not in the context's own."""
    result = flow_efficiency(ctx, window(start, end))
    assert result.percent == (None if percent is None else pytest.approx(percent, abs=1e-12))
