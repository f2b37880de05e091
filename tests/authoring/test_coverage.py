"""`compass kb coverage`: what the example scenarios leave untested, on the small test KB."""

from __future__ import annotations

from pathlib import Path

from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.authoring.coverage import coverage


def test_coverage_names_what_the_suite_leaves_untested(mini_kb: Path) -> None:
    report = coverage(compiled_knowledge_base(mini_kb))
    assert report.rules_never_fired == ()
    assert report.advice_never_expected == ("be-patient", "push-hard")
    assert "power-gap-up when.2.not" not in report.conditions_never_deciding  # flat-firm decides it
    assert "power-gap-up when.1" in report.conditions_never_deciding
    assert report.rule_coverage_percent == 100.0


def test_coverage_counts_only_the_rules_and_advice_it_is_given(mini_kb: Path) -> None:
    everything = coverage(compiled_knowledge_base(mini_kb))
    report = coverage(
        compiled_knowledge_base(mini_kb),
        only_rules={"power-gap-up", "vendor-stated"},
        only_advice={"push-hard"},
    )
    assert (report.rules, report.rules_fired, report.advice) == (2, 2, 1)
    assert report.advice_never_expected == ("push-hard",)
    assert report.rules_without_negative_test == ("vendor-stated",)
    assert all(
        name.split()[0] in {"power-gap-up", "vendor-stated"}
        for name in report.conditions_never_deciding
    )
    assert 0 < report.conditions < everything.conditions
