"""Which JIRA a saved token may be sent to (issue 11 item 1).

Terms:

- *origin*: ``(scheme, host, port)`` of a URL, host lower-cased and the port filled
  in from the scheme (``https://Jira.example.com`` and ``https://jira.example.com:443``
  are one origin). A different path on one origin is the same server.
- *binding*: the origin plus the auth mode, plus the e-mail/user name for basic auth
  (a bearer token carries no user name). A token is *bound* to the binding of the
  settings it was saved with.

How a token is bound, in one place: the token in ``settings.json`` is bound to the
``jira.url``, ``jira.auth`` and ``jira.email`` of that same file, and the
environment token (``JIRA_API_TOKEN``) to the ones of the settings file it is used
with. Every write keeps them together: the Settings page and
:func:`configuration.settings_file.save_settings` refuse to move a token that was
not typed again to another binding, and refuse to move the environment token at
all (it is set where the dashboard is started, not in the browser). A change to the
file by hand is trusted: whoever can edit the file can read the token anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from configuration.settings import JiraSettings

DEFAULT_PORTS = {"http": 80, "https": 443}
RETYPE_TOKEN = ("the JIRA address (scheme, host or port), auth mode or e-mail changed: "
                "type the token again for the new one (the saved token is only ever "
                "sent to the JIRA it was saved for)")
ENVIRONMENT_BOUND = ("the token comes from the JIRA_API_TOKEN variable, which is bound "
                     "to the JIRA address, auth mode and e-mail of the saved settings: "
                     "change those where the dashboard is started, with its new token")


@dataclass(frozen=True)
class Binding:
    """Where and how a token may be sent (see the module docstring)."""

    origin: tuple[str, str, int] | None
    auth: str
    email: str | None


def origin_of(url: str | None) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of ``url``; None when it has none (unset or malformed)."""
    try:
        parts = urlsplit((url or "").strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not host or scheme not in DEFAULT_PORTS:
        return None
    return scheme, host.lower().rstrip("."), port or DEFAULT_PORTS[scheme]


def binding_of(jira: JiraSettings) -> Binding:
    email = (jira.email or "").strip().casefold() or None
    return Binding(origin_of(jira.url), jira.auth, email if jira.auth == "basic" else None)


def same_binding(saved: JiraSettings, new: JiraSettings) -> bool:
    """True when a token saved with ``saved`` may be sent with ``new``."""
    return binding_of(saved) == binding_of(new)
