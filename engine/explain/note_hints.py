"""Which words of a scenario's free text name facts the form can hold (issue 13, item 7).

Rules never read free text. This reads it against the KB's note-hint table (``kb/notes.yaml``)
only to tell the user, "your notes mention 'works council': add
``we_observe: [works_council_consultation]``", and stays silent where the scenario already
states the fact, so that moving a fact into its field is what makes the hint go away.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.note_hints import (
    FieldValue,
    NoteHint,
    PhraseHint,
    free_texts,
    resolve_field,
)
from ..schemas.scenario import Scenario
from .kb_cache import memo_of

# A space or a hyphen in a phrase finds either, or a run of them: 'family owned' finds
# 'family-owned' and 'family  owned'. A '*' stands for one to three words: 'their *
# headquarters' finds 'their Tokyo headquarters'.
_JOINER = r"[\s\-]+"
_ANY_WORDS = rf"\w+(?:{_JOINER}\w+){{0,2}}"


def _normalised(text: str) -> str:
    # the same length, so positions found in it hold in the original text
    if text.isascii():  # most phrases and notes: no curly quote to replace
        return text
    return text.replace("\u2019", "'").replace("\u2018", "'")


# str.lower() maps dotted capital I to two characters (re: one, 'i'), and a final sigma to its
# own letter (re: the same letter as sigma).
_BEFORE_FOLDING = str.maketrans({"\u0130": "i"})
_AFTER_FOLDING = str.maketrans({"\u03c2": "\u03c3"})


def folded(text: str) -> str:
    """Text with each character in one form for all the characters an IGNORECASE pattern takes
    as the same (those with the same lower case, or the same upper case once lowered: long s and
    's'; lowered again, as the upper case of sharp s is 'SS'), so a word such a pattern finds in
    a text is a substring of the text once both are folded (the converse need not hold)."""
    if text.isascii():  # neither special letter, and lowering ASCII twice changes nothing
        return text.lower()
    return text.translate(_BEFORE_FOLDING).lower().upper().lower().translate(_AFTER_FOLDING)


@lru_cache(maxsize=1024)
def _clues(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The folded words of each phrase (its wildcards left out): a text that lacks a word of
    every phrase cannot match the row's pattern. A phrase of wildcards alone has no word, and
    any text may match it."""
    # The phrase is folded whole and then split, which gives the words folded one by one: no
    # letter folds to or from a space or a hyphen, and the one letter whose lower case depends
    # on its neighbours (final sigma) ends as sigma either way.
    # Every start reads the whole table (about 1,800 phrases): one loop, no generators.
    split = _SPLIT.split
    found = []
    for phrase in phrases:
        # most phrases are plain ASCII, folded by lowering (see folded)
        words = split(phrase.lower() if phrase.isascii() else folded(_normalised(phrase)))
        if "*" in words:
            words = [word for word in words if word != "*"]
        found.append(tuple(words))
    return tuple(found)


_SPLIT = re.compile(_JOINER)
_PHRASES = attrgetter("phrases")
_WORD = re.compile(r"\w+")


# A named tuple: making a frozen dataclass costs every start about five times as much
# (Python compiles its six methods then), and this record of one module needs none of them.
class _WordIndex(NamedTuple):
    """A table's phrases by one word of each that a text must hold as a whole word: the phrases
    a plain-ASCII text may match are looked up from its words instead of searched for, phrase by
    phrase (a table of 170 rows has about 1,800 phrases; a scenario's notes, a few dozen words).
    """

    by_word: dict[str, list[tuple[int, tuple[str, ...]]]]
    """(row, the phrase's folded words) by the folded word looked up."""
    always: list[int]
    """Rows with a phrase that has no such word (wildcards alone, or a word with a dot or an
    apostrophe): tested on their own."""


@lru_cache(maxsize=8)
def _word_index(table: tuple[tuple[str, ...], ...]) -> _WordIndex:
    by_word: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    always: list[int] = []
    whole = _WORD.fullmatch
    for row, phrases in enumerate(table):
        for words in _clues(phrases):
            longest = ""  # the first of the longest whole words
            for word in words:
                # str.isalnum() holds for the characters re's \w takes but "_": a quick yes
                if len(word) > len(longest) and (word.isalnum() or whole(word)):
                    longest = word
            if longest:
                entries = by_word.get(longest)
                if entries is None:
                    by_word[longest] = [(row, words)]
                else:
                    entries.append((row, words))
            elif row not in always:
                always.append(row)
    return _WordIndex(by_word, always)


_last_indexed: list[tuple[Sequence[PhraseHint], _WordIndex]] = []


def _index_of(table: Sequence[PhraseHint]) -> _WordIndex:
    """The word index of a table; the last table indexed is known by its identity (advice
    passes the table kept with its knowledge base, :func:`note_hint_table`), which spares
    gathering and hashing its 1,800 phrases for every scenario."""
    last = _last_indexed[0] if _last_indexed else None
    if last is not None and last[0] is table:
        return last[1]
    index = _word_index(tuple(map(_PHRASES, table)))
    if isinstance(table, tuple):  # a list may change after, under the same identity
        _last_indexed[:] = [(table, index)]
    return index


def note_hint_table(knowledge_base: KnowledgeBase) -> tuple[PhraseHint, ...]:
    """The knowledge base's note-hint rows, without their file locations: made once for each
    knowledge base, not for every scenario."""
    memo = memo_of(knowledge_base)
    if memo.note_hint_rows is None:
        memo.note_hint_rows = tuple([row.value for row in knowledge_base.note_hints])
    return memo.note_hint_rows


def _rows_that_may_match(
    table: Sequence[PhraseHint],
    folded_texts: Sequence[str],
    words_of: Sequence[set[str] | None],
) -> list[set[int]]:
    """For each text, the rows of the table (by position) whose patterns may find something in
    it; most rows are ruled out here, before their patterns are needed.

    In a plain-ASCII text, each word of a phrase that is letters, digits and underscores alone
    is found as a whole word (the pattern allows only a space, a hyphen or no word character
    beside it), and its folded form is that word of the folded text: a phrase whose looked-up
    word is not among the text's words cannot match. Any other text is tested row by row.
    ``words_of``: each folded text's words when it is plain ASCII, else None.
    """
    index = _index_of(table)
    found: list[set[int]] = []
    for folded_text, text_words in zip(folded_texts, words_of, strict=True):
        if text_words is None:
            found.append(
                {row for row, hint in enumerate(table) if _may_match(hint.phrases, folded_text)}
            )
            continue
        rows = {row for row in index.always if _may_match(table[row].phrases, folded_text)}
        for word in text_words:
            for row, words in index.by_word.get(word, ()):
                if row not in rows:
                    for other in words:
                        if other not in folded_text:
                            break
                    else:
                        rows.add(row)
        found.append(rows)
    return found


def _may_match(phrases: tuple[str, ...], folded_text: str) -> bool:
    # Compiling every row's pattern cost a cold start 90 ms; substring tests rule out nearly
    # every row before its pattern is needed.
    for words in _clues(phrases):
        for word in words:
            if word not in folded_text:
                break
        else:
            return True
    return False


def _source(phrase: str) -> str:
    return _JOINER.join(
        _ANY_WORDS if word == "*" else re.escape(word)
        for word in re.split(_JOINER, _normalised(phrase))
    )


# A named tuple, as _WordIndex is.
class _Phrase(NamedTuple):
    """A phrase with the words a text must hold for its pattern to match there (see
    _rows_that_may_match): as whole words in a plain-ASCII text, else as substrings."""

    phrase: str
    whole: frozenset[str]
    """Its folded words that are word characters alone."""
    others: tuple[str, ...]
    """Its other folded words (with a dot, an apostrophe)."""


@lru_cache(maxsize=1024)
def _trying_order(phrases: tuple[str, ...]) -> tuple[_Phrase, ...]:
    """A row's phrases, longer patterns first (in a stable order), so that the words found are
    the fullest phrase at that place."""
    found = []
    for phrase, words in zip(phrases, _clues(phrases), strict=True):
        whole = frozenset(word for word in words if word.isalnum() or _WORD.fullmatch(word))
        found.append(_Phrase(phrase, whole, tuple(word for word in words if word not in whole)))
    return tuple(sorted(found, key=lambda each: len(_source(each.phrase)), reverse=True))


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    """A search for one phrase, whole words only, any case."""
    # a hyphen joins words, so 'president' is not found in 'vice-president'
    return re.compile(rf"(?<![\w-]){_source(phrase)}(?![\w-])", re.IGNORECASE)


def _first_match(
    phrases: tuple[str, ...], text: str, folded_text: str, words: set[str] | None
) -> re.Match[str] | None:
    """The first place in a text where any of a row's phrases is found, and there the first
    of them in trying order: what one search for all of them, as alternatives in that order,
    would find. ``words``: the folded text's words when it is plain ASCII, else None.

    Each phrase is searched for on its own, and only when the text holds its every word:
    re's parser is Python, and a row's pattern of a dozen phrases took 1.4 ms to compile,
    most of it for phrases that could not be in the text."""
    found: re.Match[str] | None = None
    for each in _trying_order(phrases):
        if words is None:
            if not all(word in folded_text for word in each.whole):
                continue
        elif not each.whole <= words:
            continue
        if each.others and not all(word in folded_text for word in each.others):
            continue
        match = _pattern(each.phrase).search(text)
        # at the same place the phrase tried first wins, as an alternation's first does
        if match is not None and (found is None or match.start() < found.start()):
            found = match
    return found


def states(scenario: Scenario, option: FieldValue) -> bool:
    """Whether the scenario already says this: the value is among the field's values (any value
    when there is none); a single field also counts once the scenario sets it, since a choice
    the consultant wrote down is not for a word in the notes to overrule."""
    field = resolve_field(option.field)
    stated = field.stated(scenario)
    if option.value is None:
        return bool(stated)
    if field.many:
        return option.value in stated
    return option.value in stated or field.set_explicitly(scenario)


def _hint(row: PhraseHint, phrase: str, where: str) -> NoteHint:
    main, *others = row.options
    return NoteHint(
        phrase=phrase,
        found_in=where,
        field=resolve_field(main.field).path,
        value=main.value,
        suggestion=resolve_field(main.field).yaml(main.value),
        alternatives=tuple(resolve_field(other.field).yaml(other.value) for other in others),
        explain=row.explain,
    )


def _key(option: FieldValue) -> tuple[str, str | None]:
    return resolve_field(option.field).path, option.value


def find_note_hints(scenario: Scenario, table: Sequence[PhraseHint]) -> tuple[NoteHint, ...]:
    """The hints for a scenario, in the order their words appear (notes first), each at the
    first place its row's words appear. A row naming a field and value that a hint given
    earlier in the text already names adds nothing and is left out: 'slipped' and 'our
    delivery was late' make one hint, whose alternatives say whose delay it may be."""
    texts = list(free_texts(scenario))
    folded_texts = [folded(_normalised(text)) for _, _, text in texts]
    words_of = [set(_WORD.findall(text)) if text.isascii() else None for text in folded_texts]
    # each text's words looked up once answer, for every row, whether it may match there
    may_match = _rows_that_may_match(table, folded_texts, words_of)
    candidates = set().union(*may_match)
    matches: list[tuple[tuple[int, int], PhraseHint, str, str]] = []
    for number, row in enumerate(table):
        if number not in candidates:
            continue
        look_in = {resolve_field(path).path for path in row.look_in}
        for position, (field, where, text) in enumerate(texts):
            if look_in and field not in look_in:
                continue
            if number not in may_match[position]:
                continue
            match = _first_match(
                row.phrases, _normalised(text), folded_texts[position], words_of[position]
            )
            if match:
                phrase = text[match.start() : match.end()]
                matches.append(((position, match.start()), row, phrase, where))
                break
    hints: list[NoteHint] = []
    named: set[tuple[str, str | None]] = set()
    for _, row, phrase, where in sorted(matches, key=lambda match: match[0]):
        keys = {_key(option) for option in row.options}
        if keys & named or any(states(scenario, option) for option in row.options):
            continue
        named |= keys
        hints.append(_hint(row, phrase, where))
    return tuple(hints)
