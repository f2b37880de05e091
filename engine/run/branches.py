"""A KB rule's branches as the compiler numbers them: which rule, which alternative, and its
atoms, worked out only when first needed.

A branch is what becomes one experta rule and one plan of the match network; the runner and
the explanation find a firing's rule through it. It sits apart from the compiler because both
the compiler and the experta rules made from branches need it, and neither may import the
other's side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..schemas.conditions import Atom, rule_branches
from ..schemas.knowledge_base import Located
from ..schemas.rules import Pattern, RuleSpec


class RuleExpansion:
    """A KB rule's branches, worked out the first time one is needed: a run reads only the
    rules that fire, and a KB read back from the checked cache validates a rule when it is
    first read (``CheckedLocated``)."""

    def __init__(self, located: Located[RuleSpec]) -> None:
        self.located = located

    @cached_property
    def branches(self) -> tuple[tuple[Atom, ...], ...]:
        return tuple(tuple(atoms) for atoms in rule_branches(self.located))


@dataclass(frozen=True)
class CompiledBranch:
    """One experta rule: a branch of a KB rule."""

    rule_index: int
    branch: int
    expansion: RuleExpansion = field(compare=False, repr=False)

    @property
    def rule_id(self) -> str:
        return self.expansion.located.value.id

    @property
    def salience(self) -> int:
        return self.expansion.located.value.salience

    @property
    def atoms(self) -> tuple[Atom, ...]:
        return self.expansion.branches[self.branch]

    @property
    def existence(self) -> tuple[tuple[Pattern, ...], ...]:
        """The patterns of each ``exists`` condition: experta does not say which facts met
        them, so the runner looks for witnesses with :func:`pattern_accepts`."""
        return tuple(atom.patterns for atom in self.atoms if atom.kind == "exists")
