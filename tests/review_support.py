"""The ten review cases (kb/scenarios/review-NN-*.yaml), loaded and advised once per test
session, for the tests of what decides each case and of the review table's failures."""

from __future__ import annotations

from functools import cache

from conftest import SHIPPED_KB
from synergy_compass.engine.api import advise, compiled_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.schemas.report import Report
from synergy_compass.engine.schemas.scenario import Scenario


@cache
def case(number: int) -> Scenario:
    (path,) = (SHIPPED_KB / "scenarios").glob(f"review-{number:02d}-*.yaml")
    return load_scenario(path).scenario


@cache
def report_for(number: int) -> Report:
    return advise(case(number), compiled_knowledge_base())
