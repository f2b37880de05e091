"""Asking the questionnaire: piped answers in the order --list-questions prints, a wrong line
stopping with its number, a terminal asking again, and the culture read before any question."""

from __future__ import annotations

import io
import re

import pytest
from synergy_compass.engine import api
from synergy_compass.engine.consult.profile_session import ProfileSession, pick_answer
from synergy_compass.engine.errors import InputError

CHOICES = [(1, "strongly disagree"), (2, "disagree"), (3, "neither agree nor disagree")]


class Terminal(io.StringIO):
    """Typed answers: a wrong one is explained and asked again."""

    def isatty(self) -> bool:
        return True


def piped(lines: list[str]) -> io.StringIO:
    return io.StringIO("".join(f"{line}\n" for line in lines))


@pytest.fixture
def session() -> ProfileSession:
    return api.start_profile(name="  Ann   Lee ", culture="Holland")


def test_an_answer_is_a_number_a_label_or_the_start_of_one() -> None:
    assert pick_answer(CHOICES, " 2 ") == 2
    assert pick_answer(CHOICES, "Disagree") == 2  # exact beats being the start of another
    assert pick_answer(CHOICES, "neither") == 3
    assert pick_answer(CHOICES, "Strongly-Disagree") == 1
    with pytest.raises(ValueError, match="no answer 7; type a number from 1 to 3"):
        pick_answer(CHOICES, "7")
    with pytest.raises(ValueError, match="'maybe' is not an answer"):
        pick_answer(CHOICES, "maybe")


def test_the_culture_is_read_with_the_kbs_aliases_and_the_name_tidied(
    session: ProfileSession,
) -> None:
    assert session.culture == "NL"
    assert session.name == "Ann Lee"
    with pytest.raises(InputError, match=r"^culture: unknown country 'Narnia'"):
        api.start_profile(culture="Narnia")


def test_piped_answers_follow_the_list_and_blank_lines_skip(session: ProfileSession) -> None:
    count = len(session.questionnaire.items)
    session.run(piped(["5", "", "agree", *["3"] * (count - 3), "1"]), lambda _text: None)
    first, _second, third = session.questionnaire.items[:3]
    assert session.answers[first.id] == 5
    assert session.answers[third.id] == 4
    assert len(session.answers) == count - 1
    assert session.sureness_answer == 1
    assert session.result().profile.sureness == 0.0


def test_an_empty_last_line_takes_the_default_sureness(session: ProfileSession) -> None:
    count = len(session.questionnaire.items)
    session.run(piped(["4"] * count + [""]), lambda _text: None)
    assert session.sureness_answer == session.questionnaire.sureness.default


def test_a_wrong_piped_line_stops_with_its_number(session: ProfileSession) -> None:
    with pytest.raises(InputError, match=r"^<stdin>:3: the answer to question 3 \(") as caught:
        session.run(piped(["1", "2", "often", "4"]), lambda _text: None)
    assert "'often' is not an answer; type a number from 1 to 5" in str(caught.value)


def test_too_few_or_too_many_lines_are_refused(session: ProfileSession) -> None:
    count = len(session.questionnaire.items)
    with pytest.raises(InputError, match=r"<stdin>:2: the answers ended before question 3"):
        session.run(piped(["1", "2"]), lambda _text: None)
    with pytest.raises(InputError, match=rf"<stdin>:{count + 2}: an answer after the last"):
        api.start_profile().run(piped(["1"] * (count + 2)), lambda _text: None)


def test_a_terminal_asks_again_after_a_wrong_answer(session: ProfileSession) -> None:
    count = len(session.questionnaire.items)
    said: list[str] = []
    session.run(Terminal("".join(["x\n", "?\n", *["2\n"] * count, "5\n"])), said.append)
    shown = "".join(said)
    assert shown.startswith(session.questionnaire.title)
    assert "'x' is not an answer" in shown
    asked_first = re.findall(rf"(?:^|\s)1/{count + 1}\. ", shown)
    assert len(asked_first) == 3  # asked, asked after 'x', asked after '?'
    assert len(session.answers) == count
    assert session.sureness_answer == 5


def test_a_terminal_session_ends_at_the_last_answer_without_reading_on(
    session: ProfileSession,
) -> None:
    count = len(session.questionnaire.items)
    typed = Terminal("".join([*["3\n"] * count, "\n", "typed later\n"]))
    said: list[str] = []
    session.run(typed, said.append)
    assert typed.readline() == "typed later\n"  # a real terminal would have waited for it
    # each thing said is whole lines, or a prompt the typed answer then ends
    assert all(len(line) <= 88 for chunk in said for line in chunk.splitlines())


def test_the_question_list_numbers_every_statement_with_its_scale_and_pole(
    session: ProfileSession,
) -> None:
    listed = session.question_list()
    count = len(session.questionnaire.items)
    for number, item in enumerate(session.questionnaire.items, start=1):
        assert f"{number:>2}. {item.text.split()[0]}" in listed
    assert f"{count + 1}. {session.questionnaire.sureness.text}" in listed
    assert "(disagreeing; agreeing points to confrontational)" in listed
    assert max(len(line) for line in listed.splitlines()) <= 88


def test_a_kb_without_a_questionnaire_says_so(mini_kb: object) -> None:
    with pytest.raises(InputError, match="the knowledge base has no questionnaire"):
        api.start_profile(mini_kb)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no questionnaire 'short'"):
        api.start_profile(questionnaire="short")
