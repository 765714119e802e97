"""Builders for raw JIRA issues in the real Cloud shape (``/rest/api/3/search/jql``).

Shared by every test that needs JIRA-shaped input; see
``shared/examples/cloud-search-jql-page.json`` for the shape they imitate. Extend this
module by adding functions; never rewrite someone else's.

Terms:

- *transition*: a tuple ``(when, from_status, to_status)``; ``when`` is a JIRA
  timestamp string (``2026-01-02T10:00:00.000+0530``) or an aware ``datetime``.
- *history*: one ``changelog.histories[]`` entry; each transition becomes one history
  holding one ``status`` item. History ids increase with time, so they order changes
  that share a timestamp.
- *status category*: JIRA's ``new`` / ``indeterminate`` / ``done``; guessed from the
  status name by :func:`category_of` unless given.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

Transition = tuple["str | datetime", str, str]

_NEW_NAMES = frozenset({"to do", "backlog", "open", "new", "selected for development"})
_DONE_NAMES = frozenset({"done", "closed", "resolved", "released", "deployed", "cancelled"})
_STATUS_IDS: dict[str, str] = {}


def jira_time(when: str | datetime) -> str:
    """A JIRA timestamp string (``2026-01-01T09:00:00.000+0000``) for ``when``."""
    if isinstance(when, str):
        return when
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}" + (
        when.strftime("%z")
    )


def category_of(status_name: str) -> str:
    """A plausible JIRA status category for a status name (tests may override it)."""
    lowered = status_name.casefold()
    if lowered in _NEW_NAMES:
        return "new"
    if lowered in _DONE_NAMES:
        return "done"
    return "indeterminate"


def status_id(name: str) -> str:
    """A stable numeric id per status name, as JIRA gives every status one."""
    return _STATUS_IDS.setdefault(name.casefold(), str(10000 + len(_STATUS_IDS)))


def status_field(name: str, category: str | None = None) -> dict[str, Any]:
    """The ``fields.status`` object of an issue."""
    key = category or category_of(name)
    return {
        "id": status_id(name),
        "name": name,
        "statusCategory": {"key": key, "name": key.title()},
    }


def status(name: str, category: str | None = None) -> dict[str, Any]:
    """One entry of JIRA's ``/rest/api/3/status`` answer."""
    key = category or category_of(name)
    return {"id": status_id(name), "name": name, "statusCategory": {"key": key}}


def version(
    id: str,
    name: str,
    released: bool = True,
    release_date: str | None = None,
) -> dict[str, Any]:
    """A ``fixVersions`` / ``versions`` entry; ``release_date`` is ``YYYY-MM-DD``."""
    raw: dict[str, Any] = {"id": str(id), "name": name, "released": released}
    if release_date is not None:
        raw["releaseDate"] = release_date
    return raw


def option(value: str, id: str = "1") -> dict[str, Any]:
    """A select-list custom field value: ``{"value": ..., "id": ...}``."""
    return {"value": value, "id": str(id)}


def named(name: str) -> dict[str, Any]:
    """An object custom field value identified by ``name`` (e.g. a component)."""
    return {"name": name}


def issue_id_for(key: str) -> str:
    """A stable numeric issue id derived from the key (JIRA ids are numeric strings)."""
    return str(10000 + zlib.crc32(key.encode()) % 90_000_000)


def status_item(from_status: str, to_status: str) -> dict[str, Any]:
    """A changelog item recording a status change."""
    return {
        "field": "status",
        "fieldtype": "jira",
        "fieldId": "status",
        "from": status_id(from_status),
        "fromString": from_status,
        "to": status_id(to_status),
        "toString": to_status,
    }


def history(history_id: int | str, when: str | datetime, items: Sequence[dict]) -> dict:
    """One ``changelog.histories[]`` entry."""
    return {
        "id": str(history_id),
        "author": {"accountId": "acc-1", "displayName": "Dev One"},
        "created": jira_time(when),
        "items": list(items),
    }


def _key_number(key: str) -> int:
    match = re.search(r"(\d+)$", key)
    return int(match.group(1)) if match else zlib.crc32(key.encode()) % 100_000


def issue(  # noqa: PLR0917 - the brief fixes this positional signature for all tests
    key: str,
    type: str = "Story",
    created: str | datetime = "2026-01-01T09:00:00.000+0000",
    status: str | None = None,
    transitions: Iterable[Transition] = (),
    fix_versions: Iterable[dict] = (),
    versions: Iterable[dict] = (),
    fields: Mapping[str, Any] | None = None,
    newest_first: bool = True,
    *,
    issue_id: str | None = None,
    status_category: str | None = None,
    resolved: str | datetime | None = None,
    updated: str | datetime | None = None,
    extra_histories: Iterable[dict] = (),
    changelog_total: int | None = None,
) -> dict[str, Any]:
    """A raw JIRA Cloud issue with a complete changelog.

    ``status`` defaults to the last transition's target (``To Do`` without any).
    ``newest_first`` orders histories as JIRA Cloud does (newest first); pass False
    for oldest first. ``extra_histories`` adds non-status histories (kept in the
    given position after the status ones are ordered). ``changelog_total`` overrides
    ``changelog.total`` to simulate a truncated changelog.
    """
    steps = list(transitions)
    current = status or (steps[-1][2] if steps else "To Do")
    base = _key_number(key) * 1000
    histories = [
        history(base + n, when, [status_item(src, dst)])
        for n, (when, src, dst) in enumerate(steps, start=1)
    ]
    if newest_first:
        histories.reverse()
    histories.extend(extra_histories)
    body: dict[str, Any] = {
        "summary": f"Issue {key}",
        "issuetype": {"id": "100", "name": type, "subtask": False},
        "status": status_field(current, status_category),
        "created": jira_time(created),
        "updated": jira_time(updated or (steps[-1][0] if steps else created)),
        "resolutiondate": jira_time(resolved) if resolved is not None else None,
        "priority": {"name": "Medium"},
        "labels": [],
        "fixVersions": list(fix_versions),
        "versions": list(versions),
    }
    body.update(fields or {})
    total = len(histories) if changelog_total is None else changelog_total
    return {
        "id": issue_id or issue_id_for(key),
        "key": key,
        "self": f"/rest/api/3/issue/{issue_id or issue_id_for(key)}",
        "fields": body,
        "changelog": {
            "startAt": 0,
            "maxResults": len(histories),
            "total": total,
            "histories": histories,
        },
    }


def search_page(
    issues: Sequence[dict], next_page_token: str | None = None
) -> dict[str, Any]:
    """One Cloud ``/rest/api/3/search/jql`` response page holding ``issues``."""
    page: dict[str, Any] = {"issues": list(issues), "isLast": next_page_token is None}
    if next_page_token is not None:
        page["nextPageToken"] = next_page_token
    return page



def busy_issue(
    key: str,
    changes: int,
    start: datetime = datetime(2026, 1, 1, 9, tzinfo=UTC),
    statuses: Sequence[str] = ("In Progress", "Blocked"),
) -> dict[str, Any]:
    """An issue with ``changes`` status changes, one an hour from ``start``, bouncing
    between ``statuses`` after leaving ``To Do``: with more than 40 changes, Cloud
    search returns its changelog truncated."""
    from datetime import timedelta  # local: leaves the shared import lines alone

    steps: list[Transition] = []
    current = "To Do"
    for n in range(changes):
        target = statuses[n % len(statuses)]
        steps.append((start + timedelta(hours=n), current, target))
        current = target
    return issue(key, created=start, transitions=steps)
