"""Every error the application raises on purpose.

The hierarchy, as a tree::

    DashboardError
    ├── ConfigError            a settings file or value is invalid (names the key)
    ├── JiraError              anything that went wrong talking to JIRA
    │   ├── JiraAuthError          401/403: credentials or permissions are wrong
    │   ├── JiraQueryError         400: JIRA rejected the JQL (carries JIRA's own text)
    │   ├── JiraNotFound           404: the URL does not exist on this server
    │   ├── JiraEndpointRemoved    410: endpoint removed (usually the wrong flavor)
    │   ├── JiraRateLimited        429 and retries exhausted
    │   ├── JiraUnavailable        5xx, timeouts, connection errors after retries
    │   ├── JiraBadResponse        a body that is not the JSON JIRA sends (proxy page)
    │   └── JiraCancelled          the user cancelled a fetch
    ├── CacheError             the issue store cannot be read or written
    ├── DataError              input issues are unusable (e.g. truncated changelog)
    └── MetricError            a metric cannot be computed from the given input

Each message is one clear sentence meant for the user: the CLI prints it as-is
and the dashboard shows it in an alert. No message ever contains a secret.
"""

from __future__ import annotations


class DashboardError(Exception):
    """Base of every error the application raises on purpose."""


class ConfigError(DashboardError):
    """Invalid settings. ``key`` is the dotted settings key at fault, if any."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.problem = message


class JiraError(DashboardError):
    """Something went wrong talking to JIRA. ``status`` is the HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class JiraAuthError(JiraError):
    """401/403: the credentials or permissions are wrong."""


class JiraQueryError(JiraError):
    """400: JIRA rejected the query; the message is JIRA's own ``errorMessages``."""


class JiraNotFound(JiraError):
    """404: the URL does not exist on this JIRA."""


class JiraEndpointRemoved(JiraError):
    """410: JIRA removed this endpoint (usually a Data Center flavor on Cloud)."""


class JiraRateLimited(JiraError):
    """429 persisted after every retry."""


class JiraUnavailable(JiraError):
    """5xx, timeouts or connection errors persisted after every retry."""


class JiraBadResponse(JiraError):
    """JIRA (or a proxy in front of it) answered with something that is not JSON."""


class JiraCancelled(JiraError):
    """The user cancelled the fetch."""


class CacheError(DashboardError):
    """The issue store or result cache cannot be read or written."""


class DataError(DashboardError):
    """Input issues cannot be used, e.g. a changelog that is known to be truncated."""


class MetricError(DashboardError):
    """A metric cannot be computed from the given input."""
