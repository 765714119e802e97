"""How demo issues move through the workflow: scenarios, routes and their timing.

Terms:

- *scenario*: a named shape of an issue's life (``normal``, ``blocked``,
  ``reopened``, ``skipped`` ...), each exercising a rule of METRICS.md section 2.
- *route*: the initial status and the statuses the issue then moves to, in order.
- *step*: one status change at an instant, by an author; steps at or after the
  anchor are dropped, which leaves recent issues in progress (the demo's WIP).

The workflow is To Do -> In Progress -> In Review -> Ready for QA -> Done (-> Closed),
with Blocked as a waiting state. Everything is drawn from one ``random.Random`` so
the same seed gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

TODO, PROGRESS, REVIEW, QA, BLOCKED, DONE, CLOSED = (
    "To Do", "In Progress", "In Review", "Ready for QA", "Blocked", "Done", "Closed")

# (account id, display name, UTC offset in minutes): offsets other than +0000 on purpose.
AUTHORS = (
    ("acc-1", "Dev One", 0),
    ("acc-2", "Priya Raman", 330),
    ("acc-3", "Ana Costa", 60),
    ("acc-4", "Sam Miller", -300),
    ("acc-5", "Kenji Sato", 540),
    ("acc-6", "Lea Weber", 120),
)

# scenario -> (weight, initial status, route)
SCENARIOS: dict[str, tuple[int, str, tuple[str, ...]]] = {
    "normal": (38, TODO, (PROGRESS, REVIEW, QA, DONE)),
    "closed": (8, TODO, (PROGRESS, REVIEW, QA, DONE, CLOSED)),
    "blocked": (10, TODO, (PROGRESS, BLOCKED, PROGRESS, REVIEW, QA, DONE)),
    "backward": (9, TODO, (PROGRESS, REVIEW, PROGRESS, REVIEW, QA, DONE)),
    "back_to_todo": (3, TODO, (PROGRESS, TODO, PROGRESS, REVIEW, DONE)),
    "reopened": (5, TODO, (PROGRESS, REVIEW, QA, DONE, PROGRESS, REVIEW, DONE)),
    "reopened_open": (2, TODO, (PROGRESS, REVIEW, DONE, PROGRESS)),
    "skipped": (4, TODO, (DONE,)),
    "created_in_progress": (2, PROGRESS, ()),
    "created_in_progress_done": (2, PROGRESS, (REVIEW, DONE)),
    "not_started": (7, TODO, ()),
    "blocked_now": (2, TODO, (PROGRESS, BLOCKED)),
    "long": (2, TODO, (PROGRESS, REVIEW, PROGRESS, BLOCKED, PROGRESS, REVIEW, QA, PROGRESS,
                       REVIEW, QA, DONE)),
    "automation": (1, TODO, (PROGRESS, DONE)),
}
# Mean hours spent in a status before the next move.
_DWELL_HOURS = {TODO: 72.0, PROGRESS: 60.0, REVIEW: 20.0, QA: 24.0, BLOCKED: 72.0,
                DONE: 96.0, CLOSED: 24.0}


@dataclass(frozen=True)
class Step:
    """One status change."""

    at: datetime
    from_status: str
    to_status: str
    author: tuple[str, str, int]


def pick_scenario(rng: random.Random, created: datetime, anchor: datetime) -> str:
    """A weighted scenario; issues left in progress since creation are kept recent."""
    names = list(SCENARIOS)
    scenario = rng.choices(names, weights=[SCENARIOS[n][0] for n in names])[0]
    if scenario == "created_in_progress" and anchor - created > timedelta(days=30):
        return "created_in_progress_done"
    return scenario


def dwell(rng: random.Random, status: str, scale: float = 1.0) -> timedelta:
    """A random time spent in ``status`` (exponential, at least six minutes)."""
    hours = rng.expovariate(1.0 / (_DWELL_HOURS[status] * scale))
    return timedelta(hours=0.1 + hours, milliseconds=rng.randrange(1000))


def walk(rng: random.Random, scenario: str, created: datetime, anchor: datetime,
         scale: float = 1.0) -> tuple[str, list[Step]]:
    """The initial status and the steps (before ``anchor``) of one issue."""
    _, initial, route = SCENARIOS[scenario]
    steps: list[Step] = []
    current, at = initial, created
    for target in route:
        if not (scenario == "automation" and target == DONE):  # automation: same instant
            at += dwell(rng, current, scale)
        if at >= anchor:
            break
        steps.append(Step(at, current, target, rng.choice(AUTHORS)))
        current = target
    return initial, steps


def walk_fast(rng: random.Random, created: datetime, anchor: datetime,
              minutes: tuple[float, float], skip_start: bool = False) -> list[Step]:
    """Deployments and incidents: To Do -> In Progress -> Done within ``minutes``."""
    route = (DONE,) if skip_start else (PROGRESS, DONE)
    steps, current, at = [], TODO, created
    for target in route:
        at += timedelta(minutes=rng.uniform(*minutes) / len(route),
                        milliseconds=rng.randrange(1000))
        if at >= anchor:
            break
        steps.append(Step(at, current, target, rng.choice(AUTHORS)))
        current = target
    return steps


def completed_at(initial: str, steps: list[Step]) -> datetime | None:
    """JIRA's resolution date: the last move into a done status, if the issue is done now."""
    done = (DONE, CLOSED)
    final = steps[-1].to_status if steps else initial
    if final not in done:
        return None
    moves = [s.at for s in steps if s.to_status in done and s.from_status not in done]
    return moves[-1] if moves else None
