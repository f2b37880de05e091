"""The network's state kept up to date fact by fact against the same state worked out from
scratch: after every change, the matches kept (and the gains and losses reported) must be
exactly those of every branch computed again from all the facts in memory.

During a run facts are only added, so most changes are worked out from the new facts alone
(:meth:`NetworkState._add`); these sequences mix additions, in batches, with retractions,
over branches that join, compare, negate and ask for existence.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from synergy_compass.engine.run import network_memo
from synergy_compass.engine.run.network import MatchNetwork, NetworkBuilder
from synergy_compass.engine.run.network_state import Match, NetworkState
from synergy_compass.engine.schemas.conditions import Atom
from synergy_compass.engine.schemas.rules import Pattern

RANKS = ("top", "middle", "working")
TEAMS = ("a", "b")
DIMENSIONS = ("pdi", "idv")
FINDINGS = ("f0", "f1", "f2")

Fact = tuple[int, str, dict[str, Any]]


def field_test(draw: st.DrawFn, bound: list[str], may_bind: bool, constants: Any) -> Any:
    """A constant, a new variable, a join on a bound one, or a comparison with one."""
    choices = ["constant"] + (["bind"] if may_bind else [])
    choices += ["join", "compare"] if bound else []
    choice = draw(st.sampled_from(choices))
    if choice == "bind":
        bound.append(f"v{len(bound)}")
        return {"as": bound[-1]}
    if choice == "join":
        return {"as": draw(st.sampled_from(bound))}
    if choice == "compare":
        operator = draw(st.sampled_from(["at_least", "below", "not"]))
        variable = draw(st.sampled_from(bound))
        return (
            {operator: {"var": variable}}
            if operator == "not"
            else {operator: {"var": variable, "plus": draw(st.integers(-2, 2))}}
        )
    return draw(constants)


def pattern(draw: st.DrawFn, bound: list[str], may_bind: bool) -> Pattern:
    kind = draw(st.sampled_from(["person", "score", "finding"]))
    if kind == "person":
        rank = st.sampled_from([*RANKS, list(RANKS[:2])])
        data = {
            "rank": draw(rank),
            "team": field_test(draw, bound, may_bind, st.sampled_from(TEAMS)),
        }
    elif kind == "score":
        threshold = st.builds(lambda bound: {"at_least": bound}, st.integers(0, 4))
        data = {
            "dimension": draw(st.sampled_from(DIMENSIONS)),
            "value": field_test(draw, bound, may_bind, threshold),
        }
    else:
        data = {"name": draw(st.sampled_from(FINDINGS))}
    return Pattern.model_validate({kind: data})


@st.composite
def networks(draw: st.DrawFn) -> MatchNetwork:
    builder = NetworkBuilder()
    for _ in range(draw(st.integers(1, 6))):
        bound: list[str] = []
        atoms = [
            Atom("pattern", (pattern(draw, bound, True),), ())
            for _ in range(draw(st.integers(0, 3)))
        ]
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(["not", "exists"]))
            inner = [pattern(draw, bound, False) for _ in range(1 if kind == "not" else 2)]
            atoms.append(Atom(kind, tuple(inner), ()))
        if not any(atom.kind == "pattern" for atom in atoms) and draw(st.booleans()):
            atoms = atoms[:1]  # a branch with no positive pattern waits for the initial fact
        builder.add_branch(atoms)
    return builder.build()


def fields(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    if kind == "person":
        return {"rank": draw(st.sampled_from(RANKS)), "team": draw(st.sampled_from(TEAMS))}
    if kind == "score":
        return {"dimension": draw(st.sampled_from(DIMENSIONS)), "value": draw(st.integers(0, 4))}
    return {"name": draw(st.sampled_from(FINDINGS))}


@st.composite
def changes(draw: st.DrawFn) -> list[tuple[list[Fact], list[int]]]:
    """Batches of new facts (the first holds the initial fact), each with some earlier
    facts to retract (by position among those declared), mostly none."""
    made = [(0, "initial-fact", {})]
    sequence = []
    for batch in range(draw(st.integers(1, 8))):
        kinds = draw(st.lists(st.sampled_from(["person", "score", "finding"]), max_size=6))
        facts = [(len(made) + n, kind, fields(draw, kind)) for n, kind in enumerate(kinds)]
        if batch == 0:
            facts.insert(0, made[0])
        made += facts[1:] if batch == 0 else facts
        retract = draw(st.lists(st.integers(0, 40), max_size=2)) if draw(st.integers(0, 3)) else []
        sequence.append((facts, retract))
    return sequence


def from_scratch(network: MatchNetwork, facts: list[Fact]) -> dict[tuple[int, ...], Match]:
    state = NetworkState(network)
    for fact_id, fact_type, fact_fields in facts:
        for alpha_id in network.accepting(fact_type, fact_fields):
            state._remember(alpha_id, (fact_id, fact_fields))
    found = {}
    for branch in range(len(network.plans)):
        if not state.missing[branch]:  # every positive pattern has a fact
            matches = state._matches(branch, -1, {}, set(), 0)
            found.update({(branch, *key): match for key, match in matches.items()})
    return found


@settings(max_examples=300, deadline=None)
@given(network=networks(), sequence=changes())
def test_matches_kept_up_to_date_are_those_worked_out_from_scratch(
    network: MatchNetwork, sequence: list[tuple[list[Fact], list[int]]]
) -> None:
    state = NetworkState(network)
    memory: list[Fact] = []
    reported: dict[tuple[int, ...], Match] = {}
    for added, retract in sequence:
        declared = [fact for fact in memory if fact[1] != "initial-fact"]
        removed = {declared[n % len(declared)][0]: None for n in retract} if declared else {}
        gone = [fact for fact in memory if fact[0] in removed]
        memory = [fact for fact in memory if fact[0] not in removed] + added
        gained, lost = state.changes(added, gone)
        for match in lost:
            assert reported.pop((match.branch, *match.key)) is match
        for match in gained:
            assert (match.branch, *match.key) not in reported
            reported[(match.branch, *match.key)] = match
        kept = {
            (branch, *key): match
            for branch, matches in enumerate(state.matches)
            for key, match in matches.items()
        }
        assert kept == reported
        assert kept == from_scratch(network, memory)
        assert state.held == len(kept)


VALUES = (0, 1, 2, 1.0, 2.0, True, False)
"""Score values equal in Python and not to the rules (``1``, ``1.0``, ``True``)."""


@st.composite
def first_declarations(draw: st.DrawFn) -> list[tuple[list[Fact], list[Fact]]]:
    """Runs one after another on one state: each declares the initial fact and a few facts
    drawn from few values at once (so later runs meet facts and memory contents seen before,
    at other ids), then a batch of new facts."""
    runs = []
    for _ in range(draw(st.integers(2, 6))):
        first_id = draw(st.integers(0, 3))
        kinds = draw(st.lists(st.sampled_from(["person", "score", "finding"]), max_size=6))
        facts: list[Fact] = [(first_id, "initial-fact", {})]
        for kind in kinds:
            values = fields(draw, kind)
            if kind == "score":
                values["value"] = draw(st.sampled_from(VALUES))
            facts.append((first_id + len(facts), kind, values))
        later = [(first_id + len(facts), "finding", {"name": draw(st.sampled_from(FINDINGS))})]
        runs.append((facts, later))
    return runs


@settings(max_examples=300, deadline=None)
@given(network=networks(), runs=first_declarations(), full_at=st.sampled_from([3, 100_000]))
def test_first_declarations_into_a_used_state_match_as_from_scratch(
    network: MatchNetwork, runs: list[tuple[list[Fact], list[Fact]]], full_at: int
) -> None:
    # the memo of earlier runs (emptied when full, with a small bound) must change nothing
    state = NetworkState(network)
    with mock.patch.object(network_memo, "MEMO_ENTRIES", full_at):
        for facts, later in runs:
            state.reset()
            gained, lost = state.changes(facts)
            assert not lost
            assert {(match.branch, *match.key): match for match in gained} == from_scratch(
                network, facts
            )
            state.changes(later)
            kept = {
                (branch, *key): match
                for branch, matches in enumerate(state.matches)
                for key, match in matches.items()
            }
            assert kept == from_scratch(network, facts + later)
            assert state.held == len(kept)


def test_a_branch_of_constants_alone_is_matched_in_one_pass_at_a_first_declaration() -> None:
    # every combination of its patterns' facts, in join order, unless a not's memory holds one
    builder = NetworkBuilder()
    people = Pattern.model_validate({"person": {"rank": "top"}})
    scores = Pattern.model_validate({"score": {"dimension": "pdi"}})
    unless = Pattern.model_validate({"finding": {"name": "f0"}})
    joined = builder.add_branch(
        [Atom("pattern", (people,), ()), Atom("pattern", (scores,), ()), Atom("not", (unless,), ())]
    )
    network = builder.build()
    facts: list[Fact] = [
        (0, "initial-fact", {}),
        (1, "person", {"rank": "top", "team": "a"}),
        (2, "score", {"dimension": "pdi", "value": 1}),
        (3, "person", {"rank": "top", "team": "b"}),
        (4, "score", {"dimension": "pdi", "value": 2}),
    ]
    state = NetworkState(network)
    with mock.patch.object(NetworkState, "_matches", autospec=True) as joins:
        gained, _ = state.changes(facts)
    assert not joins.called
    assert [match.key for match in gained] == [(1, 2), (1, 4), (3, 2), (3, 4)]
    assert {(joined, *match.key): match for match in gained} == from_scratch(network, facts)
    state.reset()
    blocked = [*facts, (5, "finding", {"name": "f0"})]
    assert state.changes(blocked) == ([], [])
