"""Vendor answer links, reviewer marks and security reviews in real Chromium; mail through a real
SMTP server (aiosmtpd) on loopback, with AUTH, and with STARTTLS against a self-signed certificate."""
import email
import email.policy
import re
import ssl
import subprocess
import time

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import Server, free_port
from test_admin_flows import click_and_leave, screenshot, sign_in, wait


class Mailbox:
    """Collects what the SMTP server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message, session.authenticated))
        return "250 OK"

    def wait_for(self, predicate, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.messages:
                if predicate(entry[1]):
                    return entry
            time.sleep(0.1)
        raise AssertionError(f"no matching message among {[m[1]['Subject'] for m in self.messages]}")


def authenticator(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == b"vr" and auth_data.password == b"s3cret:pw")


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False)
    controller.start()
    yield mailbox, controller.port
    controller.stop()


def body(message):
    return message.get_content()


def test_a_vendor_answers_through_a_link_with_an_upload(sqlite_url, smtp, browser, tmp_path):
    mailbox, port = smtp
    server = Server(sqlite_url, demo=True, env={"SMTP_URL": f"smtp://vr:s3cret%3Apw@127.0.0.1:{port}"})
    try:
        sign_in(browser, server, "admin@northfield.example", "/integrations")
        click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Quillstone Reader"))
        browser.find_element(By.XPATH, "//summary[contains(., 'answer link')]").click()
        browser.find_element(By.ID, "contactName").send_keys("Vera Vendor")
        browser.find_element(By.ID, "contactEmail").send_keys("vera@quillstone.example")
        click_and_leave(browser, browser.find_element(By.ID, "create-link"))
        link = wait(browser).until(EC.presence_of_element_located((By.ID, "new-link-url"))).text
        assert link.startswith(server.url + "/respond/vl_")
        _, invitation, authenticated = mailbox.wait_for(lambda m: "vera@quillstone.example" in m["To"])
        assert authenticated, "the app signed in to the SMTP server"
        assert link in body(invitation)

        # The vendor has no account: a fresh browser session with only the link.
        browser.delete_all_cookies()
        browser.get(link)
        wait(browser).until(EC.presence_of_element_located((By.ID, "submit-answers")))
        assert "Sign out" not in browser.page_source
        click_and_leave(browser, browser.find_element(By.XPATH, "//tr[contains(., 'Accessibility')]//a"))
        browser.find_element(By.CSS_SELECTOR, "input[name='q.VR-A11Y-01'][value='yes']").click()
        browser.find_element(By.CSS_SELECTOR, "input[name='q.VR-A11Y-02'][value='vpat_2_5_wcag']").click()
        browser.find_element(By.ID, "q-VR-A11Y-03").send_keys("03012026")
        browser.find_element(By.CSS_SELECTOR, "input[name='q.VR-A11Y-05'][value='fully']").click()
        browser.find_element(By.ID, "q-VR-A11Y-08").send_keys("Ada Access <a11y@quillstone.example>")
        click_and_leave(browser, browser.find_element(By.ID, "save-answers"))
        wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert.info"), "Saved your answers"))

        click_and_leave(browser, browser.find_element(By.XPATH, "//tr[contains(., 'Accessibility')]//a"))
        acr = tmp_path / "Quillstone ACR.pdf"
        acr.write_bytes(b"%PDF-1.4\n% VPAT 2.5 WCAG edition\n")
        browser.find_element(By.ID, "q-VR-A11Y-04-file").send_keys(str(acr))
        click_and_leave(browser, browser.find_element(By.ID, "q-VR-A11Y-04-upload"))
        wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert.info"), "Attached “Quillstone ACR.pdf”"))
        assert "100% complete" in browser.find_element(By.ID, "progress").text
        screenshot(browser, "vendor-answers")
        click_and_leave(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "All questionnaires"))
        click_and_leave(browser, browser.find_element(By.ID, "submit-answers"))
        wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".alert.info"), "Your answers were submitted"))
        _, notice, _ = mailbox.wait_for(lambda m: "submitted answers" in m["Subject"])
        assert "admin@northfield.example" in notice["To"], "the integration's owner is told"

        # Staff see the answers as the vendor's, with the evidence.
        sign_in(browser, server, "auditor@northfield.example", "/integrations")
        click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Quillstone Reader"))
        click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Accessibility — WCAG 2.1 AA and VPAT"))
        question = browser.find_element(By.ID, "question-VR-A11Y-04")
        assert "Quillstone ACR.pdf" in question.text and "from vendor" in question.text
    finally:
        server.close()


def test_a_reviewer_marks_answers_and_decides_a_security_review_with_a_finding(demo_server, browser):
    sign_in(browser, demo_server, "reviewer@northfield.example", "/integrations")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Quillstone Reader"))
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "FERPA — education records"))
    question = browser.find_element(By.ID, "question-VR-FERPA-02")
    assert "from vendor" in question.text
    Select(browser.find_element(By.ID, "mark-VR-FERPA-02")).select_by_value("accepted")
    browser.find_element(By.ID, "comment-VR-FERPA-02").send_keys("Matches §4.1 of the DPA")
    click_and_leave(browser, browser.find_element(By.ID, "mark-VR-FERPA-02-save"))
    question = wait(browser).until(EC.presence_of_element_located((By.ID, "question-VR-FERPA-02")))
    assert "Accepted" in question.text and "Matches §4.1 of the DPA" in question.text

    click_and_leave(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Quillstone Reader"))
    browser.find_element(By.XPATH, "//summary[contains(., 'Start a review')]").click()
    browser.find_element(By.ID, "review-scope").send_keys("Re-review of token storage after the vendor's change")
    click_and_leave(browser, browser.find_element(By.ID, "start-review"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "decide")))

    browser.find_element(By.XPATH, "//summary[contains(., 'Record a finding')]").click()
    browser.find_element(By.ID, "finding-title").send_keys("Access tokens written to debug logs")
    Select(browser.find_element(By.ID, "finding-severity")).select_by_value("high")
    click_and_leave(browser, browser.find_element(By.ID, "add-finding"))
    findings = wait(browser).until(EC.presence_of_element_located((By.ID, "findings")))
    assert "Access tokens written to debug logs" in findings.text

    # Plain approval is refused while the high finding is open; approval with conditions is not.
    Select(browser.find_element(By.ID, "decision-choice")).select_by_value("approve")
    click_and_leave(browser, browser.find_element(By.ID, "decide"))
    error = wait(browser).until(EC.presence_of_element_located((By.ID, "decision-error")))
    assert "remediated or their risk accepted" in error.text
    Select(browser.find_element(By.ID, "decision-choice")).select_by_value("approve_with_conditions")
    browser.find_element(By.ID, "conditions").send_keys("Remove tokens from logs within 30 days.")
    click_and_leave(browser, browser.find_element(By.ID, "decide"))
    decision = wait(browser).until(EC.presence_of_element_located((By.ID, "decision")))
    assert decision.text == "Approved with conditions"
    assert browser.find_elements(By.ID, "locked") and not browser.find_elements(By.ID, "add-finding")
    assert re.match(r"\d{4}-\d{2}-\d{2}", browser.find_element(By.ID, "valid-until").text)
    screenshot(browser, "security-review-decided")


def test_mail_goes_over_starttls_to_a_server_with_a_private_certificate(sqlite_url, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True,
                            authenticator=authenticator)
    controller.start()
    try:
        server = Server(sqlite_url, demo=True, env={"SMTP_URL": f"smtp://vr:s3cret%3Apw@localhost:{controller.port}?starttls=require",
                                                      "SMTP_CA_FILE": str(cert)})
        try:
            session = requests.Session()
            page = session.get(server.url + "/login")
            csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
            session.post(server.url + "/login", data={"_csrf": csrf, "email": "admin@northfield.example", "password": "northfield-demo-2026"})
            integrations = session.get(server.url + "/integrations").text
            integration = re.search(r'href="(/integrations/[0-9a-f-]{36})"', integrations).group(1)
            csrf = re.search(r'name="_csrf" value="([^"]+)"', integrations).group(1)
            created = session.post(server.url + integration + "/links",
                                   data={"_csrf": csrf, "contactName": "Tess", "contactEmail": "tess@vendor.example"})
            assert created.status_code == 200 and "It is on its way by e-mail" in created.text, server.output()[-3000:]
            _, message, authenticated = mailbox.wait_for(lambda m: "tess@vendor.example" in m["To"])
            assert authenticated
        finally:
            server.close()
    finally:
        controller.stop()

    # A server whose certificate the app does not trust gets nothing, and the admin is told.
    controller = Controller(Mailbox(), hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True)
    controller.start()
    try:
        server = Server(sqlite_url, demo=True, env={"SMTP_URL": f"smtp://localhost:{controller.port}?starttls=require"})
        try:
            session = requests.Session()
            csrf = re.search(r'name="_csrf" value="([^"]+)"', session.get(server.url + "/login").text).group(1)
            session.post(server.url + "/login", data={"_csrf": csrf, "email": "admin@northfield.example", "password": "northfield-demo-2026"})
            listing = session.get(server.url + "/integrations").text
            integration = re.search(r'href="(/integrations/[0-9a-f-]{36})"', listing).group(1)
            csrf = re.search(r'name="_csrf" value="([^"]+)"', listing).group(1)
            created = session.post(server.url + integration + "/links", data={"_csrf": csrf, "contactName": "Tess", "contactEmail": "tess@vendor.example"})
            # The link is made and its mail queued; the outbox worker's delivery fails, and the admin's
            # dashboard says so (with the mail server's reason) while it waits to try again.
            assert created.status_code == 200 and "It is on its way by e-mail" in created.text
            deadline = time.monotonic() + 15
            while "mail failed" not in server.output() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "mail failed" in server.output()
            dashboard = session.get(server.url + "/").text
            assert 'id="retrying-mail"' in dashboard and "tess@vendor.example" in dashboard, dashboard[-3000:]
            assert "Mail failing (will retry)" in dashboard
        finally:
            server.close()
    finally:
        controller.stop()
