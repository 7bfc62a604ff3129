"""Procurement opens a vendor review packet, prints it to PDF in headless Chromium, and downloads it."""
import base64

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support import expected_conditions as EC

from conftest import ARTIFACTS
from test_admin_flows import click_and_leave, sign_in, wait


def test_procurement_opens_prints_and_downloads_a_packet(demo_server, browser):
    sign_in(browser, demo_server, "procurement@northfield.example", "/reports")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Quillstone Learning"))
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "header.report h1")))
    assert browser.find_element(By.CSS_SELECTOR, "header.report h1").text == "Vendor review packet — Quillstone Learning"
    assert "Generated" in browser.find_element(By.CSS_SELECTOR, "header.report .meta").text
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Integration: Quillstone Reader" in page and "Issuance gate" in page and "Right to act on API calls outside the declared scope" in page

    options = PrintOptions()
    options.page_height, options.page_width = 29.7, 21.0
    pdf = base64.b64decode(browser.print_page(options))
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2, "prints, and the integration starts its own page"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "vendor-packet.pdf").write_bytes(pdf)

    link = browser.find_element(By.ID, "download-report").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    download = requests.get(link, cookies=cookies, timeout=10)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith('attachment; filename="vendor-review-packet-quillstone-learning-')
    assert "<style>" in download.text and "<link" not in download.text and "<script" not in download.text
