"""Drill-down items on the hand-worked fixture (tests/data/segments/fixture.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from configuration.filters import parse_filter
from data.metrics.report import compute_report, report_to_json
from data.segments.items import METRICS, metric_items
from data.segments.segment import segment_context
from tests.data.segments.fixture import AS_OF, DAYS, SETTINGS, frames


def context(*clauses: str) -> Any:
    return segment_context(frames(), SETTINGS, parse_filter(clauses), as_of=AS_OF,
                           period_days=DAYS)


def items(metric: str, *clauses: str) -> list[dict[str, Any]]:
    return metric_items(context(*clauses), metric)


def test_lead_time_items_of_a_segment() -> None:
    assert items("lead_time_for_changes", "component=API") == [
        {"key": "S-1", "summary": "Issue S-1", "type": "Story", "status": "Done",
         "hours": 72.0, "start": "2026-03-05T00:00:00+00:00",
         "end": "2026-03-08T00:00:00+00:00"},
        {"key": "S-2", "summary": "Issue S-2", "type": "Story", "status": "Done",
         "hours": 120.0, "start": "2026-03-10T00:00:00+00:00",
         "end": "2026-03-15T00:00:00+00:00"},
    ]


def test_deployment_items_are_linked_or_matching_ones() -> None:
    found = items("change_failure_rate", "component=web")
    assert [(i["key"], i["time"], i["failed"]) for i in found] == [
        ("D-2", "2026-03-15T00:00:00+00:00", True)
    ]
    assert [i["key"] for i in items("deployment_frequency", "assignee=ann@x.io")] == ["D-1"]


@pytest.mark.parametrize(
    ("metric", "clauses", "expected"),
    [
        ("velocity", ("component=API",),
         [("S-1", "feature", "2026-03-07T00:00:00+00:00"),
          ("S-2", "feature", "2026-03-14T00:00:00+00:00"),
          ("I-1", "other", "2026-03-16T06:00:00+00:00")]),
        ("time", ("parent=EP-1",), [("S-1", 2.0), ("B-3", 1.0)]),
        ("efficiency", ("label=beta",), [("S-1", 2.0, 2.0), ("S-2", 4.0, 4.0)]),
        ("load", (), [("S-4", "In Progress", 6.0)]),
        ("time_to_restore", ("component=API",), [("I-1", 6.0)]),
    ],
)
def test_items_values(metric: str, clauses: tuple[str, ...], expected: list[tuple]) -> None:
    value_keys = {
        "velocity": ("flow_type", "completed_at"), "time": ("days",),
        "efficiency": ("active_days", "days"), "load": ("status", "age_days"),
        "time_to_restore": ("hours",),
    }[metric]
    found = items(metric, *clauses)
    got = [(i["key"], *(i[k] for k in value_keys)) for i in found]
    assert sorted(got) == sorted(expected)


COUNT_AND_VALUE = {
    # metric -> (count path, statistic path or None, how the items give the statistic)
    "deployment_frequency": ("dora.deployment_frequency.deployments", None, None),
    "change_failure_rate": ("dora.change_failure_rate.deployments",
                            "dora.change_failure_rate.percent",
                            lambda xs: 100.0 * sum(x["failed"] for x in xs) / len(xs)),
    "lead_time_for_changes": ("dora.lead_time_for_changes.changes",
                              "dora.lead_time_for_changes.median_hours",
                              lambda xs: float(np.median([x["hours"] for x in xs]))),
    "time_to_restore": ("dora.time_to_restore.incidents", "dora.time_to_restore.p85_hours",
                        lambda xs: float(np.percentile([x["hours"] for x in xs], 85))),
    "velocity": ("flow.velocity.completed", None, None),
    "time": ("flow.time.items", "flow.time.p95_days",
             lambda xs: float(np.percentile([x["days"] for x in xs], 95))),
    "efficiency": ("flow.time.items", "flow.efficiency.percent",
                   lambda xs: 100.0 * sum(x["active_days"] for x in xs)
                   / sum(x["days"] for x in xs)),
    "load": ("flow.load.wip", None, None),
}


def _at(payload: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        payload = payload[part]
    return payload


@pytest.mark.parametrize("metric", list(METRICS))
@pytest.mark.parametrize("clauses", [(), ("component=API",), ("component!=API",),
                                     ("assignee=ann lee",), ("type=Nothing",)])
def test_items_count_and_statistic_equal_the_metric(metric: str, clauses: tuple) -> None:
    ctx = context(*clauses)
    payload = report_to_json(compute_report(ctx, analytics=False))
    found = metric_items(ctx, metric)
    count_path, stat_path, from_items = COUNT_AND_VALUE[metric]
    assert count_path == METRICS[metric][1]
    assert len(found) == _at(payload, count_path)
    if stat_path and found:
        assert from_items(found) == pytest.approx(_at(payload, stat_path), rel=1e-12)
