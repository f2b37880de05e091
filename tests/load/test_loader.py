"""Load-time validation: every class of KB error gets a located, actionable message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.errors import KnowledgeBaseError
from synergy_compass.engine.load.discovery import default_kb_root, resolve_roots
from synergy_compass.engine.load.loader import load_knowledge_base

RULE_HEAD = """rules:
  - id: probe
    title: Probe
    rationale: Testing.
    sources: [test-source]
    topic: hierarchy
"""


def errors_for(broken_kb: Callable[[str, str], Path], relative: str, content: str) -> str:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(broken_kb(relative, content))
    return str(caught.value)


def test_the_mini_kb_loads(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    assert [rule.value.id for rule in knowledge_base.rules][:2] == ["power-gap-up", "vendor-stated"]
    assert set(knowledge_base.cultures) == {"US", "JP"}
    assert len(knowledge_base.digest) == 64


def test_the_digest_changes_with_content(broken_kb: Callable[[str, str], Path]) -> None:
    root = broken_kb("extra.yaml", "sources:\n  - {id: other, title: Other}\n")
    first = load_knowledge_base(root).digest
    (root / "extra.yaml").write_text("sources:\n  - {id: other, title: Changed}\n")
    assert load_knowledge_base(root).digest != first


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            RULE_HEAD
            + "    when: [{relationship: {seen_as: vendor}}]\n    then: {support: {introduse: 0.5}}\n",
            "rules.yaml:8:22: unknown advice 'introduse' (at then.support.introduse). Did you mean 'introduce'?",
        ),
        (
            RULE_HEAD
            + "    when: [{relationship: {seen_as: vendor}}]\n    then: {conclude: {vendr: 0.5}}\n",
            "unknown finding 'vendr'",
        ),
        (
            RULE_HEAD
            + "    when: [{relationshp: {seen_as: vendor}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "rules.yaml:7:13: unknown fact type 'relationshp' (at when.0.relationshp). Did you mean 'relationship'?",
        ),
        (
            RULE_HEAD
            + "    when: [{relationship: {seen: vendor}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "the fact type 'relationship' has no field 'seen'",
        ),
        (
            RULE_HEAD
            + "    when: [{relationship: {seen_as: vendr}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "unknown value 'vendr' for a enum field (at when.0.relationship.seen_as). Did you mean 'vendor'?",
        ),
        (
            RULE_HEAD
            + "    when: [{not: {score: {value: {as: x}}}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "the variable 'x' is used in a negation before it is bound",
        ),
        (
            RULE_HEAD
            + "    when: [{score: {value: {at_least: {var: y}}}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "the variable 'y' is used before it is bound",
        ),
        (
            RULE_HEAD
            + "    when: [{relationship: {stage: {at_least: 3}}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "'at_least' compares numbers",
        ),
        (
            RULE_HEAD.replace("[test-source]", "[test-sauce]")
            + "    when: [{goal: {kind: expand_scope}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "unknown source 'test-sauce' (at sources.0). Did you mean 'test-source'?",
        ),
        (
            RULE_HEAD
            + "    when: [{goal: {kind: expand_scope}}]\n    then: {conclude: {vendor: 0.5}}\n"
            "    salince: 3\n",
            "rules.yaml:9:5: unknown key 'salince' (at rules.0.salince). Did you mean 'salience'?",
        ),
        (
            RULE_HEAD
            + "    when: [{goal: {kind: {at_lest: 1}}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "unknown key 'at_lest' (at rules.0.when.0.goal.kind.at_lest). Did you mean 'at_least' or 'at_most'?",
        ),
        (
            RULE_HEAD
            + "    when: [{goal: {kind: expand_scope}}]\n    then: {conclude: {vendor: 1.5}}\n",
            "Input should be less than or equal to 1; found 1.5 (at rules.0.then.conclude.vendor)",
        ),
        (
            RULE_HEAD + "    when: [{goal: {kind: expand_scope}}]\n    then: {}\n",
            "'then' must conclude a finding or support an advice",
        ),
        (
            RULE_HEAD.replace("topic: hierarchy", "topic: hierachy")
            + "    when: [{goal: {kind: expand_scope}}]\n    then: {conclude: {vendor: 0.5}}\n",
            "Did you mean 'hierarchy'?",
        ),
    ],
)
def test_rule_errors_are_located_and_helpful(
    broken_kb: Callable[[str, str], Path], content: str, expected: str
) -> None:
    assert expected in errors_for(broken_kb, "rules.yaml", content)


def test_duplicate_ids_name_both_places(broken_kb: Callable[[str, str], Path]) -> None:
    message = errors_for(
        broken_kb,
        "more-advice.yaml",
        "advice:\n  - {id: introduce, title: T, advice: A, topic: hierarchy, stage: now,"
        " sources: [test-source]}\n",
    )
    assert message.startswith("more-advice.yaml:2:10: duplicate advice id 'introduce'")
    assert "already defined at advice.yaml:2:9" in message


def test_culture_problems(broken_kb: Callable[[str, str], Path]) -> None:
    message = errors_for(
        broken_kb,
        "cultures/jp.yaml",
        "culture:\n  country: XX\n  name: Nowhere\n  scores:\n    pdi: {value: 130, source: test-source}\n"
        "    pdl: {value: 1, source: test-source}\n",
    )
    assert "cultures/jp.yaml:2:12: 'XX' is not an ISO 3166-1 alpha-2 code" in message
    assert "cultures/jp.yaml:5:18: the score 130 is outside the Power distance scale" in message
    assert "cultures/jp.yaml:6:5: unknown dimension 'pdl'" in message


def test_every_problem_is_reported_at_once(broken_kb: Callable[[str, str], Path]) -> None:
    broken_kb("a.yaml", "rulez: []\n")
    message = errors_for(broken_kb, "b.yaml", "advice: [1]\n")
    assert "a.yaml:1:1: a knowledge-base file has exactly one top-level key" in message
    assert "Did you mean 'rules'?" in message
    assert "b.yaml:1:10:" in message


def test_a_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="is not a directory"):
        load_knowledge_base(tmp_path / "nothing")


def test_a_kb_can_extend_another(tmp_path: Path, mini_kb: Path) -> None:
    extension = tmp_path / "extra"
    extension.mkdir()
    (extension / "advice.yaml").write_text(
        "advice:\n  - {id: extra-advice, title: T, advice: A, topic: time, stage: now,"
        " sources: [test-source]}\n"
    )
    (extension / "rules.yaml").write_text(
        "rules:\n  - id: extra-rule\n    title: T\n    rationale: R\n    sources: [test-source]\n"
        "    topic: time\n    when: [{goal: {kind: expand_scope}}]\n"
        "    then: {support: {extra-advice: 0.5, introduce: 0.2}}\n"
        "  - id: power-gap-up\n    title: T\n    rationale: R\n    sources: [test-sorce]\n"
        "    topic: time\n    when: [{goal: {kind: expand_scope}}]\n    then: {support: {introduce: 0.2}}\n"
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([mini_kb, extension])
    message = str(caught.value)
    assert (
        "extra/rules.yaml:9:9: duplicate rule id 'power-gap-up'; it is already defined at rules.yaml:2:9"
        in message
    )
    assert "extra/rules.yaml:12:15: unknown source 'test-sorce'" in message
    (extension / "rules.yaml").write_text(
        (extension / "rules.yaml").read_text().split("  - id: power-gap-up")[0]
    )
    combined = load_knowledge_base([mini_kb, extension])
    assert [rule.value.id for rule in combined.rules][-1] == "extra-rule"
    assert len(combined.roots) == 2


def test_extends_shipped_puts_the_shipped_kb_first(tmp_path: Path) -> None:
    extension = tmp_path / "mine"
    extension.mkdir()
    (extension / "kb.yaml").write_text(
        "knowledge_base: {name: Mine, version: 1.0.0, extends: shipped}\n"
    )
    assert resolve_roots([extension]) == [default_kb_root().resolve(), extension.resolve()]
