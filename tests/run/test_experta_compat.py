"""experta 1.9.4 as released does not import on Python >= 3.10; our shim must keep it working."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_experta_imports_and_runs_in_a_fresh_interpreter() -> None:
    # A fresh process: nothing else may have patched `collections` before our shim runs.
    code = (
        "import logging\n"
        "from synergy_compass.engine.run.experta_compat import Fact, KnowledgeEngine, Rule, EXPERTA_VERSION\n"
        "class Seen(Fact): pass\n"
        "fired = []\n"
        "class Engine(KnowledgeEngine):\n"
        "    @Rule(Seen(value=1))\n"
        "    def note(self): fired.append(True)\n"
        "engine = Engine(); engine.reset(); engine.declare(Seen(value=1)); engine.run()\n"
        "assert fired == [True]\n"
        "assert logging.getLogger().handlers == [], logging.getLogger().handlers\n"
        "print(EXPERTA_VERSION)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1.9.4"


def test_the_installed_frozendict_is_the_pinned_one_the_shim_exists_for() -> None:
    # If experta or its pin ever changes, this tells us the shim may be removable.
    assert version("experta") == "1.9.4"
    assert version("frozendict") == "1.2"
