"""Plan a patrol from frames and write its routes, rota, calendars and printable PDFs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.doors import door_points
from routing.errors import InputError, Problem
from routing.network import WalkingNetwork
from routing.patrols import PatrolOptions, PatrolPlan, RotaOptions, SlotTooShortError
from routing.patrols.calendar import write_team_calendars
from routing.patrols.kinds import PatrolKind, default_kind
from routing.patrols.planner import (
    PatrolTargets,
    SlotTimes,
    plan_kind,
    route_demands,
    slot_labels_of,
    slot_times,
)
from routing.patrols.rota import Rota, solve_rota
from routing.progress import Progress
from routing.schema import WGS84
from routing.sources.area import read_area
from routing.sources.checkpoints import read_checkpoints
from web.pdf.fonts import find_cjk_font
from web.pdf.rota_pdf import rota_pdf
from web.pdf.route_sheet import SheetOptions, route_sheet_pdf
from web.pdf.text import Lang

if TYPE_CHECKING:  # the request module imports this one
    from web.patrols.operations import PatrolRequest

# The phone pages of the local service; route ids only, never personal data.
DEFAULT_BASE_URL: Final = "http://127.0.0.1:5000"
# Teams listed on a route sheet (those who walk it most often in the rota).
SHEET_TEAMS: Final = 4
CALENDARS: Final = "calendars"  # folder of the teams' .ics files, beside the contract files


@dataclass(frozen=True)
class Sheets:
    """What the printed sheets say beyond the plan: a title and where their QR codes lead.

    Attributes
    ----------
    title : str
        Printed on every page, e.g. the community's name.
    base_url : str
        Base of the QR codes' links, ``{base_url}/r/<export_key>/<route_id>``.
    export_key : str
        The web service's unguessable key of this export, under which it serves the
        routes' phone pages; "" prints ``{base_url}/r/<route_id>``.
    """

    title: str = ""
    base_url: str = DEFAULT_BASE_URL
    export_key: str = ""


DEFAULT_SHEETS: Final = Sheets()


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
    request: PatrolRequest,
    sheets: Sheets = DEFAULT_SHEETS,
    *,
    patrol_kind: PatrolKind | None = None,
    progress: Progress | None = None,
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
    request : PatrolRequest
        The kind and its targets, the rota, the solvers' budget, the language.
    sheets : Sheets
        Title and QR-code links of the printed sheets.
    patrol_kind : PatrolKind, optional
        The kind's configuration (checklist, times, frequency); default
        ``default_kind(request.kind, request.lang)``.
    progress : callable(fraction, message), optional
        Called between the steps and before each route sheet.

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
    """
    report = progress or _quiet
    if not team_ids:
        hint = "import a roster with 队伍, or form teams (the teams page or redvest form-teams)"
        raise InputError([Problem("teams", None, None, f"no teams: {hint}")])
    lang, title = request.lang, sheets.title
    font = find_cjk_font()  # fail before solving when the font is missing
    slots = slot_times(request.slots_per_day, request.slot_s)
    rota_options = RotaOptions(  # checked before the routes are planned
        weeks=request.weeks, slots_per_day=request.slots_per_day, slot_labels=slots.labels,
        time_limit_s=request.time_limit_s, seed=request.seed,
    )  # fmt: skip
    network = WalkingNetwork.from_edges(edges)
    config = patrol_kind if patrol_kind is not None else default_kind(request.kind, lang)
    report(0.05, "planning patrols")
    plan = _plan(network, buildings, request, config, slots)
    report(0.5, "planning the rota")
    rota = solve_rota(
        [r.route_id for r in plan.routes],
        team_ids,
        request.start_date or _next_monday(dt.date.today()),
        rota_options,
        demands=route_demands(plan),
    )
    if not rota.feasible:
        raise InputError(
            [Problem("rota", None, c.rule, _where(c.week) + c.message) for c in rota.conflicts]
        )
    report(0.7, "writing files")
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
    options = SheetOptions(sheets.base_url, lang, title, font, sheets.export_key)
    for done, route in enumerate(plan.routes):
        report(0.7 + 0.25 * done / len(plan.routes), "writing files")
        files.append(
            route_sheet_pdf(
                plan,
                route.route_id,
                out / f"route_{route.route_id}.pdf",
                options,
                team=teams.get(route.route_id, ""),
                slot_label=slot_of.get(route.route_id, ""),
                buildings=buildings.geometry,
                streets=network.edges.geometry,
            )
        )
    calendars = write_team_calendars(rota, out / CALENDARS, lang=lang, title=title, labels=labels)
    return PatrolExport(plan, rota, tuple(files), tuple(calendars))


def _plan(
    network: WalkingNetwork,
    buildings: gpd.GeoDataFrame,
    request: PatrolRequest,
    config: PatrolKind,
    slots: SlotTimes,
) -> PatrolPlan:
    """The kind's routes; planning problems as input errors, a slot overrun as itself."""
    if config.kind != request.kind:
        raise ValueError(
            f"the patrol kind's configuration is for {config.kind}, not {request.kind}"
        )
    targets = PatrolTargets(
        area=read_area(request.area) if request.area is not None else None,
        building_ids=request.buildings,
        buildings=buildings,
    )
    if request.kind == "street":
        targets = replace(targets, entrances=_entrances(network, buildings, request.lang),
                          max_checkpoints=request.max_checkpoints)  # fmt: skip
    elif request.checkpoints is not None:
        points = read_checkpoints(request.checkpoints)
        targets = replace(targets, checkpoints=points, source=request.checkpoints.name)
    slot_s = request.slot_s
    if slot_s is None and request.kind != "street":
        slot_s = slots.length_s
    options = PatrolOptions(
        time_limit_s=request.time_limit_s, max_solutions=request.max_solutions, seed=request.seed
    )
    try:
        return plan_kind(network, config, targets, routes=request.routes, slot_s=slot_s,
                         slots=slots, start=None, options=options)  # fmt: skip
    except (SlotTooShortError, InputError):
        raise
    except ValueError as error:
        where = {"street": "streets", "checkpoints": "checkpoints", "building": "buildings"}
        raise InputError([Problem(where[request.kind], None, None, str(error))]) from error


def _entrances(
    network: WalkingNetwork, buildings: gpd.GeoDataFrame, lang: Lang
) -> gpd.GeoDataFrame:
    """Building entrances as checkpoints, named, with the building's flats as priority."""
    snapped = buildings.to_crs(WGS84)
    doors = door_points(snapped, network)
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
        geometry=gpd.points_from_xy(doors["lon"], doors["lat"]),
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


def _quiet(fraction: float, message: str) -> None:
    """The progress callback of an export nobody watches."""


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def _where(week: int | None) -> str:
    return f"week {week}: " if week is not None else ""
