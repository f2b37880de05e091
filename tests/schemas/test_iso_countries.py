"""ISO 3166's table answered without pycountry (engine/schemas/iso_countries.py) gives exactly
pycountry's answers: every code and name of every country, every shipped alias, hostile text;
and a resolver reading a kept copy of the table reads and suggests as one reading pycountry."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st
from synergy_compass.engine.load.scenario import shipped_countries
from synergy_compass.engine.schemas import countries as countries_module
from synergy_compass.engine.schemas import iso_countries as iso_module
from synergy_compass.engine.schemas.countries import (
    CountryResolver,
    UnknownCountryError,
    display_name,
    is_iso_code,
    iso_name,
)
from synergy_compass.engine.schemas.iso_countries import (
    IsoCountries,
    pycountry_rows,
    valid_rows,
)

# The table as a kept copy gives it back: through JSON, as the product cache stores it.
KEPT = IsoCountries(json.loads(json.dumps(pycountry_rows())))
ALIASES = [alias.name for alias in shipped_countries().aliases]
HOSTILE = [
    "",
    " ",
    "jp ",
    "J P",
    "JP\x00",
    "\uff4a\uff50",  # fullwidth letters
    "İstanbul",
    "ß",
    "korea, republic of",
    "🇯🇵",
    "392",
    "0392",
    "jpn",
    "JPN",
    "united states",
    "the netherlands",
    "x" * 500,
    "\u0301",
]
EVERY_VALUE = sorted(
    {value for country in pycountry.countries for _field, value in country}
    | {value.upper() for country in pycountry.countries for _field, value in country}
)


def _pycountry_lookup(value: str) -> str | None:
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


def _pycountry_get(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    return None if country is None else str(country.alpha_2)


def _kept_lookup(value: str) -> str | None:
    found = KEPT.lookup(value)
    return None if found is None else found["alpha_2"]


def _kept_get(code: str) -> str | None:
    found = KEPT.get(code)
    return None if found is None else found["alpha_2"]


def test_the_kept_table_holds_every_country_with_every_field_in_order() -> None:
    assert [dict(row) for row in KEPT] == [dict(country) for country in pycountry.countries]
    assert [list(row) for row in KEPT] == [
        [f for f, _v in country] for country in pycountry.countries
    ]


def test_every_code_name_alias_and_hostile_text_is_looked_up_as_pycountry_does() -> None:
    for value in EVERY_VALUE + ALIASES + HOSTILE:
        assert _kept_lookup(value) == _pycountry_lookup(value), value
        assert _kept_get(value) == _pycountry_get(value), value


@given(st.text(max_size=12))
def test_any_text_is_looked_up_as_pycountry_does(value: str) -> None:
    assert _kept_lookup(value) == _pycountry_lookup(value)
    assert _kept_get(value) == _pycountry_get(value)


def test_every_code_has_pycountrys_names() -> None:
    for country in pycountry.countries:
        code = country.alpha_2
        assert iso_name(code) == iso_name(code.lower()) == country.name
        assert display_name(code) == getattr(country, "common_name", country.name)
        assert is_iso_code(code)
        assert is_iso_code(code.lower())


def test_unknown_codes() -> None:
    assert iso_name("XX") is None
    assert not is_iso_code("XX")
    assert not is_iso_code("")
    assert display_name("XX") == "XX"


def _forget_the_table() -> None:
    """What a new process starts with: no table read, no name looked up."""
    iso_module.iso_countries.cache_clear()
    countries_module._iso_index.cache_clear()
    countries_module._iso_code_named.cache_clear()


@pytest.fixture
def from_kept_copy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This test's resolvers read the table from a kept copy, not from pycountry."""
    monkeypatch.setattr(
        iso_module._Source, "rows", lambda: json.loads(json.dumps(pycountry_rows()))
    )
    _forget_the_table()
    yield
    _forget_the_table()


def _reading(resolver: CountryResolver, text: str) -> object:
    try:
        return resolver.match(text)
    except (UnknownCountryError, ValueError) as error:
        return str(error)


@pytest.mark.usefixtures("from_kept_copy")
@pytest.mark.parametrize(
    "text",
    [
        *ALIASES,
        *HOSTILE,
        "Germny",
        "Rusia",
        "Macedonia",
        "Korea, Republic",
        "Georgia",
        "Nigera",
        "Holand",
        "Untied States",
        "Congo",
        "Guinea",
        "Virgin",
        "Saint",
    ],
)
def test_a_resolver_on_a_kept_copy_reads_and_suggests_as_on_pycountry(text: str) -> None:
    kept = _reading(CountryResolver(shipped_countries().aliases), text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(iso_module._Source, "rows", pycountry_rows)
        _forget_the_table()
        assert _reading(CountryResolver(shipped_countries().aliases), text) == kept


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        [{}],
        [{"alpha_2": "JP"}],
        [["JP"]],
        [{"alpha_2": "JP", "alpha_3": "JPN", "numeric": "392", "name": 3}],
        "rows",
    ],
)
def test_a_damaged_copy_is_not_taken_for_the_table(data: object) -> None:
    assert valid_rows(data) is None
