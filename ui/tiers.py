"""The DORA benchmark table as text rows for the tier badge tooltips.

The thresholds come from the engine's one tier table
(:data:`data.metrics.tiers.TIER_TABLE`, DORA 2023 clusters); this module only
words them, so the tooltip can never disagree with the tier shown.
"""

from __future__ import annotations

from data.metrics.tiers import TIER_ORDER, TIER_TABLE

UNITS = {
    "deployment_frequency": "deployments per week",
    "lead_time_for_changes": "hours (median)",
    "change_failure_rate": "% of deployments failed",
    "time_to_restore": "hours (median)",
}
WORDS = {">=": "at least", "<": "under", "<=": "at most"}
OPPOSITE = {">=": "under", "<": "at least", "<=": "over"}


def _bound(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


def benchmark_rows() -> dict[str, list[tuple[str, str]]]:
    """Per metric: ``[(tier, "at least 7 deployments per week"), ...]`` elite to low."""
    rows: dict[str, list[tuple[str, str]]] = {}
    for metric, (comparison, *bounds) in TIER_TABLE.items():
        unit = UNITS[metric]
        metric_rows = [(tier, f"{WORDS[comparison]} {_bound(bound)} {unit}")
                       for tier, bound in zip(TIER_ORDER, bounds, strict=False)]
        metric_rows.append((TIER_ORDER[-1],
                            f"{OPPOSITE[comparison]} {_bound(bounds[-1])} {unit}"))
        rows[metric] = metric_rows
    return rows
