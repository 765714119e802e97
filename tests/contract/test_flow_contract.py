"""Flow metrics, weekly series and cumulative flow through the real command line.

One hand-made project (``FLOW_ISSUES``), ``as_of`` 2026-03-31T00:00Z and 28 days:
the window is [2026-03-03T00:00Z, 2026-03-31T00:00Z) and the four weekly buckets are
[03-03, 03-10), [03-10, 03-17), [03-17, 03-24), [03-24, 03-31). Every expected value
below is worked out by hand from METRICS.md sections 1-3 and 7; the arithmetic is in
the comments. Times are UTC unless an offset is written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from math import comb
from typing import Any

import pytest

from tests.builders import issue, search_page
from tests.contract.support import (
    assert_same,
    by_type,
    empty_dora,
    headline,
    run_metrics,
    settings_file,
    shares,
)

AS_OF = "2026-03-31T00:00:00+00:00"


def stamp(day: str, clock: str = "00:00", offset: str = "+0000") -> str:
    """A JIRA timestamp on 2026-``day`` (``MM-DD``) at ``clock`` with ``offset``."""
    return f"2026-{day}T{clock}:00.000{offset}"


FLOW_ISSUES = [
    # F-1 Story (feature). Start 03-02T09:00+0100 = 08:00Z; Done 03-04T08:00Z.
    # flow time 48 h = 2.0 d, all of it In Progress (active 2.0 d). Newest first.
    issue("F-1", "Story", stamp("03-01", "08:00"), transitions=[
        (stamp("03-02", "09:00", "+0100"), "To Do", "In Progress"),
        (stamp("03-04", "08:00"), "In Progress", "Done"),
    ]),
    # F-2 Bug (defect), reopened, histories oldest first. Start 03-05T10; Done 03-06T10;
    # reopened 03-07T10; Blocked 03-08T10; In Progress 03-09T10; Done 03-10T10.
    # completed_at = the LAST move into done = 03-10T10 -> flow time 5.0 d.
    # active: 05T10-06T10 (24 h) + 07T10-08T10 (24 h) + 09T10-10T10 (24 h) = 3.0 d;
    # the day in Done and the day Blocked count as waiting.
    issue("F-2", "Bug", stamp("03-05"), newest_first=False, transitions=[
        (stamp("03-05", "10:00"), "To Do", "In Progress"),
        (stamp("03-06", "10:00"), "In Progress", "Done"),
        (stamp("03-07", "10:00"), "Done", "In Progress"),
        (stamp("03-08", "10:00"), "In Progress", "Blocked"),
        (stamp("03-09", "10:00"), "Blocked", "In Progress"),
        (stamp("03-10", "10:00"), "In Progress", "Done"),
    ]),
    # F-3 Story: start 03-11T06:00-0500 = 11:00Z (In Review is active); Done 03-12T11:00Z;
    # Done -> Closed 03-13 does not move completion. flow 1.0 d, active 1.0 d.
    issue("F-3", "Story", stamp("03-11"), transitions=[
        (stamp("03-11", "06:00", "-0500"), "To Do", "In Review"),
        (stamp("03-12", "11:00"), "In Review", "Done"),
        (stamp("03-13", "11:00"), "Done", "Closed"),
    ]),
    # F-4 Tech Debt (debt): To Do -> Done on 03-15T00, never started -> unstarted.
    issue("F-4", "Tech Debt", stamp("03-14"), transitions=[
        (stamp("03-15"), "To Do", "Done"),
    ]),
    # F-5 Vulnerability (risk), backward move: start 03-16T12 (kept after going back to
    # To Do 03-17T12); Ready for QA 03-18T12; In Progress 03-19T12; Done 03-20T00.
    # flow 03-16T12 -> 03-20T00 = 84 h = 3.5 d; active 24 h + 12 h = 1.5 d.
    issue("F-5", "Vulnerability", stamp("03-16"), transitions=[
        (stamp("03-16", "12:00"), "To Do", "In Progress"),
        (stamp("03-17", "12:00"), "In Progress", "To Do"),
        (stamp("03-18", "12:00"), "To Do", "Ready for QA"),
        (stamp("03-19", "12:00"), "Ready for QA", "In Progress"),
        (stamp("03-20"), "In Progress", "Done"),
    ]),
    # F-6 Story created in progress at 03-21T00:00+0530 = 03-20T18:30Z: started_at is
    # the creation time. Done 03-22T18:30Z -> flow 2.0 d, active 2.0 d.
    issue("F-6", "Story", stamp("03-21", "00:00", "+0530"), transitions=[
        (stamp("03-22", "18:30"), "In Progress", "Done"),
    ]),
    # F-7 Epic (unmapped type -> other), created In Progress 03-25, no changelog: WIP.
    issue("F-7", "Epic", stamp("03-25"), status="In Progress"),
    # F-8 Story Blocked (waiting) since 02-22: WIP at every instant of the window.
    issue("F-8", "Story", stamp("02-20"), transitions=[
        (stamp("02-21"), "To Do", "In Progress"),
        (stamp("02-22"), "In Progress", "Blocked"),
    ]),
    # F-9 Story: In Progress 03-26; its Done at exactly as_of is not applied -> WIP,
    # not completed.
    issue("F-9", "Story", stamp("03-25"), transitions=[
        (stamp("03-26"), "To Do", "In Progress"),
        (stamp("03-31"), "In Progress", "Done"),
    ]),
    # F-10 Story created at as_of: ignored (not in `issues`, nowhere).
    issue("F-10", "Story", stamp("03-31"), status="Done"),
    # F-11 Story completed 02-03, before the window: not counted, not WIP.
    issue("F-11", "Story", stamp("02-01"), transitions=[
        (stamp("02-02"), "To Do", "In Progress"),
        (stamp("02-03"), "In Progress", "Done"),
    ]),
    # F-12 Bug completed at 03-03T00:00Z exactly = window start (inclusive), first
    # bucket. flow 1.0 d, active 1.0 d.
    issue("F-12", "Bug", stamp("03-01"), transitions=[
        (stamp("03-02"), "To Do", "In Progress"),
        (stamp("03-03"), "In Progress", "Done"),
    ]),
    # F-13 Story reopened and In Review at as_of: not completed, WIP.
    issue("F-13", "Story", stamp("03-01"), transitions=[
        (stamp("03-02"), "To Do", "In Progress"),
        (stamp("03-04"), "In Progress", "Done"),
        (stamp("03-05"), "Done", "In Review"),
    ]),
    # F-14 Story created Done on 03-26, no changelog: completed at creation, unstarted.
    issue("F-14", "Story", stamp("03-26"), status="Done"),
    # F-15 Deployment record (no environment value, so not a deployment): never a flow
    # item, but counted in `issues`.
    issue("F-15", "Deployment", stamp("03-10"), transitions=[
        (stamp("03-10", "01:00"), "To Do", "In Progress"),
        (stamp("03-10", "02:00"), "In Progress", "Done"),
    ]),
    # F-16 Story: In Progress at its creation 03-23T00; Done at 03-24T00:00Z exactly,
    # a bucket edge -> the later bucket [03-24, 03-31). flow 1.0 d, active 1.0 d.
    issue("F-16", "Story", stamp("03-23"), transitions=[
        (stamp("03-23"), "To Do", "In Progress"),
        (stamp("03-24"), "In Progress", "Done"),
    ]),
]

FLOW_SETTINGS = settings_file(
    deployments={"environment_field": "customfield_10050", "production_values": ["Production"]},
)

# Completed in the window (F-12, F-1, F-2, F-3, F-4, F-5, F-6, F-16, F-14): 9 items,
# feature F-1 F-3 F-6 F-14 F-16 = 5, defect F-2 F-12 = 2, risk F-5, debt F-4.
# Measured flow times (days) sorted: 1 (F-3), 1 (F-12), 1 (F-16), 2 (F-1), 2 (F-6),
# 3.5 (F-5), 5 (F-2); unstarted F-4, F-14.
# median = 4th of 7 = 2.0; p85: h = 0.85 * 6 = 5.1 -> 3.5 + 0.1 * 1.5 = 3.65;
# p95: h = 5.7 -> 3.5 + 0.7 * 1.5 = 4.55.
# efficiency: active 2 + 3 + 1 + 1.5 + 2 + 1 + 1 = 11.5 d over 15.5 d of flow time.
# WIP at as_of: F-7, F-9 In Progress; F-13 In Review; F-8 Blocked.
FLOW_EXPECTED_FLOW = {
    "velocity": {"completed": 9, "per_week": 9 / (28 / 7),
                 "by_type": by_type(feature=5, defect=2, risk=1, debt=1)},
    "time": {"items": 7, "unstarted": 2, "median_days": 2.0, "p85_days": 3.65,
             "p95_days": 4.55},
    "efficiency": {"percent": 11.5 / 15.5 * 100},
    "load": {"wip": 4, "by_status": {"In Progress": 2, "In Review": 1, "Blocked": 1}},
    "distribution": shares(feature=5, defect=2, risk=1, debt=1),
}


@pytest.fixture(scope="module")
def flow_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # as_of given with a +02:00 offset: 02:00+02:00 is 00:00Z
    return run_metrics(tmp_path_factory.mktemp("flow"), FLOW_SETTINGS, FLOW_ISSUES,
                       as_of="2026-03-31T02:00:00+02:00", days=28)


def test_flow_headline_matches_hand_calculation(flow_output: dict[str, Any]) -> None:
    expected = {
        "as_of": AS_OF,
        "period_days": 28,
        "issues": 15,  # 16 issues minus F-10 (created at as_of); F-15 counts
        "dora": empty_dora(),  # F-15 has no production value: no deployment at all
        "flow": FLOW_EXPECTED_FLOW,
    }
    assert_same(headline(flow_output), expected)


# Buckets (section 7): completions per bucket, measured flow times, active days.
# B1 [03-03, 03-10): F-12 (03-03T00, 1 d), F-1 (2 d) -> median 1.5, eff 3/3.
# B2 [03-10, 03-17): F-2 (5 d, active 3), F-3 (1 d), F-4 unstarted -> median 3.0,
#    eff (3 + 1) / (5 + 1).
# B3 [03-17, 03-24): F-5 (3.5 d, active 1.5), F-6 (2 d) -> median 2.75,
#    eff 3.5 / 5.5.
# B4 [03-24, 03-31): F-16 (done at 03-24T00, the bucket edge), F-14 unstarted ->
#    median 1.0, eff 100.
# WIP at each bucket end (changes strictly before it, items created before it):
# 03-10T00: F-2 In Progress, F-8, F-13 = 3; 03-17T00: F-5 In Progress, F-8, F-13 = 3;
# 03-24T00: F-16 (its Done at 03-24T00 not applied yet), F-8, F-13 = 3; as_of: 4.
FLOW_SERIES = {
    "week_start": [f"2026-03-{d:02d}T00:00:00+00:00" for d in (3, 10, 17, 24)],
    "week_end": [f"2026-03-{d:02d}T00:00:00+00:00" for d in (10, 17, 24, 31)],
    "deployments": [0, 0, 0, 0],
    "lead_time_median_hours": [None] * 4,
    "change_failure_percent": [None] * 4,
    "restore_median_hours": [None] * 4,
    "completed": [2, 3, 2, 2],
    "throughput_by_type": {"feature": [1, 1, 1, 2], "defect": [1, 1, 0, 0],
                           "risk": [0, 0, 1, 0], "debt": [0, 1, 0, 0],
                           "other": [0, 0, 0, 0]},
    "flow_time_median_days": [1.5, 3.0, 2.75, 1.0],
    "efficiency_percent": [100.0, 4 / 6 * 100, 3.5 / 5.5 * 100, 100.0],
    "wip": [3, 3, 3, 4],
}


def weekly(series: dict[str, Any]) -> dict[str, Any]:
    """The section 7 weekly series, without section 9's burn-up (checked below)."""
    return {key: value for key, value in series.items() if key != "burnup"}


def test_weekly_series_buckets_edges_and_wip(flow_output: dict[str, Any]) -> None:
    assert_same(weekly(flow_output["series"]), FLOW_SERIES)


def test_burn_up_without_a_scope_filter_is_the_cumulative_flow_at_each_week_end(
    flow_output: dict[str, Any],
) -> None:
    # Section 9 with an empty scope filter: every flow item. At a bucket end (a UTC
    # midnight here) "created before it" and "done at it" are the cumulative flow's
    # total and done column of the day that ends there.
    burnup, cfd = flow_output["series"]["burnup"], flow_output["cumulative_flow"]
    assert burnup["week_end"] == FLOW_SERIES["week_end"]
    for end, total, done in zip(burnup["week_end"], burnup["total"], burnup["done"],
                                strict=True):
        day = cfd["days"].index((datetime.fromisoformat(end) - timedelta(days=1)).date()
                                .isoformat())
        column = [cfd["counts"][state][day] for state in cfd["counts"]]
        assert (total, done) == (sum(column), cfd["counts"]["done"][day])


@pytest.fixture(scope="module")
def flow_output_30_days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return run_metrics(tmp_path_factory.mktemp("flow30"), FLOW_SETTINGS, FLOW_ISSUES,
                       as_of=AS_OF, days=30)


def test_buckets_start_at_as_of_minus_whole_weeks(flow_output_30_days: dict[str, Any]) -> None:
    # 30 days hold 4 whole weeks: the first bucket starts at as_of - 28 d = 03-03,
    # not at the window start 03-01; the buckets (and so the series) are unchanged.
    assert_same(weekly(flow_output_30_days["series"]), FLOW_SERIES)
    # the window [03-01, 03-31) adds no completion (F-11 is 02-03): 9 / (30 / 7)
    velocity = flow_output_30_days["flow"]["velocity"]
    assert_same(velocity["per_week"], 9 / (30 / 7))
    assert flow_output_30_days["period_days"] == 30


# Cumulative flow: state of every flow item (not F-15) created before each day end.
CFD_COLUMNS = ["not started", "In Progress", "In Review", "Blocked", "Ready for QA", "done"]
CFD_DAYS = {
    # end 03-04T00: F-1 In Progress; F-13's Done at 03-04T00 not applied -> In Progress;
    # F-8 Blocked; F-11, F-12 done.
    "2026-03-03": [0, 2, 0, 1, 0, 2],
    # end 03-10T00: F-2 In Progress, F-13 In Review, F-8 Blocked; F-1 F-11 F-12 done.
    "2026-03-09": [0, 1, 1, 1, 0, 3],
    # end 03-15T00: F-4 To Do (its Done at 03-15T00 not applied); F-13, F-8;
    # done F-1 F-2 F-3 (Closed) F-11 F-12.
    "2026-03-14": [1, 0, 1, 1, 0, 5],
    # end 03-19T00: F-5 Ready for QA (after going back to To Do); F-13, F-8;
    # done F-1 F-2 F-3 F-4 F-11 F-12.
    "2026-03-18": [0, 0, 1, 1, 1, 6],
    # last day ends at as_of: F-7, F-9 In Progress; F-13; F-8; 10 done.
    "2026-03-30": [0, 2, 1, 1, 0, 10],
}


def test_cumulative_flow_counts_at_day_ends(flow_output: dict[str, Any]) -> None:
    cfd = flow_output["cumulative_flow"]
    assert cfd["states"] == CFD_COLUMNS
    # as_of is a UTC midnight: exactly 28 days, 03-03 .. 03-30
    assert cfd["days"][0] == "2026-03-03"
    assert cfd["days"][-1] == "2026-03-30"
    assert len(cfd["days"]) == 28
    for day, counts in CFD_DAYS.items():
        row = cfd["days"].index(day)
        assert [cfd["counts"][state][row] for state in CFD_COLUMNS] == counts, day


def test_aging_wip_ages_from_started_at(flow_output: dict[str, Any]) -> None:
    # age = as_of - started_at: F-8 02-21 -> 38 d, F-13 03-02 -> 29 d, F-7 (created
    # In Progress 03-25) -> 6 d, F-9 03-26 -> 5 d; drawn against the window's flow times.
    aging = flow_output["aging_wip"]
    ages = {item["key"]: (item["status"], item["age_days"]) for item in aging["items"]}
    assert ages == {"F-8": ("Blocked", 38.0), "F-13": ("In Review", 29.0),
                    "F-7": ("In Progress", 6.0), "F-9": ("In Progress", 5.0)}
    assert_same(aging["flow_time"], {"items": 7, "p50_days": 2.0, "p85_days": 3.65,
                                     "p95_days": 4.55})


# Monte Carlo: the daily samples are 28 UTC days with one completion on 9 of them
# (03-03, 03-04, 03-10, 03-12, 03-15, 03-20, 03-22, 03-24, 03-26), so a day completes
# one item with p = 9/28. The sum of D draws is Binomial(D, p) and the days to reach
# N follow a negative binomial: the exact quantiles of those laws are what 10,000
# trials estimate. SAMPLING allows for the trials' error (sd of a share <= 0.005).
P_DAY = 9 / 28
SAMPLING = 0.015


def _at_most(draws: int, items: int) -> float:
    """P(Binomial(draws, P_DAY) <= items), written out."""
    return sum(comb(draws, k) * P_DAY**k * (1 - P_DAY) ** (draws - k)
               for k in range(items + 1))


def test_forecast_samples_are_daily_completions(flow_output: dict[str, Any]) -> None:
    forecast = flow_output["forecast"]
    assert forecast["sample_days"] == 28
    assert forecast["completed_in_window"] == 9
    assert_same(forecast["mean_per_day"], 9 / 28)
    assert forecast["trials"] == 10_000


@pytest.mark.parametrize("days", [14, 30])
@pytest.mark.parametrize("confidence", [0.5, 0.85, 0.95])
def test_how_many_is_the_one_minus_c_quantile(
    flow_output: dict[str, Any], days: int, confidence: float
) -> None:
    # "at least X items with confidence c": P(total >= X) >= c, and X + 1 is not
    # reached with confidence c (up to the trials' sampling error).
    figure = flow_output["forecast"]["how_many"][str(days)][str(confidence)]
    assert type(figure) is int
    assert 1 - _at_most(days, figure - 1) >= confidence - SAMPLING
    assert 1 - _at_most(days, figure) <= confidence + SAMPLING


@pytest.mark.parametrize("items", [20, 50])
@pytest.mark.parametrize("confidence", [0.5, 0.85, 0.95])
def test_when_is_as_of_plus_the_c_quantile_of_days(
    flow_output: dict[str, Any], items: int, confidence: float
) -> None:
    # P(done within d days) = P(Binomial(d, p) >= N); the date is as_of + d days
    # where d is the c quantile of the days needed.
    forecast = flow_output["forecast"]
    days = forecast["days_needed"][str(items)][str(confidence)]
    assert 1 - _at_most(days, items - 1) >= confidence - SAMPLING
    assert 1 - _at_most(days - 1, items - 1) <= confidence + SAMPLING
    expected = datetime(2026, 3, 31, tzinfo=UTC) + timedelta(days=days)
    assert forecast["when"][str(items)][str(confidence)] == expected.isoformat()


@pytest.fixture(scope="module")
def midday_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # as_of 2026-03-31T12:00Z, 28 days: window [03-03T12:00, 03-31T12:00). The input is
    # a list of two search responses (section 6 accepts one).
    pages = [search_page(FLOW_ISSUES[:8], "page-2"), search_page(FLOW_ISSUES[8:])]
    return run_metrics(tmp_path_factory.mktemp("midday"), FLOW_SETTINGS, pages,
                       as_of="2026-03-31T12:00:00Z", days=28)


def test_midday_as_of_moves_the_window(midday_output: dict[str, Any]) -> None:
    # Now F-12 (03-03T00) is before the window; F-9's Done at 03-31T00 is applied and
    # F-10 (created Done at 03-31T00) is considered: completed = 9 - 1 + 2 = 10, of which
    # unstarted F-4, F-14, F-10. F-9 flow time 03-26 -> 03-31 = 5 d, active 5 d.
    # Measured days sorted: 1 (F-3), 1 (F-16), 2 (F-1), 2 (F-6), 3.5 (F-5), 5 (F-2),
    # 5 (F-9): median 2.0; p85 h = 5.1 -> 5.0; p95 -> 5.0.
    # Active 2 + 3 + 1 + 1.5 + 2 + 1 + 5 = 15.5 of 2 + 5 + 1 + 3.5 + 2 + 1 + 5 = 19.5.
    assert midday_output["issues"] == 16
    assert_same(midday_output["flow"], {
        "velocity": {"completed": 10, "per_week": 2.5,
                     "by_type": by_type(feature=7, defect=1, risk=1, debt=1)},
        "time": {"items": 7, "unstarted": 3, "median_days": 2.0, "p85_days": 5.0,
                 "p95_days": 5.0},
        "efficiency": {"percent": 15.5 / 19.5 * 100},
        "load": {"wip": 3, "by_status": {"In Progress": 1, "In Review": 1, "Blocked": 1}},
        "distribution": shares(feature=7, defect=1, risk=1, debt=1),
    })


def test_midday_cumulative_flow_has_partial_first_and_last_days(
    midday_output: dict[str, Any],
) -> None:
    # UTC days overlapping the window: 03-03 (from 12:00) .. 03-31 (to 12:00) = 29.
    cfd = midday_output["cumulative_flow"]
    assert (cfd["days"][0], cfd["days"][-1], len(cfd["days"])) == ("2026-03-03",
                                                                   "2026-03-31", 29)
    rows = {day: [cfd["counts"][state][cfd["days"].index(day)] for state in CFD_COLUMNS]
            for day in ("2026-03-03", "2026-03-30", "2026-03-31")}
    # 03-30 ends at 03-31T00:00: F-9's Done and F-10's creation at that instant are not
    # in yet; 03-31 ends at as_of: F-9 and F-10 done (12), F-7, F-13, F-8 in progress.
    assert rows == {"2026-03-03": CFD_DAYS["2026-03-03"], "2026-03-30": CFD_DAYS["2026-03-30"],
                    "2026-03-31": [0, 1, 1, 1, 0, 12]}


def test_midday_forecast_samples_full_days(midday_output: dict[str, Any]) -> None:
    # Reading recorded in docs/metrics.md: with an as_of that is not a UTC midnight the
    # samples are the 28 whole 24-hour days ending at as_of (not 29 UTC days, two of
    # them partial, which would bias the forecast low).
    forecast = midday_output["forecast"]
    assert (forecast["sample_days"], forecast["completed_in_window"]) == (28, 10)
    assert_same(forecast["mean_per_day"], 10 / 28)
