"""Segments (METRICS.md section 8): the metrics and the items behind them for a filter."""
