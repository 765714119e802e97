"""One JIRA request, done right: auth, pacing, retries, logging and typed errors.

Terms:

- *attempt*: one HTTP exchange. A request is the first attempt plus up to
  ``RetryPolicy.max_retries`` retries.
- *pause*: every wait between attempts goes through the shared rate limiter
  (``RateLimiter.pause_until``), so all threads using the same limiter back off
  together when JIRA says ``Retry-After`` or fails.
- *secret*: the token. It only ever lives in the ``Authorization`` header that
  ``requests`` builds; messages and logs use the auth label and display URLs, and
  any text from a low-level exception is scrubbed of it before use.

Policy lives here; the wire is a plain ``requests.Session`` (urllib3's own retries
stay off, see :mod:`data.jira.retry`).
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from configuration.errors import JiraCancelled, JiraRateLimited, JiraUnavailable
from configuration.redaction import MASK, redact
from data.jira.responses import decode_json, display_url, error_for
from data.jira.retry import (
    RETRYABLE_STATUSES,
    RetryPolicy,
    backoff_seconds,
    parse_retry_after,
)
from data.jira.token_bucket import RateLimiter

log = logging.getLogger(__name__)
Cancel = Callable[[], bool]
JSON_ACCEPT = {"Accept": "application/json"}


@dataclass(frozen=True)
class Failure:
    """A retryable outcome of one attempt: a status (429/5xx) or a network error."""

    status: int | None
    reason: str
    retry_after: float | None = None


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <PAT>``; the repr never shows the token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(token=***)"


class BasicAuth(requests.auth.HTTPBasicAuth):
    """HTTP basic auth whose repr never shows the token."""

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password=***)"


class JiraTransport:
    """Sends requests to one JIRA with the given auth, limiter and retry policy."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: requests.auth.AuthBase,
        auth_label: str,
        flavor: str,
        timeout: float,
        session: requests.Session,
        limiter: RateLimiter,
        policy: RetryPolicy,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
        rng: random.Random,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.flavor = flavor
        self._auth, self._auth_label = auth, auth_label
        self._timeout = timeout
        self._session, self._limiter, self._policy = session, limiter, policy
        self._clock, self._wall_clock, self._rng = clock, wall_clock, rng
        self._secrets = tuple(s for s in secrets if s)
        self._counter_lock = threading.Lock()
        # When on ``clock`` every request must have ended, and that limit in seconds
        # (None: only the policy's total); set by callers that answer a waiting person.
        self.deadline: tuple[float, float] | None = None  # (time on clock, seconds)
        self.requests_made = 0
        self.rate_limited = 0  # 429 answers received
        self.throttled_seconds = 0.0  # time spent waiting for the limiter

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        cancel: Cancel | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """Send ``method path`` and return the decoded JSON body (None when empty).

        ``decode`` turns the body's bytes into the answer (a typed decoder, see
        :mod:`data.issues.raw`) instead of ``json`` into dicts."""
        url = f"{self.base_url}{path}"
        last = self._policy.max_retries
        give_up_at, limit = self._give_up_at(self._clock())
        outcome: requests.Response | Failure = Failure(None, "no time left for a request")
        for retry in range(last + 1):
            self._check(cancel)
            waited = self._limiter.acquire()
            with self._counter_lock:
                self.throttled_seconds += waited
            self._check(cancel)
            timeout = min(self._timeout, give_up_at - self._clock())
            if timeout <= 0:
                raise self._exhausted(outcome, url, max(retry - 1, 0), limit=limit)
            outcome = self._attempt(method, url, params, body, retry, timeout=timeout)
            if isinstance(outcome, requests.Response):
                return self._final(outcome, url, decode)
            if retry < last:
                self._pause(outcome, retry, url, give_up_at, limit)
        raise self._exhausted(outcome, url, last)

    def _give_up_at(self, started: float) -> tuple[float, float]:
        """When (on ``clock``) the request must have ended, and that limit in seconds:
        the policy's total (never less than one full attempt), or the caller's
        ``deadline`` when sooner."""
        total = max(self._policy.total_seconds, self._timeout)
        if self.deadline is not None and self.deadline[0] < started + total:
            return self.deadline
        return started + total, total

    def set_deadline(self, seconds: float | None) -> None:
        """Every request from now on ends within ``seconds`` from now (None: no limit)."""
        self.deadline = None if seconds is None else (self._clock() + seconds, seconds)

    def _check(self, cancel: Cancel | None) -> None:
        if cancel is not None and cancel():
            raise JiraCancelled("The JIRA fetch was cancelled.")

    def _attempt(
        self, method: str, url: str, params: Any, body: Any, retry: int, *, timeout: float
    ) -> requests.Response | Failure:
        """One HTTP exchange; a Failure when it should be retried.

        ``timeout`` bounds the connect and each read (requests' semantics).
        """
        started = time.perf_counter()
        with self._counter_lock:
            self.requests_made += 1
        try:
            response = self._session.request(
                method, url, params=params, json=body, auth=self._auth, timeout=timeout,
                headers=JSON_ACCEPT,
            )
        except requests.exceptions.SSLError as exc:
            # A certificate or protocol mismatch does not heal by retrying.
            self._log(method, url, "TLS error", started=started, size=0, retry=retry)
            raise JiraUnavailable(
                f"JIRA at {display_url(url)} is unreachable: the TLS handshake failed "
                f"({self._describe(exc)}); check the https:// in jira.url and the certificate."
            ) from None
        except requests.Timeout:
            self._log(method, url, "timeout", started=started, size=0, retry=retry)
            return Failure(None, f"no answer within {timeout:.3g} s")
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            self._log(method, url, "connection error", started=started, size=0, retry=retry)
            return Failure(None, self._describe(exc))
        size = len(response.content)
        self._log(method, url, response.status_code, started=started, size=size, retry=retry)
        if response.status_code not in RETRYABLE_STATUSES:
            return response
        if response.status_code == 429:
            with self._counter_lock:
                self.rate_limited += 1
        header = response.headers.get("Retry-After")
        wait = parse_retry_after(header, self._wall_clock())
        return Failure(response.status_code, f"HTTP {response.status_code}", wait)

    def _final(
        self, response: requests.Response, url: str, decode: Callable[[bytes], Any] | None
    ) -> Any:
        if response.ok:
            return decode_json(response, url, decode)
        raise error_for(response, url, auth_label=self._auth_label, flavor=self.flavor)

    def _pause(
        self, failure: Failure, retry: int, url: str, give_up_at: float, limit: float
    ) -> None:
        """Make every user of the limiter wait before retry number ``retry``.

        A wait that would end past ``give_up_at`` is not made: the request gives up.
        """
        if failure.retry_after is not None:
            wait = failure.retry_after
            if wait > self._policy.max_retry_after_seconds:
                raise self._exhausted(failure, url, retry, asked=wait)
        else:
            wait = backoff_seconds(retry, self._policy, self._rng)
        if self._clock() + wait >= give_up_at:
            raise self._exhausted(failure, url, retry, limit=limit)
        log.info(
            "JIRA %s: %s; retry %d in %.2f s", display_url(url), failure.reason, retry + 1, wait
        )
        self._limiter.pause_until(self._clock() + wait)

    def _exhausted(
        self, failure: Failure, url: str, retries: int, *, asked: float | None = None,
        limit: float | None = None,
    ) -> JiraRateLimited | JiraUnavailable:
        """The error after ``retries`` retries; ``limit``: the time limit that ended them."""
        where = display_url(url)
        if asked is not None:
            why = f"asked to wait {asked:.0f} s, longer than we are willing to"
        else:
            plural = "retry" if retries == 1 else "retries"
            why = f"{failure.reason} after {retries} {plural}" if retries else failure.reason
            if limit is not None:
                why += f"; gave up at the {limit:.3g} s limit of one request with its retries"
            elif retries:
                total = max(self._policy.total_seconds, self._timeout)
                why += f" (one request with its retries is limited to {total:.3g} s)"
        if failure.status == 429:
            return JiraRateLimited(
                f"JIRA at {where} keeps rate-limiting us ({why}); lower jira.rate_limit "
                "or try later.",
                429,
            )
        return JiraUnavailable(f"JIRA at {where} is unreachable: {why}.", failure.status)

    def _describe(self, exc: Exception) -> str:
        """A short, secret-free reason for a connection error."""
        text = self._scrub(str(exc))
        found = re.search(r"\[Errno -?\d+\] [^'\")]+", text) or re.search(
            r"\[SSL[^\]]*\] [^'\")(]+", text
        )
        return found.group(0).strip() if found else type(exc).__name__

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return redact(text)

    def _log(
        self, method: str, url: str, status: object, *, started: float, size: int, retry: int
    ) -> None:
        level = logging.DEBUG if retry == 0 and status == 200 else logging.INFO
        log.log(
            level,
            "JIRA %s %s -> %s in %.0f ms, %d bytes, retry %d",
            method,
            display_url(url),
            status,
            (time.perf_counter() - started) * 1000,
            size,
            retry,
        )
