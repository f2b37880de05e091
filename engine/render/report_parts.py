"""What the Markdown, HTML and PDF client reports share: their sections, the situation they
open with, the sources, and the branding.

The situation is read from the report's own scenario facts, not from the scenario file, so a
report from the audit store or from standard input opens the same way as one from a file.
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterator
from pathlib import Path

from ..consult.compare import CultureComparison
from ..errors import InputError, Location, Problem
from ..explain.caveats import NATIONAL_TENDENCY_CAVEAT
from ..schemas.branding import ReportBranding
from ..schemas.countries import display_name, is_iso_code
from ..schemas.facts import english_date
from ..schemas.kb import PlanStage
from ..schemas.report import Recommendation, Report, SourceReference
from ..schemas.vocabulary import ROLE_DESCRIPTIONS
from ..schemas.vocabulary_descriptions import ACTION_DESCRIPTIONS, OBSERVATION_DESCRIPTIONS
from .text import certainty_words

# The headings every client report has, in order; tests look for each.
SITUATION = "The situation"
DIAGNOSIS = "What is going on"
BACKGROUND = "The cultural background"
PLAN = "The plan"
TRADE_OFFS = "Trade-offs to weigh"
ALSO_CONSIDER = "Also consider"
SET_ASIDE = "Set aside"
ADVISED_AGAINST = "Advised against"
COULD_NOT_CHECK = "What could not be checked"
CAVEATS = "Caveats"
NOTE_HINTS = "From your notes"
SOURCES = "Sources"
APPENDIX = "Appendix: how each recommendation was reached"

NOTE_HINTS_LEAD = (
    "No rule reads free text. These words look like facts the scenario form can hold; "
    "put them there and run again."
)
_LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


def words(value: object) -> str:
    """A vocabulary value as words: 'large_corporation' -> 'large corporation'."""
    return str(value).replace("_", " ")


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def certainty(value: float) -> str:
    """'certainty 0.78, high': the number and the word, as everywhere in the reports."""
    return certainty_words(value)


def country_names(report: Report, comparison: CultureComparison | None) -> dict[str, str]:
    """The name of every country the report mentions, by ISO code."""
    names: dict[str, str] = {}
    for item in report.diagnosis:
        for culture in item.between:
            names.setdefault(culture.country, culture.name)
    if comparison:
        names.update({comparison.a: comparison.a_name, comparison.b: comparison.b_name})
    for fact in report.trace.facts:
        if fact.type != "culture":
            continue
        code, side = str(fact.fields["country"]), fact.fields.get("side")
        if side in ("home", "counterpart"):
            own = report.scenario.we if side == "home" else report.scenario.they
            names.setdefault(code, own)
        if is_iso_code(code):
            names.setdefault(code, display_name(code))
    return names


def several_pairs(report: Report) -> bool:
    """Whether the findings are about more than our two cultures, so each must say which."""
    return len({side.country for item in report.diagnosis for side in item.between}) > 2


def _scenario_facts(report: Report, kind: str) -> list[dict[str, object]]:
    return [
        dict(fact.fields)
        for fact in report.trace.facts
        if fact.type == kind and fact.origin.kind == "scenario"
    ]


def possessive(name: str) -> str:
    """ "Japan's", "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _who(report: Report, names: dict[str, str]) -> str:
    organisations = [words(fact["type"]) for fact in _scenario_facts(report, "organisation")]
    whom = _with_article(" and ".join(organisations)) if organisations else "an organisation"
    # Names go after a colon, where no country needs 'the' ("the United States").
    sentences = [f"Our side: {report.scenario.we}. Their side: {whom}, {report.scenario.they}."]
    for relationship in _scenario_facts(report, "relationship"):
        role = str(relationship.get("we_are", ""))
        if role:
            meaning = ROLE_DESCRIPTIONS.get(role, "")  # type: ignore[call-overload]
            sentences.append(f"We are their {words(role)}" + (f" ({meaning})." if meaning else "."))
        details = [f"{words(relationship.get('stage', ''))}"]
        if relationship.get("months") is not None:
            details[0] += f", {relationship['months']} months"
        if relationship.get("seen_as") not in (None, "unknown"):
            details.append(f"they see us as {_with_article(words(relationship['seen_as']))}")
        if relationship.get("personal_contact") is not None:
            details.append(f"personal contact: {words(relationship['personal_contact'])}")
        sentences.append("The relationship: " + "; ".join(details) + ".")
    parties = [
        f"{_with_article(words(party['kind']))}, "
        f"{names.get(str(party['country']), str(party['country']))}"
        + (f" (decides {words(party['decides'])})" if party.get("decides") else "")
        for party in _scenario_facts(report, "party")
    ]
    if parties:
        sentences.append("Also involved: " + "; ".join(dict.fromkeys(parties)) + ".")
    return " ".join(sentences)


def situation(report: Report, comparison: CultureComparison | None) -> list[tuple[str, str]]:
    """The case in a few lines, as (label, sentence): who, the goals, what we do and see."""
    names = country_names(report, comparison)
    lines = [("Who", _who(report, names))]
    goals = sorted(_scenario_facts(report, "goal"), key=lambda goal: not goal.get("primary"))
    if goals:
        shown = [
            words(goal["kind"])
            + (" (the main goal)" if goal.get("primary") and len(goals) > 1 else "")
            for goal in goals
        ]
        lines.append(("Goal" if len(goals) == 1 else "Goals", "; ".join(shown).capitalize() + "."))
    actions = [
        ACTION_DESCRIPTIONS.get(str(action["kind"]), words(action["kind"]))  # type: ignore[call-overload]
        + (f" ({words(action['status'])})" if action.get("status") != "ongoing" else "")
        for action in _scenario_facts(report, "action")
    ]
    if actions:
        lines.append(("What we do", "; ".join(actions).capitalize() + "."))
    observed = [
        OBSERVATION_DESCRIPTIONS.get(str(seen["kind"]), words(seen["kind"]))  # type: ignore[call-overload]
        for seen in _scenario_facts(report, "observation")
    ]
    if observed:
        lines.append(("What we observed", "; ".join(observed).capitalize() + "."))
    return lines


def prepared_line(branding: ReportBranding) -> str:
    """'Prepared by A for B, 3 March 2026': who and when, for the report's opening."""
    date = english_date(branding.date or datetime.date.today()).split(" ", 1)[1]
    line = "Prepared"
    if branding.prepared_by:
        line += f" by {branding.prepared_by}"
    if branding.prepared_for:
        line += f" for {branding.prepared_for}"
    return f"{line}, {date}" if line != "Prepared" else date


def logo_data_uri(branding: ReportBranding) -> str:
    """The logo as a data URI, so the report stays one file; empty when there is none."""
    path = branding.logo
    if path is None:
        return ""
    media_type = _LOGO_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise InputError(
            [
                Problem(
                    Location(str(path)),
                    f"a logo must be an image file ({', '.join(sorted(_LOGO_TYPES))}); "
                    f"found '{path.suffix or 'no extension'}'",
                    hint="Convert it to PNG or SVG, or leave --logo out.",
                )
            ]
        )
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(
            [
                Problem(
                    Location(str(path)),
                    f"cannot read the logo: {error.strerror}",
                    hint="Check the path given to --logo.",
                )
            ]
        ) from error
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


def plan_by_stage(report: Report) -> Iterator[tuple[PlanStage, list[Recommendation]]]:
    for stage in PlanStage:
        items = [item for item in report.recommendations if item.stage == stage]
        if items:
            yield stage, items


def beyond_the_plan(report: Report) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The sections after the main plan, in the text output's order, as (heading,
    introduction, [(title, text)]); sections with nothing in them are left out."""
    sections = [
        (
            TRADE_OFFS,
            "Advice in this plan that pulls opposite ways with equal support.",
            [(trade.about.capitalize() + ".", trade.explanation) for trade in report.trade_offs],
        ),
        (
            ALSO_CONSIDER,
            "Further advice, in order of importance, outside the main plan.",
            [
                (f"{item.title} ({certainty(item.certainty)}).", f"Why: {item.because}.")
                for item in report.also_consider
            ],
        ),
        (
            SET_ASIDE,
            "Advice that pulls against more specific advice above; use it only if the reason "
            "does not hold.",
            [
                (f"{item.title} ({certainty(item.certainty)}).", item.set_aside_because)
                for item in report.set_aside
            ],
        ),
        (
            ADVISED_AGAINST,
            "Advice that rules considered but the evidence counts against.",
            [
                (f"{item.title} ({certainty(item.certainty)}).", f"Why: {item.because}.")
                for item in report.advised_against
            ],
        ),
        (
            COULD_NOT_CHECK,
            "Where the knowledge base has too little data for this case.",
            [("", gap) for gap in report.could_not_check],
        ),
    ]
    return [section for section in sections if section[2]]


def caveats(report: Report) -> tuple[str, ...]:
    return report.caveats or (NATIONAL_TENDENCY_CAVEAT,)


def sources(report: Report) -> list[SourceReference]:
    """Every source behind the advice the report gives or weighs and the culture scores its
    rules used, once, by citation."""
    seen: dict[str, SourceReference] = {}
    items = (
        *report.recommendations,
        *report.also_consider,
        *report.set_aside,
        *report.advised_against,
    )
    for item in items:
        for source in item.sources:
            seen.setdefault(source.id, source)
    for source in report.profile_sources:
        seen.setdefault(source.id, source)
    return sorted(seen.values(), key=lambda source: source.citation)


def short_sources(report: Report) -> dict[str, str]:
    """The short form of every source the report cites ('Meyer 2014'), by id."""
    return {source.id: source.short for source in sources(report)}
