"""Plan patrols for a stored community and write routes, rota and printable PDFs to a folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from routing.errors import InputError, Problem, ProblemCollector
from routing.network import WalkingNetwork
from routing.patrols import PatrolOptions, PatrolPlan, RotaOptions, plan_patrol_routes
from routing.patrols.checkpoints import attach_checkpoints
from routing.patrols.rota import Rota, solve_rota
from routing.schema import WGS84
from routing.sources.limits import LIMITS
from routing.sources.vector import POLYGONAL, check_geometry, read_vector, to_wgs84
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


@dataclass(frozen=True, eq=False)
class PatrolExport:
    """What ``export_patrols`` planned and wrote."""

    plan: PatrolPlan
    rota: Rota
    files: tuple[Path, ...]

    def summary(self) -> str:
        """The plan, the rota and the files written."""
        lines = [self.plan.summary(), self.rota.summary()]
        return "\n".join(lines + [f"wrote {f}" for f in self.files])


def export_patrols(
    edges: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    team_ids: Sequence[str],
    out_dir: str | Path,
    *,
    routes: int,
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
) -> PatrolExport:
    """Split the streets into balanced routes, build the rota and write everything.

    Writes ``patrol_routes.geojson`` (one LineString per route: ``route_id``,
    ``team_id`` = the team walking it most often in the rota (ties: the first to walk
    it), ``length_m``, ``deadhead_m``, ``time_min``, ``checkpoints``), ``rota.csv``
    (``date,slot,route_id,team_id``; slot = its time label), ``rota.pdf`` and one
    ``route_<route_id>.pdf`` per route. Checkpoints are the building entrances on each
    route's streets, at most ``max_checkpoints`` per route, the buildings with most
    flats (levels × units per floor) first, listed in walking order.

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
    routes : int
        Number of routes K.
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

    Returns
    -------
    PatrolExport
        The plan, the rota and the paths written.

    Raises
    ------
    InputError
        No teams, an unreadable area file, no street in the area, or no feasible rota
        (one problem per rule and week that cannot hold).
    """
    if not team_ids:
        hint = "import a roster with 队伍, or form teams (the teams page or redvest form-teams)"
        raise InputError([Problem("teams", None, None, f"no teams: {hint}")])
    font = find_cjk_font()  # fail before solving when the font is missing
    network = WalkingNetwork.from_edges(edges)
    polygon = read_area(area) if isinstance(area, str | Path) else area
    options = PatrolOptions(time_limit_s=time_limit_s, seed=seed)
    try:
        plan = plan_patrol_routes(network, routes, area=polygon, start=start, options=options)
    except ValueError as error:
        raise InputError([Problem("streets", None, None, str(error))]) from error
    plan = attach_checkpoints(
        plan, network, _entrances(network, buildings, lang), max_per_route=max_checkpoints
    )
    rota = solve_rota(
        [r.route_id for r in plan.routes],
        team_ids,
        start_date or _next_monday(dt.date.today()),
        RotaOptions(weeks=weeks, slots_per_day=slots_per_day, time_limit_s=time_limit_s, seed=seed),
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
    files.append(rota_pdf(rota, out / "rota.pdf", lang=lang, title=title, font=font))
    teams = sheet_teams(rota)
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
            )
        )
    return PatrolExport(plan, rota, tuple(files))


def read_area(path: str | Path) -> BaseGeometry:
    """The union of the polygons of a vector file, in WGS84 (no CRS = WGS84).

    Read as every vector upload is (``routing.sources.vector``): the format checked from
    the file's own bytes, one GDAL driver, boundary size limits; invalid polygons repaired.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage or Shapefile (``.shp`` or zipped).

    Returns
    -------
    shapely geometry
        Polygon or MultiPolygon.

    Raises
    ------
    InputError
        Unreadable file, no polygon, or polygons no repair makes an area.
    """
    path = Path(path)
    problems = ProblemCollector(path.name)
    frame = read_vector(path, problems, "area polygons", LIMITS["boundary"])
    problems.raise_if_any()
    polygons = frame[frame.geom_type.isin(("Polygon", "MultiPolygon"))]
    if polygons.empty:
        problems.add(None, None, "the area file holds no polygon")
        problems.raise_if_any()
    repaired, _ = check_geometry(polygons.geometry, problems, POLYGONAL, "polygon")
    geometry = to_wgs84(repaired, problems)
    problems.raise_if_any()
    assert geometry is not None  # no problems means the CRS was usable
    return geometry.union_all()


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
