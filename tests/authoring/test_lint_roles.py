"""The role-unguarded check: a rule for every role whose output speaks of selling is reported,
with the words taken from the KB's own lint file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.authoring.lint import CHECKS, Severity, lint_knowledge_base
from synergy_compass.engine.authoring.lint.roles import role_words_pattern

MINI_KB = Path(__file__).parents[1] / "fixtures" / "mini_kb"

# The mini KB's vendor-stated rule has no roles and concludes "They see us as a vendor";
# power-gap-up (a power-distance gap) and stuck-when-vendor-and-gap ("We are stuck") do not
# speak of selling.
SELLER_RULES = """\
rules:
  - id: vendor-for-sellers
    title: Written for those who sell
    rationale: The same finding, guarded in the rule itself.
    sources: [test-source]
    topic: positioning
    roles: [seller, service_provider]
    when:
      - relationship: {seen_as: vendor}
    then:
      conclude: {vendor: 0.5}
  - id: selling-advice
    title: Gives advice that speaks of the sale
    rationale: Unguarded, and its advice names the sale.
    sources: [test-source]
    topic: negotiation
    when:
      - relationship: {seen_as: partner}
    then:
      support: {close-the-sale: 0.5}
  - id: against-selling-advice
    title: Counts against the same advice
    rationale: Advice a rule counts against is never given by it.
    sources: [test-source]
    topic: negotiation
    when:
      - relationship: {seen_as: advisor}
    then:
      support: {close-the-sale: -0.5}
"""

FILE_GUARDED = """\
roles: [seller]
rules:
  - id: vendor-by-file
    title: Written for sellers, through the file's roles
    rationale: The same finding, guarded by the file.
    sources: [test-source]
    topic: positioning
    when:
      - relationship: {seen_as: competitor}
    then:
      conclude: {vendor: 0.5}
"""

SELLING_ADVICE = """\
advice:
  - id: close-the-sale
    title: Ask for the order
    advice: Close the SALE before the quarter ends.
    steps: [A step about customers is an example, not the advice's side]
    topic: negotiation
    stage: now
    sources: [test-source]
"""


def a_kb(tmp_path: Path, lint: str | None, *extra: tuple[str, str]) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    for name, text in extra:
        (root / name).write_text(text)
    if lint is not None:
        (root / "lint.yaml").write_text(lint)
    return root


def unguarded(root: Path) -> dict[str, str]:
    return {
        finding.item: finding.message
        for finding in lint_knowledge_base(root).findings
        if finding.check == "role-unguarded"
    }


def test_an_unguarded_rule_that_speaks_of_selling_is_reported_at_its_id(tmp_path: Path) -> None:
    root = a_kb(tmp_path, "lint: {role_words: [vendor, sale]}")
    report = lint_knowledge_base(root)
    (finding,) = [f for f in report.findings if f.check == "role-unguarded"]
    assert finding.item == "vendor-stated"
    assert finding.severity == Severity.warning
    assert finding.location == "rules.yaml:14:9"
    assert "the finding 'vendor' speaks of 'vendor'" in finding.message
    assert "roles:" in finding.hint


def test_guarded_rules_and_neutral_rules_are_not_reported(tmp_path: Path) -> None:
    root = a_kb(
        tmp_path,
        "lint: {role_words: [vendor, sale]}",
        ("seller-rules.yaml", SELLER_RULES),
        ("file-guarded.yaml", FILE_GUARDED),
        ("selling-advice.yaml", SELLING_ADVICE),
    )
    found = unguarded(root)
    # guarded by the rule or by its file: not reported; neutral rules: not reported
    assert set(found) == {"vendor-stated", "selling-advice"}
    # read in any case, whole words, in the title and main text of supported advice only
    assert "the advice 'close-the-sale' speaks of 'sale'" in found["selling-advice"]


def test_the_words_come_from_the_kbs_lint_file(tmp_path: Path) -> None:
    assert unguarded(a_kb(tmp_path / "none", None)) == {}
    assert unguarded(a_kb(tmp_path / "other", "lint: {role_words: [client]}")) == {}
    assert set(unguarded(a_kb(tmp_path / "own", "lint: {role_words: [see us]}"))) == {
        "vendor-stated"
    }


def test_a_kb_switches_the_check_off_for_a_rule_with_a_reason(tmp_path: Path) -> None:
    lint = """\
lint:
  role_words: [vendor]
  disable:
    - check: role-unguarded
      items: [vendor-stated]
      reason: A test of an exclusion.
"""
    report = lint_knowledge_base(a_kb(tmp_path, lint))
    assert not [f for f in report.findings if f.check == "role-unguarded"]
    assert report.excluded == 1


def test_an_empty_role_word_is_a_schema_error(tmp_path: Path) -> None:
    report = lint_knowledge_base(a_kb(tmp_path, "lint: {role_words: ['']}"))
    assert [f.location for f in report.findings if f.check == "schema"] == ["lint.yaml:1:21"]


@pytest.mark.parametrize(
    ("words", "text", "matched"),
    [
        (["vendor"], "They see us as a VENDOR, not a partner.", ["VENDOR"]),
        (["sale", "sales"], "Sales and the sale; not wholesale or salesforce.", ["Sales", "sale"]),
        (["first deal"], "win the first\n  deal here", ["first\n  deal"]),
        (["deal", "first deal"], "the first deal", ["first deal"]),
        (["client"], "a clientele, a client-facing team", ["client"]),
        ([], "anything", []),
    ],
)
def test_words_match_whole_in_any_case(words: list[str], text: str, matched: list[str]) -> None:
    pattern = role_words_pattern(words)
    assert (pattern.findall(text) if pattern else []) == matched


def test_the_shipped_kb_has_no_unguarded_selling_rule_it_has_not_explained() -> None:
    report = lint_knowledge_base()
    assert [str(f) for f in report.findings if f.check == "role-unguarded"] == []


def test_the_check_is_listed() -> None:
    assert CHECKS["role-unguarded"].severity == Severity.warning
    listed = CliRunner().invoke(cli, ["kb", "lint", "--list-checks"])
    assert "role-unguarded" in listed.stdout
