"""Synthetic, domain-shaped knowledge bases written in our own YAML rule format.

A KB of N rules is written as real files (``kb.yaml``, sources, dimensions, findings, advice,
rules) into a directory, so it goes through :func:`engine.loader.load_knowledge_base` like the
shipped one. Rules are drawn from a seeded generator and look like ours:

* **thresholds**: ``score: {side, dimension, value: {at_least|at_most: k}}``;
* **gap joins**: ``score: {side: home, dimension: d, value: {as: ours}}`` then
  ``score: {side: counterpart, dimension: d, value: {at_least: {var: ours, plus: g}}}``;
* **equality joins**: ``culture: {side: counterpart, country: {as: c}}`` then
  ``person: {culture: {as: c}, rank: r}`` (the same variable in two patterns);
* **situation tests**: an observation, action, goal or relationship value;
* **negation** (about 45% of rules): ``not`` an organisation structure, observation, action or
  person; negations only name scenario facts, never findings, so the result does not depend on
  firing order and two engines can be compared exactly;
* **chaining** (about 30% of rules): ``finding: {name: f}`` where f is concluded by an earlier
  rule.

Each rule concludes a finding and most support or oppose an advice. Scenarios are hand-built
:class:`engine.schemas.facts.InputFacts` of M facts; see :func:`input_facts` for the mix.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from synergy_compass.engine.schemas import vocabulary
from synergy_compass.engine.schemas.facts import FactRecord, InputFacts, Scalar, ScenarioOrigin

DIMENSIONS = 40
COUNTRIES = ("US", "JP", "DE", "FR", "BR", "IN", "CN", "GB", "NL", "MX")
SOURCE = "synthetic-benchmark"

RANKS = tuple(member.value for member in vocabulary.Rank)
CONTACTS = tuple(member.value for member in vocabulary.Contact)
ACTIONS = tuple(member.value for member in vocabulary.Action)
OBSERVATIONS = tuple(member.value for member in vocabulary.Observation)
GOALS = tuple(member.value for member in vocabulary.GoalKind)
STRUCTURES = tuple(member.value for member in vocabulary.Structure)
ORGANISATION_TYPES = tuple(member.value for member in vocabulary.OrganisationType)
STAGES = tuple(member.value for member in vocabulary.RelationshipStage)
SEEN_AS = tuple(member.value for member in vocabulary.SeenAs)
PERSONAL_CONTACT = tuple(member.value for member in vocabulary.PersonalContact)


def dimension_id(index: int) -> str:
    return f"dim-{index:02d}"


def finding_id(index: int) -> str:
    return f"f-{index:04d}"


def advice_id(index: int) -> str:
    return f"a-{index:04d}"


Condition = dict[str, Any]
_DIMENSION_WEIGHTS = tuple(1 / (rank + 1) for rank in range(DIMENSIONS))


@dataclass
class _RuleWriter:
    rng: random.Random
    index: int

    def dimension(self) -> str:
        # A few dimensions are tested far more often than others, as in the shipped KB (Zipf).
        return dimension_id(self.rng.choices(range(DIMENSIONS), _DIMENSION_WEIGHTS)[0])

    def threshold(self) -> list[Condition]:
        side = self.rng.choice(("home", "counterpart"))
        operator = self.rng.choice(("at_least", "at_most"))
        bound = self.rng.randrange(20, 81, 5)
        test = {operator: bound}
        return [{"score": {"side": side, "dimension": self.dimension(), "value": test}}]

    def gap_join(self) -> list[Condition]:
        dimension = self.dimension()
        ours = f"ours{self.index}_{self.rng.randrange(1000)}"
        gap = self.rng.randrange(10, 41, 5)
        operator, plus = self.rng.choice((("at_least", gap), ("at_most", -gap)))
        return [
            {"score": {"side": "home", "dimension": dimension, "value": {"as": ours}}},
            {
                "score": {
                    "side": "counterpart",
                    "dimension": dimension,
                    "value": {operator: {"var": ours, "plus": plus}},
                }
            },
        ]

    def equality_join(self) -> list[Condition]:
        theirs = f"theirs{self.rng.randrange(1000)}"
        return [
            {"culture": {"side": "counterpart", "country": {"as": theirs}}},
            # senior people only: a rule that fires once per person stays a few firings
            {"person": {"culture": {"as": theirs}, "rank": self.rng.choice(("top", "senior"))}},
        ]

    def situation(self) -> list[Condition]:
        kind = self.rng.randrange(4)
        if kind == 0:
            return [{"observation": {"kind": self.rng.choice(OBSERVATIONS)}}]
        if kind == 1:
            return [{"action": {"kind": self.rng.choice(ACTIONS)}}]
        if kind == 2:
            return [{"goal": {"kind": self.rng.choice(GOALS)}}]
        return [{"relationship": {"stage": self.rng.sample(STAGES, 2)}}]

    def negation(self) -> Condition:
        kind = self.rng.randrange(4)
        if kind == 0:
            return {"not": {"organisation": {"structure": self.rng.choice(STRUCTURES)}}}
        if kind == 1:
            return {"not": {"observation": {"kind": self.rng.choice(OBSERVATIONS)}}}
        if kind == 2:
            return {"not": {"action": {"kind": self.rng.choice(ACTIONS)}}}
        return {"not": {"person": {"rank": "top", "contact": self.rng.choice(CONTACTS)}}}

    def conditions(self) -> list[Condition]:
        makers = (self.threshold, self.gap_join, self.equality_join, self.situation)
        weights = (45, 30, 10, 15)
        when: list[Condition] = []
        for maker in self.rng.choices(makers, weights, k=self.rng.choice((1, 1, 2))):
            when += maker()
        if self.index > 0 and self.rng.random() < 0.3:
            earlier = self.rng.randrange(max(0, self.index - 60), self.index)
            when.insert(0, {"finding": {"name": finding_id(earlier)}})
        if self.rng.random() < 0.45:
            when.append(self.negation())
        return when

    def rule(self, advice_count: int) -> dict[str, Any]:
        then: dict[str, Any] = {"conclude": {finding_id(self.index): 0.8}}
        if self.rng.random() < 0.8:
            certainty = self.rng.choice((0.4, 0.6, 0.8, -0.5))
            then["support"] = {advice_id(self.rng.randrange(advice_count)): certainty}
        return {
            "id": f"r-{self.index:04d}",
            "title": f"Synthetic rule {self.index}",
            "status": "test",
            "topic": "relationship",
            "rationale": "Generated for the benchmark.",
            "sources": [SOURCE],
            "when": self.conditions(),
            "then": then,
        }


def write_knowledge_base(directory: Path, rules: int, seed: int = 7) -> Path:
    """Write a KB of ``rules`` rules into ``directory`` (created); return it."""
    rng = random.Random(seed)
    advice_count = max(1, rules // 4)
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {
        "kb.yaml": {"knowledge_base": {"name": f"synthetic {rules}", "version": "1.0.0"}},
        "sources/synthetic.yaml": {
            "sources": [{"id": SOURCE, "title": "Synthetic benchmark data", "kind": "dataset"}]
        },
        "dimensions.yaml": {
            "dimensions": [
                {
                    "id": dimension_id(index),
                    "name": f"Dimension {index}",
                    "framework": "synthetic",
                    "low_pole": "low",
                    "high_pole": "high",
                    "sources": [SOURCE],
                }
                for index in range(DIMENSIONS)
            ]
        },
        "findings/synthetic.yaml": {
            "findings": [
                {"id": finding_id(index), "title": f"Finding {index}", "explanation": "Generated."}
                for index in range(rules)
            ]
        },
        "advice/synthetic.yaml": {
            "advice": [
                {
                    "id": advice_id(index),
                    "title": f"Advice {index}",
                    "advice": "Generated.",
                    "steps": ["Do it."],
                    "topic": "relationship",
                    "stage": "now",
                    "sources": [SOURCE],
                }
                for index in range(advice_count)
            ]
        },
        "rules/synthetic.yaml": {
            "rules": [_RuleWriter(rng, index).rule(advice_count) for index in range(rules)]
        },
    }
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(content, sort_keys=False, width=100), encoding="utf-8")
    return directory


@dataclass(frozen=True)
class FactMix:
    """How M facts are made up (see :func:`fact_mix`)."""

    scores: int
    actions: int
    observations: int
    people: int


SITUATION_FACTS = 5  # two cultures, the organisation, the relationship, the goal


def fact_mix(total: int) -> FactMix:
    """M = 5 situation facts + score facts (2 per dimension, up to 40 dimensions) + actions +
    observations + people. At M=100 (about a real scenario: the shipped ones have 51-96 facts,
    about 62 of them scores) it is 56 scores, 7 actions, 9 observations and 23 people; at
    M=1000, all 80 scores, every action and observation, and 852 people (a large organisation).
    """
    rest = total - SITUATION_FACTS
    scores = min(2 * DIMENSIONS, (rest * 6 // 10) // 2 * 2)
    actions = min(len(ACTIONS), rest // 12)
    observations = min(len(OBSERVATIONS), max(1, rest // 10))
    return FactMix(scores, actions, observations, rest - scores - actions - observations)


def input_facts(total: int, seed: int) -> InputFacts:
    """M = ``total`` distinct input facts in our canonical shape, drawn from ``seed``."""
    rng = random.Random(seed)
    mix = fact_mix(total)
    home, counterpart = rng.sample(COUNTRIES, 2)
    drafts: list[tuple[str, dict[str, Scalar]]] = [
        ("culture", {"side": "home", "country": home}),
        ("culture", {"side": "counterpart", "country": counterpart}),
        (
            "organisation",
            {"type": rng.choice(ORGANISATION_TYPES), "structure": rng.choice(STRUCTURES)},
        ),
        (
            "relationship",
            {
                "stage": rng.choice(STAGES),
                "months": rng.randrange(0, 60),
                "seen_as": rng.choice(SEEN_AS),
                "personal_contact": rng.choice(PERSONAL_CONTACT),
            },
        ),
        ("goal", {"kind": rng.choice(GOALS)}),
    ]
    for index in range(mix.scores // 2):
        for side in ("home", "counterpart"):
            value: Scalar = rng.randrange(0, 101)
            fields = {"side": side, "dimension": dimension_id(index), "value": value}
            drafts.append(("score", {**fields, "estimated": False}))
    drafts += [("action", {"kind": kind}) for kind in rng.sample(ACTIONS, mix.actions)]
    drafts += [
        ("observation", {"kind": kind}) for kind in rng.sample(OBSERVATIONS, mix.observations)
    ]
    people_cultures = (counterpart, counterpart, home, *COUNTRIES)
    for index in range(mix.people):
        person: dict[str, Scalar] = {
            "rank": rng.choices(RANKS, (1, 3, 8, 20))[0],
            "contact": rng.choice(CONTACTS),
            "culture": rng.choice(people_cultures),
            "role": f"role {index}",
        }
        drafts.append(("person", person))
    origin = ScenarioOrigin(paths=("synthetic",))
    records = tuple(
        FactRecord(id=index, type=fact_type, fields=dict(sorted(fields.items())), origin=origin)
        for index, (fact_type, fields) in enumerate(drafts)
    )
    return InputFacts(facts=records)
