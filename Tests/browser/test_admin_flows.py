"""Real headless Chromium against the real binary: the main flows of each kind of user."""
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ARTIFACTS, DEMO_PASSWORD


def wait(driver):
    return WebDriverWait(driver, 15)


def sign_in(driver, server, email, next_path="/"):
    driver.get(f"{server.url}{next_path}")
    wait(driver).until(EC.presence_of_element_located((By.ID, "email")))
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    click_and_leave(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "header.site .who")))


def click_and_leave(driver, element):
    """Clicks and waits until the browser has left the current page, so later waits look only at
    the new one (the old page may hold matching elements, such as a flash banner)."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def left(_driver):
        try:
            old_page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            # Chromedriver's words for an element of a document that has just been replaced.
            if "does not belong to the document" in str(error):
                return True
            raise

    wait(driver).until(left)


def screenshot(driver, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_admin_creates_a_vendor_sees_validation_and_signs_out(demo_server, browser):
    sign_in(browser, demo_server, "admin@northfield.example", "/vendors")
    assert browser.current_url.endswith("/vendors"), "comes back to the page asked for"
    assert "Quillstone Learning" in browser.page_source

    click_and_leave(browser, browser.find_element(By.ID, "new-vendor"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "name")))
    browser.find_element(By.ID, "website").send_keys("not a web address")
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    error = wait(browser).until(EC.presence_of_element_located((By.ID, "name-error")))
    assert error.text == "Name is required."
    assert "web address" in browser.find_element(By.ID, "website-error").text
    assert browser.find_element(By.ID, "website").get_attribute("value") == "not a web address"
    assert browser.find_element(By.ID, "name").get_attribute("aria-invalid") == "true"
    screenshot(browser, "vendor-validation")

    browser.find_element(By.ID, "name").send_keys("Lumen Lab Notebooks")
    website = browser.find_element(By.ID, "website")
    website.clear()
    website.send_keys("https://lumen.example")
    browser.find_element(By.ID, "securityContactEmail").send_keys("security@lumen.example")
    browser.find_element(By.CSS_SELECTOR, "#standing option[value=good_standing]").click()
    browser.find_element(By.ID, "notes").send_keys("Pilot in two chemistry courses.")
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "edit-vendor")))
    page = browser.page_source
    assert "Vendor “Lumen Lab Notebooks” created." in page
    assert "Good standing" in page

    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "History in the audit trail"))
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table tbody tr")))
    assert "Lumen Lab Notebooks — Created" in browser.page_source
    screenshot(browser, "audit-trail")

    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "header.site form button"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "email")))
    browser.get(f"{demo_server.url}/vendors")
    assert "/login" in browser.current_url, "signed out: pages need a sign-in again"


def test_admin_edits_a_vendor_and_the_change_is_audited(demo_server, browser):
    sign_in(browser, demo_server, "admin@northfield.example", "/vendors?q=ledgerline")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Ledgerline Attendance"))
    click_and_leave(browser, browser.find_element(By.ID, "edit-vendor"))
    browser.find_element(By.CSS_SELECTOR, "#standing option[value=on_notice]").click()
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "edit-vendor")))
    assert "On notice" in browser.page_source
    browser.get(f"{demo_server.url}/audit?action=update")
    assert 'standing "Prospective" → "On notice"' in browser.page_source.replace("&quot;", '"')


def test_procurement_reads_but_cannot_change(demo_server, browser):
    sign_in(browser, demo_server, "procurement@northfield.example", "/vendors")
    assert "Brightpath Proctoring" in browser.page_source
    assert not browser.find_elements(By.ID, "new-vendor")
    browser.get(f"{demo_server.url}/vendors/new")
    assert "Your role does not allow this." in browser.page_source
    assert not browser.find_elements(By.LINK_TEXT, "Audit trail")


def test_auditor_browses_the_audit_trail_and_creates_a_token(demo_server, browser):
    sign_in(browser, demo_server, "auditor@northfield.example")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Audit trail"))
    assert "demo loader" in browser.page_source
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "API tokens"))
    browser.find_element(By.ID, "purpose").send_keys("Quarterly evidence pull")
    click_and_leave(browser, browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]"))
    token = wait(browser).until(EC.presence_of_element_located((By.ID, "new-token"))).text
    assert token.startswith("vr_")
    import requests
    me = requests.get(f"{demo_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200 and me.json()["role"] == "auditor"
