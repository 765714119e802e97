"""The report and its JSON shape (METRICS.md section 6)."""

from __future__ import annotations

import json

import pytest

from data.metrics.report import compute_report, report_to_json
from tests.builders import issue
from tests.data.metrics.support import context_of
from tests.data.metrics.test_flow import ISSUES

EMPTY_SHAPE = {
    "as_of": "2026-02-01T00:00:00+00:00", "period_days": 28, "issues": 1,
    "dora": {
        "deployment_frequency": {"deployments": 0, "per_week": 0.0, "tier": None},
        "lead_time_for_changes": {"changes": 0, "median_hours": None, "p85_hours": None,
                                  "tier": None},
        "change_failure_rate": {"deployments": 0, "failed": 0, "percent": None, "tier": None},
        "time_to_restore": {"incidents": 0, "median_hours": None, "p85_hours": None,
                            "tier": None},
    },
    "flow": {
        "velocity": {"completed": 0, "per_week": 0.0, "by_type": {
            "feature": 0, "defect": 0, "risk": 0, "debt": 0, "other": 0}},
        "time": {"items": 0, "unstarted": 0, "median_days": None, "p85_days": None,
                 "p95_days": None},
        "efficiency": {"percent": None},
        "load": {"wip": 0, "by_status": {}},
        "distribution": {"feature": None, "defect": None, "risk": None, "debt": None,
                         "other": None},
    },
}


def test_nothing_to_count_report_has_the_contract_shape():
    payload = report_to_json(compute_report(context_of([issue("S-1")]), analytics=False))
    assert {k: payload[k] for k in EMPTY_SHAPE} == EMPTY_SHAPE
    assert set(payload) == {*EMPTY_SHAPE, "series", "scatter"}


def test_report_json_is_plain_and_typed():
    payload = report_to_json(compute_report(context_of(ISSUES), analytics=False))
    text = json.dumps(payload, allow_nan=False)  # plain JSON types only, no NaN
    assert json.loads(text) == payload
    velocity = payload["flow"]["velocity"]
    assert isinstance(velocity["completed"], int)
    assert isinstance(velocity["per_week"], float)
    assert payload["flow"]["time"]["median_days"] == 3.0
    assert payload["issues"] == len(ISSUES)


def test_issues_counts_only_those_created_before_as_of():
    raws = [issue("S-1"), issue("S-2", created="2026-02-01T00:00:00.000+0000")]
    assert compute_report(context_of(raws), analytics=False).issues == 1


@pytest.mark.parametrize("key", ["cumulative_flow", "aging_wip", "forecast"])
def test_installed_analytics_are_added(key):
    payload = report_to_json(compute_report(context_of(ISSUES)))
    assert key in payload
    json.dumps(payload[key], allow_nan=False)
