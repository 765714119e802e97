"""The REDIS_URL switch between Dash's DiskcacheManager and CeleryManager."""

from __future__ import annotations

from pathlib import Path

from dash import CeleryManager, DiskcacheManager

from callbacks.background import CELERY_APP_NAME, background_manager, celery_app


def test_without_redis_url_jobs_run_on_diskcache_in_the_cache_dir(tmp_path: Path) -> None:
    manager = background_manager(tmp_path, env={})
    assert isinstance(manager, DiskcacheManager)
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
