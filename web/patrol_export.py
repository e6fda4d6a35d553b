"""Plan patrols for a stored community and write routes, rota and printable PDFs to a folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from routing.errors import InputError, Problem
from routing.network import WalkingNetwork
from routing.patrols import PatrolOptions, PatrolPlan, RotaOptions, SlotTooShortError
from routing.patrols.calendar import write_team_calendars
from routing.patrols.kinds import KIND_NAMES, KindName, PatrolKind, default_kind
from routing.patrols.planner import (
    PatrolTargets,
    SlotTimes,
    plan_kind,
    route_demands,
    slot_labels_of,
    slot_times,
)
from routing.patrols.rota import Rota, solve_rota
from routing.schema import WGS84
from routing.sources.area import read_area
from routing.sources.checkpoints import read_checkpoints
from web.pdf.fonts import find_cjk_font
from web.pdf.rota_pdf import rota_pdf
from web.pdf.route_sheet import route_sheet_pdf
from web.pdf.text import Lang

# The phone pages of the local service; route ids only, never personal data.
DEFAULT_BASE_URL: Final = "http://127.0.0.1:5000"
# Building entrances printed per route sheet, the largest buildings first.
MAX_CHECKPOINTS: Final = 20
# Teams listed on a route sheet (those who walk it most often in the rota).
SHEET_TEAMS: Final = 4
MAX_ROUTES: Final = 200
SLOT_MINUTES: Final = (10, 720)
CALENDARS: Final = "calendars"  # folder of the teams' .ics files, beside the contract files


@dataclass(frozen=True)
class PatrolSpec:
    """Which patrol to plan: its kind, targets, route count and slot length.

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
    """

    kind: KindName = "street"
    routes: int | None = None
    slot_minutes: int | None = None
    checkpoints: Path | None = None
    buildings: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.kind not in KIND_NAMES:
            raise ValueError(f"--kind must be one of {', '.join(KIND_NAMES)}, got {self.kind!r}")
        if self.routes is not None and not 1 <= self.routes <= MAX_ROUTES:
            raise ValueError(f"--routes must be in 1..{MAX_ROUTES}, got {self.routes}")
        low, high = SLOT_MINUTES
        if self.slot_minutes is not None and not low <= self.slot_minutes <= high:
            raise ValueError(f"--slot-minutes must be in {low}..{high}, got {self.slot_minutes}")
        if self.kind == "street" and self.routes is None and self.slot_minutes is None:
            raise ValueError("street patrols need --routes K, --slot-minutes N, or both")
        if (self.kind == "checkpoints") != (self.checkpoints is not None):
            raise ValueError("--checkpoints FILE goes with --kind checkpoints (and it needs one)")
        if (self.kind == "building") != bool(self.buildings):
            raise ValueError("--buildings ID,… goes with --kind building (and it needs them)")

    @property
    def slot_s(self) -> float | None:
        """The slot length in seconds, when given."""
        return None if self.slot_minutes is None else 60.0 * self.slot_minutes


@dataclass(frozen=True, eq=False)
class PatrolExport:
    """What ``export_patrols`` planned and wrote."""

    plan: PatrolPlan
    rota: Rota
    files: tuple[Path, ...]
    calendars: tuple[Path, ...] = ()

    def summary(self) -> str:
        """The plan, the rota and the files written."""
        lines = [self.plan.summary(), self.rota.summary()]
        lines += [f"wrote {f}" for f in self.files]
        if self.calendars:
            folder = self.calendars[0].parent
            lines.append(f"wrote {len(self.calendars)} team calendar(s) (.ics) to {folder}")
        return "\n".join(lines)


def export_patrols(
    edges: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    team_ids: Sequence[str],
    out_dir: str | Path,
    *,
    routes: int | None = None,
    weeks: int = 4,
    slots_per_day: int = 2,
    lang: Lang = "zh",
    time_limit_s: float = 10.0,
    seed: int = 0,
    area: str | Path | BaseGeometry | None = None,
    start: tuple[float, float] | None = None,
    start_date: dt.date | None = None,
    base_url: str = DEFAULT_BASE_URL,
    title: str = "",
    max_checkpoints: int = MAX_CHECKPOINTS,
    export_key: str = "",
    kind: KindName = "street",
    slot_minutes: int | None = None,
    checkpoints: str | Path | None = None,
    building_ids: Sequence[str] = (),
    patrol_kind: PatrolKind | None = None,
    max_solutions: int | None = None,
) -> PatrolExport:
    """Plan the routes of a patrol kind, build the rota and write everything.

    Street patrols split the streets into balanced routes; checkpoint patrols tour the
    points of a file inside their hours; building patrols climb every floor of the
    chosen towers by the stairs. With ``slot_minutes`` every route fits the slot (the
    fewest routes that fit, or ``SlotTooShortError`` for a ``routes`` count that cannot).

    Writes ``patrol_routes.geojson`` (one LineString per route: ``route_id``,
    ``team_id`` = the team walking it most often in the rota (ties: the first to walk
    it), ``length_m``, ``deadhead_m``, ``time_min`` = ``duration_min`` (walking, stops,
    stairs), ``kind``, ``checkpoints``), ``rota.csv`` (``date,slot,route_id,team_id``;
    slot = its time label), ``rota.pdf``, one ``route_<route_id>.pdf`` per route (its
    kind's checklist table) and one ``calendars/<team_id>.ics`` per team on the rota.
    Street sheets list the building entrances on each route's streets, at most
    ``max_checkpoints`` per route, the buildings with most flats (levels × units per
    floor) first, in walking order.

    Parameters
    ----------
    edges : GeoDataFrame
        The stored walking network (``u``, ``v``, ``length``/``length_m``, ``highway``).
    buildings : GeoDataFrame
        Buildings per ``schema.BUILDING_COLUMNS`` (WGS84).
    team_ids : sequence of str
        Teams of the rota.
    out_dir : str or Path
        Folder for the files (created if missing).
    routes : int, optional
        Number of routes K; optional with ``slot_minutes`` and for checkpoint and
        building patrols (the fewest that fit the slot).
    weeks, slots_per_day : int
        Length of the rota and patrols per day per route.
    lang : {"zh", "en"}
        Language of the PDFs.
    time_limit_s : float
        Budget of the route split and, separately, of the rota.
    seed : int
        Seed of the solvers.
    area : str, Path or shapely geometry, optional
        Polygon (WGS84) or a GeoJSON/GeoPackage/Shapefile of polygons: only its streets.
    start : (float, float), optional
        ``(lon, lat)`` where routes start and end; default the centre of the streets.
    start_date : datetime.date, optional
        First day of the rota; default next Monday.
    base_url : str
        Base of the QR codes' links, ``{base_url}/r/<export_key>/<route_id>``.
    title : str
        Printed on every page, e.g. the community's name.
    max_checkpoints : int
        Checkpoints per route sheet.
    export_key : str
        The web service's unguessable key of this export, under which it serves the
        routes' phone pages; "" (the command line) prints ``{base_url}/r/<route_id>``.
    kind : {"street", "checkpoints", "building"}
        The patrol kind (see ``PatrolSpec``).
    slot_minutes : int, optional
        Longest patrol; the rota's slots last that long from their usual starts.
    checkpoints : str or Path, optional
        Checkpoint patrols: the file of points (``routing.sources.checkpoints``).
    building_ids : sequence of str
        Building patrols: the towers.
    patrol_kind : PatrolKind, optional
        The kind's configuration (checklist, times, frequency); default
        ``default_kind(kind, lang)``.
    max_solutions : int, optional
        Work budget of each route search (``PatrolOptions.max_solutions``): plans that
        repeat on any machine; None = the time limit only.

    Returns
    -------
    PatrolExport
        The plan, the rota and the paths written.

    Raises
    ------
    InputError
        No teams, an unreadable area or checkpoint file, unknown towers, no street in
        the area, or no feasible rota (one problem per rule and week that cannot hold).
    SlotTooShortError
        ``routes`` routes cannot fit ``slot_minutes`` (a ValueError: by how much, and
        the count that fits).
    ValueError
        Options out of range (see ``PatrolSpec``).
    """
    paths = Path(checkpoints) if checkpoints is not None else None
    spec = PatrolSpec(kind, routes, slot_minutes, paths, tuple(building_ids))
    if not team_ids:
        hint = "import a roster with 队伍, or form teams (the teams page or redvest form-teams)"
        raise InputError([Problem("teams", None, None, f"no teams: {hint}")])
    font = find_cjk_font()  # fail before solving when the font is missing
    slots = slot_times(slots_per_day, spec.slot_s)
    rota_options = RotaOptions(  # checked before the routes are planned
        weeks=weeks, slots_per_day=slots_per_day, slot_labels=slots.labels,
        time_limit_s=time_limit_s, seed=seed,
    )  # fmt: skip
    network = WalkingNetwork.from_edges(edges)
    config = patrol_kind if patrol_kind is not None else default_kind(spec.kind, lang)
    options = PatrolOptions(time_limit_s=time_limit_s, max_solutions=max_solutions, seed=seed)
    plan = _plan(network, buildings, spec, config, slots, area, start, lang, max_checkpoints,
                 options)  # fmt: skip
    rota = solve_rota(
        [r.route_id for r in plan.routes],
        team_ids,
        start_date or _next_monday(dt.date.today()),
        rota_options,
        demands=route_demands(plan),
    )
    if not rota.feasible:
        raise InputError(
            [Problem("rota", None, c.rule, _where(c.week) + c.message) for c in rota.conflicts]
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = [
        _write_routes(plan, rota, out / "patrol_routes.geojson"),
        rota.to_csv(out / "rota.csv"),
    ]
    labels = {str(config.kind): config.label} if config.label else None
    files.append(
        rota_pdf(rota, out / "rota.pdf", lang=lang, title=title, font=font, kind_labels=labels)
    )
    teams, slot_of = sheet_teams(rota), slot_labels_of(plan, slots)
    for route in plan.routes:
        files.append(
            route_sheet_pdf(
                plan,
                route.route_id,
                out / f"route_{route.route_id}.pdf",
                base_url=base_url,
                team=teams.get(route.route_id, ""),
                buildings=buildings.geometry,
                streets=network.edges.geometry,
                lang=lang,
                title=title,
                font=font,
                export_key=export_key,
                slot_label=slot_of.get(route.route_id, ""),
            )
        )
    calendars = write_team_calendars(rota, out / CALENDARS, lang=lang, title=title, labels=labels)
    return PatrolExport(plan, rota, tuple(files), tuple(calendars))


def _plan(
    network: WalkingNetwork,
    buildings: gpd.GeoDataFrame,
    spec: PatrolSpec,
    config: PatrolKind,
    slots: SlotTimes,
    area: str | Path | BaseGeometry | None,
    start: tuple[float, float] | None,
    lang: Lang,
    max_checkpoints: int,
    options: PatrolOptions,
) -> PatrolPlan:
    """The kind's routes; planning problems as input errors, a slot overrun as itself."""
    if config.kind != spec.kind:
        raise ValueError(f"the patrol kind's configuration is for {config.kind}, not {spec.kind}")
    targets = PatrolTargets(
        area=read_area(area) if isinstance(area, str | Path) else area,
        building_ids=spec.buildings,
        buildings=buildings,
    )
    if spec.kind == "street":
        targets = replace(targets, entrances=_entrances(network, buildings, lang),
                          max_checkpoints=max_checkpoints)  # fmt: skip
    elif spec.checkpoints is not None:
        points = read_checkpoints(spec.checkpoints)
        targets = replace(targets, checkpoints=points, source=spec.checkpoints.name)
    slot_s = spec.slot_s if spec.slot_s is not None or spec.kind == "street" else slots.length_s
    try:
        return plan_kind(network, config, targets, routes=spec.routes, slot_s=slot_s, slots=slots,
                         start=start, options=options)  # fmt: skip
    except (SlotTooShortError, InputError):
        raise
    except ValueError as error:
        where = {"street": "streets", "checkpoints": "checkpoints", "building": "buildings"}
        raise InputError([Problem(where[spec.kind], None, None, str(error))]) from error


def _entrances(
    network: WalkingNetwork, buildings: gpd.GeoDataFrame, lang: Lang
) -> gpd.GeoDataFrame:
    """Building entrances as checkpoints, named, with the building's flats as priority."""
    snapped = network.snap_entrances(buildings.to_crs(WGS84))
    ids = snapped["building_id"].astype(str)
    name = snapped["name"].fillna("").astype(str) if "name" in snapped else ids.map(lambda _: "")
    fallback = ("楼栋 " if lang == "zh" else "Building ") + ids
    flats = _column(snapped, "levels") * _column(snapped, "units_per_floor")
    return gpd.GeoDataFrame(
        {
            "checkpoint_id": ids.to_numpy(),
            "name": np.where(name.str.strip() != "", name, fallback),
            "priority": np.asarray(flats, dtype=float),
        },
        geometry=gpd.points_from_xy(snapped["entrance_lon"], snapped["entrance_lat"]),
        crs=WGS84,
    )


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A numeric column, 1 where missing."""
    values = frame[name] if name in frame else pd.Series(1, index=frame.index)
    return pd.to_numeric(values, errors="coerce").fillna(1).astype(float)


def _write_routes(plan: PatrolPlan, rota: Rota, path: Path) -> Path:
    frame = plan.to_geodataframe()
    frame.insert(1, "team_id", frame["route_id"].map(rota.route_team()).fillna(""))
    path.unlink(missing_ok=True)  # the GeoJSON driver will not overwrite
    frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def sheet_teams(rota: Rota) -> dict[str, str]:
    """Per route: the teams that walk it most often, e.g. ``T005, T017, T033 …``."""
    out = {}
    for route, teams in rota.teams_by_route().items():
        more = " …" if len(teams) > SHEET_TEAMS else ""
        out[route] = ", ".join(teams[:SHEET_TEAMS]) + more
    return out


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def _where(week: int | None) -> str:
    return f"week {week}: " if week is not None else ""
