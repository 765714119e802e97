"""The Compare page: profiles or segments side by side (METRICS.md section 8).

Plain data in, components out: a row per headline metric with each column's value,
tier and change against the previous period (each value a drill-down link), then one
chart per weekly trend with a line per column on shared axes. The numbers come from
:mod:`data.compare`; nothing is computed here beyond formatting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from ui import format as fmt
from ui import ids
from ui.components import graph, page_header
from ui.figures.theme import OKABE_ITO

# (JSON path, label, unit, drill-down metric, change in points)
HEADLINES = (
    ("dora.deployment_frequency.per_week", "Deployments per week", "", "deployment_frequency",
     False),
    ("dora.lead_time_for_changes.median_hours", "Lead time for changes (median)", "h",
     "lead_time_for_changes", False),
    ("dora.change_failure_rate.percent", "Change failure rate", "%", "change_failure_rate",
     True),
    ("dora.time_to_restore.median_hours", "Time to restore (median)", "h", "time_to_restore",
     False),
    ("flow.velocity.per_week", "Flow velocity per week", "", "velocity", False),
    ("flow.time.median_days", "Flow time (median)", "d", "time", False),
    ("flow.efficiency.percent", "Flow efficiency", "%", "efficiency", True),
    ("flow.load.wip", "Flow load (WIP)", "", "load", False),
)
TRENDS = (
    ("deployments", "Deployments per week"), ("lead_time_median_hours", "Lead time (h)"),
    ("change_failure_percent", "Change failure rate (%)"),
    ("restore_median_hours", "Time to restore (h)"), ("completed", "Items completed"),
    ("flow_time_median_days", "Flow time (days)"), ("efficiency_percent", "Flow efficiency (%)"),
    ("wip", "Work in progress"),
)
COLORS = tuple(OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "vermillion",
                                      "reddish_purple", "sky_blue", "yellow", "black"))
DEPARTMENT = "Department total"


def layout(options: Sequence[str], chosen: Sequence[str], subtitle: str) -> Component:
    """The page: the picker, the segment input and the results area."""
    return html.Div([
        page_header("Compare", subtitle),
        dbc.Row([
            dbc.Col([html.Label("Profiles and segments (2 to 8)", htmlFor=ids.COMPARE_PICK,
                                className="form-label"),
                     dcc.Dropdown(id=ids.COMPARE_PICK, multi=True,
                                  options=[{"label": o, "value": o}
                                           for o in dict.fromkeys([*options, *chosen])],
                                  value=list(chosen), placeholder="Choose profiles")], md=7),
            dbc.Col([html.Label("Add a segment of the current profile",
                                htmlFor=ids.COMPARE_SEGMENT, className="form-label"),
                     dbc.InputGroup([
                         dbc.Input(id=ids.COMPARE_SEGMENT, placeholder="component=API",
                                   type="text", debounce=True),
                         dbc.Button("Add", id=ids.COMPARE_SEGMENT_ADD, color="primary",
                                    outline=True)])], md=5),
        ], className="mb-3"),
        html.Div(id=ids.COMPARE_MESSAGE, className="text-danger small mb-2"),
        dcc.Store(id=ids.COMPARE_COLUMNS),
        dcc.Loading(html.Div(id=ids.COMPARE_RESULTS), type="circle", delay_show=400),
    ])


def _at(report: Mapping[str, Any] | None, path: str) -> Any:
    node: Any = report
    for key in path.split("."):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _tier(report: Mapping[str, Any] | None, path: str) -> str | None:
    return _at(report, path.rsplit(".", 1)[0] + ".tier")


def _value_text(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return fmt.percent(value)
    return f"{fmt.number(value)}{(' ' + unit) if unit else ''}"


def _cell(index: int | None, row: tuple, report: Mapping | None,
          previous: Mapping | None) -> Component:
    path, _label, unit, drill, points = row
    value, before = _at(report, path), _at(previous, path)
    delta = fmt.difference(value, before) if points else fmt.change(value, before)
    tier = _tier(report, path) if path.startswith("dora.") else None
    number = html.Span(_value_text(value, unit), className="compare-value",
                       **{"data-metric": path, "data-value": "" if value is None else repr(value)})
    if index is not None:  # the department total has no single profile to drill into
        number = html.Button(number, id={"type": ids.COMPARE_CELL, "column": index,
                                         "metric": drill},
                             className="btn btn-link p-0 compare-drill",
                             title="Show the items behind this number")
    parts = [number]
    if tier:
        parts.append(dbc.Badge(tier, className=f"ms-2 tier tier-badge tier-{tier}"))
    parts.append(html.Div(fmt.change_text(delta, points=points), className="small text-muted"))
    return html.Td(parts)


def results(columns: Sequence[tuple[str, Mapping | None, Mapping | None]],
            department: tuple[Mapping | None, Mapping | None]) -> Component:
    """The table and the trends; ``columns`` are ``(label, report, previous)``."""
    heads = [html.Th("Metric")] + [html.Th(label, scope="col") for label, _r, _p in columns]
    heads.append(html.Th(DEPARTMENT, scope="col", className="compare-department"))
    rows = []
    for row in HEADLINES:
        cells = [html.Th(row[1], scope="row")]
        cells += [_cell(i, row, report, previous)
                  for i, (_label, report, previous) in enumerate(columns)]
        cells.append(_cell(None, row, *department))
        rows.append(html.Tr(cells))
    table = dbc.Table([html.Thead(html.Tr(heads)), html.Tbody(rows)], id=ids.COMPARE_TABLE,
                      bordered=False, hover=True, responsive=True, className="compare-table")
    series = [*columns, (DEPARTMENT, department[0], None)]
    return html.Div([table, html.Div(trends(series), id=ids.COMPARE_TRENDS,
                                     className="row g-3")])


def trends(series: Sequence[tuple[str, Mapping | None, Any]]) -> list[Component]:
    """One chart per weekly series, a line per column, on shared axes."""
    charts = []
    for name, title in TRENDS:
        figure = go.Figure()
        for i, (label, report, _previous) in enumerate(series):
            weekly = _at(report, "series") or {}
            figure.add_scatter(x=weekly.get("week_end", []), y=weekly.get(name, []),
                               name=label, mode="lines+markers",
                               line={"color": COLORS[i % len(COLORS)],
                                     "dash": "dot" if label == DEPARTMENT else "solid"})
        figure.update_layout(title=title, height=300, margin={"t": 40, "b": 30},
                             legend={"orientation": "h"})
        labels = ", ".join(label for label, _r, _p in series)
        charts.append(html.Div(graph(f"compare-trend-{name}", figure,
                                     alt=f"{title} per week for {labels}"),
                               className="col-lg-6"))
    return charts
