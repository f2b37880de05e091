"""The compiled engine: matching semantics, firing order, provenance and the step limit."""

from __future__ import annotations

import gc
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError
from synergy_compass.engine.errors import RunawayRulesError
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario, parse_scenario
from synergy_compass.engine.pipeline import DEFAULT_STEP_LIMIT
from synergy_compass.engine.run import runner
from synergy_compass.engine.run.agenda import TotalOrderStrategy
from synergy_compass.engine.run.compiler import MatcherName, compile_knowledge_base, make_fact
from synergy_compass.engine.run.experta_compat import Agenda, DepthStrategy
from synergy_compass.engine.run.experta_engine import CompiledEngine, MatchActivation
from synergy_compass.engine.run.input_facts import build_input_facts
from synergy_compass.engine.run.network_state import Match
from synergy_compass.engine.run.runner import _ActivationReader, _restored, run
from synergy_compass.engine.schemas.facts import FactRecord, RuleOrigin
from synergy_compass.engine.schemas.results import Firing, RunResult

SCENARIO = b"""title: T
we: {culture: US}
they: {culture: JP}
relationship: {stage: established, they_see_us_as: vendor, months: 24}
goal: {kind: expand_scope}
we_observe: [no_decision]
"""


def run_on(
    root: Path, scenario: bytes = SCENARIO, step_limit: int = DEFAULT_STEP_LIMIT
) -> RunResult:
    knowledge_base = load_knowledge_base(root)
    loaded = parse_scenario(scenario, "case.yaml")
    facts = build_input_facts(loaded.scenario, knowledge_base)
    return run(compile_knowledge_base(knowledge_base), facts, step_limit=step_limit)


def fired(result: RunResult) -> list[str]:
    return [firing.rule for firing in result.firings]


def test_join_on_a_variable_chaining_alternatives_and_existence(mini_kb: Path) -> None:
    result = run_on(mini_kb)
    assert fired(result) == [
        "power-gap-up",
        "vendor-stated",
        "stuck-when-vendor-and-gap",
        "impatience-noted",
    ]
    join = result.firings[0]
    assert join.bindings == {"ours": 40}
    facts = {fact.id: fact for fact in result.facts}
    assert [facts[i].fields["value"] for i in join.facts] == [40, 54]
    # the chained rule matched the two findings concluded by the first two firings
    chained = result.firings[2]
    assert [facts[i].origin.model_dump() for i in chained.facts] == [
        {"kind": "rule", "firings": (1,)},
        {"kind": "rule", "firings": (2,)},
    ]
    assert result.firings[3].branch == 1  # the second alternative held


def test_a_gap_below_the_threshold_does_not_fire(mini_kb: Path) -> None:
    result = run_on(mini_kb, SCENARIO.replace(b"culture: JP", b"culture: US"))
    assert "power-gap-up" not in fired(result)


def test_an_observed_fact_blocks_a_negated_pattern(mini_kb: Path) -> None:
    flat = SCENARIO.replace(b"{culture: JP}", b"{culture: JP, structure: flat}")
    assert "power-gap-up" not in fired(run_on(mini_kb, flat))


def test_a_missing_score_never_matches_as_zero(mini_kb: Path) -> None:
    result = run_on(mini_kb)
    scores = [f for f in result.facts if f.type == "score" and f.fields["dimension"] == "trusting"]
    assert [f.fields["side"] for f in scores] == ["home"]  # JP's trusting value is null


def test_the_step_limit_stops_a_run_and_names_the_rules(mini_kb: Path) -> None:
    with pytest.raises(RunawayRulesError) as caught:
        run_on(mini_kb, step_limit=2)
    assert "power-gap-up" in str(caught.value)
    assert "--step-limit" in str(caught.value)


def blocking_kb(tmp_path: Path, waiting_rules: int, written_first: int = 0) -> Path:
    """A KB where one chain of conclusions blocks the negation of many waiting rules; the
    first ``written_first`` of them come before the chain, so they fire before it blocks them."""
    root = tmp_path / "blocking"
    root.mkdir()
    mini = Path(__file__).parents[1] / "fixtures" / "mini_kb"
    for name in ("kb.yaml", "sources.yaml", "dimensions.yaml", "advice.yaml"):
        (root / name).write_bytes((mini / name).read_bytes())
    (root / "findings.yaml").write_text(
        "findings:\n"
        "  - {id: step-one, title: One, explanation: E}\n"
        "  - {id: blocker, title: Blocker, explanation: E}\n"
    )
    head = "    rationale: R\n    sources: [test-source]\n    topic: time\n"
    rules = ["rules:"]
    rules.append(
        "  - id: first-step\n    title: T\n"
        + head
        + "    when: [{goal: {kind: expand_scope}}]\n    then: {conclude: {step-one: 1}}"
    )
    rules.append(
        "  - id: then-block\n    title: T\n"
        + head
        + "    when: [{finding: {name: step-one}}]\n    then: {conclude: {blocker: 1}}"
    )
    for index in range(waiting_rules):
        rules.append(
            f"  - id: waiting-{index}\n    title: T\n"
            + head
            + f"    when:\n      - relationship: {{months: {{at_most: {1000 + index}}}}}\n"
            + "      - not: {finding: {name: blocker}}\n"
            + "    then: {support: {be-patient: 0.5}}"
        )
    chain = rules[1:3]
    rules[1 : 1 + written_first] = rules[3 : 3 + written_first]
    rules[1 + written_first : 3 + written_first] = chain
    (root / "rules.yaml").write_text("\n".join(rules) + "\n")
    return root


def test_a_conclusion_cancels_every_waiting_activation_it_blocks(tmp_path: Path) -> None:
    # All waiting activations have the same salience and the same matched fact; experta's own
    # DepthStrategy would look for each cancelled one in only three agenda slots (DESIGN §5).
    result = run_on(blocking_kb(tmp_path, 200))
    assert fired(result) == ["first-step", "then-block"]


@pytest.mark.parametrize("matcher", ["network", "rete"])
def test_a_conclusion_that_blocks_fired_and_waiting_activations(
    tmp_path: Path, matcher: MatcherName
) -> None:
    # the first two waiting rules fire before the chain blocks them: their matches are lost
    # after they fired, which must leave the agenda's other activations alone
    knowledge_base = load_knowledge_base(blocking_kb(tmp_path, 30, written_first=2))
    compiled = compile_knowledge_base(knowledge_base, matcher)
    facts = build_input_facts(parse_scenario(SCENARIO, "c.yaml").scenario, knowledge_base)
    result = run(compiled, facts)
    assert fired(result) == ["waiting-0", "waiting-1", "first-step", "then-block"]


@pytest.mark.parametrize("strategy_name", ["ours", "experta"])
def test_cancelling_activations_in_any_order(tmp_path: Path, strategy_name: str) -> None:
    """Our strategy removes each cancelled activation exactly; experta's stock one does not
    when activations of equal priority are cancelled in another order than they were added."""
    knowledge_base = load_knowledge_base(blocking_kb(tmp_path, 200))
    compiled = compile_knowledge_base(knowledge_base)
    facts = build_input_facts(parse_scenario(SCENARIO, "c.yaml").scenario, knowledge_base)
    engine = compiled.engine_class()
    engine.reset()
    engine.declare(*(make_fact(compiled, f.type, f.fields) for f in facts.facts))
    added = list(engine.agenda.activations)  # declare() has already put them on the agenda
    assert len(added) == 201
    strategy = TotalOrderStrategy() if strategy_name == "ours" else DepthStrategy()
    agenda = Agenda()
    strategy._update_agenda(agenda, added, [])
    cancelled = list(added)
    random.Random(7).shuffle(cancelled)
    strategy._update_agenda(agenda, [], cancelled)
    if strategy_name == "ours":
        assert agenda.activations == []
    else:  # shows the test would catch the bug: stale activations stay and would fire
        assert len(agenda.activations) > 100


def test_firing_order_is_the_same_in_every_process(mini_kb: Path) -> None:
    code = (
        "from pathlib import Path\n"
        "from synergy_compass.engine.api import advise_file\n"
        "from synergy_compass.engine.render.text import render_json\n"
        f"print(render_json(advise_file(Path({str(mini_kb / 'scenarios' / 'basic.yaml')!r}),"
        f" Path({str(mini_kb)!r}))))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("0", "1", "42", "random")
    }
    assert len(outputs) == 1


def test_scenario_key_order_does_not_change_the_result(mini_kb: Path) -> None:
    reordered = b"""goal: {kind: expand_scope}
we_observe: [no_decision]
relationship: {they_see_us_as: vendor, months: 24, stage: established}
they: {culture: JP}
we: {culture: US}
title: T
"""
    assert run_on(mini_kb, reordered) == run_on(mini_kb)
    assert load_scenario(mini_kb / "scenarios" / "basic.yaml").scenario.title == "Test scenario"


def test_facts_no_rule_can_read_stay_in_the_trace_but_not_in_experta(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    compiled = compile_knowledge_base(knowledge_base)
    facts = build_input_facts(parse_scenario(SCENARIO, "case.yaml").scenario, knowledge_base)
    result = run(compiled, facts, DEFAULT_STEP_LIMIT)
    unread = [f for f in facts.facts if f.type == "score" and f.fields["dimension"] == "trusting"]
    assert unread  # the mini KB's rules test power distance only
    assert all(record in result.facts for record in unread)
    in_experta = [dict(fact) for fact in compiled.engine().facts.values()]
    assert not any(fact.get("dimension") == "trusting" for fact in in_experta)
    assert any(fact.get("dimension") == "pdi" for fact in in_experta)
    assert run(compile_knowledge_base(knowledge_base, "rete"), facts, DEFAULT_STEP_LIMIT) == result


def test_findings_no_rule_reads_stay_in_the_result_but_not_in_experta(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    compiled = compile_knowledge_base(knowledge_base)
    facts = build_input_facts(parse_scenario(SCENARIO, "case.yaml").scenario, knowledge_base)
    result = run(compiled, facts, DEFAULT_STEP_LIMIT)
    concluded = {fact.fields["name"] for fact in result.facts if fact.type == "finding"}
    # the mini KB chains on power-gap and vendor; nothing reads stuck
    assert {"power-gap", "vendor", "stuck"} <= concluded
    in_experta = {fact.get("name") for fact in compiled.engine().facts.values()}
    assert {"power-gap", "vendor"} <= in_experta
    assert "stuck" not in in_experta
    assert run(compile_knowledge_base(knowledge_base, "rete"), facts, DEFAULT_STEP_LIMIT) == result


def witness_kb(tmp_path: Path) -> Path:
    """A KB whose last rule names witnesses: among several facts of one type and value, for
    a variable of the rule, and for a finding concluded during the run."""
    root = blocking_kb(tmp_path, 0)
    shutil.copytree(
        Path(__file__).parents[1] / "fixtures" / "mini_kb" / "cultures", root / "cultures"
    )
    head = "    title: T\n    rationale: R\n    sources: [test-source]\n    topic: time\n"
    with (root / "rules.yaml").open("a") as rules:
        rules.write(
            "  - id: names-witnesses\n"
            + head
            + "    when:\n"
            + "      - score: {side: home, dimension: pdi, value: {as: ours}}\n"
            + "      - exists: {score: {dimension: pdi}}\n"
            + "      - exists: {score: {side: home, value: {below: {var: ours}}}}\n"
            + "      - exists: {finding: {name: blocker}}\n"
            + "    then: {support: {be-patient: 0.5}}\n"
        )
    return root


def test_witnesses_are_the_first_facts_in_canonical_order_that_meet_each_pattern(
    tmp_path: Path,
) -> None:
    result = run_on(witness_kb(tmp_path))
    (firing,) = [firing for firing in result.firings if firing.rule == "names-witnesses"]
    facts = {fact.id: fact for fact in result.facts}
    described = [(facts[i].type, facts[i].fields) for i in firing.witnesses]
    pdi_scores = [f for f in result.facts if f.type == "score" and f.fields["dimension"] == "pdi"]
    assert len(pdi_scores) == 2  # both sides: the first in canonical order is the witness
    home_below_40 = [
        f.id
        for f in result.facts
        if f.type == "score" and f.fields["side"] == "home" and f.fields["value"] < 40
    ]
    assert firing.witnesses == (pdi_scores[0].id, home_below_40[0], firing.witnesses[2])
    assert described[2] == ("finding", {"name": "blocker"})
    assert facts[firing.witnesses[2]].origin.model_dump() == {"kind": "rule", "firings": (2,)}


RESTORED: list[tuple[type[Any], dict[str, Any]]] = [
    (
        Firing,
        {
            "number": 3,
            "rule": "a-rule",
            "branch": 1,
            "facts": (4, 0),
            "bindings": {"ours": 40, "name": "x"},
            "witnesses": (2,),
            "concluded": (7,),
        },
    ),
    (RuleOrigin, {"kind": "rule", "firings": (1, 5)}),
    (
        FactRecord,
        {
            "id": 9,
            "type": "finding",
            "fields": {"name": "x"},
            "origin": RuleOrigin(firings=(1,)),
        },
    ),
]


@pytest.mark.parametrize(("model", "values"), RESTORED)
def test_a_model_restored_from_its_values_is_the_validated_model(
    model: type[Any], values: dict[str, Any]
) -> None:
    restored, validated = _restored(model, dict(values)), model(**values)
    assert restored == validated
    assert repr(restored) == repr(validated)
    assert restored.model_fields_set == validated.model_fields_set
    assert restored.__getstate__() == validated.__getstate__()  # what pickling keeps of each
    assert restored.model_dump_json() == validated.model_dump_json()
    assert pickle.loads(pickle.dumps(restored)) == validated
    with pytest.raises(ValidationError):
        setattr(restored, next(iter(values)), None)  # frozen like any other


def test_the_collector_is_held_off_during_a_run_and_on_again_after(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = runner._run

    def spying(*args: Any) -> RunResult:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(runner, "_run", spying)
    was = gc.isenabled()
    gc.enable()
    try:
        run_on(mini_kb)
        assert seen == [False]
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()


def test_matches_sharing_bindings_give_firings_one_recorded_dict() -> None:
    rule = SimpleNamespace(salience=0, synergy_rule_index=0, synergy_branch=0)
    shared: dict[str, Any] = {"b": 2, "a": True}
    first = MatchActivation(rule, Match(0, (1, 2), ({}, {}), shared))
    second = MatchActivation(rule, Match(0, (2,), ({},), shared))
    alone = MatchActivation(rule, Match(0, (3,), ({},), {"b": 2, "a": True}))
    read = _ActivationReader({1: 11, 2: 12, 3: 13}).read
    matched, recorded = read(first)
    assert matched == (11, 12)
    assert recorded == {"a": True, "b": 2}
    assert list(recorded) == ["a", "b"]
    assert read(second) == ((12,), recorded)
    assert read(second)[1] is recorded  # one dict for the firings of one bindings object
    assert read(alone) == ((13,), recorded)
    assert read(alone)[1] is not recorded
    # experta's RETE: each activation's context is read alone, its _pN facts by their ids
    context = {"_p0": {"__factid__": 3}, "_p1": {"__factid__": 1}, "b": 2, "a": True}
    rete = SimpleNamespace(context=context)
    assert read(rete) == ((13, 11), recorded)
    assert read(rete)[1] is not read(rete)[1]


@pytest.mark.parametrize("matcher", ["network", "rete"])
def test_the_matcher_is_asked_after_a_declaration_and_rete_at_every_firing(
    mini_kb: Path, matcher: MatcherName, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    compiled = compile_knowledge_base(knowledge_base, matcher)
    facts = build_input_facts(parse_scenario(SCENARIO, "c.yaml").scenario, knowledge_base)
    asked: list[int] = []
    real = CompiledEngine.get_activations

    def counting(engine: Any) -> Any:
        asked.append(len(engine.facts))
        return real(engine)

    monkeypatch.setattr(CompiledEngine, "get_activations", counting)
    result = run(compiled, facts)
    firsts = {fact.origin.firings[0] for fact in result.facts if fact.origin.kind == "rule"}
    # a finding no rule reads is not declared to experta (only our network knows that)
    read = {
        fact.origin.firings[0]
        for fact in result.facts
        if fact.origin.kind == "rule" and compiled.reads(fact.type, fact.fields)
    }
    if matcher == "network":  # once at the reset, then after each firing that declared
        assert len(asked) == 1 + len(read)
        assert read < firsts
    else:  # as experta's own loop: before every firing and before finding none left
        assert len(asked) == 1 + len(result.firings) + 1
    assert 0 < len(firsts) < len(result.firings)  # the test tells the two apart


def test_every_firing_of_a_run_is_the_validated_model(tmp_path: Path) -> None:
    result = run_on(blocking_kb(tmp_path, 3))
    assert result.firings
    for firing in result.firings:
        validated = Firing(**firing.model_dump())
        assert firing == validated
        assert firing.__getstate__() == validated.__getstate__()
        assert firing.model_dump_json() == validated.model_dump_json()


def test_firings_that_bind_nothing_share_one_recorded_bindings(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    facts = build_input_facts(parse_scenario(SCENARIO, "case.yaml").scenario, knowledge_base)
    result = run(compile_knowledge_base(knowledge_base), facts, DEFAULT_STEP_LIMIT)
    unbound = [firing.bindings for firing in result.firings if not firing.bindings]
    assert len(unbound) > 1
    assert len({id(bindings) for bindings in unbound}) == 1
