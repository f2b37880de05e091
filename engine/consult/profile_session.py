"""``compass profile``: ask the questionnaire's statements one by one, then how sure the person
is, and score the answers (:mod:`.profile`).

As in ``compass interview``, answers come from a terminal, where a wrong answer is explained
and asked again, or piped in one a line in the order ``--list-questions`` prints, where a wrong
one stops with its line number: asking a pipe again would read the next answer as this one.
"""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import IO

from ..errors import InputError, Location, Problem, shorten
from ..schemas.kb import Dimension
from ..schemas.questionnaire import Questionnaire
from .profile import ProfileResult, score_answers

_STDIN = "<stdin>"
_WIDTH = 88


def _normalized(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def pick_answer(choices: Sequence[tuple[int, str]], text: str) -> int:
    """The value ``text`` names: a value, a label, or the start of exactly one label; raises
    ValueError saying what to type instead."""
    written = text.strip()
    values = [value for value, _label in choices]
    span = f"{values[0]} to {values[-1]}"
    if written.isdigit():
        if int(written) in values:
            return int(written)
        raise ValueError(f"there is no answer {shorten(written)}; type a number from {span}")
    wanted = _normalized(written)
    exact = [value for value, label in choices if _normalized(label) == wanted]
    starting = [value for value, label in choices if _normalized(label).startswith(wanted)]
    if exact or len(starting) == 1:
        return (exact or starting)[0]
    labels = dict(choices)
    if starting:
        several = ", ".join(repr(labels[value]) for value in starting)
        raise ValueError(
            f"{shorten(written)!r} starts several answers ({several}); type its number"
        )
    raise ValueError(f"{shorten(written)!r} is not an answer; type a number from {span}")


class ProfileSession:
    """One person answering one questionnaire: the answers so far, in the order asked."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        dimensions: Mapping[str, Dimension],
        *,
        name: str = "",
        culture: str | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.dimensions = dimensions
        self.name = name
        self.culture = culture
        """The ISO code of the culture the person names as theirs, or None."""
        self.answers: dict[str, int] = {}
        self.sureness_answer = questionnaire.sureness.default

    @property
    def answer_choices(self) -> list[tuple[int, str]]:
        return [(answer.value, answer.label) for answer in self.questionnaire.answers]

    @property
    def sureness_choices(self) -> list[tuple[int, str]]:
        return [(choice.value, choice.label) for choice in self.questionnaire.sureness.choices]

    def answer(self, number: int, text: str) -> None:
        """Answer question ``number`` (1-based; the last is how sure the person is); an empty
        answer skips a statement or takes the default sureness. Raises ValueError saying what
        to type instead."""
        items = self.questionnaire.items
        if number <= len(items):
            item_id = items[number - 1].id
            if text.strip():
                self.answers[item_id] = pick_answer(self.answer_choices, text)
            else:
                self.answers.pop(item_id, None)
        elif text.strip():
            self.sureness_answer = pick_answer(self.sureness_choices, text)
        else:
            self.sureness_answer = self.questionnaire.sureness.default

    def prompt(self, number: int) -> str:
        items = self.questionnaire.items
        if number <= len(items):
            return items[number - 1].text
        return self.questionnaire.sureness.text

    def run(self, lines: IO[str], say: Callable[[str], None]) -> None:
        """Ask every statement, then the sureness question, reading answers a line at a time.

        On a terminal each question is shown through ``say`` and a wrong answer is asked again
        ('?' shows the answers again); piped answers are read silently, and a wrong one, an
        early end or lines left over stop with an :class:`InputError` naming the line.
        """
        terminal = lines.isatty()
        total = len(self.questionnaire.items) + 1
        if terminal:
            say(self._introduction())
        numbered = enumerate((line.rstrip("\r\n") for line in lines), start=1)
        line_number, number = 0, 1
        while number <= total:
            if terminal:
                if number == total:
                    say("\n" + _choice_lines(self.sureness_choices))
                asked = f"{number}/{total}. {self.prompt(number)} {self._hint(number)}"
                # two columns kept for the ": " the answer is typed after
                wrapped = _wrapped(asked, hanging=len(f"{number}/{total}. "), width=_WIDTH - 2)
                say(wrapped.rstrip("\n") + ": ")
            line_number, text = next(numbered, (line_number, None))
            if text is None:
                raise _problem(
                    line_number,
                    f"the answers ended before question {number} ({shorten(self.prompt(number))})",
                    f"Give one line per question, {total} in all, in the order `compass profile "
                    "--list-questions` prints; an empty line skips a statement.",
                )
            if terminal and text.strip() == "?":
                say(_choice_lines(self.answer_choices if number < total else self.sureness_choices))
                continue
            try:
                self.answer(number, text)
            except ValueError as error:
                if not terminal:
                    raise _problem(
                        line_number,
                        f"the answer to question {number} ({shorten(self.prompt(number))}): "
                        f"{error}",
                        "Give one line per question, in the order `compass profile "
                        "--list-questions` prints.",
                    ) from None
                say(f"  {error}\n")
                continue
            number += 1
        if terminal:  # reading on would wait for a line the person has no reason to type
            return
        left_over = next(((n, text) for n, text in numbered if text.strip()), None)
        if left_over:
            raise _problem(
                left_over[0],
                f"an answer after the last question: {shorten(left_over[1])!r}",
                f"There are {total} questions: {total - 1} statements and how sure you are.",
            )

    def _introduction(self) -> str:
        questionnaire = self.questionnaire
        return (
            f"{questionnaire.title}\n\n"
            + _wrapped(questionnaire.introduction)
            + "\n"
            + _wrapped(
                "Answer each statement with a number (or its words) and press Enter; Enter "
                "alone skips it, '?' shows the answers again."
            )
            + _choice_lines(self.answer_choices)
            + "\n"
        )

    def _hint(self, number: int) -> str:
        choices = self.answer_choices
        if number <= len(self.questionnaire.items):
            return f"[{choices[0][0]}-{choices[-1][0]}, Enter to skip]"
        sureness = self.sureness_choices
        return f"[{sureness[0][0]}-{sureness[-1][0]}; Enter: {self.questionnaire.sureness.default}]"

    def question_list(self) -> str:
        """Every question in the order asked, with the scale and pole each statement points
        to: the order piped answers follow."""
        questionnaire = self.questionnaire
        items = questionnaire.items
        lines = [
            f"{questionnaire.title} ({questionnaire.reference}): the questions of `compass "
            "profile`, in the order asked.",
            f"Piped answers give one line per question, {len(items) + 1} lines in all: a "
            "statement's answer is a number (or its words), and an empty line skips it; the "
            "last line says how sure you are (empty: the default).",
            "",
            "Answers to each statement:",
        ]
        text = "".join(_wrapped(line) if line else "\n" for line in lines)
        text += _choice_lines(self.answer_choices) + "\n"
        for number, item in enumerate(items, start=1):
            dimension = self.dimensions.get(item.scale)
            pole = (
                (dimension.low_pole if item.toward == "low" else dimension.high_pole)
                if dimension
                else item.toward
            )
            heading = f"{number:>2}. {item.text} ({item.scale}; agreeing points to {pole})"
            text += _wrapped(heading, hanging=4)
        text += _wrapped(
            f"{len(items) + 1:>2}. {questionnaire.sureness.text} {self._hint(len(items) + 1)}",
            hanging=4,
        )
        text += _choice_lines(self.sureness_choices)
        return text

    def result(self, today: datetime.date | None = None) -> ProfileResult:
        """The profile the answers give (see :func:`.profile.score_answers`)."""
        return score_answers(
            self.questionnaire,
            self.answers,
            self.sureness_answer,
            self.dimensions,
            name=self.name,
            culture=self.culture,
            today=today,
        )


def _problem(line_number: int, message: str, hint: str) -> InputError:
    return InputError([Problem(Location(_STDIN, line_number), message, hint=hint)])


def _choice_lines(choices: Sequence[tuple[int, str]]) -> str:
    return "".join(f"    {value} {label}\n" for value, label in choices)


def _wrapped(text: str, hanging: int = 0, width: int = _WIDTH) -> str:
    """``text`` in lines of at most ``width`` columns, continued ``hanging`` columns in."""
    return "\n".join(textwrap.wrap(text, width, subsequent_indent=" " * hanging)) + "\n"
