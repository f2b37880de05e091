"""Comparing cultures and the knowledge base as pages: countries by name, code or alias, more
than two at once, a wrong name answered beside its box; a page for each kind of KB item, the
rules' example scenarios, the search box, and user text shown as text."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient
from synergy_compass.engine import api
from synergy_compass.web import create_app
from werkzeug.test import TestResponse


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def _text(page: TestResponse) -> str:
    return html.unescape(page.get_data(as_text=True))


def test_the_compare_form_starts_with_two_empty_boxes(client: FlaskClient) -> None:
    page = client.get("/compare")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="compare-form"' in body
    assert len(re.findall(r'<input type="text" id="country-\d"', body)) == 2


def test_uk_and_japan_by_alias_show_the_chart_the_gaps_and_their_meaning(
    client: FlaskClient,
) -> None:
    page = client.get("/compare?country=UK&country=Japan")
    assert page.status_code == 200
    text = _text(page)
    assert "United Kingdom (GB) and Japan (JP)" in text
    body = page.get_data(as_text=True)
    # The chart is our own SVG, inline, with a title and description for screen readers.
    assert body.count("<svg") >= 2
    assert 'role="img"' in body
    assert '<title id="pair-1-chart-1-title">' in body
    # The CLI's meaning of each clear gap, in both directions.
    cli_text = api.compare("UK", "Japan")
    clear = [row for row in cli_text.dimensions if row.clear]
    assert clear
    for row in clear:
        assert row.for_a in text
        assert row.for_b in text
    assert "For United Kingdom working with Japan:" in text
    # The thin-data caveats the CLI prints.
    assert cli_text.data_caveats
    assert "What the data cannot show" in text
    for caveat in cli_text.data_caveats:
        assert caveat in text
    assert cli_text.caveat in text


def test_three_countries_are_each_set_beside_the_first_and_tabled_together(
    client: FlaskClient,
) -> None:
    page = client.get("/compare?country=UK&country=Japan&country=Holland")
    assert page.status_code == 200
    text = _text(page)
    assert "All 3 countries" in text
    assert "United Kingdom (GB) and Japan (JP)" in text
    assert "United Kingdom (GB) and Netherlands (NL)" in text
    assert "Netherlands (NL)" in text
    # A fourth, empty box to add another country without JavaScript.
    assert len(re.findall(r'id="country-\d"', page.get_data(as_text=True))) == 4


def test_a_wrong_name_is_a_400_with_did_you_mean_beside_its_box(client: FlaskClient) -> None:
    page = client.get("/compare?country=UK&country=Jpaan")
    assert page.status_code == 400
    body = page.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="country-(\d)-error">([^<]*)</p>', body)
    assert error is not None
    assert error.group(1) == "2"
    assert "Japan (JP)" in html.unescape(error.group(2))
    assert "Did you mean" in html.unescape(error.group(2))
    assert 'aria-invalid="true"' in body


def test_a_single_country_asks_for_another(client: FlaskClient) -> None:
    page = client.get("/compare?country=Japan")
    assert page.status_code == 400
    assert "at least two countries" in _text(page)


def test_a_country_name_is_shown_as_text_not_markup(client: FlaskClient) -> None:
    page = client.get("/compare?country=<script>alert(1)</script>&country=Japan")
    assert page.status_code == 400
    body = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_the_knowledge_base_front_page_counts_each_kind_and_searches(client: FlaskClient) -> None:
    page = client.get("/kb")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="kb-search"' in body
    catalogue = api.kb_catalogue()
    assert f"({len(catalogue.rules)})" in body
    found = client.get("/kb?q=indirect")
    text = _text(found)
    assert "Found for “indirect”" in text
    assert "counterpart-indirect-feedback" in text
    assert "allen-japan-indirect-lawyer" in text  # "indirect" in its name
    # the founding case has the word in neither its name nor its title
    assert 'scenarios/allen-japan"' not in found.get_data(as_text=True)


def test_a_search_is_shown_as_text(client: FlaskClient) -> None:
    page = client.get("/kb?q=<b>bold</b>")
    body = page.get_data(as_text=True)
    assert "<b>bold</b>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body


def test_each_list_filters_by_id_or_title(client: FlaskClient) -> None:
    page = client.get("/kb/rules?q=stated-indirect-communication")
    body = page.get_data(as_text=True)
    assert "/kb/rules/stated-indirect-communication" in body
    assert "/kb/rules/supplier-bad-news-late" not in body
    for kind in ("advice", "findings", "sources", "scenarios"):
        assert client.get(f"/kb/{kind}").status_code == 200


def test_a_rule_page_reads_the_rule_and_names_the_scenarios_that_exercise_it(
    client: FlaskClient,
) -> None:
    catalogue = api.kb_catalogue()
    rule = next(r for r in catalogue.rules if "allen-japan" in r.exercised_by and r.concludes)
    page = client.get(f"/kb/rules/{rule.id}")
    assert page.status_code == 200
    text = _text(page)
    assert rule.title in text
    assert rule.status in text
    for condition in rule.when[0]:
        assert condition in text
    assert rule.rationale in text
    assert rule.concludes[0].title in text
    assert rule.sources[0].title in text
    exercised = re.search(r'<ul class="exercised" id="exercised-by">(.*?)</ul>', text, re.S)
    assert exercised is not None
    assert "/kb/scenarios/allen-japan" in exercised.group(1)


def test_advice_finding_source_and_scenario_pages(client: FlaskClient) -> None:
    advice = client.get("/kb/advice/avoid-public-disagreement")
    assert advice.status_code == 200
    text = _text(advice)
    assert "Raise disagreement privately and indirectly" in text
    assert "Rules that support it" in text
    assert "/kb/rules/" in text

    finding = client.get("/kb/findings/counterpart-indirect-feedback")
    assert finding.status_code == 200
    assert "Rules that conclude it" in _text(finding)
    assert "severity" in _text(finding)

    catalogue = api.kb_catalogue()
    source = next(s for s in catalogue.sources if s.cited_by)
    page = client.get(f"/kb/sources/{source.id}")
    assert page.status_code == 200
    assert source.citation in _text(page)
    assert "Cited by" in _text(page)

    scenario = client.get("/kb/scenarios/allen-japan")
    assert scenario.status_code == 200
    body = scenario.get_data(as_text=True)
    assert "Must advise" in body
    assert 'action="/advise"' in body
    assert 'name="csrf"' in body
    assert 'name="scenario_yaml"' in body
    assert "Rules it makes fire" in body


def test_an_unknown_item_or_kind_is_a_404(client: FlaskClient) -> None:
    assert client.get("/kb/rules/no-such-rule").status_code == 404
    assert client.get("/kb/spells").status_code == 404
    assert client.get("/kb/spells/fireball").status_code == 404


def test_advising_on_an_example_through_its_page_gives_the_result(client: FlaskClient) -> None:
    page = client.get("/kb/scenarios/allen-japan").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    scenario = re.search(r'name="scenario_yaml" value="([^"]*)"', page)
    assert csrf is not None
    assert scenario is not None
    result = client.post(
        "/advise", data={"csrf": csrf.group(1), "scenario_yaml": html.unescape(scenario.group(1))}
    )
    assert result.status_code == 200
    assert "They see us as a vendor" in _text(result)


def test_three_countries_are_drawn_together_on_each_scale(client: FlaskClient) -> None:
    body = client.get("/compare?country=UK&country=Japan&country=Holland").get_data(as_text=True)
    assert "The Culture Map (Meyer): all 3 countries on each scale" in body
    together = re.findall(r'<title id="together-\d+-title">([^<]*)</title>', body)
    assert "All 3 countries on Leading" in together
    # one lane (a hollow dot: national scores) per country on each drawing
    leading = body.split('<title id="together-', 1)[1].split("</svg>", 1)[0]
    assert leading.count("<circle") == 3
    two = client.get("/compare?country=UK&country=Japan").get_data(as_text=True)
    assert "together-" not in two
