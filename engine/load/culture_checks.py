"""Load-time checks of a culture profile against the rest of the KB: its country is an ISO code,
each score names a dimension and sources that exist, and lies on its dimension's scale."""

from __future__ import annotations

from typing import Any

from ..errors import Problem, ProblemCode, did_you_mean
from ..schemas.countries import is_iso_code
from ..schemas.knowledge_base import KnowledgeBase, Located
from .problem_codes import describe

describe(
    ProblemCode.score_out_of_range,
    "A culture score lies outside its dimension's scale.",
)


def check_culture(culture: Located[Any], knowledge_base: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    profile = culture.value
    if not is_iso_code(profile.country):
        problems.append(
            Problem(
                culture.location("country"),
                f"{profile.country!r} is not an ISO 3166-1 alpha-2 code",
                "culture.country",
                "Use a code such as JP or US.",
                code=ProblemCode.schema,
            )
        )
    for dimension_id, score in profile.scores.items():
        if dimension_id not in knowledge_base.dimensions:
            problems.append(
                Problem(
                    # placed only when wrong: a file read without positions is parsed for them
                    culture.location("scores", dimension_id, key=True),
                    f"unknown dimension {dimension_id!r}",
                    f"culture.scores.{dimension_id}",
                    did_you_mean(dimension_id, knowledge_base.dimensions),
                    code=ProblemCode.unknown_reference,
                )
            )
            continue
        if score.source not in knowledge_base.sources:
            problems.append(
                Problem(
                    culture.location("scores", dimension_id, "source"),
                    f"unknown source {score.source!r}",
                    f"culture.scores.{dimension_id}.source",
                    did_you_mean(score.source, knowledge_base.sources),
                    code=ProblemCode.unknown_reference,
                )
            )
        dimension = knowledge_base.dimensions[dimension_id].value
        for index, reading in enumerate(score.other_readings):
            if reading.source not in knowledge_base.sources:
                problems.append(
                    Problem(
                        culture.location("scores", dimension_id, "other_readings", index, "source"),
                        f"unknown source {reading.source!r}",
                        f"culture.scores.{dimension_id}.other_readings.{index}.source",
                        did_you_mean(reading.source, knowledge_base.sources),
                        code=ProblemCode.unknown_reference,
                    )
                )
        if score.value is not None and not dimension.minimum <= score.value <= dimension.maximum:
            problems.append(
                Problem(
                    culture.location("scores", dimension_id, "value"),
                    f"the score {score.value:g} is outside the {dimension.name} scale "
                    f"({dimension.minimum:g} to {dimension.maximum:g})",
                    f"culture.scores.{dimension_id}.value",
                    "Check the value against its source, or widen the dimension's range.",
                    code=ProblemCode.score_out_of_range,
                )
            )
    return problems
