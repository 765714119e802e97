"""A private, throw-away ``redis-server`` for the tests that need Redis.

Terms:

- *private server*: Debian's ``/usr/bin/redis-server`` started on a free loopback port
  with persistence off (``--save ""``, ``--appendonly no``) and its files in a temporary
  directory. It is never the system instance on 6379.

Import the fixtures into a ``conftest.py`` (``from tests.conftest_redis import
redis_server, redis_url  # noqa: F401``). ``redis_server`` is one server per test
session; ``redis_url`` gives each test an empty database on it (FLUSHALL first).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import redis

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@dataclass(frozen=True)
class RedisServer:
    """A running private server: its URL and the process (stopped by the context)."""

    url: str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """A loopback TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_redis(timeout: float = 10.0) -> Iterator[RedisServer]:
    """Start a private ``redis-server``, wait for PING, stop it on exit."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="redis-test-")
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", workdir, "--loglevel", "warning"]
    url = f"redis://127.0.0.1:{port}/0"
    with open(os.path.join(workdir, "redis.log"), "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_ping(url, process, timeout, workdir)
        yield RedisServer(url, process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for_ping(
    url: str, process: subprocess.Popen[bytes], timeout: float, workdir: str
) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            if process.poll() is not None:
                with open(os.path.join(workdir, "redis.log")) as log:
                    raise RuntimeError(f"redis-server exited: {log.read()}")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One private Redis for the whole test session."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("redis-server is not installed; `make test` installs it with apt")
    with running_redis() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The private server's URL, with every database emptied for this test."""
    client = redis.Redis.from_url(redis_server.url)
    try:
        client.flushall()
    finally:
        client.close()
    return redis_server.url
