"""Reviewing proposed register changes: conflicts between teams, and applying accepted ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from routing.cases.proposals import (
    Proposal,
    Value,
    next_household_id,
    register_value,
    same_value,
)


class StaleProposalError(ValueError):
    """The register changed since the proposal was made; review it against the new value."""


class ConflictingChangesError(ValueError):
    """Accepting changes that record different values for one field of one household."""


@dataclass(frozen=True)
class Conflict:
    """Teams recording different values for one field of one household (never merged)."""

    target: str  # household id, or building/floor/unit for a new household
    field: str
    proposals: tuple[Proposal, ...]  # the newest of each team, by team

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams involved, sorted."""
        return tuple(p.team_id for p in self.proposals)


@dataclass(frozen=True)
class HouseholdVersion:
    """A household row after accepted changes, its version and what made it."""

    row: Mapping[str, Value]
    version: int
    changes: tuple[Proposal, ...]


def find_conflicts(proposals: Iterable[Proposal]) -> tuple[Conflict, ...]:
    """Fields of one household for which two teams recorded different values.

    Each team's newest proposal (``recorded_at``, then ``record_id``) per household and
    field counts: a team correcting itself is no conflict. Two teams agreeing is none
    either. New households are compared per building, floor and unit, by the whole row.

    Parameters
    ----------
    proposals : iterable of Proposal
        The pending proposals.

    Returns
    -------
    tuple of Conflict
        Sorted by target and field; each conflict's proposals sorted by team.
    """
    newest: dict[tuple[str, str, str], Proposal] = {}
    for p in sorted(proposals, key=lambda p: (p.recorded_at, p.record_id)):
        newest[(p.target, p.field, p.team_id)] = p
    by_field: dict[tuple[str, str], list[Proposal]] = {}
    for (target, name, _), p in sorted(newest.items()):
        by_field.setdefault((target, name), []).append(p)
    out = []
    for (target, name), group in sorted(by_field.items()):
        first = group[0]
        if any(not _agree(name, first, other) for other in group[1:]):
            out.append(Conflict(target, name, tuple(group)))
    return tuple(out)


def apply_changes(
    row: Mapping[str, object], version: int, accepted: Sequence[Proposal]
) -> HouseholdVersion:
    """The household after the accepted changes, as a new version.

    Parameters
    ----------
    row : mapping
        The household's current register row.
    version : int
        Its current version number.
    accepted : sequence of Proposal
        Accepted ``change`` / ``vacant`` proposals for this household. A proposal whose
        recorded value the row already holds is a no-op (another team's identical
        record was accepted first).

    Returns
    -------
    HouseholdVersion
        The new row, ``version + 1`` (the same version when nothing changed) and the
        proposals that changed it.

    Raises
    ------
    ConflictingChangesError
        Two accepted proposals record different values for one field.
    StaleProposalError
        The register's value is no longer the one a proposal was made against.
    """
    household = str(row.get("household_id"))
    chosen: dict[str, Proposal] = {}
    for p in accepted:
        if p.kind == "new" or p.household_id != household:
            raise ValueError(f"proposal {p.record_id}/{p.field} is not a change of {household}")
        other = chosen.setdefault(p.field, p)
        if not _agree(p.field, other, p):
            raise ConflictingChangesError(
                f"{household} {p.field}: team {other.team_id} recorded "
                f"{other.recorded_value!r}, team {p.team_id} {p.recorded_value!r}; "
                "accept one of them"
            )
    new_row: dict[str, Value] = {k: register_value(row, k) for k in row}
    applied = []
    for name, p in chosen.items():
        now = register_value(row, name)
        if same_value(name, now, p.recorded_value):  # type: ignore[arg-type]
            continue
        if not same_value(name, now, p.register_value):
            raise StaleProposalError(
                f"{household} {name} is now {now!r}, not {p.register_value!r} as when team "
                f"{p.team_id} recorded {p.recorded_value!r}; review it again"
            )
        new_row[name] = p.recorded_value  # type: ignore[assignment]
        applied.append(p)
    bumped = version + 1 if applied else version
    return HouseholdVersion(MappingProxyType(new_row), bumped, tuple(applied))


def apply_new_household(existing_ids: Iterable[str], accepted: Proposal) -> HouseholdVersion:
    """The first version of an accepted new household, with a fresh household id.

    Parameters
    ----------
    existing_ids : iterable of str
        Household ids in the register (the new id follows the highest ``H…`` number).
    accepted : Proposal
        A ``new`` proposal from ``propose_new_household``.

    Returns
    -------
    HouseholdVersion
        Version 1 of the row, with ``household_id`` set.
    """
    if accepted.kind != "new" or not isinstance(accepted.recorded_value, Mapping):
        raise ValueError(f"proposal {accepted.record_id} is not a new household")
    row = {"household_id": next_household_id(existing_ids), **accepted.recorded_value}
    return HouseholdVersion(MappingProxyType(row), 1, (accepted,))


def _agree(name: str, a: Proposal, b: Proposal) -> bool:
    if isinstance(a.recorded_value, Mapping) or isinstance(b.recorded_value, Mapping):
        return dict(a.recorded_value) == dict(b.recorded_value)  # type: ignore[arg-type]
    return same_value(name, a.recorded_value, b.recorded_value)
