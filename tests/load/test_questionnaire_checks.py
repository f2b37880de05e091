"""The questionnaire as a KB file: loaded as an item kind (also from the checked-KB cache), its
scales checked against the KB's practical dimensions and its sources against the bibliography,
every problem located in the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.errors import KnowledgeBaseError
from synergy_compass.engine.load.loader import inspect_knowledge_base, load_knowledge_base
from synergy_compass.engine.load.questionnaire_checks import practical_scales

# The mini KB's trusting scale, as the shipped KB files it: a practical scale of 0 to 100.
DIMENSIONS = """dimensions:
  - id: pdi
    name: Power distance
    framework: Hofstede
    low_pole: low
    high_pole: high
    maximum: 120
    sources: [test-source]
  - id: trusting
    name: Trusting
    framework: The Culture Map (Meyer)
    low_pole: task-based
    high_pole: relationship-based
    sources: [test-source]
"""


def questionnaire(scale: str = "trusting", source: str = "test-source", qid: str = "short") -> str:
    return f"""questionnaires:
  - id: {qid}
    version: 2
    title: Short
    introduction: Two statements.
    answers:
      - {{value: 1, label: disagree}}
      - {{value: 2, label: neither}}
      - {{value: 3, label: agree}}
    sureness:
      text: How sure are you of your answers?
      default: 1
      choices:
        - {{value: 1, label: not sure, sureness: 0}}
        - {{value: 2, label: sure, sureness: 1}}
    scales:
      - {{id: {scale}, sources: [{source}]}}
    items:
      - {{id: meals-first, scale: {scale}, toward: high, text: I share a meal before a deal.}}
      - {{id: results-first, scale: {scale}, toward: low, text: Good work is all I need to trust.}}
"""


@pytest.fixture
def kb_with(broken_kb: Callable[[str, str], Path]) -> Callable[[str], Path]:
    def make(content: str) -> Path:
        broken_kb("dimensions.yaml", DIMENSIONS)
        return broken_kb("questionnaire.yaml", content)

    return make


def problems_of(root: Path) -> list[str]:
    return [str(problem) for problem in inspect_knowledge_base(root)[1]]


def test_a_questionnaire_on_a_practical_scale_loads_and_is_read_back_from_the_cache(
    kb_with: Callable[[str], Path],
) -> None:
    root = kb_with(questionnaire())
    first = load_knowledge_base(root)
    assert practical_scales(first) == ["trusting"]
    assert first.questionnaires["short"].value.reference == "short 2"
    again = load_knowledge_base(root)  # from the checked-KB cache, validated when read
    assert again.questionnaires["short"].value == first.questionnaires["short"].value


def test_a_scale_that_is_not_practical_is_located(kb_with: Callable[[str], Path]) -> None:
    (problem,) = problems_of(kb_with(questionnaire(scale="pdi")))
    assert problem.startswith(
        "questionnaire.yaml:17:14: the dimension 'pdi' is not a practical scale (it is "
        "Hofstede, 0 to 120); a questionnaire places people on the scales of The Culture Map "
        "(Meyer), 0 to 100 (at scales.0.id)."
    )


def test_an_unknown_scale_or_source_gets_a_suggestion(kb_with: Callable[[str], Path]) -> None:
    (unknown_scale,) = problems_of(kb_with(questionnaire(scale="trustng")))
    assert "unknown dimension 'trustng'" in unknown_scale
    assert unknown_scale.endswith("Did you mean 'trusting'?")
    (unknown_source,) = problems_of(kb_with(questionnaire(source="test-sauce")))
    assert unknown_source.startswith("questionnaire.yaml:17:34: unknown source 'test-sauce'")
    assert unknown_source.endswith("Did you mean 'test-source'?")


def test_two_questionnaires_with_one_id_name_both_places(
    kb_with: Callable[[str], Path], broken_kb: Callable[[str, str], Path]
) -> None:
    kb_with(questionnaire())
    root = broken_kb("translations/questionnaire.yaml", questionnaire())
    with pytest.raises(KnowledgeBaseError, match="duplicate questionnaire id 'short'") as caught:
        load_knowledge_base(root)
    assert "already defined at questionnaire.yaml:2:9" in str(caught.value)


def test_a_scale_with_items_toward_one_pole_only_is_refused(
    kb_with: Callable[[str], Path],
) -> None:
    one_sided = questionnaire().replace("toward: low", "toward: high")
    (problem,) = problems_of(kb_with(one_sided))
    assert problem.startswith("questionnaire.yaml:2:5:")
    assert "the scale 'trusting' needs items toward both poles (low and high); it has high" in (
        problem
    )
