"""What `compass cache` reports of the on-disk caches (see :mod:`engine.load.cache_limits`)."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class CacheSummary(BaseModel):
    """One cache folder: where it is, what it holds and its cap."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str
    path: Path
    entries: int
    size_bytes: int
    cap_bytes: int


class CacheReport(BaseModel):
    """Every cache under the root (None when caching is switched off)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    root: Path | None
    cap_bytes: int
    caches: tuple[CacheSummary, ...]
