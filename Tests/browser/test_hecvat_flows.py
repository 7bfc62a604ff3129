"""An admin imports a vendor's HECVAT 4 workbook in headless Chromium, reads its score and what needs
attention, follows a carried answer into our questionnaire, and a damaged file is refused with the reason;
a reviewer reads the same page without the import form."""
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from test_accessibility import problems_on
from test_admin_flows import click_and_leave, screenshot, sign_in, wait
from xlsx import workbook

QUESTIONS = [
    ("GNRL-01", "Vendor name", "Quillstone Learning"),
    ("REQU-01", "Is the product cloud-hosted?", "Yes"),
    ("REQU-02", "Does the product have a user interface?", "Yes"),
    ("REQU-03", "Are consulting services part of this engagement?", "No"),
    ("REQU-04", "Does the product include AI features?", "Yes"),
    ("REQU-05", "Will the product store or process PHI?", "No"),
    ("REQU-06", "Will the product process payment card data?", "No"),
    ("REQU-07", "Is the product installed on premises?", "No"),
    ("REQU-08", "Will the vendor have access to personal data?", "Yes"),
    ("DOCU-01", "Do you have a SOC 2 Type II report?", "No"),
    ("DATA-01", "Do you encrypt institutional data at rest?", "Yes"),
    ("PRGN-02", "Do you share institutional data with third parties?", "No"),
    ("AIQU-01", "Is institutional data used to train AI models?", "No"),
]


def test_an_admin_imports_a_hecvat_and_a_reviewer_reads_it(demo_server, browser, tmp_path):
    good = tmp_path / "quillstone-hecvat.xlsx"
    good.write_bytes(workbook([("Questions", [["HECVAT 4.1.2"], ["ID", "Question", "Answer", "Additional Information"]] + [list(q) + [""] for q in QUESTIONS])]))
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(good.read_bytes()[:300])

    sign_in(browser, demo_server, "admin@northfield.example", "/integrations")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Quillstone Reader"))
    assert "No HECVAT workbook imported" in browser.find_element(By.ID, "hecvat").find_element(By.XPATH, "following-sibling::p").text
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Import one"))
    hecvat_page = browser.current_url

    browser.find_element(By.ID, "hecvat-file").send_keys(str(damaged))
    click_and_leave(browser, browser.find_element(By.ID, "import-hecvat"))
    error = wait(browser).until(EC.presence_of_element_located((By.ID, "hecvat-error")))
    assert "damaged" in error.text

    browser.find_element(By.ID, "hecvat-file").send_keys(str(good))
    click_and_leave(browser, browser.find_element(By.ID, "import-hecvat"))
    flash = wait(browser).until(EC.presence_of_element_located((By.ID, "flash"))).text
    assert "Imported HECVAT 4.1.2 workbook #1 (13 questions)" in flash, flash
    assert "answers carried into our questionnaires" in flash, flash
    attention = browser.find_element(By.ID, "hecvat-attention").text
    assert "DOCU-01" in attention and "DATA-01" not in attention
    sections = browser.find_element(By.ID, "hecvat-sections").text
    assert "Documentation 0% (0 of 10 points)" in sections and "Data 100% (20 of 20 points)" in sections, sections
    assert problems_on(browser) == []
    screenshot(browser, "hecvat-report")

    # A carried answer, in our questionnaire, says where it came from.
    carried = browser.find_element(By.ID, "hecvat-carried")
    row = next(r for r in carried.find_elements(By.TAG_NAME, "tr") if "VR-AI-01" in r.text)
    click_and_leave(browser, row.find_element(By.TAG_NAME, "a"))
    assert "from HECVAT REQU-04" in browser.find_element(By.TAG_NAME, "body").text

    # The integration page sums it up and links to the report.
    browser.get(hecvat_page.rsplit("/hecvat", 1)[0])
    summary = wait(browser).until(EC.presence_of_element_located((By.ID, "hecvat-summary"))).text
    assert "HECVAT 4.1.2" in summary and "points" in summary

    browser.delete_all_cookies()
    sign_in(browser, demo_server, "reviewer@northfield.example", urllib.parse.urlsplit(hecvat_page).path)
    assert wait(browser).until(EC.presence_of_element_located((By.ID, "hecvat-total"))).text.endswith("points)")
    assert browser.find_elements(By.ID, "hecvat-file") == [], "a reviewer reads, an admin imports"


def test_procurement_compares_exhibit_b_and_an_admin_records_one(demo_server, browser):
    import requests

    sign_in(browser, demo_server, "procurement@northfield.example", "/integrations")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Exam proctoring"))
    click_and_leave(browser, browser.find_element(By.ID, "exhibit-b-link"))
    agreement = wait(browser).until(EC.presence_of_element_located((By.ID, "exhibit-b-agreement"))).text
    assert "Data privacy agreement (NDPA v2)" in agreement and "received but not in the signed Exhibit B" in agreement, agreement
    table = browser.find_element(By.ID, "exhibit-b")
    rows = {r.find_elements(By.TAG_NAME, "td")[1].text: r.get_attribute("class") for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert rows["Email"] == "not_declared" and rows["First and/or last"] == "", rows
    assert problems_on(browser) == []
    screenshot(browser, "exhibit-b")
    csv_link = browser.find_element(By.ID, "exhibit-b-csv").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    download = requests.get(csv_link, cookies=cookies, timeout=10)
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    assert "Student Contact Information,Email,student_contact_email,yes," in download.text

    # An admin records what Quillstone's signed agreement lists.
    browser.delete_all_cookies()
    sign_in(browser, demo_server, "admin@northfield.example", "/contracts")
    click_and_leave(browser, browser.find_element(By.LINK_TEXT, "Master services agreement 2025–2028"))
    contract_page = browser.current_url
    browser.get(contract_page + "/edit")
    wait(browser).until(EC.presence_of_element_located((By.ID, "exhibitBRecorded"))).click()
    for element in ("exhibitB-student_name", "exhibitB-transcript_grades"):
        browser.find_element(By.ID, element).click()
    click_and_leave(browser, browser.find_element(By.XPATH, "//main//button[normalize-space()='Save']"))
    listed = wait(browser).until(EC.presence_of_element_located((By.ID, "exhibit-b"))).text
    assert "Student Name: First and/or last" in listed and "Transcript: Student course grades/performance scores" in listed, listed
