"""Load-time checks of the self-assessment questionnaires (``kb/questionnaire.yaml``): every
scale must be a practical dimension of the KB, 0 to 100 between the poles its items point to,
and every source it cites must exist. A questionnaire on a scale the rules do not know would
place people where no rule could use them.
"""

from __future__ import annotations

from ..errors import Problem, ProblemCode, did_you_mean
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.profiles import PRACTICAL_FRAMEWORK
from .personal_profiles import practical_scales


def check_questionnaires(knowledge_base: KnowledgeBase) -> list[Problem]:
    """Every reference problem of the KB's questionnaires, located at the id at fault."""
    problems: list[Problem] = []
    practical = practical_scales(knowledge_base)
    for questionnaire in knowledge_base.questionnaires.values():
        for index, scale in enumerate(questionnaire.value.scales):
            if scale.id not in practical:
                dimension = knowledge_base.dimensions.get(scale.id)
                found = (
                    f"the dimension {scale.id!r} is not a practical scale (it is "
                    f"{dimension.value.framework}, {dimension.value.minimum:g} to "
                    f"{dimension.value.maximum:g})"
                    if dimension
                    else f"unknown dimension {scale.id!r}"
                )
                problems.append(
                    Problem(
                        questionnaire.location("scales", index, "id"),
                        f"{found}; a questionnaire places people on the scales of "
                        f"{PRACTICAL_FRAMEWORK}, 0 to 100",
                        f"scales.{index}.id",
                        did_you_mean(scale.id, practical) if not dimension else "",
                        code=ProblemCode.unknown_reference,
                    )
                )
            for number, source in enumerate(scale.sources):
                if source not in knowledge_base.sources:
                    problems.append(
                        Problem(
                            questionnaire.location("scales", index, "sources", number),
                            f"unknown source {source!r}",
                            f"scales.{index}.sources.{number}",
                            did_you_mean(source, knowledge_base.sources)
                            or "Define the source first (kb/sources/).",
                            code=ProblemCode.unknown_reference,
                        )
                    )
    return problems
