"""The facts that met a rule's ``exists`` conditions, named in a firing's record.

experta (and our network, which follows it) says only that an ``exists`` held, not by which
facts; the runner names the first fact in canonical order that meets each of its patterns,
among every fact of the run so far, which this module keeps indexed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..rules.matching import pattern_accepts
from ..schemas.facts import FactRecord, Scalar
from ..schemas.rules import Pattern

Entry = tuple[int, Mapping[str, Scalar]]


class FactsSoFar:
    """Every fact of a run so far, for naming the facts that met an ``exists``: the input
    facts, then the findings concluded, by type, and by the values of the fields a pattern
    requires to equal constants (indexed the first time a pattern asks). Every list is in
    canonical order, and a fact a pattern accepts is in the list the pattern reads, so the
    first fact accepted there is the first of all.

    The findings are the runner's own list of their names, which it appends each new one to
    (its id: ``first_finding`` plus its place): they are filed only when a firing asks for
    witnesses. Most runs have no exists to name facts for, and a run on 5,000 synthetic rules
    concludes a finding at nearly every firing."""

    def __init__(
        self, records: Sequence[FactRecord], findings: Sequence[str], first_finding: int
    ) -> None:
        self.of_type: dict[str, list[Entry]] = {}
        self.by_values: dict[tuple[str, tuple[str, ...]], dict[tuple[Scalar, ...], list[Entry]]]
        self.by_values = {}
        # Hence Sequences, not any iterables: they are read then, maybe long after this call.
        self._records = records
        self._findings = findings
        self._first_finding = first_finding
        self._filed: int | None = None
        """How many findings are filed (None: nothing is, not even the input facts)."""

    def _file_new(self) -> None:
        """File the input facts the first time, then the findings not filed yet, in order."""
        filed = self._filed
        if filed is None:
            for record in self._records:
                self.of_type.setdefault(record.type, []).append((record.id, record.fields))
            filed = 0
        findings = self._findings
        for number in range(filed, len(findings)):
            self._add(self._first_finding + number, "finding", {"name": findings[number]})
        self._filed = len(findings)

    def _add(self, fact_id: int, fact_type: str, fields: Mapping[str, Scalar]) -> None:
        entry = (fact_id, fields)
        self.of_type.setdefault(fact_type, []).append(entry)
        for (indexed_type, names), index in self.by_values.items():
            if indexed_type == fact_type and all(name in fields for name in names):
                index.setdefault(tuple([fields[name] for name in names]), []).append(entry)

    def candidates(self, pattern: Pattern) -> list[Entry]:
        if self._filed != len(self._findings):  # also None: nothing filed yet
            self._file_new()
        required = {
            name: test.equals for name, test in pattern.tests.items() if test.equals is not None
        }
        names = tuple(required)
        if not names:
            return self.of_type.get(pattern.fact_type, [])
        index = self.by_values.get((pattern.fact_type, names))
        if index is None:
            index = self.by_values[(pattern.fact_type, names)] = {}
            for entry in self.of_type.get(pattern.fact_type, ()):
                if all(name in entry[1] for name in names):
                    index.setdefault(tuple([entry[1][name] for name in names]), []).append(entry)
        # scalars are equal only where their hashes are: a fact that passes ``equals`` is here
        return index.get(tuple(required.values()), [])

    def witnesses(
        self, patterns: tuple[tuple[Pattern, ...], ...], bindings: dict[str, Scalar]
    ) -> tuple[int, ...]:
        """For each ``exists`` condition, the first fact (in canonical order) meeting each
        of its patterns."""
        found: list[int] = []
        for existence in patterns:
            for pattern in existence:
                witness = next(
                    (
                        fact_id
                        for fact_id, fields in self.candidates(pattern)
                        if pattern_accepts(pattern, pattern.fact_type, fields, bindings)
                    ),
                    None,
                )
                if witness is not None and witness not in found:
                    found.append(witness)
        return tuple(found)
