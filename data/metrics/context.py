"""The calculation context: everything the metrics share, computed once and vectorized.

Built once per frames + settings + ``as_of`` + ``period_days`` by
:meth:`CalculationContext.build`; every metric is a pure function of it. Terms:

- *window*: ``[as_of - period_days, as_of)`` (start inclusive, end exclusive). A
  :class:`Window` can also be a weekly bucket; metrics take an optional window.
- *considered issue*: created strictly before ``as_of``; all others are dropped, and
  status changes at or after ``as_of`` are not applied (METRICS.md section 1).
- *per_issue*: one row per considered issue (row number = *position*), with the public
  columns listed in :data:`PER_ISSUE_COLUMNS`:
  ``issue_id``, ``key``, ``issue_type``, ``created``, ``status`` (name at ``as_of``),
  ``state`` (``not_started`` / ``active`` / ``waiting`` / ``done`` at ``as_of``),
  ``started_at``, ``completed_at`` (UTC timestamps, ``NaT`` when not started /
  not completed), ``active_seconds`` (time in active statuses between started and
  completed; 0.0 when either is missing), ``flow_type`` (``feature`` / ``defect`` /
  ``risk`` / ``debt`` / ``other``; ``None`` for deployment records), and the roles
  ``is_flow`` (a flow item), ``is_deployment`` (a deployment record: an issue of a
  deployment type when ``dora.deployments.source`` is ``issues``), ``is_incident``,
  ``is_change`` (neither deployment record nor incident), and ``summary`` (for
  drill-down).
- *ns arrays*: the same times as int64 UTC nanoseconds in :attr:`created_ns`,
  :attr:`started_ns`, :attr:`completed_ns` (:data:`NAT` when missing), for fast masks.

Issue type names in the settings (flow types, deployment and incident types) are
matched case-insensitively, like status names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from configuration.settings import FLOW_TYPES_WITH_OTHER, Settings
from data.issues.frames import IssueFrames
from data.metrics.fields import NAT, FieldIndex
from data.metrics.timeline import Timeline, build_timeline, positions_of
from data.metrics.workflow import (
    ACTIVE,
    DONE,
    STATE_NAMES,
    WAITING,
    Workflow,
    resolve_workflow,
)

PER_ISSUE_COLUMNS = (
    "issue_id", "key", "issue_type", "created", "status", "state", "started_at",
    "completed_at", "active_seconds", "flow_type", "is_flow", "is_deployment",
    "is_incident", "is_change", "summary",
)
NS_PER_SECOND = 10**9
_T = TypeVar("_T")


@dataclass(frozen=True)
class Window:
    """A half-open time range ``[start, end)`` in UTC."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> float:
        return (self.end - self.start) / pd.Timedelta(days=1)

    @property
    def start_ns(self) -> int:
        return int(self.start.value)

    @property
    def end_ns(self) -> int:
        return int(self.end.value)

    def contains(self, times_ns: np.ndarray) -> np.ndarray:
        """Mask of the int64 nanosecond times inside the window (NaT never is)."""
        return (times_ns >= self.start_ns) & (times_ns < self.end_ns) & (times_ns != NAT)


def utc_timestamp(value: Any) -> pd.Timestamp:
    """Any datetime-like as a UTC nanosecond ``pd.Timestamp`` (naive means UTC)."""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.as_unit("ns")


@dataclass(frozen=True, eq=False)
class CalculationContext:
    """Shared, read-only inputs of every metric. Build it with :meth:`build`."""

    settings: Settings
    as_of: pd.Timestamp
    period_days: int
    window: Window
    workflow: Workflow
    per_issue: pd.DataFrame
    created_ns: np.ndarray
    started_ns: np.ndarray
    completed_ns: np.ndarray
    timeline: Timeline
    fields: FieldIndex
    versions: pd.DataFrame  # the frames' versions with a ``pos`` column, considered issues
    _memo: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        frames: IssueFrames,
        settings: Settings,
        *,
        as_of: Any,
        period_days: int | None = None,
    ) -> CalculationContext:
        """Resolve the workflow and compute every per-issue attribute, vectorized."""
        end = utc_timestamp(as_of)
        days = settings.period_days if period_days is None else int(period_days)
        workflow = resolve_workflow(settings.workflow, frames.statuses)
        issues = _considered(frames.issues, end)
        ids = issues["issue_id"]
        timeline = build_timeline(frames.transitions, ids, issues["status"], end.value, workflow)
        created = issues["created"].array.asi8.copy()
        status_now = timeline.status_at(end.value)
        state_now = timeline.states[status_now] if len(status_now) else np.zeros(0, np.int8)
        started = _started(timeline, created)
        completed = _completed(timeline, created, state_now)
        fields_index = FieldIndex(frames.field_values, ids)
        per_issue = pd.DataFrame(
            {
                "issue_id": issues["issue_id"],
                "key": issues["key"],
                "issue_type": issues["issue_type"],
                "created": issues["created"],
                "status": pd.Categorical.from_codes(status_now, timeline.labels),
                "state": pd.Categorical.from_codes(state_now, STATE_NAMES),
                "started_at": _timestamps(started),
                "completed_at": _timestamps(completed),
                "active_seconds": _active_seconds(timeline, created, started, completed, end),
                "summary": issues.get("summary", ""),
            }
        )
        _add_roles(per_issue, settings, fields_index)
        return cls(
            settings=settings,
            as_of=end,
            period_days=days,
            window=Window(end - pd.Timedelta(days=days), end),
            workflow=workflow,
            per_issue=per_issue,
            created_ns=created,
            started_ns=started,
            completed_ns=completed,
            timeline=timeline,
            fields=fields_index,
            versions=_versions(frames.versions, ids),
        )

    # ---- memoized shared selections -------------------------------------------------

    def memo(self, key: Any, factory: Callable[[], _T]) -> _T:
        """Compute ``factory()`` once per key; metrics share results through it."""
        if key not in self._memo:
            self._memo[key] = factory()
        return self._memo[key]

    def resolve(self, window: Window | None) -> Window:
        """The given window, or the context's own."""
        return self.window if window is None else window

    @cached_property
    def is_flow(self) -> np.ndarray:
        return self.per_issue["is_flow"].to_numpy(dtype=bool)

    @cached_property
    def flow_type_codes(self) -> np.ndarray:
        """Per position: index into ``FLOW_TYPES_WITH_OTHER``, -1 for deployment records."""
        lookup = {name: code for code, name in enumerate(FLOW_TYPES_WITH_OTHER)}
        types = self.per_issue["flow_type"]
        return types.map(lookup).fillna(-1).to_numpy(dtype=np.int64)

    def completed_in(self, window: Window | None = None) -> np.ndarray:
        """Mask of flow items whose ``completed_at`` lies in the window."""
        win = self.resolve(window)
        return self.memo(
            ("completed_in", win), lambda: self.is_flow & win.contains(self.completed_ns)
        )

    def status_at(self, instant: Any) -> np.ndarray:
        """Per position: the status code at ``instant`` (names: ``timeline.labels``)."""
        ns = utc_timestamp(instant).value
        return self.memo(("status_at", ns), lambda: self.timeline.status_at(ns))

    def wip_at(self, instant: Any) -> np.ndarray:
        """Mask of flow items created before ``instant`` whose state then is active or waiting."""
        ns = utc_timestamp(instant).value

        def compute() -> np.ndarray:
            state = self.timeline.states[self.status_at(ns)]
            in_progress = (state == ACTIVE) | (state == WAITING)
            return self.is_flow & in_progress & (self.created_ns < ns)

        return self.memo(("wip_at", ns), compute)

    def weekly_windows(self) -> tuple[Window, ...]:
        """Consecutive 7-day buckets ending at ``as_of``, as many as fit (oldest first)."""
        week = pd.Timedelta(days=7)
        count = int(self.period_days // 7)
        return tuple(
            Window(self.as_of - (count - k) * week, self.as_of - (count - k - 1) * week)
            for k in range(count)
        )


def _considered(issues: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Issues created before ``as_of``, sorted by id (the transitions' order)."""
    created = issues["created"].astype("datetime64[ns, UTC]")
    kept = issues.loc[created.notna() & (created < as_of)].copy()
    kept["created"] = created[kept.index]
    return kept.sort_values("issue_id", kind="stable", ignore_index=True)


def _started(timeline: Timeline, created: np.ndarray) -> np.ndarray:
    """First entry into active/waiting; creation time when it started that way."""
    in_progress = np.isin(timeline.states, (ACTIVE, WAITING))
    first = timeline.first_per_issue(in_progress[timeline.to_code])
    initially = in_progress[timeline.initial_code] if len(created) else np.zeros(0, bool)
    return np.where(initially, created, first)


def _completed(timeline: Timeline, created: np.ndarray, state_now: np.ndarray) -> np.ndarray:
    """Last not-done -> done move when done at ``as_of``; creation time if always done."""
    done = timeline.states == DONE
    entering = done[timeline.to_code] & ~done[timeline.from_code]
    last = timeline.last_per_issue(entering)
    is_done = state_now == DONE
    return np.where(is_done, np.where(last == NAT, created, last), NAT)


def _active_seconds(
    timeline: Timeline,
    created: np.ndarray,
    started: np.ndarray,
    completed: np.ndarray,
    as_of: pd.Timestamp,
) -> np.ndarray:
    """Seconds in active statuses within [started, completed] per issue (0 if either is NaT).

    Each issue's history is cut into segments: [created, first change) in the initial
    status, then [change k, change k+1) in change k's target, the last ending at as_of.
    """
    size = len(created)
    # Interleave without sorting: issue p's initial segment goes just before its block
    # of changes, which shifts every row of later issues by one slot per issue.
    total = size + len(timeline.pos)
    initial_slot = timeline.starts + np.arange(size)
    change_slot = np.arange(len(timeline.pos)) + timeline.pos + 1
    seg_pos, seg_start = np.empty(total, np.int64), np.empty(total, np.int64)
    seg_code = np.empty(total, np.int64)
    seg_pos[initial_slot], seg_pos[change_slot] = np.arange(size), timeline.pos
    seg_start[initial_slot], seg_start[change_slot] = created, timeline.at
    seg_code[initial_slot], seg_code[change_slot] = timeline.initial_code, timeline.to_code
    seg_end = np.append(seg_start[1:], as_of.value)
    last_of_issue = np.append(seg_pos[1:] != seg_pos[:-1], True)
    seg_end[last_of_issue] = as_of.value
    measured = (started != NAT) & (completed != NAT)
    lo = np.maximum(seg_start, started[seg_pos])
    hi = np.minimum(seg_end, completed[seg_pos])
    useful = measured[seg_pos] & (timeline.states[seg_code] == ACTIVE) & (hi > lo)
    seconds = np.where(useful, (hi - lo) / NS_PER_SECOND, 0.0)
    return np.bincount(seg_pos, weights=seconds, minlength=size)


def _timestamps(ns: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")


class _TypeIndex:
    """Issue types factorized once, so each case-insensitive lookup is an array take."""

    def __init__(self, types: pd.Series) -> None:
        self._codes, uniques = pd.factorize(types.astype("str"), use_na_sentinel=False)
        self._folded = [str(u).casefold() for u in uniques]

    def isin(self, names: Iterable[str]) -> np.ndarray:
        wanted = {name.casefold() for name in names}
        hits = np.array([fold in wanted for fold in self._folded], dtype=bool)
        return hits[self._codes] if len(self._codes) else np.zeros(0, dtype=bool)


def _add_roles(per_issue: pd.DataFrame, settings: Settings, fields: FieldIndex) -> None:
    """Flow type and DORA roles per issue (see module docstring)."""
    types = _TypeIndex(per_issue["issue_type"])
    dep, inc = settings.dora.deployments, settings.dora.incidents
    is_deployment = (dep.source == "issues") & types.isin(dep.issue_types)
    is_incident = types.isin(inc.issue_types) & ~is_deployment  # a record is never both
    if inc.environment_field:
        is_incident = is_incident & fields.matches(inc.environment_field, inc.production_values)
    flow_type = pd.Series("other", index=per_issue.index, dtype=object)
    for name, issue_types in settings.flow_types.items():
        flow_type[types.isin(issue_types)] = name
    flow_type[is_deployment] = None
    per_issue["flow_type"] = flow_type
    per_issue["is_flow"] = ~is_deployment
    per_issue["is_deployment"] = is_deployment
    per_issue["is_incident"] = is_incident
    per_issue["is_change"] = ~is_deployment & ~is_incident


def _versions(versions: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Version links of considered issues, with ``pos`` and integer codes for joins.

    ``id_code`` / ``name_code`` factorize version ids and names so that links are
    joined on integers rather than strings.
    """
    pos = positions_of(ids, versions["issue_id"])
    kept = versions.loc[pos >= 0].reset_index(drop=True)
    kept["pos"] = pos[pos >= 0]
    kept["id_code"] = pd.factorize(kept["version_id"])[0]
    kept["name_code"] = pd.factorize(kept["name"])[0]
    return kept
