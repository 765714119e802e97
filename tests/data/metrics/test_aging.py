"""Aging WIP: which items are in progress at as_of, their exact ages, the reference lines."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from data.metrics.aging import ITEM_COLUMNS, aging_wip, iso_utc
from data.metrics.flow_load import flow_load
from data.metrics.flow_time import flow_time
from data.simulator.demo_data import generate_demo_issues
from tests.builders import issue
from tests.data.metrics.support import SETTINGS, context_of

# support.AS_OF = 2026-02-01T00:00Z, window [2026-01-04, 2026-02-01)
DAY = 86_400


def wip_fixture() -> list[dict]:
    return [
        issue("W-1", created="2026-01-10T09:00:00.000+0000", transitions=[
            ("2026-01-20T10:15:30.000+0200", "To Do", "In Progress"),  # 08:15:30Z
        ]),
        issue("W-2", created="2026-01-25T00:00:01.000+0000", status="Blocked"),  # born waiting
        issue("W-3", created="2026-01-01T00:00:00.000+0000", transitions=[
            ("2026-01-02T00:00:00.000+0000", "To Do", "In Progress"),
            ("2026-01-03T00:00:00.000+0000", "In Progress", "Done"),
            ("2026-01-04T00:00:00.000+0000", "Done", "In Review"),  # reopened
        ]),
        # same start as W-1: the tie is ordered by key
        issue("W-0", created="2026-01-10T09:00:00.000+0000", transitions=[
            ("2026-01-20T08:15:30.000+0000", "To Do", "In Review"),
        ]),
        # not WIP: back to a not-started status, done, a deployment, moved after as_of
        issue("N-1", created="2026-01-10T00:00:00.000+0000", transitions=[
            ("2026-01-11T00:00:00.000+0000", "To Do", "In Progress"),
            ("2026-01-12T00:00:00.000+0000", "In Progress", "To Do"),
        ]),
        issue("N-2", created="2026-01-01T00:00:00.000+0000", transitions=[
            ("2026-01-10T00:00:00.000+0000", "To Do", "In Progress"),
            ("2026-01-20T00:00:00.000+0000", "In Progress", "Done"),  # flow time 10 d
        ]),
        issue("N-3", created="2026-01-01T00:00:00.000+0000", transitions=[
            ("2026-01-05T00:00:00.000+0000", "To Do", "In Progress"),
            ("2026-01-25T00:00:00.000+0000", "In Progress", "Closed"),  # flow time 20 d
        ]),
        issue("N-4", type="Deployment", created="2026-01-20T00:00:00.000+0000",
              status="In Progress"),
        issue("N-5", created="2026-01-20T00:00:00.000+0000", transitions=[
            ("2026-02-01T00:00:00.000+0000", "To Do", "In Progress"),  # at as_of: not applied
        ]),
    ]


def test_wip_items_oldest_first_with_exact_ages() -> None:
    items = aging_wip(context_of(wip_fixture())).items
    assert list(items.columns) == list(ITEM_COLUMNS)
    assert items[["key", "status", "state", "flow_type"]].to_numpy().tolist() == [
        ["W-3", "In Review", "active", "feature"],
        ["W-0", "In Review", "active", "feature"],
        ["W-1", "In Progress", "active", "feature"],
        ["W-2", "Blocked", "waiting", "feature"],
    ]
    assert items["age_days"].tolist() == [
        30.0,  # first start 01-02 counts, not the reopening
        11 + (15 * 3600 + 44 * 60 + 30) / DAY,
        11 + (15 * 3600 + 44 * 60 + 30) / DAY,
        6 + (DAY - 1) / DAY,  # started at creation
    ]
    assert items["started_at"].iloc[2] == pd.Timestamp("2026-01-20T08:15:30Z")


def test_reference_lines_are_the_flow_time_metric() -> None:
    ctx = context_of(wip_fixture())
    result = aging_wip(ctx)
    assert (result.p50_days, result.p85_days, result.p95_days) == (15.0, 18.5, 19.5)
    reference = flow_time(ctx)
    assert result.flow_time_items == reference.items == 2
    assert result.p85_days == reference.p85_days


def test_to_json() -> None:
    result = aging_wip(context_of(wip_fixture()[1:2]))
    assert result.to_json() == {
        "as_of": "2026-02-01T00:00:00+00:00",
        "wip": 1,
        "statuses": ["In Progress", "In Review", "Blocked"],
        "items": [{
            "key": "W-2", "status": "Blocked", "state": "waiting", "flow_type": "feature",
            "started_at": "2026-01-25T00:00:01+00:00", "age_days": 6 + (DAY - 1) / DAY,
        }],
        "flow_time": {"items": 0, "p50_days": None, "p85_days": None, "p95_days": None},
    }


def test_nothing_in_progress() -> None:
    result = aging_wip(context_of(wip_fixture()[4:]))
    assert result.wip == 0
    assert result.to_json()["items"] == []
    with pytest.raises(AttributeError):
        result.p50_days = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("text", [
    "2026-01-25T00:00:01+00:00", "2026-01-25T00:00:01.123000+00:00",
    "2026-01-25T00:00:01.000007+00:00", "1999-12-31T23:59:59+00:00",
])
def test_iso_utc_matches_isoformat(text: str) -> None:
    stamp = pd.Timestamp(text)
    assert iso_utc(np.array([stamp.value])) == [stamp.isoformat()] == [text]


def test_demo_wip_matches_flow_load_and_ignores_issue_order() -> None:
    raw = generate_demo_issues(anchor=datetime(2026, 3, 1, tzinfo=UTC), count=300)
    shuffled = copy.deepcopy(raw)
    random.Random(2).shuffle(shuffled)
    for item in shuffled:
        item["changelog"]["histories"].reverse()
    as_of = "2026-02-20T17:45:10+00:00"
    ctx = context_of(raw, SETTINGS, as_of=as_of)
    result = aging_wip(ctx)
    assert result.wip == flow_load(ctx).wip > 0
    assert result.items["age_days"].is_monotonic_decreasing
    assert (result.items["age_days"] > 0).all()
    assert result.to_json() == aging_wip(context_of(shuffled, SETTINGS, as_of=as_of)).to_json()
