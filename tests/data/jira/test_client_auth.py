"""Authentication, connection test, discovery and client configuration."""

from __future__ import annotations

from dataclasses import replace

import pytest

from configuration.errors import ConfigError, JiraAuthError
from configuration.settings import RateLimit
from data.jira.client import ConnectionInfo, JiraClient, paced_bucket
from data.simulator.server import JiraSimulator
from tests.data.jira.conftest import PAT, TOKEN, MakeClient, settings_for


def test_basic_auth_connection_test_on_cloud(
    cloud_sim: JiraSimulator, make_client: MakeClient
) -> None:
    info = make_client(cloud_sim.url).test_connection()
    assert info == ConnectionInfo(
        user_display_name="Demo User",
        server_title="Jira Simulator",
        server_version="1001.0.0-SNAPSHOT",
        deployment_type="Cloud",
    )


def test_bearer_pat_on_datacenter(dc_sim: JiraSimulator, make_client: MakeClient) -> None:
    client = make_client(dc_sim.url, "datacenter", auth="bearer", token=PAT, email=None)
    info = client.test_connection()
    assert info.deployment_type == "DataCenter"
    assert info.server_version == "9.12.0"


def test_wrong_pat_is_an_auth_error_that_says_bearer(
    dc_sim: JiraSimulator, make_client: MakeClient
) -> None:
    client = make_client(dc_sim.url, "datacenter", auth="bearer", token="pat-wrong-0000")
    with pytest.raises(JiraAuthError, match="a bearer Personal Access Token") as err:
        client.myself()
    assert "pat-wrong-0000" not in str(err.value)


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_discovery_endpoints(
    flavor: str, request: pytest.FixtureRequest, make_client: MakeClient
) -> None:
    sim: JiraSimulator = request.getfixturevalue("cloud_sim" if flavor == "cloud" else "dc_sim")
    client = make_client(sim.url, flavor)
    assert any(f["id"] == "status" for f in client.fields())
    statuses = client.statuses()
    assert statuses
    assert {s["statusCategory"]["key"] for s in statuses} <= {"new", "indeterminate", "done"}
    assert {t["name"] for t in client.issue_types()} >= {"Story", "Bug"}
    api = "3" if flavor == "cloud" else "2"
    assert sim.stats.by_path[f"/rest/api/{api}/status"] == 1


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"url": None}, "jira.url"),
        ({"url": "jira.example.com"}, "jira.url"),
        ({"url": "ftp://jira.example.com"}, "jira.url"),
        ({"token": None}, "jira.token"),
        ({"token": ""}, "jira.token"),
        ({"email": None}, "jira.email"),
    ],
)
def test_incomplete_settings_are_config_errors(overrides: dict, key: str) -> None:
    settings = replace(settings_for("http://127.0.0.1:9"), **overrides)
    with pytest.raises(ConfigError) as err:
        JiraClient(settings)
    assert err.value.key == key


def test_reprs_never_show_the_token() -> None:
    client = JiraClient(settings_for("http://127.0.0.1:9"))
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(client._transport._auth)
    bearer = JiraClient(settings_for("http://127.0.0.1:9", auth="bearer", token=PAT))
    assert PAT not in repr(bearer._transport._auth)
    in_url = JiraClient(settings_for("https://bob:pw-in-url@jira.example.com"))
    assert repr(in_url) == "JiraClient(url='https://jira.example.com', flavor='cloud')"


@pytest.mark.parametrize(
    ("limit", "capacity", "per_token"),
    [(RateLimit(100, 10.0), 99, 0.1), (RateLimit(5, 1.0), 4, 0.2), (RateLimit(1, 2.0), 1, 2.0)],
)
def test_paced_bucket_keeps_one_token_of_headroom_at_the_same_rate(
    limit: RateLimit, capacity: int, per_token: float
) -> None:
    bucket = paced_bucket(limit)
    assert bucket.capacity == capacity
    assert bucket.per_seconds / bucket.capacity == pytest.approx(per_token)
