"""Citations of the knowledge base's sources, in full and in the short form running text uses."""

from __future__ import annotations

from ..schemas.facts import ProfileOrigin
from ..schemas.kb import Source
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.report import SourceReference
from ..schemas.results import RunResult
from .kb_cache import memo_of
from .run_index import RunIndex


def _is_person(author: str) -> bool:
    # "Erin Meyer" is a person; "UK Ministry of Justice" or "OECD" is an institution.
    words = author.split()
    return 2 <= len(words) <= 4 and all(word[:1].isupper() for word in words)


def cite(source: Source) -> str:
    """A full citation: authors (year). Title. Publisher."""
    authors = ", ".join(source.authors) or source.publisher or "Anonymous"
    year = f" ({source.year})" if source.year else ""
    publisher = f" {source.publisher}." if source.publisher else ""
    return f"{authors}{year}. {source.title}.{publisher}"


def short_cite(source: Source) -> str:
    """A short reference for running text: ``Meyer 2014``, ``Hall & Hall 1987``."""
    surnames = [author.split()[-1] if _is_person(author) else author for author in source.authors]
    if not surnames:
        names = source.publisher or source.title
    elif len(surnames) == 1:
        names = surnames[0]
    elif len(surnames) == 2:
        names = f"{surnames[0]} & {surnames[1]}"
    else:
        names = f"{surnames[0]} et al."
    return f"{names} {source.year}" if source.year else names


def reference(source_id: str, knowledge_base: KnowledgeBase) -> SourceReference:
    """A source of the knowledge base as a report cites it (worked out once per knowledge base:
    reports cite the same few sources over and over)."""
    references = memo_of(knowledge_base).references
    found = references.get(source_id)
    if found is None:
        source = knowledge_base.sources[source_id].value
        found = SourceReference(
            id=source_id, citation=cite(source), short=short_cite(source), url=source.url
        )
        references[source_id] = found
    return found


def profile_sources(
    run: RunResult, knowledge_base: KnowledgeBase, index: RunIndex | None = None
) -> tuple[SourceReference, ...]:
    """The sources of every culture score a rule of the run matched, cited. ``index``: the
    run's index, when the caller has made one."""
    used = {
        origin.source
        for matched in RunIndex.of(run, index).matched_facts.values()
        for fact in matched
        if isinstance(origin := fact.origin, ProfileOrigin)
    }
    return tuple(
        reference(source_id, knowledge_base)
        for source_id in sorted(used)
        if source_id in knowledge_base.sources
    )
