"""The HOW trees of the result page, ready for its templates: for each item, the rules that
fired, the facts they matched in words (as the client report's appendix writes them), where each
fact came from, and links to the published sources behind profile scores.

The templates only lay the trees out; the wording comes from the engine's renderers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..engine.render.report_parts import sources
from ..engine.schemas.kb import Source
from ..engine.schemas.report import Evidence, HowNode, Report, SourceReference

# The tree of one finding can repeat a profile fact many times; past this depth the page shows
# the fact and not the rules behind it again (the JSON download has the whole tree).
MAX_DEPTH = 12


@dataclass(frozen=True)
class SourceLink:
    """A published source as the page names it: short in running text, the full citation on
    hover and in lists, with its address when it has one."""

    id: str
    short: str
    citation: str
    url: str

    @classmethod
    def cited(cls, reference: SourceReference) -> SourceLink:
        return cls(reference.id, reference.short, reference.citation, reference.url)

    @classmethod
    def listed(cls, source_id: str, source: Source) -> SourceLink:
        # A source the report does not cite itself (a finding's): named from the KB's entry.
        year = f" ({source.year})" if source.year else ""
        authors = ", ".join(source.authors) or source.publisher
        citation = f"{authors}{year}. {source.title}." if authors else f"{source.title}{year}."
        return cls(source_id, f"{source.title}{year}", citation, source.url)


@dataclass(frozen=True)
class Origin:
    """Where a fact came from, in words, with a link to its source when it has one."""

    kind: str  # scenario, profile, calendar or rule
    text: str
    source: SourceLink | None = None


@dataclass(frozen=True)
class TreeFact:
    sentence: str
    fact: str
    origin: Origin
    rules: tuple[TreeRule, ...] = ()


@dataclass(frozen=True)
class TreeRule:
    rule: str
    title: str
    firing: int
    facts: tuple[TreeFact, ...]
    certainty: float | None = None  # what the rule adds to the item; None inside the tree


class Trees:
    """Builds the HOW trees of one report."""

    def __init__(
        self,
        report: Report,
        sentence: Callable[[HowNode], str],
        kb_sources: Mapping[str, Source],
    ) -> None:
        self._sentence = sentence
        self._kb_sources = kb_sources
        self._cited = {source.id: SourceLink.cited(source) for source in sources(report)}

    def source(self, source_id: str) -> SourceLink | None:
        """A source by id: as the report cites it, else from the KB; None if it is unknown."""
        if source_id in self._cited:
            return self._cited[source_id]
        known = self._kb_sources.get(source_id)
        return SourceLink.listed(source_id, known) if known else None

    def evidence(self, evidence: Evidence) -> TreeRule:
        return TreeRule(
            evidence.rule,
            evidence.rule_title,
            evidence.firing,
            tuple(self._fact(node, 1) for node in evidence.how),
            evidence.certainty,
        )

    def _fact(self, node: HowNode, depth: int) -> TreeFact:
        rules: tuple[TreeRule, ...] = ()
        if depth < MAX_DEPTH:
            rules = tuple(
                TreeRule(
                    step.rule,
                    step.rule_title,
                    step.firing,
                    tuple(self._fact(used, depth + 1) for used in step.facts),
                )
                for step in node.concluded_by
            )
        return TreeFact(self._sentence(node), node.fact, self._origin(node), rules)

    def _origin(self, node: HowNode) -> Origin:
        origin = node.origin
        if origin.kind == "scenario":
            return Origin("scenario", "scenario: " + ", ".join(origin.paths))
        if origin.kind == "profile":
            estimated = ", estimated" if origin.estimated else ""
            text = f"{origin.country} profile ({origin.file}){estimated}; source"
            return Origin("profile", text, self.source(origin.source))
        if origin.kind == "calendar":
            return Origin("calendar", f"calendar: {origin.describe()}")
        return Origin("rule", "concluded by")
