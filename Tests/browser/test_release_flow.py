"""An integration walked from a failing issuance gate to a released developer key, confirmed with the
code read from the mail outbox, in real Chromium."""
import email
import email.policy
import pathlib
import re
import time

import requests
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import ROOT, run_cli
from test_admin_flows import click_and_leave, screenshot, sign_in, wait


def api_token(server_db, email_address):
    result = run_cli(["token", "create", "--email", email_address, "--purpose", "Release flow test", "--expires-in-days", "1"], server_db)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def answers_for(path):
    """Answers every typed question with the expected value (or the first allowed one)."""
    definition = yaml.safe_load(pathlib.Path(path).read_text())
    answers = {}
    for section in definition["sections"]:
        for question in section["questions"]:
            kind = question["type"]
            if kind == "file_evidence":
                continue
            if kind == "date":
                value = "2026-09-01"
            elif kind == "text":
                value = "Documented in our security whitepaper, section 3."
            else:
                expected = question.get("expected")
                expected = expected if isinstance(expected, list) else [expected] if expected is not None else []
                options = question.get("options") or ["yes", "no", "not_applicable"]
                value = str(expected[0]).lower() if expected else options[0]
                if value in ("true", "false"):
                    value = "yes" if value == "true" else "no"
            answers[question["id"]] = [value]
    return definition["id"], answers


def latest_code(outbox, timeout=15):
    """The newest confirmation code delivered to the file outbox. Mail leaves through the app's outbox
    worker, a moment after the page that queued it answered, so this waits for it."""
    deadline = time.monotonic() + timeout
    while True:
        messages = sorted(pathlib.Path(outbox).glob("*.eml"), key=lambda p: p.stat().st_mtime)
        for path in reversed(messages):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["Subject"] == "Your VendorReview confirmation code":
                return re.search(r"^\s+(\d{6})\s*$", message.get_content(), re.M).group(1)
        if time.monotonic() > deadline:
            raise AssertionError("no confirmation code in the outbox")
        time.sleep(0.1)


def walk_to_a_met_gate(demo_server, browser, sqlite_url, tmp_path):
    """Quillstone Reader from a failing gate to a met one: the admin sees what is missing, the vendor's
    answers arrive through the API, the admin attaches the ACR, a reviewer accepts the whitelist and approves
    the accessibility review. Ends signed in as the admin on the integration page."""
    sign_in(browser, demo_server, "admin@northfield.example", "/integrations")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Quillstone Reader"))
    integration_url = browser.current_url
    integration_id = integration_url.rstrip("/").split("/")[-1]
    assert "no key can be released yet" in browser.find_element(By.ID, "gate-summary").text
    click_and_leave(browser, browser.find_element(By.ID, "request-release"))
    error = wait(browser).until(EC.presence_of_element_located((By.ID, "release-error")))
    assert "The issuance gate is not met" in error.text
    unmet = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#gate-items tr.gate-unmet")]
    assert any("Endpoint whitelist" in row for row in unmet) and any("Approved accessibility review" in row for row in unmet)
    screenshot(browser, "gate-unmet")

    # The vendor's questionnaires, answered through the API.
    admin = {"Authorization": "Bearer " + api_token(sqlite_url, "admin@northfield.example")}
    for name in ["ferpa", "coppa", "key_handling", "ai_use", "accessibility"]:
        qid, answers = answers_for(ROOT / "data" / "questionnaires" / f"{name}.yaml")
        response = requests.put(f"{demo_server.url}/api/v1/integrations/{integration_id}/questionnaires/{qid}", json={"answers": answers},
                                headers=admin, timeout=10)
        assert response.status_code == 200, response.text

    # The admin attaches the ACR the accessibility questionnaire asks for.
    browser.get(f"{integration_url}/questionnaires/accessibility")
    acr = tmp_path / "Quillstone ACR 2026.pdf"
    acr.write_bytes(b"%PDF-1.4\n% ACR\n")
    browser.find_element(By.ID, "q-VR-A11Y-04-file").send_keys(str(acr))
    click_and_leave(browser, browser.find_element(By.ID, "q-VR-A11Y-04-upload"))
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "progress"), "100% complete"))

    # A reviewer accepts the whitelist in the browser and records the accessibility review through the API.
    browser.delete_all_cookies()
    sign_in(browser, demo_server, "reviewer@northfield.example", f"/integrations/{integration_id}/whitelist")
    click_and_leave(browser, browser.find_element(By.ID, "accept-whitelist"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "whitelist-accepted")))
    reviewer = {"Authorization": "Bearer " + api_token(sqlite_url, "reviewer@northfield.example")}
    me = requests.get(f"{demo_server.url}/api/v1/me", headers=reviewer, timeout=10).json()
    review = requests.post(f"{demo_server.url}/api/v1/integrations/{integration_id}/reviews", headers=reviewer, timeout=10,
                           json={"kind": "accessibility", "reviewerID": me["id"], "scope": "Student-facing reading pages"}).json()
    outcomes = {area: "supports" for area in ["perceivable", "operable", "understandable", "robust", "functional_performance", "software", "documentation"]}
    patched = requests.patch(f"{demo_server.url}/api/v1/reviews/{review['id']}", headers=reviewer, json={"outcomes": outcomes, "version": 1}, timeout=10)
    assert patched.status_code == 200, patched.text
    decided = requests.post(f"{demo_server.url}/api/v1/reviews/{review['id']}/decision", headers=reviewer, json={"decision": "approve", "version": 2}, timeout=10)
    assert decided.status_code == 200, decided.text

    # Back to the admin: the gate is met, and the release is confirmed with the e-mailed code.
    browser.delete_all_cookies()
    sign_in(browser, demo_server, "admin@northfield.example", f"/integrations/{integration_id}")
    summary = browser.find_element(By.ID, "gate-summary").text
    assert "Every item is met" in summary, [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#gate-items tr.gate-unmet")]
    return integration_url, integration_id


def test_an_integration_goes_from_a_failing_gate_to_a_released_key(demo_server, browser, sqlite_url, tmp_path):
    walk_to_a_met_gate(demo_server, browser, sqlite_url, tmp_path)
    click_and_leave(browser, browser.find_element(By.ID, "request-release"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "confirm-release")))
    assert "Pending" in browser.find_element(By.ID, "release-state").text
    browser.find_element(By.ID, "code").send_keys("000000" if latest_code(demo_server.outbox) != "000000" else "111111")
    browser.find_element(By.ID, "canvasKeyID").send_keys("170000000000042")
    click_and_leave(browser, browser.find_element(By.ID, "confirm-release"))
    assert wait(browser).until(EC.presence_of_element_located((By.ID, "code-error"))).text == "That code did not work."
    browser.find_element(By.ID, "code").send_keys(latest_code(demo_server.outbox))
    browser.find_element(By.ID, "canvasKeyID").clear()
    browser.find_element(By.ID, "canvasKeyID").send_keys("170000000000042")
    click_and_leave(browser, browser.find_element(By.ID, "confirm-release"))
    state = wait(browser).until(EC.presence_of_element_located((By.ID, "release-state")))
    assert state.text == "Released (on)"
    assert browser.find_element(By.ID, "canvas-key-id").text == "170000000000042"
    assert "url:GET|/api/v1/courses/:course_id/modules" in browser.find_element(By.ID, "scopes").text
    screenshot(browser, "key-released")
