"""The user's config file (TOML) and the settings in effect, each with where it came from."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from .base import Frozen

ReportFormat = Literal["text", "json", "markdown", "html", "pdf"]


class ReportDefaults(Frozen):
    """Who reports are from and for, unless a command's options say otherwise."""

    prepared_by: str = Field(default="", description="your name, on every report")
    firm: str = Field(default="", description="your firm, after your name")
    prepared_for: str = Field(default="", description="the client, when one config serves one")
    logo: Path | None = Field(
        default=None, description="an image file for the report's head (PNG, JPEG, SVG...)"
    )


class ConfigFile(Frozen):
    """What ``config.toml`` may hold; every key is optional and unknown keys are errors.

    Relative paths are read from the config file's own folder, and ``~`` is your home.
    """

    kb: tuple[Path, ...] = Field(
        default=(),
        description="knowledge-base directories to use instead of the shipped one, as --kb",
    )
    audit_db: Path | None = Field(default=None, description="the audit database, as --audit-db")
    format: ReportFormat | None = Field(
        default=None, description="the format of `compass advise` and `compass interview`"
    )
    # Defaults are made without validation, so that defining the model builds no schema.
    report: ReportDefaults = ReportDefaults.model_construct()


SettingSource = Literal["default", "config file", "environment variable", "command line"]


class Setting(Frozen):
    """One setting in effect: its value as text and where it came from."""

    name: str
    value: str
    source: SettingSource
    where: str = Field(
        default="", description="the config file's path, the variable's or the option's name"
    )


class EffectiveSettings(Frozen):
    config_file: str = Field(description="the config file read (or that would be read)")
    config_file_exists: bool
    settings: tuple[Setting, ...]
