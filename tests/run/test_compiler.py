from __future__ import annotations

from pathlib import Path

from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.run.compiler import compile_knowledge_base
from test_runner import blocking_kb


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


def test_what_the_network_reads_is_kept_apart_for_equal_values_of_other_types(
    tmp_path: Path,
) -> None:
    # the waiting rules ask for relationship months at most 1000: a number, so not True
    knowledge_base = load_knowledge_base(blocking_kb(tmp_path, 1))
    compiled = compile_knowledge_base(knowledge_base)
    for _ in range(2):  # asked again, the kept answers must be the same
        assert compiled.reads("relationship", {"months": 1})
        assert not compiled.reads("relationship", {"months": True})
        assert compiled.reads("relationship", {"months": 1.0})
        assert not compiled.reads("relationship", {"months": 2000})
    rete = compile_knowledge_base(knowledge_base, "rete")
    assert rete.reads("relationship", {"months": True})  # experta's RETE sees every fact


def test_whether_a_finding_is_read_is_answered_by_name(mini_kb: Path) -> None:
    compiled = compile_knowledge_base(load_knowledge_base(mini_kb))
    for _ in range(2):  # asked again, the kept answers must be the same
        assert compiled.reads_finding("vendor")  # stuck-when-vendor-and-gap reads it
        assert not compiled.reads_finding("stuck")
    for name in ("power-gap", "vendor", "stuck", "not-a-finding"):
        assert compiled.reads_finding(name) == compiled.reads("finding", {"name": name})
