"""WHY-NOT: why a rule did not fire, or an advice or finding was not given, in domain words.

Every branch of each rule that could give the target is checked against the run's final facts,
condition by condition in the author's order: which held (on which facts), which failed first,
and for a failed pattern the closest facts of its type with what each lacks ("their Power
distance is 54; this rule needs 70 or more"), by the engine's own :mod:`engine.rules.matching`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..rules.matching import failed_tests, is_number
from ..schemas.base import Frozen
from ..schemas.conditions import Atom, rule_branches
from ..schemas.facts import Scalar
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.report import Report
from ..schemas.results import RunResult
from ..schemas.rules import FieldTest, Pattern, RuleSpec, Spread, VariableOperand
from .condition_search import FactIndex, PatternLookup, Step, best_steps, prepare

_CLOSEST = 3


class ConditionCheck(Frozen):
    """One condition of one rule branch, checked against the final facts."""

    condition: str
    path: str
    held: bool
    detail: str
    facts: tuple[int, ...] = ()


class BranchCheck(Frozen):
    rule: str
    rule_title: str
    branch: int
    fired: bool
    held: int
    total: int
    first_failure: str | None
    conditions: tuple[ConditionCheck, ...]


class WhyNot(Frozen):
    target: str
    kind: Literal["rule", "advice", "finding"]
    given: bool
    summary: str
    branches: tuple[BranchCheck, ...]


class ConditionWords:
    """Describes facts and tests in the words of the domain."""

    def __init__(self, knowledge_base: KnowledgeBase) -> None:
        self.knowledge_base = knowledge_base

    def subject(self, fact_type: str, fields: Mapping[str, Scalar], field: str) -> str:
        if fact_type in ("score", "score_spread") and "dimension" in fields:
            owner = "our" if fields.get("side") == "home" else "their"
            dimension = self.knowledge_base.dimensions.get(str(fields["dimension"]))
            name = dimension.value.name if dimension else fields["dimension"]
            return f"{owner} {name}" + ("" if field == "value" else f" {field}")
        return f"{fact_type} {field.replace('_', ' ')}"

    @staticmethod
    def operand(operand: Any, bindings: Mapping[str, Any]) -> str:
        if isinstance(operand, VariableOperand):
            bound = bindings.get(operand.var)
            shift = (
                f" {'+' if operand.plus >= 0 else '-'} {abs(operand.plus):g}"
                if operand.plus
                else ""
            )
            if bound is None:
                return f"{operand.var}{shift}"
            if not is_number(bound):  # a text variable (a country code) compared for equality
                return f"{bound} ({operand.var})"
            return (
                f"{bound + operand.plus:g} ({operand.var} {bound:g}{shift})"
                if shift
                else f"{bound:g} ({operand.var})"
            )
        if isinstance(operand, float):
            return f"{operand:g}"
        return str(operand)

    def requirement(self, test: FieldTest, keyword: str, bindings: Mapping[str, Any]) -> str:
        value = {
            "equals": test.equals,
            "not": test.not_,
            "one_of": test.one_of,
            "none_of": test.none_of,
            "at_least": test.at_least,
            "at_most": test.at_most,
            "above": test.above,
            "below": test.below,
            "within": test.within,
            "beyond": test.beyond,
            "as": test.as_,
        }[keyword]
        if isinstance(value, Spread):
            other = bindings.get(value.var)
            centre = f"{other:g} ({value.var})" if other is not None else value.var
            if keyword == "within":
                return f"within {value.by:g} of {centre}"
            return f"at least {value.by:g} away from {centre}"
        if isinstance(value, tuple):
            return ("one of " if keyword == "one_of" else "none of ") + ", ".join(map(str, value))
        text = self.operand(value, bindings)
        return {
            "equals": f"{text}",
            "not": f"anything but {text}",
            "at_least": f"{text} or more",
            "at_most": f"{text} or less",
            "above": f"more than {text}",
            "below": f"less than {text}",
            "as": f"the same value as {bindings.get(str(value))} ({value})",
        }[keyword]

    def pattern(self, pattern: Pattern, bindings: Mapping[str, Any]) -> str:
        """A pattern in words: "their Power distance 50 (ours 40 + 10) or more"."""
        tests = pattern.tests
        if pattern.fact_type == "finding" and tests.get("name") and tests["name"].equals:
            name = str(tests["name"].equals)
            finding = self.knowledge_base.findings.get(name)
            return f"finding {name!r}" + (f" ({finding.value.title})" if finding else "")
        fields = {
            field: test.equals
            for field, test in tests.items()
            if field in ("side", "dimension") and test.equals is not None
        }
        identifying = set(fields) if pattern.fact_type in ("score", "score_spread") else set()
        phrases = []
        for field, test in tests.items():
            if field in identifying:
                continue
            keywords = [
                keyword
                for keyword, value in test.model_dump(by_alias=True, exclude_none=True).items()
                if keyword != "as" or len(test.model_fields_set) == 1
            ]
            subject = self.subject(pattern.fact_type, fields, field)
            if keywords == ["as"]:
                phrases.append(f"{subject} (any value, kept as {test.as_})")
                continue
            phrases.append(
                f"{subject}: " + " and ".join(self.requirement(test, k, bindings) for k in keywords)
            )
        return "; ".join(phrases) or f"{pattern.fact_type} fact"


class _Checker:
    """Puts the steps of :func:`best_steps` in words, and the closest facts to a failed one."""

    def __init__(self, index: FactIndex, words: ConditionWords) -> None:
        self.index = index
        self.words = words

    def closest(self, pattern: Pattern, bindings: Mapping[str, Any]) -> str:
        name = pattern.tests.get("name")
        if pattern.fact_type == "finding" and name is not None and name.equals is not None:
            return f"no rule concluded it (ask: --why-not {name.equals})"
        same_type = self.index.by_type.get(pattern.fact_type, [])
        if not same_type:
            return f"there is no {pattern.fact_type} fact at all in this run"
        scored = []
        for fact in same_type:
            reasons, weight = [], 0
            for field, test in pattern.tests.items():
                if field not in fact.fields:
                    reasons.append(
                        f"{self.words.subject(fact.type, fact.fields, field)} is not given"
                    )
                    weight += 1
                    continue
                for keyword in failed_tests(test, fact.fields[field], bindings):
                    reasons.append(
                        f"{self.words.subject(fact.type, fact.fields, field)} is "
                        f"{fact.fields[field]}; this rule needs "
                        f"{self.words.requirement(test, keyword, bindings)}"
                    )
                    # A fact about something else (another dimension, the other side) is
                    # not "close", however few tests it fails.
                    weight += 10 if keyword == "equals" else 1
            scored.append((weight, fact.id, reasons))
        scored.sort()
        fewest = scored[0][0]
        nearest = [reasons for count, _, reasons in scored if count == fewest][:_CLOSEST]
        return "closest: " + " | ".join("; ".join(reasons) for reasons in nearest)

    def check(self, atoms: tuple[Atom, ...]) -> list[ConditionCheck]:
        """The author-order checks of the assignment that satisfies the longest prefix."""
        return [self.describe(step) for step in best_steps(self.index, prepare(atoms))]

    def describe(self, step: Step) -> ConditionCheck:
        atom, bindings = step.atom, step.bindings
        met = "met by " + ", ".join(fact.describe() for fact in step.facts)
        if atom.kind == "pattern":
            text = self.words.pattern(atom.patterns[0], bindings)
            detail = met if step.held else self.closest(atom.patterns[0], bindings)
        elif atom.kind == "not":
            text = "no " + self.words.pattern(atom.patterns[0], bindings)
            detail = "no such fact" if step.held else f"blocked by {step.facts[0].describe()}"
        else:
            text = "some " + " and ".join(self.words.pattern(p, bindings) for p in atom.patterns)
            if step.held:
                detail = met
            else:  # the closest facts to the first pattern nothing met
                missing = next(
                    p
                    for p in atom.patterns
                    if not self.index.matches(PatternLookup.of(p), bindings)
                )
                detail = self.closest(missing, bindings)
        return ConditionCheck(
            condition=text,
            path=".".join(map(str, atom.path)),
            held=step.held,
            detail=detail,
            facts=tuple(fact.id for fact in step.facts),
        )


def _candidates(target: str, knowledge_base: KnowledgeBase) -> tuple[str, list[str]]:
    if target in knowledge_base.advice:
        return "advice", [
            r.value.id for r in knowledge_base.rules if r.value.then.support.get(target, 0) > 0
        ]
    if target in knowledge_base.findings:
        return "finding", [
            r.value.id for r in knowledge_base.rules if target in r.value.then.conclude
        ]
    if any(r.value.id == target for r in knowledge_base.rules):
        return "rule", [target]
    raise KeyError(target)


def branch_checks(rule_id: str, run: RunResult, knowledge_base: KnowledgeBase) -> list[BranchCheck]:
    """Every branch of one rule, checked against the run's final facts."""
    located = knowledge_base.rule(rule_id)
    fired_branches = {f.branch for f in run.firings if f.rule == rule_id}
    checker = _Checker(FactIndex(run.facts), ConditionWords(knowledge_base))
    return [
        _branch_check(located.value, number, checker.check(atoms), number in fired_branches)
        for number, atoms in enumerate(rule_branches(located))
    ]


def _branch_check(
    rule: RuleSpec, number: int, checks: list[ConditionCheck], fired: bool
) -> BranchCheck:
    return BranchCheck(
        rule=rule.id,
        rule_title=rule.title,
        branch=number,
        fired=fired,
        held=sum(1 for check in checks if check.held),
        total=len(checks),
        first_failure=next((check.condition for check in checks if not check.held), None),
        conditions=tuple(checks),
    )


def why_not(target: str, run: RunResult, knowledge_base: KnowledgeBase) -> WhyNot:
    """Explain why ``target`` (a rule, advice or finding id) did or did not come out."""
    kind, rules = _candidates(target, knowledge_base)
    fired = {firing.rule for firing in run.firings}
    given = bool(set(rules) & fired)
    branches = [
        branch for rule_id in rules for branch in branch_checks(rule_id, run, knowledge_base)
    ]
    branches.sort(key=lambda b: (b.fired, -(b.held / max(b.total, 1)), b.rule, b.branch))
    if not rules:
        summary = f"no rule can give the {kind} {target!r}"
    elif given:
        summary = (
            f"the {kind} {target!r} was given: " + ", ".join(sorted(set(rules) & fired)) + " fired"
        )
    else:
        summary = (
            f"the {kind} {target!r} was not given: none of the {len(rules)} rule(s) that "
            "could give it fired"
        )
    return WhyNot(target=target, kind=kind, given=given, summary=summary, branches=tuple(branches))


def near_misses(run: RunResult, knowledge_base: KnowledgeBase) -> list[BranchCheck]:
    """Rule branches that did not fire although all but one of their conditions held: each
    rule's first such branch. Branches are searched without words, one index for all, and
    only the misses are described (the closest facts of every failure of every rule are most
    of the cost otherwise)."""
    fired = {firing.rule for firing in run.firings}
    checker = _Checker(FactIndex(run.facts), ConditionWords(knowledge_base))
    lookups: dict[str, PatternLookup] = {}
    misses = []
    for located in knowledge_base.rules:
        if located.value.id in fired:
            continue
        for number, atoms in enumerate(rule_branches(located)):
            steps = best_steps(checker.index, prepare(atoms, lookups))
            if len(steps) > 1 and sum(step.held for step in steps) == len(steps) - 1:
                checks = [checker.describe(step) for step in steps]
                misses.append(_branch_check(located.value, number, checks, fired=False))
                break
    return misses


class Explanation(Frozen):
    """A report with the answers to why-not questions and the near misses."""

    report: Report
    why_not: tuple[WhyNot, ...] = ()
    near_misses: tuple[BranchCheck, ...] = ()
