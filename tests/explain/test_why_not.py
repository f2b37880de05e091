from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import compiled_knowledge_base, explain_file
from synergy_compass.engine.errors import InputError
from synergy_compass.engine.explain.why_not import branch_checks, near_misses
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.pipeline import scenario_run
from synergy_compass.engine.render.explanations import render_why_not_text

SAME_CULTURE = """title: T
we: {culture: US}
they: {culture: US}
relationship: {stage: established, they_see_us_as: vendor}
goal: {kind: expand_scope}
we_observe: [no_decision]
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "same.yaml"
    path.write_text(SAME_CULTURE)
    return path


def test_why_not_names_the_failing_condition_in_domain_words(scenario: Path, mini_kb: Path) -> None:
    answer = explain_file(scenario, mini_kb, ("introduce",)).why_not[0]
    assert answer.kind == "advice"
    assert not answer.given
    gap_rule = next(branch for branch in answer.branches if branch.rule == "power-gap-up")
    assert (gap_rule.held, gap_rule.total) == (2, 3)
    failed = next(check for check in gap_rule.conditions if not check.held)
    assert failed.path == "when.1"
    assert failed.detail == (
        "closest: their Power distance is 40; this rule needs 50 (ours 40 + 10) or more"
    )
    chained = next(b for b in answer.branches if b.rule == "stuck-when-vendor-and-gap")
    assert chained.conditions[0].detail == "no rule concluded it (ask: --why-not power-gap)"
    assert chained.conditions[1].held


def test_why_not_for_a_rule_that_fired_says_so(scenario: Path, mini_kb: Path) -> None:
    answer = explain_file(scenario, mini_kb, ("vendor-stated",)).why_not[0]
    assert answer.given
    assert answer.branches[0].fired


def test_negations_report_the_blocking_fact(tmp_path: Path, mini_kb: Path) -> None:
    path = tmp_path / "flat.yaml"
    path.write_text(
        SAME_CULTURE.replace("{culture: US}\nrel", "{culture: JP, structure: flat}\nrel")
    )
    answer = explain_file(path, mini_kb, ("power-gap-up",)).why_not[0]
    negation = answer.branches[0].conditions[2]
    assert not negation.held
    assert negation.detail == "blocked by organisation(structure=flat)"


def test_near_misses_are_rules_one_condition_short(scenario: Path, mini_kb: Path) -> None:
    misses = explain_file(scenario, mini_kb, (), with_near_misses=True).near_misses
    assert [(miss.rule, miss.held, miss.total) for miss in misses] == [
        ("power-gap-up", 2, 3),
        ("stuck-when-vendor-and-gap", 1, 2),
        ("impatience-noted", 2, 3),  # the counterpart is not Japanese
    ]


def test_an_unknown_id_gets_a_suggestion(scenario: Path, mini_kb: Path) -> None:
    with pytest.raises(InputError, match="Did you mean 'introduce'"):
        explain_file(scenario, mini_kb, ("introduse",))


def test_a_comparison_with_a_text_variable_reads_as_the_bound_text() -> None:
    """A rule may compare a country with a bound country (``not: {var: parent_culture}``): the
    answer names the country instead of formatting it as a number."""
    scenario = next(Path("kb/scenarios").glob("three-parties-*.yaml"))
    answer = explain_file(scenario, why_not_ids=("parent-culture-overrides-profile",))
    text = render_why_not_text(answer.why_not[0])
    assert "anything but DE (parent_culture)" in text


@pytest.mark.parametrize("name", ["allen-japan.yaml", "three-parties-*.yaml"])
def test_near_misses_are_each_rules_first_branch_one_condition_short(name: str) -> None:
    """Near misses are found without words and only then described: the same branches, in the
    same words, as reading every rule's full branch checks."""
    compiled = compiled_knowledge_base()
    knowledge_base = compiled.knowledge_base
    path = next(Path("kb/scenarios").glob(name))
    result = scenario_run(load_scenario(path, knowledge_base.countries).scenario, compiled)
    fired = {firing.rule for firing in result.firings}
    expected = []
    for rule in knowledge_base.rules:
        if rule.value.id in fired:
            continue
        branches = branch_checks(rule.value.id, result, knowledge_base)
        expected += [b for b in branches if b.total > 1 and b.held == b.total - 1][:1]
    assert len(expected) > 20
    assert near_misses(result, knowledge_base) == expected
