"""The JIRA client: everything the dashboard asks of JIRA, for Cloud and Data Center.

Terms:

- *flavor*: ``cloud`` (REST API 3, ``nextPageToken`` search) or ``datacenter``
  (REST API 2, ``startAt``/``total`` search), from ``jira.flavor``.
- *raw issue*: an issue exactly as JIRA's search returns it (``id``, ``key``,
  ``fields``, ``changelog``), except that its changelog is always complete.
- *expected*: how many issues a search will return, for progress bars: the
  approximate count on Cloud, ``total`` on Data Center; None if JIRA cannot say.
- *progress*: ``progress(fetched, expected)``, called before the first page and
  after every page. *cancel*: ``cancel() -> bool``, checked before every request;
  True stops the fetch with :class:`JiraCancelled`.

Every request, whatever it is for, takes a token from one shared rate limiter and
follows :mod:`data.jira.retry`. The token never appears in logs, messages or reprs.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import requests

from configuration.errors import ConfigError, JiraNotFound
from configuration.logging_config import timed
from configuration.redaction import register_secret
from configuration.settings import JiraSettings, RateLimit
from data.issues.raw import RawIssue
from data.jira.address_guard import new_session
from data.jira.changelog import BULK_LIMIT, ChangelogCompleter, is_truncated
from data.jira.paging import CLOUD_SEARCH, DC_SEARCH, Page, cloud_pages, datacenter_pages
from data.jira.responses import display_url
from data.jira.retry import RetryPolicy
from data.jira.token_bucket import RateLimiter, TokenBucket, with_headroom
from data.jira.transport import BasicAuth, BearerAuth, Cancel, JiraTransport

log = logging.getLogger(__name__)
Progress = Callable[[int, "int | None"], None]
API = {"cloud": "/rest/api/3", "datacenter": "/rest/api/2"}
CLOUD_COUNT = "/rest/api/3/search/approximate-count"
DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class ConnectionInfo:
    """What a successful connection test learned about the server and the user."""

    user_display_name: str
    server_title: str
    server_version: str
    deployment_type: str  # "Cloud", "Server" or "DataCenter", as JIRA names it


def _check_url(url: str | None) -> None:
    """ConfigError unless ``url`` is an absolute http(s) URL."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            "must be an http(s) address such as https://your-domain.atlassian.net.", "jira.url"
        )


def _auth_for(jira: JiraSettings) -> tuple[requests.auth.AuthBase, str]:
    """The requests auth object and its label for messages; ConfigError if incomplete."""
    if not jira.token:
        raise ConfigError("no token is set (set it or the JIRA_API_TOKEN variable).", "jira.token")
    if jira.auth == "bearer":
        return BearerAuth(jira.token), "a bearer Personal Access Token"
    if not jira.email:
        raise ConfigError("basic auth needs the account's email address.", "jira.email")
    return BasicAuth(jira.email, jira.token), f"basic auth as {jira.email}"


def paced_bucket(
    limit: RateLimit,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> TokenBucket:
    """The client's own bucket for a server that allows ``limit`` (see ``with_headroom``)."""
    capacity, per_seconds = with_headroom(limit.requests, limit.per_seconds)
    return TokenBucket(capacity, per_seconds, clock=clock, sleep=sleep)


class ClosesOnExit:
    """Context manager for anything with ``close()``: leaving the ``with`` closes it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class JiraClient(ClosesOnExit):
    """A client for one JIRA. Use as a context manager, or call ``close()``."""

    def __init__(
        self,
        jira: JiraSettings,
        *,
        session: requests.Session | None = None,
        bucket: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        wall_clock: Callable[[], float] = time.time,
        policy: RetryPolicy = DEFAULT_POLICY,
    ) -> None:
        _check_url(jira.url)
        auth, label = _auth_for(jira)
        register_secret(jira.token)  # so that no log line anywhere can show it
        self._owns_session = session is None
        # Guarded against SSRF when others can drive the dashboard (address_guard).
        self._session = session or new_session()
        self.bucket = bucket or paced_bucket(jira.rate_limit, clock=clock, sleep=sleep)
        self._jira = jira
        self._api = API[jira.flavor]
        self._transport = JiraTransport(
            jira.url, auth=auth, auth_label=label, flavor=jira.flavor,
            timeout=jira.timeout_seconds, session=self._session, limiter=self.bucket,
            policy=policy, clock=clock, wall_clock=wall_clock, rng=rng or random.Random(),
            secrets=(jira.token or "",),
        )
        self._changelogs = ChangelogCompleter(self._transport, jira.flavor)

    def __repr__(self) -> str:
        url = display_url(self._transport.base_url)
        return f"JiraClient(url={url!r}, flavor={self._jira.flavor!r})"

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._transport.requests_made

    @property
    def throttled_seconds(self) -> float:
        """Seconds spent waiting for the rate limiter (pacing and pauses) so far."""
        return self._transport.throttled_seconds

    @property
    def rate_limited(self) -> int:
        """429 answers received so far."""
        return self._transport.rate_limited

    # -- discovery -----------------------------------------------------------------

    def _get(self, resource: str) -> Any:
        return self._transport.request("GET", f"{self._api}/{resource}")

    def myself(self) -> dict:
        """The authenticated user (``/myself``)."""
        return self._get("myself")

    def server_info(self) -> dict:
        """Server title, version and deployment type (``/serverInfo``)."""
        return self._get("serverInfo")

    def fields(self) -> list[dict]:
        """Every field, system and custom (``/field``)."""
        return self._get("field")

    def statuses(self) -> list[dict]:
        """Every status with its ``statusCategory`` (``/status``)."""
        return self._get("status")

    def issue_types(self) -> list[dict]:
        """Every issue type (``/issuetype``)."""
        return self._get("issuetype")

    def test_connection(self) -> ConnectionInfo:
        """Check URL and credentials; raises the typed JiraError that explains a failure.

        Both requests together end within ``jira.timeout_seconds`` (a person waits).
        """
        self._transport.set_deadline(self._jira.timeout_seconds)
        try:
            user, server = self.myself(), self.server_info()
        finally:
            self._transport.set_deadline(None)
        return ConnectionInfo(
            user_display_name=str(user.get("displayName") or user.get("name") or ""),
            server_title=str(server.get("serverTitle") or ""),
            server_version=str(server.get("version") or ""),
            deployment_type=str(server.get("deploymentType") or ""),
        )

    # -- counting ------------------------------------------------------------------

    def count(self, jql: str, *, cancel: Cancel | None = None) -> int | None:
        """How many issues match ``jql`` (approximate on Cloud); None if JIRA cannot say."""
        if self._jira.flavor == "datacenter":
            body = {"jql": jql, "startAt": 0, "maxResults": 0, "fields": ["id"]}
            answer = self._transport.request("POST", DC_SEARCH, body=body, cancel=cancel)
            return int(answer.get("total") or 0)
        try:
            answer = self._transport.request(
                "POST", CLOUD_COUNT, body={"jql": jql}, cancel=cancel
            )
        except JiraNotFound:  # an older Cloud without the count endpoint
            return None
        return int(answer.get("count") or 0)

    def validate_jql(self, jql: str) -> int:
        """The number of matching issues; JiraQueryError with JIRA's text if the JQL is bad.

        When Cloud cannot count, the JQL is validated with a one-issue search and the
        result (0 or 1) is only a lower bound.
        """
        counted = self.count(jql)
        if counted is not None:
            return counted
        body = {"jql": jql, "fields": ["id"], "maxResults": 1}
        answer = self._transport.request("POST", CLOUD_SEARCH, body=body)
        return len(answer.get("issues") or ())

    # -- search --------------------------------------------------------------------

    def iter_pages(
        self, jql: str, fields: Sequence[str], *, cancel: Cancel | None = None
    ) -> Iterator[Page]:
        """Pages of raw issues with complete changelogs, in JIRA's order."""
        for page in self._raw_pages(jql, fields, cancel):
            yield Page(self._changelogs.complete(page.issues, cancel), page.total)

    def search(
        self,
        jql: str,
        fields: Sequence[str],
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> list[RawIssue]:
        """Every issue matching ``jql`` once, each with its complete changelog, decoded
        typed with only the ``fields`` asked for (:mod:`data.issues.raw`)."""
        before = self.requests_made
        with timed("JIRA search", log, flavor=self._jira.flavor) as timing:
            found = self._collect(jql, fields, progress, cancel)
            timing.add(len(found))
            timing.context["requests"] = self.requests_made - before
        return found

    def _raw_pages(
        self, jql: str, fields: Sequence[str], cancel: Cancel | None
    ) -> Iterator[Page]:
        """Search pages as JIRA sends them (changelogs possibly truncated)."""
        pager = cloud_pages if self._jira.flavor == "cloud" else datacenter_pages
        return pager(self._transport, jql, fields, self._jira.page_size, cancel)

    def _collect(
        self, jql: str, fields: Sequence[str], progress: Progress | None, cancel: Cancel | None
    ) -> list[RawIssue]:
        expected = self.count(jql, cancel=cancel) if self._jira.flavor == "cloud" else None
        if progress is not None:
            progress(0, expected)
        found: dict[str, RawIssue] = {}  # by issue id: a moving result set may repeat one
        pending: set[str] = set()  # ids of issues whose changelog is still truncated
        for page in self._raw_pages(jql, fields, cancel):
            expected = page.total if page.total is not None else expected
            for issue in page.issues:
                found[str(issue.id)] = issue
                if is_truncated(issue):
                    pending.add(str(issue.id))
            if len(pending) >= BULK_LIMIT:
                self._complete(found, pending, cancel)
            if progress is not None:
                progress(len(found), expected)
        self._complete(found, pending, cancel)
        return list(found.values())

    def _complete(
        self, found: dict[str, RawIssue], pending: set[str], cancel: Cancel | None
    ) -> None:
        """Complete the changelogs of the ``pending`` issues in ``found``, in place.

        Batching across pages (up to bulkfetch's 1,000 issues) instead of per page
        saves requests: with a long history on most pages, per-page completion
        nearly doubles the request count of a Cloud fetch.
        """
        if pending:
            ids = sorted(pending)
            for issue in self._changelogs.complete([found[i] for i in ids], cancel):
                found[str(issue.id)] = issue
            pending.clear()

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()
