"""Read-only views over the engine's report JSON, shaped for the figure builders.

The *report* is the dict of ``data.service.compute_report_json`` (METRICS.md
section 6 plus ``series``, ``scatter``, ``cumulative_flow``, ``aging_wip`` and
``forecast``). These helpers only select and reshape what the engine computed;
they never compute a metric. Every helper tolerates a missing key (an older
cached report, or an engine without that analytics module) by returning empty
data, so the page shows an honest empty state instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import pandas as pd

from configuration.settings import FLOW_TYPES_WITH_OTHER

Report = Mapping[str, Any]


def section(report: Report | None, *path: str) -> Mapping[str, Any]:
    """``report[path[0]][path[1]]...`` or ``{}`` when any level is missing."""
    node: Any = report or {}
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def comparison(previous: Report | None) -> tuple[Report | None, str]:
    """The previous period's numbers when the data covers that period, else None and
    the sentence the cards show instead of a change (issue 10, item 6)."""
    if not previous or previous.get("covered", True):
        return previous, ""
    start = _day(previous.get("start"))
    data_start = _day(previous.get("data_start"))
    if data_start is None:
        return None, "no comparison: no data before this period"
    return None, (f"no comparison: the data starts {data_start}, after the previous "
                  f"period's start ({start})")


def _day(iso: str | None) -> str | None:
    return None if not iso else f"{datetime.fromisoformat(iso):%-d %b %Y}"


def _series(report: Report | None) -> Mapping[str, Any]:
    series = (report or {}).get("series")
    return series if isinstance(series, Mapping) else {}


def weeks(report: Report | None) -> list[str]:
    """The end instant (ISO 8601) of every weekly bucket, oldest first."""
    return [str(end) for end in _series(report).get("week_end") or ()]


def weekly(report: Report | None, name: str) -> list[float | None]:
    """One value per weekly bucket of the series column ``name`` (None where empty)."""
    values = _series(report).get(name)
    return list(values) if isinstance(values, Sequence) else [None] * len(weeks(report))


def weekly_by_type(report: Report | None) -> dict[str, list[float]]:
    """Completed items per weekly bucket for each flow type (five keys)."""
    by_type = _series(report).get("throughput_by_type") or {}
    count = len(weeks(report))
    return {t: list(by_type.get(t) or [0] * count) for t in FLOW_TYPES_WITH_OTHER}


def scatter_frame(report: Report | None,
                  flow_types: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Measured items as ``key``, ``completed_at``, ``flow_days``, ``flow_type``.

    The engine's scatter points carry no flow type; ``flow_types`` (issue key ->
    flow type, from the exported items) colours them, else every point is ``other``.
    """
    points = section(report, "scatter").get("points") or []
    frame = pd.DataFrame(list(points), columns=["key", "completed_at", "days"])
    frame = frame.rename(columns={"days": "flow_days"})
    frame["flow_type"] = frame["key"].map(dict(flow_types or {})).fillna("other")
    frame["completed_at"] = pd.to_datetime(frame["completed_at"], utc=True, format="ISO8601")
    return frame


def percentiles(node: Mapping[str, Any], suffix: str = "") -> dict[str, float | None]:
    """``{"p50": .., "p85": .., "p95": ..}`` from a node's ``p50``/``median`` keys."""
    return {
        "p50": node.get(f"p50{suffix}", node.get(f"median{suffix}")),
        "p85": node.get(f"p85{suffix}"),
        "p95": node.get(f"p95{suffix}"),
    }


def scatter_percentiles(report: Report | None) -> dict[str, float | None]:
    return percentiles(section(report, "scatter"), "_days")


def aging_frame(report: Report | None) -> tuple[pd.DataFrame, list[str]]:
    """WIP items (``key``, ``status``, ``age_days``, ``flow_type``) and the status order."""
    aging = section(report, "aging_wip")
    frame = pd.DataFrame(list(aging.get("items") or []))
    columns = ["key", "status", "age_days", "flow_type"]
    if frame.empty:
        return pd.DataFrame(columns=columns), []
    frame = frame.rename(columns={"age": "age_days", "type": "flow_type"})
    if "flow_type" not in frame:
        frame["flow_type"] = "other"
    frame["flow_type"] = frame["flow_type"].fillna("other")
    if "state" in frame:  # active statuses first, then waiting ones, as work flows
        rank = frame["state"].map({"active": 0, "waiting": 1}).fillna(2)
        frame = frame.assign(_rank=rank).sort_values(["_rank", "status"], kind="stable")
        frame = frame.drop(columns="_rank")
    order = list(aging.get("statuses") or dict.fromkeys(frame["status"]))
    return frame, order


def aging_percentiles(report: Report | None) -> dict[str, float | None]:
    aging = section(report, "aging_wip")
    node = aging.get("flow_time") if isinstance(aging.get("flow_time"), Mapping) else aging
    found = percentiles(node, "_days")
    return found if any(v is not None for v in found.values()) else percentiles(node)


def cumulative_flow_frame(report: Report | None) -> tuple[pd.DataFrame, list[str]]:
    """One row per day (``day`` + one column per state) and the bottom-to-top state order."""
    cfd = section(report, "cumulative_flow")
    states = list(cfd.get("states") or [])
    days = list(cfd.get("days") or [])
    if not days or not states:
        return pd.DataFrame(columns=["day"]), []
    if isinstance(days[0], Mapping):  # [{"day": .., "counts": {state: n}}]
        rows = [{"day": d.get("day") or d.get("date"), **(d.get("counts") or {})} for d in days]
        frame = pd.DataFrame(rows)
    else:  # {"days": [...], "counts": {state: [...]}}
        frame = pd.DataFrame({"day": days, **dict(cfd.get("counts") or {})})
    for state in states:
        if state not in frame:
            frame[state] = 0
    frame["day"] = pd.to_datetime(frame["day"], utc=True, format="ISO8601")
    return frame, states


def headline(card: Any, report: Report | None, path: str, drill: str) -> Any:
    """``card`` (a ``ui.components.CardData``) carrying the report value at ``path``
    (dotted, METRICS.md section 6) unrounded, and the drill-down metric it opens."""
    *parents, leaf = path.split(".")
    raw = section(report, *parents).get(leaf)
    return replace(card, metric_path=path, raw_value=raw, drill=drill)
