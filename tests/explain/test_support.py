"""An item says which people it is about: those of either side whose facts its support rests on."""

from __future__ import annotations

import datetime
from pathlib import Path

from synergy_compass.engine.api import advise, advise_file, compiled_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.render.documents import render_markdown
from synergy_compass.engine.render.text import render_text
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
