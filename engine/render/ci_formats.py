"""The knowledge-engineer reports in the forms CI systems read: lint findings as SARIF 2.1.0
(code-scanning viewers) and as GitHub Actions workflow commands (annotations on a pull
request), and the scenario tests as a JUnit XML file (test-report viewers)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..authoring.lint import CHECKS, Severity
from .safe_text import json_text, plain_text

if TYPE_CHECKING:
    from ..authoring.lint import LintFinding, LintReport
    from ..authoring.scenario_tests import KBTestReport, ScenarioOutcome

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "Synergy Compass"

_SARIF_LEVELS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}
_GITHUB_COMMANDS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}


@dataclass(frozen=True)
class _Place:
    """Where a finding points: the KB directory it is in (None when the location is not a file
    of one, such as a missing KB folder), the file relative to it, and 1-based line and column
    (0 when unknown)."""

    root_index: int | None
    path: str
    line: int
    column: int


def _split_location(location: str) -> tuple[str, int, int]:
    # Split from the right: a file name may itself contain ':'.
    parts = location.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return parts[0], int(parts[1]), int(parts[2])
    path, _, line = location.rpartition(":")
    if path and line.isdigit():
        return path, int(line), 0
    return location, 0, 0


def _place(location: str, roots: Sequence[Path]) -> _Place:
    """The finding's file, told apart by KB directory: the loader names files of the first
    directory relative to it, and those of an extension with the extension's folder name first."""
    path, line, column = _split_location(location)
    if Path(path).is_absolute() or not roots:
        return _Place(None, path, line, column)
    for index in range(len(roots) - 1, 0, -1):
        prefix = f"{roots[index].name}/"
        if path.startswith(prefix):
            return _Place(index, path.removeprefix(prefix), line, column)
    return _Place(0, path, line, column)


def _base_id(index: int) -> str:
    return "KBROOT" if index == 0 else f"KBROOT{index}"


def _message(finding: LintFinding) -> str:
    hint = f" {finding.hint}" if finding.hint else ""
    return f"{finding.message}.{hint}"


def render_lint_sarif(report: LintReport, roots: Sequence[Path], tool_version: str) -> str:
    """One SARIF run: every lint check as a rule, every finding as a result whose file is named
    relative to its KB directory (``uriBaseId``, resolved by ``originalUriBaseIds``)."""
    rule_index = {check_id: index for index, check_id in enumerate(CHECKS)}
    results = []
    for finding in report.findings:
        place = _place(finding.location, roots)
        artifact: dict[str, Any]
        if place.root_index is not None:
            artifact = {"uri": quote(place.path), "uriBaseId": _base_id(place.root_index)}
        elif Path(place.path).is_absolute():
            artifact = {"uri": Path(place.path).as_uri()}
        else:
            artifact = {"uri": quote(place.path)}
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if place.line:
            region = {"startLine": place.line}
            if place.column:
                region["startColumn"] = place.column
            physical["region"] = region
        results.append(
            {
                "ruleId": finding.check,
                "ruleIndex": rule_index[finding.check],
                "level": _SARIF_LEVELS[finding.severity],
                "message": {"text": _message(finding)},
                "locations": [{"physicalLocation": physical}],
            }
        )
    rules = [
        {
            "id": check.id,
            "shortDescription": {"text": check.description},
            "defaultConfiguration": {"level": _SARIF_LEVELS[check.severity]},
        }
        for check in CHECKS.values()
    ]
    run = {
        "tool": {"driver": {"name": TOOL_NAME, "version": tool_version, "rules": rules}},
        # A directory's URI ends with '/', so that relative URIs resolve inside it.
        "originalUriBaseIds": {
            _base_id(index): {"uri": root.resolve().as_uri() + "/"}
            for index, root in enumerate(roots)
        },
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_text(json.dumps(log, indent=2)) + "\n"


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping: '%' first, so the escapes themselves are not escaped.
    # Other controls are dropped: an escape sequence would reach the log viewer of the CI run.
    return plain_text(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_path(place: _Place, roots: Sequence[Path]) -> str:
    """The file as the workflow's working directory (usually the repository's root) names it,
    which is how GitHub matches an annotation to a file of the pull request."""
    if place.root_index is None:
        return place.path
    full = roots[place.root_index].resolve() / place.path
    try:
        return Path(os.path.relpath(full)).as_posix()
    except ValueError:  # on another drive, which Windows cannot name relatively
        return full.as_posix()


def render_lint_github(report: LintReport, roots: Sequence[Path]) -> str:
    """One GitHub Actions workflow command per finding (``::error file=..,line=..::message``)."""
    lines = []
    for finding in report.findings:
        place = _place(finding.location, roots)
        properties = [f"file={_escape_property(_github_path(place, roots))}"]
        if place.line:
            properties.append(f"line={place.line}")
        if place.column:
            properties.append(f"col={place.column}")
        properties.append(f"title={_escape_property(f'compass kb lint: {finding.check}')}")
        command = _GITHUB_COMMANDS[finding.severity]
        lines.append(f"::{command} {','.join(properties)}::{_escape_data(_message(finding))}")
    return "".join(line + "\n" for line in lines)


def _failure_text(outcome: ScenarioOutcome) -> str:
    lines = list(outcome.unknown_ids)
    for label, items in (
        ("advice that should have been given", outcome.missing_advice),
        ("advice that should not have been given", outcome.unexpected_advice),
        ("findings that should have been diagnosed", outcome.missing_findings),
        ("findings that should not have been diagnosed", outcome.unexpected_findings),
    ):
        if items:
            lines.append(f"{label}: {', '.join(items)}")
    return "\n".join(lines)


def render_test_junit(report: KBTestReport, suite_name: str = "compass kb test") -> str:
    """One testsuite, a testcase per example scenario: a failure lists what was missing or
    unexpected, an error is a scenario that could not be read, and a scenario without
    expectations is skipped (it tests nothing yet)."""
    errors = sum(1 for outcome in report.scenarios if outcome.error)
    suite = ET.Element(
        "testsuite",
        name=suite_name,
        tests=str(len(report.scenarios)),
        failures=str(report.failed - errors),
        errors=str(errors),
        skipped=str(report.without_expectations),
    )
    for outcome in report.scenarios:
        case = ET.SubElement(suite, "testcase", name=outcome.scenario, classname="scenarios")
        if outcome.title:
            ET.SubElement(
                ET.SubElement(case, "properties"), "property", name="title", value=outcome.title
            )
        if outcome.error:
            error = ET.SubElement(case, "error", message="the scenario could not be run")
            error.text = outcome.error
        elif not outcome.passed:
            failure = ET.SubElement(case, "failure", message="the scenario's expectations fail")
            failure.text = _failure_text(outcome)
        elif not outcome.stated:
            ET.SubElement(case, "skipped", message="the scenario states no expectations")
        open_todo = ", ".join(outcome.todo_still_open)
        if open_todo:
            ET.SubElement(case, "system-out").text = f"todo, still open: {open_todo}"
    ET.indent(suite)
    # XML 1.0 has no place for most control characters: a parser would refuse the file.
    return plain_text(ET.tostring(suite, encoding="unicode", xml_declaration=True)) + "\n"
