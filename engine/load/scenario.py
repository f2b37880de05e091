"""Read scenarios: validate scenario bytes or a document built by what-if and the interview
into a :class:`Scenario`, every problem located in the document it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..errors import Location, Problem, ScenarioError
from ..schemas.document import YamlDocument
from ..schemas.scenario import Scenario
from .validation_messages import problems_from_validation
from .yaml_source import YamlProblemError, parse_yaml


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the document it came from (for locations and digests)."""

    scenario: Scenario
    document: YamlDocument


def parse_scenario(raw: bytes, display_path: str) -> LoadedScenario:
    """Validate scenario bytes (YAML or JSON); raise :class:`ScenarioError` with locations."""
    try:
        document = parse_yaml(raw, display_path)
    except YamlProblemError as error:
        raise ScenarioError([error.problem]) from error
    return LoadedScenario(validate_scenario(document), document)


def validate_scenario(document: YamlDocument) -> Scenario:
    """The scenario in a document, read from a file or put together by what-if or the
    interview; raise :class:`ScenarioError` with every problem at its place in the document."""
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
    try:
        return Scenario.model_validate(document.data)
    except ValidationError as error:
        raise ScenarioError(problems_from_validation(error, Scenario, document)) from error


def load_scenario(path: Path) -> LoadedScenario:
    """Read and validate a scenario file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(
            [Problem(Location(str(path)), f"cannot read the scenario: {error.strerror}")]
        ) from error
    return parse_scenario(raw, str(path))
