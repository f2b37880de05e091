from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.api import advise_file
from synergy_compass.engine.explain.caveats import NATIONAL_TENDENCY_CAVEAT

BASIC = Path("tests/fixtures/mini_kb/scenarios/basic.yaml")


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


def test_conflicting_advice_in_one_plan_is_flagged(
    broken_kb: Callable[[str, str], Path],
) -> None:
    root = broken_kb(
        "extra-rules.yaml",
        "rules:\n  - id: push\n    title: Push\n    rationale: R\n    sources: [test-source]\n"
        "    topic: time\n    when: [{goal: {kind: expand_scope}}]\n"
        "    then: {support: {push-hard: 0.9}}\n",
    )
    report = advise_file(BASIC, root)
    flagged = {item.id: item.conflicts_with for item in report.recommendations}
    assert flagged["push-hard"] == ("be-patient",)
    assert flagged["be-patient"] == ("push-hard",)


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
