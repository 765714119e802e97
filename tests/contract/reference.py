"""An outside reviewer's calculator: the section 6 headline from raw JIRA JSON.

Written from METRICS.md sections 1-4 alone, as plain Python over ``datetime`` objects:
no pandas, no numpy and no code shared with ``data/`` (the engine's own oracle,
``benchmarks/engine_reference.py``, starts from the normalized frames; this one starts
from the raw issues, so it also checks the normalization). Terms:

- *raw issue*: one element of a search response's ``issues`` (Cloud shape).
- *settings*: a ``settings.json`` dictionary (section 5); the status lists must be set.
- *change* (in a history sense): ``(at, history id, from, to)`` of one status item.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

FLOW_TYPES = ("feature", "defect", "risk", "debt", "other")
TIER_BOUNDS = {  # METRICS.md section 4
    "deployment_frequency": (">=", 7.0, 1.0, 7.0 / 30.0),
    "lead_time_for_changes": ("<", 24.0, 168.0, 720.0),
    "change_failure_rate": ("<=", 5.0, 10.0, 15.0),
    "time_to_restore": ("<", 1.0, 24.0, 168.0),
}


def when(text: str) -> datetime:
    """A JIRA timestamp (``2026-03-01T09:00:00.000+0530``) in UTC."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)


def field_time(value: Any) -> datetime | None:
    """The first value of a field that is a date (end of day) or a timestamp."""
    for text in scalars(value):
        try:
            if len(text) == 10:
                return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC) + timedelta(1)
            return when(text)
        except ValueError:
            continue
    return None


def scalars(value: Any) -> list[str]:
    """A custom field's values: strings, numbers, ``value``/``name`` objects, lists."""
    if value is None:
        return []
    if isinstance(value, list):
        return [text for element in value for text in scalars(element)]
    if isinstance(value, dict):
        return scalars(value.get("value", value.get("name")))
    return [str(value)]


def matches(value: Any, wanted: list[str]) -> bool:
    return any(text in wanted for text in scalars(value))


def percentile(values: list[float], percent: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def tier(metric: str, value: float | None) -> str | None:
    if value is None:
        return None
    rule, *bounds = TIER_BOUNDS[metric]
    for name, bound in zip(("elite", "high", "medium"), bounds, strict=True):
        if (value >= bound) if rule == ">=" else (value < bound) if rule == "<" else (
                value <= bound):
            return name
    return "low"


class Item:
    """One considered issue with its status history replayed up to ``as_of``."""

    def __init__(self, raw: dict, settings: dict, as_of: datetime) -> None:
        fields = raw["fields"]
        self.key, self.fields = raw["key"], fields
        self.type = fields["issuetype"]["name"]
        self.created = when(fields["created"])
        lists = settings["workflow"]
        self._done = {s.casefold() for s in lists["done_statuses"]}
        self._active = {s.casefold() for s in lists["active_statuses"]}
        self._waiting = {s.casefold() for s in lists["waiting_statuses"]}
        changes = sorted(
            (when(h["created"]), int(h["id"]), n, item["fromString"], item["toString"])
            for h in raw["changelog"]["histories"]
            for n, item in enumerate(h["items"]) if item["field"] == "status"
        )
        self.initial = changes[0][3] if changes else fields["status"]["name"]
        self.changes = [(c[0], c[3], c[4]) for c in changes if c[0] < as_of]
        self.as_of = as_of

    def state(self, name: str) -> str:
        folded = name.casefold()
        if folded in self._done:
            return "done"
        if folded in self._active:
            return "active"
        return "waiting" if folded in self._waiting else "not_started"

    def status_at(self, instant: datetime) -> str:
        status = self.initial
        for at, _source, target in self.changes:
            if at < instant:
                status = target
        return status

    @property
    def started(self) -> datetime | None:
        if self.state(self.initial) in ("active", "waiting"):
            return self.created
        moves = [at for at, _s, t in self.changes if self.state(t) in ("active", "waiting")]
        return moves[0] if moves else None

    @property
    def completed(self) -> datetime | None:
        if self.state(self.status_at(self.as_of)) != "done":
            return None
        moves = [at for at, s, t in self.changes
                 if self.state(t) == "done" and self.state(s) != "done"]
        return moves[-1] if moves else self.created

    def active_seconds(self) -> float:
        start, end = self.started, self.completed
        edges = [self.created, *(at for at, _s, _t in self.changes), self.as_of]
        names = [self.initial, *(t for _a, _s, t in self.changes)]
        total = 0.0
        for begin, finish, name in zip(edges, edges[1:], names, strict=False):
            low, high = max(begin, start), min(finish, end)
            if self.state(name) == "active" and high > low:
                total += (high - low).total_seconds()
        return total


def headline(raws: list[dict], settings: dict, as_of: datetime, days: int,
             bucket: tuple[datetime, datetime] | None = None) -> dict[str, Any]:
    """The section 6 headline, computed issue by issue.

    ``bucket`` (section 7) replaces the window ``[as_of - days, as_of)`` by
    ``[start, end)``: events are still the ones defined at ``as_of``, and WIP is
    counted at the bucket's end.
    """
    start, end = bucket or (as_of - timedelta(days=days), as_of)
    days = round((end - start) / timedelta(days=1))

    def inside(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    items = [Item(raw, settings, as_of) for raw in raws if when(raw["fields"]["created"]) < as_of]
    dora = settings["dora"]
    dep, inc = dora["deployments"], dora["incidents"]
    folded = {s.casefold() for s in dep["issue_types"]}
    records = [i for i in items if dep["source"] == "issues" and i.type.casefold() in folded]
    incidents = [i for i in items if i not in records and _is_incident(i, inc)]
    flow = [i for i in items if i not in records]
    changes = [i for i in flow if i not in incidents]
    deployments = _deployments(items, records, incidents, dep, as_of)
    return {
        "as_of": as_of.isoformat(),
        "period_days": days,
        "issues": len(items),
        "dora": _dora(deployments, changes, incidents, settings, days=days, inside=inside),
        "flow": _flow(flow, settings, days, end, inside),
    }


def _is_incident(item: Item, inc: dict) -> bool:
    if item.type.casefold() not in {s.casefold() for s in inc["issue_types"]}:
        return False
    env = inc.get("environment_field")
    return not env or matches(item.fields.get(env), inc["production_values"])


def _deployments(items: list[Item], records: list[Item], incidents: list[Item], dep: dict,
                 as_of: datetime) -> list[tuple[datetime, bool, set[str]]]:
    """(time, failed, link keys): link keys are version names (issues) or ids (versions)."""
    found = []
    if dep["source"] == "issues":
        for record in records:
            env = dep.get("environment_field")
            if record.completed is None or (
                    env and not matches(record.fields.get(env), dep["production_values"])):
                continue
            moment = field_time(record.fields.get(dep["date_field"])) if dep.get(
                "date_field") else None
            failure = dep.get("failure_field")
            failed = bool(failure) and matches(record.fields.get(failure), dep["failure_values"])
            names = {v["name"] for v in record.fields.get("fixVersions") or []}
            found.append((moment or record.completed, failed, names))
        return found
    hit = {v["id"] for i in incidents for v in i.fields.get("versions") or []}
    seen: set[str] = set()
    for item in items:
        for ver in item.fields.get("fixVersions") or []:
            if ver["id"] in seen or not ver.get("released") or not ver.get("releaseDate"):
                continue
            seen.add(ver["id"])
            found.append((field_time(ver["releaseDate"]), ver["id"] in hit, {ver["id"]}))
    return found


def _dora(deployments: list, changes: list[Item], incidents: list[Item], settings: dict, *,
          days: int, inside: Any) -> dict[str, Any]:
    dora = settings["dora"]
    windowed = [d for d in deployments if inside(d[0])]
    per_week = len(windowed) / (days / 7)
    failed = sum(1 for d in windowed if d[1])
    percent = failed / len(windowed) * 100 if windowed else None
    by_name = dora["deployments"]["source"] == "issues"
    leads = []
    for change in changes:
        begin = field_time(change.fields.get(dora["change_start_field"])) if dora.get(
            "change_start_field") else None
        begin = begin or change.started
        keys = {v["name"] if by_name else v["id"] for v in change.fields.get("fixVersions") or []}
        ends = [d[0] for d in deployments if d[2] & keys and begin and d[0] >= begin]
        if ends and inside(min(ends)):
            leads.append((min(ends) - begin).total_seconds() / 3600)
    restores = []
    inc = dora["incidents"]
    for incident in incidents:
        begin = (field_time(incident.fields.get(inc["start_field"])) if inc.get("start_field")
                 else None) or incident.created
        end = (field_time(incident.fields.get(inc["end_field"])) if inc.get("end_field")
               else None) or incident.completed
        if inside(end) and end >= begin:
            restores.append((end - begin).total_seconds() / 3600)
    lead_median, restore_median = percentile(leads, 50), percentile(restores, 50)
    return {
        "deployment_frequency": {"deployments": len(windowed), "per_week": per_week,
                                 "tier": tier("deployment_frequency", per_week)
                                 if windowed else None},
        "lead_time_for_changes": {"changes": len(leads), "median_hours": lead_median,
                                  "p85_hours": percentile(leads, 85),
                                  "tier": tier("lead_time_for_changes", lead_median)},
        "change_failure_rate": {"deployments": len(windowed), "failed": failed,
                                "percent": percent, "tier": tier("change_failure_rate", percent)},
        "time_to_restore": {"incidents": len(restores), "median_hours": restore_median,
                            "p85_hours": percentile(restores, 85),
                            "tier": tier("time_to_restore", restore_median)},
    }


def _flow_type(item: Item, settings: dict) -> str:
    for name, types in settings["flow_types"].items():
        if item.type.casefold() in {t.casefold() for t in types}:
            return name
    return "other"


def _flow(flow: list[Item], settings: dict, days: int, wip_at: datetime,
          inside: Any) -> dict[str, Any]:
    done = [i for i in flow if inside(i.completed)]
    counts = dict.fromkeys(FLOW_TYPES, 0)
    for item in done:
        counts[_flow_type(item, settings)] += 1
    measured = [i for i in done if i.started is not None]
    spans = [(i.completed - i.started).total_seconds() for i in measured]
    active = sum(i.active_seconds() for i in measured)
    wip: dict[str, int] = {}
    for item in (i for i in flow if i.created < wip_at):
        status = item.status_at(wip_at)
        if item.state(status) in ("active", "waiting"):
            wip[status] = wip.get(status, 0) + 1
    flow_days = [s / 86400 for s in spans]
    return {
        "velocity": {"completed": len(done), "per_week": len(done) / (days / 7),
                     "by_type": counts},
        "time": {"items": len(measured), "unstarted": len(done) - len(measured),
                 "median_days": percentile(flow_days, 50),
                 "p85_days": percentile(flow_days, 85), "p95_days": percentile(flow_days, 95)},
        "efficiency": {"percent": active / sum(spans) * 100 if sum(spans) else None},
        "load": {"wip": sum(wip.values()), "by_status": wip},
        "distribution": {k: (v / len(done) * 100 if done else None) for k, v in counts.items()},
    }
