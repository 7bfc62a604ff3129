"""Issue #15 in a real browser: the catalog is Canvas's own route table, an admin's import of the
instance's scopes replaces a shipped route's text, and the whitelist keeps and exports Canvas's text."""
import json

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_admin_flows import click_and_leave, screenshot, sign_in
from test_integration_flows import open_new_whitelist

INSTANCE_SCOPES = json.dumps([{
    "resource": "late_policy", "resource_name": "Late Policy", "controller": "late_policy", "action": "show",
    "verb": "GET", "scope": "url:GET|/api/v1/courses/:course_id/late_policy",
}])


def test_admin_imports_instance_scopes_and_the_whitelist_uses_canvas_text(demo_server, browser):
    wait = WebDriverWait(browser, 15)
    sign_in(browser, demo_server, "admin@northfield.example", "/catalog")
    source = wait.until(EC.presence_of_element_located((By.ID, "catalog-source"))).text
    assert "Canvas's own route table at commit" in source and "derived from the route" in source

    browser.find_element(By.ID, "json").send_keys(INSTANCE_SCOPES)
    click_and_leave(browser, browser.find_element(By.ID, "import-catalog"))
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main .alert.info"), "Imported 1 new endpoint(s)"))
    row = browser.find_element(By.CSS_SELECTOR, "#imported tbody tr").text
    assert "/api/v1/courses/:course_id/late_policy" in row and "replaces the shipped /api/v1/courses/:id/late_policy" in row
    screenshot(browser, "catalog-import-replaces")

    open_new_whitelist(browser, demo_server, "Late work nudges", "Remind students of late work.")
    editor = wait.until(EC.presence_of_element_located((By.ID, "entries")))
    editor.send_keys("GET /api/v1/courses/:id/late_policy  # read the late policy\n"
                     "GET /api/v1/group_categories/{id}  # find the reminder groups")
    click_and_leave(browser, browser.find_element(By.ID, "save-whitelist"))
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main .alert.info"), "Endpoint whitelist saved as version 1"))
    assert "2 path(s) named parameters otherwise than Canvas and are kept as Canvas writes them" in \
        browser.find_element(By.CSS_SELECTOR, "main .alert.info").text
    editor_text = browser.find_element(By.ID, "entries").get_attribute("value")
    assert "/api/v1/courses/:course_id/late_policy" in editor_text and "/api/v1/group_categories/:group_categorie_id" in editor_text
    scopes = browser.find_element(By.ID, "scopes").get_attribute("value").splitlines()
    assert scopes == ["url:GET|/api/v1/courses/:course_id/late_policy", "url:GET|/api/v1/group_categories/:group_categorie_id"], scopes
