"""Rule conditions flattened into branches: the one place alternatives (``any``) are expanded.

A rule's ``when`` may contain alternatives; both the checks and the compiler work on the
disjunctive normal form, a list of branches, each a flat list of atoms (a pattern, a negated
pattern, or an existence test). Each atom keeps its path in the YAML so problems can point at it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from .knowledge_base import Located
from .rules import Alternatives, Condition, Existence, Negation, Pattern, RuleSpec
from .vocabulary import Role

MAX_BRANCHES = 64

AtomKind = Literal["pattern", "not", "exists"]


@dataclass(frozen=True)
class Atom:
    """One condition of a rule branch: a pattern, or a 'not' or 'exists' over its patterns,
    with its path inside the rule (for messages)."""

    kind: AtomKind
    patterns: tuple[Pattern, ...]
    path: tuple[str | int, ...]


Branch = tuple[Atom, ...]


def _raw_item(raw: Any, index: int) -> Any:
    return raw[index] if isinstance(raw, list) and index < len(raw) else None


def rule_branches(rule: Located[RuleSpec]) -> list[Branch]:
    """A KB rule's branches, each atom's path counted from the rule, so it can be located in
    the rule's file; raises :class:`TooManyBranchesError` past :data:`MAX_BRANCHES`.

    A rule written for some roles gets one more condition in every branch, that we are in one
    of them: the guard is an ordinary pattern, so the compiler, why-not and the explanations
    treat it like any other condition ("we are the seller" shows as a reason)."""
    # worked out once for each rule: the cross-checks, the compiler and why-not all ask
    return list(rule.remembered("branches", lambda: tuple(_branches(rule))))


def _branches(rule: Located[RuleSpec]) -> list[Branch]:
    branches = expand(rule.value.when, rule.raw("when"), ("when",))
    roles = applies_to(rule)
    if not roles:
        return branches
    atom = Atom("pattern", (_guard(roles),), ("roles",))
    return [(*branch, atom) for branch in branches]


@lru_cache(maxsize=64)
def _guard(roles: tuple[Role, ...]) -> Pattern:
    # one pattern for every rule written for the same roles (patterns are frozen)
    return Pattern.model_validate({"relationship": {"we_are": [role.value for role in roles]}})


def applies_to(rule: Located[RuleSpec]) -> tuple[Role, ...]:
    """The roles a rule is written for: its own, else its file's, else none (every role)."""
    if rule.value.roles:
        return rule.value.roles
    file_roles = rule.document.data.get("roles") if isinstance(rule.document.data, dict) else None
    if not isinstance(file_roles, list):
        return ()
    # A value that is not a role is the loader's to report, at its place in the file.
    known = {role.value for role in Role}
    return tuple(Role(role) for role in file_roles if role in known)


def expand(conditions: Sequence[Condition], raw: Any, path: tuple[str | int, ...]) -> list[Branch]:
    """Every combination of alternatives, in author order; capped at :data:`MAX_BRANCHES`."""
    atoms = []
    for index, condition in enumerate(conditions):
        if isinstance(condition, Alternatives):
            break
        atoms.append(_atom(condition, (*path, index)))
    else:  # one branch, its atoms in order (most rules): only alternatives read the raw YAML
        return [tuple(atoms)]
    items = [
        (condition, _raw_item(raw, index), (*path, index))
        for index, condition in enumerate(conditions)
    ]
    return _expand_items(items)


def _expand_items(items: list[tuple[Condition, Any, tuple[str | int, ...]]]) -> list[Branch]:
    branches: list[Branch] = [()]
    for condition, raw_condition, here in items:
        if isinstance(condition, Alternatives):
            raw_any = raw_condition.get("any") if isinstance(raw_condition, dict) else None
            options: list[Branch] = []
            for option_index, option in enumerate(condition.any_):
                raw_option = _raw_item(raw_any, option_index)
                option_path: tuple[str | int, ...] = (*here, "any", option_index)
                if isinstance(raw_option, list):
                    options += expand(option, raw_option, option_path)
                else:  # a single condition written without a list around it
                    options += _expand_items([(option[0], raw_option, option_path)])
            branches = [(*head, *tail) for head, tail in itertools.product(branches, options)]
        else:
            atom = _atom(condition, here)
            branches = [(*head, atom) for head in branches]
        if len(branches) > MAX_BRANCHES:
            raise TooManyBranchesError(here)
    return branches


def _atom(condition: Pattern | Negation | Existence, here: tuple[str | int, ...]) -> Atom:
    if isinstance(condition, Negation):
        return Atom("not", (condition.not_,), (*here, "not"))
    if isinstance(condition, Existence):
        return Atom("exists", condition.exists, (*here, "exists"))
    return Atom("pattern", (condition,), here)


class TooManyBranchesError(Exception):
    def __init__(self, path: tuple[str | int, ...]) -> None:
        self.path = path
        super().__init__(f"more than {MAX_BRANCHES} combinations of alternatives")
