from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import advise_file
from synergy_compass.engine.explain.diff import diff_reports
from synergy_compass.engine.render.explanations import render_diff_text
from synergy_compass.engine.schemas.report import Report

BASIC = Path("tests/fixtures/mini_kb/scenarios/basic.yaml")


@pytest.fixture
def reports(mini_kb: Path, tmp_path: Path) -> tuple[Report, Report]:
    flat = tmp_path / "flat.yaml"
    flat.write_text(
        BASIC.read_text(encoding="utf-8").replace(
            "they: {culture: Japan}", "they: {culture: Japan, structure: flat}"
        ),
        encoding="utf-8",
    )
    return advise_file(BASIC, mini_kb), advise_file(flat, mini_kb)


def test_a_diff_says_what_changed_and_the_rules_responsible(reports: tuple[Report, Report]) -> None:
    diff = diff_reports(*reports, settings=("they.structure=flat",))
    changes = {change.id: change for change in diff.advice}
    assert changes["introduce"].change == "removed"
    assert changes["introduce"].rules_removed == ("power-gap-up", "stuck-when-vendor-and-gap")
    assert changes["be-patient"].change == "certainty changed"
    assert diff.rules_no_longer_firing == ("power-gap-up", "stuck-when-vendor-and-gap")
    text = render_diff_text(diff, "before", "after")
    assert text.startswith("Comparing before with after\nChanged: they.structure=flat\n")
    assert "removed           introduce: Get introduced (0.76 -> -)" in text


def test_a_report_diffed_with_itself_is_unchanged(reports: tuple[Report, Report]) -> None:
    diff = diff_reports(reports[0], reports[0])
    assert diff.unchanged
    assert render_diff_text(diff, "a", "b") == (
        "Comparing a with b\nNo difference: the same advice, findings and rules.\n"
    )
