"""The text report names the cultures each diagnosis item is about."""

from __future__ import annotations

import re
from pathlib import Path

from synergy_compass.engine.api import advise_file
from synergy_compass.engine.render.text import render_text

THREE_PARTIES = Path("kb/scenarios/three-parties-us-buyer-japan-subsidiary-german-parent.yaml")


def _item(text: str, title: str) -> str:
    """One diagnosis item: from its title to the next item or the end of its section."""
    start = text.index(title)
    end = re.compile(r"\n  \d+\. |\n\n").search(text, start)
    assert end is not None
    return text[start : end.start()]


def test_each_finding_says_which_pair_it_is_about() -> None:
    text = render_text(advise_file(THREE_PARTIES))
    sign_off = _item(text, "Sign-off sits with their parent")
    assert "Between: United States ↔ Germany (their parent)." in sign_off
    implicit = _item(text, "They communicate more implicitly than we do")
    assert "Between: United States ↔ Japan." in implicit
    expatriate = _item(text, "Their top decision-maker comes from another culture")
    assert "Between:" not in expatriate
    assert "Culture:" not in expatriate
