"""JIRA's timestamp format, both ways, and JQL date literals in a user's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from data.simulator.timefmt import format_jira, parse_jira, parse_jql_date, parse_optional

MOMENT = datetime(2025, 3, 4, 9, 12, 33, 123456, tzinfo=UTC)


@pytest.mark.parametrize(("moment", "offset", "text"), [
    (MOMENT, None, "2025-03-04T09:12:33.123+0000"),
    (MOMENT, 330, "2025-03-04T14:42:33.123+0530"),
    (MOMENT, -300, "2025-03-04T04:12:33.123-0500"),
    (MOMENT.replace(hour=23), 120, "2025-03-05T01:12:33.123+0200"),  # crosses midnight
    (MOMENT.astimezone(timezone(timedelta(hours=1))), None, "2025-03-04T10:12:33.123+0100"),
    (MOMENT.astimezone(timezone(timedelta(hours=1))), -300, "2025-03-04T04:12:33.123-0500"),
    (MOMENT.replace(tzinfo=None), None, "2025-03-04T09:12:33.123+0000"),  # naive is UTC
])
def test_format_jira(moment: datetime, offset: int | None, text: str) -> None:
    assert format_jira(moment, offset) == text


@pytest.mark.parametrize(("text", "utc"), [
    ("2025-03-04T14:42:33.123+0530", datetime(2025, 3, 4, 9, 12, 33, 123000, tzinfo=UTC)),
    ("2025-03-04T04:12:33.000-0500", datetime(2025, 3, 4, 9, 12, 33, tzinfo=UTC)),
    ("2025-03-04T09:12:33+0000", datetime(2025, 3, 4, 9, 12, 33, tzinfo=UTC)),
])
def test_parse_jira_gives_utc(text: str, utc: datetime) -> None:
    parsed = parse_jira(text)
    assert parsed == utc
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", [None, "", 0])
def test_parse_optional_missing(value: object) -> None:
    assert parse_optional(value) is None


@pytest.mark.parametrize(("text", "zone", "utc"), [
    ("2026-01-02", "UTC", datetime(2026, 1, 2, tzinfo=UTC)),
    ("2026/01/02", "Asia/Kolkata", datetime(2026, 1, 1, 18, 30, tzinfo=UTC)),
    ("2026-01-02 10:15", "America/New_York", datetime(2026, 1, 2, 15, 15, tzinfo=UTC)),
    ("2026/07/02 10:15", "Europe/Berlin", datetime(2026, 7, 2, 8, 15, tzinfo=UTC)),  # summer
    ("02-01-2026", "UTC", None),
    ("2026-13-01", "UTC", None),
])
def test_parse_jql_date(text: str, zone: str, utc: datetime | None) -> None:
    assert parse_jql_date(text, ZoneInfo(zone)) == utc
