"""The auditor's operations on the hash-chained record of runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AuditStoreError

if TYPE_CHECKING:  # the modules behind the other commands are imported when first used
    from ..audit import Replay, RunSummary, ShownRun, StoredRun, Verification

from .core import KBRoots, advise, compiled_knowledge_base


def audit_database() -> Path:
    """The audit database used when none is named: ``$COMPASS_AUDIT_DB``, or
    ``audit.sqlite3`` in the user's data directory."""
    from .. import audit

    return audit.default_path()


def audit_runs(audit_path: Path) -> list[RunSummary]:
    """Every run recorded in the audit database at ``audit_path``, oldest first; a record
    that cannot be read back is listed with its ``problem``."""
    from ..audit import list_runs

    return list_runs(audit_path)


def audit_run(audit_path: Path, run_id: str) -> StoredRun:
    """One recorded run by its id or a unique prefix, rebuilt from the record alone."""
    from .. import audit

    return audit.load_run(audit_path, run_id)


def audit_show(audit_path: Path, run_id: str, kept_head: str | None = None) -> ShownRun:
    """One recorded run with the chain checked first: whether the chain vouches for it (and,
    with ``kept_head``, whether the chain still passes through that head), and the record
    read back, or why it cannot be."""
    from .. import audit

    summary = audit.find_run(audit_path, run_id)
    verification = audit.verify(audit_path, kept_head)
    try:
        stored = audit.load_run(audit_path, summary.run_id)
    except AuditStoreError as error:
        problem = str(error)
        if verification.first_bad_sequence == summary.sequence:
            # The hash says why the record does not read back: name that, not the format.
            problem = (
                f"{audit_path}: record {summary.sequence} (run {summary.run_id}) cannot be read "
                f"back, and the chain says why: {verification.problem}"
            )
        return audit.ShownRun(
            summary=summary, verification=verification, stored=None, problem=problem
        )
    return audit.ShownRun(summary=summary, verification=verification, stored=stored)


def audit_verify(audit_path: Path, kept_head: str | None = None) -> Verification:
    """Walk the audit database's hash chain; says where it first breaks, if it does. With
    ``kept_head`` (a head hash noted elsewhere earlier), the chain must also pass through
    the record with that hash: a chain cut back before it, or rewritten, fails."""
    from .. import audit

    return audit.verify(audit_path, kept_head)


def audit_export(audit_path: Path, write: Callable[[str], object]) -> Verification:
    """Hand the chain to ``write`` as JSON Lines, one record a line, then a trailer line with
    the head hash; returns the chain's verification (see :func:`engine.audit.export`)."""
    from .. import audit

    return audit.export(audit_path, write)


def audit_replay(
    audit_path: Path, run_id: str, kb_root: KBRoots = None, *, old_record_kb: KBRoots = None
) -> Replay:
    """Re-run a recorded scenario on the current version of the KB layers it used (the same
    directories, the shipped KB as installed now) or on ``kb_root`` when given, and say which
    layer changed since and how the advice moved.

    A record from before layers were kept replays on ``kb_root``, else ``old_record_kb``
    (the workspace's KB), else the shipped KB. A layer whose directory is gone is an
    :class:`AuditStoreError` naming it.
    """
    from .. import audit
    from ..audit.provenance import missing_layers, replay_roots
    from ..explain.diff import diff_reports

    stored = audit.load_run(audit_path, run_id)
    if kb_root is None and stored.layers:
        gone = missing_layers(stored.layers)
        if gone:
            named = "; ".join(f"{layer.name} {layer.version} at {layer.path}" for layer in gone)
            raise AuditStoreError(
                f"run {stored.summary.run_id[:12]} was advised on a KB layer whose folder is "
                f"no longer there ({named}); pass --kb with where it is now, as for "
                "`compass advise`"
            )
        kb_root = replay_roots(stored.layers)
    elif kb_root is None:
        kb_root = old_record_kb
    compiled = compiled_knowledge_base(kb_root)
    current = advise(stored.scenario, compiled)
    loaded = compiled.knowledge_base
    now = audit.kb_layers(loaded.roots, loaded.digest)
    return audit.Replay(
        stored=stored,
        current=current,
        layers=audit.compare_layers(stored.layers, now) if stored.layers else (),
        diff=diff_reports(stored.report, current),
    )
