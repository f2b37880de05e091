"""`compass kb test`, `kb docs` and `kb schema` on the small test KB."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.authoring.scenario_tests import run_kb_tests
from synergy_compass.engine.render.authoring import render_test_text


def test_expectations_todo_and_rule_tallies(mini_kb: Path) -> None:
    report = run_kb_tests(compiled_knowledge_base(mini_kb))
    assert report.ok
    basic = next(outcome for outcome in report.scenarios if outcome.scenario == "basic.yaml")
    assert basic.todo_still_open == ("push-hard",)
    assert basic.todo_now_passing == ("be-patient",)
    tallies = {tally.rule: (tally.fired, tally.expected, tally.wrong) for tally in report.rules}
    assert tallies["power-gap-up"] == (1, 1, 0)
    assert tallies["impatience-noted"] == (1, 0, 0)


def test_a_failing_expectation_fails_the_run(mini_kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(mini_kb, root)
    (root / "scenarios" / "wrong.yaml").write_text(
        "title: Wrong\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: expand_scope}\n"
        "expectations: {must_advise: [push-hard], must_not_advise: [introduce]}\n"
    )
    result = CliRunner().invoke(cli, ["kb", "test", str(root)])
    assert result.exit_code == 1
    assert "FAIL  wrong.yaml  Wrong" in result.stdout
    assert "advice that should not have been given: introduce" in result.stdout
    assert "advice that should have been given: push-hard" in result.stdout


def test_docs_describe_rules_in_plain_words(mini_kb: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["kb", "docs", str(mini_kb), "-o", str(tmp_path / "d")])
    assert result.exit_code == 0
    page = (tmp_path / "d" / "topics" / "hierarchy.md").read_text()
    assert "- their Power distance: ours + 10 or more" in page
    assert "- there is no organisation structure: flat" in page
    assert "**Exercised by scenarios.** `basic`" in page
    assert "| Japan (JP) | 54 |" in (tmp_path / "d" / "cultures.md").read_text()
    assert "[Rules: hierarchy]" not in (tmp_path / "d" / "index.md").read_text()


def test_schemas_are_json_schema_documents() -> None:
    runner = CliRunner()
    for kind in ("rule", "advice", "culture", "scenario"):
        result = runner.invoke(cli, ["kb", "schema", kind])
        assert result.exit_code == 0
        schema = json.loads(result.stdout)
        assert schema["$schema"].startswith("https://json-schema.org/")
        assert schema["additionalProperties"] is False
    scenario = json.loads(runner.invoke(cli, ["kb", "schema", "scenario"]).stdout)
    assert "expand_scope" in json.dumps(scenario)


def test_a_scenario_without_expectations_is_not_counted_as_passed(
    mini_kb: Path, tmp_path: Path
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(mini_kb, root)
    (root / "scenarios" / "no-expectations.yaml").write_text(
        "title: Nothing stated\nwe: {culture: US}\nthey: {culture: JP}\n"
        "goal: {kind: expand_scope}\n"
    )
    report = run_kb_tests(compiled_knowledge_base(root))
    assert report.without_expectations == 1
    assert report.passed == len(report.scenarios) - 1
    assert report.ok
    text = render_test_text(report)
    assert "RAN   no-expectations.yaml" in text
    assert text.endswith("1 ran without expectations (they test nothing yet)\n")
