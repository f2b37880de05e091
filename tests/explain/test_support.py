"""An item says which people it is about: those of either side whose facts its support rests on."""

from __future__ import annotations

import datetime
from pathlib import Path

from synergy_compass.engine.api import advise, advise_file, compiled_knowledge_base
from synergy_compass.engine.explain.support import SupportFinder
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.render.documents import render_markdown
from synergy_compass.engine.render.text import render_text
from synergy_compass.engine.schemas.facts import FactRecord, RuleOrigin, ScenarioOrigin
from synergy_compass.engine.schemas.results import Firing, RunResult
from synergy_compass.engine.schemas.scenario import OurAction
from synergy_compass.engine.schemas.vocabulary import Action, ActionStatus
from synergy_compass.engine.schemas.vocabulary_descriptions import ACTION_DESCRIPTIONS

REVIEW_01 = next(Path("kb/scenarios").glob("review-01-*.yaml"))


def test_an_item_resting_on_a_person_names_them() -> None:
    report = advise_file(REVIEW_01)
    named = [item.people for item in (*report.diagnosis, *report.recommendations) if item.people]
    assert any(any("Managing director" in label for label in people) for people in named)


def test_without_people_no_item_names_anyone() -> None:
    scenario = load_scenario(REVIEW_01).scenario
    nobody = scenario.model_copy(
        update={
            "they": scenario.they.model_copy(update={"people": ()}),
            "we": scenario.we.model_copy(update={"people": ()}),
        }
    )
    report = advise(nobody, compiled_knowledge_base())
    assert report.diagnosis
    assert all(item.people == () for item in (*report.diagnosis, *report.recommendations))


def test_the_people_show_in_the_text_and_the_documents() -> None:
    report = advise_file(REVIEW_01)
    assert "About: Managing director" in render_text(report)
    assert "About: Managing director" in render_markdown(report, None)


def test_advice_about_a_planned_action_says_before_you_do_this() -> None:
    scenario = load_scenario(REVIEW_01).scenario
    planned = scenario.model_copy(
        update={
            "we_are_doing": (
                OurAction(
                    kind=Action.pushing_for_quick_decision,
                    status=ActionStatus.planned,
                    date=datetime.date(2027, 1, 12),
                ),
            )
        }
    )
    report = advise(planned, compiled_knowledge_base())
    expected = (
        f"{ACTION_DESCRIPTIONS[Action.pushing_for_quick_decision]} (planned for 12 January 2027)"
    )
    items = (*report.diagnosis, *report.recommendations)
    assert any(item.before_you == (expected,) for item in items)
    assert "Before you do this: " + expected in " ".join(render_text(report).split())

    ongoing = planned.model_copy(
        update={"we_are_doing": (OurAction(kind=Action.pushing_for_quick_decision),)}
    )
    report = advise(ongoing, compiled_knowledge_base())
    assert all(item.before_you == () for item in (*report.diagnosis, *report.recommendations))


def _chain(*, loop: bool) -> RunResult:
    """Scenario facts 0 and 1; finding 2 from firing 1 on fact 0; finding 3 from firing 2 on
    finding 2 and fact 1. With ``loop``, firing 3 concludes finding 2 again from finding 3."""
    scenario = ScenarioOrigin(paths=("they.people[0]",))
    facts = (
        FactRecord(id=0, type="observation", fields={"kind": "a"}, origin=scenario),
        FactRecord(id=1, type="observation", fields={"kind": "b"}, origin=scenario),
        FactRecord(
            id=2,
            type="finding",
            fields={"name": "first"},
            origin=RuleOrigin(firings=(1, 3) if loop else (1,)),
        ),
        FactRecord(
            id=3, type="finding", fields={"name": "second"}, origin=RuleOrigin(firings=(2,))
        ),
    )
    firings = [
        Firing(number=1, rule="r1", branch=0, facts=(0,), bindings={}, concluded=(2,)),
        Firing(number=2, rule="r2", branch=0, facts=(2, 1), bindings={}, concluded=(3,)),
    ]
    if loop:
        firings.append(
            Firing(number=3, rule="r3", branch=0, facts=(3,), bindings={}, concluded=(2,))
        )
    return RunResult(facts=facts, firings=tuple(firings))


def test_a_run_whose_facts_rest_on_themselves_is_told_apart() -> None:
    assert SupportFinder(_chain(loop=False)).acyclic
    assert not SupportFinder(_chain(loop=True)).acyclic


def test_what_lies_under_a_fact_and_a_firing_through_chained_findings_and_loops() -> None:
    plain, looped = SupportFinder(_chain(loop=False)), SupportFinder(_chain(loop=True))
    assert plain.firings_below(3) == {1, 2}
    assert looped.firings_below(3) == {1, 2, 3}
    assert plain.stated_under(2) == {0, 1}
    assert looped.stated_under(3) == {0, 1}
