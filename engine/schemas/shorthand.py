"""Shorthands in the published JSON Schemas.

Some fields accept a shorter form that a before-validator expands (a bare value for a list of
one, a bare ``kind`` for ``{kind: ...}``). Pydantic's schema shows only the expanded form, so an
editor would mark every shorthand as an error; these annotations add the short form beside it.
They change nothing in validation.
"""

from __future__ import annotations

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class OrSingle:
    """A list that may also be written as its one item (or, with ``or_null``, left empty)."""

    def __init__(self, *, or_null: bool = False) -> None:
        self.or_null = or_null

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        full = handler(core_schema)
        items = handler.resolve_ref_schema(full).get("items", {})
        forms = [items, full, *([{"type": "null"}] if self.or_null else [])]
        return {"anyOf": forms}


class OrBareField:
    """A mapping that may also be written as the bare value of one of its fields."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        full = handler(core_schema)
        bare = dict(handler.resolve_ref_schema(full)["properties"][self.field])
        bare.pop("default", None)
        return {"anyOf": [bare, full]}


SCALAR_FORMS: list[JsonSchemaValue] = [
    {"type": "string"},
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
]
