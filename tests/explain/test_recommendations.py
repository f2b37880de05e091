"""Recommendations: the advice given that conflicts with other advice given, why a firing
counts for an advice, and the sources each recommendation cites."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from synergy_compass.engine.api import advise_file, compiled_knowledge_base
from synergy_compass.engine.explain.citations import reference
from synergy_compass.engine.explain.kb_cache import memo_of
from synergy_compass.engine.explain.recommendations import conflicts

FOUNDING = Path("kb/scenarios/allen-japan.yaml")
SOME = sorted(Path("kb/scenarios").glob("*.yaml"))[::6]


def test_a_conflict_declared_by_one_advice_is_shown_on_both() -> None:
    knowledge_base = compiled_knowledge_base().knowledge_base
    first = next(item.value for item in knowledge_base.advice.values() if item.value.conflicts_with)
    second = first.conflicts_with[0]
    table = conflicts({first.id, second}, knowledge_base)
    assert table == {first.id: (second,), second: (first.id,)}


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_advice_given_conflicts_with_the_advice_given_either_one_names(
    data: st.DataObject,
) -> None:
    knowledge_base = compiled_knowledge_base().knowledge_base
    advice = knowledge_base.advice
    declaring = [key for key, item in advice.items() if item.value.conflicts_with]
    pool = sorted(
        {*declaring, *(other for key in declaring for other in advice[key].value.conflicts_with)}
    )
    given_ids = set(data.draw(st.lists(st.sampled_from(pool), max_size=12)))
    table = conflicts(given_ids, knowledge_base)
    assert set(table) == given_ids
    for advice_id in given_ids:
        assert table[advice_id] == tuple(
            sorted(
                other
                for other in given_ids - {advice_id}
                if other in advice[advice_id].value.conflicts_with
                or advice_id in advice[other].value.conflicts_with
            )
        )


def test_each_recommendation_cites_its_advice_then_its_rules_sources_once() -> None:
    compiled = compiled_knowledge_base()
    knowledge_base = compiled.knowledge_base
    memo_of(knowledge_base).advice_sources.clear()
    # one advice is supported by different rules in different scenarios; the second pass
    # reads what the first kept
    for attempt, scenario in [(attempt, path) for attempt in ("made", "kept") for path in SOME]:
        report = advise_file(scenario)
        for item in (*report.given, *report.advised_against, *report.set_aside):
            advice = knowledge_base.advice[item.id].value
            rules = [knowledge_base.rule(e.rule).value for e in item.supported_by]
            cited = dict.fromkeys([*advice.sources, *(s for rule in rules for s in rule.sources)])
            assert item.sources == tuple(reference(s, knowledge_base) for s in cited), attempt
    assert memo_of(knowledge_base).advice_sources


def test_because_names_the_shown_findings_behind_it_or_else_its_rules() -> None:
    knowledge_base = compiled_knowledge_base().knowledge_base
    report = advise_file(FOUNDING)
    findings = knowledge_base.findings
    for item in report.given:
        reasons: list[str] = []
        for evidence in item.supported_by:
            if evidence.certainty > 0:
                shown = [
                    findings[str(fact.fields["name"])].value.title
                    for fact in evidence.facts
                    if fact.type == "finding"
                    and findings[str(fact.fields["name"])].value.show_in_diagnosis
                ]
                reasons += shown or [evidence.rule_title]
        assert item.because == "; ".join(dict.fromkeys(reasons))
