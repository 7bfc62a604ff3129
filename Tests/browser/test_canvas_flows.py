"""Issue #13's Canvas connection as its people use it: an admin opens the Canvas page of the demo (which
started the Canvas double and synced), reads the findings by severity, syncs again, and starts an
integration from a tool nobody reviewed; a reviewer reads but cannot sync; procurement finds the same in
the hygiene report; an operator runs `canvas check` and `canvas sync --json` from the command line."""
import json
import os
import subprocess
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BINARY, ROOT, run_cli
from test_admin_flows import click_and_leave, screenshot, sign_in


def test_admin_reads_the_canvas_findings_syncs_and_starts_an_integration(demo_server, browser):
    wait = WebDriverWait(browser, 20)
    sign_in(browser, demo_server, "admin@northfield.example")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Canvas"))
    critical = wait.until(EC.presence_of_element_located((By.ID, "canvas-findings-critical")))
    assert "Reporting script (unknown owner)" in critical.text and "Key on without a release" in critical.text
    high = browser.find_element(By.ID, "canvas-findings-high").text
    assert "FlashDeck Study Cards" in high and "Canvas Studio" in high
    assert browser.find_element(By.ID, "canvas-outcome").text == "Complete"
    assert "Read" in browser.find_element(By.ID, "canvas-parts").text
    screenshot(browser, "canvas-findings")

    click_and_leave(browser, browser.find_element(By.ID, "canvas-sync-now"))
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main .alert.info"), "Canvas synced:"))
    assert "no changes" in browser.find_element(By.ID, "canvas-difference").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#canvas-history tbody tr")) == 2

    # Start an integration from the tool nobody reviewed: the vendor's form comes back filled in.
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr.finding.tool_unreviewed") if "FlashDeck" in r.text)
    Select(row.find_element(By.NAME, "vendorID")).select_by_visible_text("Quillstone Learning")
    click_and_leave(browser, row.find_element(By.CSS_SELECTOR, "form.start-integration button"))
    name = wait.until(EC.presence_of_element_located((By.ID, "name")))
    assert name.get_attribute("value") == "FlashDeck Study Cards"
    browser.find_element(By.ID, "purpose").send_keys("Flash cards found installed in Business Graduate Programs; review before it stays.")
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "FlashDeck Study Cards"))


def test_a_reviewer_reads_canvas_and_procurement_reads_the_hygiene_report(demo_server, browser):
    wait = WebDriverWait(browser, 20)
    sign_in(browser, demo_server, "reviewer@northfield.example", "/canvas")
    wait.until(EC.presence_of_element_located((By.ID, "canvas-findings-critical")))
    assert not browser.find_elements(By.ID, "canvas-sync-now"), "reviewers do not run syncs"
    assert not browser.find_elements(By.CSS_SELECTOR, "form.start-integration")
    browser.delete_all_cookies()

    sign_in(browser, demo_server, "procurement@northfield.example")
    browser.get(demo_server.url + "/reports/hygiene")  # reports have their own printable layout
    table = wait.until(EC.presence_of_element_located((By.ID, "canvas-hygiene")))
    assert "Reporting script (unknown owner)" in table.text and "Critical" in table.text


def start_double(tmp_path, scenario=None):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario) if scenario else (ROOT / "data" / "canvas-double" / "demo.json").read_text())
    process = subprocess.Popen([str(BINARY), "canvas-double", "--scenario", str(path), "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("canvas-double listening on "), line
    return process, line.split()[-1]


def test_an_operator_checks_and_syncs_from_the_command_line(sqlite_url, tmp_path):
    unconfigured = run_cli(["canvas", "check"], sqlite_url)
    assert unconfigured.returncode == 1 and "No Canvas is connected" in unconfigured.stderr

    double, url = start_double(tmp_path)
    try:
        token_file = tmp_path / "token"
        token_file.write_text("demo-canvas-admin-token\n")
        env = {"CANVAS_URL": url, "CANVAS_TOKEN_FILE": str(token_file), "CANVAS_DELAY_SCALE": "0.01"}
        os.environ.update(env)
        try:
            check = run_cli(["canvas", "check"], sqlite_url)
            assert check.returncode == 0, check.stderr
            assert "Northfield University" in check.stdout and "can read  LTI registrations" in check.stdout

            synced = run_cli(["canvas", "sync", "--json"], sqlite_url)
            assert synced.returncode == 0, synced.stderr
            body = json.loads(synced.stdout)
            assert body["sync"]["outcome"] == "complete"
            kinds = {f["kind"] for f in body["findings"]}
            assert {"key_on_without_release", "inherited_key_unreviewed", "tool_unreviewed", "key_idle"} <= kinds
            assert all({"kind", "severity", "canvasSays", "approved", "fix"} <= set(f) for f in body["findings"])
            assert "Reading developer keys" in synced.stderr, "progress goes to stderr"

            token_file.write_text("a-revoked-token-value\n")
            refused = run_cli(["canvas", "sync"], sqlite_url)
            assert refused.returncode == 1
            assert "refused the token" in refused.stderr
            assert "a-revoked-token-value" not in refused.stderr + refused.stdout
            assert "Traceback" not in refused.stderr and "Fatal error" not in refused.stderr

            os.environ["CANVAS_URL"] = "http://canvas.example.edu"
            insecure = run_cli(["canvas", "check"], sqlite_url)
            assert insecure.returncode == 1 and "CANVAS_URL" in insecure.stderr and "https" in insecure.stderr
        finally:
            for name in env:
                os.environ.pop(name, None)
    finally:
        double.terminate()
        double.wait(timeout=10)


def test_serve_syncs_on_its_timer(sqlite_url, tmp_path):
    """The scheduled sync runs while the server serves (and stops with it)."""
    from conftest import Server
    import requests
    double, url = start_double(tmp_path)
    token_file = tmp_path / "token"
    token_file.write_text("demo-canvas-admin-token\n")
    server = Server(sqlite_url, demo=False, env={"CANVAS_URL": url, "CANVAS_TOKEN_FILE": str(token_file), "CANVAS_SYNC_INTERVAL_MINUTES": "60",
                                                 "CANVAS_DELAY_SCALE": "0.01"})
    try:
        created = run_cli(["user", "create", "--email", "ops@northfield.example", "--name", "Ops", "--role", "auditor"], sqlite_url,
                          stdin="a long enough passphrase\n")
        assert created.returncode == 0, created.stderr
        token = run_cli(["token", "create", "--email", "ops@northfield.example", "--purpose", "watch syncs", "--expires-in-days", "1"],
                        sqlite_url, check=True).stdout.strip()
        deadline = time.monotonic() + 60
        syncs = []
        while time.monotonic() < deadline and not syncs:
            syncs = requests.get(server.url + "/api/v1/canvas/syncs", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
            time.sleep(0.5)
        assert syncs and syncs[0]["startedBy"] == "scheduled Canvas sync" and syncs[0]["outcome"] == "complete", server.output()
    finally:
        server.close()
        double.terminate()
        double.wait(timeout=10)
