"""Which JIRA fields a search asks for.

*Base fields* are the system fields every metric or view needs (``summary`` to
show an item, the segment fields (components, labels, parent, priority, assignee)
that filters match, ``status``/``issuetype`` for workflow and flow types, the dates, and
the fix/affects versions for DORA). *Mapped fields* are the custom or system fields
that the DORA settings and the forecast's points field name (``Settings.mapped_field_ids``).
Asking only for these keeps search pages small.
"""

from __future__ import annotations

from collections.abc import Iterable

from configuration.filters import custom_fields_of, parse_filter
from configuration.settings import Settings
from data.issues.frames import SEGMENT_FIELDS

BASE_FIELDS: tuple[str, ...] = (
    "summary",
    "status",
    "issuetype",
    "created",
    "updated",
    "resolutiondate",
    "fixVersions",
    "versions",
    *SEGMENT_FIELDS,
)


def value_field_ids(settings: Settings, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The field ids normalized into ``field_values``: the mapped fields, the segment
    fields, the custom fields offered in the filter bar, those the forecast's scope
    filter names and ``extra`` (custom fields a filter names), sorted, unique."""
    scope = custom_fields_of(parse_filter(settings.forecast.scope_filter))
    named = (*settings.mapped_field_ids(), *SEGMENT_FIELDS, *settings.filter_fields, *scope,
             *extra)
    return tuple(sorted(set(named)))


def fields_for(settings: Settings, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The base fields plus every field stored as values, sorted, without duplicates."""
    return tuple(sorted({*BASE_FIELDS, *value_field_ids(settings, extra)}))
