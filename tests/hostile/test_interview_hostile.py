"""Issue 19 item 8: `compass interview` applies every limit of the scenario file to the answer
that would break it, when it is given, never after the last answer: a field's bounds, a list's
length, the size of the file; an answer that is not a number, not UTF-8 or endless is a located
problem (exit 2), not an internal error; and a file that cannot be written is refused before
the first question."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hostile_support import assert_located_failure, assert_no_traceback
from synergy_compass.cli import cli
from synergy_compass.engine.consult.interview import Interview
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.load.yaml_source import MAX_FILE_BYTES

FIRST = ["A renewal in Tokyo", "US", "Japan", "", "expand_scope", "", "", ""]
"""Answers to questions 1-8 (see `compass interview --list-questions`)."""
MONTHS_LINE = 10
"""The line that answers question 11 (months) once question 10 says the relationship is
established: line 9 answers question 10."""


def interview(*answers: str | bytes, save: Path | str = "-") -> Result:
    lines = [line if isinstance(line, bytes) else line.encode() for line in answers]
    return CliRunner().invoke(
        cli,
        ["interview", "--save", str(save), "--no-advice"],
        input=b"".join(line + b"\n" for line in lines),
    )


def answer_until(session: Interview, key: str) -> None:
    """Answer Enter (or the minimum) until the question that fills ``key`` is next."""
    for text in FIRST:
        session.answer(text)
    while (question := session.next_question()) is not None and question.key != key:
        session.answer("")


@pytest.mark.parametrize("number", ["²", "①", "٣x", "1e3", "-5"])
def test_a_number_that_int_cannot_read_is_a_located_problem(number: str) -> None:
    result = interview(*FIRST, "established", number)
    assert_located_failure(result, f"<stdin>:{MONTHS_LINE}", "expected a whole number")


def test_a_choice_by_a_digit_int_cannot_read_is_a_located_problem() -> None:
    result = interview("T", "US", "JP", "²")
    assert_located_failure(result, "<stdin>:4", "is not one of the choices")


def test_digits_of_other_scripts_still_count() -> None:
    session = Interview()
    answer_until(session, "relationship.stage")
    session.answer("established")
    session.answer("٢٤")  # 24 in Arabic-Indic digits, which int() reads
    assert session.answers["relationship.months"] == 24


def test_an_answer_out_of_the_fields_bounds_stops_at_its_line() -> None:
    assert_located_failure(
        interview(*FIRST, "established", "99999"),
        f"<stdin>:{MONTHS_LINE}",
        "Input should be less than or equal to 1200",
    )
    assert_located_failure(
        interview("x" * 2_000_000), "<stdin>:1", "String should have at most 300 characters"
    )


def test_an_answer_that_is_not_utf8_is_a_located_problem() -> None:
    result = interview(b"Tokyo \xff\xfe renewal", *FIRST[1:])
    assert_located_failure(result, "<stdin>:1", "the answer is not UTF-8 text (its byte 7 is not)")


@pytest.mark.parametrize("decoding", ["strict", "surrogateescape"])
def test_not_utf8_in_a_real_process_whatever_the_locale(tmp_path: Path, decoding: str) -> None:
    # Python decodes standard input by the locale: strictly in most, leniently in C.
    completed = subprocess.run(
        [sys.executable, "-m", "synergy_compass.cli", "interview", "--save", "-", "--no-advice"],
        input=b"A renewal\n" + b"US\n" + b"Jap\xe9n\n",
        capture_output=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": f"utf-8:{decoding}"},
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    assert completed.returncode == 2, stderr[-2000:]
    assert "error: <stdin>:3: the answer to question 3" in stderr
    assert "not UTF-8 text" in stderr
    assert "Traceback" not in stderr
    assert completed.stdout == b""


def test_endless_standard_input_is_refused_not_read_forever(tmp_path: Path) -> None:
    ceiling = 1024 * 1024 * 1024
    bounded = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({ceiling}, {ceiling}))\n"
        "from synergy_compass.cli import cli\n"
        "cli(sys.argv[1:])\n"
    )
    with Path("/dev/zero").open("rb") as endless:
        completed = subprocess.run(
            [sys.executable, "-c", bounded, "interview", "--save", "-", "--no-advice"],
            stdin=endless,
            capture_output=True,
            timeout=120,
            check=False,
            cwd=tmp_path,
        )
    stderr = completed.stderr.decode("utf-8", "replace")
    assert completed.returncode == 2, stderr[-2000:]
    assert f"the answer is longer than the {MAX_FILE_BYTES} bytes" in stderr


def test_a_list_that_is_full_refuses_another_item_when_asked() -> None:
    session = Interview()
    answer_until(session, "kind")  # the first question about another organisation
    question = session.next_question()
    assert question is not None
    assert question.group == "parties"
    for _ in range(99):
        for text in ("competitor", "CN", "yes"):
            session.answer(text)
    session.answer("competitor")
    session.answer("CN")
    with pytest.raises(ScenarioError, match=r"a scenario holds at most 100 of these"):
        session.answer("yes")
    session.answer("no")  # the interview goes on, with the 100 it has
    assert len(session.items["parties"]) == 100


def test_an_answer_that_would_make_the_file_too_large_is_refused_at_once() -> None:
    session = Interview()
    answer_until(session, "notes")
    with pytest.raises(ScenarioError, match=r"the scenario file would be \d+ bytes, over the"):
        session.answer("n" * (MAX_FILE_BYTES - 100))
    assert session.next_question() is not None  # asked again
    session.answer("a shorter note")
    assert session.scenario().notes == "a shorter note"


def test_a_long_answer_within_the_limit_makes_a_file_that_loads(tmp_path: Path) -> None:
    session = Interview()
    answer_until(session, "notes")
    session.answer("word " * 200_000)  # 1 MB of notes: past the point where sizes are measured
    saved = tmp_path / "case.yaml"
    saved.write_text(session.to_yaml(), encoding="utf-8")
    assert load_scenario(saved).scenario.notes == ("word " * 200_000).strip()


def test_a_file_that_cannot_be_written_is_refused_before_the_first_question(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    result = interview(save=blocker / "cases" / "acme.yaml")  # no answers at all
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert (
        f"{blocker / 'cases' / 'acme.yaml'}: cannot write the file: {blocker} is not a folder"
        in (result.stderr)
    )


def test_a_missing_folder_is_still_created(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "case.yaml"
    result = interview(*FIRST, *[""] * 12, save=target)
    assert result.exit_code == 0, result.output[-2000:]
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["title"] == FIRST[0]
    assert load_scenario(target).scenario.title == FIRST[0]
