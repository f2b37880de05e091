"""Text from scenarios, knowledge bases and audit records, made safe for each output format.

Titles, roles, advice and source names come from files that people share, so every renderer
treats them as untrusted: on a terminal an escape sequence can clear the screen, retitle the
window or plant a hyperlink, and a bidirectional override can make text read differently
from what it is; in Markdown a newline can start a heading and ``<script>`` is passed to the
page; in a Mermaid graph a newline can start a directive. The functions here are the one
place that knows what each format needs; text without such characters comes out unchanged,
so ordinary reports are byte for byte what they were.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import quote, urlsplit

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
"""C0 controls except tab and newline (which layout needs), DEL, and the C1 controls (CSI,
OSC and their kin, which some terminals act on as UTF-8 too)."""

_INVISIBLE_FORMATTING = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb"
"""The Arabic letter mark, left-to-right and right-to-left marks, the bidirectional
embeddings, overrides and isolates (the "Trojan Source" characters), and the interlinear
annotation marks, which hide text."""


# The patterns are compiled when first used: most reports are plain ASCII JSON, which needs
# none of them, and `compass advise` should not pay for them before its first line.
@cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(f"[{_CONTROLS}{_INVISIBLE_FORMATTING}]")


@cache
def _line_breaks() -> re.Pattern[str]:
    return re.compile(r"\s*[\n\u2028\u2029]\s*")


def plain_text(text: str) -> str:
    """``text`` without control characters and invisible direction changes; newlines and
    tabs stay. For whole outputs printed on a terminal or written as text."""
    return _unsafe().sub("", text)


def one_line(text: str) -> str:
    """:func:`plain_text` on one line: line and paragraph breaks (and the spaces around them)
    become one space, for a value shown where a new line would change the layout."""
    return _line_breaks().sub(" ", plain_text(text))


def terminal_line(text: str) -> str:
    """One value of a table printed on a terminal (a title in ``audit list``): one line, and
    a tab shown as a space so the columns stay where they are."""
    return one_line(text).replace("\t", " ")


def json_text(dumped: str) -> str:
    """JSON text with the characters :func:`plain_text` removes written as ``\\uXXXX``
    escapes: the data a program reads is the same, but a terminal shown the JSON acts on
    none of them. (The JSON encoder escapes C0 controls itself; C1 controls and the direction
    marks it leaves as they are.)"""
    if dumped.isascii() and "\x7f" not in dumped:
        return dumped  # the common case, told at once: the JSON encoder escaped C0 itself
    return _unsafe().sub(lambda match: f"\\u{ord(match[0]):04x}", dumped)


# ------------------------------------------------------------------------------------ Markdown


@cache
def _markdown_special() -> re.Pattern[str]:
    return re.compile(
        r"[\\`*<>]"  # escapes, code spans, emphasis, raw HTML and autolinks
        r"|(?<![^\W_])_|_(?![^\W_])"  # an underscore that can emphasise: not inside a word
        r"|\](?=[(\[:])"  # a bracket that closes a link, an image or a reference's label
    )


_MARKDOWN_ESCAPES = {"<": "&lt;", ">": "&gt;"}


@cache
def _block_start() -> re.Pattern[str]:
    """What begins a heading, list, thematic break, fence or link definition when it starts a
    line (or a list item); backslash-escaping its first character makes it text."""
    return re.compile(r"[\[#+=-]|\d{1,9}[.)](?=[ \t]|$)|~~~")


def markdown_inline(text: str) -> str:
    """A value for a line of Markdown: on one line, its HTML shown as text (``<`` and ``>``
    as entities), and what would make code, emphasis, links or images escaped with a
    backslash; a value that starts a line (or a list item) cannot start a heading, list or
    link definition either. Everything else is left as written, so that ordinary text (an
    underscore inside a word, a bracket that closes no link) reads as it did."""
    line = one_line(text)
    escaped = _markdown_special().sub(
        lambda match: _MARKDOWN_ESCAPES.get(match[0], "\\" + match[0]), line
    )
    return "\\" + escaped if _block_start().match(escaped) else escaped


def link_address(url: str) -> str:
    """A link's address for a Markdown or HTML report, or "" when it is not a web or mail
    address (a ``javascript:`` or ``data:`` link would run or show whatever it holds). Spaces,
    angle brackets, quotes and controls are percent-encoded so the address cannot end early."""
    address = url.strip()
    if urlsplit(address).scheme.lower() not in ("http", "https", "mailto"):
        return ""
    return quote(address, safe="!#$%&'()*+,-./:;=?@[]_~")


# -------------------------------------------------------------------------------- support graph


def mermaid_label(text: str) -> str:
    """A node label for a Mermaid flowchart, to go between double quotes: one line (a
    newline would start a statement or a ``%%{init}%%`` directive), double quotes as single
    ones, and the characters Mermaid reads as markup or entity codes written as entities."""
    line = one_line(text).replace('"', "'")
    return re.sub(r"[#<>]", lambda match: f"#{ord(match[0])};", line)
