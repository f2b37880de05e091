"""Turn a run into a diagnosis and a staged plan, each item with the evidence behind it.

Certainties are computed in firing order: a rule's contribution is its stated certainty times
the certainty of the weakest finding it matched at the moment it fired (scenario and profile
facts count as certain), and contributions to the same finding or advice combine by MYCIN's
rule (:mod:`engine.certainty`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import pycountry

from engine import certainty
from engine.schemas.facts import FactRecord
from engine.schemas.kb import Advice, Source, Stage
from engine.schemas.knowledge_base import KnowledgeBase
from engine.schemas.report import (
    DiagnosisItem,
    Evidence,
    KnowledgeBaseInfo,
    Recommendation,
    Report,
    ScenarioInfo,
    SourceReference,
    Trace,
)
from engine.schemas.results import RunResult
from engine.schemas.scenario import Scenario

_STAGE_ORDER = {stage: position for position, stage in enumerate(Stage)}
NATIONAL_TENDENCY_CAVEAT = (
    "Conclusions drawn from culture profiles describe national tendencies measured across "
    "many people; the individuals and the organisation you deal with may differ. Where your "
    "own observations disagree with them, trust your observations."
)


def scenario_digest(scenario: Scenario) -> str:
    """A SHA-256 of the normalised scenario, independent of key order and formatting."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def cite(source: Source) -> str:
    """A short citation: authors (year). Title. Publisher."""
    authors = ", ".join(source.authors) or "Anonymous"
    year = f" ({source.year})" if source.year else ""
    publisher = f" {source.publisher}." if source.publisher else ""
    return f"{authors}{year}. {source.title}.{publisher}"


def _country_name(code: str, knowledge_base: KnowledgeBase) -> str:
    if code in knowledge_base.cultures:
        return knowledge_base.cultures[code].value.name
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country else code


def explain(run: RunResult, scenario: Scenario, knowledge_base: KnowledgeBase) -> Report:
    """Build the report for one run; see the module docs for how certainty is computed."""
    facts = {fact.id: fact for fact in run.facts}
    fact_certainty: dict[int, float] = {}
    finding_evidence: dict[str, list[Evidence]] = defaultdict(list)
    advice_evidence: dict[str, list[Evidence]] = defaultdict(list)
    for firing in run.firings:
        rule = knowledge_base.rule(firing.rule).value
        matched = tuple(facts[fact_id] for fact_id in firing.facts)
        weakest = certainty.premise(fact_certainty[f.id] for f in matched if f.type == "finding")
        for finding_id, fact_id in zip(rule.then.conclude, firing.concluded, strict=True):
            contribution = rule.then.conclude[finding_id] * weakest
            fact_certainty[fact_id] = certainty.combine(
                fact_certainty.get(fact_id, 0.0), contribution
            )
            finding_evidence[finding_id].append(
                Evidence(
                    rule=rule.id,
                    rule_title=rule.title,
                    firing=firing.number,
                    certainty=round(contribution, 4),
                    facts=matched,
                )
            )
        for advice_id, stated in rule.then.support.items():
            advice_evidence[advice_id].append(
                Evidence(
                    rule=rule.id,
                    rule_title=rule.title,
                    firing=firing.number,
                    certainty=round(stated * weakest, 4),
                    facts=matched,
                )
            )

    diagnosis = []
    for finding_id, evidence in finding_evidence.items():
        finding = knowledge_base.findings[finding_id].value
        if finding.show_in_diagnosis:
            diagnosis.append(
                DiagnosisItem(
                    id=finding.id,
                    title=finding.title,
                    explanation=finding.explanation,
                    certainty=_total(evidence),
                    caveat=finding.caveat,
                    supported_by=tuple(evidence),
                )
            )
    diagnosis.sort(key=lambda item: (-item.certainty, item.id))

    recommendations: list[Recommendation] = []
    against: list[Recommendation] = []
    for advice_id, evidence in advice_evidence.items():
        advice = knowledge_base.advice[advice_id].value
        item = _recommendation(advice, evidence, knowledge_base)
        (recommendations if item.certainty > 0 else against).append(item)
    given = {item.id for item in recommendations}
    recommendations = [
        item.model_copy(update={"conflicts_with": _conflicts(item.id, given, knowledge_base)})
        for item in recommendations
    ]
    recommendations.sort(key=lambda item: (_STAGE_ORDER[item.stage], -item.certainty, item.id))
    against.sort(key=lambda item: (item.certainty, item.id))

    return Report(
        scenario=ScenarioInfo(
            title=scenario.title,
            digest=scenario_digest(scenario),
            we=_country_name(scenario.we.culture, knowledge_base),
            they=_country_name(scenario.they.culture, knowledge_base),
        ),
        kb=KnowledgeBaseInfo(
            name=knowledge_base.manifest.name,
            version=knowledge_base.manifest.version,
            digest=knowledge_base.digest,
        ),
        diagnosis=tuple(diagnosis),
        recommendations=tuple(recommendations),
        advised_against=tuple(against),
        caveats=_caveats(run, knowledge_base),
        trace=Trace(
            facts=run.facts,
            firings=run.firings,
            rule_titles={
                firing.rule: knowledge_base.rule(firing.rule).value.title for firing in run.firings
            },
        ),
    )


def _total(evidence: list[Evidence]) -> float:
    return round(certainty.combine_all(item.certainty for item in evidence), 4)


def _recommendation(
    advice: Advice, evidence: list[Evidence], knowledge_base: KnowledgeBase
) -> Recommendation:
    reasons: list[str] = []
    for item in evidence:
        if item.certainty <= 0:
            continue
        for fact in item.facts:
            finding = knowledge_base.findings.get(str(fact.fields.get("name", "")))
            if fact.type == "finding" and finding and finding.value.show_in_diagnosis:
                reasons.append(finding.value.title)
        if not any(fact.type == "finding" for fact in item.facts):
            reasons.append(item.rule_title)
    because = "; ".join(dict.fromkeys(reasons)) or "evidence counts against it"
    sources = tuple(
        SourceReference(
            id=source_id,
            citation=cite(knowledge_base.sources[source_id].value),
            url=knowledge_base.sources[source_id].value.url,
        )
        for source_id in dict.fromkeys(
            [
                *advice.sources,
                *(s for item in evidence for s in knowledge_base.rule(item.rule).value.sources),
            ]
        )
    )
    return Recommendation(
        id=advice.id,
        title=advice.title,
        advice=advice.advice,
        steps=advice.steps,
        topic=advice.topic,
        stage=advice.stage,
        certainty=_total(evidence),
        because=because,
        supported_by=tuple(evidence),
        sources=sources,
    )


def _conflicts(advice_id: str, given: set[str], knowledge_base: KnowledgeBase) -> tuple[str, ...]:
    declared = set(knowledge_base.advice[advice_id].value.conflicts_with)
    declared |= {
        other for other in given if advice_id in knowledge_base.advice[other].value.conflicts_with
    }
    return tuple(sorted(declared & given - {advice_id}))


def _caveats(run: RunResult, knowledge_base: KnowledgeBase) -> tuple[str, ...]:
    caveats: list[str] = []
    facts = {fact.id: fact for fact in run.facts}
    used = [facts[fact_id] for firing in run.firings for fact_id in firing.facts]
    if any(fact.origin.kind == "profile" for fact in used):
        caveats.append(NATIONAL_TENDENCY_CAVEAT)
    estimated = sorted(
        {
            f"{fact.fields['dimension']} ({fact.origin.country})"
            for fact in used
            if fact.origin.kind == "profile" and fact.origin.estimated
        }
    )
    if estimated:
        caveats.append(
            "Some scores used are estimates, not measurements: " + ", ".join(estimated) + "."
        )
    for code in run.missing_profiles:
        caveats.append(
            f"The knowledge base has no culture profile for {_country_name(code, knowledge_base)}"
            f" ({code}), so no advice here draws on that culture's national tendencies."
        )
    return tuple(caveats)


def fact_label(fact: FactRecord) -> str:
    """A fact in the compact form used in text explanations."""
    return fact.describe()
