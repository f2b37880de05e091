"""A parent company or corporate culture overrides the national profile on what it decides
(decisions, contracts, processes), not on how the local people communicate; version-1
``corporate_culture`` and a version-2 ``their_parent`` party mean the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import advise_file
from synergy_compass.engine.schemas.report import Report

BASE = """title: US firm and a Japanese subsidiary
we: {culture: US}
they:
  culture: JP
  organisation_type: multinational_subsidiary
<they>relationship: {we_are: buyer}
goal: {kind: negotiate_contract}
"""
OVERRIDE = "situation-overrides-profile-corporate-culture"
DECISIONS = "counterpart-consensus-decisions"  # Japan decides by consensus (Meyer)
PROCESSES = "counterpart-high-uncertainty-avoidance"  # Japan's uai 92 against 46
COMMUNICATION = "counterpart-high-context"  # Japan's people talk implicitly (Meyer)


def _concluded(tmp_path: Path, extra: str, they: str = "") -> set[str]:
    scenario = tmp_path / "case.yaml"
    scenario.write_text(BASE.replace("<they>", they) + extra, encoding="utf-8")
    report: Report = advise_file(scenario)
    return {str(fact.fields["name"]) for fact in report.trace.facts if fact.type == "finding"}


def test_without_a_parent_the_national_profile_speaks_on_everything(tmp_path: Path) -> None:
    found = _concluded(tmp_path, "")
    assert {DECISIONS, PROCESSES, COMMUNICATION} <= found
    assert OVERRIDE not in found


@pytest.mark.parametrize(
    ("extra", "they"),
    [
        (
            "parties: [{kind: their_parent, culture: DE, decides: [approvals, contracts, processes]}]\n",
            "",
        ),
        # version 1: the corporate culture stands for a parent governing all three
        ("", "  corporate_culture: DE\n"),
    ],
    ids=["v2-parent", "v1-corporate-culture"],
)
def test_a_parent_culture_withholds_what_it_governs_but_not_communication(
    tmp_path: Path, extra: str, they: str
) -> None:
    found = _concluded(tmp_path, extra, they)
    assert OVERRIDE in found
    assert DECISIONS not in found
    assert PROCESSES not in found
    assert COMMUNICATION in found


def test_a_parent_withholds_only_what_it_decides(tmp_path: Path) -> None:
    found = _concluded(
        tmp_path, "parties: [{kind: their_parent, culture: DE, decides: [processes]}]\n"
    )
    assert PROCESSES not in found
    assert {DECISIONS, COMMUNICATION, OVERRIDE} <= found


def test_a_parent_deciding_prices_only_leaves_the_profile_alone(tmp_path: Path) -> None:
    found = _concluded(
        tmp_path, "parties: [{kind: their_parent, culture: DE, decides: [pricing]}]\n"
    )
    assert {DECISIONS, PROCESSES, COMMUNICATION, "their-parent-sets-prices"} <= found
    assert OVERRIDE not in found


def test_a_parent_of_their_own_culture_overrides_nothing(tmp_path: Path) -> None:
    found = _concluded(
        tmp_path, "parties: [{kind: their_parent, culture: JP, decides: [approvals, processes]}]\n"
    )
    assert {DECISIONS, PROCESSES, COMMUNICATION, "sign-off-sits-with-their-parent"} <= found
    assert OVERRIDE not in found
