from __future__ import annotations

import pandas as pd

from tests.ui.sample import WEEKS, empty_report, report
from ui import report_view as rv


def test_weekly_series_columns_in_bucket_order():
    data = report()
    assert rv.weeks(data) == WEEKS
    assert rv.weekly(data, "lead_time_median_hours") == [20.0, None, 35.5]
    assert rv.weekly_by_type(data)["feature"] == [1, 2, 3]
    assert set(rv.weekly_by_type(data)) == {"feature", "defect", "risk", "debt", "other"}


def test_missing_sections_give_empty_data_not_errors():
    assert rv.weeks({}) == []
    assert rv.weekly({}, "wip") == []
    assert rv.section(None, "dora", "deployment_frequency") == {}
    assert rv.scatter_frame({}).empty
    frame, states = rv.cumulative_flow_frame({})
    assert frame.empty
    assert states == []


def test_scatter_points_get_flow_types_from_the_items():
    frame = rv.scatter_frame(report(), {"DEMO-1": "feature"})
    assert list(frame["key"]) == ["DEMO-1", "DEMO-2"]
    assert list(frame["flow_type"]) == ["feature", "other"]
    assert list(frame["flow_days"]) == [2.5, 8.0]
    assert frame["completed_at"].iloc[1] == pd.Timestamp("2026-01-20T10:00:00.5Z")
    assert rv.scatter_percentiles(report()) == {"p50": 3.25, "p85": 7.5, "p95": 9.0}


def test_cumulative_flow_columns_per_state():
    frame, states = rv.cumulative_flow_frame(report())
    assert states == ["not started", "In Progress", "Blocked", "done"]
    assert list(frame["done"]) == [10, 11, 12]
    assert frame["day"].iloc[0] == pd.Timestamp("2026-01-19", tz="UTC")


def test_aging_items_and_status_order():
    frame, order = rv.aging_frame(report())
    assert order == ["In Progress", "Blocked"]  # active before waiting
    assert list(frame["key"]) == ["DEMO-7", "DEMO-8"]
    assert list(frame["flow_type"]) == ["feature", "other"]
    assert rv.aging_percentiles(report())["p85"] == 7.5
    empty, no_order = rv.aging_frame(empty_report())
    assert empty.empty
    assert no_order == []


def test_a_previous_period_before_the_data_gives_no_comparison_and_says_why():
    covered = {"covered": True, "flow": {"velocity": {"per_week": 2.0}}}
    assert rv.comparison(covered) == (covered, "")
    assert rv.comparison(None) == (None, "")
    partial = {"covered": False, "start": "2025-12-08T00:00:00+00:00",
               "data_start": "2026-05-04T09:30:00+00:00"}
    assert rv.comparison(partial) == (None, "no comparison: the data starts 4 May 2026, "
                                            "after the previous period's start (8 Dec 2025)")
    assert rv.comparison({**partial, "data_start": None})[1] == \
        "no comparison: no data before this period"
