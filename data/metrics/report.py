"""The metrics report: every headline metric, the weekly series and the analytics.

Terms: :class:`MetricsReport` is the computed result of one context;
:func:`report_to_json` renders it in the shape of METRICS.md section 6 (``as_of``,
``period_days``, ``issues``, ``dora``, ``flow``) plus the extra keys ``series``,
``scatter`` and, when their modules are installed, ``cumulative_flow``,
``aging_wip`` and ``forecast``; with analytics, ``forecast.scope`` and
``series.burnup`` (section 9). Floats are exact; rounding is the UI's job.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from data.metrics.change_failure_rate import ChangeFailureRate, change_failure_rate
from data.metrics.context import CalculationContext
from data.metrics.deployment_frequency import DeploymentFrequency, deployment_frequency
from data.metrics.flow_distribution import FlowDistribution, flow_distribution
from data.metrics.flow_efficiency import FlowEfficiency, flow_efficiency
from data.metrics.flow_load import FlowLoad, flow_load
from data.metrics.flow_time import FlowTime, flow_time
from data.metrics.flow_velocity import FlowVelocity, flow_velocity
from data.metrics.lead_time import LeadTime, lead_time
from data.metrics.scope_forecast import ScopeForecast, settings_scope
from data.metrics.series import FlowTimeScatter, WeeklySeries, flow_time_scatter, weekly_series
from data.metrics.time_to_restore import TimeToRestore, time_to_restore

logger = logging.getLogger(__name__)

# JSON key -> (module, function): analytics written alongside the engine. Imported
# by name so the engine still reports when one of them is not installed.
ANALYTICS = {
    "cumulative_flow": ("data.metrics.cumulative_flow", "cumulative_flow"),
    "aging_wip": ("data.metrics.aging", "aging_wip"),
    "forecast": ("data.metrics.forecast", "forecast"),
}


@dataclass(frozen=True)
class MetricsReport:
    as_of: datetime
    period_days: int
    issues: int
    deployment_frequency: DeploymentFrequency
    lead_time: LeadTime
    change_failure_rate: ChangeFailureRate
    time_to_restore: TimeToRestore
    flow_velocity: FlowVelocity
    flow_time: FlowTime
    flow_efficiency: FlowEfficiency
    flow_load: FlowLoad
    flow_distribution: FlowDistribution
    series: WeeklySeries
    scatter: FlowTimeScatter
    # JSON key -> analytics result (each has ``to_json()``); absent when not installed
    analytics: Mapping[str, Any]
    # the scope forecast (METRICS.md section 9); None when analytics are skipped
    scope: ScopeForecast | None = None


def compute_report(ctx: CalculationContext, *, analytics: bool = True) -> MetricsReport:
    """Compute every metric of the context (``analytics=False`` skips the analytics)."""
    return MetricsReport(
        as_of=ctx.as_of.to_pydatetime(),
        period_days=ctx.period_days,
        issues=len(ctx.per_issue),
        deployment_frequency=deployment_frequency(ctx),
        lead_time=lead_time(ctx),
        change_failure_rate=change_failure_rate(ctx),
        time_to_restore=time_to_restore(ctx),
        flow_velocity=flow_velocity(ctx),
        flow_time=flow_time(ctx),
        flow_efficiency=flow_efficiency(ctx),
        flow_load=flow_load(ctx),
        flow_distribution=flow_distribution(ctx),
        series=weekly_series(ctx),
        scatter=flow_time_scatter(ctx),
        analytics=MappingProxyType(_analytics(ctx) if analytics else {}),
        scope=settings_scope(ctx) if analytics else None,
    )


def _analytics(ctx: CalculationContext) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for key, (module_name, function_name) in ANALYTICS.items():
        try:
            function = getattr(importlib.import_module(module_name), function_name)
        except (ImportError, AttributeError):
            logger.warning("analytics %s not available; left out of the report", key)
            continue
        results[key] = function(ctx)
    return results


def report_to_json(report: MetricsReport) -> dict[str, Any]:
    """The report as plain JSON types, in the shape of METRICS.md section 6 plus extras."""
    payload: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "period_days": report.period_days,
        "issues": report.issues,
        "dora": {
            "deployment_frequency": report.deployment_frequency.to_json(),
            "lead_time_for_changes": report.lead_time.to_json(),
            "change_failure_rate": report.change_failure_rate.to_json(),
            "time_to_restore": report.time_to_restore.to_json(),
        },
        "flow": {
            "velocity": report.flow_velocity.to_json(),
            "time": report.flow_time.to_json(),
            "efficiency": report.flow_efficiency.to_json(),
            "load": report.flow_load.to_json(),
            "distribution": report.flow_distribution.to_json(),
        },
        "series": report.series.to_json(),
        "scatter": report.scatter.to_json(),
    }
    for key, result in report.analytics.items():
        payload[key] = result.to_json()
    if report.scope is not None:
        payload.setdefault("forecast", {})["scope"] = report.scope.to_json()
        payload["series"]["burnup"] = report.scope.burnup.to_json()
    return payload
