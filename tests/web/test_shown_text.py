"""Issue 19 item 4 in the workspace: what a scenario or a knowledge base says is shown on every
page without its control characters and direction overrides (the HTML escaping alone leaves
them in), through the one hook every template value passes (``web/app.py``: shown_value)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FOUNDING_CASE, MINI_KB
from flask.testing import FlaskClient
from markupsafe import Markup
from synergy_compass.web import create_app
from synergy_compass.web.app import shown_value

CSRF = "test-csrf-token"
# What HTML escaping leaves alone and a page should never carry: C0 and C1 controls but tab and
# newline, and the invisible direction marks, embeddings, overrides and isolates.
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A title as a YAML double-quoted string: ESC starting a window-title sequence, BEL ending it, a
# right-to-left override and an eight-bit CSI.
HOSTILE_TITLE = '"Deal \\e]0;pwned\\a with \\u202Eesrever\\u202C and \\x9b31m colour"'
TITLE_WORDS = "Deal ]0;pwned with esrever and 31m colour"


def _client(kb_roots: tuple[Path, ...] | None = None) -> FlaskClient:
    client = create_app(kb_roots=kb_roots).test_client()
    with client.session_transaction() as session:
        session["csrf"] = CSRF
    return client


def _hostile_scenario() -> str:
    text = FOUNDING_CASE.read_text(encoding="utf-8")
    hostile, replaced = re.subn(
        r"^title: .*$", lambda _: f"title: {HOSTILE_TITLE}", text, flags=re.MULTILINE
    )
    assert replaced == 1
    return hostile


def _assert_clean(page: str) -> None:
    assert "\x1b" not in page
    assert "\u202e" not in page
    assert not UNWANTED.findall(page), sorted(set(UNWANTED.findall(page)))


def test_the_result_page_shows_a_hostile_title_without_its_controls() -> None:
    answer = _client().post("/advise", data={"csrf": CSRF, "scenario_yaml": _hostile_scenario()})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    _assert_clean(page)
    assert f'<h1 id="result-title">{TITLE_WORDS}</h1>' in page  # the words stay


def test_the_form_shows_a_loaded_hostile_scenario_without_its_controls() -> None:
    answer = _client().post(
        "/scenario", data={"csrf": CSRF, "action": "paste", "scenario_yaml": _hostile_scenario()}
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    _assert_clean(page)
    assert f'value="{TITLE_WORDS}"' in page


def test_knowledge_base_text_is_shown_without_its_controls(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    advice = yaml.safe_load((root / "advice.yaml").read_text(encoding="utf-8"))
    advice["advice"][0]["title"] = yaml.safe_load(HOSTILE_TITLE)
    (root / "advice.yaml").write_text(yaml.safe_dump(advice), encoding="utf-8")
    client = _client((root,))
    for url in ("/kb/advice", f"/kb/advice/{advice['advice'][0]['id']}"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        page = answer.get_data(as_text=True)
        _assert_clean(page)
        assert TITLE_WORDS in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\tb\nc", "a\tb\nc"),  # layout stays
        ("Zürich \u2014 東京 عربى", "Zürich \u2014 東京 عربى"),  # every script stays
        ("x\x1b[2Jy\u202ez", "x[2Jyz"),
        (3, 3),
        (None, None),
    ],
)
def test_shown_value(value: object, expected: object) -> None:
    assert shown_value(value) == expected


def test_markup_the_workspace_built_stays_markup() -> None:
    drawing = shown_value(Markup("<svg><text>a\u202eb</text></svg>"))
    assert isinstance(drawing, Markup)
    assert drawing == Markup("<svg><text>ab</text></svg>")
