"""The settings model: frozen dataclasses mirroring ``settings.json``.

The contract is ``shared/METRICS.md`` section 5. Terms used here:

- *field id*: a JIRA field id such as ``customfield_10050`` (or a system field id
  such as ``resolutiondate``); ``None`` means "not used".
- *status list*: status names matched case-insensitively. ``None`` means "not set":
  the lists then default to JIRA's status categories (``new`` = not started,
  ``indeterminate`` = active, ``done`` = done).

Every class has the documented default for every attribute, so ``Settings()`` is
a valid (demo-ready) configuration. Parsing and validation of raw dictionaries
live in :mod:`configuration.validation`; reading and writing the file live in
:mod:`configuration.settings_file`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

Flavor = Literal["cloud", "datacenter"]
AuthKind = Literal["basic", "bearer"]
DeploymentSource = Literal["issues", "versions"]
FLOW_TYPES = ("feature", "defect", "risk", "debt")
FLOW_TYPES_WITH_OTHER = (*FLOW_TYPES, "other")


@dataclass(frozen=True)
class RateLimit:
    requests: int = 100
    per_seconds: float = 10.0


@dataclass(frozen=True)
class JiraSettings:
    url: str | None = None
    flavor: Flavor = "cloud"
    auth: AuthKind = "basic"
    email: str | None = None
    token: str | None = field(default=None, repr=False)  # never printed
    jql: str | None = None
    page_size: int = 100
    rate_limit: RateLimit = RateLimit()
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class WorkflowSettings:
    active_statuses: tuple[str, ...] | None = None
    waiting_statuses: tuple[str, ...] | None = None
    done_statuses: tuple[str, ...] | None = None


def default_flow_types() -> Mapping[str, tuple[str, ...]]:
    """Flow type -> issue type names, for every flow type the settings do not map."""
    return MappingProxyType(
        {
            "feature": ("Story",),
            "defect": ("Bug",),
            "risk": ("Vulnerability",),
            "debt": ("Tech Debt",),
        }
    )


@dataclass(frozen=True)
class DeploymentSettings:
    source: DeploymentSource = "issues"
    issue_types: tuple[str, ...] = ("Deployment",)
    date_field: str | None = None
    environment_field: str | None = None
    production_values: tuple[str, ...] = ("Production",)
    failure_field: str | None = None
    failure_values: tuple[str, ...] = ("Yes",)


@dataclass(frozen=True)
class IncidentSettings:
    issue_types: tuple[str, ...] = ("Incident",)
    environment_field: str | None = None
    production_values: tuple[str, ...] = ()
    start_field: str | None = None
    end_field: str | None = None


@dataclass(frozen=True)
class DoraSettings:
    deployments: DeploymentSettings = DeploymentSettings()
    incidents: IncidentSettings = IncidentSettings()
    change_start_field: str | None = None


@dataclass(frozen=True)
class CacheSettings:
    ttl_hours: float = 24.0


@dataclass(frozen=True)
class ForecastSettings:
    """The scope forecast (METRICS.md section 9).

    ``scope_filter``: filter clauses (section 8 syntax) that pick the scope among the
    segment's flow items; empty means every flow item. ``points_field``: the field id
    of a number field holding story points, or None (items only).
    """

    scope_filter: tuple[str, ...] = ()
    points_field: str | None = None


@dataclass(frozen=True)
class Settings:
    jira: JiraSettings = JiraSettings()
    workflow: WorkflowSettings = WorkflowSettings()
    # flow type ("feature", "defect", "risk", "debt") -> issue type names
    flow_types: Mapping[str, tuple[str, ...]] = field(default_factory=default_flow_types)
    dora: DoraSettings = DoraSettings()
    period_days: int = 90
    cache: CacheSettings = CacheSettings()
    forecast: ForecastSettings = ForecastSettings()
    # custom field ids offered in the dashboard's filter bar (METRICS.md section 8)
    filter_fields: tuple[str, ...] = ()
    # profile name -> its partial settings as written (frozen JSON), validated one by
    # one when a profile is resolved (configuration.profiles, METRICS.md section 8)
    profiles: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def mapped_field_ids(self) -> tuple[str, ...]:
        """Every field id the DORA mappings and the points field name, sorted, unique."""
        dep, inc = self.dora.deployments, self.dora.incidents
        named = (
            dep.date_field,
            dep.environment_field,
            dep.failure_field,
            inc.environment_field,
            inc.start_field,
            inc.end_field,
            self.dora.change_start_field,
            self.forecast.points_field,
        )
        return tuple(sorted({f for f in named if f}))
