"""How a branch's tests become experta conditions: one hashable predicate per field, shared
between rules, and variable comparisons that take only their own bindings."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.run import experta_rules
from synergy_compass.engine.run.branches import CompiledBranch, RuleExpansion
from synergy_compass.engine.run.compiler import MatcherName, compile_knowledge_base
from synergy_compass.engine.run.experta_compat import Rule
from synergy_compass.engine.run.experta_rules import RuleBook
from synergy_compass.engine.run.network import VariableComparison
from synergy_compass.engine.run.rete_conditions import FieldPredicate, _intern


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


def test_identical_tests_share_one_predicate_object() -> None:
    # Interning matters: experta shares an alpha node only for the same callable object.
    first = FieldPredicate((("one_of", frozenset({"a", "b"})),))
    second = FieldPredicate((("one_of", frozenset({"b", "a"})),))
    assert _intern(first) is _intern(second)


@pytest.mark.parametrize("matcher", ["network", "rete"])
def test_each_rule_carries_what_its_firings_record(mini_kb: Path, matcher: MatcherName) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    compiled = compile_knowledge_base(knowledge_base, matcher)
    records = [rule.synergy_firing for rule in compiled.engine_class().get_rules()]
    assert len(records) == len(compiled.branches)
    by_branch = {(record[0], record[1]): record for record in records}
    for branch in compiled.branches:
        rule = knowledge_base.rules[branch.rule_index].value
        _, _, conclusions, existence = by_branch[(rule.id, branch.branch)]
        assert conclusions == tuple(rule.then.conclude)
        assert existence == tuple(atom.patterns for atom in branch.atoms if atom.kind == "exists")
    assert any(existence for _, _, _, existence in records)  # the mini KB has an exists


def test_rules_for_our_network_carry_no_conditions(mini_kb: Path) -> None:
    # our network holds the conditions; writing them out again as experta's cost about a
    # third of a run on facts the process had not seen before
    knowledge_base = load_knowledge_base(mini_kb)
    network_rules = compile_knowledge_base(knowledge_base).engine_class().get_rules()
    rete_rules = compile_knowledge_base(knowledge_base, "rete").engine_class().get_rules()
    assert all(len(rule) == 0 for rule in network_rules)
    assert all(len(rule) > 0 for rule in rete_rules)
    by_name = {rule.__name__: rule for rule in rete_rules}
    for rule in network_rules:
        assert rule.salience == by_name[rule.__name__].salience
        assert rule.synergy_firing == by_name[rule.__name__].synergy_firing


def test_a_rule_is_expanded_for_its_firings_only_when_it_has_an_exists(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    compiled = compile_knowledge_base(knowledge_base)
    has_exists = [
        any(atom.kind == "exists" for atom in branch.atoms) for branch in compiled.branches
    ]
    assert any(has_exists)
    assert not all(has_exists)
    # branches not yet expanded, as a KB read back with its stored network has them
    fresh = tuple(
        CompiledBranch(branch.rule_index, branch.branch, RuleExpansion(branch.expansion.located))
        for branch in compiled.branches
    )
    book = RuleBook(fresh, has_exists)
    for index, branch in enumerate(fresh):
        assert book[index].synergy_firing[1] == branch.branch
        assert ("branches" in branch.expansion.__dict__) == has_exists[index]


def test_a_rule_wraps_its_action_as_experta_s_decorator_does(mini_kb: Path) -> None:
    # made without the decorator's look at the signature: the same rule, which passes an
    # action every binding
    knowledge_base = load_knowledge_base(mini_kb)
    branch = compile_knowledge_base(knowledge_base).branches[0]
    made = experta_rules._rule(branch, (), ())
    action = made._wrapped
    assert made.__dict__ == Rule(salience=branch.salience)(action).__dict__
    called: list[dict[str, object]] = []
    made._wrapped = lambda _engine, **bindings: called.append(bindings)
    made(None, ours=1, _p0=2)
    assert called == [{"ours": 1, "_p0": 2}]
