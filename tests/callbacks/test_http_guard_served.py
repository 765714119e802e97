"""The guard on real sockets: gunicorn started the way issue 11 found unguarded.

``gunicorn --chdir <project> -b ADDRESS app:server`` from another directory loads no
``gunicorn.conf.py``, so nothing refuses the bind at start: the app itself must. The
server binds ``0.0.0.0`` (port chosen by the kernel) or ``127.0.0.1``; the tests
connect only to 127.0.0.1. Bound to ``0.0.0.0``, a request through 127.0.0.1 still
arrived on an exposed socket (anyone on the network could have sent it).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from callbacks.http_guard import EXPOSED
from configuration.paths import PROJECT_ROOT
from tests.callbacks.dash_requests import route_request

GUNICORN = Path(sys.executable).parent / "gunicorn"
CONTROL = {"DASH_USERS", "TRUST_PROXY_AUTH", "DASH_ADMINS", "DASH_ALLOWED_HOSTS",
           "DASH_ADMIN_GROUPS", "DASH_PROXY_USER_HEADER", "DASH_PROXY_GROUPS_HEADER"}


@contextmanager
def gunicorn(tmp_path: Path, bind: str, env: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """gunicorn without its conf file; yields (http://127.0.0.1:PORT, its log)."""
    environment = {k: v for k, v in os.environ.items() if k not in CONTROL}
    environment |= {"DASHBOARD_SETTINGS": str(tmp_path / "settings.json"),
                    "DASHBOARD_CACHE_DIR": str(tmp_path / "cache"),
                    "DASHBOARD_START_UP": "0", **env}
    log = tmp_path / "gunicorn.log"
    command = [str(GUNICORN), "--chdir", str(PROJECT_ROOT), "-b", bind, "--workers", "1",
               "--timeout", "120", "app:server"]
    with open(log, "w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   env=environment, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"Listening at: http://[^:]+:(\d+)", log.read_text())):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield f"http://127.0.0.1:{found.group(1)}", log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(url: str, **kwargs) -> requests.Response:
    # The worker imports the dashboard on its first request: allow for that.
    return requests.get(url, timeout=120, **kwargs)


def _post_route(url: str, headers: dict[str, str]) -> requests.Response:
    return requests.post(url + "/_dash-update-component", data=json.dumps(route_request("/")),
                         headers={"Content-Type": "application/json", **headers}, timeout=120)


def test_without_login_an_exposed_bind_answers_nothing(tmp_path: Path) -> None:
    with gunicorn(tmp_path, "0.0.0.0:0", {}) as (url, log):
        for path in ("/", "/_dash-layout", "/assets/app.css"):
            answer = _get(url + path)
            assert answer.status_code == 503
            assert answer.text == EXPOSED + "\n"
            assert answer.headers["X-Frame-Options"] == "DENY"
    text = log.read_text()
    assert "Refusing" not in text  # no conf file: the guard in the app did it
    assert text.count(EXPOSED) == 1  # logged once, not per request


def test_on_loopback_only_the_bound_names_and_same_origin_posts(tmp_path: Path) -> None:
    with gunicorn(tmp_path, "127.0.0.1:0", {}) as (url, log):
        assert _get(url + "/").status_code == 200
        port = url.rsplit(":", 1)[1]
        assert _get(url + "/", headers={"Host": f"localhost:{port}"}).status_code == 200
        rebound = _get(url + "/", headers={"Host": f"attacker.example:{port}"})
        assert rebound.status_code == 400
        assert _post_route(url, {"Origin": url}).status_code == 200
        foreign = _post_route(url, {"Origin": f"http://attacker.example:{port}"})
        assert foreign.status_code == 403
        assert "Content-Security-Policy" in foreign.headers
    assert "Traceback" not in log.read_text()


def _basic(pair: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


@pytest.mark.parametrize("bind", ["0.0.0.0:0", "127.0.0.1:0"])
def test_with_login_bad_credentials_are_401s_without_tracebacks(tmp_path: Path,
                                                                bind: str) -> None:
    env = {"DASH_USERS": "alice:s3cret:admin"}
    with gunicorn(tmp_path, bind, env) as (url, log):
        assert _get(url + "/").status_code == 401
        for header in ({"Authorization": "Bearer x"}, {"Authorization": "basic ###"},
                       _basic(b"alice"), _basic(b"\xff\xfe:\xfa"), _basic(b"alice:nope")):
            answer = _get(url + "/_dash-layout", headers=header)
            assert answer.status_code == 401, header
        assert _get(url + "/", headers=_basic(b"alice:s3cret")).status_code == 200
    text = log.read_text()
    assert "Traceback" not in text
    assert text.count("Failed login from 127.0.0.1") == 1
