"""Which drill-down request a chart click makes (see :mod:`data.segments.drill`).

Unpacks plotly's ``clickData``: a weekly trend's ``x`` is its bucket's end; a scatter
point, an aging dot or a deployment marker carries the item's key as ``text``; a
histogram bin lists its points (``pointNumbers``), whose values in the figure give the
bin's range.
"""

from __future__ import annotations

from ui import ids

WEEKLY = {
    ids.DORA_DEPLOYMENT_FREQUENCY_TREND: "deployment_frequency",
    ids.DORA_LEAD_TIME_TREND: "lead_time_for_changes",
    ids.DORA_CHANGE_FAILURE_TREND: "change_failure_rate",
    ids.DORA_RESTORE_TREND: "time_to_restore",
    ids.FLOW_VELOCITY_CHART: "velocity",
    ids.FLOW_EFFICIENCY_TREND: "efficiency",
    ids.FLOW_WIP_TREND: "load",
}
POINTS = {  # chart -> (metric, with the status history)
    ids.FLOW_TIME_SCATTER: ("time", False),
    ids.FLOW_AGING_WIP: ("load", True),
    ids.DORA_DEPLOYMENTS_TIMELINE: ("change_failure_rate", False),
}
HISTOGRAMS = {
    ids.DORA_LEAD_TIME_DISTRIBUTION: ("lead_time_for_changes", "hours"),
    ids.DORA_RESTORE_DISTRIBUTION: ("time_to_restore", "hours"),
}
CHARTS = (*WEEKLY, *POINTS, *HISTOGRAMS)


def request_for(chart: str, click: dict | None, figure: dict | None = None) -> dict | None:
    """The drill-down request of a click on ``chart``; None when it names nothing."""
    points = (click or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    if chart in WEEKLY:
        return {"metric": WEEKLY[chart], "week_end": point.get("x")} if point.get("x") else None
    if chart in POINTS:
        metric, history = POINTS[chart]
        key = point.get("text")
        return {"metric": metric, "key": key, "history": history} if key else None
    if chart in HISTOGRAMS:
        return _bin(HISTOGRAMS[chart], point, figure)
    return None


def _bin(target: tuple[str, str], point: dict, figure: dict | None) -> dict | None:
    metric, value = target
    try:
        trace = (figure or {})["data"][point.get("curveNumber", 0)]
        xs = [float(trace["x"][i]) for i in point.get("pointNumbers") or []]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not xs:
        return None
    return {"metric": metric, "value": value, "low": min(xs), "high": max(xs)}
