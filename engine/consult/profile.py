"""Scoring the self-assessment: a person's answers to the questionnaire (``kb/questionnaire.yaml``)
become a position on each practical scale with a band around it, written as a profile file
(:class:`~engine.schemas.profiles.PersonalProfile`) a scenario can point at.

How a scale is scored (docs/kb-authoring.md, "The questionnaire", says the same for authors):

- each answer becomes an item position from 0 to 1: how far it agrees (0 for the lowest answer,
  1 for the highest), or one minus that for an item that points toward the low pole;
- the scale's position is the mean of two means, that of its low-pole items and that of its
  high-pole items, times 100. Weighing the poles equally, however many items each has answered,
  puts someone who agrees (or disagrees) with everything at 50, not at one end;
- the band is ``100 * sqrt((e**2 + s**2) / n)``: ``e`` the error of one answer alone
  (``scoring.answer_error``), ``s`` how far the item positions lie from the scale's position
  (their root mean square distance: 0 when every answer points to the same place, 0.5 when
  they split between the ends), ``n`` the number of answers. It is then widened by up to
  ``scoring.unsure_widening`` times as the person's sureness falls from 1 to 0, and never
  exceeds 50, which says the position is not known at all.

A scale none of whose items was answered is left out of the profile.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping

import yaml

from ..errors import InputError, Location, Problem
from ..schemas.base import Frozen
from ..schemas.kb import Dimension
from ..schemas.profiles import WIDEST_BAND, PersonalProfile, ScalePosition
from ..schemas.questionnaire import Questionnaire, QuestionnaireItem


class ScaleResult(Frozen):
    """Where the person landed on one scale, with what the summary and the web page show."""

    scale: str
    name: str
    low_pole: str
    high_pole: str
    position: float
    band: float
    answered: int
    items: int


class ProfileResult(Frozen):
    """The profile a questionnaire gave, and each scale's result in the questionnaire's order."""

    profile: PersonalProfile
    title: str
    sureness_label: str
    scales: tuple[ScaleResult, ...]


def item_position(questionnaire: Questionnaire, item: QuestionnaireItem, answer: int) -> float:
    """Where one answer puts the person, 0 (low pole) to 1 (high pole)."""
    lowest, highest = questionnaire.answers[0].value, questionnaire.answers[-1].value
    agreement = (answer - lowest) / (highest - lowest)
    return agreement if item.toward == "high" else 1.0 - agreement


def score_scale(
    questionnaire: Questionnaire, scale: str, answers: Mapping[str, int], sureness: float
) -> ScalePosition | None:
    """The position and band on ``scale`` from the answers given (item id to answer value);
    None when none of the scale's items was answered."""
    by_pole: dict[str, list[float]] = {"low": [], "high": []}
    for item in questionnaire.items:
        if item.scale == scale and item.id in answers:
            by_pole[item.toward].append(item_position(questionnaire, item, answers[item.id]))
    given = by_pole["low"] + by_pole["high"]
    if not given:
        return None
    pole_means = [sum(values) / len(values) for values in by_pole.values() if values]
    position = sum(pole_means) / len(pole_means)
    spread_squared = sum((value - position) ** 2 for value in given) / len(given)
    error = questionnaire.scoring.answer_error / 100
    band = 100 * math.sqrt((error**2 + spread_squared) / len(given))
    band *= 1 + (questionnaire.scoring.unsure_widening - 1) * (1 - sureness)
    return ScalePosition(position=round(100 * position, 1), band=round(min(band, WIDEST_BAND), 1))


def sureness_of(questionnaire: Questionnaire, value: int) -> tuple[float, str]:
    """The sureness an answer to the last question gives, and its label."""
    for choice in questionnaire.sureness.choices:
        if choice.value == value:
            return choice.sureness, choice.label
    raise ValueError(f"{value} is not an answer to the sureness question")


def score_answers(
    questionnaire: Questionnaire,
    answers: Mapping[str, int],
    sureness_answer: int,
    dimensions: Mapping[str, Dimension],
    *,
    name: str = "",
    culture: str | None = None,
    today: datetime.date | None = None,
) -> ProfileResult:
    """The profile of a person who gave ``answers`` (item id to answer value; an item left out
    was skipped) and ``sureness_answer`` to the last question; raises :class:`InputError` when
    nothing was answered. ``dimensions`` (the KB's) name the scales and their poles."""
    sureness, sureness_label = sureness_of(questionnaire, sureness_answer)
    results: list[ScaleResult] = []
    for scale in questionnaire.scales:
        found = score_scale(questionnaire, scale.id, answers, sureness)
        if found is None:
            continue
        dimension = dimensions[scale.id]
        on_scale = [item for item in questionnaire.items if item.scale == scale.id]
        results.append(
            ScaleResult(
                scale=scale.id,
                name=dimension.name,
                low_pole=dimension.low_pole,
                high_pole=dimension.high_pole,
                position=found.position,
                band=found.band,
                answered=sum(1 for item in on_scale if item.id in answers),
                items=len(on_scale),
            )
        )
    if not results:
        raise InputError(
            [
                Problem(
                    Location("compass profile"),
                    "no statement was answered, so there is nothing to place you by",
                    hint="Answer at least one statement; an empty answer skips one.",
                )
            ]
        )
    profile = PersonalProfile(
        name=name,
        culture=culture,
        assessed_on=today or datetime.date.today(),
        questionnaire=questionnaire.reference,
        sureness=sureness,
        positions={
            result.scale: ScalePosition(position=result.position, band=result.band)
            for result in results
        },
    )
    return ProfileResult(
        profile=profile,
        title=questionnaire.title,
        sureness_label=sureness_label,
        scales=tuple(results),
    )


def profile_file_text(result: ProfileResult, file_name: str = "my-profile.yaml") -> str:
    """The profile file: a header saying what it is and how a scenario uses it, then the
    profile's fields, one line per scale with its poles in a comment."""
    profile = result.profile
    whose = _comment(profile.name) or "one person"
    header = [
        f"# A personal profile written by `compass profile` ({profile.questionnaire}): where",
        f"# {whose} placed themselves on the practical scales, 0 to 100 between each scale's",
        "# poles, give or take the band. It is how one person says they work, not a test result.",
        "# To use it, point a person on our side of a scenario at this file (a path relative to",
        "# the scenario); the advice then uses this person's positions instead of their",
        "# country's averages, and says so:",
        "#   we:",
        "#     people:",
        f"#       - name: {_comment(profile.name) or 'Ann Lee'}",
        "#         role: Partner        # their role, in your words",
        "#         rank: senior         # top, senior, middle or working",
        "#         leads: true          # the person who leads for us",
        f"#         profile: {file_name}",
    ]
    fields = profile.model_dump(exclude={"positions"}, exclude_none=True)
    body = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000)
    lines = ["positions:"]
    for scale in result.scales:
        lines.append(
            f"  {scale.scale}: {{position: {scale.position:g}, band: {scale.band:g}}}"
            f"  # 0 {_comment(scale.low_pole)}, 100 {_comment(scale.high_pole)}"
        )
    return "\n".join(header) + "\n" + body + "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    # A line break in a name (the user's, or a pole's from the KB) would end the comment, and
    # a control or direction character would act on the terminal of whoever prints the file.
    return " ".join("".join(char if char.isprintable() else " " for char in text).split())
