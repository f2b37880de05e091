"""ISO 3166-1 as pycountry lists it, answered as pycountry answers, without importing pycountry
when the table comes from elsewhere.

Importing pycountry (its package metadata, its JSON database, an object per country) is a
cost every start would pay for a few lookups. :class:`IsoCountries` holds the same rows and
answers ``get`` and ``lookup`` as ``pycountry.countries`` does: any case, each field's index in
the order pycountry builds them, a later country taking a value an earlier one had. Its rows
come from pycountry by default; the API reads them from the product cache instead
(:mod:`engine.load.iso_countries`), keyed by pycountry's installed files, and pycountry is
imported only when that cache has no entry for them (or is off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache

IsoRow = Mapping[str, str]
"""One country: pycountry's fields (alpha_2, alpha_3, numeric, name, flag, and where ISO has
them official_name and common_name), in pycountry's order."""

_REQUIRED = frozenset(("alpha_2", "alpha_3", "numeric", "name"))


class IsoCountries:
    """The countries of ISO 3166-1, looked up as ``pycountry.countries`` looks them up."""

    def __init__(self, rows: Sequence[IsoRow]) -> None:
        self.rows = tuple(rows)
        # field -> lowercased value -> row, filled in pycountry's order so that its first
        # matching index, and the last country of a value shared by two, win here too
        fields = dict.fromkeys(field for row in self.rows for field in row)
        self._indices = {
            field: {row[field].lower(): row for row in self.rows if field in row}
            for field in fields
        }

    def __iter__(self) -> Iterator[IsoRow]:
        return iter(self.rows)

    def get(self, alpha_2: str) -> IsoRow | None:
        """The country of this alpha-2 code, in any case (``pycountry.countries.get``)."""
        return self._indices.get("alpha_2", {}).get(alpha_2.lower())

    def lookup(self, value: str) -> IsoRow | None:
        """The country one of whose codes or names ``value`` is, in any case, or None
        (``pycountry.countries.lookup``; every field of a country is indexed there)."""
        wanted = value.lower()
        for index in self._indices.values():
            found = index.get(wanted)
            if found is not None:
                return found
        return None


def pycountry_rows() -> list[dict[str, str]]:
    """Every country as pycountry has it (importing pycountry)."""
    import pycountry  # noqa: PLC0415 - only when no kept copy of its table is given

    # A country's fields are its _fields; dict(country) gives the same (a test checks) through
    # __getattr__, which costs more than everything else done with the table in a start.
    return [dict(country._fields) for country in pycountry.countries]


def valid_rows(data: object) -> list[dict[str, str]] | None:
    """``data`` as rows of the table, or None unless it is a non-empty list of mappings of
    text to text, each with a country's codes and name (what a kept copy must be)."""
    if not isinstance(data, list) or not data:
        return None
    for row in data:
        if not isinstance(row, dict) or not _REQUIRED.issubset(row):
            return None
        if not all(type(text) is str for text in row.values()):  # JSON keys are text
            return None
    return data


class _Source:
    """Where this process takes the table from; asked once, the first time it is needed."""

    rows: Callable[[], Sequence[IsoRow]] = pycountry_rows


def read_iso_rows_with(rows: Callable[[], Sequence[IsoRow]]) -> None:
    """Take the table from ``rows()`` (pycountry's rows, kept elsewhere) rather than from
    pycountry itself. Has no effect once a country has been looked up in this process."""
    _Source.rows = rows


@cache
def iso_countries() -> IsoCountries:
    """ISO 3166-1's countries, read once per process."""
    return IsoCountries(_Source.rows())
