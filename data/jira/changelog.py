"""Completing changelogs that a search returned truncated.

Terms:

- *declared total*: ``changelog.total`` as JIRA sent it, the number of histories
  that exist. Cloud search returns at most the newest 40 of them.
- *truncated*: fewer histories came back than the declared total. Status history
  from a truncated changelog is wrong history, so a truncated issue is never
  returned: it is completed here, or a :class:`DataError` is raised.
- *complete*: after completion ``changelog.total == len(changelog.histories)``,
  ``startAt == 0`` and ``maxResults == total``, which is what
  :mod:`data.issues.normalize` checks. Histories keep whatever order JIRA gave
  (the normalizer sorts them by time).

How the rest is fetched:

- Cloud: ``POST /rest/api/3/changelog/bulkfetch`` for a whole page of issues at
  once (following ``nextPageToken``; one issue's histories may span pages). If that
  endpoint answers 404 (an older Cloud), fall back to paging
  ``GET /rest/api/3/issue/{key}/changelog`` per issue, and remember that.
- Data Center: ``GET /rest/api/2/issue/{key}?expand=changelog&fields=none``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from configuration.errors import DataError, JiraNotFound
from data.jira.transport import Cancel, JiraTransport

CHANGELOG_PAGE = 100  # histories per page of the per-issue changelog endpoint
BULK_LIMIT = 1000  # JIRA's limit of issues per changelog bulkfetch request


def is_truncated(issue: dict[str, Any]) -> bool:
    """True when JIRA declared more histories than it returned."""
    changelog = issue.get("changelog") or {}
    return int(changelog.get("total") or 0) > len(changelog.get("histories") or ())


def merge_histories(known: Iterable[dict], fetched: Iterable[dict]) -> list[dict]:
    """Union of two history lists by history id: fetched ones first, then any others."""
    merged: dict[str, dict] = {}
    for history in (*fetched, *known):
        merged.setdefault(_history_key(history), history)
    return list(merged.values())


def _history_key(history: dict) -> str:
    # Histories always carry an id in JIRA; the JSON fallback only keeps
    # id-less test data from collapsing into one entry.
    hid = history.get("id")
    return str(hid) if hid is not None else json.dumps(history, sort_keys=True)


def with_histories(issue: dict[str, Any], histories: list[dict]) -> dict[str, Any]:
    """A copy of ``issue`` whose changelog is ``histories``, checked to be complete."""
    declared = int((issue.get("changelog") or {}).get("total") or 0)
    if len(histories) < declared:
        raise DataError(
            f"The changelog of {issue.get('key', issue.get('id'))} could not be completed: "
            f"JIRA declared {declared} changes but only {len(histories)} could be fetched."
        )
    changelog = {
        "startAt": 0,
        "maxResults": len(histories),
        "total": len(histories),
        "histories": histories,
    }
    return {**issue, "changelog": changelog}


class ChangelogCompleter:
    """Completes truncated changelogs for one client (remembers bulkfetch support)."""

    def __init__(self, transport: JiraTransport, flavor: str) -> None:
        self._transport = transport
        self._flavor = flavor
        self._bulk_supported = flavor == "cloud"

    def complete(self, issues: list[dict], cancel: Cancel | None = None) -> list[dict]:
        """``issues`` with every truncated changelog completed, in the same order."""
        truncated = [issue for issue in issues if is_truncated(issue)]
        if not truncated:
            return issues
        fetched = self._fetch(truncated, cancel)
        done = {
            issue["id"]: with_histories(
                issue, merge_histories(issue["changelog"]["histories"], fetched[issue["id"]])
            )
            for issue in truncated
        }
        return [done.get(issue.get("id"), issue) for issue in issues]

    def _fetch(self, issues: list[dict], cancel: Cancel | None) -> dict[str, list[dict]]:
        """Full history lists by issue id."""
        if self._bulk_supported:
            ids = [issue["id"] for issue in issues]
            try:
                found: dict[str, list[dict]] = {}
                for start in range(0, len(ids), BULK_LIMIT):
                    found.update(self._bulkfetch(ids[start:start + BULK_LIMIT], cancel))
                return found
            except JiraNotFound:
                self._bulk_supported = False
        fetch_one = self._cloud_paged if self._flavor == "cloud" else self._datacenter
        return {issue["id"]: fetch_one(issue["key"], cancel) for issue in issues}

    def _bulkfetch(self, ids: list[str], cancel: Cancel | None) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {issue_id: [] for issue_id in ids}
        body: dict[str, Any] = {"issueIdsOrKeys": ids}
        while True:
            page = self._transport.request(
                "POST", "/rest/api/3/changelog/bulkfetch", body=body, cancel=cancel
            )
            for entry in page.get("issueChangeLogs") or ():
                found.setdefault(str(entry.get("issueId")), []).extend(
                    entry.get("changeHistories") or ()
                )
            token = page.get("nextPageToken")
            if not token or token == body.get("nextPageToken"):
                return found
            body = {**body, "nextPageToken": token}

    def _cloud_paged(self, key: str, cancel: Cancel | None) -> list[dict]:
        histories: list[dict] = []
        while True:
            page = self._transport.request(
                "GET",
                f"/rest/api/3/issue/{key}/changelog",
                params={"startAt": len(histories), "maxResults": CHANGELOG_PAGE},
                cancel=cancel,
            )
            values = page.get("values") or []
            histories.extend(values)
            total = int(page.get("total") or 0)
            if not values or page.get("isLast") or len(histories) >= total:
                return histories

    def _datacenter(self, key: str, cancel: Cancel | None) -> list[dict]:
        issue = self._transport.request(
            "GET",
            f"/rest/api/2/issue/{key}",
            params={"expand": "changelog", "fields": "none"},
            cancel=cancel,
        )
        return list(((issue or {}).get("changelog") or {}).get("histories") or ())
