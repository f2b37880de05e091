from __future__ import annotations

import inspect
from pathlib import Path

from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.run.compiler import FieldPredicate, _intern, compile_knowledge_base
from synergy_compass.engine.run.network import VariableComparison


def test_field_predicates_combine_tests_and_reject_non_numbers() -> None:
    predicate = FieldPredicate((("at_least", 10.0), ("below", 20.0), ("none_of", frozenset({15}))))
    assert predicate(10)
    assert not predicate(15)
    assert not predicate(20)
    assert not predicate("12")
    assert not predicate(True)


def test_variable_comparisons_take_only_their_bindings() -> None:
    comparison = VariableComparison("at_least", "_v0", "ours", 20)
    assert list(inspect.signature(comparison).parameters) == ["_v0", "ours"]
    assert comparison(_v0=60, ours=40)
    assert not comparison(_v0=59, ours=40)
    assert not comparison(_v0=60, ours=None)


def test_one_experta_rule_per_branch(mini_kb: Path) -> None:
    compiled = compile_knowledge_base(load_knowledge_base(mini_kb))
    branches = [(branch.rule_id, branch.branch) for branch in compiled.branches]
    assert branches == [
        ("power-gap-up", 0),
        ("vendor-stated", 0),
        ("stuck-when-vendor-and-gap", 0),
        ("impatience-noted", 0),
        ("impatience-noted", 1),
    ]
    rules = compiled.engine_class().get_rules()
    assert len(rules) == 5
    assert len({rule._wrapped for rule in rules}) == 5  # experta would merge equal actions


def test_identical_tests_share_one_predicate_object(mini_kb: Path) -> None:
    # Interning matters: experta shares an alpha node only for the same callable object.
    first = FieldPredicate((("one_of", frozenset({"a", "b"})),))
    second = FieldPredicate((("one_of", frozenset({"b", "a"})),))
    assert _intern(first) is _intern(second)
