"""Countries as people write them: the one place that turns "Holland", "UK", "Côte d'Ivoire",
"usa" or "JP" into an ISO 3166-1 alpha-2 code, and a wrong name into a did-you-mean.

ISO 3166 (pycountry's table, :mod:`.iso_countries`) knows codes and official names; people
write "Russia", "Korea" or "England". The knowledge base's ``countries`` files
(:class:`CountriesFile`, the shipped one is ``kb/countries.yaml``) add those forms as data, each
with a note where the reading is not obvious; a :class:`CountryResolver` is built from them.
Scenario fields get the resolver of the KB they run on through pydantic's validation context
(key :data:`COUNTRIES_CONTEXT`); without one, only ISO codes and names are known.
"""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Annotated

from pydantic import Field, model_validator

from .base import Frozen
from .iso_countries import iso_countries

COUNTRIES_CONTEXT = "countries"
HOW_TO_WRITE = (
    "write an ISO 3166 code (JP, USA), an English name (Japan) or a common name (Holland)"
)
_MAX_SUGGESTIONS = 3
# difflib's ratio above which a name is offered as a correction: high enough that "Russia"
# is not taken for "Tunisia" (0.67), low enough for one slip in a short name ("Germny").
_CLOSE_ENOUGH = 0.75


def normalized(text: str) -> str:
    """A name as compared: no accents, no case, no dots or apostrophes (straight or curly), no
    leading "the", and single spaces (so "U.S.A." is "usa", "Côte d'Ivoire" "cote divoire")."""
    if text.isascii():  # most names: nothing to decompose, and casefold() is lower()
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    plain = re.sub(r"[.'\u2019`]", "", plain.replace("&", " and "))
    words = re.sub(r"[\W_]+", " ", plain).split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def _iso_names(country: Mapping[str, str]) -> list[str]:
    """The names ISO 3166 gives a country, the everyday one first."""
    names = [country.get("common_name", ""), country["name"], country.get("official_name", "")]
    return [name for name in names if name]


def _word_orders(name: str) -> list[str]:
    """A name as ISO lists it and as people say it: "Korea, Republic of" is also "Republic of
    Korea", and "Virgin Islands, British" is "British Virgin Islands"."""
    head, comma, tail = name.partition(", ")
    return [name, f"{tail} {head}"] if comma else [name]


def display_name(code: str) -> str:
    """A country's everyday English name ("South Korea", not "Korea, Republic of")."""
    country = iso_countries().get(code)
    return _iso_names(country)[0] if country is not None else code


def is_iso_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 code, in any case (as pycountry's ``get``)."""
    return iso_countries().get(code) is not None


def iso_name(code: str) -> str | None:
    """ISO 3166's name of the country of an alpha-2 code ("Korea, Republic of"), or None."""
    country = iso_countries().get(code)
    return None if country is None else country["name"]


class CountryAlias(Frozen):
    """A way people write a country that ISO 3166 does not know, and the country it means."""

    name: Annotated[str, Field(min_length=1, max_length=80)] = Field(
        description="The name as people write it (matched without case, accents or dots)"
    )
    country: str = Field(
        pattern=r"^[A-Z]{2}$", description="The ISO 3166-1 alpha-2 code it stands for (GB)"
    )
    note: str = Field(
        default="",
        description="Why this name means this country, where that is not obvious; shown to "
        "the user whenever the name is used",
    )

    @model_validator(mode="after")
    def _a_real_country_not_hiding_another(self) -> "CountryAlias":
        if not is_iso_code(self.country):
            raise ValueError(f"{self.country!r} is not an ISO 3166-1 alpha-2 country code")
        if not normalized(self.name):
            raise ValueError(f"the alias {self.name!r} has no letters or digits")
        iso = _iso_code_named(self.name)
        if iso is not None and iso != self.country:
            raise ValueError(
                f"{self.name!r} is already ISO 3166's name or code for {display_name(iso)}"
                f" ({iso}), so it cannot also mean {self.country}"
            )
        return self


@lru_cache(maxsize=1024)
def _iso_code_named(name: str) -> str | None:
    """The code of the country whose ISO 3166 name or code ``name`` is (pycountry's lookup:
    exact, any case), or None. Remembered: a scenario read with the shipped KB validates the
    same aliases twice (its countries, the KB)."""
    country = iso_countries().lookup(name)
    return None if country is None else country["alpha_2"]


class CountriesConfig(Frozen):
    aliases: tuple[CountryAlias, ...] = Field(
        default=(), description="Names people use for countries, beside ISO 3166's own"
    )


class CountriesFile(Frozen):
    """A KB file of country names; an extension KB's aliases add to the shipped ones."""

    countries: CountriesConfig


class CountryMatch(Frozen):
    """What a written country was read as."""

    written: str
    code: str
    name: str = Field(description="The country's everyday English name")
    note: str = Field(default="", description="Why the name was read so, when not obvious")

    def reading(self) -> str:
        """A sentence for the user when the name needed interpreting; empty when it did not."""
        if not self.note:
            return ""
        return f"{self.written!r} is read as {self.name} ({self.code}): {self.note}"


class UnknownCountryError(ValueError):
    """A written country that is neither an ISO 3166 code or name nor a known alias."""

    def __init__(self, written: str, suggestions: Iterable[tuple[str, str]]) -> None:
        self.written = written
        self.suggestions = tuple(suggestions)
        shown = written if len(written) <= 60 else written[:57] + "..."
        self.what = f"unknown country {shown!r}"
        offered = " or ".join(f"{name} ({code})" for name, code in self.suggestions)
        advice = f"did you mean {offered}?" if offered else HOW_TO_WRITE
        self.advice = advice[0].upper() + advice[1:] + ("" if offered else ".")
        """The same advice as a sentence of its own, for a hint."""
        super().__init__(f"{self.what}; {advice}")


@cache
def _iso_index() -> dict[str, tuple[str, str, str]]:
    """ISO 3166's codes and names by normalized name: (everyday name, code, no note)."""
    index: dict[str, tuple[str, str, str]] = {}
    for country in iso_countries():
        names = [order for name in _iso_names(country) for order in _word_orders(name)]
        codes = (country["alpha_2"], country["alpha_3"], country["numeric"])
        for written in (*codes, *names):
            index.setdefault(normalized(written), (_iso_names(country)[0], country["alpha_2"], ""))
    return index


class CountryResolver:
    """Reads countries as people write them: ISO codes and names, and the given aliases."""

    def __init__(self, aliases: Iterable[CountryAlias] = ()) -> None:
        self.aliases = tuple(aliases)
        # normalized name -> (the name to offer for it, code, note); an alias offers itself
        # ("did you mean Russia?" for "Rusia", not "Russian Federation")
        self._alias_names = {
            normalized(alias.name): (alias.name, alias.country, alias.note)
            for alias in self.aliases
        }
        self._every_name: dict[str, tuple[str, str, str]] | None = None

    @property
    def _names(self) -> dict[str, tuple[str, str, str]]:
        """Every name known: ISO 3166's, and the aliases, which win."""
        if self._every_name is None:
            self._every_name = {**_iso_index(), **self._alias_names}
        return self._every_name

    def _find(self, name: str) -> tuple[str, str, str] | None:
        # Most scenarios write ISO codes; only codes have two letters in ISO 3166 (a test
        # checks), so one is looked up alone, without indexing every name of every country.
        found = self._alias_names.get(name)
        if found is not None or self._every_name is not None:
            return found or self._names.get(name)
        if len(name) == 2 and name.isascii() and name.isalpha():
            country = iso_countries().get(name)
            return None if country is None else (_iso_names(country)[0], country["alpha_2"], "")
        return self._names.get(name)

    def match(self, text: object) -> CountryMatch:
        """What ``text`` names; :class:`UnknownCountryError` with suggestions if nothing."""
        written, (_, code, note) = self._read(text)
        return CountryMatch(written=written, code=code, name=display_name(code), note=note)

    def code(self, text: object) -> str:
        """The ISO 3166-1 alpha-2 code of a written country (see :meth:`match`)."""
        # Every country field of every scenario is read here: no CountryMatch is made for it.
        return self._read(text)[1][1]

    def _read(self, text: object) -> tuple[str, tuple[str, str, str]]:
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"expected a country: {HOW_TO_WRITE}")
        written = text.strip()
        found = self._find(normalized(written))
        if found is None:
            raise UnknownCountryError(written, self.suggestions(written))
        return written, found

    def suggestions(self, text: str) -> list[tuple[str, str]]:
        """(name, code) of the countries ``text`` most likely meant, best first, at most
        three: close spellings of any known name, else countries whose names contain it."""
        wanted = normalized(text)
        if not wanted or len(wanted) > 100:
            return []
        # Codes are left out: two or three letters are close to too many others.
        names = [name for name in self._names if len(name) > 3]
        import difflib  # noqa: PLC0415 - only an unknown country needs it, not every start

        close = difflib.get_close_matches(wanted, names, n=10, cutoff=_CLOSE_ENOUGH)
        found = _distinct((self._names[name][0], self._names[name][1]) for name in close)
        if found or len(wanted) < 4:
            return found
        return self._containing(wanted)

    def _containing(self, wanted: str) -> list[tuple[str, str]]:
        """Countries a partial name belongs to ("Macedonia", "Korea, Republic"), by pycountry's
        fuzzy search, keeping only those whose own names contain it (the search also matches
        provinces: "Georgia" would bring in the United States)."""
        import pycountry  # noqa: PLC0415 - only a name nothing is close to needs its search

        try:
            ranked = [dict(country) for country in pycountry.countries.search_fuzzy(wanted)]
        except LookupError:
            return []
        pattern = re.compile(rf"\b{re.escape(wanted)}")
        kept = [
            (_iso_names(country)[0], country["alpha_2"])
            for country in ranked
            if any(pattern.search(normalized(name)) for name in _iso_names(country))
        ]
        return kept[:_MAX_SUGGESTIONS] if len(kept) <= _MAX_SUGGESTIONS else []


def _distinct(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The first name offered for each country, at most :data:`_MAX_SUGGESTIONS` countries."""
    seen: dict[str, tuple[str, str]] = {}
    for name, code in pairs:
        seen.setdefault(code, (name, code))
    return list(seen.values())[:_MAX_SUGGESTIONS]


@cache
def iso_only() -> CountryResolver:
    """The resolver used where no knowledge base's aliases are given."""
    return CountryResolver()
