"""The requests dash-renderer sends, for tests and benchmarks that drive the app
through Flask's test client instead of a browser."""

from __future__ import annotations

from typing import Any

from ui import ids


def route_request(pathname: str, period_days: int = 90, *,
                  changed: str = f"{ids.URL}.pathname",
                  filters: list[str] | None = None, search: str = "",
                  profile: str | None = None) -> dict[str, Any]:
    """The page router callback's request body: render ``pathname`` for a period.

    ``changed`` is the input that triggered it (a page change by default; a period
    change is ``f"{ids.PERIOD_STORE}.data"``); ``filters`` the filter's clauses;
    ``profile`` the profile shown (None: ``default``).
    """
    return {
        "output": f"{ids.PAGE_CONTENT}.children",
        "outputs": {"id": ids.PAGE_CONTENT, "property": "children"},
        "inputs": [{"id": ids.URL, "property": "pathname", "value": pathname},
                   {"id": ids.PERIOD_STORE, "property": "data",
                    "value": {"period_days": period_days, "start": None, "end": None}},
                   {"id": ids.FILTER_STORE, "property": "data", "value": filters or []},
                   {"id": ids.DATA_VERSION, "property": "data", "value": 1}],
        "changedPropIds": [changed],
        "state": [{"id": ids.SETTINGS_JIRA_META, "property": "data", "value": None},
                  {"id": ids.URL, "property": "search", "value": search},
                  {"id": ids.PROFILE_STORE, "property": "data", "value": profile}],
    }


def callback_request(dependency: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The body dash-renderer sends to run ``dependency`` (an entry of
    ``/_dash-dependencies``) with a single output; ``values`` by ``"id.property"``
    (anything not given is None). The first input is the one that changed."""
    def filled(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"id": item["id"], "property": item["property"],
                 "value": values.get(f"{item['id']}.{item['property']}")} for item in items]

    output_id, _, output_property = dependency["output"].rpartition(".")
    first = dependency["inputs"][0]
    return {"output": dependency["output"],
            "outputs": {"id": output_id, "property": output_property},
            "inputs": filled(dependency["inputs"]), "state": filled(dependency["state"]),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}
