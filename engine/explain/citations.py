"""Citations of the knowledge base's sources, in full and in the short form running text uses."""

from __future__ import annotations

from ..schemas.kb import Source


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
