"""``compass interview``: build a scenario by asking only the questions that matter.

The questions come from the scenario schema (:mod:`.interview_questions`); each answer is
checked as it is given (:mod:`.interview_answers`). A question whose condition does not hold is
skipped (nothing about the relationship at a first contact, the kind of partnership only for
partners, what a party decides only for a parent company); a person, party, action or date is
asked one at a time until "add another?" is answered no.

Answers come from a terminal, where a wrong answer is asked again, or piped in one a line in
the order ``--list-questions`` prints, where a wrong answer stops the interview with the line
number, since asking a pipe again would only read the next answer as this one.

Every limit the scenario file will be held to is applied to the answer that would break it,
when it is given: a field's own bounds, how many people, parties or actions a list may hold,
and the size of the file (no line is read past it, so ``/dev/zero`` piped in is refused, not
read forever); a line that is not UTF-8 is refused too, as the loader would refuse the file.
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable, Iterator
from typing import IO, Any

import yaml
from pydantic import BaseModel

from ..errors import Location, Problem, ScenarioError, shorten
from ..load.scenario import shipped_countries, validate_scenario
from ..load.yaml_source import MAX_FILE_BYTES
from ..schemas.countries import CountryResolver
from ..schemas.document import YamlDocument
from ..schemas.scenario import Scenario
from .interview_answers import answer_hint, parse_answer, pick_list
from .interview_questions import QUESTIONS, Question, model_of, schema_field

_STDIN = "<stdin>"
_WIDTH = 88
_LAST_OF_GROUP = {
    question.group: question.number for question in QUESTIONS if question.repeats_from
}

_SIZE_CHECKED_FROM = MAX_FILE_BYTES // 8
"""Answers shorter than this in all cannot make a file near the size limit, whatever YAML
adds around them; past it, the file each answer would make is measured."""

_INTRO = (
    "Answer each question and press Enter. Enter alone takes the value in [brackets] or skips\n"
    "the question. In a list of choices, type a number, a name, or the start of a name; '?'\n"
    "shows the choices again.\n"
)


class Interview:
    """One interview: the answers so far, and the next question worth asking."""

    def __init__(self, countries: CountryResolver | None = None) -> None:
        self.countries = countries
        """How countries are read: a KB's resolver, or None for the shipped KB's aliases."""
        self.answers: dict[str, Any] = {}
        self.items: dict[str, list[dict[str, Any]]] = {}
        self._next = 1  # the number of the next question to consider
        self._answered_bytes = 0

    def next_question(self) -> Question | None:
        """The next question to ask, skipping those whose condition does not hold."""
        while self._next <= len(QUESTIONS):
            question = QUESTIONS[self._next - 1]
            if question.when is None or question.when.holds(
                self._scope(question).get(question.when.key)
            ):
                return question
            self._next += 1
        return None

    def _scope(self, question: Question) -> dict[str, Any]:
        """Where the question's answer goes: the interview's answers, or the group's item."""
        if question.group is None:
            return self.answers
        return self.items[question.group][-1]

    def answer(self, text: str) -> str:
        """Answer the next question; raises :class:`ScenarioError` saying what to type.
        Returns how the answer was read when that needs saying (a country written as "Korea"),
        else an empty string."""
        question = self.next_question()
        if question is None:
            raise ValueError("the interview has no question left to answer")
        value = parse_answer(question, text, self.countries)
        if question.repeats_from and value and question.group:
            _check_room(question, len(self.items[question.group]))
        self._answered_bytes += len(text.encode("utf-8", "surrogateescape"))
        if self._answered_bytes > _SIZE_CHECKED_FROM:
            self._record_within_size(question, value)
        else:
            self._record(question, value)
        if question.kind == "country" and value:
            return (self.countries or shipped_countries()).match(text).reading()
        return ""

    def _record_within_size(self, question: Question, value: Any) -> None:
        """Record an answer unless the scenario file would then be over the size limit."""
        before = (copy.deepcopy(self.answers), copy.deepcopy(self.items), self._next)
        self._record(question, value)
        size = len(self.to_yaml().encode("utf-8"))
        if size > MAX_FILE_BYTES:
            self.answers, self.items, self._next = before
            raise _problem(
                question,
                f"with this answer the scenario file would be {size} bytes, over the limit "
                f"of {MAX_FILE_BYTES} bytes a scenario file may have",
                "Give a shorter answer.",
            )

    def _record(self, question: Question, value: Any) -> None:
        self._next += 1
        if question.repeats_from:
            if value:
                self._next = question.repeats_from
        elif question.starts_group and question.group:
            if value is None:
                # Nobody (or nothing) to add: go on after the group's "add another?".
                self._next = _LAST_OF_GROUP[question.group] + 1
            else:
                self.items.setdefault(question.group, []).append({question.key: value})
        elif value not in (None, []):
            self._scope(question)[question.key] = value

    def run(self, answers: IO[str], say: Callable[[str], None]) -> None:
        """Ask every question that matters, reading answers a line at a time from ``answers``.

        On a terminal each question is shown with its choices through ``say``, and a wrong
        answer is explained and asked again ('?' shows the choices again). Piped answers are
        read silently; the first wrong one, an early end or lines left over stop the interview
        with a :class:`ScenarioError` naming the line.
        """
        terminal = answers.isatty()
        if terminal:
            say(_INTRO)
        # The bytes under a text stream (standard input), so that a line that is not UTF-8 is
        # a problem reported at its place, whatever the locale's decoding would have done.
        lines = _answer_lines(getattr(answers, "buffer", answers))
        line_number, shown = 0, set()
        while (question := self.next_question()) is not None:
            if terminal and question.number not in shown:
                shown.add(question.number)
                say("".join(f"{line}\n" for line in _choices(question)))
            if terminal:
                say(f"{question.number}. {question.prompt}{answer_hint(question)}: ")
            line_number, text = next(lines, (line_number, None))
            if text is None:
                raise _ended(question, line_number)
            if isinstance(text, Problem):  # not UTF-8, or longer than a scenario file may be
                if not terminal:
                    raise _wrong_line(question, line_number, ScenarioError([text]))
                say(f"  {text.message}. {text.hint}\n")
                continue
            if terminal and text.strip() == "?":
                shown.discard(question.number)
                continue
            try:
                reading = self.answer(text)
            except ScenarioError as error:
                if not terminal:
                    raise _wrong_line(question, line_number, error) from None
                say(
                    "".join(
                        f"  {problem.message}. {problem.hint}".rstrip() + "\n"
                        for problem in error.problems
                    )
                )
                continue
            if reading:
                say(f"  {reading}\n")
        left_over = next(
            ((number, text) for number, text in lines if not isinstance(text, str) or text.strip()),
            None,
        )
        if left_over and not terminal:
            number, text = left_over
            raise _left_over(number, text if isinstance(text, str) else "")

    @staticmethod
    def question_list() -> str:
        """Every question in the order asked (see :func:`question_list`)."""
        return question_list()

    def data(self) -> dict[str, Any]:
        """The answers as scenario data (version 2), keys in the schema's order."""
        data: dict[str, Any] = {}
        for question in QUESTIONS:
            if question.group is None and question.key in self.answers:
                value = self.answers[question.key]
                if question.item_key:
                    value = [{question.item_key: choice} for choice in value]
                _put(data, question.key, value)
        for group, items in self.items.items():
            _put(data, group, [dict(item) for item in items])
        ordered: dict[str, Any] = _in_schema_order(data, Scenario)
        return ordered

    def scenario(self) -> Scenario:
        return validate_scenario(YamlDocument(self.data(), "<interview>"), self.countries)

    def to_yaml(self) -> str:
        header = (
            "# Written by `compass interview`. Edit it freely and run `compass advise` on it\n"
            "# again; `compass kb schema scenario` prints the JSON Schema for your editor.\n"
        )
        return header + yaml.safe_dump(self.data(), sort_keys=False, allow_unicode=True)


def _answer_lines(answers: IO[Any]) -> Iterator[tuple[int, str | Problem]]:
    """Each line of ``answers`` (text, or bytes decoded as UTF-8) with its number, or the
    problem that makes it no answer. No line is read past the size limit of a scenario file."""
    number = 0
    while line := answers.readline(MAX_FILE_BYTES + 1):
        number += 1
        ending = b"\n" if isinstance(line, bytes) else "\n"
        if len(line) > MAX_FILE_BYTES and not line.endswith(ending):
            too_long = f"the answer is longer than the {MAX_FILE_BYTES} bytes a scenario may hold"
            yield number, _line_problem(number, too_long)
            # Asked again (on a terminal): the rest of the line is no answer either. Piped
            # answers stop at the problem, so an endless line is never read to its end.
            while (rest := answers.readline(MAX_FILE_BYTES)) and not rest.endswith(ending):
                pass
            continue
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError as error:
                not_text = f"the answer is not UTF-8 text (its byte {error.start + 1} is not)"
                yield number, _line_problem(number, not_text)
                continue
        yield number, line.rstrip("\r\n")


def _line_problem(number: int, message: str) -> Problem:
    return Problem(Location(_STDIN, number), message, hint="Give it as a line of UTF-8 text.")


def _check_room(question: Question, count: int) -> None:
    """Refuse "add another" when the scenario's list is full."""
    if question.max_items is not None and count >= question.max_items:
        noun = question.prompt.removeprefix("Add another ").rstrip("?")
        raise _problem(
            question,
            f"a scenario holds at most {question.max_items} of these ({noun})",
            "Answer no.",
        )


def _problem(question: Question, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError([Problem(Location(f"question {question.number}"), message, hint=hint)])


def _ended(question: Question, line_number: int) -> ScenarioError:
    return ScenarioError(
        [
            Problem(
                Location(_STDIN, line_number),
                f"the answers ended before question {question.number} ({question.prompt})",
                hint="Give one line per question asked, in the order `compass interview "
                "--list-questions` prints; an empty line takes the default or skips.",
            )
        ]
    )


def _choices(question: Question) -> list[str]:
    return [wrapped for line in pick_list(question) for wrapped in _wrapped(line, "    ", 9)]


def _left_over(line_number: int, text: str) -> ScenarioError:
    return ScenarioError(
        [
            Problem(
                Location(_STDIN, line_number),
                f"an answer after the last question: {shorten(text)!r}",
                hint="Some answers were probably given for questions that were not asked "
                "(see the conditions in `compass interview --list-questions`).",
            )
        ]
    )


def _wrong_line(question: Question, line_number: int, error: ScenarioError) -> ScenarioError:
    problem = error.problems[0]
    return ScenarioError(
        [
            Problem(
                Location(_STDIN, line_number),
                f"the answer to question {question.number} ({question.prompt}): {problem.message}",
                hint=problem.hint,
            )
        ]
    )


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for parent in parents:
        data = data.setdefault(parent, {})
    data[last] = value


def _in_schema_order(data: Any, model: type[BaseModel] | None) -> Any:
    """Mappings with their keys in the order the schema lists them, so the file reads as the
    README's examples do."""
    if model is None:
        return data
    if isinstance(data, list):
        return [_in_schema_order(item, model) for item in data]
    if not isinstance(data, dict):
        return data
    order = list(model.model_fields)
    return {
        key: _in_schema_order(data[key], model_of(schema_field(model, key)[1].annotation))
        for key in sorted(data, key=order.index)
    }


def question_list() -> str:
    """Every question in the order asked, numbered, with its choices and when it is asked:
    the order piped answers follow."""
    lines = [
        "The questions of `compass interview`, in the order they are asked. Piped answers, one",
        "a line, follow this order; an empty line takes the value after 'Enter:' or skips.",
        "A question asked only under a condition takes a line only when it is asked. Choices",
        "are given by number, name or the start of a name; several are separated by commas.",
        "",
    ]
    for question in QUESTIONS:
        indent = "    " if question.group and not question.starts_group else ""
        notes = _conditions(question)
        heading = f"{question.number:>2}. {indent}{question.prompt}{answer_hint(question)}"
        lines += _wrapped(
            heading + (f" ({'; '.join(notes)})" if notes else ""), "", 4 + len(indent)
        )
        lines += [
            wrapped
            for line in pick_list(question)
            for wrapped in _wrapped(line, " " * (6 + len(indent)), 6 + len(indent) + 5)
        ]
    return "\n".join(lines) + "\n"


def _wrapped(text: str, indent: str, hanging: int) -> list[str]:
    """``text`` in lines of at most 88 columns, continued under its start."""
    return textwrap.wrap(
        text, _WIDTH, initial_indent=indent, subsequent_indent=" " * hanging, break_on_hyphens=False
    )


def _conditions(question: Question) -> list[str]:
    notes = []
    if question.when:
        verb = "unless" if question.when.unless else "when"
        notes.append(f"asked {verb} {question.when_number} is {' or '.join(question.when.values)}")
    if question.starts_group and question.group:
        notes.append(f"Enter goes on at {_LAST_OF_GROUP[question.group] + 1}")
    if question.repeats_from:
        notes.append(f"yes goes back to {question.repeats_from}")
    return notes
