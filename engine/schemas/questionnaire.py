"""The self-assessment questionnaire (``questionnaires:`` in ``kb/questionnaire.yaml``): short
statements a person agrees or disagrees with, each pointing toward one pole of a practical
scale, the answers they may give, how sure they are, and the figures that turn answers into a
position and its band (:mod:`engine.consult.profile` scores them).

The questionnaire is data, like the rules: a knowledge engineer can reword an item, add one or
ship a translation in an extension KB without touching code. The shape of a questionnaire is
checked here; that its scales are practical dimensions of the KB and its sources exist is
checked by :mod:`engine.load.questionnaire_checks`.
"""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
from typing import Literal

from pydantic import Field, model_validator

from .base import Frozen
from .kb import Identifier
from .profiles import WIDEST_BAND


class AnswerChoice(Frozen):
    """One step of the answer scale, from the strongest disagreement up."""

    value: int = Field(ge=0, le=10, description="What the person types to give this answer")
    label: str = Field(min_length=1, max_length=60, description="What the answer says")


class SurenessChoice(Frozen):
    """One answer to how sure the person is of their answers."""

    value: int = Field(ge=0, le=10, description="What the person types to give this answer")
    label: str = Field(min_length=1, max_length=80)
    sureness: float = Field(
        ge=0, le=1, description="0 not sure at all (bands widest) to 1 entirely sure"
    )


class SurenessQuestion(Frozen):
    """The question asked after the items: how sure the person is that the answers fit them."""

    text: str = Field(min_length=10, max_length=300)
    choices: tuple[SurenessChoice, ...] = Field(min_length=2, max_length=10)
    default: int = Field(description="The value Enter gives: the middle answer, usually")

    @model_validator(mode="after")
    def _default_is_a_choice(self) -> "SurenessQuestion":
        values = [choice.value for choice in self.choices]
        if len(set(values)) != len(values):
            raise ValueError("each sureness choice needs its own value")
        if self.default not in values:
            raise ValueError(f"the default {self.default} is not one of the values {values}")
        return self


class QuestionnaireScale(Frozen):
    """A scale the questionnaire places people on, and where the scale comes from."""

    id: Identifier = Field(description="A practical dimension of the KB, e.g. disagreeing")
    sources: tuple[Identifier, ...] = Field(
        min_length=1, description="The sources of the scale: the dimension's own"
    )


class QuestionnaireItem(Frozen):
    """One statement. Agreeing with it points toward ``toward``'s pole of ``scale``."""

    id: Identifier
    scale: Identifier = Field(description="One of the questionnaire's scales")
    text: str = Field(min_length=10, max_length=300, description="The statement, our own words")
    toward: Literal["low", "high"] = Field(
        description="The pole agreeing points to: low (0) or high (100) on the scale"
    )


class Scoring(Frozen):
    """The figures that turn answers into a band (see docs/kb-authoring.md, Questionnaire)."""

    answer_error: float = Field(
        default=25.0,
        gt=0,
        le=WIDEST_BAND,
        description="How far (in points) one answer alone may be from where the person really "
        "stands, however consistent the answers are",
    )
    unsure_widening: float = Field(
        default=2.0,
        ge=1,
        le=5,
        description="How many times wider every band is when the person is not sure at all "
        "(sureness 0); entirely sure (1) leaves it as the answers give it",
    )


class Questionnaire(Frozen):
    """A whole self-assessment: its items are asked in the order written."""

    id: Identifier
    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=120)
    introduction: str = Field(
        min_length=1, description="What the person reads before the first item"
    )
    answers: tuple[AnswerChoice, ...] = Field(
        min_length=3, max_length=9, description="The answer scale, from disagree up to agree"
    )
    scales: tuple[QuestionnaireScale, ...] = Field(min_length=1)
    items: tuple[QuestionnaireItem, ...] = Field(min_length=2)
    sureness: SurenessQuestion
    scoring: Scoring = Field(default_factory=Scoring)

    @property
    def reference(self) -> str:
        """How a profile file names the questionnaire that placed the person."""
        return f"{self.id} {self.version}"

    @model_validator(mode="after")
    def _coherent(self) -> "Questionnaire":
        values = [answer.value for answer in self.answers]
        if values != sorted(set(values)):
            raise ValueError(f"answer values must rise from disagree to agree; found {values}")
        _unique("scale", [scale.id for scale in self.scales])
        _unique("item id", [item.id for item in self.items])
        # The same statement twice, whatever its spacing or case, would count one answer twice.
        _unique("item text", [" ".join(item.text.casefold().split()) for item in self.items])
        scales = {scale.id for scale in self.scales}
        for item in self.items:
            if item.scale not in scales:
                raise ValueError(
                    f"item {item.id!r} is on the scale {item.scale!r}, which is not among the "
                    f"questionnaire's scales ({', '.join(sorted(scales))})"
                )
        for scale in scales:
            poles = {item.toward for item in self.items if item.scale == scale}
            if poles != {"low", "high"}:
                # Items all keyed one way would put anyone who agrees with everything at one end.
                raise ValueError(
                    f"the scale {scale!r} needs items toward both poles (low and high); "
                    f"it has {', '.join(sorted(poles)) or 'none'}"
                )
        return self


def _unique(what: str, values: list[str]) -> None:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"each {what} must be unique; repeated: {', '.join(repeated)}")
