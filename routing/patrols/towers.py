"""Building patrols: every floor of chosen towers once, by the stairs, within a slot."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from routing.costs import GROUND_FLOOR, CostParameters, vertical_time_s
from routing.errors import InputError, Problem
from routing.network import WalkingNetwork
from routing.patrols.kinds import PatrolKind, planned_kind
from routing.patrols.options import PatrolOptions
from routing.patrols.result import PatrolPlan
from routing.patrols.shift import check_slot
from routing.patrols.stops import Site, stops_plan, tour_routes
from routing.patrols.tours import Stops, plan_groups
from routing.schema import WGS84

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Band:
    """Consecutive floors of one tower's patrol walked in one go from the ground floor."""

    tower: int  # position in the chosen towers
    floors: tuple[int, ...]  # in walking order
    climb_s: float  # stairs from the ground floor through the floors and back down
    check_s: float  # checking each floor

    @property
    def time_s(self) -> float:
        """Seconds inside the tower."""
        return self.climb_s + self.check_s


def floor_walk(levels: int, basements: int) -> tuple[int, ...]:
    """A tower's floors in patrol order: up from the ground floor, then the basements.

    Parameters
    ----------
    levels : int
        Floors above ground (>= 1).
    basements : int
        Basement levels (>= 0).

    Returns
    -------
    tuple of int
        ``1, 2, …, levels, -1, …, -basements`` (there is no floor 0).
    """
    return (*range(1, levels + 1), *range(-1, -basements - 1, -1))


def band_of(tower: int, floors: Sequence[int], stop_s: float, params: CostParameters) -> Band:
    """The stairs and checking time of walking ``floors`` from the ground floor and back.

    Parameters
    ----------
    tower : int
        The tower's position.
    floors : sequence of int
        Floors checked, in walking order.
    stop_s : float
        Seconds to check one floor.
    params : CostParameters
        Stairs per floor, up and down (no lift: patrols check the stairwells).
    """
    path = np.array([GROUND_FLOOR, *floors, GROUND_FLOOR])
    climb = vertical_time_s(path[:-1], path[1:], False, params).sum()
    return Band(tower, tuple(int(f) for f in floors), float(climb), stop_s * len(floors))


def plan_building_routes(
    network: WalkingNetwork,
    buildings: gpd.GeoDataFrame,
    building_ids: Sequence[str],
    *,
    slot_s: float,
    routes: int | None = None,
    start: tuple[float, float] | None = None,
    kind: PatrolKind | None = None,
    options: PatrolOptions | None = None,
    params: CostParameters = CostParameters(),
) -> PatrolPlan:
    """Closed walks from one start through every floor of the chosen towers, by the stairs.

    Each tower is patrolled floor by floor from its entrance: up the stairs checking each
    floor, down again, then the basements (``floor_walk``), the stairs timed by
    ``routing.costs.vertical_time_s`` without a lift. A tower that does not fit one slot
    is cut into bands of consecutive floors, each walked from the ground floor. Bands are
    then toured like checkpoints (``routing.patrols.tours``): the fewest routes that fit
    the slot, or ``routes``. Every floor is checked exactly once.

    Parameters
    ----------
    network : WalkingNetwork
        The walking network.
    buildings : GeoDataFrame
        Buildings per ``BUILDING_COLUMNS`` (``levels``, ``basement_levels``, entrances).
    building_ids : sequence of str
        The towers to patrol.
    slot_s : float
        Length of a patrol slot in seconds.
    routes : int, optional
        Number of routes; default the fewest that fit.
    start : (float, float), optional
        ``(lon, lat)`` where routes start; default the network point nearest the centre.
    kind : PatrolKind, optional
        A building kind (its ``stop_s`` is the time per floor); default
        ``default_kind("building")``.
    options : PatrolOptions, optional
        Solver budget of each solve.
    params : CostParameters
        Stairs times.

    Returns
    -------
    PatrolPlan
        Kind "building"; ``checkpoints`` has one row per floor (``building_id``,
        ``floor``) with its route, order and planned ``arrival_s``.

    Raises
    ------
    InputError
        Unknown building ids, or a floor no route can reach within a slot.
    SlotTooShortError
        ``routes`` routes cannot fit the slot (a ValueError).
    """
    started = time.perf_counter()
    check_slot(slot_s)
    kind = planned_kind("plan_building_routes", kind, "building")
    options = options if options is not None else PatrolOptions()
    towers = _towers(network, buildings, building_ids)
    lon, lat = towers["entrance_lon"].to_numpy(float), towers["entrance_lat"].to_numpy(float)
    site = Site.on_network(network, start, lon, lat)
    bands = _bands(towers, site, slot_s, kind.stop_s, params)
    if routes is not None and routes > len(bands):
        raise ValueError(f"{routes} routes but only {len(bands)} floor band(s) to walk")
    at = np.array([b.tower for b in bands], dtype=np.intp)
    band_site = site.subset(at)
    service = np.array([b.time_s for b in bands])
    stops = Stops(band_site.time_s, service, np.zeros(len(bands)), np.full(len(bands), slot_s),
                  slot_s)  # fmt: skip
    tours = plan_groups([stops], routes, options)[0]
    frame = _floor_frame(network, towers, bands, kind.stop_s)
    ids = [[f"{towers['building_id'].iat[b.tower]}:{f}" for f in b.floors] for b in bands]
    count = len(tours.routes)
    out = tour_routes(
        network, band_site, tours, kind="building", ids=ids,
        climb_s=np.array([b.climb_s for b in bands]), service_s=service, start_s=None,
        slots=[()] * count, names=[f"R{i + 1:0{max(2, len(str(count)))}d}" for i in range(count)],
    )  # fmt: skip
    arrival: dict[str, float] = {}
    for b, band in enumerate(bands):
        offsets = _floor_offsets(band, kind.stop_s, params)
        arrival.update(zip(ids[b], (tours.begin_s[b] + offsets).tolist(), strict=True))
    return stops_plan(out, site, frame, arrival, started=started, kind=kind, slot_s=slot_s)


def _towers(
    network: WalkingNetwork, buildings: gpd.GeoDataFrame, building_ids: Sequence[str]
) -> gpd.GeoDataFrame:
    """The chosen buildings in the order given, entrances snapped."""
    wanted = [str(b).strip() for b in building_ids]
    if not wanted or any(not b for b in wanted):
        raise ValueError("choose at least one building id (blank ids are not allowed)")
    if len(set(wanted)) < len(wanted):
        raise ValueError("building ids must be distinct")
    ids = buildings["building_id"].astype(str)
    unknown = [b for b in wanted if b not in set(ids)]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        message = f"{len(unknown)} unknown building id(s): {shown}"
        raise InputError([Problem("buildings", None, "building_id", message)])
    chosen = buildings.assign(building_id=ids).set_index("building_id").loc[wanted].reset_index()
    return network.snap_entrances(gpd.GeoDataFrame(chosen, crs=buildings.crs).to_crs(WGS84))


def _bands(
    towers: gpd.GeoDataFrame, site: Site, slot_s: float, stop_s: float, params: CostParameters
) -> list[Band]:
    """Each tower whole when it fits a slot with the walk there and back, else in bands."""
    bands, problems = [], []
    levels = _whole(towers, "levels", 1, 1)
    basements = _whole(towers, "basement_levels", 0, 0)
    for t in range(len(towers)):
        walk = floor_walk(int(levels[t]), int(basements[t]))
        room = slot_s - site.time_s[0, t + 1] - site.time_s[t + 1, 0]
        first = 0
        while first < len(walk):
            stop = first + 1
            if band_of(t, walk[first:stop], stop_s, params).time_s > room:
                name = towers["building_id"].iat[t]
                message = (
                    f"building {name}: floor {walk[first]} cannot be reached, checked and left "
                    f"within a {slot_s / 60:.0f}-minute slot from the start"
                )
                problems.append(Problem("buildings", None, "building_id", message))
                break
            while (
                stop < len(walk)
                and band_of(t, walk[first : stop + 1], stop_s, params).time_s <= room
            ):
                stop += 1
            bands.append(band_of(t, walk[first:stop], stop_s, params))
            first = stop
    if problems:
        raise InputError(problems)
    return bands


def _whole(frame: pd.DataFrame, column: str, default: int, least: int) -> NDArray[np.int64]:
    """A column as whole numbers, ``default`` where missing, at least ``least``."""
    values = frame[column] if column in frame else pd.Series(default, index=frame.index)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return np.maximum(np.nan_to_num(numbers, nan=default), least).astype(np.int64)


def _floor_offsets(band: Band, stop_s: float, params: CostParameters) -> FloatArray:
    """Seconds from entering the tower to starting the check of each floor of a band."""
    path = np.array([GROUND_FLOOR, *band.floors])
    climb = np.cumsum(vertical_time_s(path[:-1], path[1:], False, params))
    return climb + stop_s * np.arange(len(band.floors))


def _floor_frame(
    network: WalkingNetwork, towers: gpd.GeoDataFrame, bands: list[Band], stop_s: float
) -> gpd.GeoDataFrame:
    """One row per floor checked, at its tower's entrance."""
    tower = np.array([b.tower for b in bands for _ in b.floors], dtype=np.intp)
    floor = np.array([f for b in bands for f in b.floors], dtype=int)
    ids = towers["building_id"].astype(str).to_numpy()[tower]
    names = towers["name"].fillna("").astype(str).to_numpy()[tower] if "name" in towers else ids
    lon = towers["entrance_lon"].to_numpy(float)[tower]
    lat = towers["entrance_lat"].to_numpy(float)[tower]
    snap = network.snap(lon, lat)
    return gpd.GeoDataFrame(
        {
            "checkpoint_id": [f"{b}:{f}" for b, f in zip(ids, floor, strict=True)],
            "name": np.where(names != "", names, ids),
            "edge": snap.edge,
            "route_id": "",
            "order": 0,
            "fraction": snap.fraction,
            "category": "",
            "hours": "",
            "service_s": stop_s,
            "arrival_s": np.nan,
            "building_id": ids,
            "floor": floor,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=WGS84,
    )
