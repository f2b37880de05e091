"""What a fresh `compass advise --format json` imports: only what a JSON report needs.

Every module a command imports is time before its first line of output, and `advise` is the
command started most often (bench/README.md, issue 18). The CLI and the API import what other
commands and formats need inside those commands; this guards it, without timing anything, by
running the command in a new interpreter and looking at what it had imported when it ended.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BASIC = "tests/fixtures/mini_kb/scenarios/basic.yaml"
REPOSITORY = Path(__file__).resolve().parent.parent

# Runs the console script's entry point as `compass` does, then writes the modules imported.
_PROBE = """
import json, sys
from synergy_compass.cli import main
listing, sys.argv = sys.argv[1], ["compass", *sys.argv[2:]]
try:
    main()
finally:
    with open(listing, "w", encoding="utf-8") as handle:
        json.dump(sorted(sys.modules), handle)
"""

NOT_NEEDED_FOR_JSON = (
    "synergy_compass.engine.consult.template",  # `compass new` and the example scenarios
    "synergy_compass.engine.render.documents",  # Markdown, HTML and PDF reports
    "synergy_compass.engine.render.report_html",
    "synergy_compass.engine.render.report_markdown",
    "synergy_compass.engine.render.pdf",
    "synergy_compass.engine.render.chart",
    "synergy_compass.engine.schemas.branding",  # printed on those documents only
    "synergy_compass.engine.consult.compare",  # the culture comparison in those documents
    "synergy_compass.engine.audit",  # --no-audit
    "synergy_compass.engine.authoring.json_schemas",  # `kb schema`, and the team model with it
    "synergy_compass.engine.schemas.team",
    "tomllib",  # the config file's parser: the tests have no config file
    "synergy_compass.engine.load.config",  # reading one, and its model
    "synergy_compass.engine.schemas.config",
    "subprocess",  # Chromium prints PDFs
    "difflib",  # did-you-mean hints, for mistakes only
    "hijridate",  # the Hijri calendar, for a scenario with dates (this one has none)
    "statistics",  # averages of observed positions, for a scenario that observes someone
    "synergy_compass.engine.run.rete_conditions",  # rules' conditions, for experta's RETE
    "synergy_compass.engine.schemas.cache_report",  # `compass cache`
    "synergy_compass.cli_commands",  # every other command
)


def _imported_by(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    listing = tmp_path / "modules.json"
    finished = subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), *args],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return finished, set(json.loads(listing.read_text(encoding="utf-8")))


def test_json_advice_imports_nothing_only_other_formats_need(tmp_path: Path, mini_kb: Path) -> None:
    finished, modules = _imported_by(
        tmp_path, "advise", BASIC, "--kb", str(mini_kb), "--format", "json", "--no-audit"
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["recommendations"]
    assert sorted(modules.intersection(NOT_NEEDED_FOR_JSON)) == []


@pytest.mark.parametrize(
    ("output_format", "needed"),
    [
        ("markdown", "synergy_compass.engine.render.documents"),
        ("markdown", "synergy_compass.engine.schemas.branding"),
    ],
)
def test_the_formats_that_need_them_still_import_them(
    tmp_path: Path, mini_kb: Path, output_format: str, needed: str
) -> None:
    """The probe sees what a command imports: a Markdown report loads its renderer."""
    finished, modules = _imported_by(
        tmp_path, "advise", BASIC, "--kb", str(mini_kb), "--format", output_format, "--no-audit"
    )
    assert finished.returncode == 0, finished.stderr
    assert needed in modules


def test_the_other_commands_are_defined_when_one_is_wanted() -> None:
    """Only `advise` is defined when the CLI is imported; listing the commands (as --help
    does) or asking for another adds every one, under the names they always had."""
    probe = (
        "import click\n"
        "from synergy_compass.cli import cli\n"
        "defined = sorted(cli.commands)\n"
        "print(defined, cli.get_command(click.Context(cli), 'kb').name,"
        " cli.list_commands(click.Context(cli)))\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert finished.stdout.split("] kb ")[0] == "['advise'"
    every = (
        "['advise', 'audit', 'batch', 'cache', 'compare', 'config', 'countries', 'explain', "
        "'interview', 'kb', 'new', 'profile', 'scenario', 'serve', 'team', 'whatif']"
    )
    assert finished.stdout.strip().endswith(every)


def test_with_warm_caches_pycountry_is_not_imported(
    tmp_path: Path, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ISO 3166's table comes from the product cache (engine/load/iso_countries.py) once a
    run has kept it: importing pycountry is left to the first run and COMPASS_NO_CACHE=1."""
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path / "cache"))
    command = ("advise", BASIC, "--kb", str(mini_kb), "--format", "json", "--no-audit")
    first, _modules = _imported_by(tmp_path, *command)
    assert first.returncode == 0, first.stderr
    again, modules = _imported_by(tmp_path, *command)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert "pycountry" not in modules
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    _finished, modules = _imported_by(tmp_path, *command)
    assert "pycountry" in modules
