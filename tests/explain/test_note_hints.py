"""Words in a scenario's free text that name facts the form can hold: found, suggested with
their field, and silent once the scenario states the fact."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from note_hints_support import flagged_phrases, shipped_table
from synergy_compass.engine.api import advise_file, batch
from synergy_compass.engine.explain import note_hints
from synergy_compass.engine.explain.note_hints import find_note_hints, folded, note_hint_table
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.render.documents import render_html, render_markdown
from synergy_compass.engine.render.text import render_json, render_text
from synergy_compass.engine.schemas.note_hints import NoteHint, PhraseHint
from synergy_compass.engine.schemas.scenario import Scenario

REPOSITORY = Path(__file__).resolve().parents[2]
SCENARIOS = REPOSITORY / "kb" / "scenarios"

WORKS_COUNCIL = PhraseHint.model_validate(
    {
        "phrases": ["works council", "works councils", "CSE"],
        "field": "we_observe",
        "value": "works_council_consultation",
        "or": [{"field": "we_are_doing", "value": "consulting_employee_representatives"}],
    }
)


def scenario(**fields: Any) -> Scenario:
    return Scenario.model_validate(
        {
            "title": "Probe",
            "we": {"culture": "US"},
            "they": {"culture": "FR"},
            "goal": {"kind": "expand_scope"},
            **fields,
        }
    )


def row(
    phrases: list[str], field: str = "we_observe", value: str | None = "resignations", **more: Any
) -> PhraseHint:
    return PhraseHint.model_validate({"phrases": phrases, "field": field, "value": value, **more})


def test_the_shipped_table_names_the_works_council_and_its_field() -> None:
    notes = "The works council has asked to be consulted on the reorganisation."
    hints = find_note_hints(scenario(notes=notes), shipped_table())
    assert hints[0] == NoteHint(
        phrase="works council",
        found_in="notes",
        field="we_observe",
        value="works_council_consultation",
        suggestion="we_observe: [works_council_consultation]",
        alternatives=("we_are_doing: [consulting_employee_representatives]",),
        explain=hints[0].explain,
    )
    assert hints[0].explain


@pytest.mark.parametrize(
    "stated",
    [
        {"we_observe": ["works_council_consultation"]},
        {"we_observe": [{"kind": "works_council_consultation", "description": "CSE"}]},
        {"we_are_doing": [{"kind": "consulting_employee_representatives", "status": "planned"}]},
    ],
)
def test_no_hint_once_the_scenario_states_the_fact(stated: dict[str, Any]) -> None:
    case = scenario(notes="The works council wants a say.", **stated)
    assert find_note_hints(case, [WORKS_COUNCIL]) == ()
    assert find_note_hints(scenario(notes="The works council wants a say."), [WORKS_COUNCIL])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Their WORKS COUNCIL met.", "WORKS COUNCIL"),
        ("The works-council asked.", "works-council"),
        ("Two works councils asked.", "works councils"),
        ("The cse asked.", "cse"),
        ("Frameworks council members", None),  # inside a word
        ("The CSEs asked.", None),  # a plural the row does not list
        ("ACSE and works", None),
    ],
)
def test_whole_words_in_any_case(text: str, found: str | None) -> None:
    hints = find_note_hints(scenario(notes=text), [WORKS_COUNCIL])
    assert [hint.phrase for hint in hints] == ([found] if found else [])


def test_a_hyphen_joins_words_and_a_star_stands_for_a_few() -> None:
    president = row(["the president"], "they.people[].rank", "top")
    assert find_note_hints(scenario(notes="We met the vice-president."), [president]) == ()
    assert find_note_hints(scenario(notes="We met the President."), [president])
    parent = row(["their * headquarters"], "parties", "their_parent")
    found = find_note_hints(
        scenario(notes="Sign-off is at their Tokyo main headquarters."), [parent]
    )
    assert [hint.phrase for hint in found] == ["their Tokyo main headquarters"]
    assert found[0].suggestion == "parties: [{kind: their_parent}]"
    assert find_note_hints(scenario(notes="their headquarters"), [parent]) == ()


def test_a_field_holding_one_value_is_left_alone_once_the_scenario_sets_it() -> None:
    buyer = row(["we are the buyer"], "relationship.we_are", "buyer")
    notes = "Here we are the buyer."
    assert [hint.suggestion for hint in find_note_hints(scenario(notes=notes), [buyer])] == [
        "relationship: {we_are: buyer}"
    ]
    chosen = scenario(notes=notes, relationship={"we_are": "seller"})
    assert find_note_hints(chosen, [buyer]) == ()


def test_a_person_field_is_stated_by_any_person_on_either_side_the_row_names() -> None:
    woman = row(
        ["she"],
        "we.people[].gender",
        "woman",
        **{"or": [{"field": "they.people[].gender", "value": "woman"}]},
    )
    notes = "She leads for us."
    hints = find_note_hints(scenario(notes=notes), [woman])
    assert hints[0].suggestion == "we: {people: [{gender: woman}]}"
    assert hints[0].alternatives == ("they: {people: [{gender: woman}]}",)
    theirs = {"culture": "FR", "people": [{"role": "CFO", "rank": "top", "gender": "woman"}]}
    assert find_note_hints(scenario(notes=notes, they=theirs), [woman]) == ()
    ours = {"culture": "US", "people": [{"role": "VP", "rank": "senior", "gender": "man"}]}
    assert find_note_hints(scenario(notes=notes, we=ours), [woman])


def test_a_row_without_a_value_asks_for_the_field_until_it_holds_anything() -> None:
    holidays = row(["Ramadan"], "dates", None)
    notes = "The visit falls in Ramadan."
    assert [hint.suggestion for hint in find_note_hints(scenario(notes=notes), [holidays])] == [
        "dates: [...]"
    ]
    dated = scenario(notes=notes, dates=[{"kind": "visit", "date": "2027-03-01"}])
    assert find_note_hints(dated, [holidays]) == ()


def test_where_the_words_are_and_where_a_row_looks() -> None:
    family = row(
        ["family-owned"], "they.organisation_type", "family_business", look_in=["they.organisation"]
    )
    goals = [
        {"kind": "expand_scope"},
        {"kind": "resolve_conflict", "description": "Four engineers resigned"},
    ]
    resigned = row(["resigned"])
    case = scenario(goal=goals, they={"culture": "FR", "organisation": "A family-owned firm"})
    hints = find_note_hints(case, [family, resigned])
    assert [(hint.found_in, hint.phrase) for hint in hints] == [
        ("goal[1].description", "resigned"),
        ("they.organisation", "family-owned"),
    ]
    ours = scenario(we={"culture": "US", "role": "family-owned, like them"})
    assert find_note_hints(ours, [family]) == ()


def test_hints_follow_the_text_and_a_row_repeating_an_earlier_hint_adds_nothing() -> None:
    theirs = row(
        ["slipped"],
        "we_observe",
        "deadlines_missed",
        **{"or": [{"field": "we_are_doing", "value": "missing_our_deadlines"}]},
    )
    ours = row(["our * was late"], "we_are_doing", "missing_our_deadlines")
    resigned = row(["resigned"])
    notes = "Two engineers resigned. The launch slipped because our localisation was late."
    hints = find_note_hints(scenario(notes=notes), [ours, theirs, resigned])
    assert [hint.phrase for hint in hints] == ["resigned", "slipped"]


def test_the_notes_of_the_review_cases_hold_nothing_the_table_flags() -> None:
    table = shipped_table()
    paths = sorted((REPOSITORY / "kb" / "scenarios").glob("review-*.yaml"))
    assert len(paths) == 10
    flagged = {path.name: flagged_phrases(load_scenario(path).scenario, table) for path in paths}
    assert flagged == {path.name: [] for path in paths}


def test_flagged_phrases_are_the_words_found_in_the_notes() -> None:
    case = scenario(notes="The works council asked.", relationship={"work_so_far": "CSE talks"})
    assert flagged_phrases(case, [WORKS_COUNCIL]) == ["works council"]
    assert (
        flagged_phrases(scenario(relationship={"work_so_far": "CSE talks"}), [WORKS_COUNCIL]) == []
    )


NOTES_FILE = """note_hints:
  - phrases: [works council, CSE]
    field: we_observe
    value: works_council_consultation
    explain: Employee representatives ask to be consulted.
"""


@pytest.fixture
def kb_with_notes(broken_kb: Callable[[str, str], Path], tmp_path: Path) -> tuple[Path, Path]:
    root = broken_kb("notes.yaml", NOTES_FILE)
    case = tmp_path / "cases" / "case.yaml"
    case.parent.mkdir()
    case.write_text(
        (root / "scenarios" / "basic.yaml").read_text(encoding="utf-8")
        + "notes: The CSE wants to be consulted.\n",
        encoding="utf-8",
    )
    return root, case


def test_every_caller_of_the_pipeline_gets_the_hints(kb_with_notes: tuple[Path, Path]) -> None:
    root, case = kb_with_notes
    report = advise_file(case, root)
    assert [(hint.phrase, hint.suggestion) for hint in report.note_hints] == [
        ("CSE", "we_observe: [works_council_consultation]")
    ]
    assert json.loads(render_json(report))["note_hints"][0]["phrase"] == "CSE"
    _, results = batch(case.parent, root)
    assert [result.note_hints for result in results] == [report.note_hints]


def test_the_reports_show_the_hints(kb_with_notes: tuple[Path, Path]) -> None:
    root, case = kb_with_notes
    report = advise_file(case, root)
    text = render_text(report)
    assert (
        "FROM YOUR NOTES: facts written only in free text, which no rule reads\n"
        '  - Your notes mention "CSE"; add:\n'
        "      we_observe: [works_council_consultation]\n"
        "    Employee representatives ask to be consulted.\n"
    ) in text
    markdown = render_markdown(report, None)
    assert (
        '- Your notes mention "CSE": add `we_observe: [works_council_consultation]`. '
        "Employee representatives ask to be consulted."
    ) in markdown
    assert markdown.index("## From your notes") < markdown.index("## Sources")
    assert "<code>we_observe: [works_council_consultation]</code>" in render_html(report, None)
    quiet = advise_file(root / "scenarios" / "basic.yaml", root)
    assert quiet.note_hints == ()
    assert "FROM YOUR NOTES" not in render_text(quiet)
    assert "From your notes" not in render_markdown(quiet, None)


def test_folding_keeps_every_letter_an_ignorecase_pattern_takes_as_the_same() -> None:
    """The substring test that spares compiling most rows' patterns must never rule out a
    match: every pair of cased characters re's IGNORECASE matches folds to the same text."""
    cased = "".join(
        character
        for character in map(chr, range(0x30000))
        if character.lower() != character or character.upper() != character
    )
    for character in cased:
        for found in re.findall(re.escape(character), cased, re.IGNORECASE):
            assert folded(found) == folded(character), (hex(ord(character)), hex(ord(found)))


def test_a_phrase_folded_whole_gives_the_words_folded_one_by_one() -> None:
    """The clues fold each phrase once and split it: the same words as splitting first and
    folding each word, for the shipped phrases and for every cased character, the final-sigma
    context included, beside each joiner and at either end of a word."""
    cased = [
        character
        for character in map(chr, range(0x30000))
        if character.lower() != character or character.upper() != character
    ]
    phrases = [phrase for row in shipped_table() for phrase in row.phrases]
    phrases += [f"{c}\u03a3{c} \u03a3-{c}{c}\u2019s  *  x{c}\u00a0{c}\u03c2" for c in cased]

    def word_by_word(phrase: str) -> tuple[str, ...]:
        normal = phrase.replace("\u2019", "'").replace("\u2018", "'")
        return tuple(folded(word) for word in re.split(r"[\s\-]+", normal) if word != "*")

    for phrase in phrases:
        assert note_hints._clues((phrase,)) == (word_by_word(phrase),), ascii(phrase)


def test_the_table_is_made_once_for_its_knowledge_base() -> None:
    knowledge_base = load_knowledge_base()
    table = note_hint_table(knowledge_base)
    assert table is note_hint_table(knowledge_base)
    assert table == tuple(row.value for row in knowledge_base.note_hints)
    assert note_hint_table(load_knowledge_base()) == table


def test_a_table_indexed_last_is_known_by_identity_and_others_are_not() -> None:
    notes = scenario(notes="The works council met our CSE.")
    council = (WORKS_COUNCIL,)
    resigned = (row(["works council"]),)
    assert [hint.value for hint in find_note_hints(notes, council)] == [
        "works_council_consultation"
    ]
    assert [hint.value for hint in find_note_hints(notes, resigned)] == ["resignations"]
    assert [hint.value for hint in find_note_hints(notes, council)] == [
        "works_council_consultation"
    ]
    # a list may change between calls under the same identity: indexed again
    changing = [WORKS_COUNCIL]
    assert find_note_hints(notes, changing)[0].value == "works_council_consultation"
    changing[0] = resigned[0]
    assert find_note_hints(notes, changing)[0].value == "resignations"


def test_the_substring_test_rules_out_no_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    table = shipped_table()
    tricky = "Their \u017fales team at the \u0130stanbul office; a fam\u0131ly-owned FIRM, \u03a3\u039f\u03a6\u0399\u0391"
    scenarios = [load_scenario(path).scenario for path in sorted(SCENARIOS.glob("*.yaml"))]
    scenarios += [scenario(notes=tricky + " " + " ".join(row.phrases).upper()) for row in table]
    # plain ASCII notes, whose words are looked up: the phrases quoted, bracketed, hyphenated
    scenarios += [
        scenario(notes=", ".join(f"('{phrase.replace(' ', '-')}')" for phrase in row.phrases))
        for row in table
        if all(phrase.isascii() for phrase in row.phrases)
    ]
    quick = [find_note_hints(each, table) for each in scenarios]
    monkeypatch.setattr(note_hints, "_may_match", lambda *_: True)
    # every phrase of a row searched for, as if it held no word to look for
    in_order = note_hints._trying_order
    monkeypatch.setattr(
        note_hints,
        "_trying_order",
        lambda phrases: tuple(
            note_hints._Phrase(each.phrase, frozenset(), ()) for each in in_order(phrases)
        ),
    )
    monkeypatch.setattr(
        note_hints,
        "_rows_that_may_match",
        lambda rows, texts, _: [set(range(len(rows)))] * len(texts),
    )
    assert quick == [find_note_hints(each, table) for each in scenarios]
    assert any(quick)


def _one_search_for_the_row(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # all of a row's phrases in one alternation, longer first, as the hints were found before
    # each phrase had a search of its own
    alternatives = "|".join(
        note_hints._source(each.phrase) for each in note_hints._trying_order(phrases)
    )
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def test_a_search_per_phrase_finds_what_one_search_for_the_row_finds() -> None:
    """The first place any phrase of a row appears and, there, the longest phrase, with the
    wildcard's words as the alternation gives them: for every shipped row on texts holding its
    phrases in other orders, cases and joiners, beside each other and inside longer words."""
    rows = [each.phrases for each in shipped_table()]
    rows += [
        ("late", "late delivery", "delivery * late"),
        ("their * headquarters", "headquarters"),
        ("vice president", "president", "vice-president of sales"),
    ]
    texts = [
        "Our late-delivery was late; the delivery of parts was very LATE indeed",
        "their new Tokyo regional headquarters-based team, and their headquarters",
        "the vice-president and the vice  president of sales; a president",
    ]
    for phrases in rows:
        texts.append(" ".join(reversed(phrases)).upper())
        texts.append(", ".join(f"x{phrase}, {phrase.replace(' ', '-')}-y" for phrase in phrases))
    searched = 0
    for phrases in rows:
        alternation = _one_search_for_the_row(phrases)
        for text in texts:
            wanted = alternation.search(text)
            words = set(re.findall(r"\w+", folded(text))) if text.isascii() else None
            found = note_hints._first_match(phrases, text, folded(text), words)
            assert (found and found.span()) == (wanted and wanted.span()), (phrases, text)
            searched += wanted is not None
    assert searched > len(rows)


def test_a_letter_or_digit_is_a_word_character_to_re() -> None:
    """The word index takes a word that str.isalnum() accepts as whole without asking re: every
    such character must be one re's \\w matches."""
    word = re.compile(r"\w")
    assert all(
        word.fullmatch(character) for character in map(chr, range(0x110000)) if character.isalnum()
    )
