"""A plain per-issue Python loop computing the headline metrics: the engine's oracle.

Written the obvious way, straight from METRICS.md sections 1 to 4, sharing no code
with ``data/metrics`` (not even the percentile): the benchmark times it against the
vectorized engine, and tests assert both give the same numbers. Times are int
nanoseconds since the epoch, UTC. Supports both deployment sources and every
optional field setting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pandas as pd

from configuration.settings import FLOW_TYPES_WITH_OTHER, Settings
from data.issues.frames import IssueFrames

DAY, HOUR = 86_400 * 10**9, 3_600 * 10**9


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), by hand."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ns(series: pd.Series) -> list[int | None]:
    values = series.astype("datetime64[ns, UTC]").array.asi8.tolist()
    return [None if v == -(2**63) else v for v in values]


def _field_time(text: str) -> int | None:
    text = text.strip()
    try:
        if len(text) == 10:
            return pd.Timestamp(text, tz="UTC").value + DAY
        stamp = pd.Timestamp(text)
    except ValueError:
        return None
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).value


class _Issue:
    """One issue's derived attributes, computed by walking its history."""

    def __init__(self, row: dict, history: list[tuple], states: Callable[[str], str],
                 as_of: int) -> None:
        self.__dict__.update(row)
        history.sort(key=lambda change: (change[0], change[1]))
        status = history[0][2] if history else row["status"]
        self.started = row["created"] if states(status) in ("active", "waiting") else None
        self.completed_move, self.active_ns = None, 0
        segments, since = [], row["created"]
        for at, _seq, source, target in history:
            if at >= as_of:
                break
            segments.append((since, at, status))
            if self.started is None and states(target) in ("active", "waiting"):
                self.started = at
            if states(target) == "done" and states(source) != "done":
                self.completed_move = at
            status, since = target, at
        segments.append((since, as_of, status))
        self.status_now = status
        self.completed = None
        if states(status) == "done":
            self.completed = row["created"] if self.completed_move is None else self.completed_move
        if self.started is not None and self.completed is not None:
            for begin, end, name in segments:
                lo, hi = max(begin, self.started), min(end, self.completed)
                if states(name) == "active" and hi > lo:
                    self.active_ns += hi - lo


def reference_metrics(frames: IssueFrames, settings: Settings, as_of: pd.Timestamp,
                      period_days: int) -> dict[str, Any]:
    """The ``dora`` and ``flow`` objects of METRICS.md section 6 (tiers left out)."""
    end = as_of.value
    start = end - period_days * DAY
    states = _states(frames, settings)
    histories: dict[str, list] = defaultdict(list)
    for row in zip(frames.transitions["issue_id"], _ns(frames.transitions["at"]),
                   frames.transitions["seq"].tolist(), frames.transitions["from_status"],
                   frames.transitions["to_status"], strict=True):
        histories[row[0]].append(row[1:])
    fields: dict[tuple[str, str], list[str]] = defaultdict(list)
    for issue_id, field_id, value in zip(*(frames.field_values[c] for c in
                                           ("issue_id", "field_id", "value")), strict=True):
        fields[(issue_id, field_id)].append(value)
    issues = []
    columns = ("issue_id", "key", "issue_type", "status")
    for values in zip(*(frames.issues[c] for c in columns), _ns(frames.issues["created"]),
                      strict=True):
        row = dict(zip((*columns, "created"), values, strict=True))
        if row["created"] is not None and row["created"] < end:
            issues.append(_Issue(row, histories.get(row["issue_id"], []), states, end))
    context = {"issues": issues, "fields": fields, "settings": settings, "states": states,
               "start": start, "end": end, "days": period_days, "frames": frames}
    return {"dora": _dora(context), "flow": _flow(context)}


def _states(frames: IssueFrames, settings: Settings):
    wf = settings.workflow
    by_cat = defaultdict(list)
    for name, category in zip(frames.statuses["name"], frames.statuses["category"],
                              strict=True):
        by_cat[category].append(name)
    lists = {
        "active": wf.active_statuses if wf.active_statuses is not None
        else by_cat["indeterminate"],
        "waiting": wf.waiting_statuses if wf.waiting_statuses is not None else [],
        "done": wf.done_statuses if wf.done_statuses is not None else by_cat["done"],
    }
    table = {}
    for state in ("waiting", "active", "done"):  # later wins, as in the engine's order
        for name in lists[state]:
            table[name.casefold()] = state
    return lambda name: table.get(name.casefold(), "not_started")


def _matches(ctx: dict, issue: _Issue, field_id: str | None, wanted) -> bool:
    targets = {w.strip().casefold() for w in wanted}
    values = ctx["fields"].get((issue.issue_id, field_id), [])
    return any(v.strip().casefold() in targets for v in values)


def _time_of(ctx: dict, issue: _Issue, field_id: str | None) -> int | None:
    for value in ctx["fields"].get((issue.issue_id, field_id), []) if field_id else []:
        parsed = _field_time(value)
        if parsed is not None:
            return parsed
    return None


def _in(ctx: dict, when: int | None) -> bool:
    return when is not None and ctx["start"] <= when < ctx["end"]


def _role(ctx: dict, issue: _Issue) -> str:
    dora = ctx["settings"].dora
    kind = issue.issue_type.casefold()
    if dora.deployments.source == "issues" and kind in {
            t.casefold() for t in dora.deployments.issue_types}:
        return "deployment"
    inc = dora.incidents
    if kind in {t.casefold() for t in inc.issue_types} and (
            not inc.environment_field
            or _matches(ctx, issue, inc.environment_field, inc.production_values)):
        return "incident"
    return "change"


def _version_deployments(ctx: dict) -> list[tuple[str, int, bool, set[str]]]:
    versions = ctx["frames"].versions
    incidents = {i.issue_id for i in ctx["issues"] if _role(ctx, i) == "incident"}
    affected = {vid for issue_id, relation, vid in zip(
        versions["issue_id"], versions["relation"], versions["version_id"], strict=True)
        if relation == "affects" and issue_id in incidents}
    found, seen = [], set()
    for relation, vid, released, date in zip(
            versions["relation"], versions["version_id"], versions["released"],
            versions["release_date"], strict=True):
        if relation == "fix" and released and vid not in seen:
            seen.add(vid)
            when = _field_time(date) if date else None
            if when is not None:
                found.append((vid, when, vid in affected, {vid}))
    return found


def _deployments(ctx: dict) -> list[tuple[str, int, bool, set[str]]]:
    """(id, time, failed, link keys) per deployment."""
    dep = ctx["settings"].dora.deployments
    if dep.source == "versions":
        return _version_deployments(ctx)
    found = []
    names = defaultdict(set)
    versions = ctx["frames"].versions
    for issue_id, relation, name in zip(versions["issue_id"], versions["relation"],
                                        versions["name"], strict=True):
        if relation == "fix":
            names[issue_id].add(name)
    for issue in ctx["issues"]:
        if _role(ctx, issue) != "deployment" or issue.completed is None:
            continue
        if dep.environment_field and not _matches(
                ctx, issue, dep.environment_field, dep.production_values):
            continue
        when = _time_of(ctx, issue, dep.date_field) or issue.completed
        failed = bool(dep.failure_field) and _matches(
            ctx, issue, dep.failure_field, dep.failure_values)
        found.append((issue.key, when, failed, names[issue.issue_id]))
    return found


def _dora(ctx: dict) -> dict[str, Any]:
    deployments = _deployments(ctx)
    inside = [d for d in deployments if _in(ctx, d[1])]
    failed = sum(1 for d in inside if d[2])
    lead_hours, restore_hours = _lead_and_restore_hours(ctx, deployments)
    return {
        "deployment_frequency": {"deployments": len(inside),
                                 "per_week": len(inside) * 7 / ctx["days"]},
        "lead_time_for_changes": {"changes": len(lead_hours),
                                  "median_hours": percentile(lead_hours, 50),
                                  "p85_hours": percentile(lead_hours, 85)},
        "change_failure_rate": {"deployments": len(inside), "failed": failed,
                                "percent": failed / len(inside) * 100 if inside else None},
        "time_to_restore": {"incidents": len(restore_hours),
                            "median_hours": percentile(restore_hours, 50),
                            "p85_hours": percentile(restore_hours, 85)},
    }


def _fix_links(ctx: dict) -> dict[str, set[str]]:
    """Issue id -> its fix versions, by id (versions source) or by name (issues source)."""
    links: dict[str, set[str]] = defaultdict(set)
    by_version = ctx["settings"].dora.deployments.source == "versions"
    versions = ctx["frames"].versions
    for issue_id, relation, vid, name in zip(versions["issue_id"], versions["relation"],
                                             versions["version_id"], versions["name"],
                                             strict=True):
        if relation == "fix":
            links[issue_id].add(vid if by_version else name)
    return links


def _lead_and_restore_hours(
    ctx: dict, deployments: list[tuple[str, int, bool, set[str]]]
) -> tuple[list[float], list[float]]:
    """Each change's lead time and each incident's restore time in the window, in hours."""
    settings = ctx["settings"]
    links = _fix_links(ctx)
    deployed_at = defaultdict(list)  # link key -> deployment times
    for _id, when, _failed, keys in deployments:
        for key in keys:
            deployed_at[key].append(when)
    lead_hours, restore_hours = [], []
    for issue in ctx["issues"]:
        role = _role(ctx, issue)
        if role == "change":
            begin = _time_of(ctx, issue, settings.dora.change_start_field) or issue.started
            ends = [when for key in links[issue.issue_id] for when in deployed_at[key]
                    if begin is not None and when >= begin]
            if ends and _in(ctx, min(ends)):
                lead_hours.append((min(ends) - begin) / HOUR)
        elif role == "incident":
            inc = settings.dora.incidents
            begin = _time_of(ctx, issue, inc.start_field) or issue.created
            finish = _time_of(ctx, issue, inc.end_field) or issue.completed
            if _in(ctx, finish) and finish >= begin:
                restore_hours.append((finish - begin) / HOUR)
    return lead_hours, restore_hours


def _flow_type(ctx: dict, issue: _Issue) -> str:
    for name, types in ctx["settings"].flow_types.items():
        if issue.issue_type.casefold() in {t.casefold() for t in types}:
            return name
    return "other"


def _flow(ctx: dict) -> dict[str, Any]:
    by_type = dict.fromkeys(FLOW_TYPES_WITH_OTHER, 0)
    days, active, flow_ns, unstarted, wip = [], 0, 0, 0, defaultdict(int)
    for issue in ctx["issues"]:
        if _role(ctx, issue) == "deployment":
            continue
        if ctx["states"](issue.status_now) in ("active", "waiting"):
            wip[issue.status_now.casefold()] += 1
        if not _in(ctx, issue.completed):
            continue
        by_type[_flow_type(ctx, issue)] += 1
        if issue.started is None:
            unstarted += 1
            continue
        days.append((issue.completed - issue.started) / DAY)
        active += issue.active_ns
        flow_ns += issue.completed - issue.started
    completed = sum(by_type.values())
    return {
        "velocity": {"completed": completed, "per_week": completed * 7 / ctx["days"],
                     "by_type": by_type},
        "time": {"items": len(days), "unstarted": unstarted,
                 "median_days": percentile(days, 50), "p85_days": percentile(days, 85),
                 "p95_days": percentile(days, 95)},
        "efficiency": {"percent": active / flow_ns * 100 if flow_ns else None},
        "load": {"wip": sum(wip.values()), "by_status": dict(wip)},
        "distribution": {k: (v / completed * 100 if completed else None)
                         for k, v in by_type.items()},
    }
