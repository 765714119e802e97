"""Weekly series and flow-time scatter (METRICS.md section 7)."""

from __future__ import annotations

import pytest

from data.metrics.series import flow_time_scatter, weekly_series
from tests.builders import issue
from tests.data.metrics.support import context_of
from tests.data.metrics.test_flow import ISSUES


@pytest.fixture(scope="module")
def series():
    return weekly_series(context_of(ISSUES))


def test_buckets_end_at_as_of(series):
    assert [d.isoformat() for d in series.week_start] == [
        "2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00",
        "2026-01-18T00:00:00+00:00", "2026-01-25T00:00:00+00:00"]
    assert series.week_end[-1].isoformat() == "2026-02-01T00:00:00+00:00"


def test_counts_per_bucket_are_zero_when_empty(series):
    assert series.completed == (1, 2, 1, 0)
    assert series.deployments == (0, 1, 0, 0)
    assert dict(series.throughput_by_type) == {
        "feature": (1, 0, 0, 0), "defect": (0, 1, 0, 0), "risk": (0, 0, 1, 0),
        "debt": (0, 0, 0, 0), "other": (0, 1, 0, 0)}


def test_medians_and_rates_per_bucket_are_null_when_empty(series):
    assert series.flow_time_median_days == (3.0, 1.0, 7.0, None)
    assert series.efficiency_percent == (pytest.approx(200 / 3), 100.0, 100.0, None)
    assert series.change_failure_percent == (None, 0.0, None, None)
    assert series.lead_time_median_hours == (None, None, None, None)
    assert series.restore_median_hours == (None, None, None, None)


def test_wip_counted_at_each_bucket_end(series):
    # B-1 moves to Done exactly at the first bucket's end: not applied yet
    assert series.wip == (1, 1, 3, 3)


def test_period_shorter_than_a_week_has_no_bucket():
    series = weekly_series(context_of(ISSUES, period_days=6))
    assert series.completed == ()
    assert series.to_json()["wip"] == []


def test_scatter_points_ordered_by_completion_with_percentiles():
    scatter = flow_time_scatter(context_of(ISSUES))
    assert [(p.key, p.completed_at.day, p.days) for p in scatter.points] == [
        ("S-1", 8, 3.0), ("B-1", 11, 1.0), ("V-1", 20, 7.0)]
    assert (scatter.p50_days, scatter.p85_days, scatter.p95_days) == (
        3.0, pytest.approx(5.8), pytest.approx(6.6))


def test_empty_scatter():
    assert flow_time_scatter(context_of([issue("S-1")])).to_json() == {
        "points": [], "p50_days": None, "p85_days": None, "p95_days": None}
