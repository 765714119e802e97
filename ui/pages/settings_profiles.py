"""The Settings page's profile editor (METRICS.md section 8): plain data in, components
out. Each field left empty is inherited from the settings above; its placeholder
shows the inherited value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from ui import ids

LABELS = {
    "jql": "JQL (a different query fetches its own issues)",
    "active": "Active statuses", "waiting": "Waiting statuses", "done": "Done statuses",
    "period": "Default period (days)", "filter": "Filter: one clause per line, e.g. component=API",
    "other": "Other overrides (JSON): flow types, DORA sources and fields",
}


def _control(field: str, value: Any, inherited: str) -> Component:
    element_id = ids.PROFILE_EDIT_FIELDS[field]
    placeholder = f"inherited: {inherited}"
    if field in ("filter", "other"):
        return dbc.Textarea(id=element_id, value=value or "", placeholder=placeholder,
                            rows=4 if field == "other" else 2, className="font-monospace")
    if field == "period":
        return dbc.Input(id=element_id, type="number", min=1, max=3650, value=value,
                         placeholder=placeholder)
    return dbc.Input(id=element_id, type="text", value=value or "", placeholder=placeholder)


def fields_form(values: Mapping[str, Any], inherited: Mapping[str, str]) -> list[Component]:
    return [html.Div([html.Label(LABELS[field], htmlFor=ids.PROFILE_EDIT_FIELDS[field],
                                 className="form-label small mb-1"),
                      _control(field, values.get(field), inherited[field])],
                     className="mb-2") for field in LABELS]


def profiles_card(names: Sequence[str], chosen: str | None, values: Mapping[str, Any],
                  inherited: Mapping[str, str], problems: Sequence[str]) -> Component:
    """The editor: choose a profile, name it, edit its overrides, act."""
    buttons = [("New", ids.PROFILE_EDIT_NEW), ("Copy", ids.PROFILE_EDIT_COPY),
               ("Rename", ids.PROFILE_EDIT_RENAME), ("Delete", ids.PROFILE_EDIT_DELETE)]
    return dbc.Card([
        dbc.CardHeader([html.Strong("Profiles"), html.Span(
            " Teams in one dashboard: each profile overrides some of the settings above "
            "(the JIRA connection is shared) and may filter the issues.",
            className="text-muted small")]),
        dbc.CardBody([
            html.Ul([html.Li(p) for p in problems], id=ids.PROFILE_EDIT_PROBLEMS,
                    className="text-danger small"),
            dbc.Row([
                dbc.Col([html.Label("Profile", htmlFor=ids.PROFILE_EDIT_PICK,
                                    className="form-label small mb-1"),
                         # A native select: keyboard and screen readers handle it.
                         dbc.Select(id=ids.PROFILE_EDIT_PICK, value=chosen,
                                    options=[{"label": n, "value": n} for n in names],
                                    placeholder="No profile yet")], md=4),
                dbc.Col([html.Label("Name (for New, Copy and Rename)",
                                    htmlFor=ids.PROFILE_EDIT_NAME,
                                    className="form-label small mb-1"),
                         dbc.Input(id=ids.PROFILE_EDIT_NAME, type="text", value="")], md=4),
                dbc.Col(dbc.ButtonGroup([dbc.Button(label, id=element_id, color="primary",
                                                    outline=True, size="sm")
                                         for label, element_id in buttons]),
                        md=4, className="d-flex align-items-end"),
            ], className="mb-3"),
            html.Div(fields_form(values, inherited), id=f"{ids.PROFILE_EDIT_CARD}-fields"),
            dbc.Button("Save profile", id=ids.PROFILE_EDIT_SAVE, color="primary"),
            html.Div(id=ids.PROFILE_EDIT_RESULT, className="mt-2"),
        ]),
    ], id=ids.PROFILE_EDIT_CARD, className="mb-3")
