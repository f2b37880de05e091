"""The client report (Markdown, HTML): its sections, opening, branding, appendix and chart."""

from __future__ import annotations

import datetime
import html
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.api import advise_file, comparison_for
from synergy_compass.engine.errors import InputError
from synergy_compass.engine.render import pdf, report_parts
from synergy_compass.engine.render.chart import chart_svg
from synergy_compass.engine.render.documents import render_html, render_markdown
from synergy_compass.engine.schemas.branding import ReportBranding
from synergy_compass.engine.schemas.report import Report, TradeOff

FOUNDING = Path("kb/scenarios/allen-japan.yaml")
BRANDING = ReportBranding(
    prepared_by="Ann Lee, Lee & Partners",
    prepared_for="Allen LLP",
    date=datetime.date(2026, 3, 2),
)


def expected_headings(report: Report) -> list[str]:
    """The sections a report must have: those of the text output that have content."""
    present = [
        (report_parts.TRADE_OFFS, report.trade_offs),
        (report_parts.ALSO_CONSIDER, report.also_consider),
        (report_parts.SET_ASIDE, report.set_aside),
        (report_parts.ADVISED_AGAINST, report.advised_against),
        (report_parts.COULD_NOT_CHECK, report.could_not_check),
        (report_parts.NOTE_HINTS, report.note_hints),
    ]
    return [
        report_parts.SITUATION,
        report_parts.DIAGNOSIS,
        report_parts.PLAN,
        report_parts.BACKGROUND,
        report_parts.CAVEATS,
        report_parts.SOURCES,
        *(heading for heading, content in present if content),
    ]


def with_every_section(report: Report) -> Report:
    """The founding case with a trade-off and advice set aside, which no shipped case has."""
    first, second = report.recommendations[0], report.recommendations[1]
    return report.model_copy(
        update={
            "trade_offs": (
                TradeOff(
                    axis="directness",
                    about="how plainly to speak",
                    first=first.id,
                    second=second.id,
                    explanation="Both are equally supported; weigh them.",
                ),
            ),
            "set_aside": (
                second.model_copy(update={"set_aside_because": "more specific advice wins"}),
            ),
        }
    )


@pytest.mark.parametrize(
    "scenario",
    [
        "allen-japan.yaml",
        "review-04-german-medtech-chinese-distributor-payment.yaml",
        "buyer-uk-india-garment-exporter.yaml",  # notes the form could hold
        "acq-sweden-finland-language-change-negotiations.yaml",  # what could not be checked
    ],
)
def test_every_section_of_the_text_output_is_in_both_documents(scenario: str) -> None:
    report = advise_file(Path("kb/scenarios") / scenario)
    comparison = comparison_for(report)
    markdown = render_markdown(report, comparison, BRANDING)
    page = render_html(report, comparison, BRANDING)
    for heading in expected_headings(report):
        assert f"\n## {heading}\n" in markdown
        assert f"<h2>{heading}</h2>" in page
    for item in (*report.recommendations, *report.advised_against, *report.also_consider):
        assert item.title in markdown
        assert f"{item.certainty:.2f}, {item.certainty_in_words}" in page


def test_trade_offs_and_set_aside_advice_have_their_sections() -> None:
    report = with_every_section(advise_file(FOUNDING))
    markdown, page = render_markdown(report, None), render_html(report, None)
    for heading in (report_parts.TRADE_OFFS, report_parts.SET_ASIDE):
        assert f"## {heading}" in markdown
        assert f"<h2>{heading}</h2>" in page
    assert "more specific advice wins" in page
    assert "How plainly to speak." in markdown


def test_the_report_opens_with_the_situation_and_who_prepared_it(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    report = advise_file(FOUNDING)
    page = render_html(report, None, BRANDING.model_copy(update={"logo": logo}))
    opening = page[: page.index(f"<h2>{report_parts.DIAGNOSIS}</h2>")]
    assert "Prepared by Ann Lee, Lee &amp; Partners for Allen LLP, 2 March 2026" in opening
    assert '<img src="data:image/svg+xml;base64,' in opening
    assert "Our side: United States. Their side: a large corporation, Japan." in opening
    assert "We are their service provider" in opening
    assert "they see us as a vendor" in opening
    assert "Expand scope." in opening
    assert "they put our request off politely" in opening  # what we observed, in words
    assert "personal contact: none" in opening


def test_a_logo_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "logo.txt"
    notes.write_text("not an image")
    with pytest.raises(InputError, match=r"logo\.txt: a logo must be an image file"):
        render_html(advise_file(FOUNDING), None, ReportBranding(logo=notes))


def test_the_appendix_is_off_by_default_and_reads_as_sentences() -> None:
    report = advise_file(FOUNDING)
    comparison = comparison_for(report)
    assert report_parts.APPENDIX not in render_html(report, comparison)
    assert report_parts.APPENDIX not in render_markdown(report, comparison)
    for document in (
        render_html(report, comparison, with_appendix=True),
        render_markdown(report, comparison, with_appendix=True),
    ):
        appendix = html.unescape(document[document.index(report_parts.APPENDIX) :])
        assert "Japan's score on 'Disagreeing' is 95 (Meyer 2014, our estimate)." in appendix
        assert "United States' score on 'Individualism' is 91" in appendix
        assert "You observed: they put our request off politely" in appendix
        assert "concluded it from:" in appendix
        assert "score(" not in appendix
        assert "estimated=True" not in appendix


def test_sources_are_links_where_they_have_an_address() -> None:
    report = advise_file(FOUNDING)
    linked = [source for source in report_parts.sources(report) if source.url]
    assert linked
    page, markdown = render_html(report, None), render_markdown(report, None)
    for source in linked:
        assert f'<a href="{html.escape(source.url)}">' in page
        assert f"(<{source.url}>)" in markdown
    # nothing is fetched: no external script, style, image or font
    assert not re.search(r"""(src=|@import|url\()["']?(https?:)?//""", page)


def test_the_chart_shows_every_scale_as_published_with_both_poles() -> None:
    comparison = comparison_for(advise_file(FOUNDING))
    assert comparison is not None
    hofstede = chart_svg(comparison, "Hofstede 6-D")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in hofstede
    assert re.search(
        r'<svg [^>]*role="img" aria-labelledby="chart-title chart-description"', hofstede
    )
    assert (
        '<title id="chart-title">United States and Japan on the scales of Hofstede 6-D</title>'
        in hofstede
    )
    assert ">0: small power distance</text>" in hofstede
    assert ">large power distance: 120</text>" in hofstede  # not rescaled to 100
    assert ">JP 54</text>" in hofstede
    assert "stroke-dasharray" not in hofstede  # Hofstede's scores are measured
    meyer = chart_svg(comparison, "The Culture Map (Meyer)")
    assert ">0: consensual</text>" in meyer
    assert ">top-down: 100</text>" in meyer
    assert ">scale 0 to 100, estimated</text>" in meyer
    assert 'fill="white"' in meyer  # estimates are hollow markers
    assert "matplotlib" not in sys.modules


def test_a_score_past_the_end_of_its_scale_stays_on_the_chart() -> None:
    comparison = comparison_for(advise_file(FOUNDING))
    assert comparison is not None
    beyond = comparison.model_copy(
        update={
            "dimensions": tuple(
                row.model_copy(update={"b": 130}) if row.dimension == "pdi" else row
                for row in comparison.dimensions
            )
        }
    )
    svg = chart_svg(beyond, "Hofstede 6-D")
    assert ">JP 130</text>" in svg
    positions = [float(x) for x in re.findall(r'<polygon points="([\d.]+),', svg)]
    assert max(positions) <= 706


def test_advise_takes_the_branding_options(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "report.md"
    result = CliRunner().invoke(
        cli,
        ["advise", str(FOUNDING), "--no-audit", "--format", "markdown", "-o", str(out),
         "--prepared-by", "Ann Lee", "--prepared-for", "Allen LLP", "--appendix"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# US law firm partner")
    assert "*Prepared by Ann Lee for Allen LLP, " in text
    assert f"## {report_parts.APPENDIX}" in text
    missing = CliRunner().invoke(
        cli, ["advise", str(FOUNDING), "--no-audit", "--format", "html", "--logo", "nope.png"]
    )
    assert missing.exit_code == 2
    assert "nope.png" in missing.output


def test_a_pdf_without_a_browser_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    result = CliRunner().invoke(cli, ["advise", str(FOUNDING), "--no-audit", "--format", "pdf"])
    assert result.exit_code == 2
    assert "error: --format pdf: a PDF is printed by headless Chromium" in result.stderr
    assert "apt-get install chromium" in result.stderr


def test_the_culture_scores_behind_the_report_are_cited_and_named_in_the_appendix() -> None:
    report = advise_file(Path("kb/scenarios/review-06-swedish-manager-nigerian-team-feedback.yaml"))
    cited = {source.id for source in report.profile_sources}
    assert {"hofstede-6d-2015", "meyer-2014"} <= cited
    page = render_html(report, comparison_for(report), BRANDING, with_appendix=True)
    sources = page[page.index(f"<h2>{report_parts.SOURCES}</h2>") :]
    assert "Hofstede" in sources
    assert not re.search(r"\bsource [a-z0-9]+(-[a-z0-9]+)+\b", page)  # ids never shown bare
