"""Reusable pieces of every page: metric cards, tier badges, chart cards, empty states.

Terms: a *card* shows one headline metric (value, unit, tier, change against the
previous period of the same length); a *chart card* frames one figure with a title
and its one-line "how this is computed" note; an *empty state* replaces a figure
when there is nothing to draw, saying why and what to configure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from ui import format as fmt
from ui import ids
from ui.figures.theme import GRAPH_CONFIG

TIER_COLORS = {"elite": "success", "high": "info", "medium": "warning", "low": "danger"}


@dataclass(frozen=True)
class CardData:
    """Everything one metric card shows; ``value`` is already display-formatted."""

    key: str  # used for the card's element ids
    title: str
    value: str
    unit: str
    tier: str | None = None
    benchmarks: Sequence[tuple[str, str]] = ()  # (tier, threshold text)
    delta_percent: float | None = None  # relative change, or points when ``points``
    higher_is_better: bool | None = True  # None: a change is neither good nor bad
    note: str = ""
    detail: str = ""  # e.g. "42 deployments"
    compare: bool = True  # False: no "vs previous period" line (e.g. a distribution)
    points: bool = False  # the change is in percentage points (the value is a percentage)
    no_compare: str = ""  # why there is no change to show, when there is a reason to say
    metric_path: str = ""  # the value's path in the report JSON (METRICS.md section 6)
    raw_value: float | int | None = None  # the unrounded value behind ``value``
    drill: str = ""  # the drill-down metric a click opens (data.segments.items.METRICS)


def tier_badge(card_key: str, tier: str | None, benchmarks: Sequence[tuple[str, str]]) -> Component:
    """A coloured tier badge whose tooltip shows the benchmark table behind it."""
    badge_id = f"{card_key}-tier"
    label = tier.capitalize() if tier else "No tier"
    badge = dbc.Badge(label, id=badge_id, color=TIER_COLORS.get(tier or "", "secondary"),
                      className=f"tier-badge tier-{tier or 'none'}", pill=True)
    if not benchmarks:
        return badge
    rows = [html.Tr([html.Td(t.capitalize(), className="pe-3 fw-bold"), html.Td(text)],
                    className="tier-row-current" if t == tier else "")
            for t, text in benchmarks]
    table = html.Table(html.Tbody(rows), className="tier-table")
    tip = dbc.Tooltip([html.Div("DORA 2023 benchmark", className="fw-bold mb-1"), table],
                      target=badge_id, placement="bottom")
    return html.Span([badge, tip])


def _delta(card: CardData):
    text = fmt.change_text(card.delta_percent, points=card.points)
    if card.delta_percent is None and card.no_compare:
        text = card.no_compare
    tone = "text-muted"
    if card.delta_percent and "no change" not in text and card.higher_is_better is not None:
        better = (card.delta_percent > 0) == card.higher_is_better
        tone = "text-success" if better else "text-danger"
    return html.Small(text, className=f"metric-delta {tone}")


def metric_card(card: CardData, trend=None) -> Component:
    """One headline metric, optionally with its weekly trend below it."""
    headline = [
        html.Div(card.title, className="metric-title"),
        html.Div([html.Span(card.value, className="metric-value", **_data_attributes(card)),
                  html.Span(card.unit, className="metric-unit")],
                 id=f"{card.key}-value", className="metric-value-line"),
        html.Div([tier_badge(card.key, card.tier, card.benchmarks) if card.benchmarks or
                  card.tier else None, _delta(card) if card.compare else None],
                 className="metric-meta"),
        html.Div(card.detail, className="metric-detail text-muted"),
    ]
    # The headline (not the trend, which drills into one week) opens the items behind it.
    body: list = ([html.Div(headline, id=ids.drill_source(card.drill), n_clicks=0,
                            role="button", title="Show the items behind this number",
                            className="metric-headline")]
                  if card.drill else headline)
    if card.note:
        body.append(how_note(card.note))
    if trend is not None:
        body.append(html.Div(trend, className="metric-trend"))
    return dbc.Card(dbc.CardBody(body), className="metric-card h-100", id=f"{card.key}-card")


def _data_attributes(card: CardData) -> dict[str, str]:
    """``data-metric`` / ``data-value`` (unrounded; empty when null), METRICS.md section 8."""
    if not card.metric_path:
        return {}
    raw = "" if card.raw_value is None else repr(card.raw_value)
    return {"data-metric": card.metric_path, "data-value": raw}


def how_note(text: str) -> Component:
    """The one-line "how this is computed" note under a chart or card."""
    return html.Div([html.Span("How this is computed: ", className="fw-semibold"), text],
                    className="how-note")


def empty_state(message: str, *, action_href: str | None = "/settings",
                action_label: str = "Open Settings", element_id: str | None = None) -> Component:
    """Why there is nothing to draw, and where to fix it (never an empty axis)."""
    children = [html.Div("∅", className="empty-icon"), html.Div(message, className="empty-text")]
    if action_href:
        children.append(dcc.Link(action_label, href=action_href, className="empty-action"))
    kwargs = {"id": element_id} if element_id else {}
    return html.Div(children, className="empty-state", **kwargs)


def headline_text(card: CardData) -> str:
    """``"Flow velocity: 71.9 items / week."``: a card's number as a sentence."""
    return f"{card.title}: {' '.join(p for p in (card.value, card.unit) if p)}."


def chart_text(title: str, headline: str, note: str) -> str:
    """A chart's text alternative: what it shows, the headline number, how it is computed."""
    return " ".join(part for part in (f"{title}.", headline, f"How this is computed: {note}")
                    if part)


def graph(element_id: str, figure: go.Figure, *, alt: str) -> Component:
    """The chart in a ``<figure>`` named by its text alternative ``alt`` (see
    :func:`chart_text`): plotly's SVG means nothing to a screen reader. (Not
    ``role="img"``: the chart keeps its own interactive parts.)"""
    # An explicit height: a responsive graph drawn while hidden (behind the loading
    # spinner) would otherwise measure its container as 0 px high and stay collapsed.
    height = figure.layout.height or 300
    chart = dcc.Graph(id=element_id, figure=figure, config=GRAPH_CONFIG, className="chart",
                      style={"height": f"{height}px"})
    return html.Figure(chart, className="chart-figure", **{"aria-label": alt})


def chart_card(title: str, element_id: str, figure: go.Figure | None, note: str,
               *, empty_message: str = "Nothing to show in this period.",
               empty_href: str | None = "/settings", headline: str = "") -> Component:
    """A titled card with a figure, or an empty state when ``figure`` is None.

    ``headline``: the number the chart explains ("Flow velocity: 71.9 items / week"),
    part of the chart's text alternative.
    """
    alt = chart_text(title, headline, note)
    content = (graph(element_id, figure, alt=alt) if figure is not None else
               empty_state(empty_message, action_href=empty_href,
                           element_id=f"{element_id}-empty"))
    return dbc.Card([dbc.CardHeader(title, className="chart-title"),
                     dbc.CardBody([content, how_note(note)])], className="chart-card h-100")


def page_header(title: str, subtitle: str, download_button_id: str | None = None,
                download_id: str | None = None) -> Component:
    """The page's title row, with the CSV download of the items behind its numbers."""
    right = []
    if download_button_id and download_id:
        right = [dbc.Button("Download CSV", id=download_button_id, color="primary",
                            outline=True, size="sm"), dcc.Download(id=download_id)]
    return html.Div([html.Div([html.H1(title, className="page-title"),
                               html.Div(subtitle, className="page-subtitle text-muted")]),
                     html.Div(right)], className="page-header")


def error_state(message: str) -> Component:
    """A page-level failure in one sentence (the details are in the logs)."""
    return dbc.Alert(message, color="danger", className="mt-3 page-error")
