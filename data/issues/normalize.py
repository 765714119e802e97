"""Convert raw JIRA issues (Cloud or Data Center JSON) into :class:`IssueFrames`.

Both paths (an issues file, a fetch's pages) arrive here as typed issues decoded by
:mod:`data.issues.raw`, holding only the fields in use; one Python pass fills plain
column lists (no row dicts), and every timestamp column is then parsed in one
vectorized ``pd.to_datetime`` call. Terms:

- *raw issue*: one element of a search response's ``issues`` list, fetched with
  ``expand=changelog`` (``{"id", "key", "fields", "changelog"}``). Plain dicts are
  accepted too and converted (:func:`data.issues.raw.as_raw_issues`).
- *truncated changelog*: ``changelog.total`` larger than the number of histories
  present; such an issue would silently lose status changes, so it is an error.
- *mapped field*: a custom or system field id named by the settings (see
  ``Settings.mapped_field_ids``); only those are copied into ``field_values``.

Timestamps may carry any UTC offset (``+0530``, ``-0500``, ``Z``); histories may come
newest first (Cloud) or oldest first (Data Center): transitions are sorted by time.
Value rules for ``field_values`` are the ones documented in :mod:`data.issues.frames`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from configuration.errors import DataError
from data.collector import collector_paused
from data.issues.frames import (
    ASSIGNEE_EMAIL,
    FIELD_VALUE_COLUMNS,
    ISSUE_COLUMNS,
    STATUS_COLUMNS,
    TRANSITION_COLUMNS,
    VERSION_COLUMNS,
    IssueFrames,
)
from data.issues.raw import (
    Fields,
    RawIssue,
    StatusCategory,
    as_raw_issues,
    decode_issues_file,
    issue_type,
    mapped_readers,
)

UTC_NS = "datetime64[ns, UTC]"
_NO_CATEGORY = StatusCategory()


def normalize_issues(
    raw_issues: Iterable[RawIssue | dict],
    field_ids: Iterable[str],
    statuses: Iterable[dict] = (),
) -> IssueFrames:
    """Normalize raw issues into the five frames of :class:`IssueFrames`.

    ``raw_issues`` are typed issues (:mod:`data.issues.raw`, decoded with the same
    ``field_ids``) or plain dicts, which are converted first. ``statuses`` are
    entries of JIRA's ``/status`` endpoint; when empty the status table is built from
    the issues' own status fields. Raises :class:`DataError` on a truncated changelog,
    an unreadable timestamp or an entry not shaped like a JIRA issue.
    """
    wanted = tuple(dict.fromkeys(field_ids))
    rows = _Rows(mapped_readers(issue_type(wanted), wanted))
    with collector_paused():
        for raw in _unique(as_raw_issues(raw_issues, wanted)):
            rows.add_issue(raw)
    return IssueFrames(
        issues=rows.issue_frame(),
        transitions=rows.transition_frame(),
        versions=rows.version_frame(),
        field_values=_frame(rows.field_values, FIELD_VALUE_COLUMNS),
        statuses=_status_frame(statuses, rows.seen_statuses),
    )


def _issue_id(raw: RawIssue) -> str:
    return str(raw.id or raw.key)


def _unique(raw_issues: list[RawIssue]) -> Iterable[RawIssue]:
    """One raw issue per id, the last one seen winning (pages or files may overlap, and
    a later copy is the fresher one); the frames hold one row per issue."""
    latest = {_issue_id(raw): raw for raw in raw_issues}
    return latest.values() if len(latest) < len(raw_issues) else raw_issues


def load_raw_issues(path: str | Path, field_ids: Iterable[str] = ()) -> list[RawIssue]:
    """Read raw issues from a JSON file, decoding only what ``normalize_issues`` reads
    for these mapped ``field_ids`` (pass the same ids to it).

    Accepts a JSON list of issues, one search response (an object with ``issues``),
    or a list of such responses. Anything else raises :class:`DataError`.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise DataError(f"Cannot read the issues file {source} ({error.strerror}).") from None
    return decode_issues_file(data, tuple(dict.fromkeys(field_ids)), str(source))


class _Rows:
    """Column lists filled issue by issue (lists, not row dicts, to keep memory low)."""

    def __init__(self, readers: list[tuple[str, Callable[[Fields], Any]]]) -> None:
        self.readers = readers
        self.issues: dict[str, list] = {c: [] for c in ISSUE_COLUMNS}
        self.transitions: dict[str, list] = {c: [] for c in TRANSITION_COLUMNS}
        self.versions: dict[str, list] = {c: [] for c in VERSION_COLUMNS}
        self.field_values: dict[str, list] = {c: [] for c in FIELD_VALUE_COLUMNS}
        self.seen_statuses: dict[str, str] = {}

    def add_issue(self, raw: RawIssue) -> None:
        issue_id = _issue_id(raw)
        fields = raw.fields
        status = fields.status
        name = (status.name if status else None) or ""
        category = ((status.statusCategory if status else None) or _NO_CATEGORY).key or ""
        if name and category and name not in self.seen_statuses:
            self.seen_statuses[name] = category
        values = (
            issue_id,
            raw.key or "",
            (fields.issuetype.name if fields.issuetype else None) or "",
            name,
            category,
            fields.created,
            fields.updated,
            fields.resolutiondate,
            fields.summary or "",
            (fields.parent.fields.summary if fields.parent and fields.parent.fields else None)
            or "",
        )
        for column, value in zip(self.issues.values(), values, strict=True):
            column.append(value)
        if raw.changelog is not None:
            self._add_transitions(issue_id, raw)
        if fields.fixVersions or fields.versions:
            self._add_versions(issue_id, fields)
        for field_id, read in self.readers:
            for row_field, value in _field_rows(field_id, read(fields)):
                self.field_values["issue_id"].append(issue_id)
                self.field_values["field_id"].append(row_field)
                self.field_values["value"].append(value)

    def _add_transitions(self, issue_id: str, raw: RawIssue) -> None:
        changelog = raw.changelog
        histories = changelog.histories or ()
        total = changelog.total
        if isinstance(total, int) and total > len(histories):
            raise DataError(
                f"Issue {raw.key} has a truncated changelog ({len(histories)} of "
                f"{total} entries); fetch it again with the complete changelog."
            )
        ids, ats, seqs, sources, targets = self.transitions.values()
        for position, entry in enumerate(histories):
            for item in entry.items or ():
                if item.field == "status":  # most histories change other fields
                    ids.append(issue_id)
                    ats.append(entry.created)
                    seqs.append(_history_seq(entry.id, position))
                    sources.append(item.fromString or "")
                    targets.append(item.toString or "")

    def _add_versions(self, issue_id: str, fields: Fields) -> None:
        columns = self.versions
        for relation, entries in (("fix", fields.fixVersions), ("affects", fields.versions)):
            for entry in entries or ():
                columns["issue_id"].append(issue_id)
                columns["relation"].append(relation)
                columns["version_id"].append(str(entry.id or entry.name or ""))
                columns["name"].append(entry.name or "")
                columns["released"].append(bool(entry.released))
                columns["release_date"].append(entry.releaseDate or "")

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


def _field_rows(field_id: str, value: Any) -> list[tuple[str, str]]:
    """``(field id, text)`` rows of one field. ``parent`` and ``assignee`` are objects
    whose useful text is not ``value``/``name``: the parent's key; the assignee's display
    name, and its e-mail under :data:`ASSIGNEE_EMAIL`."""
    if field_id == "parent" and isinstance(value, dict):
        return [("parent", str(value["key"]))] if value.get("key") else []
    if field_id == "assignee" and isinstance(value, dict):
        named = (("assignee", value.get("displayName")),
                 (ASSIGNEE_EMAIL, value.get("emailAddress")))
        return [(name, str(text)) for name, text in named if text]
    return [(field_id, text) for text in _scalar_values(value)]


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
        {name: _column(columns[name], _NON_TEXT.get(name)) for name in names},
        columns=list(names),
    )


def _column(values: list, dtype: Any) -> pd.Series:
    if dtype is not None:
        return pd.Series(values, dtype=dtype)
    # Text through Arrow: pandas' own list -> "str" conversion checks every element
    # in Python and took half of the frame-building time.
    return pd.Series(pd.array(pa.array(values, type=pa.large_string()), dtype="str"))


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
