"""gunicorn.conf.py refuses an exposed bind without access control, before binding."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from configuration.paths import PROJECT_ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"
HELLO = (
    "def application(environ, start_response):\n"
    "    start_response('200 OK', [])\n"
    "    return []\n"
)


def _start(tmp_path: Path, bind: str, env: dict[str, str]) -> tuple[int | None, str]:
    """Run gunicorn until it listens (then stop it) or exits; return (exit code, stderr)."""
    (tmp_path / "hello.py").write_text(HELLO)
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DASH_USERS", "TRUST_PROXY_AUTH"}}
    environment |= {"PYTHONPATH": f"{tmp_path}:{PROJECT_ROOT}", "WEB_CONCURRENCY": "1", **env}
    command = [str(GUNICORN), "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "-b", bind,
               "hello:application"]
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as sink:
        process = subprocess.Popen(command, stderr=sink, env=environment, cwd=tmp_path)
    deadline = time.monotonic() + 30
    while process.poll() is None and "Listening at" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    code = process.poll()
    if code is None:  # listening: stop it gracefully
        process.terminate()
        process.wait(timeout=30)
    return code, log.read_text()


def test_exposed_bind_without_access_control_exits_2_with_one_line(tmp_path: Path) -> None:
    code, stderr = _start(tmp_path, "0.0.0.0:0", {})
    assert code == 2
    assert [line for line in stderr.splitlines() if line.startswith("error:")] == [
        "error: Refusing to serve on 0.0.0.0 without access control: set "
        "DASH_USERS=user:password for a login, or pass --behind-auth-proxy "
        "(TRUST_PROXY_AUTH=1) when a proxy in front authenticates users."
    ]
    assert "Listening at" not in stderr  # refused before any socket was opened
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("bind", "env"),
    [("127.0.0.1:0", {}), ("0.0.0.0:0", {"TRUST_PROXY_AUTH": "1"}),
     ("0.0.0.0:0", {"DASH_USERS": "alice:s3cret"})],
)
def test_loopback_or_access_control_starts(tmp_path: Path, bind: str, env: dict[str, str]) -> None:
    code, stderr = _start(tmp_path, bind, env)
    assert code is None, stderr  # it was listening when we stopped it
    assert "Refusing" not in stderr
