"""The questionnaire's model refuses what would make its scoring meaningless: answers that do
not rise, a statement twice, an item on a scale it does not list, a scale keyed one way only,
and a default sureness that is not one of the answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError
from synergy_compass.engine.schemas.questionnaire import Questionnaire


def questionnaire(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "short",
        "version": 1,
        "title": "Short",
        "introduction": "Two statements.",
        "answers": [
            {"value": 1, "label": "disagree"},
            {"value": 2, "label": "neither"},
            {"value": 3, "label": "agree"},
        ],
        "sureness": {
            "text": "How sure are you of your answers?",
            "default": 2,
            "choices": [
                {"value": 1, "label": "not sure", "sureness": 0},
                {"value": 2, "label": "sure", "sureness": 1},
            ],
        },
        "scales": [{"id": "trusting", "sources": ["meyer-2014"]}],
        "items": [
            {
                "id": "meals",
                "scale": "trusting",
                "toward": "high",
                "text": "I eat first, then deal.",
            },
            {
                "id": "results",
                "scale": "trusting",
                "toward": "low",
                "text": "Results earn my trust.",
            },
        ],
    }
    data.update(changes)
    return data


def test_a_well_formed_questionnaire_is_accepted_with_default_scoring() -> None:
    model = Questionnaire.model_validate(questionnaire())
    assert model.reference == "short 1"
    assert model.scoring.answer_error == 25.0
    assert model.scoring.unsure_widening == 2.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "answers": [
                    {"value": 3, "label": "agree"},
                    {"value": 1, "label": "disagree"},
                    {"value": 2, "label": "neither"},
                ]
            },
            "answer values must rise from disagree to agree; found [3, 1, 2]",
        ),
        (
            {
                "items": [
                    *questionnaire()["items"],
                    {
                        "id": "again",
                        "scale": "trusting",
                        "toward": "low",
                        "text": "results  EARN my trust.",
                    },
                ]
            },
            "each item text must be unique; repeated: results earn my trust.",
        ),
        (
            {
                "items": [
                    *questionnaire()["items"],
                    {
                        "id": "meals",
                        "scale": "trusting",
                        "toward": "low",
                        "text": "Another statement.",
                    },
                ]
            },
            "each item id must be unique; repeated: meals",
        ),
        (
            {
                "items": [
                    *questionnaire()["items"],
                    {
                        "id": "late",
                        "scale": "scheduling",
                        "toward": "low",
                        "text": "Lateness bothers me.",
                    },
                ]
            },
            "item 'late' is on the scale 'scheduling', which is not among the questionnaire's",
        ),
        (
            {
                "items": [
                    *questionnaire()["items"][:1],
                    {
                        "id": "more",
                        "scale": "trusting",
                        "toward": "high",
                        "text": "Dinner matters.",
                    },
                ]
            },
            "the scale 'trusting' needs items toward both poles (low and high); it has high",
        ),
        (
            {"sureness": {**questionnaire()["sureness"], "default": 7}},
            "the default 7 is not one of the values [1, 2]",
        ),
    ],
)
def test_a_questionnaire_that_would_score_wrongly_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Questionnaire.model_validate(questionnaire(**changes))
