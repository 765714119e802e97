"""The drill-down panel: the items behind a clicked number (METRICS.md section 8).

Terms: *items* are the dicts of ``data.segments.items`` (key, summary, type, status,
the metric's dates and value); the panel shows them in a sortable table whose key
cells link to ``<jira url>/browse/KEY`` in a new tab (``rel="noopener noreferrer"``),
with the count and a CSV download of exactly those rows. A *history* is the status
changes of one item (an aging dot), shown under the table.
"""

from __future__ import annotations

import html as html_text
import warnings
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html
from dash.development.base_component import Component

from ui import ids

TITLES = {
    "deployment_frequency": "Deployments", "change_failure_rate": "Deployments (failed?)",
    "lead_time_for_changes": "Changes and their lead time", "time_to_restore":
    "Incidents and their time to restore", "velocity": "Completed items",
    "time": "Completed items and their flow time", "efficiency":
    "Completed items: active and total days", "load": "Work in progress and its age",
}
LABELS = {
    "key": "Key", "summary": "Summary", "type": "Type", "status": "Status", "time": "Time",
    "failed": "Failed", "hours": "Hours", "start": "Start", "end": "End",
    "flow_type": "Flow type", "completed_at": "Completed", "started_at": "Started",
    "days": "Days", "active_days": "Active days", "age_days": "Age (days)",
    "created": "Created", "points": "Points",
}
NUMERIC = {"hours", "days", "active_days", "age_days"}


def _data_table() -> Component:
    # Dash's own sortable table: no extra dependency. Dash 4 announces its move out of
    # the core package (a DeprecationWarning); it still ships and works.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return dash_table.DataTable(
            id=ids.DRILL_TABLE, data=[], columns=[], sort_action="native", page_size=50,
            markdown_options={"html": True}, style_table={"overflowX": "auto"},
            style_cell={"textAlign": "left", "fontSize": "0.85rem", "whiteSpace": "normal",
                        "height": "auto"})


def panel() -> Component:
    """The (closed) panel every page shares; callbacks fill and open it."""
    return dbc.Offcanvas([
        html.Div(id=ids.DRILL_COUNT, className="drill-count mb-2"),
        html.Div([dbc.Button("Download CSV", id=ids.DRILL_DOWNLOAD_BUTTON, size="sm",
                             color="primary", outline=True),
                  dcc.Download(id=ids.DRILL_DOWNLOAD)], className="mb-2"),
        _data_table(),
        html.Div(id=ids.DRILL_HISTORY, className="mt-3"),
    ], id=ids.DRILL_PANEL, title="Items", is_open=False, placement="end",
        className="drill-panel", style={"width": "min(960px, 100vw)"})


def browse_link(jira_url: str | None, key: str) -> str:
    """An HTML link to the issue in JIRA (plain text when no URL or not an issue key)."""
    text = html_text.escape(str(key))
    if not jira_url:
        return text
    href = html_text.escape(f"{jira_url.rstrip('/')}/browse/{quote(str(key))}", quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{text}</a>'


def table(items: Sequence[Mapping[str, Any]], jira_url: str | None,
          *, link: bool = True) -> tuple[list[dict], list[dict]]:
    """The DataTable's ``data`` and ``columns`` for the items (keys linked when
    ``link``: version deployments are not issues)."""
    names = list(items[0]) if items else ["key", "summary", "type", "status"]
    columns = [_column(name) for name in names]
    rows = []
    for item in items:
        row = {name: _cell(item.get(name)) for name in names}
        if link:
            row["key"] = browse_link(jira_url, str(item.get("key", "")))
        rows.append(row)
    return rows, columns


def _column(name: str) -> dict[str, Any]:
    column: dict[str, Any] = {"name": LABELS.get(name, name), "id": name}
    if name == "key":
        column["presentation"] = "markdown"
    if name in NUMERIC:
        column["type"] = "numeric"
        column["format"] = {"specifier": ".2f"}
    return column


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        return value[:16].replace("T", " ")  # ISO UTC -> "2026-03-05 10:00"
    return value


def count_text(metric: str, count: int, scope: str) -> str:
    noun = "item" if count == 1 else "items"
    return f"{count:,} {noun} · {TITLES.get(metric, metric)} · {scope}"


def history(rows: Sequence[tuple[str, str, str]]) -> Component:
    """The status history of one item: ``(time, from, to)`` rows, oldest first."""
    if not rows:
        return html.Div("No status change before as of.", className="text-muted small")
    body = [html.Tr([html.Td(when), html.Td(source), html.Td("→"), html.Td(target)])
            for when, source, target in rows]
    return html.Div([html.H6("Status history"),
                     html.Table(html.Tbody(body), className="table table-sm drill-history")])
