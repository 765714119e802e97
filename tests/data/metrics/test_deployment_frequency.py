"""Deployment Frequency on its own (METRICS.md section 4): the window argument."""

from __future__ import annotations

from data.metrics.deployment_frequency import deployment_frequency
from tests.data.metrics.support import context_of, window
from tests.data.metrics.test_dora import ISSUE_SOURCE, ISSUE_SOURCE_ISSUES


def test_an_explicit_window_counts_its_own_deployments_and_weeks():
    """Rule: with ``window=`` the deployments counted and the weeks divided by are that
    window's: 01-01..01-15 holds D-5 (01-02) and D-1 (01-10), 2 in 2 weeks."""
    ctx = context_of(ISSUE_SOURCE_ISSUES, ISSUE_SOURCE)
    result = deployment_frequency(ctx, window("2026-01-01", "2026-01-15"))
    assert (result.deployments, result.per_week, result.tier) == (2, 1.0, "high")
    assert deployment_frequency(ctx).deployments == 2  # the context's own: D-1 and D-2
