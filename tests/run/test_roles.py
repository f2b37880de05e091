"""Who we are to them guards the rules written for one role: seller advice never reaches a buyer.

A rule states the roles it applies to, or inherits its file's; the guard is one more condition,
so it shows in explanations like any other reason.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from synergy_compass.engine.api import advise, compiled_knowledge_base
from synergy_compass.engine.errors import KnowledgeBaseError
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.schemas.scenario import Scenario
from synergy_compass.engine.schemas.vocabulary import Role

MINI_KB = Path(__file__).resolve().parents[1] / "fixtures" / "mini_kb"

ROLE_RULES = """\
roles: [seller, service_provider]
rules:
  - id: seller-by-file
    title: Written for those who sell, through the file's roles
    rationale: A test of inherited roles.
    sources: [test-source]
    topic: positioning
    when:
      - culture: {side: counterpart, country: JP}
    then:
      conclude: {vendor: 0.5}
  - id: buyer-by-rule
    title: Written for buyers, in the rule itself
    rationale: A test of a rule's own roles, which beat the file's.
    sources: [test-source]
    topic: positioning
    roles: [buyer]
    when:
      - culture: {side: counterpart, country: JP}
    then:
      conclude: {stuck: 0.5}
"""

ANY_ROLE = """\
rules:
  - id: any-role
    title: Written for everyone
    rationale: A file without roles and a rule without roles apply to every role.
    sources: [test-source]
    topic: positioning
    when:
      - culture: {side: counterpart, country: JP}
    then:
      conclude: {power-gap: 0.5}
"""


@pytest.fixture(scope="module")
def role_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb") / "kb"
    shutil.copytree(MINI_KB, root)
    (root / "rules.yaml").unlink()  # only the rules under test
    (root / "role-rules.yaml").write_text(ROLE_RULES)
    (root / "any-role.yaml").write_text(ANY_ROLE)
    return root


def fired(kb: Path, role: Role) -> set[str]:
    scenario = Scenario.model_validate(
        {
            "title": "roles",
            "we": {"culture": "US"},
            "they": {"culture": "JP"},
            "relationship": {"we_are": role.value},
            "goal": {"kind": "expand_scope"},
        }
    )
    report = advise(scenario, compiled_knowledge_base(kb))
    return {firing.rule for firing in report.trace.firings}


@pytest.mark.parametrize("role", list(Role))
def test_a_rule_fires_only_for_the_roles_it_is_written_for(role_kb: Path, role: Role) -> None:
    rules = fired(role_kb, role)
    assert ("seller-by-file" in rules) == (role in (Role.seller, Role.service_provider))
    assert ("buyer-by-rule" in rules) == (role is Role.buyer)
    assert "any-role" in rules


def test_the_guard_is_a_reason_like_any_other(role_kb: Path) -> None:
    scenario = Scenario.model_validate(
        {
            "title": "roles",
            "we": {"culture": "US"},
            "they": {"culture": "JP"},
            "relationship": {"we_are": "seller"},
            "goal": {"kind": "expand_scope"},
        }
    )
    report = advise(scenario, compiled_knowledge_base(role_kb))
    (firing,) = [f for f in report.trace.firings if f.rule == "seller-by-file"]
    matched = [report.trace.facts[fact_id] for fact_id in firing.facts]
    assert any(
        fact.type == "relationship" and fact.fields["we_are"] == "seller" for fact in matched
    )


def test_a_version_1_scenario_means_we_sell(role_kb: Path) -> None:
    scenario = Scenario.model_validate(
        {
            "title": "v1",
            "we": {"culture": "US"},
            "they": {"culture": "JP"},
            "goal": {"kind": "expand_scope"},
        }
    )
    assert scenario.relationship.we_are is Role.seller


def test_an_unknown_role_in_a_rules_file_is_located(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    (root / "role-rules.yaml").write_text(ROLE_RULES.replace("roles: [seller,", "roles: [sellers,"))
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(root)
    message = str(raised.value)
    assert "role-rules.yaml:1:" in message
    assert "sellers" in message


def test_a_rules_file_takes_no_other_default(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    (root / "role-rules.yaml").write_text("topic: hierarchy\n" + ROLE_RULES)
    with pytest.raises(KnowledgeBaseError, match="exactly one top-level key"):
        load_knowledge_base(root)
