"""compass team and compass compare with three or more countries, through the CLI.

Done when (issue 20): a five-person, four-culture team file draws the map and names the two
widest gaps with advice, in the text (golden file), HTML and PDF outputs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_golden
from pypdf import PdfReader
from synergy_compass.cli import cli
from synergy_compass.engine.render.pdf import BROWSERS

TEAM = "kb/scenarios/teams/launch-team.yaml"
PRACTICAL = (
    "Communicating",
    "Evaluating",
    "Persuading",
    "Leading",
    "Deciding",
    "Trusting",
    "Disagreeing",
    "Scheduling",
)
CHROMIUM = next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _run(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(arguments))
    return result.exit_code, result.output


def test_a_five_person_four_culture_team_is_mapped_with_its_two_widest_gaps() -> None:
    code, text = _run("team", TEAM)
    assert code == 0, text
    assert_golden("team-launch.txt", text)
    assert "5 members" in text
    for culture in ("Brazil (BR)", "Japan (JP)", "Netherlands (NL)", "United States (US)"):
        assert culture in text
    # every practical scale has its line, with a letter (or a crowd mark) per placed member
    for scale in PRACTICAL:
        assert re.search(rf"^{scale}: .+\n  \|[-A-Za-z*]{{51}}\|$", text, re.MULTILINE), scale
    communicating = text.split("Communicating: ", 1)[1].split("\n\n", 1)[0]
    assert "M 15 ±8" in communicating  # Mark Allen's own position, from his profile file
    assert "d 10 (NL national" in communicating  # Daan de Vries: his culture's score, so marked
    gaps = text.split("The 2 widest gaps", 1)[1]
    assert gaps.count("points apart") == 2
    assert "1. Communicating: Daan de Vries" in gaps
    assert "2. Evaluating: Daan de Vries" in gaps
    assert gaps.count("Team advice from the knowledge base:") == 2
    assert "[confirm-agreements-in-writing-after-calls]" in gaps
    assert "Why: rule 'context-gap-within-the-team'" in gaps
    assert "[meyer-2014] Erin Meyer (2014)" in text


def test_top_names_more_gaps_one_per_scale() -> None:
    code, text = _run("team", TEAM, "--top", "4", "--format", "json")
    assert code == 0, text
    found = json.loads(text)
    assert [gap["scale"] for gap in found["gaps"]] == [
        "Communicating",
        "Evaluating",
        "Leading",
        "Disagreeing",
    ]
    assert [gap["distance"] for gap in found["gaps"]] == [85, 80, 75, 75]
    bases = {
        mark["member"]: mark["basis"]
        for scale in found["scales"]
        if scale["dimension"] == "disagreeing"
        for mark in scale["marks"]
    }
    assert bases == {
        "Ana Souza": "self-assessed",
        "Kenji Sato": "national",
        "Yuki Tanaka": "self-assessed",  # written in the team file
        "Daan de Vries": "national",
        "Mark Allen": "self-assessed",
    }


def test_the_html_map_has_a_drawing_per_scale_and_the_gaps(tmp_path: Path) -> None:
    target = tmp_path / "team.html"
    code, text = _run("team", TEAM, "--format", "html", "-o", str(target))
    assert code == 0, text
    page = target.read_text(encoding="utf-8")
    for section in ("members", "map", "gaps", "sources"):
        assert f'<h2 id="{section}">' in page
    # the key, then one drawing per practical scale with a lane (a dot) per placed member
    assert page.count('<figure class="scale">') == 1 + len(PRACTICAL)
    assert page.count("<svg") == 1 + len(PRACTICAL)
    assert page.count("<circle") == 2 + 5 * 7 + 2  # the key's two, persuading has two members
    assert page.count('<section class="gap">') == 2
    markdown = _run("team", TEAM, "--format", "markdown")[1]
    assert "## The 2 widest gaps" in markdown
    assert "```text" in markdown


@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")
def test_the_pdf_map_carries_the_map_and_the_gaps_as_text(tmp_path: Path) -> None:
    target = tmp_path / "team.pdf"
    code, text = _run("team", TEAM, "--format", "pdf", "-o", str(target))
    assert code == 0, text
    words = " ".join(page.extract_text() for page in PdfReader(target).pages)
    words = " ".join(words.split())
    for expected in ("Payments launch team", "The 2 widest gaps", "Kenji Sato", *PRACTICAL):
        assert expected in words


def _team_file(folder: Path, text: str) -> str:
    path = folder / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_problems_in_a_team_file_are_located(tmp_path: Path) -> None:
    path = _team_file(
        tmp_path,
        "name: Squad\nmembers:\n"
        "  - name: Ann\n    culture: Narnia\n"
        "  - name: Bo\n    culture: JP\n    positions: {leadin: {position: 10, band: 5}}\n"
        "  - name: Cy\n    culture: US\n    profile: ../elsewhere.yaml\n",
    )
    code, text = _run("team", path)
    assert code == 2
    assert f"{path}:4:14: unknown country 'Narnia'" in text
    path = _team_file(
        tmp_path,
        "name: Squad\nmembers:\n"
        "  - name: Bo\n    culture: JP\n    positions: {leadin: {position: 10, band: 5}}\n"
        "  - name: Cy\n    culture: US\n    profile: ../elsewhere.yaml\n",
    )
    code, text = _run("team", path)
    assert code == 2
    assert f"{path}:5:17: 'leadin' (member Bo" in text
    assert "Did you mean 'leading'" in text
    assert f"{path}:8:14: the profile file '../elsewhere.yaml' is outside" in text
    twice = _team_file(
        tmp_path, "name: S\nmembers:\n  - {name: Bo, culture: JP}\n  - {name: bo, culture: US}\n"
    )
    code, text = _run("team", twice)
    assert code == 2
    assert "two members are called 'bo'" in text
    code, text = _run("team", str(tmp_path / "none.yaml"))
    assert code == 2
    assert "cannot read the team file" in text


def test_compare_with_three_countries_draws_them_on_one_line_per_scale() -> None:
    code, text = _run("compare", "US", "Japan", "Holland")
    assert code == 0, text
    assert text.startswith("United States (US), Japan (JP), Netherlands (NL)\n")
    leading = text.split("\nLeading (estimated): egalitarian -> hierarchical\n", 1)[1]
    assert leading.startswith("  |-----N------U-----------------------------J--------|")
    # then each country beside the first, exactly as compare shows a pair
    for other in ("JP", "NL"):
        pair = _run("compare", "US", other)[1]
        assert pair in text
    as_json = json.loads(_run("compare", "US", "JP", "NL", "--format", "json")[1])
    assert [pair["b"] for pair in as_json] == ["JP", "NL"]


def test_compare_with_two_countries_is_unchanged() -> None:
    code, text = _run("compare", "US", "JP")
    assert code == 0
    assert text.startswith("United States (US) and Japan (JP)\n")
    assert "on one line per scale" not in text
    assert "Marks:" not in text


def test_the_readmes_team_file_maps(tmp_path: Path) -> None:
    readme = Path(__file__).resolve().parents[1].joinpath("README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml\n", readme.index("**Team maps.**")) + len("```yaml\n")
    (tmp_path / "profiles").mkdir()
    shutil.copy(
        Path(TEAM).parent / "profiles" / "ana-souza.yaml", tmp_path / "profiles" / "ana-souza.yaml"
    )
    path = _team_file(tmp_path, readme[start : readme.index("```", start)])
    code, text = _run("team", path)
    assert code == 0, text
    assert "Y 40 ±15" in text
