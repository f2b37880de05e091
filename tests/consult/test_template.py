"""`compass new`: the commented template follows the scenario model and advises as it is; the
shipped examples come out by name."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import yaml
from click.testing import CliRunner
from pydantic import BaseModel
from synergy_compass.cli import cli
from synergy_compass.engine.consult.template import scenario_template
from synergy_compass.engine.load.scenario import parse_scenario
from synergy_compass.engine.schemas.scenario import Scenario


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of a model and of the models inside it, however deep."""
    names = set(model.model_fields)
    for info in model.model_fields.values():
        pending = [info.annotation]
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                names |= field_names(annotation)
            pending.extend(typing.get_args(annotation))
    return names


def test_the_template_names_every_field_of_the_model() -> None:
    template = scenario_template()
    written = set(re.findall(r"^[ #-]*(\w+):", template, flags=re.MULTILINE))
    missing = field_names(Scenario) - written
    assert not missing
    assert "seller — we sell goods to them" in template  # a role with its meaning
    assert "One of: hierarchical, flat, mixed." in template


def test_the_template_loads_with_only_the_required_fields() -> None:
    template = scenario_template()
    assert all(len(line) <= 88 for line in template.splitlines())
    data = yaml.safe_load(template)
    assert set(data) == {"title", "we", "they", "goal"}
    scenario = parse_scenario(template.encode(), "template.yaml").scenario
    assert (scenario.we.culture, scenario.they.culture) == ("US", "JP")


def test_a_new_template_advises(tmp_path: Path, mini_kb: Path) -> None:
    case = tmp_path / "cases" / "acme.yaml"
    code, out, err = invoke("new", "-o", case)
    assert (code, out) == (0, "")
    assert f"compass advise {case}" in err
    code, out, err = invoke("advise", case, "--no-audit")
    assert code == 0, err
    assert "PLAN" in out
    code, _, err = invoke("new", "-o", case)
    assert code == 2
    assert f"error: {case}: the file already exists. Add --force" in err


def test_the_template_goes_to_standard_output_by_default() -> None:
    code, out, _ = invoke("new")
    assert code == 0
    assert out == scenario_template()


def test_a_shipped_example_by_name() -> None:
    code, listing, _ = invoke("new", "--list")
    assert code == 0
    assert any(line.startswith("allen-japan  ") for line in listing.splitlines())
    code, out, _ = invoke("new", "allen-japan")
    assert code == 0
    shipped = Path(__file__).resolve().parents[2] / "kb" / "scenarios" / "allen-japan.yaml"
    assert out == shipped.read_text(encoding="utf-8")


def test_an_unknown_example_is_a_usage_error() -> None:
    code, out, err = invoke("new", "allen-japn")
    assert (code, out) == (2, "")
    assert err == (
        "error: allen-japn: there is no shipped example scenario by this name. "
        "Did you mean 'allen-japan'? `compass new --list` lists them.\n"
    )
