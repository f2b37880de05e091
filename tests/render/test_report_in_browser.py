"""The client report as a person sees it: rendered by headless Chromium, on screen and printed
to PDF, for the founding case and two review cases. Screenshots and PDF pages are kept under
pytest's temporary folder (printed on failure) for a person to look at."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from synergy_compass.engine.api import advise_file, comparison_for
from synergy_compass.engine.render import report_parts
from synergy_compass.engine.render.documents import render_html, render_pdf
from synergy_compass.engine.render.pdf import BROWSERS
from synergy_compass.engine.schemas.branding import ReportBranding
from test_client_report import expected_headings  # the same folder: pytest puts it on the path

CHROMIUM = next((found for name in BROWSERS if (found := shutil.which(name))), None)
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CASES = (
    "allen-japan.yaml",
    "review-04-german-medtech-chinese-distributor-payment.yaml",
    "review-06-swedish-manager-nigerian-team-feedback.yaml",
)
BRANDING = ReportBranding(prepared_by="Ann Lee, Lee & Partners", prepared_for="Allen LLP")

# Run in the page after layout: every element that sticks out of its parent's box, and a page
# that scrolls sideways. Inside an SVG only the SVG element itself is measured.
LAYOUT_CHECK = """<script>
(() => {
  const wide = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) wide.push("page: " + root.scrollWidth + "px");
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest("svg") && element.tagName !== "svg") continue;
    const parent = element.parentElement;
    const box = element.getBoundingClientRect(), outer = parent.getBoundingClientRect();
    if (box.width && (box.right > outer.right + 1 || box.left < outer.left - 1)) {
      wide.push(element.tagName + ": " + element.textContent.slice(0, 60));
    }
  }
  const report = document.createElement("pre");
  report.id = "layout-check";
  report.textContent = JSON.stringify(wide);
  document.body.appendChild(report);
})();
</script>"""

needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("COMPASS_REQUIRE_BROWSER"),
    reason="no headless Chromium installed",
)


def chromium(profile: Path, *arguments: str) -> str:
    assert CHROMIUM is not None, "CI needs Chromium: see .ci/run"
    return subprocess.run(
        [CHROMIUM, *HEADLESS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


@needs_browser
@pytest.mark.parametrize("scenario", CASES)
def test_the_html_report_has_every_section_and_nothing_too_wide(
    scenario: str, tmp_path: Path
) -> None:
    report = advise_file(Path("kb/scenarios") / scenario)
    page = render_html(report, comparison_for(report), BRANDING, with_appendix=True)
    path = tmp_path / "report.html"
    path.write_text(page.replace("</body>", LAYOUT_CHECK + "</body>"))
    profile = tmp_path / "profile"
    # a desktop window, a printed page's width (A4 less margins), a phone
    for width in (1200, 665, 400):
        dom = chromium(profile, f"--window-size={width},1000", "--dump-dom", path.as_uri())
        for heading in [*expected_headings(report), report_parts.APPENDIX]:
            assert f"<h2>{heading}</h2>" in dom, heading
        # two charts (Hofstede, the Culture Map), each a heading and one drawing per scale,
        # so that a printed page breaks between scales
        assert dom.count('<figure class="chart">') == 2
        assert dom.count('<div class="scale">') == dom.count("<svg") > 2
        found = re.search(r'<pre id="layout-check">(.*?)</pre>', dom, re.DOTALL)
        assert found, "the layout check did not run"
        assert json.loads(found[1]) == [], f"too wide at {width}px"
    screenshot = tmp_path / f"{Path(scenario).stem}.png"
    chromium(profile, "--window-size=1100,7000", f"--screenshot={screenshot}", path.as_uri())
    print(f"screenshot: {screenshot}")
    assert screenshot.stat().st_size > 100_000  # a rendered page, not a blank one


@needs_browser
@pytest.mark.parametrize("scenario", CASES)
def test_the_pdf_report_has_every_section_as_text(scenario: str, tmp_path: Path) -> None:
    report = advise_file(Path("kb/scenarios") / scenario)
    document = tmp_path / f"{Path(scenario).stem}.pdf"
    document.write_bytes(render_pdf(report, comparison_for(report), BRANDING))
    pages = PdfReader(document).pages
    texts = [page.extract_text() for page in pages]
    text = re.sub(r"\s+", " ", " ".join(texts))
    for heading in expected_headings(report):
        assert heading in text, heading
    assert report_parts.APPENDIX not in text  # off unless asked for
    assert "Prepared by Ann Lee, Lee & Partners for Allen LLP" in text
    assert "0: small power distance" in text  # the chart's words are text too
    for number, page_text in enumerate(texts, 1):
        assert f"Page {number} of {len(pages)}" in page_text
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(document), str(tmp_path / "page")], check=True
        )
        print(f"PDF pages: {sorted(tmp_path.glob('page-*.png'))}")
        assert len(list(tmp_path.glob("page-*.png"))) == len(pages)
