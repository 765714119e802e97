"""The one plotly template and colour set every chart uses.

*Flow type colours* are fixed so a feature is the same blue on every chart; the
*percentile lines* (p50/p85/p95) share one style wherever they are drawn.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "delivery"
FONT = "Lato, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#2c3e50"
MUTED = "#7b8a8b"
GRID = "#ecf0f1"
PRIMARY = "#2c7be5"
GOOD = "#18bc9c"
BAD = "#e74c3c"
WARN = "#f39c12"

FLOW_TYPE_COLORS = {
    "feature": "#3498db",
    "defect": "#e74c3c",
    "risk": "#f39c12",
    "debt": "#8e44ad",
    "other": "#95a5a6",
}
PERCENTILE_STYLE = {
    "p50": {"color": GOOD, "dash": "dash"},
    "p85": {"color": WARN, "dash": "dash"},
    "p95": {"color": BAD, "dash": "dot"},
}
COLORWAY = ["#2c7be5", "#18bc9c", "#f39c12", "#8e44ad", "#e74c3c", "#34495e", "#95a5a6",
            "#1abc9c", "#d35400", "#7f8c8d"]


def _template() -> go.layout.Template:
    # automargin: long category labels ("Ready for QA") get room instead of being cut
    # off at the plot's edge on a narrow screen.
    axis = {"gridcolor": GRID, "zeroline": False, "linecolor": GRID, "ticks": "",
            "automargin": True, "title": {"font": {"size": 12, "color": MUTED}}}
    return go.layout.Template(
        layout={
            "font": {"family": FONT, "color": INK, "size": 12},
            "colorway": COLORWAY,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
            "xaxis": axis,
            "yaxis": axis,
            "legend": {"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 11}},
            "hoverlabel": {"font": {"family": FONT}},
            "bargap": 0.25,
        }
    )


pio.templates[TEMPLATE_NAME] = _template()


SMALL_COUNT = 5  # up to this many items, plotly's own ticks would fall on halves


def count_axis(fig: go.Figure, top: float | None) -> go.Figure:
    """A y axis of whole items: integer labels, and a step of 1 for small counts
    (plotly would otherwise tick 0, 0.5, 1, 1.5 on a bar of 2)."""
    step = {"dtick": 1, "tick0": 0} if top is not None and top <= SMALL_COUNT else {}
    fig.update_yaxes(tickformat=",d", rangemode="tozero", **step)
    return fig


def base_figure(height: int = 260) -> go.Figure:
    """An empty figure in the dashboard's template."""
    return go.Figure(layout={"template": TEMPLATE_NAME, "height": height})


# The mode bar shows only while the pointer is over a chart (a tap on a phone), not
# over the data and notes all the time.
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": "hover",
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}
