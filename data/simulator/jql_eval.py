"""Checking a parsed JQL query against the simulator's data and running it.

Terms:

- *row*: :class:`IssueRow`, the searchable facts of one issue (names lower-cased,
  times as aware UTC datetimes), built once when an issue is stored.
- *vocabulary*: :class:`Vocabulary`, what exists (projects, statuses, issue types,
  keys) plus the searching user's time zone and the current time, so that
  ``status = Nope`` fails the way JIRA fails and ``created >= "2025-01-01"`` means
  midnight in the user's zone.

Supported fields (JQL names, case-insensitive): ``project``; ``issuetype``/``type``;
``status``; ``key``/``issuekey``; ``created``/``createdDate``; ``updated``/
``updatedDate``; ``resolved``/``resolutiondate``. Without ``ORDER BY`` results come
by key, newest first; every order ends with the key ascending, so paging is stable.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from data.simulator.jql import BoolOp, Clause, JqlError, Node, Not, Query, SortKey, Value
from data.simulator.timefmt import parse_jql_date

_ALIASES = {
    "project": "project", "issuetype": "issuetype", "type": "issuetype", "status": "status",
    "key": "key", "issuekey": "key", "created": "created", "createddate": "created",
    "updated": "updated", "updateddate": "updated", "resolved": "resolved",
    "resolutiondate": "resolved",
}
_ENUM_OPS = frozenset({"=", "!=", "in", "not in", "is", "is not"})
_OPERATORS = {
    "project": _ENUM_OPS, "issuetype": _ENUM_OPS, "status": _ENUM_OPS,
    "key": frozenset({"=", "!=", "in", "not in", ">", ">=", "<", "<="}),
    "created": frozenset({"=", "!=", ">", ">=", "<", "<=", "is", "is not"}),
}
_OPERATORS["updated"] = _OPERATORS["resolved"] = _OPERATORS["created"]
_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "=": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge,
    "<": operator.lt, "<=": operator.le,
}
_PERIOD = re.compile(r"^([-+]?)((?:\d+[wdhm]\s*)+)$")
_PERIOD_PART = re.compile(r"(\d+)([wdhm])")
_PERIOD_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)-(\d+)$")

Predicate = Callable[["IssueRow"], bool]


@dataclass(frozen=True)
class IssueRow:
    """The searchable facts of one issue."""

    key: str
    issue_id: str
    project: str  # project key, upper case
    issuetype: str  # lower case
    status: str  # lower case
    created: datetime
    updated: datetime | None
    resolved: datetime | None

    @property
    def key_order(self) -> tuple[str, int]:
        return key_order(self.key)


@dataclass(frozen=True)
class Vocabulary:
    """What exists, keyed by lower-cased id, key or name -> canonical lower-case name."""

    projects: Mapping[str, str]
    statuses: Mapping[str, str]
    issuetypes: Mapping[str, str]
    keys: frozenset[str]  # upper-cased issue keys and ids
    zone: ZoneInfo
    now: datetime


@dataclass(frozen=True)
class CompiledQuery:
    """A checked query: which rows match and how to order them."""

    predicate: Predicate
    sort_keys: tuple[SortKey, ...] = field(default=())

    def run(self, rows: Iterable[IssueRow]) -> list[IssueRow]:
        """The matching rows in the query's order (JIRA's default when none is given)."""
        matched = sorted((row for row in rows if self.predicate(row)), key=lambda r: r.key_order)
        if not self.sort_keys:
            return matched[::-1]
        for sort in reversed(self.sort_keys):  # stable sorts, least significant first
            attribute = _ALIASES[sort.field.lower()]
            matched.sort(key=lambda r, a=attribute: _sort_value(r, a), reverse=sort.descending)
        return matched


def key_order(key: str) -> tuple[str, int]:
    """Sort order of an issue key: by project, then by number (DEMO-9 before DEMO-10)."""
    match = _KEY.match(key)
    return (match.group(1).upper(), int(match.group(2))) if match else (key.upper(), 0)


def compile_query(query: Query, vocabulary: Vocabulary) -> CompiledQuery:
    """Check every field and value of ``query``; raises :class:`JqlError` listing all problems."""
    errors: list[str] = []
    predicate = _compile(query.where, vocabulary, errors) if query.where else (lambda _row: True)
    for sort in query.order_by:
        if sort.field.lower() not in _ALIASES:
            errors.append(_unknown_field(sort.field))
    if errors:
        raise JqlError(*errors)
    return CompiledQuery(predicate, query.order_by)


def _unknown_field(name: str) -> str:
    return f"Field '{name}' does not exist or you do not have permission to view it."


def _compile(node: Node, vocabulary: Vocabulary, errors: list[str]) -> Predicate:
    if isinstance(node, Not):
        inner = _compile(node.part, vocabulary, errors)
        return lambda row: not inner(row)
    if isinstance(node, BoolOp):
        parts = [_compile(part, vocabulary, errors) for part in node.parts]
        combine = all if node.op == "and" else any
        return lambda row: combine(part(row) for part in parts)
    return _compile_clause(node, vocabulary, errors)


def _compile_clause(clause: Clause, vocabulary: Vocabulary, errors: list[str]) -> Predicate:
    attribute = _ALIASES.get(clause.field.lower())
    if attribute is None:
        errors.append(_unknown_field(clause.field))
        return _never
    if clause.op not in _OPERATORS[attribute]:
        errors.append(f"The operator '{clause.op.upper()}' is not supported by the "
                      f"'{clause.field}' field.")
        return _never
    if clause.op in ("is", "is not"):
        wanted_empty = clause.op == "is"
        return lambda row: (getattr(row, attribute) in (None, "")) == wanted_empty
    if attribute in ("created", "updated", "resolved"):
        return _date_clause(clause, attribute, vocabulary, errors)
    if attribute == "key":
        return _key_clause(clause, vocabulary, errors)
    return _enum_clause(clause, attribute, vocabulary, errors)


def _never(_row: IssueRow) -> bool:
    return False


def _enum_clause(clause: Clause, attribute: str, vocabulary: Vocabulary,
                 errors: list[str]) -> Predicate:
    known = {"project": vocabulary.projects, "status": vocabulary.statuses,
             "issuetype": vocabulary.issuetypes}[attribute]
    names: set[str] = set()
    for value in clause.values:
        name = known.get(value.text.lower())
        if name is None:
            errors.append(f"The value '{value.text}' does not exist for the field "
                          f"'{clause.field}'.")
        else:
            names.add(name)
    wanted = clause.op in ("=", "in")
    if attribute == "project":  # rows hold the project key in upper case
        names = {name.upper() for name in names}
    return lambda row: (getattr(row, attribute) in names) == wanted


def _key_clause(clause: Clause, vocabulary: Vocabulary, errors: list[str]) -> Predicate:
    keys: set[str] = set()
    for value in clause.values:
        text = value.text.upper()
        if clause.op in ("=", "!=", "in", "not in") and text not in vocabulary.keys:
            errors.append(f"An issue with key '{value.text}' does not exist for field "
                          f"'{clause.field}'.")
        elif not _KEY.match(text) and not text.isdigit():
            errors.append(f"The issue key '{value.text}' for field '{clause.field}' is invalid.")
        keys.add(text)
    if clause.op in ("=", "in"):
        return lambda row: row.key.upper() in keys or row.issue_id in keys
    if clause.op in ("!=", "not in"):
        return lambda row: row.key.upper() not in keys and row.issue_id not in keys
    bound = key_order(clause.values[0].text)
    compare = _COMPARE[clause.op]
    return lambda row: row.key_order[0] == bound[0] and compare(row.key_order, bound)


def _date_clause(clause: Clause, attribute: str, vocabulary: Vocabulary,
                 errors: list[str]) -> Predicate:
    moment = _date_value(clause.values[0], vocabulary)
    if moment is None:
        errors.append(
            f"Date value '{clause.values[0].text}' for field '{clause.field}' is invalid. "
            "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', "
            "'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
        )
        return _never
    compare = _COMPARE[clause.op]

    def predicate(row: IssueRow) -> bool:
        value = getattr(row, attribute)
        return value is not None and compare(value, moment)

    return predicate


def _date_value(value: Value, vocabulary: Vocabulary) -> datetime | None:
    absolute = parse_jql_date(value.text, vocabulary.zone)
    if absolute is not None:
        return absolute
    period = _PERIOD.match(value.text.strip())
    if period is None:
        return None
    delta = timedelta()
    for amount, unit in _PERIOD_PART.findall(period.group(2)):
        delta += timedelta(**{_PERIOD_UNITS[unit]: int(amount)})
    return vocabulary.now - delta if period.group(1) == "-" else vocabulary.now + delta


def _sort_value(row: IssueRow, attribute: str) -> tuple[bool, object]:
    value = row.key_order if attribute == "key" else getattr(row, attribute)
    # Empty values sort after every value (before them when descending).
    return (value is None, value if value is not None else "")
