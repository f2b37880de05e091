"""Where the user's config file is: ``$COMPASS_CONFIG``, or ``config.toml`` in the user's
config directory. Apart from :mod:`engine.load.config`, which reads the file into its model,
so that a command can see there is no file without importing that model (most users have none,
and every command asks)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENVIRONMENT_VARIABLE = "COMPASS_CONFIG"
FILE_NAME = "config.toml"


def config_path() -> Path:
    """``$COMPASS_CONFIG``, or ``config.toml`` in the user's config directory."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_config_path("synergy-compass") / FILE_NAME
