"""The command line (METRICS.md section 6): parse, set up logging, dispatch.

Commands:

- ``serve`` (the default when no command is given): run the dashboard on
  ``--host`` (127.0.0.1) and ``--port`` (8050).
- ``fetch``: sync the configured JIRA into the cache, with progress on stderr.
- ``metrics``: print one JSON object of metrics on stdout.
- ``items METRIC``: print the items behind one headline number as a JSON array
  (METRICS.md section 8). ``metrics`` and ``items`` take ``--filter CLAUSE``
  (repeatable) to compute a segment; ``metrics --scope CLAUSE`` (repeatable) replaces
  the settings' ``forecast.scope_filter`` (section 9).
- ``fetch``, ``metrics`` and ``items`` take ``--profile NAME`` (section 8): the
  profile's settings, and its filter before any ``--filter``.

*Bad input* (bad arguments, a missing or invalid file, invalid settings, any
``DashboardError``) exits with status 2 and one line on stderr, never a traceback;
an unexpected failure exits with status 1, its traceback going to ``logs/errors.log``
only. ``fetch`` and ``metrics`` log to the files only, so stderr stays clean.
The log directory is ``logs/`` unless the ``DASHBOARD_LOG_DIR`` variable names another.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import msgspec

from configuration.access import decide_access, is_loopback
from configuration.errors import ConfigError, DashboardError
from configuration.filters import filter_texts, parse_filter
from configuration.logging_config import FILES_ONLY, setup_logging
from configuration.paths import DEFAULT_SETTINGS_PATH, LOG_DIR, cache_dir
from configuration.private_files import use_private_umask
from configuration.settings import Settings
from configuration.settings_file import load_settings, remove_stale_temp_files
from configuration.validation import MAX_PERIOD_DAYS

COMMANDS = ("serve", "fetch", "metrics", "items")
EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 1
log = logging.getLogger("app")


class UsageError(Exception):
    """A command-line mistake; argparse's message, as one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse would print the whole usage block and exit; we want one line.
        raise UsageError(message)


# pandas timestamps (nanoseconds) end in 2262 and begin in 1677; with a period of up to
# ten years before as_of, these bounds keep every computed instant representable.
AS_OF_RANGE = (datetime(1700, 1, 1, tzinfo=UTC), datetime(2250, 1, 1, tzinfo=UTC))


def _as_of(text: str) -> datetime:
    """ISO 8601 with an offset or ``Z``; a naive value is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r}") from None
    low, high = AS_OF_RANGE
    if not low <= moment < high:
        raise argparse.ArgumentTypeError(
            f"{text!r} is out of range: use a date from {low:%Y-%m-%d} to before {high:%Y-%m-%d}")
    return moment


def _bounded_int(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse


def build_parser() -> Parser:
    parser = Parser(prog="app.py", description="DORA and Flow metrics for JIRA teams.")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    serve = commands.add_parser("serve", help="run the dashboard (the default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_bounded_int(0, 65535), default=8050)
    serve.add_argument("--debug", action="store_true", help="Dash debug mode with reloader")
    serve.add_argument("--behind-auth-proxy", action="store_true",
                       help="a proxy in front authenticates users (for a non-loopback --host)")
    fetch = commands.add_parser("fetch", help="sync JIRA into the cache")
    fetch.add_argument("--full", action="store_true", help="refetch everything")
    metrics = commands.add_parser("metrics", help="print the metrics as JSON")
    metrics.add_argument("--scope", action="append", default=None, metavar="CLAUSE",
                         help="FIELD=V1,V2 or FIELD!=V1,V2 (repeatable): the scope "
                              "forecast's scope, instead of forecast.scope_filter")
    items = commands.add_parser("items", help="print the items behind one metric as JSON")
    items.add_argument("metric", metavar="METRIC", help="e.g. lead_time_for_changes, velocity")
    for command in (metrics, items):
        command.add_argument("--issues", type=Path,
                             help="raw JIRA issues (JSON) instead of the cache")
        command.add_argument("--as-of", type=_as_of, help="ISO 8601 instant (default: now)")
        command.add_argument("--days", type=_bounded_int(1, MAX_PERIOD_DAYS),
                             help="period in days (default: settings period_days)")
        command.add_argument("--filter", action="append", default=[], metavar="CLAUSE",
                             help="FIELD=V1,V2 or FIELD!=V1,V2 (repeatable): a segment")
    for command in (serve, fetch, metrics, items):
        command.add_argument("--settings", type=Path, help=f"default: {DEFAULT_SETTINGS_PATH}")
    for command in (fetch, metrics, items):
        command.add_argument("--profile", metavar="NAME",
                             help="a profile of the settings (default: the top level)")
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    argv = list(argv)
    # The dashboard is the default command: "app.py --port 9000" means "serve --port 9000".
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv.insert(0, "serve")
    return build_parser().parse_args(argv)


def _existing_file(path: Path, what: str) -> None:
    """ConfigError unless ``path`` is a file (a directory is named as such)."""
    if path.is_dir():
        raise ConfigError(f"The {what} {path} is a directory, not a file.")
    if not path.is_file():
        raise ConfigError(f"The {what} {path} does not exist.")


def _settings(args: argparse.Namespace) -> Settings:
    if args.settings is not None:
        _existing_file(args.settings, "settings file")
    remove_stale_temp_files(args.settings or DEFAULT_SETTINGS_PATH)
    return load_settings(args.settings)


def _profile(args: argparse.Namespace) -> Any:
    """The ``--profile`` chosen (``data.profiles.Profile``): its settings and filter.
    An unknown name or a bad profile is bad input; other bad profiles do not matter."""
    settings = _settings(args)
    return importlib.import_module("data.profiles").select(settings, args.profile)


class ProgressBar:
    """Draws ``fetched/expected`` on stderr, redrawn at most ten times a second."""

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = sys.stderr if stream is None else stream  # looked up now, not at import
        self.width, self.drawn, self._last = width, False, 0.0

    def __call__(self, fetched: int, expected: int | None) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and fetched != expected:
            return
        self._last, self.drawn = now, True
        if expected:
            filled = min(self.width, self.width * fetched // expected)
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"[{bar}] {fetched}/{expected} issues"
        else:
            line = f"{fetched} issues fetched"
        end = "\r" if self.stream.isatty() else "\n"
        self.stream.write(line + end)
        self.stream.flush()

    def finish(self) -> None:
        if self.drawn and self.stream.isatty():
            self.stream.write("\n")


def _service() -> Any:
    """``data.service``, imported on use so that ``--help`` and usage errors stay fast."""
    return importlib.import_module("data.service")


def run_fetch(args: argparse.Namespace) -> int:
    settings = _profile(args).settings
    bar = ProgressBar()
    try:
        summary = _service().fetch_command(settings, args.full, bar, cache_dir=cache_dir())
    finally:
        bar.finish()
    print(summary)
    return 0


def _query(args: argparse.Namespace) -> tuple[Settings, datetime, int, dict[str, Any]]:
    """Settings, ``as_of``, days and the keyword options of ``metrics`` and ``items``."""
    clauses = parse_filter(args.filter)  # bad clauses fail before any file is read
    profile = _profile(args)
    settings, clauses = profile.settings, (*profile.clauses, *clauses)
    if args.issues is not None:
        _existing_file(args.issues, "issues file")
    options: dict[str, Any] = {"cache_dir": cache_dir()}
    if clauses:
        options["clauses"] = clauses
    return settings, args.as_of or datetime.now(UTC), args.days or settings.period_days, options


def run_metrics(args: argparse.Namespace) -> int:
    scope = None if args.scope is None else parse_filter(args.scope)  # bad input first
    settings, as_of, days, options = _query(args)
    if scope is not None:
        settings = replace(settings, forecast=replace(settings.forecast,
                                                      scope_filter=filter_texts(scope)))
    print(json.dumps(_service().metrics_command(settings, args.issues, as_of, days, **options)))
    return 0


def run_items(args: argparse.Namespace) -> int:
    settings, as_of, days, options = _query(args)
    found = _service().items_command(settings, args.issues, args.metric, as_of, days, **options)
    _print_json_bytes(found)
    return 0


def _print_json_bytes(value: Any) -> None:
    """``value`` as compact UTF-8 JSON on stdout. ``msgspec`` encodes tens of thousands
    of item dicts ~3x faster than ``json.dumps`` (0.08 s of a 100,000-issue run)."""
    data = msgspec.json.encode(value) + b"\n"
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stdout (some embedders)
        sys.stdout.write(data.decode())
        return
    sys.stdout.flush()
    stream.write(data)
    stream.flush()


def run_serve(args: argparse.Namespace) -> int:
    # Refuse an exposed address without access control before anything starts.
    policy = decide_access(args.host, os.environ, behind_auth_proxy=args.behind_auth_proxy)
    if args.debug and not is_loopback(args.host):
        # The debugger runs code typed into the browser: never on an exposed address.
        raise ConfigError(f"--debug is refused on {args.host or 'all addresses'}: "
                          "serve on 127.0.0.1 to debug.")
    if policy.mode != "local":
        # Others drive this dashboard: guard JIRA requests against SSRF, in this
        # process and the background ones it starts (data/jira/address_guard.py).
        os.environ["JIRA_ADDRESS_GUARD"] = "1"
    settings_path = args.settings or DEFAULT_SETTINGS_PATH
    try:
        load_settings(settings_path)  # registers the token for redaction; reports problems
    except ConfigError as err:
        log.warning("The settings are invalid; fix them in the dashboard: %s", err)
    factory = importlib.import_module("callbacks.app_factory")
    app = factory.create_app(settings_path, cache_dir=cache_dir(), access=policy)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


HANDLERS = {"serve": run_serve, "fetch": run_fetch, "metrics": run_metrics, "items": run_items}


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except UsageError as err:
        print(f"app.py: error: {_one_line(err)} (see: python app.py --help)", file=sys.stderr)
        return EXIT_BAD_INPUT
    serving = args.command == "serve"
    use_private_umask()  # cache, logs, settings: readable by this user only
    log_dir = Path(os.environ.get("DASHBOARD_LOG_DIR") or LOG_DIR)
    try:
        setup_logging(log_dir, strict=True,
                      console_level=("DEBUG" if args.debug else "INFO") if serving else None)
    except ConfigError as err:
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return HANDLERS[args.command](args)
    except (DashboardError, OSError, ValueError) as err:
        log.error("%s failed: %s", args.command, err, exc_info=True, extra=FILES_ONLY)
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a bug: keep the traceback in the log, not on the screen
        log.exception("%s crashed", args.command, extra=FILES_ONLY)
        print(f"unexpected error ({type(err).__name__}): {_one_line(err)}; details in "
              f"{log_dir / 'errors.log'}", file=sys.stderr)
        return EXIT_UNEXPECTED


def __getattr__(name: str) -> Any:
    """``app:server`` for WSGI servers (gunicorn): the Flask server of the dashboard.

    Built on first access only, so that the command line never pays for it.
    """
    if name == "server":
        return importlib.import_module("celery_app").server
    raise AttributeError(name)


if __name__ == "__main__":
    sys.exit(main())
