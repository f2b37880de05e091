"""What the note-hint table flags in a scenario's notes, for tests that a scenario keeps its
decisive facts in fields (the review cases: issue 13, 'Done when')."""

from __future__ import annotations

from collections.abc import Sequence

from synergy_compass.engine.explain.note_hints import find_note_hints
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.schemas.note_hints import PhraseHint
from synergy_compass.engine.schemas.scenario import Scenario


def shipped_table() -> list[PhraseHint]:
    """The shipped KB's note-hint table (kb/notes.yaml)."""
    return [row.value for row in load_knowledge_base().note_hints]


def flagged_phrases(scenario: Scenario, table: Sequence[PhraseHint]) -> list[str]:
    """The words in the scenario's notes that name a fact the form could hold but does not."""
    return [hint.phrase for hint in find_note_hints(scenario, table) if hint.found_in == "notes"]
