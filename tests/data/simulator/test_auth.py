"""Authentication: Basic email:token, Bearer PAT, and JIRA's 401 on every endpoint."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests

from data.simulator.server import JiraSimulator
from tests.builders import issue

UNAUTHENTICATED = {"errorMessages": [
    "You are not authenticated. Authentication required to perform this operation."],
    "errors": {}}
TOKEN = "tok-Secret-7781"
PAT = "pat-Secret-1234"
ISSUES = [issue("DEMO-1"), issue("DEMO-2", "Bug")]
CLOUD_CALLS = [
    ("POST", "/rest/api/3/search/jql"), ("GET", "/rest/api/3/search/jql"),
    ("POST", "/rest/api/3/search/approximate-count"), ("GET", "/rest/api/3/myself"),
    ("GET", "/rest/api/3/serverInfo"), ("GET", "/rest/api/3/field"),
    ("GET", "/rest/api/3/status"), ("GET", "/rest/api/3/issuetype"),
    ("GET", "/rest/api/3/issue/DEMO-1/changelog"), ("POST", "/rest/api/3/changelog/bulkfetch"),
    ("GET", "/rest/api/3/search"),
]
DC_CALLS = [
    ("GET", "/rest/api/2/search"), ("POST", "/rest/api/2/search"),
    ("GET", "/rest/api/2/issue/DEMO-1"), ("GET", "/rest/api/2/myself"),
    ("GET", "/rest/api/2/serverInfo"), ("GET", "/rest/api/2/field"),
    ("GET", "/rest/api/2/status"), ("GET", "/rest/api/2/issuetype"),
]
BODY = {"jql": "project = DEMO", "issueIdsOrKeys": ["DEMO-1"]}


@pytest.fixture(scope="module")
def cloud_sim() -> Iterator[JiraSimulator]:
    with JiraSimulator(ISSUES, email="lead@example.com", token=TOKEN) as sim:
        yield sim


@pytest.fixture(scope="module")
def dc_sim() -> Iterator[JiraSimulator]:
    with JiraSimulator(ISSUES, flavor="datacenter", email="lead", token=TOKEN, pat=PAT) as sim:
        yield sim


def call(sim: JiraSimulator, method: str, path: str, **kwargs: object) -> requests.Response:
    if method == "POST":
        return requests.post(f"{sim.url}{path}", json=BODY, timeout=10, **kwargs)  # type: ignore[arg-type]
    return requests.get(f"{sim.url}{path}", params={"jql": BODY["jql"]}, timeout=10,
                        **kwargs)  # type: ignore[arg-type]


BAD_CREDENTIALS = [
    {},
    {"auth": ("lead@example.com", "wrong")},
    {"auth": ("someone@example.com", TOKEN)},
    {"headers": {"Authorization": f"Bearer {TOKEN}"}},  # a PAT is not configured on Cloud
    {"headers": {"Authorization": "Basic !!!not-base64"}},
]


@pytest.mark.parametrize(("method", "path"), CLOUD_CALLS)
@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
def test_cloud_refuses_bad_credentials_everywhere(
    cloud_sim: JiraSimulator, method: str, path: str, credentials: dict
) -> None:
    response = call(cloud_sim, method, path, **credentials)
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert TOKEN not in response.text


@pytest.mark.parametrize(("method", "path"), CLOUD_CALLS[:-1])
def test_cloud_accepts_basic_email_and_token(
    cloud_sim: JiraSimulator, method: str, path: str
) -> None:
    assert call(cloud_sim, method, path, auth=("lead@example.com", TOKEN)).status_code == 200


@pytest.mark.parametrize(("method", "path"), DC_CALLS)
@pytest.mark.parametrize("credentials", [
    {"headers": {"Authorization": f"Bearer {PAT}"}}, {"auth": ("lead", TOKEN)}])
def test_datacenter_accepts_a_pat_or_basic(
    dc_sim: JiraSimulator, method: str, path: str, credentials: dict
) -> None:
    assert call(dc_sim, method, path, **credentials).status_code == 200


@pytest.mark.parametrize(("method", "path"), DC_CALLS)
@pytest.mark.parametrize("credentials", [
    {}, {"headers": {"Authorization": "Bearer nope"}}, {"headers": {"Authorization": PAT}}])
def test_datacenter_refuses_a_wrong_pat(
    dc_sim: JiraSimulator, method: str, path: str, credentials: dict
) -> None:
    response = call(dc_sim, method, path, **credentials)
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_credentials_never_reach_the_log(
    cloud_sim: JiraSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="data.simulator")
    call(cloud_sim, "GET", "/rest/api/3/myself", auth=("lead@example.com", TOKEN))
    call(cloud_sim, "GET", "/rest/api/3/myself", auth=("lead@example.com", "wrong-guess"))
    assert "/rest/api/3/myself" in caplog.text
    assert TOKEN not in caplog.text
    assert "wrong-guess" not in caplog.text
    assert TOKEN not in repr(cloud_sim)
