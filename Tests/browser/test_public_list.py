"""The public list of approved tools (PUBLIC_LIST=on) in headless Chromium, as a parent or student finds it: no
sign-in, the demo's one active tool with its data in plain words and its privacy policy, nothing internal, no
serious axe violation, and it fits a phone."""
import urllib.parse

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import Server
from test_accessibility import problems_on, wider_than_window
from test_admin_flows import screenshot, wait


def test_an_anonymous_visitor_reads_the_approved_tools(sqlite_url, browser):
    server = Server(sqlite_url, demo=True, env={"PUBLIC_LIST": "on", "INSTITUTION_NAME": "Northfield State University"})
    try:
        browser.get(server.url + "/approved-tools")
        table = wait(browser).until(EC.presence_of_element_located((By.ID, "public-tools")))
        assert urllib.parse.urlsplit(browser.current_url).path == "/approved-tools", "no detour to the sign-in page"
        text = table.text
        assert "Quillstone Reader" in text and "Quillstone Learning" in text and "Adaptive reading practice" in text
        assert "Privacy policy" in text
        link = browser.find_element(By.CSS_SELECTOR, "#public-tools a")
        assert link.get_attribute("href") == "https://quillstone.example/privacy"
        page = browser.page_source
        # Suspended, not yet approved, and everything internal stays off the page.
        for secret in ("Exam proctoring", "Attendance sync", "Recordings deleted", "Called enrollment endpoints", "Brightpath", "Ledgerline",
                       "DPA signed", "security@", "@northfield.example", "Sign out"):
            assert secret not in page, secret
        assert problems_on(browser) == []
        browser.set_window_size(390, 844)
        assert not wider_than_window(browser)
        screenshot(browser, "public-list-phone")
        browser.set_window_size(1280, 900)
        # The same page is not there unless the institution turns it on.
    finally:
        server.close()
    off = Server(sqlite_url, demo=True)
    try:
        assert requests.get(off.url + "/approved-tools", timeout=10).status_code == 404
    finally:
        off.close()
