"""Cumulative flow: daily state counts replayed from the changelog, exact per day end."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from configuration.settings import Settings, WorkflowSettings
from data.metrics.cumulative_flow import cumulative_flow, day_ends, replay_counts
from data.metrics.flow_load import flow_load
from data.simulator.demo_data import generate_demo_issues
from tests.builders import issue
from tests.data.metrics.support import SETTINGS, context_of

# Window [2026-01-01T12:00Z, 2026-01-04T12:00Z): days 01-01 .. 01-04, the last partial.
AS_OF = "2026-01-04T12:00:00+00:00"
STATES = ["not started", "In Progress", "In Review", "Blocked", "done"]


def three_issues() -> list[dict]:
    return [
        issue("A-1", created="2025-12-31T09:00:00.000+0000", transitions=[
            ("2026-01-01T20:00:00.000-0500", "To Do", "In Progress"),  # 01-02T01:00Z
            ("2026-01-03T10:00:00.000+0000", "In Progress", "Done"),
            ("2026-01-03T15:00:00.000+0000", "Done", "In Progress"),  # reopened
            ("2026-01-04T11:59:59.000+0000", "In Progress", "Blocked"),
        ]),
        issue("A-2", created="2026-01-02T05:30:00.000+0530", transitions=[  # 01-02T00:00Z
            ("2026-01-02T08:00:00.000+0000", "To Do", "In Review"),
            ("2026-01-03T23:00:00.000-0200", "In Review", "Done"),  # 01-04T01:00Z
            ("2026-01-04T05:00:00.000+0000", "Done", "Closed"),
        ], newest_first=False),
        issue("A-3", created="2026-01-03T10:00:00.000+0000", transitions=[
            ("2026-01-04T13:00:00.000+0000", "To Do", "In Progress"),  # after as_of
        ]),
        # not counted: a deployment record, and an issue created after as_of
        issue("A-4", type="Deployment", created="2026-01-01T00:00:00.000+0000",
              status="Done"),
        issue("A-5", created="2026-01-04T12:00:00.000+0000", status="In Progress"),
    ]


def test_counts_per_state_at_each_day_end() -> None:
    result = cumulative_flow(context_of(three_issues(), as_of=AS_OF, period_days=3))
    assert list(result.counts.columns) == STATES
    assert [d.strftime("%Y-%m-%d") for d in result.counts.index] == [
        "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04",
    ]
    assert result.counts.to_numpy().tolist() == [
        [1, 0, 0, 0, 0],  # end 01-02T00:00: A-1 still To Do; A-2 created exactly then
        [0, 1, 1, 0, 0],  # end 01-03T00:00
        [1, 1, 1, 0, 0],  # end 01-04T00:00: A-1 done then reopened; A-2 done at 01:00
        [1, 0, 0, 1, 1],  # as_of 12:00: A-1 blocked 1 s before; A-2 Done -> Closed
    ]


def test_to_json_lists_days_states_and_counts() -> None:
    result = cumulative_flow(context_of(three_issues(), as_of=AS_OF, period_days=3))
    assert result.to_json() == {
        "as_of": "2026-01-04T12:00:00+00:00",
        "period_days": 3,
        "days": ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
        "states": STATES,
        "counts": {
            "not started": [1, 0, 1, 1],
            "In Progress": [0, 1, 1, 0],
            "In Review": [0, 1, 1, 0],
            "Blocked": [0, 0, 0, 1],
            "done": [0, 0, 0, 1],
        },
    }


def test_midnight_as_of_gives_one_row_per_window_day() -> None:
    result = cumulative_flow(context_of(three_issues(), as_of="2026-01-04T00:00:00+00:00",
                                        period_days=3))
    assert [d.day for d in result.counts.index] == [1, 2, 3]
    assert result.counts.loc[:, "done"].tolist() == [0, 0, 0]


def test_status_spelling_follows_the_issues_and_unknown_status_is_not_started() -> None:
    settings = Settings(workflow=WorkflowSettings(
        active_statuses=("in progress",), waiting_statuses=("blocked", "Queued"),
        done_statuses=("DONE",)))
    raw = [issue("B-1", created="2026-01-01T00:00:00.000+0000", transitions=[
        ("2026-01-01T01:00:00.000+0000", "Triage", "In Progress")])]
    result = cumulative_flow(context_of(raw, settings, as_of=AS_OF, period_days=3))
    assert result.states == ("not started", "In Progress", "blocked", "Queued", "done")
    assert result.counts["In Progress"].tolist() == [1, 1, 1, 1]


def test_no_flow_items_gives_zero_rows_of_counts() -> None:
    result = cumulative_flow(context_of([], as_of=AS_OF, period_days=3))
    assert result.counts.shape == (4, 5)
    assert int(result.counts.to_numpy().sum()) == 0


def test_day_ends_cut_the_last_day_at_as_of() -> None:
    ends = day_ends(datetime(2026, 1, 4, 12, tzinfo=UTC), 3)
    assert [e.isoformat() for e in ends] == [
        "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00",
        "2026-01-04T00:00:00+00:00", "2026-01-04T12:00:00+00:00",
    ]


def test_a_change_dated_before_creation_applies_from_creation() -> None:
    day = 86_400 * 10**9
    counts = replay_counts(
        created=np.array([day // 2, 3 * day // 2]), initial_column=np.array([0, 1]),
        change_item=np.array([0, 0, 1]), change_at=np.array([day // 2 + 1, 2 * day + 5, day]),
        change_column=np.array([1, 2, 2]), ends=np.array([day, 2 * day, 3 * day]), n_columns=3,
    )
    assert counts.tolist() == [[0, 1, 0], [0, 1, 1], [0, 0, 2]]


@pytest.fixture(scope="module")
def demo_issues() -> list[dict]:
    return generate_demo_issues(anchor=datetime(2026, 3, 1, tzinfo=UTC), count=300)


@pytest.mark.parametrize("as_of", ["2026-03-01T00:00:00+00:00", "2026-02-20T17:45:10+00:00"])
def test_replay_matches_status_at_each_day_end(demo_issues: list[dict], as_of: str) -> None:
    ctx = context_of(demo_issues, SETTINGS, as_of=as_of, period_days=60)
    result = cumulative_flow(ctx)
    states = list(result.states)
    for day_end, counts in zip(day_ends(ctx.as_of.to_pydatetime(), 60), result.counts.to_numpy(),
                               strict=True):
        alive = ctx.is_flow & (ctx.created_ns < day_end.value)
        expected = np.zeros(len(states), dtype=np.int64)
        for code in ctx.status_at(day_end)[alive]:  # reference: one status lookup per item
            label, state = ctx.timeline.labels[code], ctx.timeline.states[code]
            column = {0: 0, 3: len(states) - 1}.get(int(state))
            expected[column if column is not None else states.index(label)] += 1
        assert counts.tolist() == expected.tolist()
    assert result.counts.to_numpy().sum() > 0


def test_last_day_agrees_with_flow_load_and_done_items(demo_issues: list[dict]) -> None:
    ctx = context_of(demo_issues, SETTINGS, as_of="2026-02-20T17:45:10+00:00", period_days=60)
    last = cumulative_flow(ctx).counts.iloc[-1]
    load = flow_load(ctx)
    assert {name: int(last[name]) for name in load.by_status} == dict(load.by_status)
    assert int(last[list(load.by_status)].sum()) == load.wip > 0
    done = (ctx.per_issue["state"] == "done") & ctx.per_issue["is_flow"]
    assert int(last["done"]) == int(done.sum())
    assert int(last.sum()) == int(ctx.per_issue["is_flow"].sum())


def test_order_of_issues_and_histories_does_not_matter(demo_issues: list[dict]) -> None:
    shuffled = copy.deepcopy(demo_issues)
    random.Random(4).shuffle(shuffled)
    for raw in shuffled:
        raw["changelog"]["histories"].reverse()
    as_of = "2026-02-20T17:45:10+00:00"
    first = cumulative_flow(context_of(demo_issues, SETTINGS, as_of=as_of, period_days=60))
    second = cumulative_flow(context_of(shuffled, SETTINGS, as_of=as_of, period_days=60))
    pd.testing.assert_frame_equal(first.counts, second.counts)
