"""The Settings page: the JIRA connection, the query, and every metric mapping.

Terms: *JIRA metadata* (``meta``) is what the settings dropdowns are filled from,
as fetched from JIRA: ``fields`` (``[{"id", "name"}]``), ``statuses``
(``[{"name", "category"}]`` with JIRA's ``new``/``indeterminate``/``done``) and
``issue_types`` (names). The form is built from the current settings as a dict
*without the token* (``settings_to_dict``): the token input is always empty, and
only says whether a token is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from ui import ids

Raw = Mapping[str, Any]
CATEGORY_LABELS = {"new": "To do", "indeterminate": "In progress", "done": "Done"}
# Which JIRA status category pre-selects which list when the list is not set.
LIST_CATEGORY = {"workflow.active_statuses": "indeterminate", "workflow.done_statuses": "done"}


# The form's label of every input, by dotted settings key (messages name them too).
LABELS = {
    "jira.url": "JIRA URL", "jira.flavor": "Flavor", "jira.auth": "Authentication",
    "jira.email": "Email", "jira.token": "API token", "jira.jql": "JQL",
    "workflow.active_statuses": "Active statuses (work is being done)",
    "workflow.waiting_statuses": "Waiting statuses (started, but waiting)",
    "workflow.done_statuses": "Done statuses",
    "flow_types.feature": "Features", "flow_types.defect": "Defects",
    "flow_types.risk": "Risks", "flow_types.debt": "Debts",
    "dora.deployments.source": "Deployments come from",
    "dora.deployments.issue_types": "Deployment issue types",
    "dora.deployments.date_field": "Deployment date field",
    "dora.deployments.environment_field": "Environment field",
    "dora.deployments.production_values": "Production values",
    "dora.deployments.failure_field": "Failure field",
    "dora.deployments.failure_values": "Failure values",
    "dora.incidents.issue_types": "Incident issue types",
    "dora.incidents.environment_field": "Incident environment field",
    "dora.incidents.production_values": "Incident production values",
    "dora.incidents.start_field": "Incident start field",
    "dora.incidents.end_field": "Incident end field",
    "dora.change_start_field": "Change start field (lead time)",
    "forecast.points_field": "Story points field (scope forecast)",
    "filter_fields": "Custom fields in the filter bar",
    "period_days": "Default period (days)",
}


def _get(raw: Mapping[str, Any], key: str) -> Any:
    node: Any = raw
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def _feedback(key: str):
    return html.Div(id=ids.settings_feedback(key), className="invalid-feedback d-block")


def _row(key: str, control, help_text: str = "", **div):
    children = [dbc.Label(LABELS[key], html_for=ids.SETTINGS_INPUTS[key],
                          className="fw-semibold"),
                control, _feedback(key)]
    if help_text:
        children.append(dbc.FormText(help_text))
    return html.Div(children, className="mb-3 settings-row", **div)


def demo_style(demo: bool) -> dict[str, str]:
    """The demo badge and banner show only while the demo simulator is in use."""
    return {} if demo else {"display": "none"}


def email_row_style(auth: str | None) -> dict[str, str]:
    """A Personal Access Token (Data Center) signs in without an e-mail: hide the field."""
    return {"display": "none"} if auth == "bearer" else {}


def _text(key: str, value: Any, *, placeholder: str = "", input_type: str = "text"):
    return dbc.Input(id=ids.SETTINGS_INPUTS[key], type=input_type, value=value or "",
                     placeholder=placeholder)


def _values_text(key: str, value: Sequence[str] | None, placeholder: str):
    """Free values (production, failure) as one comma-separated line."""
    return dbc.Input(id=ids.SETTINGS_INPUTS[key], value=", ".join(value or ()),
                     placeholder=placeholder)


def field_options(fields: Iterable[Mapping[str, Any]],
                  current: Iterable[str | None] = (), *,
                  numbers_only: bool = False) -> list[dict[str, str]]:
    """Dropdown options ``"Name (id)"`` for JIRA's fields; unknown current ids kept.

    ``numbers_only``: only the fields JIRA types as numbers (story points).
    """
    if numbers_only:
        fields = [f for f in fields if f.get("type") == "number"]
    options = [{"label": f"{f.get('name')} ({f.get('id')})", "value": str(f.get("id"))}
               for f in sorted(fields, key=lambda f: str(f.get("name")).casefold())]
    known = {o["value"] for o in options}
    # Only a list JIRA gave can tell that a field is missing from it.
    missing = " (not found in JIRA)" if options else ""
    options += [{"label": f"{c}{missing}", "value": c}
                for c in current if c and c not in known]
    return options


NUMBER_FIELD_KEYS = ("forecast.points_field",)  # dropdowns that offer number fields only


def _field(key: str, raw, meta):
    value = _get(raw, key)
    return dcc.Dropdown(id=ids.SETTINGS_INPUTS[key], options=field_options(
        meta.get("fields") or (), [value], numbers_only=key in NUMBER_FIELD_KEYS),
        value=value, clearable=True,
        placeholder="Not used", className="settings-dropdown")


def _filter_fields(raw, meta):
    chosen = list(raw.get("filter_fields") or ())
    options = [o for o in field_options(meta.get("fields") or (), chosen)
               if o["value"].startswith("customfield_")]
    return dcc.Dropdown(id=ids.SETTINGS_INPUTS["filter_fields"], options=options, value=chosen,
                        multi=True, placeholder="None", className="settings-dropdown")


def status_options(statuses: Iterable[Mapping[str, Any]],
                   current: Iterable[str] = ()) -> list[dict[str, str]]:
    """Statuses grouped by category (to do, in progress, done), labelled with it."""
    order = {"new": 0, "indeterminate": 1, "done": 2}
    ranked = sorted(statuses, key=lambda s: (order.get(s.get("category"), 3),
                                             str(s.get("name")).casefold()))
    options = [{"label": f"{s['name']}  ({CATEGORY_LABELS.get(s.get('category'), 'other')})",
                "value": s["name"]} for s in ranked]
    known = {o["value"].casefold() for o in options}
    return options + [{"label": c, "value": c} for c in current if c.casefold() not in known]


def status_preselection(key: str, statuses: Iterable[Mapping[str, Any]]) -> list[str]:
    """The statuses of the category a list defaults to (METRICS.md section 5)."""
    category = LIST_CATEGORY.get(key)
    return [s["name"] for s in statuses if category and s.get("category") == category]


def _statuses(key: str, raw, meta):
    value = _get(raw, key)
    statuses = meta.get("statuses") or ()
    selected = list(value) if value is not None else status_preselection(key, statuses)
    return dcc.Dropdown(id=ids.SETTINGS_INPUTS[key], options=status_options(statuses, selected),
                        value=selected, multi=True, placeholder="Choose statuses",
                        className="settings-dropdown")


def type_options(issue_types: Iterable[str], current: Iterable[str] = ()) -> list[dict]:
    """Every issue type JIRA has, then the current picks it lacks."""
    return [{"label": n, "value": n} for n in dict.fromkeys([*issue_types, *current])]


def _types(key: str, raw, meta, value=None):
    value = list(value if value is not None else (_get(raw, key) or ()))
    return dcc.Dropdown(id=ids.SETTINGS_INPUTS[key],
                        options=type_options(meta.get("issue_types") or (), value),
                        value=value, multi=True, placeholder="Choose issue types",
                        className="settings-dropdown")


def _card(title: str, children, subtitle: str = ""):
    header = [html.Span(title, className="fw-bold")]
    if subtitle:
        header.append(html.Small(f" · {subtitle}", className="text-muted"))
    return dbc.Card([dbc.CardHeader(header), dbc.CardBody(children)], className="mb-3")


def connection_card(raw: Raw, token_saved: bool) -> Component:
    jira = raw.get("jira", {})
    token_note = ("A token is saved. Leave empty to keep it." if token_saved
                  else "No token saved yet.")
    # A form element around the password input: browsers expect one (and say so in the
    # console otherwise); Dash handles the buttons, so submitting does nothing.
    return _card("JIRA connection", dbc.Form([
        _row("jira.url", _text("jira.url", jira.get("url"),
                                          placeholder="https://your-domain.atlassian.net")),
        dbc.Row([
            dbc.Col(_row("jira.flavor", dbc.RadioItems(
                id=ids.SETTINGS_INPUTS["jira.flavor"], inline=True, value=jira.get("flavor"),
                options=[{"label": "Cloud", "value": "cloud"},
                         {"label": "Data Center", "value": "datacenter"}])), md=6),
            dbc.Col(_row("jira.auth", dbc.RadioItems(
                id=ids.SETTINGS_INPUTS["jira.auth"], inline=True, value=jira.get("auth"),
                options=[{"label": "Email + API token", "value": "basic"},
                         {"label": "Personal Access Token", "value": "bearer"}])), md=6),
        ]),
        _row("jira.email", _text("jira.email", jira.get("email"),
                                         placeholder="you@example.com"),
             id=ids.SETTINGS_EMAIL_ROW, style=email_row_style(jira.get("auth"))),
        _row("jira.token", _text("jira.token", None, input_type="password",
                                              placeholder="••••••••" if token_saved else ""),
             ""),
        html.Div(token_note, id=ids.SETTINGS_TOKEN_STATUS, className="form-text mb-3"),
        dbc.Button("Test connection", id=ids.SETTINGS_TEST_BUTTON, color="primary",
                   outline=True, className="me-2"),
        dbc.Button("Reload fields and statuses from JIRA", id=ids.SETTINGS_LOAD_BUTTON,
                   color="primary", outline=True),
        dcc.Loading(html.Div(id=ids.SETTINGS_TEST_RESULT, className="mt-2"), type="dot"),
        html.Div(id=ids.SETTINGS_LOAD_RESULT, className="mt-2"),
    ], prevent_default_on_submit=True), "how the dashboard reaches your JIRA")


def query_card(raw: Raw) -> Component:
    return _card("Issues to analyse", [
        _row("jira.jql", dbc.Textarea(id=ids.SETTINGS_INPUTS["jira.jql"], rows=3,
                                             value=_get(raw, "jira.jql") or "",
                                             className="font-monospace",
                                             placeholder="project = DEMO")),
        dbc.Button("Validate", id=ids.SETTINGS_VALIDATE_BUTTON, color="primary",
                   outline=True),
        dcc.Loading(html.Div(id=ids.SETTINGS_VALIDATE_RESULT, className="mt-2"), type="dot"),
    ], "JIRA checks the query and counts the matching issues")


def workflow_card(raw: Raw, meta: Raw) -> Component:
    return _card("Workflow", [
        _row("workflow.active_statuses",
             _statuses("workflow.active_statuses", raw, meta)),
        _row("workflow.waiting_statuses",
             _statuses("workflow.waiting_statuses", raw, meta)),
        _row("workflow.done_statuses",
             _statuses("workflow.done_statuses", raw, meta),
             "Any other status counts as not started."),
    ], "statuses grouped by JIRA's category")


def flow_types_card(raw: Raw, meta: Raw) -> Component:
    flow = raw.get("flow_types") or {}
    rows = [_row(f"flow_types.{name}", _types(f"flow_types.{name}", raw, meta,
                                              flow.get(name, ())))
            for name in ("feature", "defect", "risk", "debt")]
    return _card("Flow types", [*rows, dbc.FormText("Unmapped issue types count as other.")],
                 "which JIRA issue types are which flow item")


def dora_card(raw: Raw, meta: Raw) -> Component:
    dep = "dora.deployments."
    inc = "dora.incidents."
    return _card("DORA sources", [
        _row(dep + "source", dbc.RadioItems(
            id=ids.SETTINGS_INPUTS[dep + "source"], inline=True,
            value=_get(raw, dep + "source"),
            options=[{"label": "Deployment issues", "value": "issues"},
                     {"label": "Released fix versions", "value": "versions"}])),
        _row(dep + "issue_types", _types(dep + "issue_types", raw,
                                                                    meta)),
        dbc.Row([dbc.Col(_row(dep + "date_field",
                              _field(dep + "date_field", raw, meta)), md=6),
                 dbc.Col(_row(dep + "environment_field",
                              _field(dep + "environment_field", raw, meta)), md=6)]),
        dbc.Row([dbc.Col(_row(dep + "production_values",
                              _values_text(dep + "production_values",
                                           _get(raw, dep + "production_values"),
                                           "Production")), md=6),
                 dbc.Col(_row(dep + "failure_field",
                              _field(dep + "failure_field", raw, meta)), md=3),
                 dbc.Col(_row(dep + "failure_values",
                              _values_text(dep + "failure_values",
                                           _get(raw, dep + "failure_values"), "Yes")), md=3)]),
        html.Hr(),
        _row(inc + "issue_types", _types(inc + "issue_types", raw,
                                                                 meta)),
        dbc.Row([dbc.Col(_row(inc + "environment_field",
                              _field(inc + "environment_field", raw, meta)), md=6),
                 dbc.Col(_row(inc + "production_values",
                              _values_text(inc + "production_values",
                                           _get(raw, inc + "production_values"),
                                           "Production")), md=6)]),
        dbc.Row([dbc.Col(_row(inc + "start_field",
                              _field(inc + "start_field", raw, meta)), md=6),
                 dbc.Col(_row(inc + "end_field",
                              _field(inc + "end_field", raw, meta)), md=6)]),
        html.Hr(),
        dbc.Row([dbc.Col(_row("dora.change_start_field",
                              _field("dora.change_start_field", raw, meta),
                              "Empty: a change starts when it first becomes active."), md=6),
                 dbc.Col(_row("period_days",
                              dbc.Input(id=ids.SETTINGS_INPUTS["period_days"], type="number",
                                        min=1, step=1, value=raw.get("period_days"))), md=6)]),
        html.Hr(),
        dbc.Row([dbc.Col(_row("forecast.points_field",
                              _field("forecast.points_field", raw, meta),
                              "A number field of your JIRA: the Forecast page can then "
                              "answer in points too."), md=6),
                 dbc.Col(_row("filter_fields", _filter_fields(raw, meta),
                              "Offered in every page's filter bar besides type, status, "
                              "component, label, fix version, parent, priority and "
                              "assignee; adding one fetches once."), md=6)]),
    ], "where deployments and incidents come from")


def layout(raw: Mapping[str, Any], *, token_saved: bool, meta: Mapping[str, Any],
           demo: bool, meta_note: str = "", mappings_from_demo: bool | None = None
           ) -> Component:
    """The whole Settings page for the settings ``raw`` (a dict without the token).

    ``mappings_from_demo`` (default: ``demo``): the mappings shown are the demo's, so
    the form resets them when the URL leaves the simulator."""
    from_demo = demo if mappings_from_demo is None else mappings_from_demo
    intro = dbc.Alert(["You are looking at demo data from a simulated JIRA. Enter your JIRA's "
                       "URL, credentials and query below, then Save to connect."],
                      color="primary", className="mb-3", id=ids.SETTINGS_DEMO_INTRO,
                      style=demo_style(demo))
    return html.Div([
        dcc.Store(id=ids.SETTINGS_MAPPINGS_FROM, data="demo" if from_demo else "saved"),
        html.Div([html.H2("Settings", className="page-title"),
                  html.Div("Changes apply when you save; they are validated first.",
                           className="page-subtitle text-muted")], className="page-header"),
        intro,
        html.Div(meta_note, className="text-muted small mb-2") if meta_note else None,
        dbc.Row([
            dbc.Col([connection_card(raw, token_saved), query_card(raw)], lg=6),
            dbc.Col([workflow_card(raw, meta), flow_types_card(raw, meta)], lg=6),
        ]),
        dora_card(raw, meta),
        html.Div([dbc.Button("Save settings", id=ids.SETTINGS_SAVE_BUTTON, color="primary",
                             size="lg"),
                  dcc.Loading(html.Div(id=ids.SETTINGS_SAVE_RESULT, className="mt-2"),
                              type="dot")],
                 className="settings-save-bar"),
    ])
