"""The match network as plain JSON data, and back.

The network follows from a checked KB and the code that builds it, so the compiler keeps it in
the cache beside the checked KB (as JSON, like everything cached), which saves most of a compile
on every cold start. Only the alpha tests and the plans are stored: the rest is derived from
them by :func:`~.network.assemble`, so a stored network cannot disagree with a built one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .network import AlphaTest, BranchPlan, MatchNetwork, Step, VariableComparison, assemble


def network_data(network: MatchNetwork) -> dict[str, Any]:
    """The network as plain JSON data (alpha tests and plans; the rest is derived)."""

    def check(field_name: str, operator: str, operand: Any) -> list[Any]:
        if isinstance(operand, frozenset):
            return [field_name, operator, list(operand), True]
        return [field_name, operator, operand, False]

    def step(item: Step) -> list[Any]:
        comparisons = [[c.operator, c.variable, c.other, c.amount] for c in item.comparisons]
        return [item.alpha, [list(variable) for variable in item.variables], comparisons]

    return {
        "alphas": [
            [alpha.fact_type, list(alpha.required), [check(*item) for item in alpha.checks]]
            for alpha in network.alphas
        ],
        "plans": [
            [
                [step(item) for item in plan.positives],
                [[step(item) for item in steps] for steps in plan.existence],
                [step(item) for item in plan.negations],
                [[c.operator, c.variable, c.other, c.amount] for c in plan.leftover],
            ]
            for plan in network.plans
        ],
    }


def network_from_data(data: Mapping[str, Any]) -> MatchNetwork:
    """The network that :func:`network_data` stored."""

    def comparison(item: list[Any]) -> VariableComparison:
        return VariableComparison(str(item[0]), str(item[1]), str(item[2]), float(item[3]))

    def step(item: list[Any]) -> Step:
        variables = tuple((str(name), str(var), bool(joins)) for name, var, joins in item[1])
        return Step(int(item[0]), variables, tuple(comparison(c) for c in item[2]))

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
    plans = [
        BranchPlan(
            tuple(step(item) for item in positives),
            tuple(tuple(step(item) for item in steps) for steps in existence),
            tuple(step(item) for item in negations),
            tuple(comparison(item) for item in leftover),
        )
        for positives, existence, negations, leftover in data["plans"]
    ]
    return assemble(alphas, plans)
