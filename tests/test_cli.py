"""The CLI through click's CliRunner: output formats, stdin, and the exit-code table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli

BASIC = "tests/fixtures/mini_kb/scenarios/basic.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_advise_text(runner: CliRunner, mini_kb: Path) -> None:
    code, out, err = invoke(runner, "advise", BASIC, "--kb", str(mini_kb))
    assert code == 0, err
    assert "DIAGNOSIS" in out
    assert "PLAN" in out
    assert "1. Get introduced  [certainty 0.76, high]" in out
    assert "Run with --explain" in out


def test_advise_explain_shows_the_origin_of_facts(runner: CliRunner, mini_kb: Path) -> None:
    code, out, _ = invoke(runner, "advise", BASIC, "--kb", str(mini_kb), "--explain")
    assert code == 0
    assert "<- scenario goal[0].kind" in out
    assert "<- US profile (cultures/us.yaml), source test-source" in out
    assert "concluded by:" in out


def test_advise_json_has_the_documented_keys(runner: CliRunner, mini_kb: Path) -> None:
    code, out, _ = invoke(runner, "advise", BASIC, "--kb", str(mini_kb), "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert {"recommendations", "diagnosis", "kb"} <= set(result)
    assert set(result["kb"]) >= {"version", "digest"}
    first = result["recommendations"][0]
    assert {"id", "title", "advice", "topic", "certainty", "supported_by", "sources"} <= set(first)
    assert {"rule", "certainty", "facts"} <= set(first["supported_by"][0])


def test_advise_reads_stdin(runner: CliRunner, mini_kb: Path) -> None:
    text = Path(BASIC).read_text()
    code, out, _ = invoke(runner, "advise", "-", "--kb", str(mini_kb), stdin=text)
    assert code == 0
    assert "Get introduced" in out


@pytest.mark.parametrize("from_stdin", [False, True])
def test_advise_reads_countries_with_the_kb_it_runs_on(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, from_stdin: bool
) -> None:
    """With the shipped KB, the scenario's countries are read with the KB's own aliases (its
    countries file checked once as part of the KB), not by reading that file again."""

    def read_again() -> None:
        raise AssertionError("the shipped countries file was read a second time")

    monkeypatch.setattr("synergy_compass.engine.load.scenario.shipped_countries", read_again)
    # "Holland" is no ISO 3166 name: only the shipped KB's aliases read it as NL
    text = Path("kb/scenarios/allen-japan.yaml").read_text(encoding="utf-8")
    scenario = tmp_path / "holland.yaml"
    scenario.write_text(text.replace("culture: JP", "culture: Holland"), encoding="utf-8")
    args = ["advise", "-" if from_stdin else str(scenario), "--format", "json", "--no-audit"]
    code, out, err = invoke(runner, *args, stdin=scenario.read_text() if from_stdin else None)
    assert code == 0, err
    assert json.loads(out)["scenario"]["they"] == "Netherlands"


def test_a_bad_scenario_exits_2_with_a_location(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: T\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: grow}\n")
    code, out, err = invoke(runner, "advise", str(bad), "--kb", "tests/fixtures/mini_kb")
    assert code == 2
    assert out == ""
    assert f"{bad}:4:14: Input should be" in err
    assert "Traceback" not in err


def test_a_bad_kb_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text("rules: [}\n")
    code, _, err = invoke(runner, "advise", BASIC, "--kb", str(tmp_path))
    assert code == 2
    assert "rules.yaml:1:9: this is not valid YAML" in err


def test_a_missing_file_is_a_usage_error(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "advise", "no-such-file.yaml")
    assert code == 2
    assert "cannot read the scenario" in err or "does not exist" in err


def test_a_runaway_run_exits_2(runner: CliRunner, mini_kb: Path) -> None:
    code, _, err = invoke(runner, "advise", BASIC, "--kb", str(mini_kb), "--step-limit", "1")
    assert code == 2
    assert "fired 1 times without settling" in err


def test_an_internal_error_is_one_line_without_debug(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, mini_kb: Path
) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("synergy_compass.engine.api.advise_and_record", explode)
    code, _, err = invoke(runner, "advise", BASIC, "--kb", str(mini_kb))
    assert code == 3
    assert err.strip().splitlines() == [
        "internal error: RuntimeError: boom (this is a bug; run again with --debug for the "
        "traceback and report it)"
    ]
    code, _, err = invoke(runner, "--debug", "advise", BASIC, "--kb", str(mini_kb))
    assert code == 3
    assert "Traceback" in err


def test_version_and_help(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "--version")
    assert code == 0
    assert out.startswith("compass, version ")
    code, out, _ = invoke(runner, "advise", "--help")
    assert code == 0
    assert "Examples:" in out


def test_kb_stats(runner: CliRunner, mini_kb: Path) -> None:
    code, out, _ = invoke(runner, "kb", "stats", str(mini_kb), "--format", "json")
    assert code == 0
    stats = json.loads(out)
    assert stats["countries"] == 2
    assert stats["rules"] == stats["rules_with_sources"] == 4
    assert stats["advice"] == 3
    assert stats["topics"]["hierarchy"] == 1
    assert stats["scenarios"] == 2
    code, out, _ = invoke(runner, "kb", "stats", str(mini_kb))
    assert code == 0
    assert "rules          4" in out


def test_advise_records_the_run_unless_told_not_to(
    runner: CliRunner, mini_kb: Path, private_audit_database: Path
) -> None:
    code, _, err = invoke(runner, "advise", BASIC, "--kb", str(mini_kb))
    assert code == 0
    assert f"in {private_audit_database}" in err
    code, _, err = invoke(runner, "advise", BASIC, "--kb", str(mini_kb), "--no-audit")
    assert code == 0
    assert err == ""
    code, out, _ = invoke(runner, "audit", "list")
    assert code == 0
    assert len(out.strip().splitlines()) == 1


def test_audit_show_verify_and_a_broken_chain(
    runner: CliRunner, mini_kb: Path, private_audit_database: Path
) -> None:
    invoke(runner, "advise", BASIC, "--kb", str(mini_kb))
    invoke(runner, "advise", BASIC, "--kb", str(mini_kb))
    run_id = json.loads(invoke(runner, "audit", "list", "--format", "json")[1])[0]["run_id"]
    code, out, _ = invoke(runner, "audit", "show", run_id[:10])
    assert code == 0
    assert "1. Get introduced  [certainty 0.76, high]" in out
    code, out, _ = invoke(runner, "audit", "verify")
    assert code == 0
    assert "2 records, chain intact" in out
    with sqlite3.connect(private_audit_database) as db:
        db.execute("UPDATE runs SET scenario_title = 'X' WHERE sequence = 1")
    code, out, _ = invoke(runner, "audit", "verify")
    assert code == 1
    assert f"BROKEN at record 1 (run {run_id})" in out


def test_audit_on_a_foreign_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello")
    code, _, err = invoke(runner, "audit", "verify", "--audit-db", str(foreign))
    assert code == 2
    assert "not a usable Synergy Compass audit database" in err
    assert "Traceback" not in err


def test_explain_why_not_and_graph(runner: CliRunner, mini_kb: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "flat.yaml"
    scenario.write_text(
        Path(BASIC).read_text().replace("{culture: Japan}", "{culture: Japan, structure: flat}")
    )
    code, out, _ = invoke(
        runner, "explain", str(scenario), "--kb", str(mini_kb), "--why-not", "introduce"
    )
    assert code == 0
    assert "FAIL no organisation structure: flat   [when.2.not]" in out
    assert "blocked by organisation(structure=flat)" in out
    code, out, _ = invoke(runner, "explain", BASIC, "--kb", str(mini_kb), "--graph", "mermaid")
    assert code == 0
    assert out.startswith("flowchart LR")
    assert "rule_power_gap_up --> finding_power_gap" in out
    code, out, _ = invoke(runner, "explain", BASIC, "--kb", str(mini_kb), "--graph", "dot")
    assert '"rule_power-gap-up" -> "finding_power-gap";' in out


def test_whatif(runner: CliRunner, mini_kb: Path) -> None:
    code, out, _ = invoke(
        runner, "whatif", BASIC, "--kb", str(mini_kb), "--set", "they.structure=flat"
    )
    assert code == 0
    assert "removed           introduce" in out
    code, _, err = invoke(runner, "whatif", BASIC, "--kb", str(mini_kb), "--set", "they.structure")
    assert code == 2
    assert "--set they.structure: expected PATH=VALUE" in err


V1_SCENARIO = "title: T\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: expand_scope}\n"


def test_scenario_upgrade_prints_writes_and_rewrites(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(V1_SCENARIO, encoding="utf-8")
    code, out, _ = invoke(runner, "scenario", "upgrade", str(case))
    assert code == 0
    assert "goal:\n  - {kind: expand_scope}\n" in out
    assert "we_are: seller" in out
    assert case.read_text(encoding="utf-8") == V1_SCENARIO
    code, stdin_out, _ = invoke(runner, "scenario", "upgrade", "-", stdin=V1_SCENARIO)
    assert (code, stdin_out) == (0, out)
    target = tmp_path / "new.yaml"
    code, _, err = invoke(runner, "scenario", "upgrade", str(case), "--output", str(target))
    assert (code, target.read_text(encoding="utf-8")) == (0, out)
    assert f"wrote {target}" in err
    code, printed, _ = invoke(runner, "scenario", "upgrade", str(case), "--in-place", "-q")
    assert (code, printed, case.read_text(encoding="utf-8")) == (0, "", out)


def test_scenario_upgrade_errors(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "scenario", "upgrade", "-", "--in-place", stdin=V1_SCENARIO)
    assert code == 2
    assert "--in-place rewrites a named file" in err
    case = tmp_path / "case.yaml"
    case.write_text(V1_SCENARIO.replace("expand_scope", "expand"), encoding="utf-8")
    code, _, err = invoke(runner, "scenario", "upgrade", str(case), "--in-place")
    assert code == 2
    assert f"{case}:4:14:" in err
    assert "expand_scope" not in case.read_text(encoding="utf-8")
