"""Our match network against experta's own RETE: the same activations, the same runs.

The network replaces experta's matcher through its ``__matcher__`` hook for speed; these tests
are the argument that nothing else changed. Every shipped scenario, random rule sets over the
whole condition language, and random sequences of declare and retract must give identical
results through both.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.pipeline import DEFAULT_STEP_LIMIT as LIMIT
from synergy_compass.engine.run.compiler import CompiledKB, compile_knowledge_base, make_fact
from synergy_compass.engine.run.experta_rules import PATTERN_PREFIX
from synergy_compass.engine.run.input_facts import build_input_facts
from synergy_compass.engine.run.network import NetworkBuilder
from synergy_compass.engine.run.network_state import Match, NetworkState
from synergy_compass.engine.run.runner import run
from synergy_compass.engine.schemas.conditions import Atom
from synergy_compass.engine.schemas.facts import FactRecord, InputFacts, ScenarioOrigin
from synergy_compass.engine.schemas.rules import Pattern

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED = REPOSITORY / "kb"
MINI_KB = REPOSITORY / "tests" / "fixtures" / "mini_kb"


@pytest.fixture(scope="module")
def shipped_pair() -> tuple[CompiledKB, CompiledKB]:
    knowledge_base = load_knowledge_base(SHIPPED)
    return compile_knowledge_base(knowledge_base), compile_knowledge_base(knowledge_base, "rete")


def test_every_shipped_scenario_runs_the_same_through_both_matchers(
    shipped_pair: tuple[CompiledKB, CompiledKB],
) -> None:
    network, rete = shipped_pair
    scenarios = sorted((SHIPPED / "scenarios").glob("*.yaml"))
    assert len(scenarios) >= 50
    for path in scenarios:
        facts = build_input_facts(load_scenario(path).scenario, network.knowledge_base)
        ours, theirs = run(network, facts, LIMIT), run(rete, facts, LIMIT)
        assert ours == theirs, path.name
        assert ours.firings, path.name  # a scenario where nothing fires would prove little


# --- random rule sets over the condition language ---------------------------------------------

SIDES = ("home", "counterpart")
DIMENSIONS = ("pdi", "trusting")
FINDINGS = ("f0", "f1", "f2", "f3")
RANKS = ("top", "senior", "middle", "working")
OBSERVATIONS = ("no_decision", "polite_deferral", "silence_in_meetings")


def score_pattern(draw: st.DrawFn, bound: list[str], inside_exists: bool) -> dict[str, Any]:
    """A score test that binds, joins on, compares with a variable, or tests a constant.

    experta's RETE ignores the rule's variables inside an ``exists`` (see
    test_an_existence_sees_the_variables_bound_before_it), so variables are drawn for positive
    patterns only; inside ``exists``, constants."""
    choices = ["constant"]
    if not inside_exists:
        choices += ["bind", "join", "compare"] if bound else ["bind"]
    choice = draw(st.sampled_from(choices))
    value: dict[str, Any] = {}
    if choice == "bind":
        value["as"] = f"v{len(bound)}"
        bound.append(value["as"])
    elif choice == "join":  # a second score equal to one seen before
        value["as"] = draw(st.sampled_from(bound))
    elif choice == "compare":
        operator = draw(st.sampled_from(["at_least", "at_most", "above", "below"]))
        variable = draw(st.sampled_from(bound))
        value[operator] = {"var": variable, "plus": draw(st.integers(-20, 20))}
    else:
        value[draw(st.sampled_from(["at_least", "at_most"]))] = draw(st.integers(0, 120))
    side, dimension = draw(st.sampled_from(SIDES)), draw(st.sampled_from(DIMENSIONS))
    return {"score": {"side": side, "dimension": dimension, "value": value}}


def positive(draw: st.DrawFn, bound: list[str], index: int) -> Any:
    kind = draw(st.sampled_from(["score", "finding", "person", "observation", "any"]))
    observation = {"observation": {"kind": draw(st.sampled_from(OBSERVATIONS))}}
    if kind == "score":
        return score_pattern(draw, bound, inside_exists=False)
    if kind == "finding" and index:
        # chaining only on findings of earlier rules keeps the set of rules acyclic
        return {"finding": {"name": draw(st.sampled_from(FINDINGS[:index]))}}
    if kind == "person":
        return {"person": {"rank": draw(st.sampled_from(RANKS))}}
    if kind == "any":
        ranks = draw(st.lists(st.sampled_from(RANKS), min_size=1, max_size=2, unique=True))
        return {"any": [observation, {"person": {"rank": ranks}}]}
    return observation


def negative(draw: st.DrawFn, bound: list[str]) -> Any:
    kind = draw(st.sampled_from(["not-finding", "not-observation", "not-score", "exists"]))
    if kind == "not-finding":
        return {"not": {"finding": {"name": draw(st.sampled_from(FINDINGS))}}}
    if kind == "not-score" and bound:
        side, variable = draw(st.sampled_from(SIDES)), draw(st.sampled_from(bound))
        return {"not": {"score": {"side": side, "value": {"as": variable}}}}
    if kind == "exists":
        inner = [{"person": {"rank": draw(st.sampled_from(RANKS))}}]
        if draw(st.booleans()):
            inner.append(score_pattern(draw, bound, inside_exists=True))
        return {"exists": inner}
    return {"not": {"observation": {"kind": draw(st.sampled_from(OBSERVATIONS))}}}


@st.composite
def conditions(draw: st.DrawFn, index: int) -> list[Any]:
    """The ``when`` of one rule: positives first bind variables that later parts may use."""
    bound: list[str] = []
    when = [positive(draw, bound, index) for _ in range(draw(st.integers(1, 3)))]
    when += [negative(draw, bound) for _ in range(draw(st.integers(0, 2)))]
    return when


@st.composite
def rule_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    rules = []
    for index in range(draw(st.integers(1, 8))):
        rules.append(
            {
                "id": f"rule-{index}",
                "title": f"Random rule {index}",
                "rationale": "Generated to compare the two matchers.",
                "sources": ["test-source"],
                "topic": "hierarchy",
                "salience": draw(st.sampled_from([0, 0, 5])),
                "when": draw(conditions(min(index, len(FINDINGS)))),
                "then": {"conclude": {FINDINGS[index % len(FINDINGS)]: 0.5}},
            }
        )
    return rules


@st.composite
def input_facts(draw: st.DrawFn) -> InputFacts:
    drawn: list[tuple[str, dict[str, Any]]] = []
    for side in SIDES:
        drawn.append(
            ("culture", {"side": side, "country": "JP" if side == "counterpart" else "US"})
        )
        for dimension in DIMENSIONS:
            if draw(st.integers(0, 3)):  # a profile may lack a score, but seldom does
                value = draw(st.integers(0, 120))
                drawn.append(
                    (
                        "score",
                        {"side": side, "dimension": dimension, "value": value, "estimated": False},
                    )
                )
    for number, rank in enumerate(draw(st.lists(st.sampled_from(RANKS), max_size=3))):
        drawn.append(("person", {"rank": rank, "contact": "none", "role": f"person {number}"}))
    for kind in draw(st.lists(st.sampled_from(OBSERVATIONS), max_size=3, unique=True)):
        drawn.append(("observation", {"kind": kind}))
    origin = ScenarioOrigin(paths=("generated",))
    records = tuple(
        FactRecord(id=number, type=fact_type, fields=fields, origin=origin)
        for number, (fact_type, fields) in enumerate(drawn)
    )
    return InputFacts(facts=records)


def write_kb(root: Path, rules: list[dict[str, Any]]) -> Path:
    shutil.copytree(MINI_KB, root, dirs_exist_ok=True)
    (root / "rules.yaml").write_text(json.dumps({"rules": rules}))
    findings = [{"id": name, "title": name, "explanation": "generated"} for name in FINDINGS]
    (root / "findings.yaml").write_text(json.dumps({"findings": findings}))
    shutil.rmtree(root / "scenarios")
    return root


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rules=rule_sets(), facts=st.lists(input_facts(), min_size=1, max_size=3))
def test_random_rule_sets_run_the_same_through_both_matchers(
    tmp_path_factory: pytest.TempPathFactory, rules: list[dict[str, Any]], facts: list[InputFacts]
) -> None:
    knowledge_base = load_knowledge_base(write_kb(tmp_path_factory.mktemp("kb"), rules))
    network = compile_knowledge_base(knowledge_base)
    rete = compile_knowledge_base(knowledge_base, "rete")
    for scenario in facts:  # several runs on one engine: reset must forget everything
        assert run(network, scenario, LIMIT) == run(rete, scenario, LIMIT)


# --- declare and retract, activation by activation --------------------------------------------


def agenda_of(engine: Any) -> list[tuple[str, tuple[int, ...], tuple[tuple[str, Any], ...]]]:
    described = []
    for activation in engine.agenda.activations:
        context = activation.context
        matched = []
        position = 0
        while f"{PATTERN_PREFIX}{position}" in context:
            matched.append(context[f"{PATTERN_PREFIX}{position}"]["__factid__"])
            position += 1
        variables = tuple(sorted((k, v) for k, v in context.items() if not k.startswith("_")))
        described.append((activation.rule.__name__, tuple(matched), variables))
    return described


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rules=rule_sets(),
    facts=input_facts(),
    operations=st.lists(st.tuples(st.booleans(), st.integers(0, 30)), max_size=12),
)
def test_declare_and_retract_give_the_same_agenda(
    tmp_path_factory: pytest.TempPathFactory,
    rules: list[dict[str, Any]],
    facts: InputFacts,
    operations: list[tuple[bool, int]],
) -> None:
    """Outside a run experta updates the agenda after each declare and retract, so the two
    matchers must agree on what is gained and lost at every step, retraction included."""
    knowledge_base = load_knowledge_base(write_kb(tmp_path_factory.mktemp("kb"), rules))
    compiled = [compile_knowledge_base(knowledge_base, name) for name in ("network", "rete")]
    engines = [each.engine_class() for each in compiled]
    pool = [(record.type, record.fields) for record in facts.facts]
    pool += [("finding", {"name": name}) for name in FINDINGS]
    for engine in engines:
        engine.reset()
    for retract, number in operations:
        for engine, compiled_kb in zip(engines, compiled, strict=True):
            declared = [fact for fact in engine.facts.values() if "__factid__" in fact]
            if retract and len(declared) > 1:
                engine.retract(declared[1 + number % (len(declared) - 1)])
            elif not retract:
                fact_type, fields = pool[number % len(pool)]
                engine.declare(make_fact(compiled_kb, fact_type, fields))
        assert agenda_of(engines[0]) == agenda_of(engines[1])


# --- the network on its own -------------------------------------------------------------------


def pattern(data: dict[str, Any]) -> Pattern:
    return Pattern.model_validate(data)


def test_a_negation_that_becomes_true_takes_the_match_back() -> None:
    builder = NetworkBuilder()
    builder.add_branch(
        (
            Atom("pattern", (pattern({"observation": {"kind": "no_decision"}}),), ()),
            Atom("not", (pattern({"finding": {"name": "f0"}}),), ()),
        )
    )
    state = NetworkState(builder.build())
    gained, lost = state.changes([(1, "observation", {"kind": "no_decision"})])
    assert [match.key for match in gained] == [(1,)]
    assert lost == []
    gained, lost = state.changes([(2, "finding", {"name": "f0"})])
    assert gained == []
    assert [match.key for match in lost] == [(1,)]
    gained, lost = state.changes([], removed=[(2, "finding", {"name": "f0"})])
    assert [match.key for match in gained] == [(1,)]
    assert lost == []


def test_an_existence_counts_once_however_many_facts_meet_it() -> None:
    builder = NetworkBuilder()
    builder.add_branch(
        (
            Atom("pattern", (pattern({"observation": {"kind": "no_decision"}}),), ()),
            Atom("exists", (pattern({"person": {"rank": "top"}}),), ()),
        )
    )
    state = NetworkState(builder.build())
    assert state.changes([(1, "observation", {"kind": "no_decision"})]) == ([], [])
    gained, _ = state.changes([(2, "person", {"rank": "top"})])
    assert [match.key for match in gained] == [(1,)]
    assert state.changes([(3, "person", {"rank": "top"})]) == ([], [])


def test_joins_find_partners_through_the_index_and_check_equality() -> None:
    builder = NetworkBuilder()
    builder.add_branch(
        (
            Atom(
                "pattern",
                (pattern({"culture": {"side": "counterpart", "country": {"as": "c"}}}),),
                (),
            ),
            Atom("pattern", (pattern({"person": {"culture": {"as": "c"}}}),), ()),
        )
    )
    network = builder.build()
    state = NetworkState(network)
    people = [
        (number, "person", {"culture": country})
        for number, country in enumerate(["JP", "US", "JP", "KR"], start=2)
    ]
    gained, _ = state.changes([(1, "culture", {"side": "counterpart", "country": "JP"}), *people])
    assert sorted(match.key for match in gained) == [(1, 2), (1, 4)]
    assert all(isinstance(match, Match) and match.bindings == {"c": "JP"} for match in gained)
    assert "culture" in network.indexed_fields[network.plans[0].positives[1].alpha]


def test_a_fact_meets_only_the_tests_its_key_value_can_pass() -> None:
    builder = NetworkBuilder()
    for dimension in ("pdi", "idv", "mas"):
        builder.add_branch(
            (
                Atom(
                    "pattern",
                    (pattern({"score": {"dimension": dimension, "value": {"at_least": 50}}}),),
                    (),
                ),
            )
        )
    builder.add_branch(  # a test on a fact type's other field is tried on every fact
        (Atom("pattern", (pattern({"score": {"side": "home"}}),), ()),)
    )
    network = builder.build()
    sieve = network.dispatch["score"]
    assert sieve.key == "dimension"
    assert sieve.rest is not None
    assert len(sieve.rest.tests) == 1
    assert {value: len(filed.tests) for value, filed in sieve.by_value.items()} == {
        "pdi": 1,
        "idv": 1,
        "mas": 1,
    }
    fact = {"dimension": "idv", "side": "home", "value": 60}
    assert len(network.accepting("score", fact)) == 2
    assert network.accepting("score", {**fact, "dimension": "uai"}) == list(sieve.rest.tests)


def test_the_sieve_files_tests_under_every_value_they_allow_and_again_below() -> None:
    """Dimension first, then side, and a ``one_of`` under each of its values: a score fact
    is tried against the tests of its own dimension and side only."""
    builder = NetworkBuilder()
    for dimension in ("pdi", "idv", "mas", "uai"):
        for side in ("home", "counterpart"):
            for threshold in (30, 70):
                score = {"dimension": dimension, "side": side, "value": {"at_least": threshold}}
                builder.add_branch((Atom("pattern", (pattern({"score": score}),), ()),))
    builder.add_branch(
        (Atom("pattern", (pattern({"goal": {"kind": {"one_of": ["a", "b"]}}}),), ()),)
    )
    for kind in ("b", "c", "d", "e"):
        builder.add_branch((Atom("pattern", (pattern({"goal": {"kind": kind}}),), ()),))
    network = builder.build()
    fact = {"dimension": "mas", "side": "home", "value": 50}
    assert len(network.dispatch["score"].candidates(fact)) == 2
    assert [network.alphas[a].checks for a in network.accepting("score", fact)] == [
        (("dimension", "equals", "mas"), ("side", "equals", "home"), ("value", "at_least", 30.0))
    ]
    goal = network.dispatch["goal"]
    assert len(goal.candidates({"kind": "b"})) == 2
    assert len(goal.candidates({"kind": "a"})) == 1
    assert goal.candidates({"kind": "z"}) == []
    assert goal.candidates({"kind": ["unhashable"]}) == []


@pytest.mark.parametrize(
    ("inner_test", "matches_in_rete"),
    [({"above": {"var": "theirs"}}, False), ({"as": "theirs"}, True)],
    ids=["comparison", "join"],
)
def test_an_existence_sees_the_variables_bound_before_it(
    tmp_path: Path, inner_test: dict[str, Any], matches_in_rete: bool
) -> None:
    """Where the two matchers differ: experta's RETE does not give an ``exists`` the rule's
    variables, so it never matches one that compares with a variable and matches one that
    joins on a variable whatever the value. The condition language says the variables bound
    before hold inside ``exists`` (``engine.matching``, which names the witnesses and
    explains why-not, agrees), and the network does so. The shipped KB has no such rule."""
    rule = {
        "id": "a-home-score-related-to-theirs",
        "title": "t",
        "rationale": "r",
        "sources": ["test-source"],
        "topic": "hierarchy",
        "when": [
            {"score": {"side": "counterpart", "dimension": "pdi", "value": {"as": "theirs"}}},
            {"exists": {"score": {"side": "home", "value": inner_test}}},
        ],
        "then": {"conclude": {"f0": 0.5}},
    }
    knowledge_base = load_knowledge_base(write_kb(tmp_path, [rule]))
    origin = ScenarioOrigin(paths=("generated",))

    def facts(home_value: int) -> InputFacts:
        scores = [("counterpart", "pdi", 40), ("home", "trusting", home_value)]
        return InputFacts(
            facts=tuple(
                FactRecord(
                    id=number,
                    type="score",
                    fields={"side": side, "dimension": dimension, "value": value},
                    origin=origin,
                )
                for number, (side, dimension, value) in enumerate(scores)
            )
        )

    network = compile_knowledge_base(knowledge_base)
    rete = compile_knowledge_base(knowledge_base, "rete")
    meets = facts(70 if "above" in inner_test else 40)
    assert [(f.facts, f.witnesses) for f in run(network, meets, LIMIT).firings] == [((0,), (1,))]
    assert run(network, facts(10), LIMIT).firings == ()
    assert bool(run(rete, meets, LIMIT).firings) == matches_in_rete
    assert bool(run(rete, facts(10), LIMIT).firings) == matches_in_rete


def test_runs_reuse_the_engine_without_leaking(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    compiled = compile_knowledge_base(knowledge_base)
    facts = build_input_facts(
        load_scenario(mini_kb / "scenarios" / "basic.yaml").scenario, knowledge_base
    )
    first = run(compiled, facts, LIMIT)
    empty = InputFacts(facts=())
    assert run(compiled, empty, LIMIT).firings == ()
    assert run(compiled, facts, LIMIT) == first
    assert make_fact(compiled, "finding", {"name": "x"})["name"] == "x"


def test_a_variable_bound_and_joined_in_one_pattern(tmp_path: Path) -> None:
    """``{low: {as: x}, high: {as: x}}`` asks for a spread whose two readings are equal: the
    variable is bound and tested within one fact, so it cannot be looked up by its value."""
    rule = {
        "id": "readings-agree",
        "title": "t",
        "rationale": "r",
        "sources": ["test-source"],
        "topic": "hierarchy",
        "when": [
            {"score_spread": {"side": "counterpart", "low": {"as": "x"}, "high": {"as": "x"}}}
        ],
        "then": {"conclude": {"f0": 0.5}},
    }
    knowledge_base = load_knowledge_base(write_kb(tmp_path, [rule]))
    origin = ScenarioOrigin(paths=("generated",))
    spreads = [(5, 5, "pdi"), (3, 7, "trusting")]
    facts = InputFacts(
        facts=tuple(
            FactRecord(
                id=number,
                type="score_spread",
                fields={
                    "side": "counterpart",
                    "dimension": dimension,
                    "low": low,
                    "high": high,
                    "spread": high - low,
                },
                origin=origin,
            )
            for number, (low, high, dimension) in enumerate(spreads)
        )
    )
    ours = run(compile_knowledge_base(knowledge_base), facts, LIMIT)
    assert [(firing.facts, firing.bindings) for firing in ours.firings] == [((0,), {"x": 5})]
    assert ours == run(compile_knowledge_base(knowledge_base, "rete"), facts, LIMIT)
