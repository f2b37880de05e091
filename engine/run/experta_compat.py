"""The one place where experta is imported.

experta 1.9.4 (its last release, 2019) pins ``frozendict==1.2``, and frozendict 1.2 subclasses
``collections.Mapping``, an alias that Python 3.10 removed. ``import experta`` therefore fails on
every Python this project supports. Rather than vendoring experta or asking users to install it
with ``--no-deps``, we restore the alias (it is the very same ABC) before the first import, so a
plain ``pip install`` works on Python 3.11, 3.12 and 3.13. ``tests/test_experta_compat.py`` fails
if this stops working.

Importing experta also calls ``logging.basicConfig()``, which would install a stderr handler on
the root logger of whichever program imports us; we undo that, and keep experta's own loggers
quiet because their per-check debug logging makes matching several times slower.
"""

from __future__ import annotations

import collections
import collections.abc
import logging

if not hasattr(collections, "Mapping"):
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

_root_handlers_before = list(logging.getLogger().handlers)

import experta  # noqa: E402
from experta import (  # noqa: E402
    AND,
    AS,
    EXISTS,
    MATCH,
    NOT,
    TEST,
    Fact,
    KnowledgeEngine,
    P,
    Rule,
    watchers,
)
from experta.abstract import Matcher, Strategy  # noqa: E402
from experta.activation import Activation  # noqa: E402
from experta.agenda import Agenda  # noqa: E402
from experta.fact import InitialFact  # noqa: E402
from experta.factlist import FactList  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

for _handler in list(logging.getLogger().handlers):
    if _handler not in _root_handlers_before:
        logging.getLogger().removeHandler(_handler)
logging.getLogger("experta").setLevel(logging.WARNING)

EXPERTA_VERSION: str = getattr(experta, "__version__", "unknown")

__all__ = [
    "AND",
    "AS",
    "EXISTS",
    "EXPERTA_VERSION",
    "MATCH",
    "NOT",
    "TEST",
    "Activation",
    "Agenda",
    "DepthStrategy",
    "Fact",
    "FactList",
    "InitialFact",
    "KnowledgeEngine",
    "Matcher",
    "P",
    "Rule",
    "Strategy",
    "watchers",
]
