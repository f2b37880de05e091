"""``compass new``: a commented scenario to start from, written from the scenario model itself.

Every field of :class:`engine.schemas.scenario.Scenario` is in the template, in the model's
order, with its description and the values it accepts as comments, so the template follows the
format as it changes. The required fields hold example values and the rest are commented out:
the template loads as it is, and a field is used by removing the ``# `` in front of it.

``compass new NAME`` gives a shipped example scenario instead (``compass new --list``), so that
someone with only the installed package, and no checkout, can start from a worked case.
"""

from __future__ import annotations

import datetime
import textwrap
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..errors import Location, Problem, ScenarioError, did_you_mean
from ..load.discovery import SCENARIO_DIRECTORY, default_kb_root
from ..load.yaml_source import read_yaml
from ..schemas.scenario import Scenario

WIDTH = 88

# The values the required fields start with: a template that loads, on a pair of cultures the
# shipped knowledge base knows well. Every other field starts commented out.
_EXAMPLES: dict[tuple[str, ...], str] = {
    ("title",): "Describe the case in one line",
    ("we", "culture"): "US",
    ("they", "culture"): "JP",
    ("goal", "kind"): "win_first_deal",
    # A person's own positions: the shapes are not plain values, so each gets an example.
    ("we", "people", "profile"): "profiles/our-lead.yaml",
    ("we", "people", "positions"): "{communicating: {position: 40, band: 10}}",
    ("we", "people", "observed", "scale"): "disagreeing",
    ("we", "people", "observed", "position"): "20",
    ("we", "people", "observed", "band"): "15",
    ("we", "people", "observed", "seen"): "disagreed openly with their director",
    ("they", "people", "observed", "scale"): "disagreeing",
    ("they", "people", "observed", "position"): "20",
    ("they", "people", "observed", "band"): "15",
    ("they", "people", "observed", "seen"): "disagreed openly with their director",
}

_HEADER = """\
# A Synergy Compass scenario, written by `compass new`.
#
# Only title, we.culture, they.culture and one goal are required; everything else makes
# the advice fit the case better. A line that starts with '# name:' is a field left out:
# remove the '# ' in front of it (and of the lines under it) to use it, or delete what
# you do not know. Countries are ISO 3166 codes (JP, USA) or English names (Japan).
# Check the file with `compass advise FILE`; `compass kb schema scenario` gives its JSON
# Schema, with which an editor completes the values.
"""


@dataclass(frozen=True)
class _Kind:
    """What a field holds, with the wrappers (optional, list, Annotated) taken off."""

    inner: Any
    is_list: bool
    is_country: bool


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata += extra
    return annotation, metadata


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            return options[0]
    return annotation


def _names_a_country(metadata: list[Any]) -> bool:
    # A country field is a string checked by the scenario's country resolver.
    return any(
        "country" in getattr(getattr(item, "func", None), "__name__", "") for item in metadata
    )


def _kind_of(info: FieldInfo) -> _Kind:
    annotation, metadata = _strip_annotated(_without_none(info.annotation))
    metadata += list(info.metadata)
    annotation, more = _strip_annotated(_without_none(annotation))
    metadata += more
    is_list = typing.get_origin(annotation) in (tuple, list)
    if is_list:
        annotation, more = _strip_annotated(typing.get_args(annotation)[0])
        metadata += more
    return _Kind(annotation, is_list, _names_a_country(metadata))


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Enum)


def _comment(text: str, indent: int, hanging: int = 0) -> list[str]:
    prefix = " " * indent + "# "
    return textwrap.wrap(
        text, WIDTH, initial_indent=prefix, subsequent_indent=prefix + " " * hanging
    )


def _sentence(text: str) -> str:
    """The first paragraph of a docstring or description, on one line, ending in a stop."""
    return " ".join(text.strip().split("\n\n")[0].split()).rstrip(".") + "."


def _allowed(info: FieldInfo, kind: _Kind) -> list[str]:
    """The values an enum field takes, each with its meaning when the model gives one."""
    if not _is_enum(kind.inner):
        return []
    values = [member.value for member in kind.inner]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    meanings = extra.get("enumDescriptions")
    if isinstance(meanings, list) and len(meanings) == len(values):
        return [f"  {value} — {meaning}" for value, meaning in zip(values, meanings, strict=True)]
    return ["One of: " + ", ".join(values) + "."]


def _about(info: FieldInfo, kind: _Kind) -> list[str]:
    """What a field is for, whether it is required and what it takes, as sentences."""
    parts = ["(required)"] if info.is_required() else []
    # A field without a description of its own is described by the type it holds.
    described_type = _is_enum(kind.inner) or (_is_model(kind.inner) and kind.inner is not Scenario)
    own_doc = kind.inner.__doc__ if described_type else None
    description = info.description or own_doc or ""
    if description:
        parts.append(_sentence(description))
    if kind.is_country:
        parts.append("A country: ISO 3166 code or English name.")
    if kind.is_list and not _is_model(kind.inner):
        parts.append("A list: [a, b].")
    if kind.inner is datetime.date:
        parts.append("A date: YYYY-MM-DD.")
    return [" ".join(parts)] if parts else []


# What an optional field with no default worth showing is shown with, by the type it holds.
_PLACEHOLDERS: dict[Any, str] = {datetime.date: "2027-01-15", int: "0", bool: "false"}


def _scalar(path: tuple[str, ...], info: FieldInfo, kind: _Kind) -> str:
    """The value a field is shown with: an example, its default, or a placeholder."""
    default = info.get_default(call_default_factory=True)
    if path in _EXAMPLES:
        shown = _EXAMPLES[path]
    elif kind.is_list:
        shown = "[]"
    elif isinstance(default, Enum | bool):
        shown = str(default.value) if isinstance(default, Enum) else str(default).lower()
    elif _is_enum(kind.inner):
        shown = str(next(iter(kind.inner)).value)
    elif kind.is_country:
        shown = "JP"
    else:
        shown = _PLACEHOLDERS.get(kind.inner, '""')
    return shown


def _fields(model: type[BaseModel], path: tuple[str, ...], indent: int) -> Iterator[str]:
    for name, info in model.model_fields.items():
        yield from _field(name, info, (*path, name), indent)


def _field(name: str, info: FieldInfo, path: tuple[str, ...], indent: int) -> Iterator[str]:
    kind = _kind_of(info)
    lines: list[str] = []
    for sentence in _about(info, kind):
        lines += _comment(sentence, indent)
    for value in _allowed(info, kind):
        lines += _comment(value, indent, hanging=4)
    if _is_model(kind.inner):
        body = list(_fields(kind.inner, path, indent + 2 + (2 if kind.is_list else 0)))
        if kind.is_list:
            body = _as_list_item(body, indent + 2)
        block = [" " * indent + f"{name}:", *body]
    else:
        block = [" " * indent + f"{name}: {_scalar(path, info, kind)}"]
    yield from lines
    yield from block if info.is_required() else _commented_out(block, indent)


def _as_list_item(body: list[str], indent: int) -> list[str]:
    """The lines of one mapping as the first item of a list: '- ' before its first field."""
    for position, line in enumerate(body):
        stripped = line.lstrip()
        if not stripped.startswith("#"):
            body[position] = " " * indent + "- " + stripped
            break
        body[position] = " " * indent + stripped
    return body


def _commented_out(block: list[str], indent: int) -> list[str]:
    """Fields left out: '# ' at the field's own indentation, so that removing it is enough
    (comments inside stay as they are, and so do the fields inside that are left out too)."""
    return [
        line if line.lstrip().startswith("#") else " " * indent + "# " + line[indent:]
        for line in block
    ]


def scenario_template() -> str:
    """A scenario with every field described, the required ones filled in with examples."""
    lines = _HEADER.splitlines()
    for name, info in Scenario.model_fields.items():
        lines.append("")
        lines.extend(_field(name, info, (name,), 0))
    return "\n".join(lines) + "\n"


def _examples_folder() -> Path:
    return default_kb_root() / SCENARIO_DIRECTORY


def example_scenarios() -> list[tuple[str, str]]:
    """(name, title) of every shipped example scenario, by name."""
    found = []
    for path in sorted(_examples_folder().glob("*.yaml")):
        data = read_yaml(path, str(path)).data
        title = data.get("title", "") if isinstance(data, dict) else ""
        found.append((path.stem, str(title)))
    return found


def example_scenario(name: str) -> str:
    """The text of a shipped example scenario, comments and all."""
    names = [stem for stem, _title in example_scenarios()]
    stem = name.removesuffix(".yaml")
    if stem not in names:
        raise ScenarioError(
            [
                Problem(
                    Location(name),
                    "there is no shipped example scenario by this name",
                    hint=(did_you_mean(stem, names) + " `compass new --list` lists them.").strip(),
                )
            ]
        )
    return (_examples_folder() / f"{stem}.yaml").read_text(encoding="utf-8")
