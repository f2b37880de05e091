"""Run a compiled knowledge base on input facts and record everything that happens.

experta has no hook that says what fired, so we drive its agenda ourselves (the same steps as
``KnowledgeEngine.run``): take the next activation, record the rule, its matched facts and
bindings, and declare its conclusions with their provenance. A duplicate conclusion is not lost:
it becomes one more firing that supports the existing fact.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from ..errors import MatchBoundError, RunawayRulesError
from ..schemas.facts import FactRecord, InputFacts, RuleOrigin, Scalar
from ..schemas.results import Firing, RunResult
from ..schemas.rules import Pattern
from .compiler import CompiledKB, make_fact
from .experta_engine import MatchActivation
from .experta_rules import PATTERN_PREFIX
from .garbage_collection import collection_paused
from .network_state import MatchBoundExceededError
from .witnesses import FactsSoFar

_LOOP_WINDOW = 50
Trusted = TypeVar("Trusted", bound=BaseModel)

MIN_STEP_LIMIT = 10_000
"""The automatic step limit is never lower than this many firings."""
STEPS_PER_BRANCH_AND_FACT = 50
"""The automatic step limit grows by this many firings per rule branch and per input fact."""


def automatic_step_limit(compiled: CompiledKB, facts: InputFacts) -> int:
    """The firings a run may make when no limit is given.

    Conclusions are never retracted and a match fires once, so a run always ends; what the
    limit stops is a run whose firings grow faster than the work it was given, the mark of
    rules matching every combination of facts instead of the facts themselves. A large
    knowledge base on a large scenario legitimately fires more (10,000 synthetic rules on
    10,000 facts fire 587,000 times, under a limit of 1.1 million), so the limit grows with
    both: a real scenario on the shipped KB (750 branches, about 90 facts) may fire about
    42,000 times and fires at most 70. Runaway combinations are stopped earlier, while they
    are matched, by the match bound (:mod:`.network_state`).
    """
    grown = STEPS_PER_BRANCH_AND_FACT * (len(compiled.branches) + len(facts.facts))
    return max(MIN_STEP_LIMIT, grown)


_SCALARS = frozenset({str, int, float, bool})


def _plain(value: Any) -> Scalar:
    if type(value) in _SCALARS:  # the quick answer for almost every value
        plain: Scalar = value
        return plain
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def run(compiled: CompiledKB, facts: InputFacts, step_limit: int | None = None) -> RunResult:
    """Fire every rule that applies, in the strategy's total order; see module docs.

    More than ``step_limit`` firings raise :class:`RunawayRulesError` (None: the
    :func:`automatic_step_limit`); a rule whose patterns match too many combinations of facts
    raises :class:`MatchBoundError` (see :mod:`.network_state`). The run uses the calling
    thread's engine (:meth:`CompiledKB.engine`), so threads may run the same compiled KB at once.

    The cyclic collector is held off during the run, as while advising (:mod:`.garbage_collection`):
    a run makes no cycles, and a large one makes enough objects for collections that walk the
    whole compiled KB again and again.
    """
    try:
        with collection_paused():
            return _run(compiled, facts, step_limit)
    except MatchBoundExceededError as exceeded:
        raise _match_bound_error(compiled, exceeded) from None


def _match_bound_error(compiled: CompiledKB, exceeded: MatchBoundExceededError) -> MatchBoundError:
    branch = compiled.branches[exceeded.branch]
    located = branch.expansion.located
    patterns = [atom.patterns[0] for atom in branch.atoms if atom.kind == "pattern"]
    described = "; ".join(
        _pattern_text(pattern.fact_type, pattern.tests) for pattern in patterns[: exceeded.patterns]
    )
    scope = (
        f"the run's bound of {exceeded.limit:,} matches held by all rules together"
        if exceeded.per_run
        else f"the bound of {exceeded.limit:,} partial matches per rule"
    )
    message = (
        f"{located.location()}: rule {branch.rule_id!r} matched {exceeded.count:,} combinations "
        f"of facts with its first {exceeded.patterns} patterns ({described}), past {scope}, "
        "so the run was stopped before it used all memory. Patterns that share no variable "
        "match every combination of their facts: join them with a variable (as: x in one, "
        "x in the other), narrow them with field tests, or advise on fewer facts at a time."
    )
    return MatchBoundError(message, branch.rule_id, exceeded.count, exceeded.limit)


def _pattern_text(fact_type: str, tests: Mapping[str, Any]) -> str:
    """A pattern as it is written in YAML's flow style: ``person {rank: working}``."""

    def test_text(test: Any) -> str:
        written = test.model_dump(mode="json", by_alias=True, exclude_none=True)
        if set(written) == {"equals"}:
            return str(written["equals"])
        return "{" + ", ".join(f"{key}: {value}" for key, value in written.items()) + "}"

    fields = ", ".join(f"{name}: {test_text(test)}" for name, test in sorted(tests.items()))
    return f"{fact_type} {{{fields}}}"


def _limit_and_why(
    compiled: CompiledKB, facts: InputFacts, step_limit: int | None
) -> tuple[int, str]:
    """The run's step limit, and how it was set, for the message that stops a run."""
    if step_limit is not None:
        return step_limit, "the limit given"
    why = (
        f"the automatic limit: {STEPS_PER_BRANCH_AND_FACT} firings per rule branch and per "
        f"input fact, here {len(compiled.branches):,} branches and {len(facts.facts):,} facts, "
        f"and at least {MIN_STEP_LIMIT:,}"
    )
    return automatic_step_limit(compiled, facts), why


_set_attribute = object.__setattr__  # a frozen model refuses its own __setattr__
_new_model = BaseModel.__new__


def _restored(model: type[Trusted], values: dict[str, Any]) -> Trusted:
    """A model from values the run made, one for every field and of the field's type, restored
    as unpickling restores a model: those field values, every field set, nothing extra.

    Validating hundreds of thousands of firings would double a large run's memory (pydantic
    copies what it validates), and ``model_construct``, which also trusts its values, spends
    a large run's longest single step looking for aliases and defaults these do not have.
    The four attributes are set as the model's ``__setstate__`` sets them from a pickled
    state, without making that state's dict for each firing (2 us a firing less, about a
    tenth of a large run's time outside matching).
    """
    restored = _new_model(model)
    _set_attribute(restored, "__dict__", values)
    _set_attribute(restored, "__pydantic_fields_set__", _every_field(model))
    _set_attribute(restored, "__pydantic_extra__", None)
    _set_attribute(restored, "__pydantic_private__", None)
    return restored


@functools.cache
def _every_field(model: type[BaseModel]) -> set[str]:
    # one set shared by every instance: pydantic changes a model's set only when a field is
    # assigned, which a frozen model refuses
    return set(model.model_fields)


class _ActivationReader:
    """What a firing records of its activation: our ids of the facts it matched, in pattern
    order, and its bindings, read once for each bindings object of our network.

    The network shares a partial match's bindings with every match extended from it without
    binding more (they are never changed once made), so a large run's firings hold few
    distinct ones (3,739 objects among 238,121 firings at 5,000 rules x 10,000 facts): those
    firings share one recorded dict each, which saves sorting and converting the same values
    again and a dict per firing. experta's RETE gives each activation its own context, so its
    activations are read one by one, as before.
    """

    def __init__(self, our_id: dict[int, int]) -> None:
        self.our_id = our_id
        # the source is kept with its dict, so its id is not reused by another while we run
        self._by_source: dict[int, tuple[Mapping[str, Any], dict[str, Scalar]]] = {}

    def read(self, activation: Any) -> tuple[tuple[int, ...], dict[str, Scalar]]:
        our_id = self.our_id
        if not isinstance(activation, MatchActivation):
            return _read_context(activation.context, our_id)
        match = activation.match
        return tuple([our_id[fact_id] for fact_id in match.key]), self.recorded(match.bindings)

    def recorded(self, bindings: Mapping[str, Any]) -> dict[str, Scalar]:
        known = self._by_source.get(id(bindings))
        if known is not None:
            return known[1]
        recorded = _recorded(bindings)
        self._by_source[id(bindings)] = (bindings, recorded)
        return recorded


def _read_context(
    context: Mapping[str, Any], our_id: dict[int, int]
) -> tuple[tuple[int, ...], dict[str, Scalar]]:
    """experta's RETE: its context names the facts _p0, _p1, ... then the variables."""
    matched_facts: list[Any] = []
    while f"{PATTERN_PREFIX}{len(matched_facts)}" in context:
        matched_facts.append(context[f"{PATTERN_PREFIX}{len(matched_facts)}"])
    return tuple([our_id[fact["__factid__"]] for fact in matched_facts]), _recorded(context)


def _recorded(variables: Mapping[str, Any]) -> dict[str, Scalar]:
    """The variables a firing records: by name, plain values, without experta's ``_pN``."""
    return {
        name: _plain(value) for name, value in sorted(variables.items()) if not name.startswith("_")
    }


ExistencePatterns = tuple[tuple[Pattern, ...], ...]
RuleRecord = tuple[Any, str, int, tuple[int, ...], ExistencePatterns]


class _Findings:
    """The findings a run concludes: each declared to experta once, on its first conclusion,
    with our id after the input facts', and the firings that concluded it."""

    def __init__(
        self, compiled: CompiledKB, engine: Any, facts: InputFacts, our_id: dict[int, int]
    ) -> None:
        self.compiled = compiled
        self.engine = engine
        self.first_id = len(facts.facts)
        self.our_id = our_id
        self.names: list[str] = []
        # for the witnesses of each firing's exists: reads our list of names as it grows
        self.so_far = FactsSoFar(facts.facts, self.names, self.first_id)
        self.ids: dict[str, int] = {}
        self.concluded_by: dict[int, list[int]] = {}

    def ids_of(self, conclusions: Iterable[str]) -> tuple[int, ...]:
        """Our ids of ``conclusions``, declaring those not concluded before."""
        ids = []
        for name in conclusions:
            finding_id = self.ids.get(name)
            if finding_id is None:
                finding_id = self.ids[name] = self.first_id + len(self.names)
                # as an input fact no pattern can read (_declare_inputs), one that no rule
                # reads is not given to experta: it could change no activation, and at 5,000
                # synthetic rules most firings at 100 facts conclude a finding nothing reads
                if self.compiled.reads_finding(name):
                    fields = {"name": name}
                    fact = self.engine.declare(make_fact(self.compiled, "finding", fields))
                    self.our_id[fact["__factid__"]] = finding_id
                self.names.append(name)
                self.concluded_by[finding_id] = []
            ids.append(finding_id)
        return tuple(ids)

    def records(self) -> tuple[FactRecord, ...]:
        """Each finding's record, made once the run is over, with every firing that concluded
        it (each record and its origin restored as :func:`_restored` does, written out: a run
        on 5,000 synthetic rules concludes a finding at nearly every firing)."""
        record_fields, origin_fields = _every_field(FactRecord), _every_field(RuleOrigin)
        concluded_by = self.concluded_by
        made = []
        for name, finding_id in self.ids.items():
            origin = _new_model(RuleOrigin)
            _set_attribute(
                origin, "__dict__", {"kind": "rule", "firings": tuple(concluded_by[finding_id])}
            )
            _set_attribute(origin, "__pydantic_fields_set__", origin_fields)
            _set_attribute(origin, "__pydantic_extra__", None)
            _set_attribute(origin, "__pydantic_private__", None)
            record = _new_model(FactRecord)
            _set_attribute(
                record,
                "__dict__",
                {"id": finding_id, "type": "finding", "fields": {"name": name}, "origin": origin},
            )
            _set_attribute(record, "__pydantic_fields_set__", record_fields)
            _set_attribute(record, "__pydantic_extra__", None)
            _set_attribute(record, "__pydantic_private__", None)
            made.append(record)
        return tuple(made)


class _FiringRules:
    """What a firing records of its rule branch, found at the first firing of each experta rule
    in a run: our rule's id, the branch's number, our ids of the findings it concludes (the
    same at every firing, as a finding keeps its id) and its ``exists`` patterns."""

    def __init__(self, findings: _Findings) -> None:
        self.findings = findings
        # the experta rule is kept with its answer, so its id is not reused while we run
        self._known: dict[int, RuleRecord] = {}

    def of(self, experta_rule: Any) -> RuleRecord:
        known = self._known.get(id(experta_rule))
        if known is None:
            # made with the rule (experta_rules.experta_rule), once per compiled KB
            rule_id, branch_number, conclusions, existence = experta_rule.synergy_firing
            concluded = self.findings.ids_of(conclusions)
            known = (experta_rule, rule_id, branch_number, concluded, existence)
            self._known[id(experta_rule)] = known
        return known


def _run(compiled: CompiledKB, facts: InputFacts, given_limit: int | None) -> RunResult:
    step_limit, how_limited = _limit_and_why(compiled, facts, given_limit)
    engine = compiled.engine()
    our_id = _declare_inputs(compiled, engine, facts)
    findings = _Findings(compiled, engine, facts, our_id)
    rule_of = _FiringRules(findings).of
    engine.running = True  # conclusions then wait for the next agenda update, as in experta
    try:
        firings, finished = _fire(engine, rule_of, findings, step_limit)
    finally:
        engine.running = False
    if not finished:
        recent = Counter(firing.rule for firing in firings[-_LOOP_WINDOW:])
        looping = [rule for rule, _ in recent.most_common(5)]
        raise RunawayRulesError(step_limit, looping, how_limited)
    return RunResult(
        facts=facts.facts + findings.records(),
        firings=tuple(firings),
        missing_profiles=facts.missing_profiles,
    )


def _fire(
    engine: Any, rule_of: Callable[[Any], RuleRecord], findings: _Findings, step_limit: int
) -> tuple[list[Firing], bool]:
    """Fire the agenda's activations in order until none is left (True) or ``step_limit``
    firings were made and another waits (False), recording each; experta's own loop
    (``KnowledgeEngine.run``) takes the same steps.

    Everything here is done at every firing, hundreds of thousands of times in a large run,
    so what does not change from one firing to the next is found once: the rule of a row of
    activations of the same rule, the bindings a row of matches shares.
    """
    our_id, concluded_by, so_far = findings.our_id, findings.concluded_by, findings.so_far
    fact_list, agenda = engine.facts, engine.agenda
    update_agenda = engine.strategy.update_agenda
    # Our matcher has nothing to say until a fact changes, and most firings conclude nothing
    # new, so it is asked only after a declaration; experta's RETE at every firing, as
    # experta's own loop asks it.
    ask_always = not getattr(type(engine.matcher), "silent_without_changes", False)
    recorded = _ActivationReader(our_id).recorded
    fields_set = _every_field(Firing)
    last_rule: Any = None
    last_source: Any = None
    firings: list[Firing] = []
    while True:
        if ask_always or fact_list.added or fact_list.removed:
            added, removed = engine.get_activations()
            if added or removed:
                update_agenda(agenda, added, removed)
        activation = agenda.get_next()
        if activation is None:
            return firings, True
        if len(firings) >= step_limit:
            return firings, False
        if activation.rule is not last_rule:  # a rule's activations often come in a row
            last_rule, rule_id, branch_number, concluded, existence = rule_of(activation.rule)
        if isinstance(activation, MatchActivation):
            match = activation.match
            matched = tuple([our_id[fact_id] for fact_id in match.key])
            if match.bindings is not last_source:  # matches in a row often share them
                last_source = match.bindings
                bindings = recorded(last_source)
        else:
            matched, bindings = _read_context(activation.context, our_id)
            last_source = None
        number = len(firings) + 1
        for finding_id in concluded:
            concluded_by[finding_id].append(number)
        # restored as _restored restores a model, written out: it is every firing's step
        firing = _new_model(Firing)
        _set_attribute(
            firing,
            "__dict__",
            {
                "number": number,
                "rule": rule_id,
                "branch": branch_number,
                "facts": matched,
                "bindings": bindings,
                "witnesses": so_far.witnesses(existence, bindings) if existence else (),
                "concluded": concluded,
            },
        )
        _set_attribute(firing, "__pydantic_fields_set__", fields_set)
        _set_attribute(firing, "__pydantic_extra__", None)
        _set_attribute(firing, "__pydantic_private__", None)
        firings.append(firing)


def _declare_inputs(compiled: CompiledKB, engine: Any, facts: InputFacts) -> dict[int, int]:
    """Reset the engine and declare the input facts some rule could read; returns our id of
    each by experta's."""
    readable = [fact for fact in facts.facts if compiled.reads(fact.type, fact.fields)]
    made = [make_fact(compiled, fact.type, fact.fields) for fact in readable]
    # The input facts enter the matcher together, with experta's initial fact (DESIGN §5).
    engine.reset_with(*made)
    return {fact["__factid__"]: record.id for record, fact in zip(readable, made, strict=True)}
