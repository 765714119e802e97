"""Discovery endpoints: /myself, /serverInfo, /field, /status, /issuetype in both flavors."""

from __future__ import annotations

import pytest
import requests

from data.simulator.server import JiraSimulator
from tests.data.simulator.helpers import ANCHOR


@pytest.mark.parametrize(("flavor", "api", "expected"), [
    ("cloud", "3", ("Cloud", "1001.0.0-SNAPSHOT")),
    ("cloud", "2", ("Cloud", "1001.0.0-SNAPSHOT")),
    ("datacenter", "2", ("DataCenter", "9.12.0")),
])
def test_server_info_and_myself(demo_issues: list[dict], http: requests.Session, flavor: str,
                                api: str, expected: tuple[str, str]) -> None:
    with JiraSimulator(demo_issues, flavor=flavor, user_timezone="Europe/Berlin",
                       clock=lambda: ANCHOR) as sim:
        info = http.get(f"{sim.url}/rest/api/{api}/serverInfo", timeout=10).json()
        me = http.get(f"{sim.url}/rest/api/{api}/myself", timeout=10).json()
        url = sim.url
    assert (info["deploymentType"], info["version"], info["baseUrl"]) == (*expected, url)
    assert info["serverTime"] == "2026-06-01T12:00:00.000+0000"
    assert me["emailAddress"] == "demo@example.com"
    assert me["timeZone"] == "Europe/Berlin"
    assert ("accountId" in me) == (flavor == "cloud")


def test_statuses_have_categories(cloud: JiraSimulator, http: requests.Session) -> None:
    statuses = http.get(f"{cloud.url}/rest/api/3/status", timeout=10).json()
    categories = {s["name"]: s["statusCategory"]["key"] for s in statuses}
    assert categories == {
        "To Do": "new", "In Progress": "indeterminate", "In Review": "indeterminate",
        "Ready for QA": "indeterminate", "Blocked": "indeterminate", "Done": "done",
        "Closed": "done"}
    assert all(s["self"].startswith(cloud.url) for s in statuses)


def test_fields_list_the_demo_custom_fields(cloud: JiraSimulator,
                                            http: requests.Session) -> None:
    fields = {f["id"]: f for f in http.get(f"{cloud.url}/rest/api/3/field", timeout=10).json()}
    assert fields["customfield_10050"]["name"] == "Environment"
    assert fields["customfield_10050"]["custom"] is True
    assert fields["customfield_10060"]["schema"]["type"] == "datetime"
    assert fields["resolutiondate"]["custom"] is False
    assert {"customfield_10051", "customfield_10070", "customfield_10071",
            "customfield_10016", "customfield_10080", "fixVersions"} <= set(fields)


def test_issue_types(datacenter: JiraSimulator, http: requests.Session) -> None:
    kinds = http.get(f"{datacenter.url}/rest/api/2/issuetype", timeout=10).json()
    assert {k["name"] for k in kinds} == {
        "Story", "Bug", "Tech Debt", "Vulnerability", "Incident", "Deployment", "Task"}
    assert all(k["self"].startswith(f"{datacenter.url}/rest/api/2/issuetype/") for k in kinds)


def test_catalogs_can_be_replaced(http: requests.Session) -> None:
    statuses = [{"id": "1", "name": "Open", "statusCategory": {"key": "new", "name": "To Do"}}]
    with JiraSimulator([], statuses=statuses, fields=[], issue_types=[]) as sim:
        assert http.get(f"{sim.url}/rest/api/3/status", timeout=10).json()[0]["name"] == "Open"
        assert http.get(f"{sim.url}/rest/api/3/field", timeout=10).json() == []
