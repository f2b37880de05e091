"""The loader's value limit scales with the file (issue 18 item 4): a large KB file written out in
full loads, while aliases that expand a small file a thousandfold are still refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINI_KB
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.yaml_source import (
    BYTES_PER_VALUE,
    MAX_NODES,
    YamlProblemError,
    parse_yaml,
    value_limit,
)


def test_small_files_keep_the_fixed_limit_and_large_ones_get_one_value_per_8_bytes() -> None:
    assert value_limit(1_000) == MAX_NODES
    assert value_limit(MAX_NODES * BYTES_PER_VALUE) == MAX_NODES
    assert value_limit(4_000_000) == 500_000


def test_a_file_of_more_values_than_the_fixed_limit_loads_when_written_out() -> None:
    values = MAX_NODES + 10_000
    raw = ("items:\n" + "".join(f"  - value{n:07d}\n" for n in range(values))).encode()
    assert len(raw) // BYTES_PER_VALUE > values  # 20 bytes a value, as real files have
    document = parse_yaml(raw, "big.yaml")
    assert len(document.data["items"]) == values


def test_a_dense_file_past_the_limit_is_still_refused() -> None:
    raw = b"title: [" + b"0, " * (MAX_NODES + 1) + b"0]\n"  # 3 bytes a value
    with pytest.raises(YamlProblemError, match=f"expands to more than {MAX_NODES} values"):
        parse_yaml(raw, "dense.yaml")


def test_an_alias_bomb_is_still_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    with pytest.raises(YamlProblemError, match=f"expands to more than {MAX_NODES} values"):
        parse_yaml("\n".join(lines).encode(), "bomb.yaml")


RULE = """\
  - id: rule-{n:05d}
    title: Rule {n}
    rationale: Generated.
    sources: [test-source]
    topic: hierarchy
    when:
      - person: {{rank: top, contact: regular}}
      - not: {{observation: {{kind: no_decision}}}}
    then:
      conclude: {{vendor: 0.5}}
"""


@pytest.mark.slow
def test_a_single_file_of_10_000_rules_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    text = "rules:\n" + "".join(RULE.format(n=n) for n in range(10_000))
    (root / "rules.yaml").write_text(text, encoding="utf-8")
    assert len(text) > MAX_NODES * BYTES_PER_VALUE  # the fixed limit alone would refuse it
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    knowledge_base = load_knowledge_base(root)
    assert len(knowledge_base.rules) == 10_000
