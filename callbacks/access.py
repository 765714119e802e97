"""Apply the access-control policy (:mod:`configuration.access`) to a Dash app.

Terms: see :mod:`configuration.access`. Only the ``basic`` mode changes the app: it
wraps every route (pages, assets, callbacks, background-callback polling) in
dash-auth's HTTP basic auth, checking credentials with the policy's constant-time
``verify``. ``local`` and ``proxy`` leave the app as it is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import dash_auth
from dash import Dash

from configuration.access import AccessPolicy

SECRET_KEY_VARIABLE = "DASH_SECRET_KEY"


def protect(app: Dash, policy: AccessPolicy, env: Mapping[str, str] | None = None) -> Dash:
    """Turn on the login the policy asks for; return ``app`` for chaining."""
    if not policy.needs_login:
        return app
    env = os.environ if env is None else env
    if not app.server.secret_key:
        # dash-auth records the user in Flask's session, which needs a signing key. A
        # random one per process is enough: the session only caches the user name,
        # and every request is authenticated again from its Authorization header.
        app.server.secret_key = env.get(SECRET_KEY_VARIABLE) or os.urandom(32).hex()
    dash_auth.BasicAuth(app, auth_func=policy.verify)
    return app
