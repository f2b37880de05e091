"""Compile a validated knowledge base into an experta engine class.

Each rule branch (:mod:`.branches`) becomes one experta rule (:mod:`.experta_rules`). Facts
are matched to branches by our network (:mod:`.network`), which experta takes through its
``__matcher__`` hook (:mod:`.experta_engine`), and activations are ordered by our agenda
strategy (:mod:`.agenda`); experta's own RETE can still be chosen (``matcher="rete"``). This
module puts those together into one class, and keeps the built network in the cache.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from ..load.cache import (
    code_stamp,
    derived_caching,
    knowledge_base_key,
    read_derived,
    write_derived,
)
from ..schemas.facts import FACT_TYPES, Scalar
from ..schemas.knowledge_base import KnowledgeBase
from .agenda import TotalOrderStrategy
from .branches import CompiledBranch, RuleExpansion
from .experta_engine import CompiledEngine, NetworkMatcher, PlainFact
from .experta_rules import RuleBook, experta_rule
from .network import MatchNetwork, NetworkBuilder
from .network_storage import network_data, network_from_data

MatcherName = Literal["network", "rete"]

_READS_KEPT = 10_000
"""Answers of :meth:`CompiledKB.reads` kept at most (a few MB): inputs may never repeat."""


@dataclass(frozen=True)
class CompiledKB:
    """A knowledge base ready to run: the engine class and the fact classes it matches."""

    knowledge_base: KnowledgeBase
    engine_class: type[Any]
    fact_classes: Mapping[str, type[Any]]
    branches: tuple[CompiledBranch, ...]
    _engines: threading.local = field(default_factory=threading.local, compare=False, repr=False)

    def reads(self, fact_type: str, fields: Mapping[str, Scalar]) -> bool:
        """Whether some pattern of some rule could match this fact. One that none can is
        never given to experta: it could change no activation (about a third of a scenario's
        score facts are for dimensions no rule tests), and the trace keeps it all the same.

        The answer is kept: most facts (the culture profiles' scores) come back in scenario
        after scenario. A value's type is part of what is kept, because ``1``, ``1.0`` and
        ``True`` are equal keys but not equal to every test (``True`` is no number)."""
        network = self._network
        if network is None:
            return True  # experta's RETE: let it see everything
        key = (fact_type, tuple([(name, type(value), value) for name, value in fields.items()]))
        known = self._reads.get(key)
        if known is None:
            if len(self._reads) >= _READS_KEPT:
                self._reads.clear()
            known = self._reads[key] = bool(network.reads(fact_type, fields))
        return known

    def reads_finding(self, name: str) -> bool:
        """:meth:`reads` for a finding named ``name``, kept by name: a run asks for each finding
        it concludes, and the KB's findings are all there are to ask about."""
        known = self._findings_read.get(name)
        if known is None:
            known = self._findings_read[name] = self.reads("finding", {"name": name})
        return known

    @cached_property
    def _findings_read(self) -> dict[str, bool]:
        return {}

    @cached_property
    def _network(self) -> MatchNetwork | None:
        matcher = getattr(self.engine_class, "__matcher__", None)
        if isinstance(matcher, type) and issubclass(matcher, NetworkMatcher):
            return matcher.network
        return None

    @cached_property
    def _reads(self) -> dict[tuple[str, tuple[tuple[str, type, Any], ...]], bool]:
        return {}

    def engine(self) -> Any:
        """The calling thread's engine, built the first time that thread asks; ``reset()``
        clears every memory between its runs (with experta's RETE the constructor builds its
        whole network, which costs far more than a run). An engine holds one run's working
        memory and agenda, so two threads never share one."""
        engine = getattr(self._engines, "engine", None)
        if engine is None:
            engine = self._engines.engine = self.engine_class()
        return engine


def fact_classes() -> dict[str, type[Any]]:
    """One experta Fact subclass per fact type (experta matches on the exact class)."""
    return {name: type(f"{name.title()}Fact", (PlainFact,), {}) for name in FACT_TYPES}


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
        if stored is None:
            network = _new_network(knowledge_base, branches)
        with_existence = [bool(plan.existence) for plan in network.plans]
        attributes["__matcher__"] = type(
            "CompiledMatcher",
            (NetworkMatcher,),
            {
                "network": network,
                "rules": RuleBook(tuple(branches), with_existence),
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
    if not derived_caching("network"):
        return None
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
    if derived_caching("network"):
        numbered = [[branch.rule_index, branch.branch, branch.rule_id] for branch in branches]
        payload = {"network": network_data(network), "branches": numbered}
        write_derived("network", _network_key(knowledge_base), payload)
    return network


def make_fact(compiled: CompiledKB, fact_type: str, fields: Mapping[str, Scalar]) -> Any:
    """An experta fact of ``fact_type`` (for the runner, which must not build classes itself)."""
    return compiled.fact_classes[fact_type](**fields)
