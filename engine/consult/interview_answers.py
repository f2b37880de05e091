"""Reading one answer of ``compass interview``: a pick by number, name or the start of a name,
yes or no, or a value the scenario schema checks exactly as it checks a file.
"""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import ValidationError

from ..errors import Location, Problem, ScenarioError, did_you_mean, shorten
from ..load.scenario import shipped_countries
from ..schemas.countries import COUNTRIES_CONTEXT, CountryResolver
from .interview_questions import Question

_YES, _NO = ("yes", "y"), ("no", "n")
_WIDTH = 80
"""Room for choices beside an indent, within the 88 columns of a terminal we cannot measure."""


def _problem(question: Question, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError([Problem(Location(f"question {question.number}"), message, hint=hint)])


def _pick(question: Question, word: str) -> str:
    """The choice ``word`` names: its number, its name, or the start of exactly one name."""
    choices, word = question.choices, word.strip()
    if word.isdecimal():
        if 1 <= int(word) <= len(choices):
            return choices[int(word) - 1]
        raise _problem(question, f"there is no choice {word}", f"Pick 1 to {len(choices)}.")
    # People write "family business" or "Family-business" for family_business.
    wanted = "_".join(word.lower().replace("-", " ").split())
    if wanted in choices:
        return wanted
    starting = [choice for choice in choices if choice.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise _problem(
            question,
            f"{shorten(word)!r} is the start of several choices ({', '.join(starting)})",
            "Type more of the name, or its number.",
        )
    close = did_you_mean(wanted, choices)
    # did_you_mean lists every name when none is close; the pick-list has them numbered.
    hint = close if close.startswith("Did you mean") else ""
    raise _problem(
        question,
        f"{shorten(word)!r} is not one of the choices",
        hint or f"Type a number from 1 to {len(choices)}, or a name.",
    )


def _checked(question: Question, value: Any, text: str, countries: CountryResolver) -> Any:
    """``value`` as the schema field takes it; its own message when it does not."""
    if question.checker is None:
        return value
    try:
        checked = question.checker.model_validate(
            {"value": value}, context={COUNTRIES_CONTEXT: countries}
        )
        return dict(checked)["value"]
    except ValidationError as error:
        message = error.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        hint = ""
        head, _separator, last = message.rpartition("; ")
        if head and last.endswith("?"):  # "...; did you mean Japan (JP)?" is a hint
            message, hint = head, last[0].upper() + last[1:]
        found = "" if shorten(text) in message else f"; found {shorten(text)!r}"
        raise _problem(question, message.rstrip(".") + found, hint) from None


def parse_answer(question: Question, text: str, countries: CountryResolver | None = None) -> Any:
    """The value an answer gives the question's field; None when skipped. Raises
    :class:`ScenarioError` saying what to type instead. Countries are read with ``countries``
    (a KB's resolver), by default as a scenario file is, with the shipped KB's aliases."""
    text = text.strip()
    if not text:
        if question.default is not None:
            text = question.default
        elif question.optional:
            return [] if question.kind == "choices" else None
        else:
            raise _problem(question, "an answer is needed here", _expected(question))
    if question.kind == "choice":
        return _pick(question, text)
    if question.kind == "choices":
        picked = [_pick(question, part) for part in text.split(",") if part.strip()]
        return list(dict.fromkeys(picked))  # the first mention keeps its place: the main goal
    return _scalar(question, text, countries or shipped_countries())


def _scalar(question: Question, text: str, countries: CountryResolver) -> Any:
    """Yes or no, a whole number, a date or text, checked as the schema checks it."""
    if question.kind == "yes_no":
        if text.lower() in (*_YES, *_NO):
            return text.lower() in _YES
        raise _problem(question, f"expected yes or no; found {shorten(text)!r}")
    if question.kind == "number":
        # isdigit() would take '²', which int() refuses; isdecimal() is exactly what int() reads.
        if not text.isdecimal():
            raise _problem(question, f"expected a whole number; found {shorten(text)!r}")
        return _checked(question, int(text), text, countries)
    if question.kind == "date":
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise _problem(
                question, f"expected a date like 2026-03-12; found {shorten(text)!r}"
            ) from None
        return _checked(question, day, text, countries)
    return _checked(question, text, text, countries)


def _expected(question: Question) -> str:
    if question.kind == "choice":
        return "Type the number or the name of one choice."
    if question.kind == "choices":
        return "Type the numbers or names of one or more choices, separated by commas."
    return ""


def answer_hint(question: Question) -> str:
    """What the answer looks like and what Enter does, in brackets after the prompt."""
    parts = []
    if question.kind == "choices":
        parts.append("several allowed, separated by commas")
    elif question.kind == "yes_no":
        parts.append("yes/no")
    if question.default is not None:
        parts.append(f"Enter: {question.default}")
    elif question.optional:
        parts.append("Enter: none" if question.starts_group else "Enter to skip")
    return f" [{'; '.join(parts)}]" if parts else ""


def pick_list(question: Question, width: int = _WIDTH) -> list[str]:
    """The numbered choices: one a line with what each means, or in columns when bare."""
    if not question.choices:
        return []
    digits = len(str(len(question.choices)))
    entries = [
        f"{number:>{digits}} {choice}" for number, choice in enumerate(question.choices, start=1)
    ]
    if question.descriptions:
        return [
            f"{entry}: {question.descriptions[choice]}"
            for entry, choice in zip(entries, question.choices, strict=True)
        ]
    column = max(len(entry) for entry in entries) + 2
    per_line = max(1, width // column)
    return [
        "".join(entry.ljust(column) for entry in entries[start : start + per_line]).rstrip()
        for start in range(0, len(entries), per_line)
    ]
