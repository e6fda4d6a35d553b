"""Patrol operations: the request every adapter validates alike, and planning a patrol.

The command line (``redvest plan-patrols``), the patrol page, the API and the patrol job
build one ``PatrolRequest`` (from flags, a form or JSON) and call ``plan_patrols``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from routing.errors import InputError, Problem
from routing.patrols.kinds import KIND_NAMES, KindName
from routing.patrols.planner import slot_times
from routing.territories import Progress
from web.checks import choice, optional_whole, seconds, whole
from web.patrols.export import PatrolExport, Sheets, export_patrols
from web.patrols.pages import write_pages
from web.pdf.text import Lang
from web.storage import frames
from web.storage.models import Community

MAX_ROUTES: Final = 200
SLOT_MINUTES: Final = (10, 720)
MAX_WEEKS: Final = 53  # a year of rota
MAX_SLOTS_PER_DAY: Final = 12
MAX_TIME_LIMIT_S: Final = 600.0  # a job holds a worker thread this long at most
MAX_CHECKPOINTS: Final = 20  # building entrances printed per route sheet
MAX_SEED: Final = 2**31 - 1


@dataclass(frozen=True)
class PatrolRequest:
    """What to plan: the patrol kind and its targets, the rota, the solver's budget.

    Attributes
    ----------
    kind : {"street", "checkpoints", "building"}
        The patrol kind.
    routes : int or None
        Number of routes (1..200); None = the fewest that fit ``slot_minutes`` (which
        checkpoint and building patrols default to the rota's slot length).
    slot_minutes : int or None
        Minutes a patrol may take (10..720); None = streets of any length, the rota's
        slot for the other kinds.
    checkpoints : Path or None
        Checkpoint patrols: the file of points.
    buildings : tuple of str
        Building patrols: the towers' building ids.
    weeks, slots_per_day : int
        Length of the rota (1..53 weeks) and patrols per day per route (1..12).
    time_limit_s : float
        Budget of the route split and, separately, of the rota, in (0, 600] s.
    seed : int
        Seed of the solvers.
    lang : {"zh", "en"}
        Language of the PDFs.
    area : Path or None
        A polygon file: only the streets inside it.
    start_date : datetime.date or None
        First day of the rota; None = next Monday.
    max_checkpoints : int
        Building entrances per street route sheet (0..200).
    max_solutions : int or None
        Work budget of each route search: plans that repeat on any machine.
    """

    kind: KindName = "street"
    routes: int | None = None
    slot_minutes: int | None = None
    checkpoints: Path | None = None
    buildings: tuple[str, ...] = field(default_factory=tuple)
    weeks: int = 4
    slots_per_day: int = 2
    time_limit_s: float = 10.0
    seed: int = 0
    lang: Lang = "zh"
    area: Path | None = None
    start_date: dt.date | None = None
    max_checkpoints: int = MAX_CHECKPOINTS
    max_solutions: int | None = None

    def __post_init__(self) -> None:
        choice(self.kind, "kind", KIND_NAMES)
        optional_whole(self.routes, "routes", 1, MAX_ROUTES)
        optional_whole(self.slot_minutes, "slot minutes", *SLOT_MINUTES)
        whole(self.weeks, "weeks", 1, MAX_WEEKS)
        whole(self.slots_per_day, "patrols per day", 1, MAX_SLOTS_PER_DAY)
        seconds(self.time_limit_s, "time limit", MAX_TIME_LIMIT_S)
        whole(self.seed, "seed", 0, MAX_SEED)
        choice(self.lang, "language", ("zh", "en"))
        whole(self.max_checkpoints, "checkpoints per sheet", 0, MAX_ROUTES)
        optional_whole(self.max_solutions, "solutions", 1, 10**9)
        if self.kind == "street" and self.routes is None and self.slot_minutes is None:
            raise ValueError("street patrols need a number of routes, slot minutes, or both")
        if (self.kind == "checkpoints") != (self.checkpoints is not None):
            raise ValueError("a checkpoints file goes with kind checkpoints (and it needs one)")
        if (self.kind == "building") != bool(self.buildings):
            raise ValueError("building ids go with kind building (and it needs them)")
        slot_times(self.slots_per_day, self.slot_s)  # a slot past midnight: ValueError

    @property
    def slot_s(self) -> float | None:
        """The slot length in seconds, when given."""
        return None if self.slot_minutes is None else 60.0 * self.slot_minutes

    @classmethod
    def parse(cls, values: Any) -> PatrolRequest:
        """The request a page's form or the API's JSON asks for (street patrols).

        Parameters
        ----------
        values : mapping
            ``routes`` (default 6), ``slot_minutes``, ``weeks``, ``slots_per_day``,
            ``time_limit_s``, ``seed``; text or numbers.

        Raises
        ------
        ValueError
            The message ``PatrolRequest`` gives for the same value from the command line.
        """
        return cls(
            routes=optional_whole(values.get("routes", 6), "routes", 1, MAX_ROUTES),
            slot_minutes=optional_whole(values.get("slot_minutes"), "slot minutes", *SLOT_MINUTES),
            weeks=whole(values.get("weeks", 4), "weeks", 1, MAX_WEEKS),
            slots_per_day=whole(
                values.get("slots_per_day", 2), "patrols per day", 1, MAX_SLOTS_PER_DAY
            ),
            time_limit_s=seconds(values.get("time_limit_s", 10), "time limit", MAX_TIME_LIMIT_S),
            seed=whole(values.get("seed", 0), "seed", 0, MAX_SEED),
        )

    def to_params(self) -> dict[str, Any]:
        """The request as JSON values, for a job's parameters."""
        values = asdict(self)
        for name in ("checkpoints", "area", "start_date"):
            values[name] = None if values[name] is None else str(values[name])
        values["buildings"] = list(self.buildings)
        return values

    @classmethod
    def from_params(cls, values: dict[str, Any]) -> PatrolRequest:
        """The request ``to_params`` wrote."""
        start = values.get("start_date")
        return cls(
            **{
                **values,
                "checkpoints": _path(values.get("checkpoints")),
                "area": _path(values.get("area")),
                "start_date": dt.date.fromisoformat(start) if start else None,
                "buildings": tuple(values.get("buildings", ())),
            }
        )


def _path(value: str | None) -> Path | None:
    return None if value is None else Path(value)


def plan_patrols(
    session: Session,
    community: Community,
    request: PatrolRequest,
    out_dir: Path,
    sheets: Sheets,
    *,
    pages: Path | None = None,
    progress: Progress | None = None,
) -> PatrolExport:
    """Plan the community's patrol, build the rota, write the files (and phone pages).

    Parameters
    ----------
    session : Session
        Database session.
    community : Community
        The stored community: its walking network, buildings and teams.
    request : PatrolRequest
        What to plan.
    out_dir : Path
        Folder for the contract files (see ``web.patrols.export.export_patrols``).
    sheets : Sheets
        Title and QR-code links of the printed sheets.
    pages : Path, optional
        Folder for the routes' phone pages (``web.patrols.pages``); None = none.
    progress : callable(fraction, message), optional
        Called between the steps (a job's progress; it may raise to cancel).

    Raises
    ------
    InputError
        No walking network, no teams, unreadable files, no feasible rota.
    SlotTooShortError
        The routes cannot fit the slot.
    """
    edges = frames.load_network_edges(session, community)
    if edges is None:
        message = "no walking network: import an OSM extract or a path layer first"
        raise InputError([Problem("database", None, None, message)])
    buildings = frames.load_buildings(session, community)
    teams = frames.load_team_ids(session, community)
    export = export_patrols(edges, buildings, teams, out_dir, request, sheets, progress=progress)
    if pages is not None:
        pages.mkdir(mode=0o700, parents=True, exist_ok=True)  # the key's folder: private
        write_pages(export, pages, title=sheets.title)
    return export
