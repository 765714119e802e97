"""The Flow page: five Flow Framework cards and the flow charts.

Charts: velocity by flow type (stacked weekly bars), flow time scatter with the
window's p50/p85/p95, efficiency trend, WIP over time, aging WIP, distribution
donut and the cumulative flow diagram. A *flow item* is any issue that is not a
deployment record; its *flow type* comes from the Settings mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from ui import format as fmt
from ui import ids
from ui import report_view as rv
from ui.components import CardData, chart_card, headline_text, metric_card, page_header
from ui.figures import distributions, trends
from ui.figures.theme import GOOD, PRIMARY
from ui.figures.timelines import cumulative_flow
from ui.notes import how
from ui.report_view import Report

NO_COMPLETED = ("No flow item was completed in this period: check the done statuses in "
                "Settings.")
NO_STARTED = ("No completed item has a start in this period: check the active and waiting "
              "statuses in Settings.")
NO_WIP = "Nothing is in progress: check the active and waiting statuses in Settings."


def _cards(report, previous) -> list[CardData]:
    vel = rv.section(report, "flow", "velocity")
    time = rv.section(report, "flow", "time")
    eff = rv.section(report, "flow", "efficiency")
    load = rv.section(report, "flow", "load")
    dist = rv.section(report, "flow", "distribution")
    prev = {k: rv.section(previous, "flow", k) for k in ("velocity", "time", "efficiency",
                                                          "load")}
    completed = vel.get("completed") or 0
    top = max(((t, s) for t, s in dist.items() if s is not None), key=lambda ts: ts[1],
              default=None)
    return [
        CardData("flow-velocity", "Flow velocity",
                 fmt.number(vel.get("per_week") if completed else None), "items / week",
                 delta_percent=fmt.change(vel.get("per_week"),
                                          prev["velocity"].get("per_week")) if completed
                 else None, higher_is_better=True, note=how("velocity"),
                 detail=f"{completed:,} items completed" if completed else NO_COMPLETED),
        CardData("flow-time", "Flow time", fmt.number(time.get("median_days")),
                 "days" if time.get("median_days") is not None else "",
                 delta_percent=fmt.change(time.get("median_days"),
                                          prev["time"].get("median_days")),
                 higher_is_better=False, note=how("flow_time"),
                 detail=(f"median of {time.get('items', 0):,} items · p85 "
                         f"{fmt.number(time.get('p85_days'))} days")
                 if time.get("median_days") is not None else NO_STARTED),
        CardData("flow-efficiency", "Flow efficiency", fmt.percent(eff.get("percent")), "",
                 delta_percent=fmt.difference(eff.get("percent"),
                                              prev["efficiency"].get("percent")),
                 higher_is_better=True, note=how("efficiency"), points=True,
                 detail="active time / flow time" if eff.get("percent") is not None
                 else NO_STARTED),
        CardData("flow-load", "Flow load", fmt.number(load.get("wip")), "items in progress",
                 delta_percent=fmt.change(load.get("wip"), prev["load"].get("wip")),
                 higher_is_better=None, note=how("load"),
                 detail=_top_statuses(load.get("by_status") or {})),
        CardData("flow-distribution", "Flow distribution",
                 fmt.percent(top[1]) if top else fmt.DASH, top[0] if top else "",
                 higher_is_better=None, note=how("distribution"), compare=False,
                 detail=", ".join(f"{t} {fmt.percent(s)}" for t, s in dist.items() if s)
                 or NO_COMPLETED),
    ]


TOP_STATUSES = 3


def _top_statuses(by_status: Mapping[str, int]) -> str:
    """The busiest statuses; the rest as "+N more" so the counts add up to the headline."""
    if not by_status:
        return NO_WIP
    ranked = sorted(by_status.items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"{name} {count}" for name, count in ranked[:TOP_STATUSES])
    rest = ranked[TOP_STATUSES:]
    if not rest:
        return shown
    items = sum(count for _, count in rest)
    return (f"{shown}, +{len(rest)} more {'status' if len(rest) == 1 else 'statuses'} "
            f"({items} {'item' if items == 1 else 'items'})")


def _headlines(report: Report) -> list[tuple[str, str]]:
    """Per card: the displayed value's path in the report, and the items a click shows
    (the distribution card shows the largest share, of the completed items)."""
    shares = rv.section(report, "flow", "distribution")
    top = max((t for t, s in shares.items() if s is not None), key=lambda t: shares[t],
              default="feature")
    return [("flow.velocity.per_week", "velocity"), ("flow.time.median_days", "time"),
            ("flow.efficiency.percent", "efficiency"), ("flow.load.wip", "load"),
            (f"flow.distribution.{top}", "velocity")]


def card_row(report: Report, previous: Report | None) -> Component:
    previous, no_compare = rv.comparison(previous)
    cols = [dbc.Col(metric_card(rv.headline(replace(card, no_compare=no_compare), report,
                                            path, drill)),
                    className="mb-3 flow-card-col")
            for card, (path, drill) in zip(_cards(report, previous), _headlines(report),
                                           strict=True)]
    return dbc.Row(cols, id=ids.FLOW_CARDS, className="row-cols-lg-5 row-cols-md-3 row-cols-1")


def _velocity(report):
    by_type = rv.weekly_by_type(report)
    if not any(sum(v) for v in by_type.values()):
        return None
    return trends.stacked_type_bars(rv.weeks(report), by_type)


def _line(report, name, unit, color, fill=False):
    values = rv.weekly(report, name)
    # A count that is zero in every week (WIP) has nothing to draw either.
    if not trends.has_values(values) or (fill and not any(values)):
        return None
    # The filled line is work in progress: whole items.
    return trends.weekly_line(rv.weeks(report), values, name=unit, unit=unit, color=color,
                              height=260, fill=fill, counts=fill)


def _scatter(report, flow_types):
    frame = rv.scatter_frame(report, flow_types)
    return None if frame.empty else distributions.flow_time_scatter(
        frame, rv.scatter_percentiles(report))


def _aging(report):
    frame, order = rv.aging_frame(report)
    return None if frame.empty else distributions.aging_wip(frame, order,
                                                            rv.aging_percentiles(report))


def _donut(report):
    dist = rv.section(report, "flow", "distribution")
    counts = rv.section(report, "flow", "velocity", "by_type")
    if not any(dist.values()):
        return None
    return distributions.donut(dist, counts)


def _cfd(report):
    frame, states = rv.cumulative_flow_frame(report)
    return None if frame.empty else cumulative_flow(frame, states)


def layout(report: Report, previous: Report | None, *, subtitle: str,
           flow_types: Mapping[str, str] | None = None) -> Component:
    """The whole Flow page for one period (``flow_types``: issue key -> flow type)."""
    def col(child, lg):
        return dbc.Col(child, lg=lg, className="mb-3")
    # Each chart's text alternative carries the headline number it explains.
    said = {card.key: headline_text(card) for card in _cards(report, None)}
    velocity, time, efficiency, load, distribution = (
        said[f"flow-{k}"] for k in ("velocity", "time", "efficiency", "load", "distribution"))
    return html.Div([
        page_header("Flow metrics", subtitle, ids.FLOW_DOWNLOAD_BUTTON, ids.FLOW_DOWNLOAD),
        card_row(report, previous),
        dbc.Row([
            col(chart_card("Flow velocity by type", ids.FLOW_VELOCITY_CHART,
                           _velocity(report), how("velocity_chart"),
                           empty_message=NO_COMPLETED, headline=velocity), 8),
            col(chart_card("Flow distribution", ids.FLOW_DISTRIBUTION_DONUT, _donut(report),
                           how("distribution_donut"), empty_message=NO_COMPLETED,
                           headline=distribution), 4),
        ]),
        dbc.Row([
            col(chart_card("Flow time", ids.FLOW_TIME_SCATTER, _scatter(report, flow_types),
                           how("flow_time_scatter"), empty_message=NO_STARTED,
                           headline=time), 6),
            col(chart_card("Aging work in progress", ids.FLOW_AGING_WIP, _aging(report),
                           how("aging_wip"), empty_message=NO_WIP, headline=load), 6),
        ]),
        dbc.Row([
            col(chart_card("Flow efficiency trend", ids.FLOW_EFFICIENCY_TREND,
                           _line(report, "efficiency_percent", "% active", GOOD),
                           how("efficiency_trend"), empty_message=NO_STARTED,
                           headline=efficiency), 6),
            col(chart_card("Work in progress over time", ids.FLOW_WIP_TREND,
                           _line(report, "wip", "items", PRIMARY, fill=True), how("wip_trend"),
                           empty_message=NO_WIP, headline=load), 6),
        ]),
        dbc.Row(col(chart_card("Cumulative flow", ids.FLOW_CUMULATIVE_FLOW, _cfd(report),
                               how("cumulative_flow"), empty_message=NO_COMPLETED,
                               headline=velocity), 12)),
    ])
