"""The DORA page: four headline cards with weekly trends, the deployments
timeline, and the lead time and restore time distributions.

Inputs are plain data: the engine's report for the selected period, the report
for the *previous period* (same length, ending where this one starts; used for
the change shown on each card), and the items behind the numbers (deployments,
per-change lead times, per-incident restore times) as data frames from
``data.exports``. *Benchmarks* are the tier table rows ``(tier, threshold text)``
per metric, shown in each tier badge's tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from dash.development.base_component import Component

from ui import format as fmt
from ui import ids
from ui import report_view as rv
from ui.components import (
    CardData,
    chart_card,
    chart_text,
    empty_state,
    graph,
    headline_text,
    metric_card,
    page_header,
)
from ui.figures import distributions, trends
from ui.figures.theme import BAD, GOOD, PRIMARY, WARN
from ui.figures.timelines import deployments_timeline
from ui.notes import how
from ui.report_view import Report

NO_DEPLOYMENTS = "No deployments in this period: set the deployment source in Settings."
NO_CHANGES = ("No change was deployed in this period: link changes to deployments through "
              "fix versions, or check the deployment source in Settings.")
NO_INCIDENTS = ("No incident was restored in this period: set the incident issue types in "
                "Settings.")

Benchmarks = Mapping[str, Sequence[tuple[str, str]]]


def _cards(report, previous, benchmarks: Benchmarks) -> list[CardData]:
    df = rv.section(report, "dora", "deployment_frequency")
    lt = rv.section(report, "dora", "lead_time_for_changes")
    cfr = rv.section(report, "dora", "change_failure_rate")
    ttr = rv.section(report, "dora", "time_to_restore")
    prev = {k: rv.section(previous, "dora", k) for k in
            ("deployment_frequency", "lead_time_for_changes", "change_failure_rate",
             "time_to_restore")}
    lt_value, lt_unit = fmt.duration_hours(lt.get("median_hours"))
    ttr_value, ttr_unit = fmt.duration_hours(ttr.get("median_hours"))
    deployments = df.get("deployments") or 0
    return [
        CardData("dora-deployment-frequency", "Deployment frequency",
                 fmt.number(df.get("per_week") if deployments else None), "per week",
                 df.get("tier"), benchmarks.get("deployment_frequency", ()),
                 fmt.change(df.get("per_week"), prev["deployment_frequency"].get("per_week"))
                 if deployments else None, True,
                 detail=f"{deployments:,} deployments" if deployments else NO_DEPLOYMENTS),
        CardData("dora-lead-time", "Lead time for changes", lt_value, lt_unit, lt.get("tier"),
                 benchmarks.get("lead_time_for_changes", ()),
                 fmt.change(lt.get("median_hours"),
                            prev["lead_time_for_changes"].get("median_hours")), False,
                 detail=_median_detail(lt, "changes", NO_CHANGES)),
        CardData("dora-change-failure-rate", "Change failure rate",
                 fmt.number(cfr.get("percent")), "%" if cfr.get("percent") is not None else "",
                 cfr.get("tier"), benchmarks.get("change_failure_rate", ()),
                 fmt.difference(cfr.get("percent"), prev["change_failure_rate"].get("percent")),
                 False, points=True,
                 detail=(f"{cfr.get('failed', 0):,} of {cfr.get('deployments', 0):,} "
                         "deployments failed") if cfr.get("deployments") else NO_DEPLOYMENTS),
        CardData("dora-time-to-restore", "Time to restore service", ttr_value, ttr_unit,
                 ttr.get("tier"), benchmarks.get("time_to_restore", ()),
                 fmt.change(ttr.get("median_hours"), prev["time_to_restore"].get("median_hours")),
                 False, detail=_median_detail(ttr, "incidents", NO_INCIDENTS)),
    ]


def _median_detail(node: Mapping, noun: str, empty: str) -> str:
    count = node.get(noun) or 0
    if not count or node.get("median_hours") is None:
        return empty
    p85, unit = fmt.duration_hours(node.get("p85_hours"))
    return f"median of {count:,} {noun} · p85 {p85} {unit}"


@dataclass(frozen=True)
class Trend:
    """How one card's weekly trend is drawn."""

    graph_id: str
    series: str  # the weekly series column
    unit: str
    bars: bool
    color: str
    note: str
    empty: str


TRENDS = (
    Trend(ids.DORA_DEPLOYMENT_FREQUENCY_TREND, "deployments",
          "deployments", True, PRIMARY, "deployment_frequency_trend", NO_DEPLOYMENTS),
    Trend(ids.DORA_LEAD_TIME_TREND, "lead_time_median_hours", "hours", False, WARN,
          "lead_time_trend", NO_CHANGES),
    Trend(ids.DORA_CHANGE_FAILURE_TREND, "change_failure_percent",
          "% failed", False, BAD, "change_failure_trend", NO_DEPLOYMENTS),
    Trend(ids.DORA_RESTORE_TREND, "restore_median_hours",
          "hours", False, GOOD, "restore_trend", NO_INCIDENTS),
)


def _trend(report, trend: Trend, card: CardData):
    values = rv.weekly(report, trend.series)
    has_data = any(v for v in values) if trend.bars else trends.has_values(values)
    if not has_data:
        return empty_state(trend.empty, element_id=f"{trend.graph_id}-empty")
    build = trends.weekly_bars if trend.bars else trends.weekly_line
    alt = chart_text(f"{card.title}, week by week", headline_text(card), how(trend.note))
    return graph(trend.graph_id, build(rv.weeks(report), values, name=trend.unit,
                                       unit=trend.unit, color=trend.color), alt=alt)


# Per card: the displayed value's path in the report, and the items a click shows.
HEADLINES = (
    ("dora.deployment_frequency.per_week", "deployment_frequency"),
    ("dora.lead_time_for_changes.median_hours", "lead_time_for_changes"),
    ("dora.change_failure_rate.percent", "change_failure_rate"),
    ("dora.time_to_restore.median_hours", "time_to_restore"),
)


def card_row(report: Report, previous: Report | None, benchmarks: Benchmarks) -> Component:
    """The four cards, each with its weekly trend."""
    previous, no_compare = rv.comparison(previous)
    cols = []
    for card, trend, (path, drill) in zip(_cards(report, previous, benchmarks), TRENDS,
                                          HEADLINES, strict=True):
        noted = rv.headline(replace(card, note=how(trend.note), no_compare=no_compare),
                            report, path, drill)
        cols.append(dbc.Col(metric_card(noted, _trend(report, trend, noted)), lg=3, md=6,
                            className="mb-3"))
    return dbc.Row(cols, id=ids.DORA_CARDS)


def _distribution(values: pd.Series | None, graph_id: str, title: str, node: Mapping, *,
                  note: str, empty: str, headline: str):
    values = pd.Series(dtype=float) if values is None else values.dropna()
    figure = None
    if not values.empty:
        figure = distributions.histogram(values.tolist(), unit="hours",
                                         percentiles={"p50": node.get("median_hours"),
                                                      "p85": node.get("p85_hours")})
    return chart_card(title, graph_id, figure, how(note), empty_message=empty,
                      headline=headline)


def layout(report: Report, previous: Report | None, *, deployments: pd.DataFrame,
           lead_hours: pd.Series | None,
           restore_hours: pd.Series | None, benchmarks: Benchmarks, subtitle: str) -> Component:
    """The whole DORA page for one period."""
    timeline = None if deployments.empty else deployments_timeline(deployments)
    lt = rv.section(report, "dora", "lead_time_for_changes")
    ttr = rv.section(report, "dora", "time_to_restore")
    said = [headline_text(card) for card in _cards(report, None, benchmarks)]
    return html.Div([
        page_header("DORA metrics", subtitle, ids.DORA_DOWNLOAD_BUTTON, ids.DORA_DOWNLOAD),
        card_row(report, previous, benchmarks),
        dbc.Row(dbc.Col(chart_card("Deployments", ids.DORA_DEPLOYMENTS_TIMELINE, timeline,
                                   how("deployments_timeline"), empty_message=NO_DEPLOYMENTS,
                                   headline=said[0])),
                className="mb-3"),
        dbc.Row([
            dbc.Col(_distribution(lead_hours, ids.DORA_LEAD_TIME_DISTRIBUTION,
                                  "Lead time distribution", lt,
                                  note="lead_time_distribution", empty=NO_CHANGES,
                                  headline=said[1]),
                    lg=6, className="mb-3"),
            dbc.Col(_distribution(restore_hours, ids.DORA_RESTORE_DISTRIBUTION,
                                  "Time to restore distribution", ttr,
                                  note="restore_distribution", empty=NO_INCIDENTS,
                                  headline=said[3]),
                    lg=6, className="mb-3"),
        ]),
    ])
