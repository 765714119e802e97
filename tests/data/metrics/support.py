"""Helpers for metric tests: raw JIRA issues (from tests.builders) -> a context.

Terms: ``WORKFLOW`` is the workflow most tests use (METRICS.md section 5's example);
``AS_OF`` and ``DAYS`` give the window ``[2026-01-04, 2026-02-01)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from configuration.settings import (
    DeploymentSettings,
    DoraSettings,
    IncidentSettings,
    Settings,
    WorkflowSettings,
)
from data.issues.normalize import normalize_issues
from data.metrics.context import CalculationContext, Window

AS_OF = "2026-02-01T00:00:00+00:00"
DAYS = 28
WORKFLOW = WorkflowSettings(
    active_statuses=("In Progress", "In Review"),
    waiting_statuses=("Blocked",),
    done_statuses=("Done", "Closed"),
)
SETTINGS = Settings(workflow=WORKFLOW)


def settings_with(
    *,
    deployments: dict[str, Any] | None = None,
    incidents: dict[str, Any] | None = None,
    change_start_field: str | None = None,
    workflow: WorkflowSettings = WORKFLOW,
) -> Settings:
    """``SETTINGS`` with some DORA settings replaced."""
    dora = DoraSettings(
        deployments=replace(DeploymentSettings(), **(deployments or {})),
        incidents=replace(IncidentSettings(), **(incidents or {})),
        change_start_field=change_start_field,
    )
    return Settings(workflow=workflow, dora=dora)


def context_of(
    raw_issues: Iterable[dict],
    settings: Settings = SETTINGS,
    *,
    as_of: str = AS_OF,
    period_days: int = DAYS,
    statuses: Iterable[dict] = (),
) -> CalculationContext:
    """Normalize raw issues with every mapped field and build the context."""
    frames = normalize_issues(list(raw_issues), settings.mapped_field_ids(), statuses)
    return CalculationContext.build(frames, settings, as_of=as_of, period_days=period_days)


def row(ctx: CalculationContext, key: str) -> dict[str, Any]:
    """The per-issue row of one issue key as a dict."""
    table = ctx.per_issue
    return table.loc[table["key"] == key].iloc[0].to_dict()


def window(start: str, end: str) -> Window:
    """The window ``[start, end)``, both read as UTC (``"2026-01-04"``, ``"...T10:00"``)."""
    return Window(pd.Timestamp(start, tz="UTC"), pd.Timestamp(end, tz="UTC"))
