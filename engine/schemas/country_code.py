"""The type of every country field: what a user writes ("Japan", "USA", "Holland") read to
its ISO 3166 alpha-2 code. Its own module so the scenario and the profile files share it."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo

from .countries import COUNTRIES_CONTEXT, iso_only


def _country_code(value: object, info: ValidationInfo) -> str:
    """The ISO code of a written country, read by the knowledge base's resolver when the
    loader passes one (its aliases: "Holland", "UK"), else by ISO 3166 alone."""
    resolver = (info.context or {}).get(COUNTRIES_CONTEXT) or iso_only()
    code: str = resolver.code(value)
    return code


CountryCode = Annotated[
    str,
    BeforeValidator(_country_code),
    Field(description="ISO 3166 code (JP, USA), English name (Japan) or common name (Holland)"),
]
