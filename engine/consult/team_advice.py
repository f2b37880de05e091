"""The team advice that follows from a gap on one scale: the knowledge base's advice of topic
``teams`` that a rule written for managers gives on the strength of that scale, found by
following the rule's conditions back, through the findings they need, to the score facts they
test. Each item carries why it applies (the rule, and the gap rule it rests on)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..schemas.conditions import applies_to
from ..schemas.knowledge_base import KnowledgeBase

_TEAM_TOPIC = "teams"
_TEAM_ROLE = "manager"
_CHAIN_DEPTH = 4  # findings resting on findings: the team rules go at most this deep


def team_advice_index(
    knowledge_base: KnowledgeBase,
) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """Scale id to the team advice a team rule gives on the strength of that scale: (advice id,
    why it applies, the rule's sources), each advice once per scale, the rules resting most
    directly on the scale first."""
    located_rules = list(knowledge_base.rules)
    rules = [located.value for located in located_rules]
    concluding: dict[str, list[Any]] = {}
    for rule in rules:
        for finding, weight in (rule.then.conclude or {}).items():
            if weight > 0:
                concluding.setdefault(finding, []).append(rule)
    found: dict[str, list[tuple[int, float, int, str, str, tuple[str, ...]]]] = {}
    for order, located in enumerate(located_rules):
        rule = located.value
        # A team is managed: rules written for buyers or acquirers speak of other relations.
        roles = {role.value for role in applies_to(located)}
        if rule.topic != _TEAM_TOPIC or (roles and _TEAM_ROLE not in roles):
            continue
        supported = [
            (advice_id, weight)
            for advice_id, weight in (rule.then.support or {}).items()
            if weight > 0
            and advice_id in knowledge_base.advice
            and knowledge_base.advice[advice_id].value.topic == _TEAM_TOPIC
        ]
        if not supported:
            continue
        for scale, (through, depth) in _scales_of(rule, concluding, _CHAIN_DEPTH).items():
            route = f", through rule {through!r}" if through != rule.id else ""
            why = (
                f"rule {rule.id!r} ({rule.title}) gives it on a gap in "
                f"{knowledge_base.dimensions[scale].value.name.lower()}{route}"
            )
            found.setdefault(scale, []).extend(
                (depth, -weight, order, advice_id, why, tuple(rule.sources))
                for advice_id, weight in supported
            )
    index: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for scale, entries in found.items():
        kept = index.setdefault(scale, [])
        # most direct first, then the strongest support, then the KB's order
        for *_rank, advice_id, why, sources in sorted(entries, key=lambda e: e[:3]):
            if all(entry[0] != advice_id for entry in kept):
                kept.append((advice_id, why, sources))
    return index


def _scales_of(
    rule: Any, concluding: dict[str, list[Any]], depth: int
) -> dict[str, tuple[str, int]]:
    """The scales a rule rests on, each with the rule that tests it and how many findings lie
    between: a rule tests a scale when every score it tests is on that one scale (a gap rule;
    a rule testing several scales at once, such as one finding two cultures close, says
    nothing about a gap on any one of them). Negated conditions do not count: a rule that
    needs a finding absent does not rest on what would conclude it."""
    when = rule.model_dump(mode="json", exclude_none=True).get("when", [])
    tested = set(_named(when, "score", "dimension"))
    found = {tested.pop(): (rule.id, 0)} if len(tested) == 1 else {}
    if depth > 0:
        for finding in _named(when, "finding", "name"):
            for source in concluding.get(finding, []):
                for scale, (through, steps) in _scales_of(source, concluding, depth - 1).items():
                    if scale not in found or found[scale][1] > steps + 1:
                        found[scale] = (through, steps + 1)
    return found


def _named(condition: Any, kind: str, field: str) -> Iterator[str]:
    """Every value of ``field`` in the ``kind`` conditions below ``condition``, outside ``not``."""
    if isinstance(condition, list):
        for part in condition:
            yield from _named(part, kind, field)
    elif isinstance(condition, dict):
        for key, value in condition.items():
            if key == "not":
                continue
            if key == kind and isinstance(value, dict):
                yield from _values(value.get(field))
            else:
                yield from _named(value, kind, field)


def _values(test: Any) -> Iterator[str]:
    if isinstance(test, str):
        yield test
    elif isinstance(test, dict):
        for key in ("equals", "one_of"):
            yield from _values(test.get(key))
    elif isinstance(test, list):
        for item in test:
            yield from _values(item)
