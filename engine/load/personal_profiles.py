"""Read the profile files a scenario names for the people on our side, and check the scales of
every personal position against the knowledge base.

A profile file is read once, when the scenario is read: its positions are added to the
person's ``positions`` (those written in the scenario win), so the validated scenario carries
everything a run needs. An audit record, a replay or a batch row then never goes back to a file
that may have changed or gone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Location, Problem, ScenarioError, did_you_mean, shorten
from ..schemas.countries import COUNTRIES_CONTEXT, CountryResolver
from ..schemas.document import YamlDocument
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.profiles import PRACTICAL_FRAMEWORK, SCALE_MAXIMUM, SCALE_MINIMUM, PersonalProfile
from ..schemas.scenario import OurPerson, Scenario
from .validation_messages import problems_from_validation
from .yaml_source import YamlProblemError, parse_yaml, read_file_bytes


def with_profiles(
    scenario: Scenario,
    document: YamlDocument,
    folder: Path | None,
    countries: CountryResolver,
) -> Scenario:
    """The scenario with each ``we.people[].profile`` file's positions added to that person's
    positions; raise :class:`ScenarioError` with every problem located (in the scenario for a
    path that cannot be read, in the profile file for what it holds).

    ``folder`` is the scenario file's folder; None when the scenario has no file (the web
    form), where a profile file cannot be named."""
    if not any(person.profile for person in scenario.we.people):
        return scenario
    problems: list[Problem] = []
    people: list[OurPerson] = []
    for index, person in enumerate(scenario.we.people):
        if person.profile is None:
            people.append(person)
            continue
        at = document.location(("we", "people", index, "profile"))
        try:
            profile = read_profile_file(person.profile, folder, at, countries, owner="scenario")
        except InputError as error:
            problems += error.problems
            people.append(person)
            continue
        merged = {**profile.positions, **person.positions}
        people.append(person.model_copy(update={"positions": merged}))
    if problems:
        raise ScenarioError(problems)
    we = scenario.we.model_copy(update={"people": tuple(people)})
    return scenario.model_copy(update={"we": we})


def read_profile_file(
    written: str, folder: Path | None, at: Location, countries: CountryResolver, *, owner: str
) -> PersonalProfile:
    """The profile file a scenario or team file names at ``at`` (``written``, relative to
    ``folder``, the folder of the ``owner`` file: "scenario", "team file"); raise
    :class:`InputError` located there for a path that cannot be read, and in the profile file
    for what it holds. A path outside ``folder`` is refused, so a file handed over by someone
    else cannot make us read (and quote) any file we can read."""
    if folder is None:
        message = (
            f"the profile file {written!r} cannot be read: this {owner} has no folder of its "
            "own (it was not read from a file)"
        )
        hint = "Write the positions under `positions:` instead, as the profile file holds them."
        raise InputError([Problem(at, message, hint=hint)])
    how_to_name = (
        f"Write the path of a profile file beside the {owner} or in a folder below it, for "
        "example profiles/allen.yaml (`compass profile` writes one)."
    )
    relative = Path(written)
    path = (folder / relative).resolve()
    base = folder.resolve()
    if relative.is_absolute() or not path.is_relative_to(base):
        message = f"the profile file {written!r} is outside the {owner}'s folder {base}"
        raise InputError([Problem(at, message, hint=how_to_name)])
    try:
        raw = read_file_bytes(path, str(path), what="the profile file")
        profile_document = parse_yaml(raw, str(path))
    except YamlProblemError as error:
        message = f"the profile file {written!r} cannot be read: {error.problem.message}"
        hint = error.problem.hint or how_to_name
        raise InputError([Problem(at, message, hint=hint)]) from error
    try:
        return PersonalProfile.model_validate(
            profile_document.data, context={COUNTRIES_CONTEXT: countries}
        )
    except ValidationError as error:
        raise InputError(
            problems_from_validation(error, PersonalProfile, profile_document)
        ) from error


def practical_scales(knowledge_base: KnowledgeBase) -> list[str]:
    """The dimensions a person can be placed on, in the KB's order: the practical framework's
    scales that run from 0 to 100, as positions and questionnaire answers do."""
    return [
        dimension_id
        for dimension_id, located in knowledge_base.dimensions.items()
        if located.value.framework == PRACTICAL_FRAMEWORK
        and (located.value.minimum, located.value.maximum) == (SCALE_MINIMUM, SCALE_MAXIMUM)
    ]


def position_scale_problems(scenario: Scenario, scales: Sequence[str]) -> list[Problem]:
    """A problem for each personal position on a scale that is not one of ``scales``."""
    return [
        Problem(
            Location(f"scenario {path}"),
            f"{shorten(scale)!r} is not a practical scale of the knowledge base, so no one can be "
            "placed on it",
            hint=did_you_mean(scale, scales),
        )
        for path, scale in _position_scales(scenario)
        if scale not in scales
    ]


def _position_scales(scenario: Scenario) -> Iterator[tuple[str, str]]:
    for index, ours in enumerate(scenario.we.people):
        at = f"we.people[{index}]"
        for scale in ours.positions:
            yield f"{at}.positions.{shorten(scale)} (or its profile file)", scale
        for number, seen in enumerate(ours.observed):
            yield f"{at}.observed[{number}].scale", seen.scale
    for index, theirs in enumerate(scenario.they.people):
        for number, seen in enumerate(theirs.observed):
            yield f"they.people[{index}].observed[{number}].scale", seen.scale
