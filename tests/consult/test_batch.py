"""`compass batch`: folders, JSONL and CSV; failures reported; parallel equals sequential."""

from __future__ import annotations

import csv
import gc
import json
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHIPPED_KB
from synergy_compass.cli import cli
from synergy_compass.engine.api import advise_file, compiled_knowledge_base
from synergy_compass.engine.consult.batch import run_batch
from synergy_compass.engine.consult.batch_input import BatchItem, open_batch_input
from synergy_compass.engine.consult.batch_workers import run_in_workers
from synergy_compass.engine.load.scenario import parse_scenario

VALID = {
    "title": "T",
    "we": {"culture": "US"},
    "they": {"culture": "JP"},
    "goal": {"kind": "expand_scope"},
    "relationship": {"they_see_us_as": "vendor"},
}


def results(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_jsonl_with_a_bad_line_reports_it_and_goes_on(tmp_path: Path, mini_kb: Path) -> None:
    source = tmp_path / "cases.jsonl"
    bad = dict(VALID, goal={"kind": "grow"})
    source.write_text("\n".join(json.dumps(case) for case in (VALID, bad, VALID)) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--kb", str(mini_kb)])
    assert result.exit_code == 1
    rows = results(out)
    assert [row["ok"] for row in rows] == [True, False, True]
    assert rows[1]["source"] == f"{source}:2"
    assert str(rows[1]["error"]).startswith(f"{source}:2:85: Input should be")
    assert "2 scenarios" not in result.stderr
    assert "3 scenarios ran, 1 failed" in result.stderr
    assert "most frequent advice: introduce (2)" in result.stderr


def test_csv_rows_become_scenarios(tmp_path: Path, mini_kb: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text(
        "title,we.culture,they.culture,goal.kind,we_observe,relationship.months\n"
        "First,US,Japan,expand_scope,no_decision;polite_deferral,24\n"
        "Second,US,US,win_first_deal,,\n"
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(out), "--kb", str(mini_kb)])
    assert result.exit_code == 0, result.stderr
    rows = results(out)
    assert [row["title"] for row in rows] == ["First", "Second"]
    assert [r["id"] for r in rows[0]["recommendations"]] == ["introduce", "be-patient"]  # type: ignore[index]


def test_an_unknown_input_kind_is_an_input_error(tmp_path: Path) -> None:
    source = tmp_path / "cases.txt"
    source.write_text("x")
    result = CliRunner().invoke(cli, ["batch", str(source), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "expected a folder of scenario files, a .jsonl file or a .csv file" in result.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_over_the_shipped_scenarios_matches_advise(tmp_path: Path, workers: int) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli, ["batch", str(SHIPPED_KB / "scenarios"), "-o", str(out), "--workers", str(workers)]
    )
    assert result.exit_code == 0, result.stderr
    for row in results(out):
        alone = advise_file(Path(str(row["source"])))
        assert row["recommendations"] == [
            {"id": r.id, "stage": r.stage.value, "certainty": r.certainty}
            for r in alone.recommendations
        ]


def _freeze_count(_item: BatchItem, _compiled: object) -> int:
    return gc.get_freeze_count()


def test_a_worker_freezes_its_own_process_and_the_caller_stays_as_it_was(mini_kb: Path) -> None:
    """A worker's KB lives as long as the worker, so the worker freezes it; the process that
    asked for the batch is a library's host and is left alone."""
    loader = partial(compiled_knowledge_base, mini_kb)
    before = (gc.isenabled(), gc.get_freeze_count())
    items = [BatchItem(source=str(n), content=b"") for n in range(3)]
    in_workers = list(run_in_workers(items, loader, _freeze_count, _not_expected, workers=2))
    assert len(in_workers) == 3
    assert all(count > before[1] for count in in_workers)
    assert list(run_batch([], loader, workers=1)) == []
    assert (gc.isenabled(), gc.get_freeze_count()) == before


def _not_expected(item: BatchItem, message: str) -> None:
    raise AssertionError(f"{item.source}: {message}")


def read_batch_input(source: Path) -> list[BatchItem]:
    return list(open_batch_input(source).items)


def test_csv_columns_for_the_version_2_fields(tmp_path: Path) -> None:
    people = json.dumps([{"role": "Owner", "rank": "top", "decision_role": "decides"}])
    ours = json.dumps([{"role": "Sales director", "rank": "senior", "leads": True}])
    parties = json.dumps([{"kind": "their_parent", "culture": "DE", "decides": ["pricing"]}])
    dates = json.dumps([{"kind": "meeting", "date": "2026-03-12"}])
    goals = json.dumps([{"kind": "negotiate_contract"}, {"kind": "give_feedback"}])
    planned = json.dumps([{"kind": "giving_gifts", "status": "planned"}])
    row = {
        "title": "Buyer",
        "we.culture": "US",
        "they.culture": "JP",
        "relationship.we_are": "buyer",
        "they.organisation_type": "family_business; distributor",
        "they.people": people,
        "we.people": ours,
        "parties": parties,
        "dates": dates,
        "goal": goals,
        "we_are_doing": planned,
        "we_observe": "silence_after_proposal;no_decision",
    }
    source = tmp_path / "cases.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(row)
        writer.writerow(row.values())
    [item] = read_batch_input(source)
    scenario = parse_scenario(item.content, item.path).scenario
    assert scenario.relationship.we_are.value == "buyer"
    assert [kind.value for kind in scenario.they.organisation_type] == [
        "family_business",
        "distributor",
    ]
    assert scenario.they.people[0].decision_role is not None
    assert scenario.we.people[0].leads
    assert [decided.value for decided in scenario.parties[0].decides] == ["pricing"]
    assert str(scenario.dates[0].date) == "2026-03-12"
    assert [goal.kind.value for goal in scenario.goal] == ["negotiate_contract", "give_feedback"]
    assert scenario.we_are_doing[0].status.value == "planned"
    assert [seen.kind.value for seen in scenario.we_observe] == [
        "silence_after_proposal",
        "no_decision",
    ]


@pytest.mark.parametrize(
    ("header", "cells", "message"),
    [
        (
            "goal.kind,goal",
            'expand_scope,"[{""kind"": ""give_feedback""}]"',
            "holds a value that other columns fill in",
        ),
        (
            "goal,goal.kind",
            '"[{""kind"": ""give_feedback""}]",expand_scope',
            "goes inside another column's value",
        ),
        (
            "goal",
            "expand_scope",
            "the goal column is not a JSON list (for one goal, a goal.kind column is enough)",
        ),
        ("parties", "{not json", "the parties column is not a JSON list"),
    ],
)
def test_csv_goal_and_json_columns_that_cannot_be_read(
    tmp_path: Path, header: str, cells: str, message: str
) -> None:
    source = tmp_path / "cases.csv"
    source.write_text(
        f"title,we.culture,they.culture,{header}\nT,US,JP,{cells}\n", encoding="utf-8"
    )
    [item] = read_batch_input(source)
    assert item.unreadable.startswith(f"{source}:2: ")
    assert message in item.unreadable
