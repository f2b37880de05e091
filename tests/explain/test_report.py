from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.api import (
    advise,
    advise_file,
    compiled_knowledge_base,
    explain_file,
)
from synergy_compass.engine.explain.caveats import NATIONAL_TENDENCY_CAVEAT
from synergy_compass.engine.explain.kb_cache import memo_of
from synergy_compass.engine.explain.report import _HowBuilder
from synergy_compass.engine.explain.support import SupportFinder
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.pipeline import scenario_run
from synergy_compass.engine.render.text import render_text
from synergy_compass.engine.schemas.report import HowNode, Report
from synergy_compass.engine.schemas.scenario import Scenario

BASIC = Path("tests/fixtures/mini_kb/scenarios/basic.yaml")
FOUNDING = Path("kb/scenarios/allen-japan.yaml")


def test_certainties_combine_across_supporting_rules(mini_kb: Path) -> None:
    report = advise_file(BASIC, mini_kb)
    introduce = next(item for item in report.recommendations if item.id == "introduce")
    # 0.6 from the gap rule; 0.5 x min(0.8, 0.9) from the chained rule; MYCIN: a + b(1 - a)
    assert [evidence.certainty for evidence in introduce.supported_by] == [0.6, 0.4]
    assert introduce.certainty == pytest.approx(0.6 + 0.4 * 0.4)


def test_negative_evidence_is_reported_as_advised_against(mini_kb: Path) -> None:
    report = advise_file(BASIC, mini_kb)
    assert [item.id for item in report.advised_against] == ["push-hard"]
    assert report.advised_against[0].certainty == pytest.approx(-0.4)


def test_the_plan_is_staged_and_diagnosis_hides_internal_findings(mini_kb: Path) -> None:
    report = advise_file(BASIC, mini_kb)
    assert [(item.stage.value, item.id) for item in report.recommendations] == [
        ("now", "introduce"),
        ("over_time", "be-patient"),
    ]
    assert [item.id for item in report.diagnosis] == ["vendor", "power-gap"]  # not 'stuck'


def test_conflicting_advice_gives_way_to_advice_resting_on_what_was_observed(
    broken_kb: Callable[[str, str], Path],
) -> None:
    root = broken_kb(
        "extra-rules.yaml",
        "rules:\n  - id: push\n    title: Push\n    rationale: R\n    sources: [test-source]\n"
        "    topic: time\n    when: [{goal: {kind: expand_scope}}]\n"
        "    then: {support: {push-hard: 0.9}}\n",
    )
    report = advise_file(BASIC, root)
    # be-patient rests on what was observed (no decision); push-hard on the goal alone
    assert "push-hard" not in {item.id for item in report.given}
    (set_aside,) = report.set_aside
    assert set_aside.id == "push-hard"
    assert "'Be patient', which rests on your situation" in set_aside.set_aside_because
    assert report.trade_offs == ()
    (answer,) = explain_file(BASIC, root, ("push-hard",)).why_not
    assert answer.summary.endswith(set_aside.set_aside_because.rstrip("."))
    assert "was given" in answer.summary
    assert "it was set aside: It pulls the other way" in answer.summary


def test_profile_based_advice_carries_the_national_tendency_caveat(mini_kb: Path) -> None:
    report = advise_file(BASIC, mini_kb)
    assert report.caveats[0] == NATIONAL_TENDENCY_CAVEAT


def test_a_rule_counts_once_however_often_it_fires(
    broken_kb: Callable[[str, str], Path], tmp_path: Path
) -> None:
    root = broken_kb(
        "extra-rules.yaml",
        "rules:\n  - id: per-person\n    title: Someone senior\n    rationale: R\n"
        "    sources: [test-source]\n    topic: hierarchy\n"
        "    when: [{person: {rank: [top, senior]}}]\n    then: {support: {push-hard: 0.5}}\n",
    )
    scenario = tmp_path / "two.yaml"
    scenario.write_text(
        "title: T\nwe: {culture: US}\nthey:\n  culture: US\n  people:\n"
        "    - {role: CEO, rank: top}\n    - {role: CFO, rank: senior}\ngoal: {kind: enter_market}\n"
    )
    report = advise_file(scenario, root)
    item = next(item for item in report.recommendations if item.id == "push-hard")
    assert len(item.supported_by) == 2  # both firings are shown...
    assert item.certainty == pytest.approx(0.5)  # ...but count as one piece of evidence


def _bare_scenario(we: str, they: str) -> Scenario:
    return Scenario.model_validate(
        {
            "title": f"{we} firm meets a {they} firm",
            "we": {"culture": we},
            "they": {"culture": they},
            "goal": {"kind": "win_first_deal"},
        }
    )


def test_a_thinly_measured_country_lowers_certainty_and_says_what_was_not_checked() -> None:
    compiled = compiled_knowledge_base()
    thin = advise(_bare_scenario("US", "KE"), compiled)
    assert any("Kenya (counterpart): only 0 of" in gap for gap in thin.could_not_check)
    text = render_text(thin)
    assert "WHAT COULD NOT BE CHECKED" in text
    assert "Nothing in what you describe points to a cultural problem.\n" not in text
    measured = advise(_bare_scenario("US", "JP"), compiled)
    assert not any("only" in gap for gap in measured.could_not_check)
    # every profile premise from Kenya counts 0.8: no conclusion resting on it alone exceeds it
    kenyan = [item for item in thin.diagnosis if item.basis == "profiles"]
    assert kenyan
    assert all(item.certainty <= 0.8 * 1.0 + 1e-9 or len(item.supported_by) > 1 for item in kenyan)


def test_certainty_is_given_in_words_with_documented_thresholds() -> None:
    report = advise(_bare_scenario("US", "JP"), compiled_knowledge_base())
    for item in report.given:
        shown = round(item.certainty, 2)  # words follow the figure as printed
        expected = "high" if shown >= 0.7 else "medium" if shown >= 0.4 else "low"
        assert item.certainty_in_words == expected
    assert all(item.certainty_in_words != "low" for item in report.recommendations)


def _profile_nodes(report: Report) -> dict[tuple[str, str], HowNode]:
    return {
        (node.fact, node.origin.model_dump_json()): node
        for item in (*report.diagnosis, *report.given)
        for evidence in item.supported_by
        for node in evidence.how
        if node.origin.kind == "profile"
    }


def test_a_profile_fact_has_one_how_node_in_every_run_that_uses_its_record() -> None:
    first = _profile_nodes(advise_file(FOUNDING))
    second = _profile_nodes(advise_file(FOUNDING))
    assert first
    assert first.keys() == second.keys()
    for key, node in first.items():
        assert second[key] is node  # input facts share the record, explain its node
        assert node.concluded_by == ()
    again = _profile_nodes(advise_file(FOUNDING.with_name("allen-japan-indirect-lawyer.yaml")))
    assert any(again[key] is first[key] for key in first.keys() & again.keys())


def test_a_kept_node_is_read_only_for_the_record_it_was_made_for() -> None:
    compiled = compiled_knowledge_base()
    scenario = load_scenario(FOUNDING).scenario
    run_result = scenario_run(scenario, compiled)
    builder = _HowBuilder(compiled.knowledge_base, SupportFinder(run_result))
    record = next(fact for fact in run_result.facts if fact.origin.kind == "profile")
    node = builder._profile_node(record)
    assert builder._profile_node(record) is node
    assert node == HowNode(fact=record.describe(), origin=record.origin)
    # an entry under another record's identity (an identity reused once a record is gone)
    other = record.model_copy(update={"fields": {**record.fields, "value": -1}})
    kept = memo_of(compiled.knowledge_base).profile_nodes
    kept[id(other)] = (record, node)
    try:
        assert builder._profile_node(other).fact == other.describe() != node.fact
    finally:
        kept.pop(id(other), None)
