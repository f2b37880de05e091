"""The client report's appendix: how each step of the plan was reached, in sentences.

The HOW tree of the text output names facts as the rules match them, such as
``score(dimension=deciding, estimated=True, side=counterpart, value=10)``. A client reads the
same tree here as "Japan's score on 'Deciding' is 10 (Meyer 2014, our estimate)": each fact in
words, with where it came from, and each rule by its title.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..consult.compare import CultureComparison
from ..schemas.facts import PositionOrigin, ProfileOrigin
from ..schemas.report import Evidence, HowNode, Report
from ..schemas.vocabulary_descriptions import ACTION_DESCRIPTIONS, OBSERVATION_DESCRIPTIONS
from .report_parts import country_names, possessive, short_sources, words

_FACT = re.compile(r"^(?P<type>\w+)\((?P<fields>.*)\)$")


def parse_fact(fact: str) -> tuple[str, dict[str, str]]:
    """'score(dimension=pdi, value=54)' -> ('score', {'dimension': 'pdi', 'value': '54'})."""
    match = _FACT.match(fact)
    if not match:
        return fact, {}
    fields = {}
    # Values may hold commas and brackets ('role=Manager (remote, Stockholm)'): split only
    # where the next name and its '=' begin.
    for part in re.split(r", (?=\w+=)", match["fields"]):
        name, _, value = part.partition("=")
        fields[name] = value
    return match["type"], fields


class _Sentences:
    """Writes the facts of one report as sentences, knowing its countries, dimensions,
    findings and sources by name."""

    def __init__(self, report: Report, comparison: CultureComparison | None) -> None:
        self.countries = country_names(report, comparison)
        self.dimensions = (
            {row.dimension: row.name for row in comparison.dimensions} if comparison else {}
        )
        self.findings = {item.id: item.title for item in report.diagnosis}
        self.sources = short_sources(report)

    def profile(self, kind: str, fields: dict[str, str], origin: ProfileOrigin) -> str:
        country = self.countries.get(origin.country, origin.country)
        source = self.sources.get(origin.source, f"source {origin.source}")
        cited = f"{source}, our estimate" if origin.estimated else source
        if kind in ("score", "national_score"):
            dimension = self.dimension(origin.dimension)
            value = fields.get("value", "?")
            return f"{possessive(country)} score on '{dimension}' is {value} ({cited})."
        return f"{possessive(country)} profile gives {self.plain(kind, fields)} ({cited})."

    def dimension(self, dimension: str) -> str:
        return self.dimensions.get(dimension, words(dimension).replace("-", " "))

    def position(self, fields: dict[str, str], origin: PositionOrigin) -> str:
        """A person's own position, with what it rests on: 'Ms Sato's own position on
        'Disagreeing' is 20, give or take 15 (observed: 'she disagreed openly ...').'"""
        return (
            f"{possessive(origin.person)} own position on '{self.dimension(origin.dimension)}' "
            f"is {fields.get('value', '?')}, give or take {origin.band:g} ({origin.describe()})."
        )

    def plain(self, kind: str, fields: dict[str, str]) -> str:
        shown = ", ".join(f"{words(name)} {words(value)}" for name, value in fields.items())
        return f"{words(kind)}: {shown}" if shown else words(kind)

    def stated(self, kind: str, fields: dict[str, str], paths: tuple[str, ...]) -> str:
        where = f" (scenario: {', '.join(paths)})" if paths else ""
        if kind == "observation":
            seen = OBSERVATION_DESCRIPTIONS.get(
                fields.get("kind", ""), words(fields.get("kind", ""))
            )  # type: ignore[call-overload]
            return f"You observed: {seen}{where}."
        if kind == "action":
            done = ACTION_DESCRIPTIONS.get(fields.get("kind", ""), words(fields.get("kind", "")))  # type: ignore[call-overload]
            status = fields.get("status", "ongoing")
            return f"You stated: {done}{'' if status == 'ongoing' else f' ({status})'}{where}."
        if kind == "culture":
            country = self.countries.get(fields.get("country", ""), fields.get("country", ""))
            return f"The {words(fields.get('side', ''))} side's culture is {country}{where}."
        return f"The scenario states {self.plain(kind, fields)}{where}."

    def concluded(self, kind: str, fields: dict[str, str]) -> str:
        if kind == "finding":
            name = fields.get("name", "")
            title = self.findings.get(name) or words(name).replace("-", " ")
            return f"Finding: {title.rstrip('.')}."
        return f"Concluded: {self.plain(kind, fields)}."

    def fact(self, node: HowNode) -> str:
        kind, fields = parse_fact(node.fact)
        origin = node.origin
        if origin.kind == "profile":
            return self.profile(kind, fields, origin)
        if origin.kind == "scenario":
            return self.stated(kind, fields, origin.paths)
        if origin.kind == "calendar":
            return f"The calendar: {origin.describe()}."
        if origin.kind == "position":
            return self.position(fields, origin)
        return self.concluded(kind, fields)


def fact_sentences(
    report: Report, comparison: CultureComparison | None
) -> Callable[[HowNode], str]:
    """A writer of the report's HOW-tree facts as sentences, as the appendix words them (for
    trees laid out elsewhere, such as the workspace's result page)."""
    return _Sentences(report, comparison).fact


def _node(sentences: _Sentences, node: HowNode, depth: int) -> Iterator[tuple[int, str]]:
    yield depth, sentences.fact(node)
    for step in node.concluded_by:
        yield depth + 1, f"Rule \u201c{step.rule_title}\u201d concluded it from:"
        for used in step.facts:
            yield from _node(sentences, used, depth + 2)


def _evidence(sentences: _Sentences, evidence: Evidence) -> Iterator[tuple[int, str]]:
    change = "adds" if evidence.certainty >= 0 else "takes away"
    yield (
        0,
        f"Rule \u201c{evidence.rule_title}\u201d {change} {abs(evidence.certainty):.2f} "
        "certainty, from:",
    )
    for node in evidence.how:
        yield from _node(sentences, node, 1)


def appendix(
    report: Report, comparison: CultureComparison | None
) -> list[tuple[str, list[tuple[int, str]]]]:
    """For each step of the plan: its title, and its reasons as (depth, sentence) lines."""
    sentences = _Sentences(report, comparison)
    return [
        (
            recommendation.title,
            [
                line
                for evidence in recommendation.supported_by
                for line in _evidence(sentences, evidence)
            ],
        )
        for recommendation in report.recommendations
    ]
