"""Turn a scenario and the culture profiles into the input facts of a run.

The order of the facts is canonical (by fact type, then by content) so the same situation
gives the same fact ids, and so the same firing order, however the scenario file was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter
from typing import NamedTuple

from ..errors import ScenarioError
from ..load.personal_profiles import position_scale_problems, practical_scales
from ..schemas.facts import (
    FACT_TYPES,
    CalendarOrigin,
    FactRecord,
    InputFacts,
    PositionOrigin,
    ProfileOrigin,
    Scalar,
    ScenarioOrigin,
)
from ..schemas.kb import CultureProfile
from ..schemas.knowledge_base import KnowledgeBase, Located
from ..schemas.scenario import Scenario
from .calendar import calendar_facts
from .personal_positions import Positions, personal_positions

_TYPE_ORDER = {name: position for position, name in enumerate(FACT_TYPES)}
_ORDER = attrgetter("order")

Draft = tuple[
    str, dict[str, Scalar], ScenarioOrigin | ProfileOrigin | CalendarOrigin | PositionOrigin
]


def _scenario_facts(scenario: Scenario) -> Iterator[Draft]:
    yield "culture", {"side": "home", "country": scenario.we.culture}, _at("we.culture")
    yield "culture", {"side": "counterpart", "country": scenario.they.culture}, _at("they.culture")
    yield from _organisation_facts(scenario)
    yield from _people_facts(scenario)
    for index, party in enumerate(scenario.parties):
        path = f"parties[{index}]"
        yield "culture", {"side": party.kind.value, "country": party.culture}, _at(path)
        base: dict[str, Scalar] = {"kind": party.kind.value, "country": party.culture}
        if not party.decides:
            yield "party", base, _at(path)
        for number, decided in enumerate(party.decides):
            yield "party", {**base, "decides": decided.value}, _at(f"{path}.decides[{number}]")
    relationship = scenario.relationship
    fields: dict[str, Scalar] = {
        "we_are": relationship.we_are.value,
        "stage": relationship.stage.value,
        "seen_as": relationship.they_see_us_as.value,
        "personal_contact": relationship.personal_contact.value,
    }
    paths = [
        "relationship.we_are",
        "relationship.stage",
        "relationship.they_see_us_as",
        "relationship.personal_contact",
    ]
    if relationship.months is not None:
        fields["months"] = relationship.months
        paths.append("relationship.months")
    if relationship.partnership is not None:
        fields["partnership"] = relationship.partnership.value
        paths.append("relationship.partnership")
    yield "relationship", fields, ScenarioOrigin(paths=tuple(paths))
    for index, goal in enumerate(scenario.goal):
        yield "goal", {"kind": goal.kind.value, "primary": index == 0}, _at(f"goal[{index}].kind")
    for index, preference in enumerate(scenario.they.preferences):
        yield "preference", {"kind": preference.value}, _at(f"they.preferences[{index}]")
    for index, action in enumerate(scenario.we_are_doing):
        action_fields: dict[str, Scalar] = {
            "kind": action.kind.value,
            "status": action.status.value,
        }
        yield "action", action_fields, _at(f"we_are_doing[{index}]")
    for index, observation in enumerate(scenario.we_observe):
        yield "observation", {"kind": observation.kind.value}, _at(f"we_observe[{index}]")


def _organisation_facts(scenario: Scenario) -> Iterator[Draft]:
    """One organisation fact per kind of organisation they are (none given: one without a
    kind), each with what else is known of the organisation."""
    shared: dict[str, Scalar] = {}
    paths = []
    if scenario.they.structure is not None:
        shared["structure"] = scenario.they.structure.value
        paths.append("they.structure")
    if scenario.they.corporate_culture is not None:
        shared["corporate_culture"] = scenario.they.corporate_culture
        paths.append("they.corporate_culture")
    for index, kind in enumerate(scenario.they.organisation_type):
        at = (f"they.organisation_type[{index}]", *paths)
        yield "organisation", {"type": kind.value, **shared}, ScenarioOrigin(paths=at)
    if shared and not scenario.they.organisation_type:
        yield "organisation", shared, ScenarioOrigin(paths=tuple(paths))


def _people_facts(scenario: Scenario) -> Iterator[Draft]:
    for index, person in enumerate(scenario.they.people):
        fields: dict[str, Scalar] = {
            "rank": person.rank.value,
            "contact": person.contact.value,
            "role": person.role,
        }
        optional: dict[str, Scalar | None] = {
            "culture": person.culture,
            "decision_role": person.decision_role and person.decision_role.value,
            "gender": person.gender and person.gender.value,
            "age": person.age and person.age.value,
            "years_in_other_culture": person.years_in_other_culture,
        }
        fields.update({name: value for name, value in optional.items() if value is not None})
        yield "person", fields, _at(f"they.people[{index}]")
    for index, ours in enumerate(scenario.we.people):
        our_fields: dict[str, Scalar] = {
            "rank": ours.rank.value,
            "role": ours.role,
            "leads": ours.leads,
        }
        extra: dict[str, Scalar | None] = {
            "gender": ours.gender and ours.gender.value,
            "culture": ours.culture,
            "years_in_other_culture": ours.years_in_other_culture,
        }
        our_fields.update({name: value for name, value in extra.items() if value is not None})
        yield "our_person", our_fields, _at(f"we.people[{index}]")


def _at(path: str) -> ScenarioOrigin:
    return ScenarioOrigin(paths=(path,))


def _personal_facts(side: str, people: Positions | None) -> Iterator[Draft]:
    """On each scale where ``people`` places the side's person, the score is their position."""
    for dimension, position in sorted((people or {}).items()):
        yield "score", _personal_fields(side, dimension, position), position


def _culture_facts(
    located: Located[CultureProfile], side: str, country: str, personal: frozenset[str]
) -> Iterator[Draft]:
    """A culture's profile scores; on a scale in ``personal`` (where a person's own position
    is the side's score) the culture's value is a ``national_score``."""
    for dimension, score in sorted(located.value.scores.items()):
        if score.value is None:  # a gap in the source is not a score of zero
            continue
        origin = ProfileOrigin(
            country=country,
            dimension=dimension,
            source=score.source,
            estimated=score.estimated,
            file=located.document.display_path,
        )
        value = _number(score.value)
        fields: dict[str, Scalar] = {
            "side": side,
            "dimension": dimension,
            "value": value,
            "estimated": score.estimated,
        }
        yield ("national_score" if dimension in personal else "score"), fields, origin
        if score.other_readings:
            values = [score.value, *(reading.value for reading in score.other_readings)]
            low, high = _number(min(values)), _number(max(values))
            spread_fields: dict[str, Scalar] = {
                "side": side,
                "dimension": dimension,
                "low": low,
                "high": high,
                "spread": _number(max(values) - min(values)),
            }
            sources = ", ".join([score.source, *(r.source for r in score.other_readings)])
            yield "score_spread", spread_fields, origin.model_copy(update={"source": sources})


# A named tuple: making a frozen dataclass costs every start about five times as much
# (Python compiles its six methods then), and this record of one module needs none of them.
class _Prepared(NamedTuple):
    """A draft with what deduplication and the canonical order compare, worked out once."""

    fact_type: str
    fields: dict[str, Scalar]
    """In field name order, as the fact record keeps them."""
    origin: ScenarioOrigin | ProfileOrigin | CalendarOrigin | PositionOrigin
    identity: tuple[str, tuple[tuple[str, Scalar], ...]]
    """Equal for two drafts of one fact: the first one given is kept."""
    order: tuple[int, tuple[tuple[str, str], ...]]
    """The canonical order: by fact type, then by each field's name and written value."""
    records: dict[int, FactRecord]
    """The fact's record at the first positions it has taken: a kept profile fact takes the
    same few positions in scenario after scenario, and records are frozen, so they are shared."""

    def record(self, index: int) -> FactRecord:
        found = self.records.get(index)
        if found is None:
            found = FactRecord(
                id=index, type=self.fact_type, fields=self.fields, origin=self.origin
            )
            if len(self.records) < _POSITIONS_KEPT:
                self.records[index] = found
        return found


def _prepare(draft: Draft) -> _Prepared:
    fact_type, fields, origin = draft
    in_order = sorted(fields.items())
    return _Prepared(
        fact_type,
        dict(in_order),
        origin,
        (fact_type, tuple(in_order)),
        (_TYPE_ORDER[fact_type], tuple([(name, repr(value)) for name, value in in_order])),
        {},
    )


_PROFILES_KEPT = 256
_POSITIONS_KEPT = 4
"""At most this many records of one kept fact (on the shipped scenarios, 9 in 10 take one
to three positions): with the profiles kept, a few tens of thousands of records at most."""
_profiles: dict[tuple[int, str, str, frozenset[str]], tuple[object, tuple[_Prepared, ...]]] = {}
"""Each culture's prepared profile facts by side, kept between scenarios: they are most of a
scenario's facts, and the same for every scenario on that culture. The key holds the profile's
identity, and the entry the profile itself, so an id is never reused while it is kept."""


def _profile_facts(
    knowledge_base: KnowledgeBase, side: str, country: str, personal: frozenset[str]
) -> tuple[_Prepared, ...]:
    located = knowledge_base.cultures.get(country)
    if located is None:
        return ()
    key = (id(located), side, country, personal)
    kept = _profiles.get(key)
    if kept is not None and kept[0] is located:
        return kept[1]
    prepared = tuple(_prepare(draft) for draft in _culture_facts(located, side, country, personal))
    if len(_profiles) >= _PROFILES_KEPT:
        _profiles.clear()
    _profiles[key] = (located, prepared)
    return prepared


def _number(value: float) -> Scalar:
    return int(value) if float(value).is_integer() else value


def _personal_fields(side: str, dimension: str, origin: PositionOrigin) -> dict[str, Scalar]:
    return {
        "side": side,
        "dimension": dimension,
        "value": _number(origin.position),
        "estimated": False,
        "basis": origin.basis.value,
        "person": origin.person,
        "band": _number(origin.band),
    }


def build_input_facts(scenario: Scenario, knowledge_base: KnowledgeBase) -> InputFacts:
    """The scenario's facts and both sides' profile scores, deduplicated, in canonical order."""
    drafts = list(_scenario_facts(scenario))
    drafts += calendar_facts(scenario)  # the dates, checked against their country's calendar
    scales = practical_scales(knowledge_base)
    problems = position_scale_problems(scenario, scales)
    if problems:
        raise ScenarioError(problems)
    ours, theirs = personal_positions(scenario)
    prepared = [_prepare(draft) for draft in drafts]
    prepared += map(_prepare, _personal_facts("home", ours))
    prepared += _profile_facts(knowledge_base, "home", scenario.we.culture, frozenset(ours))
    prepared += map(_prepare, _personal_facts("counterpart", theirs))
    prepared += _profile_facts(
        knowledge_base, "counterpart", scenario.they.culture, frozenset(theirs)
    )
    for party in scenario.parties:
        prepared += _profile_facts(knowledge_base, party.kind.value, party.culture, frozenset())
    unique: dict[tuple[str, tuple[tuple[str, Scalar], ...]], _Prepared] = {}
    for fact in prepared:
        unique.setdefault(fact.identity, fact)
    ordered = sorted(unique.values(), key=_ORDER)
    records = tuple(fact.record(index) for index, fact in enumerate(ordered))
    missing = tuple(
        sorted(
            {
                c
                for c in (
                    scenario.we.culture,
                    scenario.they.culture,
                    *(party.culture for party in scenario.parties),
                )
                if c not in knowledge_base.cultures
            }
        )
    )
    return InputFacts(facts=records, missing_profiles=missing)
