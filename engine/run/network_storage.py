"""The match network as plain JSON data, and back.

The network follows from a checked KB and the code that builds it, so the compiler keeps it in
the cache beside the checked KB (as JSON, like everything cached), which saves most of a compile
on every cold start. Only the alpha tests and the plans are stored: the rest is derived from
them by :func:`~.network.assemble`, so a stored network cannot disagree with a built one.

The stored network is read at every cold start, so each distinct step is stored once and the
plans name steps by their place in that list: three steps in four recur (most test constants
and bind nothing), and reading then makes each of them once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .network import AlphaTest, BranchPlan, MatchNetwork, Step, VariableComparison, assemble


def network_data(network: MatchNetwork) -> dict[str, Any]:
    """The network as plain JSON data (alpha tests, steps and plans; the rest is derived)."""

    def check(field_name: str, operator: str, operand: Any) -> list[Any]:
        if isinstance(operand, frozenset):
            return [field_name, operator, list(operand), True]
        return [field_name, operator, operand, False]

    places: dict[Step, int] = {}

    def place(item: Step) -> int:
        return places.setdefault(item, len(places))

    plans = [
        [
            [place(item) for item in plan.positives],
            [[place(item) for item in steps] for steps in plan.existence],
            [place(item) for item in plan.negations],
            [[c.operator, c.variable, c.other, c.amount] for c in plan.leftover],
        ]
        for plan in network.plans
    ]
    return {
        "alphas": [
            [alpha.fact_type, list(alpha.required), [check(*item) for item in alpha.checks]]
            for alpha in network.alphas
        ],
        "steps": [
            [
                item.alpha,
                [list(variable) for variable in item.variables],
                [[c.operator, c.variable, c.other, c.amount] for c in item.comparisons],
            ]
            for item in places  # in the order of their places
        ],
        "plans": plans,
    }


def network_from_data(data: Mapping[str, Any]) -> MatchNetwork:
    """The network that :func:`network_data` stored."""

    def comparison(item: list[Any]) -> VariableComparison:
        return VariableComparison(str(item[0]), str(item[1]), str(item[2]), float(item[3]))

    alphas = [
        AlphaTest(
            str(fact_type),
            tuple(required),
            tuple(
                (name, operator, frozenset(operand) if is_set else operand)
                for name, operator, operand, is_set in checks
            ),
        )
        for fact_type, required, checks in data["alphas"]
    ]
    steps = [
        Step(
            int(alpha),
            tuple((str(name), str(var), bool(joins)) for name, var, joins in variables),
            tuple(comparison(c) for c in comparisons),
        )
        for alpha, variables, comparisons in data["steps"]
    ]
    step = steps.__getitem__  # past the end: IndexError, which the compiler reads as a miss
    plans = [
        BranchPlan(
            tuple(map(step, positives)),
            tuple(tuple(map(step, inner)) for inner in existence),
            tuple(map(step, negations)),
            tuple(comparison(item) for item in leftover),
        )
        for positives, existence, negations, leftover in data["plans"]
    ]
    return assemble(alphas, plans)
