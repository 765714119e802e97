"""Every final error over real HTTP becomes one typed, clear, secret-free error."""

from __future__ import annotations

import logging
import re

import pytest

from configuration.errors import (
    JiraAuthError,
    JiraBadResponse,
    JiraEndpointRemoved,
    JiraError,
    JiraNotFound,
    JiraQueryError,
    JiraUnavailable,
)
from data.simulator.server import JiraSimulator
from tests.data.jira.conftest import JQL, TOKEN, MakeClient
from tests.data.jira.fakes import FakeClock
from tests.data.jira.scripted_server import Reply, ScriptedServer

FIELDS = ["summary", "status"]


def test_bad_jql_shows_jiras_own_text_and_is_not_retried(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    client = make_client(cloud_sim.url)
    with pytest.raises(JiraQueryError) as err:
        client.search("foo = bar", FIELDS)
    assert str(err.value) == (
        "JIRA rejected the query: Field 'foo' does not exist or you do not have "
        "permission to view it."
    )
    assert err.value.status == 400
    assert client.requests_made == 1
    assert clock.sleeps == []


def test_bad_jql_on_datacenter(dc_sim: JiraSimulator, make_client: MakeClient) -> None:
    with pytest.raises(JiraQueryError, match=r"JIRA rejected the query: .*'foo'"):
        make_client(dc_sim.url, "datacenter").validate_jql("foo = bar")


def test_wrong_token_is_an_auth_error_naming_the_auth_kind_not_the_token(
    cloud_sim: JiraSimulator, make_client: MakeClient
) -> None:
    wrong = "wrong-token-0123456789"
    with pytest.raises(JiraAuthError) as err:
        make_client(cloud_sim.url, token=wrong).search(JQL, FIELDS)
    message = str(err.value)
    assert "rejected the credentials (basic auth as demo@example.com)" in message
    assert wrong not in message
    assert err.value.status == 401


def test_403_says_permissions(make_client: MakeClient) -> None:
    body = {"errorMessages": ["You do not have the permission to see the specified issue."]}
    expected = (r"refused access \(basic auth as .*\): the account lacks permission.*"
                r"do not have the permission")
    with ScriptedServer([Reply(403, body)]) as server, \
            pytest.raises(JiraAuthError, match=expected) as err:
        make_client(server.url).myself()
    assert err.value.status == 403


def test_404_names_the_url(cloud_sim: JiraSimulator, make_client: MakeClient) -> None:
    base = f"{cloud_sim.url}/jira"  # a context path that does not exist
    with pytest.raises(JiraNotFound) as err:
        make_client(base).myself()
    assert f"{base}/rest/api/3/myself" in str(err.value)
    assert "jira.url" in str(err.value)


def test_410_says_the_flavor_is_probably_wrong(
    cloud_sim: JiraSimulator, make_client: MakeClient
) -> None:
    with pytest.raises(JiraEndpointRemoved, match=r"410 Gone.*jira\.flavor.*'datacenter'"):
        make_client(cloud_sim.url, "datacenter").search(JQL, FIELDS)


def test_html_instead_of_json_is_a_bad_response(
    cloud_sim: JiraSimulator, make_client: MakeClient
) -> None:
    cloud_sim.serve_html_next(1, status=200)
    with pytest.raises(JiraBadResponse, match=r"HTTP 200 with text/html instead of JSON.*proxy"):
        make_client(cloud_sim.url).myself()


def test_other_4xx_is_a_jira_error_with_the_status(make_client: MakeClient) -> None:
    with ScriptedServer([Reply(405, {"errorMessages": ["Method not allowed"]})]) as server, \
            pytest.raises(JiraError, match=r"answered HTTP 405\. JIRA said: Method not allowed"):
        make_client(server.url).myself()


def test_logs_carry_request_details_and_never_the_token(
    cloud_sim: JiraSimulator, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="data.jira")
    cloud_sim.fail_next(1, 503, retry_after=1)
    client = make_client(cloud_sim.url)
    client.search(JQL, FIELDS)
    with pytest.raises(JiraAuthError):
        make_client(cloud_sim.url, token=TOKEN + "x").myself()
    text = caplog.text
    assert TOKEN not in text
    assert TOKEN not in repr(client)
    count = re.escape(f"JIRA POST {cloud_sim.url}/rest/api/3/search/approximate-count")
    assert re.search(count + r" -> 503 in \d+ ms, \d+ bytes, retry 0", text)
    assert re.search(count + r" -> 200 in \d+ ms, \d+ bytes, retry 1", text)
    assert re.search(r"/rest/api/3/search/jql -> 200 in \d+ ms, [1-9]\d+ bytes, retry 0", text)
    assert re.search(r"/rest/api/3/myself -> 401 in \d+ ms", text)
    assert re.search(r"JIRA search took \d+\.\d+ s, 233 items", text)


def test_tls_failure_is_not_retried(
    cloud_sim: JiraSimulator, make_client: MakeClient, clock: FakeClock
) -> None:
    tls_url = cloud_sim.url.replace("http://", "https://")  # TLS against plain HTTP
    with pytest.raises(JiraUnavailable, match=r"TLS handshake failed \(\[SSL") as err:
        make_client(tls_url).myself()
    assert "jira.url" in str(err.value)
    assert clock.sleeps == []


def test_500_is_unavailable_and_not_retried(make_client: MakeClient, clock: FakeClock) -> None:
    body = {"errorMessages": ["Internal server error"]}
    with ScriptedServer([Reply(500, body)]) as server, \
            pytest.raises(JiraUnavailable, match=r"failed with HTTP 500\. JIRA said: Internal"):
        make_client(server.url).myself()
    assert clock.sleeps == []


def test_a_search_answer_not_shaped_like_issues_is_a_bad_response(
    make_client: MakeClient,
) -> None:
    # the count, then a page whose issue has no key: decoded typed, it cannot pass
    replies = [Reply(200, {"count": 1}),
               Reply(200, {"issues": [{"id": "1", "fields": {}}], "isLast": True})]
    with ScriptedServer(replies) as server, \
            pytest.raises(JiraBadResponse, match=r"not shaped as expected.*`key`"):
        make_client(server.url).search(JQL, FIELDS)
