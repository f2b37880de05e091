"""WHAT-IF: apply ``PATH=VALUE`` settings to a scenario's data before it is run again.

Paths are those of the version-2 format (``relationship.we_are``, ``goal[1].kind``,
``parties[0].decides``), and they work on a version-1 file too: its data is first put in the
version-2 shape (:func:`engine.load.scenario_upgrade.upgrade_data`, which keeps its meaning).
``goal.kind`` still names the primary goal, as it did in version 1. An index one past the end
of a list adds an item (``parties[0].kind=their_parent`` on a scenario without parties).

Saying what changed between the two runs, and which rules caused it, is
:mod:`engine.explain.diff`, which audit replay shares.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..errors import Location, Problem, ScenarioError
from ..load.scenario import LoadedScenario, validate_scenario
from ..load.scenario_upgrade import upgrade_data
from ..load.yaml_source import YamlProblemError, parse_yaml
from ..schemas.countries import CountryResolver
from ..schemas.document import YamlDocument

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path(text: str) -> list[str | int]:
    segments: list[str | int] = []
    position = 0
    for match in _SEGMENT.finditer(text):
        if match.start() != position and text[position : match.start()] != ".":
            break
        name, index = match.groups()
        segments.append(int(index) if index is not None else int(name) if name.isdigit() else name)
        position = match.end()
    if not segments or position != len(text):
        raise _SettingError(f"{text!r} is not a field path like they.structure or we_observe[0]")
    if segments[0] == "goal" and len(segments) > 1 and isinstance(segments[1], str):
        segments.insert(1, 0)  # goal.kind: the primary goal, as version 1 wrote it
    return segments


class _SettingError(Exception):
    """A --set option that cannot be applied; the message says why."""


def apply_settings(data: Any, settings: Sequence[str]) -> dict[str, Any]:
    """A copy of scenario data with each ``PATH=VALUE`` applied (VALUE is read as YAML)."""
    result: dict[str, Any] = _copy(data)
    if isinstance(result, dict):
        upgrade_data(result)
    for setting in settings:
        try:
            _apply(result, setting)
        except _SettingError as error:
            raise ScenarioError([Problem(Location(f"--set {setting}"), str(error))]) from error
    return result


def changed_scenario(
    loaded: LoadedScenario, settings: Sequence[str], countries: CountryResolver | None
) -> LoadedScenario:
    """A scenario with each ``PATH=VALUE`` applied, validated again; its messages name the
    changes, since the document has no lines of its own."""
    data = apply_settings(loaded.document.data, settings)
    document = YamlDocument(data, f"{loaded.document.display_path} with {', '.join(settings)}")
    # Profile files, named before or by a setting, are read beside the original file.
    scenario = validate_scenario(document, countries, loaded.folder)
    return LoadedScenario(scenario, document, loaded.folder)


def _apply(data: dict[str, Any], setting: str) -> None:
    path_text, separator, value_text = setting.partition("=")
    if not separator or not value_text.strip():
        raise _SettingError("expected PATH=VALUE, for example they.structure=flat")
    try:
        value = parse_yaml(value_text.encode(), "--set").data
    except YamlProblemError as error:
        raise _SettingError(f"the value cannot be read: {error.problem.message}") from error
    _assign(data, _path(path_text.strip()), value)


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _copy(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_copy(value) for value in data]
    return data


def _assign(data: Any, path: list[str | int], value: Any) -> None:
    target = data
    for position, segment in enumerate(path[:-1]):
        following = path[position + 1]
        if isinstance(segment, int):
            if not isinstance(target, list) or segment > len(target):
                raise _SettingError(f"there is no item {segment} to change")
            if segment == len(target):
                target.append([] if isinstance(following, int) else {})
            target = target[segment]
        else:
            if not isinstance(target, dict):
                raise _SettingError(f"{segment!r} is inside a value that is not a mapping")
            target = target.setdefault(segment, [] if isinstance(following, int) else {})
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(target, list) or last > len(target):
            raise _SettingError(f"there is no item {last} to change")
        if last == len(target):
            target.append(value)
        else:
            target[last] = value
    elif isinstance(target, dict):
        target[last] = value
    else:
        raise _SettingError(f"{last!r} is inside a value that is not a mapping")
