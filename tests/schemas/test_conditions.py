"""A rule's branches: worked out once for each rule, whoever asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.schemas import conditions
from synergy_compass.engine.schemas.conditions import rule_branches

SHIPPED_KB = Path(__file__).resolve().parents[2] / "kb"


def test_a_rules_branches_are_expanded_once_and_each_caller_gets_its_own_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = load_knowledge_base(SHIPPED_KB).rules
    first = [rule_branches(rule) for rule in rules]  # the loader's checks expanded them
    expanded: list[object] = []
    monkeypatch.setattr(conditions, "expand", lambda *args: expanded.append(args) or [])
    again = [rule_branches(rule) for rule in rules]
    assert expanded == []
    assert again == first
    again[0].clear()
    assert rule_branches(rules[0]) == first[0]


def test_rules_for_the_same_roles_share_one_guard_pattern() -> None:
    rules = load_knowledge_base(SHIPPED_KB).rules
    guards: dict[object, set[int]] = {}
    for rule in rules:
        for branch in rule_branches(rule):
            last = branch[-1]
            if last.path == ("roles",):
                guards.setdefault(last.patterns[0].model_dump_json(), set()).add(
                    id(last.patterns[0])
                )
    assert len(guards) > 1
    assert all(len(objects) == 1 for objects in guards.values())
