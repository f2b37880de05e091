"""Give every KB and scenario file a first line that points editors at its JSON Schema.

Usage: python tools/add_schema_comments.py [KB_DIR]

The YAML language server (VS Code's YAML extension and others) reads
``# yaml-language-server: $schema=PATH`` and then completes and checks the file as it is
typed. Files that already have the line are left alone.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
KIND_TO_SCHEMA = {
    "rules": "rule",
    "advice": "advice",
    "culture": "culture",
    "findings": "finding",
    "sources": "source",
    "dimensions": "dimension",
}
MARKER = "# yaml-language-server: $schema="


def schema_for(path: Path, kb: Path) -> str | None:
    if path.relative_to(kb).parts[0] == "scenarios":
        return "scenario"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and len(data) == 1:
        return KIND_TO_SCHEMA.get(next(iter(data)))
    return None


def main(arguments: list[str]) -> int:
    kb = Path(arguments[0]) if arguments else ROOT / "kb"
    changed = 0
    for path in sorted(kb.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        kind = schema_for(path, kb)
        if kind is None or text.startswith(MARKER):
            continue
        relative = os.path.relpath(SCHEMAS / f"{kind}.schema.json", path.parent)
        path.write_text(f"{MARKER}{relative}\n{text}", encoding="utf-8")
        changed += 1
    print(f"added the schema line to {changed} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
