"""What a run produces, before and after explanation."""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
from pydantic import Field

from .base import Frozen
from .facts import FactRecord, Scalar


class Firing(Frozen):
    """One rule firing: which rule (and branch), on which facts, with which bindings."""

    number: int = Field(description="1-based position in the run's firing order")
    rule: str
    branch: int
    facts: tuple[int, ...] = Field(description="ids of the matched facts, in pattern order")
    bindings: dict[str, Scalar]
    witnesses: tuple[int, ...] = Field(
        default=(), description="ids of facts that satisfied the rule's 'exists' conditions"
    )
    concluded: tuple[int, ...] = Field(description="ids of the finding facts it concluded")


class RunResult(Frozen):
    """All facts (input and derived, each with its origin) and all firings, in order."""

    facts: tuple[FactRecord, ...]
    firings: tuple[Firing, ...]
    missing_profiles: tuple[str, ...] = ()
