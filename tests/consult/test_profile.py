"""Scoring the self-assessment: extreme answers land at the scale ends, agreeing with everything
lands mid-scale, consistent answers give narrower bands than contradictory ones, and the
shipped questionnaire's items are balanced and unique."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from synergy_compass.engine.consult.profile import (
    ProfileResult,
    profile_file_text,
    score_answers,
    score_scale,
)
from synergy_compass.engine.errors import InputError
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.questionnaire_checks import practical_scales
from synergy_compass.engine.schemas.kb import Dimension
from synergy_compass.engine.schemas.profiles import WIDEST_BAND, PersonalProfile
from synergy_compass.engine.schemas.questionnaire import Questionnaire, QuestionnaireItem

KNOWLEDGE_BASE = load_knowledge_base()
QUESTIONNAIRE: Questionnaire = next(iter(KNOWLEDGE_BASE.questionnaires.values())).value
DIMENSIONS: dict[str, Dimension] = {
    key: located.value for key, located in KNOWLEDGE_BASE.dimensions.items()
}
LOWEST = QUESTIONNAIRE.answers[0].value
HIGHEST = QUESTIONNAIRE.answers[-1].value
MIDDLE = QUESTIONNAIRE.answers[len(QUESTIONNAIRE.answers) // 2].value
SCALES = [scale.id for scale in QUESTIONNAIRE.scales]
ENTIRELY_SURE = max(QUESTIONNAIRE.sureness.choices, key=lambda choice: choice.sureness).value
NOT_SURE = min(QUESTIONNAIRE.sureness.choices, key=lambda choice: choice.sureness).value


def toward(pole: str) -> dict[str, int]:
    """Every item answered as someone at ``pole`` of every scale would answer it."""
    return {item.id: HIGHEST if item.toward == pole else LOWEST for item in QUESTIONNAIRE.items}


def scored(answers: dict[str, int], sureness: int = ENTIRELY_SURE) -> ProfileResult:
    return score_answers(
        QUESTIONNAIRE, answers, sureness, DIMENSIONS, today=datetime.date(2026, 1, 5)
    )


def test_the_shipped_questionnaire_covers_the_eight_practical_scales() -> None:
    assert sorted(SCALES) == sorted(practical_scales(KNOWLEDGE_BASE))
    assert len(SCALES) == 8
    counts = Counter(item.scale for item in QUESTIONNAIRE.items)
    assert all(3 <= counts[scale] <= 6 for scale in SCALES), counts


def test_every_scale_has_items_keyed_toward_both_poles_in_equal_numbers() -> None:
    for scale in SCALES:
        poles = Counter(item.toward for item in QUESTIONNAIRE.items if item.scale == scale)
        assert min(poles["low"], poles["high"]) >= 1, scale
        assert poles["low"] == poles["high"], scale


def test_items_are_unique_in_id_and_wording() -> None:
    ids = [item.id for item in QUESTIONNAIRE.items]
    texts = [" ".join(item.text.casefold().split()) for item in QUESTIONNAIRE.items]
    assert len(set(ids)) == len(ids)
    assert len(set(texts)) == len(texts)


def test_no_two_statements_in_a_row_are_on_the_same_scale() -> None:
    scales = [item.scale for item in QUESTIONNAIRE.items]
    assert all(first != second for first, second in itertools.pairwise(scales))


def test_every_scale_cites_its_dimensions_sources() -> None:
    for scale in QUESTIONNAIRE.scales:
        assert set(scale.sources) == set(DIMENSIONS[scale.id].sources), scale.id


@pytest.mark.parametrize(("pole", "expected"), [("low", 0.0), ("high", 100.0)])
def test_answers_all_toward_one_pole_land_at_that_end(pole: str, expected: float) -> None:
    result = scored(toward(pole))
    assert {scale.scale: scale.position for scale in result.scales} == dict.fromkeys(
        SCALES, expected
    )


def test_agreeing_with_everything_lands_mid_scale() -> None:
    for answer in (HIGHEST, LOWEST, MIDDLE):
        result = scored(dict.fromkeys((item.id for item in QUESTIONNAIRE.items), answer))
        assert all(scale.position == 50.0 for scale in result.scales), answer


def test_acquiescence_lands_mid_scale_even_with_unequal_keying() -> None:
    # Skip one low-pole item on each scale: three high items against one low one.
    skipped = {
        next(
            item.id for item in QUESTIONNAIRE.items if item.scale == scale and item.toward == "low"
        )
        for scale in SCALES
    }
    answers = {item.id: HIGHEST for item in QUESTIONNAIRE.items if item.id not in skipped}
    assert all(scale.position == 50.0 for scale in scored(answers).scales)


def test_consistent_answers_give_narrower_bands_than_contradictory_ones() -> None:
    consistent = scored(toward("high"))
    contradictory = scored(dict.fromkeys((item.id for item in QUESTIONNAIRE.items), HIGHEST))
    for steady, torn in zip(consistent.scales, contradictory.scales, strict=True):
        assert steady.band < torn.band, steady.scale


def test_fewer_answers_give_a_wider_band() -> None:
    full = scored(toward("low"))
    one_each = {}
    for scale in SCALES:
        first = next(item for item in QUESTIONNAIRE.items if item.scale == scale)
        one_each[first.id] = toward("low")[first.id]
    sparse = scored(one_each)
    for whole, few in zip(full.scales, sparse.scales, strict=True):
        assert few.answered == 1
        assert whole.answered == whole.items
        assert few.position == whole.position
        assert few.band > whole.band


def test_being_unsure_widens_every_band() -> None:
    sure, unsure = scored(toward("low"), ENTIRELY_SURE), scored(toward("low"), NOT_SURE)
    for certain, doubtful in zip(sure.scales, unsure.scales, strict=True):
        assert doubtful.band == pytest.approx(
            min(WIDEST_BAND, certain.band * QUESTIONNAIRE.scoring.unsure_widening), abs=0.1
        )


def test_a_scale_without_answers_is_left_out_and_no_answers_at_all_is_an_error() -> None:
    answers = {item.id: HIGHEST for item in QUESTIONNAIRE.items if item.scale == "trusting"}
    assert [scale.scale for scale in scored(answers).scales] == ["trusting"]
    with pytest.raises(InputError, match="no statement was answered"):
        scored({})


def test_the_profile_file_reads_back_as_the_profile() -> None:
    result = score_answers(
        QUESTIONNAIRE,
        toward("low"),
        ENTIRELY_SURE,
        DIMENSIONS,
        name="Ann: Lee\n# not a comment",
        culture="US",
        today=datetime.date(2026, 1, 5),
    )
    text = profile_file_text(result, "ann.yaml")
    assert text.startswith("# A personal profile written by `compass profile`")
    assert "#         profile: ann.yaml" in text
    assert PersonalProfile.model_validate(yaml.safe_load(text)) == result.profile
    assert all(line.startswith("#") for line in text.splitlines()[:10])


answer_values = st.sampled_from([answer.value for answer in QUESTIONNAIRE.answers])
answer_sets = st.dictionaries(
    st.sampled_from([item.id for item in QUESTIONNAIRE.items]), answer_values, min_size=1
)
sureness_values = st.sampled_from([choice.value for choice in QUESTIONNAIRE.sureness.choices])


@given(answer_sets, sureness_values)
def test_positions_and_bands_stay_within_their_limits(
    answers: dict[str, int], sureness: int
) -> None:
    for scale in scored(answers, sureness).scales:
        assert 0 <= scale.position <= 100
        assert 0 < scale.band <= WIDEST_BAND


@given(answer_sets, st.sampled_from(QUESTIONNAIRE.items), st.data())
def test_agreeing_more_moves_the_position_toward_the_items_pole(
    answers: dict[str, int], item: QuestionnaireItem, data: st.DataObject
) -> None:
    lower = data.draw(st.integers(LOWEST, HIGHEST - 1))
    higher = data.draw(st.integers(lower + 1, HIGHEST))
    before = score_scale(QUESTIONNAIRE, item.scale, {**answers, item.id: lower}, 1.0)
    after = score_scale(QUESTIONNAIRE, item.scale, {**answers, item.id: higher}, 1.0)
    assert before is not None
    assert after is not None
    if item.toward == "high":
        assert after.position > before.position
    else:
        assert after.position < before.position


@given(answer_sets)
def test_more_sureness_never_widens_a_band(answers: dict[str, int]) -> None:
    levels = sorted(choice.sureness for choice in QUESTIONNAIRE.sureness.choices)
    for scale in SCALES:
        bands = [score_scale(QUESTIONNAIRE, scale, answers, level) for level in levels]
        widths = [found.band for found in bands if found is not None]
        assert widths == sorted(widths, reverse=True)
