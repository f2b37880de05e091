"""Issue 17 item 6: an audit that replays what ran.

A record keeps the KB layers a run used (name, version, digest, folder), who ran it where and
the tool version; `audit replay` runs on today's version of those layers and names the layer
that changed; `audit show` checks the chain before it prints; `audit export` writes JSON Lines
whose hashes anyone can recompute; `audit verify --head` checks against a head kept elsewhere.
Stores and records written before any of this still list, verify, show and replay.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import Result
from conftest import MINI_KB
from hostile_support import BASIC, assert_no_traceback, invoke
from synergy_compass.engine import audit
from synergy_compass.engine.api import advise_and_record, audit_replay, read_scenario
from synergy_compass.engine.load.discovery import default_kb_root, kb_digest

FOUNDING_CASE = default_kb_root() / "scenarios" / "allen-japan.yaml"

EXTENSION = {
    "kb.yaml": "knowledge_base: {name: Our layer, version: 1.0.0, extends: shipped}\n",
    "sources.yaml": "sources:\n  - {id: our-notes, title: Our field notes, year: 2026}\n",
    "advice.yaml": "advice:\n  - {id: send-a-small-gift-first, title: Send a small gift first, "
    "advice: Send something small ahead of the meeting., topic: relationship, stage: now, "
    "sources: [our-notes]}\n",
    "rules.yaml": "rules:\n  - id: gift-before-more-work\n    title: A gift before asking for more\n"
    "    rationale: Our notes say so.\n    sources: [our-notes]\n    topic: relationship\n"
    "    roles: [service_provider]\n    when: [{goal: {kind: expand_scope}}]\n"
    "    then: {support: {send-a-small-gift-first: 0.5}}\n",
}


def run(*args: object) -> Result:
    result = invoke(*args)
    assert_no_traceback(result)
    return result


def only_run_id(database: Path) -> str:
    return audit.list_runs(database)[-1].run_id


@pytest.fixture
def extension(tmp_path: Path) -> Path:
    root = tmp_path / "our-layer"
    root.mkdir()
    for name, text in EXTENSION.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_record_names_every_layer_the_user_and_the_host(
    extension: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "audit.sqlite3"
    monkeypatch.setenv("COMPASS_AUDIT_USER", "ann.lee")
    monkeypatch.setenv("COMPASS_AUDIT_HOST", "laptop-7")
    report, _ = advise_and_record(FOUNDING_CASE, extension, audit_path=database)
    stored = audit.load_run(database, only_run_id(database))
    shipped, ours = stored.layers
    assert (shipped.shipped, shipped.path) == (True, str(default_kb_root().resolve()))
    assert shipped.digest == kb_digest(default_kb_root())
    assert (ours.name, ours.version, ours.shipped) == ("Our layer", "1.0.0", False)
    assert (ours.path, ours.digest) == (str(extension.resolve()), kb_digest(extension))
    assert (stored.summary.user, stored.summary.host) == ("ann.lee", "laptop-7")
    assert stored.report == report
    assert stored.tool_version
    listed = run("audit", "list", "--audit-db", database)
    assert listed.exit_code == 0
    assert "ann.lee@laptop-7" in listed.stdout


def test_without_overrides_the_user_and_host_are_the_machines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPASS_AUDIT_USER", raising=False)
    monkeypatch.delenv("COMPASS_AUDIT_HOST", raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "os-user")
    monkeypatch.setattr("socket.gethostname", lambda: "os-host")
    database = tmp_path / "audit.sqlite3"
    advise_and_record(BASIC, MINI_KB, audit_path=database)
    summary = audit.list_runs(database)[0]
    assert (summary.user, summary.host) == ("os-user", "os-host")


def test_replay_of_an_extension_run_uses_that_extension_and_names_what_changed(
    extension: Path, tmp_path: Path
) -> None:
    database = tmp_path / "audit.sqlite3"
    made = run("advise", FOUNDING_CASE, "--kb", extension, "--audit-db", database)
    assert made.exit_code == 0, made.stderr
    run_id = only_run_id(database)

    same = run("audit", "replay", run_id, "--audit-db", database)
    assert same.exit_code == 0, same.stderr
    assert "  Our layer: unchanged" in same.stdout
    assert "No difference" in same.stdout

    rules = extension / "rules.yaml"
    rules.write_text(rules.read_text().replace("0.5}", "0.9}"), encoding="utf-8")
    changed = run("audit", "replay", run_id, "--audit-db", database, "--format", "json")
    layers = {layer["name"]: layer for layer in json.loads(changed.stdout)["layers"]}
    assert layers["Our layer"]["status"] == "changed"
    assert layers["Our layer"]["digest_now"] == kb_digest(extension)
    assert [layer["status"] for name, layer in layers.items() if name != "Our layer"] == [
        "unchanged"
    ]
    advice = json.loads(changed.stdout)["advice"]
    assert [(item["id"], item["before"], item["after"]) for item in advice] == [
        ("send-a-small-gift-first", 0.5, 0.9)
    ]

    moved = tmp_path / "moved"
    shutil.move(extension, moved)
    gone = run("audit", "replay", run_id, "--audit-db", database)
    assert gone.exit_code == 2
    assert f"Our layer 1.0.0 at {extension.resolve()}" in gone.stderr
    assert "--kb" in gone.stderr
    elsewhere = run("audit", "replay", run_id, "--audit-db", database, "--kb", moved)
    assert elsewhere.exit_code == 0, elsewhere.stderr
    assert "  Our layer: CHANGED" in elsewhere.stdout
    assert str(moved.resolve()) in elsewhere.stdout


def test_show_as_json_has_the_records_facts_beside_the_report(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    run("advise", BASIC, "--kb", MINI_KB, "--audit-db", database)
    run_id = only_run_id(database)
    shown = run("audit", "show", run_id[:8], "--audit-db", database, "--format", "json")
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    facts = data["audit"]
    assert facts["run_id"] == run_id
    assert facts["recorded_at"] == audit.list_runs(database)[0].recorded_at
    assert facts["tool_version"]
    assert facts["user"]
    assert facts["host"]
    assert facts["verified"] is True
    assert facts["warning"] == ""
    assert [layer["name"] for layer in facts["kb_layers"]] == ["Test knowledge base"]
    assert facts["scenario"] == read_scenario(BASIC).scenario.model_dump(mode="json")
    assert data["recommendations"][0]["id"] == "introduce"  # the report, as before


def test_show_marks_a_record_the_chain_does_not_vouch_for(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    for _ in range(3):
        run("advise", BASIC, "--kb", MINI_KB, "--audit-db", database)
    first, second, third = (summary.run_id for summary in audit.list_runs(database))
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET run_by = 'someone-else' WHERE sequence = 2")

    fine = run("audit", "show", first, "--audit-db", database)
    assert fine.exit_code == 0
    assert fine.stdout.startswith(f"Run {first}")

    altered = run("audit", "show", second, "--audit-db", database)
    assert altered.exit_code == 1
    top = altered.stdout.splitlines()[0]
    assert top.startswith("WARNING: this record does not verify")
    assert "altered" in top
    assert "Run by someone-else@" in altered.stdout  # shown, but under the warning

    after = run("audit", "show", third, "--audit-db", database, "--format", "json")
    assert after.exit_code == 1
    assert json.loads(after.stdout)["audit"]["verified"] is False
    assert "breaks at record 2" in json.loads(after.stdout)["audit"]["warning"]


def test_emptying_a_records_provenance_breaks_the_chain(tmp_path: Path) -> None:
    """A newer record cannot be passed off as an older kind without its layers and user."""
    database = tmp_path / "audit.sqlite3"
    advise_and_record(BASIC, MINI_KB, audit_path=database)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET kb_layers_json = NULL, run_by = NULL, run_on = NULL")
    result = audit.verify(database)
    assert not result.intact
    assert result.first_bad_sequence == 1


def _hash_as_documented(record: dict[str, object]) -> str:
    # SECURITY.md's recipe, written out independently of engine/audit/records.py.
    fields = [
        "sequence",
        "run_id",
        "recorded_at",
        "tool_version",
        "kb_name",
        "kb_version",
        "kb_digest",
        "scenario_title",
        "scenario_digest",
        "scenario_json",
        "report_json",
        "previous_hash",
    ]
    values = [record[name] for name in fields]
    if record["kb_layers_json"] is not None:
        values += [record["kb_layers_json"], record["run_by"], record["run_on"]]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def test_export_writes_json_lines_anyone_can_check(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    for _ in range(3):
        advise_and_record(BASIC, MINI_KB, audit_path=database)
    exported = tmp_path / "chain.jsonl"
    result = run("audit", "export", "--audit-db", database, "-o", exported)
    assert result.exit_code == 0, result.stderr
    *records, trailer = (json.loads(line) for line in exported.read_text().splitlines())
    assert [record["sequence"] for record in records] == [1, 2, 3]
    previous = "0" * 64
    for record in records:
        assert record["previous_hash"] == previous
        assert _hash_as_documented(record) == record["record_hash"]
        previous = str(record["record_hash"])
    assert trailer["trailer"] == "synergy-compass-audit-export"
    assert (trailer["records"], trailer["intact"]) == (3, True)
    assert trailer["head_hash"] == previous == audit.verify(database).head_hash
    again = run("audit", "export", "--audit-db", database, "-o", exported)
    assert again.exit_code == 2
    assert "--force" in again.stderr
    to_stdout = run("audit", "export", "--audit-db", database)
    assert to_stdout.stdout == exported.read_text()


def test_export_of_a_broken_chain_says_so(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    for _ in range(2):
        advise_and_record(BASIC, MINI_KB, audit_path=database)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET scenario_title = 'Other' WHERE sequence = 1")
    result = run("audit", "export", "--audit-db", database)
    assert result.exit_code == 1
    trailer = json.loads(result.stdout.splitlines()[-1])
    assert (trailer["intact"], trailer["head_hash"]) == (False, None)
    assert "the record was altered" in result.stderr


def _rewrite_consistently(database: Path, keep: int) -> None:
    """What someone with write access can do: cut the chain back, or rewrite a record and
    every hash after it, and set the stored head to match."""
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM runs WHERE sequence > ?", (keep,))
        db.execute("UPDATE runs SET scenario_title = 'Rewritten' WHERE sequence = 1")
        names = [row[1] for row in db.execute("PRAGMA table_info(runs)")]
        previous = "0" * 64
        for values in db.execute("SELECT * FROM runs ORDER BY sequence").fetchall():
            row = dict(zip(names, values, strict=True)) | {"previous_hash": previous}
            previous = audit.record_hash(row)
            db.execute(
                "UPDATE runs SET previous_hash = ?, record_hash = ? WHERE sequence = ?",
                (row["previous_hash"], previous, row["sequence"]),
            )
        db.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (previous,))
        db.execute("UPDATE meta SET value = ? WHERE key = 'head_sequence'", (str(keep),))


def test_verify_against_a_head_kept_elsewhere(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    for _ in range(2):
        advise_and_record(BASIC, MINI_KB, audit_path=database)
    kept = audit.verify(database).head_hash
    advise_and_record(BASIC, MINI_KB, audit_path=database)

    later = run("audit", "verify", "--audit-db", database, "--head", kept)
    assert later.exit_code == 0
    assert "the kept head is record 2, 1 added since" in later.stdout

    _rewrite_consistently(database, keep=3)
    assert audit.verify(database).intact  # the chain alone cannot tell
    rewritten = run("audit", "verify", "--audit-db", database, "--head", kept)
    assert rewritten.exit_code == 1
    assert f"no record has the kept head hash {kept}" in rewritten.stdout
    shown = run("audit", "show", only_run_id(database), "--audit-db", database, "--head", kept)
    assert shown.exit_code == 1
    assert shown.stdout.startswith("WARNING: the chain does not pass through the kept head")

    badly_typed = run("audit", "verify", "--audit-db", database, "--head", kept[:16])
    assert badly_typed.exit_code == 2
    assert "64 hexadecimal characters" in badly_typed.stderr


def test_a_chain_cut_back_before_the_kept_head_fails(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    for _ in range(3):
        advise_and_record(BASIC, MINI_KB, audit_path=database)
    kept = audit.verify(database).head_hash
    with sqlite3.connect(database) as db:
        (head,) = db.execute("SELECT record_hash FROM runs WHERE sequence = 2").fetchone()
        db.execute("DELETE FROM runs WHERE sequence = 3")
        db.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (head,))
        db.execute("UPDATE meta SET value = '2' WHERE key = 'head_sequence'")
    assert audit.verify(database).intact
    result = audit.verify(database, kept)
    assert not result.intact
    assert "cut back" in result.problem


# The schema and hashing of format version 1, as stores written before provenance hold them.
_VERSION_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    sequence INTEGER PRIMARY KEY, run_id TEXT NOT NULL UNIQUE, recorded_at TEXT NOT NULL,
    tool_version TEXT NOT NULL, kb_name TEXT NOT NULL, kb_version TEXT NOT NULL,
    kb_digest TEXT NOT NULL, scenario_title TEXT NOT NULL, scenario_digest TEXT NOT NULL,
    scenario_json TEXT NOT NULL, report_json TEXT NOT NULL, previous_hash TEXT NOT NULL,
    record_hash TEXT NOT NULL
);
"""


def _version_1_store(path: Path, runs: int) -> None:
    scenario = read_scenario(BASIC).scenario
    report, _ = advise_and_record(BASIC, MINI_KB)
    previous = "0" * 64
    with sqlite3.connect(path) as db:
        db.executescript(_VERSION_1)
        for sequence in range(1, runs + 1):
            values = [
                sequence,
                f"{sequence:032x}",
                f"2026-01-0{sequence}T09:00:00+00:00",
                "0.0.9",
                report.kb.name,
                report.kb.version,
                report.kb.digest,
                scenario.title,
                report.scenario.digest,
                scenario.model_dump_json(),
                report.model_dump_json(),
                previous,
            ]
            previous = hashlib.sha256(json.dumps(values).encode()).hexdigest()
            db.execute(f"INSERT INTO runs VALUES ({', '.join('?' * 13)})", [*values, previous])
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("format", "synergy-compass-audit"),
                ("version", "1"),
                ("head_sequence", str(runs)),
                ("head_hash", previous),
            ],
        )


def test_a_store_from_before_provenance_still_works_and_is_upgraded(tmp_path: Path) -> None:
    database = tmp_path / "old.sqlite3"
    _version_1_store(database, runs=2)
    assert audit.verify(database).intact
    listed = run("audit", "list", "--audit-db", database)
    assert listed.exit_code == 0
    assert len(listed.stdout.splitlines()) == 2
    assert "  -  " in listed.stdout  # no user or host was kept then
    shown = run("audit", "show", "0" * 31 + "1", "--audit-db", database)
    assert shown.exit_code == 0
    assert "WARNING" not in shown.stdout
    replayed = run("audit", "replay", "0" * 31 + "2", "--audit-db", database, "--kb", MINI_KB)
    assert replayed.exit_code == 0
    assert "names no KB layers" in replayed.stdout
    assert "No difference" in replayed.stdout
    assert not audit_replay(database, "0" * 31 + "2", MINI_KB).layers

    advise_and_record(BASIC, MINI_KB, audit_path=database)  # upgrades the store in place
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() == ("2",)
    result = audit.verify(database)
    assert (result.intact, result.records) == (True, 3)
    newest = audit.load_run(database, only_run_id(database))
    assert [layer.name for layer in newest.layers] == ["Test knowledge base"]
    assert audit.load_run(database, "0" * 31 + "1").layers == ()


def test_a_user_or_host_name_cannot_carry_terminal_controls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COMPASS_AUDIT_USER", "ann\x1b]0;owned\x07\u202e.lee\n")
    monkeypatch.setenv("COMPASS_AUDIT_HOST", "h" * 5000)
    assert audit.run_by() == "ann]0;owned.lee"
    assert audit.run_on() == "h" * 200
    monkeypatch.setenv("COMPASS_AUDIT_USER", "\x1b\x07")
    assert audit.run_by() == "unknown"
