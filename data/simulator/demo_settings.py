"""Settings for demo mode: the dashboard pointed at a running :class:`JiraSimulator`.

The demo project's mapping (see :mod:`.catalog`): ``customfield_10050`` Environment
(``Production`` counts), ``customfield_10051`` Deployment Failed (``Yes`` fails),
``customfield_10060`` Deployed At (deployment time), ``customfield_10070`` /
``customfield_10071`` an incident's impact start and end. Task stays unmapped, so it
is the ``other`` flow type. ``customfield_10075`` Deployment Day (a date-only value,
which METRICS.md reads as the end of that day) is left unmapped; map it as
``dora.deployments.date_field`` to see that rule at work. ``customfield_10016`` Story
Points is the scope forecast's points field.
"""

from __future__ import annotations

from configuration.settings import (
    DeploymentSettings,
    DoraSettings,
    ForecastSettings,
    IncidentSettings,
    JiraSettings,
    RateLimit,
    Settings,
    WorkflowSettings,
)

DEMO_EMAIL = "demo@example.com"
DEMO_TOKEN = "demo-token"  # not a secret: the simulator's built-in demo credential
DEMO_JQL = "project = DEMO ORDER BY key"
DEMO_POINTS_FIELD = "customfield_10016"  # Story Points: the scope forecast's points


def demo_settings(url: str, *, flavor: str = "cloud") -> Settings:
    """Settings that fetch the demo project from the simulator at ``url``."""
    return Settings(
        jira=JiraSettings(
            url=url,
            flavor="datacenter" if flavor == "datacenter" else "cloud",
            auth="basic",
            email=DEMO_EMAIL,
            token=DEMO_TOKEN,
            jql=DEMO_JQL,
            page_size=100,
            rate_limit=RateLimit(requests=100, per_seconds=10.0),
        ),
        workflow=WorkflowSettings(
            active_statuses=("In Progress", "In Review"),
            waiting_statuses=("Blocked", "Ready for QA"),
            done_statuses=("Done", "Closed"),
        ),
        dora=DoraSettings(
            deployments=DeploymentSettings(
                source="issues",
                issue_types=("Deployment",),
                date_field="customfield_10060",
                environment_field="customfield_10050",
                production_values=("Production",),
                failure_field="customfield_10051",
                failure_values=("Yes",),
            ),
            incidents=IncidentSettings(
                issue_types=("Incident",),
                environment_field="customfield_10050",
                production_values=("Production",),
                start_field="customfield_10070",
                end_field="customfield_10071",
            ),
        ),
        forecast=ForecastSettings(points_field=DEMO_POINTS_FIELD),
    )
