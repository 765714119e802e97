"""A real JIRA Cloud search page with the section 5 example settings, by hand.

``fixtures/cloud-search-jql-page.json`` is a copy of the project's real Cloud
``/rest/api/3/search/jql`` page (milliseconds, offsets +0100 / +0530 / -0500, histories
newest first, a lowercase ``in progress`` initial status, non-status histories) and
``fixtures/settings-section5.json`` is METRICS.md section 5's example file verbatim.
``as_of`` 2026-05-20T00:00Z, 90 days: window [2026-02-19T00:00Z, 2026-05-20T00:00Z).
All durations below are in seconds, converted from the offsets by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.contract.support import (
    assert_same,
    assert_section6_types,
    by_type,
    headline,
    run_metrics,
    shares,
)

FIXTURES = Path(__file__).parent / "fixtures"
DAY = 86_400

# DEMO-5 (Bug): created 2026-04-02T22:49:50.003-0500 = 04-03T03:49:50.003Z, initial
# status "in progress" (the fromString of its earliest change; active, case-insensitive)
# -> started at creation. In Review 04-05T16:33:19.027+0530 = 11:03:19.027Z; Ready for
# QA 04-06T14:55:42.416-0500 = 19:55:42.416Z; Done 04-07T04:52:06.325Z.
DEMO5_IN_PROGRESS = 2 * DAY + 7 * 3600 + 13 * 60 + 29.024  # 04-03T03:49:50.003 -> 05T11:03:19.027
DEMO5_IN_REVIEW = DAY + 8 * 3600 + 52 * 60 + 23.389  # -> 04-06T19:55:42.416
DEMO5_READY_FOR_QA = 8 * 3600 + 56 * 60 + 23.909  # -> 04-07T04:52:06.325 (waiting)
DEMO5_FLOW = DEMO5_IN_PROGRESS + DEMO5_IN_REVIEW + DEMO5_READY_FOR_QA  # 4 d 01:02:16.322
# DEMO-8 (Story): created Backlog; In Progress 03-26T11:46:47.226+0100 = 10:46:47.226Z;
# In Review 03-27T05:41:51.589Z; Ready for QA 03-30T00:16:06.568+0530 = 03-29T18:46:06.568Z;
# Done 03-31T23:35:21.319Z.
DEMO8_IN_PROGRESS = 18 * 3600 + 55 * 60 + 4.363  # 03-26T10:46:47.226 -> 03-27T05:41:51.589
DEMO8_IN_REVIEW = 2 * DAY + 13 * 3600 + 4 * 60 + 14.979  # -> 03-29T18:46:06.568
DEMO8_READY_FOR_QA = 2 * DAY + 4 * 3600 + 49 * 60 + 14.751  # -> 03-31T23:35:21.319
DEMO8_FLOW = DEMO8_IN_PROGRESS + DEMO8_IN_REVIEW + DEMO8_READY_FOR_QA  # 5 d 12:48:34.093
ACTIVE = DEMO5_IN_PROGRESS + DEMO5_IN_REVIEW + DEMO8_IN_PROGRESS + DEMO8_IN_REVIEW

EXPECTED: dict[str, Any] = {
    "as_of": "2026-05-20T00:00:00+00:00",
    "period_days": 90,
    "issues": 4,
    "dora": {
        # DEMO-1: Production, failure "No", done 05-08T14:11:38.204+0530; its time is the
        # date field 05-08T09:36:18.443+0100 (inside). 1 / (90 / 7) = 7/90 < 7/30: low.
        "deployment_frequency": {"deployments": 1, "per_week": 7 / 90, "tier": "low"},
        # no change shares a fix version with DEMO-1 (v54.0): nothing to count
        "lead_time_for_changes": {"changes": 0, "median_hours": None, "p85_hours": None,
                                  "tier": None},
        "change_failure_rate": {"deployments": 1, "failed": 0, "percent": 0.0,
                                "tier": "elite"},
        # DEMO-4 is an incident still In Progress: no end
        "time_to_restore": {"incidents": 0, "median_hours": None, "p85_hours": None,
                            "tier": None},
    },
    "flow": {
        # DEMO-8 done 03-31, DEMO-5 done 04-07; DEMO-1 is a deployment record
        "velocity": {"completed": 2, "per_week": 2 / (90 / 7),
                     "by_type": by_type(feature=1, defect=1)},
        "time": {"items": 2, "unstarted": 0,
                 "median_days": (DEMO5_FLOW + DEMO8_FLOW) / 2 / DAY,
                 "p85_days": (DEMO5_FLOW + 0.85 * (DEMO8_FLOW - DEMO5_FLOW)) / DAY,
                 "p95_days": (DEMO5_FLOW + 0.95 * (DEMO8_FLOW - DEMO5_FLOW)) / DAY},
        "efficiency": {"percent": ACTIVE / (DEMO5_FLOW + DEMO8_FLOW) * 100},
        "load": {"wip": 1, "by_status": {"In Progress": 1}},  # DEMO-4
        "distribution": shares(feature=1, defect=1),
    },
}


def test_real_cloud_page_with_the_section_5_settings(tmp_path: Path) -> None:
    settings = json.loads((FIXTURES / "settings-section5.json").read_text())
    settings["dora"]["deployments"]["date_field"] = "customfield_10060"
    page = json.loads((FIXTURES / "cloud-search-jql-page.json").read_text())
    output = run_metrics(tmp_path, settings, page, as_of="2026-05-20T00:00:00Z", days=90)
    # the hand arithmetic: 4 d 01:02:16.322 and 5 d 12:48:34.093 of flow time
    assert DEMO5_FLOW == 4 * DAY + 3736.322
    assert abs(DEMO8_FLOW - (5 * DAY + 46114.093)) < 1e-6
    assert_same(headline(output), EXPECTED)
    assert_section6_types(output)
