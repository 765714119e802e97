"""Turning JIRA's HTTP answers into JSON or into one clear, typed error.

Terms:

- *display URL*: the request URL without its query string and without any
  ``user:password@`` part, the only form of a URL that goes into a message or log.
- *auth label*: how the client authenticated, in words ("basic auth as
  ann@example.com", "a bearer Personal Access Token"); never the token itself.
- *JIRA messages*: the ``errorMessages`` list and the ``errors`` object of a JIRA
  error body, joined into one sentence.

Every error built here is a subclass of :class:`configuration.errors.JiraError`
carrying the HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec
import requests

from configuration.errors import (
    JiraAuthError,
    JiraBadResponse,
    JiraEndpointRemoved,
    JiraError,
    JiraNotFound,
    JiraQueryError,
    JiraUnavailable,
)


def display_url(url: str) -> str:
    """``url`` without query, fragment or credentials: safe for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def jira_messages(body: Any) -> str:
    """JIRA's own error text from an error body, or "" when there is none."""
    if not isinstance(body, dict):
        return ""
    messages = [str(m) for m in body.get("errorMessages") or () if str(m).strip()]
    errors = body.get("errors")
    if isinstance(errors, dict):
        messages += [f"{key}: {value}" for key, value in errors.items()]
    return " ".join(m if m.rstrip().endswith((".", "!", "?")) else f"{m}." for m in messages)


def decode_json(
    response: requests.Response, url: str, decode: Callable[[bytes], Any] | None = None
) -> Any:
    """The JSON body of a successful answer (through ``decode`` when given: its
    ``msgspec`` errors are ``ValueError`` too); JiraBadResponse if it is not JSON or
    not shaped as expected."""
    if not response.content:
        return None
    try:
        return response.json() if decode is None else decode(response.content)
    except msgspec.ValidationError as error:
        raise JiraBadResponse(
            f"JIRA at {display_url(url)} answered with JSON not shaped as expected ({error}).",
            status=response.status_code,
        ) from None
    except ValueError:
        kind = response.headers.get("Content-Type", "an unknown content type").split(";")[0]
        raise JiraBadResponse(
            f"JIRA at {display_url(url)} answered HTTP {response.status_code} with {kind} "
            "instead of JSON; a proxy or login page is probably in the way of jira.url.",
            status=response.status_code,
        ) from None


def _error_body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_for(
    response: requests.Response, url: str, *, auth_label: str, flavor: str
) -> JiraError:
    """The typed error for a final (not retried) error answer."""
    status, where = response.status_code, display_url(url)
    text = jira_messages(_error_body(response))
    detail = f" JIRA said: {text}" if text else ""
    if status == 400:
        return JiraQueryError(f"JIRA rejected the query: {text or 'no reason given.'}", status)
    if status == 401:
        return JiraAuthError(
            f"JIRA at {where} rejected the credentials ({auth_label}): check jira.email, "
            "jira.auth and the token.",
            status,
        )
    if status == 403:
        return JiraAuthError(
            f"JIRA at {where} refused access ({auth_label}): the account lacks permission "
            f"or the credentials are wrong.{detail}",
            status,
        )
    if status == 404:
        return JiraNotFound(f"JIRA has nothing at {where} (404): check jira.url.{detail}", status)
    if status == 410:
        return JiraEndpointRemoved(
            f"JIRA removed the endpoint {where} (410 Gone): jira.flavor is probably wrong "
            f"(it is '{flavor}').",
            status,
        )
    if status >= 500:  # 502-504 are retried before they get here; others are final
        return JiraUnavailable(f"JIRA at {where} failed with HTTP {status}.{detail}", status)
    return JiraError(f"JIRA at {where} answered HTTP {status}.{detail}", status)
