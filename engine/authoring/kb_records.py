"""The knowledge base as records to browse: each rule, piece of advice, finding, source and
example scenario with what it links to, in words (the workspace's knowledge-base pages).

The same words as ``compass kb docs`` (:mod:`engine.authoring.catalogue`), kept as data rather
than Markdown so that a page can lay them out and link every id. Which scenarios exercise which
rule needs every example scenario run once, so the catalogue is made once per KB content.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from ..errors import CompassError
from ..explain.citations import cite, short_cite
from ..explain.why_not import ConditionWords
from ..load.scenario import load_scenario
from ..pipeline import scenario_run
from ..run.compiler import CompiledKB
from ..schemas.base import Frozen
from ..schemas.conditions import applies_to, rule_branches
from ..schemas.kb import Advice
from ..schemas.knowledge_base import KnowledgeBase, Located
from ..schemas.rules import RuleSpec
from ..schemas.scenario import Expectations
from .scenario_tests import scenario_files


class Link(Frozen):
    """Another item of the KB this one points at, with the certainty the rule gives it."""

    kind: str  # "rule", "advice", "finding", "source", "dimension"
    id: str
    title: str
    certainty: float | None = None


class RuleRecord(Frozen):
    id: str
    title: str
    status: str
    topic: str
    roles: tuple[str, ...]  # empty: every role
    when: tuple[tuple[str, ...], ...]  # alternatives, each conditions in words; one usually
    concludes: tuple[Link, ...]
    supports: tuple[Link, ...]  # certainty below zero: counts against the advice
    rationale: str
    sources: tuple[Link, ...]
    defined_in: str
    exercised_by: tuple[str, ...] = ()  # the example scenarios (file stems) it fires in


class AdviceRecord(Frozen):
    id: str
    title: str
    text: str
    steps: tuple[str, ...]
    topic: str
    stage: str
    stances: tuple[tuple[str, str], ...]  # (axis, pole)
    conflicts_with: tuple[Link, ...]
    supported_by: tuple[Link, ...]
    opposed_by: tuple[Link, ...]
    sources: tuple[Link, ...]


class FindingRecord(Frozen):
    id: str
    title: str
    explanation: str
    severity: str
    shown_in_diagnosis: bool
    caveat: str
    concluded_by: tuple[Link, ...]
    sources: tuple[Link, ...]


class SourceRecord(Frozen):
    id: str
    short: str
    citation: str
    url: str
    note: str
    cited_by: tuple[Link, ...]


class ScenarioRecord(Frozen):
    name: str  # the file's stem
    title: str  # empty when the file cannot be read
    yaml: str
    expectations: Expectations
    problem: str = ""  # why the file cannot be read as a scenario
    fires: tuple[str, ...] = ()  # the rules that fire when advising on it


class KBCatalogue(Frozen):
    name: str
    version: str
    description: str
    digest: str
    rules: tuple[RuleRecord, ...]
    advice: tuple[AdviceRecord, ...]
    findings: tuple[FindingRecord, ...]
    sources: tuple[SourceRecord, ...]
    scenarios: tuple[ScenarioRecord, ...]


def condition_branches(rule: Located[RuleSpec], words: ConditionWords) -> list[list[str]]:
    """A rule's conditions in words, one list per alternative (the role guard included)."""
    branches = []
    for branch in rule_branches(rule):
        lines = []
        for atom in branch:
            texts = [words.pattern(pattern, {}) for pattern in atom.patterns]
            if atom.kind == "not":
                lines.append(f"there is no {texts[0]}")
            elif atom.kind == "exists":
                lines.append(f"there is at least one {' and '.join(texts)}")
            else:
                lines.append(texts[0])
        branches.append(lines)
    return branches


def _source_links(knowledge_base: KnowledgeBase, ids: tuple[str, ...]) -> tuple[Link, ...]:
    return tuple(
        Link(kind="source", id=source_id, title=short_cite(knowledge_base.sources[source_id].value))
        for source_id in ids
        if source_id in knowledge_base.sources
    )


def _rule_record(rule: Located[RuleSpec], words: ConditionWords) -> RuleRecord:
    spec, knowledge_base = rule.value, words.knowledge_base
    return RuleRecord(
        id=spec.id,
        title=spec.title,
        status=spec.status.value,
        topic=spec.topic.value,
        roles=tuple(role.value for role in applies_to(rule)),
        when=tuple(tuple(branch) for branch in condition_branches(rule, words)),
        concludes=tuple(
            Link(
                kind="finding",
                id=finding_id,
                title=knowledge_base.findings[finding_id].value.title,
                certainty=value,
            )
            for finding_id, value in spec.then.conclude.items()
        ),
        supports=tuple(
            Link(
                kind="advice",
                id=advice_id,
                title=knowledge_base.advice[advice_id].value.title,
                certainty=value,
            )
            for advice_id, value in spec.then.support.items()
        ),
        rationale=spec.rationale.strip(),
        sources=_source_links(knowledge_base, spec.sources),
        defined_in=str(rule.location("id")),
    )


def _scenario_record(path: Path, compiled: CompiledKB) -> ScenarioRecord:
    """An example scenario, run once to learn which rules it exercises."""
    text = path.read_text(encoding="utf-8")
    try:
        scenario = load_scenario(path, compiled.knowledge_base.countries).scenario
    except CompassError as error:
        return ScenarioRecord(
            name=path.stem, title="", yaml=text, expectations=Expectations(), problem=str(error)
        )
    fired = scenario_run(scenario, compiled).firings
    return ScenarioRecord(
        name=path.stem,
        title=scenario.title,
        yaml=text,
        expectations=scenario.expectations,
        fires=tuple(sorted({firing.rule for firing in fired})),
    )


def _advice_record(
    advice_id: str,
    advice: Advice,
    knowledge_base: KnowledgeBase,
    backlinks: Mapping[tuple[str, str], list[Link]],
) -> AdviceRecord:
    return AdviceRecord(
        id=advice_id,
        title=advice.title,
        text=advice.advice.strip(),
        steps=advice.steps,
        topic=advice.topic.value,
        stage=advice.stage.heading,
        stances=tuple((axis.value, pole.value) for axis, pole in advice.stances.items()),
        conflicts_with=tuple(
            Link(kind="advice", id=other, title=knowledge_base.advice[other].value.title)
            for other in advice.conflicts_with
            if other in knowledge_base.advice
        ),
        supported_by=tuple(backlinks.get(("supports", advice_id), ())),
        opposed_by=tuple(backlinks.get(("opposes", advice_id), ())),
        sources=_source_links(knowledge_base, advice.sources),
    )


def _with_certainty(link: Link, target: Link) -> Link:
    return link.model_copy(update={"certainty": target.certainty})


_KEPT: dict[tuple[tuple[str, ...], str], KBCatalogue] = {}
_KEPT_AT_MOST = 4
_KEEPING = threading.Lock()  # a second page asking meanwhile waits instead of running it again


def kb_catalogue(compiled: CompiledKB) -> KBCatalogue:
    """Every item of the KB with its links both ways (who supports, concludes, cites what,
    which example scenarios exercise which rule), made once per KB content: it runs every
    example scenario (seconds for the shipped KB)."""
    key = (compiled.knowledge_base.roots, compiled.knowledge_base.digest)
    with _KEEPING:
        if key not in _KEPT:
            if len(_KEPT) >= _KEPT_AT_MOST:
                _KEPT.pop(next(iter(_KEPT)))  # the oldest: a KB edited often keeps its latest
            _KEPT[key] = _catalogue(compiled)
        return _KEPT[key]


def _catalogue(compiled: CompiledKB) -> KBCatalogue:
    knowledge_base = compiled.knowledge_base
    words = ConditionWords(knowledge_base)
    scenarios = [_scenario_record(path, compiled) for path in scenario_files(compiled)]
    fired_in: dict[str, list[str]] = defaultdict(list)
    for scenario in scenarios:
        for rule_id in scenario.fires:
            fired_in[rule_id].append(scenario.name)
    rules = [
        _rule_record(rule, words).model_copy(
            update={"exercised_by": tuple(fired_in.get(rule.value.id, ()))}
        )
        for rule in knowledge_base.rules
    ]
    backlinks: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for rule in rules:
        link = Link(kind="rule", id=rule.id, title=rule.title)
        for finding in rule.concludes:
            backlinks["concludes", finding.id].append(_with_certainty(link, finding))
        for advice in rule.supports:
            verb = "supports" if (advice.certainty or 0) > 0 else "opposes"
            backlinks[verb, advice.id].append(_with_certainty(link, advice))
        for source in rule.sources:
            backlinks["cites", source.id].append(link)
    for kind, items in (("advice", knowledge_base.advice), ("finding", knowledge_base.findings)):
        for item_id, located in items.items():
            for source_id in located.value.sources:
                link = Link(kind=kind, id=item_id, title=located.value.title)
                backlinks["cites", source_id].append(link)
    for dimension_id, dimension in knowledge_base.dimensions.items():
        for source_id in dimension.value.sources:
            link = Link(kind="dimension", id=dimension_id, title=dimension.value.name)
            backlinks["cites", source_id].append(link)
    manifest = knowledge_base.manifest
    return KBCatalogue(
        name=manifest.name,
        version=manifest.version,
        description=manifest.description.strip(),
        digest=knowledge_base.digest,
        rules=tuple(rules),
        advice=tuple(
            _advice_record(advice_id, located.value, knowledge_base, backlinks)
            for advice_id, located in sorted(knowledge_base.advice.items())
        ),
        findings=tuple(
            FindingRecord(
                id=finding_id,
                title=located.value.title,
                explanation=located.value.explanation.strip(),
                severity=located.value.severity.value,
                shown_in_diagnosis=located.value.show_in_diagnosis,
                caveat=located.value.caveat.strip(),
                concluded_by=tuple(backlinks["concludes", finding_id]),
                sources=_source_links(knowledge_base, located.value.sources),
            )
            for finding_id, located in sorted(knowledge_base.findings.items())
        ),
        sources=tuple(
            SourceRecord(
                id=source_id,
                short=short_cite(source.value),
                citation=cite(source.value),
                url=source.value.url,
                note=source.value.note,
                cited_by=tuple(backlinks["cites", source_id]),
            )
            for source_id, source in sorted(knowledge_base.sources.items())
        ),
        scenarios=tuple(scenarios),
    )
