"""``compass kb docs``: a Markdown catalogue a knowledge engineer can learn the KB from.

One page per topic with every rule in plain words (conditions, conclusions, rationale,
sources, the scenarios that exercise it), and pages for the advice catalogue, the findings,
the culture profiles (as tables) and the bibliography.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..explain.citations import cite, short_cite
from ..explain.why_not import ConditionWords
from ..load.scenario import load_scenario
from ..pipeline import scenario_run
from ..run.compiler import CompiledKB
from ..schemas.conditions import applies_to
from ..schemas.kb import PlanStage, Topic
from ..schemas.knowledge_base import KnowledgeBase, Located
from ..schemas.rules import RuleSpec
from .kb_records import condition_branches
from .scenario_tests import scenario_files


def _exercised_by(compiled: CompiledKB) -> dict[str, list[str]]:
    """For each rule, the example scenarios in which it fired."""
    fired: dict[str, list[str]] = defaultdict(list)
    for path in scenario_files(compiled):
        scenario = load_scenario(path, compiled.knowledge_base.countries).scenario
        result = scenario_run(scenario, compiled)
        for rule_id in sorted({firing.rule for firing in result.firings}):
            fired[rule_id].append(path.stem)
    return fired


def _conditions(rule: Located[RuleSpec], words: ConditionWords) -> list[str]:
    branches = condition_branches(rule, words)
    if len(branches) == 1:
        return [f"- {condition}" for condition in branches[0]]
    lines = []
    for index, branch in enumerate(branches):
        lines.append(f"- alternative {index + 1}:")
        lines += [f"  - {condition}" for condition in branch]
    return lines


def _rule_section(
    rule: Located[RuleSpec],
    knowledge_base: KnowledgeBase,
    words: ConditionWords,
    scenarios: list[str],
) -> list[str]:
    spec = rule.value
    roles = ", ".join(role.value.replace("_", " ") for role in applies_to(rule)) or "every role"
    lines = [
        f"### {spec.title}",
        "",
        f"`{spec.id}` · {spec.status.value} · defined in `{rule.location('id')}`",
        "",
        f"Applies to: {roles}",
        "",
        "**When**",
        "",
    ]
    lines += _conditions(rule, words)
    lines += ["", "**Then**", ""]
    for finding_id, certainty in spec.then.conclude.items():
        finding = knowledge_base.findings[finding_id].value
        lines.append(f"- concludes *{finding.title}* (`{finding_id}`, certainty {certainty:g})")
    for advice_id, certainty in spec.then.support.items():
        advice = knowledge_base.advice[advice_id].value
        verb = "supports" if certainty > 0 else "counts against"
        lines.append(f"- {verb} [{advice.title}](advice.md#{advice_id}) (certainty {certainty:g})")
    sources = "; ".join(short_cite(knowledge_base.sources[s].value) for s in spec.sources)
    lines += ["", f"**Why.** {spec.rationale.strip()}", "", f"**Sources.** {sources}"]
    exercised = ", ".join(f"`{name}`" for name in scenarios) or "none yet"
    lines += ["", f"**Exercised by scenarios.** {exercised}", ""]
    return lines


def write_docs(compiled: CompiledKB, out: Path) -> list[Path]:
    """Write the catalogue into ``out``; return the files written."""
    knowledge_base = compiled.knowledge_base
    words = ConditionWords(knowledge_base)
    exercised = _exercised_by(compiled)
    out.mkdir(parents=True, exist_ok=True)
    (out / "topics").mkdir(exist_ok=True)
    written: list[Path] = []

    def write(name: str, lines: list[str]) -> None:
        path = out / name
        path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
        written.append(path)

    by_topic: dict[Topic, list[Located[RuleSpec]]] = defaultdict(list)
    for rule in knowledge_base.rules:
        by_topic[rule.value.topic].append(rule)
    for topic, rules in by_topic.items():
        lines = [
            f"# Rules: {topic.value.replace('_', ' ')}",
            "",
            f"{len(rules)} rules. Each says when it applies, what it concludes or advises, "
            "why, and on which published sources.",
            "",
        ]
        for rule in rules:
            lines += _rule_section(rule, knowledge_base, words, exercised.get(rule.value.id, []))
        write(f"topics/{topic.value}.md", lines)

    write("advice.md", _advice_page(knowledge_base))
    write("findings.md", _findings_page(knowledge_base))
    write("cultures.md", _cultures_page(knowledge_base))
    write(
        "sources.md",
        ["# Sources", ""]
        + [
            f'- <a id="{source_id}"></a>**{short_cite(source.value)}** (`{source_id}`): '
            f"{cite(source.value)}" + (f" <{source.value.url}>" if source.value.url else "")
            for source_id, source in sorted(knowledge_base.sources.items())
        ],
    )
    manifest = knowledge_base.manifest
    index = [
        f"# {manifest.name} {manifest.version}",
        "",
        manifest.description.strip(),
        "",
        f"Digest `{knowledge_base.digest[:16]}`: {len(knowledge_base.rules)} rules, "
        f"{len(knowledge_base.advice)} pieces of advice, {len(knowledge_base.findings)} findings, "
        f"{len(knowledge_base.cultures)} culture profiles, {len(knowledge_base.sources)} sources.",
        "",
        "## Rules by topic",
        "",
    ]
    index += [
        f"- [{topic.value.replace('_', ' ')}](topics/{topic.value}.md): "
        f"{len(by_topic[topic])} rules"
        for topic in Topic
        if topic in by_topic
    ]
    index += [
        "",
        "## Catalogues",
        "",
        "- [Advice](advice.md)",
        "- [Findings](findings.md)",
        "- [Culture profiles](cultures.md)",
        "- [Sources](sources.md)",
    ]
    write("index.md", index)
    return written


def _advice_page(knowledge_base: KnowledgeBase) -> list[str]:
    supporters: dict[str, list[str]] = defaultdict(list)
    for rule in knowledge_base.rules:
        for advice_id, certainty in rule.value.then.support.items():
            if certainty > 0:
                supporters[advice_id].append(rule.value.id)
    lines = ["# Advice catalogue", ""]
    for stage in PlanStage:
        lines += [f"## Stage: {stage.heading.lower()}", ""]
        for advice_id, located in sorted(knowledge_base.advice.items()):
            advice = located.value
            if advice.stage != stage:
                continue
            lines += [
                f'### <a id="{advice_id}"></a>{advice.title}',
                "",
                f"`{advice_id}` · topic {advice.topic.value}",
                "",
                advice.advice.strip(),
                "",
            ]
            lines += [f"1. {step}" for step in advice.steps]
            rules = ", ".join(f"`{r}`" for r in supporters.get(advice_id, [])) or "none"
            sources = "; ".join(short_cite(knowledge_base.sources[s].value) for s in advice.sources)
            lines += ["", f"Supported by rules: {rules}. Sources: {sources}.", ""]
            if advice.conflicts_with:
                lines += [f"Pulls against: {', '.join(advice.conflicts_with)}.", ""]
    return lines


def _findings_page(knowledge_base: KnowledgeBase) -> list[str]:
    lines = ["# Findings", "", "The diagnosis vocabulary: what rules conclude and build on.", ""]
    for finding_id, located in sorted(knowledge_base.findings.items()):
        finding = located.value
        shown = "" if finding.show_in_diagnosis else " (internal; not shown in the diagnosis)"
        lines += [f"- **{finding.title}** (`{finding_id}`){shown}: {finding.explanation.strip()}"]
        if finding.caveat:
            lines.append(f"  *Caveat:* {finding.caveat.strip()}")
    return lines


def _cultures_page(knowledge_base: KnowledgeBase) -> list[str]:
    frameworks: dict[str, list[str]] = defaultdict(list)
    for dimension_id, dimension in knowledge_base.dimensions.items():
        frameworks[dimension.value.framework].append(dimension_id)
    lines = [
        "# Culture profiles",
        "",
        "National tendencies, not descriptions of people. `—` means the source has no score; "
        "`*` marks an estimate; `†` marks a score other sources place differently.",
        "",
    ]
    for framework, dimensions in frameworks.items():
        lines += [
            f"## {framework}",
            "",
            "| country | " + " | ".join(dimensions) + " |",
            "| --- |" + " --- |" * len(dimensions),
        ]
        for code, culture in sorted(knowledge_base.cultures.items()):
            cells = []
            for dimension_id in dimensions:
                score = culture.value.scores.get(dimension_id)
                if score is None or score.value is None:
                    cells.append("—")
                    continue
                mark = ("*" if score.estimated else "") + ("†" if score.other_readings else "")
                cells.append(f"{score.value:g}{mark}")
            if any(cell != "—" for cell in cells):
                lines.append(f"| {culture.value.name} ({code}) | " + " | ".join(cells) + " |")
        lines.append("")
    return lines
