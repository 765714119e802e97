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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
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
    issue_type,
    iter_issues_file,
    mapped_readers,
    typed_issues,
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
    ``field_ids``) or plain dicts, converted one at a time; an iterator is consumed
    as it goes, so a file's issues need never all be decoded at once. When an id
    comes more than once, the last copy wins (pages or files may overlap, and a later
    copy is the fresher one), at the first copy's place. ``statuses`` are
    entries of JIRA's ``/status`` endpoint; when empty the status table is built from
    the issues' own status fields. Raises :class:`DataError` on a truncated changelog,
    an unreadable timestamp or an entry not shaped like a JIRA issue.
    """
    wanted = tuple(dict.fromkeys(field_ids))
    rows = _Rows(mapped_readers(issue_type(wanted), wanted))
    with collector_paused():
        for raw in typed_issues(raw_issues, wanted):
            rows.add_issue(raw)
        frames = rows.frames(statuses)
    if rows.repeated:
        frames = rows.latest_copies(frames)
    # a stable sort keeps the item order within one history
    transitions = frames.transitions.sort_values(
        ["issue_id", "at", "seq"], kind="stable", ignore_index=True)
    return replace(frames, transitions=transitions)


def _issue_id(raw: RawIssue) -> str:
    return str(raw.id or raw.key)


def load_raw_issues(path: str | Path, field_ids: Iterable[str] = ()) -> list[RawIssue]:
    """Read raw issues from a JSON file: :func:`iter_raw_issues`, all at once."""
    return list(iter_raw_issues(path, field_ids))


def iter_raw_issues(path: str | Path, field_ids: Iterable[str] = ()) -> Iterator[RawIssue]:
    """Raw issues from a JSON file, each decoded when reached and holding only what
    ``normalize_issues`` reads for these mapped ``field_ids`` (pass the same ids to it).

    Accepts a JSON list of issues, one search response (an object with ``issues``),
    or a list of such responses. Anything else raises :class:`DataError`.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise DataError(f"Cannot read the issues file {source} ({error.strerror}).") from None
    return _not_too_deep(iter_issues_file(data, tuple(dict.fromkeys(field_ids)), str(source)),
                         source)


def _not_too_deep(issues: Iterator[RawIssue], source: Path) -> Iterator[RawIssue]:
    # msgspec decodes nesting recursively: a hostile file of 100,000 nested lists
    # ends in RecursionError, which is bad input like any other malformed file.
    try:
        yield from issues
    except RecursionError:
        raise DataError(f"The issues file {source} is nested too deeply to be JIRA issues.") \
            from None


class _Rows:
    """Row tuples filled issue by issue (one append per row; turned into columns once)."""

    def __init__(self, readers: list[tuple[str, Callable[[Fields], Any]]]) -> None:
        self.readers = readers
        self.issues: list[tuple] = []
        self.transitions: list[tuple] = []
        self.versions: list[tuple] = []
        self.field_values: list[tuple] = []
        self.seen_statuses: dict[str, str] = {}
        self.seen_ids: set[str] = set()
        self.repeated = False
        # rows of each child table after each issue: which copy a row came from
        self.ends: dict[str, list[int]] = {"transitions": [], "versions": [], "field_values": []}

    def add_issue(self, raw: RawIssue) -> None:
        issue_id = _issue_id(raw)
        if issue_id in self.seen_ids:
            self.repeated = True
        self.seen_ids.add(issue_id)
        fields = raw.fields
        status = fields.status
        name = (status.name if status else None) or ""
        category = ((status.statusCategory if status else None) or _NO_CATEGORY).key or ""
        if name and category and name not in self.seen_statuses:
            self.seen_statuses[name] = category
        self.issues.append((
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
        ))
        if raw.changelog is not None:
            self._add_transitions(issue_id, raw)
        if fields.fixVersions or fields.versions:
            self._add_versions(issue_id, fields)
        for field_id, read in self.readers:
            value = read(fields)
            if value is not None:
                self.field_values.extend(
                    (issue_id, row_field, text) for row_field, text in _field_rows(field_id, value))
        for table, ends in self.ends.items():
            ends.append(len(getattr(self, table)))

    def _add_transitions(self, issue_id: str, raw: RawIssue) -> None:
        changelog = raw.changelog
        histories = changelog.histories or ()
        total = changelog.total
        if isinstance(total, int) and total > len(histories):
            raise DataError(
                f"Issue {raw.key} has a truncated changelog ({len(histories)} of "
                f"{total} entries); fetch it again with the complete changelog."
            )
        rows = self.transitions
        for position, entry in enumerate(histories):
            for item in entry.items or ():
                if item.field == "status":  # most histories change other fields
                    rows.append((issue_id, entry.created, _history_seq(entry.id, position),
                                 item.fromString or "", item.toString or ""))

    def _add_versions(self, issue_id: str, fields: Fields) -> None:
        for relation, entries in (("fix", fields.fixVersions), ("affects", fields.versions)):
            self.versions.extend(
                (issue_id, relation, str(entry.id or entry.name or ""), entry.name or "",
                 bool(entry.released), entry.releaseDate or "")
                for entry in entries or ()
            )

    def frames(self, statuses: Iterable[dict]) -> IssueFrames:
        """The five frames, rows in the order they came (transitions not sorted yet)."""
        issues = _frame(self.issues, ISSUE_COLUMNS)
        for column in ("created", "updated", "resolved"):
            issues[column] = parse_timestamps(issues[column], column)
        transitions = _frame(self.transitions, TRANSITION_COLUMNS)
        transitions["at"] = parse_timestamps(transitions["at"], "changelog created")
        return IssueFrames(
            issues=issues,
            transitions=transitions,
            versions=_frame(self.versions, VERSION_COLUMNS),
            field_values=_frame(self.field_values, FIELD_VALUE_COLUMNS),
            statuses=_status_frame(statuses, self.seen_statuses),
        )

    def latest_copies(self, frames: IssueFrames) -> IssueFrames:
        """Only the last copy of each repeated issue, in first-seen order of the ids."""
        ids = frames.issues["issue_id"]
        stale = ids.duplicated(keep="last").to_numpy()
        first_seen = pd.factorize(ids)[0]  # codes in order of first appearance
        kept = {"issues": _reordered(frames.issues, ~stale, first_seen)}
        for table, ends in self.ends.items():
            copy = np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0))
            kept[table] = _reordered(getattr(frames, table), ~stale[copy], first_seen[copy])
        return replace(frames, **kept)


def _reordered(frame: pd.DataFrame, keep: np.ndarray, order: np.ndarray) -> pd.DataFrame:
    """The rows where ``keep``, stably sorted by ``order``."""
    rows = frame[keep]
    return rows.iloc[np.argsort(order[keep], kind="stable")].reset_index(drop=True)


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
    """The string values of one field, per the rules in :mod:`data.issues.frames`.
    (Decoded JSON: the common kinds are tested first, by exact type.)"""
    kind = type(value)
    if kind is str:
        return [value] if value else []
    if kind is dict:
        inner = value.get("value", value.get("name"))
        return [] if isinstance(inner, (dict, list)) else _scalar_values(inner)
    if kind is list:
        return [text for element in value for text in _scalar_values(element)]
    if value is None:
        return []
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


def _frame(rows: list[tuple], names: tuple[str, ...]) -> pd.DataFrame:
    """A frame with explicit dtypes, so an empty table has the same dtypes as a full one."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pd.DataFrame(
        {name: _column(list(values), _NON_TEXT.get(name))
         for name, values in zip(names, columns, strict=True)},
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
    return _frame(list(table.items()), STATUS_COLUMNS)
