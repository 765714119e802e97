"""Constants and HTTP helpers shared by the simulator tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests

ANCHOR = datetime(2026, 6, 1, 12, tzinfo=UTC)  # "now" for the demo project in tests
AUTH = ("demo@example.com", "demo-token")


def token_pages(http: requests.Session, url: str, body: dict[str, Any]) -> list[dict]:
    """Every page of a Cloud endpoint paged by ``nextPageToken`` (search, bulkfetch)."""
    pages: list[dict] = []
    token = None
    while True:
        payload = body | ({"nextPageToken": token} if token else {})
        response = http.post(url, json=payload, timeout=10)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        token = pages[-1].get("nextPageToken")
        if token is None:
            return pages
