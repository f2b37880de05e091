"""`compass interview`: only the questions that matter, several people and parties, piped
answers in the order --list-questions prints, and a scenario file that loads and advises."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import click.testing
import pytest
import yaml
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine import api
from synergy_compass.engine.consult.interview import Interview, question_list
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.scenario import load_scenario


def asked(interview: Interview, answers: list[str]) -> list[str]:
    """Answer in order; the keys of the questions asked (group questions as group.key)."""
    keys = []
    for text in answers:
        question = interview.next_question()
        assert question is not None, f"no question left for {text!r}"
        keys.append(f"{question.group}.{question.key}" if question.group else question.key)
        interview.answer(text)
    return keys


START = ["Expanding in Tokyo", "USA", "Japan", "", "expand_scope", "", "", ""]


def test_a_first_contact_skips_the_relationship_and_blank_groups_skip_their_details() -> None:
    interview = Interview()
    keys = asked(interview, [*START, "", "", "", ""])
    assert keys[-4:] == ["relationship.stage", "we.people.role", "they.people.role", "parties.kind"]
    question = interview.next_question()
    assert question is not None
    assert (question.group, question.key) == ("we_are_doing", "kind")


def test_add_another_repeats_the_group_and_conditions_look_at_the_same_item() -> None:
    interview = Interview()
    asked(interview, [*START, "established", "24", "", "", "", ""])
    keys = asked(
        interview,
        ["their_parent", "DE", "pricing, approvals", "yes", "competitor", "CN", "no"],
    )
    assert keys == [
        "parties.kind",
        "parties.culture",
        "parties.decides",  # asked for a parent company
        "parties.",
        "parties.kind",
        "parties.culture",  # not what a competitor decides
        "parties.",
    ]
    assert interview.data()["parties"] == [
        {"kind": "their_parent", "culture": "DE", "decides": ["pricing", "approvals"]},
        {"kind": "competitor", "culture": "CN"},
    ]


FULL = [
    "A joint venture in Japan whose German parent sets prices",
    "US",
    "Japan",
    "partner",
    "joint",  # the start of joint_venture
    "give_feedback, manage_remote",
    "family_business, 10",
    "",
    "Germany",
    "early",
    "5",
    "",
    "some",
    # our side: two people
    "Sales director",
    "senior",
    "yes",
    "woman",
    "",
    "",
    "yes",
    "Engineer",
    "4",
    "no",
    "",
    "India",
    "6",
    "no",
    # their side: two people
    "Managing director",
    "top",
    "",
    "decides",
    "",
    "much_older",
    "Germany",
    "",
    "y",
    "Buyer",
    "middle",
    "regular",
    "influences",
    "",
    "",
    "",
    "",
    "n",
    # parties
    "their_parent",
    "DE",
    "pricing, approvals",
    "no",
    # actions: one done, one ongoing, one planned with a date
    "owning_our_mistake",
    "done",
    "yes",
    "giving_gifts",
    "",
    "yes",
    "senior_visit",
    "planned",
    "2026-05-04",
    "no",
    "polite_deferral, no_decision",
    "consensus_decisions",
    # key dates
    "2026-03-12",
    "visit",
    "yes",
    "2026-04-01",
    "deadline",
    "no",
    "We met their parent's CFO at a trade fair.",
]


def test_every_answer_lands_in_its_version_2_field() -> None:
    interview = Interview()
    asked(interview, FULL)
    assert interview.next_question() is None
    scenario = interview.scenario()
    relationship = scenario.relationship
    assert (relationship.we_are, relationship.partnership) == ("partner", "joint_venture")
    assert (relationship.stage, relationship.months, relationship.they_see_us_as) == (
        "early",
        5,
        "unknown",
    )
    assert [goal.kind for goal in scenario.goal] == ["give_feedback", "manage_remote_team"]
    assert scenario.they.organisation_type == ("family_business", "distributor")
    assert scenario.they.corporate_culture == "DE"
    assert [(p.role, p.rank, p.leads, p.gender) for p in scenario.we.people] == [
        ("Sales director", "senior", True, "woman"),
        ("Engineer", "working", False, None),
    ]
    assert (scenario.we.people[1].culture, scenario.we.people[1].years_in_other_culture) == (
        "IN",
        6,
    )
    assert [
        (p.role, p.rank, p.contact, p.decision_role, p.age, p.culture) for p in scenario.they.people
    ] == [
        ("Managing director", "top", "none", "decides", "much_older", "DE"),
        ("Buyer", "middle", "regular", "influences", None, None),
    ]
    [party] = scenario.parties
    assert (party.kind, party.culture, party.decides) == (
        "their_parent",
        "DE",
        ("pricing", "approvals"),
    )
    assert [(a.kind, a.status, a.date) for a in scenario.we_are_doing] == [
        ("owning_our_mistake", "done", None),
        ("giving_gifts", "ongoing", None),
        ("senior_visit_in_person", "planned", __import__("datetime").date(2026, 5, 4)),
    ]
    assert [o.kind for o in scenario.we_observe] == ["polite_deferral", "no_decision"]
    assert scenario.they.preferences == ("consensus_decisions",)
    assert [(d.kind, str(d.date)) for d in scenario.dates] == [
        ("visit", "2026-03-12"),
        ("deadline", "2026-04-01"),
    ]
    assert scenario.notes.startswith("We met")
    written = yaml.safe_load(interview.to_yaml())
    assert list(written) == [
        "title",
        "we",
        "they",
        "parties",
        "relationship",
        "goal",
        "we_are_doing",
        "we_observe",
        "dates",
        "notes",
    ]
    assert list(written["we"]["people"][0]) == ["role", "rank", "leads", "gender"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_wrong_answer_is_explained_and_asked_again() -> None:
    said: list[str] = []
    answers = Terminal(
        "\n".join([*START[:4], "?", "expand_scoop", "expand_scope", *[""] * 12]) + "\n"
    )
    interview = Interview()
    interview.run(answers, said.append)
    text = "".join(said)
    assert "6. What do you want to achieve?" in text
    assert "'expand_scoop' is not one of the choices. Did you mean 'expand_scope'?" in text
    assert text.count("13 present_proposal") == 2  # shown, then again after '?'
    assert text.count(" 1 seller: we sell goods to them") == 1
    assert interview.scenario().goal[0].kind == "expand_scope"


def test_a_country_read_through_an_alias_with_a_note_says_how(
    broken_kb: Callable[[str, str], Path],
) -> None:
    kb = broken_kb(
        "countries.yaml",
        "countries:\n  aliases:\n    - {name: Zipangu, country: JP, note: Marco Polo's name for it}\n",
    )
    said: list[str] = []
    interview = api.start_interview(kb)
    interview.run(io.StringIO("T\nUS\nZipangu\n\n1\n" + "\n" * 12), said.append)
    assert said == ["  'Zipangu' is read as Japan (JP): Marco Polo's name for it\n"]
    assert interview.data()["they"] == {"culture": "JP"}
    with pytest.raises(ScenarioError, match="unknown country 'Zipangu'"):
        Interview().run(io.StringIO("T\nUS\nZipangu\n"), said.append)
    said.clear()
    shipped = Interview()
    shipped.run(io.StringIO("T\nUK\nKorea\n\n1\n" + "\n" * 12), said.append)
    assert [line.split(":")[0] for line in said] == ["  'Korea' is read as South Korea (KR)"]
    assert shipped.data()["we"] == {"culture": "GB"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["T", "US", "Japan", "", "expand_scoop"],
            r"<stdin>:5: the answer to question 6 \(What do",
        ),
        (["T", "US", "Japan"], r"<stdin>:3: the answers ended before question 4 \(Who are you"),
        ([], r"<stdin>: the answers ended before question 1 "),
        ([*START, *[""] * 9, "", "more"], r"<stdin>:19: an answer after the last question: 'more'"),
    ],
)
def test_piped_answers_stop_at_the_first_wrong_line(lines: list[str], message: str) -> None:
    said: list[str] = []
    with pytest.raises(ScenarioError, match=message):
        Interview().run(io.StringIO("".join(line + "\n" for line in lines)), said.append)
    assert said == []  # nothing is shown to a pipe


# The CLI, with the answers built from what --list-questions prints.


def piped_answers(listing: str, chosen: dict[int, list[str]]) -> list[str]:
    """The lines a user writes from the listing: the chosen answers by question number (taken
    in turn when a group repeats), Enter elsewhere, following the conditions and jumps the
    listing states."""
    entries: dict[int, str] = {}
    for line in listing.splitlines():
        heading = re.match(r"\s*(\d+)\. (.*)", line)
        if heading:
            number = int(heading[1])
            entries[number] = heading[2]
        elif entries and line.startswith("    "):
            entries[number] += " " + line.strip()
    lines: list[str] = []
    given: dict[int, str] = {}
    remaining = {number: list(answers) for number, answers in chosen.items()}
    number = 1
    while number in entries:
        text = " ".join(entries[number].split())
        condition = re.search(r"asked (when|unless) (\d+) is (\w+(?: or \w+)*)", text)
        if condition:
            holds = given.get(int(condition[2])) in condition[3].split(" or ")
            if holds != (condition[1] == "when"):
                number += 1
                continue
        answer = remaining[number].pop(0) if remaining.get(number) else ""
        lines.append(answer)
        default = re.search(r"\[(?:[^]]*; )?Enter: (\w+)\]", text)
        given[number] = answer or (default[1] if default else "")
        jump = re.search(r"Enter goes on at (\d+)", text)
        back = re.search(r"yes goes back to (\d+)", text)
        if not answer and jump:
            number = int(jump[1])
        elif answer == "yes" and back:
            number = int(back[1])
        else:
            number += 1
    assert not any(remaining.values()), f"answers for questions never asked: {remaining}"
    return lines


def number_of(listing: str, prompt_start: str) -> int:
    match = re.search(rf"^\s*(\d+)\. +{re.escape(prompt_start)}", listing, re.MULTILINE)
    assert match, prompt_start
    return int(match[1])


def test_list_questions_prints_them_numbered_with_their_choices() -> None:
    result = CliRunner().invoke(cli, ["interview", "--list-questions"])
    assert result.exit_code == 0, result.output
    assert result.stdout == question_list()
    assert re.search(r"^ 4\. Who are you to them\? \[Enter: seller\]$", result.stdout, re.M)
    assert "       7 partner: partners: a joint venture" in result.stdout
    assert "(asked when 4 is partner)" in result.stdout
    assert "(yes goes back to 14)" in result.stdout
    assert all(len(line) <= 88 for line in result.stdout.splitlines())


def test_a_piped_session_built_from_the_listing_writes_a_scenario_that_advises(
    tmp_path: Path, mini_kb: Path
) -> None:
    listing = CliRunner().invoke(cli, ["interview", "--list-questions"]).stdout
    n = {
        key: number_of(listing, prompt)
        for key, prompt in {
            "title": "In one line",
            "we": "Your culture",
            "they": "Their culture",
            "role": "Who are you",
            "partnership": "What kind of partnership",
            "goal": "What do you want",
            "stage": "How far",
            "months": "How many months",
            "seen": "How do they see you",
            "our person": "A person on your side",
            "our rank": "Their rank in your",
            "our leads": "Do they lead",
            "our another": "Add another person on your side",
            "their person": "A person on their side",
            "their rank": "Their rank in their",
            "their decision": "Their part in the decision",
            "party": "Another organisation",
            "party culture": "Its culture",
            "decides": "What does it decide",
            "action": "Something you did",
            "status": "Is it done",
            "when": "When?",
            "observe": "What do you observe",
        }.items()
    }
    chosen = {
        n["title"]: ["Expanding in Tokyo"],
        n["we"]: ["USA"],
        n["they"]: ["Japan"],
        n["role"]: ["partner"],
        n["partnership"]: ["1"],
        n["goal"]: ["expand"],
        n["stage"]: ["established"],
        n["months"]: ["24"],
        n["seen"]: ["vendor"],
        n["our person"]: ["Country manager", "Analyst"],
        n["our rank"]: ["senior", "working"],
        n["our leads"]: ["yes"],
        n["our another"]: ["yes"],
        n["their person"]: ["President"],
        n["their rank"]: ["top"],
        n["their decision"]: ["decides"],
        n["party"]: ["their_parent"],
        n["party culture"]: ["US"],
        n["decides"]: ["pricing"],
        n["action"]: ["senior_visit_in_person"],
        n["status"]: ["planned"],
        n["when"]: ["2026-05-04"],
        n["observe"]: ["no_decision"],
    }
    lines = piped_answers(listing, chosen)
    out = tmp_path / "cases" / "tokyo.yaml"
    result = CliRunner().invoke(
        cli,
        ["interview", "--save", str(out), "--kb", str(mini_kb), "--no-audit"],
        input="".join(line + "\n" for line in lines),
    )
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.stderr
    assert "DIAGNOSIS" in result.stdout
    loaded = load_scenario(out).scenario
    assert loaded.relationship.partnership == "joint_venture"
    assert [person.role for person in loaded.we.people] == ["Country manager", "Analyst"]
    assert loaded.parties[0].decides == ("pricing",)
    assert loaded.we_are_doing[0].status == "planned"
    report = api.advise_file(out, mini_kb)
    assert report.diagnosis


def test_a_wrong_piped_answer_exits_2_with_its_line_and_question(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    result = CliRunner().invoke(
        cli,
        ["interview", "--save", str(out), "--no-audit"],
        input="Tokyo\nUSA\nJapan\n\nexpand_scoop\n",
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: <stdin>:5: the answer to question 6 (What do you want to achieve?"
    )
    assert "Did you mean 'expand_scope'?" in result.stderr
    assert not out.exists()


def test_running_out_of_piped_answers_stops_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["interview", "--save", str(tmp_path / "case.yaml")], input="Tokyo\nUSA\n"
    )
    assert result.exit_code == 2
    assert "error: <stdin>:2: the answers ended before question 3 (Their culture" in result.stderr
    assert "Aborted" not in result.output


def test_the_scenario_goes_to_standard_output_without_advice() -> None:
    answers = "".join(line + "\n" for line in [*START, *[""] * 9])
    result = CliRunner().invoke(cli, ["interview", "--save", "-", "--no-advice"], input=answers)
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout)["they"] == {"culture": "JP"}
    refused = CliRunner().invoke(cli, ["interview", "--save", "-"], input=answers)
    assert refused.exit_code == 2
    assert "both go to standard output" in refused.stderr


def test_an_existing_scenario_file_is_refused_before_any_question(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    out.write_text("kept\n")
    result = CliRunner().invoke(cli, ["interview", "--save", str(out)], input="Tokyo\n")
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert "In one line" not in result.output
    assert out.read_text() == "kept\n"


def test_interactive_answers_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, mini_kb: Path
) -> None:
    """With the runner's input made to look like a terminal: prompts, choices and re-asking."""
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda _self: True)
    answers = [*START[:3], "3", "13", "ex", "fam", *[""] * 11]
    result = CliRunner().invoke(
        cli,
        ["interview", "--save", str(tmp_path / "case.yaml"), "--kb", str(mini_kb), "--no-audit"],
        input="".join(line + "\n" for line in answers),
    )
    assert result.exit_code == 0, result.stderr
    assert "4. Who are you to them? [Enter: seller]: " in result.stderr
    assert "6. What do you want to achieve? The first you name is the main goal" in result.stderr
    assert "\n    13 present_proposal\n" in result.stderr
    assert "  'ex' is not one of the choices. Type a number from 1 to 12" in result.stderr
    assert result.stderr.count("7. What kind of organisation are they?") == 2  # asked again
    data = yaml.safe_load((tmp_path / "case.yaml").read_text())
    assert data["relationship"]["we_are"] == "buyer"
    assert [goal["kind"] for goal in data["goal"]] == ["present_proposal"]
    assert data["they"]["organisation_type"] == ["family_business"]
