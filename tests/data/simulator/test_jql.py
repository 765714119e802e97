"""The JQL subset: which issues each query finds, in which order, and JIRA's error texts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from data.simulator.catalog import demo_issue_types, demo_statuses
from data.simulator.jql import JqlError
from data.simulator.server import JiraSimulator
from data.simulator.store import IssueStore
from tests.builders import issue

NOW = datetime(2026, 1, 11, tzinfo=UTC)
ISSUES = [
    issue("OPS-1", "Story", "2026-01-01T09:00:00.000+0000",
          transitions=[("2026-01-03T10:00:00.000+0000", "To Do", "Done")],
          resolved="2026-01-03T10:00:00.000+0000"),
    issue("OPS-2", "Bug", "2026-01-01T23:30:00.000-0500",  # 2026-01-02 04:30 UTC
          transitions=[("2026-01-04T10:00:00.000+0000", "To Do", "In Progress")]),
    issue("OPS-3", "Deployment", "2026-01-02T00:30:00.000+0530"),  # 2026-01-01 19:00 UTC
    issue("WEB-1", "Story", "2026-01-05T12:00:00.000+0000",
          transitions=[("2026-01-06T10:00:00.000+0000", "To Do", "Blocked")]),
    issue("WEB-2", "Incident", "2026-01-10T08:00:00.000+0000",
          transitions=[("2026-01-10T09:00:00.000+0100", "To Do", "Done")],
          resolved="2026-01-10T09:00:00.000+0100"),
]


def store(zone: str = "UTC") -> IssueStore:
    return IssueStore(ISSUES, statuses=demo_statuses(), issue_types=demo_issue_types(),
                      zone=ZoneInfo(zone), clock=lambda: NOW)


def keys(jql: str, zone: str = "UTC") -> list[str]:
    searched = store(zone)
    return [found["key"] for found, _ in searched.take(searched.search(jql))]


@pytest.mark.parametrize(("jql", "expected"), [
    ("project = OPS ORDER BY key", ["OPS-1", "OPS-2", "OPS-3"]),
    ("project in (ops, WEB) ORDER BY key", ["OPS-1", "OPS-2", "OPS-3", "WEB-1", "WEB-2"]),
    ("project = WEB", ["WEB-2", "WEB-1"]),  # no ORDER BY: newest key first
    ("type = Story ORDER BY key", ["OPS-1", "WEB-1"]),
    ("issuetype not in (Story, Bug) ORDER BY key", ["OPS-3", "WEB-2"]),
    ('status = "In Progress"', ["OPS-2"]),
    ("status in (Done, Blocked) order by key", ["OPS-1", "WEB-1", "WEB-2"]),
    ("status != Done ORDER BY key", ["OPS-2", "OPS-3", "WEB-1"]),
    ("key = OPS-2", ["OPS-2"]),
    ("key in (OPS-1, web-2) ORDER BY key DESC", ["WEB-2", "OPS-1"]),
    ("issuekey > OPS-1 ORDER BY key", ["OPS-2", "OPS-3"]),
    ('created >= "2026-01-02" ORDER BY key', ["OPS-2", "WEB-1", "WEB-2"]),
    ('created < "2026/01/02 05:00" ORDER BY key', ["OPS-1", "OPS-2", "OPS-3"]),
    ("createdDate > '2026-01-05 12:00' ORDER BY key", ["WEB-2"]),  # WEB-1 is not after
    ("resolved is EMPTY ORDER BY key", ["OPS-2", "OPS-3", "WEB-1"]),
    ("resolved = EMPTY ORDER BY key", ["OPS-2", "OPS-3", "WEB-1"]),
    ("resolved != null ORDER BY key", ["OPS-1", "WEB-2"]),
    ("resolutiondate is not null order by resolved desc", ["WEB-2", "OPS-1"]),
    ("NOT project = OPS ORDER BY created DESC", ["WEB-2", "WEB-1"]),
    ("(type = Bug OR type = Incident) AND NOT status = Done", ["OPS-2"]),
    ("PROJECT = ops AnD STATUS = 'To Do'", ["OPS-3"]),
    ("updated >= -1d", ["WEB-2"]),  # the clock says 2026-01-11 00:00 UTC
    ("updated >= '-1w 2d' ORDER BY key", ["OPS-1", "OPS-2", "WEB-1", "WEB-2"]),
    ("ORDER BY created ASC", ["OPS-1", "OPS-3", "OPS-2", "WEB-1", "WEB-2"]),
    ("project = OPS ORDER BY status, key DESC", ["OPS-1", "OPS-2", "OPS-3"]),
    ("status = 10004 ORDER BY key", ["OPS-1", "WEB-2"]),  # a status id works too
])
def test_query_finds(jql: str, expected: list[str]) -> None:
    assert keys(jql) == expected


@pytest.mark.parametrize(("zone", "expected"), [
    ("UTC", ["OPS-2", "WEB-1", "WEB-2"]),
    ("Asia/Kolkata", ["OPS-2", "OPS-3", "WEB-1", "WEB-2"]),  # 2026-01-01 18:30 UTC
    ("America/New_York", ["WEB-1", "WEB-2"]),  # 2026-01-02 05:00 UTC
])
def test_dates_are_read_in_the_users_time_zone(zone: str, expected: list[str]) -> None:
    assert keys('created >= "2026-01-02" ORDER BY key', zone) == expected


SYNTAX = "Error in the JQL Query: "


@pytest.mark.parametrize(("jql", "messages"), [
    ("project foo", [SYNTAX + "Expecting operator but got 'foo'. (line 1, character 9)"]),
    ("foo = X", ["Field 'foo' does not exist or you do not have permission to view it."]),
    ("project = NOPE", ["The value 'NOPE' does not exist for the field 'project'."]),
    ("status = Nope", ["The value 'Nope' does not exist for the field 'status'."]),
    ("type in (Story, Epic)", ["The value 'Epic' does not exist for the field 'type'."]),
    ("project = ", [SYNTAX + "Expecting either a value, list or function before the end "
                    "of the query."]),
    ('project = "OPS', [SYNTAX + "The quoted string 'OPS' has not been completed. "
                        "(line 1, character 11)"]),
    ("project = OPS status = Done", [SYNTAX + "Expecting either 'OR' or 'AND' but got "
                                     "'status'. (line 1, character 15)"]),
    ("project in OPS", [SYNTAX + "Expecting '(' but got 'OPS'. (line 1, character 12)"]),
    ("project = OPS\nAND foo bar", [SYNTAX + "Expecting operator but got 'bar'. "
                                    "(line 2, character 9)"]),
    ("project = OPS ORDER key", [SYNTAX + "Expecting 'BY' but got 'key'. "
                                "(line 1, character 21)"]),
    ("(project = OPS", [SYNTAX + "Expecting ')' before the end of the query."]),
    ("project = OPS AND", [SYNTAX + "Expecting a field name before the end of the query."]),
    ('created >= "yesterday"', [
        "Date value 'yesterday' for field 'created' is invalid. Valid formats include: "
        "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
        "format e.g. '-5d', '4w 2d'."]),
    ("project > OPS", ["The operator '>' is not supported by the 'project' field."]),
    ("project = OPS ORDER BY nope",
     ["Field 'nope' does not exist or you do not have permission to view it."]),
    ("key = OPS-99", ["An issue with key 'OPS-99' does not exist for field 'key'."]),
    ("foo = 1 AND project = NOPE", [
        "Field 'foo' does not exist or you do not have permission to view it.",
        "The value 'NOPE' does not exist for the field 'project'."]),
])
def test_bad_query_is_worded_like_jira(jql: str, messages: list[str]) -> None:
    with pytest.raises(JqlError) as raised:
        store().search(jql)
    assert list(raised.value.messages) == messages


def test_http_answers_400_with_jira_error_body() -> None:
    with JiraSimulator(ISSUES, clock=lambda: NOW) as sim:
        response = requests.post(f"{sim.url}/rest/api/3/search/jql", timeout=10,
                                 auth=("demo@example.com", "demo-token"),
                                 json={"jql": "project foo"})
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [
        SYNTAX + "Expecting operator but got 'foo'. (line 1, character 9)"], "errors": {}}


@pytest.mark.parametrize("jql", ["", "   ", "ORDER BY key"])
def test_cloud_refuses_unbounded_queries_but_datacenter_returns_all(jql: str) -> None:
    auth = ("demo@example.com", "demo-token")
    with JiraSimulator(ISSUES, clock=lambda: NOW) as sim:
        cloud = requests.post(f"{sim.url}/rest/api/3/search/jql", json={"jql": jql},
                              auth=auth, timeout=10)
    with JiraSimulator(ISSUES, flavor="datacenter", clock=lambda: NOW) as sim:
        datacenter = requests.get(f"{sim.url}/rest/api/2/search", params={"jql": jql},
                                  auth=auth, timeout=10)
    assert cloud.status_code == 400
    assert cloud.json()["errorMessages"] == [
        "Unbounded JQL queries are not allowed here. "
        "Please add a search restriction to your query."]
    assert datacenter.json()["total"] == len(ISSUES)


FRAGMENTS = [*"abkDEMO-=!<>~(),\"' \n", " AND ", " OR ", " NOT ", " in ", " is ", " EMPTY ",
             " ORDER BY ", " key ", " status ", " created ", " 2026-01-02 ", " DESC "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=16).map("".join))
def test_any_text_parses_or_fails_the_jira_way(text: str) -> None:
    searched = store()
    messages: tuple[str, ...] | None = None
    try:
        searched.search(text)
    except JqlError as problem:  # any other exception fails the test
        messages = problem.messages
    assert messages is None or (messages and all(isinstance(m, str) and m for m in messages))
