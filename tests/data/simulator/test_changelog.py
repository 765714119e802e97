"""Changelog endpoints: per-issue paging, bulk fetch, and Data Center's issue endpoint."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from data.simulator.server import JiraSimulator
from tests.data.simulator.helpers import token_pages


def long_issues(issues: list[dict], count: int) -> list[dict]:
    return [i for i in issues if len(i["changelog"]["histories"]) > 40][:count]


def all_pages(sim: JiraSimulator, http: requests.Session, key: str, size: int) -> list[dict]:
    pages, start = [], 0
    while True:
        page = http.get(f"{sim.url}/rest/api/3/issue/{key}/changelog", timeout=10,
                        params={"startAt": start, "maxResults": size}).json()
        pages.append(page)
        start += len(page["values"])
        if page["isLast"]:
            return pages


@pytest.mark.parametrize("size", [7, 100, 500])
def test_issue_changelog_pages_oldest_first_and_complete(
    cloud: JiraSimulator, http: requests.Session, demo_issues: list[dict], size: int
) -> None:
    raw = long_issues(demo_issues, 1)[0]
    pages = all_pages(cloud, http, raw["key"], size)
    histories = raw["changelog"]["histories"]
    assert [h for page in pages for h in page["values"]] == histories
    assert {page["total"] for page in pages} == {len(histories)}
    assert {page["maxResults"] for page in pages} == {min(size, 100)}
    assert all("nextPage" in page for page in pages[:-1])


def test_issue_changelog_by_id_and_unknown_issue(
    cloud: JiraSimulator, http: requests.Session
) -> None:
    by_id = http.get(f"{cloud.url}/rest/api/3/issue/30001/changelog", timeout=10)
    missing = http.get(f"{cloud.url}/rest/api/3/issue/DEMO-99999/changelog", timeout=10)
    assert by_id.status_code == 200
    assert by_id.json()["self"].startswith(f"{cloud.url}/rest/api/3/issue/30001/changelog")
    assert missing.status_code == 404
    assert missing.json() == {"errorMessages": [
        "Issue does not exist or you do not have permission to see it."], "errors": {}}


def bulk(sim: JiraSimulator, http: requests.Session, **body: Any) -> list[dict]:
    return token_pages(http, f"{sim.url}/rest/api/3/changelog/bulkfetch", body)


def merged(pages: list[dict]) -> dict[str, list[dict]]:
    histories: dict[str, list[dict]] = {}
    for page in pages:
        for log in page["issueChangeLogs"]:
            histories.setdefault(log["issueId"], []).extend(log["changeHistories"])
    return histories


def test_bulkfetch_returns_every_history_across_pages(
    cloud: JiraSimulator, http: requests.Session, demo_issues: list[dict]
) -> None:
    chosen = long_issues(demo_issues, 3) + demo_issues[:5]
    pages = bulk(cloud, http, issueIdsOrKeys=[i["key"] for i in chosen], maxResults=50)
    expected = {i["id"]: i["changelog"]["histories"] for i in chosen
                if i["changelog"]["histories"]}
    assert merged(pages) == expected
    assert len(pages) > 2
    assert all(sum(len(log["changeHistories"]) for log in p["issueChangeLogs"]) <= 50
               for p in pages)


def test_bulkfetch_filters_histories_and_items_by_field(
    cloud: JiraSimulator, http: requests.Session, demo_issues: list[dict]
) -> None:
    raw = long_issues(demo_issues, 1)[0]
    got = merged(bulk(cloud, http, issueIdsOrKeys=[raw["id"]], fieldIds=["status"]))
    status_histories = [h for h in raw["changelog"]["histories"]
                        if any(item["field"] == "status" for item in h["items"])]
    assert [h["id"] for h in got[raw["id"]]] == [h["id"] for h in status_histories]
    assert {item["fieldId"] for h in got[raw["id"]] for item in h["items"]} == {"status"}
    assert len(got[raw["id"]]) < len(raw["changelog"]["histories"])


@pytest.mark.parametrize("keys", [[], [f"DEMO-{n}" for n in range(1, 1002)]])
def test_bulkfetch_needs_between_1_and_1000_issues(
    cloud: JiraSimulator, http: requests.Session, keys: list[str]
) -> None:
    response = http.post(f"{cloud.url}/rest/api/3/changelog/bulkfetch", timeout=10,
                         json={"issueIdsOrKeys": keys})
    assert response.status_code == 400


def test_datacenter_issue_endpoint_has_the_full_changelog(
    demo_issues: list[dict], http: requests.Session
) -> None:
    raw = long_issues(demo_issues, 1)[0]
    with JiraSimulator(demo_issues, flavor="datacenter", changelog_cut=5) as sim:
        found = http.get(f"{sim.url}/rest/api/2/issue/{raw['key']}", timeout=10,
                         params={"expand": "changelog", "fields": "status,created"}).json()
        plain = http.get(f"{sim.url}/rest/api/2/issue/{raw['id']}", timeout=10).json()
    assert found["changelog"]["histories"] == raw["changelog"]["histories"]
    assert found["changelog"]["total"] == len(raw["changelog"]["histories"])
    assert set(found["fields"]) == {"status", "created"}
    assert "changelog" not in plain
    assert plain["fields"] == raw["fields"]
