"""``compass compare``: what a gap means is worded from where each side actually sits."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.api import compare, compiled_knowledge_base
from synergy_compass.engine.consult.compare import DimensionComparison
from synergy_compass.engine.explain.caveats import profile_gaps


def _deciding(first: str, second: str) -> DimensionComparison:
    comparison = compare(first, second)
    return next(row for row in comparison.dimensions if row.dimension == "deciding")


@pytest.mark.parametrize("other", ["SA", "JP"])
def test_the_us_is_on_the_top_down_side_of_deciding(other: str) -> None:
    """The review found `compare US SA` telling a Saudi reader that US decisions are "built by
    consensus, slowly": the US sits on the top-down side of Meyer's deciding scale (slightly),
    so the text meant for the other country's reader never describes it as consensual."""
    row = _deciding("US", other)
    assert row.a > (row.minimum + row.maximum) / 2  # the data: top-down side
    assert row.clear
    for_other = row.for_b.lower()
    assert "consensus" not in for_other
    assert "top-down" in for_other


def test_a_partner_on_the_same_side_is_less_far_along_it_not_at_the_other_pole() -> None:
    row = _deciding("SA", "US")
    assert row.for_a.startswith("they are less far toward 'top-down'")
    assert "nearer 'consensual'" not in row.for_a
    assert row.for_b.startswith("they are nearer 'top-down'")


def test_partners_on_opposite_sides_get_the_pole_text() -> None:
    row = _deciding("JP", "US")
    assert row.for_a.startswith("they are nearer 'top-down'")
    assert row.for_b.startswith("they are nearer 'consensual'")


# --- Countries as people write them, and what thin data cannot show (issue 15) ---------------


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_compare_takes_countries_as_people_write_them_and_says_how_it_read_them() -> None:
    code, out, err = _cli("compare", "England", "Korea")
    assert code == 0, err
    assert out.startswith("United Kingdom (GB) and South Korea (KR)\n\n'England' is read as ")
    assert "'Korea' is read as South Korea (KR): the Korea business is done with" in out
    assert _cli("compare", "Holland", "Brasil")[1].startswith(
        "Netherlands (NL) and Brazil (BR)\n\n"
    )


def test_a_wrong_name_is_a_usage_error_with_the_country_meant() -> None:
    code, _out, err = _cli("compare", "Rusia", "Germny")
    assert code == 2
    assert "compare, country 1: unknown country 'Rusia'. Did you mean Russia (RU)?" in err
    assert "compare, country 2: unknown country 'Germny'. Did you mean Germany (DE)?" in err
    assert "Tunisia" not in err


def test_a_country_without_a_profile_says_so() -> None:
    code, _out, err = _cli("compare", "North Korea", "JP")
    assert code == 2
    assert "the knowledge base has no culture profile for North Korea (KP)" in err
    code, _out, err = _cli("countries", "North Korea")
    assert code == 2
    assert "no culture profile for North Korea (KP)" in err


def test_compare_says_what_a_thin_profile_cannot_show() -> None:
    code, out, _err = _cli("compare", "Iceland", "DE")
    assert code == 0
    assert (
        "What the data cannot show:\n  - Iceland (IS): only 2 of 6 published culture scores" in out
    )
    assert "Germany (DE)" not in out.split("What the data cannot show:")[1]
    comparison = compare("Iceland", "DE")
    assert comparison.data_caveats[0].startswith("Iceland (IS): only 2 of 6")


def test_the_caveats_are_the_sentences_advise_uses() -> None:
    knowledge_base = compiled_knowledge_base().knowledge_base
    assert compare("AE", "US").data_caveats == tuple(
        profile_gaps("AE", "United Arab Emirates (AE)", knowledge_base)
        + profile_gaps("US", "United States (US)", knowledge_base)
    )


def test_countries_finds_a_country_by_any_of_its_names() -> None:
    code, out, _err = _cli("countries", "Holland")
    assert code == 0
    assert out.startswith("NL  Netherlands ")
    code, out, _err = _cli("countries", "korea")
    assert out.startswith("KR  South Korea ")
    assert "'korea' is read as South Korea (KR)" in out


def test_countries_still_searches_by_part_of_a_name() -> None:
    code, out, _err = _cli("countries", "ger")
    assert code == 0
    assert {line[:2] for line in out.splitlines()[:-1]} >= {"DE", "DZ", "NG"}


def test_countries_suggests_the_country_meant_when_nothing_matches() -> None:
    code, _out, err = _cli("countries", "Rusia")
    assert code == 2
    assert "countries Rusia: unknown country 'Rusia'. Did you mean Russia (RU)?" in err


def test_countries_marks_thin_profiles_and_explains_the_mark() -> None:
    code, out, _err = _cli("countries")
    assert code == 0
    andorra = next(line for line in out.splitlines() if line.startswith("AD "))
    assert andorra.endswith("[thin data]")
    germany = next(line for line in out.splitlines() if line.startswith("DE "))
    assert "[thin data]" not in germany
    assert out.splitlines()[-1].startswith("[thin data]: few of the country's Hofstede and GLOBE")
    code, out, _err = _cli("countries", "Andorra")
    assert "Andorra (AD): only 1 of 6 published culture scores are measured" in out


def test_countries_json_carries_the_caveats() -> None:
    code, out, _err = _cli("countries", "AD", "--format", "json")
    assert code == 0
    [andorra] = json.loads(out)
    assert andorra["thin"] is True
    assert andorra["measured"] == 1
    assert andorra["caveats"][0].startswith("Andorra (AD): only 1 of 6")
