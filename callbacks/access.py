"""Apply the access-control policy (:mod:`configuration.access`) to a Dash app.

Terms: see :mod:`configuration.access`. :func:`protect` installs, in this order:

1. the :class:`callbacks.http_guard.HttpGuard` middleware (exposure guard, host and
   origin checks, security headers), in every mode;
2. *who is asking*, a ``before_request`` hook that puts the user and their role in
   ``flask.g``: in ``basic`` mode it checks the ``Authorization`` header on every
   route (pages, assets, callbacks, background-callback polling) and answers 401
   (asking the browser to log in) or 429 (too many failed logins, see
   :mod:`configuration.login_throttle`); in ``proxy`` mode it reads the proxy's
   user and groups headers; in ``local`` mode the user is an admin;
3. *the settings gate*: a viewer's call of an admin-only callback is refused with 403
   before Dash runs it. Admin-only are the callbacks the Settings buttons trigger
   (Test connection, Validate, Reload from JIRA, Save: each sends the token to JIRA
   or writes the settings), found by their registered inputs in Dash's callback map:
   Dash runs the callback the body's ``output`` key names, so that key decides.

Written by hand rather than with dash-auth: dash-auth 2.3 answers a malformed
``Authorization`` header (another scheme, bad base64, no colon, not UTF-8) or an
odd callback body with a 500 and a traceback, and offers no failed-login limit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import flask
from dash import Dash

from callbacks.http_guard import HttpGuard
from configuration.access import (
    ADMIN_GROUPS_VARIABLE,
    ADMINS_VARIABLE,
    AccessPolicy,
    Role,
    access_from_env,
)
from configuration.login_throttle import FailedLogins
from configuration.request_checks import BadCredentials, parse_basic
from ui import ids

log = logging.getLogger(__name__)
CALLBACK_PATH = "/_dash-update-component"
VIEWER_REFUSED = "Only an admin can change the settings or test the JIRA connection."


def protect(app: Dash, policy: AccessPolicy | None = None, *,
            throttle: FailedLogins | None = None) -> Dash:
    """Apply ``policy`` (default: from the environment) to ``app``; return ``app``."""
    policy = access_from_env() if policy is None else policy
    server = app.server
    server.wsgi_app = HttpGuard(server.wsgi_app, policy, app.csp_hashes)  # type: ignore
    if policy.mode != "local" and policy.everyone_admin:
        log.warning("No admin is configured, so every user may change the settings; "
                    "mark admins in DASH_USERS (alice:pw:admin) or list them in %s / %s.",
                    ADMINS_VARIABLE, ADMIN_GROUPS_VARIABLE)
    throttle = FailedLogins() if throttle is None else throttle
    server.before_request(lambda: _identify(policy, throttle) or _gate(app.callback_map))
    return app


def current_role() -> Role:
    """The role of whoever made the current request (admin outside a request)."""
    if not flask.has_request_context():
        return "admin"
    return flask.g.get("role", "admin")


def current_user() -> str | None:
    return flask.g.get("user") if flask.has_request_context() else None


def _identify(policy: AccessPolicy, throttle: FailedLogins) -> flask.Response | None:
    if policy.mode == "basic":
        return _login(policy, throttle)
    user, groups = None, []
    if policy.mode == "proxy":
        headers = flask.request.headers
        user = headers.get(policy.user_header) if policy.user_header else None
        text = headers.get(policy.groups_header, "") if policy.groups_header else ""
        groups = [g for g in re.split(r"[,\s]+", text) if g]
    flask.g.user, flask.g.role = user, policy.role_of(user, groups)
    return None


def _login(policy: AccessPolicy, throttle: FailedLogins) -> flask.Response | None:
    header = flask.request.headers.get("Authorization")
    if not header:
        return _challenge()  # the browser's first request: not a failed login
    client = flask.request.remote_addr or "an unknown client"
    if throttle.blocked(client):
        return flask.Response("Too many failed logins; try again in a minute.\n", 429,
                              {"Retry-After": str(int(throttle.window_seconds))})
    try:
        user, password = parse_basic(header)
    except BadCredentials as bad:
        throttle.failed(client, f"an Authorization header that is {bad}")
        return _challenge()
    if not policy.verify(user, password):
        throttle.failed(client, "a wrong user name or password")
        return _challenge()
    flask.g.user, flask.g.role = user, policy.role_of(user)
    return None


def _challenge() -> flask.Response:
    return flask.Response("Login required.\n", 401,
                          {"WWW-Authenticate": 'Basic realm="Delivery Metrics", charset="UTF-8"'})


def _gate(callback_map: Mapping[str, Mapping[str, Any]]) -> flask.Response | None:
    request = flask.request
    if current_role() == "admin" or request.method != "POST" or \
            not request.path.endswith(CALLBACK_PATH):
        return None
    body = request.get_json(silent=True)
    output = body.get("output") if isinstance(body, dict) else None
    if isinstance(output, str) and not admin_only(callback_map, output):
        return None
    return flask.Response(VIEWER_REFUSED + "\n", 403, {"Content-Type": "text/plain"})


def admin_only(callback_map: Mapping[str, Mapping[str, Any]], output: str) -> bool:
    """True when the callback Dash would run for ``output`` is triggered by a Settings
    button; also for a key naming no callback (nothing to run: refuse, don't guess)."""
    callback = callback_map.get(output)
    if callback is None:
        return True
    return any(item.get("id") in ids.ADMIN_BUTTONS for item in callback.get("inputs", ()))

