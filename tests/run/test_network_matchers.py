"""Each branch's first-declaration function against the general join on the same facts: the
same matches in the same order with the same bindings, from a network built fresh and from
its stored form alike, and a refusal (the general path's turn) past the match bound."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from synergy_compass.engine.run.network import MatchNetwork, NetworkBuilder
from synergy_compass.engine.run.network_matchers import first_matcher
from synergy_compass.engine.run.network_state import NetworkState
from synergy_compass.engine.run.network_storage import network_data, network_from_data
from synergy_compass.engine.schemas.conditions import Atom
from synergy_compass.engine.schemas.rules import Pattern
from test_network_incremental import Fact, fields, networks  # the same folder, on the path


@st.composite
def declarations(draw: st.DrawFn) -> list[Fact]:
    """The initial fact and a few facts, scores drawn from values Python finds equal."""
    facts: list[Fact] = [(0, "initial-fact", {})]
    for kind in draw(st.lists(st.sampled_from(["person", "score", "finding"]), max_size=9)):
        values = fields(draw, kind)
        if kind == "score":
            values["value"] = draw(st.sampled_from([0, 1, 2, 1.0, True, [1]]))
        facts.append((len(facts), kind, values))
    return facts


def declared(network: MatchNetwork, facts: list[Fact]) -> NetworkState:
    state = NetworkState(network)
    for fact_id, fact_type, values in facts:
        for alpha_id in network.accepting(fact_type, values):
            state._remember(alpha_id, (fact_id, values))
    return state


@settings(max_examples=400, deadline=None)
@given(network=networks(), facts=declarations(), stored=st.booleans())
def test_each_function_finds_what_the_general_join_finds(
    network: MatchNetwork, facts: list[Fact], stored: bool
) -> None:
    if stored:  # the cached network's plans, read back, make the same functions
        network = network_from_data(network_data(network))
    state = declared(network, facts)
    for branch in range(len(network.plans)):
        matcher = first_matcher(network, branch)
        if matcher is None or state.missing[branch]:
            continue
        found = matcher(state.memories, 1_000)
        expected = state._matches(branch, -1, {}, set(), 0)
        assert found is not None
        assert list(found.items()) == list(expected.items())
        for key, match in found.items():  # bindings too: a Match compares them as values
            assert match.bindings == expected[key].bindings
            assert type(match.bindings) is type(expected[key].bindings)


def person(rank: str, team: dict[str, Any] | str) -> Atom:
    return Atom("pattern", (Pattern.model_validate({"person": {"rank": rank, "team": team}}),), ())


def test_the_shapes_a_function_is_made_for() -> None:
    builder = NetworkBuilder()
    one = builder.add_branch([person("top", "a")])
    joined = builder.add_branch([person("top", {"as": "t"}), person("middle", {"as": "t"})])
    unless_any = builder.add_branch(
        [person("top", "a"), Atom("not", (person("working", "b").patterns[0],), ())]
    )
    unless_same = builder.add_branch(
        [person("top", {"as": "t"}), Atom("not", (person("working", {"as": "t"}).patterns[0],), ())]
    )
    exists = builder.add_branch(
        [person("top", "a"), Atom("exists", (person("working", "b").patterns[0],), ())]
    )
    waiting = builder.add_branch([Atom("not", (person("working", "b").patterns[0],), ())])
    network = builder.build()
    assert all(first_matcher(network, branch) for branch in (one, joined, unless_any))
    # a not that shares a variable, an exists, no positive pattern: the general path's
    assert not any(first_matcher(network, branch) for branch in (unless_same, exists, waiting))
    assert first_matcher(network, one) is first_matcher(network, one)  # made once


def test_past_the_bound_a_function_leaves_the_branch_to_the_general_path() -> None:
    builder = NetworkBuilder()
    branch = builder.add_branch([person("top", {"as": "t"}), person("middle", {"as": "u"})])
    network = builder.build()
    facts: list[Fact] = [(0, "initial-fact", {})]
    facts += [(n, "person", {"rank": "top", "team": "a"}) for n in range(1, 4)]
    facts += [(n, "person", {"rank": "middle", "team": "b"}) for n in range(4, 7)]
    state = declared(network, facts)
    matcher = first_matcher(network, branch)
    assert matcher is not None
    assert matcher(state.memories, 8) is None  # 9 combinations
    assert matcher(state.memories, 9) is not None
    state = NetworkState(network)
    bound = mock.patch("synergy_compass.engine.run.network_state.PARTIAL_MATCHES_PER_RULE", 8)
    general = mock.patch.object(NetworkState, "_matches", autospec=True, return_value={})
    with bound, general as joins:
        state.changes(facts)
    assert joins.called  # which names the bound crossed
