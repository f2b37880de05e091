"""Text output on a terminal: wrapped to its width (explanation trees too), headings and
certainty in colour unless NO_COLOR; anywhere else, the fixed width of the golden files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.api import advise_file
from synergy_compass.engine.render.text import WIDTH, for_terminal, render_text

FOUNDING_CASE = Path("kb/scenarios/allen-japan.yaml")
GOLDEN = Path("tests/golden")


@pytest.fixture(scope="module")
def founding_text() -> str:
    return render_text(advise_file(FOUNDING_CASE), explain=True, width=60, wrap_every_line=True)


def test_the_default_is_the_golden_width() -> None:
    report = advise_file(FOUNDING_CASE)
    assert render_text(report, width=WIDTH) == (GOLDEN / "allen-japan.txt").read_text()
    explained = (GOLDEN / "allen-japan-explain.txt").read_text()
    assert render_text(report, explain=True) == explained
    assert max(len(line) for line in explained.splitlines()) > WIDTH  # trees whole


def test_a_narrow_terminal_wraps_everything(founding_text: str) -> None:
    assert max(len(line) for line in founding_text.splitlines()) <= 60
    assert (
        "     rule deferral-where-refusal-is-indirect: Polite\n         deferrals from"
        in founding_text
    )


def test_headings_and_certainty_words_are_styled() -> None:
    text = "DIAGNOSIS: what\n  1. X  [certainty 0.78, high]\n  low again\n"
    assert for_terminal(text) == (
        "\x1b[1;36mDIAGNOSIS\x1b[0m: what\n  1. X  [certainty 0.78, \x1b[32mhigh\x1b[0m]\n"
        "  low again\n"
    )
    assert for_terminal(text, colour=False) == (
        "\x1b[1mDIAGNOSIS\x1b[0m: what\n  1. X  [certainty 0.78, high]\n  low again\n"
    )


def invoke_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, *args: str, no_color: bool = False
) -> str:
    monkeypatch.setattr("synergy_compass.cli._on_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "61")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_advise_on_a_terminal(monkeypatch: pytest.MonkeyPatch, mini_kb: Path) -> None:
    scenario = str(mini_kb / "scenarios" / "basic.yaml")
    out = invoke_on_a_terminal(monkeypatch, "advise", scenario, "--kb", str(mini_kb), "--no-audit")
    assert "\x1b[1;36mDIAGNOSIS\x1b[0m" in out
    assert "\x1b[32mhigh\x1b[0m" in out
    plain = invoke_on_a_terminal(
        monkeypatch, "advise", scenario, "--kb", str(mini_kb), "--no-audit", no_color=True
    )
    assert "\x1b[3" not in plain  # no colour, bold at most
    assert "DIAGNOSIS" in plain


def test_advise_through_a_pipe_is_plain(mini_kb: Path) -> None:
    scenario = str(mini_kb / "scenarios" / "basic.yaml")
    result = CliRunner().invoke(cli, ["advise", scenario, "--kb", str(mini_kb), "--no-audit"])
    assert "\x1b[" not in result.stdout
