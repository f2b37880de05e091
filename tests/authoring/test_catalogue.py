"""`compass kb docs` says whom each rule is for: its own roles, its file's, or every role."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from synergy_compass.cli import cli

MINI_KB = Path(__file__).parents[1] / "fixtures" / "mini_kb"

ROLE_RULES = """\
roles: [manager]
rules:
  - id: for-sellers
    title: Written for those who sell
    rationale: A rule's own roles beat its file's.
    sources: [test-source]
    topic: positioning
    roles: [seller, service_provider]
    when:
      - relationship: {seen_as: vendor}
    then:
      conclude: {vendor: 0.5}
  - id: for-managers
    title: Written for managers, through the file
    rationale: A rule without roles takes its file's.
    sources: [test-source]
    topic: positioning
    when:
      - relationship: {seen_as: partner}
    then:
      conclude: {stuck: 0.5}
"""


def test_each_rule_says_which_roles_it_applies_to(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    (root / "role-rules.yaml").write_text(ROLE_RULES)
    result = CliRunner().invoke(cli, ["kb", "docs", str(root), "-o", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    positioning = (tmp_path / "d" / "topics" / "positioning.md").read_text()
    sections = {part.split("\n", 1)[0]: part for part in positioning.split("### ")[1:]}
    assert "Applies to: seller, service provider\n" in sections["Written for those who sell"]
    assert "Applies to: manager\n" in sections["Written for managers, through the file"]
    unguarded = sections["The scenario says they see us as a vendor"]
    assert "Applies to: every role\n" in unguarded
