"""Render a report for people (text) or programs (JSON).

Text output is plain and wraps at a fixed width so it reads the same in a terminal, a log and
a golden file. ``explain=True`` adds, under each item, the HOW tree: the rules that fired, the
facts they matched and where every fact came from, down to the scenario and the profiles.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from functools import cache
from typing import Any

from ..explain.pairs import describe_between
from ..rules.certainty import in_words
from ..schemas.kb import PlanStage
from ..schemas.note_hints import NoteHint
from ..schemas.report import DiagnosisItem, Evidence, HowNode, Recommendation, Report
from .safe_text import json_text, plain_text

WIDTH = 88
"""The width of text output when it does not go to a terminal: files, pipes, golden files."""


_EXPLAINED_ITEMS = ("diagnosis", "recommendations", "advised_against", "also_consider", "set_aside")


def render_json(report: Report, *, trace: bool = True) -> str:
    """The report as indented JSON (stable key order).

    Without ``trace``, what only an auditor replaying the reasoning reads is left out: the
    ``trace`` (every fact and firing) and the ``how`` tree under each item's evidence, which
    together are most of the size. Each item's ``supported_by`` still names the rules that
    fired for it, their certainty and the facts they matched.
    """
    if trace:
        return json_text(report.model_dump_json(indent=2)) + "\n"
    without_how = {"__all__": {"supported_by": {"__all__": {"how"}}}}
    exclude: dict[str, Any] = {"trace": True} | dict.fromkeys(_EXPLAINED_ITEMS, without_how)
    return json_text(report.model_dump_json(indent=2, exclude=exclude)) + "\n"


def _wrap(text: str, indent: int, width: int) -> list[str]:
    prefix = " " * indent
    return textwrap.wrap(text, width, initial_indent=prefix, subsequent_indent=prefix) or [prefix]


def _bullet(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, initial_indent="  - ", subsequent_indent="    ")


def _line(text: str, indent: int) -> str:
    # Tree lines are not wrapped: a fact and its origin stay on one line, easy to grep.
    return " " * indent + text


def certainty_words(value: float) -> str:
    """'certainty 0.73, high': the number and what it means (thresholds in rules.certainty)."""
    return f"certainty {value:.2f}, {in_words(value)}"


def _origin(node: HowNode) -> str:
    origin = node.origin
    if origin.kind == "scenario":
        return f"scenario {', '.join(origin.paths)}"
    if origin.kind == "profile":
        estimated = ", estimated" if origin.estimated else ""
        return f"{origin.country} profile ({origin.file}), source {origin.source}{estimated}"
    if origin.kind == "calendar":
        return f"calendar: {origin.describe()}"
    if origin.kind == "position":
        return f"{origin.person}'s own position ({origin.describe()}), give or take {origin.band:g}"
    return "concluded by:"


class _HowTree:
    """Writes the HOW tree of an item: rules, the facts they matched, and where each came from."""

    def evidence(self, evidence: Evidence, indent: int) -> Iterator[str]:
        yield _line(
            f"rule {evidence.rule}: {evidence.rule_title} "
            f"(firing {evidence.firing}, {evidence.certainty:+.2f})",
            indent,
        )
        for node in evidence.how:
            yield from self.node(node, indent + 2)

    def node(self, node: HowNode, indent: int) -> Iterator[str]:
        yield _line(f"{node.fact}  <- {_origin(node)}", indent)
        for step in node.concluded_by:
            yield _line(f"rule {step.rule}: {step.rule_title} (firing {step.firing})", indent + 2)
            for used in step.facts:
                yield from self.node(used, indent + 4)


def particulars(item: DiagnosisItem | Recommendation) -> list[str]:
    """What makes a text written once for every case specific to this one: the dates, the
    people and the planned actions its support rests on, one sentence each."""
    labelled = (
        ("Dates", item.dates),
        ("About", item.people),
        ("Before you do this", item.before_you),
    )
    return [f"{label}: {'; '.join(values)}." for label, values in labelled if values]


def _recommendation(
    item: Recommendation, position: int, tree: _HowTree | None, width: int
) -> Iterator[str]:
    yield f"    {position}. {item.title}  [{certainty_words(item.certainty)}]"
    yield from _wrap(item.advice, 7, width)
    for step in item.steps:
        yield from _wrap(f"- {step}", 9, width)
    yield from _wrap(f"Because: {item.because}.", 7, width)
    for line in particulars(item):
        yield from _wrap(line, 7, width)
    pulls_against = dict.fromkeys((*item.trade_off_with, *item.conflicts_with))
    if pulls_against:
        yield from _wrap(
            "Trade-off: this advice pulls against "
            + ", ".join(pulls_against)
            + ", also given; weigh them against each other (see TRADE-OFFS).",
            7,
            width,
        )
    yield from _wrap(
        "Sources: " + "; ".join(source.short for source in item.sources) + ".", 7, width
    )
    if tree:
        yield "       How this was reached:"
        for evidence in item.supported_by:
            yield from tree.evidence(evidence, 9)


def _header(report: Report) -> list[str]:
    return [
        f"Synergy Compass: {report.scenario.title}",
        f"{report.scenario.we} working with {report.scenario.they} · knowledge base "
        f"{report.kb.name} {report.kb.version} ({report.kb.digest[:12]})",
    ]


def _findings(findings: list[DiagnosisItem], tree: _HowTree | None, width: int) -> Iterator[str]:
    for position, finding in enumerate(findings, 1):
        yield f"  {position}. {finding.title}  [{certainty_words(finding.certainty)}]"
        yield from _wrap(finding.explanation, 5, width)
        for line in particulars(finding):
            yield from _wrap(line, 5, width)
        if finding.between:
            yield from _wrap(describe_between(finding.between) + ".", 5, width)
        if finding.caveat:
            yield from _wrap(f"Caveat: {finding.caveat}", 5, width)
        if tree:
            for evidence in finding.supported_by:
                yield from tree.evidence(evidence, 5)
        else:
            rules = ", ".join(dict.fromkeys(evidence.rule for evidence in finding.supported_by))
            yield from _wrap(f"(rules: {rules})", 5, width)


def _diagnosis(report: Report, tree: _HowTree | None, width: int) -> Iterator[str]:
    situation = [item for item in report.diagnosis if item.basis == "situation"]
    background = [item for item in report.diagnosis if item.basis == "profiles"]
    yield "DIAGNOSIS: what is going on"
    if not situation and report.could_not_check:
        yield from _wrap(
            "Nothing in what you describe points to a cultural problem that this knowledge "
            "base can check; see WHAT COULD NOT BE CHECKED below.",
            2,
            width,
        )
    elif not situation:
        yield "  Nothing in what you describe points to a cultural problem."
    yield from _findings(situation, tree, width)
    if background:
        yield ""
        yield "CULTURAL BACKGROUND: the differences behind it (national tendencies)"
        yield from _findings(background, tree, width)


def _plan(report: Report, tree: _HowTree | None, width: int) -> Iterator[str]:
    yield "PLAN"
    if not report.recommendations:
        yield "  No advice applies to this situation."
    position = 0
    for stage in PlanStage:
        items = [item for item in report.recommendations if item.stage == stage]
        if items:
            yield f"  {stage.heading}"
        for item in items:
            position += 1
            yield from _recommendation(item, position, tree, width)


def _also_consider(report: Report, tree: _HowTree | None, width: int) -> Iterator[str]:
    yield "ALSO CONSIDER: further advice, in order of importance"
    for item in report.also_consider:
        yield f"  - {item.title}  [{certainty_words(item.certainty)}]"
        yield from _wrap(f"Because: {item.because}.", 4, width)
        if tree:
            for evidence in item.supported_by:
                yield from tree.evidence(evidence, 4)


def _set_aside(report: Report, width: int) -> Iterator[str]:
    yield "SET ASIDE: advice that pulls against more specific advice in this plan"
    for item in report.set_aside:
        yield f"  - {item.title}  [{certainty_words(item.certainty)}]"
        yield from _wrap(item.set_aside_because, 4, width)


def _trade_offs(report: Report, width: int) -> Iterator[str]:
    yield "TRADE-OFFS: advice pulling opposite ways, equally supported"
    for trade in report.trade_offs:
        yield from _bullet(f"{trade.about.capitalize()}: {trade.explanation}", width)


def _could_not_check(report: Report, width: int) -> Iterator[str]:
    yield "WHAT COULD NOT BE CHECKED"
    for gap in report.could_not_check:
        yield from _bullet(gap, width)


def _advised_against(report: Report, tree: _HowTree | None) -> Iterator[str]:
    yield "ADVISED AGAINST"
    for against in report.advised_against:
        yield f"  - {against.title}  [{certainty_words(against.certainty)}]"
        if tree:
            for evidence in against.supported_by:
                yield from tree.evidence(evidence, 4)


def _caveats(report: Report, width: int) -> Iterator[str]:
    yield "CAVEATS"
    for caveat in report.caveats:
        yield from _bullet(caveat, width)


def note_hint_intro(hint: NoteHint) -> str:
    """'Your notes mention "works council"': where the words are, as the user wrote them."""
    where = "Your notes mention" if hint.found_in == "notes" else f"{hint.found_in} mentions"
    return f'{where} "{hint.phrase}"'


def _note_hints(report: Report, width: int) -> Iterator[str]:
    # The suggestion has a line of its own, so that it can be copied into the scenario whole.
    yield "FROM YOUR NOTES: facts written only in free text, which no rule reads"
    for hint in report.note_hints:
        yield f"  - {note_hint_intro(hint)}; add:"
        yield _line(hint.suggestion, 6)
        for alternative in hint.alternatives:
            yield _line(f"or: {alternative}", 4)
        if hint.explain:
            yield from _wrap(hint.explain, 4, width)


def _fitted(line: str, width: int) -> list[str]:
    """A line cut to ``width``, going on under itself a little further in."""
    if len(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.wrap(line, width, subsequent_indent=indent) or [line]


def render_text(
    report: Report, *, explain: bool = False, width: int = WIDTH, wrap_every_line: bool = False
) -> str:
    """The report for people: diagnosis, staged plan, caveats; with ``explain``, the HOW trees.

    Paragraphs wrap at ``width``. Headings, item titles and the lines of the HOW trees stay
    whole (easy to grep) unless ``wrap_every_line``, as on a terminal, where a line cut off
    at the edge is worse than one broken in two.
    """
    tree = _HowTree() if explain else None
    sections = [
        _header(report),
        list(_diagnosis(report, tree, width)),
        list(_plan(report, tree, width)),
    ]
    if report.trade_offs:
        sections.append(list(_trade_offs(report, width)))
    if report.also_consider:
        sections.append(list(_also_consider(report, tree, width)))
    if report.set_aside:
        sections.append(list(_set_aside(report, width)))
    if report.advised_against:
        sections.append(list(_advised_against(report, tree)))
    if report.caveats:
        sections.append(list(_caveats(report, width)))
    if report.could_not_check:
        sections.append(list(_could_not_check(report, width)))
    if report.note_hints:
        sections.append(list(_note_hints(report, width)))
    if not explain:
        sections.append(
            ["Run with --explain to see the rules, facts and sources behind each item."]
        )
    lines = [line for section in sections for line in [*section, ""]][:-1]
    if wrap_every_line:
        lines = [part for line in lines for part in _fitted(line, width)]
    return plain_text("\n".join(line.rstrip() for line in lines) + "\n")


# ANSI select-graphic-rendition codes: bold, and the foreground colours used
_BOLD, _CYAN = "1", "36"
_CERTAINTY_COLOURS = {"high": "32", "medium": "33", "low": "31"}


# Compiled when a terminal is first styled: JSON, and text written to a file or a pipe, need
# none of them, and compiling them was about 0.1 % of a `compass advise` (re's compiler is Python).
@cache
def _terminal_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        re.compile(r"(?m)^Synergy Compass: .*$"),  # the title
        re.compile(r"(?m)^[A-Z][A-Z ]{2,}(?=:|$)"),  # a heading
        re.compile(r"(?<=\[certainty \d\.\d\d, )(high|medium|low)(?=\])"),  # certainty words
    )


def _styled(text: str, *codes: str) -> str:
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"


def for_terminal(text: str, *, colour: bool = True) -> str:
    """Text output with its title and headings in bold and certainty words in colour, as ANSI
    styles for a terminal; ``colour=False`` (NO_COLOR) keeps the bold and leaves colour out."""
    title, heading_line, certainty_word = _terminal_patterns()
    text = title.sub(lambda match: _styled(match[0], _BOLD), text)
    heading = (_BOLD, _CYAN) if colour else (_BOLD,)
    text = heading_line.sub(lambda match: _styled(match[0], *heading), text)
    if colour:
        text = certainty_word.sub(
            lambda match: _styled(match[0], _CERTAINTY_COLOURS[match[0]]), text
        )
    return text
