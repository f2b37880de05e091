"""Working on your own layer: an extension KB of three rules on top of the shipped one, checked
with `compass kb lint`, `kb test` and `kb coverage` from its own folder, as a knowledge engineer
would. Each command reports on the extension alone unless --all is given, and so do the CI
forms (SARIF, GitHub annotations, JUnit, --fail-under)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SHIPPED_KB
from synergy_compass.cli import cli
from synergy_compass.engine.authoring.lint import lint_knowledge_base

OUR_RULES = ("acme-hierarchy-gap", "acme-map-chain", "acme-needs-sign-off")
SHIPPED_SCENARIOS = len(list((SHIPPED_KB / "scenarios").glob("*.yaml")))

# The extension's second rule also supports a piece of shipped advice that pulls criticism the
# opposite way of another shipped one: the conflict is found in a shipped file, but the
# extension causes it, so it belongs to the extension's report.
_FILES = {
    "kb.yaml": "knowledge_base: {name: Acme, version: 1.0.0, extends: shipped}\n",
    "sources/acme.yaml": """\
sources:
  - id: acme-field-notes
    title: Acme field notes from the Osaka office
    authors: [Acme sales team]
    year: 2024
    kind: report
""",
    "findings/acme.yaml": """\
findings:
  - id: acme-long-approval-chain
    title: Their approvals pass through many desks
    explanation: A request waits for every desk on the way up to agree.
    sources: [acme-field-notes]
  - id: acme-signed-off-elsewhere
    title: The decision was signed off at their head office
    explanation: Nobody concludes this yet.
    sources: [acme-field-notes]
""",
    "advice/acme.yaml": """\
advice:
  - id: acme-map-the-approval-chain
    title: Map who signs off before you ask for a decision
    advice: Ask the working-level contact which desks a request passes through.
    steps:
      - Ask who reviews a request before it reaches the top.
      - Send each reviewer the material a week before the meeting.
    topic: decision_making
    stage: now
    sources: [acme-field-notes]
""",
    "rules/acme.yaml": """\
rules:
  - id: acme-hierarchy-gap
    title: Their culture is more hierarchical than ours
    rationale: Field notes from the Osaka office.
    sources: [acme-field-notes]
    topic: decision_making
    when:
      - score: {side: home, dimension: pdi, value: {as: ours}}
      - score: {side: counterpart, dimension: pdi, value: {at_least: {var: ours, plus: 10}}}
    then:
      conclude: {acme-long-approval-chain: 0.7}
  - id: acme-map-chain
    title: A long approval chain calls for mapping it
    rationale: Field notes from the Osaka office.
    sources: [acme-field-notes]
    topic: decision_making
    when:
      - finding: {name: acme-long-approval-chain}
    then:
      support: {acme-map-the-approval-chain: 0.6, adapt-the-performance-review-format: 0.5}
  - id: acme-needs-sign-off
    title: A head-office sign-off calls for mapping the chain there too
    rationale: Field notes from the Osaka office.
    sources: [acme-field-notes]
    topic: decision_making
    when:
      - finding: {name: acme-signed-off-elsewhere}
    then:
      support: {acme-map-the-approval-chain: 0.4}
""",
}

_SCENARIO = """\
title: Acme sells machine tools to an Osaka distributor
we: {culture: US}
they:
  culture: JP
  people:
    - {role: President, rank: top, contact: none}
relationship: {we_are: seller, stage: established, months: 24}
goal: [{kind: expand_scope}]
expectations:
  must_advise: [acme-map-the-approval-chain]
  must_diagnose: [{finding}]
"""


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The extension KB in a new folder, which the test then works from."""
    root = tmp_path / "acme"
    for name, text in _FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    _write_scenario(root, finding="acme-long-approval-chain")
    monkeypatch.chdir(root)
    return root


def _write_scenario(root: Path, *, finding: str) -> Path:
    path = root / "scenarios" / "osaka.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(_SCENARIO.replace("{finding}", finding), encoding="utf-8")
    return path


def _kb(*arguments: str) -> Result:
    return CliRunner().invoke(cli, ["kb", *arguments])


def test_lint_reports_what_the_extension_brings_and_all_reports_every_layer(acme: Path) -> None:
    result = _kb("lint", ".", "--fail-on", "warning")
    assert result.exit_code == 1, result.output
    findings = result.stdout.splitlines()[:-2]
    checks = sorted(line.split("[")[1].split("]")[0] for line in findings)
    assert checks == ["conflicting-advice", "rule-never-fires", "unused-finding"]
    # Two in the extension's files; one in a shipped file, caused by the extension's rule.
    assert sum(line.startswith("acme/") for line in findings) == 2
    conflict = next(line for line in findings if "conflicting-advice" in line)
    assert conflict.startswith("advice/")
    assert "'acme-map-chain'" in conflict
    assert all("acme" in line for line in findings)
    assert result.stdout.splitlines()[-2] == "0 errors, 2 warnings, 1 info"
    shipped = len(lint_knowledge_base(SHIPPED_KB).findings)
    assert result.stdout.splitlines()[-1].startswith(
        f"(only the layer in this folder, not the {shipped} findings of the layers below it;"
    )

    everything = _kb("lint", ".", "--all")
    assert "cultures/zw.yaml:7:12: info[profile-missing-scores]" in everything.stdout
    assert "acme/rules/acme.yaml" in everything.stdout
    assert "only the layer" not in everything.stdout


def test_lint_of_two_directories_keeps_the_findings_of_the_lower_one_out(
    mini_kb: Path, tmp_path: Path
) -> None:
    extension = tmp_path / "extra"
    extension.mkdir()
    (extension / "advice.yaml").write_text(
        "advice:\n  - id: extra-advice\n    title: Extra\n    advice: Nobody gives it.\n"
        "    topic: time\n    stage: now\n    sources: [test-source]\n"
    )
    stacked = lint_knowledge_base([mini_kb, extension])
    alone = lint_knowledge_base(mini_kb)
    everything = lint_knowledge_base([mini_kb, extension], all_layers=True)
    assert [(f.check, f.location) for f in stacked.findings] == [
        ("unsupported-advice", "extra/advice.yaml:2:9")
    ]
    assert stacked.layer == str(extension)
    assert stacked.left_out == len(alone.findings)
    assert len(everything.findings) == len(alone.findings) + 1
    assert everything.layer == ""


def test_kb_test_runs_the_extensions_scenarios_and_tallies_its_rules(acme: Path) -> None:
    result = _kb("test", ".")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "PASS  osaka.yaml  Acme sells machine tools to an Osaka distributor"
    assert lines[-2:] == [
        "1 passed, 0 failed",
        f"(only the layer in this folder, not the {SHIPPED_SCENARIOS} scenarios of the layers "
        "below it; --all runs every layer's)",
    ]
    report = json.loads(_kb("test", ".", "--format", "json").stdout)
    assert [tally["rule"] for tally in report["rules"]] == list(OUR_RULES)
    assert report["layer"] == "."
    assert report["left_out"] == SHIPPED_SCENARIOS

    # Every layer's scenarios: the shipped ones too, which is where an extension's advice
    # crowding a shipped plan would show.
    junit = acme / "kb-tests.xml"
    everything = _kb("test", ".", "--all", "--junit-xml", str(junit))
    assert "PASS  allen-japan.yaml" in everything.stdout
    assert "PASS  osaka.yaml" in everything.stdout
    passed, failed = (int(word) for word in everything.stdout.splitlines()[-1].split()[::2])
    assert passed + failed == SHIPPED_SCENARIOS + 1
    assert "only the layer" not in everything.stdout
    assert len(ET.parse(junit).getroot().findall("testcase")) == SHIPPED_SCENARIOS + 1


def test_kb_coverage_counts_the_extensions_rules_and_advice(acme: Path) -> None:
    report = json.loads(_kb("coverage", ".", "--format", "json").stdout)
    assert report["rules"] == 3
    assert report["rules_fired"] == 2
    assert report["rules_never_fired"] == ["acme-needs-sign-off"]
    assert report["advice"] == 1
    assert report["advice_never_expected"] == []
    assert set(report["rules_without_negative_test"]) == set(OUR_RULES)
    assert all(name.startswith("acme-") for name in report["conditions_never_deciding"])

    everything = json.loads(_kb("coverage", ".", "--all", "--format", "json").stdout)
    assert everything["rules"] > 400
    assert "acme-needs-sign-off" in everything["rules_never_fired"]


def test_a_misspelt_expectation_is_located_with_the_closest_ids(acme: Path) -> None:
    path = _write_scenario(acme, finding="acme-long-aproval-chain")
    path.write_text(
        path.read_text().replace(
            "must_advise: [acme-map-the-approval-chain]",
            "must_advise: [acme-map-the-approval-chain, acme-signed-off-elsewhere]\n"
            "  must_not_diagnose: [acme-map-chain]",
        )
    )
    result = _kb("test", ".")
    assert result.exit_code == 1
    assert (
        "scenarios/osaka.yaml:12:19: expectations.must_diagnose names "
        "'acme-long-aproval-chain', which is no finding of the knowledge base. "
        "Did you mean 'acme-long-approval-chain'?"
    ) in result.stdout
    assert (
        "scenarios/osaka.yaml:10:46: expectations.must_advise names 'acme-signed-off-elsewhere', "
        "which is no advice of the knowledge base. 'acme-signed-off-elsewhere' is a finding: "
        "list it under must_diagnose or must_not_diagnose."
    ) in result.stdout
    assert (
        "scenarios/osaka.yaml:11:23: expectations.must_not_diagnose names 'acme-map-chain', "
        "which is no finding of the knowledge base. 'acme-map-chain' is a rule; expectations "
        "name what rules give (this one gives acme-map-the-approval-chain, "
        "adapt-the-performance-review-format)."
    ) in result.stdout
    assert "should have been diagnosed" not in result.stdout
    assert "should have been given" not in result.stdout

    junit = acme / "kb-tests.xml"
    assert _kb("test", ".", "--junit-xml", str(junit)).exit_code == 1
    failure = ET.parse(junit).getroot().find("testcase/failure")
    assert failure is not None
    assert "Did you mean 'acme-long-approval-chain'?" in str(failure.text)


def test_a_misspelt_todo_id_is_flagged_but_a_sentence_is_not(acme: Path) -> None:
    path = acme / "scenarios" / "osaka.yaml"
    path.write_text(
        path.read_text()
        + "  todo:\n    - acme-map-the-aproval-chain\n    - Nobody maps the chain at head office.\n"
    )
    result = _kb("test", ".")
    assert result.exit_code == 1
    assert "expectations.todo names 'acme-map-the-aproval-chain'" in result.stdout
    assert "Did you mean 'acme-map-the-approval-chain'" in result.stdout
    assert "todo, still open: Nobody maps the chain at head office." in result.stdout


def test_the_ci_forms_report_on_the_same_layer(acme: Path) -> None:
    sarif = json.loads(_kb("lint", ".", "--format", "sarif").stdout)
    assert len(sarif["runs"][0]["results"]) == 3
    every = json.loads(_kb("lint", ".", "--all", "--format", "sarif").stdout)
    assert len(every["runs"][0]["results"]) == 3 + len(lint_knowledge_base(SHIPPED_KB).findings)

    github = _kb("lint", ".", "--format", "github").stdout.splitlines()
    assert len(github) == 3
    assert all(line.startswith("::") for line in github)

    junit = acme / "kb-tests.xml"
    assert _kb("test", ".", "--junit-xml", str(junit)).exit_code == 0
    assert [case.get("name") for case in ET.parse(junit).getroot()] == ["osaka.yaml"]

    below = _kb("coverage", ".", "--fail-under", "90")
    assert below.exit_code == 1
    assert "1 of 3 rules never fired" in below.stderr
    assert _kb("coverage", ".", "--fail-under", "60").exit_code == 0


def test_the_extension_is_found_from_any_folder(
    acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(acme / "scenarios")
    result = _kb("test", "..")
    assert result.exit_code == 0, result.output
    # Above the current folder, the layer is named in full.
    assert f"(only the layer {acme}, not the {SHIPPED_SCENARIOS} scenarios" in result.stdout
    monkeypatch.chdir(acme.parent)
    lint = _kb("lint", "acme")
    assert "acme/rules/acme.yaml" in lint.stdout
    assert "(only the layer acme," in lint.stdout


def test_an_extends_path_is_one_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # extends names no folder (a KB someone sends cannot pull in others' files): the user who
    # tries one reads that error alone, not also that the KB "has no manifest".
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "kb.yaml").write_text(
        "knowledge_base: {name: Mine, version: 1.0.0, extends: ../base}\n"
    )
    monkeypatch.chdir(tmp_path / "mine")
    result = _kb("lint", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "kb.yaml:1:55: error[schema] Input should be 'shipped'; found '../base' "
        "(at knowledge_base.extends).",
        "1 error, 0 warnings, 0 info",
    ]


def test_the_lower_layers_findings_are_remembered_only_while_their_files_are_the_same(
    mini_kb: Path, tmp_path: Path
) -> None:
    base = tmp_path / "base"
    shutil.copytree(mini_kb, base)
    extension = tmp_path / "extra"
    extension.mkdir()
    (extension / "advice.yaml").write_text(
        "advice:\n  - id: extra-advice\n    title: Extra\n    advice: Nobody gives it.\n"
        "    topic: time\n    stage: now\n    sources: [test-source]\n"
    )
    first = lint_knowledge_base([base, extension])
    assert lint_knowledge_base([base, extension]) == first  # now from the cache
    # A new problem in the lower layer is its own, not the extension's: it is left out, and
    # counted as left out, which a stale cache entry would not know.
    (base / "advice.yaml").write_text(
        (base / "advice.yaml").read_text()
        + "  - id: lonely\n    title: Lonely\n    advice: Nobody gives it.\n"
        "    topic: time\n    stage: now\n    sources: [test-source]\n"
    )
    after = lint_knowledge_base([base, extension])
    assert after.findings == first.findings
    assert after.left_out == first.left_out + 1
