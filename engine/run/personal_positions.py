"""Which person's own position stands for a side on each practical scale.

For our side it is the person who leads for us (the only one named, when none is marked as
leading); for theirs, on each scale, the person placed on it whom we deal with most (by
``contact``; the first listed on a tie), because the gap that matters is the one between the
people who actually meet. What was seen of a person beats what they said of themselves;
several observations on one scale count as their average, each quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..schemas.facts import PositionOrigin
from ..schemas.profiles import ObservedPosition, PositionBasis
from ..schemas.scenario import OurPerson, Person, Scenario
from ..schemas.vocabulary import Contact

Positions = dict[str, PositionOrigin]
"""Scale id to the position that stands for a side on it, with where it came from."""

_CONTACT_ORDER = {contact: rank for rank, contact in enumerate(Contact)}


def _label(person: OurPerson | Person) -> str:
    return person.name or person.role


def _observed(
    person: OurPerson | Person, path: str, observed: Sequence[ObservedPosition]
) -> Positions:
    if not observed:
        return {}
    from statistics import fmean  # noqa: PLC0415 - most scenarios observe no one: not imported

    by_scale: dict[str, list[tuple[int, ObservedPosition]]] = {}
    for number, seen in enumerate(observed):
        by_scale.setdefault(seen.scale, []).append((number, seen))
    return {
        scale: PositionOrigin(
            basis=PositionBasis.observed,
            person=_label(person),
            path=", ".join(f"{path}.observed[{number}]" for number, _ in entries),
            dimension=scale,
            position=round(fmean(seen.position for _, seen in entries), 1),
            band=round(fmean(seen.band for _, seen in entries), 1),
            seen=" / ".join(seen.seen for _, seen in entries),
        )
        for scale, entries in by_scale.items()
    }


def _our_lead(scenario: Scenario) -> Positions:
    # A scenario that names one person on our side and marks no one as leading means them.
    alone = len(scenario.we.people) == 1
    for index, person in enumerate(scenario.we.people):
        if not (person.leads or alone):
            continue
        path = f"we.people[{index}]"
        stated = {
            scale: PositionOrigin(
                basis=PositionBasis.self_assessed,
                person=_label(person),
                path=f"{path}.positions.{scale}",
                dimension=scale,
                position=placed.position,
                band=placed.band,
                file=person.profile or "",
            )
            for scale, placed in person.positions.items()
        }
        return {**stated, **_observed(person, path, person.observed)}
    return {}


def _their_people(scenario: Scenario) -> Positions:
    found: Positions = {}
    closest: dict[str, int] = {}
    for index, person in enumerate(scenario.they.people):
        contact = _CONTACT_ORDER[person.contact]
        observed = _observed(person, f"they.people[{index}]", person.observed)
        for scale, origin in observed.items():
            if scale not in closest or contact > closest[scale]:
                found[scale], closest[scale] = origin, contact
    return found


def personal_positions(scenario: Scenario) -> tuple[Positions, Positions]:
    """The positions that stand for our side and for theirs, by scale."""
    return _our_lead(scenario), _their_people(scenario)
