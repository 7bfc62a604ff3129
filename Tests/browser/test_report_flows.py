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


def test_an_auditor_downloads_an_export_and_verifies_it(demo_server, browser, tmp_path):
    import hashlib
    import io
    import json
    import subprocess
    import zipfile

    from conftest import BINARY, ROOT

    sign_in(browser, demo_server, "auditor@northfield.example", "/exports")
    button = browser.find_element(By.ID, "download-export")
    assert button.text == "Download export (.zip)"
    public_key = browser.find_element(By.ID, "public-key").text
    assert public_key.startswith("ed25519:")
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    response = requests.get(demo_server.url + "/exports/download", cookies=cookies, timeout=60)
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith('attachment; filename="vendor-review-export-')
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    assert bundle.testzip() is None
    root = bundle.namelist()[0].split("/")[0]
    manifest = json.loads(bundle.read(f"{root}/manifest.json"))
    for entry in manifest["files"]:
        data = bundle.read(f"{root}/{entry['path']}")
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
    assert {"csv/vendors.csv", "records.json", "audit.jsonl"} <= {e["path"] for e in manifest["files"]}
    # The signature is plain Ed25519 over manifest.json's bytes: a library that is not ours checks it.
    import base64
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    signature = json.loads(bundle.read(f"{root}/manifest.sig"))
    assert signature["algorithm"] == "Ed25519" and signature["publicKey"] == public_key
    Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key.removeprefix("ed25519:"))).verify(
        base64.b64decode(signature["signature"]), bundle.read(f"{root}/manifest.json"))
    bundle.extractall(tmp_path)
    checked = subprocess.run([str(BINARY), "export", "verify", str(tmp_path / root), "--public-key", public_key],
                             capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("export intact") and f"signed by the institution's key {public_key}" in checked.stdout
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    stranger = base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()
    other = subprocess.run([str(BINARY), "export", "verify", str(tmp_path / root), "--public-key", "ed25519:" + stranger],
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert other.returncode == 1 and "not by the institution's key" in other.stderr, other.stderr
    (tmp_path / root / "csv" / "vendors.csv").write_text("tampered\r\n")
    broken = subprocess.run([str(BINARY), "export", "verify", str(tmp_path / root)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert broken.returncode == 1 and "csv/vendors.csv" in broken.stderr
