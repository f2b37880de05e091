"""Read a team file (``compass team FILE``): validate it with every problem located, read the
profile files its members name (relative to the team file, never outside its folder), and check
that every position is on a practical scale of the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Problem, did_you_mean
from ..load.personal_profiles import practical_scales, read_profile_file
from ..load.validation_messages import problems_from_validation
from ..load.yaml_source import YamlProblemError, parse_yaml, read_file_bytes
from ..schemas.countries import COUNTRIES_CONTEXT
from ..schemas.document import YamlDocument
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.profiles import ScalePosition
from ..schemas.team import Team, TeamMember


@dataclass(frozen=True)
class ReadTeam:
    """A validated team whose members carry their profile files' positions too, and for each
    member the scales whose position came from their profile file (the rest of their own
    positions were written in the team file)."""

    team: Team
    from_profile: tuple[frozenset[str], ...]
    display_path: str


def read_team_file(path: Path, knowledge_base: KnowledgeBase) -> ReadTeam:
    """The team in the file at ``path``; raise :class:`InputError` with every problem at its
    place (in the team file, or in a profile file for what that file holds)."""
    display = str(path)
    try:
        raw = read_file_bytes(path, display, what="the team file")
    except YamlProblemError as error:
        raise InputError([error.problem]) from error
    return read_team_text(raw, display, path.parent, knowledge_base)


def read_team_text(
    raw: bytes, display: str, folder: Path | None, knowledge_base: KnowledgeBase
) -> ReadTeam:
    """A team file's content read as :func:`read_team_file` reads the file; its profile files
    are read from ``folder`` (None, for text pasted into the workspace: they cannot be)."""
    try:
        document = parse_yaml(raw, display)
    except YamlProblemError as error:
        raise InputError([error.problem]) from error
    if not isinstance(document.data, dict):
        found = type(document.data).__name__
        raise InputError(
            [
                Problem(
                    document.location(()),
                    f"a team file is a mapping with the keys name, purpose and members; found "
                    f"{found}",
                    hint="Start from kb/scenarios/teams/launch-team.yaml.",
                )
            ]
        )
    context = {COUNTRIES_CONTEXT: knowledge_base.countries}
    try:
        team = Team.model_validate(document.data, context=context)
    except ValidationError as error:
        raise InputError(problems_from_validation(error, Team, document)) from error
    problems: list[Problem] = []
    members: list[TeamMember] = []
    from_profile: list[frozenset[str]] = []
    for index, member in enumerate(team.members):
        profile_positions: dict[str, ScalePosition] = {}
        if member.profile is not None:
            try:
                at = document.location(("members", index, "profile"))
                profile_positions = read_profile_file(
                    member.profile, folder, at, knowledge_base.countries, owner="team file"
                ).positions
            except InputError as error:
                problems += error.problems
        merged = {**profile_positions, **member.positions}
        members.append(member.model_copy(update={"positions": merged}))
        from_profile.append(frozenset(profile_positions) - frozenset(member.positions))
    problems += _scale_problems(members, document, knowledge_base)
    problems += _culture_problems(members, document, knowledge_base)
    if problems:
        raise InputError(problems)
    read = team.model_copy(update={"members": tuple(members)})
    return ReadTeam(read, tuple(from_profile), display)


def _scale_problems(
    members: list[TeamMember], document: YamlDocument, knowledge_base: KnowledgeBase
) -> list[Problem]:
    scales = practical_scales(knowledge_base)
    return [
        Problem(
            document.location(("members", index, "positions", scale), key=True),
            f"{scale!r} (member {member.name}, written here or in their profile file) is not "
            "a practical scale of the knowledge base, so no one can be placed on it",
            hint=did_you_mean(scale, scales),
        )
        for index, member in enumerate(members)
        for scale in member.positions
        if scale not in scales
    ]


def _culture_problems(
    members: list[TeamMember], document: YamlDocument, knowledge_base: KnowledgeBase
) -> list[Problem]:
    """A member with no culture profile in the KB can only be drawn from their own positions."""
    return [
        Problem(
            document.location(("members", index, "culture")),
            f"the knowledge base has no culture profile for {member.culture}, and "
            f"{member.name} has no positions of their own",
            hint="Give them a profile file or positions, or a culture `compass countries` lists.",
        )
        for index, member in enumerate(members)
        if member.culture not in knowledge_base.cultures and not member.positions
    ]
