"""Issue 19 item 3, for the example scenarios: `kb test`, `kb coverage` and `kb stats` list a
KB's ``scenarios/`` folder with the same trust as the rest of the KB. A link there to a file or
folder outside the KB is refused with the walk's located message (the scenario loader would
otherwise read it and quote its keys), and a scenarios folder that cannot be read is an error
instead of an empty suite that passes."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile_support import assert_located_failure, folder_outside, invoke, mini_kb_copy
from synergy_compass.engine.authoring.layers import KBLayer, LayerScope
from synergy_compass.engine.errors import KnowledgeBaseError
from synergy_compass.engine.load.discovery import example_scenarios, walk_scenarios

OUTSIDE = "outside the knowledge base's folder"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return mini_kb_copy(tmp_path)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    return folder_outside(tmp_path, "scenarios/basic.yaml")


@pytest.mark.parametrize("command", ["test", "coverage", "stats"])
def test_a_scenario_link_outside_the_kb_is_refused_and_its_keys_never_shown(
    kb: Path, outside: Path, command: str
) -> None:
    (kb / "scenarios" / "leak.yaml").symlink_to(outside / "credentials.yaml")
    result = invoke("kb", command, kb)
    assert_located_failure(
        result,
        "scenarios/leak.yaml",
        f"this is a link to {outside / 'credentials.yaml'}, {OUTSIDE}",
    )
    output = result.stdout + result.stderr
    assert "AWS_SECRET_ACCESS_KEY" not in output
    assert "password" not in output


def test_a_link_to_a_valid_scenario_outside_is_refused_too(kb: Path, outside: Path) -> None:
    # Refused for where it leads, not for what it holds: a good scenario there is not run.
    (kb / "scenarios" / "borrowed.yaml").symlink_to(outside / "basic.yaml")
    assert_located_failure(invoke("kb", "test", kb), "scenarios/borrowed.yaml", OUTSIDE)


def test_a_scenarios_folder_that_is_a_link_outside_is_refused(kb: Path, outside: Path) -> None:
    shutil.rmtree(kb / "scenarios")
    (kb / "scenarios").symlink_to(outside, target_is_directory=True)
    assert_located_failure(invoke("kb", "test", kb), "scenarios/", OUTSIDE)


def test_a_folder_link_outside_inside_the_scenarios_folder_is_refused(
    kb: Path, outside: Path
) -> None:
    # Scenarios name profile files below their folder, so a linked-out subfolder would be read.
    (kb / "scenarios" / "profiles").symlink_to(outside, target_is_directory=True)
    assert_located_failure(invoke("kb", "test", kb), "scenarios/profiles", OUTSIDE)


def test_an_unreadable_scenarios_folder_is_a_located_error(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scandir: Callable[..., Any] = os.scandir
    folder = str(kb / "scenarios")

    def refuse_scenarios(path: Any = ".") -> Any:
        if os.fspath(path) == folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), folder)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse_scenarios)
    result = invoke("kb", "test", kb)
    assert_located_failure(result, "scenarios/", "cannot read the folder: Permission denied")


def test_links_inside_the_kb_and_subfolders_still_work(kb: Path) -> None:
    # A scenario kept outside scenarios/ under a name the KB walk does not read, then linked.
    (kb / "notes").mkdir()
    shutil.copy(kb / "scenarios" / "basic.yaml", kb / "notes" / "basic.txt")
    (kb / "scenarios" / "again.yaml").symlink_to(Path("..", "notes", "basic.txt"))
    (kb / "scenarios" / "teams").mkdir()
    (kb / "scenarios" / "teams" / "not-a-scenario.yaml").write_text("team: []\n")
    assert [path.name for path in example_scenarios([kb])] == [
        "again.yaml",
        "basic.yaml",
        "flat-firm.yaml",
    ]
    result = invoke("kb", "test", kb)
    assert result.exit_code == 0, result.output[-2000:]
    assert "PASS  again.yaml" in result.stdout


def test_only_yaml_files_are_scenarios_and_a_kb_without_them_has_none(kb: Path) -> None:
    (kb / "scenarios" / "draft.yml").write_text("title: not listed, as before\n")
    (kb / "scenarios" / "README.md").write_text("notes\n")
    assert [name for name, _ in walk_scenarios(kb).files] == [
        "scenarios/basic.yaml",
        "scenarios/flat-firm.yaml",
    ]
    shutil.rmtree(kb / "scenarios")
    assert walk_scenarios(kb).files == []
    assert example_scenarios([kb]) == []


def test_an_extension_layer_is_named_by_its_folder(kb: Path, outside: Path, tmp_path: Path) -> None:
    extension = tmp_path / "acme"
    (extension / "scenarios").mkdir(parents=True)
    (extension / "scenarios" / "leak.yaml").symlink_to(outside / "credentials.yaml")
    scope = LayerScope(
        layers=tuple(
            KBLayer(directory=str(root), shown_as=root.name, files=frozenset())
            for root in (kb, extension)
        ),
        reported=0,
    )
    assert [path.name for path in scope.scenario_files()] == ["basic.yaml", "flat-firm.yaml"]
    for reported in (1, None):
        scope = scope.model_copy(update={"reported": reported})
        with pytest.raises(KnowledgeBaseError) as refused:
            scope.scenario_files()
        assert str(refused.value).startswith("acme/scenarios/leak.yaml: this is a link to ")
