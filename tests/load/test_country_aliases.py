"""The ``countries`` file kind: loaded with the KB, added to by an extension, checked for names
with two meanings; and scenarios read their countries with the aliases of the KB they run on,
every unknown name located with the country meant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine import api
from synergy_compass.engine.errors import KnowledgeBaseError, ScenarioError
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import parse_scenario

SCENARIO = "title: T\nwe: {culture: UK}\nthey: {culture: JP}\ngoal: {kind: expand_scope}\n"


def test_a_scenario_may_write_countries_as_people_do() -> None:
    text = SCENARIO.replace("JP", "Holland")
    text += "parties:\n  - {kind: intermediary, culture: Korea}\n"
    scenario = parse_scenario(text.encode(), "case.yaml").scenario
    assert (scenario.we.culture, scenario.they.culture) == ("GB", "NL")
    assert scenario.parties[0].culture == "KR"


def test_a_persons_culture_is_read_the_same_way() -> None:
    text = SCENARIO.replace(
        "they: {culture: JP}",
        "they:\n  culture: JP\n  people:\n    - {role: CEO, rank: top, culture: England}",
    )
    scenario = parse_scenario(text.encode(), "case.yaml").scenario
    assert scenario.they.people[0].culture == "GB"


def test_an_unknown_country_is_located_with_the_country_meant() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(SCENARIO.replace("JP", "Rusia").encode(), "scenario.yaml")
    assert str(caught.value) == (
        "scenario.yaml:3:17: unknown country 'Rusia'; did you mean Russia (RU)? (at they.culture)."
    )


def _extension(tmp_path: Path, aliases: str) -> Path:
    extension = tmp_path / "mine"
    extension.mkdir()
    (extension / "kb.yaml").write_text(
        "knowledge_base: {name: Mine, version: 1.0.0, extends: shipped}\n"
    )
    (extension / "countries.yaml").write_text(f"countries:\n  aliases:\n{aliases}")
    return extension


def test_an_extension_adds_aliases_for_its_scenarios(tmp_path: Path) -> None:
    extension = _extension(tmp_path, "    - {name: Nipponia, country: JP}\n")
    combined = load_knowledge_base([extension])
    assert combined.countries.code("Nipponia") == "JP"
    assert combined.countries.code("Holland") == "NL"  # the shipped ones still hold
    scenario_file = tmp_path / "case.yaml"
    scenario_file.write_text(SCENARIO.replace("JP", "Nipponia"))
    with pytest.raises(ScenarioError, match="unknown country 'Nipponia'"):
        api.read_scenario(scenario_file)  # the shipped KB alone does not know it
    assert api.read_scenario(scenario_file, [extension]).scenario.they.culture == "JP"
    assert api.compare("Nipponia", "UK", [extension]).a == "JP"


def test_an_extension_cannot_give_a_shipped_alias_another_meaning(tmp_path: Path) -> None:
    extension = _extension(tmp_path, "    - {name: holland, country: DE}\n")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([extension])
    assert "mine/countries.yaml:3:14: the country alias 'holland' is already defined at " in str(
        caught.value
    )
    assert "countries.yaml" in str(caught.value).split("already defined at ")[1]


def test_a_bad_alias_is_located(broken_kb: Callable[[str, str], Path]) -> None:
    root = broken_kb(
        "countries.yaml",
        "countries:\n  aliases:\n    - {name: Nipponia, country: JP}\n"
        "    - {name: Georgia, country: US}\n    - {name: Atlantis, country: ZZ}\n",
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(root)
    message = str(caught.value)
    assert "countries.yaml:4:7: Value error, 'Georgia' is already ISO 3166's name" not in message
    assert "countries.yaml:4:7: 'Georgia' is already ISO 3166's name or code for Georgia" in message
    assert "countries.yaml:5:7: 'ZZ' is not an ISO 3166-1 alpha-2 country code" in message


def test_a_standalone_kb_knows_iso_names_and_its_own_aliases(mini_kb: Path) -> None:
    assert load_knowledge_base(mini_kb).countries.code("Japan") == "JP"
    assert load_knowledge_base(mini_kb).countries.aliases == ()


def test_batch_rows_write_countries_as_people_do(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text(
        "title,we.culture,they.culture,goal.kind\n"
        "First,UK,Holland,expand_scope\n"
        "Second,America,Rusia,expand_scope\n"
    )
    _count, results = api.batch(source)
    first, second = list(results)
    assert first.ok, first.error
    assert not second.ok
    assert "unknown country 'Rusia'; did you mean Russia (RU)?" in second.error
    lines = tmp_path / "cases.jsonl"
    lines.write_text(
        '{"title": "T", "we": {"culture": "USA"}, "they": {"culture": "Ivory Coast"},'
        ' "goal": {"kind": "expand_scope"}}\n'
    )
    assert [result.ok for result in api.batch(lines)[1]] == [True]
