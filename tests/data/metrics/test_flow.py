"""Flow metrics on small hand-built issues (METRICS.md section 3), exact numbers.

The window is ``[2026-01-04, 2026-02-01)``: 28 days, so per_week = completed / 4.
"""

from __future__ import annotations

import pytest

from data.metrics.flow_distribution import flow_distribution
from data.metrics.flow_efficiency import flow_efficiency
from data.metrics.flow_load import flow_load
from data.metrics.flow_time import flow_time
from data.metrics.flow_velocity import flow_velocity
from tests.builders import issue
from tests.data.metrics.support import context_of


def day(n: int) -> str:
    return f"2026-01-{n:02d}T00:00:00.000+0000"


ISSUES = [
    issue("S-1", transitions=[(day(5), "To Do", "In Progress"), (day(6), "In Progress", "Blocked"),
                              (day(7), "Blocked", "In Progress"), (day(8), "In Progress", "Done")]),
    issue("B-1", type="Bug",
          transitions=[(day(10), "To Do", "In Progress"), (day(11), "In Progress", "Done")]),
    issue("X-1", type="Epic", transitions=[(day(12), "To Do", "Done")]),
    issue("S-2", transitions=[(day(1), "To Do", "In Progress"), (day(3), "In Progress", "Done")]),
    issue("S-3", transitions=[(day(20), "To Do", "In Progress")]),
    issue("S-4", transitions=[(day(21), "To Do", "Blocked")]),
    issue("S-5", transitions=[(day(22), "To Do", "In Review")]),
    issue("D-1", type="Deployment", transitions=[(day(15), "To Do", "Done")]),
    issue("V-1", type="Vulnerability",
          transitions=[(day(13), "To Do", "In Progress"), (day(20), "In Progress", "Done")]),
]


@pytest.fixture(scope="module")
def ctx():
    return context_of(ISSUES)


def test_velocity_counts_flow_items_completed_in_window(ctx):
    result = flow_velocity(ctx)
    assert (result.completed, result.per_week) == (4, 1.0)
    assert dict(result.by_type) == {"feature": 1, "defect": 1, "risk": 1, "debt": 0, "other": 1}


def test_flow_time_percentiles_and_unstarted(ctx):
    assert flow_time(ctx).to_json() == {
        "items": 3, "unstarted": 1, "median_days": 3.0,
        "p85_days": pytest.approx(5.8, abs=1e-12), "p95_days": pytest.approx(6.6, abs=1e-12),
    }


def test_efficiency_is_active_over_flow_time(ctx):
    # active days 2 + 1 + 7 over flow days 3 + 1 + 7
    assert flow_efficiency(ctx).percent == pytest.approx(1000 / 11, abs=1e-12)


def test_load_counts_active_and_waiting_in_workflow_order(ctx):
    result = flow_load(ctx)
    assert result.wip == 3
    assert list(result.by_status.items()) == [("In Progress", 1), ("In Review", 1), ("Blocked", 1)]


def test_distribution_shares(ctx):
    assert dict(flow_distribution(ctx).shares) == {
        "feature": 25.0, "defect": 25.0, "risk": 25.0, "debt": 0.0, "other": 25.0}


def test_nothing_to_count_gives_nulls():
    ctx = context_of([issue("S-9")])
    assert flow_velocity(ctx).to_json() == {"completed": 0, "per_week": 0.0, "by_type": {
        "feature": 0, "defect": 0, "risk": 0, "debt": 0, "other": 0}}
    assert flow_time(ctx).to_json() == {"items": 0, "unstarted": 0, "median_days": None,
                                        "p85_days": None, "p95_days": None}
    assert flow_efficiency(ctx).percent is None
    assert flow_load(ctx).to_json() == {"wip": 0, "by_status": {}}
    assert dict(flow_distribution(ctx).shares) == dict.fromkeys(
        ("feature", "defect", "risk", "debt", "other"))


def test_only_unstarted_completions_have_no_efficiency():
    ctx = context_of([issue("S-1", transitions=[(day(12), "To Do", "Done")])])
    assert flow_time(ctx).unstarted == 1
    assert flow_efficiency(ctx).percent is None


def test_efficiency_does_not_overflow_on_long_total_flow_time():
    # 600 items x ~200 days = 120,000 days: more nanoseconds than int64 holds
    raws = [issue(f"L-{n}", created="2025-06-01T00:00:00.000+0000", transitions=[
        ("2025-06-01T00:00:00.000+0000", "To Do", "In Progress"),
        ("2025-10-01T00:00:00.000+0000", "In Progress", "Blocked"),
        (day(20), "Blocked", "Done")]) for n in range(600)]
    # active Jun 1 -> Oct 1 (122 days) of Jun 1 -> Jan 20 (233 days)
    assert flow_efficiency(context_of(raws)).percent == pytest.approx(12200 / 233, rel=1e-12)
