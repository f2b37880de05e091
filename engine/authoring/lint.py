"""``compass kb lint``: every problem in a knowledge base, each with a check id and severity.

Load-time problems (YAML, schema, references, variables) come from the loader and
:mod:`engine.checks` with their check ids; the checks here look at the KB as a whole: rules
that can never fire, advice no rule supports, rules with the same conditions, conflicting
advice that can be given together, and gaps in the culture profiles. A KB can switch a check
off for named items, with a reason, in a ``lint:`` file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..errors import Location, Problem, did_you_mean, shorten
from ..load.loader import inspect_knowledge_base
from ..schemas.base import Frozen
from ..schemas.conditions import Atom, Branch, expand
from ..schemas.kb import LintExclusion, Pattern, RuleSpec, VariableOperand
from ..schemas.knowledge_base import KnowledgeBase, Located


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    description: str


CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        Check(
            "yaml",
            Severity.error,
            "A file is not valid, safe YAML (or is empty, too large, "
            "not UTF-8, or uses tags, merge keys or duplicate keys).",
        ),
        Check(
            "schema",
            Severity.error,
            "A file does not match its format: a missing or unknown "
            "key, a wrong type, an unknown value.",
        ),
        Check("missing-manifest", Severity.error, "The KB has no kb.yaml naming it."),
        Check("duplicate-id", Severity.error, "Two items of one kind share an id."),
        Check(
            "unknown-reference",
            Severity.error,
            "An id names no source, advice, finding or dimension that exists.",
        ),
        Check(
            "unknown-fact",
            Severity.error,
            "A condition names an unknown fact type, field or value.",
        ),
        Check(
            "unbound-variable",
            Severity.error,
            "A variable is used in a negation or a "
            "comparison before a positive condition binds it.",
        ),
        Check(
            "invalid-condition",
            Severity.error,
            "A condition compares in a way the engine "
            "cannot (numbers against text, a variable inside a negation).",
        ),
        Check("rule-without-rationale", Severity.error, "A rule does not say why it holds."),
        Check("rule-without-source", Severity.error, "A rule cites no published source."),
        Check(
            "score-out-of-range",
            Severity.error,
            "A culture score lies outside its dimension's scale.",
        ),
        Check(
            "rule-never-fires",
            Severity.warning,
            "A rule needs a fact that no scenario field, profile or rule can produce.",
        ),
        Check(
            "unsupported-advice",
            Severity.warning,
            "No rule supports an advice, so it can never be given.",
        ),
        Check(
            "duplicate-conditions",
            Severity.warning,
            "Two rules have exactly the same conditions; merge them or make them differ.",
        ),
        Check(
            "conflicting-advice",
            Severity.warning,
            "Two pieces of advice are marked as "
            "conflicting, and rules that give each can fire in the same run.",
        ),
        Check(
            "negation-order",
            Severity.warning,
            "A rule tests that a finding is absent, but a rule that concludes that finding does "
            "not have a higher salience, so the first may fire before the finding exists "
            "(conclusions are never withdrawn).",
        ),
        Check(
            "lint-config",
            Severity.error,
            "A lint exclusion names a check that does not exist, or tries to switch off a check "
            "whose findings stop the KB from loading.",
        ),
        Check("unused-finding", Severity.info, "No rule concludes a finding."),
        Check(
            "profile-missing-scores",
            Severity.info,
            "A culture profile marks a score as missing, or lacks a dimension of a framework it "
            "otherwise has (missing is shown as missing, never as zero).",
        ),
    )
}


class LintFinding(Frozen):
    check: str
    severity: Severity
    location: str
    message: str
    hint: str = ""
    item: str = ""

    def __str__(self) -> str:
        hint = f" {self.hint}" if self.hint else ""
        return f"{self.location}: {self.severity.value}[{self.check}] {self.message}.{hint}"


class LintReport(Frozen):
    findings: tuple[LintFinding, ...]
    counts: dict[str, int]
    excluded: int

    def fails(self, fail_on: Severity) -> bool:
        levels = (
            [Severity.error] if fail_on == Severity.error else [Severity.error, Severity.warning]
        )
        return any(finding.severity in levels for finding in self.findings)


def _finding(
    check: str, location: Location, message: str, hint: str = "", item: str = ""
) -> LintFinding:
    return LintFinding(
        check=check,
        severity=CHECKS[check].severity,
        location=str(location),
        message=message,
        hint=hint,
        item=item,
    )


def _from_problem(problem: Problem) -> LintFinding:
    code = problem.code if problem.code in CHECKS else "schema"
    field = f" (at {problem.field})" if problem.field else ""
    return _finding(code, problem.location, problem.message + field, problem.hint)


def _branches(rule: Located[RuleSpec]) -> list[Branch]:
    try:
        return expand(rule.value.when, rule.raw("when"), ("when",))
    except Exception:  # reported by the loader's checks already
        return []


def _finding_names(pattern: Pattern) -> set[str]:
    test = pattern.tests.get("name")
    if pattern.fact_type != "finding" or test is None:
        return set()
    if test.equals is not None:
        return {str(test.equals)}
    return {str(value) for value in test.one_of or ()}


@dataclass(frozen=True)
class _Available:
    """What the profiles can supply: dimensions with a score, and with other readings."""

    scored: frozenset[str]
    spread: frozenset[str]

    @classmethod
    def of(cls, knowledge_base: KnowledgeBase) -> _Available:
        scores = [
            (dimension, score)
            for culture in knowledge_base.cultures.values()
            for dimension, score in culture.value.scores.items()
            if score.value is not None
        ]
        return cls(
            frozenset(dimension for dimension, _score in scores),
            frozenset(dimension for dimension, score in scores if score.other_readings),
        )


def _producible_findings(
    branches: dict[str, list[Branch]], knowledge_base: KnowledgeBase, available: _Available
) -> set[str]:
    """Findings some chain of rules can conclude, starting from scenario and profile facts."""
    producible: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in knowledge_base.rules:
            new = set(rule.value.then.conclude) - producible
            if new and any(
                _missing(branch, producible, available) is None
                for branch in branches[rule.value.id]
            ):
                producible |= new
                changed = True
    return producible


def _missing(
    branch: Branch, producible: set[str], available: _Available
) -> tuple[Atom, str] | None:
    """The first positive condition of a branch that nothing can satisfy, and why."""
    for atom in branch:
        if atom.kind == "not":
            continue
        for pattern in atom.patterns:
            names = _finding_names(pattern)
            if names and not names & producible:
                return atom, f"the finding {sorted(names)[0]!r}, which no rule can conclude"
            dimension = pattern.tests.get("dimension")
            if pattern.fact_type in ("score", "score_spread") and dimension and dimension.equals:
                pool = available.spread if pattern.fact_type == "score_spread" else available.scored
                if dimension.equals not in pool:
                    what = (
                        "other readings for"
                        if pattern.fact_type == "score_spread"
                        else "a score on"
                    )
                    return atom, f"{what} {dimension.equals!r}, which no culture profile has"
    return None


def _never_fires(knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    available = _Available.of(knowledge_base)
    by_rule = {rule.value.id: _branches(rule) for rule in knowledge_base.rules}
    producible = _producible_findings(by_rule, knowledge_base, available)
    for rule in knowledge_base.rules:
        branches = by_rule[rule.value.id]
        missing = [_missing(branch, producible, available) for branch in branches]
        if branches and all(missing):
            atom, why = missing[0]  # type: ignore[misc]
            yield _finding(
                "rule-never-fires",
                rule.location(*atom.path),
                f"the rule {rule.value.id!r} can never fire: it needs {why}",
                "Add a rule that concludes it, or remove the condition.",
                item=rule.value.id,
            )


def _unsupported_advice(knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    supported = {
        advice
        for rule in knowledge_base.rules
        for advice, certainty in rule.value.then.support.items()
        if certainty > 0
    }
    for advice_id, advice in knowledge_base.advice.items():
        if advice_id not in supported:
            yield _finding(
                "unsupported-advice",
                advice.location("id"),
                f"no rule supports the advice {advice_id!r}, so it is never given",
                "Write a rule that supports it, or remove it.",
                item=advice_id,
            )


def _unused_findings(knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    concluded = {finding for rule in knowledge_base.rules for finding in rule.value.then.conclude}
    for finding_id, finding in knowledge_base.findings.items():
        if finding_id not in concluded:
            yield _finding(
                "unused-finding",
                finding.location("id"),
                f"no rule concludes the finding {finding_id!r}",
                item=finding_id,
            )


def _duplicate_conditions(knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    seen: dict[str, Located[RuleSpec]] = {}
    for rule in knowledge_base.rules:
        key = json.dumps(
            [c.model_dump(mode="json", by_alias=True) for c in rule.value.when], sort_keys=True
        )
        if key in seen:
            first = seen[key]
            yield _finding(
                "duplicate-conditions",
                rule.location("when"),
                f"the rule {rule.value.id!r} has the same conditions as "
                f"{first.value.id!r} ({first.location('when')})",
                "Merge the two rules, or make their conditions differ.",
                item=rule.value.id,
            )
        else:
            seen[key] = rule


_SINGLE_FACTS = ("goal", "relationship", "organisation")


@dataclass
class _Requirements:
    """What one branch requires, as far as exclusivity between rules can be judged."""

    values: dict[tuple[str, str], set[object]]
    needs: set[str]
    forbids: set[str]
    direction: dict[tuple[str, str], str]
    ranges: dict[tuple[str, str], tuple[float, float]]


def _requirements(branch: Branch) -> _Requirements:
    found = _Requirements({}, set(), set(), {}, {})
    for atom in branch:
        for pattern in atom.patterns:
            names = _finding_names(pattern)
            if atom.kind == "not":
                found.forbids |= names if len(names) == 1 else set()
                continue
            found.needs |= names if len(names) == 1 else set()
            if pattern.fact_type in _SINGLE_FACTS:
                for field, test in pattern.tests.items():
                    values: set[object] = (
                        {test.equals} if test.equals is not None else set(test.one_of or ())
                    )
                    if values:
                        key = (pattern.fact_type, field)
                        found.values[key] = found.values.get(key, values) & values
            if pattern.fact_type == "score":
                _score_requirements(pattern, found)
    return found


def _score_requirements(pattern: Pattern, found: _Requirements) -> None:
    side, dimension, value = (pattern.tests.get(name) for name in ("side", "dimension", "value"))
    if not (side and dimension and value and side.equals and dimension.equals):
        return
    key = (str(side.equals), str(dimension.equals))
    low, high = found.ranges.get(key, (float("-inf"), float("inf")))
    for operator, operand in value.comparisons():
        if isinstance(operand, VariableOperand):
            if operator in ("at_least", "above") and operand.plus > 0:
                found.direction[key] = "higher"
            elif operator in ("at_most", "below") and operand.plus < 0:
                found.direction[key] = "lower"
        elif isinstance(operand, float | int):
            if operator in ("at_least", "above"):
                low = max(low, float(operand))
            elif operator in ("at_most", "below"):
                high = min(high, float(operand))
    found.ranges[key] = (low, high)


def _exclusive(first: Branch, second: Branch) -> bool:
    """Whether two branches can never hold in the same run (judged conservatively)."""
    a, b = _requirements(first), _requirements(second)
    if a.needs & b.forbids or b.needs & a.forbids:
        return True
    if any(key in b.values and not values & b.values[key] for key, values in a.values.items()):
        return True
    if any(key in b.direction and b.direction[key] != way for key, way in a.direction.items()):
        return True
    return any(
        key in b.ranges and (span[0] > b.ranges[key][1] or b.ranges[key][0] > span[1])
        for key, span in a.ranges.items()
    )


def _conflicting_advice(knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    supporters: dict[str, list[tuple[str, Branch]]] = {}
    for rule in knowledge_base.rules:
        for advice_id, certainty in rule.value.then.support.items():
            if certainty > 0:
                supporters.setdefault(advice_id, []).extend(
                    (rule.value.id, branch) for branch in _branches(rule)
                )
    reported: set[frozenset[str]] = set()
    for advice_id, advice in knowledge_base.advice.items():
        for index, other in enumerate(advice.value.conflicts_with):
            pair = frozenset((advice_id, other))
            if pair in reported:
                continue
            together = next(
                (
                    (rule_a, rule_b)
                    for rule_a, branch_a in supporters.get(advice_id, [])
                    for rule_b, branch_b in supporters.get(other, [])
                    if not _exclusive(branch_a, branch_b)
                ),
                None,
            )
            if together:
                reported.add(pair)
                yield _finding(
                    "conflicting-advice",
                    advice.location("conflicts_with", index),
                    f"{advice_id!r} conflicts with {other!r}, yet both can be given in one run "
                    f"(rules {together[0]!r} and {together[1]!r} do not exclude each other)",
                    "Make the rules exclude each other, or keep the conflict flagged in the "
                    "output knowingly (disable this check for these advice ids with a reason).",
                    item=advice_id,
                )


def _profile_gaps(knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    """Dimensions a profile marks as missing, or leaves out of a framework it otherwise uses."""
    framework = {d: dimension.value.framework for d, dimension in knowledge_base.dimensions.items()}
    for code, culture in sorted(knowledge_base.cultures.items()):
        scores = culture.value.scores
        used = {framework.get(d) for d, score in scores.items() if score.value is not None}
        missing = [
            d
            for d, name in framework.items()
            if (d in scores and scores[d].value is None) or (d not in scores and name in used)
        ]
        if missing:
            yield _finding(
                "profile-missing-scores",
                culture.location("country"),
                f"the {culture.value.name} profile has no {', '.join(missing)} score",
                item=code,
            )


def _negation_order(knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    concluders: dict[str, list[RuleSpec]] = {}
    for rule in knowledge_base.rules:
        for finding in rule.value.then.conclude:
            concluders.setdefault(finding, []).append(rule.value)
    for rule in knowledge_base.rules:
        reported: set[str] = set()
        for branch in _branches(rule):
            for atom in branch:
                if atom.kind != "not":
                    continue
                for name in _finding_names(atom.patterns[0]) - reported:
                    early = [
                        other
                        for other in concluders.get(name, [])
                        if other.salience <= rule.value.salience and other.id != rule.value.id
                    ]
                    if early:
                        reported.add(name)
                        yield _finding(
                            "negation-order",
                            rule.location(*atom.path),
                            f"the rule {rule.value.id!r} (salience {rule.value.salience}) tests "
                            f"that {name!r} is absent, but {early[0].id!r} concludes it at "
                            f"salience {early[0].salience}",
                            f"Give {early[0].id!r} a higher salience than {rule.value.salience}.",
                            item=rule.value.id,
                        )


_KB_CHECKS: tuple[Callable[[KnowledgeBase], Iterator[LintFinding]], ...] = (
    _never_fires,
    _unsupported_advice,
    _unused_findings,
    _duplicate_conditions,
    _conflicting_advice,
    _negation_order,
    _profile_gaps,
)


def lint_knowledge_base(roots: Path | Sequence[Path] | None = None) -> LintReport:
    """Every problem in the KB directories, minus what the KB's lint exclusions switch off."""
    knowledge_base, problems = inspect_knowledge_base(roots)
    findings = [_from_problem(problem) for problem in problems]
    for check in _KB_CHECKS:
        findings.extend(check(knowledge_base))
    exclusions, config_problems = _usable_exclusions(knowledge_base)
    findings.extend(config_problems)
    kept, excluded = [], 0
    for finding in findings:
        if _excluded(finding, exclusions):
            excluded += 1
        else:
            kept.append(finding)
    kept.sort(key=lambda f: (_location_key(f.location), f.check))
    counts = {
        severity.value: sum(1 for f in kept if f.severity == severity) for severity in Severity
    }
    return LintReport(findings=tuple(kept), counts=counts, excluded=excluded)


def _usable_exclusions(
    knowledge_base: KnowledgeBase,
) -> tuple[list[LintExclusion], list[LintFinding]]:
    """The exclusions that may apply, and a finding for each that may not."""
    usable, problems = [], []
    for located in knowledge_base.lint_exclusions:
        check = CHECKS.get(located.value.check)
        if check is None:
            problems.append(
                _finding(
                    "lint-config",
                    located.location("check"),
                    f"there is no check called {shorten(located.value.check)!r}",
                    did_you_mean(located.value.check, CHECKS)
                    or "See `compass kb lint --list-checks`.",
                )
            )
        elif check.severity == Severity.error:
            problems.append(
                _finding(
                    "lint-config",
                    located.location("check"),
                    f"the check {check.id!r} finds errors that stop the KB from loading; "
                    "it cannot be switched off",
                    "Fix what it reports instead.",
                )
            )
        else:
            usable.append(located.value)
    return usable, problems


def _excluded(finding: LintFinding, exclusions: list[LintExclusion]) -> bool:
    return any(
        exclusion.check == finding.check and finding.item in exclusion.items
        for exclusion in exclusions
    )


def _location_key(location: str) -> tuple[str, int, int]:
    # Split from the right: a file name may itself contain ':'.
    parts = location.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return parts[0], int(parts[1]), int(parts[2])
    return location, 0, 0


def render_lint_text(report: LintReport) -> str:
    lines = [str(finding) for finding in report.findings]
    plural = {"error": "errors", "warning": "warnings", "info": "info"}
    summary = ", ".join(
        f"{count} {severity if count == 1 else plural[severity]}"
        for severity, count in report.counts.items()
    )
    excluded = (
        f"; {report.excluded} switched off by the KB's lint settings" if report.excluded else ""
    )
    lines.append(f"{summary}{excluded}")
    return "\n".join(lines) + "\n"


def render_checks_text() -> str:
    width = max(len(check_id) for check_id in CHECKS)
    return "".join(
        f"{check.id:<{width}}  {check.severity.value:<7}  {check.description}\n"
        for check in CHECKS.values()
    )
