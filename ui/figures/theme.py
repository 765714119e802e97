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
MUTED = "#5a6768"  # 5.9:1 on white (WCAG AA needs 4.5:1 for text)
GRID = "#ecf0f1"
# Okabe & Ito's palette ("Color Universal Design", 2008): its colours stay apart for
# the common kinds of colour blindness, so no chart relies on telling red from green.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
             "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
             "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}
PRIMARY = OKABE_ITO["blue"]
GOOD = OKABE_ITO["bluish_green"]
BAD = OKABE_ITO["vermillion"]
WARN = OKABE_ITO["orange"]
NEUTRAL = "#999999"  # "other" and "not started": a grey, next to the palette

FLOW_TYPE_COLORS = {
    "feature": OKABE_ITO["blue"],
    "defect": OKABE_ITO["vermillion"],
    "risk": OKABE_ITO["orange"],
    "debt": OKABE_ITO["reddish_purple"],
    "other": NEUTRAL,
}
# Percentile lines also differ by dash, not only by colour.
PERCENTILE_STYLE = {
    "p50": {"color": GOOD, "dash": "dash"},
    "p85": {"color": WARN, "dash": "dashdot"},
    "p95": {"color": BAD, "dash": "dot"},
}
COLORWAY = [OKABE_ITO[name] for name in ("blue", "bluish_green", "orange", "reddish_purple",
                                         "vermillion", "sky_blue", "yellow", "black")]


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
