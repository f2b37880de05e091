"""Turn pydantic's validation errors into located, readable :class:`Problem` lines.

pydantic reports a location as a tuple of field names and indexes (plus the tags of
discriminated unions); we walk the same tuple through the parsed YAML to find the line and
column, and through the model to offer did-you-mean hints for unknown keys.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ProblemCode, did_you_mean, shorten
from ..schemas.document import PathKey, YamlDocument
from .problem_codes import describe


def _data_path(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """Keep the segments of ``loc`` that exist in ``data`` (drops union tags and aliases)."""
    path: list[str | int] = []
    current = data
    for segment in loc:
        if (isinstance(current, dict) and segment in current) or (
            isinstance(current, list) and isinstance(segment, int) and segment < len(current)
        ):
            path.append(segment)
            current = current[segment]
    return tuple(path)


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types behind Annotated, Optional and unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [inner for arg in typing.get_args(annotation) for inner in _unwrap(arg)]
    return [annotation]


def _children(annotation: Any, segment: Any) -> list[Any]:
    """The annotations one step below ``annotation`` along ``segment``."""
    found: list[Any] = []
    for concrete in _unwrap(annotation):
        origin = typing.get_origin(concrete)
        if isinstance(concrete, type) and issubclass(concrete, BaseModel):
            fields = concrete.model_fields
            found += [
                info.annotation for name, info in fields.items() if segment in (name, info.alias)
            ]
            if "root" in fields and segment not in fields:
                found.append(fields["root"].annotation)
        elif origin in (tuple, list) and isinstance(segment, int):
            found.append(typing.get_args(concrete)[0])
        elif origin is dict and isinstance(segment, str):
            found.append(typing.get_args(concrete)[1])
    return found


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at ``loc`` accepts, following the model's annotations."""
    candidates: list[Any] = [model]
    for segment in loc:
        # Segments that match nothing are union tags; stay where we are.
        candidates = [child for c in candidates for child in _children(c, segment)] or candidates
    return [
        info.alias or name
        for candidate in candidates
        for concrete in _unwrap(candidate)
        if isinstance(concrete, type) and issubclass(concrete, BaseModel)
        for name, info in concrete.model_fields.items()
    ]


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


describe(
    ProblemCode.schema,
    "A file does not match its format: a missing or unknown key, a wrong type, an unknown value.",
)


def problems_from_validation(
    error: ValidationError,
    model: type[BaseModel],
    document: YamlDocument,
    base: PathKey = (),
) -> list[Problem]:
    """One located problem per pydantic error, most specific first, without echoes."""
    raw = error.errors(include_url=False)
    problems: list[Problem] = []
    for item in raw:
        loc = tuple(item["loc"])
        if item["type"] == "too_short" and any(
            other is not item and tuple(other["loc"])[: len(loc)] == loc for other in raw
        ):
            continue  # pydantic repeats a failed item as "too short" on the enclosing list
        path = _data_path(_at(document.data, base), loc)
        field = ".".join(str(part) for part in (*base, *path))
        kind = item["type"]
        if kind == "extra_forbidden":
            key = shorten(str(loc[-1]))
            hint = did_you_mean(key, _keys_at(model, loc[:-1]))
            problems.append(
                Problem(
                    document.location((*base, *path), key=True),
                    f"unknown key {key!r}",
                    field,
                    hint or "Remove it.",
                    code=ProblemCode.schema,
                )
            )
            continue
        if kind == "missing":
            problems.append(
                Problem(
                    document.location((*base, *path)),
                    f"the required key {loc[-1]!r} is missing",
                    field,
                    f"Add '{loc[-1]}: ...' here.",
                    code=ProblemCode.schema,
                )
            )
            continue
        message = item["msg"].removeprefix("Value error, ")
        hint = ""
        if kind == "enum":
            allowed = re.findall(r"'([^']*)'", item.get("ctx", {}).get("expected", ""))
            hint = did_you_mean(str(item["input"]), allowed)
        found = "" if "unknown country" in message else f"; found {_describe(item['input'])}"
        problems.append(
            Problem(
                document.location((*base, *path)),
                f"{message}{found}",
                field,
                hint,
                code=ProblemCode.schema,
            )
        )
    return problems


def _at(data: Any, base: PathKey) -> Any:
    for segment in base:
        data = data[segment]
    return data
