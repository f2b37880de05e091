"""A team file: the people of one team, each by culture and, where known, by their own
positions on the practical scales (a profile file written by ``compass profile``, or positions
written here). ``compass team`` places them all on every practical scale at once."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Frozen
from .country_code import CountryCode
from .profiles import ScalePosition

TEAM_FORMAT_VERSION = 1
MOST_MEMBERS = 40
"""Beyond this a scale's line is a smear of marks, not a map of people."""


class TeamMember(Frozen):
    """One person of the team; without positions of their own, their culture's scores stand for
    them (and are labelled as such)."""

    name: str = Field(min_length=1, max_length=120, description="How the team calls them")
    culture: CountryCode = Field(description="The culture they grew up or mostly worked in")
    role: str = Field(default="", max_length=120, description="Their part in the team")
    profile: str | None = Field(
        default=None,
        max_length=500,
        description="A profile file written by `compass profile`, relative to the team file "
        "and inside its folder",
    )
    positions: dict[str, ScalePosition] = Field(
        default_factory=dict,
        description="Scale id to position and band, as a profile file holds them; these win "
        "over the profile file's for the same scale",
    )


class Team(Frozen):
    """The content of a team file."""

    version: int = Field(default=TEAM_FORMAT_VERSION, ge=1, le=TEAM_FORMAT_VERSION)
    name: str = Field(min_length=1, max_length=200, description="The team's name")
    purpose: str = Field(default="", max_length=1000, description="What the team is for")
    members: tuple[TeamMember, ...] = Field(min_length=2, max_length=MOST_MEMBERS)

    @model_validator(mode="after")
    def _names_tell_members_apart(self) -> Team:
        # The map and the gaps name people: two members of one name could not be told apart.
        seen: set[str] = set()
        for member in self.members:
            key = member.name.casefold().strip()
            if key in seen:
                raise ValueError(
                    f"two members are called {member.name!r}: add a surname or an initial"
                )
            seen.add(key)
        return self
