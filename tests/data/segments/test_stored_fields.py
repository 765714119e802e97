"""The store keeps what segments and drill-down need; a newly named field is fetched."""

from __future__ import annotations

from configuration.filters import parse_filter
from configuration.settings import Settings
from data.cache.sync import Needs
from data.service import with_filter_fields
from tests.data.segments.fixture import frames


def test_segment_fields_are_normalized_into_field_values() -> None:
    values = frames().field_values
    s1 = values[values["issue_id"] == frames().issues.set_index("key").loc["S-1", "issue_id"]]
    assert sorted(map(tuple, s1[["field_id", "value"]].to_numpy())) == [
        ("assignee", "Ann Lee"), ("assignee.email", "ann@x.io"), ("components", "API"),
        ("customfield_10042", "Red"), ("labels", "alpha"), ("labels", "beta"),
        ("parent", "EP-1"), ("priority", "High"),
    ]
    row = frames().issues.set_index("key").loc["S-1"]
    assert (row["summary"], row["parent_summary"]) == ("Issue S-1", "Checkout epic")


def test_needs_hold_the_segment_fields_and_the_filtered_custom_fields() -> None:
    plain = Needs.of(Settings())
    assert {"summary", "components", "labels", "parent", "priority", "assignee"} <= plain.fields
    assert {"components", "labels", "parent", "priority", "assignee"} <= plain.value_fields
    named = with_filter_fields(Settings(), parse_filter(["customfield_7=x", "label=y"]))
    needs = Needs.of(named)
    assert needs.value_fields - plain.value_fields == {"customfield_7"}
    assert "customfield_7" in needs.fields
