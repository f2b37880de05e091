"""An item says which people it is about: those of either side whose facts its support rests on."""

from __future__ import annotations

from pathlib import Path

from synergy_compass.engine.api import advise, advise_file, compiled_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.render.documents import render_markdown
from synergy_compass.engine.render.text import render_text

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
