"""The floor plan holds: imports go one way through the stages, experta has one door, modules
stay small enough to read in one sitting, and the wheel installs one package.

docs/architecture.md says the same in prose; this test is what keeps it true.
"""

from __future__ import annotations

import ast
import inspect
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import synergy_compass
from synergy_compass.engine import api

REPOSITORY = Path(__file__).resolve().parents[1]
ENGINE = REPOSITORY / "engine"

# Each part of the engine and the rank of its stage. A module may import its own part and any
# part of a lower rank; parts of one rank do not import each other.
RANKS = {
    "errors": 0,
    "schemas": 1,
    "rules": 2,
    "load": 3,
    "run": 4,
    "explain": 5,
    "pipeline": 6,
    "consult": 7,
    "authoring": 7,
    "render": 8,
    "audit": 8,
    "api": 9,
}
MAX_MODULE_LINES = 400


def engine_modules() -> dict[str, Path]:
    """Every module of the engine by dotted name inside it (``load.loader``, ``api``)."""
    modules = {}
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def part_of(module: str) -> str:
    """The part a module belongs to: its subpackage, or itself for a top-level module."""
    return module.split(".", maxsplit=1)[0] if module else ""


def imported_modules(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, module inside the engine) for every import of engine code in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = [part for part in package if part]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                found.append((node.lineno, ".".join([*base, node.module])))
            else:
                found.extend((node.lineno, ".".join([*base, alias.name])) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            ("engine", "synergy_compass")
        ):
            found.append((node.lineno, f"absolute import {node.module}"))
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, f"absolute import {alias.name}")
                for alias in node.names
                if alias.name.startswith(("engine", "synergy_compass"))
            )
    return found


def test_every_part_of_the_engine_has_a_rank() -> None:
    parts = {part_of(module) for module in engine_modules() if module}
    assert parts <= set(RANKS), f"add {sorted(parts - set(RANKS))} to RANKS and the docs"


def wrong_imports(modules: dict[str, Path]) -> list[str]:
    """Every import that goes against the stages, as ``where: what``."""
    wrong = []
    for module, path in modules.items():
        source = part_of(module)
        for line, target in imported_modules(module, path):
            shown = path.relative_to(ENGINE) if path.is_relative_to(ENGINE) else path.name
            where = f"engine/{shown}:{line}" if path.is_relative_to(ENGINE) else f"{shown}:{line}"
            if target.startswith("absolute import"):
                wrong.append(f"{where}: {target} (use a relative import inside the package)")
                continue
            destination = part_of(target)
            if destination in ("", source):
                continue
            if RANKS[destination] >= RANKS[source]:
                wrong.append(f"{where}: {source} (rank {RANKS[source]}) imports {target}")
    return wrong


def test_imports_go_one_way_through_the_stages() -> None:
    assert wrong_imports(engine_modules()) == []


def test_the_ranks_are_checked_for_real(tmp_path: Path) -> None:
    """The checker itself: an upward import and an absolute one written into a module are
    found; an import from below is not."""
    module = tmp_path / "upward.py"
    module.write_text(
        "from ..errors import Problem\n"
        "from ..run.compiler import CompiledKB\n"
        "from synergy_compass.engine import api\n"
    )
    wrong = wrong_imports({"schemas.upward": module})
    assert wrong == [
        "upward.py:2: schemas (rank 1) imports run.compiler",
        "upward.py:3: absolute import synergy_compass.engine (use a relative import inside the "
        "package)",
    ]


def test_only_the_run_stage_imports_experta() -> None:
    importers = set()
    for module, path in engine_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            ) + ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(name.split(".")[0] == "experta" for name in names):
                importers.add(module)
    assert importers == {"run.experta_compat"}
    for command_line in ("cli.py", "cli_commands.py"):
        cli = ast.parse((REPOSITORY / command_line).read_text(encoding="utf-8"))
        assert not any(
            isinstance(node, ast.Import | ast.ImportFrom)
            and "experta" in ast.unparse(node)
            and "experta_compat" not in ast.unparse(node)
            for node in ast.walk(cli)
        ), command_line


def test_no_module_is_longer_than_one_sitting() -> None:
    files = [*engine_modules().values(), REPOSITORY / "cli.py"]
    long = {
        str(path.relative_to(REPOSITORY)): count
        for path in files
        if path.name != "cli.py"
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_every_subpackage_is_installed() -> None:
    """pyproject.toml lists the packages a wheel holds; a new subpackage must be among them."""
    text = (REPOSITORY / "pyproject.toml").read_text(encoding="utf-8")
    for init in [*ENGINE.rglob("__init__.py"), *(REPOSITORY / "web").rglob("__init__.py")]:
        dotted = ".".join(init.parent.relative_to(REPOSITORY).parts)
        assert f'"synergy_compass.{dotted}"' in text, f"{dotted} is missing from pyproject.toml"


@pytest.mark.skipif(os.environ.get("COMPASS_SKIP_WHEEL") == "1", reason="COMPASS_SKIP_WHEEL=1 set")
def test_the_wheel_installs_one_package_and_the_command(tmp_path: Path) -> None:
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources it builds.
    source = tmp_path / "source"
    shutil.copytree(
        REPOSITORY,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git",
            ".*venv*",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            ".*_cache",
            ".hypothesis",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("synergy_compass-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(name for name in names if name.endswith("entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"synergy_compass"}
    assert "compass = synergy_compass.cli:main" in scripts
    assert "synergy_compass/py.typed" in names
    assert "synergy_compass/cli.py" in names
    assert "synergy_compass/cli_commands.py" in names  # cli.py imports it for every other command
    assert "synergy_compass/kb/kb.yaml" in names
    assert "synergy_compass/engine/run/compiler.py" in names
    shipped = {
        f"synergy_compass/kb/{path.relative_to(REPOSITORY / 'kb').as_posix()}"
        for path in (REPOSITORY / "kb").rglob("*.yaml")
    }
    assert shipped <= set(names)
    # the web workspace's modules, templates and assets: every file a page needs
    workspace = {
        f"synergy_compass/web/{path.relative_to(REPOSITORY / 'web').as_posix()}"
        for path in (REPOSITORY / "web").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert workspace <= set(names), sorted(workspace - set(names))
    assert not [
        name
        for name in names
        if name.startswith(("synergy_compass/tests", "synergy_compass/bench"))
    ]


def test_the_public_api_is_complete() -> None:
    assert synergy_compass.__all__ == api.__all__
    modules = [api, *(module for module in vars(api).values() if inspect.ismodule(module))]
    defined_in_api = {
        name
        for module in modules
        for name, value in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__.startswith(api.__name__)
    }
    assert len(modules) > 1, "the API's modules (core, consulting, ...) are found"
    assert defined_in_api <= set(api.__all__), "every function the api modules define is public"
    for name in synergy_compass.__all__:
        assert getattr(synergy_compass, name) is getattr(api, name)
    with pytest.raises(AttributeError):
        _ = synergy_compass.no_such_function  # type: ignore[attr-defined]
