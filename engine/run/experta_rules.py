"""Each rule branch as an experta ``Rule`` with its own action function, so experta never
merges two rules, and each carries its position in the KB so the agenda can order activations
totally.

With our network experta reads only a rule's salience and action, so its rules carry no
conditions (:class:`RuleBook`); conditions are written out when experta's own RETE is chosen
(``matcher="rete"``, :mod:`.rete_conditions`). ``PATTERN_PREFIX`` names the matched
facts in an activation's context: the agenda, the matcher and the runner all read them back by
that name.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..schemas.rules import Pattern
from .branches import CompiledBranch
from .experta_compat import Rule

PATTERN_PREFIX = "_p"  # context keys of matched facts; YAML variables cannot start with '_'


class RuleBook:
    """The experta ``Rule`` of each branch for our network, written out the first time a branch
    matches (or someone asks the engine for its rules).

    With our network experta never reads a rule's conditions (the network holds them), only its
    salience, name and action when it is activated, so these rules carry none: writing out the
    conditions took about a third of a run on facts the process had not seen before (each rule
    is made once per process, but a run on new facts matches branches that never matched
    before: about 300 of 5,000 synthetic rules at 100 facts). A branch's ``exists`` patterns,
    which its firings record, are read only for the branches whose plan has some.
    """

    def __init__(
        self, branches: tuple[CompiledBranch, ...], plans_with_existence: Sequence[bool]
    ) -> None:
        self.branches = branches
        self.with_existence = plans_with_existence
        self.built: list[Any] = [None] * len(branches)

    def __len__(self) -> int:
        return len(self.branches)

    def __getitem__(self, index: int) -> Any:
        rule = self.built[index]
        if rule is None:
            branch = self.branches[index]
            existence = branch.existence if self.with_existence[index] else ()
            rule = self.built[index] = _rule(branch, (), existence)
        return rule


FiringRecord = tuple[str, int, tuple[str, ...], tuple[tuple[Pattern, ...], ...]]
"""What each firing of a branch records of it: our rule's id, the branch's number, the findings
the rule concludes (in the order written) and the patterns of each of its ``exists``."""


def experta_rule(branch: CompiledBranch, classes: Mapping[str, type[Any]]) -> Any:
    """The experta ``Rule`` for one branch, with its conditions (for experta's RETE) and its own
    action function; the rule carries ``synergy_firing`` (:data:`FiringRecord`), which the runner
    reads at the rule's first firing in each run instead of finding the branch and its rule
    again."""
    from .rete_conditions import rete_conditions  # noqa: PLC0415 - experta's RETE only

    return _rule(branch, rete_conditions(branch.atoms, classes), branch.existence)


def _rule(
    branch: CompiledBranch, conditions: Sequence[Any], existence: tuple[tuple[Pattern, ...], ...]
) -> Any:
    rule_id = branch.rule_id
    action = _action(branch.rule_index, rule_id, branch.branch)
    conclusions = tuple(branch.expansion.located.value.then.conclude)
    record: FiringRecord = (rule_id, branch.branch, conclusions, existence)
    action.synergy_firing = record  # type: ignore[attr-defined]
    return _decorated(Rule(*conditions, salience=branch.salience), action)


def _decorated(rule: Any, action: Callable[..., None]) -> Any:
    """``rule(action)``, experta's decorator, without its look at the action's signature: every
    action takes every binding (``**bindings``), for which experta keeps no list of names to
    pass, and the look was half of making a rule (a run on facts it has not seen makes one for
    each branch it fires for the first time: 1,131 at 5,000 synthetic rules x 100 facts)."""
    rule._wrapped = action
    return functools.update_wrapper(rule, action)


def _action(rule_index: int, rule_id: str, branch: int) -> Callable[..., None]:
    # One function object per branch: experta merges rules whose action functions are equal.
    def action(engine: Any, **bindings: Any) -> None:
        """The runner records the firing; the rule itself has nothing to do."""

    action.__name__ = f"{rule_id}#{branch}"
    action.synergy_rule_index = rule_index  # type: ignore[attr-defined]
    action.synergy_branch = branch  # type: ignore[attr-defined]
    # experta's Rule asks for the action's signature to learn which bindings to pass; every
    # action has this one, and inspect.signature reads a function's own answer first instead
    # of working it out again for each rule
    action.__signature__ = _ACTION_SIGNATURE  # type: ignore[attr-defined]
    return action


def _action_shape(engine: Any, **bindings: Any) -> None:
    """What every action takes: the engine, and every binding by name."""


_ACTION_SIGNATURE = inspect.signature(_action_shape)
