"""Every page, as each person reaches it, checked in real Chromium: no serious or critical axe-core
violation, and at 390 px (a phone) no page wider than the window."""
import re
from urllib.parse import urljoin, urlparse

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By

from test_admin_flows import click_and_leave, screenshot, sign_in, wait

PHONE = (390, 844)
DESKTOP = (1280, 900)
# Links that download a file or end the session rather than show a page.
SKIP = re.compile(r"/logout|download=1|/documents/|/evidence/|/exports/download|/scopes$|/developer-key$|\.csv$|/api/")
SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|vl_[A-Za-z0-9_-]+")


def shape(url):
    """Pages of one kind (every vendor page, every review) are checked once."""
    parsed = urlparse(url)
    query = "?" + re.sub(r"=[^&]*", "=", parsed.query) if parsed.query else ""
    return SHAPE.sub(":id", parsed.path) + query


def problems_on(driver):
    """Serious and critical axe violations, and whether the page is wider than the window."""
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    return serious


def wider_than_window(driver):
    return driver.execute_script("return document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


def crawl(driver, server, start, limit=60):
    """Pages reachable from `start` by following links, one per kind, HTML only."""
    seen, queue, pages = set(), [server.url + start], []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        key = shape(url)
        if key in seen:
            continue
        seen.add(key)
        driver.get(url)
        if driver.execute_script("return document.contentType") != "text/html":
            continue
        pages.append(url)
        for link in driver.find_elements(By.CSS_SELECTOR, "a[href]"):
            href = urljoin(url, link.get_attribute("href") or "").split("#")[0]
            if href.startswith(server.url) and not SKIP.search(href) and shape(href) not in seen:
                queue.append(href)
    return pages


def check(driver, pages, name):
    failures = []
    for size in (DESKTOP, PHONE):
        driver.set_window_size(*size)
        for url in pages:
            driver.get(url)
            if size == DESKTOP:
                failures += [f"{url}: {p}" for p in problems_on(driver)]
            elif url == pages[0]:
                screenshot(driver, f"{name}-phone")  # kept as an artefact: what a phone shows
            if size == PHONE and wider_than_window(driver):
                screenshot(driver, f"{name}-too-wide-{shape(url).strip('/').replace('/', '_').replace(':', '') or 'home'}")
                failures.append(f"{url}: wider than {size[0]} px ({driver.execute_script('return document.documentElement.scrollWidth')} px)")
    driver.set_window_size(*DESKTOP)
    return failures


def test_every_staff_page_passes_axe_and_fits_a_phone(demo_server, browser):
    failures = []
    browser.get(demo_server.url + "/login")
    failures += check(browser, [demo_server.url + "/login"], "login")
    for email in ("admin@northfield.example", "reviewer@northfield.example", "procurement@northfield.example", "auditor@northfield.example"):
        browser.delete_all_cookies()
        sign_in(browser, demo_server, email, "/")
        pages = crawl(browser, demo_server, "/", limit=70 if email.startswith("admin") else 25)
        assert len(pages) > (20 if email.startswith("admin") else 5), f"{email} reached only {pages}"
        failures += check(browser, pages, email.split("@")[0])
    assert not failures, "\n".join(failures)


def test_the_vendor_pages_pass_axe_and_fit_a_phone(demo_server, browser):
    sign_in(browser, demo_server, "admin@northfield.example", "/integrations")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Quillstone Reader"))
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    browser.find_element(By.ID, "contactName").send_keys("Vera Vendor")
    browser.find_element(By.ID, "contactEmail").send_keys("vera@quillstone.example")
    click_and_leave(browser, browser.find_element(By.ID, "create-link"))
    link = wait(browser).until(lambda d: d.find_element(By.ID, "new-link-url")).text.strip()
    # The link is at the top, where the admin is looking, without scrolling.
    assert browser.execute_script("return document.getElementById('new-link').getBoundingClientRect().top") < 900
    browser.delete_all_cookies()
    pages = crawl(browser, demo_server, urlparse(link).path, limit=12)
    assert len(pages) >= 4, pages
    pages.append(demo_server.url + urlparse(link).path + "/no-such-questionnaire")
    failures = check(browser, pages, "vendor")
    assert not failures, "\n".join(failures)
