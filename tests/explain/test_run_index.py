"""The run index explain reads: facts by id, firings by number, each firing's matched facts."""

from __future__ import annotations

from synergy_compass.engine.explain.run_index import RunIndex
from synergy_compass.engine.schemas.facts import (
    FactRecord,
    ProfileOrigin,
    RuleOrigin,
    ScenarioOrigin,
)
from synergy_compass.engine.schemas.results import Firing, RunResult


def _run() -> RunResult:
    """Firing 1 matches fact 1 twice (a role guard and the rule's own test) and has fact 0 as
    a witness of an 'exists'; firing 2 matches the finding it concluded and fact 0."""
    at = ScenarioOrigin(paths=("relationship.stage",))
    facts = (
        FactRecord(id=0, type="observation", fields={"kind": "a"}, origin=at),
        FactRecord(id=1, type="relationship", fields={"stage": "new"}, origin=at),
        FactRecord(id=2, type="finding", fields={"name": "f"}, origin=RuleOrigin(firings=(1,))),
    )
    firings = (
        Firing(
            number=1, rule="r1", branch=0, facts=(1, 1), bindings={}, witnesses=(0,), concluded=(2,)
        ),
        Firing(number=2, rule="r2", branch=0, facts=(2, 0), bindings={}, concluded=()),
    )
    return RunResult(facts=facts, firings=firings)


def test_each_firing_lists_its_facts_once_then_its_witnesses() -> None:
    run = _run()
    index = RunIndex(run)
    assert index.matched == {1: (1, 0), 2: (2, 0)}
    assert index.matched_facts[1] == (run.facts[1], run.facts[0])
    assert index.facts[2] is run.facts[2]
    assert index.firings[2] is run.firings[1]


def test_an_index_is_reused_only_for_its_own_run() -> None:
    run = _run()
    index = RunIndex(run)
    assert RunIndex.of(run, index) is index
    other = RunIndex.of(_run(), index)
    assert other is not index
    assert other.matched == index.matched
    assert RunIndex.of(run, None) is not index


def test_facts_rules_made_and_facts_stated_are_sorted_in_one_pass() -> None:
    run = _run()
    profile = FactRecord(
        id=3,
        type="score",
        fields={"side": "home", "dimension": "pdi", "value": 40},
        origin=ProfileOrigin(
            country="US", dimension="pdi", source="hofstede", file="profiles/us.yaml"
        ),
    )
    run = run.model_copy(update={"facts": (*run.facts, profile)})
    index = RunIndex(run)
    assert index.concluded == {2: (1,)}
    # a profile score is neither made by a rule nor stated by the case
    assert index.stated == [run.facts[0], run.facts[1]]
    assert list(index.facts) == [0, 1, 2, 3]
