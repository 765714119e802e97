"""Logging for the whole application, set up once at startup by :func:`setup_logging`.

Terms used here:

- *app log*: ``logs/app.log``, one JSON object per line (a *JSON line*) with the keys
  ``timestamp`` (UTC, ISO 8601), ``level``, ``logger``, ``module``, ``function``,
  ``line``, ``message``, plus ``exception`` (the formatted traceback) when there is
  one and ``context`` (an object of the record's ``extra`` values) when there are any.
- *error log*: ``logs/errors.log``, the same JSON lines for ERROR and above only.
- *console*: standard error, plain human-readable text.
- *redaction*: every handler carries a :class:`RedactingFilter`, which rewrites the
  message, its arguments, ``extra`` values and the exception text with
  :func:`configuration.redaction.redact` before any handler formats the record.
- *retention*: at setup, log files in the log directory (rotated ones such as
  ``app.log.3`` included) not modified for ``retention_days`` are deleted.
- *our handlers*: the handlers this module attached to the root logger. Setting up
  again replaces them, so Dash's reloader or a test calling twice adds no duplicates.
- *active setup*: the arguments of the last :func:`setup_logging` of this process
  (:class:`LoggingSetup`), or None. A background job's process is started clean, not
  forked (``callbacks.job_process``), so it inherits no handler: it applies the
  parent's active setup to open its own, on the same files.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import logging.handlers
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from configuration.errors import ConfigError
from configuration.paths import LOG_DIR
from configuration.private_files import private_dir, private_opener
from configuration.redaction import clear_secrets, redact, register_secret

__all__ = [
    "JsonFormatter",
    "LoggingSetup",
    "RedactingFilter",
    "active_setup",
    "cleanup_old_logs",
    "clear_secrets",
    "register_secret",
    "setup_logging",
    "shutdown_logging",
    "timed",
]

MEGABYTE = 1024 * 1024
APP_LOG = "app.log"
ERROR_LOG = "errors.log"
_LOG_FILE = re.compile(r".+\.log(\.\d+)?$")
_OURS = "_delivery_metrics_handler"  # attribute marking the handlers we attached
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message", "asctime", "taskName",
}
F = TypeVar("F", bound=Callable[..., Any])
_log = logging.getLogger(__name__)


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS}


def _redact_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else repr(value))


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so no handler can see a secret; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the message, nor a secret
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in _extras(record).items():
            setattr(record, key, _redact_value(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside values are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "module": record.module,
            "function": record.funcName,
            "line": record.lineno,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        if extras := _extras(record):
            entry["context"] = extras
        return json.dumps(entry, ensure_ascii=False, default=str)


def cleanup_old_logs(
    log_dir: Path,
    retention_days: float,
    *,
    now: float | None = None,
    remove: Callable[[Path], None] | None = None,
) -> list[str]:
    """Delete log files older than ``retention_days``; return a warning per failure.

    Never raises: a file that cannot be inspected or removed is reported and skipped.
    """
    cutoff = (time.time() if now is None else now) - retention_days * 86400
    warnings: list[str] = []
    try:
        candidates = [p for p in log_dir.iterdir() if _LOG_FILE.match(p.name)]
    except OSError as err:
        return [f"Cannot list the log directory {log_dir}: {err.strerror or err}"]
    for path in candidates:
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink() if remove is None else remove(path)
        except OSError as err:
            warnings.append(f"Cannot delete the old log file {path}: {err.strerror or err}")
    return warnings


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file created 0600 (also after rollover), whatever the umask.

    A write that fails later (disk full, directory removed) prints one line on stderr,
    once, instead of logging's traceback per record.
    """

    _reported = False

    def _open(self) -> Any:
        return open(self.baseFilename, self.mode, encoding=self.encoding,
                    errors=self.errors, opener=private_opener)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if not self._reported:
            self._reported = True
            error = sys.exc_info()[1]
            reason = getattr(error, "strerror", None) or error or "unknown error"
            sys.stderr.write(f"Cannot write to the log file {self.baseFilename}: {reason}; "
                             "further log lines there are lost.\n")


def _file_handler(path: Path, level: int, max_bytes: int, backups: int) -> logging.Handler:
    handler = PrivateRotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setLevel(level)
    handler.setFormatter(JsonFormatter())
    return handler


FILES_ONLY = {"files_only": True}  # ``extra=`` for records the console must not show


def _not_files_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "files_only", False)


def _console_handler(level: int | str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    # The CLI prints its own one-line error; the traceback belongs in the files only.
    handler.addFilter(_not_files_only)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


@dataclass(frozen=True)
class LoggingSetup:
    """The arguments of one :func:`setup_logging` call (see *active setup*)."""

    log_dir: Path
    max_bytes: int
    backups: int
    console_level: int | str | None
    file_level: int | str

    def apply(self) -> None:
        """Set up logging the same way in this process (old logs are not pruned again)."""
        setup_logging(retention_days=float("inf"), **asdict(self))


_ACTIVE: dict[str, LoggingSetup | None] = {"setup": None}  # a dict: no ``global``


def active_setup() -> LoggingSetup | None:
    """How this process's logging was last set up; None when it was not (or shut down)."""
    return _ACTIVE["setup"]


def shutdown_logging() -> None:
    """Detach and close the handlers :func:`setup_logging` attached (tests, shutdown)."""
    _ACTIVE["setup"] = None
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(handler)
        handler.close()


def setup_logging(
    log_dir: Path = LOG_DIR,
    *,
    max_bytes: int = 10 * MEGABYTE,
    backups: int = 5,
    retention_days: float = 30,
    console_level: int | str | None = "INFO",
    file_level: int | str = "INFO",
    secrets: Iterable[str | None] = (),
    now: float | None = None,
    strict: bool = False,
) -> None:
    """Attach the app log, error log and console handlers to the root logger.

    Idempotent: our handlers from an earlier call are closed and replaced. A log
    directory that cannot be created leaves console logging only, with a warning.
    ``console_level=None`` means no console handler (the CLI keeps stderr for its own
    one-line messages). ``strict``: a log directory that cannot be written raises
    ``ConfigError`` (one line for the command line) instead, and nothing is set up.
    """
    for secret in secrets:
        register_secret(secret)
    shutdown_logging()
    _ACTIVE["setup"] = LoggingSetup(Path(log_dir), max_bytes, backups, console_level, file_level)
    root = logging.getLogger()
    handlers: list[logging.Handler] = []
    if console_level is not None:
        handlers.append(_console_handler(console_level))
    files, warnings = _file_handlers(
        log_dir, level=_level(file_level), max_bytes=max_bytes, backups=backups,
        retention_days=retention_days, now=now,
    )
    if strict and len(files) < 2:
        for handler in files + handlers:
            handler.close()
        problem = warnings[-1].removesuffix("; console only")
        raise ConfigError(f"{problem}; set DASHBOARD_LOG_DIR to a writable directory.")
    for handler in handlers + files:
        handler.addFilter(RedactingFilter())
        setattr(handler, _OURS, True)
        root.addHandler(handler)
    levels = [_level(file_level)] + ([] if console_level is None else [_level(console_level)])
    root.setLevel(min(levels))
    for warning in warnings:
        _log.warning(warning)


def _file_handlers(
    log_dir: Path, *, level: int, max_bytes: int, backups: int, retention_days: float,
    now: float | None,
) -> tuple[list[logging.Handler], list[str]]:
    """The app log and error log handlers, after pruning old logs; and what to warn about.

    A directory that cannot be written gives one warning and whichever handlers could
    be opened: logging then goes to the console (and what opened), rather than
    stopping the app.
    """
    handlers: list[logging.Handler] = []
    warnings: list[str] = []
    try:
        private_dir(log_dir)  # 0700: the logs say who did what
        warnings = cleanup_old_logs(log_dir, retention_days, now=now)
        handlers.append(_file_handler(log_dir / APP_LOG, level, max_bytes, backups))
        handlers.append(_file_handler(log_dir / ERROR_LOG, logging.ERROR, max_bytes, backups))
    except OSError as err:
        warnings.append(f"Cannot write logs to {log_dir}: {err.strerror or err}; console only")
    return handlers, warnings


def _level(level: int | str) -> int:
    return level if isinstance(level, int) else logging.getLevelNamesMapping()[level.upper()]


class timed:  # noqa: N801 - lower case: it reads as a function at call sites
    """Log how long an operation took and how much data it handled.

    As a context manager::

        with timed("fetch issues", jql=jql) as timing:
            timing.add(len(page))        # or: timing.count = n

    As a decorator, ``@timed("normalize")``; the count is then ``len(result)`` when the
    result has a length. Success is logged at INFO, failure (with the exception's type
    and message) at ERROR; the exception propagates. ``duration`` holds the seconds,
    measured on ``clock`` (injectable, so tests assert exact durations).
    """

    def __init__(self, operation: str, logger: logging.Logger | None = None, *,
                 clock: Callable[[], float] = time.perf_counter, **context: Any) -> None:
        self.operation = operation
        self._clock = clock
        self.logger = logger or logging.getLogger("timing")
        self.context = context
        self.count: int | None = None
        self.duration: float | None = None
        self._started = 0.0
        # Log records point at the code using the helper, not at this module.
        self._stacklevel = 2

    def add(self, count: int) -> None:
        """Add ``count`` items to the data volume."""
        self.count = (self.count or 0) + count

    def __enter__(self) -> timed:
        self.count, self.duration = None, None
        self._started = self._clock()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        self.duration = self._clock() - self._started
        extra = {"operation": self.operation, "duration_seconds": round(self.duration, 6),
                 "items": self.count, **self._safe_context()}
        volume = "" if self.count is None else f", {self.count} items"
        if exc is None:
            self.logger.info("%s took %.3f s%s", self.operation, self.duration, volume,
                             extra=extra, stacklevel=self._stacklevel)
        else:
            self.logger.error("%s failed after %.3f s%s: %s: %s", self.operation,
                              self.duration, volume, type(exc).__name__, exc, extra=extra,
                              stacklevel=self._stacklevel)

    def _safe_context(self) -> dict[str, Any]:
        # ``extra`` may not reuse LogRecord attribute names; prefix the clashing ones.
        return {(f"ctx_{k}" if k in _STANDARD_ATTRS else k): v for k, v in self.context.items()}

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # A fresh instance per call: concurrent calls must not share a count.
            timing = timed(self.operation, self.logger, clock=self._clock, **self.context)
            timing._stacklevel = 3  # the caller of the decorated function
            with timing:
                result = func(*args, **kwargs)
                with contextlib.suppress(TypeError):
                    timing.count = len(result)
                return result

        return wrapper  # type: ignore[return-value]
