"""When Python's cyclic garbage collector may run: not while a KB is built or a scenario is
advised.

The collector runs after every few hundred new container objects and walks the objects it
tracks. Building a KB makes some 80,000 that live as long as the process, and advising on a
scenario a few thousand more (facts, activations, the report) that die with the call; none of
them form reference cycles, so reference counting frees what dies, and each collection in
between is spent finding nothing. Pausing it there made a warm run 20-40 % faster and a cold
load a third faster (bench/README.md); it runs again as soon as the call returns, so cycles
made anywhere else are still collected.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (unless it was off already)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def keep_out_of_collections() -> None:
    """Move every object alive now out of the collector's sight for good (``gc.freeze``):
    after a KB is built, later collections and the exit need not walk it again."""
    gc.freeze()
