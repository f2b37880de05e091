"""Issue 20's Done-when, through the CLI: a self-assessed, unusually indirect US lead changes
the founding case's communication diagnosis, `compass whatif` shows the difference, and the
explanations name the person and how their position is known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine import api
from synergy_compass.engine.explain.grounds import Grounds
from synergy_compass.engine.pipeline import scenario_run

SCENARIOS = Path(__file__).resolve().parents[1] / "kb" / "scenarios"
FOUNDING = SCENARIOS / "allen-japan.yaml"
INDIRECT = SCENARIOS / "allen-japan-indirect-lawyer.yaml"
OBSERVED = SCENARIOS / "people-us-japan-observed-open-disagreement.yaml"
ALLEN = (
    "we.people[0]={role: Partner, name: Mr Allen, rank: senior, leads: true, "
    "profile: profiles/allen-indirect.yaml}"
)


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def test_whatif_shows_what_the_indirect_lead_changes() -> None:
    code, out, err = invoke("whatif", FOUNDING, "--set", ALLEN, "--format", "json")
    assert code == 0, err
    diff = json.loads(out)
    text = json.dumps(diff)
    for finding in ("our-lead-more-indirect-than-compatriots", "counterpart-indirect-feedback"):
        assert finding in text
    code, out, _ = invoke("whatif", FOUNDING, "--set", ALLEN)
    assert code == 0
    assert "added             our-lead-more-indirect-than-compatriots" in out
    assert "removed           counterpart-indirect-feedback" in out
    assert "no longer firing: context-gap-high" in out


def test_whatif_the_other_way_drops_the_profile() -> None:
    code, out, err = invoke("whatif", INDIRECT, "--set", "we.people[0].profile=null")
    assert code == 0, err
    assert "removed           our-lead-more-indirect-than-compatriots" in out
    assert "added             counterpart-indirect-feedback" in out


def test_the_how_tree_and_the_report_name_the_self_assessed_basis() -> None:
    code, out, err = invoke("advise", INDIRECT, "--explain", "--no-audit")
    assert code == 0, err
    assert (
        "Mr Allen's own position (self-assessed, profile profiles/allen-indirect.yaml), "
        "give or take 10" in out
    )
    assert "score(band=10, basis=self-assessed, dimension=communicating" in out
    assert "About: Mr Allen, Partner (ours; on communicating and disagreeing, self-assessed," in out


def test_an_observed_position_is_quoted_and_its_band_lowers_certainty() -> None:
    report = api.advise_file(OBSERVED)
    (item,) = [d for d in report.diagnosis if d.id == "their-person-nearer-than-compatriots"]
    # the rule's 0.7 times the observation's band of 15 (0.875), not the rule's 0.7 alone
    assert item.certainty == pytest.approx(0.6125)
    assert item.people == (
        "Ms Sato, Project lead (on disagreeing, observed: 'she disagreed openly with her "
        "director in the steering meeting, and he let it stand')",
    )
    assert "counterpart-avoids-confrontation" not in {d.id for d in report.diagnosis}


def test_self_assessed_positions_ground_advice_as_the_situation_observed_ones_do_not() -> None:
    compiled = api.compiled_knowledge_base()
    for path, rule, self_assessed in (
        (INDIRECT, "our-lead-more-indirect-than-compatriots", True),
        (OBSERVED, "their-person-nearer-than-compatriots", False),
    ):
        run = scenario_run(api.read_scenario(path).scenario, compiled)
        grounds = Grounds(run, compiled.knowledge_base)
        (firing,) = [firing for firing in run.firings if firing.rule == rule]
        assert grounds.firing_rests_on_situation(firing)
        assert grounds.firing_rests_on_self_assessment(firing) is self_assessed


def test_batch_reads_profile_files_beside_each_scenario(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "allen-indirect.yaml").write_bytes(
        (SCENARIOS / "profiles" / "allen-indirect.yaml").read_bytes()
    )
    (tmp_path / "case.yaml").write_bytes(INDIRECT.read_bytes())
    code, out, err = invoke("batch", tmp_path)
    assert code == 0, out + err
    (line,) = [json.loads(row) for row in out.splitlines() if row.startswith("{")]
    assert line["ok"]
    assert "our-lead-more-indirect-than-compatriots" in {d["id"] for d in line["diagnosis"]}
