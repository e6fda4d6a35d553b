"""A team's stored visit route for the published plan: computed once, read by every phone."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Row, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from routing.network import WalkingNetwork
from routing.territories import Progress
from routing.visits.gpx import Waypoint, gpx_document
from routing.visits.result import stop_name
from routing.visits.sweep import SWEEP_COLUMNS, sweep_stops
from web.plans import load_assignment
from web.storage import frames
from web.storage.models import Community, FieldPath, FieldStop, TerritoryPlanRecord
from web.storage.network import load_network

log = logging.getLogger(__name__)
SOLVERS = ("visits", "sweep")
_STOP_FIELDS = SWEEP_COLUMNS  # a sweep's stops are stored as they come


@dataclass(frozen=True)
class RouteOptions:
    """How a team route is computed: ``visits`` (OR-Tools, routing.visits) or ``sweep``.

    ``sweep`` (``routing.visits.sweep``) walks the buildings in a short order, each top
    floor down; it needs no solver and is the fallback when the visit planner fails.
    """

    solver: str = "visits"
    time_limit_s: float = 2.0

    def __post_init__(self) -> None:
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {self.solver!r}")
        if not self.time_limit_s > 0:
            raise ValueError(f"time_limit_s must be > 0, got {self.time_limit_s!r}")


@dataclass(frozen=True)
class _Ground:
    """What every team route of one plan is computed from: loaded once per plan."""

    assignment: pd.DataFrame
    households: pd.DataFrame
    buildings: gpd.GeoDataFrame
    places: pd.DataFrame
    network: WalkingNetwork | None

    def mine(self, team_id: str) -> pd.DataFrame:
        """The register rows of the team's households."""
        ids = self.assignment.loc[self.assignment["team_id"] == team_id, "household_id"]
        return self.households[self.households["household_id"].isin(ids)].reset_index(drop=True)


def _ground(
    session: Session, community: Community, plan: TerritoryPlanRecord, options: RouteOptions
) -> _Ground:
    buildings = frames.load_buildings(session, community)
    network = load_network(session, community) if options.solver == "visits" else None
    return _Ground(
        load_assignment(session, plan),
        frames.load_households(session, community),
        buildings,
        _entrances(buildings),
        network,
    )


def _entrances(buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    centroid = buildings.to_crs(buildings.estimate_utm_crs()).centroid.to_crs(4326)
    lon = buildings["entrance_lon"].fillna(pd.Series(centroid.x, index=buildings.index))
    lat = buildings["entrance_lat"].fillna(pd.Series(centroid.y, index=buildings.index))
    metric = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326)
    metric = metric.to_crs(metric.estimate_utm_crs())
    label = buildings["name"].where(buildings["name"].astype(bool), buildings["building_id"])
    return pd.DataFrame(
        {
            "building_id": buildings["building_id"].to_numpy(),
            "label": label.to_numpy(),
            "lon": lon.to_numpy(),
            "lat": lat.to_numpy(),
            "x": metric.x.to_numpy(),
            "y": metric.y.to_numpy(),
        }
    )


def visits_order(
    households: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    team_id: str,
    network: object,
    time_limit_s: float,
    places: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, shapely.Geometry]:
    """Stops and path from ``routing.visits.plan_visits``; households it leaves out follow
    in sweep order (among ``places``, default the buildings' entrances) as a last session,
    so a team always sees all its doors."""
    from routing.visits import VisitOptions, plan_visits

    plan = plan_visits(
        households,
        buildings,
        team_id=team_id,
        network=network if isinstance(network, WalkingNetwork) else None,
        options=VisitOptions(time_limit_s=time_limit_s, max_sessions=4),
    )
    frames = [r.detail.loc[:, list(_STOP_FIELDS)] for r in plan.routes]
    stops = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_STOP_FIELDS)
    left = households[~households["household_id"].isin(stops["household_id"])]
    if len(left):
        places = _entrances(buildings) if places is None else places
        rest = sweep_stops(left, places).assign(session=len(plan.routes) + 1)
        stops = pd.concat([stops, rest], ignore_index=True)
    lines = [r.path for r in plan.routes if not r.path.is_empty]
    return stops, shapely.MultiLineString(lines) if lines else _straight(stops)


def _straight(stops: pd.DataFrame) -> shapely.Geometry:
    xy = stops[["lon", "lat"]].to_numpy(dtype=float)
    keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)] if len(xy) else []
    xy = xy[keep]
    return shapely.LineString(xy) if len(xy) > 1 else shapely.LineString()


def _route(
    ground: _Ground, team_id: str, options: RouteOptions
) -> tuple[pd.DataFrame, shapely.Geometry, str]:
    """Stops, path and the solver that made them."""
    households = ground.mine(team_id)
    if options.solver == "visits" and len(households):
        try:
            stops, path = visits_order(
                households,
                ground.buildings,
                team_id,
                ground.network,
                options.time_limit_s,
                ground.places,
            )
            return stops, path, "visits"
        except (ValueError, RuntimeError) as error:
            log.warning("visit planner failed for a team route (%s); using the sweep", error)
    stops = sweep_stops(households, ground.places)
    return stops, _straight(stops), "sweep"


def compute_all(
    session: Session,
    community: Community,
    plan: TerritoryPlanRecord,
    options: RouteOptions,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Compute and store the route of every team of the community not yet stored for ``plan``.

    Each route is committed on its own, so the teams done before a cancel keep theirs
    and a phone opening meanwhile (``ensure``) finds or computes its own.

    Parameters
    ----------
    options : RouteOptions
        Solver and time limit per team.
    progress : callable(fraction, message), optional
        Called before each team (a job's progress; it may raise to cancel).
    cancelled : callable() -> bool, optional
        Checked before each team; stops the work when it returns True.

    Returns
    -------
    int
        The number of routes computed here (not those already stored).
    """
    stored = set(session.scalars(select(FieldPath.team_id).where(FieldPath.plan_id == plan.id)))
    todo = [t for t in frames.load_team_ids(session, community) if t not in stored]
    ground, done = None, 0
    for k, team_id in enumerate(todo):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(k / len(todo), f"team {team_id}")
        if _stored(session, plan.id, team_id) is not None:  # a phone of the team was first
            continue
        if ground is None:
            ground = _ground(session, community, plan, options)
        route = _route(ground, team_id, options)
        try:
            _store(session, community, plan, team_id, *route)
        except IntegrityError:  # ... or stored it while this one was computed
            session.rollback()
            continue
        done += 1
    return done


def _store(
    session: Session,
    community: Community,
    plan: TerritoryPlanRecord,
    team_id: str,
    stops: pd.DataFrame,
    path: shapely.Geometry,
    solver: str,
) -> FieldPath:
    """Store a route once: an existing one raises IntegrityError. A stored route is never
    replaced, so the stop ids a phone holds (and the stops ``web.field.views`` caches by
    route id) never change under it; a new plan gets new routes."""
    record = FieldPath(
        plan_id=plan.id,
        team_id=team_id,
        solver=solver,
        path_wkb=shapely.to_wkb(path),
        gpx=_gpx(team_id, stops, path),
    )
    session.add(record)
    # The path row first: its unique (plan, team) key settles a race before any stop is written.
    session.flush()
    rows = stops.astype({"floor": int, "session": int, "seq": int, "lon": float, "lat": float})
    rows = rows.assign(
        community_id=community.id,
        plan_id=plan.id,
        team_id=team_id,
        arrival=rows["arrival"].fillna("").astype(str).str[:8],
    )
    if len(rows):
        records: list[dict[str, Any]] = rows.to_dict("records")  # type: ignore[assignment]
        session.execute(insert(FieldStop), records)
    session.commit()
    return record


def _gpx(team_id: str, stops: pd.DataFrame, path: shapely.Geometry) -> str:
    rows: list[dict[str, Any]] = stops.to_dict("records")  # type: ignore[assignment]
    waypoints = [
        Waypoint(
            float(s["lon"]),
            float(s["lat"]),
            stop_name(str(s["label"]), int(s["floor"]), str(s["unit"])),
            f"#{s['seq']}",
        )
        for s in rows
    ]
    coords = shapely.get_coordinates(path)
    track = shapely.LineString(coords) if len(coords) > 1 else shapely.LineString()
    return gpx_document(f"team {team_id}", waypoints, track)


def _stored(session: Session, plan_id: int, team_id: str) -> FieldPath | None:
    return session.scalar(
        select(FieldPath).where(FieldPath.plan_id == plan_id, FieldPath.team_id == team_id)
    )


def ensure(
    session: Session,
    community: Community,
    plan: TerritoryPlanRecord,
    team_id: str,
    options: RouteOptions,
) -> FieldPath:
    """The stored route of the team for ``plan``, computed on first use.

    Publishing computes every route in a job (``web.field.tasks``); this is the fallback
    for a phone that opens before the job reached its team.
    """
    found = _stored(session, plan.id, team_id)
    if found is not None:
        return found
    ground = _ground(session, community, plan, options)
    try:
        route = _route(ground, team_id, options)
        return _store(session, community, plan, team_id, *route)
    except IntegrityError:  # the job or another request stored it first
        session.rollback()
        again = _stored(session, plan.id, team_id)
        assert again is not None
        return again


def prune(session: Session, community: Community, keep_plan_ids: Collection[int]) -> int:
    """Delete the stored routes of the community's plans other than ``keep_plan_ids``.

    Visit records name the household, not the stop, so no record is lost; a phone still
    holding a pruned stop id has its unsent records refused, which is why the caller
    keeps the plans phones may still show.

    Returns
    -------
    int
        The number of team routes (paths) deleted.
    """
    plans = select(TerritoryPlanRecord.id).where(
        TerritoryPlanRecord.community_id == community.id,
        TerritoryPlanRecord.id.not_in(list(keep_plan_ids)),
    )
    paths = FieldPath.plan_id.in_(plans)
    count = session.scalar(select(func.count()).select_from(FieldPath).where(paths)) or 0
    session.execute(
        delete(FieldStop).where(
            FieldStop.community_id == community.id,
            FieldStop.plan_id.not_in(list(keep_plan_ids)),
        )
    )
    session.execute(delete(FieldPath).where(paths))
    session.commit()
    return int(count)


# The columns a phone, a map and a sheet read of a stop, selected without ORM objects:
# phones read them on every page and stop-list load.
_STOP_COLUMNS = (FieldStop.id, *(getattr(FieldStop, name) for name in _STOP_FIELDS))


def stops_of(session: Session, plan_id: int, team_id: str) -> tuple[Row[Any], ...]:
    """The stored stops of the team for a plan, in order (rows with ``id`` and the
    ``_STOP_FIELDS`` columns as attributes)."""
    return tuple(
        session.execute(
            select(*_STOP_COLUMNS)
            .where(FieldStop.plan_id == plan_id, FieldStop.team_id == team_id)
            .order_by(FieldStop.session, FieldStop.seq)
        )
    )
