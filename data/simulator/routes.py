"""Routing, authentication and the discovery endpoints of the simulated JIRA.

Terms:

- *route*: (flavors, methods, path pattern, endpoint). Paths that exist on the other
  flavor answer 404, except the searches JIRA Cloud removed, which answer 410 Gone
  with Cloud's own message (``/rest/api/2/search`` and ``/rest/api/3/search``).
- *credentials*: HTTP Basic ``email:token`` (Cloud API token, DC username/password)
  or ``Bearer <pat>`` (Data Center Personal Access Token) when a PAT is configured.
  They are compared in constant time and never logged or echoed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Callable, Iterable
from datetime import UTC
from typing import Any

from data.simulator import search_routes
from data.simulator.api import Api, BadRequest, Reply, Request, error
from data.simulator.jql import JqlError

UNAUTHENTICATED = ("You are not authenticated. "
                   "Authentication required to perform this operation.")
REMOVED = ("The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
           "API. A full migration guideline is available at "
           "https://developer.atlassian.com/changelog/#CHANGE-2046")

Endpoint = Callable[..., Reply]
CLOUD, DC, BOTH = ("cloud",), ("datacenter",), ("cloud", "datacenter")
GET, POST, ANY = ("GET",), ("POST",), ("GET", "POST")


def _gone(_api: Api, _request: Request) -> Reply:
    return error(410, REMOVED)


def myself(api: Api, _request: Request) -> Reply:
    """``/myself``: the authenticated user."""
    user: dict[str, Any] = {
        "self": f"{api.base_url}/rest/api/{api.rest}/user?accountId=sim-user",
        "emailAddress": api.email,
        "displayName": "Demo User",
        "active": True,
        "timeZone": api.user_timezone,
        "locale": "en_US",
    }
    if api.flavor == "cloud":
        user.update(accountId="sim-user", accountType="atlassian")
    else:
        user.update(key="JIRAUSER10000", name=api.email)
    return Reply(200, user)


def server_info(api: Api, _request: Request) -> Reply:
    """``/serverInfo``: deployment type and version."""
    cloud = api.flavor == "cloud"
    version = "1001.0.0-SNAPSHOT" if cloud else "9.12.0"
    return Reply(200, {
        "baseUrl": api.base_url,
        "version": version,
        "versionNumbers": [1001, 0, 0] if cloud else [9, 12, 0],
        "deploymentType": "Cloud" if cloud else "DataCenter",
        "buildNumber": 100_000 if cloud else 912_000,
        "serverTime": api.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        "serverTitle": "Jira Simulator",
    })


def list_fields(api: Api, _request: Request) -> Reply:
    return Reply(200, list(api.fields))


def list_statuses(api: Api, _request: Request) -> Reply:
    return _catalog(api, api.statuses, "status")


def list_issue_types(api: Api, _request: Request) -> Reply:
    return _catalog(api, api.issue_types, "issuetype")


def _catalog(api: Api, items: Iterable[dict[str, Any]], resource: str) -> Reply:
    """A catalog listing as JIRA sends it: every item with its own ``self`` URL."""
    base = f"{api.base_url}/rest/api/{api.rest}/{resource}"
    return Reply(200, [{**item, "self": f"{base}/{item['id']}"} for item in items])


ROUTES: tuple[tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str], Endpoint], ...] = tuple(
    (flavors, methods, re.compile(pattern), endpoint)
    for flavors, methods, pattern, endpoint in (
        (CLOUD, ANY, r"/rest/api/3/search/jql", search_routes.cloud_search),
        (CLOUD, POST, r"/rest/api/3/search/approximate-count", search_routes.approximate_count),
        (CLOUD, ANY, r"/rest/api/[23]/search", _gone),
        (CLOUD, GET, r"/rest/api/3/issue/(?P<id_or_key>[^/]+)/changelog",
         search_routes.issue_changelog),
        (CLOUD, POST, r"/rest/api/3/changelog/bulkfetch", search_routes.bulk_fetch),
        (DC, ANY, r"/rest/api/2/search", search_routes.datacenter_search),
        (DC, GET, r"/rest/api/2/issue/(?P<id_or_key>[^/]+)", search_routes.get_issue),
        (BOTH, GET, r"/rest/api/(?P<v>[23])/myself", myself),
        (BOTH, GET, r"/rest/api/(?P<v>[23])/serverInfo", server_info),
        (BOTH, GET, r"/rest/api/(?P<v>[23])/field", list_fields),
        (BOTH, GET, r"/rest/api/(?P<v>[23])/status", list_statuses),
        (BOTH, GET, r"/rest/api/(?P<v>[23])/issuetype", list_issue_types),
    )
)


def authenticated(header: str | None, *, email: str, token: str, pat: str | None) -> bool:
    """Whether an ``Authorization`` header carries the configured credentials."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() == "bearer" and pat is not None:
        return hmac.compare_digest(value.strip().encode(), pat.encode())
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(decoded, f"{email}:{token}".encode())


def dispatch(api: Api, request: Request) -> Reply:
    """Answer an authenticated request: route it, turning JIRA-style failures into replies."""
    routed = _route(api, request)
    if isinstance(routed, Reply):
        return routed
    endpoint, arguments = routed
    try:
        return endpoint(api, request, **arguments)
    except JqlError as problem:
        return error(400, *problem.messages)
    except BadRequest as problem:
        return error(400, str(problem))


def _route(api: Api, request: Request) -> tuple[Endpoint, dict[str, str]] | Reply:
    """The endpoint and its path arguments, or the 404/405 reply."""
    path = request.path.rstrip("/") or "/"
    for flavors, methods, pattern, endpoint in ROUTES:
        match = pattern.fullmatch(path)
        if match is None or api.flavor not in flavors:
            continue
        if api.flavor == "datacenter" and match.groupdict().get("v") == "3":
            break  # Data Center has no REST v3
        if request.method not in methods:
            return error(405, f"Method {request.method} is not allowed on {path}.")
        return endpoint, {k: v for k, v in match.groupdict().items() if k != "v"}
    return error(404, f"No resource found at {path}.")
