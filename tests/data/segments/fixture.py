"""A hand-worked segment fixture (METRICS.md section 8).

"Ann" is Ann Lee, "cf" is customfield_10042.
``as_of`` 2026-03-31T00:00Z, 28 days: window [03-03, 03-31). Every issue is created
03-01 unless said otherwise; "IP" is In Progress. Fields per issue:

| key | type | status | component | labels | priority | assignee | parent | cf | fix |
| S-1 | Story | IP 03-05, Done 03-07 | API | alpha,beta | High | Ann <ann@x.io> | EP-1 | Red | v1
| S-2 | Story | IP 03-10, Done 03-14 (4 d) | API, Web | beta | Low | Bob (no mail) | - | Blue | v2 |
| B-3 | Bug | IP 03-20, Done 03-21 (1 d) | - | - | - | - | EP-1 | - | - |
| S-4 | Story | IP 03-25 (WIP) | Web | - | Medium | Ann Lee | - | - | - |
| D-1 | Deployment | Done 03-08 | - | - | Medium | - | - | - | v1 |
| D-2 | Deployment | Done 03-15, failed | Web | - | Medium | - | - | - | v2 |
| I-1 | Incident | created 03-16, Done 03-16T06:00 (6 h) | API | - | Medium | - | - | - | - |

Lead times: S-1 03-05 -> D-1 03-08 = 72 h; S-2 03-10 -> D-2 03-15 = 120 h. I-1 never
started (To Do -> Done): a completed flow item that is "unstarted".
"""

from __future__ import annotations

from typing import Any

from configuration.settings import DeploymentSettings, DoraSettings, Settings
from data.issues.frames import SEGMENT_FIELDS
from data.issues.normalize import normalize_issues
from tests.builders import issue, named, option, version
from tests.data.metrics.support import WORKFLOW

AS_OF = "2026-03-31T00:00:00+00:00"
DAYS = 28
FAILED, COLOUR = "customfield_10051", "customfield_10042"
V1, V2 = version("1", "v1"), version("2", "v2")
ANN = {"accountId": "a1", "displayName": "Ann Lee", "emailAddress": "ann@x.io"}
BOB = {"accountId": "b1", "displayName": "Bob"}
EPIC = {"id": "900", "key": "EP-1", "fields": {"summary": "Checkout epic"}}
SETTINGS = Settings(
    workflow=WORKFLOW,
    dora=DoraSettings(deployments=DeploymentSettings(failure_field=FAILED)),
    filter_fields=(COLOUR,),
)


def _t(day: str, time: str = "00:00") -> str:
    return f"2026-{day}T{time}:00.000+0000"


def _done(key: str, kind: str, start: str | None, done: str | None, *,
          fix: tuple = (), created: str = "03-01", **fields: Any) -> dict:
    steps = []
    if start:
        steps.append((_t(start), "To Do", "In Progress"))
    if done:
        steps.append((_t(*done.split(" ")), steps[-1][2] if steps else "To Do", "Done"))
    return issue(key, kind, _t(created), transitions=steps, fix_versions=list(fix),
                 fields={"priority": {"name": "Medium"}, **fields})


RAW = [
    _done("S-1", "Story", "03-05", "03-07", fix=(V1,), components=[named("API")],
          labels=["alpha", "beta"], priority={"name": "High"}, assignee=ANN, parent=EPIC,
          **{COLOUR: option("Red")}),
    _done("S-2", "Story", "03-10", "03-14", fix=(V2,),
          components=[named("API"), named("Web")], labels=["beta"], priority={"name": "Low"},
          assignee=BOB, **{COLOUR: option("Blue")}),
    _done("B-3", "Bug", "03-20", "03-21", priority=None, parent=EPIC),
    _done("S-4", "Story", "03-25", None, components=[named("Web")], assignee=ANN),
    _done("D-1", "Deployment", None, "03-08", fix=(V1,)),
    _done("D-2", "Deployment", None, "03-15", fix=(V2,), components=[named("Web")],
          **{FAILED: option("Yes")}),
    _done("I-1", "Incident", None, "03-16 06:00", created="03-16", components=[named("API")]),
]


def frames() -> Any:
    return normalize_issues(RAW, (*SETTINGS.mapped_field_ids(), *SEGMENT_FIELDS, COLOUR))
