"""Issue 19 item 4: text from a scenario or a shared KB cannot take over the place it is shown.

The same hostile strings go into a scenario (title, roles, organisation) and a KB (an advice's
title, text and steps, a source's title and address), and every output format is checked for
what that format would act on: terminal controls and direction overrides in text, JSON, the
audit commands and CI formats; headings, raw HTML and links in Markdown (read back with a
CommonMark parser); statements and directives in Mermaid; statements in DOT."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import MINI_KB
from hostile_support import assert_no_traceback, invoke
from markdown_it import MarkdownIt
from synergy_compass.engine import api
from synergy_compass.engine.render.safe_text import (
    json_text,
    link_address,
    markdown_inline,
    mermaid_label,
    one_line,
    plain_text,
)
from synergy_compass.engine.render.text import for_terminal, render_text

CLEAR_SCREEN = "\x1b[2J\x1b[H"
WINDOW_TITLE = "\x1b]0;pwned\x07"
HYPERLINK = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
EIGHT_BIT_CSI = "\x9b31m"
REVERSED = "\u202etxt.exe"
ISOLATED = "\u2067hidden\u2069"
MARKDOWN_BREAKOUT = "\n# Injected heading\n\n<script>alert(1)</script>\n"
MARKDOWN_LINKS = "[click](javascript:alert(1)) ![pixel](https://tracker.example/p.png)"
MERMAID_BREAKOUT = '"]\n%%{init: {"securityLevel": "loose"}}%%\nclick rule_x call alert(1)\n'

HOSTILE = (
    f"Deal{CLEAR_SCREEN}{WINDOW_TITLE}{HYPERLINK}{EIGHT_BIT_CSI}{REVERSED}{ISOLATED}"
    f"{MARKDOWN_BREAKOUT}{MARKDOWN_LINKS}{MERMAID_BREAKOUT}end"
)
"""Under 300 characters, the longest title a scenario may have."""

TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def assert_no_terminal_controls(text: str) -> None:
    found = TERMINAL_CONTROLS.findall(text)
    assert not found, sorted(set(found))


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "kb"
    shutil.copytree(MINI_KB, root)
    advice = yaml.safe_load((root / "advice.yaml").read_text(encoding="utf-8"))
    introduce = advice["advice"][0]
    introduce.update(title=HOSTILE[:200], advice=HOSTILE, steps=[HOSTILE, "- not a list"])
    (root / "advice.yaml").write_text(yaml.safe_dump(advice, allow_unicode=False), "utf-8")
    rules = yaml.safe_load((root / "rules.yaml").read_text(encoding="utf-8"))
    rules["rules"][0]["title"] = HOSTILE
    (root / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=False), "utf-8")
    sources = yaml.safe_load((root / "sources.yaml").read_text(encoding="utf-8"))
    sources["sources"][0].update(title=HOSTILE, url="javascript:alert(1)")
    (root / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=False), "utf-8")
    scenario = yaml.safe_load((root / "scenarios" / "basic.yaml").read_text(encoding="utf-8"))
    scenario["title"] = HOSTILE
    scenario["we"].update(organisation=HOSTILE, role=HOSTILE)
    scenario["they"]["people"] = [{"role": HOSTILE, "rank": "top"}]
    (root / "scenarios" / "hostile.yaml").write_text(json.dumps(scenario), "utf-8")
    return root


@pytest.fixture(scope="module")
def scenario(hostile_kb: Path) -> Path:
    return hostile_kb / "scenarios" / "hostile.yaml"


def advise(scenario: Path, kb: Path, *args: str) -> str:
    result = invoke("advise", scenario, "--kb", kb, "--no-audit", *args)
    assert_no_traceback(result)
    assert result.exit_code == 0, result.output[-2000:]
    return result.stdout


def test_the_hostile_strings_reach_the_report(scenario: Path, hostile_kb: Path) -> None:
    # Otherwise every test below would pass for want of input.
    report = api.advise_file(scenario, hostile_kb)
    assert report.scenario.title == HOSTILE
    assert any(item.title == HOSTILE[:200] for item in report.recommendations)


@pytest.mark.parametrize("explain", [False, True])
def test_text(scenario: Path, hostile_kb: Path, explain: bool) -> None:
    output = advise(scenario, hostile_kb, *(["--explain"] if explain else []))
    assert_no_terminal_controls(output)
    assert "pwned" in output  # the words stay; only what a terminal would act on goes


def test_text_on_a_terminal_has_only_its_own_styles(scenario: Path, hostile_kb: Path) -> None:
    report = api.advise_file(scenario, hostile_kb)
    styled = for_terminal(render_text(report, explain=True, wrap_every_line=True))
    # The only escape sequences are the report's own bold and colours (SGR, ending in 'm').
    assert_no_terminal_controls(re.sub(r"\x1b\[[0-9;]*m", "", styled))


@pytest.mark.parametrize("trace", [False, True])
def test_json_keeps_the_data_and_escapes_the_controls(
    scenario: Path, hostile_kb: Path, trace: bool
) -> None:
    output = advise(scenario, hostile_kb, "--format", "json", *(["--trace"] if trace else []))
    assert_no_terminal_controls(output)
    assert json.loads(output)["scenario"]["title"] == HOSTILE  # a program reads it all


def test_batch_jsonl_keeps_the_data_and_escapes_the_controls(
    hostile_kb: Path, tmp_path: Path
) -> None:
    written = tmp_path / "results.jsonl"
    outputs = []
    for args in ((), ("-o", written)):
        result = invoke("batch", hostile_kb / "scenarios", "--kb", hostile_kb, "-q", *args)
        assert_no_traceback(result)
        assert result.exit_code == 0, result.output[-2000:]
        outputs.append(result.stdout or written.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    for output in outputs:
        assert_no_terminal_controls(output)
        titles = [json.loads(line)["title"] for line in output.splitlines()]
        assert HOSTILE in titles


@pytest.mark.parametrize("appendix", [False, True])
def test_markdown(scenario: Path, hostile_kb: Path, appendix: bool) -> None:
    output = advise(
        scenario, hostile_kb, "--format", "markdown", *(["--appendix"] if appendix else [])
    )
    assert_no_terminal_controls(output)
    html = MarkdownIt("commonmark").render(output)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", html)
    assert not [text for _, text in headings if text.startswith("Injected")]
    assert [level for level, _ in headings].count("1") == 1
    addresses = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert not [address for address in addresses if "javascript" in address.lower()]
    assert not [address for address in addresses if "tracker.example" in address]


def test_markdown_heading_lines_are_the_reports_own(scenario: Path, hostile_kb: Path) -> None:
    output = advise(scenario, hostile_kb, "--format", "markdown")
    headings = re.findall(r"(?m)^#{1,6} .*$", output)
    assert not [line for line in headings if line.startswith("# Injected")]
    assert sum(1 for line in headings if line.startswith("# ")) == 1


def test_html(scenario: Path, hostile_kb: Path) -> None:
    output = advise(scenario, hostile_kb, "--format", "html", "--appendix")
    assert_no_terminal_controls(output)
    assert "<script" not in output
    assert 'href="javascript' not in output


def test_mermaid_labels_stay_labels(scenario: Path, hostile_kb: Path) -> None:
    result = invoke("explain", scenario, "--kb", hostile_kb, "--graph", "mermaid")
    assert result.exit_code == 0, result.output[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    node = re.compile(r'^  \w+(\["[^"\n]*"\]|\(\["[^"\n]*"\]\))$')
    edge = re.compile(r"^  \w+ --> \w+$")
    strays = [line for line in lines[1:] if not (node.match(line) or edge.match(line))]
    assert not strays
    assert_no_terminal_controls(result.stdout)


def test_dot_labels_stay_labels(scenario: Path, hostile_kb: Path) -> None:
    result = invoke("explain", scenario, "--kb", hostile_kb, "--graph", "dot")
    assert result.exit_code == 0, result.output[-2000:]
    statement = re.compile(
        r'^  ("(?:[^"\\\n]|\\.)*") (?:-> ("(?:[^"\\\n]|\\.)*")|\[label=("(?:[^"\\\n]|\\.)*"), '
        r"shape=\w+\]);$"
    )
    lines = result.stdout.splitlines()
    assert lines[:3] == ["digraph support {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    assert lines[-1] == "}"
    assert not [line for line in lines[3:-1] if not statement.match(line)]
    assert_no_terminal_controls(result.stdout)


def test_why_not_text(scenario: Path, hostile_kb: Path) -> None:
    result = invoke("explain", scenario, "--kb", hostile_kb, "--why-not", "introduce")
    assert result.exit_code == 0, result.output[-2000:]
    assert "pwned" in result.stdout  # the rule's title is shown
    assert_no_terminal_controls(result.stdout)


def test_audit_list_and_show(scenario: Path, hostile_kb: Path, tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    recorded = invoke("advise", scenario, "--kb", hostile_kb, "--audit-db", database)
    assert recorded.exit_code == 0, recorded.output[-2000:]
    listing = invoke("audit", "list", "--audit-db", database)
    assert listing.exit_code == 0, listing.output[-2000:]
    assert_no_terminal_controls(listing.stdout)
    assert len(listing.stdout.splitlines()) == 1  # the title's newlines do not add rows
    run_id = listing.stdout.split()[1]
    for args in ([], ["--explain"], ["--format", "json"]):
        shown = invoke("audit", "show", run_id, "--audit-db", database, *args)
        assert shown.exit_code == 0, shown.output[-2000:]
        assert_no_terminal_controls(shown.stdout)
    listed = invoke("audit", "list", "--audit-db", database, "--format", "json")
    assert_no_terminal_controls(listed.stdout)
    assert json.loads(listed.stdout)[0]["scenario_title"] == HOSTILE


@pytest.fixture
def kb_with_a_hostile_file_name(hostile_kb: Path, tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(hostile_kb, root)
    (root / f"notes{WINDOW_TITLE}{REVERSED}.yaml").write_text("rulez: []\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("output_format", ["text", "github", "sarif", "json"])
def test_lint_formats(kb_with_a_hostile_file_name: Path, output_format: str) -> None:
    result = invoke("kb", "lint", kb_with_a_hostile_file_name, "--format", output_format)
    assert_no_traceback(result)
    assert result.exit_code == 1, result.output[-2000:]
    assert "notes" in result.stdout
    assert_no_terminal_controls(result.stdout)


def test_an_error_message_naming_a_hostile_file(kb_with_a_hostile_file_name: Path) -> None:
    scenario = kb_with_a_hostile_file_name / "scenarios" / "basic.yaml"
    result = invoke("advise", scenario, "--kb", kb_with_a_hostile_file_name, "--no-audit")
    assert result.exit_code == 2, result.output[-2000:]
    assert "notes" in result.stderr
    assert_no_terminal_controls(result.stderr)


def test_kb_test_text_and_junit(hostile_kb: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = invoke("kb", "test", hostile_kb, "--junit-xml", junit)
    assert_no_traceback(result)
    assert_no_terminal_controls(result.stdout)
    text = junit.read_text(encoding="utf-8")
    assert_no_terminal_controls(text)
    ET.fromstring(text.encode())  # well-formed: XML 1.0 has no room for those controls


# --- the sanitising functions themselves --------------------------------------------------


def test_plain_text_keeps_layout_and_words() -> None:
    assert plain_text("a\tb\nc") == "a\tb\nc"
    assert plain_text(f"x{CLEAR_SCREEN}y") == "x[2J[Hy"
    assert plain_text("Zürich — 東京 عربى") == "Zürich — 東京 عربى"
    assert plain_text("a\u200db") == "a\u200db"  # a zero-width joiner builds emoji and scripts


def test_one_line() -> None:
    assert one_line("first\n# second\r\nthird\u2028fourth") == "first # second third fourth"


def test_json_text_is_lossless() -> None:
    dumped = json.dumps({"t": HOSTILE}, ensure_ascii=False)
    assert json.loads(json_text(dumped)) == {"t": HOSTILE}
    assert_no_terminal_controls(json_text(dumped))
    assert json_text('{"a": "plain"}') == '{"a": "plain"}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Build trust", "Build trust"),
        ("we_are_doing[0] and goal[0].kind", "we_are_doing[0] and goal[0].kind"),
        ("version 0.1.0", "version 0.1.0"),
        ("# heading", "\\# heading"),
        ("1. listed", "\\1. listed"),
        ("- item", "\\- item"),
        ("[x]: https://evil.example", "\\[x\\]: https://evil.example"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("*strong* _em_ `code`", "\\*strong\\* \\_em\\_ \\`code\\`"),
        ("[a](https://x.example)", "\\[a\\](https://x.example)"),
        ("see [a](https://x.example)", "see [a\\](https://x.example)"),
        ("a\\*b", "a\\\\\\*b"),
    ],
)
def test_markdown_inline(text: str, expected: str) -> None:
    assert markdown_inline(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("http://example.org/x?q=1#f", "http://example.org/x?q=1#f"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("javascript:alert(1)", ""),
        ("JavaScript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("https://example.org/>\n# x", "https://example.org/%3E%0A#%20x"),
    ],
)
def test_link_address(url: str, expected: str) -> None:
    assert link_address(url) == expected


def test_mermaid_label() -> None:
    assert mermaid_label('say "hi"\n%%{init}%%') == "say 'hi' %%{init}%%"
    assert mermaid_label("<b>#1</b>") == "#60;b#62;#35;1#60;/b#62;"
