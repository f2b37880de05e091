"""The client report as PDF, printed from its HTML page by headless Chromium.

A browser's print engine is the maintained route that honours the page's print CSS (page
numbers in the margins, no item split across pages) and keeps the text as text. Chromium is
found on PATH, not installed by us: without it, the user is told what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..consult.compare import CultureComparison
from ..errors import InputError, Location, Problem
from ..schemas.branding import ReportBranding
from ..schemas.report import Report
from .report_html import render_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# A fresh profile and no network: printing a local file needs nothing else, and a machine
# without a display or a sandbox (a container, CI) runs it the same way.
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
_TIMEOUT_SECONDS = 120


def find_browser() -> str:
    """The path of a Chromium-family browser on PATH."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise InputError(
        [
            Problem(
                Location("--format pdf"),
                "a PDF is printed by headless Chromium, and none was found on PATH "
                f"(looked for {', '.join(BROWSERS)})",
                hint="Install Chromium (Debian, Ubuntu: 'apt-get install chromium'; macOS: "
                "'brew install --cask chromium') or Google Chrome, or make the report with "
                "--format html and print it from a browser.",
            )
        ]
    )


def html_to_pdf(page: str) -> bytes:
    """Print an HTML page to PDF with headless Chromium."""
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="compass-pdf-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            *_FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            finished = subprocess.run(
                command, capture_output=True, text=True, timeout=_TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise _failed(browser, f"it did not finish within {_TIMEOUT_SECONDS} s") from error
        if finished.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
            raise _failed(browser, f"exit code {finished.returncode}: {last}")
        return target.read_bytes()


def _failed(browser: str, what: str) -> InputError:
    return InputError(
        [
            Problem(
                Location(browser),
                f"printing the report to PDF failed ({what})",
                hint="Check that this browser starts (run it with --version), or make the "
                "report with --format html and print it from a browser.",
            )
        ]
    )


def render_pdf(
    report: Report,
    comparison: CultureComparison | None,
    branding: ReportBranding | None = None,
    *,
    with_appendix: bool = False,
) -> bytes:
    """The report's HTML page printed to PDF (A4, numbered pages)."""
    return html_to_pdf(render_html(report, comparison, branding, with_appendix=with_appendix))
