"""Completing changelogs that a search returned truncated.

Issues and histories are the typed structs of :mod:`data.issues.raw`; every answer
here is decoded from its bytes into such structs too.

Terms:

- *declared total*: ``changelog.total`` as JIRA sent it, the number of histories
  that exist. Cloud search returns at most the newest 40 of them.
- *truncated*: fewer histories came back than the declared total. Status history
  from a truncated changelog is wrong history, so a truncated issue is never
  returned: it is completed here, or a :class:`DataError` is raised.
- *complete*: after completion ``changelog.total == len(changelog.histories)``,
  which is what :mod:`data.issues.normalize` checks. Histories keep whatever order JIRA gave
  (the normalizer sorts them by time).

How the rest is fetched:

- Cloud: ``POST /rest/api/3/changelog/bulkfetch`` for a whole page of issues at
  once (following ``nextPageToken``; one issue's histories may span pages). If that
  endpoint answers 404 (an older Cloud), fall back to paging
  ``GET /rest/api/3/issue/{key}/changelog`` per issue, and remember that.
- Data Center: ``GET /rest/api/2/issue/{key}?expand=changelog&fields=none``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from configuration.errors import DataError, JiraNotFound
from data.issues.raw import Changelog, History, Id, RawIssue
from data.jira.transport import Cancel, JiraTransport

CHANGELOG_PAGE = 100  # histories per page of the per-issue changelog endpoint
BULK_LIMIT = 1000  # JIRA's limit of issues per changelog bulkfetch request


class _IssueChangelog(msgspec.Struct, gc=False):
    """``changeHistories`` of one issue in a bulkfetch answer."""

    issueId: Id = None  # noqa: N815 - JIRA's JSON names
    changeHistories: list[History] = []  # noqa: N815


class _BulkPage(msgspec.Struct, gc=False):
    issueChangeLogs: list[_IssueChangelog] = []  # noqa: N815
    nextPageToken: str | None = None  # noqa: N815


class _HistoryPage(msgspec.Struct, gc=False):
    """One page of ``GET /issue/{key}/changelog`` (Cloud)."""

    values: list[History] = []
    total: int | None = None
    isLast: bool | None = None  # noqa: N815


class _WithChangelog(msgspec.Struct, gc=False):
    """``GET /issue/{key}?expand=changelog&fields=none`` (Data Center)."""

    changelog: Changelog | None = None


_DECODE = {kind: msgspec.json.Decoder(kind).decode
           for kind in (_BulkPage, _HistoryPage, _WithChangelog)}


def is_truncated(issue: RawIssue) -> bool:
    """True when JIRA declared more histories than it returned."""
    changelog = issue.changelog
    return changelog is not None and int(changelog.total or 0) > len(changelog.histories or ())


def merge_histories(known: Iterable[History], fetched: Iterable[History]) -> list[History]:
    """Union of two history lists by history id: fetched ones first, then any others."""
    merged: dict[Any, History] = {}
    for history in (*fetched, *known):
        merged.setdefault(_history_key(history), history)
    return list(merged.values())


def _history_key(history: History) -> Any:
    # Histories always carry an id in JIRA; the encoded history as a fallback only
    # keeps id-less test data from collapsing into one entry.
    return str(history.id) if history.id is not None else msgspec.json.encode(history)


def with_histories(issue: RawIssue, histories: list[History]) -> RawIssue:
    """A copy of ``issue`` whose changelog is ``histories``, checked to be complete."""
    declared = int(issue.changelog.total or 0) if issue.changelog is not None else 0
    if len(histories) < declared:
        raise DataError(
            f"The changelog of {issue.key or issue.id} could not be completed: "
            f"JIRA declared {declared} changes but only {len(histories)} could be fetched."
        )
    changelog = Changelog(total=len(histories), histories=histories)
    return msgspec.structs.replace(issue, changelog=changelog)


class ChangelogCompleter:
    """Completes truncated changelogs for one client (remembers bulkfetch support)."""

    def __init__(self, transport: JiraTransport, flavor: str) -> None:
        self._transport = transport
        self._flavor = flavor
        self._bulk_supported = flavor == "cloud"

    def complete(self, issues: list[RawIssue], cancel: Cancel | None = None) -> list[RawIssue]:
        """``issues`` with every truncated changelog completed, in the same order."""
        truncated = [issue for issue in issues if is_truncated(issue)]
        if not truncated:
            return issues
        fetched = self._fetch(truncated, cancel)
        done = {
            str(issue.id): with_histories(
                issue, merge_histories(issue.changelog.histories or (), fetched[str(issue.id)])
            )
            for issue in truncated
        }
        return [done.get(str(issue.id), issue) for issue in issues]

    def _fetch(self, issues: list[RawIssue], cancel: Cancel | None) -> dict[str, list[History]]:
        """Full history lists by issue id."""
        if self._bulk_supported:
            ids = [str(issue.id) for issue in issues]
            try:
                found: dict[str, list[History]] = {}
                for start in range(0, len(ids), BULK_LIMIT):
                    found.update(self._bulkfetch(ids[start:start + BULK_LIMIT], cancel))
                return found
            except JiraNotFound:
                self._bulk_supported = False
        fetch_one = self._cloud_paged if self._flavor == "cloud" else self._datacenter
        return {str(issue.id): fetch_one(issue.key, cancel) for issue in issues}

    def _bulkfetch(self, ids: list[str], cancel: Cancel | None) -> dict[str, list[History]]:
        found: dict[str, list[History]] = {issue_id: [] for issue_id in ids}
        body: dict[str, Any] = {"issueIdsOrKeys": ids}
        while True:
            page = self._transport.request(
                "POST", "/rest/api/3/changelog/bulkfetch", body=body, cancel=cancel,
                decode=_DECODE[_BulkPage],
            ) or _BulkPage()
            for entry in page.issueChangeLogs:
                found.setdefault(str(entry.issueId), []).extend(entry.changeHistories)
            token = page.nextPageToken
            if not token or token == body.get("nextPageToken"):
                return found
            body = {**body, "nextPageToken": token}

    def _cloud_paged(self, key: str, cancel: Cancel | None) -> list[History]:
        histories: list[History] = []
        while True:
            page = self._transport.request(
                "GET",
                f"/rest/api/3/issue/{key}/changelog",
                params={"startAt": len(histories), "maxResults": CHANGELOG_PAGE},
                cancel=cancel, decode=_DECODE[_HistoryPage],
            ) or _HistoryPage()
            histories.extend(page.values)
            if not page.values or page.isLast or len(histories) >= int(page.total or 0):
                return histories

    def _datacenter(self, key: str, cancel: Cancel | None) -> list[History]:
        issue = self._transport.request(
            "GET",
            f"/rest/api/2/issue/{key}",
            params={"expand": "changelog", "fields": "none"},
            cancel=cancel, decode=_DECODE[_WithChangelog],
        )
        changelog = issue.changelog if issue is not None else None
        return list((changelog.histories if changelog is not None else None) or ())
