"""Paging through JIRA search results, one flavor each.

Terms:

- *page*: one search answer, ``Page.issues`` as JIRA sent them (changelogs may
  still be truncated; :mod:`data.jira.changelog` completes them), decoded from the
  answer's bytes straight into typed issues holding only the fields asked for
  (:func:`data.issues.raw.page_decoder`): the same decoder as an issues file's.
- *Cloud paging*: ``POST /rest/api/3/search/jql`` with ``jql``, ``fields``,
  ``expand: "changelog"`` and ``maxResults``; the answer's ``nextPageToken`` is sent
  back until none comes (or ``isLast`` is true). Cloud gives no total here; the
  expected count comes from ``/search/approximate-count`` instead. The old
  ``/rest/api/3/search`` answers 410 on Cloud and is never called.
- *Data Center paging*: ``POST /rest/api/2/search`` with ``startAt``/``maxResults``;
  ``total`` in each answer says how many match. The server may return fewer issues
  than asked (it caps ``maxResults``), so the next ``startAt`` counts what arrived.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from configuration.errors import JiraBadResponse
from data.issues.raw import RawIssue, page_decoder
from data.jira.transport import Cancel, JiraTransport

CLOUD_SEARCH = "/rest/api/3/search/jql"
DC_SEARCH = "/rest/api/2/search"


@dataclass(frozen=True)
class Page:
    """One page of raw issues; ``total`` is JIRA's count when the flavor gives one."""

    issues: list[RawIssue]
    total: int | None


def cloud_pages(
    transport: JiraTransport,
    jql: str,
    fields: Sequence[str],
    page_size: int,
    cancel: Cancel | None = None,
) -> Iterator[Page]:
    """Every page of a Cloud search, following ``nextPageToken``."""
    body = _search_body(jql, fields, page_size, expand="changelog")
    decode = page_decoder(fields).decode
    seen_tokens: set[str] = set()
    while True:
        answer = transport.request("POST", CLOUD_SEARCH, body=body, cancel=cancel,
                                   decode=decode)
        if answer is None:  # an empty body: no issues
            return
        yield Page(answer.issues, None)
        token = answer.nextPageToken
        if not token or answer.isLast:
            return
        if token in seen_tokens:  # a server bug would otherwise loop forever
            raise JiraBadResponse("JIRA repeated a search page token; the search cannot finish.")
        seen_tokens.add(token)
        body = {**body, "nextPageToken": token}


def datacenter_pages(
    transport: JiraTransport,
    jql: str,
    fields: Sequence[str],
    page_size: int,
    cancel: Cancel | None = None,
) -> Iterator[Page]:
    """Every page of a Data Center search, advancing ``startAt``."""
    start = 0
    decode = page_decoder(fields).decode
    while True:
        body = {**_search_body(jql, fields, page_size, expand=["changelog"]), "startAt": start}
        answer = transport.request("POST", DC_SEARCH, body=body, cancel=cancel, decode=decode)
        issues = answer.issues if answer is not None else []
        total = int(answer.total or 0) if answer is not None else 0
        yield Page(issues, total)
        start += len(issues)
        if not issues or start >= total:
            return


def _search_body(
    jql: str, fields: Sequence[str], page_size: int, *, expand: str | list[str]
) -> dict[str, Any]:
    """The request body both flavors share; each spells ``expand`` its own way."""
    return {"jql": jql, "fields": list(fields), "expand": expand, "maxResults": page_size}
