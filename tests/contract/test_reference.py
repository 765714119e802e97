"""The engine against the outside reviewer's calculator (:mod:`tests.contract.reference`)
on random projects of raw JIRA issues.

Each seed draws a project whose times sit on whole hours near the window's and the
buckets' edges (so that "at as_of", "at the window start" and equal timestamps happen
often), with offsets other than +0000, histories in either order, unlisted statuses,
every custom field shape of section 4 and both deployment sources. The engine runs in
process (``normalize_issues`` -> ``CalculationContext`` -> ``report_to_json``: the path
of ``app.py metrics --issues``) and its whole headline must equal the reference's.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from configuration.validation import parse_settings
from data.issues.normalize import normalize_issues
from data.metrics.context import CalculationContext
from data.metrics.report import compute_report, report_to_json
from tests.builders import issue, option, version
from tests.contract import reference
from tests.contract.support import WORKFLOW, assert_same, headline, settings_file

AS_OF = datetime(2026, 3, 31, tzinfo=UTC)
DAYS = 28
STATUSES = ("To Do", "In Progress", "In Review", "Blocked", "Ready for QA", "QA", "Done",
            "Closed")
TYPES = ("Story", "Bug", "Vulnerability", "Tech Debt", "Epic", "story", "Deployment",
         "Deployment", "Deployment", "Incident", "Incident", "incident")
OFFSETS = (timedelta(0), timedelta(hours=5, minutes=30), timedelta(hours=-5))
FIELDS = {"env": "customfield_10050", "failed": "customfield_10051",
          "deployed": "customfield_10060", "inc_start": "customfield_10070",
          "inc_end": "customfield_10071", "change_start": "customfield_10080"}


def _stamp(rng: random.Random, moment: datetime) -> str:
    """A JIRA timestamp for ``moment`` written in a random offset."""
    zone = rng.choice(OFFSETS)
    local = moment.astimezone(UTC) + zone
    sign, minutes = ("+" if zone >= timedelta(0) else "-"), abs(int(zone.total_seconds())) // 60
    return local.strftime("%Y-%m-%dT%H:%M:%S.000") + f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _moment(rng: random.Random) -> datetime:
    """A whole-hour instant from 40 days before to 2 days after as_of, often an edge."""
    if rng.random() < 0.2:  # as_of, the window start, or a bucket edge
        return AS_OF - timedelta(days=7 * rng.randint(0, 4))
    return AS_OF + timedelta(hours=rng.randint(-40 * 24, 2 * 24))


def _value(rng: random.Random, text: str) -> Any:
    """One custom field value in one of the section 4 shapes."""
    return rng.choice([text, option(text), [text], [option("Other"), option(text)],
                       {"name": text}])


def _time_value(rng: random.Random) -> str:
    moment = _moment(rng)
    return moment.strftime("%Y-%m-%d") if rng.random() < 0.3 else _stamp(rng, moment)


def _versions(rng: random.Random) -> list[dict]:
    pool = []
    for n in range(6):
        date = (AS_OF - timedelta(days=rng.randint(-2, 35))).strftime("%Y-%m-%d")
        pool.append(version(str(500 + n), f"v{n}", rng.random() < 0.8,
                            date if rng.random() < 0.9 else None))
    return pool


def _fields(rng: random.Random) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if rng.random() < 0.8:
        fields[FIELDS["env"]] = _value(rng, rng.choice(["Production", "Staging"]))
    if rng.random() < 0.7:
        fields[FIELDS["failed"]] = _value(rng, rng.choice(["Yes", "No"]))
    for name in ("deployed", "inc_start", "inc_end", "change_start"):
        if rng.random() < 0.3:
            fields[FIELDS[name]] = _time_value(rng)
    return fields


def _raw_issue(rng: random.Random, number: int, pool: list[dict]) -> dict:
    created = _moment(rng)
    current, at, steps = rng.choice(STATUSES[:3]), created, []
    for _ in range(rng.randint(0, 5)):
        at += timedelta(hours=rng.choice([0, 1, 5, 24, 24 * rng.randint(1, 9)]))
        # a third of the moves finish the item, so that most items complete
        target = "Done" if rng.random() < 0.3 and current != "Done" else rng.choice(
            [s for s in STATUSES if s != current])
        steps.append((_stamp(rng, at), current, target))
        current = target
    status = current if steps else rng.choice(STATUSES)
    return issue(
        f"R-{number}", rng.choice(TYPES), _stamp(rng, created), status=status,
        transitions=steps, fix_versions=rng.sample(pool, rng.randint(0, 2)),
        versions=rng.sample(pool, rng.randint(0, 1)), fields=_fields(rng),
        newest_first=rng.random() < 0.5,
    )


def _settings(rng: random.Random) -> dict[str, Any]:
    def maybe(name: str) -> str | None:
        return FIELDS[name] if rng.random() < 0.6 else None

    return settings_file(
        deployments={"source": rng.choice(["issues", "versions"]),
                     "issue_types": ["Deployment"], "date_field": maybe("deployed"),
                     "environment_field": maybe("env"), "production_values": ["Production"],
                     "failure_field": maybe("failed"), "failure_values": ["Yes"]},
        incidents={"issue_types": ["Incident"], "environment_field": maybe("env"),
                   "production_values": ["Production"], "start_field": maybe("inc_start"),
                   "end_field": maybe("inc_end")},
        change_start_field=maybe("change_start"),
    )


def _engine(raws: list[dict], raw_settings: dict[str, Any]) -> dict[str, Any]:
    """The engine's report JSON for the project (the CLI's ``--issues`` path)."""
    settings = parse_settings(raw_settings)
    frames = normalize_issues(raws, settings.mapped_field_ids())
    ctx = CalculationContext.build(frames, settings, as_of=AS_OF, period_days=DAYS)
    return report_to_json(compute_report(ctx, analytics=False))


def _project(seed: int) -> tuple[list[dict], dict[str, Any]]:
    rng = random.Random(seed)
    pool = _versions(rng)
    raws = [_raw_issue(rng, n, pool) for n in range(rng.randint(0, 40))]
    return raws, _settings(rng)


@pytest.mark.parametrize("seed", range(60))
def test_engine_equals_the_outside_calculator(seed: int) -> None:
    raws, raw_settings = _project(seed)
    assert raw_settings["workflow"] == WORKFLOW
    expected = reference.headline(raws, raw_settings, AS_OF, DAYS)
    assert_same(headline(_engine(raws, raw_settings)), expected)


# series column -> where the same number sits in a headline computed for the bucket
SERIES_COLUMNS = {
    "deployments": ("dora", "deployment_frequency", "deployments"),
    "lead_time_median_hours": ("dora", "lead_time_for_changes", "median_hours"),
    "change_failure_percent": ("dora", "change_failure_rate", "percent"),
    "restore_median_hours": ("dora", "time_to_restore", "median_hours"),
    "completed": ("flow", "velocity", "completed"),
    "flow_time_median_days": ("flow", "time", "median_days"),
    "efficiency_percent": ("flow", "efficiency", "percent"),
    "wip": ("flow", "load", "wip"),
}


@pytest.mark.parametrize("seed", range(20))
def test_weekly_series_equals_the_calculator_per_bucket(seed: int) -> None:
    # Section 7: 4 buckets [as_of - 7 (4 - k) d, as_of - 7 (3 - k) d), each computed
    # as if it were the window; WIP at the bucket's end.
    raws, raw_settings = _project(seed)
    series = _engine(raws, raw_settings)["series"]
    for k in range(4):
        bucket = (AS_OF - timedelta(days=7 * (4 - k)), AS_OF - timedelta(days=7 * (3 - k)))
        assert series["week_start"][k] == bucket[0].isoformat()
        expected = reference.headline(raws, raw_settings, AS_OF, DAYS, bucket)
        for column, (section, metric, key) in SERIES_COLUMNS.items():
            assert_same(series[column][k], expected[section][metric][key], f"{column}[{k}]")
        by_type = {name: values[k] for name, values in series["throughput_by_type"].items()}
        assert by_type == expected["flow"]["velocity"]["by_type"]


def _cfd_row(items: list[reference.Item], moment: datetime, columns: list[str]) -> list[int]:
    """Section 7: flow items created before ``moment`` per state at ``moment``."""
    row = dict.fromkeys(columns, 0)
    for item in (i for i in items if i.created < moment):
        status = item.status_at(moment)
        state = item.state(status)
        name = {"done": "done", "not_started": "not started"}.get(state, status)
        row[name] += 1
    return list(row.values())


@pytest.mark.parametrize("seed", range(10))
def test_cumulative_flow_equals_the_calculator(seed: int) -> None:
    raws, raw_settings = _project(seed)
    settings = parse_settings(raw_settings)
    frames = normalize_issues(raws, settings.mapped_field_ids())
    ctx = CalculationContext.build(frames, settings, as_of=AS_OF, period_days=DAYS)
    cfd = report_to_json(compute_report(ctx))["cumulative_flow"]
    columns = cfd["states"]
    assert columns == ["not started", *WORKFLOW["active_statuses"],
                       *WORKFLOW["waiting_statuses"], "done"]
    deployment_records = raw_settings["dora"]["deployments"]["source"] == "issues"
    items = [reference.Item(raw, raw_settings, AS_OF) for raw in raws
             if not (deployment_records and raw["fields"]["issuetype"]["name"] == "Deployment")
             and reference.when(raw["fields"]["created"]) < AS_OF]
    for index, day in enumerate(cfd["days"]):
        moment = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=1)
        assert [cfd["counts"][c][index] for c in columns] == _cfd_row(items, moment, columns)
