"""The workspace keeps the compiled KB warm between requests and picks up a changed KB file on
the next request, without a restart (issue 16, item 8)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from synergy_compass.engine import api
from synergy_compass.engine.run.compiler import CompiledKB
from synergy_compass.web import create_app

SHIPPED_KB = Path(__file__).resolve().parents[2] / "kb"
FOUNDING_CASE = SHIPPED_KB / "scenarios" / "allen-japan.yaml"
NEW_TITLE = "Read a polite deferral as a no (title changed while the workspace ran)"


def _advice_page(client: FlaskClient) -> str:
    form = client.get("/scenario").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token, "the form carries no CSRF token"
    page = client.post(
        "/advise",
        data={"csrf": token[1], "scenario_yaml": FOUNDING_CASE.read_text(encoding="utf-8")},
    )
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _retitle(kb: Path, advice_id: str, title: str) -> str:
    """Give one piece of advice a new title in its YAML file; returns the old title."""
    for path in sorted((kb / "advice").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found = re.search(rf"^  - id: {re.escape(advice_id)}\n    title: (.*)$", text, re.MULTILINE)
        if found:
            path.write_text(text[: found.start(1)] + title + text[found.end(1) :], "utf-8")
            return found[1].strip().strip("\"'")
    raise AssertionError(f"advice {advice_id} not found under {kb}")


def test_the_kb_stays_compiled_and_a_changed_file_shows_on_the_next_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(SHIPPED_KB, kb)
    first_advice = api.advise_file(FOUNDING_CASE).recommendations[0].id
    compiled: list[CompiledKB] = []
    compile_for_real = api.compile_knowledge_base

    def counted(*arguments: object) -> CompiledKB:
        compiled.append(compile_for_real(*arguments))  # type: ignore[arg-type]
        return compiled[-1]

    monkeypatch.setattr(api.core, "compile_knowledge_base", counted)
    client = create_app((kb,)).test_client()

    page = _advice_page(client)
    assert len(compiled) == 1
    assert f'id="item-{first_advice}"' in page
    _advice_page(client)
    assert len(compiled) == 1, "a second request compiled the KB again instead of keeping it"

    old_title = _retitle(kb, first_advice, NEW_TITLE)
    assert old_title in page
    changed = _advice_page(client)
    assert len(compiled) == 2
    assert NEW_TITLE in changed
    assert old_title not in changed
