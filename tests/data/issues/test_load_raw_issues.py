"""load_raw_issues: the three accepted file shapes and clear errors otherwise."""

from __future__ import annotations

import json

import msgspec
import pytest

from configuration.errors import DataError
from data.issues.normalize import load_raw_issues
from tests.builders import issue, search_page

ISSUES = [issue("A-1"), issue("A-2"), issue("A-3")]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(ISSUES, id="list-of-issues"),
        pytest.param(search_page(ISSUES), id="one-search-response"),
        pytest.param([search_page(ISSUES[:2], "t1"), search_page(ISSUES[2:])],
                     id="list-of-responses"),
    ],
)
def test_accepted_shapes(tmp_path, payload):
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert [i.key for i in load_raw_issues(path)] == ["A-1", "A-2", "A-3"]


def test_empty_list_is_no_issues(tmp_path):
    path = tmp_path / "issues.json"
    path.write_text("[]", encoding="utf-8")
    assert load_raw_issues(path) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "is not valid JSON", id="invalid-json"),
        pytest.param('{"total": 3}', "must hold a list of issues", id="object-without-issues"),
        pytest.param('"text"', "must hold a list of issues", id="string"),
        pytest.param('[{"id": "1"}]', "not a JIRA issue", id="entry-without-key"),
        pytest.param('[1, 2]', "not a JIRA issue", id="numbers"),
    ],
)
def test_bad_content_is_a_data_error(tmp_path, content, message):
    path = tmp_path / "issues.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_raw_issues(path)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="Cannot read the issues file"):
        load_raw_issues(tmp_path / "absent.json")


def test_only_the_fields_in_use_are_decoded(tmp_path):
    path = tmp_path / "issues.json"
    raw = issue("A-1", fields={"customfield_1": {"value": "x"}, "customfield_2": "unused"})
    path.write_text(json.dumps([raw]), encoding="utf-8")
    (decoded,) = load_raw_issues(path, ["customfield_1"])
    assert decoded.fields.status.name == "To Do"
    assert decoded.fields.m0 == {"value": "x"}  # the mapped field, as its JSON
    assert "customfield_2" not in msgspec.json.encode(decoded).decode()  # the rest is skipped


def test_a_bad_entry_after_good_ones_is_a_data_error(tmp_path):
    path = tmp_path / "issues.json"
    path.write_text(json.dumps([issue("A-1"), {"key": "A-2"}]), encoding="utf-8")
    with pytest.raises(DataError, match=r"not a JIRA issue .*issue 2: .* `fields`"):
        load_raw_issues(path)
