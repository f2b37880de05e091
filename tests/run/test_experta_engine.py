"""The experta side of our network: plain facts, match activations and the engine's declare,
each checked against what experta's own classes do with the same input."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.run.compiler import MatcherName, compile_knowledge_base, make_fact
from synergy_compass.engine.run.experta_compat import MATCH, Fact, KnowledgeEngine, watchers
from synergy_compass.engine.run.experta_engine import MatchActivation, PlainFact
from synergy_compass.engine.run.input_facts import build_input_facts


class Stock(Fact):  # type: ignore[misc]
    """experta's own fact class, for comparison."""


class Ours(PlainFact):
    pass


FIELDS: list[dict[str, Any]] = [
    {"side": "home", "dimension": "pdi", "value": 54, "estimated": False},
    {"name": "x", "spread": 2.5},
    {},
]


@pytest.mark.parametrize("fields", FIELDS)
def test_a_plain_fact_holds_what_experta_would(fields: dict[str, Any]) -> None:
    ours, stock = Ours(**fields), Stock(**fields)
    assert dict(ours) == dict(stock)
    assert [type(value) for value in ours.values()] == [type(value) for value in stock.values()]
    assert ours.synergy_plain
    assert ours.copy() == Ours(**fields)


@pytest.mark.parametrize(
    ("args", "fields"),
    [
        ((), {"tags": ["a", "b"]}),  # experta freezes a list into its frozenlist
        (("first",), {}),  # positional fields
        ((), {"value": MATCH.x}),  # a pattern, as experta's RETE is compiled from
        ((), {"a__b": 1}),  # experta's syntax for a nested field
    ],
)
def test_other_facts_take_experta_s_own_path(args: tuple[Any, ...], fields: dict[str, Any]) -> None:
    ours, stock = Ours(*args, **fields), Stock(*args, **fields)
    assert dict(ours) == dict(stock)
    assert not getattr(ours, "synergy_plain", False)


def engines(mini_kb: Path) -> list[tuple[Any, Any]]:
    """A reset engine of our network and one of experta's RETE, each with its compiled KB."""
    knowledge_base = load_knowledge_base(mini_kb)
    built = []
    for matcher in ("network", "rete"):
        compiled = compile_knowledge_base(knowledge_base, matcher)
        engine = compiled.engine_class()
        engine.reset()
        built.append((compiled, engine))
    return built


def test_declare_refuses_a_duplicate_and_takes_it_back_after_a_retraction(mini_kb: Path) -> None:
    for compiled, engine in engines(mini_kb):
        first = engine.declare(make_fact(compiled, "finding", {"name": "x"}))
        assert first["__factid__"] == 1  # experta's InitialFact is 0
        assert engine.declare(make_fact(compiled, "finding", {"name": "x"})) is None
        assert engine.declare(first) is None  # declared already
        engine.retract(first)
        again = engine.declare(make_fact(compiled, "finding", {"name": "x"}))
        assert again["__factid__"] == 2
        assert [fact["__factid__"] for fact in engine.facts.values()] == [0, 2]


def test_declare_refuses_what_experta_refuses(mini_kb: Path) -> None:
    _, engine = engines(mini_kb)[0]
    with pytest.raises(TypeError):
        engine.declare(Ours(value=MATCH.x))
    with pytest.raises(KeyError):
        engine.declare(Ours(a__b=1))
    stock = KnowledgeEngine()
    stock.reset()
    with pytest.raises(TypeError):
        stock.declare(Stock(value=MATCH.x))


def test_watching_experta_s_facts_logs_ours_too(
    mini_kb: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _, engine = engines(mini_kb)[0]
    watchers.watch("FACTS")
    try:
        with caplog.at_level("INFO", logger="experta.watchers.FACTS"):
            engine.declare(Ours(name="seen"))
    finally:
        watchers.unwatch("FACTS")
    assert "seen" in caplog.text


def described(activation: Any) -> tuple[Any, ...]:
    """What the runner and the agenda read from an activation (experta's RETE adds entries of
    its own to the context and the initial fact to the facts)."""
    context = activation.context
    matched: list[dict[str, Any]] = []
    while f"_p{len(matched)}" in context:
        matched.append(dict(context[f"_p{len(matched)}"]))  # each engine has its own classes
    variables = {name: value for name, value in context.items() if not name.startswith("_")}
    ids = {fact["__factid__"] for fact in activation.facts} - {0}
    return (activation.rule.__name__, activation.key, matched, variables, ids)


def test_match_activations_read_as_experta_s_own(mini_kb: Path) -> None:
    """The context and facts experta would read from an activation are there when asked, and
    equal those of experta's RETE for the same match."""
    knowledge_base = load_knowledge_base(mini_kb)
    scenario = load_scenario(mini_kb / "scenarios" / "basic.yaml").scenario
    facts = build_input_facts(scenario, knowledge_base)
    agendas = []
    for matcher in ("network", "rete"):
        compiled = compile_knowledge_base(knowledge_base, matcher)
        engine = compiled.engine_class()
        engine.reset()
        engine.declare(*(make_fact(compiled, f.type, f.fields) for f in facts.facts))
        agendas.append([described(activation) for activation in engine.agenda.activations])
    assert len(agendas[0]) > 1
    assert agendas[0] == agendas[1]


def test_match_activations_are_equal_when_they_stand_for_one_match(mini_kb: Path) -> None:
    compiled, engine = engines(mini_kb)[0]
    scenario = load_scenario(mini_kb / "scenarios" / "basic.yaml").scenario
    facts = build_input_facts(scenario, compiled.knowledge_base)
    engine.declare(*(make_fact(compiled, f.type, f.fields) for f in facts.facts))
    first, *others = engine.agenda.activations
    assert isinstance(first, MatchActivation)
    twin = MatchActivation(first.rule, first.match)
    assert twin == first
    assert hash(twin) == hash(first)
    assert all(other != first for other in others)
    assert first.facts == {fact for name, fact in first.context.items() if name.startswith("_p")}


SHIPPED_KB = Path(__file__).resolve().parents[2] / "kb"


@pytest.mark.parametrize(
    ("shipped", "matcher"), [(False, "network"), (False, "rete"), (True, "network")]
)
def test_reset_with_facts_is_a_reset_then_a_declare(
    mini_kb: Path, shipped: bool, matcher: MatcherName
) -> None:
    root = SHIPPED_KB if shipped else mini_kb
    knowledge_base = load_knowledge_base(root)
    scenario_file = root / "scenarios" / ("allen-japan.yaml" if shipped else "basic.yaml")
    facts = build_input_facts(load_scenario(scenario_file).scenario, knowledge_base)
    compiled = compile_knowledge_base(knowledge_base, matcher)
    if shipped:  # the shipped KB has rules that wait for experta's initial fact alone
        network = compiled.engine_class.__matcher__.network
        assert network.readers[network.initial]
    states = []
    for together in (False, True):
        engine = compiled.engine_class()
        made = [make_fact(compiled, f.type, f.fields) for f in facts.facts]
        if together:
            engine.reset_with(*made)
        else:
            engine.reset()
            engine.declare(*made)
        states.append(
            (
                [(fact_id, dict(fact)) for fact_id, fact in engine.facts.items()],
                [described(activation) for activation in engine.agenda.activations],
            )
        )
    assert states[0] == states[1]
    assert len(states[0][1]) > 1


def test_a_fact_class_with_experta_fields_is_validated_as_experta_does(mini_kb: Path) -> None:
    field = importlib.import_module("experta.fact").Field  # loaded by experta_compat

    class Counted(PlainFact):
        count = field(int, mandatory=True)

    assert not getattr(Counted(count=1), "synergy_plain", False)
    _, engine = engines(mini_kb)[0]
    assert engine.declare(Counted(count=1))["count"] == 1
    with pytest.raises(ValueError, match="count"):
        engine.declare(Counted(count="one"))
