"""The request/response model shared by the simulator's endpoint functions.

Terms:

- :class:`Request`: one parsed HTTP request: method, path, query parameters (every
  value of a repeated parameter) and the JSON body (``None`` for none).
- :class:`Reply`: what to answer: a status, a JSON payload (or an HTML page) and
  extra headers.
- :class:`Api`: everything an endpoint may read: the issue store, the flavor, the
  base URL, the changelog cut, the searching user and the catalogs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from data.simulator.store import IssueStore


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]]
    body: Any = None

    def param(self, name: str) -> Any:
        """A parameter from the JSON body, else the first query value, else ``None``."""
        if isinstance(self.body, dict) and name in self.body:
            return self.body[name]
        values = self.query.get(name)
        return values[0] if values else None

    def list_param(self, name: str) -> Any:
        """A list parameter: the body's value, else every query value."""
        if isinstance(self.body, dict) and name in self.body:
            return self.body[name]
        return self.query.get(name)


@dataclass(frozen=True)
class Reply:
    status: int
    payload: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    html: str | None = None


@dataclass(frozen=True)
class Api:
    store: IssueStore
    flavor: str  # "cloud" or "datacenter"
    base_url: str
    changelog_cut: int | None
    email: str
    user_timezone: str
    clock: Callable[[], datetime]
    fields: tuple[dict[str, Any], ...]
    statuses: tuple[dict[str, Any], ...]
    issue_types: tuple[dict[str, Any], ...]

    @property
    def rest(self) -> str:
        """The REST version this flavor searches with: ``3`` on Cloud, ``2`` on Data Center."""
        return "3" if self.flavor == "cloud" else "2"

    @cached_property
    def field_ids(self) -> frozenset[str]:
        """Ids of the known fields (a known but empty field is sent as null)."""
        return frozenset(entry["id"] for entry in self.fields)


def error(status: int, *messages: str) -> Reply:
    """A JIRA error body: ``{"errorMessages": [...], "errors": {}}``."""
    return Reply(status, {"errorMessages": list(messages), "errors": {}})


class BadRequest(Exception):
    """A parameter JIRA would reject with 400; carries JIRA's message."""
