"""The rule format: a rule's metadata, its conditions (``when``: patterns of field tests,
negations, existence tests, alternatives) and its consequences (``then``).

The condition language's meaning is in :mod:`engine.rules`; the expansion of alternatives into
branches is in :mod:`engine.schemas.conditions`; references (fact fields, variables, finding
and advice ids) are checked by :mod:`engine.load.cross_checks`.
"""

import contextlib
from collections.abc import Hashable, Iterator
from contextvars import ContextVar
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    ModelWrapValidatorHandler,
    RootModel,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from .base import Frozen
from .kb import Identifier, Topic
from .shorthand import SCALAR_FORMS, OrSingle
from .vocabulary import Role

VariableName = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40, description="a variable name")
]
Certainty = Annotated[float, Field(ge=-1.0, le=1.0)]
PositiveCertainty = Annotated[float, Field(gt=0.0, le=1.0)]


class Status(StrEnum):
    experimental = "experimental"
    test = "test"
    stable = "stable"
    deprecated = "deprecated"


Scalar = str | int | float | bool
# a tuple, not the union: isinstance with `str | int | ...` builds the union at every call, and
# this runs for every field test of a KB
_SCALAR_CLASSES = (str, int, float, bool)


class VariableOperand(Frozen):
    """``{var: name, plus: 20}``: a bound variable, optionally shifted by a number."""

    var: VariableName
    plus: float = 0


class Spread(Frozen):
    """``{var: name, by: 25}``: a distance from a bound variable, in either direction."""

    var: VariableName
    by: float = Field(ge=0)


Operand = float | VariableOperand | Spread


class FieldTest(Frozen):
    """Tests on one field of a fact. A bare value means ``equals``; a list means ``one_of``."""

    equals: Scalar | None = None
    not_: Scalar | VariableOperand | None = Field(default=None, alias="not")
    one_of: tuple[Scalar, ...] | None = Field(default=None, min_length=1)
    none_of: tuple[Scalar, ...] | None = Field(default=None, min_length=1)
    at_least: Operand | None = None
    at_most: Operand | None = None
    above: Operand | None = None
    below: Operand | None = None
    within: Spread | None = Field(default=None, description="|value - var| <= by")
    beyond: Spread | None = Field(default=None, description="|value - var| >= by")
    as_: VariableName | None = Field(default=None, alias="as")

    @model_validator(mode="wrap")
    @classmethod
    def _read(cls, value: Any, handler: ModelWrapValidatorHandler["FieldTest"]) -> "FieldTest":
        shared = _shared_tests.get()
        if shared is None:
            return _validated(value, handler)
        key = _written_form(value)
        if key is None:
            return _validated(value, handler)
        test = shared.get(key)
        if test is None:
            test = shared[key] = _validated(value, handler)  # an invalid test is not kept
        return test

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        full = handler.resolve_ref_schema(handler(core_schema))
        tests = {**full, "minProperties": 1}
        listed = {"type": "array", "items": {"anyOf": SCALAR_FORMS}, "minItems": 1}
        return {"anyOf": [*SCALAR_FORMS, listed, tests], "description": full.get("description")}

    def comparisons(self) -> tuple[tuple[str, Operand], ...]:
        """The numeric comparisons and the comparisons with variables, in a fixed order."""
        pairs: tuple[tuple[str, Operand | None], ...] = (
            ("at_least", self.at_least),
            ("at_most", self.at_most),
            ("above", self.above),
            ("below", self.below),
            ("within", self.within),
            ("beyond", self.beyond),
            ("not", self.not_ if isinstance(self.not_, VariableOperand) else None),
        )
        return tuple((name, operand) for name, operand in pairs if operand is not None)


_shared_tests: ContextVar[dict[Hashable, FieldTest] | None] = ContextVar(
    "shared_field_tests", default=None
)


@contextlib.contextmanager
def field_tests_shared() -> Iterator[None]:
    """Inside the block, field tests written alike are validated once and share one frozen
    instance. A KB repeats a few tests everywhere (``side: home``): four in five of the shipped
    KB's 3,331 tests, and of a 10,000-rule KB's 58,000, repeat one written before. For data
    as YAML reads it (the loader's): see :func:`_written_form`."""
    token = _shared_tests.set({})
    try:
        yield
    finally:
        _shared_tests.reset(token)


def _validated(value: Any, handler: ModelWrapValidatorHandler[FieldTest]) -> FieldTest:
    if isinstance(value, list):
        test = handler({"one_of": value})
    elif isinstance(value, _SCALAR_CLASSES):
        test = handler({"equals": value})
    else:
        test = handler(value)
    if not test.__pydantic_fields_set__:  # the attribute: a property read costs a call
        raise ValueError("a field test needs at least one of: " + ", ".join(TEST_KEYWORDS))
    return test


def _written_form(value: Any) -> Hashable | None:
    """A key equal only for field tests written with the same values of the same types (1,
    1.0 and true differ; so do 0.0 and -0.0), or None for a value of another class. A list or
    mapping is keyed by its repr, which tells apart all that YAML data holds (text, numbers,
    true/false, null, lists, mappings): the loader's sharing block only meets such data."""
    kind = value.__class__
    if kind is str or kind is int or kind is bool:
        return (kind, value)
    if kind is dict or kind is list or kind is float:
        return (kind, repr(value))
    return None


TEST_KEYWORDS = (
    "equals",
    "not",
    "one_of",
    "none_of",
    "at_least",
    "at_most",
    "above",
    "below",
    "within",
    "beyond",
    "as",
)


class Pattern(RootModel):  # type: ignore[type-arg]
    """``{fact_type: {field: test, ...}}``: a fact of that type whose fields pass the tests."""

    # The type is given here rather than as RootModel[...]: parametrizing makes another model
    # class, whose schema pydantic builds at import although nothing validates with it.
    root: dict[str, dict[str, FieldTest]]

    model_config = {
        "frozen": True,
        "defer_build": True,  # as every Frozen model: built when first used
        # One fact type, and none of the words that start the other kinds of condition, so
        # a validator can tell a pattern from a negation, an existence test or alternatives.
        "json_schema_extra": {
            "minProperties": 1,
            "maxProperties": 1,
            "propertyNames": {"not": {"enum": ["not", "exists", "any"]}},
        },
    }

    @field_validator("root")
    @classmethod
    def _one_fact_type(cls, value: dict[str, dict[str, FieldTest]]) -> dict[str, Any]:
        if len(value) != 1:
            raise ValueError(
                "a pattern names exactly one fact type, like {score: {dimension: pdi}}; "
                f"found {len(value)} keys"
            )
        return value

    @property
    def fact_type(self) -> str:
        return next(iter(self.root))

    @property
    def tests(self) -> dict[str, FieldTest]:
        return self.root[self.fact_type]


class Negation(Frozen):
    """``{not: pattern}``: no fact matches the pattern."""

    not_: Pattern = Field(alias="not")


class Existence(Frozen):
    """``{exists: pattern or [patterns]}``: at least one match, however many there are."""

    exists: Annotated[tuple[Pattern, ...], OrSingle()] = Field(min_length=1)

    @field_validator("exists", mode="before")
    @classmethod
    def _single(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class Alternatives(Frozen):
    """``{any: [conditions or [conditions]]}``: at least one alternative holds."""

    # Condition includes Alternatives, so it is named before it is defined.
    any_: tuple[Annotated[tuple["Condition", ...], OrSingle()], ...] = Field(
        alias="any", min_length=2
    )

    @field_validator("any_", mode="before")
    @classmethod
    def _single(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [item if isinstance(item, list) else [item] for item in value]
        return value


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in ("not", "exists", "any"):
            return str(key)
    elif isinstance(value, Negation):
        return "not"
    elif isinstance(value, Existence):
        return "exists"
    elif isinstance(value, Alternatives):
        return "any"
    return "pattern"


Condition = Annotated[
    Annotated[Pattern, Tag("pattern")]
    | Annotated[Negation, Tag("not")]
    | Annotated[Existence, Tag("exists")]
    | Annotated[Alternatives, Tag("any")],
    Discriminator(_condition_kind),
]


class Consequences(Frozen):
    """What a rule does when its conditions hold."""

    conclude: dict[Identifier, PositiveCertainty] = Field(
        default_factory=dict, description="finding id -> certainty of the conclusion"
    )
    support: dict[Identifier, Certainty] = Field(
        default_factory=dict, description="advice id -> certainty (negative counts against)"
    )

    @model_validator(mode="after")
    def _does_something(self) -> "Consequences":
        if not self.conclude and not self.support:
            raise ValueError("'then' must conclude a finding or support an advice")
        return self


class RuleSpec(Frozen):
    """One rule: metadata, conditions (``when``) and consequences (``then``)."""

    id: Identifier
    title: str
    status: Status = Status.experimental
    rationale: str = Field(default="", description="why the rule holds; required (see checks)")
    sources: tuple[Identifier, ...] = Field(default=(), description="required (see checks)")
    tags: tuple[str, ...] = ()
    topic: Topic
    salience: int = Field(default=0, ge=-100, le=100)
    roles: tuple[Role, ...] = Field(
        default=(),
        description="Who we must be to them for the rule to apply (seller, buyer, manager...); "
        "none given: the rules file's `roles`, and if it has none, every role",
    )
    when: tuple[Condition, ...] = Field(min_length=1)
    then: Consequences
