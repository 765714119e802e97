"""Distribution figures: histograms with percentile lines, scatter, aging, donut.

*Percentile lines* are the values the engine reports (``p50``/``p85``/``p95``);
figures draw them, never compute them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from ui.figures.theme import FLOW_TYPE_COLORS, PERCENTILE_STYLE, PRIMARY, base_figure


def _percentile_lines(fig: go.Figure, percentiles: Mapping[str, float | None], *,
                      vertical: bool) -> None:
    for label, value in percentiles.items():
        if value is None:
            continue
        style = PERCENTILE_STYLE.get(label, PERCENTILE_STYLE["p85"])
        line = {"color": style["color"], "dash": style["dash"], "width": 1.5}
        text = f"{label} {value:,.1f}"
        if vertical:
            fig.add_vline(x=value, line=line, annotation_text=text,
                          annotation_position="top right", annotation_font_size=10)
        else:
            fig.add_hline(y=value, line=line, annotation_text=text,
                          annotation_position="top left", annotation_font_size=10)


def histogram(values: Sequence[float], *, unit: str,
              percentiles: Mapping[str, float | None], height: int = 280) -> go.Figure:
    """How many items took how long, with the reported percentiles marked."""
    fig = base_figure(height)
    fig.add_histogram(x=list(values), marker_color=PRIMARY, opacity=0.85, nbinsx=30,
                      hovertemplate=f"%{{x}} {unit}<br>%{{y}} items<extra></extra>")
    _percentile_lines(fig, percentiles, vertical=True)
    fig.update_xaxes(title_text=unit, rangemode="tozero")
    fig.update_yaxes(title_text="items")
    fig.update_layout(showlegend=False, margin={"t": 28})
    return fig


def flow_time_scatter(items: pd.DataFrame, percentiles: Mapping[str, float | None],
                      height: int = 340) -> go.Figure:
    """Each completed item (``completed_at``, ``flow_days``, ``key``, ``flow_type``)."""
    fig = base_figure(height)
    for flow_type, group in items.groupby("flow_type", sort=True):
        fig.add_scatter(x=group["completed_at"], y=group["flow_days"], mode="markers",
                        name=str(flow_type), text=group["key"],
                        marker={"color": FLOW_TYPE_COLORS.get(str(flow_type)), "size": 7,
                                "opacity": 0.75},
                        hovertemplate="%{text}<br>done %{x|%d %b}<br>%{y:.1f} days"
                                      "<extra></extra>")
    _percentile_lines(fig, percentiles, vertical=False)
    fig.update_yaxes(title_text="flow time (days)", rangemode="tozero")
    return fig


def aging_wip(items: pd.DataFrame, status_order: Sequence[str],
              percentiles: Mapping[str, float | None], height: int = 340) -> go.Figure:
    """Items in progress (``key``, ``status``, ``age_days``, ``flow_type``) per status."""
    fig = base_figure(height)
    for flow_type, group in items.groupby("flow_type", sort=True):
        fig.add_scatter(x=group["status"], y=group["age_days"], mode="markers",
                        name=str(flow_type), text=group["key"],
                        marker={"color": FLOW_TYPE_COLORS.get(str(flow_type)), "size": 9,
                                "opacity": 0.8, "line": {"width": 1, "color": "white"}},
                        hovertemplate="%{text}<br>%{x}<br>%{y:.1f} days old<extra></extra>")
    _percentile_lines(fig, percentiles, vertical=False)
    fig.update_xaxes(categoryorder="array", categoryarray=list(status_order))
    fig.update_yaxes(title_text="age (days)", rangemode="tozero")
    return fig


def donut(shares: Mapping[str, float | None], counts: Mapping[str, int],
          height: int = 300) -> go.Figure:
    """Share of completed items per flow type (types with no items are left out)."""
    labels = [t for t, share in shares.items() if share]
    fig = base_figure(height)
    fig.add_pie(labels=labels, values=[counts.get(t, 0) for t in labels], hole=0.55,
                marker={"colors": [FLOW_TYPE_COLORS.get(t) for t in labels]},
                sort=False, textinfo="label+percent",
                hovertemplate="%{label}: %{value} items (%{percent})<extra></extra>")
    fig.update_layout(showlegend=False, margin={"l": 8, "r": 8, "t": 8, "b": 8})
    return fig
