"""The Compare page's numbers (METRICS.md section 8): columns side by side and the
department total. No Dash here.

Terms:

- *column*: one profile, or a segment of one (the profile's filter and more clauses),
  written as a *token*: ``NAME`` or ``NAME|CLAUSE|CLAUSE`` (``|`` never occurs in a
  clause's field name, and values holding it are not worth the ambiguity).
- *column report*: exactly what that profile's own page computes (the same
  :func:`data.service.compute_report_json` call, memoized in the same results
  cache), for the period and the period before it (for the change).
- *department total*: every named profile's issues once each. Per issue store: the
  union of the issues kept by the segments of the profiles using that store (a
  profile without a filter keeps all of its store); across stores (profiles with
  different JQLs): the union by issue id, an issue in two stores counted once (its
  rows from the first store, in profile order). The total is computed with the top
  level's settings (workflow, flow types, DORA mappings) on those issues. When the
  settings hold no named profile, the department is the ``default`` profile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from configuration.errors import ConfigError
from configuration.filters import Clause, filter_texts, parse_filter
from configuration.profiles import DEFAULT, Profile
from data.cache.keys import number_settings, stable_hash
from data.cache.results import ResultsCache
from data.cache.sync import SyncResult
from data.issues.frames import IssueFrames
from data.metrics.context import utc_timestamp
from data.segments.compute import full_context
from data.segments.segment import kept_mask, segment_frames
from data.service import compute_report_json

MIN_COLUMNS, MAX_COLUMNS = 2, 8
SEPARATOR = "|"
Stored = Callable[[Profile], SyncResult | None]


@dataclass(frozen=True)
class Column:
    token: str
    profile: Profile
    clauses: tuple[Clause, ...]  # the profile's filter, then the segment's own

    @property
    def extra(self) -> tuple[str, ...]:
        """The segment's own clauses (beyond the profile's filter)."""
        return filter_texts(self.clauses[len(self.profile.clauses):])


@dataclass(frozen=True)
class ColumnResult:
    column: Column
    report: dict[str, Any] | None  # None: the profile's store holds no data yet
    previous: dict[str, Any] | None


def parse_column(token: str, profiles: dict[str, Profile]) -> Column:
    """The column of a token; ``ConfigError`` naming the unknown profile or bad clause."""
    name, *clauses = [part.strip() for part in token.split(SEPARATOR)]
    if name not in profiles:
        raise ConfigError(f'Unknown profile "{name}"; the profiles are: '
                          f'{", ".join(profiles)}.')
    profile = profiles[name]
    extra = parse_filter([c for c in clauses if c])
    canonical = SEPARATOR.join([name, *filter_texts(extra)])
    return Column(canonical, profile, (*profile.clauses, *extra))


def parse_columns(tokens: Sequence[str], profiles: dict[str, Profile]) -> list[Column]:
    """2-8 distinct columns; ``ConfigError`` saying what is wrong."""
    columns = list({c.token: c for c in (parse_column(t, profiles) for t in tokens)}.values())
    if not MIN_COLUMNS <= len(columns) <= MAX_COLUMNS:
        raise ConfigError(f"Choose from {MIN_COLUMNS} to {MAX_COLUMNS} profiles or segments "
                          f"to compare ({len(columns)} chosen).")
    return columns


def column_results(columns: Sequence[Column], stored: Stored, *, as_of: datetime,
                   period_days: int, results: ResultsCache) -> list[ColumnResult]:
    """Each column's report for the period and the one before it."""
    before = as_of - timedelta(days=period_days)
    found = []
    for column in columns:
        data = stored(column.profile)
        if data is None:
            found.append(ColumnResult(column, None, None))
            continue

        def report(end: datetime, column: Column = column, data: SyncResult = data) -> dict:
            return compute_report_json(data, column.profile.settings, as_of=end,
                                       period_days=period_days, results=results,
                                       clauses=column.clauses)

        found.append(ColumnResult(column, report(as_of), report(before)))
    return found


def department_profiles(profiles: dict[str, Profile]) -> list[Profile]:
    """The profiles the department total covers (see the module docstring)."""
    named = [p for name, p in profiles.items() if name != DEFAULT]
    return named or [profiles[DEFAULT]]


def department_report(profiles: dict[str, Profile], stored: Stored, *, as_of: datetime,
                      period_days: int, results: ResultsCache,
                      previous: bool = False) -> dict[str, Any] | None:
    """The department total's report (None before any data), memoized."""
    end = as_of - timedelta(days=period_days) if previous else as_of
    members = [(p, stored(p)) for p in department_profiles(profiles)]
    members = [(p, s) for p, s in members if s is not None]
    if not members:
        return None
    top = profiles[DEFAULT].settings
    key = stable_hash({
        "department": [(s.store_version, number_settings(p.settings), p.filter)
                       for p, s in members],
        "settings": number_settings(top), "as_of": end.isoformat(), "days": period_days,
    }, length=32)

    def compute() -> dict[str, Any]:
        frames = department_frames(members, as_of=end, period_days=period_days)
        return compute_report_json(frames, top, as_of=end, period_days=period_days,
                                   store_version=key, results=ResultsCache())

    return results.get_or_compute(key, compute)


def department_frames(members: Sequence[tuple[Profile, SyncResult]], *, as_of: datetime,
                      period_days: int) -> IssueFrames:
    """The frames of every member's kept issues, each issue once."""
    end = utc_timestamp(as_of)
    by_store: dict[str, tuple[SyncResult, set[str]]] = {}
    for profile, data in members:
        _data, ids = by_store.setdefault(data.store_version, (data, set()))
        # Matched on the first member's context of this store: a filter reads fetched
        # fields and the status at as_of, which no setting changes, so one context per
        # store serves every member (a context per workflow would cost one each).
        ids.update(_kept_ids(profile, data, end, period_days,
                             settings=_first_of_store(members, data)))
    parts, taken = [], set()
    for data, ids in by_store.values():
        fresh = ids - taken
        taken |= fresh
        parts.append(segment_frames(data.frames, sorted(fresh)))  # an array, not a set
    return parts[0] if len(parts) == 1 else _concat(parts)


def _first_of_store(members: Sequence[tuple[Profile, SyncResult]], data: SyncResult) -> Any:
    return next(p.settings for p, s in members if s.store_version == data.store_version)


def _kept_ids(profile: Profile, data: SyncResult, end: Any, period_days: int, *,
              settings: Any) -> set[str]:
    if not profile.clauses:
        return set(data.frames.issues["issue_id"])
    whole = full_context(data.frames, settings, data.store_version, as_of=end,
                         period_days=period_days)
    return set(whole.per_issue["issue_id"].to_numpy()[kept_mask(whole, profile.clauses)])


def _concat(parts: list[IssueFrames]) -> IssueFrames:
    def joined(name: str) -> pd.DataFrame:
        return pd.concat([getattr(p, name) for p in parts], ignore_index=True)

    transitions = joined("transitions").sort_values(["issue_id", "at", "seq"], kind="stable")
    return IssueFrames(
        issues=joined("issues"), transitions=transitions.reset_index(drop=True),
        versions=joined("versions"), field_values=joined("field_values"),
        statuses=joined("statuses").drop_duplicates("name").reset_index(drop=True),
    )
