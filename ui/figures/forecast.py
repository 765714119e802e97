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
    """Chance (y) of finishing ``items`` items by date (x)."""
    points = sorted((c, d) for c, d in figures.items() if d is not None)
    fig = base_figure(height)
    fig.add_scatter(x=[d for _, d in points], y=[c * 100 for c, _ in points],
                    mode="lines", line={"shape": "hv", "color": PRIMARY, "width": 2.5},
                    hovertemplate="%{y:.0f}% chance of done by %{x|%d %b %Y}<extra></extra>")
    target = figures.get(HIGHLIGHT)
    if target is not None:
        _mark(fig, target, f"85%: {target:%d %b}")
    # Answers are whole days from as_of: label days, never hours of the day.
    fig.update_xaxes(title_text=f"date {items} items are done", tickformat="%d %b",
                     dtick=86_400_000 if points and _span_days(points) <= 14 else None)
    fig.update_yaxes(title_text="confidence (%)", range=[45, 100])
    fig.update_layout(showlegend=False)
    return fig


def _mark(fig: go.Figure, x: object, text: str) -> None:
    fig.add_scatter(x=[x], y=[HIGHLIGHT * 100], mode="markers+text", text=[text],
                    textposition="top left", marker={"color": WARN, "size": 11},
                    hoverinfo="skip")


def _span_days(points: list[tuple[float, datetime]]) -> float:
    return (points[-1][1] - points[0][1]).total_seconds() / 86400
