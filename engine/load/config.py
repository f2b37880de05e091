"""The user's config file: where it is, reading it (TOML) into a checked model, and which
setting comes from where once the environment and the command line have had their say.

The file is ``config.toml`` in the user's config directory (``$COMPASS_CONFIG`` names another
file, as the tests do). A missing file means every default; a file that does not read or does
not match :class:`engine.schemas.config.ConfigFile` is an input error placed at its line, with
did-you-mean for a misspelt key, because a setting silently ignored is worse than none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ConfigError, Location, Problem
from ..schemas.config import (
    ConfigFile,
    EffectiveSettings,
    ReportDefaults,
    Setting,
    SettingSource,
)
from ..schemas.document import PathKey, YamlDocument
from .config_location import config_path
from .validation_messages import problems_from_validation
from .yaml_source import YamlProblemError, read_file_bytes

_TABLE = re.compile(r"\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY = re.compile(r"(\s*)([A-Za-z0-9_-]+)\s*=\s*")
_TOML_POSITION = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True)
class LoadedConfig:
    path: Path
    exists: bool
    # made without validation: a run with no config file then builds no config schema
    config: ConfigFile = field(default_factory=ConfigFile.model_construct)
    keys: frozenset[str] = frozenset()
    """The settings the file itself sets, as dotted keys (``report.logo``)."""


def _positions(text: str, display_path: str) -> YamlDocument:
    """Where each table and key of a simple TOML file is, for messages placed at a line
    (tomllib gives values only; dotted keys and inline tables fall back to their table)."""
    keys: dict[PathKey, tuple[int, int]] = {}
    values: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
    table: PathKey = ()
    for number, line in enumerate(text.splitlines(), 1):
        if header := _TABLE.match(line):
            table = tuple(header.group(1).split("."))
            keys[table] = values[table] = (number, header.start(1) + 1)
        elif key := _KEY.match(line):
            keys[(*table, key.group(2))] = (number, len(key.group(1)) + 1)
            values[(*table, key.group(2))] = (number, key.end() + 1)
    return YamlDocument({}, display_path, values, keys)


def _dotted(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in data.items():
        if isinstance(value, dict):
            keys += _dotted(value, f"{prefix}{key}.")
        else:
            keys.append(prefix + key)
    return keys


def _from_folder(path: Path, folder: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else folder / path


def _resolved(config: ConfigFile, folder: Path) -> ConfigFile:
    """Relative paths read from the config file's folder, whatever the working directory."""
    logo = config.report.logo
    return config.model_copy(
        update={
            "kb": tuple(_from_folder(path, folder) for path in config.kb),
            "audit_db": config.audit_db and _from_folder(config.audit_db, folder),
            "report": config.report.model_copy(
                update={"logo": logo and _from_folder(logo, folder)}
            ),
        }
    )


def read_config(path: Path | None = None) -> LoadedConfig:
    """The config file at ``path`` (default :func:`config_path`), checked; empty if missing."""
    path = path or config_path()
    shown = str(path)
    if not path.exists():
        return LoadedConfig(path, exists=False)
    import tomllib  # noqa: PLC0415 - most users have no config file: no command imports it then

    try:
        # Bounded like every input: COMPASS_CONFIG=/dev/zero is refused, not read forever.
        text = read_file_bytes(path, shown, what="the config file").decode("utf-8")
    except YamlProblemError as error:
        raise ConfigError([error.problem]) from error
    except UnicodeDecodeError as error:
        raise ConfigError(
            [Problem(Location(shown), "cannot read the config file: it is not UTF-8 text")]
        ) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_POSITION.match(str(error))
        message, line, column = (
            (found.group(1), int(found.group(2)), int(found.group(3)))
            if found
            else (str(error), 0, 0)
        )
        raise ConfigError(
            [
                Problem(
                    Location(shown, line, column),
                    f"this is not valid TOML: {message[:1].lower()}{message[1:]}",
                    hint="See the config file's example in the README.",
                )
            ]
        ) from error
    document = _positions(text, shown)
    try:
        config = ConfigFile.model_validate(data)
    except ValidationError as error:
        document = YamlDocument(data, shown, document.value_positions, document.key_positions)
        raise ConfigError(problems_from_validation(error, ConfigFile, document)) from error
    config = _resolved(config, path.parent)
    logo = config.report.logo
    if logo is not None and not logo.is_file():
        raise ConfigError(
            [
                Problem(
                    document.location(("report", "logo")),
                    f"there is no logo file at {logo}",
                    "report.logo",
                    "A relative path is read from the config file's folder.",
                )
            ]
        )
    return LoadedConfig(path, True, config, frozenset(_dotted(data)))


def file_values(loaded: LoadedConfig) -> dict[str, str]:
    """The settings the file sets, by dotted key, as text."""
    data = loaded.config.model_dump(mode="json")
    values: dict[str, str] = {}
    for key in loaded.keys:
        value: Any = data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        values[key] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return values


def settings_in_effect(
    loaded: LoadedConfig,
    shipped_kb: Path,
    audit_database: tuple[str, Path],
    command_line: Mapping[str, tuple[str, str]],
) -> EffectiveSettings:
    """Every setting with the value in effect and where it came from: the command line, then
    an environment variable, then the config file, then the default. ``audit_database`` is the
    audit's environment variable and the path it uses without one; ``command_line`` maps a
    setting to the option that set it and its value."""
    variable, default_audit = audit_database
    defaults = {
        "kb": f"{shipped_kb} (the shipped knowledge base)",
        "audit_db": str(default_audit),
        "format": "text",
        **{f"report.{name}": "" for name in ReportDefaults.model_fields},
    }
    environment = {"audit_db": (variable, os.environ[variable])} if os.environ.get(variable) else {}
    in_file = file_values(loaded)
    settings = []
    for key, default in defaults.items():
        source: SettingSource
        if key in command_line:
            (where, value), source = command_line[key], "command line"
        elif key in environment:
            (where, value), source = environment[key], "environment variable"
        elif key in in_file:
            where, value, source = str(loaded.path), in_file[key], "config file"
        else:
            where, value, source = "", default, "default"
        settings.append(Setting(name=key, value=value, source=source, where=where))
    return EffectiveSettings(
        config_file=str(loaded.path), config_file_exists=loaded.exists, settings=tuple(settings)
    )
