"""plan_mode: the rules that pick cached / incremental / full, as one table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from data.cache.store import SCHEMA_VERSION, StoredIssues, StoreMetadata
from data.cache.sync import FULL_RESYNC_AFTER, Needs, plan_mode
from tests.data.cache.factory import synthetic_frames

T0 = datetime(2026, 3, 1, tzinfo=UTC)
META = StoreMetadata(
    schema_version=SCHEMA_VERSION, key="k", version=1, created_at=T0, last_sync_at=T0,
    config_hash="c", issue_count=0, fields=("created", "customfield_1", "status"),
    value_fields=("customfield_1",), jira_url="https://x", flavor="cloud", jql="project = X",
    checksums={},
)
STORED = StoredIssues(synthetic_frames(0, 0), META)
NEEDS = Needs(frozenset({"status", "created"}), frozenset({"customfield_1"}))
MISSING_FIELD = Needs(frozenset({"status", "customfield_2"}), frozenset({"customfield_2"}))
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("label", "stored", "needs", "now", "flags", "mode"),
    [
        ("no store", None, NEEDS, T0, {}, "full"),
        ("fresh", STORED, NEEDS, T0 + 23 * H, {}, "cached"),
        ("expired", STORED, NEEDS, T0 + 24 * H, {}, "incremental"),
        ("clock behind the store", STORED, NEEDS, T0 - H, {}, "cached"),
        ("missing field", STORED, MISSING_FIELD, T0, {}, "full"),
        ("missing field, synced while waiting", STORED, MISSING_FIELD, T0,
         {"synced_while_waiting": True}, "full"),
        ("forced full", STORED, NEEDS, T0, {"full": True}, "full"),
        ("forced full, synced while waiting", STORED, NEEDS, T0,
         {"full": True, "synced_while_waiting": True}, "cached"),
        ("refresh when fresh", STORED, NEEDS, T0 + H, {"refresh": True}, "incremental"),
        ("old full fetch", replace(STORED, metadata=replace(META, last_sync_at=T0 + 100 * H)),
         NEEDS, T0 + FULL_RESYNC_AFTER + 100 * H, {}, "full"),
        ("old full fetch but fresh", replace(STORED, metadata=replace(
            META, last_sync_at=T0 + FULL_RESYNC_AFTER)), NEEDS, T0 + FULL_RESYNC_AFTER + H, {},
         "cached"),
    ],
)
def test_plan_mode(
    *, label: str, stored: StoredIssues | None, needs: Needs, now: datetime, flags: dict,
    mode: str,
) -> None:
    assert plan_mode(stored, needs, now=now, ttl_hours=24, **flags) == mode
