"""One-line "how this is computed" notes, worded after ``shared/METRICS.md``.

Keys are the chart or card they explain. The *window* is the selected period
``[as_of - period_days, as_of)``; a *weekly bucket* is one of the consecutive
7-day slices that end at ``as_of``.
"""

from __future__ import annotations

HOW = {
    # DORA
    "deployment_frequency": "Deployments whose time falls in the window, divided by the "
    "window's length in weeks.",
    "lead_time": "Median hours from a change's start (change start field, else first move "
    "to an active status) to its first linked deployment at or after that start.",
    "change_failure_rate": "Failed deployments divided by all deployments in the window, "
    "as a percentage.",
    "time_to_restore": "Median hours from an incident's start (start field, else created) "
    "to its end (end field, else completion), for incidents that ended in the window.",
    "deployment_frequency_trend": "Deployments in each 7-day bucket ending at the period's "
    "end.",
    "lead_time_trend": "Median lead time of the changes deployed in each 7-day bucket; "
    "weeks with no deployed change are left blank.",
    "change_failure_trend": "Failed deployments as a share of each 7-day bucket's "
    "deployments; weeks without deployments are left blank.",
    "restore_trend": "Median time to restore of the incidents that ended in each 7-day "
    "bucket; weeks without incidents are left blank.",
    "deployments_timeline": "Every deployment in the window at its deployment time; red "
    "marks the ones the failure field (or an incident) flags as failed.",
    "lead_time_distribution": "Lead time of each change deployed in the window, in hours; "
    "dashed lines mark the median and the 85th percentile.",
    "restore_distribution": "Time to restore of each incident that ended in the window, "
    "in hours; dashed lines mark the median and the 85th percentile.",
    # Flow
    "velocity": "Flow items that moved into a done status in the window, per week.",
    "flow_time": "Days from an item's first active or waiting status to its completion, "
    "for items completed in the window (median shown).",
    "efficiency": "Time in active statuses divided by total flow time of the items "
    "completed in the window.",
    "load": "Flow items in an active or waiting status at the end of the period.",
    "distribution": "Share of the window's completed flow items per flow type.",
    "velocity_chart": "Completed flow items in each 7-day bucket, stacked by flow type "
    "(issue type mapped in Settings; unmapped types count as other).",
    "flow_time_scatter": "Each completed item at its completion time against its flow time "
    "in days; lines show the window's 50th, 85th and 95th percentiles.",
    "efficiency_trend": "Flow efficiency of the items completed in each 7-day bucket; "
    "weeks with no completed started item are left blank.",
    "wip_trend": "Flow items in an active or waiting status at the end of each 7-day "
    "bucket.",
    "aging_wip": "Every item in progress at the period's end, by status, at its age since "
    "it started, against the window's flow time percentiles.",
    "distribution_donut": "Completed flow items in the window by flow type.",
    "cumulative_flow": "For each day, flow items in each state at the end of that day: "
    "not started, each active and waiting status, done.",
    # Forecast
    "forecast_how_many": "10,000 Monte Carlo trials, each summing daily throughput sampled "
    "from the window (zero days included); the value at c% confidence is the (100 - c)th "
    "percentile of the totals.",
    "forecast_when": "10,000 Monte Carlo trials drawing daily throughput until the items "
    "are done; the date at c% confidence is the c-th percentile of the days needed.",
    "forecast_burnup": "Scope items created before each week's end (total) and done at it. "
    "The fan runs from today to the dates by which 10,000 Monte Carlo trials of the "
    "period's daily throughput finish the rest with 50/85/95% confidence; a release's "
    "chance is the share of trials done by the end of its release day.",
}


def how(key: str) -> str:
    """The note for ``key``; a missing key is a programming error, so it raises."""
    return HOW[key]
