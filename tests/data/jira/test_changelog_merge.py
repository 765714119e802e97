"""Pure parts of changelog completion: detection, merging, the completeness check."""

from __future__ import annotations

import msgspec
import pytest

from configuration.errors import DataError
from data.issues.raw import History, RawIssue
from data.jira.changelog import is_truncated, merge_histories, with_histories
from tests import builders


def _issue(total: int, histories: list[History]) -> RawIssue:
    return msgspec.convert({
        "id": "10001",
        "key": "DEMO-1",
        "fields": {},
        "changelog": {"startAt": 0, "maxResults": len(histories), "total": total,
                      "histories": msgspec.to_builtins(histories)},
    }, RawIssue)


def _histories(ids: range) -> list[History]:
    return msgspec.convert([
        builders.history(i, f"2026-01-01T10:{i % 60:02d}:00.000+0000",
                         [builders.status_item("To Do", "In Progress")])
        for i in ids
    ], list[History])


@pytest.mark.parametrize(
    ("total", "returned", "truncated"),
    [(0, 0, False), (3, 3, False), (41, 40, True), (100, 40, True), (2, 3, False)],
)
def test_truncation_is_declared_total_above_returned(
    total: int, returned: int, truncated: bool
) -> None:
    assert is_truncated(_issue(total, _histories(range(returned)))) is truncated


def test_issue_without_changelog_is_not_truncated() -> None:
    assert not is_truncated(msgspec.convert({"id": "1", "key": "A-1", "fields": {}}, RawIssue))


def test_merge_is_a_union_by_history_id() -> None:
    known = _histories(range(60, 100))  # the newest 40, as search returns them
    fetched = _histories(range(100))  # everything, oldest first
    merged = merge_histories(known, fetched)
    assert [h.id for h in merged] == [str(i) for i in range(100)]


def test_merge_keeps_histories_only_search_saw() -> None:
    merged = merge_histories(_histories(range(5, 7)), _histories(range(5)))
    assert sorted(int(h.id) for h in merged) == list(range(7))


def test_complete_changelog_has_total_equal_to_histories() -> None:
    issue = _issue(100, _histories(range(60, 100)))
    done = with_histories(issue, _histories(range(100)))
    assert done.changelog.total == len(done.changelog.histories) == 100
    assert issue.changelog.total == 100  # the input is not modified
    assert len(issue.changelog.histories) == 40


def test_changelog_that_stays_short_raises_data_error_naming_the_issue() -> None:
    issue = _issue(100, _histories(range(60, 100)))
    with pytest.raises(DataError, match=r"DEMO-1.*100 changes.*only 90"):
        with_histories(issue, _histories(range(10, 100)))
