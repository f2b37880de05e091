"""A report's support graph (facts -> rules -> findings and advice) for documents.

Mermaid renders in Markdown viewers; Graphviz DOT renders with ``dot -Tsvg``. Labels carry
text from the scenario and the KB, so each is made safe for its format (see
:mod:`.safe_text`): in Mermaid a newline in a label would start a statement of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..schemas.report import Report
from .safe_text import mermaid_label, plain_text


def _edges(report: Report) -> Iterator[tuple[str, str, str, str]]:
    """(from node, from label, to node, to label) for every support edge in the report."""
    facts = {fact.id: fact for fact in report.trace.facts}
    finding_node = {}
    for fact in report.trace.facts:
        if fact.type == "finding":
            finding_node[fact.id] = f"finding_{fact.fields['name']}"
    for firing in report.trace.firings:
        rule_node = f"rule_{firing.rule}"
        for fact_id in (*firing.facts, *firing.witnesses):
            fact = facts[fact_id]
            source = finding_node.get(fact_id, f"fact_{fact_id}")
            label = str(fact.fields["name"]) if fact.type == "finding" else fact.describe()
            yield source, label, rule_node, firing.rule
        for fact_id in firing.concluded:
            yield rule_node, firing.rule, finding_node[fact_id], str(facts[fact_id].fields["name"])
    for item in (*report.given, *report.set_aside, *report.advised_against):
        for evidence in item.supported_by:
            yield f"rule_{evidence.rule}", evidence.rule, f"advice_{item.id}", item.title


def _safe(node: str) -> str:
    return "".join(character if character.isalnum() else "_" for character in node)


def to_mermaid(report: Report) -> str:
    """A Mermaid flowchart, left to right."""
    lines = ["flowchart LR"]
    seen: set[str] = set()
    for source, source_label, target, target_label in _edges(report):
        for node, label in ((source, source_label), (target, target_label)):
            if node not in seen:
                seen.add(node)
                text = mermaid_label(label)
                shape = f'(["{text}"])' if node.startswith("rule_") else f'["{text}"]'
                lines.append(f"  {_safe(node)}{shape}")
        lines.append(f"  {_safe(source)} --> {_safe(target)}")
    return "\n".join(dict.fromkeys(lines)) + "\n"


def to_dot(report: Report) -> str:
    """A Graphviz digraph, left to right."""
    lines = ["digraph support {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    seen: set[str] = set()
    for source, source_label, target, target_label in _edges(report):
        for node, label in ((source, source_label), (target, target_label)):
            if node not in seen:
                seen.add(node)
                shape = "ellipse" if node.startswith("rule_") else "box"
                # A JSON string is a valid DOT string; DOT reads its escaped newline as a line
                # break inside the label, never as the end of the statement.
                label_text = json.dumps(plain_text(label))
                lines.append(f"  {json.dumps(node)} [label={label_text}, shape={shape}];")
        lines.append(f"  {json.dumps(source)} -> {json.dumps(target)};")
    lines.append("}")
    return "\n".join(dict.fromkeys(lines)) + "\n"
