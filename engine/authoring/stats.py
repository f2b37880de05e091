"""Counts that show the size and shape of a knowledge base (``compass kb stats``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..load.discovery import example_scenarios
from ..schemas.base import Frozen
from ..schemas.kb import Topic
from ..schemas.knowledge_base import KnowledgeBase


class KnowledgeBaseStats(Frozen):
    name: str
    version: str
    digest: str
    countries: int
    countries_by_framework: dict[str, int]
    dimensions: int
    rules: int
    rules_with_sources: int
    rules_with_rationale: int
    rules_by_status: dict[str, int]
    findings: int
    advice: int
    advice_with_steps: int
    sources: int
    topics: dict[str, int]
    scenarios: int


def knowledge_base_stats(knowledge_base: KnowledgeBase) -> KnowledgeBaseStats:
    """Count what the knowledge base holds; ``topics`` counts rules per topic."""
    rules = [located.value for located in knowledge_base.rules]
    frameworks: Counter[str] = Counter()
    for culture in knowledge_base.cultures.values():
        present = {
            knowledge_base.dimensions[dimension].value.framework
            for dimension, score in culture.value.scores.items()
            if score.value is not None
        }
        frameworks.update(present)
    topics = Counter(rule.topic.value for rule in rules)
    scenarios = example_scenarios([Path(root) for root in knowledge_base.roots])
    return KnowledgeBaseStats(
        name=knowledge_base.manifest.name,
        version=knowledge_base.manifest.version,
        digest=knowledge_base.digest,
        countries=len(knowledge_base.cultures),
        countries_by_framework=dict(sorted(frameworks.items())),
        dimensions=len(knowledge_base.dimensions),
        rules=len(rules),
        rules_with_sources=sum(1 for rule in rules if rule.sources),
        rules_with_rationale=sum(1 for rule in rules if rule.rationale.strip()),
        rules_by_status=dict(sorted(Counter(rule.status.value for rule in rules).items())),
        findings=len(knowledge_base.findings),
        advice=len(knowledge_base.advice),
        advice_with_steps=sum(1 for advice in knowledge_base.advice.values() if advice.value.steps),
        sources=len(knowledge_base.sources),
        topics={topic.value: topics.get(topic.value, 0) for topic in Topic},
        scenarios=len(scenarios),
    )
