"""``compass kb coverage``: what the example scenarios leave untested.

Rules that never fired, advice never expected, rules with no negative test, and conditions that
never decided a rule's outcome (no scenario where that condition alone failed).
"""

from __future__ import annotations

from collections.abc import Collection

from ..explain.why_not import branch_checks
from ..run.compiler import CompiledKB
from ..schemas.base import Frozen
from .scenario_tests import _run_suite, scenario_files


class CoverageReport(Frozen):
    rules: int
    rules_fired: int
    rules_never_fired: tuple[str, ...]
    advice: int
    advice_never_expected: tuple[str, ...]
    rules_without_negative_test: tuple[str, ...]
    conditions: int
    conditions_never_deciding: tuple[str, ...]
    rule_coverage_percent: float
    condition_coverage_percent: float


def coverage(
    compiled: CompiledKB,
    *,
    only_rules: Collection[str] | None = None,
    only_advice: Collection[str] | None = None,
) -> CoverageReport:
    """What the scenario suite leaves untested.

    ``only_rules`` and ``only_advice`` restrict what is counted to those ids (an extension
    layer's own items); every scenario still runs on the whole KB, because a base layer's
    scenarios may exercise an extension's rules. ``None`` counts everything.
    """
    knowledge_base = compiled.knowledge_base
    rules = [
        rule for rule in knowledge_base.rules if only_rules is None or rule.value.id in only_rules
    ]
    advice_ids = [a for a in knowledge_base.advice if only_advice is None or a in only_advice]
    runs, _broken = _run_suite(compiled, scenario_files(compiled))
    rule_ids = [rule.value.id for rule in rules]
    fired = {firing.rule for suite_run in runs for firing in suite_run.result.firings} & set(
        rule_ids
    )
    expected_advice = {a for r in runs for a in r.scenario.expectations.must_advise}
    negative = {a for r in runs for a in r.scenario.expectations.must_not_advise}
    without_negative = [
        rule.value.id
        for rule in rules
        if not {a for a, c in rule.value.then.support.items() if c > 0} & negative
    ]
    deciding: set[str] = set()
    conditions: set[str] = set()
    for rule in rules:
        for suite_run in runs:
            for branch in branch_checks(rule.value.id, suite_run.result, knowledge_base):
                names = [f"{rule.value.id} {check.path}" for check in branch.conditions]
                conditions |= set(names)
                failing = [
                    name
                    for name, check in zip(names, branch.conditions, strict=True)
                    if not check.held
                ]
                if len(failing) == 1:  # this condition alone kept the rule from firing
                    deciding.add(failing[0])
    never = sorted(conditions - deciding)
    return CoverageReport(
        rules=len(rule_ids),
        rules_fired=len(fired),
        rules_never_fired=tuple(r for r in rule_ids if r not in fired),
        advice=len(advice_ids),
        advice_never_expected=tuple(sorted(set(advice_ids) - expected_advice)),
        rules_without_negative_test=tuple(without_negative),
        conditions=len(conditions),
        conditions_never_deciding=tuple(never),
        rule_coverage_percent=round(100 * len(fired) / max(len(rule_ids), 1), 1),
        condition_coverage_percent=round(100 * len(deciding) / max(len(conditions), 1), 1),
    )
