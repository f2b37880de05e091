"""The workspace end to end in a real browser (issue 16, item 7): Debian's Chromium, driven by
chromedriver through Selenium, against a real server on a free port with an audit database of
its own. A consultant's path: describe the founding case in the form, read the plan, open why
an item is there, try a what-if and a why-not, download the report, verify the audit.

Screenshots of every page go to pytest's temporary folder; their paths are printed (``-s``
shows them) for a person to look at. Without Chromium and its driver the tests skip, except
where ``COMPASS_REQUIRE_BROWSER`` is set (CI, see ``.ci/run``): there a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait
from server_support import running_workspace  # the same folder: pytest puts it on the path
from synergy_compass.engine.render.pdf import BROWSERS
from synergy_compass.web import create_app

CHROMIUM = next((found for name in BROWSERS if (found := shutil.which(name))), None)
CHROMEDRIVER = next(
    (found for path in ("/usr/bin/chromedriver", "chromedriver") if (found := shutil.which(path))),
    None,
)
WAIT_SECONDS = 30

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
        WebDriverWait(self.driver, WAIT_SECONDS).until(expected_conditions.staleness_of(element))

    def screenshot(self, name: str) -> Path:
        """The whole page, not only the window: the window is stretched to the page's height."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1200, max(800, min(int(height) + 40, 12_000)))
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1200, 900)
        print(f"screenshot: {path}")
        return path

    def text(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "body").text)


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
