"""Run a compiled knowledge base on input facts and record everything that happens.

experta has no hook that says what fired, so we drive its agenda ourselves (the same steps as
``KnowledgeEngine.run``): take the next activation, record the rule, its matched facts and
bindings, and declare its conclusions with their provenance. A duplicate conclusion is not lost:
it becomes one more firing that supports the existing fact.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import RunawayRulesError
from ..rules.matching import pattern_accepts
from ..schemas.facts import FactRecord, InputFacts, RuleOrigin, Scalar
from ..schemas.results import Firing, RunResult
from .branches import CompiledBranch
from .compiler import CompiledKB, make_fact
from .experta_rules import PATTERN_PREFIX

_LOOP_WINDOW = 50


def _plain(value: Any) -> Scalar:
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _witnesses(
    branch: CompiledBranch, records: list[FactRecord], bindings: dict[str, Scalar]
) -> tuple[int, ...]:
    """For each ``exists`` condition, the first fact (in canonical order) meeting each pattern."""
    found: list[int] = []
    for patterns in branch.existence:
        for pattern in patterns:
            witness = next(
                (
                    record.id
                    for record in records
                    if pattern_accepts(pattern, record.type, record.fields, bindings)
                ),
                None,
            )
            if witness is not None and witness not in found:
                found.append(witness)
    return tuple(found)


def run(compiled: CompiledKB, facts: InputFacts, step_limit: int) -> RunResult:
    """Fire every rule that applies, in the strategy's total order; see module docs.

    More than ``step_limit`` firings raise :class:`RunawayRulesError` (the default is the
    pipeline's). The run uses the calling thread's engine (:meth:`CompiledKB.engine`), so
    threads may run the same compiled KB at once.
    """
    engine = compiled.engine()
    engine.reset()
    # One declare call: the input facts then enter the matcher together (DESIGN §5).
    readable = [fact for fact in facts.facts if compiled.reads(fact.type, fact.fields)]
    engine.declare(*(make_fact(compiled, fact.type, fact.fields) for fact in readable))
    our_id: dict[int, int] = {}
    declared = [fact for fact in engine.facts.values() if type(fact).__name__ != "InitialFact"]
    for record, fact in zip(readable, declared, strict=True):
        our_id[fact["__factid__"]] = record.id

    records: list[FactRecord] = list(facts.facts)
    finding_ids: dict[str, int] = {}
    concluded_by: dict[int, list[int]] = {}
    firings: list[Firing] = []
    rules = compiled.knowledge_base.rules
    index_of = compiled.branch_at

    engine.running = True  # conclusions then wait for the next agenda update, as in experta
    try:
        while True:
            added, removed = engine.get_activations()
            engine.strategy.update_agenda(engine.agenda, added, removed)
            activation = engine.agenda.get_next()
            if activation is None:
                break
            if len(firings) >= step_limit:
                recent = Counter(firing.rule for firing in firings[-_LOOP_WINDOW:])
                raise RunawayRulesError(step_limit, [rule for rule, _ in recent.most_common(5)])
            branch = index_of[(activation.rule.synergy_rule_index, activation.rule.synergy_branch)]
            rule = rules[branch.rule_index].value
            number = len(firings) + 1
            matched: list[int] = []
            position = 0
            while f"{PATTERN_PREFIX}{position}" in activation.context:
                fact = activation.context[f"{PATTERN_PREFIX}{position}"]
                matched.append(our_id[fact["__factid__"]])
                position += 1
            bindings = {
                name: _plain(value)
                for name, value in sorted(activation.context.items())
                if not name.startswith("_")
            }
            concluded: list[int] = []
            for finding in rule.then.conclude:
                if finding not in finding_ids:
                    new = engine.declare(make_fact(compiled, "finding", {"name": finding}))
                    finding_ids[finding] = len(records)
                    our_id[new["__factid__"]] = len(records)
                    records.append(
                        FactRecord(
                            id=len(records),
                            type="finding",
                            fields={"name": finding},
                            origin=RuleOrigin(firings=(number,)),
                        )
                    )
                concluded.append(finding_ids[finding])
                concluded_by.setdefault(finding_ids[finding], []).append(number)
            witnesses = _witnesses(branch, records, bindings)
            firings.append(
                Firing(
                    number=number,
                    rule=rule.id,
                    branch=branch.branch,
                    facts=tuple(matched),
                    bindings=bindings,
                    witnesses=witnesses,
                    concluded=tuple(concluded),
                )
            )
    finally:
        engine.running = False

    final_records = tuple(
        record.model_copy(update={"origin": RuleOrigin(firings=tuple(concluded_by[record.id]))})
        if record.id in concluded_by
        else record
        for record in records
    )
    return RunResult(
        facts=final_records, firings=tuple(firings), missing_profiles=facts.missing_profiles
    )
