"""Time-axis figures: the deployments timeline and the cumulative flow diagram.

A *deployment* row has ``time`` (UTC), ``name`` and ``failed`` (bool). The
*cumulative flow* frame has one row per UTC day (``day``) and one column per
state, in the order the states should stack (not started at the bottom, done on
top, as is usual for a CFD read bottom-up as "work arriving, flowing, finishing").
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from ui.figures.theme import BAD, COLORWAY, GOOD, NEUTRAL, base_figure, count_axis


def deployments_timeline(deployments: pd.DataFrame, height: int = 220) -> go.Figure:
    """One marker per deployment; failed ones are red crosses on their own row."""
    fig = base_figure(height)
    for failed, label, color, symbol in ((False, "succeeded", GOOD, "circle"),
                                         (True, "failed", BAD, "x")):
        rows = deployments[deployments["failed"] == failed]
        if rows.empty:
            continue
        fig.add_scatter(x=rows["time"], y=[label] * len(rows), mode="markers", name=label,
                        # An issue key, or a version name (deployments from versions).
                        text=rows["key" if "key" in rows else "name"],
                        marker={"color": color, "symbol": symbol, "size": 11,
                                "line": {"width": 1, "color": "white"}},
                        hovertemplate="%{text}<br>%{x|%d %b %Y %H:%M} UTC<extra></extra>")
    fig.update_yaxes(categoryorder="array", categoryarray=["succeeded", "failed"],
                     title_text="")
    fig.update_layout(margin={"l": 80, "t": 8})
    return fig


def cumulative_flow(frame: pd.DataFrame, states: Sequence[str], height: int = 360) -> go.Figure:
    """Stacked areas, one per state, bottom (not started) to top (done)."""
    fig = base_figure(height)
    palette = {"not started": NEUTRAL, "done": GOOD}
    # Statuses in between get the palette's other colours ("done" keeps its green).
    others = iter(c for c in COLORWAY if c != GOOD)
    for state in states:
        color = palette.get(state.lower()) or next(others, None)
        fig.add_scatter(x=frame["day"], y=frame[state], name=state, mode="lines",
                        stackgroup="cfd", line={"width": 0.5, "color": color},
                        hovertemplate=f"{state}: %{{y}}<extra>%{{x|%d %b}}</extra>")
    fig.update_yaxes(title_text="flow items")
    return count_axis(fig, frame[list(states)].sum(axis=1).max() if len(frame) else None)
