"""The config file: defaults for the commands' options, located errors, and `compass config`
showing where every setting came from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.errors import ConfigError
from synergy_compass.engine.load.config import config_path, read_config

BASIC = "tests/fixtures/mini_kb/scenarios/basic.yaml"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_environment_names_the_file(no_user_config: Path) -> None:
    assert config_path() == no_user_config
    code, out, _ = invoke("config", "path")
    assert (code, out) == (0, f"{no_user_config}\n")


def test_no_file_means_every_default(no_user_config: Path) -> None:
    loaded = read_config()
    assert not loaded.exists
    assert loaded.config.kb == ()
    code, out, _ = invoke("config", "show")
    assert code == 0
    assert f"config file: {no_user_config} (none there: every setting is a default)" in out
    assert "  format               text  [default]" in out


def test_relative_paths_are_read_from_the_files_folder(no_user_config: Path) -> None:
    write_config(no_user_config.parent / "logo.svg", "<svg/>")
    write_config(
        no_user_config,
        'kb = ["my-kb", "~/other"]\naudit_db = "runs.sqlite3"\n[report]\nlogo = "logo.svg"\n',
    )
    config = read_config().config
    folder = no_user_config.parent
    assert config.kb == (folder / "my-kb", Path.home() / "other")
    assert config.audit_db == folder / "runs.sqlite3"
    assert config.report.logo == folder / "logo.svg"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'fromat = "html"\n',
            ":1:1: unknown key 'fromat' (at fromat). Did you mean 'format'?",
        ),
        (
            '[report]\nprepard_by = "Ann"\n',
            ":2:1: unknown key 'prepard_by' (at report.prepard_by). "
            "Did you mean 'prepared_by' or 'prepared_for'?",
        ),
        (
            'format = "word"\n',
            ":1:10: Input should be 'text', 'json', 'markdown', 'html' or 'pdf'; found 'word' (at format).",
        ),
        ("format = html\n", ":1:10: this is not valid TOML: invalid value."),
        (
            '[report]\nlogo = "missing.png"\n',
            ":2:8: there is no logo file at ",
        ),
    ],
)
def test_a_bad_file_is_a_located_usage_error(no_user_config: Path, text: str, message: str) -> None:
    write_config(no_user_config, text)
    with pytest.raises(ConfigError, match="^" + str(no_user_config)):
        read_config()
    for command in (("config", "show"), ("advise", BASIC, "--no-audit"), ("kb", "stats")):
        code, out, err = invoke(*command)
        assert (code, out) == (2, "")
        assert err.startswith(f"error: {no_user_config}{message}")
    # Where the file is can still be asked, to go and mend it.
    assert invoke("config", "path")[0] == 0


def test_the_file_gives_defaults_and_the_command_line_wins(
    no_user_config: Path, mini_kb: Path, tmp_path: Path
) -> None:
    audit = tmp_path / "firm-audit.sqlite3"
    write_config(
        no_user_config,
        f'kb = ["{mini_kb}"]\naudit_db = "{audit}"\nformat = "markdown"\n'
        '[report]\nprepared_by = "Ann Lee"\nfirm = "Lee & Co"\nprepared_for = "Acme"\n',
    )
    code, out, _ = invoke("advise", BASIC, "--no-audit")
    assert code == 0
    assert out.startswith("# ")  # Markdown, on the KB of the config file
    assert "Ann Lee, Lee & Co" in out
    assert "Acme" in out
    code, out, _ = invoke("advise", BASIC, "--no-audit", "--format", "text")
    assert code == 0
    assert out.startswith("Synergy Compass: ")
    code, out, _ = invoke("kb", "stats", "--format", "json")
    assert json.loads(out)["rules"] == 4  # the mini KB's
    code, out, _ = invoke("config", "show", "--format", "json")
    sources = {setting["name"]: setting for setting in json.loads(out)["settings"]}
    assert sources["format"]["source"] == "config file"
    assert sources["format"]["where"] == str(no_user_config)
    assert sources["report.firm"]["value"] == "Lee & Co"
    # COMPASS_AUDIT_DB is set for every test, and the environment outranks the file
    assert sources["audit_db"]["source"] == "environment variable"
    assert sources["audit_db"]["where"] == "COMPASS_AUDIT_DB"
    assert sources["report.logo"]["source"] == "default"


def test_config_show_names_the_command_line(
    no_user_config: Path, mini_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPASS_AUDIT_DB")
    write_config(no_user_config, f'audit_db = "{tmp_path / "a.sqlite3"}"\n')
    code, out, _ = invoke("config", "show")
    assert f"  audit_db             {tmp_path / 'a.sqlite3'}  [config file {no_user_config}]" in out
    code, out, _ = invoke("config", "show", "--kb", mini_kb, "--audit-db", tmp_path / "b.sqlite3")
    assert code == 0
    assert f"  kb                   {mini_kb}  [command line --kb]" in out
    assert f"  audit_db             {tmp_path / 'b.sqlite3'}  [command line --audit-db]" in out


def test_no_config_file_builds_no_config_schema(tmp_path: Path) -> None:
    # every command reads the config; with no file, its defaults must not cost the schema
    # build (about 2 ms at every start). A new interpreter: another test may have built it.
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from synergy_compass.engine.load.config import read_config\n"
        "from synergy_compass.engine.schemas.config import ConfigFile\n"
        "loaded = read_config(Path(sys.argv[1]))\n"
        "assert not loaded.exists and loaded.config == ConfigFile.model_construct()\n"
        "print(ConfigFile.__pydantic_complete__)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "config.toml")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert finished.stdout.strip() == "False"
