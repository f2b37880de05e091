"""The automatic step limit (issue 18 item 5): it grows with the KB's rule branches and the
run's facts, so a large legitimate run completes, while a rule that fires for every pair of
facts is still stopped, with a message that says how the limit was set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI_KB
from synergy_compass.engine.errors import RunawayRulesError
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.run.compiler import CompiledKB, compile_knowledge_base
from synergy_compass.engine.run.runner import (
    MIN_STEP_LIMIT,
    STEPS_PER_BRANCH_AND_FACT,
    automatic_step_limit,
    run,
)
from synergy_compass.engine.schemas.facts import FactRecord, InputFacts, ScenarioOrigin

RULE = """\
  - id: {rule_id}
    title: Each engineer
    rationale: One firing per person.
    sources: [test-source]
    topic: hierarchy
    when:
{when}
    then:
      conclude: {{vendor: 0.5}}
"""


def _compiled(tmp_path: Path, rules: list[tuple[str, list[str]]]) -> CompiledKB:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    text = "rules:\n" + "".join(
        RULE.format(rule_id=rule_id, when="".join(f"      - {c}\n" for c in conditions))
        for rule_id, conditions in rules
    )
    (root / "people.yaml").write_text(text, encoding="utf-8")
    return compile_knowledge_base(load_knowledge_base(root))


def _people(count: int) -> InputFacts:
    origin = ScenarioOrigin(paths=("test",))
    return InputFacts(
        facts=tuple(
            FactRecord(
                id=number,
                type="person",
                fields={"rank": "working", "role": f"engineer {number}"},
                origin=origin,
            )
            for number in range(count)
        )
    )


def test_the_limit_grows_with_branches_and_facts(tmp_path: Path) -> None:
    compiled = _compiled(tmp_path, [("each", ["person: {rank: working}"])])
    assert automatic_step_limit(compiled, _people(10)) == MIN_STEP_LIMIT
    grown = automatic_step_limit(compiled, _people(1_000))
    assert grown == STEPS_PER_BRANCH_AND_FACT * (len(compiled.branches) + 1_000)
    assert grown > MIN_STEP_LIMIT


def test_a_rule_firing_for_every_pair_is_stopped_and_told_why(tmp_path: Path) -> None:
    pairs = ["person: {rank: working}", "person: {rank: working}"]
    compiled = _compiled(tmp_path, [("pairs", pairs)])
    with pytest.raises(RunawayRulesError) as caught:
        run(compiled, _people(120))  # 14,400 pairs against a limit of 10,000
    message = str(caught.value)
    assert message.startswith(f"the rules fired {MIN_STEP_LIMIT} times without settling")
    assert "the automatic limit: 50 firings per rule branch and per input fact" in message
    branches = len(compiled.branches)
    assert f"here {branches} branches and 120 facts, and at least 10,000" in message
    assert "kept firing at the end: pairs" in message


def test_a_limit_given_is_kept_as_given(tmp_path: Path) -> None:
    compiled = _compiled(tmp_path, [("each", ["person: {rank: working}"])])
    with pytest.raises(RunawayRulesError, match=r"fired 5 times .* \(the limit given\)"):
        run(compiled, _people(10), step_limit=5)


@pytest.mark.slow
def test_a_45_000_firing_legitimate_run_completes(tmp_path: Path) -> None:
    # 45 rules that each fire once per person: 45,000 firings, beyond the old fixed 10,000
    rules = [(f"each-{n}", ["person: {rank: working}"]) for n in range(45)]
    compiled = _compiled(tmp_path, rules)
    result = run(compiled, _people(1_000))
    assert len(result.firings) == 45_000
