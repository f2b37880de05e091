"""``compass kb coverage``: what the example scenarios leave untested.

Rules that never fired, advice never expected, rules with no negative test, and conditions that
never decided a rule's outcome: no scenario where that condition alone failed, in the way of
matching the rule that why-not would show (:mod:`engine.explain.condition_search`).

Meant to run on every save, so each scenario is run once, without the report that advising
explains from the run, and the conditions of every rule are checked on that one run's facts
without putting them in words.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from pydantic import Field

from ..errors import ScenarioError
from ..explain.condition_search import (
    FactIndex,
    PatternLookup,
    PreparedAtom,
    held_whatever_bound,
    prepare,
    steps_of_best,
)
from ..load.scenario import load_scenario
from ..pipeline import scenario_run
from ..run.compiler import CompiledKB
from ..run.garbage_collection import collection_paused
from ..schemas.base import Frozen
from ..schemas.conditions import rule_branches
from ..schemas.knowledge_base import Located
from ..schemas.results import RunResult
from ..schemas.rules import RuleSpec
from ..schemas.scenario import Scenario
from .scenario_tests import scenario_files


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
    layer: str = Field(
        default="",
        description="the KB directory whose rules and advice are counted, as its scenarios "
        "exercise them; empty when every layer's are",
    )
    left_out: int = Field(default=0, description="rules of the other layers not counted")


def coverage(
    compiled: CompiledKB,
    *,
    only_rules: Collection[str] | None = None,
    only_advice: Collection[str] | None = None,
    scenarios: Sequence[Path] | None = None,
) -> CoverageReport:
    """What the scenario suite leaves untested.

    ``only_rules`` and ``only_advice`` restrict what is counted to those ids (an extension
    layer's own items), and ``scenarios`` the suite that runs (each on the whole KB; None:
    every layer's scenarios). ``None`` counts everything. A scenario that cannot be read is
    left out here; ``kb test`` reports it.
    """
    knowledge_base = compiled.knowledge_base
    rules = [
        rule for rule in knowledge_base.rules if only_rules is None or rule.value.id in only_rules
    ]
    advice_ids = [a for a in knowledge_base.advice if only_advice is None or a in only_advice]
    runs = _scenario_runs(compiled, scenario_files(compiled) if scenarios is None else scenarios)
    rule_ids = [rule.value.id for rule in rules]
    fired = {firing.rule for _, result in runs for firing in result.firings} & set(rule_ids)
    expected_advice = {a for scenario, _ in runs for a in scenario.expectations.must_advise}
    negative = {a for scenario, _ in runs for a in scenario.expectations.must_not_advise}
    without_negative = [
        rule.value.id
        for rule in rules
        if not {a for a, c in rule.value.then.support.items() if c > 0} & negative
    ]
    conditions, deciding = deciding_conditions(rules, [result for _, result in runs])
    return CoverageReport(
        rules=len(rule_ids),
        rules_fired=len(fired),
        rules_never_fired=tuple(r for r in rule_ids if r not in fired),
        advice=len(advice_ids),
        advice_never_expected=tuple(sorted(set(advice_ids) - expected_advice)),
        rules_without_negative_test=tuple(without_negative),
        conditions=len(conditions),
        conditions_never_deciding=tuple(sorted(conditions - deciding)),
        rule_coverage_percent=round(100 * len(fired) / max(len(rule_ids), 1), 1),
        condition_coverage_percent=round(100 * len(deciding) / max(len(conditions), 1), 1),
    )


def _scenario_runs(compiled: CompiledKB, paths: Sequence[Path]) -> list[tuple[Scenario, RunResult]]:
    runs = []
    for path in paths:
        try:
            scenario = load_scenario(path, compiled.knowledge_base.countries).scenario
        except ScenarioError:
            continue
        runs.append((scenario, scenario_run(scenario, compiled)))
    return runs


def deciding_conditions(
    rules: Iterable[Located[RuleSpec]], results: Sequence[RunResult]
) -> tuple[set[str], set[str]]:
    """The conditions of the rules' branches (named ``"<rule> <path>"``), if any scenario ran,
    and those that, in some run, were the only condition of their branch that failed."""
    lookups: dict[str, PatternLookup] = {}
    branches = []
    for rule in rules:
        for atoms in rule_branches(rule):
            names = [f"{rule.value.id} {'.'.join(map(str, atom.path))}" for atom in atoms]
            branches.append(_Branch(prepare(atoms, lookups), names))
    conditions = {name for branch in branches for name in branch.names} if results else set()
    deciding: set[str] = set()
    verdicts: dict[object, bool] = {}
    # Hundreds of thousands of short-lived keys and steps, none in a cycle: a collection
    # would only walk them (see engine.run.garbage_collection).
    with collection_paused():
        for result in results:
            index = FactIndex(result.facts, verdicts)
            for branch in branches:
                if deciding.issuperset(branch.names):  # this branch has nothing left to show
                    continue
                found = branch.newly_deciding(index, deciding)
                if found is not None:
                    deciding.add(found)
    return conditions, deciding


class _Branch:
    """A rule branch prepared once for every run, its conditions' names beside them."""

    def __init__(self, atoms: tuple[PreparedAtom, ...], names: list[str]) -> None:
        self.atoms = atoms
        self.names = names
        self.constant = [
            (prepared, name)
            for prepared, name in zip(atoms, names, strict=True)
            if not prepared.reads_variables
        ]

    def newly_deciding(self, index: FactIndex, deciding: set[str]) -> str | None:
        """The condition that alone kept this branch from firing in this run, as why-not shows
        it, unless it is known already. A condition that reads no variable fails in every way
        of matching the branch or in none, so the search is skipped when two such fail or one
        already known does; after the first failure, conditions are checked only until a
        second one fails."""
        constant_failure = None
        for prepared, name in self.constant:
            if not held_whatever_bound(index, prepared):
                if constant_failure is not None or name in deciding:
                    return None
                constant_failure = name
        failing = None
        for name, step in zip(self.names, steps_of_best(index, self.atoms), strict=True):
            if step.held:
                continue
            if failing is not None or name in deciding:
                return None
            failing = name
        return failing
