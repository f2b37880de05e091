"""`compass compare`, `compass countries` and the client reports (Markdown, HTML)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.api import advise_file, compare, comparison_for
from synergy_compass.engine.errors import InputError
from synergy_compass.engine.render.documents import render_html, render_markdown

BASIC = Path("tests/fixtures/mini_kb/scenarios/basic.yaml")


def test_compare_gives_gaps_and_meaning_both_ways(mini_kb: Path) -> None:
    comparison = compare("United States", "JP", mini_kb)
    assert [(row.dimension, row.a, row.b, row.gap) for row in comparison.dimensions] == [
        ("pdi", 40, 54, 14)
    ]
    assert comparison.only_a == ("trusting",)  # Japan's trusting score is missing, not zero
    with pytest.raises(InputError, match="no culture profile for DE"):
        compare("US", "Germany", mini_kb)
    with pytest.raises(InputError, match="Did you mean 'Japan'"):
        compare("US", "Japn", mini_kb)


def test_compare_on_the_shipped_kb_says_what_a_gap_means() -> None:
    result = CliRunner().invoke(cli, ["compare", "US", "JP"])
    assert result.exit_code == 0
    assert "Communicating (estimated): low-context -> high-context" in result.stdout
    assert "for US working with JP: they are nearer 'high-context'." in result.stdout
    assert "for JP working with US: they are nearer 'low-context'." in result.stdout


def test_countries_lists_profiles_and_filters() -> None:
    result = CliRunner().invoke(cli, ["countries", "japan"])
    assert result.exit_code == 0
    assert result.stdout.startswith("JP  Japan")
    assert result.stdout.strip().endswith("1 countries")


def test_markdown_and_html_reports_are_complete_documents(mini_kb: Path) -> None:
    report = advise_file(BASIC, mini_kb)
    comparison = comparison_for(report, mini_kb)
    markdown = render_markdown(report, comparison)
    for heading in (
        "## Summary",
        "## What is going on",
        "## The plan",
        "### Now",
        "## The cultural background",
        "## Caveats",
        "## Sources",
        "## Appendix: how each recommendation was reached",
    ):
        assert heading in markdown
    assert "(data:image/svg+xml;base64," in markdown
    page = render_html(report, comparison)
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page
    # nothing to fetch: no external scripts, styles, images or fonts
    assert not re.search(r"""(src|href)=["']?(https?:)?//|@import|url\((https?:)?//""", page)
    assert "1. Find the introducer" not in page  # steps are an ordered list, not text
    assert "<li>Find the introducer</li>" in page


def test_the_report_is_identical_when_made_twice(mini_kb: Path) -> None:
    report = advise_file(BASIC, mini_kb)
    comparison = comparison_for(report, mini_kb)
    assert render_html(report, comparison) == render_html(report, comparison)


def test_advise_writes_a_report_file(mini_kb: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["advise", str(BASIC), "--kb", str(mini_kb), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0
    assert f"wrote {out}" in result.stderr
    assert out.read_text().startswith("<!DOCTYPE html>")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags a sandboxed, offline machine needs (see the environment notes): no background
# networking, no first-run or component updates, a fresh profile.
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium(profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *HEADLESS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


# CI installs Chromium and sets COMPASS_REQUIRE_BROWSER, so there the test fails instead of skipping.
@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("COMPASS_REQUIRE_BROWSER"),
    reason="no headless Chromium installed",
)
def test_the_html_report_renders_in_a_real_browser(tmp_path: Path) -> None:
    report = advise_file(Path("kb/scenarios/allen-japan.yaml"))
    page = tmp_path / "report.html"
    page.write_text(render_html(report, comparison_for(report)))
    profile, screenshot = tmp_path / "profile", tmp_path / "report.png"
    dom = chromium(profile, "--dump-dom", page.as_uri()).stdout
    assert "personal relationship" in dom
    assert "<svg" in dom
    chromium(profile, "--window-size=1200,2000", f"--screenshot={screenshot}", page.as_uri())
    assert screenshot.stat().st_size > 50_000  # a real rendered page, not a blank one


def test_client_reports_say_which_pair_a_finding_is_about() -> None:
    report = advise_file(
        Path("kb/scenarios/three-parties-us-buyer-japan-subsidiary-german-parent.yaml")
    )
    markdown = render_markdown(report, None)
    sign_off = next(line for line in markdown.splitlines() if line.startswith("**Sign-off sits"))
    assert sign_off.endswith("Between: United States ↔ Germany (their parent).")
    page = render_html(report, None)
    assert "Between: United States ↔ Japan.</div>" in page
