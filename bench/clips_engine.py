"""The same rules in CLIPS (through clipspy): a reference point for our experta engine.

:func:`translate` turns a knowledge base loaded by :mod:`engine.loader` into CLIPS
``deftemplate`` and ``defrule`` constructs with the same meaning as our compiler's experta
rules: one defrule per branch of alternatives, positive patterns in the author's order (so a
variable is bound before it is used), field tests as CLIPS constraints, ``not`` and ``exists``
as CLIPS conditional elements. A field a fact lacks never matches (CLIPS would see ``nil``),
and comparisons only hold between numbers, as in :mod:`engine.matching`.

Each branch asserts ``(finding (name ...))`` for its conclusions and ``(bench-support (advice
...) (sign 1|-1))`` for the advice it supports or opposes, so the two engines' conclusions can
be compared as sets, and ``run()`` returns the number of firings.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synergy_compass.engine.schemas.conditions import Atom, rule_branches
from synergy_compass.engine.schemas.facts import FACT_TYPES, InputFacts, Scalar
from synergy_compass.engine.schemas.knowledge_base import KnowledgeBase
from synergy_compass.engine.schemas.rules import FieldTest, Pattern, Spread, VariableOperand

SUPPORT_TEMPLATE = "bench-support"

_COMPARE = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}


@dataclass(frozen=True)
class Conclusions:
    """What a run derived: finding names, (advice, sign) pairs, and the number of firings."""

    findings: frozenset[str]
    advice: frozenset[tuple[str, int]]
    firings: int


def literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _equal(variable: str, value: Scalar) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"(and (numberp {variable}) (= {variable} {literal(value)}))"
    return f"(eq {variable} {literal(value)})"


def _any_equal(variable: str, values: Iterable[Scalar]) -> str:
    tests = [_equal(variable, value) for value in values]
    # CLIPS's `or` takes two arguments or more; a list of one value is a plain test
    return tests[0] if len(tests) == 1 else f"(or {' '.join(tests)})"


class _PatternWriter:
    """Writes the patterns of one branch; a variable repeated in two patterns joins them."""

    def __init__(self) -> None:
        self.hidden = itertools.count()
        self.bound: set[str] = set()

    def pattern(self, pattern: Pattern) -> str:
        slots = " ".join(
            f"({name} {self.constraint(test)})" for name, test in sorted(pattern.tests.items())
        )
        return f"({pattern.fact_type} {slots})"

    def constraint(self, test: FieldTest) -> str:
        predicates: list[str] = []
        variable = f"?{test.as_}" if test.as_ else f"?bench-h{next(self.hidden)}"
        if test.equals is not None:
            predicates.append(_equal(variable, test.equals))
        if test.not_ is not None and not isinstance(test.not_, VariableOperand):
            predicates.append(f"(not {_equal(variable, test.not_)})")
        if test.one_of is not None:
            predicates.append(_any_equal(variable, test.one_of))
        if test.none_of is not None:
            predicates.append(f"(not {_any_equal(variable, test.none_of)})")
        predicates += [self.comparison(variable, op, operand) for op, operand in test.comparisons()]
        if (
            len(predicates) == 1
            and test.as_ is None
            and test.equals is not None
            and isinstance(test.equals, str | bool)
        ):
            return literal(test.equals)  # a literal constant: CLIPS tests it in the alpha net
        # The first occurrence binds and must not be nil (a field the fact lacks); a later one
        # joins on the bound value.
        first = test.as_ is None or test.as_ not in self.bound
        if test.as_ is not None:
            self.bound.add(test.as_)
        return "&".join([variable, *(["~nil"] if first else []), *(f":{p}" for p in predicates)])

    @staticmethod
    def comparison(variable: str, operator: str, operand: Any) -> str:
        if isinstance(operand, float | int):
            return f"(and (numberp {variable}) ({_COMPARE[operator]} {variable} {operand!r}))"
        other = f"?{operand.var}"
        if isinstance(operand, Spread):
            sign = "<=" if operator == "within" else ">="
            check = f"({sign} (abs (- {variable} {other})) {operand.by!r})"
        elif operator == "not":
            return f"(neq {variable} {other})"
        else:
            check = f"({_COMPARE[operator]} {variable} (+ {other} {operand.plus!r}))"
        return f"(and (numberp {variable}) (numberp {other}) {check})"


def _branch(atoms: tuple[Atom, ...]) -> list[str]:
    writer = _PatternWriter()
    positives = [writer.pattern(a.patterns[0]) for a in atoms if a.kind == "pattern"]
    others: list[str] = []
    for atom in atoms:
        if atom.kind == "not":
            others.append(f"(not {writer.pattern(atom.patterns[0])})")
        elif atom.kind == "exists":
            inner = " ".join(writer.pattern(p) for p in atom.patterns)
            others.append(f"(exists {inner})")
    return [*positives, *others]


def templates() -> list[str]:
    """One deftemplate per fact type, plus the support record."""
    constructs = [
        f"(deftemplate {name} {' '.join(f'(slot {field})' for field in spec.fields)})"
        for name, spec in FACT_TYPES.items()
    ]
    constructs.append(f"(deftemplate {SUPPORT_TEMPLATE} (slot advice) (slot sign))")
    return constructs


def translate(knowledge_base: KnowledgeBase) -> list[str]:
    """Every construct, templates first, in KB order."""
    constructs = templates()
    for located in knowledge_base.rules:
        rule = located.value
        actions = [f'(assert (finding (name "{finding}")))' for finding in rule.then.conclude]
        actions += [
            f'(assert ({SUPPORT_TEMPLATE} (advice "{advice}") (sign {1 if c > 0 else -1})))'
            for advice, c in rule.then.support.items()
        ]
        for index, atoms in enumerate(rule_branches(located)):
            lhs = "\n   ".join(_branch(atoms))
            constructs.append(
                f"(defrule {rule.id}--{index}\n   (declare (salience {rule.salience}))\n"
                f"   {lhs}\n   =>\n   {' '.join(actions)})"
            )
    return constructs


@dataclass(frozen=True)
class ClipsTimes:
    """Where CLIPS spends a run, in seconds. CLIPS matches as facts are asserted (its RETE
    propagates each fact at once), so the assert phase holds both the binding's cost of a
    fact and matching; ``assert_only_s`` is the first alone, measured in an environment with
    the templates but no rules, and :attr:`matching_s` is the rest."""

    assert_s: float
    """``reset`` and asserting the input facts, with the rules."""
    run_s: float
    """``run``: firing, asserting the conclusions and matching them."""
    assert_only_s: float
    """``reset`` and asserting the same facts without any rule: clipspy's call and CLIPS
    making the fact, which no matching of ours has an equivalent of."""

    @property
    def total_s(self) -> float:
        return self.assert_s + self.run_s

    @property
    def matching_s(self) -> float:
        return max(self.total_s - self.assert_only_s, 0.0)


class ClipsEngine:
    """A CLIPS environment holding one translated knowledge base.

    clipspy keeps memory for every fact asserted through it, and an environment that has seen
    many facts slows down (0.9 to 5.0 ms a scenario over 12 passes), so :meth:`timed_run`
    loads the constructs into a fresh environment before each run, from a file CLIPS parses
    itself (much faster than building them one by one from Python).
    """

    def __init__(self, constructs: Iterable[str]) -> None:
        import clips  # type: ignore[import-untyped]  # noqa: PLC0415 - bench extra, lazy

        self._clips = clips
        constructs = list(constructs)
        self.environment = clips.Environment()
        for construct in constructs:
            self.environment.build(construct)
        self.templates = {name: self.environment.find_template(name) for name in FACT_TYPES}
        self._directory = tempfile.TemporaryDirectory(prefix="bench-clips-")
        self._source = Path(self._directory.name) / "rules.clp"
        self._source.write_text("\n".join(constructs), encoding="utf-8")
        self._templates_only = "\n".join(templates())

    def renew(self) -> None:
        """Replace the environment by a fresh one with the same constructs."""
        environment = self._clips.Environment()
        environment.load(str(self._source))
        self.environment = environment
        self.templates = {name: environment.find_template(name) for name in FACT_TYPES}

    def run(self, facts: InputFacts) -> Conclusions:
        """Run in the current environment (see :meth:`timed_run` for a fresh one)."""
        environment = self.environment
        environment.reset()
        for fact in facts.facts:
            self.templates[fact.type].assert_fact(**fact.fields)
        firings = environment.run()
        return self._conclusions(firings)

    def timed_run(self, facts: InputFacts) -> tuple[Conclusions, ClipsTimes]:
        """Run in a fresh environment, timing the assert phase and the firing apart, and
        time asserting the same facts where no rule can match them (see :class:`ClipsTimes`)."""
        self.renew()
        environment = self.environment
        started = time.perf_counter()
        environment.reset()
        for fact in facts.facts:
            self.templates[fact.type].assert_fact(**fact.fields)
        asserted = time.perf_counter()
        firings = environment.run()
        finished = time.perf_counter()
        conclusions = self._conclusions(firings)
        return conclusions, ClipsTimes(
            asserted - started, finished - asserted, self._assert_only(facts)
        )

    def _assert_only(self, facts: InputFacts) -> float:
        bare = self._clips.Environment()
        for construct in templates():
            bare.build(construct)
        found = {name: bare.find_template(name) for name in FACT_TYPES}
        started = time.perf_counter()
        bare.reset()
        for fact in facts.facts:
            found[fact.type].assert_fact(**fact.fields)
        return time.perf_counter() - started

    def _conclusions(self, firings: int) -> Conclusions:
        return Conclusions(
            findings=frozenset(str(f["name"]) for f in self._all("finding")),
            advice=frozenset(
                (str(f["advice"]), int(f["sign"])) for f in self._all(SUPPORT_TEMPLATE)
            ),
            firings=firings,
        )

    def _all(self, template: str) -> tuple[Mapping[str, Any], ...]:
        found = self.environment.eval(f"(find-all-facts ((?f {template})) TRUE)")
        return tuple(found)

    def memory_mb(self) -> float:
        """Bytes in use by CLIPS's own memory manager (``mem-used``), in MB."""
        return float(self.environment.eval("(mem-used)")) / (1024 * 1024)
