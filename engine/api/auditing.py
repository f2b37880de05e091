"""The auditor's operations on the hash-chained record of runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..schemas.report import Report

if TYPE_CHECKING:  # the modules behind the other commands are imported when first used
    from ..audit import RunSummary, StoredRun, Verification
    from ..explain.diff import ReportDiff

from .core import KBRoots, advise, compiled_knowledge_base


def audit_runs(audit_path: Path) -> list[RunSummary]:
    """Every run recorded in the audit database at ``audit_path``, oldest first."""
    from ..audit import list_runs

    return list_runs(audit_path)


def audit_run(audit_path: Path, run_id: str) -> StoredRun:
    """One recorded run by its id or a unique prefix, rebuilt from the record alone."""
    from .. import audit

    return audit.load_run(audit_path, run_id)


def audit_verify(audit_path: Path) -> Verification:
    """Walk the audit database's hash chain; says where it first breaks, if it does."""
    from .. import audit

    return audit.verify(audit_path)


def audit_replay(
    audit_path: Path, run_id: str, kb_root: KBRoots = None
) -> tuple[StoredRun, Report, ReportDiff]:
    """Re-run a recorded scenario on the current KB and diff it with the recorded report."""
    from .. import audit
    from ..explain.diff import diff_reports

    stored = audit.load_run(audit_path, run_id)
    current = advise(stored.scenario, compiled_knowledge_base(kb_root))
    return stored, current, diff_reports(stored.report, current)
