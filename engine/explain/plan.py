"""Shape the advice a run gives into a plan a client can act on.

Three steps, in this order:

1. **Contradictions.** Two pieces of advice that take opposite poles of a behaviour axis
   (``engine.schemas.stances``), or that declare a conflict, cannot both be followed. The pair
   is resolved by specificity, as CLIPS and Drools resolve rule conflicts: advice resting on
   what the user observed or stated about these people alone beats advice that reads the
   situation through national profiles, which beats advice from the profiles alone; then
   advice from a rule written for our role beats advice from a general one. The loser is
   *set aside* with the reason. A pair neither test separates is kept as a *trade-off*.
2. **Rank.** Certainty first, plus weight for answering a risk (0.3) or a problem (0.15) in the
   diagnosis, for serving the primary goal (0.15), for resting on what was observed (0.15) or
   on the situation read through profiles (0.1), and for being written for our role (0.05).
3. **Cap.** The main plan holds at most ``main_items`` items, none under the certainty floor
   (both in ``kb.yaml``'s ``plan``); everything else is "also consider", in rank order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

from ..schemas.kb import Advice, PlanPolicy, PlanStage, Severity
from ..schemas.report import Recommendation, Report, TradeOff
from ..schemas.stances import AXES, Axis
from .grounds import BASIS_ORDER, Basis

_SEVERITY_WEIGHT = {Severity.risk: 0.3, Severity.problem: 0.15, Severity.tendency: 0.0}
_GOAL_WEIGHT = 0.15
_BASIS_WEIGHT = {"observed": 0.15, "situation": 0.1, "profiles": 0.0}
_ROLE_WEIGHT = 0.05
_STAGE_ORDER = {stage: position for position, stage in enumerate(PlanStage)}


@dataclass(frozen=True)
class Plan:
    """The shaped plan: what leads, what follows, what was set aside and what must be weighed."""

    main: tuple[Recommendation, ...]
    also_consider: tuple[Recommendation, ...]
    set_aside: tuple[Recommendation, ...]
    trade_offs: tuple[TradeOff, ...]


def rank(
    certainty: float,
    severity: Severity,
    *,
    serves_primary_goal: bool,
    basis: Basis,
    for_our_role: bool,
) -> float:
    """The plan's ordering value for one item; see the module docs for the weights."""
    value = certainty + _SEVERITY_WEIGHT[severity]
    value += _GOAL_WEIGHT if serves_primary_goal else 0.0
    value += _BASIS_WEIGHT[basis]
    value += _ROLE_WEIGHT if for_our_role else 0.0
    return round(value, 4)


# A named tuple: making a frozen dataclass costs every start about five times as much
# (Python compiles its six methods then), and this record of one module needs none of them.
class _Clash(NamedTuple):
    axis: Axis | None  # None: a conflict the advice declares
    first: Recommendation
    second: Recommendation


def _clashes(items: list[Recommendation], advice: Mapping[str, Advice]) -> list[_Clash]:
    # Only advice that takes a stance or is in a declared conflict can clash: the pairs of the
    # others are left out, and the rest come in the same order.
    declared = {other for item in items for other in advice[item.id].conflicts_with}
    able = [
        item
        for item in items
        if advice[item.id].stances or advice[item.id].conflicts_with or item.id in declared
    ]
    found = []
    for first, second in combinations(able, 2):
        first_advice = advice[first.id]
        second_advice = advice[second.id]
        for axis, pole in first_advice.stances.items():
            other = second_advice.stances.get(axis)
            if other is not None and other is not pole:
                found.append(_Clash(axis, first, second))
        if second.id in first_advice.conflicts_with or first.id in second_advice.conflicts_with:
            found.append(_Clash(None, first, second))
    return found


def _specificity(item: Recommendation) -> tuple[int, bool]:
    return (BASIS_ORDER[item.basis], item.for_our_role)


def _why_set_aside(loser: Recommendation, winner: Recommendation, clash: _Clash) -> str:
    about = AXES[clash.axis].about if clash.axis else "what to do"
    if winner.basis != loser.basis:
        reason = f"which {_BASIS_WORDS[winner.basis]}, while this {_BASIS_WORDS[loser.basis]}"
    else:
        reason = "which is written for who you are to them, while this is general advice"
    return f"It pulls the other way on {about} from '{winner.title}', {reason}."


_BASIS_WORDS = {
    "observed": "rests on what you observed or stated about these people",
    "situation": "rests on your situation read through national tendencies",
    "profiles": "rests on national profiles alone",
}


def _pole_words(item: Recommendation, axis: Axis, advice: Mapping[str, Advice]) -> str:
    pole = advice[item.id].stances[axis]
    definition = AXES[axis]
    return definition.first_means if pole is definition.first else definition.second_means


def _trade_off(clash: _Clash, advice: Mapping[str, Advice]) -> TradeOff:
    first, second = clash.first, clash.second
    if clash.axis is None:
        explanation = (
            f"'{first.title}' and '{second.title}' are declared to conflict and are equally "
            "specific here: weigh them against what you know of these people."
        )
        return TradeOff(
            axis="declared",
            about="what to do",
            first=first.id,
            second=second.id,
            explanation=explanation,
        )
    explanation = (
        f"'{first.title}' says {_pole_words(first, clash.axis, advice)}; "
        f"'{second.title}' says {_pole_words(second, clash.axis, advice)}. Both are "
        "equally specific here: decide from what you see of these people, and tell us by "
        "adding it to the scenario."
    )
    return TradeOff(
        axis=clash.axis.value,
        about=AXES[clash.axis].about,
        first=first.id,
        second=second.id,
        explanation=explanation,
    )


def build_plan(
    given: list[Recommendation], policy: PlanPolicy, advice: Mapping[str, Advice]
) -> Plan:
    """Resolve contradictions, rank and cap the advice a run gives (certainty above zero)."""
    ordered = sorted(given, key=lambda item: (-item.rank, item.id))
    set_aside: dict[str, Recommendation] = {}
    trade_offs: list[TradeOff] = []
    partners: dict[str, set[str]] = {}
    for clash in _clashes(ordered, advice):
        first, second = clash.first, clash.second
        if first.id in set_aside or second.id in set_aside:
            continue  # one of them already gave way to something more specific
        if _specificity(first) == _specificity(second):
            trade_offs.append(_trade_off(clash, advice))
            partners.setdefault(first.id, set()).add(second.id)
            partners.setdefault(second.id, set()).add(first.id)
            continue
        winner, loser = (
            (first, second) if _specificity(first) > _specificity(second) else (second, first)
        )
        set_aside[loser.id] = loser.model_copy(
            update={"set_aside_because": _why_set_aside(loser, winner, clash)}
        )
    kept = [
        _with_trade_offs(item, partners, set_aside) for item in ordered if item.id not in set_aside
    ]
    trade_offs = [
        trade
        for trade in trade_offs
        if trade.first not in set_aside and trade.second not in set_aside
    ]
    eligible = [item for item in kept if item.certainty >= policy.certainty_floor]
    main = eligible[: policy.main_items]
    chosen = {item.id for item in main}
    return Plan(
        main=tuple(sorted(main, key=lambda item: (_STAGE_ORDER[item.stage], -item.rank, item.id))),
        also_consider=tuple(item for item in kept if item.id not in chosen),
        set_aside=tuple(set_aside.values()),
        trade_offs=tuple(trade_offs),
    )


def _with_trade_offs(
    item: Recommendation, partners: dict[str, set[str]], set_aside: dict[str, Recommendation]
) -> Recommendation:
    """The item naming the advice it must be weighed against that the plan keeps (most items
    have none, and stay as they are)."""
    weigh = tuple(sorted(other for other in partners.get(item.id, ()) if other not in set_aside))
    return item.model_copy(update={"trade_off_with": weigh}) if weigh else item


def placement(advice_id: str, report: Report, policy: PlanPolicy) -> str:
    """Where a piece of advice the rules gave ended up in the report, in words."""
    if any(item.id == advice_id for item in report.recommendations):
        return "it is in the main plan"
    for position, item in enumerate(report.also_consider, 1):
        if item.id == advice_id:
            return (
                f"it is under 'also consider' (number {position}): the main plan holds the "
                f"{policy.main_items} items ranked highest at certainty "
                f"{policy.certainty_floor:.2f} or above, and this one ranks {item.rank:.2f} "
                f"at certainty {item.certainty:.2f}"
            )
    for item in report.set_aside:
        if item.id == advice_id:
            return "it was set aside: " + item.set_aside_because.rstrip(".")
    for item in report.advised_against:
        if item.id == advice_id:
            return f"it is advised against: the evidence nets to {item.certainty:.2f}"
    return "it is not in the report"
