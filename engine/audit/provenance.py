"""Who ran an advice run, where, and on which knowledge-base layers.

A layer is one KB directory of the run (the shipped KB, an extension saying ``extends:
shipped``, or any directory given with ``--kb``), named by its own ``kb.yaml`` and digested on
its own, so that a replay can say which layer changed since and find each directory again.
The user and host come from the operating system unless ``COMPASS_AUDIT_USER`` or
``COMPASS_AUDIT_HOST`` says otherwise (a shared service account, a container's random host
name): they are what the machine reports, not an authentication.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from ..load.discovery import MANIFEST_FILE, default_kb_root, kb_digest
from ..load.yaml_source import YamlProblemError, read_yaml
from ..schemas.base import Frozen
from ..schemas.kb_files import ManifestFile

USER_VARIABLE = "COMPASS_AUDIT_USER"
HOST_VARIABLE = "COMPASS_AUDIT_HOST"
UNKNOWN = "unknown"


class KBLayer(Frozen):
    """One KB directory a run used, as it was then."""

    name: str
    version: str
    digest: str
    path: str
    shipped: bool = False


class LayerChange(Frozen):
    """One layer of a recorded run compared with the layer a replay used."""

    name: str
    status: Literal["unchanged", "changed", "not used now", "new"]
    path_then: str | None = None
    path_now: str | None = None
    version_then: str | None = None
    version_now: str | None = None
    digest_then: str | None = None
    digest_now: str | None = None


MAX_NAME_LENGTH = 200
# Control characters and bidirectional overrides: a name is printed by `audit list` and `show`
# on a terminal, where these would move the cursor, retitle the window or reorder the line.
_UNPRINTABLE = dict.fromkeys(
    (*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F))
)
_UNPRINTABLE.update(dict.fromkeys(range(0x2066, 0x206A)))


def _printable(name: str) -> str:
    return name.translate(_UNPRINTABLE).strip()[:MAX_NAME_LENGTH] or UNKNOWN


def run_by() -> str:
    """The user to record: ``$COMPASS_AUDIT_USER``, else the operating system's."""
    configured = os.environ.get(USER_VARIABLE, "").strip()
    if configured:
        return _printable(configured)
    try:
        return _printable(getpass.getuser())
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return UNKNOWN


def run_on() -> str:
    """The host to record: ``$COMPASS_AUDIT_HOST``, else the machine's name."""
    return _printable(os.environ.get(HOST_VARIABLE, "").strip() or socket.gethostname())


def _manifest_of(root: Path) -> tuple[str, str]:
    # The KB was loaded and checked before a run is recorded, so its kb.yaml reads; a layer
    # without one (allowed when another layer names the KB) is named by its folder.
    try:
        data = read_yaml(root / MANIFEST_FILE, MANIFEST_FILE).data
        manifest = ManifestFile.model_validate(data).knowledge_base
    except (YamlProblemError, ValidationError, OSError):
        return root.name, ""
    return manifest.name, manifest.version


@lru_cache(maxsize=16)
def _layers(roots: tuple[str, ...], combined_digest: str) -> tuple[KBLayer, ...]:
    # Same directories and same combined digest means the same bytes in every layer, so each
    # layer is digested once per content, not on every recorded run (the workspace records
    # many). A single layer's digest is the combined one: nothing to read again.
    shipped = str(default_kb_root().resolve())
    layers = []
    for root in roots:
        name, version = _manifest_of(Path(root))
        digest = combined_digest if len(roots) == 1 else kb_digest(Path(root))
        layers.append(
            KBLayer(name=name, version=version, digest=digest, path=root, shipped=root == shipped)
        )
    return tuple(layers)


def kb_layers(roots: Sequence[str], combined_digest: str) -> tuple[KBLayer, ...]:
    """The layers of a KB loaded from ``roots`` (in load order) whose files digest to
    ``combined_digest`` (see :func:`engine.load.discovery.kb_digest`)."""
    return _layers(tuple(roots), combined_digest)


def replay_roots(layers: Sequence[KBLayer]) -> list[Path]:
    """The directories to replay a run on: each recorded layer's, and for the shipped KB the
    one installed now (an upgrade moves it; it is still the layer the run used)."""
    return [default_kb_root().resolve() if layer.shipped else Path(layer.path) for layer in layers]


def missing_layers(layers: Sequence[KBLayer]) -> list[KBLayer]:
    """The recorded layers whose directory is no longer there."""
    return [
        layer for layer, root in zip(layers, replay_roots(layers), strict=True) if not root.is_dir()
    ]


def compare_layers(then: Sequence[KBLayer], now: Sequence[KBLayer]) -> tuple[LayerChange, ...]:
    """Each recorded layer against the layer of the same name used now (or, failing that, of
    the same directory), then the layers used now that the run did not have."""
    unmatched = list(now)
    changes = []
    for old in then:
        match = next((layer for layer in unmatched if layer.name == old.name), None)
        match = match or next((layer for layer in unmatched if layer.path == old.path), None)
        if match is None:
            changes.append(
                LayerChange(
                    name=old.name,
                    status="not used now",
                    path_then=old.path,
                    version_then=old.version,
                    digest_then=old.digest,
                )
            )
            continue
        unmatched.remove(match)
        changes.append(
            LayerChange(
                name=old.name,
                status="unchanged" if match.digest == old.digest else "changed",
                path_then=old.path,
                path_now=match.path,
                version_then=old.version,
                version_now=match.version,
                digest_then=old.digest,
                digest_now=match.digest,
            )
        )
    changes.extend(
        LayerChange(
            name=layer.name,
            status="new",
            path_now=layer.path,
            version_now=layer.version,
            digest_now=layer.digest,
        )
        for layer in unmatched
    )
    return tuple(changes)
