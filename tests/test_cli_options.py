"""Options every command shares: -o/--output and '-', --force, missing folders, --quiet and
--debug in any position, former option names, and --trace for JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli

BASIC = "tests/fixtures/mini_kb/scenarios/basic.yaml"
V1_SCENARIO = "title: T\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: expand_scope}\n"


def invoke(*args: str | Path, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(arg) for arg in args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_a_missing_output_folder_is_created(mini_kb: Path, tmp_path: Path) -> None:
    target = tmp_path / "reports" / "2027" / "case.md"
    code, out, err = invoke(
        "advise", BASIC, "--kb", mini_kb, "--no-audit", "--format", "markdown", "-o", target
    )
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("#")
    assert f"wrote {target}" in err


def test_an_existing_file_needs_force(mini_kb: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("the client's notes", encoding="utf-8")
    code, out, err = invoke("advise", BASIC, "--kb", mini_kb, "--no-audit", "-o", target)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {target}: the file already exists. "
        "Add --force to overwrite it, or give -o/--output another name.\n"
    )
    assert target.read_text(encoding="utf-8") == "the client's notes"
    code, _, _ = invoke("advise", BASIC, "--kb", mini_kb, "--no-audit", "-o", target, "--force")
    assert code == 0
    assert "DIAGNOSIS" in target.read_text(encoding="utf-8")


def test_a_folder_under_a_file_is_a_usage_error(mini_kb: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("", encoding="utf-8")
    code, _, err = invoke("advise", BASIC, "--kb", mini_kb, "--no-audit", "-o", blocker / "r.txt")
    assert code == 2
    assert err.startswith(f"error: {blocker / 'r.txt'}: cannot write the file: ")
    assert "Traceback" not in err


def test_a_folder_as_output_file_is_a_usage_error(mini_kb: Path, tmp_path: Path) -> None:
    code, _, err = invoke("advise", BASIC, "--kb", mini_kb, "--no-audit", "-o", tmp_path)
    assert code == 2
    assert "is a directory" in err or "this is a folder" in err


def test_dash_is_standard_output(mini_kb: Path) -> None:
    code, out, err = invoke("advise", BASIC, "--kb", mini_kb, "--no-audit", "-o", "-")
    assert code == 0
    assert "DIAGNOSIS" in out
    assert "wrote" not in err
    code, out, _ = invoke("scenario", "upgrade", "-", "-o", "-", stdin=V1_SCENARIO)
    assert code == 0
    assert "we_are: seller" in out


def test_scenario_upgrade_refuses_to_overwrite(tmp_path: Path) -> None:
    case, target = tmp_path / "case.yaml", tmp_path / "new.yaml"
    case.write_text(V1_SCENARIO, encoding="utf-8")
    target.write_text("mine", encoding="utf-8")
    code, _, err = invoke("scenario", "upgrade", case, "-o", target)
    assert code == 2
    assert f"{target}: the file already exists. Add --force" in err
    code, _, _ = invoke("scenario", "upgrade", case, "-o", target, "--force")
    assert code == 0
    assert "we_are: seller" in target.read_text(encoding="utf-8")


def test_batch_writes_to_standard_output_by_default(mini_kb: Path) -> None:
    code, out, _ = invoke("batch", "tests/fixtures/mini_kb/scenarios", "--kb", mini_kb, "-q")
    assert code == 0
    assert [json.loads(line)["ok"] for line in out.splitlines()] == [True, True]


def test_batch_refuses_to_overwrite(mini_kb: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "results.jsonl"
    folder = "tests/fixtures/mini_kb/scenarios"
    assert invoke("batch", folder, "--kb", mini_kb, "-o", target)[0] == 0
    code, _, err = invoke("batch", folder, "--kb", mini_kb, "-o", target)
    assert code == 2
    assert f"error: {target}: the file already exists. Add --force" in err


def test_the_old_spellings_still_work_with_a_note(mini_kb: Path, tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    code, _, err = invoke(
        "batch", "tests/fixtures/mini_kb/scenarios", "--kb", mini_kb, "--out", target
    )
    assert code == 0
    assert "note: --out is deprecated and goes in the next release; use -o/--output" in err
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2
    assert "--out " not in invoke("batch", "--help")[1]


def test_kb_docs_needs_force_for_a_folder_with_files(mini_kb: Path, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    code, _, _ = invoke("kb", "docs", mini_kb, "-o", folder)
    assert code == 0
    code, _, err = invoke("kb", "docs", mini_kb, "-o", folder)
    assert code == 2
    assert f"error: {folder}: the folder already holds files" in err
    assert "Add --force" in err
    assert invoke("kb", "docs", mini_kb, "-o", folder, "--force", "-q") == (0, "", "")
    code, _, err = invoke("kb", "docs", mini_kb)
    assert code == 2
    assert "Missing option '-o' / '--output'" in err


@pytest.mark.parametrize(
    "args",
    [
        ("--quiet", "kb", "stats", "tests/fixtures/mini_kb"),
        ("kb", "--quiet", "stats", "tests/fixtures/mini_kb"),
        ("kb", "stats", "tests/fixtures/mini_kb", "--quiet"),
        ("kb", "stats", "tests/fixtures/mini_kb", "--debug"),
        ("--debug", "kb", "stats", "tests/fixtures/mini_kb", "-q"),
    ],
)
def test_quiet_and_debug_go_anywhere(args: tuple[str, ...]) -> None:
    code, out, _ = invoke(*args)
    assert code == 0
    assert "rules          4" in out


def test_quiet_after_the_command_silences_messages(mini_kb: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.txt"
    assert invoke("--quiet", "advise", BASIC, "--kb", mini_kb, "-o", target, "--no-audit") == (
        0,
        "",
        "",
    )


def test_debug_after_the_command_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, mini_kb: Path
) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("synergy_compass.engine.api.kb_stats", explode)
    code, _, err = invoke("kb", "stats", mini_kb, "--debug")
    assert code == 3
    assert "Traceback" in err
    code, _, err = invoke("kb", "stats", mini_kb)
    assert code == 3
    assert "Traceback" not in err


def test_json_leaves_the_trace_out_unless_asked(mini_kb: Path) -> None:
    arguments = ("advise", BASIC, "--kb", mini_kb, "--no-audit", "--format", "json")
    code, out, _ = invoke(*arguments)
    assert code == 0
    short = json.loads(out)
    assert "trace" not in short
    evidence = short["recommendations"][0]["supported_by"][0]
    assert {"rule", "certainty", "facts"} <= set(evidence)
    assert "how" not in evidence
    code, out, _ = invoke(*arguments, "--trace")
    full = json.loads(out)
    assert full["trace"]["firings"]
    assert full["recommendations"][0]["supported_by"][0]["how"]
    assert len(out) > len(json.dumps(short, indent=2))


def test_the_audit_keeps_the_trace_for_replay(mini_kb: Path, private_audit_database: Path) -> None:
    assert invoke("advise", BASIC, "--kb", mini_kb, "--format", "json")[0] == 0
    run_id = json.loads(invoke("audit", "list", "--format", "json")[1])[0]["run_id"]
    code, out, _ = invoke("audit", "show", run_id, "--format", "json", "--trace")
    assert code == 0
    assert json.loads(out)["trace"]["firings"]
    code, out, _ = invoke("audit", "replay", run_id, "--kb", mini_kb)
    assert code == 0


def readme_block(language: str, after: str) -> str:
    """The first fenced block in the given language after a phrase of the README."""
    readme = Path(__file__).resolve().parents[1].joinpath("README.md").read_text(encoding="utf-8")
    start = readme.index(f"```{language}\n", readme.index(after)) + len(language) + 4
    return readme[start : readme.index("```", start)]


def test_the_readmes_batch_formats_run(tmp_path: Path) -> None:
    table = tmp_path / "cases.csv"
    table.write_text(readme_block("csv", "**Batch input.**"), encoding="utf-8")
    jsonl = tmp_path / "cases.jsonl"
    readme = Path(__file__).resolve().parents[1].joinpath("README.md").read_text(encoding="utf-8")
    line = readme[readme.index("`{", readme.index("- **JSONL**")) + 1 :]
    jsonl.write_text(line[: line.index("}`") + 1] + "\n\n", encoding="utf-8")
    for source, count in ((table, 2), (jsonl, 1)):
        code, out, err = invoke("batch", source, "-q")
        assert code == 0, err
        results = [json.loads(result) for result in out.splitlines()]
        assert len(results) == count
        assert all(result["ok"] and result["recommendations"] for result in results)


def test_the_readmes_config_file_is_valid(no_user_config: Path) -> None:
    no_user_config.parent.mkdir(parents=True)
    (no_user_config.parent / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    no_user_config.write_text(readme_block("toml", "**The config file**"), encoding="utf-8")
    code, out, err = invoke("config", "show")
    assert code == 0, err
    assert f"  format               html  [config file {no_user_config}]" in out
