"""Which JIRA fields a search asks for.

*Base fields* are the system fields every metric or view needs (``summary`` to
show an item, ``status``/``issuetype`` for workflow and flow types, the dates, and
the fix/affects versions for DORA). *Mapped fields* are the custom or system fields
that the DORA settings and the forecast's points field name (``Settings.mapped_field_ids``).
Asking only for these keeps search pages small.
"""

from __future__ import annotations

from configuration.settings import Settings

BASE_FIELDS: tuple[str, ...] = (
    "summary",
    "status",
    "issuetype",
    "created",
    "updated",
    "resolutiondate",
    "fixVersions",
    "versions",
)


def fields_for(settings: Settings) -> tuple[str, ...]:
    """The base fields plus every field the mappings name, sorted, without duplicates."""
    return tuple(sorted({*BASE_FIELDS, *settings.mapped_field_ids()}))
