"""The audit record: every advice run, in an embedded SQLite database, as a hash chain.

Each record holds the run id and time, the tool and knowledge-base versions and digests, the
KB layers the run used and who ran it where, the normalised scenario and the full report with
its explanations. Its hash covers all of that and the previous record's hash, so altering,
deleting or reordering any record breaks the chain at that point, and ``verify`` names it.

- ``records``: what a record holds and how it is hashed; what the store hands back.
- ``store``: the SQLite file: creating it private, appending under the write lock, reading.
- ``chain``: verifying, against a head kept elsewhere too, and exporting as JSON Lines.
- ``provenance``: the KB layers of a run, its user and host, and layers then against now.
"""

from ..errors import AuditStoreError
from .chain import EXPORT_TRAILER, export, verify
from .provenance import KBLayer, LayerChange, compare_layers, kb_layers, run_by, run_on
from .records import (
    GENESIS,
    Replay,
    RunSummary,
    ShownRun,
    StoredRun,
    Verification,
    record_hash,
)
from .store import (
    ENVIRONMENT_VARIABLE,
    FORMAT,
    FORMAT_VERSION,
    default_path,
    find_run,
    list_runs,
    load_run,
    record_run,
)

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "EXPORT_TRAILER",
    "FORMAT",
    "FORMAT_VERSION",
    "GENESIS",
    "AuditStoreError",
    "KBLayer",
    "LayerChange",
    "Replay",
    "RunSummary",
    "ShownRun",
    "StoredRun",
    "Verification",
    "compare_layers",
    "default_path",
    "export",
    "find_run",
    "kb_layers",
    "list_runs",
    "load_run",
    "record_hash",
    "record_run",
    "run_by",
    "run_on",
    "verify",
]
