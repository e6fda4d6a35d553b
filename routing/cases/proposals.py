"""What a team records at a door, turned into proposed changes to the household register."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

import pandas as pd

from routing.cases.needs import new_needs, split_requests
from routing.schema import HOUSEHOLD_COLUMNS
from routing.sources.households import canonical_tags

RECORD_STATUSES: Final = ("visited", "not_home", "refused", "vacant")
# Register fields a door record can change, in the order the review page lists them.
DOOR_FIELDS: Final = ("rented", "residents", "since", "tags", "requests", "phone")
# What an empty flat (moved out) sets: nobody lives there, personal data is cleared.
VACANT_VALUES: Final = MappingProxyType(
    {"residents": 0, "rented": None, "since": "", "phone": "", "tags": "", "requests": "",
     "availability": ""}
)  # fmt: skip
REQUEST_JOINER: Final = "；"  # between requests appended to a register's 诉求
_BOOLS: Final = frozenset({"rented", "basement"})
_INTS: Final = frozenset({"residents", "floor"})
_NULLABLE: Final = frozenset({"rented", "residents"})

Value = bool | int | str | None
Kind = Literal["change", "new", "vacant"]


@dataclass(frozen=True, kw_only=True)
class DoorAnswers:
    """What a team recorded about a household at its door, keyword arguments only.

    Attributes
    ----------
    rented, residents, since, vulnerable, requests, phone
        As recorded; ``None`` / "" = not recorded. ``vulnerable`` is tags as typed
        (独居老人、残疾 or English spellings); ``since`` is ``YYYY``, ``YYYY-MM`` or a date.
    """

    rented: bool | None = None
    residents: int | None = None
    since: str = ""
    vulnerable: str = ""
    requests: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        if self.residents is not None and self.residents < 0:
            raise ValueError(f"residents must be >= 0, got {self.residents}")


@dataclass(frozen=True)
class DoorRecord(DoorAnswers):
    """One record a team made at a household's door (what ``web.field`` stores), with
    the answers of ``DoorAnswers``.

    Attributes
    ----------
    record_id, team_id, household_id : str
        The record, the team that made it and the household it is about.
    recorded_at : str
        ISO timestamp; orders a team's records of one household (the newest counts).
    status : str
        ``visited`` (proposes the answers), ``vacant`` (the flat is empty / moved out),
        ``not_home`` or ``refused`` (propose nothing).
    """

    record_id: str
    team_id: str
    household_id: str
    recorded_at: str
    status: str = "visited"

    def __post_init__(self) -> None:
        if self.status not in RECORD_STATUSES:
            raise ValueError(f"status must be one of {', '.join(RECORD_STATUSES)}")
        super().__post_init__()
        if not (self.record_id and self.team_id and self.household_id):
            raise ValueError("a door record needs its record_id, team_id and household_id")


@dataclass(frozen=True)
class NewHousehold(DoorAnswers):
    """A household the register does not have, reported at a door (new tenant, split
    flat), with the answers of ``DoorAnswers``."""

    record_id: str
    team_id: str
    recorded_at: str
    building_id: str
    floor: int
    unit: str

    def __post_init__(self) -> None:
        if not (self.building_id and self.unit.strip()) or self.floor == 0:
            raise ValueError("a new household needs a building, a floor (not 0) and a unit")
        super().__post_init__()


@dataclass(frozen=True)
class Proposal:
    """One proposed change: a field, the register's value and what a team recorded.

    ``kind`` is ``change`` (a visited household), ``vacant`` (moved out) or ``new`` (a
    household the register lacks: ``household_id`` is "", ``field`` is ``household``
    and ``recorded_value`` the whole row, ``register_value`` ``None``).
    """

    kind: Kind
    household_id: str
    building_id: str
    field: str
    register_value: Value
    recorded_value: Value | Mapping[str, Value]
    team_id: str
    record_id: str
    recorded_at: str
    location: tuple[str, int, str] = ("", 0, "")  # building, floor, unit

    @property
    def target(self) -> str:
        """What it changes: the household id, or ``building/floor/unit`` for a new one."""
        if self.kind == "new":
            building, floor, unit = self.location
            return f"{building}/{floor}/{unit}"
        return self.household_id


def register_value(row: Mapping[str, object], name: str) -> Value:
    """A register field as a plain Python value (``HOUSEHOLD_COLUMNS`` types).

    ``rented`` and ``basement`` are bool, ``residents`` and ``floor`` int, the rest text,
    stripped; a missing ``rented`` / ``residents`` is ``None`` (unknown), missing text "".
    """
    raw = row.get(name)
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):  # type: ignore[call-overload]
        return None if name in _NULLABLE else ""
    if name in _BOOLS:
        return bool(raw)
    if name in _INTS:
        return int(raw)  # type: ignore[call-overload]
    return str(raw).strip()


def propose_changes(
    record: DoorRecord, row: Mapping[str, object], *, allow_phone: bool = False
) -> tuple[Proposal, ...]:
    """The register changes a door record proposes for its household.

    Rules, per field (only what was recorded and differs from the register):

    - ``rented``, ``residents``: the recorded value.
    - ``since``: the recorded ``YYYY`` / ``YYYY-MM`` unless the register's date already
      starts with it (``2019`` agrees with ``2019-03-10``).
    - ``tags`` (from ``vulnerable``): the register's tags plus the new ones, canonical
      names (``elderly_alone`` → 独居老人); a tag is never removed at the door.
    - ``requests``: the register's requests plus the new needs, joined by "；".
    - ``phone``: only when ``allow_phone`` (the community lets teams record phones);
      digits compared, so ``138-0000`` equals ``1380000``.

    A ``vacant`` record proposes ``VACANT_VALUES``; ``not_home`` and ``refused`` nothing.

    Parameters
    ----------
    record : DoorRecord
        What the team recorded.
    row : mapping
        The household's register row (``HOUSEHOLD_COLUMNS``).
    allow_phone : bool
        Whether teams may record phone numbers in this community.

    Returns
    -------
    tuple of Proposal
        In ``DOOR_FIELDS`` order (kind ``change`` or ``vacant``).
    """
    if str(row.get("household_id")) != record.household_id:
        raise ValueError(
            f"record {record.record_id} is about {record.household_id}, "
            f"not {row.get('household_id')}"
        )
    if record.status == "vacant":
        wanted: dict[str, Value] = dict(VACANT_VALUES)
        return _proposals("vacant", record, row, wanted)
    if record.status != "visited":
        return ()
    return _proposals("change", record, row, _recorded(record, row, allow_phone))


def propose_new_household(
    report: NewHousehold, register: pd.DataFrame, *, allow_phone: bool = False
) -> Proposal:
    """A proposal to add a household the register does not have.

    Parameters
    ----------
    report : NewHousehold
        Where it is and what the team recorded.
    register : DataFrame
        The household register (``building_id``, ``floor``, ``unit``, ``household_id``).
    allow_phone : bool
        Whether the recorded phone is kept.

    Returns
    -------
    Proposal
        Kind ``new``; ``recorded_value`` is the row (``HOUSEHOLD_COLUMNS`` without
        ``household_id``, which ``review.apply_new_household`` assigns).

    Raises
    ------
    ValueError
        When the register already has a household at that building, floor and unit
        (report it as a visit to that household instead, or give the split flat its
        own unit, e.g. ``2401B``).
    """
    unit = report.unit.strip()
    same = register[
        (register["building_id"].astype(str) == report.building_id)
        & (register["floor"].astype(int) == report.floor)
        & (register["unit"].astype(str).str.strip() == unit)
    ]
    if len(same):
        raise ValueError(
            f"the register already has {same['household_id'].iloc[0]} at {report.building_id} "
            f"floor {report.floor} unit {unit}; record a visit to it or give the new "
            "household its own unit"
        )
    row: dict[str, Value] = {c: "" for c in HOUSEHOLD_COLUMNS if c != "household_id"}
    row |= {
        "building_id": report.building_id, "floor": report.floor, "unit": unit,
        "residents": report.residents, "rented": report.rented, "since": report.since.strip(),
        "tags": canonical_tags(report.vulnerable),
        "requests": REQUEST_JOINER.join(split_requests(report.requests)),
        "phone": report.phone.strip() if allow_phone else "", "basement": report.floor < 0,
    }  # fmt: skip
    return Proposal(
        "new", "", report.building_id, "household", None, MappingProxyType(row),
        report.team_id, report.record_id, report.recorded_at,
        location=(report.building_id, report.floor, unit),
    )  # fmt: skip


def same_value(name: str, a: Value, b: Value) -> bool:
    """Whether two values of a register field mean the same (phones by their digits)."""
    if name == "phone" and isinstance(a, str) and isinstance(b, str):
        return _digits(a) == _digits(b)
    return a == b


def _recorded(record: DoorRecord, row: Mapping[str, object], allow_phone: bool) -> dict[str, Value]:
    out: dict[str, Value] = {}
    if record.rented is not None:
        out["rented"] = record.rented
    if record.residents is not None:
        out["residents"] = record.residents
    since = record.since.strip()
    if since and not str(register_value(row, "since")).startswith(since):
        out["since"] = since
    tags = _merge(str(register_value(row, "tags")), canonical_tags(record.vulnerable), ";")
    if tags is not None:
        out["tags"] = tags
    held = str(register_value(row, "requests"))
    new = [n.text for n in new_needs(record.requests, held)]
    if new:
        out["requests"] = REQUEST_JOINER.join([held, *new] if held else new)
    if allow_phone and record.phone.strip():
        out["phone"] = record.phone.strip()
    return out


def _merge(held: str, recorded: str, joiner: str) -> str | None:
    """``held`` with the ``;``-joined items of ``recorded`` it lacks, or None when none."""
    have = [t for t in held.split(";") if t]
    extra = [t for t in recorded.split(";") if t and t not in have]
    return joiner.join(have + extra) if extra else None


def _proposals(
    kind: Kind, record: DoorRecord, row: Mapping[str, object], wanted: Mapping[str, Value]
) -> tuple[Proposal, ...]:
    order = [*DOOR_FIELDS, *(f for f in wanted if f not in DOOR_FIELDS)]
    building = str(register_value(row, "building_id"))
    out = []
    for name in (f for f in order if f in wanted):
        held = register_value(row, name)
        if not same_value(name, held, wanted[name]):
            out.append(
                Proposal(kind, record.household_id, building, name, held, wanted[name],
                         record.team_id, record.record_id, record.recorded_at)
            )  # fmt: skip
    return tuple(out)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def next_household_id(existing: Iterable[str], prefix: str = "H", width: int = 6) -> str:
    """A household id after the highest ``<prefix><digits>`` id in use (``H010171``).

    Parameters
    ----------
    existing : iterable of str
        Ids in the register.
    prefix : str
        Letters before the number.
    width : int
        Digits, zero-padded, when no existing id sets a wider number.

    Returns
    -------
    str
        An id not in ``existing``.
    """
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [m[1] for m in map(pattern.match, existing) if m]
    top = max((int(n) for n in numbers), default=0)
    digits = max([width, *(len(n) for n in numbers)])
    return f"{prefix}{top + 1:0{digits}d}"
