"""Search endpoints over real HTTP: paging in both flavors, field selection, the Cloud cut."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from data.simulator.server import JiraSimulator
from tests.data.simulator.helpers import token_pages

JQL = "project = DEMO ORDER BY key"


def cloud_pages(sim: JiraSimulator, http: requests.Session, **body: Any) -> list[dict]:
    return token_pages(http, f"{sim.url}/rest/api/3/search/jql", {"jql": JQL, **body})


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


def search(sim: JiraSimulator, http: requests.Session, **body: Any) -> requests.Response:
    return http.post(f"{sim.url}/rest/api/3/search/jql", json={"jql": JQL, **body}, timeout=10)


def long_issue(issues: list[dict]) -> dict:
    return next(i for i in issues if len(i["changelog"]["histories"]) > 45)


def test_cloud_returns_only_the_requested_fields(
    cloud: JiraSimulator, http: requests.Session
) -> None:
    listed = search(cloud, http, fields=["status", "customfield_10051", "nonsense"],
                    maxResults=1).json()["issues"][0]
    comma = search(cloud, http, fields="status,created", maxResults=1).json()["issues"][0]
    bare = search(cloud, http, maxResults=1).json()["issues"][0]
    assert set(listed) == {"expand", "id", "key", "self", "fields"}
    assert listed["self"] == f"{cloud.url}/rest/api/3/issue/{listed['id']}"
    assert set(listed["fields"]) == {"status", "customfield_10051"}  # unknown ids are ignored
    assert set(comma["fields"]) == {"status", "created"}
    assert "fields" not in bare  # /search/jql sends no fields unless asked


def test_datacenter_returns_every_field_by_default(
    datacenter: JiraSimulator, http: requests.Session, demo_issues: list[dict]
) -> None:
    page = http.get(f"{datacenter.url}/rest/api/2/search", timeout=10,
                    params={"jql": "key = DEMO-1"}).json()
    assert page["issues"][0]["fields"] == demo_issues[0]["fields"]
    assert page["issues"][0]["self"].endswith("/rest/api/2/issue/30001")


def test_cloud_cuts_changelog_to_the_newest_40_newest_first(
    cloud: JiraSimulator, http: requests.Session, demo_issues: list[dict]
) -> None:
    raw = long_issue(demo_issues)
    found = search(cloud, http, jql=f"key = {raw['key']}", expand="changelog",
                   fields=["status"]).json()["issues"][0]["changelog"]
    everything = raw["changelog"]["histories"]  # oldest first
    assert found["total"] == len(everything) > 40
    assert found["maxResults"] == len(found["histories"]) == 40
    assert found["histories"] == everything[::-1][:40]


def test_datacenter_changelog_is_complete_oldest_first_unless_cut(
    demo_issues: list[dict], http: requests.Session
) -> None:
    raw = long_issue(demo_issues)
    params = {"jql": f"key = {raw['key']}", "expand": "changelog", "fields": "status"}
    with JiraSimulator(demo_issues, flavor="datacenter") as sim:
        full = http.get(f"{sim.url}/rest/api/2/search", params=params, timeout=10).json()
    with JiraSimulator(demo_issues, flavor="datacenter", changelog_cut=10) as sim:
        cut = http.get(f"{sim.url}/rest/api/2/search", params=params, timeout=10).json()
    histories = raw["changelog"]["histories"]
    assert full["issues"][0]["changelog"]["histories"] == histories
    assert cut["issues"][0]["changelog"]["total"] == len(histories)
    assert cut["issues"][0]["changelog"]["histories"] == histories[-10:]


@pytest.mark.parametrize(("expand", "asked", "expected"),
                         [("changelog", 500, 100), ("", 5000, 1000), ("", 30, 30)])
def test_datacenter_page_size_caps(datacenter: JiraSimulator, http: requests.Session,
                                   expand: str, asked: int, expected: int) -> None:
    page = http.post(f"{datacenter.url}/rest/api/2/search", timeout=10, json={
        "jql": JQL, "maxResults": asked, "expand": [expand] if expand else [],
        "fields": ["status"]}).json()
    assert (page["maxResults"], len(page["issues"])) == (expected, expected)


def test_approximate_count_matches_the_search(
    cloud: JiraSimulator, http: requests.Session, demo_issues: list[dict]
) -> None:
    jql = "project = DEMO AND status in (Done, Closed)"
    count = http.post(f"{cloud.url}/rest/api/3/search/approximate-count", json={"jql": jql},
                      timeout=10).json()
    done = [i for i in demo_issues if i["fields"]["status"]["name"] in ("Done", "Closed")]
    assert count == {"count": len(done)}


def test_get_search_with_query_parameters(cloud: JiraSimulator, http: requests.Session) -> None:
    page = http.get(f"{cloud.url}/rest/api/3/search/jql", timeout=10, params={
        "jql": JQL, "maxResults": 2, "fields": ["status", "created"], "expand": "changelog"})
    body = page.json()
    assert [i["key"] for i in body["issues"]] == ["DEMO-1", "DEMO-2"]
    assert set(body["issues"][0]["fields"]) == {"status", "created"}
    assert "changelog" in body["issues"][0]


@pytest.mark.parametrize("token", ["garbage!", "b2Zmc2V0OnRlbg"])  # the second: "offset:ten"
def test_unknown_page_token_is_a_400(cloud: JiraSimulator, http: requests.Session,
                                     token: str) -> None:
    response = search(cloud, http, nextPageToken=token)
    assert response.status_code == 400
    assert response.json()["errorMessages"] == [
        "The provided next page token is invalid or expired."]


@pytest.mark.parametrize(("path", "status"), [
    ("/rest/api/3/search", 410), ("/rest/api/2/search", 410),
])
def test_removed_search_endpoints_answer_410_on_cloud(
    cloud: JiraSimulator, http: requests.Session, path: str, status: int
) -> None:
    response = http.get(f"{cloud.url}{path}", params={"jql": JQL}, timeout=10)
    assert response.status_code == status
    assert response.json()["errorMessages"][0].startswith(
        "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.")


@pytest.mark.parametrize("path", [
    "/rest/api/3/search/jql", "/rest/api/3/myself", "/rest/api/3/changelog/bulkfetch",
    "/rest/api/3/issue/DEMO-1/changelog", "/rest/api/2/nothing",
])
def test_cloud_only_paths_are_404_on_datacenter(
    datacenter: JiraSimulator, http: requests.Session, path: str
) -> None:
    response = http.get(f"{datacenter.url}{path}", timeout=10)
    assert response.status_code == 404
    assert response.json()["errorMessages"]


def test_bad_maxresults_and_bad_json_are_400(cloud: JiraSimulator,
                                             http: requests.Session) -> None:
    bad_number = search(cloud, http, maxResults="many")
    bad_json = http.post(f"{cloud.url}/rest/api/3/search/jql", data=b"{not json",
                         headers={"Content-Type": "application/json"}, timeout=10)
    assert bad_number.status_code == bad_json.status_code == 400
    assert bad_json.json()["errorMessages"] == [
        "Invalid request payload. Refer to the REST API documentation and try again."]
