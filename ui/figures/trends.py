"""Weekly trend figures shared by the DORA and Flow pages.

A *week* is one weekly bucket of the engine's ``series`` (7 days ending at the
bucket's end); the x axis shows each bucket's end date. ``None`` values are gaps,
drawn as gaps (a week with nothing to measure is not a zero).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from ui.figures.theme import FLOW_TYPE_COLORS, PRIMARY, base_figure, count_axis


def has_values(values: Sequence[float | None]) -> bool:
    """True when at least one value is present (a figure would show something)."""
    return any(v is not None for v in values)


def weekly_bars(weeks: Sequence[str], values: Sequence[float | None], *, name: str,
                unit: str, color: str = PRIMARY, height: int = 160) -> go.Figure:
    """Bars per week, for counts (deployments, items)."""
    fig = base_figure(height)
    fig.add_bar(x=list(weeks), y=list(values), name=name, marker_color=color,
                hovertemplate=f"week ending %{{x|%d %b}}<br>%{{y:,.1f}} {unit}<extra></extra>")
    fig.update_layout(margin={"l": 36, "r": 8, "t": 8, "b": 28}, showlegend=False)
    fig.update_yaxes(title_text=unit)
    return count_axis(fig, _top(values))


def _top(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def weekly_line(weeks: Sequence[str], values: Sequence[float | None], *, name: str,
                unit: str, color: str = PRIMARY, height: int = 160,
                fill: bool = False, counts: bool = False) -> go.Figure:
    """A line per week with gaps for empty weeks, for medians and ratios (``counts``:
    the values are whole items, e.g. work in progress)."""
    fig = base_figure(height)
    fig.add_scatter(x=list(weeks), y=list(values), name=name, mode="lines+markers",
                    line={"color": color, "width": 2}, marker={"size": 5},
                    connectgaps=False, fill="tozeroy" if fill else None,
                    hovertemplate=f"week ending %{{x|%d %b}}<br>%{{y:,.1f}} {unit}"
                                  "<extra></extra>")
    fig.update_layout(margin={"l": 36, "r": 8, "t": 8, "b": 28}, showlegend=False)
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    return count_axis(fig, _top(values)) if counts else fig


def stacked_type_bars(weeks: Sequence[str], by_type: Mapping[str, Sequence[float]],
                      height: int = 300) -> go.Figure:
    """Completed items per week stacked by flow type, in the fixed type colours."""
    fig = base_figure(height)
    for flow_type, counts in by_type.items():
        fig.add_bar(x=list(weeks), y=list(counts), name=flow_type,
                    marker_color=FLOW_TYPE_COLORS.get(flow_type),
                    hovertemplate=f"{flow_type}: %{{y}}<extra>week ending %{{x|%d %b}}</extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="items completed")
    week_totals = [sum(week) for week in zip(*by_type.values(), strict=True)]
    return count_axis(fig, max(week_totals, default=None))
