"""A hand-worked release scope for the scope forecast tests (METRICS.md section 9).

The window is ``[2026-01-18, 2026-02-01)`` (14 days, two weekly buckets ending
2026-01-25 and 2026-02-01). Throughput is built so that every day of the window has
exactly 2 completed flow items worth 3 points: then every trial needs the same number
of days and the dates are exact, ``ceil(remaining / 2)`` (items) and
``ceil(remaining / 3)`` (points) days after ``as_of``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from configuration.settings import ForecastSettings, Settings
from tests.builders import issue, version
from tests.data.metrics.support import WORKFLOW

AS_OF = "2026-02-01T00:00:00+00:00"
DAYS = 14
POINTS = "customfield_10016"
SETTINGS = Settings(workflow=WORKFLOW, forecast=ForecastSettings(points_field=POINTS))
RELEASE = version("200", "2.0", released=False, release_date="2026-02-10")
WINDOW_START = datetime(2026, 1, 18, tzinfo=UTC)


def done_on(key: str, when: datetime, points: float | None, *, scoped: bool = False,
            created: str = "2026-01-01T00:00:00.000+0000") -> dict[str, Any]:
    """A story completed at ``when`` (to In Progress a day earlier)."""
    return issue(key, created=created, transitions=[
        (when - timedelta(days=1), "To Do", "In Progress"),
        (when, "In Progress", "Done"),
    ], fix_versions=[RELEASE] if scoped else (),
        fields={} if points is None else {POINTS: points})


def steady_throughput(skip: dict[datetime, float] | None = None) -> list[dict[str, Any]]:
    """Two items worth 1 + 2 points completed at noon on each day of the window.

    ``skip`` maps a day to the points of the one item kept that day (a scope item
    completing that day supplies the other).
    """
    skip = skip or {}
    raw = []
    for n in range(DAYS):
        noon = WINDOW_START + timedelta(days=n, hours=12)
        day = noon.replace(hour=0)
        if day in skip:
            raw.append(done_on(f"T-{n}-a", noon, skip[day]))
            continue
        raw.append(done_on(f"T-{n}-a", noon, 1))
        raw.append(done_on(f"T-{n}-b", noon, 2.0))
    return raw


def release_scope() -> list[dict[str, Any]]:
    """Version 2.0: S-1 .. S-5 are its flow items; S-6 is a deployment, S-7 is future.

    S-1 done 01-20 (3 points), S-2 in progress (8), S-3 created 01-26, done 01-28 (2),
    S-4 created 01-27 (no points: 0, label "later"), S-5 done 01-22 then reopened 01-29 (1).
    """
    jan = lambda day, hour=12: datetime(2026, 1, day, hour, tzinfo=UTC)  # noqa: E731
    return [
        done_on("S-1", jan(20), 3, scoped=True),
        issue("S-2", created="2026-01-10T00:00:00.000+0000", fix_versions=[RELEASE],
              transitions=[(jan(19), "To Do", "In Progress")], fields={POINTS: 8}),
        done_on("S-3", jan(28), 2, scoped=True, created="2026-01-26T00:00:00.000+0000"),
        issue("S-4", created="2026-01-27T00:00:00.000+0000", fix_versions=[RELEASE],
              fields={"labels": ["later"]}),
        issue("S-5", created="2026-01-12T00:00:00.000+0000", fix_versions=[RELEASE],
              transitions=[(jan(21), "To Do", "In Progress"), (jan(22), "In Progress", "Done"),
                           (jan(29), "Done", "In Progress")], fields={POINTS: 1}),
        issue("S-6", type="Deployment", created="2026-01-10T00:00:00.000+0000",
              fix_versions=[RELEASE], transitions=[(jan(25), "To Do", "Done")]),
        issue("S-7", created="2026-02-02T00:00:00.000+0000", fix_versions=[RELEASE]),
    ]


def release_raw() -> list[dict[str, Any]]:
    """Steady throughput plus the release scope.

    S-1 and S-3 complete on 01-20 and 01-28 with 3 and 2 points: the throughput item
    kept on those days has 0 and 1 point, so every day is still 2 items, 3 points.
    """
    skip = {datetime(2026, 1, 20, tzinfo=UTC): 0, datetime(2026, 1, 28, tzinfo=UTC): 1}
    return steady_throughput(skip) + release_scope()
