"""Issue #3 in a real browser: an admin creates an integration, declares five endpoints including a
wrong one, sees the suggestion, fixes it, reads the risk summary and copies the scopes."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_admin_flows import click_and_leave, screenshot, sign_in

FIVE_ENDPOINTS = "\n".join([
    "GET /api/v1/courses/123/enrollments?per_page=100  # build attendance rosters",
    "GET /api/v1/courses/123/sections  # group rosters by section",
    "GET /api/v1/coures/123/users  # student names for the sheet",
    "POST /api/v1/courses/123/submissions/update_grades  # post attendance scores",
    "GET /api/v1/courses/123/assignments/9  # find the attendance column",
])


def open_new_whitelist(browser, server, name, purpose):
    """As the signed-in admin: a new developer-key integration for the demo's Cobalt, then its whitelist editor."""
    wait = WebDriverWait(browser, 15)
    browser.get(f"{server.url}/vendors?q=cobalt")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Cobalt Plagiarism Check"))
    click_and_leave(browser, browser.find_element(By.ID, "new-integration"))
    wait.until(EC.presence_of_element_located((By.ID, "name"))).send_keys(name)
    browser.find_element(By.CSS_SELECTOR, "#kind option[value=api_developer_key]").click()
    browser.find_element(By.ID, "purpose").send_keys(purpose)
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    click_and_leave(browser, wait.until(EC.presence_of_element_located((By.ID, "whitelist-link"))))


def test_admin_declares_endpoints_fixes_a_typo_and_copies_scopes(demo_server, browser):
    wait = WebDriverWait(browser, 15)
    sign_in(browser, demo_server, "admin@northfield.example", "/vendors")
    open_new_whitelist(browser, demo_server, "Originality reports", "Check submissions for originality and post reports.")

    editor = wait.until(EC.presence_of_element_located((By.ID, "entries")))
    editor.send_keys(FIVE_ENDPOINTS)
    click_and_leave(browser, browser.find_element(By.ID, "save-whitelist"))
    errors = wait.until(EC.presence_of_element_located((By.ID, "line-errors"))).text
    assert "line 3" in errors and "Did you mean GET /api/v1/courses/:course_id/users" in errors
    assert "coures" in browser.find_element(By.ID, "entries").get_attribute("value"), "the typed list is kept"
    screenshot(browser, "whitelist-suggestion")

    editor = browser.find_element(By.ID, "entries")
    fixed = editor.get_attribute("value").replace("/coures/", "/courses/")
    editor.clear()
    editor.send_keys(fixed)
    click_and_leave(browser, browser.find_element(By.ID, "save-whitelist"))
    # The page being left has an #overall-risk too: wait for the new page's text, not the element.
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main .alert.info"), "Endpoint whitelist saved as version 1"))
    assert browser.find_element(By.ID, "overall-risk").text == "high"
    sentence = browser.find_element(By.ID, "risk-sentence").text
    assert sentence.startswith("Writes grades") and "roster" in sentence
    assert len(browser.find_elements(By.CSS_SELECTOR, "#whitelist-table tbody tr")) == 5

    scopes = browser.find_element(By.ID, "scopes").get_attribute("value").splitlines()
    assert "url:GET|/api/v1/courses/:course_id/users" in scopes
    assert "url:POST|/api/v1/courses/:course_id/submissions/update_grades" in scopes
    assert len(scopes) == 5
    screenshot(browser, "whitelist-saved")

    browser.get(f"{demo_server.url}/integrations?risk=high")
    assert "Originality reports" in browser.page_source


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def test_admin_records_a_contract_with_its_signed_pdf(demo_server, browser, tmp_path):
    import hashlib

    wait = WebDriverWait(browser, 15)
    pdf = tmp_path / "Signed MSA.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    sign_in(browser, demo_server, "admin@northfield.example", "/vendors?q=ledgerline")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Ledgerline Attendance"))
    click_and_leave(browser, browser.find_element(By.ID, "new-contract"))
    wait.until(EC.presence_of_element_located((By.ID, "title"))).send_keys("Master services agreement")
    browser.find_element(By.CSS_SELECTOR, "#status option[value=signed]").click()
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    error = wait.until(EC.presence_of_element_located((By.ID, "signedOn-error")))
    assert "needs the date it was signed" in error.text

    browser.execute_script("document.getElementById('signedOn').value = '2026-06-01'")
    for clause in ("ferpa_school_official", "out_of_scope_action", "data_deletion"):
        browser.find_element(By.ID, f"clause_{clause}").click()
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    upload = wait.until(EC.presence_of_element_located((By.ID, "file")))
    upload.send_keys(str(pdf))
    click_and_leave(browser, browser.find_element(By.ID, "upload-document"))
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main .alert.info"), "Attached"))
    page = browser.page_source
    assert "Signed MSA.pdf" in page
    assert hashlib.sha256(MINIMAL_PDF).hexdigest() in page
    rows = browser.find_elements(By.CSS_SELECTOR, "#clauses tbody tr")
    present = [row.text for row in rows if "yes" in row.text]
    assert len(present) == 3 and any("outside the declared scope" in row for row in present)
    screenshot(browser, "contract-with-document")
