"""Cross-reference checks over a whole knowledge base, run at load time.

The schemas check each file's shape; these checks need everything at once: every id a rule,
advice or profile names must exist, every condition must name a known fact type, field and
value, and a variable must be bound before a negation or comparison uses it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..errors import Problem, ProblemCode, did_you_mean
from ..schemas.conditions import Atom, TooManyBranchesError, rule_branches
from ..schemas.countries import is_iso_code
from ..schemas.document import PathKey
from ..schemas.facts import FACT_TYPES, FieldSpec
from ..schemas.knowledge_base import KnowledgeBase, Located
from ..schemas.rules import FieldTest, Pattern, RuleSpec, VariableOperand
from .culture_checks import check_culture
from .note_hint_checks import check_note_hints
from .problem_codes import describe
from .questionnaire_checks import check_questionnaires

describe(
    ProblemCode.unknown_reference,
    "An id names no source, advice, finding or dimension that exists.",
)


def check_knowledge_base(knowledge_base: KnowledgeBase) -> list[Problem]:
    """Every cross-reference problem in the knowledge base."""
    problems: list[Problem] = []
    sources = set(knowledge_base.sources)
    values_known: dict[tuple[int, int], _Left] = {}  # see _BranchChecker; the KB keeps ids alive

    def known(
        item: Located[Any],
        subpath: PathKey,
        found: str,
        table: Collection[str],
        what: str,
        *,
        key: bool = False,
    ) -> None:
        # Looked up in the table itself: a copy per reference made a 10,000-rule KB quadratic.
        if found not in table:
            problems.append(
                Problem(
                    item.location(*subpath, key=key),
                    f"unknown {what} {found!r}",
                    ".".join(map(str, subpath)),
                    did_you_mean(found, table) or f"Define the {what} first.",
                    code=ProblemCode.unknown_reference,
                )
            )

    for dimension in knowledge_base.dimensions.values():
        for index, source in enumerate(dimension.value.sources):
            known(dimension, ("sources", index), source, sources, "source")
    for located_finding in knowledge_base.findings.values():
        for index, source in enumerate(located_finding.value.sources):
            known(located_finding, ("sources", index), source, sources, "source")
    for advice in knowledge_base.advice.values():
        for index, source in enumerate(advice.value.sources):
            known(advice, ("sources", index), source, sources, "source")
        for index, other in enumerate(advice.value.conflicts_with):
            known(advice, ("conflicts_with", index), other, knowledge_base.advice, "advice")
    for culture in knowledge_base.cultures.values():
        problems += check_culture(culture, knowledge_base)
    for rule in knowledge_base.rules:
        problems += _check_metadata(rule)
        for index, source in enumerate(rule.value.sources):
            known(rule, ("sources", index), source, sources, "source")
        for finding in rule.value.then.conclude:
            known(
                rule,
                ("then", "conclude", finding),
                finding,
                knowledge_base.findings,
                "finding",
                key=True,
            )
        for advice_id in rule.value.then.support:
            known(
                rule,
                ("then", "support", advice_id),
                advice_id,
                knowledge_base.advice,
                "advice",
                key=True,
            )
        problems += _check_conditions(rule, knowledge_base, values_known)
    problems += check_questionnaires(knowledge_base)
    return problems + check_note_hints(knowledge_base.note_hints)


describe(ProblemCode.rule_without_rationale, "A rule does not say why it holds.")
describe(ProblemCode.rule_without_source, "A rule cites no published source.")


def _check_metadata(rule: Located[RuleSpec]) -> list[Problem]:
    """A rule without a rationale or a source cannot be reviewed, so it cannot load."""
    problems = []
    if not rule.value.rationale.strip():
        problems.append(
            Problem(
                rule.location("id"),
                f"the rule {rule.value.id!r} has no rationale",
                "rationale",
                "Add 'rationale:' saying why the rule holds, in your own words.",
                code=ProblemCode.rule_without_rationale,
            )
        )
    if not rule.value.sources:
        problems.append(
            Problem(
                rule.location("id"),
                f"the rule {rule.value.id!r} cites no source",
                "sources",
                "Add 'sources: [id]' naming the published work behind it (kb/sources/).",
                code=ProblemCode.rule_without_source,
            )
        )
    return problems


describe(
    ProblemCode.unknown_fact,
    "A condition names an unknown fact type, field or value.",
)
describe(
    ProblemCode.unbound_variable,
    "A variable is used in a negation or a comparison before a positive condition binds it.",
)
describe(
    ProblemCode.invalid_condition,
    "A condition compares in a way the engine "
    "cannot (numbers against text, a variable inside a negation).",
)


_COMPARING = frozenset(("at_least", "at_most", "above", "below", "within", "beyond"))
"""The fields of a FieldTest that FieldTest.comparisons reads besides a 'not' variable."""


_Left = tuple[tuple[tuple[str, Any], ...], str | None]
"""What is left to check of a field test at each place once its values passed: its numeric
comparisons and comparisons with variables, and the variable it binds."""
_NOTHING_LEFT: _Left = ((), None)


def _comparisons(test: FieldTest) -> tuple[tuple[str, Any], ...]:
    """``test.comparisons()``, without building its pairs for a test that sets none of them
    (most tests of a KB: an equality or a variable bound)."""
    if _COMPARING.isdisjoint(test.__pydantic_fields_set__) and not isinstance(
        test.not_, VariableOperand
    ):
        return ()
    return test.comparisons()


class _BranchChecker:
    """Walks one branch of a rule in order, tracking which variables are bound."""

    def __init__(
        self,
        rule: Located[RuleSpec],
        knowledge_base: KnowledgeBase,
        values_known: dict[tuple[int, int], _Left],
    ) -> None:
        self.rule = rule
        self.knowledge_base = knowledge_base
        self.bound: set[str] = set()
        self.problems: list[Problem] = []
        # (id of a field test, id of its field's spec) whose values passed -> what is left to
        # check at each place: the loader shares one instance among tests written alike, so
        # most tests of a KB have their values checked once here, and their comparisons and
        # bindings read once
        self.values_known = values_known

    def problem(
        self,
        path: PathKey,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        code: ProblemCode = ProblemCode.unknown_fact,
    ) -> None:
        self.problems.append(
            Problem(
                self.rule.location(*path, key=key),
                message,
                ".".join(map(str, path)),
                hint,
                code=code,
            )
        )

    def check(self, atoms: tuple[Atom, ...]) -> None:
        # experta joins a variable only where it was bound first, so order matters (DESIGN §5).
        for atom in atoms:
            # Only an 'exists' and a rule's own roles may be written as a list (the others
            # validated as one mapping): the file is looked at for them alone.
            listed = (atom.kind == "exists" or atom.path == ("roles",)) and isinstance(
                self.rule.raw(*atom.path), list
            )
            for index, pattern in enumerate(atom.patterns):
                path = (*atom.path, index) if listed else atom.path
                self.pattern(pattern, path, atom.kind)

    def pattern(self, pattern: Pattern, path: PathKey, kind: str) -> None:
        [(type_name, tests)] = pattern.root.items()  # one fact type: its properties cost calls
        fact_type = FACT_TYPES.get(type_name)
        if fact_type is None:
            self.problem(
                (*path, type_name),
                f"unknown fact type {type_name!r}",
                did_you_mean(type_name, FACT_TYPES),
                key=True,
            )
            return
        path = (*path, type_name)
        newly_bound: set[str] = set()
        known = self.values_known
        for field_name, test in tests.items():
            spec = fact_type.fields.get(field_name)
            if spec is None:
                self.problem(
                    (*path, field_name),
                    f"the fact type {type_name!r} has no field {field_name!r}",
                    did_you_mean(field_name, fact_type.fields),
                    key=True,
                )
                continue
            left = known.get((id(test), id(spec)))
            if left is None:
                self.field(test, spec, (*path, field_name), kind, newly_bound)
            elif left is not _NOTHING_LEFT:
                self.uses(left, spec, (*path, field_name), kind, newly_bound)
        if kind == "pattern":
            self.bound |= newly_bound

    def field(
        self, test: FieldTest, spec: FieldSpec, path: PathKey, kind: str, newly_bound: set[str]
    ) -> None:
        # Once for each test and field whose values are still to be checked.
        found = len(self.problems)
        self.values(test, spec, path)
        left = (_comparisons(test), test.as_)
        if len(self.problems) == found:  # a test with a problem is checked at each place
            nothing = not left[0] and left[1] is None
            self.values_known[(id(test), id(spec))] = _NOTHING_LEFT if nothing else left
        self.uses(left, spec, path, kind, newly_bound)

    def uses(
        self, left: _Left, spec: FieldSpec, path: PathKey, kind: str, newly_bound: set[str]
    ) -> None:
        """A test's comparisons and binding at one place: they depend on what is bound there.
        Written out test by test: this runs for the fields of a KB's conditions that compare
        or bind."""
        comparisons, variable = left
        for keyword, operand in comparisons:
            if spec.kind != "number" and keyword != "not":
                self.problem(
                    (*path, keyword),
                    f"'{keyword}' compares numbers, but this field holds {spec.kind} values",
                    "Use equals, one_of or none_of.",
                    code=ProblemCode.invalid_condition,
                )
            if not isinstance(operand, float | int):
                if kind == "not":
                    self.problem(
                        (*path, keyword),
                        "a negation cannot compare with a variable",
                        "Move the comparison into a positive condition.",
                        code=ProblemCode.invalid_condition,
                    )
                elif operand.var not in self.bound:
                    self.problem(
                        (*path, keyword, "var"),
                        f"the variable {operand.var!r} is used before it is bound",
                        f"Bind it in an earlier condition with 'as: {operand.var}'.",
                        code=ProblemCode.unbound_variable,
                    )
        if variable is not None:
            if kind == "not" and variable not in self.bound:
                self.problem(
                    (*path, "as"),
                    f"the variable {variable!r} is used in a negation before it is bound",
                    "Bind it with 'as' in a positive condition written before the 'not'.",
                    code=ProblemCode.unbound_variable,
                )
            newly_bound.add(variable)

    def values(self, test: FieldTest, spec: FieldSpec, path: PathKey) -> None:
        if test.equals is not None:
            self.value(test.equals, spec, path)
        if test.not_ is not None and not isinstance(test.not_, VariableOperand):
            self.value(test.not_, spec, (*path, "not"))
        for index, value in enumerate(test.one_of or ()):
            self.value(value, spec, (*path, "one_of", index))
        for index, value in enumerate(test.none_of or ()):
            self.value(value, spec, (*path, "none_of", index))

    def value(self, value: object, spec: FieldSpec, path: PathKey) -> None:
        allowed: Collection[str] = ()
        if spec.kind == "enum":
            allowed = spec.values
        elif spec.kind == "dimension":
            allowed = self.knowledge_base.dimensions
        elif spec.kind == "finding":
            allowed = self.knowledge_base.findings
        elif spec.kind == "country":
            if not (isinstance(value, str) and is_iso_code(value)):
                self.problem(
                    path,
                    f"{value!r} is not an ISO 3166-1 alpha-2 country code",
                    "Use a code such as JP or US.",
                )
            return
        elif spec.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.problem(path, f"expected a number, found {value!r}")
            return
        elif spec.kind == "bool":
            if not isinstance(value, bool):
                self.problem(path, f"expected true or false, found {value!r}")
            return
        else:
            return
        if value not in allowed:  # the KB's own tables: every value a condition names is hashable
            self.problem(
                path,
                f"unknown value {value!r} for a {spec.kind} field",
                did_you_mean(str(value), allowed),
            )


def _check_conditions(
    rule: Located[RuleSpec],
    knowledge_base: KnowledgeBase,
    values_known: dict[tuple[int, int], _Left],
) -> list[Problem]:
    try:
        branches = rule_branches(rule)
    except TooManyBranchesError as error:
        return [
            Problem(
                rule.location(*error.path),
                str(error),
                "when",
                "Split the rule into several rules.",
                code=ProblemCode.schema,
            )
        ]
    problems: list[Problem] = []
    seen: set[Problem] = set()
    for branch in branches:
        checker = _BranchChecker(rule, knowledge_base, values_known)
        checker.check(branch)
        for problem in checker.problems:
            if problem not in seen:  # a condition outside 'any' is checked once per branch
                seen.add(problem)
                problems.append(problem)
    return problems
