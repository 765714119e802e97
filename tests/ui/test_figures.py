from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from ui.figures import distributions, forecast, theme, timelines, trends
from ui.figures.theme import BAD, FLOW_TYPE_COLORS, TEMPLATE_NAME


def test_weekly_line_keeps_gaps_for_empty_weeks():
    fig = trends.weekly_line(["a", "b", "c"], [1.0, None, 3.0], name="x", unit="hours")
    assert list(fig.data[0].y) == [1.0, None, 3.0]
    assert fig.data[0].connectgaps is False
    assert fig.layout.template.layout.font.family.startswith("Lato")
    assert TEMPLATE_NAME == "delivery"


def test_stacked_bars_use_the_fixed_type_colours():
    fig = trends.stacked_type_bars(["a"], {"feature": [2], "defect": [1]})
    assert fig.layout.barmode == "stack"
    assert [bar.marker.color for bar in fig.data] == [FLOW_TYPE_COLORS["feature"],
                                                      FLOW_TYPE_COLORS["defect"]]


def test_histogram_cuts_a_long_tail_axis_and_says_so():
    values = [1.0] * 40 + [2.0] * 40 + [900.0]
    fig = distributions.histogram(values, unit="hours", percentiles={"p50": 1.5, "p85": 2.0})
    assert fig.layout.xaxis.range[1] < 900
    notes = [a.text for a in fig.layout.annotations]
    assert any("1 longer item beyond the axis (up to 900 hours)" in n for n in notes)
    assert any(n.startswith("p85 2.0") for n in notes)


def test_histogram_without_a_tail_shows_everything():
    fig = distributions.histogram([1.0, 2.0, 3.0], unit="hours", percentiles={"p50": 2.0})
    assert fig.layout.xaxis.range is None


def test_donut_leaves_out_types_with_no_items():
    fig = distributions.donut({"feature": 75.0, "defect": 25.0, "risk": None, "debt": 0.0},
                              {"feature": 3, "defect": 1})
    assert list(fig.data[0].labels) == ["feature", "defect"]
    assert list(fig.data[0].values) == [3, 1]


def test_timeline_marks_failed_deployments_in_red():
    deployments = pd.DataFrame({"name": ["v1", "v2"], "failed": [False, True],
                                "time": pd.to_datetime(["2026-01-01", "2026-01-02"], utc=True)})
    fig = timelines.deployments_timeline(deployments)
    failed = [t for t in fig.data if t.name == "failed"]
    assert len(failed) == 1
    assert failed[0].marker.color == BAD
    assert list(failed[0].text) == ["v2"]


def test_confidence_curves_mark_85_percent():
    fig = forecast.how_many_curve({0.5: 30, 0.85: 27, 0.95: 24}, days=14)
    assert list(fig.data[0].x) == [30, 27, 24]
    assert list(fig.data[1].text) == ["85%: 27 items"]
    when = forecast.when_curve({0.5: datetime(2026, 3, 1, tzinfo=UTC),
                                0.6: datetime(2026, 3, 1, tzinfo=UTC),
                                0.85: datetime(2026, 3, 3, tzinfo=UTC), 0.95: None}, items=50)
    assert list(when.data[0].x) == ["1 Mar", "3 Mar"]
    assert list(when.data[0].y) == [60.0, 85.0]  # the chance of done by each day


def test_aging_wip_legend_shows_each_flow_types_marker():
    items = pd.DataFrame({"key": ["A-1", "A-2", "A-3"], "status": ["In Progress"] * 3,
                          "age_days": [1.0, 5.0, 9.0], "flow_type": ["defect", "feature",
                                                                     "feature"]})
    fig = distributions.aging_wip(items, ["In Progress"], {"p50": 5.0})
    boxes = [t for t in fig.data if t.type == "box"]
    legend = [t for t in fig.data if t.showlegend is not False and t.legendgroup]
    assert [b.showlegend for b in boxes] == [False, False]  # invisible boxes: no icon
    assert [(t.type, t.mode, t.name) for t in legend] == [("scatter", "markers", "defect"),
                                                          ("scatter", "markers", "feature")]
    assert [t.marker.color for t in legend] == [FLOW_TYPE_COLORS["defect"],
                                                FLOW_TYPE_COLORS["feature"]]
    assert {b.legendgroup for b in boxes} == {"defect", "feature"}


def test_charts_draw_in_a_colour_blind_safe_palette():
    """Issue 10, item 9: Okabe-Ito's colours (and one grey), never red against green."""
    allowed = {*theme.OKABE_ITO.values(), theme.NEUTRAL}
    used = {*theme.FLOW_TYPE_COLORS.values(), *theme.COLORWAY, theme.PRIMARY, theme.GOOD,
            theme.BAD, theme.WARN, *(s["color"] for s in theme.PERCENTILE_STYLE.values())}
    assert used <= allowed, used - allowed
    assert len({s["dash"] for s in theme.PERCENTILE_STYLE.values()}) == 3  # not colour alone
