"""What first declarations found, remembered from one run to the next (``NoMatchMemo``): it
only spares work, so runs after others have filled it find exactly what they find alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.run import network_memo
from synergy_compass.engine.run.compiler import compile_knowledge_base
from synergy_compass.engine.run.input_facts import build_input_facts
from synergy_compass.engine.run.network import NetworkBuilder
from synergy_compass.engine.run.network_memo import NoMatchMemo
from synergy_compass.engine.run.network_state import NetworkState
from synergy_compass.engine.run.runner import run
from synergy_compass.engine.schemas.conditions import Atom
from synergy_compass.engine.schemas.rules import Pattern

SHIPPED = Path(__file__).resolve().parents[2] / "kb"


def test_shipped_scenarios_run_the_same_with_a_memo_filled_by_the_others() -> None:
    compiled = compile_knowledge_base(load_knowledge_base(SHIPPED))
    paths = sorted((SHIPPED / "scenarios").glob("*.yaml"))
    facts = [
        build_input_facts(load_scenario(path).scenario, compiled.knowledge_base) for path in paths
    ]
    state = compiled.engine().matcher.state
    alone = []
    for scenario_facts in facts:
        state.memo = NoMatchMemo(state.network)
        alone.append(run(compiled, scenario_facts))
    state.memo = NoMatchMemo(state.network)
    for _ in range(2):  # the second pass meets every scenario's facts again
        for path, scenario_facts, result in reversed(list(zip(paths, facts, alone, strict=True))):
            assert run(compiled, scenario_facts) == result, path.name
    assert state.memo.unmatched  # it was used


def score_rule(threshold: int) -> list[Atom]:
    score = {"score": {"dimension": "pdi", "value": {"at_least": threshold}}}
    return [Atom("pattern", (Pattern.model_validate(score),), ())]


def score(fact_id: int, value: Any) -> tuple[int, str, dict[str, Any]]:
    return fact_id, "score", {"dimension": "pdi", "value": value}


def first_declaration(state: NetworkState, *facts: tuple[int, str, dict[str, Any]]) -> list[int]:
    state.reset()
    gained, _ = state.changes([(0, "initial-fact", {}), *facts])
    return sorted(match.branch for match in gained)


def test_a_branch_with_no_match_is_not_worked_out_again_over_the_same_values() -> None:
    builder = NetworkBuilder()
    low, high = builder.add_branch(score_rule(1)), builder.add_branch(score_rule(5))
    state = NetworkState(builder.build())
    assert first_declaration(state, score(1, 3)) == [low]
    with mock.patch.object(NetworkState, "_first_matches", autospec=True) as worked_out:
        assert first_declaration(state, score(7, 3)) == []  # same value at another id
    assert [call.args[1] for call in worked_out.call_args_list] == [low]
    assert first_declaration(state, score(1, 9)) == [low, high]  # another value: worked out


def test_values_equal_in_python_are_told_apart_by_type() -> None:
    # True == 1, but the rules refuse booleans as numbers
    builder = NetworkBuilder()
    branch = builder.add_branch(score_rule(1))
    state = NetworkState(builder.build())
    assert first_declaration(state, score(1, True)) == []
    assert first_declaration(state, score(1, 1)) == [branch]
    assert first_declaration(state, score(1, 1.0)) == [branch]
    assert first_declaration(state, score(1, False)) == []


def test_a_fact_whose_values_cannot_be_hashed_is_worked_out_every_time() -> None:
    builder = NetworkBuilder()
    builder.add_branch(score_rule(1))
    state = NetworkState(builder.build())
    unhashable = (1, "score", {"dimension": "pdi", "value": [0]})
    assert first_declaration(state, unhashable) == []
    assert first_declaration(state, unhashable) == []
    assert not state.memo.unmatched


def test_the_memo_is_emptied_when_full_before_a_declaration() -> None:
    builder = NetworkBuilder()
    builder.add_branch(score_rule(5))
    state = NetworkState(builder.build())
    facts_known = []
    with mock.patch.object(network_memo, "MEMO_ENTRIES", 4):
        for value in range(4):
            first_declaration(state, score(1, value))
            facts_known.append(len(state.memo.fact_numbers))
    # each declaration adds its score (no test accepts it), to the initial fact, its memory's
    # content and the empty content: past four entries the memo starts again from the next
    assert facts_known == [2, 3, 2, 3]
