"""The summary `compass profile` prints: the band drawn around the position on the bar, and
names from the person or a shared KB printed as plain text on one line."""

from __future__ import annotations

import datetime

from synergy_compass.engine import api
from synergy_compass.engine.consult.profile import (
    ProfileResult,
    ScaleResult,
    profile_file_text,
)
from synergy_compass.engine.render.profile import band_bar, render_profile_text
from synergy_compass.engine.schemas.profiles import PersonalProfile, ScalePosition

HOSTILE = "\x1b]0;owned\x07Tri\u202eck\x1b[2J\nline"


def test_the_bar_marks_the_position_inside_its_band() -> None:
    assert band_bar(50, 0) == "··········●··········"
    assert band_bar(50, 12.5) == "·······━━━●━━━·······"
    assert band_bar(0, 20) == "●━━━━················"
    assert band_bar(100, 50) == "··········━━━━━━━━━━●"
    assert band_bar(37.5, 17.5) == "····━━━━●━━━━········"


def hostile_result() -> ProfileResult:
    profile = PersonalProfile(
        name=HOSTILE,
        assessed_on=datetime.date(2026, 1, 5),
        questionnaire="short 1",
        sureness=1,
        positions={"trusting": ScalePosition(position=40, band=10)},
    )
    scale = ScaleResult(
        scale="trusting",
        name=HOSTILE,
        low_pole=HOSTILE,
        high_pole="relationship-based",
        position=40,
        band=10,
        answered=2,
        items=2,
    )
    return ProfileResult(profile=profile, title=HOSTILE, sureness_label=HOSTILE, scales=(scale,))


def test_names_reach_the_terminal_as_plain_text_on_one_line() -> None:
    text = render_profile_text(hostile_result())
    assert not any(char in text for char in "\x1b\x07\u202e")
    assert "]0;owned" in text  # what is left of the sequence is shown, harmless
    assert "Trick[2J line: You" not in text
    assert text.splitlines()[0] == "]0;ownedTrick[2J line: ]0;ownedTrick[2J line, 2026-01-05"


def test_the_file_comments_keep_no_control_or_direction_characters() -> None:
    text = profile_file_text(hostile_result(), "x.yaml")
    comments = [line for line in text.splitlines() if "#" in line]
    assert not any(char in line for line in comments for char in "\x1b\x07\u202e")


def test_the_person_s_name_is_kept_to_one_plain_line() -> None:
    assert api.start_profile(name=f"  Ann {HOSTILE}  Lee ").name == (
        "Ann ]0;ownedTrick[2J line Lee"
    )
