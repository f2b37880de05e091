"""The workspace end to end in a real browser (issue 16, item 7): Debian's Chromium, driven by
chromedriver through Selenium, against a real server on a free port with an audit database of
its own. A consultant's path: describe the founding case in the form, read the plan, open why
an item is there, try a what-if and a why-not, download the report, verify the audit.

Screenshots of every page go to pytest's temporary folder; their paths are printed (``-s``
shows them) for a person to look at. Without Chromium and its driver the tests skip, except
where ``COMPASS_REQUIRE_BROWSER`` is set (CI, see ``.ci/run``): there a missing browser fails.
"""

from __future__ import annotations

import html
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait
from server_support import running_workspace  # the same folder: pytest puts it on the path
from synergy_compass.engine.api import advise_file, whatif_file
from synergy_compass.engine.render.pdf import BROWSERS
from synergy_compass.web import create_app

CHROMIUM = next((found for name in BROWSERS if (found := shutil.which(name))), None)
CHROMEDRIVER = next(
    (found for path in ("/usr/bin/chromedriver", "chromedriver") if (found := shutil.which(path))),
    None,
)
WAIT_SECONDS = 30
WHAT_IF = "relationship.personal_contact=strong"
WHY_NOT = "go-directly-to-the-owner"
FOUNDING_CASE = Path(__file__).resolve().parents[2] / "kb" / "scenarios" / "allen-japan.yaml"
TITLE = (
    "US law firm partner seeks strategic international work from a long-standing Japanese client"
)

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and not os.environ.get("COMPASS_REQUIRE_BROWSER"),
    reason="no headless Chromium with chromedriver installed",
)


class Browser:
    """One Chromium window on the workspace, with the folder its downloads land in and the
    folder its screenshots go to."""

    def __init__(self, driver: WebDriver, address: str, downloads: Path, shots: Path) -> None:
        self.driver = driver
        self.address = address
        self.downloads = downloads
        self.shots = shots

    def open(self, path: str) -> None:
        self.driver.get(self.address + path)

    def find(self, element_id: str) -> WebElement:
        return WebDriverWait(self.driver, WAIT_SECONDS).until(
            expected_conditions.presence_of_element_located((By.ID, element_id))
        )

    def click_and_wait(self, element: WebElement) -> None:
        """Click something that loads a new page, and wait until that page has replaced this."""
        element.click()
        # While the old page is being replaced, Chromium can answer "node does not belong to
        # the document" instead of "stale element": that is the same news, seen too early, so
        # the wait looks again rather than failing.
        WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
            expected_conditions.staleness_of(element)
        )

    def screenshot(self, name: str) -> Path:
        """The whole page, not only the window: the window is stretched to the page's height."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1200, max(800, min(int(height) + 40, 12_000)))
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1200, 900)
        print(f"screenshot: {path}")
        return path

    def screenshot_of(self, element_id: str, name: str) -> Path:
        """One element whole: the window is made tall enough to hold it first."""
        element = self.find(element_id)
        self.driver.set_window_size(1200, min(int(element.size["height"]) + 400, 12_000))
        self.driver.execute_script("arguments[0].scrollIntoView()", element)
        path = self.shots / f"{name}.png"
        element.screenshot(str(path))
        self.driver.set_window_size(1200, 900)
        print(f"screenshot: {path}")
        return path

    def text(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "body").text)

    def type_into(self, element_id: str, text: str) -> None:
        field = self.find(element_id)
        field.clear()
        field.send_keys(text)

    def choose(self, element_id: str, value: str) -> None:
        Select(self.find(element_id)).select_by_value(value)

    def tick(self, name: str, value: str) -> None:
        box = self.driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]')
        if not box.is_selected():
            box.click()

    def add_row(self, button_id: str, first_field_id: str) -> None:
        """Press a form's "Add ..." button (the page comes back with a new row) and wait for
        the row's first field."""
        self.click_and_wait(self.find(button_id))
        self.find(first_field_id)


@pytest.fixture
def audit_db(tmp_path: Path) -> Path:
    return tmp_path / "workspace-audit.sqlite3"


@pytest.fixture
def browser(tmp_path: Path, audit_db: Path) -> Iterator[Browser]:
    assert CHROMIUM is not None, "the browser tests need Chromium: see .ci/run"
    assert CHROMEDRIVER is not None, "the browser tests need chromium-driver: see .ci/run"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument("--window-size=1200,900")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        with running_workspace(create_app(None, audit_db, None)) as address:
            yield Browser(driver, address, downloads, tmp_path)
    finally:
        driver.quit()


def test_the_front_page_leads_to_every_part_of_the_workspace(browser: Browser) -> None:
    browser.open("/")
    assert "Cross-cultural advice you can explain" in browser.text()
    assert "allen-japan" in browser.text()
    browser.screenshot("front-page")
    # the style sheet loaded (the CSP lets the page use the workspace's own files)
    header = browser.driver.find_element(By.CSS_SELECTOR, "header.top")
    assert header.value_of_css_property("border-bottom-width") == "3px"


def describe_the_founding_case(browser: Browser) -> None:
    """Fill the scenario form as a consultant would for kb/scenarios/allen-japan.yaml: the
    cultures by name, people, actions and observations added a row at a time."""
    browser.open("/scenario")
    browser.screenshot("form-empty")
    browser.type_into("f-title", TITLE)
    browser.type_into("f-we-culture", "United States")
    browser.type_into("f-we-organisation", "Los Angeles law firm")
    browser.type_into("f-we-role", "partner")
    browser.type_into("f-we-offer", "US contract and corporate law")
    browser.type_into("f-they-culture", "Japan")
    browser.type_into("f-they-organisation", "Large Japanese corporation")
    browser.tick("they.organisation_type", "large_corporation")
    browser.choose("f-relationship-we_are", "service_provider")
    browser.choose("f-relationship-stage", "established")
    browser.type_into("f-relationship-months", "24")
    browser.choose("f-relationship-they_see_us_as", "vendor")
    browser.choose("f-relationship-personal_contact", "none")
    browser.type_into("f-relationship-work_so_far", "basic US contract work")
    browser.choose("f-goal-0-kind", "expand_scope")
    browser.type_into("f-goal-0-description", "win their strategic international legal work")
    people = [("President", "top", "none"), ("Legal department manager", "middle", "regular")]
    for row, (role, rank, contact) in enumerate(people):
        browser.add_row("f-they-people-add", f"f-they-people-{row}-role")
        browser.type_into(f"f-they-people-{row}-role", role)
        browser.choose(f"f-they-people-{row}-rank", rank)
        browser.choose(f"f-they-people-{row}-contact", contact)
    for row, kind in enumerate(["direct_approach_to_top", "task_focused_meetings"]):
        browser.add_row("f-we_are_doing-add", f"f-we_are_doing-{row}-kind")
        browser.choose(f"f-we_are_doing-{row}-kind", kind)
    for row, kind in enumerate(["polite_deferral", "requests_passed_along", "no_decision"]):
        browser.add_row("f-we_observe-add", f"f-we_observe-{row}-kind")
        browser.choose(f"f-we_observe-{row}-kind", kind)
    browser.type_into("f-notes", "Every approach to the President is met politely.")
    browser.screenshot("form-filled")
    browser.click_and_wait(browser.find("check-button"))


def test_a_consultant_describes_the_founding_case_and_gets_the_plan(
    browser: Browser, audit_db: Path
) -> None:
    describe_the_founding_case(browser)
    advise = browser.find("advise-button")
    browser.screenshot("form-checked")
    browser.click_and_wait(advise)

    # the plan and the diagnosis are the CLI's for the same case, item for item
    expected = advise_file(FOUNDING_CASE)
    plan = browser.find("plan")
    shown = [
        element.get_attribute("id")
        for element in plan.find_elements(By.CSS_SELECTOR, "article.item")
    ]
    assert shown == [f"item-{item.id}" for item in expected.recommendations]
    diagnosis = browser.find("diagnosis")
    for finding in expected.diagnosis:
        assert diagnosis.find_element(By.ID, f"item-{finding.id}")
    assert TITLE in browser.text()
    browser.screenshot("result")

    # why the first step of the plan is there: its HOW tree opens in place, no script needed
    first = expected.recommendations[0].id
    tree = browser.find(f"how-{first}")
    assert tree.get_attribute("open") is None
    rules = tree.find_elements(By.CSS_SELECTOR, "ul.tree li")
    assert rules, "the HOW tree is empty"
    assert not rules[0].is_displayed()
    tree.find_element(By.TAG_NAME, "summary").click()
    assert tree.get_attribute("open") is not None
    assert rules[0].is_displayed()
    browser.screenshot_of(f"item-{first}", "result-how-tree-open")

    # what if the partner already had a strong personal tie: the same changes as `compass whatif`
    browser.type_into("whatif-set", WHAT_IF)
    browser.click_and_wait(browser.find("whatif-button"))
    assert WHAT_IF in browser.find("whatif-settings").text
    _before, _after, diff = whatif_file(FOUNDING_CASE, (WHAT_IF,))
    assert diff.advice, "the what-if should change the advice"
    for change in diff.advice:
        assert change.change in browser.find(f"change-{change.id}").text
    browser.screenshot("what-if")
    browser.click_and_wait(browser.find("back-button"))

    # why not go straight to the owner: none of the rules that could advise it fired
    browser.type_into("why-not-input", WHY_NOT)
    browser.click_and_wait(browser.find("why-not-button"))
    assert WHY_NOT in browser.find("why-not-title").text
    assert "was not given" in browser.find("why-not-summary").text
    browser.screenshot("why-not")
    browser.click_and_wait(browser.find("back-button"))

    # the client report, downloaded as a browser downloads it
    browser.find("prepared-by").send_keys("Ann Lee, Lee & Partners")
    browser.find("download-html").click()
    report = wait_for_download(browser.downloads, ".html")
    page = report.read_text(encoding="utf-8")
    assert page.lower().startswith("<!doctype html>")
    assert "Ann Lee, Lee &amp; Partners" in page
    text = html.unescape(page)
    assert TITLE in text
    for item in expected.recommendations:
        assert item.title in text, item.id
    print(f"downloaded: {report}")

    # the audit: every advice run above was recorded, and the chain verifies
    browser.open("/audit")
    runs = browser.find("audit-runs")
    assert TITLE in runs.text
    browser.click_and_wait(browser.find("verify-button"))
    status = browser.find("chain-status")
    assert status.get_attribute("data-intact") == "true", status.text
    browser.screenshot("audit-verified")
    browser.open("/audit")
    browser.click_and_wait(browser.find("audit-runs").find_element(By.PARTIAL_LINK_TEXT, TITLE))
    browser.click_and_wait(browser.find("replay-button"))
    assert "No difference" in browser.find("replay-result").text
    browser.screenshot("audit-replay")
    assert audit_db.is_file()


def wait_for_download(folder: Path, suffix: str) -> Path:
    """The one file Chromium finished downloading into ``folder`` (it writes ``.crdownload``
    first and renames it when done)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        done = [path for path in folder.iterdir() if path.suffix == suffix]
        if done and not any(path.suffix == ".crdownload" for path in folder.iterdir()):
            assert len(done) == 1, done
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file downloaded into {folder}: {list(folder.iterdir())}")


def test_a_consultant_compares_cultures_and_an_auditor_browses_the_knowledge_base(
    browser: Browser,
) -> None:
    """Item 4 in the browser: three countries written as people write them, side by side with
    the charts; then the knowledge base searched, a rule opened, and one of the example cases
    that exercise it advised on from its page."""
    browser.open("/compare")
    browser.type_into("country-1", "UK")
    browser.type_into("country-2", "Japan")
    browser.click_and_wait(browser.find("compare-button"))
    browser.type_into("country-3", "Holland")
    browser.click_and_wait(browser.find("compare-button"))
    page = browser.text()
    assert "All 3 countries" in page
    assert "United Kingdom" in page
    assert "Netherlands" in page
    charts = browser.driver.find_elements(By.CSS_SELECTOR, "svg[role=img]")
    assert charts, "no chart on the compare page"
    assert "Power distance" in charts[0].text  # the chart's words are text, not pixels
    browser.screenshot("compare-three-countries")

    browser.open("/kb")
    browser.type_into("kb-search", "vendor")
    browser.click_and_wait(
        browser.driver.find_element(By.CSS_SELECTOR, "form.kb-search button[type=submit]")
    )
    browser.driver.find_element(By.LINK_TEXT, "The scenario says they see us as a vendor").click()
    WebDriverWait(browser.driver, WAIT_SECONDS).until(
        expected_conditions.presence_of_element_located((By.ID, "exercised-by"))
    )
    assert "seen-as-vendor-stated" in browser.text()
    browser.screenshot("kb-rule")
    browser.driver.find_element(By.LINK_TEXT, "allen-japan").click()
    browser.click_and_wait(browser.find("advise-on-example"))
    assert browser.find("plan").text
    assert TITLE in browser.text()


def test_a_consultant_answers_the_questionnaire_and_downloads_the_profile(
    browser: Browser,
) -> None:
    """Issue 20 item 1 in the browser: a few statements answered by clicking, the result page
    with a band for each scale answered, and the profile file downloaded from it."""
    browser.open("/profile")
    browser.type_into("profile-name", "Ann Lee")
    for radio in browser.driver.find_elements(By.CSS_SELECTOR, 'input[type=radio][value="4"]')[:8]:
        radio.click()
    browser.click_and_wait(browser.find("score-button"))
    assert "Where you land" in browser.text()
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, "svg.band")) == 8
    browser.screenshot("profile-result")
    browser.find("profile-download-button").click()
    downloaded = wait_for_download(browser.downloads, ".yaml")
    assert downloaded.name == "ann-lee-profile.yaml"
    assert "questionnaire: compass-self-assessment 1" in downloaded.read_text(encoding="utf-8")
