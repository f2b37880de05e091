"""The load-time checks: every problem code is described once, beside the code reporting it."""

from __future__ import annotations

import pytest
from synergy_compass.engine.errors import ProblemCode
from synergy_compass.engine.load import problem_codes
from synergy_compass.engine.load.loader import inspect_knowledge_base  # noqa: F401  (describes its codes)


def test_every_problem_code_a_kb_check_reports_is_described() -> None:
    described = [code for code, _description in problem_codes.load_checks()]
    assert described == [code for code in ProblemCode if code is not ProblemCode.cache]


def test_a_code_nobody_describes_stops_the_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(problem_codes._DESCRIPTIONS, ProblemCode.duplicate_id)
    with pytest.raises(LookupError, match="duplicate-id"):
        problem_codes.load_checks()


def test_a_code_is_described_once_and_the_cache_not_at_all() -> None:
    with pytest.raises(ValueError, match="yaml"):
        problem_codes.describe(ProblemCode.yaml, "Something else.")
    with pytest.raises(ValueError, match="cache"):
        problem_codes.describe(ProblemCode.cache, "A cache entry does not validate.")
