"""CalculationContext: the status-history rules of METRICS.md sections 1 and 2."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from configuration.settings import Settings, WorkflowSettings
from data.issues.normalize import normalize_issues
from data.metrics.context import CalculationContext
from tests.builders import issue, status
from tests.data.metrics.support import AS_OF, SETTINGS, context_of, row

C = "2026-01-01T09:00:00.000+0000"  # the builders' default creation time
T1 = "2026-01-05T10:00:00.000+0000"
T2 = "2026-01-06T10:00:00.000+0000"
T3 = "2026-01-07T10:00:00.000+0000"
T4 = "2026-01-08T10:00:00.000+0000"
AFTER = "2026-02-01T00:00:00.000+0000"  # exactly as_of: not applied


def utc(text: str | None) -> pd.Timestamp | None:
    return None if text is None else pd.Timestamp(text).tz_convert("UTC")


def maybe(value: pd.Timestamp) -> pd.Timestamp | None:
    return None if pd.isna(value) else value


def rule(transitions, extra, status_name, started, completed, *, id):
    """One timeline case: input (transitions, issue kwargs) and expected values."""
    return pytest.param((transitions, extra), (status_name, started, completed), id=id)


TIMELINE_RULES = [
    rule(
        [(T1, "To Do", "In Progress"), (T2, "In Progress", "Done")],
        {}, "Done", T1, T2, id="plain-start-and-finish",
    ),
    rule(
        [("2026-01-05T10:00:00.000+0530", "To Do", "In Progress"),
         ("2026-01-06T10:00:00.000-0500", "In Progress", "Done")],
        {}, "Done", "2026-01-05T04:30:00+00:00", "2026-01-06T15:00:00+00:00",
        id="timezone-offsets",
    ),
    rule(
        [("2026-01-05T10:00:00.000Z", "To Do", "In Progress")],
        {}, "In Progress", "2026-01-05T10:00:00+00:00", None, id="zulu-offset",
    ),
    rule(
        [(T1, "To Do", "In Progress"), (T2, "In Progress", "Done"),
         (T3, "Done", "In Progress"), (T4, "In Progress", "Done")],
        {}, "Done", T1, T4, id="reopened-then-done-again",
    ),
    rule(
        [(T1, "To Do", "In Progress"), (T2, "In Progress", "Done"),
         (T3, "Done", "In Progress")],
        {}, "In Progress", T1, None, id="reopened-not-done",
    ),
    rule(
        [(T1, "To Do", "In Progress"), (T2, "In Progress", "Done"), (T3, "Done", "Closed")],
        {}, "Closed", T1, T2, id="done-to-closed-keeps-completion",
    ),
    rule(
        [(T1, "To Do", "Done")], {}, "Done", None, T1, id="skipped-start",
    ),
    rule(
        [(T1, "To Do", "In Progress"), (T2, "In Progress", "To Do"),
         (T3, "To Do", "In Progress"), (T4, "In Progress", "Done")],
        {}, "Done", T1, T4, id="backward-move-keeps-start",
    ),
    rule(
        [(T1, "To Do", "Blocked"), (T2, "Blocked", "Done")],
        {}, "Done", T1, T2, id="waiting-counts-as-started",
    ),
    rule(
        [], {"status": "In Progress"}, "In Progress", C, None,
        id="created-in-progress-no-changelog",
    ),
    rule(
        [(T1, "In Review", "Done")], {}, "Done", C, T1, id="created-in-progress-by-changelog",
    ),
    rule([], {"status": "Done"}, "Done", None, C, id="done-since-creation"),
    rule(
        [(T1, "To Do", "In Progress"), (AFTER, "In Progress", "Done")],
        {}, "In Progress", T1, None, id="change-at-as-of-not-applied",
    ),
    rule(
        [(AFTER, "In Progress", "Done")], {}, "In Progress", C, None,
        id="initial-status-from-later-change",
    ),
    rule(
        [(T1, "to do", "IN PROGRESS"), (T2, "in progress", "done")],
        {}, "Done", T1, T2, id="case-insensitive-names",
    ),
]


@pytest.mark.parametrize(("given", "expected"), TIMELINE_RULES)
@pytest.mark.parametrize("newest_first", [True, False], ids=["newest-first", "oldest-first"])
def test_timeline_rules(given, expected, newest_first):
    transitions, extra = given
    status_name, started, completed = expected
    raw = issue("A-1", transitions=transitions, newest_first=newest_first, **extra)
    got = row(context_of([raw]), "A-1")
    assert got["status"].casefold() == status_name.casefold()
    assert maybe(got["started_at"]) == utc(started)
    assert maybe(got["completed_at"]) == utc(completed)


def test_issue_created_at_or_after_as_of_is_dropped():
    ctx = context_of([issue("A-1"), issue("A-2", created=AFTER)])
    assert list(ctx.per_issue["key"]) == ["A-1"]


def test_same_timestamp_changes_apply_in_history_order():
    raw = issue("A-1", transitions=[(T1, "To Do", "In Progress"), (T1, "In Progress", "Done")])
    got = row(context_of([raw]), "A-1")
    assert got["status"] == "Done"
    assert got["completed_at"] == utc(T1)


def test_active_seconds_exclude_waiting_and_not_started_time():
    raw = issue("A-1", transitions=[
        ("2026-01-05T10:00:00.000+0000", "To Do", "In Progress"),   # 2 h active
        ("2026-01-05T12:00:00.000+0000", "In Progress", "Blocked"),  # 3 h waiting
        ("2026-01-05T15:00:00.000+0000", "Blocked", "To Do"),        # 1 h not started
        ("2026-01-05T16:00:00.000+0000", "To Do", "In Review"),      # 30 min active
        ("2026-01-05T16:30:00.000+0000", "In Review", "Done"),
        ("2026-01-06T16:30:00.000+0000", "Done", "Closed"),          # after completion
    ])
    assert row(context_of([raw]), "A-1")["active_seconds"] == 2.5 * 3600


def test_active_seconds_for_item_active_since_creation():
    raw = issue("A-1", created="2026-01-05T08:00:00.000+0000", status="Done",
                transitions=[("2026-01-05T09:30:00.000+0000", "In Progress", "Done")])
    assert row(context_of([raw]), "A-1")["active_seconds"] == 5400.0


def test_unfinished_item_has_no_active_seconds():
    raw = issue("A-1", transitions=[(T1, "To Do", "In Progress")])
    assert row(context_of([raw]), "A-1")["active_seconds"] == 0.0


def test_workflow_defaults_to_status_categories():
    raw = issue("A-1", transitions=[(T1, "Backlog", "Doing"), (T2, "Doing", "Shipped")])
    statuses = [status("Backlog", "new"), status("Doing", "indeterminate"),
                status("Shipped", "done")]
    ctx = context_of([raw], Settings(), statuses=statuses)
    assert ctx.workflow.active == ("Doing",)
    assert ctx.workflow.done == ("Shipped",)
    got = row(ctx, "A-1")
    assert (got["started_at"], got["completed_at"]) == (utc(T1), utc(T2))


def test_settings_lists_are_case_insensitive():
    settings = Settings(workflow=WorkflowSettings(
        active_statuses=("in progress",), waiting_statuses=(), done_statuses=("DONE",)))
    raw = issue("A-1", transitions=[(T1, "To Do", "In Progress"), (T2, "In Progress", "Done")])
    got = row(context_of([raw], settings), "A-1")
    assert (got["started_at"], got["completed_at"]) == (utc(T1), utc(T2))


def test_wip_at_an_instant_uses_status_then():
    raws = [
        issue("A-1", transitions=[(T1, "To Do", "In Progress"), (T3, "In Progress", "Done")]),
        issue("A-2", created=T2, status="In Progress"),
        issue("D-1", type="Deployment", status="In Progress"),
    ]
    ctx = context_of(raws)
    keys = ctx.per_issue["key"].to_numpy()
    assert sorted(keys[ctx.wip_at(T2)]) == ["A-1"]  # A-2 created exactly then: not yet
    assert sorted(keys[ctx.wip_at("2026-01-06T10:00:01Z")]) == ["A-1", "A-2"]
    assert sorted(keys[ctx.wip_at(AS_OF)]) == ["A-2"]


def test_roles_and_flow_types():
    raws = [issue("S-1"), issue("B-1", type="bug"), issue("X-1", type="Epic"),
            issue("D-1", type="Deployment"), issue("I-1", type="Incident")]
    table = context_of(raws, SETTINGS).per_issue.set_index("key")
    assert table["flow_type"].to_dict() == {
        "S-1": "feature", "B-1": "defect", "X-1": "other", "D-1": None, "I-1": "other"}
    assert table["is_flow"].to_dict() == {
        "S-1": True, "B-1": True, "X-1": True, "D-1": False, "I-1": True}
    assert table["is_change"].to_dict() == {
        "S-1": True, "B-1": True, "X-1": True, "D-1": False, "I-1": False}


def test_window_and_weekly_buckets():
    ctx = context_of([issue("A-1")], period_days=20)
    assert ctx.window.start == pd.Timestamp("2026-01-12T00:00:00Z")
    buckets = ctx.weekly_windows()
    assert [(b.start.day, b.end.day) for b in buckets] == [(18, 25), (25, 1)]


def test_naive_as_of_is_utc_and_period_defaults_to_settings():
    frames = normalize_issues([issue("A-1")], ())
    ctx = CalculationContext.build(frames, SETTINGS, as_of="2026-02-01 00:00:00")
    assert ctx.as_of == pd.Timestamp(AS_OF)
    assert ctx.period_days == SETTINGS.period_days == 90


def test_unsorted_transition_frames_are_sorted_by_the_context():
    # two changes at the same instant: only history order (seq) says Done is last
    raw = issue("A-1", transitions=[(T1, "To Do", "In Progress"), (T1, "In Progress", "Done")])
    frames = normalize_issues([raw, issue("A-2", status="Blocked")], ())
    shuffled = replace(frames, transitions=frames.transitions.iloc[::-1].reset_index(drop=True))
    got = row(CalculationContext.build(shuffled, SETTINGS, as_of=AS_OF), "A-1")
    assert (got["status"], got["completed_at"]) == ("Done", utc(T1))
