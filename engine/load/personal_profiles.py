"""Read the profile files a scenario names for the people on our side, and check the scales of
every personal position against the knowledge base.

A profile file is read once, when the scenario is read: its positions are added to the
person's ``positions`` (those written in the scenario win), so the validated scenario carries
everything a run needs. An audit record, a replay or a batch row then never goes back to a file
that may have changed or gone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from pydantic import ValidationError

from ..errors import Location, Problem, ScenarioError, did_you_mean, shorten
from ..schemas.countries import COUNTRIES_CONTEXT, CountryResolver
from ..schemas.document import YamlDocument
from ..schemas.profiles import PRACTICAL_FRAMEWORK, PersonalProfile
from ..schemas.scenario import OurPerson, Scenario
from .validation_messages import problems_from_validation
from .yaml_source import YamlProblemError, parse_yaml, read_file_bytes

_HOW_TO_WRITE = (
    "Write the path of a file beside the scenario or in a folder below it, for example "
    "profiles/allen.yaml (`compass profile` writes one)."
)


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
            profile = _read_profile(person.profile, folder, at, countries)
        except ScenarioError as error:
            problems += error.problems
            people.append(person)
            continue
        merged = {**profile.positions, **person.positions}
        people.append(person.model_copy(update={"positions": merged}))
    if problems:
        raise ScenarioError(problems)
    we = scenario.we.model_copy(update={"people": tuple(people)})
    return scenario.model_copy(update={"we": we})


def _read_profile(
    written: str, folder: Path | None, at: Location, countries: CountryResolver
) -> PersonalProfile:
    if folder is None:
        raise ScenarioError(
            [
                Problem(
                    at,
                    f"the profile file {written!r} cannot be read: this scenario has no folder "
                    "of its own (it was not read from a file)",
                    hint="Write the positions under `positions:` instead, as the profile file "
                    "holds them.",
                )
            ]
        )
    path = _inside(written, folder, at)
    try:
        raw = read_file_bytes(path, str(path), what="the profile file")
        profile_document = parse_yaml(raw, str(path))
    except YamlProblemError as error:
        raise ScenarioError(
            [
                Problem(
                    at,
                    f"the profile file {written!r} cannot be read: {error.problem.message}",
                    hint=error.problem.hint or _HOW_TO_WRITE,
                )
            ]
        ) from error
    try:
        return PersonalProfile.model_validate(
            profile_document.data, context={COUNTRIES_CONTEXT: countries}
        )
    except ValidationError as error:
        raise ScenarioError(
            problems_from_validation(error, PersonalProfile, profile_document)
        ) from error


def _inside(written: str, folder: Path, at: Location) -> Path:
    """The profile file's path; one outside the scenario's folder is refused, so a scenario
    handed over by someone else cannot make us read (and quote) any file we can read."""
    relative = Path(written)
    resolved = (folder / relative).resolve()
    base = folder.resolve()
    if relative.is_absolute() or not resolved.is_relative_to(base):
        raise ScenarioError(
            [
                Problem(
                    at,
                    f"the profile file {written!r} is outside the scenario's folder {base}",
                    hint=_HOW_TO_WRITE,
                )
            ]
        )
    return resolved


def practical_scales(dimensions: Mapping[str, str]) -> tuple[str, ...]:
    """The scale ids a person can be placed on: the KB's dimensions of the practical framework
    (``dimensions`` maps each dimension id to its framework)."""
    return tuple(
        sorted(dim for dim, framework in dimensions.items() if framework == PRACTICAL_FRAMEWORK)
    )


def position_scale_problems(scenario: Scenario, scales: tuple[str, ...]) -> list[Problem]:
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
