"""Field values of the demo issues: versions, options, custom fields and field edits.

Terms:

- *weekly version*: ``v<n>.0``, one per week of the demo period; released (with a
  ``releaseDate``) once its week has ended before the anchor. One released version
  has no ``releaseDate`` and the last two are unreleased, so every rule on versions
  in METRICS.md section 4 has something to bite on.
- *option*: JIRA's select-list value ``{"value": ..., "id": ...}``. The demo writes
  the same custom field as an option, a plain string or a list, on purpose.
- *edit*: a changelog item that is not a status change (labels, priority, story
  points, assignee, summary), so histories are not all status moves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from data.simulator.demo_workflows import AUTHORS

PRODUCTION = {"value": "Production", "id": "10100"}
STAGING = {"value": "Staging", "id": "10101"}
FAILED = {"value": "Yes", "id": "10110"}
SUCCEEDED = {"value": "No", "id": "10111"}
PRIORITIES = (("1", "Highest"), ("2", "High"), ("3", "Medium"), ("4", "Low"), ("5", "Lowest"))
LABELS = ("backend", "frontend", "api", "ux", "infra", "mobile", "data")
TEAMS = ("payments", "search", "platform", "growth")
_VERBS = ("Add", "Fix", "Improve", "Refactor", "Remove", "Speed up", "Document", "Harden")
_NOUNS = ("checkout flow", "search index", "login page", "export job", "billing API",
          "audit log", "notification service", "report builder", "onboarding wizard")
NO_DATE_VERSION = 2  # week index of the released version without a releaseDate


@dataclass(frozen=True)
class WeeklyVersion:
    index: int
    ends: datetime  # the end of its week: the release instant when released

    def ref(self, anchor: datetime) -> dict[str, Any]:
        """The version object as issues carry it in ``fixVersions`` / ``versions``."""
        released = self.ends <= anchor
        version: dict[str, Any] = {
            "id": str(20001 + self.index),
            "name": f"v{self.index + 1}.0",
            "archived": False,
            "released": released,
        }
        planned_far = self.ends - anchor > timedelta(days=7)
        if self.index != NO_DATE_VERSION and not planned_far:
            # date-only: the day before ``ends``, whose end (METRICS section 1) is ``ends``
            version["releaseDate"] = (self.ends - timedelta(days=1)).date().isoformat()
        return version


def weekly_versions(start: datetime, anchor: datetime) -> list[WeeklyVersion]:
    """One version per week from ``start``, plus the next, unplanned one."""
    weeks = (anchor - start).days // 7 + 1
    return [WeeklyVersion(w, start + timedelta(days=7 * (w + 1))) for w in range(weeks + 1)]


def version_at(versions: list[WeeklyVersion], moment: datetime) -> WeeklyVersion:
    """The version whose week contains ``moment`` (clamped to the known weeks)."""
    for version in versions:
        if moment < version.ends:
            return version
    return versions[-1]


def summary(rng: random.Random, issue_type: str) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)} ({issue_type.lower()})"


def priority(rng: random.Random) -> dict[str, str]:
    priority_id, name = rng.choices(PRIORITIES, cum_weights=(1, 4, 10, 13, 14))[0]
    return {"id": priority_id, "name": name}


def environment(rng: random.Random, production_share: float) -> Any:
    """Environment as an option, a one-element list, or a plain string."""
    if rng.random() < production_share:
        return [dict(PRODUCTION)] if rng.random() < 0.12 else dict(PRODUCTION)
    return "Staging" if rng.random() < 0.7 else dict(STAGING)


def failure(rng: random.Random, failed: bool) -> Any:
    """Deployment Failed: an option mostly, sometimes a plain string, rarely missing."""
    roll = rng.random()
    if roll < 0.05 and not failed:
        return None
    if roll < 0.15:
        return "Yes" if failed else "No"
    return dict(FAILED if failed else SUCCEEDED)


def edit_item(rng: random.Random) -> dict[str, Any]:
    """A random non-status changelog item."""
    kind = rng.randrange(5)
    if kind == 0:
        return _item("labels", "jira", "labels", (None, ""), (None, rng.choice(LABELS)))
    if kind == 1:
        (old_id, old), (new_id, new) = rng.sample(PRIORITIES, 2)
        return _item("priority", "jira", "priority", (old_id, old), (new_id, new))
    if kind == 2:
        old, new = rng.sample(("1", "2", "3", "5", "8", "13"), 2)
        return _item("Story Points", "custom", "customfield_10016", (None, old), (None, new))
    if kind == 3:
        account, name, _ = rng.choice(AUTHORS)
        return _item("assignee", "jira", "assignee", (None, None), (account, name))
    return _item("summary", "jira", "summary", (None, "Draft"), (None, "Refined summary"))


def fix_version_item(version: dict[str, Any]) -> dict[str, Any]:
    added = (version["id"], version["name"])
    return _item("Fix Version", "jira", "fixVersions", (None, None), added)


def resolution_item() -> dict[str, Any]:
    return _item("resolution", "jira", "resolution", (None, None), ("10000", "Done"))


def _item(field: str, fieldtype: str, field_id: str, old: tuple[str | None, str | None],
          new: tuple[str | None, str | None]) -> dict[str, Any]:
    """A changelog item; ``old``/``new`` are (raw id, display text) pairs."""
    return {"field": field, "fieldtype": fieldtype, "fieldId": field_id, "from": old[0],
            "fromString": old[1], "to": new[0], "toString": new[1]}
