"""Import operations: read and check every file, then store everything in one transaction
(all or nothing). Flask-free: the CLI, the import job and the demo call ``run_import``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import geopandas as gpd
import pandas as pd
from sqlalchemy.orm import Session

from routing.errors import InputError, Note, Problem
from routing.network import WalkingNetwork
from routing.progress import Progress, quiet
from routing.sources import (
    read_buildings,
    read_households,
    read_osm,
    read_paths,
    read_volunteers,
)
from web.storage import frames
from web.storage.network import load_network

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
KINDS = ("osm", "buildings", "paths", "households", "volunteers")


@dataclass(frozen=True)
class ImportRequest:
    """The files of one import; any may be missing.

    ``bbox`` is (west, south, east, north) in degrees and applies to ``osm`` only.
    ``paths`` (a line layer) replaces the OSM ways as the walking network.
    """

    buildings: Path | None = None
    paths: Path | None = None
    households: Path | None = None
    volunteers: Path | None = None
    osm: Path | None = None
    bbox: tuple[float, float, float, float] | None = None
    names: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not any((self.buildings, self.paths, self.households, self.volunteers, self.osm)):
            raise ValueError("nothing to import: give at least one file")
        if self.bbox is not None and self.osm is None:
            raise ValueError("a bounding box applies to an OSM file: give --osm too")

    def display_name(self, kind: str, path: Path) -> str:
        """How the file is named in messages: the uploaded name, else the file's name."""
        return dict(self.names).get(kind, path.name)

    def files(self) -> list[tuple[str, Path]]:
        """(kind, path) of every file given, in reading order."""
        given = {kind: getattr(self, kind) for kind in KINDS}
        return [(kind, path) for kind, path in given.items() if path is not None]


@dataclass(frozen=True)
class ImportResult:
    """What an import stored (counts per kind) and what it repaired on the way (notes)."""

    counts: dict[str, int]
    notes: tuple[Note, ...] = ()


@dataclass
class _Checked:
    buildings: gpd.GeoDataFrame | None = None
    edges: gpd.GeoDataFrame | None = None
    lines: gpd.GeoDataFrame | None = None
    households: pd.DataFrame | None = None
    volunteers: pd.DataFrame | None = None
    notes: list[Note] = field(default_factory=list)
    omitted: int = 0


def _collect(
    problems: list[Problem],
    checked: _Checked,
    func: Callable[P, R],
    *args: P.args,
    **kwargs: P.kwargs,
) -> R | None:
    """Call a reader; on InputError keep its problems (and count those left out)."""
    try:
        return func(*args, **kwargs)
    except InputError as error:
        problems.extend(error.problems)
        checked.omitted += error.omitted
        return None


def check(
    session: Session, community_name: str, request: ImportRequest, progress: Progress = quiet
) -> _Checked:
    """Read every file of ``request`` and cross-check it; raise InputError with all problems."""
    problems = _database_files(session, request)
    if problems:
        raise InputError(problems)
    out = _Checked()
    _read_map(problems, out, request, progress)
    buildings_failed = (request.buildings is not None or request.osm is not None) and (
        out.buildings is None
    )
    community = frames.find_community(session, community_name)
    if not buildings_failed:
        _read_registers(session, community, problems, out, request, progress)
    if out.buildings is not None and community is not None:
        problems.extend(_orphans(session, community, out, request))
    if problems:
        raise InputError(problems, out.omitted)
    return out


def _read_map(
    problems: list[Problem], out: _Checked, request: ImportRequest, progress: Progress
) -> None:
    """Read the OSM extract, the path lines and the buildings into ``out``."""
    if request.osm is not None:
        progress(0.05, "reading osm")
        name = request.display_name("osm", request.osm)
        extract = _collect(problems, out, read_osm, request.osm, bbox=request.bbox, name=name)
        if extract is not None:
            out.edges = extract.walk_edges
            out.notes.extend(Note(name, None, None, text) for text in extract.notes)
            if request.buildings is None:
                out.buildings = extract.buildings
    if request.paths is not None:
        progress(0.3, "reading paths")
        name = request.display_name("paths", request.paths)
        out.lines = _collect(problems, out, read_paths, request.paths, name=name)
    if request.buildings is not None:
        progress(0.4, "reading buildings")
        name = request.display_name("buildings", request.buildings)
        out.buildings = _collect(
            problems, out, read_buildings, request.buildings, name=name, notes=out.notes
        )


def _read_registers(
    session: Session,
    community: frames.Community | None,
    problems: list[Problem],
    out: _Checked,
    request: ImportRequest,
    progress: Progress,
) -> None:
    """Read households and volunteers against the new buildings, else the stored ones."""
    if request.households is None and request.volunteers is None:
        return
    reference = out.buildings
    if reference is None and community is not None:
        reference = frames.load_buildings(session, community)
    if reference is None or reference.empty:
        kind = "households" if request.households is not None else "volunteers"
        first = request.households or request.volunteers
        assert first is not None
        problems.append(
            Problem(
                request.display_name(kind, first),
                None,
                None,
                "no buildings to check against: import buildings first or with "
                "--buildings/--osm in the same command",
            )
        )
        return
    if request.households is not None:
        progress(0.55, "reading households")
        name = request.display_name("households", request.households)
        out.households = _collect(
            problems, out, read_households, request.households, reference, name=name
        )
    if request.volunteers is not None:
        progress(0.65, "reading volunteers")
        name = request.display_name("volunteers", request.volunteers)
        out.volunteers = _collect(
            problems, out, read_volunteers, request.volunteers, reference, name=name
        )


def _database_files(session: Session, request: ImportRequest) -> list[Problem]:
    """Refuse the live database (and its journal files) as an input: only the app opens it."""
    url = session.get_bind().engine.url
    database = url.database
    if url.get_backend_name() != "sqlite" or not database:
        return []
    live = Path(database).resolve()
    own = {live, *(live.with_name(live.name + end) for end in ("-wal", "-shm", "-journal"))}
    return [
        Problem(request.display_name(kind, path), None, None, "this is redvest's own database")
        for kind, path in request.files()
        if path.resolve() in own
    ]


def _orphans(
    session: Session, community: frames.Community, checked: _Checked, request: ImportRequest
) -> list[Problem]:
    """Stored rows that would point at buildings the new map no longer has."""
    assert checked.buildings is not None
    known = set(checked.buildings["building_id"])
    problems: list[Problem] = []
    if request.households is None:
        stored = frames.load_households(session, community)
        missing = sorted(set(stored["building_id"]) - known)
        if missing:
            problems.append(
                Problem(
                    "database",
                    None,
                    "building_id",
                    f"{len(missing)} building(s) of the stored household register are not in the "
                    f"new map (e.g. {', '.join(missing[:5])}); import the register again with it",
                )
            )
    if request.volunteers is None:
        stored_v = frames.load_volunteers(session, community)
        homes = {h for h in stored_v["home_building"] if h}
        missing = sorted(homes - known)
        if missing:
            problems.append(
                Problem(
                    "database",
                    None,
                    "home_building",
                    f"{len(missing)} home building(s) of the stored roster are not in the new "
                    f"map (e.g. {', '.join(missing[:5])}); import the roster again with it",
                )
            )
    return problems


def run_import(
    session: Session, community_name: str, request: ImportRequest, progress: Progress = quiet
) -> ImportResult:
    """Check every file, then store all of it in one transaction.

    Parameters
    ----------
    session : Session
        The project's database session (nothing else opens the database).
    community_name : str
        The community to import into (created when new).
    request : ImportRequest
        The files.
    progress : callable, optional
        ``(fraction, message)`` callback of a job.

    Returns
    -------
    ImportResult
        Counts stored per kind (buildings, walk_edges, households, volunteers, teams)
        and the notes of what was repaired on the way.

    Raises
    ------
    InputError
        With every problem of every file; nothing is stored then.
    """
    checked = check(session, community_name, request, progress)
    progress(0.75, "storing")
    counts: dict[str, int] = {}
    try:
        community = frames.get_or_create_community(session, community_name)
        network = None
        if checked.lines is not None:
            network = WalkingNetwork.from_lines(checked.lines)
        elif checked.edges is not None:
            network = WalkingNetwork.from_edges(checked.edges)
        if network is not None:
            counts["walk_edges"] = frames.replace_network(session, community, network.edges)
        if checked.buildings is not None:
            buildings = checked.buildings
            if network is None:
                network = load_network(session, community)
            if network is not None:
                buildings = network.snap_entrances(buildings)
            counts["buildings"] = frames.replace_buildings(session, community, buildings)
        if checked.households is not None:
            counts["households"] = frames.replace_households(session, community, checked.households)
        if checked.volunteers is not None:
            counts["volunteers"] = frames.replace_volunteers(session, community, checked.volunteers)
            counts["teams"] = len({t for t in checked.volunteers["team_id"] if t})
        files = {
            kind: request.display_name(kind, path)
            for kind, path in (
                ("buildings", request.buildings),
                ("paths", request.paths),
                ("households", request.households),
                ("volunteers", request.volunteers),
                ("osm", request.osm),
            )
            if path is not None
        }
        frames.record_import(session, community, files, counts)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    log.info("import into community %s stored %s", community.id, counts)
    return ImportResult(counts, tuple(checked.notes))
