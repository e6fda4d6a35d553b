"""All-or-nothing import: read and check every file, then store everything in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import geopandas as gpd
import pandas as pd
from sqlalchemy.orm import Session

from routing.errors import InputError, Problem
from routing.network import WalkingNetwork
from routing.sources import (
    read_buildings,
    read_households,
    read_osm,
    read_paths,
    read_volunteers,
)
from web import store

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


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


@dataclass
class _Checked:
    buildings: gpd.GeoDataFrame | None = None
    edges: gpd.GeoDataFrame | None = None
    lines: gpd.GeoDataFrame | None = None
    households: pd.DataFrame | None = None
    volunteers: pd.DataFrame | None = None


def _collect(
    problems: list[Problem], func: Callable[P, R], *args: P.args, **kwargs: P.kwargs
) -> R | None:
    """Call a reader; on InputError keep its problems and return None."""
    try:
        return func(*args, **kwargs)
    except InputError as error:
        problems.extend(error.problems)
        return None


def check(session: Session, community_name: str, request: ImportRequest) -> _Checked:
    """Read every file of ``request`` and cross-check it; raise InputError with all problems."""
    problems: list[Problem] = []
    out = _Checked()
    if request.osm is not None:
        extract = _collect(
            problems,
            read_osm,
            request.osm,
            bbox=request.bbox,
            name=request.display_name("osm", request.osm),
        )
        if extract is not None:
            out.edges = extract.walk_edges
            if request.buildings is None:
                out.buildings = extract.buildings
    if request.paths is not None:
        out.lines = _collect(
            problems, read_paths, request.paths, name=request.display_name("paths", request.paths)
        )
    if request.buildings is not None:
        out.buildings = _collect(
            problems,
            read_buildings,
            request.buildings,
            name=request.display_name("buildings", request.buildings),
        )
    buildings_failed = (request.buildings is not None or request.osm is not None) and (
        out.buildings is None
    )
    reference = out.buildings
    community = store.find_community(session, community_name)
    if reference is None and not buildings_failed:
        reference = store.load_buildings(session, community) if community else None
    needs_buildings = request.households is not None or request.volunteers is not None
    if needs_buildings and not buildings_failed and (reference is None or reference.empty):
        first = request.households or request.volunteers
        assert first is not None
        problems.append(
            Problem(
                first.name,
                None,
                None,
                "no buildings to check against: import buildings first or with "
                "--buildings/--osm in the same command",
            )
        )
    elif needs_buildings and reference is not None and not buildings_failed:
        if request.households is not None:
            out.households = _collect(
                problems,
                read_households,
                request.households,
                reference,
                name=request.display_name("households", request.households),
            )
        if request.volunteers is not None:
            out.volunteers = _collect(
                problems,
                read_volunteers,
                request.volunteers,
                reference,
                name=request.display_name("volunteers", request.volunteers),
            )
    if out.buildings is not None and community is not None:
        problems.extend(_orphans(session, community, out, request))
    if problems:
        raise InputError(problems)
    return out


def _orphans(
    session: Session, community: store.Community, checked: _Checked, request: ImportRequest
) -> list[Problem]:
    """Stored rows that would point at buildings the new map no longer has."""
    assert checked.buildings is not None
    known = set(checked.buildings["building_id"])
    problems: list[Problem] = []
    if request.households is None:
        stored = store.load_households(session, community)
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
        stored_v = store.load_volunteers(session, community)
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


def run_import(session: Session, community_name: str, request: ImportRequest) -> dict[str, int]:
    """Check every file, then store all of it in one transaction.

    Returns
    -------
    dict
        Counts stored per kind (buildings, walk_edges, households, volunteers, teams).

    Raises
    ------
    InputError
        With every problem of every file; nothing is stored then.
    """
    checked = check(session, community_name, request)
    counts: dict[str, int] = {}
    try:
        community = store.get_or_create_community(session, community_name)
        network = None
        if checked.lines is not None:
            network = WalkingNetwork.from_lines(checked.lines)
        elif checked.edges is not None:
            network = WalkingNetwork.from_edges(checked.edges)
        if network is not None:
            counts["walk_edges"] = store.replace_network(session, community, network.edges)
        if checked.buildings is not None:
            buildings = checked.buildings
            if network is None:
                stored_edges = store.load_network_edges(session, community)
                network = (
                    WalkingNetwork.from_edges(stored_edges) if stored_edges is not None else None
                )
            if network is not None:
                buildings = network.snap_entrances(buildings)
            counts["buildings"] = store.replace_buildings(session, community, buildings)
        if checked.households is not None:
            counts["households"] = store.replace_households(session, community, checked.households)
        if checked.volunteers is not None:
            counts["volunteers"] = store.replace_volunteers(session, community, checked.volunteers)
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
        store.record_import(session, community, files, counts)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    log.info("import into community %s stored %s", community.id, counts)
    return counts
