"""Display formatting: the only place numbers are rounded.

Metric values arrive unrounded from the engine (``data/metrics``); these helpers
turn them into short strings for cards, sentences and tooltips. ``None`` (a metric
with nothing to count) always becomes an em dash, never ``0``.
"""

from __future__ import annotations

from datetime import datetime

DASH = "—"


def number(value: float | None, digits: int = 1) -> str:
    """``12.345`` -> ``"12.3"``; whole numbers lose the decimals (``4.0`` -> ``"4"``)."""
    if value is None:
        return DASH
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def duration_hours(hours: float | None) -> tuple[str, str]:
    """A duration in hours as ``(value, unit)``, picking minutes, hours or days."""
    if hours is None:
        return DASH, ""
    if hours < 1:
        return number(hours * 60, 0), "min"
    if hours < 48:
        return number(hours), "hours"
    return number(hours / 24), "days"


def percent(value: float | None) -> str:
    return DASH if value is None else f"{number(value)}%"


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change in percent between two periods, or None when undefined."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous) * 100.0


def difference(current: float | None, previous: float | None) -> float | None:
    """Change in percentage points between two percentages, or None when undefined."""
    if current is None or previous is None:
        return None
    return current - previous


def change_text(delta: float | None, *, points: bool = False) -> str:
    """``▲ 12% vs previous period``; with ``points``, ``▲ 3.5 pts`` (for percentages,
    whose relative change would read oddly: 5% -> 20% is not "+300%" to a reader)."""
    if delta is None:
        return "no previous period to compare"
    if abs(delta) < (0.05 if points else 0.5):
        return "■ no change vs previous period"
    arrow = "▲" if delta > 0 else "▼"
    size = f"{number(abs(delta))} pts" if points else f"{number(abs(delta), 0)}%"
    return f"{arrow} {size} vs previous period"


def short_date(moment: datetime) -> str:
    """``15 Jan`` (adds the year when it is not the current one of ``moment``'s era)."""
    return f"{moment.day} {moment:%b}"


def timestamp(moment: datetime | None) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def age(seconds: float) -> str:
    """``3 min``, ``2 h``, ``5 days``: how long ago something happened."""
    minutes = seconds / 60
    if minutes < 1:
        return "less than a minute"
    if minutes < 90:
        return f"{int(minutes)} min"
    if minutes < 48 * 60:
        return f"{int(minutes // 60)} h"
    return f"{int(minutes // 1440)} days"
