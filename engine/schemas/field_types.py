"""What a field of a schema model holds, with its wrappers (Annotated, Optional, a list) taken
off: the interview's questions and the workspace's scenario form are both made from the
scenario model's fields, and read them the same way through these."""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic.fields import FieldInfo

from .country_code import CountryCode


def concrete_types(annotation: Any) -> list[Any]:
    """The types behind Annotated, Optional and unions (None left out)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return concrete_types(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [inner for arg in typing.get_args(annotation) for inner in concrete_types(arg)]
    return [] if annotation is type(None) else [annotation]


def only_type(annotation: Any) -> Any:
    """The one type behind an annotation (a field that may also be None included)."""
    [concrete] = concrete_types(annotation)
    return concrete


def item_type(annotation: Any) -> Any:
    """The type of a list's items, or None when ``annotation`` is not a list."""
    concrete = only_type(annotation)
    if typing.get_origin(concrete) in (tuple, list):
        return only_type(typing.get_args(concrete)[0])
    return None


# The check every country field of the scenario shares; a field that carries it is a country.
_COUNTRY_CHECK = typing.get_args(CountryCode)[1]


def takes_country(info: FieldInfo) -> bool:
    """Whether a field holds a country, read by the scenario's country resolver."""

    def carries(annotation: Any) -> bool:
        if typing.get_origin(annotation) is typing.Annotated:
            return _COUNTRY_CHECK in typing.get_args(annotation)[1:]
        return any(carries(arg) for arg in typing.get_args(annotation))

    return _COUNTRY_CHECK in info.metadata or carries(info.annotation)
