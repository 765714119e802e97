"""Segment metrics on the hand-worked fixture (see tests/data/segments/fixture.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from configuration.filters import parse_filter
from data.metrics.report import compute_report, report_to_json
from data.segments.segment import segment_context, segment_frames
from tests.data.segments.fixture import AS_OF, DAYS, SETTINGS, frames


def report(*clauses: str) -> dict[str, Any]:
    ctx = segment_context(frames(), SETTINGS, parse_filter(clauses), as_of=AS_OF,
                          period_days=DAYS)
    return report_to_json(compute_report(ctx, analytics=False))


def counts(*clauses: str) -> tuple:
    """(issues, deployments, failed, changes, lead median h, incidents, completed,
    measured, unstarted, wip)"""
    r = report(*clauses)
    dora, flow = r["dora"], r["flow"]
    return (
        r["issues"],
        dora["deployment_frequency"]["deployments"],
        dora["change_failure_rate"]["failed"],
        dora["lead_time_for_changes"]["changes"],
        dora["lead_time_for_changes"]["median_hours"],
        dora["time_to_restore"]["incidents"],
        flow["velocity"]["completed"],
        flow["time"]["items"],
        flow["time"]["unstarted"],
        flow["load"]["wip"],
    )


@pytest.mark.parametrize(
    ("clauses", "expected"),
    [
        # everything: S-1 S-2 B-3 S-4 D-1 D-2 I-1; completed S-1 S-2 B-3 I-1
        ((), (7, 2, 1, 2, 96.0, 1, 4, 3, 1, 1)),
        # multi-valued: S-2 has API and Web; D-1/D-2 linked through v1/v2
        (("component=API",), (5, 2, 1, 2, 96.0, 1, 3, 2, 1, 0)),
        # no component: B-3 and D-1 hold !=; D-2 (Web) matches itself
        (("component!=API",), (4, 2, 1, 0, None, 0, 1, 1, 0, 1)),
        (("component=web",), (3, 1, 1, 1, 120.0, 0, 1, 1, 0, 1)),
        (("label=beta",), (4, 2, 1, 2, 96.0, 0, 2, 2, 0, 0)),
        (("label!=alpha",), (6, 2, 1, 1, 120.0, 1, 3, 2, 1, 1)),
        (("priority=HIGH",), (2, 1, 0, 1, 72.0, 0, 1, 1, 0, 0)),
        # B-3 has no priority: = misses it, != keeps it
        (("priority!=High,Medium",), (3, 1, 1, 1, 120.0, 0, 2, 2, 0, 0)),
        (("assignee=ann@x.io",), (3, 1, 0, 1, 72.0, 0, 1, 1, 0, 1)),
        (("assignee=ann lee",), (3, 1, 0, 1, 72.0, 0, 1, 1, 0, 1)),
        (("assignee=bob",), (2, 1, 1, 1, 120.0, 0, 1, 1, 0, 0)),
        (("parent=ep-1",), (3, 1, 0, 1, 72.0, 0, 2, 2, 0, 0)),
        (("fixversion=v2",), (2, 1, 1, 1, 120.0, 0, 1, 1, 0, 0)),
        (("customfield_10042=red",), (2, 1, 0, 1, 72.0, 0, 1, 1, 0, 0)),
        (("customfield_10042!=Red",), (6, 2, 1, 1, 120.0, 1, 3, 2, 1, 1)),
        (("type=Story,bug",), (6, 2, 1, 2, 96.0, 0, 3, 3, 0, 1)),
        (("status=in progress",), (1, 0, 0, 0, None, 0, 0, 0, 0, 1)),
        (("status=Done",), (6, 2, 1, 2, 96.0, 1, 4, 3, 1, 0)),
        # AND: API issues that are not incidents
        (("component=API", "type!=Incident"), (4, 2, 1, 2, 96.0, 0, 2, 2, 0, 0)),
        (("type=Nothing",), (0, 0, 0, 0, None, 0, 0, 0, 0, 0)),
    ],
)
def test_segment_counts(clauses: tuple[str, ...], expected: tuple) -> None:
    assert counts(*clauses) == expected


def test_a_segment_computes_medians_and_rates_of_its_own_items() -> None:
    r = report("component=API")
    assert r["dora"]["change_failure_rate"]["percent"] == 50.0
    assert r["dora"]["time_to_restore"]["median_hours"] == 6.0
    assert r["flow"]["time"]["median_days"] == 3.0
    assert r["flow"]["velocity"]["by_type"] == {
        "feature": 2, "defect": 0, "risk": 0, "debt": 0, "other": 1
    }
    assert r["flow"]["efficiency"]["percent"] == 100.0


def test_the_empty_filter_is_the_whole_report() -> None:
    assert report() == report("type!=Nothing")


@pytest.mark.parametrize("make", [set, list, lambda ids: np.asarray(ids, dtype=object)])
def test_segment_frames_keep_exactly_the_given_issues(make: Any) -> None:
    whole = frames()
    ids = ["59638485", "73288638", "no-such-issue"]  # B-3, S-1 (any order), an unknown id
    part = segment_frames(whole, make(ids))
    kept = set(whole.issues["issue_id"]) & set(ids)
    assert sorted(part.issues["issue_id"]) == sorted(kept)
    for name in ("transitions", "versions", "field_values"):
        frame = getattr(whole, name)
        expected = frame[frame["issue_id"].isin(kept)].reset_index(drop=True)
        assert getattr(part, name).equals(expected), name
