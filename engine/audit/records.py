"""What one audit record holds, how its hash is computed, and what the store hands back.

The hash of a record is SHA-256 over the JSON array of its fields in ``HASHED_FIELDS`` order
(``previous_hash`` last), followed, for a record that has them, by the ``PROVENANCE_FIELDS``.
Records written before provenance was kept have those columns empty and hash exactly as they
always did, so an old chain still verifies; emptying them in a newer record changes what its
hash covers, and the chain breaks there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from ..explain.diff import ReportDiff
from ..schemas.base import Frozen
from ..schemas.report import Report
from ..schemas.scenario import Scenario
from .provenance import KBLayer, LayerChange

GENESIS = "0" * 64

HASHED_FIELDS = (
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
)
PROVENANCE_FIELDS = ("kb_layers_json", "run_by", "run_on")
STORED_FIELDS = (*HASHED_FIELDS, *PROVENANCE_FIELDS, "record_hash")


def record_hash(row: Mapping[str, object]) -> str:
    """The hash of one record: every field, including the previous record's hash."""
    values = [row[name] for name in HASHED_FIELDS]
    if row.get("kb_layers_json") is not None:
        values.extend(row.get(name) for name in PROVENANCE_FIELDS)
    canonical = json.dumps(values, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class RunSummary(Frozen):
    sequence: int
    run_id: str
    recorded_at: str
    scenario_title: str
    kb_version: str
    kb_digest: str
    recommendations: int
    user: str | None = None
    host: str | None = None
    problem: str = ""
    """Why the record cannot be read back (empty when it can); it is listed all the same."""


class StoredRun(Frozen):
    summary: RunSummary
    tool_version: str
    scenario: Scenario
    report: Report
    layers: tuple[KBLayer, ...] = ()
    """Empty for a record written before layers were kept."""


class Verification(Frozen):
    path: str
    records: int
    intact: bool
    first_bad_sequence: int | None = None
    first_bad_run_id: str | None = None
    problem: str = ""
    head_hash: str = GENESIS
    kept_head: str | None = None
    """The head given to check against (``audit verify --head``), if one was."""
    kept_head_sequence: int | None = None
    """The record whose hash is the kept head: the chain passes through it."""

    def vouches_for(self, sequence: int) -> bool:
        """Whether the chain vouches for the record at ``sequence``: every record before the
        first broken one, none when only the head does not match (what was removed or added
        at the end is unknown), and with a kept head, none after it is not found."""
        if self.kept_head is not None and self.kept_head_sequence is None:
            return False
        if self.intact:
            return True
        return self.first_bad_sequence is not None and sequence < self.first_bad_sequence


class ShownRun(Frozen):
    """One record as ``audit show`` presents it: checked before it is read."""

    summary: RunSummary
    verification: Verification
    stored: StoredRun | None
    problem: str = ""
    """Why the record cannot be read back, when ``stored`` is None."""

    @property
    def trusted(self) -> bool:
        return self.verification.vouches_for(self.summary.sequence)

    @property
    def warning(self) -> str:
        """The line an auditor must read before the record, or empty when it verifies."""
        if self.trusted:
            return ""
        found = self.verification
        if found.kept_head is not None and found.kept_head_sequence is None:
            where = f"the chain does not pass through the kept head {found.kept_head[:16]}"
        elif found.first_bad_sequence == self.summary.sequence:
            where = f"this record does not verify: {found.problem}"
        elif found.first_bad_sequence is not None:
            where = f"the chain breaks at record {found.first_bad_sequence}, before this one"
        else:
            where = f"the chain does not verify: {found.problem}"
        return (
            f"WARNING: {where}. What follows may not be what was recorded at the time "
            "(`compass audit verify` says more)."
        )


class Replay(Frozen):
    """A recorded run advised on again: the layers then and now, and how the advice moved."""

    stored: StoredRun
    current: Report
    layers: tuple[LayerChange, ...]
    """Empty for a record written before layers were kept (compare the KB digests)."""
    diff: ReportDiff
