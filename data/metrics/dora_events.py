"""DORA events shared by the DORA metrics: deployments, change lead times, restores.

Each table is computed once per context (memoized) and holds int64 UTC nanoseconds
(:data:`~data.metrics.fields.NAT` never appears in them). Terms (METRICS.md section 4):

- *deployment*: with source ``issues``, a deployment record (see the context) that is
  completed at ``as_of`` and, when ``environment_field`` is set, has a production value;
  its time is the ``date_field`` value when set and present, else ``completed_at``.
  With source ``versions``, a released fix version with a release date, deduplicated
  by version id; its time is the end of the release day in UTC. The ``released`` flag
  is JIRA's current one: JIRA does not record when a version was released.
- *failed*: source ``issues``: its ``failure_field`` value is one of ``failure_values``;
  source ``versions``: an incident lists the version in its affected versions.
- *link*: a change and a deployment linked through a shared fix version (by name for
  deployment issues, by version id for versions).
- *lead time*: from the change's start (``change_start_field`` value, else
  ``started_at``) to the earliest linked deployment at or after that start.
- *restore*: an incident's start (``start_field``, else ``created``) to its end
  (``end_field``, else ``completed_at``), kept when the end is not before the start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from data.metrics.fields import NAT, date_only_end_of_day

if TYPE_CHECKING:
    from data.metrics.context import CalculationContext, Window

DEPLOYMENT_COLUMNS = ("deployment_id", "name", "at", "failed")
NS_PER_HOUR = 3600 * 10**9


def deployments(ctx: CalculationContext) -> pd.DataFrame:
    """One row per deployment: ``deployment_id``, ``name``, ``at`` (ns), ``failed``."""
    return ctx.memo("deployments", lambda: _deployments(ctx))


def lead_times(ctx: CalculationContext) -> pd.DataFrame:
    """One row per change with a linked deployment: ``pos``, ``start``, ``end`` (ns)."""
    return ctx.memo("lead_times", lambda: _lead_times(ctx))


def restores(ctx: CalculationContext) -> pd.DataFrame:
    """One row per incident with a start and an end: ``pos``, ``start``, ``end`` (ns)."""
    return ctx.memo("restores", lambda: _restores(ctx))


def hours_ending_in(
    ctx: CalculationContext, spans: pd.DataFrame, window: Window | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Of a ``start``/``end`` table (lead times, restores): the mask of the rows whose
    end lies in the window, and those rows' durations in hours."""
    end = spans["end"].to_numpy(np.int64)
    inside = ctx.resolve(window).contains(end)
    return inside, (end[inside] - spans["start"].to_numpy(np.int64)[inside]) / NS_PER_HOUR


def _deployments(ctx: CalculationContext) -> pd.DataFrame:
    if ctx.settings.dora.deployments.source == "versions":
        return _version_deployments(ctx)
    return _issue_deployments(ctx)


def _issue_deployments(ctx: CalculationContext) -> pd.DataFrame:
    dep = ctx.settings.dora.deployments
    per_issue = ctx.per_issue
    mask = per_issue["is_deployment"].to_numpy(dtype=bool) & (ctx.completed_ns != NAT)
    if dep.environment_field:
        mask &= ctx.fields.matches(dep.environment_field, dep.production_values)
    when = ctx.completed_ns
    if dep.date_field:
        field_time = ctx.fields.times(dep.date_field)
        when = np.where(field_time != NAT, field_time, when)
    failed = (
        ctx.fields.matches(dep.failure_field, dep.failure_values)
        if dep.failure_field
        else np.zeros(len(per_issue), dtype=bool)
    )
    keys = per_issue["key"].iloc[np.flatnonzero(mask)].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "deployment_id": keys,
            "name": keys,
            "at": when[mask],
            "failed": failed[mask],
            "pos": np.flatnonzero(mask),
        }
    )


def _version_deployments(ctx: CalculationContext) -> pd.DataFrame:
    fixes = ctx.versions[(ctx.versions["relation"] == "fix") & ctx.versions["released"]]
    unique = fixes.drop_duplicates("version_id")
    at = date_only_end_of_day(unique["release_date"].astype("str"))
    usable = at != NAT
    codes = unique["id_code"].to_numpy()[usable]
    return pd.DataFrame(
        {
            "deployment_id": unique["version_id"].to_numpy(dtype=object)[usable],
            "name": unique["name"].to_numpy(dtype=object)[usable],
            "at": at[usable],
            "failed": np.isin(codes, _versions_hit_by_incidents(ctx)),
            "id_code": codes,
        }
    )


def _versions_hit_by_incidents(ctx: CalculationContext) -> np.ndarray:
    affects = ctx.versions[ctx.versions["relation"] == "affects"]
    is_incident = ctx.per_issue["is_incident"].to_numpy(dtype=bool)
    return affects["id_code"].to_numpy()[is_incident[affects["pos"].to_numpy()]]


def _links(ctx: CalculationContext) -> pd.DataFrame:
    """(change ``pos``, deployment ``at``) pairs through shared fix versions.

    Joined on the integer version codes of the context (see ``context._versions``).
    """
    fixes = ctx.versions[ctx.versions["relation"] == "fix"]
    is_change = ctx.per_issue["is_change"].to_numpy(dtype=bool)
    changes = fixes[is_change[fixes["pos"].to_numpy()]]
    deploys = deployments(ctx)
    if ctx.settings.dora.deployments.source == "versions":
        pairs = changes[["pos", "id_code"]].merge(deploys[["id_code", "at"]], on="id_code")
        return pairs[["pos", "at"]]
    dep_versions = fixes[["pos", "name_code"]].merge(deploys[["pos", "at"]], on="pos")
    pairs = changes[["pos", "name_code"]].merge(dep_versions[["name_code", "at"]],
                                                 on="name_code")
    return pairs[["pos", "at"]]


def _lead_times(ctx: CalculationContext) -> pd.DataFrame:
    start = ctx.started_ns
    field_id = ctx.settings.dora.change_start_field
    if field_id:
        field_time = ctx.fields.times(field_id)
        start = np.where(field_time != NAT, field_time, start)
    links = _links(ctx)
    link_start = start[links["pos"].to_numpy()]
    usable = (link_start != NAT) & (links["at"].to_numpy() >= link_start)
    ends = links[usable].groupby("pos", sort=True)["at"].min()
    pos = ends.index.to_numpy(dtype=np.int64)
    return pd.DataFrame({"pos": pos, "start": start[pos], "end": ends.to_numpy(np.int64)})


def _restores(ctx: CalculationContext) -> pd.DataFrame:
    incidents = ctx.settings.dora.incidents
    start, end = ctx.created_ns, ctx.completed_ns
    if incidents.start_field:
        field_time = ctx.fields.times(incidents.start_field)
        start = np.where(field_time != NAT, field_time, start)
    if incidents.end_field:
        field_time = ctx.fields.times(incidents.end_field)
        end = np.where(field_time != NAT, field_time, end)
    mask = ctx.per_issue["is_incident"].to_numpy(dtype=bool) & (end != NAT) & (end >= start)
    pos = np.flatnonzero(mask)
    return pd.DataFrame({"pos": pos, "start": start[pos], "end": end[pos]})
