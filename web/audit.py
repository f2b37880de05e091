"""The audit pages: the runs recorded in the audit database (the CLI's and the workspace's),
one run's report as recorded, the hash chain's check, and a run replayed on today's KB.

A page that shows recorded runs also says whether the chain verifies, and a run at or after
the first broken record is marked as not verifying: an auditor must not read an altered record
as if it were the one written at the time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, render_template, request

from ..engine import api
from ..engine.errors import AuditStoreError
from ..engine.render.report_parts import plan_by_stage
from .app import workspace

audit = Blueprint("audit", __name__)

RUNS_PER_PAGE = 25


def _database() -> Path | None:
    """The audit database when there are runs to read; None when the audit is off or empty."""
    path = workspace().audit_db
    return path if path is not None and path.exists() else None


def _off_or_empty() -> dict[str, Any]:
    return {"audit_off": workspace().audit_db is None, "audit_db": workspace().audit_db}


@audit.get("/audit")
def runs() -> str:
    path = _database()
    if path is None:
        return render_template("audit_runs.html", runs=[], verification=None, **_off_or_empty())
    recorded = list(reversed(api.audit_runs(path)))
    pages = max(1, -(-len(recorded) // RUNS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    shown = recorded[(page - 1) * RUNS_PER_PAGE : page * RUNS_PER_PAGE]
    return render_template(
        "audit_runs.html",
        runs=shown,
        total=len(recorded),
        page=page,
        pages=pages,
        verification=api.audit_verify(path),
        **_off_or_empty(),
    )


def _run_or_404(run_id: str) -> tuple[Path, Any]:
    """The audit database and the summary of the one run ``run_id`` starts; 404 when none or
    several runs do."""
    path = _database()
    if path is None:
        abort(404, "There is no audit database to read runs from.")
    found = [run for run in api.audit_runs(path) if run_id and run.run_id.startswith(run_id)]
    if len(found) != 1:
        abort(404, f"No single recorded run has an id starting {run_id!r}.")
    return path, found[0]


@audit.get("/audit/<run_id>")
def show_run(run_id: str) -> str:
    path, summary = _run_or_404(run_id)
    verification = api.audit_verify(path)
    context: dict[str, Any] = {
        "summary": summary,
        "verification": verification,
        "trusted": verification.vouches_for(summary.sequence),
    }
    try:
        stored = api.audit_run(path, summary.run_id)
    except AuditStoreError as error:
        # An altered record may no longer read back; the page still says so next to the chain.
        return render_template("audit_run.html", stored=None, problem=str(error), **context)
    return render_template(
        "audit_run.html",
        stored=stored,
        problem="",
        stages=list(plan_by_stage(stored.report)),
        scenario_json=stored.scenario.model_dump_json(indent=2, exclude_defaults=True),
        **context,
    )


@audit.post("/audit/verify")
def verify() -> str:
    path = _database()
    verification = api.audit_verify(path) if path is not None else None
    return render_template("audit_verify.html", verification=verification, **_off_or_empty())


@audit.post("/audit/<run_id>/replay")
def replay(run_id: str) -> str:
    path, summary = _run_or_404(run_id)
    # Today's version of the layers the run used, as `compass audit replay` does; a record
    # from before layers were kept replays on the workspace's KB.
    replayed = api.audit_replay(path, summary.run_id, old_record_kb=workspace().kb_roots)
    return render_template(
        "audit_replay.html",
        stored=replayed.stored,
        current=replayed.current,
        diff=replayed.diff,
        layers=replayed.layers,
    )
