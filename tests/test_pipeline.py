"""The one advice pipeline: every way of advising goes through it, and threads may share a
compiled KB."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from conftest import SHIPPED_KB
from synergy_compass.engine import api, pipeline
from synergy_compass.engine.consult.batch import BatchItem, run_item
from synergy_compass.engine.errors import RunawayRulesError
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.render.text import render_json
from synergy_compass.engine.run.compiler import CompiledKB
from synergy_compass.engine.schemas.scenario import Scenario

SCENARIOS = sorted((SHIPPED_KB / "scenarios").glob("*.yaml"))[:6]


@pytest.fixture(scope="module")
def compiled() -> CompiledKB:
    return api.compiled_knowledge_base()


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {path.name: load_scenario(path).scenario for path in SCENARIOS}


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Threads hand over the interpreter every few bytecodes, so runs interleave mid-run."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def test_the_api_and_the_pipeline_give_the_same_report(
    compiled: CompiledKB, scenarios: dict[str, Scenario]
) -> None:
    scenario = scenarios[SCENARIOS[0].name]
    explained = pipeline.explained_run(scenario, compiled)
    assert api.advise(scenario, compiled) == explained.report
    assert explained.result.firings == explained.report.trace.firings


def test_the_step_limit_reaches_the_run(
    compiled: CompiledKB, scenarios: dict[str, Scenario]
) -> None:
    with pytest.raises(RunawayRulesError):
        pipeline.advise(scenarios[SCENARIOS[0].name], compiled, step_limit=1)


def test_a_batch_item_is_advised_as_a_single_run(compiled: CompiledKB) -> None:
    path = SCENARIOS[0]
    result = run_item(BatchItem(source=str(path), content=path.read_bytes()), compiled)
    report = pipeline.advise(load_scenario(path).scenario, compiled)
    assert result.ok
    assert [item["id"] for item in result.recommendations] == [
        item.id for item in report.recommendations
    ]


@pytest.mark.usefixtures("frequent_thread_switches")
def test_threads_advising_at_once_get_the_single_threaded_reports(
    compiled: CompiledKB, scenarios: dict[str, Scenario]
) -> None:
    expected = {
        name: render_json(api.advise(scenario, compiled)) for name, scenario in scenarios.items()
    }
    names = sorted(scenarios)
    shares = [names[0::2], names[1::2]]
    start = threading.Barrier(len(shares))
    wrong: list[str] = []
    engines: set[int] = set()

    def advise_many(mine: list[str]) -> None:
        start.wait(10)
        engines.add(id(compiled.engine()))
        for _ in range(15):
            for name in mine:
                try:
                    got = render_json(api.advise(scenarios[name], compiled))
                except Exception as error:  # a crash is one more wrong result
                    wrong.append(f"{name}: {type(error).__name__}: {error}")
                    continue
                if got != expected[name]:
                    wrong.append(f"{name}: a different report")

    threads = [threading.Thread(target=advise_many, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads)
    assert wrong == []
    assert len(engines) == len(shares)  # one engine per thread


def test_a_thread_builds_its_engine_once(compiled: CompiledKB) -> None:
    assert compiled.engine() is compiled.engine()
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.extend([compiled.engine(), compiled.engine()]))
    thread.start()
    thread.join(60)
    assert other[0] is other[1]
    assert other[0] is not compiled.engine()


def test_a_report_without_how_trees_differs_in_them_alone(
    compiled: CompiledKB, scenarios: dict[str, Scenario]
) -> None:
    for scenario in scenarios.values():
        full = pipeline.advise(scenario, compiled)
        bare = pipeline.advise(scenario, compiled, how_trees=False)
        evidence = [
            each
            for items in (bare.diagnosis, bare.recommendations, bare.also_consider)
            for item in items
            for each in item.supported_by
        ]
        assert evidence
        assert all(each.how == () for each in evidence)
        assert any(each.how for item in full.diagnosis for each in item.supported_by)
        without_how = {"__all__": {"supported_by": {"__all__": {"how"}}}}
        items = ("diagnosis", "recommendations", "advised_against", "also_consider", "set_aside")
        exclude = dict.fromkeys(items, without_how)
        assert bare.model_dump_json(exclude=exclude) == full.model_dump_json(exclude=exclude)
