"""The plan builder: contradictions resolved by specificity or shown, a capped, ranked plan."""

from __future__ import annotations

from itertools import combinations
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st
from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.explain.plan import Plan, _clashes, build_plan
from synergy_compass.engine.schemas.kb import Advice, PlanPolicy, PlanStage, Topic
from synergy_compass.engine.schemas.report import Recommendation
from synergy_compass.engine.schemas.stances import AXES, Axis, Pole

Basis = Literal["observed", "situation", "profiles"]


def advice(identifier: str, **stances: Pole) -> Advice:
    return Advice(
        id=identifier,
        title=f"Title of {identifier}",
        advice="Text.",
        topic=Topic.communication,
        stage=PlanStage.now,
        sources=("meyer-2014",),
        stances={Axis(axis): pole for axis, pole in stances.items()},
    )


def item(
    identifier: str,
    certainty: float,
    *,
    basis: Basis = "profiles",
    for_our_role: bool = False,
    stage: PlanStage = PlanStage.now,
) -> Recommendation:
    return Recommendation(
        id=identifier,
        title=f"Title of {identifier}",
        advice="Text.",
        steps=(),
        topic=Topic.communication,
        stage=stage,
        certainty=certainty,
        because="a reason",
        supported_by=(),
        sources=(),
        basis=basis,
        for_our_role=for_our_role,
        rank=certainty,
    )


def test_observed_advice_beats_profile_advice_on_the_same_axis() -> None:
    kb = {
        "soft": advice("soft", criticism=Pole.gentle),
        "blunt": advice("blunt", criticism=Pole.direct),
    }
    plan = build_plan([item("soft", 0.9), item("blunt", 0.5, basis="observed")], PlanPolicy(), kb)
    assert [entry.id for entry in plan.main] == ["blunt"]
    assert [entry.id for entry in plan.set_aside] == ["soft"]
    assert "observed or stated" in plan.set_aside[0].set_aside_because
    assert "how we deliver criticism" in plan.set_aside[0].set_aside_because
    assert plan.trade_offs == ()


def test_a_rule_for_our_role_beats_a_general_one_when_the_basis_is_equal() -> None:
    kb = {"go-up": advice("go-up", route_to_seniors=Pole.to_the_top)}
    kb["go-through"] = advice("go-through", route_to_seniors=Pole.through_the_levels)
    plan = build_plan(
        [item("go-up", 0.8), item("go-through", 0.6, for_our_role=True)], PlanPolicy(), kb
    )
    assert [entry.id for entry in plan.main] == ["go-through"]
    assert "written for who you are" in plan.set_aside[0].set_aside_because


def test_equally_specific_opposites_are_a_trade_off_on_both_items() -> None:
    kb = {"fast": advice("fast", pace=Pole.fast), "slow": advice("slow", pace=Pole.patient)}
    plan = build_plan([item("fast", 0.7), item("slow", 0.6)], PlanPolicy(), kb)
    assert {entry.id for entry in plan.main} == {"fast", "slow"}
    (trade,) = plan.trade_offs
    assert (trade.axis, trade.first, trade.second) == ("pace", "fast", "slow")
    assert AXES[Axis.pace].first_means in trade.explanation
    assert {entry.id: entry.trade_off_with for entry in plan.main} == {
        "fast": ("slow",),
        "slow": ("fast",),
    }


def test_the_main_plan_is_capped_and_floored_and_the_rest_follows_in_rank_order() -> None:
    kb = {f"a{number}": advice(f"a{number}") for number in range(10)}
    given_items = [item(f"a{number}", round(0.95 - number * 0.07, 2)) for number in range(10)]
    plan = build_plan(given_items, PlanPolicy(main_items=4, certainty_floor=0.5), kb)
    assert [entry.id for entry in plan.main] == ["a0", "a1", "a2", "a3"]
    assert [entry.id for entry in plan.also_consider] == [f"a{n}" for n in range(4, 10)]
    low = build_plan(given_items, PlanPolicy(main_items=9, certainty_floor=0.5), kb)
    assert all(entry.certainty >= 0.5 for entry in low.main)
    assert [entry.id for entry in low.main] == [f"a{n}" for n in range(7)]


def test_the_main_plan_reads_by_stage_then_rank() -> None:
    kb = {name: advice(name) for name in ("later", "first", "second")}
    plan = build_plan(
        [
            item("later", 0.9, stage=PlanStage.over_time),
            item("second", 0.5),
            item("first", 0.8),
        ],
        PlanPolicy(),
        kb,
    )
    assert [entry.id for entry in plan.main] == ["first", "second", "later"]


POLES = [pole for definition in AXES.values() for pole in (definition.first, definition.second)]


@st.composite
def plans(draw: st.DrawFn) -> tuple[list[Recommendation], dict[str, Advice]]:
    count = draw(st.integers(min_value=0, max_value=14))
    kb: dict[str, Advice] = {}
    items = []
    for number in range(count):
        chosen = draw(st.lists(st.sampled_from(POLES), max_size=3))
        stances = {AXES_OF[pole].value: pole for pole in chosen}
        kb[f"a{number}"] = advice(f"a{number}", **stances)
        items.append(
            item(
                f"a{number}",
                draw(st.floats(min_value=0.01, max_value=1.0)),
                basis=draw(st.sampled_from(["observed", "situation", "profiles"])),
                for_our_role=draw(st.booleans()),
            )
        )
    return items, kb


AXES_OF = {pole: axis for axis, d in AXES.items() for pole in (d.first, d.second)}


def opposite_pairs(plan: Plan, kb: dict[str, Advice]) -> set[frozenset[str]]:
    kept = [*plan.main, *plan.also_consider]
    return {
        frozenset((first.id, second.id))
        for first, second in combinations(kept, 2)
        for axis, pole in kb[first.id].stances.items()
        if kb[second.id].stances.get(axis) not in (None, pole)
    }


@given(plans())
def test_every_item_is_placed_once_and_no_opposite_pair_is_left_unflagged(
    drawn: tuple[list[Recommendation], dict[str, Advice]],
) -> None:
    items, kb = drawn
    policy = PlanPolicy()
    plan = build_plan(items, policy, kb)
    placed = [entry.id for entry in (*plan.main, *plan.also_consider, *plan.set_aside)]
    assert sorted(placed) == sorted(entry.id for entry in items)
    assert len(plan.main) <= policy.main_items
    assert all(entry.certainty >= policy.certainty_floor for entry in plan.main)
    flagged = {frozenset((trade.first, trade.second)) for trade in plan.trade_offs}
    assert opposite_pairs(plan, kb) <= flagged
    assert all(entry.set_aside_because for entry in plan.set_aside)


@given(st.data())
@settings(max_examples=80, deadline=None)
def test_the_clashes_are_those_of_every_pair_in_the_same_order(data: st.DataObject) -> None:
    # the shipped KB's advice, about a third of which takes stances or declares conflicts
    knowledge_base = compiled_knowledge_base().knowledge_base
    kb = {key: located.value for key, located in knowledge_base.advice.items()}
    chosen = data.draw(st.lists(st.sampled_from(sorted(kb)), max_size=20, unique=True))
    items = [item(identifier, 0.5) for identifier in chosen]
    every_pair = []
    for first, second in combinations(items, 2):
        first_advice, second_advice = kb[first.id], kb[second.id]
        for axis, pole in first_advice.stances.items():
            other = second_advice.stances.get(axis)
            if other is not None and other is not pole:
                every_pair.append((axis, first.id, second.id))
        if second.id in first_advice.conflicts_with or first.id in second_advice.conflicts_with:
            every_pair.append((None, first.id, second.id))
    found = [(clash.axis, clash.first.id, clash.second.id) for clash in _clashes(items, kb)]
    assert found == every_pair


def test_advice_named_in_a_conflict_clashes_though_it_takes_no_stance() -> None:
    plain = advice("plain")
    declaring = advice("declaring").model_copy(update={"conflicts_with": ("plain",)})
    kb = {"plain": plain, "declaring": declaring, "other": advice("other")}
    clashes = _clashes([item("plain", 0.9), item("other", 0.8), item("declaring", 0.7)], kb)
    assert [(clash.axis, clash.first.id, clash.second.id) for clash in clashes] == [
        (None, "plain", "declaring")
    ]
