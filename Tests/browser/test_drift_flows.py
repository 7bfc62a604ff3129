"""Issue #7's scope drift in a real browser: an admin tells VendorReview how the attendance tool shows
up in request logs, uploads a day of web_logs, and reads what it called outside its whitelist; the
procurement officer then sees the same on the integration page and in the hygiene report."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_admin_flows import click_and_leave, screenshot, sign_in

LOG = """id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent
1,2026-11-22T07:00:00Z,5501,,GET,/api/v1/courses/3301/enrollments?per_page=100,200,Ledgerline-Sync/1.8
2,2026-11-22T07:00:02Z,5501,,GET,/api/v1/courses/3301/sections,200,Ledgerline-Sync/1.8
3,2026-11-22T07:00:05Z,5501,,GET,/api/v1/users/77001/profile,200,Ledgerline-Sync/1.8
4,2026-11-22T07:05:05Z,5501,,GET,/api/v1/users/77002/profile,200,Ledgerline-Sync/1.9
5,2026-11-22T07:06:00Z,5501
"""


def test_admin_scans_a_log_and_procurement_reads_the_drift(demo_server, browser, tmp_path):
    wait = WebDriverWait(browser, 15)
    sign_in(browser, demo_server, "admin@northfield.example", "/integrations?q=attendance")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Attendance sync"))
    integration_url = browser.current_url

    # The service account's id, typed wrongly first: the form comes back with the message and the text.
    summary = next(s for s in browser.find_elements(By.TAG_NAME, "summary") if "recognised" in s.text)
    summary.click()
    field = wait.until(EC.visibility_of_element_located((By.ID, "serviceAccountUserIDs")))
    field.send_keys("ledgerline bot")
    click_and_leave(browser, browser.find_element(By.ID, "save-log-identity"))
    error = wait.until(EC.presence_of_element_located((By.ID, "serviceAccountUserIDs-error")))
    assert "is not a Canvas user id" in error.text
    field = browser.find_element(By.ID, "serviceAccountUserIDs")
    assert field.get_attribute("value") == "ledgerline bot"
    field.clear()
    field.send_keys("5501")
    click_and_leave(browser, browser.find_element(By.ID, "save-log-identity"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "service-accounts"), "5501"))

    log = tmp_path / "web_logs-2026-11-22.csv"
    log.write_text(LOG)
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Scope drift"))
    wait.until(EC.presence_of_element_located((By.ID, "drift-file"))).send_keys(str(log))
    click_and_leave(browser, browser.find_element(By.ID, "scan-log"))
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main .alert.info"), "Scanned 5 rows: 2 out-of-scope requests, 1 malformed rows."))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Attendance sync" in page and "/api/v1/users/:user_id/profile" in page
    assert "Ledgerline-Sync/1.8 · Ledgerline-Sync/1.9" in page
    assert "line 6" in browser.find_element(By.ID, "malformed-rows").text
    screenshot(browser, "drift-scan")

    browser.delete_all_cookies()
    sign_in(browser, demo_server, "procurement@northfield.example", integration_url.replace(demo_server.url, ""))
    findings = wait.until(EC.presence_of_element_located((By.ID, "drift-findings"))).text
    assert "Outside the approved whitelist" in findings and "/api/v1/users/:user_id/profile" in findings and "2" in findings
    assert not browser.find_elements(By.ID, "log-identity-form"), "procurement reads, never edits"
    screenshot(browser, "drift-integration")
    browser.get(f"{demo_server.url}/reports/hygiene")
    hygiene = wait.until(EC.presence_of_element_located((By.ID, "drift-hygiene"))).text
    assert "Attendance sync" in hygiene and "2 out-of-scope" in hygiene
