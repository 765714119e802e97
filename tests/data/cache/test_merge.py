"""Merging changed issues into stored frames, on frames normalized from raw issues."""

from __future__ import annotations

import pandas as pd

from data.cache.merge import canonical, merge_frames
from data.issues.normalize import normalize_issues
from tests.builders import issue, option, status, version

FIELDS = ("customfield_10050",)


def raw(key: str, *steps: tuple[str, str, str], env: str = "Production",
        fixes: tuple[str, ...] = ("v1",)) -> dict:
    return issue(
        key, "Story", "2026-01-01T09:00:00.000+0000", transitions=steps,
        fix_versions=[version(name.strip("v"), name) for name in fixes],
        fields={"customfield_10050": option(env)},
    )


START = ("2026-01-02T09:00:00.000+0000", "To Do", "In Progress")
DONE = ("2026-01-04T09:00:00.000+0000", "In Progress", "Done")
BLOCK = ("2026-01-03T09:00:00.000+0000", "In Progress", "Blocked")


def frames_of(*issues: dict, statuses: tuple = ()):
    return canonical(normalize_issues(list(issues), FIELDS, statuses))


def test_changed_issue_rows_are_replaced_in_every_frame() -> None:
    stored = frames_of(raw("DEMO-1", START), raw("DEMO-2", START))
    changed = frames_of(raw("DEMO-1", START, BLOCK, env="Staging", fixes=("v2", "v3")))
    merged = merge_frames(stored, changed, replace_statuses=False)
    expected = frames_of(
        raw("DEMO-1", START, BLOCK, env="Staging", fixes=("v2", "v3")), raw("DEMO-2", START)
    )
    for name in ("issues", "transitions", "versions", "field_values", "statuses"):
        pd.testing.assert_frame_equal(getattr(merged, name), getattr(expected, name))
    assert merged.transitions["issue_id"].tolist().count(changed.issues["issue_id"][0]) == 2


def test_new_issue_is_appended_in_canonical_order() -> None:
    stored = frames_of(raw("DEMO-2", START), raw("DEMO-30", START, DONE))
    changed = frames_of(raw("DEMO-11", START))
    merged = merge_frames(stored, changed, replace_statuses=False)
    expected = frames_of(raw("DEMO-30", START, DONE), raw("DEMO-11", START), raw("DEMO-2", START))
    pd.testing.assert_frame_equal(merged.issues, expected.issues)
    pd.testing.assert_frame_equal(merged.transitions, expected.transitions)
    assert len(merged.issues) == 3


def test_merging_nothing_changes_nothing() -> None:
    stored = frames_of(raw("DEMO-1", START, DONE))
    merged = merge_frames(stored, frames_of(), replace_statuses=False)
    for name in ("issues", "transitions", "versions", "field_values", "statuses"):
        pd.testing.assert_frame_equal(getattr(merged, name), getattr(stored, name))


def test_fetched_status_list_replaces_the_stored_one() -> None:
    stored = frames_of(raw("DEMO-1", START), statuses=(status("Old", "new"),))
    listed = (status("To Do", "new"), status("In Progress", "indeterminate"))
    changed = frames_of(raw("DEMO-1", START), statuses=listed)
    merged = merge_frames(stored, changed, replace_statuses=True)
    assert merged.statuses["name"].tolist() == ["In Progress", "To Do"]


def test_statuses_seen_in_changed_issues_are_added_without_a_status_list() -> None:
    stored = frames_of(raw("DEMO-1", START))
    changed = frames_of(raw("DEMO-2", START, DONE))
    merged = merge_frames(stored, changed, replace_statuses=False)
    assert set(merged.statuses["name"]) == {"In Progress", "Done"}


def test_an_empty_stored_table_keeps_the_changed_rows() -> None:
    """Rule: when the store has no rows in a frame (no issue had a fix version yet), the
    changed issues' rows are the whole table, not dropped."""
    stored = frames_of(raw("DEMO-1", START, fixes=()))
    assert stored.versions.empty
    changed = frames_of(raw("DEMO-1", START, fixes=("v2",)))
    merged = merge_frames(stored, changed, replace_statuses=False)
    pd.testing.assert_frame_equal(merged.versions, changed.versions)
    assert len(merged.versions) == 1


def test_changed_issues_are_known_by_their_issue_rows_not_their_transitions() -> None:
    """Rule: the ids to replace come from the changed ``issues`` table, so an issue whose
    fresh changelog has no status change still replaces its stored rows (once)."""
    stored = frames_of(raw("DEMO-1", START, DONE), raw("DEMO-2", START))
    changed = frames_of(raw("DEMO-1", env="Staging"))
    assert changed.transitions.empty
    merged = merge_frames(stored, changed, replace_statuses=False)
    expected = frames_of(raw("DEMO-1", env="Staging"), raw("DEMO-2", START))
    for name in ("issues", "transitions", "versions", "field_values"):
        pd.testing.assert_frame_equal(getattr(merged, name), getattr(expected, name))


def test_a_status_seen_again_is_listed_once() -> None:
    """Rule: a status both stored and seen in the changed issues is kept once, with the
    changed issues' row (no duplicate status names)."""
    stored = frames_of(raw("DEMO-1", START, DONE), raw("DEMO-3", START))
    changed = frames_of(raw("DEMO-2", START, DONE))
    merged = merge_frames(stored, changed, replace_statuses=False)
    assert merged.statuses["name"].tolist() == ["Done", "In Progress"]


def test_an_empty_fetched_status_list_keeps_the_stored_one() -> None:
    """Rule: ``replace_statuses`` with no statuses fetched (JIRA listed none) keeps the
    stored statuses instead of emptying them."""
    stored = frames_of(raw("DEMO-1", START, DONE))
    merged = merge_frames(stored, frames_of(), replace_statuses=True)
    pd.testing.assert_frame_equal(merged.statuses, stored.statuses)


def test_canonical_order_keeps_jiras_order_within_an_issue() -> None:
    """Rule: the per-issue sort is stable, so the rows of one issue keep JIRA's order
    (fix versions as listed, not sorted by accident). 40 issues of 5 versions each,
    stored newest issue first, are enough for an unstable sort to scramble them."""
    names = ("v9", "v2", "v7", "v1", "v5")
    issues = [raw(f"DEMO-{n}", START, fixes=names) for n in range(40, 0, -1)]
    frames = canonical(normalize_issues(issues, FIELDS, ()))
    for _, rows in frames.versions.groupby("issue_id", sort=False):
        assert tuple(rows["name"]) == names
    assert frames.versions["issue_id"].is_monotonic_increasing
