"""The DORA benchmark table as text rows for the tier badge tooltips.

The thresholds come from the engine's one tier table
(:data:`data.metrics.tiers.TIER_TABLE`, DORA 2023 clusters); this module only
words them, so the tooltip can never disagree with the tier shown.
"""

from __future__ import annotations

from data.metrics.tiers import TIER_ORDER, TIER_TABLE

# Per metric: (unit after exactly 1, unit after any other number). English takes the
# plural for every number but 1, fractions included ("0.23 deployments").
UNITS = {
    "deployment_frequency": ("deployment per week", "deployments per week"),
    "lead_time_for_changes": ("hour (median)", "hours (median)"),
    "change_failure_rate": ("% of deployments failed", "% of deployments failed"),
    "time_to_restore": ("hour (median)", "hours (median)"),
}
WORDS = {">=": "at least", "<": "under", "<=": "at most"}
OPPOSITE = {">=": "under", "<": "at least", "<=": "over"}


def _bound(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


def _quantity(value: float, units: tuple[str, str]) -> str:
    """``value`` with its unit, singular only for exactly 1: "1 hour", "24 hours"."""
    singular, plural = units
    return f"{_bound(value)} {singular if _bound(value) == '1' else plural}"


def benchmark_rows() -> dict[str, list[tuple[str, str]]]:
    """Per metric: ``[(tier, "at least 7 deployments per week"), ...]`` elite to low."""
    rows: dict[str, list[tuple[str, str]]] = {}
    for metric, (comparison, *bounds) in TIER_TABLE.items():
        units = UNITS[metric]
        metric_rows = [(tier, f"{WORDS[comparison]} {_quantity(bound, units)}")
                       for tier, bound in zip(TIER_ORDER, bounds, strict=False)]
        metric_rows.append((TIER_ORDER[-1],
                            f"{OPPOSITE[comparison]} {_quantity(bounds[-1], units)}"))
        rows[metric] = metric_rows
    return rows
