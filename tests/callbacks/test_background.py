"""The REDIS_URL switch between Dash's DiskcacheManager and CeleryManager."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from dash import CeleryManager, DiskcacheManager

from callbacks.background import (
    CELERY_APP_NAME,
    background_manager,
    celery_app,
    in_celery_worker,
    wants_start_up,
)
from callbacks.job_process import CleanProcessDiskcacheManager, job_result_key
from configuration.errors import ConfigError


def test_without_redis_url_jobs_run_on_diskcache_in_the_cache_dir(tmp_path: Path) -> None:
    manager = background_manager(tmp_path, env={})
    assert isinstance(manager, DiskcacheManager)
    assert isinstance(manager, CleanProcessDiskcacheManager)  # never a fork of the server
    assert Path(manager.handle.directory) == tmp_path / "background"
    assert background_manager(tmp_path, env={"REDIS_URL": " "}) is manager  # blank = unset


def test_with_redis_url_jobs_run_on_celery_with_redis_as_broker_and_backend(
    tmp_path: Path,
) -> None:
    url = "redis://127.0.0.1:6390/3"
    manager = background_manager(tmp_path, env={"REDIS_URL": url})
    assert isinstance(manager, CeleryManager)
    app = manager.handle
    assert app is celery_app(url)  # the worker's `celery` attribute is this same app
    assert app.main == CELERY_APP_NAME
    assert app.conf.broker_url == url
    assert app.conf.result_backend == url
    assert app.conf.accept_content == ["json"]
    assert app.conf.worker_prefetch_multiplier == 1
    assert background_manager(tmp_path / "other", env={"REDIS_URL": url}) is manager


@pytest.mark.parametrize(("argv", "worker"), [
    (["/srv/app/.venv/bin/celery", "-A", "celery_app", "worker", "--loglevel=INFO"], True),
    (["/usr/lib/python3/site-packages/celery/__main__.py", "-A", "celery_app", "worker"],
     True),  # python -m celery
    (["/srv/app/.venv/bin/celery", "-A", "celery_app", "inspect", "active"], False),
    (["/srv/app/.venv/bin/gunicorn", "-c", "gunicorn.conf.py", "app:server"], False),
    (["app.py", "serve"], False),
    (["/usr/bin/worker", "celery"], False),
    ([], False),
])
def test_a_celery_worker_is_recognised_by_its_command_line(argv, worker) -> None:
    assert in_celery_worker(argv) is worker


@pytest.mark.parametrize(("env", "argv", "start"), [
    ({}, ["celery", "-A", "celery_app", "worker"], False),
    ({}, ["gunicorn", "app:server"], True),
    ({"DASHBOARD_START_UP": "1"}, ["celery", "-A", "celery_app", "worker"], True),
    ({"DASHBOARD_START_UP": "0"}, ["gunicorn", "app:server"], False),
    ({"DASHBOARD_START_UP": " "}, ["gunicorn", "app:server"], True),  # blank = unset
])
def test_the_start_up_prefetch_is_skipped_in_workers(env, argv, start) -> None:
    assert wants_start_up(env, argv) is start


def test_a_start_up_choice_other_than_0_or_1_is_one_sentence() -> None:
    with pytest.raises(ConfigError, match=r"^DASHBOARD_START_UP: must be 0 or 1\.$"):
        wants_start_up({"DASHBOARD_START_UP": "yes"}, ["gunicorn"])


def noop(*_args: object) -> None:
    """A Celery task body (never run here: no worker)."""


def test_a_celery_job_that_ended_with_its_result_unread_still_counts_as_running(
        tmp_path: Path, redis_url: str) -> None:
    manager = background_manager(tmp_path, env={"REDIS_URL": redis_url})
    task = manager.handle.task(name="tests.noop")(noop)
    job = manager.call_job_fn("result-1", task, [], {})  # queued; no worker runs it
    with warnings.catch_warnings():  # Celery's backend calls redis-py's deprecated setex
        warnings.simplefilter("ignore", DeprecationWarning)
        manager.handle.backend.store_result(job, None, "SUCCESS")  # as if it ran and ended
    assert manager.job_running(job) is False  # ended, and no result stored
    manager.handle.backend.client.set("result-1", json.dumps({"ok": True}))
    assert manager.job_running(job) is True  # ended, its result unread: poll again
    assert manager.get_result("result-1", job) == {"ok": True}
    assert manager.job_running(job) is False
    assert manager.handle.backend.client.ttl(job_result_key(job)) > 0  # it expires
