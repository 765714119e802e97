"""Plotly figure builders: plain data in, ``go.Figure`` out, one template for all."""
