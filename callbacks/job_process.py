"""Single-process mode's background jobs, each started in a clean process.

Why: Dash's ``DiskcacheManager`` starts every job with ``multiprocess.Process`` and
the fork start method, i.e. a copy of the threaded web server taken at an arbitrary
instant. A lock another thread held at that instant stays held in the copy for good:
a log handler's file buffer mid-write (the hang of issue 10), the redaction
registry's lock, the runtime's and the result caches' locks, the token bucket's,
a ``requests`` session's pool, diskcache's SQLite connection. The child then blocks
on its first log line or request, and the page shows "Connecting to JIRA…" forever.

Terms:

- *job server*: ``multiprocess``'s forkserver: a process started once per web process
  with fork+exec (nothing inherited but file descriptors and the environment), which
  imports :data:`PRELOAD` in its one thread and then forks a child per job. It never
  starts a thread, so a child can inherit no lock that is held.
- *job*: what Dash asks to run: its job function (which wraps the callback) and the
  callback's arguments. They reach the child pickled by ``dill`` (``multiprocess``'s
  pickler); the callback's closure holds the :class:`callbacks.runtime.Runtime`,
  which pickles as its settings and paths only (see ``Runtime.__getstate__``).
- *child setup*: what the child needs that the pickled job does not carry: the
  parent's logging configuration (:func:`configuration.logging_config.active_setup`)
  and the secrets to redact. The child opens its own log handlers from it.

Everything else is Dash's: results, progress and cancellation still go through the
diskcache directory, and Cancel kills the job's pid as before. One difference: the
job server reaps a finished job at once (a forked job stayed a zombie of the web
server until its next job), so the pid Dash checks or kills may vanish between two
``psutil`` calls; a job that vanished counts as ended.

- *late result*: Dash's poll reads a job's result, then asks whether the job still
  runs; a job that stored its result and ended between the two is taken for a
  cancelled one: no output, polling stops, the result is never read, and the fetch
  ends without a word (found by the soak test, in both modes). So a job counts as
  running while a result it stored waits to be read (:func:`job_result_key` maps the
  job to its result's key, in the manager's own store).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import multiprocess
import psutil
from dash import DiskcacheManager

from configuration.logging_config import LoggingSetup, active_setup, shutdown_logging
from configuration.redaction import register_secret, registered_secrets

JOB_KEY_EXPIRES_SECONDS = 24 * 3600  # a job's result is read within seconds, or never
# Imported once by the job server, so a job's child starts with the dashboard's code
# already loaded: unpickling the job then costs milliseconds instead of an import.
PRELOAD = ["callbacks.app_factory"]
START_METHOD = "forkserver"


@dataclass(frozen=True)
class ChildSetup:
    """What a job's child sets up before running the job (see the module docstring)."""

    logging: LoggingSetup | None
    secrets: tuple[str, ...]

    @classmethod
    def of_this_process(cls) -> ChildSetup:
        return cls(active_setup(), registered_secrets())

    def apply(self) -> None:
        for secret in self.secrets:
            register_secret(secret)
        if self.logging is not None:
            self.logging.apply()


def job_result_key(job: Any) -> str:
    """Where a manager keeps the key of ``job``'s result (see *late result*)."""
    return f"dashboard-job-result-key-{job}"


def job_context() -> Any:
    """``multiprocess``'s forkserver context, with the dashboard preloaded."""
    context = multiprocess.get_context(START_METHOD)
    context.set_forkserver_preload(PRELOAD)  # takes effect when the server starts
    return context


def start_job_server() -> None:
    """Start the job server now (the first fetch then does not wait for it)."""
    from multiprocess import forkserver  # noqa: PLC0415 - the context's module

    job_context()
    forkserver.ensure_running()


def run_job(job_fn: Any, setup: ChildSetup, *job_args: Any) -> None:
    """A job's child: set up logging and secrets, run Dash's job function, flush logs."""
    setup.apply()
    try:
        job_fn(*job_args)
    except Exception:  # Dash's job function stores its own errors; this is a bug
        logging.getLogger(__name__).exception("Background job crashed")
        raise
    finally:
        shutdown_logging()  # flush: the process ends with os._exit


class CleanProcessDiskcacheManager(DiskcacheManager):
    """``DiskcacheManager`` whose jobs start from the job server, never by forking
    the web server (see the module docstring)."""

    @staticmethod
    def start_job_server() -> None:
        """Start the job server now, so the first fetch does not wait for its imports."""
        start_job_server()

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> int:
        process = job_context().Process(
            target=run_job,
            args=(job_fn, ChildSetup.of_this_process(), key, self._make_progress_key(key),
                  args, context),
        )
        process.start()
        self.handle.set(job_result_key(process.pid), key, expire=JOB_KEY_EXPIRES_SECONDS)
        return process.pid

    def terminate_job(self, job: Any) -> None:
        with contextlib.suppress(psutil.NoSuchProcess):  # it ended meanwhile
            super().terminate_job(job)

    def job_running(self, job: Any) -> bool:
        """Running, or ended with a result still to read (see *late result*)."""
        try:
            if super().job_running(job):
                return True
        except psutil.NoSuchProcess:  # ended (and reaped) between two checks
            pass
        key = self.handle.get(job_result_key(job)) if job else None
        return key is not None and self.result_ready(key)
