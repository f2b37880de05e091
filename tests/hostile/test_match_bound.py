"""Issue 19 item 1: the match phase is bounded. A rule whose patterns share no variable matches
every combination of their facts (three `person` patterns on 200 people are 8 million matches,
11 GB before this bound), all before the first firing, so the step limit never sees it. The run
must stop at the match bound with a message naming the rule, its patterns and the count, in a
process that could not survive building the combinations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import MINI_KB
from synergy_compass.engine.errors import MatchBoundError
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.run import network_state
from synergy_compass.engine.run.compiler import compile_knowledge_base
from synergy_compass.engine.run.input_facts import build_input_facts
from synergy_compass.engine.run.runner import run
from synergy_compass.engine.schemas.scenario import Scenario

MEMORY_CEILING = 1024 * 1024 * 1024
"""Address space the subprocess gets: a run needs a tenth of it, the combinations 11 GB."""

_BOUNDED_RUN = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({ceiling}, {ceiling}))
from synergy_compass.cli import cli
cli(sys.argv[1:])
"""

CROSS_PRODUCT_RULE = """\
rules:
  - id: three-strangers
    title: Any three people at all
    rationale: Three patterns that share no variable.
    sources: [test-source]
    topic: hierarchy
    when:
      - person: {rank: working}
      - person: {rank: working}
      - person: {rank: working}
    then:
      conclude: {vendor: 0.5}
"""


def _crowded_kb(tmp_path: Path) -> Path:
    root = tmp_path / "crowded-kb"
    shutil.copytree(MINI_KB, root)
    (root / "strangers.yaml").write_text(CROSS_PRODUCT_RULE, encoding="utf-8")
    return root


def _crowd(tmp_path: Path, people: int) -> Path:
    scenario = {
        "title": "A crowd",
        "we": {"culture": "US"},
        "they": {
            "culture": "Japan",
            "people": [{"role": f"engineer {n}", "rank": "working"} for n in range(people)],
        },
        "relationship": {"stage": "established"},
        "goal": {"kind": "expand_scope"},
    }
    path = tmp_path / "crowd.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return path


def test_three_unjoined_patterns_on_200_people_stop_fast_with_the_rule_named(
    tmp_path: Path,
) -> None:
    kb, scenario = _crowded_kb(tmp_path), _crowd(tmp_path, 200)
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            _BOUNDED_RUN.format(ceiling=MEMORY_CEILING),
            "advise",
            str(scenario),
            "--kb",
            str(kb),
            "--no-audit",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COMPASS_NO_CACHE": "1"},
    )
    elapsed = time.monotonic() - started
    assert completed.returncode == 2, completed.stderr[-2000:]
    message = completed.stderr
    assert message.startswith("error: "), message[-2000:]
    assert "strangers.yaml:" in message  # where the rule is written
    assert "rule 'three-strangers'" in message
    assert "its first 3 patterns" in message
    assert message.count("person {rank: working}") == 3
    bound = f"{network_state.PARTIAL_MATCHES_PER_RULE:,}"
    assert f"past the bound of {bound} partial matches per rule" in message
    assert "share no variable" in message
    assert "Traceback" not in message
    assert elapsed < 60, f"took {elapsed:.0f} s"  # generous: a loaded 2-core machine


def _run_crowd(tmp_path: Path, people: int) -> None:
    knowledge_base = load_knowledge_base(_crowded_kb(tmp_path))
    scenario_data = yaml.safe_load(_crowd(tmp_path, people).read_text(encoding="utf-8"))
    scenario = Scenario.model_validate(scenario_data)
    compiled = compile_knowledge_base(knowledge_base)
    run(compiled, build_input_facts(scenario, knowledge_base))


def test_the_error_carries_the_rule_and_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(network_state, "PARTIAL_MATCHES_PER_RULE", 1_000)
    with pytest.raises(MatchBoundError) as caught:
        _run_crowd(tmp_path, 40)  # 40 x 40 = 1,600 pairs after the second pattern
    assert caught.value.rule_id == "three-strangers"
    assert caught.value.limit == 1_000
    assert 1_000 < caught.value.count <= 1_000 + 40
    assert "its first 2 patterns" in str(caught.value)


def test_the_run_bound_counts_every_rule_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(network_state, "MATCHES_PER_RUN", 500)
    with pytest.raises(MatchBoundError) as caught:
        _run_crowd(tmp_path, 40)
    assert "the run's bound of 500 matches held by all rules together" in str(caught.value)
    assert caught.value.limit == 500


def test_a_crowd_below_the_bound_still_runs(tmp_path: Path) -> None:
    # 12 people: 1,728 combinations, far below the bound; every one fires once
    knowledge_base = load_knowledge_base(_crowded_kb(tmp_path))
    scenario_data = yaml.safe_load(_crowd(tmp_path, 12).read_text(encoding="utf-8"))
    compiled = compile_knowledge_base(knowledge_base)
    facts = build_input_facts(Scenario.model_validate(scenario_data), knowledge_base)
    result = run(compiled, facts)
    assert sum(firing.rule == "three-strangers" for firing in result.firings) == 12**3
