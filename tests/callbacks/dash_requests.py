"""The requests dash-renderer sends, for tests and benchmarks that drive the app
through Flask's test client instead of a browser."""

from __future__ import annotations

from typing import Any

from ui import ids


def route_request(pathname: str, period_days: int = 90, *,
                  changed: str = f"{ids.URL}.pathname") -> dict[str, Any]:
    """The page router callback's request body: render ``pathname`` for a period.

    ``changed`` is the input that triggered it (a page change by default; a period
    change is ``f"{ids.PERIOD_STORE}.data"``).
    """
    return {
        "output": f"{ids.PAGE_CONTENT}.children",
        "outputs": {"id": ids.PAGE_CONTENT, "property": "children"},
        "inputs": [{"id": ids.URL, "property": "pathname", "value": pathname},
                   {"id": ids.PERIOD_STORE, "property": "data",
                    "value": {"period_days": period_days, "start": None, "end": None}},
                   {"id": ids.DATA_VERSION, "property": "data", "value": 1}],
        "changedPropIds": [changed],
        "state": [{"id": ids.SETTINGS_JIRA_META, "property": "data", "value": None}],
    }
