"""Which fields a search asks for."""

from __future__ import annotations

from configuration.settings import (
    DeploymentSettings,
    DoraSettings,
    ForecastSettings,
    IncidentSettings,
    Settings,
)
from data.jira.fields import BASE_FIELDS, fields_for


def test_default_settings_ask_for_the_base_fields_only() -> None:
    assert fields_for(Settings()) == tuple(sorted(BASE_FIELDS))
    assert "summary" in BASE_FIELDS


def test_mapped_fields_are_added_sorted_and_deduplicated() -> None:
    dora = DoraSettings(
        deployments=DeploymentSettings(
            environment_field="customfield_10050",
            failure_field="customfield_10051",
            date_field="resolutiondate",  # a base field named again
        ),
        incidents=IncidentSettings(environment_field="customfield_10050"),
        change_start_field="customfield_10060",
    )
    got = fields_for(Settings(dora=dora))
    assert got == tuple(sorted({*BASE_FIELDS, "customfield_10050", "customfield_10051",
                                "customfield_10060"}))
    assert len(got) == len(set(got))


def test_the_points_field_is_fetched() -> None:
    settings = Settings(forecast=ForecastSettings(points_field="customfield_10016"))
    assert fields_for(settings) == tuple(sorted({*BASE_FIELDS, "customfield_10016"}))
