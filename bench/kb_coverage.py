"""``compass kb coverage`` on the shipped KB (issue 17 item 4: under 3 s, to run on every save).

Whole processes, as a knowledge engineer runs it after an edit: ``compass kb coverage --format
json`` interleaved run by run with ``compass kb stats --format json``, the same CLI loading the
same KB but running no scenario (the anchor: the ratio between the two holds better than either
figure on a loaded machine). In the benchmark's own process the coverage is split into its two
parts: running every example scenario once, and checking every rule's conditions on those runs.

    python bench/kb_coverage.py [RUNS]       # this section alone
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing: the engine is beside us
    sys.path.insert(0, str(ROOT))

from measure import ProcessRun, load_average, median, run_process  # noqa: E402
from synergy_compass.engine import api  # noqa: E402
from synergy_compass.engine.authoring.coverage import deciding_conditions  # noqa: E402
from synergy_compass.engine.authoring.scenario_tests import scenario_files  # noqa: E402
from synergy_compass.engine.load.scenario import load_scenario  # noqa: E402
from synergy_compass.engine.pipeline import scenario_run  # noqa: E402

TARGET_S = 3.0


def _compass() -> list[str]:
    script = Path(sys.executable).with_name("compass")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from synergy_compass import cli; cli.main()"]


def _seconds(runs: list[ProcessRun]) -> dict[str, Any]:
    return {
        "median_s": round(median([r.wall_s for r in runs]), 3),
        "min_s": round(min(r.wall_s for r in runs), 3),
        "cpu_median_s": round(median([r.cpu_s for r in runs]), 3),
        "samples_s": [round(r.wall_s, 3) for r in runs],
    }


def _parts(repeats: int) -> dict[str, Any]:
    """The coverage's two parts in this process, median of ``repeats``."""
    compiled = api.compiled_knowledge_base()
    countries = compiled.knowledge_base.countries
    scenarios = [load_scenario(path, countries).scenario for path in scenario_files(compiled)]
    run_times, check_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results = [scenario_run(scenario, compiled) for scenario in scenarios]
        middle = time.perf_counter()
        deciding_conditions(compiled.knowledge_base.rules, results)
        run_times.append(middle - start)
        check_times.append(time.perf_counter() - middle)
    return {
        "scenarios": len(scenarios),
        "rules": len(compiled.knowledge_base.rules),
        "runs_s": round(median(run_times), 3),
        "conditions_s": round(median(check_times), 3),
    }


def bench_coverage(runs: int) -> dict[str, Any]:
    """``runs`` whole-process runs of each command after one unmeasured run each."""
    commands = {
        "coverage": [*_compass(), "kb", "coverage", "--format", "json"],
        "stats": [*_compass(), "kb", "stats", "--format", "json"],
    }
    for argv in commands.values():  # the compiled-KB cache and bytecode, as after a save
        run_process(argv, ROOT)
    samples: dict[str, list[ProcessRun]] = {name: [] for name in commands}
    for _ in range(max(runs, 1)):
        for name, argv in commands.items():
            samples[name].append(run_process(argv, ROOT, keep_output=name == "coverage"))
    outputs = {run.stdout for run in samples["coverage"]}
    result: dict[str, Any] = {name: _seconds(found) for name, found in samples.items()}
    result["ratio_to_stats"] = round(
        result["coverage"]["median_s"] / result["stats"]["median_s"], 2
    )
    result["cpu_ratio_to_stats"] = round(
        result["coverage"]["cpu_median_s"] / result["stats"]["cpu_median_s"], 2
    )
    result["same_output_every_run"] = len(outputs) == 1
    result["ok"] = all(run.returncode == 0 for run in samples["coverage"])
    report = json.loads(next(iter(outputs))) if result["ok"] else {}
    result["report"] = {key: report.get(key) for key in ("rules", "conditions")}
    result["parts"] = _parts(max(runs, 1))
    return result


def coverage_target(result: dict[str, Any]) -> tuple[str, str, bool | None]:
    seconds = result["coverage"]["median_s"]
    return (
        f"kb coverage on the shipped KB < {TARGET_S:g} s",
        f"{seconds:.2f} s, CPU {result['coverage']['cpu_median_s']:.2f} s "
        f"({result['ratio_to_stats']}x kb stats)",
        seconds < TARGET_S if result["ok"] else None,
    )


def coverage_lines(result: dict[str, Any]) -> str:
    parts = result["parts"]
    return "\n".join(
        [
            "\n6. kb coverage on the shipped KB (whole processes, median of "
            f"{len(result['coverage']['samples_s'])} runs, interleaved with kb stats)",
            f"compass kb coverage: {result['coverage']['median_s']} s "
            f"(CPU {result['coverage']['cpu_median_s']} s; target < {TARGET_S:g} s); "
            f"compass kb stats: {result['stats']['median_s']} s (CPU "
            f"{result['stats']['cpu_median_s']} s); ratio {result['ratio_to_stats']}x "
            f"({result['cpu_ratio_to_stats']}x by CPU time)",
            f"in process: {parts['scenarios']} scenario runs {parts['runs_s']} s, conditions of "
            f"{parts['rules']} rules checked on them {parts['conditions_s']} s; "
            f"same output every run: {result['same_output_every_run']}",
        ]
    )


if __name__ == "__main__":
    found = bench_coverage(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(f"load average {load_average()}")
    print(coverage_lines(found))
    name, measured, met = coverage_target(found)
    print(f"{name}: {measured}: {'met' if met else 'NOT met'}")
