"""Read scenarios: validate scenario bytes or a document built by what-if and the interview
into a :class:`Scenario`, every problem located in the document it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from ..errors import KnowledgeBaseError, Problem, ScenarioError
from ..schemas.countries import COUNTRIES_CONTEXT, CountriesFile, CountryResolver
from ..schemas.document import YamlDocument
from ..schemas.scenario import Scenario
from .discovery import default_kb_root
from .personal_profiles import with_profiles
from .validation_messages import problems_from_validation
from .yaml_source import (
    YamlProblemError,
    parse_yaml,
    read_file_bytes,
    read_stream_bytes,
    read_yaml,
)

SHIPPED_COUNTRIES_FILE = "countries.yaml"


@cache
def shipped_countries() -> CountryResolver:
    """Countries as people write them, with the shipped KB's aliases: what a scenario is read
    with when no KB is named (this one small file, not the whole KB, which costs far more)."""
    try:
        document = read_yaml(default_kb_root() / SHIPPED_COUNTRIES_FILE, SHIPPED_COUNTRIES_FILE)
        aliases = CountriesFile.model_validate(document.data).countries.aliases
    except YamlProblemError as error:
        raise KnowledgeBaseError([error.problem]) from error
    except ValidationError as error:
        raise KnowledgeBaseError(
            problems_from_validation(error, CountriesFile, document)
        ) from error
    return CountryResolver(aliases)


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the document it came from (for locations and digests)."""

    scenario: Scenario
    document: YamlDocument
    folder: Path | None = None
    """Where the profile files it names were read from: the scenario file's folder, None for
    a scenario from no file (the web form), whose profile files cannot be named."""


def parse_scenario(
    raw: bytes,
    display_path: str,
    countries: CountryResolver | None = None,
    folder: Path | None = None,
) -> LoadedScenario:
    """Validate scenario bytes (YAML or JSON); raise :class:`ScenarioError` with locations.
    Profile files named by our people are read from ``folder`` (none: they cannot be)."""
    try:
        document = parse_yaml(raw, display_path)
    except YamlProblemError as error:
        raise ScenarioError([error.problem]) from error
    return LoadedScenario(validate_scenario(document, countries, folder), document, folder)


def validate_scenario(
    document: YamlDocument, countries: CountryResolver | None = None, folder: Path | None = None
) -> Scenario:
    """The scenario in a document, read from a file or put together by what-if or the
    interview; raise :class:`ScenarioError` with every problem at its place in the document.

    Countries are read with ``countries`` (the KB's resolver, :attr:`KnowledgeBase.countries`),
    by default with the shipped KB's aliases. Profile files named by our people are read from
    ``folder``, the scenario file's folder (none: they cannot be)."""
    if not isinstance(document.data, dict):
        raise ScenarioError(
            [
                Problem(
                    document.location(()),
                    "a scenario is a mapping with the "
                    f"keys title, we, they, goal...; found "
                    f"{type(document.data).__name__}",
                )
            ]
        )
    resolver = countries or shipped_countries()
    try:
        scenario = Scenario.model_validate(document.data, context={COUNTRIES_CONTEXT: resolver})
    except ValidationError as error:
        raise ScenarioError(problems_from_validation(error, Scenario, document)) from error
    return with_profiles(scenario, document, folder, resolver)


def load_scenario(path: Path, countries: CountryResolver | None = None) -> LoadedScenario:
    """Read and validate a scenario file (countries as :func:`validate_scenario` reads them)."""
    return parse_scenario(read_scenario_file(path), str(path), countries, path.parent)


def read_scenario_file(path: Path) -> bytes:
    """A scenario file's bytes; a device, pipe or folder, or a file over the size limit, is
    refused (:class:`ScenarioError`) before it is read."""
    try:
        return read_file_bytes(path, str(path), what="the scenario")
    except YamlProblemError as error:
        raise ScenarioError([error.problem]) from error


def read_scenario_stream(stream: BinaryIO, display_path: str) -> bytes:
    """A scenario's bytes from a stream (standard input), reading no more than the size limit
    allows: ``/dev/zero`` piped in is refused (:class:`ScenarioError`), not read forever."""
    try:
        return read_stream_bytes(stream, display_path)
    except YamlProblemError as error:
        raise ScenarioError([error.problem]) from error
