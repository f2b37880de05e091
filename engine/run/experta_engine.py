"""The experta side of our match network: the matcher experta calls through its
``__matcher__`` hook, and the base class of every compiled engine.

experta's ``Matcher`` and ``KnowledgeEngine`` are the two places where our network meets
experta; keeping them together keeps the translation between our matches and experta's
activations in one place, apart from the plain-Python network (:mod:`.network`) and from the
compiler that puts a class together (:mod:`.compiler`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .experta_compat import Activation, InitialFact, KnowledgeEngine, Matcher
from .experta_rules import PATTERN_PREFIX, RuleBook
from .network import INITIAL, MatchNetwork
from .network_state import NetworkState

# ---------------------------------------------------------------------------- the matcher


class NetworkMatcher(Matcher):  # type: ignore[misc]
    """experta's matcher hook, answered by our :class:`~.network.MatchNetwork`.

    experta asks a matcher only for the activations gained and lost since it last asked; this
    one turns the network's matches into experta activations with the context experta's own
    RETE would give them (``_pN`` for the matched facts, then the variables), so the agenda,
    the strategy and the runner cannot tell the two apart (``tests/run/test_network.py`` runs
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
        if not adding and not deleting:  # most firings conclude nothing new
            return [], []
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
            activation.synergy_match = (match.branch, match.key)
            self.activations[(match.branch, match.key)] = activation
            added.append(activation)
        return added, removed

    def fired(self, activation: Any) -> None:
        """The runner took ``activation`` off the agenda: nothing can cancel it any more, so
        it is forgotten (a large run would otherwise keep every activation it fired, with its
        context, to the end). Its match stays in the network state, so it does not fire again."""
        self.activations.pop(activation.synergy_match, None)


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
