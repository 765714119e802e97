"""Constants shared by the simulator tests."""

from __future__ import annotations

from datetime import UTC, datetime

ANCHOR = datetime(2026, 6, 1, 12, tzinfo=UTC)  # "now" for the demo project in tests
AUTH = ("demo@example.com", "demo-token")
