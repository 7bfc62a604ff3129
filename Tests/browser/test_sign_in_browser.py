"""Headless Chromium through the new ways in: the "Sign in with <institution>" button against the OpenID provider
process, and an admin who must set up an authenticator app, scans the QR code the page draws (read back from a
screenshot by zbarimg), signs in again with a code, and with a recovery code."""
import base64
import hashlib
import hmac
import pathlib
import shutil
import struct
import subprocess
import time
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import ARTIFACTS, DEMO_PASSWORD, ROOT, Server, run_cli
from test_accessibility import problems_on, wider_than_window
from test_admin_flows import click_and_leave, screenshot, wait
from test_sso_flows import Provider


def totp(secret, step):
    """RFC 6238 with HMAC-SHA1 and six digits, written here independently of the app's own code."""
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def sign_in_with_password(driver, server, email):
    driver.get(server.url + "/login")
    wait(driver).until(EC.presence_of_element_located((By.ID, "email")))
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    click_and_leave(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


def type_code(driver, code):
    field = wait(driver).until(EC.presence_of_element_located((By.ID, "code")))
    field.send_keys(code)
    click_and_leave(driver, driver.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))


def sign_out(driver):
    click_and_leave(driver, driver.find_element(By.CSS_SELECTOR, "header.site .who button[type=submit]"))


@pytest.fixture
def provider(tmp_path):
    p = Provider(tmp_path)
    yield p
    p.close()


def test_staff_sign_in_with_the_institutions_button(sqlite_url, provider, browser):
    server = Server(sqlite_url, demo=True, env=provider.env())
    try:
        browser.get(server.url + "/vendors")
        button = wait(browser).until(EC.presence_of_element_located((By.ID, "sign-in-provider")))
        assert button.text == "Sign in with Northfield SSO"
        assert problems_on(browser) == []
        click_and_leave(browser, button)
        # The provider signs the person in at once and sends the browser back to the page it asked for.
        wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "header.site .who")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/vendors"
        assert "Admin" in browser.find_element(By.CSS_SELECTOR, "header.site .who").text
        screenshot(browser, "sso-signed-in")
        # Sign-out goes through the provider's end-session endpoint and back to the sign-in page.
        sign_out(browser)
        wait(browser).until(EC.presence_of_element_located((By.ID, "sign-in-provider")))
        assert any(entry["path"] == "/logout" for entry in provider.control("log"))
    finally:
        server.close()


@pytest.fixture
def admins_need_a_factor(tmp_path):
    """A copy of data/ whose policy requires an authenticator of admins."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    policy = data / "policy.yaml"
    text = policy.read_text()
    assert "second_factor_required_for: []" in text
    policy.write_text(text.replace("second_factor_required_for: []", "second_factor_required_for: [admin]"))
    return str(data)


def test_an_admin_scans_the_qr_code_and_signs_in_with_codes(sqlite_url, admins_need_a_factor, browser):
    server = Server(sqlite_url, demo=True, env={"DATA_DIR": admins_need_a_factor})
    try:
        # The password alone leads to the enrolment page, and nowhere else until it is done.
        sign_in_with_password(browser, server, "admin@northfield.example")
        qr = wait(browser).until(EC.presence_of_element_located((By.ID, "factor-qr")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/account/factor"
        browser.get(server.url + "/vendors")
        wait(browser).until(EC.presence_of_element_located((By.ID, "factor-qr")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/account/factor"

        # Scan the code as a phone would: from the pixels on the screen.
        qr = browser.find_element(By.ID, "factor-qr")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        image = ARTIFACTS / "factor-qr.png"
        qr.screenshot(str(image))
        scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, timeout=30)
        assert scanned.returncode == 0, scanned.stderr
        uri = urllib.parse.urlsplit(scanned.stdout.strip())
        assert uri.scheme == "otpauth" and uri.netloc == "totp"
        params = dict(urllib.parse.parse_qsl(uri.query))
        assert params["digits"] == "6" and params["period"] == "30" and params["algorithm"] == "SHA1"
        secret = base64.b32decode(params["secret"] + "=" * (-len(params["secret"]) % 8))
        assert params["secret"] == browser.find_element(By.ID, "factor-secret").text.replace(" ", ""), "the typed key is the scanned one"

        step = int(time.time()) // 30
        type_code(browser, totp(secret, step))
        codes = [li.text for li in wait(browser).until(EC.presence_of_element_located((By.ID, "recovery-codes"))).find_elements(By.TAG_NAME, "li")]
        assert len(codes) == 10
        screenshot(browser, "factor-enrolled")
        browser.get(server.url + "/vendors")
        wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "header.site .who")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/vendors"
        sign_out(browser)

        # Next sign-in: the password, then a code. The code just used is refused; the next step's is accepted.
        sign_in_with_password(browser, server, "admin@northfield.example")
        wait(browser).until(EC.presence_of_element_located((By.ID, "code")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/login/code"
        assert problems_on(browser) == []
        browser.set_window_size(390, 844)
        assert not wider_than_window(browser)
        browser.set_window_size(1280, 900)
        type_code(browser, totp(secret, step))
        assert "did not work" in wait(browser).until(EC.presence_of_element_located((By.ID, "code-error"))).text
        type_code(browser, totp(secret, step + 1))
        wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "header.site .who")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/"
        sign_out(browser)

        # A recovery code works once, in place of a code.
        sign_in_with_password(browser, server, "admin@northfield.example")
        type_code(browser, codes[0].upper())
        wait(browser).until(EC.presence_of_element_located((By.ID, "factor-enrolled")))
        assert "9 recovery codes left" in browser.find_element(By.ID, "factor-enrolled").text
        sign_out(browser)
        sign_in_with_password(browser, server, "admin@northfield.example")
        type_code(browser, codes[0])
        assert "did not work" in wait(browser).until(EC.presence_of_element_located((By.ID, "code-error"))).text
    finally:
        server.close()

    # The only admin lost the phone and the codes: on the server, the command line resets the authenticator.
    reset = run_cli(["user", "reset-factor", "--email", "admin@northfield.example"], sqlite_url)
    assert reset.returncode == 0, reset.stderr
    assert "Reset the authenticator app of admin@northfield.example" in reset.stdout
    again = run_cli(["user", "reset-factor", "--email", "admin@northfield.example"], sqlite_url)
    assert again.returncode == 1 and "has no authenticator app to reset" in again.stderr
    assert run_cli(["user", "reset-factor", "--email", "nobody@northfield.example"], sqlite_url).returncode == 1
    server = Server(sqlite_url, demo=True, env={"DATA_DIR": admins_need_a_factor})
    try:
        # The password leads straight to setting up a new authenticator.
        sign_in_with_password(browser, server, "admin@northfield.example")
        wait(browser).until(EC.presence_of_element_located((By.ID, "factor-qr")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/account/factor"
    finally:
        server.close()
