"""Check the scenario's dates against the counterpart country's calendar, as input facts.

The calendar is data, not hidden logic: each date becomes a ``key_date`` fact that says whether
it is a weekend day or a public holiday in their country (the ``holidays`` package) and whether
it falls in Ramadan (the Umm al-Qura calendar, through ``hijridate``); rules decide what that
means for the plan. Each fact's origin names the libraries and their versions, because holiday
tables change between releases. Nothing here looks at today's date, so a run can be replayed.

Dates come from ``dates`` and from planned actions that carry one; a date on an action already
done or under way describes the past and is not checked.
"""

from __future__ import annotations

import datetime
import functools
import importlib.metadata
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..schemas.facts import WEEKDAYS, CalendarOrigin, Scalar
from ..schemas.scenario import Scenario
from ..schemas.vocabulary import ActionStatus

if TYPE_CHECKING:
    from holidays import HolidayBase

RAMADAN = 9  # the ninth month of the Hijri year

CalendarDraft = tuple[str, dict[str, Scalar], CalendarOrigin]


# A named tuple: making a frozen dataclass costs every start about five times as much
# (Python compiles its six methods then), and this record of one module needs none of them.
class _Dated(NamedTuple):
    """A date the scenario gives, where it says so, and what happens on it."""

    path: str
    what: str
    day: datetime.date
    fields: dict[str, Scalar]


def _dated(scenario: Scenario) -> Iterator[_Dated]:
    for index, key_date in enumerate(scenario.dates):
        what = key_date.kind.value
        if key_date.description:
            what += f" ({key_date.description})"
        yield _Dated(f"dates[{index}]", what, key_date.date, {"kind": key_date.kind.value})
    for index, action in enumerate(scenario.we_are_doing):
        if action.date is None or action.status is not ActionStatus.planned:
            continue
        yield _Dated(
            f"we_are_doing[{index}].date",
            f"planned action {action.kind.value}",
            action.date,
            {"kind": "action", "action": action.kind.value},
        )


@functools.cache
def _version(distribution: str) -> str:
    # Reading a distribution's metadata parses its METADATA file (3 ms); the version of the
    # code this process imported cannot change while it runs.
    return importlib.metadata.version(distribution)


@functools.lru_cache(maxsize=64)
def _public_holidays(country: str, years: tuple[int, ...]) -> HolidayBase | None:
    """The country's public holidays for those years, named in English where the package has
    English names; None when the package has no calendar for the country.

    Kept for the next scenario with the same country and years (a batch has many): the table
    holds every year asked for, so reading it never adds to it."""
    # The package's country tables take about a tenth of a second to import, and only
    # scenarios with dates need them; `advise` on other scenarios should not pay for it.
    import holidays  # noqa: PLC0415

    if country not in holidays.list_supported_countries():
        return None
    languages = getattr(holidays, country).supported_languages
    english = [language for language in languages if language.startswith("en")]
    # An explicit language keeps holiday names the same on every machine, whatever its locale.
    language = "en_US" if "en_US" in english else (english[0] if english else None)
    return holidays.country_holidays(country, years=list(years), language=language)


def _hijri(day: datetime.date) -> tuple[int, str] | None:
    """The Umm al-Qura month number and date ('11 Ramadan 1448'); None outside the range the
    tables cover (1924 to 2077)."""
    # Imported here, as holidays is: most scenarios have no dates, and the import is about 1 %
    # of a start with warm caches.
    from hijridate import Gregorian  # noqa: PLC0415

    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return None
    return hijri.month, f"{hijri.day} {hijri.month_name('en')} {hijri.year}"


def calendar_facts(scenario: Scenario) -> Iterator[CalendarDraft]:
    """One ``key_date`` fact per date in the scenario, checked for the counterpart's country."""
    dated = list(_dated(scenario))
    if not dated:
        return
    country = scenario.they.culture
    calendar = _public_holidays(country, tuple(sorted({item.day.year for item in dated})))
    holidays_version = _version("holidays") if calendar is not None else ""
    hijridate_version = _version("hijridate")
    for item in dated:
        fields: dict[str, Scalar] = {
            **item.fields,
            "date": item.day.isoformat(),
            "weekday": WEEKDAYS[item.day.weekday()],
            "country": country,
            "checked": calendar is not None,
        }
        holiday, weekend = "", False
        if calendar is not None:
            holiday = str(calendar.get(item.day) or "")
            # A weekend day the country has declared a working day (a bridge swap) is not one.
            weekend = calendar.is_weekend(item.day) and item.day not in calendar.weekend_workdays
            fields.update({"weekend": weekend, "public_holiday": bool(holiday)})
            if holiday:
                fields["holiday"] = holiday
        hijri = _hijri(item.day)
        if hijri is not None:
            fields["ramadan"] = hijri[0] == RAMADAN
        origin = CalendarOrigin(
            path=item.path,
            what=item.what,
            date=item.day,
            country=country,
            holidays_version=holidays_version,
            holiday=holiday,
            weekend=weekend,
            hijri=hijri[1] if hijri else "",
            hijridate_version=hijridate_version if hijri else "",
        )
        yield "key_date", fields, origin
