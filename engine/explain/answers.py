"""Answers to an auditor's questions about one report: why a rule, advice or finding did not
come (and, for advice that did, where the plan placed it), and the rules that nearly fired.

The CLI's ``compass explain`` and the workspace's "why not" box ask the same questions.
"""

from __future__ import annotations

from ..errors import InputError, Location, Problem, did_you_mean
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.report import Report
from ..schemas.results import RunResult
from .plan import placement
from .why_not import Explanation, near_misses, why_not


def explain_report(
    report: Report,
    knowledge_base: KnowledgeBase,
    why_not_ids: tuple[str, ...] = (),
    with_near_misses: bool = False,
) -> Explanation:
    """The report with an answer for each id in ``why_not_ids`` and, when asked, the rules that
    missed by one condition; an unknown id is an :class:`InputError` with a did-you-mean."""
    result = RunResult(facts=report.trace.facts, firings=report.trace.firings)
    answers = []
    for target in why_not_ids:
        try:
            answer = why_not(target, result, knowledge_base)
        except KeyError:
            raise InputError(
                [
                    Problem(
                        Location(f"--why-not {target}"),
                        f"{target!r} is not a rule, advice or finding id in this knowledge base",
                        hint=did_you_mean(target, known_ids(knowledge_base)),
                    )
                ]
            ) from None
        if answer.kind == "advice" and answer.given:
            where = placement(target, report, knowledge_base.manifest.plan)
            answer = answer.model_copy(update={"summary": f"{answer.summary}; {where}"})
        answers.append(answer)
    misses = tuple(near_misses(result, knowledge_base)) if with_near_misses else ()
    return Explanation(report=report, why_not=tuple(answers), near_misses=misses)


def known_ids(knowledge_base: KnowledgeBase) -> list[str]:
    """Every id a why-not question may name: advice, findings, rules."""
    return [
        *knowledge_base.advice,
        *knowledge_base.findings,
        *(rule.value.id for rule in knowledge_base.rules),
    ]
