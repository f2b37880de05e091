"""The Friday-weekend rules in kb/rules/calendar.yaml name their countries by hand, because a
rule without dates cannot ask the calendar; this test keeps that list equal to what the
holidays package says, so the list is checked data rather than hand-typed belief."""

from __future__ import annotations

from pathlib import Path

import holidays
import yaml

RULES = Path(__file__).resolve().parent.parent / "kb" / "rules" / "calendar.yaml"
FRIDAY = 4


def _friday_rule_countries() -> set[str]:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["rules"]
    rule = next(rule for rule in rules if rule["id"] == "their-weekend-includes-friday")
    return set(rule["when"][0]["culture"]["country"])


def _friday_weekend_countries() -> set[str]:
    found = set()
    for country in holidays.list_supported_countries():
        if len(country) != 2:
            continue
        calendar = holidays.country_holidays(country, years=2025)
        if FRIDAY in calendar.weekend:
            found.add(country)
    return found


def test_friday_weekend_list_matches_the_holidays_package() -> None:
    assert _friday_rule_countries() == _friday_weekend_countries()


def test_uae_is_not_on_the_friday_list() -> None:
    assert "AE" not in _friday_rule_countries()
    assert FRIDAY not in holidays.country_holidays("AE", years=2025).weekend
