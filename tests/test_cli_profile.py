"""`compass profile` through click's CliRunner: piped answers, the file it writes and the
summary it prints (golden files), --list-questions, and the exit codes of wrong input."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPOSITORY, assert_golden
from synergy_compass.cli import cli
from synergy_compass.engine.schemas.profiles import PersonalProfile

# A person who is fairly direct and egalitarian, relationship-minded about trust, and unsure of
# one scale (scheduling: contradictory answers); one statement skipped; "sure" (4) at the end.
ANSWERS = [
    # communicating, evaluating, persuading, leading, deciding, trusting, disagreeing, scheduling
    *["4", "2", "4", "1", "3", "5", "5", "5"],
    *["2", "5", "3", "5", "2", "2", "1", "5"],
    *["5", "1", "", "2", "3", "4", "4", "1"],
    *["1", "4", "3", "4", "4", "2", "2", "1"],
    "4",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _answers(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _dated(text: str) -> str:
    # The file records the day it was written; the golden file keeps a fixed one.
    return text.replace(datetime.date.today().isoformat(), "2026-01-05")


def test_profile_writes_the_file_and_prints_where_the_person_landed(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "ann-lee.yaml"
    result = runner.invoke(
        cli,
        ["profile", "--name", "Ann Lee", "--culture", "USA", "-o", str(target)],
        input=_answers(ANSWERS),
    )
    assert result.exit_code == 0, result.output
    assert_golden("profile-summary.txt", _dated(result.stdout))
    written = target.read_text(encoding="utf-8")
    assert_golden("profile-file.yaml", _dated(written))
    profile = PersonalProfile.model_validate(yaml.safe_load(written))
    assert profile.culture == "US"
    assert profile.positions["scheduling"].band > profile.positions["communicating"].band
    assert f"wrote {target}" in result.stderr


def test_profile_to_standard_output_puts_the_summary_on_standard_error(
    runner: CliRunner,
) -> None:
    result = runner.invoke(cli, ["profile", "-o", "-"], input=_answers(ANSWERS))
    assert result.exit_code == 0, result.output
    assert PersonalProfile.model_validate(yaml.safe_load(result.stdout)).name == ""
    assert "Communicating: low-context -> high-context" in result.stderr
    assert "Communicating:" not in result.stdout


def test_list_questions_prints_every_question_in_order(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["profile", "--list-questions"])
    assert result.exit_code == 0, result.output
    assert_golden("profile-questions.txt", result.stdout)


def test_a_wrong_line_stops_with_its_number_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "profile.yaml"
    wrong = [*ANSWERS[:4], "sometimes", *ANSWERS[5:]]
    result = runner.invoke(cli, ["profile", "-o", str(target)], input=_answers(wrong))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: <stdin>:5: the answer to question 5 (")
    assert not target.exists()


def test_an_existing_file_needs_force_and_an_unknown_culture_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "profile.yaml"
    target.write_text("mine\n", encoding="utf-8")
    refused = runner.invoke(cli, ["profile", "-o", str(target)], input=_answers(ANSWERS))
    assert refused.exit_code == 2
    assert "the file already exists" in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
    forced = runner.invoke(cli, ["profile", "-o", str(target), "--force"], input=_answers(ANSWERS))
    assert forced.exit_code == 0, forced.output
    unknown = runner.invoke(cli, ["profile", "--culture", "Atlantis", "--list-questions"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: culture: unknown country 'Atlantis'")


def test_nothing_answered_is_exit_2(runner: CliRunner) -> None:
    blank = [""] * (len(ANSWERS) - 1) + ["3"]
    result = runner.invoke(cli, ["profile", "-o", "-"], input=_answers(blank))
    assert result.exit_code == 2
    assert "no statement was answered" in result.stderr


def test_a_scenario_uses_the_written_profile_for_the_person_who_leads(
    runner: CliRunner, tmp_path: Path
) -> None:
    written = runner.invoke(
        cli, ["profile", "-o", str(tmp_path / "ann.yaml")], input=_answers(ANSWERS)
    )
    assert written.exit_code == 0, written.output
    founding = (REPOSITORY / "kb" / "scenarios" / "allen-japan.yaml").read_text(encoding="utf-8")
    person = "  people:\n    - {name: Ann Lee, role: Partner, rank: senior, leads: true, profile: ann.yaml}\n"
    scenario = founding.replace("they:\n", person + "they:\n", 1)
    (tmp_path / "case.yaml").write_text(scenario, encoding="utf-8")
    advised = runner.invoke(
        cli, ["advise", str(tmp_path / "case.yaml"), "--format", "json", "--no-audit"]
    )
    assert advised.exit_code == 0, advised.output
    assert "self-assessed, profile ann.yaml" in advised.stdout


def test_format_json_gives_the_result_to_programs(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "ann.yaml"
    result = runner.invoke(
        cli, ["profile", "--format", "json", "-o", str(target)], input=_answers(ANSWERS)
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    written = PersonalProfile.model_validate(yaml.safe_load(target.read_text(encoding="utf-8")))
    assert summary["profile"] == written.model_dump(mode="json")
    assert [scale["scale"] for scale in summary["scales"]][:2] == ["communicating", "evaluating"]
    assert summary["scales"][2]["answered"] == 3
