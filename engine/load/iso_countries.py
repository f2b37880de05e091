"""pycountry's table of countries kept in the product cache: a start with warm caches reads it
as one small JSON entry rather than importing pycountry (see :mod:`engine.schemas.iso_countries`,
which answers from it as pycountry would).

The entry is keyed by pycountry's installed files, its module and its ISO 3166-1 database (path,
size, modification and change times, inode, from ``stat``): an upgrade, a reinstall or an edited
database misses and is read through pycountry again, as is a file written in the last two
seconds (the next write could leave its size and times unchanged). ``COMPASS_NO_CACHE=1``
imports pycountry as before.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..schemas.iso_countries import IsoRow, pycountry_rows, valid_rows
from .cache import derived_caching, read_derived, write_derived
from .files_signature import racy_after, trusted_stamp

_KIND = "iso-countries"


def _pycountry_module() -> Path | None:
    """The file ``import pycountry`` would run, found without running it."""
    spec = importlib.util.find_spec("pycountry")
    return None if spec is None or spec.origin is None else Path(spec.origin)


def _pycountry_files() -> list[list[object]] | None:
    """The ``stat`` of pycountry's module and of the database its country table is read from,
    or None when they cannot vouch for the table (not found, not plain files, too recent)."""
    module = _pycountry_module()
    if module is None:
        return None
    newest = racy_after()
    stamps: list[list[object]] = []
    for path in (module, module.parent / "databases" / "iso3166-1.json"):
        try:
            stamp = trusted_stamp(str(path), path.stat(), newest)
        except OSError:
            return None
        if stamp is None:
            return None
        stamps.append(list(stamp))
    return stamps


def kept_iso_rows() -> list[IsoRow]:
    """pycountry's rows of ISO 3166-1: from the cache when it has them for the installed
    pycountry, otherwise from pycountry (and then kept)."""
    key = _pycountry_files() if derived_caching(_KIND) else None
    if key is not None:
        kept = valid_rows(read_derived(_KIND, key))
        if kept is not None:
            return list(kept)
    rows = pycountry_rows()
    if key is not None:
        write_derived(_KIND, key, rows, yaml_data=True)
    return list(rows)
