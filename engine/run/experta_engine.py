"""The experta side of our match network: the facts, activations and matcher experta is given
through its hooks, and the base class of every compiled engine.

experta's ``Matcher`` and ``KnowledgeEngine`` are the two places where our network meets
experta; keeping them together keeps the translation between our matches and experta's
activations in one place, apart from the plain-Python network (:mod:`.network`) and from the
compiler that puts a class together (:mod:`.compiler`).

Most of a warm run's time outside matching used to be experta's general-purpose bookkeeping on
facts and activations that we know more about than experta does: a fact whose fields are plain
values needs no freezing and no check for patterns, and an activation made from our match
already knows its facts and its place on the agenda. The classes here skip that work for those
and leave everything else (experta's RETE, facts of other classes, anyone watching experta's
logs) on experta's own path, with the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from .agenda import order_key
from .experta_compat import (
    Activation,
    Agenda,
    Fact,
    FactList,
    InitialFact,
    KnowledgeEngine,
    Matcher,
    watchers,
)
from .experta_rules import PATTERN_PREFIX, RuleBook
from .network import INITIAL, MatchNetwork
from .network_state import Match, NetworkState

# ---------------------------------------------------------------------------- facts

_PLAIN_VALUES = frozenset({str, int, float, bool})
_PLAIN_NAMES: set[str] = set()
"""Field names seen to be neither experta's own (``__factid__``) nor nested accessors."""


def _plain_name(name: str) -> bool:
    # experta refuses "a__b" (its syntax for nested fields) and reserves "__x__"
    return not (Fact.is_special(name) or "__" in name.strip("_"))


class PlainFact(Fact):  # type: ignore[misc]
    """The base of our fact classes.

    experta freezes every field value through a ``singledispatch`` call, which hands a string,
    number or boolean back unchanged; a fact given only such values under ordinary names is
    filled directly, with exactly the values experta would store, and marked ``synergy_plain``
    so that :class:`CompiledEngine` knows it holds no pattern to refuse. Anything else (the
    patterns experta's RETE is compiled from, positional fields, other values, a subclass
    declaring experta ``Field``s to validate) goes through experta's constructor.
    """

    def __init__(self, *args: Any, **fields: Any) -> None:
        if args or self.__fields__ or not _is_plain(fields):
            super().__init__(*args, **fields)
            return
        dict.update(self, fields)
        self._Fact__defaults: dict[str, Any] = {}  # what experta's constructor sets up
        self.synergy_plain = True


def _is_plain(fields: Mapping[str, Any]) -> bool:
    for value in fields.values():
        if type(value) not in _PLAIN_VALUES:
            return False
    if fields.keys() <= _PLAIN_NAMES:
        return True
    if all(_plain_name(name) for name in fields):
        _PLAIN_NAMES.update(fields)
        return True
    return False


def _undeclared_plain(fact: Any) -> bool:
    return getattr(fact, "synergy_plain", False) and "__factid__" not in fact


# ---------------------------------------------------------------------------- activations


class MatchActivation(Activation):  # type: ignore[misc]
    """An experta activation made from one of our network's matches.

    It carries the match and its agenda key (:func:`.agenda.order_key`), worked out from the
    match's fact ids; experta's ``facts`` set and ``context`` dict (``_pN`` for the matched
    facts, then the variables, as experta's RETE gives them) are made only when someone reads
    them, which a run through our runner never does. Two are equal when they stand for the same
    match, which is what experta's equality on rule, facts and context amounts to.
    """

    def __init__(self, rule: Any, match: Match) -> None:
        # experta's __init__ only sets rule, key, facts and context: the last two are made here
        # on demand, so it is not called
        self.rule = rule
        self.match = match
        self.key = order_key(rule, match.key)

    @property
    def facts(self) -> set[Any]:
        return set(self.match.facts)

    @property
    def context(self) -> dict[str, Any]:
        context: dict[str, Any] = {
            f"{PATTERN_PREFIX}{position}": fact for position, fact in enumerate(self.match.facts)
        }
        context.update(self.match.bindings)
        return context

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MatchActivation):
            return NotImplemented
        return (self.match.branch, self.match.key) == (other.match.branch, other.match.key)

    def __hash__(self) -> int:
        return hash((self.match.branch, self.match.key))


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
    silent_without_changes: ClassVar[bool] = True
    """It has nothing to say when no fact changed (:meth:`CompiledEngine.get_activations`)."""
    type_names: ClassVar[Mapping[type[Any], str]]

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self.state = NetworkState(self.network)

    def reset(self) -> None:
        self.state.reset()

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
        rules = self.rules
        # A lost match is handed back as a new activation equal to the one made when it was
        # gained (same match, same agenda key): the strategy finds a waiting one by its key,
        # and one that has fired is no longer on the agenda, so nothing is removed for it
        # (experta's RETE reports those too). So no activation is kept here: a large run
        # would otherwise keep one for every match it gained, and forget each as it fired.
        return _activations(rules, gained), _activations(rules, lost)


def _activations(rules: RuleBook, matches: list[Match]) -> list[MatchActivation]:
    """An activation for each match; a branch's matches come together, so its rule is
    looked up once for them (a large scenario's first declaration gains 220,000 matches)."""
    made = []
    branch, rule = -1, None
    for match in matches:
        if match.branch != branch:
            branch, rule = match.branch, rules[match.branch]
        made.append(MatchActivation(rule, match))
    return made


# ---------------------------------------------------------------------------- the class


class CompiledEngine(KnowledgeEngine):  # type: ignore[misc]
    """The base of every compiled engine class.

    ``declare`` and ``reset`` do what experta's do, in the same order and with the same fact
    ids, duplicate refusal and agenda updates; plain facts (:class:`PlainFact`) skip the checks
    and the per-fact validation that cannot fail for them.
    """

    def declare(self, *facts: Any) -> Any:
        if not self.facts or watchers.worth("FACTS", "INFO"):
            return super().declare(*facts)  # its warning before a reset, or its fact log
        return self._enter(facts)

    def reset(self, **kwargs: Any) -> None:
        if kwargs:  # experta hands each DefFacts the arguments its signature names
            super().reset(**kwargs)
            return
        self.reset_with()

    def reset_with(self, *facts: Any) -> Any:
        """``reset()`` then ``declare(*facts)``, with one matcher update for both: the agenda
        (ordered totally by :class:`.agenda.TotalOrderStrategy`) holds the same activations,
        as it depends only on what is in working memory, and the facts get the same ids; the
        rules that wait only for experta's initial fact are matched once instead of twice."""
        self.agenda = Agenda()
        self.facts = FactList()
        self.matcher.reset()
        initial = [fact for deffacts in self.get_deffacts() for fact in deffacts()]
        last = self._enter([*initial, *facts])
        self.running = False
        return last

    def _enter(self, facts: Iterable[Any]) -> Any:
        """experta's private declaration step: refuse patterns and nested accessors, put each
        new fact in the fact list (a duplicate is refused and gives None), then update the
        agenda unless a run is under way."""
        entering = [(fact, _undeclared_plain(fact)) for fact in facts]
        checked = [fact for fact, plain in entering if not plain]
        if any(fact.has_field_constraints() for fact in checked):
            raise TypeError("Declared facts cannot contain conditional elements")
        if any(fact.has_nested_accessor() for fact in checked):
            raise KeyError("Cannot declare facts containing double underscores as keys.")
        fact_list = self.facts
        counter = fact_list.reference_counter
        last = None
        for fact, plain in entering:
            if not plain:
                last = fact_list.declare(fact)
                continue
            # FactList._get_fact_id: a plain fact has no special keys before it is declared
            identity = frozenset([fact.__class__, *dict.items(fact)])
            # Counter.get: indexing a Counter calls its __missing__ in Python for a new fact
            declared = counter.get(identity, 0)
            if declared and not fact_list.duplication:
                last = None
                continue
            dict.__setitem__(fact, "__factid__", fact_list.last_index)  # experta's setter does
            fact_list[fact_list.last_index] = fact
            fact_list.last_index += 1
            fact_list.added.append(fact)
            counter[identity] = declared + 1
            last = fact
        if not self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
        return last

    def get_activations(self) -> tuple[list[Any], list[Any]]:
        facts = self.facts
        # asked at nearly every firing: a class attribute answers faster than isinstance on
        # experta's abstract Matcher
        if not (facts.added or facts.removed) and getattr(
            type(self.matcher), "silent_without_changes", False
        ):
            return [], []  # our matcher has nothing to say when no fact changed
        return super().get_activations()  # type: ignore[no-any-return]

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
