"""`kb lint`'s cross-product check: two patterns on the same listed fact type that share no
variable match every combination of those facts (issue 19 item 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import MINI_KB
from synergy_compass.cli import cli
from synergy_compass.engine.authoring.lint import CHECKS, Severity, lint_knowledge_base

HEAD = """\
rules:
  - id: {rule_id}
    title: People together
    rationale: Two people.
    sources: [test-source]
    topic: hierarchy
    when:
"""
TAIL = """\
    then:
      conclude: {vendor: 0.5}
"""


def _kb_with(tmp_path: Path, rule_id: str, conditions: list[str]) -> Path:
    root = tmp_path / rule_id
    shutil.copytree(MINI_KB, root)
    when = "".join(f"      - {condition}\n" for condition in conditions)
    text = HEAD.format(rule_id=rule_id) + when + TAIL
    (root / "people.yaml").write_text(text, encoding="utf-8")
    return root


def _cross_products(root: Path) -> list[str]:
    report = lint_knowledge_base(root)
    return [str(finding) for finding in report.findings if finding.check == "cross-product"]


def test_unjoined_people_are_warned_at_the_second_pattern(tmp_path: Path) -> None:
    root = _kb_with(
        tmp_path,
        "strangers",
        [
            "person: {rank: top}",
            "score: {side: home, dimension: pdi, value: {as: v}}",
            "person: {rank: working}",
        ],
    )
    assert _cross_products(root) == [
        "people.yaml:10:9: warning[cross-product] the rule 'strangers' has two 'person' "
        "patterns that share no variable (this one and when.0): it matches every pair of "
        "person facts, as many as the square of their number, and with a third such pattern "
        "the cube; a run stops at the match bound. Join the patterns on a variable (as: x in "
        "one, {var: x} or as: x in the other), or say why each must be a different fact with "
        "a field test."
    ]
    assert CHECKS["cross-product"].severity == Severity.warning


def test_people_joined_directly_or_through_another_pattern_are_not_warned(
    tmp_path: Path,
) -> None:
    direct = _kb_with(
        tmp_path,
        "compatriots",
        ["person: {rank: top, culture: {as: c}}", "person: {rank: working, culture: {as: c}}"],
    )
    through = _kb_with(
        tmp_path,
        "countrymen",
        [
            "person: {rank: top, culture: {as: c}}",
            "culture: {side: counterpart, country: {as: c}}",
            "party: {country: {as: k}}",
            "culture: {side: home, country: {as: k}}",
            "person: {rank: working, culture: {as: c}}",
        ],
    )
    assert _cross_products(direct) == []
    assert _cross_products(through) == []


def test_patterns_on_facts_a_scenario_holds_once_are_not_warned(tmp_path: Path) -> None:
    # two findings, or two scores, each match one fact: their pair is one combination
    root = _kb_with(
        tmp_path,
        "two-findings",
        ["finding: {name: vendor}", "finding: {name: power-gap}", "person: {rank: top}"],
    )
    assert _cross_products(root) == []


def test_the_cli_shows_the_warning_and_fails_on_warnings(tmp_path: Path) -> None:
    root = _kb_with(
        tmp_path,
        "strangers",
        ["action: {kind: email_only_contact}", "action: {kind: email_only_contact}"],
    )
    result = CliRunner().invoke(cli, ["kb", "lint", str(root), "--fail-on", "warning"])
    assert result.exit_code == 1
    assert "warning[cross-product] the rule 'strangers' has two 'action' patterns" in result.output
