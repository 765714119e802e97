"""Search and changelog endpoints, Cloud and Data Center.

Terms: *Cloud search* is ``/rest/api/3/search/jql`` (``nextPageToken`` paging,
changelog cut to the newest ``changelog_cut`` histories, newest first); *Data Center
search* is ``/rest/api/2/search`` (``startAt``/``total`` paging, complete changelog,
oldest first, unless a cut is configured). Limits mirror JIRA's: Cloud pages hold at
most 5,000 issues (100 with the changelog), Data Center pages 1,000 (100).
"""

from __future__ import annotations

from typing import Any

from data.simulator.api import Api, BadRequest, Reply, Request, error
from data.simulator.jql import parse
from data.simulator.views import (
    BadToken,
    as_list,
    bulk_changelogs,
    changelog_page,
    decode_token,
    encode_token,
    filter_histories,
    issue_view,
    search_changelog,
    select_fields,
)

UNBOUNDED = ("Unbounded JQL queries are not allowed here. "
             "Please add a search restriction to your query.")
NO_ISSUE = "Issue does not exist or you do not have permission to see it."
BAD_TOKEN = "The provided next page token is invalid or expired."


def cloud_search(api: Api, request: Request) -> Reply:
    """``/rest/api/3/search/jql``."""
    jql = str(request.param("jql") or "")
    with_changelog = "changelog" in as_list(request.list_param("expand"))
    # maxResults=0 would never advance the token, so Cloud falls back to its default.
    limit = _int(request, "maxResults", 50, cap=100 if with_changelog else 5000) or 50
    try:
        offset = decode_token(request.param("nextPageToken"))
    except BadToken:
        return error(400, BAD_TOKEN)
    if parse(jql).where is None:
        return error(400, UNBOUNDED)
    found = api.store.search(jql)
    page = api.store.take(found[offset:offset + limit])
    body: dict[str, Any] = {"issues": _views(api, request, page, with_changelog)}
    if offset + limit < len(found):
        body["nextPageToken"] = encode_token(offset + limit)
    body["isLast"] = offset + limit >= len(found)
    return Reply(200, body)


def datacenter_search(api: Api, request: Request) -> Reply:
    """``/rest/api/2/search`` on Data Center."""
    jql = str(request.param("jql") or "")
    with_changelog = "changelog" in as_list(request.list_param("expand"))
    limit = _int(request, "maxResults", 50, cap=100 if with_changelog else 1000)
    start_at = _int(request, "startAt", 0, cap=None)
    found = api.store.search(jql)
    return Reply(200, {
        "expand": "schema,names",
        "startAt": start_at,
        "maxResults": limit,
        "total": len(found),
        "issues": _views(api, request, api.store.take(found[start_at:start_at + limit]),
                         with_changelog),
    })


def approximate_count(api: Api, request: Request) -> Reply:
    """``/rest/api/3/search/approximate-count``: ``{"count": n}``."""
    jql = str(request.param("jql") or "")
    if parse(jql).where is None:
        return error(400, UNBOUNDED)
    return Reply(200, {"count": len(api.store.search(jql))})


def get_issue(api: Api, request: Request, id_or_key: str) -> Reply:
    """``/rest/api/2/issue/{idOrKey}``: one issue, with its complete changelog when expanded."""
    found = api.store.get(id_or_key)
    if found is None:
        return error(404, NO_ISSUE)
    issue, histories = found
    with_changelog = "changelog" in as_list(request.list_param("expand"))
    fields = select_fields(issue["fields"], as_list(request.list_param("fields")),
                           known=api.field_ids, default_all=True)
    changelog = search_changelog(histories, cut=None, newest_first=False)
    return Reply(200, issue_view(issue, histories, base_url=api.base_url, api=api.rest,
                                 fields=fields, changelog=changelog if with_changelog else None))


def issue_changelog(api: Api, request: Request, id_or_key: str) -> Reply:
    """``GET /rest/api/3/issue/{idOrKey}/changelog``: oldest first, at most 100 a page."""
    found = api.store.get(id_or_key)
    if found is None:
        return error(404, NO_ISSUE)
    start_at = _int(request, "startAt", 0, cap=None)
    limit = _int(request, "maxResults", 100, cap=100)
    self_url = f"{api.base_url}/rest/api/3/issue/{found[0]['id']}/changelog"
    return Reply(200, changelog_page(found[1], start_at=start_at, max_results=limit,
                                     self_url=self_url))


def bulk_fetch(api: Api, request: Request) -> Reply:
    """``POST /rest/api/3/changelog/bulkfetch``: histories of many issues, oldest first."""
    keys = as_list(request.param("issueIdsOrKeys"))
    if not keys or len(keys) > 1000:
        return error(400, "issueIdsOrKeys must contain between 1 and 1000 issues.")
    field_ids = set(as_list(request.param("fieldIds")))
    limit = _int(request, "maxResults", 1000, cap=1000)
    try:
        offset = decode_token(request.param("nextPageToken"))
    except BadToken:
        return error(400, BAD_TOKEN)
    per_issue = []
    for key in keys:  # unknown issues are skipped, as JIRA does for issues you cannot see
        found = api.store.get(key)
        if found is not None:
            per_issue.append((str(found[0]["id"]), filter_histories(found[1], field_ids)))
    logs, next_offset = bulk_changelogs(per_issue, offset=offset, max_results=limit)
    body: dict[str, Any] = {"issueChangeLogs": logs}
    if next_offset is not None:
        body["nextPageToken"] = encode_token(next_offset)
    return Reply(200, body)


def _views(api: Api, request: Request, found: list[tuple[dict[str, Any], list[dict[str, Any]]]],
           with_changelog: bool) -> list[dict[str, Any]]:
    wanted = as_list(request.list_param("fields"))  # parsed once per page, not per issue
    return [_view(api, wanted, issue, histories, with_changelog) for issue, histories in found]


def _view(api: Api, wanted: list[str], issue: dict[str, Any], histories: list[dict[str, Any]],
          with_changelog: bool) -> dict[str, Any]:
    cloud = api.flavor == "cloud"
    fields = select_fields(issue["fields"], wanted, known=api.field_ids, default_all=not cloud)
    changelog = None
    if with_changelog:
        changelog = search_changelog(histories, cut=api.changelog_cut, newest_first=cloud)
    return issue_view(issue, histories, base_url=api.base_url, api=api.rest, fields=fields,
                      changelog=changelog)


def _int(request: Request, name: str, default: int, *, cap: int | None) -> int:
    raw = request.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError) as problem:
        raise BadRequest(f"The value '{raw}' is invalid for the parameter '{name}'.") from problem
    if value < 0:
        raise BadRequest(f"The value '{raw}' is invalid for the parameter '{name}'.")
    return value if cap is None else min(value, cap)

