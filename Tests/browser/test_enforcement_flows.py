"""Issue #14 in Chromium, with CANVAS_ENFORCE=on against the Canvas test double running as its own process:
an admin walks Quillstone Reader from a failing gate to its key switched on in Canvas (a key that differs
from the approval is refused first, naming the difference), and when the contract is ended the policy
proposes switching the key off and the admin does it with one click from the dashboard."""
import email
import email.policy
import os
import pathlib
import subprocess
import time

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import BINARY, ROOT, Server, run_cli
from test_admin_flows import click_and_leave, screenshot, sign_in, wait
from test_canvas_flows import start_double
from test_release_flow import latest_code, walk_to_a_met_gate

CANVAS_TOKEN = "demo-canvas-admin-token"


def canvas(url, method, path, **kwargs):
    """A call to the double as an admin in Canvas makes it (with the double's admin token)."""
    return requests.request(method, url + path, headers={"Authorization": f"Bearer {CANVAS_TOKEN}"}, timeout=10, **kwargs)


def binding(url, key_id):
    keys = canvas(url, "GET", "/api/v1/accounts/self/developer_keys", params={"per_page": 100}).json()
    key = next(k for k in keys if str(k["id"]) == key_id)
    return key["developer_key_account_binding"]["workflow_state"]


def changes(url):
    """The changes VendorReview made in the double (the test's own key creation left out)."""
    return [c for c in canvas(url, "GET", "/__double/writes").json() if not c["path"].endswith("/developer_keys")]


@pytest.fixture
def enforcing_server(sqlite_url, tmp_path):
    double, url = start_double(tmp_path)
    token_file = tmp_path / "canvas-token"
    token_file.write_text(CANVAS_TOKEN + "\n")
    server = Server(sqlite_url, demo=True, env={"CANVAS_URL": url, "CANVAS_TOKEN_FILE": str(token_file), "CANVAS_ENFORCE": "on",
                                                "CANVAS_DELAY_SCALE": "0.01"})
    yield server, url
    server.close()
    double.terminate()
    double.wait(timeout=10)


def test_a_release_switches_its_key_on_and_an_ended_contract_switches_it_off(enforcing_server, browser, sqlite_url, tmp_path):
    server, double = enforcing_server
    integration_url, integration_id = walk_to_a_met_gate(server, browser, sqlite_url, tmp_path)
    click_and_leave(browser, browser.find_element(By.ID, "request-release"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "confirm-release")))
    release_url = browser.current_url
    assert "switches it on in Canvas" in browser.find_element(By.CSS_SELECTOR, "label[for=canvasKeyID]").text
    scopes = [line for line in browser.find_element(By.ID, "scopes").text.splitlines() if line.strip()]
    assert "url:GET|/api/v1/courses/:course_id/modules" in scopes

    # In Canvas, the admin creates the key with the approved scopes and leaves it off.
    form = [("developer_key[name]", "Quillstone Reader"), ("developer_key[email]", "security@quillstone.example"),
            ("developer_key[require_scopes]", "true"), ("developer_key[allow_includes]", "false")]
    created = canvas(double, "POST", "/api/v1/accounts/self/developer_keys", data=form + [("developer_key[scopes][]", s) for s in scopes])
    assert created.status_code == 200, created.text
    key_id = str(created.json()["id"])
    assert binding(double, key_id) == "off"

    # The wrong key (the attendance key, other scopes) is refused with the differences named; nothing is written.
    browser.find_element(By.ID, "code").send_keys(latest_code(server.outbox))
    browser.find_element(By.ID, "canvasKeyID").send_keys("170000000000101")
    click_and_leave(browser, browser.find_element(By.ID, "confirm-release"))
    refused = wait(browser).until(EC.presence_of_element_located((By.ID, "canvasKeyID-error"))).text
    assert "not what was approved" in refused and "scopes not approved" in refused and "nothing was released" in refused
    assert browser.find_element(By.ID, "release-state").text == "Pending confirmation"
    assert changes(double) == []
    screenshot(browser, "release-refused-key-differs")

    # The right key: confirmed, switched on in Canvas, read back, and only then released.
    browser.find_element(By.ID, "code").clear()
    browser.find_element(By.ID, "code").send_keys(latest_code(server.outbox))
    browser.find_element(By.ID, "canvasKeyID").clear()
    browser.find_element(By.ID, "canvasKeyID").send_keys(key_id)
    click_and_leave(browser, browser.find_element(By.ID, "confirm-release"))
    assert wait(browser).until(EC.presence_of_element_located((By.ID, "release-state"))).text == "Released (on)"
    assert browser.find_element(By.ID, "canvas-key-id").text == key_id
    assert binding(double, key_id) == "on"
    sent = changes(double)
    assert [(c["method"], c["path"], c["status"]) for c in sent] == [
        ("POST", f"/api/v1/accounts/self/developer_keys/{key_id}/developer_key_account_bindings", 200)], sent
    assert "workflow_state%5D=on" in sent[0]["body"]
    screenshot(browser, "release-switched-key-on")

    # The contract ends: the gate lapses when it is saved.
    browser.get(server.url + "/contracts")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Master services agreement 2025–2028"))
    click_and_leave(browser, browser.find_element(By.ID, "edit-contract"))
    ends = browser.find_element(By.ID, "endsOn")
    browser.execute_script("arguments[0].value = '2026-11-30'", ends)
    click_and_leave(browser, browser.find_element(By.XPATH, "//main//button[text()='Save']"))
    browser.get(integration_url)
    assert browser.find_elements(By.CSS_SELECTOR, ".gate-lapsed"), "the released key's gate shows as no longer met"

    # The next sync proposes the switch-off (the default policy), and the dashboard offers it in one click.
    browser.get(server.url + "/canvas")
    click_and_leave(browser, browser.find_element(By.ID, "canvas-sync-now"))
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main .alert.info"), "Canvas synced:"))
    assert binding(double, key_id) == "on", "propose does not switch anything off by itself"
    def told():
        mailed = [email.message_from_bytes(m.read_bytes(), policy=email.policy.default) for m in pathlib.Path(server.outbox).glob("*.eml")]
        return any(m["Subject"] == f"Canvas key {key_id} should not be on" and "admin@northfield.example" in m["To"]
                   and "One click on the dashboard" in m.get_content() and m.get_content().rstrip().endswith(server.url + "/")
                   for m in mailed)
    deadline = time.monotonic() + 15
    while not told() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert told(), "the owner and admins are told, with the dashboard's address (delivered by the outbox worker)"
    browser.get(server.url + "/")
    rows = [row for row in browser.find_elements(By.CSS_SELECTOR, "tr.write.proposed") if key_id in row.text]
    assert len(rows) == 1, [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.write")]
    assert "issuance gate is no longer met" in rows[0].text
    screenshot(browser, "dashboard-proposed-switch-off")
    write_id = rows[0].get_attribute("id")
    click_and_leave(browser, rows[0].find_element(By.XPATH, ".//button[text()='Switch off in Canvas']"))
    flash = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main .alert.info"))).text
    assert "done" in flash, flash
    assert binding(double, key_id) == "off"
    assert [c["body"] for c in changes(double)][-1].endswith("workflow_state%5D=off")
    browser.get(server.url + "/canvas")
    assert "Done" in browser.find_element(By.ID, write_id).text

    # The audit trail tells the whole story: switch-on recorded, started, done; switch-off proposed, started, done.
    browser.get(server.url + "/audit?entityType=canvas_write")
    trail = browser.find_element(By.CSS_SELECTOR, "main table tbody").text
    for action in ["canvas_write_recorded", "canvas_write_proposed", "canvas_write_started", "canvas_write_done"]:
        assert action in trail, (action, trail)
    assert trail.count("canvas_write_done") == 2 and "canvas_write_failed" not in trail


def test_the_demo_enforces_against_its_own_canvas_and_serve_refuses_enforcement_without_one(sqlite_url, tmp_path):
    """`CANVAS_ENFORCE=on vendor-review serve --demo`: the newcomer's way to try enforcement; `serve`
    without a Canvas refuses CANVAS_ENFORCE=on, naming what is missing."""
    refused = subprocess.run([str(BINARY), "serve", "--port", "0"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                             env=dict(os.environ, DATABASE_URL=f"sqlite://{tmp_path / 'refused.sqlite'}", CANVAS_ENFORCE="on", LOG_LEVEL="warning"))
    assert refused.returncode != 0 and "CANVAS_ENFORCE=on needs a Canvas" in refused.stderr + refused.stdout
    assert "Fatal error" not in refused.stderr
    bad = subprocess.run([str(BINARY), "serve"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env=dict(os.environ, DATABASE_URL=f"sqlite://{tmp_path / 'bad.sqlite'}", CANVAS_ENFORCE="yes please"))
    assert bad.returncode != 0 and "CANVAS_ENFORCE" in bad.stderr + bad.stdout and "yes please" not in bad.stderr + bad.stdout

    server = Server(sqlite_url, demo=True, env={"CANVAS_ENFORCE": "on"})
    try:
        token = run_cli(["token", "create", "--email", "admin@northfield.example", "--purpose", "demo check", "--expires-in-days", "1"],
                        sqlite_url, check=True).stdout.strip()
        writes = requests.get(server.url + "/api/v1/canvas/writes", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        assert writes["enforcing"] is True
        # The demo's first sync proposed switching off the keys that are on without a release; nothing was switched.
        proposed = {w["objectID"] for w in writes["writes"] if w["state"] == "proposed" and w["action"] == "key_off"}
        assert "170000000000555" in proposed, writes
        assert all(w["state"] == "proposed" for w in writes["writes"])
    finally:
        server.close()
