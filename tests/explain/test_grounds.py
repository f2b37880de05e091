"""What a firing rests on: in a run without loops the four questions are answered together
from the facts in dependency order; the answers are those of the walk a run with a loop takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.explain import grounds
from synergy_compass.engine.explain.grounds import Grounds
from synergy_compass.engine.explain.kb_cache import memo_of
from synergy_compass.engine.explain.support import SupportFinder
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.pipeline import scenario_run
from synergy_compass.engine.schemas.facts import FactRecord

SCENARIOS = sorted(Path("kb/scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS[::8], ids=lambda path: path.stem)
def test_answers_in_dependency_order_are_those_of_the_walk(path: Path) -> None:
    compiled = compiled_knowledge_base()
    run = scenario_run(load_scenario(path).scenario, compiled)
    in_order = SupportFinder(run).in_order
    assert in_order is not None  # no shipped scenario's facts rest on themselves
    together = Grounds(run, compiled.knowledge_base, in_order)
    walked = Grounds(run, compiled.knowledge_base)
    for firing in run.firings:
        assert together.firing_rests_on_situation(firing) == walked.firing_rests_on_situation(
            firing
        )
        assert together.firing_rests_on_national_data(
            firing
        ) == walked.firing_rests_on_national_data(firing)
        assert together.firing_rests_on_self_assessment(
            firing
        ) == walked.firing_rests_on_self_assessment(firing)
        assert together.firing_serves_primary_goal(firing) == walked.firing_serves_primary_goal(
            firing
        )
    assert {together.basis([firing]) for firing in run.firings} == {
        walked.basis([firing]) for firing in run.firings
    }


@pytest.mark.parametrize("path", SCENARIOS[3::8], ids=lambda path: path.stem)
def test_weighing_firings_together_gives_each_answer_asked_alone(path: Path) -> None:
    compiled = compiled_knowledge_base()
    run = scenario_run(load_scenario(path).scenario, compiled)
    together = Grounds(run, compiled.knowledge_base, SupportFinder(run).in_order)
    walked = Grounds(run, compiled.knowledge_base)
    firings = list(run.firings)
    # every run of consecutive firings, as the firings behind an advice might be
    for start in range(len(firings)):
        for end in range(start, min(start + 6, len(firings)) + 1):
            behind = firings[start:end]
            alone = (
                walked.basis(behind),
                any(walked.firing_is_for_our_role(firing) for firing in behind),
                any(walked.firing_serves_primary_goal(firing) for firing in behind),
                walked.gravest(behind),
            )
            assert together.weigh(behind) == alone
            assert walked.weigh(behind) == alone


def test_a_profile_record_is_weighed_once_for_the_knowledge_base(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled = compiled_knowledge_base()
    scenario = load_scenario(SCENARIOS[0]).scenario
    first, second = scenario_run(scenario, compiled), scenario_run(scenario, compiled)
    profile = {id(fact) for fact in first.facts if fact.origin.kind == "profile"}
    assert profile <= {id(fact) for fact in second.facts}  # the runs share the records
    memo_of(compiled.knowledge_base).profile_grounds.clear()
    asked: list[list[int]] = [[], []]
    weigh_fact = grounds._kinds_of
    answers = []
    for number, run in enumerate((first, second)):

        def counting(fact: FactRecord, reads_relationship: bool, number: int = number) -> int:
            asked[number].append(id(fact))
            return weigh_fact(fact, reads_relationship)

        monkeypatch.setattr(grounds, "_kinds_of", counting)
        weighed = Grounds(run, compiled.knowledge_base, SupportFinder(run).in_order)
        answers.append([weighed.weigh([firing]) for firing in run.firings])
    assert answers[0] == answers[1]
    assert profile & set(asked[0])
    assert not profile & set(asked[1])  # the first run's answers served the second
