"""Compile a validated knowledge base into an experta engine class.

Each rule branch (see :mod:`engine.schemas.conditions`) becomes one experta ``Rule`` with its
own action function, so experta never merges two rules, and each carries its position in the
KB so the agenda can order activations totally. Facts are matched to branches by our network
(:mod:`engine.network`), which experta takes through its ``__matcher__`` hook; experta's own
RETE can still be chosen (``matcher="rete"``), for which predicates are interned so identical
tests share one alpha node and equality is compiled to literal tests, which it shares.
"""

from __future__ import annotations

import bisect
import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Literal

from ..load.cache import code_stamp, knowledge_base_key, read_derived, write_derived
from ..rules.matching import passes
from ..schemas.conditions import Atom, rule_branches
from ..schemas.facts import FACT_TYPES, Scalar
from ..schemas.kb import FieldTest, Pattern, RuleSpec, VariableOperand
from ..schemas.knowledge_base import KnowledgeBase, Located
from .experta_compat import (
    AND,
    AS,
    EXISTS,
    MATCH,
    NOT,
    TEST,
    Activation,
    Fact,
    InitialFact,
    KnowledgeEngine,
    Matcher,
    P,
    Rule,
    Strategy,
)
from .network import (
    HIDDEN_PREFIX,
    INITIAL,
    MatchNetwork,
    NetworkBuilder,
    NetworkState,
    VariableComparison,
    network_data,
    network_from_data,
)

PATTERN_PREFIX = "_p"  # context keys of matched facts; YAML variables cannot start with '_'
MatcherName = Literal["network", "rete"]


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


@dataclass(frozen=True)
class CompiledKB:
    """A knowledge base ready to run: the engine class and the fact classes it matches."""

    knowledge_base: KnowledgeBase
    engine_class: type[Any]
    fact_classes: Mapping[str, type[Any]]
    branches: tuple[CompiledBranch, ...]
    _engines: threading.local = field(default_factory=threading.local, compare=False, repr=False)

    @cached_property
    def branch_at(self) -> dict[tuple[int, int], CompiledBranch]:
        """Each branch by (rule index, branch number): how the runner finds an activation's."""
        return {(branch.rule_index, branch.branch): branch for branch in self.branches}

    def reads(self, fact_type: str, fields: Mapping[str, Scalar]) -> bool:
        """Whether some pattern of some rule could match this fact. One that none can is
        never given to experta: it could change no activation (about a third of a scenario's
        score facts are for dimensions no rule tests), and the trace keeps it all the same."""
        matcher = getattr(self.engine_class, "__matcher__", None)
        if isinstance(matcher, type) and issubclass(matcher, NetworkMatcher):
            return bool(matcher.network.reads(fact_type, fields))
        return True  # experta's RETE: let it see everything

    def engine(self) -> Any:
        """The calling thread's engine, built the first time that thread asks; ``reset()``
        clears every memory between its runs (with experta's RETE the constructor builds its
        whole network, which costs far more than a run). An engine holds one run's working
        memory and agenda, so two threads never share one."""
        engine = getattr(self._engines, "engine", None)
        if engine is None:
            engine = self._engines.engine = self.engine_class()
        return engine


# ---------------------------------------------------------------------------- predicates


@dataclass(frozen=True)
class FieldPredicate:
    """All constant tests on one field, as one hashable callable (one alpha node)."""

    tests: tuple[tuple[str, Any], ...]

    def __call__(self, value: Any) -> bool:
        return all(passes(operator, operand, value) for operator, operand in self.tests)


_interned: dict[Any, Any] = {}


def _intern(item: Any) -> Any:
    return _interned.setdefault(item, item)


# ---------------------------------------------------------------------------- conditions


class _BranchCompiler:
    """Turns the atoms of one branch into experta conditional elements."""

    def __init__(self, fact_classes: Mapping[str, type[Any]]) -> None:
        self.fact_classes = fact_classes
        self.hidden = 0
        self.pattern_count = 0

    def compile(self, atoms: tuple[Atom, ...]) -> list[Any]:
        positives: list[Any] = []
        tests: list[Any] = []
        existence: list[Any] = []
        negations: list[Any] = []
        # Positive patterns first so that variables are bound before tests and negations use
        # them (a variable first seen inside NOT would be existential there: DESIGN §5).
        for atom in atoms:
            if atom.kind == "pattern":
                name = f"{PATTERN_PREFIX}{self.pattern_count}"
                self.pattern_count += 1
                positives.append(getattr(AS, name) << self.pattern(atom.patterns[0], tests))
            elif atom.kind == "not":
                negations.append(NOT(self.pattern(atom.patterns[0], [])))
            else:
                inner_tests: list[Any] = []
                inner = [self.pattern(pattern, inner_tests) for pattern in atom.patterns]
                elements = [*inner, *inner_tests]
                existence.append(EXISTS(elements[0] if len(elements) == 1 else AND(*elements)))
        return [*positives, *tests, *existence, *negations]

    def pattern(self, pattern: Pattern, tests: list[Any]) -> Any:
        constraints = {
            field: self.field(test, tests) for field, test in sorted(pattern.tests.items())
        }
        return self.fact_classes[pattern.fact_type](**constraints)

    def field(self, test: FieldTest, tests: list[Any]) -> Any:
        constant: list[tuple[str, Any]] = []
        if test.not_ is not None and not isinstance(test.not_, VariableOperand):
            constant.append(("not", test.not_))
        if test.one_of is not None:
            constant.append(("one_of", frozenset(test.one_of)))
        if test.none_of is not None:
            constant.append(("none_of", frozenset(test.none_of)))
        variable = test.as_
        for operator, operand in test.comparisons():
            if isinstance(operand, float | int):
                constant.append((operator, float(operand)))
                continue
            if variable is None:
                variable = f"{HIDDEN_PREFIX}{self.hidden}"
                self.hidden += 1
            amount = operand.plus if isinstance(operand, VariableOperand) else operand.by
            comparison = VariableComparison(operator, variable, operand.var, amount)
            tests.append(TEST(_intern(comparison)))
        parts: list[Any] = []
        if variable is not None:
            parts.append(getattr(MATCH, variable))
        if constant:
            parts.append(P(_intern(FieldPredicate(tuple(constant)))))
        if test.equals is not None:
            if not parts:
                return test.equals
            parts.append(P(_intern(FieldPredicate((("one_of", frozenset([test.equals])),)))))
        if len(parts) == 1:
            return parts[0]
        return parts[0] & parts[1] if len(parts) == 2 else parts[0] & (parts[1] & parts[2])


# ---------------------------------------------------------------------------- agenda


class TotalOrderStrategy(Strategy):  # type: ignore[misc]
    """Fire activations in one total, deterministic order, and cancel them exactly.

    Order: higher salience first, then the rule written earlier in the KB, then the branch,
    then the activation whose matched facts are older (compared in pattern order). experta's
    own DepthStrategy breaks ties by set iteration order (different in every process) and looks
    for a cancelled activation in only three agenda slots, so one whose NOT became false can
    still fire (DESIGN §5). With a total key, bisect finds the exact slot.
    """

    @staticmethod
    def key(activation: Any) -> tuple[Any, ...]:
        rule = activation.rule
        matched = []
        index = 0
        while f"{PATTERN_PREFIX}{index}" in activation.context:
            matched.append(-activation.context[f"{PATTERN_PREFIX}{index}"]["__factid__"])
            index += 1
        return (rule.salience, -rule.synergy_rule_index, -rule.synergy_branch, tuple(matched))

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        activations = agenda.activations
        for activation in removed:
            activation.key = self.key(activation)
            low = bisect.bisect_left(activations, activation)
            high = bisect.bisect_right(activations, activation)
            for position in range(low, high):
                if activations[position] == activation:
                    del activations[position]
                    break
        for activation in added:
            activation.key = self.key(activation)
            bisect.insort(activations, activation)


# ---------------------------------------------------------------------------- experta rules


class RuleBook:
    """The experta ``Rule`` of each branch, written out the first time it is needed.

    With our network experta never reads a rule's conditions, only its salience and action
    when it is activated; building every rule up front (experta inspects each action's
    signature) would cost more than a whole run, so a rule is built when a branch first
    matches, or when someone asks the engine for its rules.
    """

    def __init__(self, branches: tuple[CompiledBranch, ...], classes: Mapping[str, type[Any]]):
        self.branches = branches
        self.classes = classes
        self.built: list[Any] = [None] * len(branches)

    def __len__(self) -> int:
        return len(self.branches)

    def __getitem__(self, index: int) -> Any:
        rule = self.built[index]
        if rule is None:
            rule = self.built[index] = experta_rule(self.branches[index], self.classes)
        return rule


def experta_rule(branch: CompiledBranch, classes: Mapping[str, type[Any]]) -> Any:
    """The experta ``Rule`` for one branch, with its own action function."""
    conditions = _BranchCompiler(classes).compile(branch.atoms)
    action = _action(branch.rule_index, branch.rule_id, branch.branch)
    return Rule(*conditions, salience=branch.salience)(action)


# ---------------------------------------------------------------------------- the matcher


class NetworkMatcher(Matcher):  # type: ignore[misc]
    """experta's matcher hook, answered by our :class:`~engine.network.MatchNetwork`.

    experta asks a matcher only for the activations gained and lost since it last asked; this
    one turns the network's matches into experta activations with the context experta's own
    RETE would give them (``_pN`` for the matched facts, then the variables), so the agenda,
    the strategy and the runner cannot tell the two apart (``tests/test_network.py`` runs
    every shipped scenario through both).
    """

    network: ClassVar[MatchNetwork]
    rules: ClassVar[RuleBook]
    type_names: ClassVar[Mapping[type[Any], str]]

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self.state = NetworkState(self.network)
        self.activations: dict[tuple[int, tuple[int, ...]], Any] = {}

    def reset(self) -> None:
        self.state.reset()
        self.activations = {}

    def _described(self, facts: Any) -> list[tuple[int, str, Any]]:
        names = self.type_names
        return [
            (
                fact["__factid__"],
                INITIAL if isinstance(fact, InitialFact) else names[type(fact)],
                fact,
            )
            for fact in facts or ()
            if isinstance(fact, InitialFact) or type(fact) in names
        ]

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        gained, lost = self.state.changes(self._described(adding), self._described(deleting))
        removed = [
            self.activations.pop((match.branch, match.key))
            for match in lost
            if (match.branch, match.key) in self.activations
        ]
        added = []
        for match in gained:
            context: dict[str, Any] = {
                f"{PATTERN_PREFIX}{position}": fact for position, fact in enumerate(match.facts)
            }
            context.update(match.bindings)
            activation = Activation(self.rules[match.branch], match.facts, context)
            self.activations[(match.branch, match.key)] = activation
            added.append(activation)
        return added, removed


# ---------------------------------------------------------------------------- the class


class CompiledEngine(KnowledgeEngine):  # type: ignore[misc]
    """The base of every compiled engine class."""

    def get_deffacts(self) -> list[Any]:
        # experta finds DefFacts by walking every attribute of the engine (every rule, too)
        # on each reset(); ours never change, so the walk is done once per engine.
        found: list[Any] | None = self.__dict__.get("_synergy_deffacts")
        if found is None:
            found = self.__dict__["_synergy_deffacts"] = super().get_deffacts()
        return found

    def get_rules(self) -> list[Any]:
        matcher = self.__matcher__
        if isinstance(matcher, type) and issubclass(matcher, NetworkMatcher):
            return [matcher.rules[index] for index in range(len(matcher.rules))]
        return list(super().get_rules())


def _action(rule_index: int, rule_id: str, branch: int) -> Callable[..., None]:
    # One function object per branch: experta merges rules whose action functions are equal.
    def action(engine: Any, **bindings: Any) -> None:
        """The runner records the firing; the rule itself has nothing to do."""

    action.__name__ = f"{rule_id}#{branch}"
    action.synergy_rule_index = rule_index  # type: ignore[attr-defined]
    action.synergy_branch = branch  # type: ignore[attr-defined]
    return action


def fact_classes() -> dict[str, type[Any]]:
    """One experta Fact subclass per fact type (experta matches on the exact class)."""
    return {name: type(f"{name.title()}Fact", (Fact,), {}) for name in FACT_TYPES}


def compile_knowledge_base(
    knowledge_base: KnowledgeBase, matcher: MatcherName = "network"
) -> CompiledKB:
    """Build the experta engine class for a validated knowledge base.

    ``matcher`` chooses what matches facts to rules: ``network`` (ours, through experta's
    ``__matcher__`` hook) or ``rete``, experta's stock RETE network, kept to check the two
    agree and to measure what ours buys.
    """
    classes = fact_classes()
    expansions = [RuleExpansion(located) for located in knowledge_base.rules]
    stored = _stored_network(knowledge_base) if matcher == "network" else None
    if stored is not None:
        network, numbered = stored
        branches = [CompiledBranch(rule, branch, expansions[rule]) for rule, branch in numbered]
    else:
        branches = [
            CompiledBranch(rule_index, branch, expansion)
            for rule_index, expansion in enumerate(expansions)
            for branch in range(len(expansion.branches))
        ]
    attributes: dict[str, Any] = {"__strategy__": TotalOrderStrategy}
    if matcher == "network":
        attributes["__matcher__"] = type(
            "CompiledMatcher",
            (NetworkMatcher,),
            {
                "network": network if stored else _new_network(knowledge_base, branches),
                "rules": RuleBook(tuple(branches), classes),
                "type_names": {cls: name for name, cls in classes.items()},
            },
        )
    else:  # experta's RETE finds the rules among the class's attributes
        for branch in branches:
            name = f"rule_{branch.rule_index:05d}_{branch.branch:02d}"
            attributes[name] = experta_rule(branch, classes)
    engine_class = type("CompiledEngine", (CompiledEngine,), attributes)
    return CompiledKB(knowledge_base, engine_class, classes, tuple(branches))


# The network follows from the checked KB (see knowledge_base_key) and from the code that
# expands rules into branches and branches into plans.
_NETWORK_CODE = ("load", "schemas", "rules", "run")


def _network_key(knowledge_base: KnowledgeBase) -> list[Any]:
    code = code_stamp(*_NETWORK_CODE)
    return [code, *knowledge_base_key(knowledge_base.roots, knowledge_base.digest)]


def _stored_network(
    knowledge_base: KnowledgeBase,
) -> tuple[MatchNetwork, list[tuple[int, int]]] | None:
    """The network and its (rule, branch) numbering from the cache, when this KB was
    compiled before by this code: building it is most of a compile, and expanding every
    rule to number the branches would validate every rule of a checked KB."""
    stored = read_derived("network", _network_key(knowledge_base))
    if stored is None:
        return None
    with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
        network = network_from_data(stored["network"])
        rules = knowledge_base.rules
        numbered = [(int(rule), int(branch)) for rule, branch, _ in stored["branches"]]
        # each plan must still belong to the rule it was made from (ids as written)
        same_rules = all(
            rules[rule].raw("id") == rule_id for rule, _, rule_id in stored["branches"]
        )
        if len(numbered) == len(network.plans) and same_rules:
            return network, numbered
    return None


def _new_network(knowledge_base: KnowledgeBase, branches: list[CompiledBranch]) -> MatchNetwork:
    builder = NetworkBuilder()
    for branch in branches:
        builder.add_branch(branch.atoms)
    network = builder.build()
    numbered = [[branch.rule_index, branch.branch, branch.rule_id] for branch in branches]
    payload = {"network": network_data(network), "branches": numbered}
    write_derived("network", _network_key(knowledge_base), payload)
    return network


def make_fact(compiled: CompiledKB, fact_type: str, fields: Mapping[str, Scalar]) -> Any:
    """An experta fact of ``fact_type`` (for the runner, which must not build classes itself)."""
    return compiled.fact_classes[fact_type](**fields)
