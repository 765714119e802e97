"""The filter bar of every page (METRICS.md section 8): field, operator, values, chips.

Terms: the *active filter* is a list of clause texts (``component=API``), shown as
removable chips; the field choices and the value choices come from the callbacks
(fetched issues), never from JIRA.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from ui import ids

OPERATORS = [{"label": "is", "value": "="}, {"label": "is not", "value": "!="}]


def filter_bar(fields: list[tuple[str, str]]) -> Component:
    """The bar: add a clause (field, is / is not, values) and the active clauses."""
    return html.Div([
        html.Label("Filter", htmlFor=ids.FILTER_FIELD, className="toolbar-label mb-0"),
        html.Label("Filter operator", htmlFor=ids.FILTER_OP, className="visually-hidden"),
        dbc.Select(id=ids.FILTER_FIELD, size="sm", className="filter-field",
                   options=[{"label": label, "value": value} for value, label in fields],
                   value=fields[0][0] if fields else None),
        dbc.Select(id=ids.FILTER_OP, size="sm", options=OPERATORS, value="=",
                   className="filter-op"),
        html.Label("Filter values", htmlFor=ids.FILTER_VALUES, className="visually-hidden"),
        dcc.Dropdown(id=ids.FILTER_VALUES, multi=True, placeholder="values…",
                     className="filter-values"),
        dbc.Button("Add", id=ids.FILTER_ADD, size="sm", color="secondary", outline=True),
        html.Label("Active filters", htmlFor=ids.FILTER_ACTIVE, className="visually-hidden"),
        dcc.Dropdown(id=ids.FILTER_ACTIVE, multi=True, options=[], value=[],
                     searchable=False, placeholder="no filter: every issue",
                     className="filter-active"),
        html.Span(id=ids.FILTER_ERROR, className="text-danger small ms-2"),
    ], className="filter-bar d-flex align-items-center flex-wrap gap-2 mt-2")
