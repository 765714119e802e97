"""Search over real HTTP against the simulator: paging, complete changelogs,
progress and cancellation, in both flavors."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from configuration.errors import JiraCancelled
from data.issues.raw import RawIssue
from data.jira.fields import BASE_FIELDS
from data.simulator.server import JiraSimulator
from tests import builders
from tests.data.jira.conftest import EMAIL, JQL, LONG, TOKEN, MakeClient
from tests.data.jira.scripted_server import BlockingProxy

FIELDS = list(BASE_FIELDS)


def plain(issues: Any) -> Any:
    """Typed issues as JSON-shaped dicts (only the fields the decoder keeps)."""
    return msgspec.to_builtins(issues)


def _history_ids(issue: dict[str, Any]) -> set[str]:
    return {h["id"] for h in issue["changelog"]["histories"]}


def _assert_all_complete(got: list[dict], source: list[dict]) -> None:
    """Every source issue once, each changelog complete and equal to the source's."""
    assert sorted(i["key"] for i in got) == sorted(i["key"] for i in source)
    by_key = {i["key"]: i for i in source}
    for issue in got:
        changelog = issue["changelog"]
        assert changelog["total"] == len(changelog["histories"])
        assert _history_ids(issue) == _history_ids(by_key[issue["key"]]), issue["key"]


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_search_returns_every_issue_once_with_complete_changelogs(
    flavor: str, request: pytest.FixtureRequest, make_client: MakeClient,
    demo_issues: list[dict],
) -> None:
    sim: JiraSimulator = request.getfixturevalue(f"{'cloud' if flavor == 'cloud' else 'dc'}_sim")
    client = make_client(sim.url, flavor)
    got = plain(client.search(JQL, FIELDS))
    _assert_all_complete(got, demo_issues)
    assert len(got) == len({i["id"] for i in got}) == 233
    assert set(got[0]["fields"]) >= {"summary", "status", "issuetype", "created"}


def test_cloud_pages_with_next_page_token_and_never_calls_the_removed_search(
    cloud_sim: JiraSimulator, make_client: MakeClient
) -> None:
    make_client(cloud_sim.url, page_size=50).search(JQL, FIELDS)
    paths = cloud_sim.stats.by_path
    assert paths["/rest/api/3/search/jql"] == 5  # 233 issues, 50 a page
    assert paths["/rest/api/3/search/approximate-count"] == 1
    assert "/rest/api/3/search" not in paths
    assert "/rest/api/2/search" not in paths


def test_cloud_completes_truncated_changelogs_with_bulkfetch(
    cloud_sim: JiraSimulator, make_client: MakeClient, demo_issues: list[dict]
) -> None:
    got = {i["key"]: i for i in plain(make_client(cloud_sim.url).search(JQL, FIELDS))}
    for key, changes in LONG.items():
        assert got[key]["changelog"]["total"] == changes
        assert len(got[key]["changelog"]["histories"]) == changes
    assert cloud_sim.stats.by_path["/rest/api/3/changelog/bulkfetch"] >= 1
    assert "/rest/api/3/issue/DEMO-901/changelog" not in cloud_sim.stats.by_path


def test_cloud_falls_back_to_paged_changelogs_when_bulkfetch_is_missing(
    cloud_sim: JiraSimulator, make_client: MakeClient, demo_issues: list[dict]
) -> None:
    with BlockingProxy(cloud_sim.url, {"/rest/api/3/changelog/bulkfetch"}) as proxy:
        client = make_client(proxy.url)
        got = plain(client.search(JQL, FIELDS))
        client.search(JQL, FIELDS)  # the 404 is remembered: bulkfetch is not tried again
    _assert_all_complete(got, demo_issues)
    paths = cloud_sim.stats.by_path
    assert paths["/rest/api/3/issue/DEMO-903/changelog"] == 2 * 3  # 250 histories, 100 a page
    assert paths["/rest/api/3/issue/DEMO-902/changelog"] == 2 * 1
    assert proxy.blocked == 1


def test_datacenter_pages_with_start_at_and_total(
    dc_sim: JiraSimulator, make_client: MakeClient
) -> None:
    make_client(dc_sim.url, "datacenter", page_size=100).search(JQL, FIELDS)
    assert dc_sim.stats.by_path["/rest/api/2/search"] == 3  # 233 issues, 100 a page


def test_datacenter_completes_a_cut_changelog_from_the_issue_endpoint(
    demo_issues: list[dict], make_client: MakeClient
) -> None:
    with JiraSimulator(demo_issues, flavor="datacenter", email="demo@example.com",
                       token="demo-token-5ecret", changelog_cut=10) as sim:
        got = plain(make_client(sim.url, "datacenter").search(JQL, FIELDS))
        paths = sim.stats.by_path
    _assert_all_complete(got, demo_issues)
    assert paths["/rest/api/2/issue/DEMO-903"] == 1
    assert "/rest/api/2/issue/DEMO-1" not in paths  # short changelogs were not re-fetched


@pytest.mark.parametrize(("flavor", "first_expected"), [("cloud", 233), ("datacenter", None)])
def test_progress_reports_fetched_and_expected_after_every_page(
    flavor: str, first_expected: int | None, request: pytest.FixtureRequest,
    make_client: MakeClient,
) -> None:
    sim: JiraSimulator = request.getfixturevalue(f"{'cloud' if flavor == 'cloud' else 'dc'}_sim")
    calls: list[tuple[int, int | None]] = []
    make_client(sim.url, flavor, page_size=100).search(
        JQL, FIELDS, progress=lambda fetched, expected: calls.append((fetched, expected))
    )
    assert calls == [(0, first_expected), (100, 233), (200, 233), (233, 233)]


def test_cancel_stops_between_requests(cloud_sim: JiraSimulator, make_client: MakeClient) -> None:
    pages: list[int] = []
    client = make_client(cloud_sim.url, page_size=50)
    with pytest.raises(JiraCancelled, match="cancelled"):
        client.search(JQL, FIELDS, progress=lambda fetched, _e: pages.append(fetched),
                      cancel=lambda: len(pages) >= 3)
    assert pages == [0, 50, 100]
    assert cloud_sim.stats.by_path["/rest/api/3/search/jql"] == 2


def test_count_and_validate_jql(cloud_sim: JiraSimulator, make_client: MakeClient) -> None:
    client = make_client(cloud_sim.url)
    assert client.count(JQL) == 233
    assert client.validate_jql('project = DEMO AND key = "DEMO-7"') == 1


def test_datacenter_count_uses_the_search_total(
    dc_sim: JiraSimulator, make_client: MakeClient
) -> None:
    assert make_client(dc_sim.url, "datacenter").count(JQL) == 233


def test_iter_pages_yields_complete_pages_in_order(
    cloud_sim: JiraSimulator, make_client: MakeClient
) -> None:
    pages = list(make_client(cloud_sim.url, page_size=100).iter_pages(JQL, FIELDS))
    assert [len(p.issues) for p in pages] == [100, 100, 33]
    assert all(i.changelog.total == len(i.changelog.histories)
               for p in pages for i in p.issues)


def test_search_batches_changelog_completion_across_pages(make_client: MakeClient) -> None:
    """Long histories on three different pages: iter_pages completes per page (3
    bulkfetch calls), search batches them into one."""
    long_keys = {"DEMO-10", "DEMO-60", "DEMO-110"}
    issues = [
        builders.busy_issue(f"DEMO-{n}", 45) if f"DEMO-{n}" in long_keys
        else builders.issue(f"DEMO-{n}")
        for n in range(1, 151)
    ]
    with JiraSimulator(issues, email=EMAIL, token=TOKEN) as sim:
        client = make_client(sim.url, page_size=50)
        pages = list(client.iter_pages(JQL, FIELDS))
        on_pages = [sum(1 for i in p.issues if i.key in long_keys) for p in pages]
        per_page_calls = sim.stats.by_path["/rest/api/3/changelog/bulkfetch"]
        sim.reset_stats()
        got = plain(client.search(JQL, FIELDS))
        batched_calls = sim.stats.by_path["/rest/api/3/changelog/bulkfetch"]
    assert on_pages == [1, 1, 1]
    assert (per_page_calls, batched_calls) == (3, 1)
    _assert_all_complete(got, issues)


def test_bulkfetch_requests_respect_the_issue_limit(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("data.jira.changelog.BULK_LIMIT", 2)
    monkeypatch.setattr("data.jira.client.BULK_LIMIT", 2)
    issues = [builders.busy_issue(f"DEMO-{n}", 42) for n in range(1, 6)]
    with JiraSimulator(issues, email=EMAIL, token=TOKEN) as sim:
        got = plain(make_client(sim.url).search(JQL, FIELDS))
        calls = sim.stats.by_path["/rest/api/3/changelog/bulkfetch"]
    assert calls == 3  # 2 + 2 + 1 issues
    _assert_all_complete(got, issues)


def test_search_decodes_typed_issues_with_only_the_fields_asked_for(
    cloud_sim: JiraSimulator, make_client: MakeClient
) -> None:
    got = make_client(cloud_sim.url).search(JQL, ["status", "created", "customfield_10050"])
    assert all(isinstance(issue, RawIssue) for issue in got)
    fields = plain(got[0])["fields"]
    assert "customfield_10050" in fields  # a field asked for, kept as its JSON
    assert "assignee" not in fields  # not asked for
    assert "customfield_10051" not in fields
