"""The demo project: about 2,400 deterministic, realistic raw JIRA Cloud issues.

``generate_demo_issues(anchor=..., seed=...)`` returns issues exactly as JIRA Cloud's
search would with complete changelogs (histories oldest first), dated in the ~200
days before ``anchor``. The same anchor and seed always give identical JSON.

Terms:

- *plan*: an issue before it is written as JSON: type, creation, initial status,
  status steps and field values.
- *deployment record*: an issue of type Deployment, 2 to 8 a week, some failed,
  some to Staging, linked to changes through its weekly ``fixVersions``.
- *change*: any other work item (Story, Bug, Tech Debt, Vulnerability, Task).

The edge cases METRICS.md needs are all present (see ``demo_workflows.SCENARIOS``
and ``demo_values``): blocked and waiting states, reopened issues (done again or
not), Done -> Closed, skipped starts, backward moves, issues created in progress,
offsets other than +0000, histories longer than 40 entries, released, unreleased
and undated versions, custom fields as options, strings and lists, and a few issues
created in the last day. ``demo_statuses``/``demo_fields``/``demo_issue_types`` are
the matching catalogs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from data.collector import collector_paused
from data.simulator import demo_values as values
from data.simulator.catalog import (
    PROJECT,
    demo_fields,
    demo_issue_types,
    demo_statuses,
    issue_type_ref,
    status_ref,
)
from data.simulator.demo_workflows import (
    AUTHORS,
    DONE,
    Step,
    completed_at,
    pick_scenario,
    walk,
    walk_fast,
)
from data.simulator.timefmt import format_jira

__all__ = ["demo_fields", "demo_issue_types", "demo_statuses", "generate_demo_issues"]

DAYS = 200
CHANGE_TYPES = (("Story", 45, 1.0), ("Bug", 22, 0.7), ("Tech Debt", 10, 1.2),
                ("Vulnerability", 6, 0.8), ("Task", 17, 0.6))
RECENT_ISSUES = 5  # changes created in the last day before the anchor


@dataclass
class Plan:
    """One issue before it becomes JSON."""

    issue_type: str
    created: datetime
    reporter: tuple[str, str, int]
    initial: str
    steps: list[Step]
    fields: dict[str, Any] = field(default_factory=dict)
    edits: int = 0
    edit_days: float = 3.0


def generate_demo_issues(*, anchor: datetime, seed: int = 7, count: int = 2400) -> list[dict]:
    """``count`` raw Cloud issues with complete changelogs, dated before ``anchor``."""
    anchor = anchor.replace(tzinfo=UTC) if anchor.tzinfo is None else anchor.astimezone(UTC)
    with collector_paused():
        return _generate(anchor, random.Random(seed), count)


def _generate(anchor: datetime, rng: random.Random, count: int) -> list[dict]:
    start = (anchor - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    versions = values.weekly_versions(start, anchor)
    deployments = _deployments(rng, start, anchor, versions, budget=max(1, count * 6 // 100))
    incidents = _incidents(rng, deployments, start, anchor, versions,
                           budget=max(1, count * 2 // 100))
    changes = _changes(rng, start, anchor, versions, count - len(deployments) - len(incidents))
    plans = sorted(deployments + incidents + changes, key=lambda plan: plan.created)
    history_ids = iter(range(100_001, 10**9))
    return [_issue(rng, number, plan, anchor, history_ids)
            for number, plan in enumerate(plans, start=1)]


def _deployments(rng: random.Random, start: datetime, anchor: datetime,
                 versions: list[values.WeeklyVersion], budget: int) -> list[Plan]:
    times = []
    for version in versions[:-1]:
        week_start = version.ends - timedelta(days=7)
        times += [week_start + timedelta(seconds=rng.uniform(0, 7 * 86400))
                  for _ in range(rng.randint(2, 8))]
    times = sorted(t for t in times if t < anchor - timedelta(minutes=30))
    if len(times) > budget:  # small demo sets keep an even spread of deployments
        times = sorted(rng.sample(times, budget))
    return [_deployment(rng, t, anchor, versions) for t in times]


def _deployment(rng: random.Random, created: datetime, anchor: datetime,
                versions: list[values.WeeklyVersion]) -> Plan:
    steps = walk_fast(rng, created, anchor, (20, 150), skip_start=rng.random() < 0.06)
    production = rng.random() < 0.8
    failed = production and rng.random() < 0.1
    done = steps[-1].at if steps and steps[-1].to_status == DONE else None
    deployed_at = deploy_day = None
    if done is not None:
        local = format_jira(done - timedelta(minutes=rng.uniform(0, 20)), rng.choice(AUTHORS)[2])
        deployed_at = local if rng.random() < 0.85 else None
        deploy_day = local[:10]  # a date picker: the local calendar day, date-only
    return Plan("Deployment", created, rng.choice(AUTHORS), "To Do", steps, {
        "fixVersions": [values.version_at(versions, created).ref(anchor)],
        "customfield_10050": values.environment(rng, 1.0 if production else 0.0),
        "customfield_10051": values.failure(rng, failed),
        "customfield_10060": deployed_at,
        "customfield_10075": deploy_day,
        "_failed_production": failed,
    })


def _incidents(rng: random.Random, deployments: list[Plan], start: datetime,
               anchor: datetime, versions: list[values.WeeklyVersion], *,
               budget: int) -> list[Plan]:
    """Incidents after failed production deployments, plus some with other causes.

    Half of those after a failed deployment (a fifth of the others) name the version
    running in production, the last released one, in ``versions``: enough for the
    ``versions`` deployment source to see failures without failing most weeks.
    """
    causes = [p for p in deployments if p.fields["_failed_production"] and p.steps]
    starts = [(p.steps[-1].at + timedelta(minutes=rng.uniform(10, 360)), 0.5) for p in causes]
    starts += [(start + timedelta(days=rng.uniform(3, DAYS)), 0.2)
               for _ in range(max(1, budget // 2))]
    starts = sorted(s for s in starts if s[0] < anchor - timedelta(minutes=5))[:budget]
    plans = []
    for index, (created, names_version) in enumerate(starts):
        released = [v for v in versions if v.ends <= created] or versions[:1]
        affected = [released[-1].ref(anchor)] if rng.random() < names_version else []
        plans.append(_incident(rng, created, anchor, affected,
                               open_now=index == len(starts) - 1))
    return plans


def _incident(rng: random.Random, created: datetime, anchor: datetime,
              affected: list[dict[str, Any]], *, open_now: bool) -> Plan:
    """One incident; ``open_now`` (the latest one) keeps it unresolved at the anchor."""
    steps = walk_fast(rng, created, anchor, (20, 720), skip_start=rng.random() < 0.1)
    if open_now or (anchor - created < timedelta(days=14) and rng.random() < 0.2):
        steps = steps[:1]  # still being worked on
    offset = rng.choice(AUTHORS)[2]
    impact_start = created - timedelta(minutes=rng.uniform(5, 120))
    fields: dict[str, Any] = {
        "versions": affected,
        "customfield_10050": values.environment(rng, 0.85),
        "customfield_10070": format_jira(impact_start, offset) if rng.random() < 0.7 else None,
        "customfield_10071": None,
    }
    end = completed_at("To Do", steps)
    if end is not None and rng.random() < 0.5:
        # a few records close the impact before it started: bad data the metric must skip
        shift = timedelta(hours=-30) if rng.random() < 0.06 else timedelta(
            minutes=-rng.uniform(0, 30))
        fields["customfield_10071"] = format_jira(end + shift, offset)
    return Plan("Incident", created, rng.choice(AUTHORS), "To Do", steps, fields)


def _changes(rng: random.Random, start: datetime, anchor: datetime,
             versions: list[values.WeeklyVersion], count: int) -> list[Plan]:
    span = (anchor - timedelta(hours=1) - start).total_seconds()
    created = [start + timedelta(seconds=rng.uniform(0, span))
               for _ in range(max(0, count - RECENT_ISSUES))]
    created += [anchor - timedelta(minutes=rng.uniform(10, 20 * 60))
                for _ in range(min(count, RECENT_ISSUES))]
    return [_change(rng, moment, anchor, versions) for moment in sorted(created)]


def _change(rng: random.Random, created: datetime, anchor: datetime,
            versions: list[values.WeeklyVersion]) -> Plan:
    names, weights, scales = zip(*CHANGE_TYPES, strict=True)
    issue_type = rng.choices(names, weights=weights)[0]
    scenario = pick_scenario(rng, created, anchor)
    initial, steps = walk(rng, scenario, created, anchor, scales[names.index(issue_type)])
    done = completed_at(initial, steps)
    fix_versions = []
    if done is not None and rng.random() < 0.9:
        fix_versions = [values.version_at(versions, done + timedelta(days=1)).ref(anchor)]
    elif done is None and rng.random() < 0.3:  # planned: this week's or the next version
        planned = rng.choice((values.version_at(versions, anchor), versions[-1]))
        fix_versions = [planned.ref(anchor)]
    affected = []
    if issue_type == "Bug" and rng.random() < 0.4:
        affected = [values.version_at(versions, created - timedelta(days=7)).ref(anchor)]
    long = scenario == "long"
    return Plan(issue_type, created, rng.choice(AUTHORS), initial, steps, {
        "fixVersions": fix_versions,
        "versions": affected,
        "customfield_10016": rng.choice((1.0, 2.0, 3.0, 5.0, 8.0, 13.0, None))
        if issue_type in ("Story", "Bug", "Tech Debt") else None,
    }, edits=rng.randint(45, 60) if long else rng.choice((0, 0, 1, 1, 2, 3)),
        edit_days=40.0 if long else 3.0)


def _issue(rng: random.Random, number: int, plan: Plan, anchor: datetime,
           history_ids: Any) -> dict[str, Any]:
    histories = _histories(rng, plan, anchor)
    for history in histories:
        history["id"] = str(next(history_ids))
    fields = _fields(rng, plan, histories)
    for history in histories:
        del history["_at"], history["_offset"]
    issue_id = str(30000 + number)
    return {
        "id": issue_id,
        "key": f"{PROJECT['key']}-{number}",
        "self": f"/rest/api/3/issue/{issue_id}",
        "fields": fields,
        "changelog": {"startAt": 0, "maxResults": len(histories), "total": len(histories),
                      "histories": histories},
    }


def _fields(rng: random.Random, plan: Plan, histories: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue's fields: dates and status from its plan and histories (which still
    carry their private ``_at`` and ``_offset``), the rest drawn from ``rng``."""
    final = plan.steps[-1].to_status if plan.steps else plan.initial
    done = completed_at(plan.initial, plan.steps)
    done_offset = next((s.author[2] for s in reversed(plan.steps) if s.at == done), 0)
    last = max([plan.created] + [h["_at"] for h in histories])
    last_offset = histories[-1]["_offset"] if histories else plan.reporter[2]
    fields = {
        "summary": values.summary(rng, plan.issue_type),
        "issuetype": issue_type_ref(plan.issue_type),
        "project": dict(PROJECT),
        "status": status_ref(final),
        "created": format_jira(plan.created, plan.reporter[2]),
        "updated": format_jira(last, last_offset),
        "resolutiondate": None if done is None else format_jira(done, done_offset),
        "priority": values.priority(rng),
        "labels": sorted(rng.sample(values.LABELS, rng.randint(0, 2))),
        "assignee": _user(rng.choice(values.AUTHORS)) if plan.steps else None,
        "fixVersions": [], "versions": [],
        "customfield_10016": None, "customfield_10050": None, "customfield_10051": None,
        "customfield_10060": None, "customfield_10070": None, "customfield_10071": None,
        "customfield_10075": None,
        "customfield_10080": sorted(rng.sample(values.TEAMS, rng.randint(1, 2)))
        if rng.random() < 0.7 else None,
    }
    fields.update({k: v for k, v in plan.fields.items() if not k.startswith("_")})
    return fields


def _histories(rng: random.Random, plan: Plan, anchor: datetime) -> list[dict[str, Any]]:
    """Status steps and edits as JIRA histories, oldest first (ids are set by the caller)."""
    events: list[tuple[datetime, int, tuple[str, str, int], list[dict[str, Any]]]] = []
    for order, step in enumerate(plan.steps):
        items = [_status_item(step)]
        if step.to_status == DONE and step.from_status != "Closed":
            items.append(values.resolution_item())
            if plan.fields.get("fixVersions") and plan.issue_type != "Deployment":
                items.append(values.fix_version_item(plan.fields["fixVersions"][0]))
        events.append((step.at, order, step.author, items))
    last = plan.steps[-1].at if plan.steps else plan.created
    edit_end = min(anchor - timedelta(seconds=1), last + timedelta(days=plan.edit_days))
    span = max(0.0, (edit_end - plan.created).total_seconds())
    for order in range(plan.edits):
        at = plan.created + timedelta(seconds=rng.uniform(0, span))
        events.append((at, 1000 + order, rng.choice(AUTHORS), [values.edit_item(rng)]))
    events.sort(key=lambda event: (event[0], event[1]))
    return [{
        "id": "",
        "author": _user(author),
        "created": format_jira(at, author[2]),
        "items": items,
        "_at": at,
        "_offset": author[2],
    } for at, _, author, items in events]


def _status_item(step: Step) -> dict[str, Any]:
    old, new = status_ref(step.from_status), status_ref(step.to_status)
    return {"field": "status", "fieldtype": "jira", "fieldId": "status", "from": old["id"],
            "fromString": old["name"], "to": new["id"], "toString": new["name"]}


def _user(author: tuple[str, str, int]) -> dict[str, Any]:
    return {"accountId": author[0], "displayName": author[1], "active": True}
