"""Distribution figures: histograms with percentile lines, scatter, aging, donut.

*Percentile lines* are the values the engine reports (``p50``/``p85``/``p95``);
figures draw them, never compute them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures.theme import (
    FLOW_TYPE_COLORS,
    MUTED,
    PERCENTILE_STYLE,
    PRIMARY,
    base_figure,
    count_axis,
)

BINS = 30  # histogram bars across the shown range


def _percentile_lines(fig: go.Figure, percentiles: Mapping[str, float | None], *,
                      vertical: bool) -> None:
    """Dashed lines across the plot at each reported percentile, labelled.

    Built as plain layout shapes in one update: plotly's ``add_hline``/``add_vline``
    validate every call and cost a noticeable share of a page's server time.
    """
    shapes, notes = [], []
    for label, value in percentiles.items():
        if value is None:
            continue
        style = PERCENTILE_STYLE.get(label, PERCENTILE_STYLE["p85"])
        line = {"color": style["color"], "dash": style["dash"], "width": 1.5}
        text = f"{label} {value:,.1f}"
        if vertical:
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": value,
                           "x1": value, "y0": 0, "y1": 1, "line": line})
            # p50 labelled left of its line, the others right: close lines stay readable.
            notes.append({"x": value, "y": 1, "xref": "x", "yref": "paper", "text": text,
                          "showarrow": False, "yanchor": "bottom",
                          "xanchor": "right" if label == "p50" else "left",
                          "font": {"size": 10, "color": style["color"]}})
        else:
            shapes.append({"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
                           "y0": value, "y1": value, "line": line})
            notes.append({"x": 0, "y": value, "xref": "paper", "yref": "y", "text": text,
                          "showarrow": False, "xanchor": "left", "yanchor": "bottom",
                          "font": {"size": 10, "color": style["color"]}})
    fig.update_layout(shapes=[*fig.layout.shapes, *shapes],
                      annotations=[*fig.layout.annotations, *notes])


def histogram(values: Sequence[float], *, unit: str,
              percentiles: Mapping[str, float | None], height: int = 280) -> go.Figure:
    """How many items took how long, with the reported percentiles marked.

    Delivery times have long tails: a few items that took months would squash
    every other bar into one. When the longest value is far beyond the 95th
    percentile, the axis (only the axis: no value is dropped) stops there and a
    note says how many items lie beyond it.
    """
    fig = base_figure(height)
    shown = np.asarray(values, dtype=float)
    cut = float(np.quantile(shown, 0.95)) * 1.1 if shown.size else 0.0
    long_tail = shown.size > 20 and shown.max() > 2 * cut > 0
    # Explicit bins (plotly's would be its own): the tallest bar is then known here,
    # for an axis of whole items.
    end = cut if long_tail else (float(shown.max()) if shown.size else 0.0)
    size = end / BINS if end > 0 else 1.0
    bins = {"start": 0, "end": end + size, "size": size}
    tallest = np.histogram(shown, bins=np.arange(0, end + 2 * size, size))[0].max(
        initial=0)
    fig.add_histogram(x=shown.tolist(), marker_color=PRIMARY, opacity=0.85, xbins=bins,
                      hovertemplate=f"%{{x}} {unit}<br>%{{y}} items<extra></extra>")
    _percentile_lines(fig, percentiles, vertical=True)
    fig.update_xaxes(title_text=unit, rangemode="tozero")
    if long_tail:
        beyond = int((shown > cut).sum())
        fig.update_xaxes(range=[0, cut])
        fig.add_annotation(text=f"{beyond} longer item{'s' if beyond != 1 else ''} "
                                f"beyond the axis (up to {shown.max():,.0f} {unit})",
                           xref="paper", yref="paper", x=1, y=1.12, showarrow=False,
                           xanchor="right", font={"size": 10, "color": MUTED})
    fig.update_yaxes(title_text="items")
    fig.update_layout(showlegend=False, margin={"t": 28})
    return count_axis(fig, tallest)


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
    """Items in progress (``key``, ``status``, ``age_days``, ``flow_type``) per status.

    Drawn as jittered strips (an invisible box per status carrying its points) so
    that many items of the same age stay visible side by side.
    """
    fig = base_figure(height)
    for flow_type, group in items.groupby("flow_type", sort=True):
        marker = {"color": FLOW_TYPE_COLORS.get(str(flow_type)), "size": 7, "opacity": 0.75}
        # The box is invisible, so its own legend icon would be too: the legend shows
        # an empty marker trace of the same group instead (clicking it hides both).
        fig.add_box(x=group["status"], y=group["age_days"], name=str(flow_type),
                    legendgroup=str(flow_type), showlegend=False,
                    text=group["key"], boxpoints="all", jitter=0.6, pointpos=0,
                    fillcolor="rgba(0,0,0,0)", line={"width": 0}, marker=marker,
                    hoveron="points",
                    hovertemplate="%{text}<br>%{x}<br>%{y:.1f} days old<extra></extra>")
        fig.add_scatter(x=[None], y=[None], mode="markers", name=str(flow_type),
                        legendgroup=str(flow_type), marker=marker, hoverinfo="skip")
    _percentile_lines(fig, percentiles, vertical=False)
    fig.update_layout(boxmode="overlay")
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
