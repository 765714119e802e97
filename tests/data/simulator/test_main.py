"""``python -m data.simulator``: serves the demo project and prints where and how to log in."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("flavor", "path", "deployment"), [
    ("cloud", "/rest/api/3/serverInfo", "Cloud"),
    ("datacenter", "/rest/api/2/serverInfo", "DataCenter"),
])
def test_runs_standalone_until_interrupted(flavor: str, path: str, deployment: str) -> None:
    command = [sys.executable, "-m", "data.simulator", "--port", "0", "--flavor", flavor]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            second = process.stdout.readline()
            url = first.rsplit(" at ", 1)[1].strip()
            info = requests.get(f"{url}{path}", auth=("demo@example.com", "demo-token"),
                                timeout=10).json()
        finally:
            process.send_signal(signal.SIGINT)  # our own child, by its handle
            code = process.wait(timeout=30)
    assert first.startswith(f"JIRA simulator ({flavor}) at http://127.0.0.1:")
    assert "demo@example.com" in second
    assert "demo-token" in second
    assert info["deploymentType"] == deployment
    assert code == 0


def test_a_busy_port_is_one_clear_line() -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "data.simulator", "--port", str(port)], cwd=ROOT,
            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"Cannot listen on 127.0.0.1:{port}:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
