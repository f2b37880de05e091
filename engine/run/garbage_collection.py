"""When Python's cyclic garbage collector may run: not while a KB is built or a scenario is
advised.

The collector runs after every few hundred new container objects and walks the objects it
tracks. Building a KB makes some 80,000 objects that live as long as the KB, and advising on a
scenario a few thousand more that die with the call; what dies is freed by reference counting
the moment it is no longer used, and the few cycles (an engine and its matcher refer to each
other) live as long as their KB. A collection in between finds nothing to free. Pausing it
there made a warm run 20-40 % faster and a cold load a third faster (bench/README.md); it runs
again as soon as the call returns, so cycles made anywhere else are still collected.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_frozen: list[bool] = []  # whether this process has frozen a KB (a list: no global statement)


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
    """After the first KB a process builds, move everything alive out of the collector's sight
    for good (``gc.freeze``): later collections, and the exit, need not walk it again.

    Only the first: a frozen object is never collected, so a KB dropped later (the API keeps
    the last eight) would stay in memory. Commands and batch workers build one KB; a process
    that builds many pays ordinary collections for the others.
    """
    if not _frozen:
        _frozen.append(True)
        gc.freeze()
