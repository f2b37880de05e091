"""A person placed on the knowledge base's practical scales: by their own answers to the
questionnaire (a profile file that ``compass profile`` writes) or by what was seen of them (a
position written in the scenario). What we know of the people who actually meet beats what
their country's profile says about most of their compatriots (DESIGN.md §4b), so these
positions carry how they were obtained and how sure they are.
"""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from .base import Frozen
from .country_code import CountryCode

PROFILE_FORMAT_VERSION = 1
"""The version of the profile file format written by ``compass profile``."""

SCALE_MINIMUM = 0.0
SCALE_MAXIMUM = 100.0
WIDEST_BAND = 50.0
"""A band this wide or wider says the position is not known at all; none may be wider."""

PRACTICAL_FRAMEWORK = "The Culture Map (Meyer)"
"""The framework of the practical scales, the dimensions a person can be placed on: they
describe how people work (give feedback, decide, schedule); Hofstede's and GLOBE's scores
describe societies' averages, not any one person."""


class PositionBasis(StrEnum):
    """How a person's position on a scale was obtained, from the strongest evidence down."""

    observed = "observed"
    """Seen of this person in this relationship (written in the scenario, with what was seen)."""
    self_assessed = "self-assessed"
    """The person's own answers to the questionnaire."""
    national = "national"
    """No personal position: the country's profile, as for anyone from that country."""


class ScalePosition(Frozen):
    """Where one person stands on one practical scale (0 to 100, the scale's own poles), give or
    take ``band`` either way."""

    position: float = Field(ge=SCALE_MINIMUM, le=SCALE_MAXIMUM, description="0 to 100")
    band: float = Field(
        ge=0,
        le=WIDEST_BAND,
        description="How far either side of the position the person may really stand",
    )


class PersonalProfile(Frozen):
    """The content of a profile file: one person on the practical scales they answered for."""

    version: int = Field(default=PROFILE_FORMAT_VERSION, ge=1, le=PROFILE_FORMAT_VERSION)
    name: str = Field(default="", max_length=200, description="Whose profile this is")
    culture: CountryCode | None = Field(
        default=None, description="The culture they grew up or mostly worked in"
    )
    assessed_on: datetime.date | None = Field(default=None, description="When they answered")
    questionnaire: str = Field(
        max_length=100, description="The questionnaire's id and version that placed them"
    )
    sureness: float = Field(
        ge=0,
        le=1,
        description="How sure they said they were of their answers (0 not at all, 1 entirely); "
        "it widens or narrows every band",
    )
    positions: dict[str, ScalePosition] = Field(
        description="Scale id (a practical dimension of the KB) to the position on it"
    )

    @model_validator(mode="after")
    def _some_position(self) -> "PersonalProfile":
        if not self.positions:
            raise ValueError("a profile places the person on at least one scale")
        return self


class ObservedPosition(Frozen):
    """A person placed on one scale from what was seen of them (on their side, or ours): the
    observation is the position's origin, and what the explanation quotes."""

    scale: str = Field(description="A practical dimension of the KB, e.g. disagreeing")
    position: float = Field(
        ge=SCALE_MINIMUM,
        le=SCALE_MAXIMUM,
        description="0 to 100 on the scale's own poles (0 is the low pole)",
    )
    band: float = Field(
        default=15.0,
        ge=0,
        le=WIDEST_BAND,
        description="How far either side they may really stand (one observation: wide)",
    )
    seen: str = Field(
        min_length=1,
        max_length=500,
        description="What was seen, in your words: 'she disagreed openly in front of her boss'",
    )
