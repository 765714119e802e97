"""Small report dicts in the engine's JSON shape (METRICS.md section 6 plus extras)."""

from __future__ import annotations

import copy
from typing import Any

from ui import ids

# Every chart each page must draw (the page tests and the browser tests check them).
DORA_CHARTS = [ids.DORA_DEPLOYMENT_FREQUENCY_TREND, ids.DORA_LEAD_TIME_TREND,
               ids.DORA_CHANGE_FAILURE_TREND, ids.DORA_RESTORE_TREND,
               ids.DORA_DEPLOYMENTS_TIMELINE, ids.DORA_LEAD_TIME_DISTRIBUTION,
               ids.DORA_RESTORE_DISTRIBUTION]
FLOW_CHARTS = [ids.FLOW_VELOCITY_CHART, ids.FLOW_TIME_SCATTER, ids.FLOW_EFFICIENCY_TREND,
               ids.FLOW_WIP_TREND, ids.FLOW_AGING_WIP, ids.FLOW_DISTRIBUTION_DONUT,
               ids.FLOW_CUMULATIVE_FLOW]
FORECAST_CHARTS = [ids.FORECAST_HOW_MANY_CHART, ids.FORECAST_WHEN_CHART]

WEEKS = ["2026-01-08T00:00:00+00:00", "2026-01-15T00:00:00+00:00", "2026-01-22T00:00:00+00:00"]

REPORT: dict[str, Any] = {
    "as_of": "2026-01-22T00:00:00+00:00", "period_days": 21, "issues": 40,
    "dora": {
        "deployment_frequency": {"deployments": 6, "per_week": 2.0, "tier": "high"},
        "lead_time_for_changes": {"changes": 9, "median_hours": 30.5, "p85_hours": 80.25,
                                  "tier": "high"},
        "change_failure_rate": {"deployments": 6, "failed": 1, "percent": 16.666666666666668,
                                "tier": "low"},
        "time_to_restore": {"incidents": 2, "median_hours": 5.0, "p85_hours": 6.5,
                            "tier": "high"},
    },
    "flow": {
        "velocity": {"completed": 12, "per_week": 4.0,
                     "by_type": {"feature": 6, "defect": 3, "risk": 0, "debt": 1, "other": 2}},
        "time": {"items": 11, "unstarted": 1, "median_days": 3.25, "p85_days": 7.5,
                 "p95_days": 9.0},
        "efficiency": {"percent": 41.2345},
        "load": {"wip": 5, "by_status": {"In Progress": 3, "Blocked": 2}},
        "distribution": {"feature": 50.0, "defect": 25.0, "risk": 0.0, "debt": 8.333333333333334,
                         "other": 16.666666666666668},
    },
    "series": {
        "week_start": ["2026-01-01T00:00:00+00:00", *WEEKS[:2]],
        "week_end": WEEKS,
        "deployments": [2, 0, 4],
        "lead_time_median_hours": [20.0, None, 35.5],
        "change_failure_percent": [0.0, None, 25.0],
        "restore_median_hours": [None, 4.0, 6.0],
        "completed": [3, 4, 5],
        "throughput_by_type": {"feature": [1, 2, 3], "defect": [1, 1, 1], "risk": [0, 0, 0],
                               "debt": [0, 1, 0], "other": [1, 0, 1]},
        "flow_time_median_days": [2.0, 3.0, 4.0],
        "efficiency_percent": [40.0, None, 45.5],
        "wip": [4, 6, 5],
    },
    "scatter": {
        "points": [{"key": "DEMO-1", "completed_at": "2026-01-10T10:00:00+00:00", "days": 2.5},
                   {"key": "DEMO-2", "completed_at": "2026-01-20T10:00:00.5+00:00",
                    "days": 8.0}],
        "p50_days": 3.25, "p85_days": 7.5, "p95_days": 9.0,
    },
    "cumulative_flow": {
        "as_of": "2026-01-22T00:00:00+00:00", "period_days": 3,
        "days": ["2026-01-19", "2026-01-20", "2026-01-21"],
        "states": ["not started", "In Progress", "Blocked", "done"],
        "counts": {"not started": [5, 4, 4], "In Progress": [2, 3, 3], "Blocked": [1, 1, 2],
                   "done": [10, 11, 12]},
    },
    "aging_wip": {
        "as_of": "2026-01-22T00:00:00+00:00", "wip": 2,
        "items": [{"key": "DEMO-8", "status": "Blocked", "state": "waiting", "flow_type": None,
                   "started_at": "2026-01-10T00:00:00+00:00", "age_days": 12.0},
                  {"key": "DEMO-7", "status": "In Progress", "state": "active",
                   "flow_type": "feature", "started_at": "2026-01-17T12:00:00+00:00",
                   "age_days": 4.5}],
        "flow_time": {"items": 11, "p50_days": 3.25, "p85_days": 7.5, "p95_days": 9.0},
    },
}


def report(**changes: Any) -> dict[str, Any]:
    """A deep copy of :data:`REPORT` with dotted-path changes (``dora.x.y=value``)."""
    result = copy.deepcopy(REPORT)
    for dotted, value in changes.items():
        node = result
        *parents, leaf = dotted.split("__")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return result


def empty_report() -> dict[str, Any]:
    """Nothing to count anywhere: the engine's nulls and zeros."""
    result = report()
    result["dora"] = {
        "deployment_frequency": {"deployments": 0, "per_week": 0.0, "tier": None},
        "lead_time_for_changes": {"changes": 0, "median_hours": None, "p85_hours": None,
                                  "tier": None},
        "change_failure_rate": {"deployments": 0, "failed": 0, "percent": None, "tier": None},
        "time_to_restore": {"incidents": 0, "median_hours": None, "p85_hours": None,
                            "tier": None},
    }
    result["flow"] = {
        "velocity": {"completed": 0, "per_week": 0.0, "by_type": dict.fromkeys(
            ("feature", "defect", "risk", "debt", "other"), 0)},
        "time": {"items": 0, "unstarted": 0, "median_days": None, "p85_days": None,
                 "p95_days": None},
        "efficiency": {"percent": None},
        "load": {"wip": 0, "by_status": {}},
        "distribution": dict.fromkeys(("feature", "defect", "risk", "debt", "other")),
    }
    series = result["series"]
    for name in ("deployments", "completed", "wip"):
        series[name] = [0, 0, 0]
    for name in ("lead_time_median_hours", "change_failure_percent", "restore_median_hours",
                 "flow_time_median_days", "efficiency_percent"):
        series[name] = [None, None, None]
    series["throughput_by_type"] = {t: [0, 0, 0] for t in series["throughput_by_type"]}
    result["scatter"] = {"points": [], "p50_days": None, "p85_days": None, "p95_days": None}
    result["cumulative_flow"] = {"days": [], "states": [], "counts": {}}
    result["aging_wip"] = {"items": [], "statuses": []}
    return result
