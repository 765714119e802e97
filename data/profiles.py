"""Profiles over the issue stores (METRICS.md section 8): one fetch per shared JQL.

Terms:

- *siblings*: the good profiles (``default`` included) whose settings name the same
  issue store (:func:`data.cache.keys.store_key`: JIRA URL, flavor and JQL).
- *store fields*: what a sync of a store fetches. A profile's settings are widened
  here with every field its siblings map, so that the first fetch of a store serves
  all of them: ``metrics --profile`` for any sibling after it costs no JIRA request
  (otherwise a sibling mapping one more field would find the store lacking it and
  rebuild it, :class:`data.cache.sync.Needs`).

The widening goes through ``filter_fields`` (the extra value fields a sync stores),
which changes no number: results keys leave it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from configuration.filters import Clause, custom_fields_of
from configuration.profiles import Profile, resolve, resolve_all
from configuration.settings import Settings
from data.cache.keys import store_key
from data.jira.fields import value_field_ids


def with_store_fields(profile: Profile, siblings: Sequence[Profile]) -> Profile:
    """``profile`` whose settings fetch every field its siblings need (module doc)."""
    key = store_key(profile.settings.jira)
    own = set(_needed(profile))
    extra = sorted({field for sibling in siblings if store_key(sibling.settings.jira) == key
                    for field in _needed(sibling)} - own)
    if not extra:
        return profile
    settings = profile.settings
    return replace(profile, settings=replace(
        settings, filter_fields=(*settings.filter_fields, *extra)))


def _needed(profile: Profile) -> tuple[str, ...]:
    """The value fields the profile's numbers and filter read."""
    return value_field_ids(profile.settings, custom_fields_of(profile.clauses))


def select(settings: Settings, name: str | None) -> Profile:
    """The profile ``name`` (None: ``default``), ready to fetch and compute.

    Raises ``ConfigError`` for an unknown name, ``SettingsInvalid`` for a bad profile
    (the others stay usable).
    """
    profile = resolve(settings, name)
    good, _problems = resolve_all(settings)
    return with_store_fields(profile, list(good.values()))


def usable(settings: Settings) -> dict[str, Profile]:
    """Every good profile by name (``default`` first), ready to fetch and compute."""
    good, _problems = resolve_all(settings)
    siblings = list(good.values())
    return {name: with_store_fields(profile, siblings) for name, profile in good.items()}


def clauses_of(profile: Profile, extra: Sequence[Clause] = ()) -> tuple[Clause, ...]:
    """The profile's filter followed by ``extra`` clauses (all must hold)."""
    return (*profile.clauses, *extra)


def other_stores(profiles: dict[str, Profile]) -> list[Profile]:
    """One profile per issue store other than the ``default`` one (its first user)."""
    seen = {store_key(profiles["default"].settings.jira)}
    others = []
    for profile in profiles.values():
        key = store_key(profile.settings.jira)
        if key not in seen:
            seen.add(key)
            others.append(profile)
    return others
