"""The stored network: each distinct step once, plans naming steps by place, read back equal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from synergy_compass.engine.run.network import NetworkBuilder
from synergy_compass.engine.run.network_storage import network_data, network_from_data
from synergy_compass.engine.schemas.conditions import Atom, AtomKind
from synergy_compass.engine.schemas.rules import Pattern


def atom(kind: AtomKind, data: dict[str, Any]) -> Atom:
    return Atom(kind, (Pattern.model_validate(data),), ())


def test_a_step_used_by_many_branches_is_stored_once_and_read_back_equal() -> None:
    builder = NetworkBuilder()
    for finding in ("f0", "f1", "f2"):
        builder.add_branch(
            (
                atom("pattern", {"observation": {"kind": "no_decision"}}),
                atom("pattern", {"finding": {"name": finding}}),
                atom("not", {"observation": {"kind": "silence_in_meetings"}}),
            )
        )
    network = builder.build()
    stored = json.loads(json.dumps(network_data(network)))
    assert len(stored["steps"]) == 5  # the observation, three findings, the negation
    assert [plan[0][0] for plan in stored["plans"]] == [0, 0, 0]
    read = network_from_data(stored)
    assert read == network
    shared = {id(plan.positives[0]) for plan in read.plans}
    assert len(shared) == 1  # made once, as stored
    built = {id(plan.positives[0]) for plan in network.plans}
    assert len(built) == 1  # and as built: the builder makes each distinct step once


def test_steps_that_differ_in_a_variable_or_a_comparison_are_not_shared() -> None:
    def counterpart(test: dict[str, Any]) -> Atom:
        return atom("pattern", {"score": {"side": "counterpart", "value": test}})

    ours = atom("pattern", {"score": {"side": "home", "value": {"as": "ours"}}})
    builder = NetworkBuilder()
    for gap in (10, 10, 20):
        builder.add_branch((ours, counterpart({"above": {"var": "ours", "plus": gap}, "as": "t"})))
    builder.add_branch((ours, counterpart({"above": {"var": "ours", "plus": 10}})))
    builder.add_branch((atom("pattern", {"score": {"side": "home", "value": {"as": "mine"}}}),))
    network = builder.build()
    firsts = [plan.positives[0] for plan in network.plans]
    seconds = [plan.positives[1] for plan in network.plans[:4]]
    assert firsts[0] is firsts[1] is firsts[2] is firsts[3]
    assert firsts[4] is not firsts[0]  # another variable
    assert seconds[0] is seconds[1]
    assert seconds[2] is not seconds[0]  # another gap
    assert seconds[3] is not seconds[0]  # a variable of the compiler's own, not 't'
    assert seconds[2].comparisons[0].amount == 20
    assert len(json.loads(json.dumps(network_data(network)))["steps"]) == 5


def test_a_plan_naming_a_step_that_is_not_stored_is_refused() -> None:
    builder = NetworkBuilder()
    builder.add_branch((atom("pattern", {"observation": {"kind": "no_decision"}}),))
    stored = json.loads(json.dumps(network_data(builder.build())))
    stored["plans"][0][0] = [7]
    with pytest.raises(IndexError):
        network_from_data(stored)
