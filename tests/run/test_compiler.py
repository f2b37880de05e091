from __future__ import annotations

from pathlib import Path

from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.run.compiler import compile_knowledge_base


def test_one_experta_rule_per_branch(mini_kb: Path) -> None:
    compiled = compile_knowledge_base(load_knowledge_base(mini_kb))
    branches = [(branch.rule_id, branch.branch) for branch in compiled.branches]
    assert branches == [
        ("power-gap-up", 0),
        ("vendor-stated", 0),
        ("stuck-when-vendor-and-gap", 0),
        ("impatience-noted", 0),
        ("impatience-noted", 1),
    ]
    rules = compiled.engine_class().get_rules()
    assert len(rules) == 5
    assert len({rule._wrapped for rule in rules}) == 5  # experta would merge equal actions
