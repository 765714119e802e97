"""Shaping stored issues into JIRA's response bodies (pure functions).

Terms:

- *field selection*: JIRA's ``fields`` parameter: ids, ``*all``, ``*navigable``, and
  ``-id`` to exclude one. Cloud's ``/search/jql`` returns no fields unless asked;
  Data Center returns every field by default.
- *cut*: how many histories a search result may carry. Cloud returns the newest 40,
  newest first, with ``total`` telling how many exist; the changelog endpoints then
  give the rest, oldest first.
- *page token*: the opaque ``nextPageToken``; here, the base64 of the next offset.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

History = dict[str, Any]


class BadToken(ValueError):
    """A ``nextPageToken`` this server did not issue."""


def encode_token(offset: int) -> str:
    """An opaque page token for ``offset``."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_token(token: str | None) -> int:
    """The offset a page token stands for (0 for no token); raises :class:`BadToken`."""
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise BadToken(token) from error
    prefix, _, number = text.partition(":")
    if prefix != "offset" or not number.isdigit():
        raise BadToken(token)
    return int(number)


def as_list(value: object) -> list[str]:
    """A JIRA list parameter given as a list, a comma string, or repeated query values."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def select_fields(fields: dict[str, Any], wanted: list[str], *, known: frozenset[str],
                  default_all: bool) -> dict[str, Any] | None:
    """The ``fields`` object to send, or ``None`` when no field is selected."""
    excluded = {name[1:] for name in wanted if name.startswith("-")}
    included = [name for name in wanted if not name.startswith("-")]
    everything = any(name in ("*all", "*navigable") for name in included) or (
        default_all and not included)
    if everything:
        return {name: value for name, value in fields.items() if name not in excluded}
    if not included:
        return None
    selected = {}
    for name in included:
        if name in fields and name not in excluded:
            selected[name] = fields[name]
        elif name in known:  # JIRA sends a known but empty field as null
            selected[name] = None
    return selected


def search_changelog(histories: list[History], *, cut: int | None,
                     newest_first: bool) -> dict[str, Any]:
    """The ``changelog`` object inside a search result."""
    total = len(histories)
    kept = histories if cut is None else histories[max(0, total - cut):]
    ordered = kept[::-1] if newest_first else list(kept)
    return {"startAt": 0, "maxResults": len(ordered), "total": total, "histories": ordered}


def issue_view(issue: dict[str, Any], histories: list[History], *, base_url: str,
               api: str, fields: dict[str, Any] | None, changelog: dict[str, Any] | None,
               ) -> dict[str, Any]:
    """One issue as a search or issue endpoint returns it."""
    view: dict[str, Any] = {
        "expand": "renderedFields,names,schema,operations,editmeta,changelog",
        "id": str(issue["id"]),
        "self": f"{base_url}/rest/api/{api}/issue/{issue['id']}",
        "key": issue["key"],
    }
    if changelog is not None:
        view["changelog"] = changelog
    if fields is not None:
        view["fields"] = fields
    return view


def changelog_page(histories: list[History], *, start_at: int, max_results: int,
                   self_url: str) -> dict[str, Any]:
    """``GET /issue/{key}/changelog``: histories oldest first, paged by ``startAt``."""
    values = histories[start_at:start_at + max_results]
    is_last = start_at + len(values) >= len(histories)
    page: dict[str, Any] = {
        "self": f"{self_url}?startAt={start_at}&maxResults={max_results}",
        "maxResults": max_results,
        "startAt": start_at,
        "total": len(histories),
        "isLast": is_last,
        "values": values,
    }
    if not is_last:
        page["nextPage"] = f"{self_url}?startAt={start_at + max_results}&maxResults={max_results}"
    return page


def filter_histories(histories: list[History], field_ids: set[str]) -> list[History]:
    """Only the histories that touch ``field_ids``, with only those items (bulk fetch)."""
    if not field_ids:
        return histories
    kept = []
    for history in histories:
        items = [item for item in history.get("items", [])
                 if (item.get("fieldId") or item.get("field")) in field_ids]
        if items:
            kept.append({**history, "items": items})
    return kept


def bulk_changelogs(per_issue: Iterable[tuple[str, list[History]]], *, offset: int,
                    max_results: int) -> tuple[list[dict[str, Any]], int | None]:
    """One page of ``/changelog/bulkfetch``: at most ``max_results`` histories in all.

    Returns the ``issueChangeLogs`` (issues in request order, histories oldest first)
    and the next offset, ``None`` on the last page.
    """
    flat = [(issue_id, history) for issue_id, histories in per_issue for history in histories]
    logs: list[dict[str, Any]] = []
    for issue_id, history in flat[offset:offset + max_results]:
        if not logs or logs[-1]["issueId"] != issue_id:
            logs.append({"issueId": issue_id, "changeHistories": []})
        logs[-1]["changeHistories"].append(history)
    end = offset + max_results
    return logs, (end if end < len(flat) else None)
