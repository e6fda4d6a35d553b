"""A team's stored visit route for the published plan: computed once, read by every phone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from routing.visits.gpx import Waypoint, gpx_document
from routing.visits.result import stop_name
from web import store
from web.models import Community, FieldPath, FieldStop, TerritoryPlanRecord
from web.plans import load_assignment

log = logging.getLogger(__name__)
SOLVERS = ("visits", "sweep")
_STOP_FIELDS = (
    "session",
    "seq",
    "household_id",
    "building_id",
    "label",
    "floor",
    "unit",
    "lon",
    "lat",
    "arrival",
)


@dataclass(frozen=True)
class RouteOptions:
    """How a team route is computed: ``visits`` (OR-Tools, routing.visits) or ``sweep``.

    ``sweep`` orders buildings by nearest neighbour and walks each one top floor down;
    it needs no solver and is the fallback when the visit planner fails.
    """

    solver: str = "visits"
    time_limit_s: float = 2.0

    def __post_init__(self) -> None:
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {self.solver!r}")
        if not self.time_limit_s > 0:
            raise ValueError(f"time_limit_s must be > 0, got {self.time_limit_s!r}")


def team_households(
    session: Session, community: Community, plan: TerritoryPlanRecord, team_id: str
) -> pd.DataFrame:
    """The register rows of the team's households in ``plan``."""
    assignment = load_assignment(session, plan)
    mine = assignment.loc[assignment["team_id"] == team_id, "household_id"]
    households = store.load_households(session, community)
    return households[households["household_id"].isin(mine)].reset_index(drop=True)


def sweep_order(households: pd.DataFrame, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """Stops in nearest-neighbour building order, each building top floor down.

    Returns
    -------
    DataFrame
        ``_STOP_FIELDS`` columns, session 1, seq from 1.
    """
    places = _entrances(buildings[buildings["building_id"].isin(households["building_id"])])
    order = _nearest_neighbour(places[["x", "y"]].to_numpy())
    rank = {b: k for k, b in enumerate(places["building_id"].to_numpy()[order])}
    frame = households.assign(_rank=households["building_id"].map(rank))
    frame = frame.sort_values(["_rank", "floor", "unit"], ascending=[True, False, True])
    frame = frame.merge(places[["building_id", "label", "lon", "lat"]], on="building_id")
    frame = frame.assign(session=1, seq=np.arange(1, len(frame) + 1), arrival="")
    return frame.loc[:, list(_STOP_FIELDS)].reset_index(drop=True)


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


def _nearest_neighbour(xy: np.ndarray) -> list[int]:
    if len(xy) == 0:
        return []
    # Start at the building farthest from the centre: the walk then ends near the middle.
    current = int(np.argmax(np.linalg.norm(xy - xy.mean(axis=0), axis=1)))
    order, left = [current], np.ones(len(xy), dtype=bool)
    left[current] = False
    while left.any():
        distance = np.where(left, np.linalg.norm(xy - xy[current], axis=1), np.inf)
        current = int(np.argmin(distance))
        order.append(current)
        left[current] = False
    return order


def visits_order(
    households: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    team_id: str,
    network: object,
    time_limit_s: float,
) -> tuple[pd.DataFrame, shapely.Geometry]:
    """Stops and path from ``routing.visits.plan_visits``; households it leaves out follow
    in sweep order as a last session, so a team always sees all its doors."""
    from routing.network import WalkingNetwork
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
        rest = sweep_order(left, buildings).assign(session=len(plan.routes) + 1)
        stops = pd.concat([stops, rest], ignore_index=True)
    lines = [r.path for r in plan.routes if not r.path.is_empty]
    return stops, shapely.MultiLineString(lines) if lines else _straight(stops)


def _straight(stops: pd.DataFrame) -> shapely.Geometry:
    xy = stops[["lon", "lat"]].to_numpy(dtype=float)
    keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)] if len(xy) else []
    xy = xy[keep]
    return shapely.LineString(xy) if len(xy) > 1 else shapely.LineString()


def compute(
    session: Session,
    community: Community,
    plan: TerritoryPlanRecord,
    team_id: str,
    options: RouteOptions,
) -> FieldPath:
    """Compute and store the team's route for ``plan`` (replacing an older one)."""
    households = team_households(session, community, plan, team_id)
    buildings = store.load_buildings(session, community)
    stops, path, solver = None, None, options.solver
    if solver == "visits" and len(households):
        try:
            edges = store.load_network_edges(session, community)
            from routing.network import WalkingNetwork

            network = WalkingNetwork.from_edges(edges) if edges is not None else None
            stops, path = visits_order(
                households, buildings, team_id, network, options.time_limit_s
            )
        except (ValueError, RuntimeError) as error:
            log.warning("visit planner failed for a team route (%s); using the sweep", error)
    if stops is None or path is None:
        solver = "sweep"
        stops = sweep_order(households, buildings)
        path = _straight(stops)
    return _store(session, community, plan, team_id, stops, path, solver)


def _store(
    session: Session,
    community: Community,
    plan: TerritoryPlanRecord,
    team_id: str,
    stops: pd.DataFrame,
    path: shapely.Geometry,
    solver: str,
) -> FieldPath:
    where = (FieldStop.plan_id == plan.id, FieldStop.team_id == team_id)
    session.execute(delete(FieldStop).where(*where))
    session.execute(
        delete(FieldPath).where(FieldPath.plan_id == plan.id, FieldPath.team_id == team_id)
    )
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
    record = FieldPath(
        plan_id=plan.id,
        team_id=team_id,
        solver=solver,
        path_wkb=shapely.to_wkb(path),
        gpx=_gpx(team_id, stops, path),
    )
    session.add(record)
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


def ensure(
    session: Session,
    community: Community,
    plan: TerritoryPlanRecord,
    team_id: str,
    options: RouteOptions,
) -> FieldPath:
    """The stored route of the team for ``plan``, computed on first use."""
    found = session.scalar(
        select(FieldPath).where(FieldPath.plan_id == plan.id, FieldPath.team_id == team_id)
    )
    if found is not None:
        return found
    try:
        return compute(session, community, plan, team_id, options)
    except IntegrityError:  # another request stored it first
        session.rollback()
        again = session.scalar(
            select(FieldPath).where(FieldPath.plan_id == plan.id, FieldPath.team_id == team_id)
        )
        assert again is not None
        return again


def stops_of(session: Session, plan_id: int, team_id: str) -> list[FieldStop]:
    """The stored stops of the team for a plan, in order."""
    return list(
        session.scalars(
            select(FieldStop)
            .where(FieldStop.plan_id == plan_id, FieldStop.team_id == team_id)
            .order_by(FieldStop.session, FieldStop.seq)
        )
    )
