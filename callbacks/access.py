"""Apply the access-control policy (:mod:`configuration.access`) to a Dash app.

Terms: see :mod:`configuration.access`. Only the ``basic`` mode changes the app: it
wraps every route (pages, assets, callbacks, background-callback polling) in
dash-auth's HTTP basic auth, checking credentials with the policy's constant-time
``verify``. ``local`` and ``proxy`` leave the app as it is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dash_auth
from dash import Dash

from configuration.access import AccessPolicy

SECRET_KEY_VARIABLE = "DASH_SECRET_KEY"


def protect(
    app: Dash,
    policy: AccessPolicy,
    env: Mapping[str, str] | None = None,
    *,
    manager: Any = None,
) -> Dash:
    """Turn on the login the policy asks for; return ``app`` for chaining.

    ``manager`` is the app's background-callback manager (``callbacks.background.
    background_manager``); pass it whenever several processes serve the app.
    """
    if not policy.needs_login:
        return app
    if not app.server.secret_key:
        app.server.secret_key = _secret_key(os.environ if env is None else env, manager)
    dash_auth.BasicAuth(app, auth_func=policy.verify)
    return app


def _secret_key(env: Mapping[str, str], manager: Any) -> str | bytes:
    """The Flask secret key: ``DASH_SECRET_KEY``, else one shared through the manager.

    dash-auth records the user in Flask's session, which needs a key; and once the
    server has a key, Dash also signs background-job handles with it, so every web
    process must hold the same one (a job started through one gunicorn worker is
    polled through another). The manager's store is shared by exactly those
    processes: it is where Dash itself keeps its signing secret when no key is set.
    """
    if env.get(SECRET_KEY_VARIABLE):
        return env[SECRET_KEY_VARIABLE]
    if manager is not None:
        return manager.get_or_create_signing_secret(lambda: os.urandom(32))
    return os.urandom(32)  # a single process: nobody to agree with
