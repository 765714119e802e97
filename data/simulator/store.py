"""The simulator's issue store: raw JIRA issues plus what searching them needs.

Terms:

- *raw issue*: a JIRA-shaped issue dict (``id``, ``key``, ``fields``, ``changelog``)
  exactly as JIRA would send it with a complete changelog.
- *histories*: an issue's ``changelog.histories``, kept here oldest first (by
  ``created``, then history id); endpoints reorder or cut them as JIRA does.
- *version*: a counter bumped on every change, so search results can be cached
  per ``(jql, version)`` and paging stays consistent while nothing changes.

Thread-safe: every public method takes the store's lock. The store never mutates
an issue dict it was given (a status change replaces the issue with an edited copy),
so the demo's 2,400 issues are shared, not copied, when a simulator starts; callers
must likewise not mutate an issue after handing it over.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from data.simulator.jql import JqlError, parse
from data.simulator.jql_eval import IssueRow, Vocabulary, compile_query
from data.simulator.timefmt import format_jira, parse_jira, parse_optional

_AUTOMATION = {"accountId": "sim-automation", "displayName": "Simulator Automation"}


class IssueStore:
    """Raw issues by key, with search rows and a small result cache."""

    def __init__(self, issues: Iterable[dict[str, Any]], *, statuses: list[dict[str, Any]],
                 issue_types: list[dict[str, Any]], zone: ZoneInfo,
                 clock: Callable[[], datetime]) -> None:
        self._lock = threading.RLock()
        self._statuses = statuses
        self._issue_types = issue_types
        self._zone = zone
        self._clock = clock
        self._issues: dict[str, dict[str, Any]] = {}
        self._histories: dict[str, list[dict[str, Any]]] = {}
        self._rows: dict[str, IssueRow] = {}
        self._by_id: dict[str, str] = {}
        self._next_history_id = 1
        self._cache: dict[str, tuple[int, list[str]]] = {}
        self.version = 0
        for issue in issues:
            self.upsert(issue)

    def upsert(self, issue: dict[str, Any]) -> None:
        """Add or replace one issue (kept by reference, never mutated)."""
        histories = sorted(issue.get("changelog", {}).get("histories", []), key=_history_order)
        with self._lock:
            key = issue["key"].upper()
            self._issues[key] = issue
            self._histories[key] = histories
            self._rows[key] = _row(issue)
            self._by_id[str(issue["id"])] = key
            for history in histories:
                if str(history.get("id", "")).isdigit():
                    self._next_history_id = max(self._next_history_id, int(history["id"]) + 1)
            self.version += 1

    def delete(self, key: str) -> None:
        """Forget ``key`` (no error when unknown)."""
        with self._lock:
            issue = self._issues.pop(key.upper(), None)
            if issue is None:
                return
            del self._histories[key.upper()], self._rows[key.upper()]
            self._by_id.pop(str(issue["id"]), None)
            self.version += 1

    def set_status(self, key: str, status_name: str, at: datetime) -> None:
        """Move ``key`` to ``status_name`` at ``at``: a new history, ``updated`` and resolution."""
        with self._lock:
            issue = json.loads(json.dumps(self._issues[key.upper()]))  # edit a private copy
            new = self._status_object(status_name)
            old = issue["fields"].get("status") or {}
            history = {
                "id": str(self._next_history_id),
                "author": dict(_AUTOMATION),
                "created": format_jira(at),
                "items": [{
                    "field": "status", "fieldtype": "jira", "fieldId": "status",
                    "from": old.get("id"), "fromString": old.get("name"),
                    "to": new["id"], "toString": new["name"],
                }],
            }
            fields = issue["fields"]
            was_done = (old.get("statusCategory") or {}).get("key") == "done"
            is_done = new["statusCategory"]["key"] == "done"
            if is_done and not was_done:
                fields["resolutiondate"] = format_jira(at)
            elif not is_done:
                fields["resolutiondate"] = None
            fields["status"] = new
            fields["updated"] = format_jira(at)
            issue.setdefault("changelog", {})["histories"] = [
                *issue["changelog"].get("histories", []), history]
            self.upsert(issue)

    def get(self, id_or_key: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """An issue and its histories (oldest first), by id or key; ``None`` when unknown."""
        with self._lock:
            key = self._by_id.get(id_or_key, id_or_key.upper())
            issue = self._issues.get(key)
            return None if issue is None else (issue, self._histories[key])

    def search(self, jql: str) -> list[str]:
        """The keys of every matching issue, in the query's order (cached per data version).

        Keys, not issues: a page then fetches only its own issues with :meth:`take`, which
        keeps a 10,000-issue search from allocating 10,000 tuples for every page.
        """
        with self._lock:
            cached = self._cache.get(jql)
            if cached is None or cached[0] != self.version:
                compiled = compile_query(parse(jql), self._vocabulary())
                keys = [row.key for row in compiled.run(self._rows.values())]
                if len(self._cache) > 32:  # a handful of live queries is all tests use
                    self._cache.clear()
                self._cache[jql] = cached = (self.version, keys)
            return cached[1]

    def take(self, keys: list[str]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """The issues and histories (oldest first) of ``keys`` that still exist."""
        with self._lock:
            return [(self._issues[key], self._histories[key]) for key in keys
                    if key in self._issues]

    def _vocabulary(self) -> Vocabulary:
        projects: dict[str, str] = {}
        for issue in self._issues.values():
            project = issue["fields"].get("project") or {}
            project_key = str(project.get("key") or issue["key"].rsplit("-", 1)[0]).lower()
            for name in (project_key, project.get("id"), project.get("name")):
                if name:
                    projects[str(name).lower()] = project_key
        return Vocabulary(
            projects=projects,
            statuses=_names(self._statuses, (r.status for r in self._rows.values())),
            issuetypes=_names(self._issue_types, (r.issuetype for r in self._rows.values())),
            keys=frozenset(self._rows) | frozenset(self._by_id),
            zone=self._zone,
            now=self._clock(),
        )

    def _status_object(self, name: str) -> dict[str, Any]:
        """The status object for ``name``: from the catalog, else as an issue carries it."""
        seen = [issue["fields"].get("status") or {} for issue in self._issues.values()]
        for status in [*self._statuses, *seen]:
            if str(status.get("name", "")).lower() == name.lower():
                return {"id": status["id"], "name": status["name"],
                        "statusCategory": dict(status["statusCategory"])}
        raise JqlError(f"The value '{name}' does not exist for the field 'status'.")


def _names(catalog: list[dict[str, Any]], seen: Iterable[str]) -> dict[str, str]:
    names = {name: name for name in seen}
    for entry in catalog:
        names[entry["name"].lower()] = entry["name"].lower()
        names[str(entry["id"]).lower()] = entry["name"].lower()
    return names


def _history_order(history: dict[str, Any]) -> tuple[datetime, int]:
    history_id = str(history.get("id", "0"))
    return parse_jira(history["created"]), int(history_id) if history_id.isdigit() else 0


def _row(issue: dict[str, Any]) -> IssueRow:
    fields = issue["fields"]
    project = (fields.get("project") or {}).get("key") or issue["key"].rsplit("-", 1)[0]
    return IssueRow(
        key=issue["key"].upper(),
        issue_id=str(issue["id"]),
        project=str(project).upper(),
        issuetype=str((fields.get("issuetype") or {}).get("name", "")).lower(),
        status=str((fields.get("status") or {}).get("name", "")).lower(),
        created=parse_jira(fields["created"]),
        updated=parse_optional(fields.get("updated")),
        resolved=parse_optional(fields.get("resolutiondate")),
    )
