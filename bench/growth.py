"""Growth (issue 18 item 4): large synthetic knowledge bases on large fact sets, beside CLIPS.

Each measurement runs in a process of its own, so its peak RSS is its own and a large cell
cannot slow the next one through the memory it left behind: ``ours`` loads a synthetic KB
(written as one rules file), compiles it and runs it on the fact sets; ``clips`` runs the same
rules in CLIPS, in a fresh environment per fact set (see ``ClipsEngine.timed_run``). The
parent (:func:`bench_growth`, called by ``bench/run.py --growth``) starts them and puts the
figures beside the targets. The cells take minutes on a 2-core machine, hence the option.

    python bench/growth.py ours 5000 100,1000,10000 KB_DIR    # one child, JSON on stdout
    python bench/growth.py first-load 10000 3                 # the first load alone, 3 samples
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing: the engine is beside us
    sys.path.insert(0, str(ROOT))

from clips_engine import ClipsEngine, Conclusions, translate  # noqa: E402
from measure import median, run_process  # noqa: E402
from synergy_compass.engine.load.loader import load_knowledge_base  # noqa: E402
from synergy_compass.engine.run.compiler import compile_knowledge_base  # noqa: E402
from synergy_compass.engine.run.garbage_collection import collection_paused  # noqa: E402
from synergy_compass.engine.run.runner import run  # noqa: E402
from synergy_compass.engine.schemas.knowledge_base import KnowledgeBase  # noqa: E402
from synergy_compass.engine.schemas.results import RunResult  # noqa: E402
from synthetic import input_facts, write_knowledge_base  # noqa: E402

CELLS = ((5_000, 10_000, 8.0), (10_000, 10_000, 10.0))
"""(rules, facts, the most ours may take as a multiple of CLIPS's matching)."""
PER_FIRING_RULES = 5_000
PER_FIRING_FACTS = (100, 1_000, 10_000)
PER_FIRING_FLATNESS = 1.5
RSS_TARGET_MB = 1024
FIRST_LOAD_RULES = 10_000
FIRST_LOAD_TARGET_S = 2.0
REPEATS = 2
"""Runs per fact set after the first (the first on a new network is reported apart)."""


def conclusions(result: RunResult, knowledge_base: KnowledgeBase) -> Conclusions:
    rules = {located.value.id: located.value for located in knowledge_base.rules}
    return Conclusions(
        findings=frozenset(
            str(fact.fields["name"]) for fact in result.facts if fact.type == "finding"
        ),
        advice=frozenset(
            (advice, 1 if certainty > 0 else -1)
            for firing in result.firings
            for advice, certainty in rules[firing.rule].then.support.items()
        ),
        firings=len(result.firings),
    )


def _digest(found: Conclusions) -> list[Any]:
    """Conclusions as JSON, to compare the two children's."""
    return [sorted(found.findings), sorted(map(list, found.advice)), found.firings]


# ---------------------------------------------------------------------------- children


def child_ours(rules: int, fact_counts: list[int], directory: Path) -> dict[str, Any]:
    """Load (empty caches: the first load a user makes), build and run, with the automatic
    step limit a user gets."""
    with tempfile.TemporaryDirectory(prefix="growth-cache-") as cache:
        os.environ["COMPASS_CACHE_DIR"] = cache
        # with the collector paused, as api.compiled_knowledge_base loads and compiles a KB
        with collection_paused():
            started, started_cpu = time.perf_counter(), time.process_time()
            knowledge_base = load_knowledge_base(directory)
            loaded, loaded_cpu = time.perf_counter(), time.process_time()
            compiled = compile_knowledge_base(knowledge_base)
            compiled.engine()
            built = time.perf_counter()
    cells = []
    for count in fact_counts:
        facts = input_facts(count, 0)
        times, cpu_times = [], []
        firings, found = 0, []
        for repeat in range(REPEATS + 1):
            began, began_cpu = time.perf_counter(), time.process_time()
            result = run(compiled, facts)
            times.append(time.perf_counter() - began)
            cpu_times.append(time.process_time() - began_cpu)
            if repeat == 0:  # every run of a cell gives the same result
                firings, found = len(result.firings), _digest(conclusions(result, knowledge_base))
            # the harness keeps no result while the next run makes its own: at 10,000 x 10,000
            # one holds about 325 MB, which would count in the peak as if a run needed it
            del result
        warm = median(times[1:])
        cells.append(
            {
                "facts": count,
                "first_run_s": round(times[0], 3),
                "run_s": round(warm, 3),
                # beside wall time: what other processes' load on the machine does not inflate
                "run_cpu_s": round(median(cpu_times[1:]), 3),
                "firings": firings,
                "us_per_firing": round(warm / max(firings, 1) * 1e6, 1),
                "us_per_firing_cpu": round(median(cpu_times[1:]) / max(firings, 1) * 1e6, 1),
                "conclusions": found,
            }
        )
    return {
        "rules": rules,
        "branches": len(compiled.branches),
        "first_load_s": round(loaded - started, 3),
        "first_load_cpu_s": round(loaded_cpu - started_cpu, 3),
        "build_s": round(built - loaded, 3),
        "runs": cells,
    }


def child_clips(fact_counts: list[int], directory: Path) -> dict[str, Any]:
    os.environ["COMPASS_NO_CACHE"] = "1"
    engine = ClipsEngine(translate(load_knowledge_base(directory)))
    cells = []
    for count in fact_counts:
        facts = input_facts(count, 0)
        measured = [engine.timed_run(facts) for _ in range(REPEATS)]
        found = measured[-1][0]
        cells.append(
            {
                "facts": count,
                "total_s": round(median([t.total_s for _, t in measured]), 4),
                "assert_s": round(median([t.assert_s for _, t in measured]), 4),
                "run_s": round(median([t.run_s for _, t in measured]), 4),
                "assert_only_s": round(median([t.assert_only_s for _, t in measured]), 4),
                "matching_s": round(median([t.matching_s for _, t in measured]), 4),
                "firings": found.firings,
                "conclusions": _digest(found),
            }
        )
    return {"runs": cells}


# ---------------------------------------------------------------------------- parent


def _child(kind: str, rules: int, facts: list[int], directory: Path) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__)), kind, str(rules), ",".join(map(str, facts))]
    done = run_process([*argv, str(directory)], cwd=ROOT, keep_output=True)
    if done.returncode != 0:
        return {"error": done.stderr.decode(errors="replace")[-2000:]}
    figures: dict[str, Any] = json.loads(done.stdout)
    figures["peak_rss_mb"] = round(done.max_rss_mb, 1)
    return figures


def bench_growth(scratch: Path) -> dict[str, Any]:
    """Every growth figure: the two big cells against CLIPS, the cost per firing across fact
    counts, peak RSS, and the first load of a single file of 10,000 rules."""
    kbs = {
        rules: write_knowledge_base(scratch / f"growth-{rules}", rules)
        for rules in sorted({r for r, _, _ in CELLS} | {PER_FIRING_RULES})
    }
    cells = []
    for rules, facts, limit in CELLS:
        counts = sorted({facts, *PER_FIRING_FACTS}) if rules == PER_FIRING_RULES else [facts]
        ours = _child("ours", rules, counts, kbs[rules])
        theirs = _child("clips", rules, [facts], kbs[rules])
        cells.append(
            {"rules": rules, "facts": facts, "limit": limit, "ours": ours, "clips": theirs}
        )
    return {"cells": cells}


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 1) if denominator > 0 else None


def growth_targets(growth: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each growth target; None when it was not measured."""
    found: list[tuple[str, str, bool | None]] = []
    by_size = {(cell["rules"], cell["facts"]): cell for cell in growth["cells"]}
    for rules, facts, limit in CELLS:
        cell = by_size.get((rules, facts))
        name = f"synthetic {rules:,} x {facts:,}: run <= {limit:g}x CLIPS matching"
        ours_cell = _facts_cell(cell["ours"], facts) if cell else None
        clips_cell = _facts_cell(cell["clips"], facts) if cell else None
        if ours_cell is None or clips_cell is None:
            found.append((name, "not measured", None))
            continue
        ratio = _ratio(ours_cell["run_s"], clips_cell["matching_s"])
        total = _ratio(ours_cell["run_s"], clips_cell["total_s"])
        same = ours_cell["conclusions"] == clips_cell["conclusions"]
        found.append(
            (
                name,
                f"{ratio}x ({ours_cell['run_s']:.2f} s / {clips_cell['matching_s']:.3f} s; "
                f"{total}x CLIPS with its asserts; same conclusions: {same})",
                ratio is not None and ratio <= limit,
            )
        )
    per_firing = by_size.get((PER_FIRING_RULES, max(PER_FIRING_FACTS)))
    if per_firing and "runs" in per_firing["ours"]:
        costs = [
            cell["us_per_firing"]
            for cell in per_firing["ours"]["runs"]
            if cell["facts"] in PER_FIRING_FACTS
        ]
        spread = round(max(costs) / min(costs), 2)
        # by CPU time too: wall time on a loaded machine inflates the small, short cells most
        cpu_costs = [
            cell["us_per_firing_cpu"]
            for cell in per_firing["ours"]["runs"]
            if cell["facts"] in PER_FIRING_FACTS and "us_per_firing_cpu" in cell
        ]
        by_cpu = (
            f"; by CPU time {round(max(cpu_costs) / min(cpu_costs), 2)}x "
            f"({' / '.join(f'{c:g}' for c in cpu_costs)})"
            if len(cpu_costs) == len(costs)
            else ""
        )
        found.append(
            (
                f"cost per firing flat within {PER_FIRING_FLATNESS}x, "
                f"{min(PER_FIRING_FACTS):,} to {max(PER_FIRING_FACTS):,} facts",
                f"{spread}x ({' / '.join(f'{c:g}' for c in costs)} us per firing{by_cpu})",
                spread <= PER_FIRING_FLATNESS,
            )
        )
    largest = by_size.get((FIRST_LOAD_RULES, 10_000))
    ours = largest["ours"] if largest else {}
    rss = ours.get("peak_rss_mb")
    found.append(
        (
            f"peak RSS at {FIRST_LOAD_RULES:,} x 10,000 <= 1 GB",
            f"{rss:.0f} MB (load, build and {REPEATS + 1} runs in one process)"
            if rss
            else "not measured",
            rss <= RSS_TARGET_MB if rss else None,
        )
    )
    load = ours.get("first_load_s")
    found.append(
        (
            f"first load of {FIRST_LOAD_RULES:,} rules <= {FIRST_LOAD_TARGET_S:g} s",
            f"{load:.2f} s wall, {ours.get('first_load_cpu_s', 0):.2f} s CPU (empty caches; "
            f"+ {ours.get('build_s', 0):.2f} s to build)"
            if load
            else "not measured",
            load <= FIRST_LOAD_TARGET_S if load else None,
        )
    )
    found.append(
        (
            f"a single file of {FIRST_LOAD_RULES:,} rules loads",
            "yes" if load else ours.get("error", "not measured")[-200:],
            bool(load) if largest else None,
        )
    )
    return found


def _facts_cell(figures: dict[str, Any], facts: int) -> dict[str, Any] | None:
    return next((cell for cell in figures.get("runs", ()) if cell["facts"] == facts), None)


def growth_lines(growth: dict[str, Any]) -> str:
    """The growth cells as a table (the targets are printed with the others)."""
    lines = [
        "\n4b. Growth (--growth): synthetic KBs in one rules file; each engine in its own "
        "process; CLIPS in a fresh environment per fact set",
        "rules   facts   ours s  first s  firings  us/firing  CLIPS s  CLIPS asserts s  "
        "CLIPS matching s  ours/matching  peak RSS MB",
    ]
    for cell in growth["cells"]:
        theirs = _facts_cell(cell["clips"], cell["facts"]) or {}
        for ours in cell["ours"].get("runs", ()):
            mine = ours["facts"] == cell["facts"]
            matching = theirs.get("matching_s", 0) if mine else 0
            lines.append(
                f"{cell['rules']:<7} {ours['facts']:<7} {ours['run_s']:<7} "
                f"{ours['first_run_s']:<8} {ours['firings']:<8} {ours['us_per_firing']:<10} "
                f"{theirs.get('total_s', '') if mine else '':<8} "
                f"{theirs.get('assert_only_s', '') if mine else '':<16} "
                f"{matching if mine else '':<17} "
                f"{_ratio(ours['run_s'], matching) if mine else '':<14} "
                f"{cell['ours'].get('peak_rss_mb', '') if mine else ''}"
            )
        if "error" in cell["ours"]:
            lines.append(f"{cell['rules']:<7} ours failed: {cell['ours']['error'][-300:]}")
    return "\n".join(lines)


def first_load(rules: int, samples: int) -> dict[str, Any]:
    """The first load alone (empty caches), each sample in a process of its own: the quick
    way to see item 4's load target without the growth cells' minutes."""
    with tempfile.TemporaryDirectory(prefix="growth-first-load-") as scratch:
        directory = write_knowledge_base(Path(scratch) / f"growth-{rules}", rules)
        figures = [_child("ours", rules, [], directory) for _ in range(samples)]
    loaded = [figure for figure in figures if "first_load_s" in figure]
    if len(loaded) < len(figures):
        return {"rules": rules, "error": next(f for f in figures if f not in loaded)["error"]}
    return {
        "rules": rules,
        "first_load_s": median([figure["first_load_s"] for figure in loaded]),
        "first_load_cpu_s": median([figure["first_load_cpu_s"] for figure in loaded]),
        "samples": loaded,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Growth cells of issue 18 item 4, one at a time (bench/run.py --growth runs "
        "them all and prints them beside the targets). Prints JSON.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("first-load", help="the first load of a synthetic KB alone")
    load.add_argument("rules", type=int, help="rules in the synthetic KB, e.g. 10000")
    load.add_argument("samples", type=int, nargs="?", default=3, help="processes (default 3)")
    for kind, what in (("ours", "our engine"), ("clips", "CLIPS")):
        cell = commands.add_parser(kind, help=f"one cell run by {what}, in this process")
        cell.add_argument("rules", type=int, help="rules in the synthetic KB in KB_DIR")
        cell.add_argument("facts", help="fact counts, comma-separated: 100,1000,10000")
        cell.add_argument("directory", type=Path, metavar="KB_DIR", help="the synthetic KB")
    given = parser.parse_args(argv)
    if given.command == "first-load":
        print(json.dumps(first_load(given.rules, given.samples)))
        return 0
    counts = [int(count) for count in given.facts.split(",") if count]
    if given.command == "ours":
        figures = child_ours(given.rules, counts, given.directory)
    else:
        figures = child_clips(counts, given.directory)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
