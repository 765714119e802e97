"""Search endpoints over real HTTP: paging in both flavors, field selection, the Cloud cut."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from data.simulator.server import JiraSimulator

JQL = "project = DEMO ORDER BY key"


def cloud_pages(sim: JiraSimulator, http: requests.Session, **body: Any) -> list[dict]:
    pages, token = [], None
    while True:
        payload = {"jql": JQL, **body} | ({"nextPageToken": token} if token else {})
        response = http.post(f"{sim.url}/rest/api/3/search/jql", json=payload, timeout=10)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        token = pages[-1].get("nextPageToken")
        if token is None:
            return pages


def test_cloud_paging_sees_every_issue_exactly_once(
    cloud: JiraSimulator, http: requests.Session, demo_issues: list[dict]
) -> None:
    pages = cloud_pages(cloud, http, maxResults=500, fields=["status"])
    keys = [issue["key"] for page in pages for issue in page["issues"]]
    assert sorted(keys) == sorted(issue["key"] for issue in demo_issues)
    assert len(set(keys)) == len(keys) == 2400
    assert [page["isLast"] for page in pages] == [False] * (len(pages) - 1) + [True]
    assert keys[:3] == ["DEMO-1", "DEMO-2", "DEMO-3"]


@pytest.mark.parametrize(("asked", "expected"), [(1000, 100), (40, 40), (None, 50)])
def test_cloud_page_size_is_capped_with_changelog(
    cloud: JiraSimulator, http: requests.Session, asked: int | None, expected: int
) -> None:
    body: dict[str, Any] = {"jql": JQL, "expand": "changelog", "fields": "status"}
    if asked is not None:
        body["maxResults"] = asked
    page = http.post(f"{cloud.url}/rest/api/3/search/jql", json=body, timeout=10).json()
    assert len(page["issues"]) == expected


def test_datacenter_paging_with_start_at_and_total(
    datacenter: JiraSimulator, http: requests.Session
) -> None:
    seen: list[str] = []
    start = 0
    while True:
        page = http.get(f"{datacenter.url}/rest/api/2/search", timeout=10,
                        params={"jql": JQL, "startAt": start, "maxResults": 700,
                                "fields": "status,created"}).json()
        assert page["total"] == 2400
        assert page["startAt"] == start
        seen += [issue["key"] for issue in page["issues"]]
        start += len(page["issues"])
        if start >= page["total"]:
            break
    assert len(seen) == len(set(seen)) == 2400
