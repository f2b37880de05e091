"""When Python's cyclic garbage collector may run: not while a KB is built or a scenario is
advised, and what a process that owns its lifetime may freeze.

The collector runs after every few hundred new container objects and walks the objects it
tracks. Building a KB makes tens of thousands of objects that live as long as the KB, and
advising on a scenario a few thousand more that die with the call; what dies is freed by
reference counting the moment it is no longer used, and the few cycles (an engine and its
matcher refer to each other) live as long as their KB. A collection in between finds nothing to
free, so :func:`collection_paused` holds it off there; it runs again as soon as the last paused
call returns, so cycles made anywhere else are still collected. bench/README.md has what this
buys.

:func:`freeze_long_lived` goes further and changes the whole process for good, so the library
never calls it: only the CLI's entry point and batch worker processes, which own their process.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """How many paused blocks are open, in every thread, and whether to resume afterwards.

    ``gc`` is one switch for the whole process: a thread leaving its block must not turn the
    collector back on while another thread is still inside one, and only the state found by
    the first block may be restored by the last.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = 0
        self.resume = False
        self.process_claimed = False
        self.host_froze = False
        """Whether the host process was seen to have frozen objects of its own; it never
        thaws them as far as we know, so it is not asked again."""

    def enter(self) -> None:
        with self.lock:
            if self.open == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.open += 1

    def leave(self) -> None:
        with self.lock:
            self.open -= 1
            if self.open == 0 and self.resume:
                _promote_survivors(self.process_claimed)
                gc.enable()


def _promote_survivors(process_claimed: bool) -> None:
    """Count what a paused block left alive as old, without walking it.

    A paused block allocates many objects; the collector counts them, and the first allocation
    after it is enabled again starts a collection that walks them all (10 ms after the CLI's
    imports) to find that they are alive: a KB, modules, what a run keeps. ``freeze()`` moves
    every tracked object out of the young generations and resets their count; ``unfreeze()``
    at once puts them back in the oldest one, where the rare full collections still see them.
    Once :func:`freeze_long_lived` has claimed the process, they are simply frozen too; in a
    host process with frozen objects of its own (which unfreezing would thaw) nothing is done.
    """
    if process_claimed:
        gc.freeze()
    elif not _pauses.host_froze:
        # counting frozen objects walks them all: asked once the host has frozen any, that
        # would cost every advise 11 ms; none frozen, the count is found at once
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        else:
            _pauses.host_froze = True


_pauses = _Pauses()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; afterwards the collector is on again
    when it was on before the first of the blocks open at once (in any thread) and this is
    the last of them to end."""
    _pauses.enter()
    try:
        yield
    finally:
        _pauses.leave()


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's sight for good (``gc.freeze``):
    later collections, and the collections at exit, need not walk them again.

    A frozen object is never collected, even once nothing refers to it, so this is only for a
    process whose long-lived objects live until it exits: the CLI once its imports are done,
    a batch worker once its KB is built. A library call must never freeze its host process.
    """
    _pauses.process_claimed = True
    gc.freeze()
