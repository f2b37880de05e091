"""The load-time checks of ``compass kb lint``: what each problem code the loader reports means.

Each module of this package describes the codes it reports, beside the code that reports them;
the linter gathers them here. Every load-time check is an error, since a knowledge base with
any of these problems does not load; the checks that only warn look at a KB that did load, and
live with the linter.
"""

from __future__ import annotations

from ..errors import ProblemCode

_DESCRIPTIONS: dict[ProblemCode, str] = {}

# See ProblemCode.cache: it is never reported while a KB is checked.
_NOT_LINT_CHECKS = frozenset({ProblemCode.cache})


def describe(code: ProblemCode, description: str) -> None:
    """Register what ``code`` means, for ``compass kb lint --list-checks``."""
    if code in _NOT_LINT_CHECKS or _DESCRIPTIONS.get(code, description) != description:
        raise ValueError(f"the problem code {code!r} cannot be described here, or twice")
    _DESCRIPTIONS[code] = description


def load_checks() -> list[tuple[ProblemCode, str]]:
    """Every load-time check and its description, in the order of :class:`ProblemCode`."""
    missing = [code for code in ProblemCode if code not in (*_DESCRIPTIONS, *_NOT_LINT_CHECKS)]
    if missing:
        # A code nobody describes would reach lint as a check it cannot list or switch off.
        raise LookupError(
            f"no description for the problem codes {', '.join(missing)}; "
            "describe() each in the module that reports it"
        )
    return [(code, _DESCRIPTIONS[code]) for code in ProblemCode if code in _DESCRIPTIONS]
