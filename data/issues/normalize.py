"""Convert raw JIRA issues (Cloud or Data Center JSON) into :class:`IssueFrames`.

This is the fetch path: it runs once per sync, so a lean Python loop over the raw
dicts is acceptable; every timestamp column is then parsed in one vectorized
``pd.to_datetime`` call. Terms:

- *raw issue*: one element of a search response's ``issues`` list, fetched with
  ``expand=changelog`` (``{"id", "key", "fields", "changelog"}``).
- *truncated changelog*: ``changelog.total`` larger than the number of histories
  present; such an issue would silently lose status changes, so it is an error.
- *mapped field*: a custom or system field id named by the settings (see
  ``Settings.mapped_field_ids``); only those are copied into ``field_values``.

Value rules for ``field_values`` are the ones documented in :mod:`data.issues.frames`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from configuration.errors import DataError
from data.issues.frames import (
    FIELD_VALUE_COLUMNS,
    ISSUE_COLUMNS,
    STATUS_COLUMNS,
    TRANSITION_COLUMNS,
    VERSION_COLUMNS,
    IssueFrames,
)

UTC_NS = "datetime64[ns, UTC]"
_RELATIONS = (("fixVersions", "fix"), ("versions", "affects"))


def normalize_issues(
    raw_issues: Iterable[dict],
    field_ids: Iterable[str],
    statuses: Iterable[dict] = (),
) -> IssueFrames:
    """Normalize raw issues into the five frames of :class:`IssueFrames`.

    ``statuses`` are entries of JIRA's ``/status`` endpoint; when empty the status
    table is built from the issues' own status fields. Raises :class:`DataError` on a
    truncated changelog or an unreadable timestamp.
    """
    wanted = tuple(dict.fromkeys(field_ids))
    rows = _Rows()
    for raw in _unique(raw_issues):
        rows.add_issue(raw, wanted)
    return IssueFrames(
        issues=rows.issue_frame(),
        transitions=rows.transition_frame(),
        versions=rows.version_frame(),
        field_values=_frame(rows.field_values, FIELD_VALUE_COLUMNS),
        statuses=_status_frame(statuses, rows.seen_statuses),
    )


def _unique(raw_issues: Iterable[dict]) -> Iterable[dict]:
    """One raw issue per id, the last one seen winning (pages or files may overlap, and
    a later copy is the fresher one); the frames hold one row per issue."""
    latest: dict[str, dict] = {}
    for raw in raw_issues:
        latest[str(raw.get("id") or raw.get("key"))] = raw
    return latest.values()


def load_raw_issues(path: str | Path) -> list[dict]:
    """Read raw issues from a JSON file.

    Accepts a JSON list of issues, one search response (an object with ``issues``),
    or a list of such responses. Anything else raises :class:`DataError`.
    """
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise DataError(f"Cannot read the issues file {source} ({error.strerror}).") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            f"The issues file {source} is not valid JSON (line {error.lineno})."
        ) from None
    return _issues_in(payload, source)


def _issues_in(payload: Any, source: Path) -> list[dict]:
    if isinstance(payload, dict) and isinstance(payload.get("issues"), list):
        return _checked_issues(payload["issues"], source)
    if isinstance(payload, list):
        if payload and all(isinstance(p, dict) and "issues" in p for p in payload):
            pages = [p["issues"] for p in payload]
            if all(isinstance(page, list) for page in pages):
                return _checked_issues([i for page in pages for i in page], source)
        else:
            return _checked_issues(payload, source)
    raise DataError(
        f"The issues file {source} must hold a list of issues, a search response "
        "with 'issues', or a list of search responses."
    )


def _checked_issues(issues: list, source: Path) -> list[dict]:
    for item in issues:
        if not (isinstance(item, dict) and "key" in item and isinstance(item.get("fields"), dict)):
            raise DataError(
                f"The issues file {source} holds an entry that is not a JIRA issue "
                "(each needs 'key' and 'fields')."
            )
    return issues


class _Rows:
    """Column lists filled issue by issue (lists, not row dicts, to keep memory low)."""

    def __init__(self) -> None:
        self.issues: dict[str, list] = {c: [] for c in ISSUE_COLUMNS}
        self.transitions: dict[str, list] = {c: [] for c in TRANSITION_COLUMNS}
        self.versions: dict[str, list] = {c: [] for c in VERSION_COLUMNS}
        self.field_values: dict[str, list] = {c: [] for c in FIELD_VALUE_COLUMNS}
        self.seen_statuses: dict[str, str] = {}

    def add_issue(self, raw: dict, wanted: tuple[str, ...]) -> None:
        issue_id = str(raw.get("id") or raw.get("key"))
        fields = raw.get("fields") or {}
        status = fields.get("status") or {}
        name = status.get("name") or ""
        category = (status.get("statusCategory") or {}).get("key") or ""
        if name and category:
            self.seen_statuses.setdefault(name, category)
        values = (
            issue_id,
            raw.get("key") or "",
            (fields.get("issuetype") or {}).get("name") or "",
            name,
            category,
            fields.get("created"),
            fields.get("updated"),
            fields.get("resolutiondate"),
        )
        for column, value in zip(ISSUE_COLUMNS, values, strict=True):
            self.issues[column].append(value)
        self._add_transitions(issue_id, raw)
        self._add_versions(issue_id, fields)
        for field_id in wanted:
            for value in _scalar_values(fields.get(field_id)):
                self.field_values["issue_id"].append(issue_id)
                self.field_values["field_id"].append(field_id)
                self.field_values["value"].append(value)

    def _add_transitions(self, issue_id: str, raw: dict) -> None:
        changelog = raw.get("changelog") or {}
        histories = changelog.get("histories") or []
        total = changelog.get("total")
        if isinstance(total, int) and total > len(histories):
            raise DataError(
                f"Issue {raw.get('key')} has a truncated changelog ({len(histories)} of "
                f"{total} entries); fetch it again with the complete changelog."
            )
        columns = self.transitions
        for position, entry in enumerate(histories):
            for item in entry.get("items") or ():
                if item.get("field") == "status":  # most histories change other fields
                    columns["issue_id"].append(issue_id)
                    columns["at"].append(entry.get("created"))
                    columns["seq"].append(_history_seq(entry.get("id"), position))
                    columns["from_status"].append(item.get("fromString") or "")
                    columns["to_status"].append(item.get("toString") or "")

    def _add_versions(self, issue_id: str, fields: dict) -> None:
        columns = self.versions
        for field_name, relation in _RELATIONS:
            for entry in fields.get(field_name) or ():
                columns["issue_id"].append(issue_id)
                columns["relation"].append(relation)
                columns["version_id"].append(str(entry.get("id") or entry.get("name") or ""))
                columns["name"].append(entry.get("name") or "")
                columns["released"].append(bool(entry.get("released", False)))
                columns["release_date"].append(entry.get("releaseDate") or "")

    def issue_frame(self) -> pd.DataFrame:
        frame = _frame(self.issues, ISSUE_COLUMNS)
        for column in ("created", "updated", "resolved"):
            frame[column] = parse_timestamps(frame[column], column)
        return frame

    def transition_frame(self) -> pd.DataFrame:
        frame = _frame(self.transitions, TRANSITION_COLUMNS)
        frame["at"] = parse_timestamps(frame["at"], "changelog created")
        # a stable sort keeps the item order within one history
        return frame.sort_values(["issue_id", "at", "seq"], kind="stable", ignore_index=True)

    def version_frame(self) -> pd.DataFrame:
        return _frame(self.versions, VERSION_COLUMNS)


def _history_seq(history_id: Any, position: int) -> int:
    """JIRA history ids are numeric and increase with time; fall back to position."""
    try:
        return int(history_id)
    except (TypeError, ValueError):
        return position


def _scalar_values(value: Any) -> list[str]:
    """The string values of one field, per the rules in :mod:`data.issues.frames`."""
    if value is None:
        return []
    if isinstance(value, list):
        return [text for element in value for text in _scalar_values(element)]
    if isinstance(value, dict):
        inner = value.get("value", value.get("name"))
        return [] if isinstance(inner, (dict, list)) else _scalar_values(inner)
    if isinstance(value, bool):
        return [str(value).lower()]
    if isinstance(value, (int, float)):
        number = float(value)
        return [str(int(number)) if number.is_integer() else repr(number)]
    text = str(value)
    return [text] if text else []


def parse_timestamps(values: pd.Series, what: str) -> pd.Series:
    """Parse a whole column of JIRA timestamps (any UTC offset) to UTC nanoseconds."""
    try:
        parsed = pd.to_datetime(values, utc=True, format="ISO8601")
    except (ValueError, TypeError):
        raise DataError(f"An issue has an unreadable {what} timestamp.") from None
    return parsed.astype(UTC_NS)


_NON_TEXT = {"created": object, "updated": object, "resolved": object, "at": object,
             "seq": "int64", "released": bool}


def _frame(columns: dict[str, list], names: tuple[str, ...]) -> pd.DataFrame:
    """A frame with explicit dtypes, so an empty table has the same dtypes as a full one."""
    return pd.DataFrame(
        {name: pd.Series(columns[name], dtype=_NON_TEXT.get(name, "str")) for name in names},
        columns=list(names),
    )


def _status_frame(statuses: Iterable[dict], seen: dict[str, str]) -> pd.DataFrame:
    table: dict[str, str] = {}
    for entry in statuses:
        name = entry.get("name")
        category = (entry.get("statusCategory") or {}).get("key") or entry.get("category")
        if name and category:
            table.setdefault(name, category)
    if not table:
        table = dict(seen)
    return _frame({"name": list(table), "category": list(table.values())}, STATUS_COLUMNS)
