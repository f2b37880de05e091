"""What a YAML file holds once read: plain data and the position of every value and key.

The reading itself (safe loading, limits, positions) is :mod:`engine.load.yaml_source`; this is
the hand-off every later stage uses to place a message at ``path:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Location

PathKey = tuple[str | int, ...]
"""Where a value sits inside a document: mapping keys and list indexes from the top."""


@dataclass(frozen=True)
class YamlDocument:
    """Plain data from one YAML file plus the position of every value and mapping key."""

    data: Any
    display_path: str
    value_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def location(self, path: PathKey, *, key: bool = False) -> Location:
        """The closest known position for ``path``; falls back to its parents."""
        positions = self.key_positions if key else self.value_positions
        probe = tuple(path)
        while probe:
            if probe in positions:
                line, column = positions[probe]
                return Location(self.display_path, line, column)
            if probe in self.value_positions:
                line, column = self.value_positions[probe]
                return Location(self.display_path, line, column)
            probe = probe[:-1]
        line, column = self.value_positions.get((), (1, 1))
        return Location(self.display_path, line, column)


def value_at(data: Any, path: PathKey) -> Any:
    """The value at ``path`` inside plain YAML data, or None where the path leads nowhere."""
    for segment in path:
        if isinstance(data, dict):
            data = data.get(segment)
        elif isinstance(data, list) and isinstance(segment, int) and 0 <= segment < len(data):
            data = data[segment]
        else:
            return None
    return data
