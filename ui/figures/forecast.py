"""Monte Carlo forecast figures: confidence curves drawn from engine quantiles.

A *confidence curve* plots, for each confidence level c (50..99%), the engine's
answer at c: "at least X items" (how many) or "done by date D" (when). The
curve is a step line because trial results are whole items and whole days.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import plotly.graph_objects as go

from ui.figures.theme import PRIMARY, WARN, base_figure

HIGHLIGHT = 0.85


def how_many_curve(figures: Mapping[float, int], days: int, height: int = 300) -> go.Figure:
    """Chance (y) of completing at least X items (x) in the next ``days`` days."""
    points = sorted(figures.items())
    fig = base_figure(height)
    fig.add_scatter(x=[v for _, v in points], y=[c * 100 for c, _ in points],
                    mode="lines", line={"shape": "hv", "color": PRIMARY, "width": 2.5},
                    fill="tozeroy", fillcolor="rgba(44,123,229,0.10)",
                    hovertemplate="%{y:.0f}% chance of at least %{x} items<extra></extra>")
    if HIGHLIGHT in figures:
        _mark(fig, figures[HIGHLIGHT], f"85%: {figures[HIGHLIGHT]} items")
    fig.update_xaxes(title_text=f"items completed in the next {days} days")
    fig.update_yaxes(title_text="confidence (%)", range=[45, 100])
    fig.update_layout(showlegend=False)
    return fig


def when_curve(figures: Mapping[float, datetime | None], items: int,
               height: int = 300) -> go.Figure:
    """Chance (bar height) that ``items`` items are done by the end of each day.

    The engine's date at confidence c grows with c, so the chance for a day is the
    highest confidence whose date falls on it; answers are whole days from ``as_of``,
    hence one bar per day rather than a time axis.
    """
    by_day: dict[str, float] = {}
    for confidence, moment in sorted(figures.items()):
        if moment is not None:
            by_day[f"{moment.day} {moment:%b}"] = confidence * 100
    fig = base_figure(height)
    fig.add_bar(x=list(by_day), y=list(by_day.values()), marker_color=PRIMARY,
                text=[f"{v:.0f}%" for v in by_day.values()], textposition="outside",
                hovertemplate="%{y:.0f}% chance of done by %{x}<extra></extra>")
    fig.update_layout(showlegend=False, shapes=[{
        "type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
        "y0": HIGHLIGHT * 100, "y1": HIGHLIGHT * 100,
        "line": {"color": WARN, "dash": "dash", "width": 1.5}}])
    fig.update_xaxes(title_text=f"{items} items done by the end of", type="category")
    fig.update_yaxes(title_text="confidence (%)", range=[0, 110])
    return fig


def _mark(fig: go.Figure, x: object, text: str) -> None:
    fig.add_scatter(x=[x], y=[HIGHLIGHT * 100], mode="markers+text", text=[text],
                    textposition="top left", marker={"color": WARN, "size": 11},
                    hoverinfo="skip")

