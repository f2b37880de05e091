"""Report items made from values that already have their fields' types, without validating
them again.

What a report item holds comes from models validated before it (the run's facts and firings,
the knowledge base's findings, advice and rules) or is worked out in explain as the type its
field declares (tuples, floats, the literal words). Validating each of the hundred or so items
of a report again took about a tenth of explaining a run; :func:`made` sets what validation
would have set (every field in its declared order, the default of each field not given, which
fields were given) and refuses a name the model does not declare or a required field left out.
The tests check that every shipped scenario's report validates again to the same JSON.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)

_set_attribute = object.__setattr__  # the items are frozen: set as pydantic sets them


class _Shape:
    """A model's fields in declared order with their defaults, and the fields it requires."""

    __slots__ = ("count", "defaults", "required")

    def __init__(self, model: type[BaseModel]) -> None:
        if model.__private_attributes__ or model.model_config.get("extra") == "allow":
            # their instances hold more than the fields, which made does not set
            raise TypeError(f"{model.__name__} has private or extra attributes: validate it")
        self.defaults: dict[str, Any] = {
            name: None if info.is_required() else info.get_default(call_default_factory=True)
            for name, info in model.model_fields.items()
        }
        self.required = frozenset(
            name for name, info in model.model_fields.items() if info.is_required()
        )
        self.count = len(self.defaults)


_shapes: dict[type[BaseModel], _Shape] = {}


def made(model: type[Model], **fields: Any) -> Model:
    """A ``model`` holding ``fields``, which must already be of the types the model declares
    (nothing is converted or checked but the names)."""
    shape = _shapes.get(model)
    if shape is None:
        shape = _shapes[model] = _Shape(model)
    values = {**shape.defaults, **fields}
    count = shape.count
    # Most items are given every field: then no name is unknown and none is missing, which the
    # lengths alone show (the sets are compared only when some field is left to its default).
    if len(values) != count or (len(fields) != count and not shape.required <= fields.keys()):
        unknown = sorted(fields.keys() - shape.defaults.keys())
        missing = sorted(shape.required - fields.keys())
        # a mistake in explain, as a call with a wrong keyword is (an internal error)
        raise TypeError(f"{model.__name__} made with unknown fields {unknown} or without {missing}")
    item = model.__new__(model)
    _set_attribute(item, "__dict__", values)
    _set_attribute(item, "__pydantic_fields_set__", set(fields))
    _set_attribute(item, "__pydantic_extra__", None)
    _set_attribute(item, "__pydantic_private__", None)
    return item
