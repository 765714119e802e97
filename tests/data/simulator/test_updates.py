"""Changing data while serving: set_status and upsert_issue, as incremental sync sees them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from data.simulator.server import JiraSimulator
from data.simulator.timefmt import parse_jira
from tests.builders import issue

NOW = datetime(2026, 2, 1, tzinfo=UTC)
ISSUES = [
    issue("DEMO-1", created="2026-01-05T10:00:00.000+0000",
          transitions=[("2026-01-06T10:00:00.000+0000", "To Do", "In Progress")]),
    issue("DEMO-2", created="2026-01-07T10:00:00.000+0000"),
]


def find(sim: JiraSimulator, jql: str) -> list[dict]:
    response = requests.post(f"{sim.url}/rest/api/3/search/jql", timeout=10,
                             auth=("demo@example.com", "demo-token"),
                             json={"jql": jql, "fields": ["status", "updated", "resolutiondate"],
                                   "expand": "changelog"})
    assert response.status_code == 200, response.text
    return response.json()["issues"]


def test_set_status_adds_a_history_and_bumps_updated() -> None:
    at = NOW - timedelta(hours=2)
    with JiraSimulator(ISSUES, clock=lambda: NOW) as sim:
        sim.set_status("DEMO-1", "done", at)  # names match case-insensitively
        [found] = find(sim, 'updated >= "2026-01-31 20:00"')
    latest = found["changelog"]["histories"][0]
    assert found["key"] == "DEMO-1"
    assert found["fields"]["status"]["name"] == "Done"
    assert parse_jira(found["fields"]["updated"]) == at
    assert parse_jira(found["fields"]["resolutiondate"]) == at
    assert latest["items"][0] == {
        "field": "status", "fieldtype": "jira", "fieldId": "status",
        "from": found["changelog"]["histories"][1]["items"][0]["to"],
        "fromString": "In Progress", "to": "10004", "toString": "Done"}
    assert int(latest["id"]) > int(found["changelog"]["histories"][1]["id"])
    assert found["changelog"]["total"] == 2


def test_reopening_clears_the_resolution_date() -> None:
    with JiraSimulator(ISSUES, clock=lambda: NOW) as sim:
        sim.set_status("DEMO-2", "Done", NOW - timedelta(days=2))
        sim.set_status("DEMO-2", "In Progress", NOW - timedelta(days=1))
        [found] = find(sim, "key = DEMO-2")
    assert found["fields"]["resolutiondate"] is None
    assert [h["items"][0]["toString"] for h in found["changelog"]["histories"]] == [
        "In Progress", "Done"]


def test_set_status_never_touches_the_callers_issue() -> None:
    mine = issue("DEMO-9", created="2026-01-05T10:00:00.000+0000")
    with JiraSimulator([mine], clock=lambda: NOW) as sim:
        sim.set_status("DEMO-9", "In Progress", NOW)
    assert mine["fields"]["status"]["name"] == "To Do"
    assert mine["changelog"]["histories"] == []


def test_unknown_status_is_refused() -> None:
    with JiraSimulator(ISSUES, clock=lambda: NOW) as sim, pytest.raises(ValueError,
                                                                        match="Nope"):
        sim.set_status("DEMO-1", "Nope", NOW)


def test_upsert_adds_and_replaces_issues() -> None:
    with JiraSimulator(ISSUES, clock=lambda: NOW) as sim:
        before = [i["key"] for i in find(sim, "project = DEMO ORDER BY key")]
        new = issue("DEMO-3", "Bug", created="2026-01-31T10:00:00.000-0500")
        sim.upsert_issue(new)
        new["fields"]["summary"] = "changed after the upsert"  # the simulator kept a copy
        sim.upsert_issue(issue("DEMO-2", "Bug", created="2026-01-07T10:00:00.000+0000"))
        after = find(sim, "project = DEMO ORDER BY key")
        bugs = [i["key"] for i in find(sim, "type = Bug ORDER BY key")]
        summary = requests.post(f"{sim.url}/rest/api/3/search/jql", timeout=10,
                                auth=("demo@example.com", "demo-token"),
                                json={"jql": "key = DEMO-3", "fields": ["summary"]}).json()
    assert before == ["DEMO-1", "DEMO-2"]
    assert [i["key"] for i in after] == ["DEMO-1", "DEMO-2", "DEMO-3"]
    assert bugs == ["DEMO-2", "DEMO-3"]
    assert summary["issues"][0]["fields"]["summary"] == "Issue DEMO-3"


def test_deleted_issues_disappear_from_search_and_changelogs() -> None:
    with JiraSimulator(ISSUES, clock=lambda: NOW) as sim:
        sim.delete_issue("DEMO-1")
        sim.delete_issue("DEMO-404")  # unknown: ignored
        left = [i["key"] for i in find(sim, "project = DEMO")]
        changelog = requests.get(f"{sim.url}/rest/api/3/issue/DEMO-1/changelog", timeout=10,
                                 auth=("demo@example.com", "demo-token"))
    assert left == ["DEMO-2"]
    assert changelog.status_code == 404
