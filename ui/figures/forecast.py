"""Monte Carlo forecast figures: confidence curves drawn from engine quantiles.

A *burn-up* plots the scope and what is done of it per week, with the forecast fan
to the 50/85/95% dates. A *confidence curve* plots, for each confidence level c
(50..99%), the engine's answer at c: "at least X items" (how many) or "done by date D" (when). The
curve is a step line because trial results are whole items and whole days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import plotly.graph_objects as go

from ui.figures.theme import BAD, GOOD, INK, MUTED, PRIMARY, WARN, base_figure

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



def burnup_chart(*, week_end: Sequence[datetime], total: Sequence[float],
                 done: Sequence[float], as_of: datetime, total_now: float, done_now: float,
                 dates: Mapping[float, datetime | None], unit: str,
                 release: tuple[str, datetime, float] | None = None,
                 height: int = 340) -> go.Figure:
    """Scope and done per week, the forecast fan to the 50/85/95% dates, the release.

    The scope of the first week shown is drawn as its own line, so the scope added
    after it is the band between that line and the total. The fan runs from today's
    done count to the total at each confidence's date. ``release``: ``(name, the
    release day's end, chance)``, drawn as a vertical marker.
    """
    ends = [*week_end, as_of] if not week_end or week_end[-1] != as_of else list(week_end)
    totals = [*total, total_now][: len(ends)]
    dones = [*done, done_now][: len(ends)]
    fig = base_figure(height)
    if totals:
        fig.add_scatter(x=ends, y=[totals[0]] * len(ends), name="scope at the first week",
                        mode="lines", line={"color": MUTED, "dash": "dot", "width": 1.5},
                        hovertemplate=f"%{{y:,.4~g}} {unit} in the first week<extra></extra>")
    fig.add_scatter(x=ends, y=totals, name="total scope", mode="lines+markers",
                    line={"color": INK, "width": 2}, fill="tonexty" if totals else None,
                    fillcolor="rgba(243,156,18,0.15)",
                    hovertemplate=f"%{{y:,.4~g}} {unit} in scope<extra></extra>")
    fig.add_scatter(x=ends, y=dones, name="done", mode="lines+markers",
                    line={"color": GOOD, "width": 2.5}, fill="tozeroy",
                    fillcolor="rgba(24,188,156,0.12)",
                    hovertemplate=f"%{{y:,.4~g}} {unit} done<extra></extra>")
    _fan(fig, as_of, done_now, total_now, dates)
    if release is not None:
        name, end, chance = release
        fig.add_vline(x=end.timestamp() * 1000, line={"color": BAD, "dash": "dash", "width": 1.5})
        fig.add_annotation(x=end, y=1, yref="paper", showarrow=False, yanchor="bottom",
                           text=f"{name}: {chance:.0%} chance", font={"color": BAD})
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return fig


FAN_STYLE = {0.5: (GOOD, "dash"), 0.85: (WARN, "dash"), 0.95: (BAD, "dot")}


def _fan(fig: go.Figure, as_of: datetime, done_now: float, total_now: float,
         dates: Mapping[float, datetime | None]) -> None:
    for confidence, moment in sorted(dates.items()):
        if moment is None or moment <= as_of:
            continue
        color, dash = FAN_STYLE.get(confidence, (PRIMARY, "dash"))
        fig.add_scatter(x=[as_of, moment], y=[done_now, total_now], mode="lines+markers",
                        name=f"{confidence:.0%} forecast", line={"color": color, "dash": dash},
                        hovertemplate=f"{confidence:.0%} chance done by %{{x|%d %b %Y}}"
                                      "<extra></extra>")
