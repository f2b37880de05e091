"""A scenario's dates, checked against the counterpart country's calendar, become input facts.

Public holidays and weekends come from the holidays package and Ramadan from hijridate's Umm
al-Qura tables; the dates below are ones those calendars fix independently of this project
(New Year's Day in Japan, Labour Day in Germany, Saudi Arabia's Friday-Saturday weekend, the
UAE's weekend change of 2022, Ramadan 1448 from 8 February to 8 March 2027).
"""

from __future__ import annotations

import datetime
import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

import holidays
import pytest
from hijridate import Gregorian
from synergy_compass.engine.api import CompiledKB, advise, compiled_knowledge_base
from synergy_compass.engine.load.scenario import parse_scenario
from synergy_compass.engine.render.text import render_text
from synergy_compass.engine.run import calendar
from synergy_compass.engine.run.calendar import calendar_facts
from synergy_compass.engine.schemas.facts import CalendarOrigin, Scalar
from synergy_compass.engine.schemas.scenario import Scenario

SHIPPED_KB = Path(__file__).resolve().parents[2] / "kb"


def scenario(they: str, dates: str, we: str = "US", actions: str = "[]") -> Scenario:
    raw = f"""title: T
we: {{culture: {we}}}
they: {{culture: {they}}}
goal: {{kind: win_first_deal}}
we_are_doing: {actions}
dates: {dates}
"""
    return parse_scenario(raw.encode(), "c.yaml").scenario


def checked(
    they: str, dates: str, **options: str
) -> list[tuple[dict[str, Scalar], CalendarOrigin]]:
    return [
        (fields, origin) for _, fields, origin in calendar_facts(scenario(they, dates, **options))
    ]


def only(they: str, day: str, kind: str = "meeting") -> tuple[dict[str, Scalar], CalendarOrigin]:
    (fact,) = checked(they, f"[{{kind: {kind}, date: {day}}}]")
    return fact


def test_a_public_holiday_is_flagged_with_its_name_from_the_library() -> None:
    fields, origin = only("JP", "2027-01-01")
    assert fields["public_holiday"] is True
    assert fields["holiday"] == "New Year's Day"
    assert fields["weekend"] is False  # a Friday
    assert fields["weekday"] == "Friday"
    assert fields["checked"] is True
    assert origin.holidays_version == importlib.metadata.version("holidays")
    assert origin.path == "dates[0]"
    assert "public holiday 'New Year's Day'" in origin.describe()


def test_a_holiday_on_a_weekend_is_both() -> None:
    fields, _ = only("DE", "2027-05-01")  # Labour Day, a Saturday in 2027
    assert (fields["public_holiday"], fields["weekend"]) == (True, True)


def test_the_weekend_is_the_countrys_own_in_that_year() -> None:
    saudi_friday, _ = only("SA", "2027-04-09")
    assert (saudi_friday["weekend"], saudi_friday["public_holiday"]) == (True, False)
    saudi_sunday, _ = only("SA", "2027-04-11")
    assert saudi_sunday["weekend"] is False
    # The UAE rested on Friday and Saturday until 2021, on Saturday and Sunday since 2022.
    assert only("AE", "2021-06-04")[0]["weekend"] is True
    assert only("AE", "2023-06-02")[0]["weekend"] is False
    assert only("AE", "2023-06-04")[0]["weekend"] is True


def test_ramadan_comes_from_the_umm_al_qura_calendar() -> None:
    first, last, after = "2027-02-08", "2027-03-08", "2027-03-09"
    assert Gregorian(2027, 2, 8).to_hijri().datetuple() == (1448, 9, 1)
    assert Gregorian(2027, 3, 9).to_hijri().datetuple() == (1448, 10, 1)
    facts = checked(
        "SA",
        f"[{{kind: visit, date: {first}}}, {{kind: visit, date: {last}}}, "
        f"{{kind: visit, date: {after}}}]",
    )
    assert [fields["ramadan"] for fields, _ in facts] == [True, True, False]
    assert facts[0][1].hijri == "1 Ramadan 1448"
    assert facts[2][1].hijri == "1 Shawwal 1448"


def test_an_ordinary_working_day_raises_nothing() -> None:
    fields, origin = only("JP", "2027-04-06")  # a Tuesday, no holiday
    assert fields == {
        "kind": "meeting",
        "date": "2027-04-06",
        "weekday": "Tuesday",
        "country": "JP",
        "checked": True,
        "weekend": False,
        "public_holiday": False,
        "ramadan": False,
    }
    assert origin.holiday == ""


def test_planned_actions_with_a_date_are_checked_and_others_are_not() -> None:
    actions = (
        "[{kind: offering_hospitality, status: planned, date: 2027-01-01},"
        " {kind: giving_gifts, status: done, date: 2027-01-01}, video_calls_only]"
    )
    facts = checked("JP", "[]", actions=actions)
    assert [fields["action"] for fields, _ in facts] == ["offering_hospitality"]
    assert facts[0][0]["kind"] == "action"
    assert facts[0][1].path == "we_are_doing[0].date"


def test_a_scenario_without_dates_needs_no_calendar() -> None:
    assert checked("JP", "[]") == []


def test_a_date_beyond_the_hijri_tables_has_no_ramadan_field() -> None:
    fields, origin = only("JP", "2080-01-01")
    assert "ramadan" not in fields
    assert origin.hijri == ""
    assert fields["public_holiday"] is True


@pytest.fixture
def no_country_calendars(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The holidays package as if it had no country's calendar; the tables kept for earlier
    scenarios are dropped before and after, so none is used here or outlives the pretence."""
    monkeypatch.setattr(holidays, "list_supported_countries", dict)
    calendar._public_holidays.cache_clear()
    yield
    calendar._public_holidays.cache_clear()


@pytest.mark.usefixtures("no_country_calendars")
def test_a_country_the_library_lacks_is_marked_unchecked() -> None:
    fields, origin = only("JP", "2027-01-01")
    assert fields["checked"] is False
    assert "public_holiday" not in fields
    assert "weekend" not in fields
    assert origin.holidays_version == ""
    assert "no calendar for JP" in origin.describe()


def test_the_day_is_written_in_english_whatever_the_locale() -> None:
    origin = CalendarOrigin(
        path="dates[0]", what="meeting", date=datetime.date(2027, 3, 12), country="SA"
    )
    assert origin.day() == "meeting on Friday 12 March 2027"


@pytest.fixture(scope="module")
def shipped() -> CompiledKB:
    return compiled_knowledge_base(SHIPPED_KB)


def test_advise_flags_a_meeting_on_their_public_holiday(shipped: CompiledKB) -> None:
    case = scenario("JP", "[{kind: meeting, date: 2027-01-01}, {kind: call, date: 2027-04-06}]")
    report = advise(case, shipped)
    (finding,) = [
        item for item in report.diagnosis if item.id == "planned-date-on-their-public-holiday"
    ]
    assert finding.basis == "situation"
    assert finding.dates == ("meeting on Friday 1 January 2027",)
    advice = {item.id: item for item in report.recommendations}
    assert advice["move-the-date-to-one-of-their-working-days"].dates == finding.dates
    text = render_text(report, explain=True)
    assert "Dates: meeting on Friday 1 January 2027." in text
    assert "public holiday 'New Year's Day'" in text
    assert f"holidays {importlib.metadata.version('holidays')}" in text


def test_advise_says_nothing_about_an_ordinary_day(shipped: CompiledKB) -> None:
    report = advise(scenario("JP", "[{kind: meeting, date: 2027-04-06}]"), shipped)
    calendar_findings = {
        "planned-date-on-their-public-holiday",
        "planned-date-on-their-weekend",
        "planned-date-in-ramadan",
        "their-calendar-not-checked",
    }
    assert not calendar_findings & {item.id for item in report.diagnosis}
    assert all(not item.dates for item in report.recommendations)


def test_ramadan_advice_is_relative_to_our_own_calendar(shipped: CompiledKB) -> None:
    dates = "[{kind: meeting, date: 2027-02-15}]"  # a Monday in Ramadan 1448
    from_us = advise(scenario("SA", dates), shipped)
    from_egypt = advise(scenario("SA", dates, we="EG"), shipped)
    assert "planned-date-in-ramadan" in {item.id for item in from_us.diagnosis}
    assert "planned-date-in-ramadan" not in {item.id for item in from_egypt.diagnosis}


@pytest.mark.usefixtures("no_country_calendars")
def test_advise_says_when_a_date_could_not_be_checked(shipped: CompiledKB) -> None:
    report = advise(scenario("JP", "[{kind: meeting, date: 2027-01-01}]"), shipped)
    found = {item.id: item for item in report.diagnosis}
    assert found["their-calendar-not-checked"].dates == ("meeting on Friday 1 January 2027",)
    assert "planned-date-on-their-public-holiday" not in found
