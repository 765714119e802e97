"""Access control in headless Chromium (issue 11 items 2, 3, 9): roles, rebinding, CSP.

*Roles*: a viewer logged in through HTTP basic sees Settings read-only, and the
Save callback posted straight from their browser is refused. *DNS rebinding*: a
second Chromium resolves ``attacker.example`` to 127.0.0.1 (``--host-resolver-rules``,
no DNS involved), so a page of that name can reach the dashboard's port as a
rebinding attack would. *CSP*: every page draws its charts under the policy with no
violation reported.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.integration.conftest import CHROMIUM, CHROMIUM_ARGS, serve
from tests.integration.pages import open_page, wait_for_graphs
from tests.ui.sample import DORA_CHARTS, FLOW_CHARTS, FORECAST_CHARTS
from ui import ids

pytestmark = pytest.mark.browser

ADMIN, VIEWER = ("alice", "s3cret-a"), ("bob", "s3cret-b")  # test values
USERS = f"{ADMIN[0]}:{ADMIN[1]}:admin,{VIEWER[0]}:{VIEWER[1]}"
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
POST_SAVE = """async () => {
    const deps = await (await fetch('/_dash-dependencies')).json();
    const save = deps.find(d => d.output.includes('settings-save-result'));
    const body = {output: save.output, outputs: [],
                  inputs: save.inputs.map(i => ({...i, value: 1})),
                  state: save.state.map(s => ({...s, value: 'http://127.0.0.1:9/'})),
                  changedPropIds: [save.inputs[0].id + '.' + save.inputs[0].property]};
    const answer = await fetch('/_dash-update-component', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
    return [answer.status, await answer.text()];
}"""


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("roles"), env={"DASH_USERS": USERS}) as server:
        yield server


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("local")) as server:
        yield server


def test_a_viewer_sees_settings_read_only_and_cannot_save(browser, team_server, tmp_path):
    watched = open_page(browser, login=VIEWER)
    page = watched.page
    page.goto(team_server.url + "/")
    wait_for_graphs(page, DORA_CHARTS)  # a viewer sees the pages
    page.click(f"#{ids.NAV_SETTINGS}")
    note = page.wait_for_selector(f"#{ids.SETTINGS_READ_ONLY_NOTE}")
    assert note.inner_text() == ("You are signed in as bob, a viewer: only an admin can "
                                 "change these settings, so they are shown read-only.")
    for key in ("jira.url", "jira.email", "jira.token", "jira.jql", "period_days"):
        assert page.is_disabled(f"#{ids.SETTINGS_INPUTS[key]}"), key
    for button in (ids.SETTINGS_SAVE_BUTTON, ids.SETTINGS_TEST_BUTTON,
                   ids.SETTINGS_VALIDATE_BUTTON, ids.SETTINGS_LOAD_BUTTON):
        assert page.query_selector(f"#{button}") is None, button
    assert page.is_enabled(f"#{ids.REFRESH_BUTTON}")  # Refresh stays open to viewers
    watched.shot(tmp_path, "viewer-settings")
    # The page itself called nothing a viewer may not (no 403, no other error).
    assert watched.errors == []
    assert not [r.url for r in watched.responses if r.status >= 400]
    status, text = page.evaluate(POST_SAVE)  # the Save callback, straight from the browser
    assert status == 403
    assert "Only an admin" in text
    assert not team_server.settings_path.exists()
    page.close()


def test_an_admin_gets_the_whole_form_and_every_page_passes_the_csp(browser, team_server):
    watched = open_page(browser, login=ADMIN)
    page = watched.page
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    answer = page.goto(team_server.url + "/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy
    assert answer.headers["x-frame-options"] == "DENY"
    wait_for_graphs(page, DORA_CHARTS)
    for nav, graphs in ((ids.NAV_FLOW, FLOW_CHARTS), (ids.NAV_FORECAST, FORECAST_CHARTS)):
        page.click(f"#{nav}")
        wait_for_graphs(page, graphs)
    page.click(f"#{ids.NAV_SETTINGS}")
    page.wait_for_selector(f"#{ids.SETTINGS_SAVE_BUTTON}")
    assert page.is_enabled(f"#{ids.SETTINGS_INPUTS['jira.url']}")
    assert page.query_selector(f"#{ids.SETTINGS_READ_ONLY_NOTE}") is None
    assert page.evaluate("window.__cspViolations") == []
    assert watched.errors == []
    page.close()


ATTACK = """<!doctype html><title>cat pictures</title><script>
window.attack = (target) => fetch(target + '/_dash-update-component', {method: 'POST',
    mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
    body: JSON.stringify({output: 'settings-save-result.children', inputs: [], state: []})})
    .then(() => 'sent', e => 'failed: ' + e);
</script>"""


@contextmanager
def attacker_site() -> Iterator[int]:
    """A page of another site, on its own 127.0.0.1 port."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = ATTACK.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_rebound_name_and_a_foreign_page_are_refused(browser, local_server):
    port = local_server.url.rsplit(":", 1)[1]
    rebinder = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP attacker.example 127.0.0.1"])
    try:
        page = rebinder.new_page()
        answer = page.goto(f"http://attacker.example:{port}/")
        assert answer.status == 400
        assert "does not answer to that host name" in page.inner_text("body")
        with attacker_site() as attacker_port:
            page.goto(f"http://attacker.example:{attacker_port}/")
            assert page.evaluate(f"attack('{local_server.url}')") == "sent"
    finally:
        rebinder.close()
    log = re.sub(r"\x1b\[[0-9;]*m", "", local_server.log_path.read_text())  # no colours
    assert '"POST /_dash-update-component HTTP/1.1" 403' in log
    assert (f"Refused a POST from the foreign origin 'http://attacker.example:{attacker_port}'"
            in log)
    assert not local_server.settings_path.exists()
