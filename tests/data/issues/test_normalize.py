"""normalize_issues: raw JIRA issues -> IssueFrames (columns, dtypes, value rules)."""

from __future__ import annotations

import pandas as pd
import pytest

from configuration.errors import DataError
from data.issues.frames import (
    FIELD_VALUE_COLUMNS,
    ISSUE_COLUMNS,
    STATUS_COLUMNS,
    TRANSITION_COLUMNS,
    VERSION_COLUMNS,
)
from data.issues.normalize import normalize_issues
from tests.builders import history, issue, named, option, status, status_item, version

UTC_NS = "datetime64[ns, UTC]"


def test_empty_input_gives_typed_empty_frames():
    frames = normalize_issues([], [])
    assert tuple(frames.issues.columns) == ISSUE_COLUMNS
    assert tuple(frames.transitions.columns) == TRANSITION_COLUMNS
    assert tuple(frames.versions.columns) == VERSION_COLUMNS
    assert tuple(frames.field_values.columns) == FIELD_VALUE_COLUMNS
    assert tuple(frames.statuses.columns) == STATUS_COLUMNS
    assert str(frames.issues["created"].dtype) == UTC_NS
    assert str(frames.transitions["at"].dtype) == UTC_NS
    assert frames.transitions["seq"].dtype == "int64"
    assert frames.versions["released"].dtype == bool


def test_issue_row_and_timestamps_with_offsets():
    raw = issue("A-1", created="2026-01-01T09:00:00.000+0530", status="Done",
                resolved="2026-01-02T09:00:00.000-0500", updated="2026-01-03T00:00:00.000Z")
    row = normalize_issues([raw], []).issues.iloc[0].to_dict()
    assert row == {
        "issue_id": raw["id"], "key": "A-1", "issue_type": "Story", "status": "Done",
        "status_category": "done",
        "created": pd.Timestamp("2026-01-01T03:30:00Z"),
        "updated": pd.Timestamp("2026-01-03T00:00:00Z"),
        "resolved": pd.Timestamp("2026-01-02T14:00:00Z"),
        "summary": "Issue A-1", "parent_summary": "",
    }


def test_missing_resolution_is_nat():
    frame = normalize_issues([issue("A-1")], []).issues
    assert frame["resolved"].isna().tolist() == [True]
    assert str(frame["resolved"].dtype) == UTC_NS


@pytest.mark.parametrize("newest_first", [True, False])
def test_transitions_sorted_whatever_the_history_order(newest_first):
    raw = issue("A-1", newest_first=newest_first, transitions=[
        ("2026-01-02T10:00:00.000+0000", "To Do", "In Progress"),
        ("2026-01-02T15:00:00.000+0530", "In Progress", "Blocked"),  # 09:30 UTC: earlier
        ("2026-01-03T10:00:00.000+0000", "Blocked", "Done"),
    ])
    frame = normalize_issues([raw], []).transitions
    assert frame["to_status"].tolist() == ["Blocked", "In Progress", "Done"]
    assert frame["at"].tolist() == [pd.Timestamp("2026-01-02T09:30:00Z"),
                                    pd.Timestamp("2026-01-02T10:00:00Z"),
                                    pd.Timestamp("2026-01-03T10:00:00Z")]


def test_only_status_items_become_transitions_and_seq_orders_ties():
    when = "2026-01-02T10:00:00.000+0000"
    label = {"field": "labels", "fromString": "", "toString": "x"}
    raw = issue("A-1", extra_histories=[
        history(7, when, [label, status_item("In Progress", "Done")]),
        history(5, when, [status_item("To Do", "In Progress")]),
    ])
    frame = normalize_issues([raw], []).transitions
    assert frame[["seq", "from_status", "to_status"]].values.tolist() == [
        [5, "To Do", "In Progress"], [7, "In Progress", "Done"]]


def test_versions_rows():
    raw = issue("A-1", fix_versions=[version("1", "v1", True, "2026-01-10")],
                versions=[version("2", "v2", False)])
    rows = normalize_issues([raw], []).versions.drop(columns="issue_id")
    assert rows.values.tolist() == [
        ["fix", "1", "v1", True, "2026-01-10"], ["affects", "2", "v2", False, ""]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Production", ["Production"], id="string"),
        pytest.param(option("Yes"), ["Yes"], id="option"),
        pytest.param(named("Team A"), ["Team A"], id="name-object"),
        pytest.param({"value": "v", "name": "n"}, ["v"], id="value-before-name"),
        pytest.param([option("A"), "B", 3], ["A", "B", "3"], id="list-exploded"),
        pytest.param(5.0, ["5"], id="integral-float"),
        pytest.param(2.5, ["2.5"], id="float"),
        pytest.param(None, [], id="null"),
        pytest.param("", [], id="empty-string"),
        pytest.param([], [], id="empty-list"),
    ],
)
def test_field_value_rules(value, expected):
    frame = normalize_issues([issue("A-1", fields={"customfield_1": value})],
                             ["customfield_1"]).field_values
    assert frame["value"].tolist() == expected
    assert set(frame["field_id"]) <= {"customfield_1"}


def test_unmapped_fields_are_not_copied():
    raw = issue("A-1", fields={"customfield_1": "x", "customfield_2": "y"})
    assert normalize_issues([raw], ["customfield_2"]).field_values["value"].tolist() == ["y"]


def test_statuses_from_the_status_endpoint_win():
    raws = [issue("A-1", status="Doing", status_category="indeterminate")]
    frames = normalize_issues(raws, [], [status("Doing", "done"), status("Queue", "new")])
    assert frames.statuses.values.tolist() == [["Doing", "done"], ["Queue", "new"]]


def test_statuses_fall_back_to_the_issues_own():
    raws = [issue("A-1", status="Doing", status_category="indeterminate"),
            issue("A-2", status="Done")]
    frames = normalize_issues(raws, [])
    assert frames.statuses.values.tolist() == [["Doing", "indeterminate"], ["Done", "done"]]


def test_truncated_changelog_is_a_data_error():
    raw = issue("A-7", transitions=[("2026-01-02T10:00:00.000+0000", "To Do", "Done")],
                changelog_total=120)
    with pytest.raises(DataError, match=r"A-7 has a truncated changelog \(1 of 120"):
        normalize_issues([raw], [])


def test_unreadable_timestamp_is_a_data_error():
    raw = issue("A-1", created="yesterday")
    with pytest.raises(DataError, match="unreadable created timestamp"):
        normalize_issues([raw], [])


def test_duplicate_issues_keep_the_last_copy():
    old = issue("A-1", status="To Do")
    new = issue("A-1", transitions=[("2026-01-02T10:00:00.000+0000", "To Do", "Done")])
    frames = normalize_issues([old, issue("A-2"), new], [])
    assert frames.issues["key"].tolist() == ["A-1", "A-2"]
    assert frames.issues["status"].tolist() == ["Done", "To Do"]
    assert len(frames.transitions) == 1


def test_a_repeated_issue_keeps_only_its_last_copy_in_every_table():
    old = issue("A-1", fix_versions=[version("1", "v1", True, "2026-01-10")],
                fields={"customfield_1": "old"},
                transitions=[("2026-01-02T10:00:00.000+0000", "To Do", "In Progress")])
    new = issue("A-1", fix_versions=[version("2", "v2", True, "2026-01-11")],
                fields={"customfield_1": "new"},
                transitions=[("2026-01-03T10:00:00.000+0000", "To Do", "Done")])
    frames = normalize_issues(iter([old, issue("A-2"), new]), ["customfield_1"])
    assert frames.issues["key"].tolist() == ["A-1", "A-2"]  # at the first copy's place
    assert frames.versions["name"].tolist() == ["v2"]
    assert frames.field_values["value"].tolist() == ["new"]
    assert frames.transitions["to_status"].tolist() == ["Done"]


def test_an_entry_not_shaped_like_an_issue_is_a_data_error():
    with pytest.raises(DataError, match="not shaped like a JIRA issue"):
        normalize_issues([{"key": "A-1", "fields": {"created": 5}}], [])


def test_a_mapped_system_field_is_read_as_its_json():
    raw = issue("A-1", fix_versions=[version("1", "v1", True, "2026-01-10")])
    frame = normalize_issues([raw], ["fixVersions"]).field_values
    assert frame[["field_id", "value"]].values.tolist() == [["fixVersions", "v1"]]
