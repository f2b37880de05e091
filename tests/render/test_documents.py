"""`compass compare`, `compass countries` and the client reports (Markdown, HTML)."""

from __future__ import annotations

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
    with pytest.raises(InputError, match=r"no culture profile for Germany \(DE\)"):
        compare("US", "Germany", mini_kb)
    with pytest.raises(InputError, match=r"Did you mean Japan \(JP\)"):
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
    assert result.stdout.splitlines()[1] == "1 countries"


def test_markdown_and_html_reports_are_complete_documents(mini_kb: Path) -> None:
    report = advise_file(BASIC, mini_kb)
    comparison = comparison_for(report, mini_kb)
    markdown = render_markdown(report, comparison)
    for heading in (
        "## The situation",
        "## What is going on",
        "## The plan",
        "### Now",
        "## The cultural background",
        "## Caveats",
        "## Sources",
    ):
        assert heading in markdown
    assert "(data:image/svg+xml;base64," in markdown
    page = render_html(report, comparison)
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page
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


def test_client_reports_say_which_pair_a_finding_is_about() -> None:
    report = advise_file(
        Path("kb/scenarios/three-parties-us-buyer-japan-subsidiary-german-parent.yaml")
    )
    markdown = render_markdown(report, None)
    sign_off = markdown[markdown.index("**Sign-off sits") :].split("\n\n")[1]
    assert sign_off.startswith("Between: United States ↔ Germany (their parent). Caveat:")
    page = render_html(report, None)
    assert '<p class="particulars">Between: United States ↔ Japan.</p>' in page


def test_with_two_cultures_findings_do_not_repeat_the_pair() -> None:
    report = advise_file(Path("kb/scenarios/allen-japan.yaml"))
    assert "Between:" not in render_html(report, None)
