"""Which cultures a finding is about, read off its support; the three-party case end to end."""

from __future__ import annotations

from pathlib import Path

from synergy_compass.engine.api import advise_file
from synergy_compass.engine.explain.pairs import PairFinder, describe_between
from synergy_compass.engine.schemas.facts import (
    FactRecord,
    Origin,
    ProfileOrigin,
    RuleOrigin,
    Scalar,
    ScenarioOrigin,
)
from synergy_compass.engine.schemas.report import CultureSide, Report
from synergy_compass.engine.schemas.results import Firing, RunResult

THREE_PARTIES = Path("kb/scenarios/three-parties-us-buyer-japan-subsidiary-german-parent.yaml")
SCENARIO = ScenarioOrigin(paths=("somewhere",))


def _profile(country: str) -> ProfileOrigin:
    return ProfileOrigin(country=country, dimension="pdi", source="test", file="f.yaml")


def _fact(number: int, kind: str, fields: dict[str, Scalar], origin: Origin) -> FactRecord:
    return FactRecord(id=number, type=kind, fields=fields, origin=origin)


def _finding(number: int, name: str, *firings: int) -> FactRecord:
    return _fact(number, "finding", {"name": name}, RuleOrigin(firings=firings))


def _firing(number: int, matched: tuple[int, ...], concluded: int) -> Firing:
    return Firing(
        number=number, rule="r", branch=0, facts=matched, bindings={}, concluded=(concluded,)
    )


def _run() -> RunResult:
    """Facts 0-5 are input; 6-10 are findings concluded by firings 1-5 (5 re-concludes 8)."""
    facts = (
        _fact(0, "culture", {"side": "home", "country": "US"}, SCENARIO),
        _fact(1, "score", {"side": "counterpart", "dimension": "pdi", "value": 54}, _profile("JP")),
        _fact(
            2, "score", {"side": "intermediary", "dimension": "pdi", "value": 35}, _profile("DE")
        ),
        _fact(
            3, "score", {"side": "intermediary", "dimension": "pdi", "value": 80}, _profile("CN")
        ),
        _fact(4, "observation", {"kind": "no_decision"}, SCENARIO),
        _fact(5, "score", {"side": "home", "dimension": "pdi", "value": 40}, _profile("US")),
        _finding(6, "gap", 1),
        _finding(7, "observed", 2),
        _finding(8, "chained", 3, 5),
        _finding(9, "two-go-betweens", 4),
        _finding(10, "loop", 5),
    )
    firings = (
        _firing(1, (5, 1), 6),
        _firing(2, (4,), 7),
        _firing(3, (6, 0), 8),
        _firing(4, (2, 3), 9),
        _firing(5, (8, 4), 10),
    )
    return RunResult(facts=facts, firings=firings)


def test_a_finding_names_the_sides_of_the_profile_facts_it_rests_on() -> None:
    pairs = PairFinder(_run(), str.lower)
    assert pairs.sides(6) == (("home", "US"), ("counterpart", "JP"))


def test_a_finding_resting_on_observed_facts_alone_names_no_pair() -> None:
    assert PairFinder(_run(), str.lower).sides(7) == ()


def test_sides_are_collected_through_chained_findings_and_loops_end() -> None:
    pairs = PairFinder(_run(), str.lower)
    # 8 rests on finding 6 (home and counterpart scores) and on our culture fact; it is also
    # concluded again by firing 5, which used finding 8 itself.
    assert pairs.sides(8) == (("home", "US"), ("counterpart", "JP"))
    assert pairs.sides(10) == (("home", "US"), ("counterpart", "JP"))


def test_two_parties_of_one_kind_are_told_apart_by_their_profiles() -> None:
    assert PairFinder(_run(), str.lower).sides(9) == (
        ("intermediary", "CN"),
        ("intermediary", "DE"),
    )


def test_between_carries_the_countries_names() -> None:
    assert PairFinder(_run(), {"US": "United States", "JP": "Japan"}.__getitem__).between(6) == (
        CultureSide(side="home", country="US", name="United States"),
        CultureSide(side="counterpart", country="JP", name="Japan"),
    )


def test_the_short_form_names_parties_and_says_nothing_for_no_pair() -> None:
    us = CultureSide(side="home", country="US", name="United States")
    parent = CultureSide(side="their_parent", country="DE", name="Germany")
    assert describe_between((us, parent)) == "Between: United States ↔ Germany (their parent)"
    assert describe_between((parent,)) == "Culture: Germany (their parent)"
    assert describe_between(()) == ""


def _between(report: Report, finding: str) -> tuple[tuple[str, str], ...]:
    item = next(item for item in report.diagnosis if item.id == finding)
    return tuple((member.side, member.country) for member in item.between)


def test_the_three_party_case_loads_three_profiles_and_names_each_pair() -> None:
    report = advise_file(THREE_PARTIES)
    profiles = {
        (str(fact.fields["side"]), fact.origin.country)
        for fact in report.trace.facts
        if fact.type == "score" and fact.origin.kind == "profile"
    }
    assert profiles == {("home", "US"), ("counterpart", "JP"), ("their_parent", "DE")}
    us_japan = (("home", "US"), ("counterpart", "JP"))
    us_parent = (("home", "US"), ("their_parent", "DE"))
    for day_to_day in ("counterpart-high-context", "counterpart-avoids-confrontation"):
        assert _between(report, day_to_day) == us_japan
    for parent_decides in (
        "sign-off-sits-with-their-parent",
        "their-parent-sets-prices",
        "parent-signs-off-by-consultation",
        "parent-process-wants-more-paper",
    ):
        assert _between(report, parent_decides) == us_parent
    assert _between(report, "situation-overrides-profile-corporate-culture") == (
        ("counterpart", "JP"),
        ("their_parent", "DE"),
    )
    # the expatriate managing director is matched on the person alone: no culture fact
    assert _between(report, "decision-maker-from-another-culture") == ()
