"""Which drill-down request a chart click makes."""

from __future__ import annotations

import pytest

from callbacks.drill_clicks import request_for
from ui import ids

FIGURE = {"data": [{"type": "histogram", "x": [5.0, 1.5, 12.0, 2.0, 30.0]}]}


@pytest.mark.parametrize(
    ("chart", "click", "figure", "expected"),
    [
        (ids.DORA_DEPLOYMENT_FREQUENCY_TREND, {"points": [{"x": "2026-03-31", "y": 4}]}, None,
         {"metric": "deployment_frequency", "week_end": "2026-03-31"}),
        (ids.FLOW_WIP_TREND, {"points": [{"x": "2026-03-24 10:00"}]}, None,
         {"metric": "load", "week_end": "2026-03-24 10:00"}),
        (ids.FLOW_TIME_SCATTER, {"points": [{"x": "2026-03-02", "y": 3.5, "text": "S-1"}]},
         None, {"metric": "time", "key": "S-1", "history": False}),
        (ids.FLOW_AGING_WIP, {"points": [{"text": "S-4"}]}, None,
         {"metric": "load", "key": "S-4", "history": True}),
        (ids.DORA_LEAD_TIME_DISTRIBUTION, {"points": [{"curveNumber": 0,
                                                       "pointNumbers": [1, 3]}]}, FIGURE,
         {"metric": "lead_time_for_changes", "value": "hours", "low": 1.5, "high": 2.0}),
        (ids.DORA_LEAD_TIME_DISTRIBUTION, {"points": [{"pointNumbers": [9]}]}, FIGURE, None),
        (ids.FLOW_TIME_SCATTER, {"points": []}, None, None),
        (ids.FLOW_TIME_SCATTER, None, None, None),
    ],
)
def test_click_to_request(chart: str, click, figure, expected) -> None:
    assert request_for(chart, click, figure) == expected
