"""The facts of a run so far, as witnesses of ``exists`` find them: in canonical order, whether
a fact was added before the first firing that asked or after it."""

from __future__ import annotations

from synergy_compass.engine.run.witnesses import FactsSoFar
from synergy_compass.engine.schemas.facts import FactRecord, ScenarioOrigin
from synergy_compass.engine.schemas.rules import Pattern


def test_facts_added_before_and_after_the_first_question_are_found_in_order() -> None:
    origin = ScenarioOrigin(paths=("test",))
    given = FactRecord(id=0, type="finding", fields={"name": "given"}, origin=origin)
    findings = ["early"]
    so_far = FactsSoFar([given], findings, 1)
    any_finding = Pattern.model_validate({"finding": {}})
    early = Pattern.model_validate({"finding": {"name": "early"}})
    late = Pattern.model_validate({"finding": {"name": "late"}})
    assert so_far.witnesses(((any_finding,), (early,), (late,)), {}) == (0, 1)
    findings += ["late", "later"]  # concluded after the first question: filed at the next
    assert so_far.witnesses(((late,), (early,)), {}) == (2, 1)
    assert [entry[0] for entry in so_far.candidates(any_finding)] == [0, 1, 2, 3]
    findings.append("last")
    assert [entry[0] for entry in so_far.candidates(late)] == [2]  # indexed, and kept so
    assert [entry[0] for entry in so_far.candidates(any_finding)] == [0, 1, 2, 3, 4]
