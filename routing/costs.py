"""Door-to-door time between households: walking, lifts and stairs, and service time."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from routing.doors import door_points
from routing.errors import InputError, Problem
from routing.network import (
    DEFAULT_DETOUR_FACTOR,
    TravelMatrix,
    WalkingNetwork,
    WalkingSpeed,
    straight_line_matrix,
)
from routing.tags import has_hardship_tag

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
GROUND_FLOOR = 1


def _check_seconds(name: str, value: Any) -> None:
    valid = isinstance(value, Real) and not isinstance(value, bool)
    if not (valid and math.isfinite(float(value)) and float(value) >= 0):
        raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")


@dataclass(frozen=True)
class CostParameters:
    """Every time assumption of redvest, in one place; override any of them.

    Attributes
    ----------
    speed : WalkingSpeed
        Walking speed and slowdowns (1.2 m/s, steps ×2, elevator edge 30 s).
    detour_factor : float
        Network / straight-line distance assumed without a walking network, 1.3.
    lift_wait_s : float
        Waiting for a lift, 30 s, paid once per ride.
    lift_per_floor_s : float
        Lift travel per floor, 2.5 s.
    stairs_up_per_floor_s, stairs_down_per_floor_s : float
        Climbing 15 s and descending 10 s per floor on the stairs. With a lift people
        take whichever is faster, so one or two floors are walked.
    service_s : tuple of (str, float)
        Time spent at a stop by visit type: ``registration`` 300 s (5 min),
        ``hardship_visit`` 900 s (15 min), ``patrol_checkpoint`` 120 s (2 min).
    hardship_weight : float
        Households with a tag in ``routing.tags.HARDSHIP_TAGS`` (elderly living alone, disabled,
        families in difficulty) take this many times the service time of a visit,
        2.0: volunteers stay to listen and help. A ``hardship_visit`` is paid to
        those households only, at its own service time (the weight is already in it).
    """

    speed: WalkingSpeed = field(default_factory=WalkingSpeed)
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    lift_wait_s: float = 30.0
    lift_per_floor_s: float = 2.5
    stairs_up_per_floor_s: float = 15.0
    stairs_down_per_floor_s: float = 10.0
    service_s: tuple[tuple[str, float], ...] = (
        ("registration", 300.0),
        ("hardship_visit", 900.0),
        ("patrol_checkpoint", 120.0),
    )
    hardship_weight: float = 2.0

    def __post_init__(self) -> None:
        if not isinstance(self.speed, WalkingSpeed):
            raise TypeError(f"speed must be a WalkingSpeed, got {type(self.speed).__name__}")
        if not (np.isfinite(self.detour_factor) and self.detour_factor >= 1):
            raise ValueError(f"detour_factor must be >= 1, got {self.detour_factor!r}")
        if not (np.isfinite(self.hardship_weight) and self.hardship_weight >= 1):
            raise ValueError(f"hardship_weight must be >= 1, got {self.hardship_weight!r}")
        for name in ("lift_wait_s", "lift_per_floor_s"):
            _check_seconds(name, getattr(self, name))
        for name in ("stairs_up_per_floor_s", "stairs_down_per_floor_s"):
            _check_seconds(name, getattr(self, name))
        for visit_type, seconds in self.service_s:
            _check_seconds(f"service_s[{visit_type!r}]", seconds)
        if "hardship_visit" not in self.services:
            raise ValueError("service_s needs a 'hardship_visit' entry")

    @property
    def services(self) -> Mapping[str, float]:
        """Service seconds by visit type, read-only."""
        return MappingProxyType(dict(self.service_s))


def vertical_time_s(
    from_floor: ArrayLike, to_floor: ArrayLike, has_lift: ArrayLike, params: CostParameters
) -> FloatArray:
    """Seconds to go from one floor to another inside a building.

    Floors count as in the schema: 1 is the ground floor, -1 the first basement; there
    is no floor 0, so 1 → -1 is one floor down. With a lift people take the faster of
    the lift (wait + per floor) and the stairs.

    Parameters
    ----------
    from_floor, to_floor : array_like of int
        Floors (broadcast together), never 0.
    has_lift : array_like of bool
        Whether the building has a lift (broadcast with the floors).
    params : CostParameters
        Lift and stairs times.

    Returns
    -------
    ndarray of float
        Seconds, 0 where the floors are equal.
    """
    start, end = _storey(from_floor), _storey(to_floor)
    delta = end - start
    stairs = np.where(
        delta > 0, delta * params.stairs_up_per_floor_s, -delta * params.stairs_down_per_floor_s
    )
    lift = params.lift_wait_s + np.abs(delta) * params.lift_per_floor_s
    return np.where(np.asarray(has_lift, dtype=bool), np.minimum(lift, stairs), stairs)


def building_matrix(
    buildings: gpd.GeoDataFrame,
    network: WalkingNetwork | None,
    params: CostParameters = CostParameters(),
) -> TravelMatrix:
    """Walking matrix between the doors of buildings (``routing.doors.door_points``).

    Parameters
    ----------
    buildings : GeoDataFrame
        Per ``BUILDING_COLUMNS`` (``building_id``, ``entrance_lon``/``_lat``, geometry).
    network : WalkingNetwork or None
        The walking network; ``None`` falls back to straight lines × detour factor.
    params : CostParameters
        Speed and detour factor.

    Returns
    -------
    TravelMatrix
        Square matrices in the order of ``buildings``, with their ``building_ids``.
    """
    if buildings.crs is None:
        raise ValueError("buildings have no CRS; expected WGS84 (EPSG:4326)")
    ids = buildings["building_id"].astype(str).to_numpy(dtype=object)
    if len(set(ids)) < len(ids):
        raise ValueError("building_id values must be unique")
    doors = door_points(buildings, network)
    lon, lat = doors["lon"].to_numpy(), doors["lat"].to_numpy()
    if network is None:
        m = straight_line_matrix(lon, lat, lon, lat, params.detour_factor, params.speed)
    else:
        m = network.matrix(lon, lat, lon, lat)
    return m.between_buildings(ids)


class HouseholdCosts:
    """Door-to-door times between households, from a building matrix and floors.

    Stores per-household building rows and floors and the building-level matrix only:
    never a household × household matrix.
    """

    def __init__(
        self,
        households: pd.DataFrame,
        buildings: pd.DataFrame,
        matrix: TravelMatrix,
        params: CostParameters = CostParameters(),
    ):
        """Index households by building row, floor, lift and hardship.

        Parameters
        ----------
        households : DataFrame
            Per ``HOUSEHOLD_COLUMNS`` (``household_id``, ``building_id``, ``floor``,
            ``tags``).
        buildings : DataFrame
            ``building_id`` and ``has_lift`` of every building in ``matrix``.
        matrix : TravelMatrix
            Walking times between the buildings' entrances.
        params : CostParameters
            Lift, stairs and service times.
        """
        self.params = params
        self.matrix = matrix
        self.household_ids = households["household_id"].astype(str).to_numpy(dtype=object)
        building_ids = households["building_id"].astype(str)
        self.building = matrix.index_of(building_ids)
        self.floor = households["floor"].to_numpy(dtype=np.int64)
        _check_households(building_ids[self.building < 0], self.floor)
        lift = pd.Series(
            buildings["has_lift"].to_numpy(dtype=bool), index=buildings["building_id"].astype(str)
        )
        self.has_lift = lift.reindex(matrix.building_ids).fillna(False).to_numpy(dtype=bool)
        tags = (
            households["tags"] if "tags" in households.columns else pd.Series("", households.index)
        )
        self.hardship = has_hardship_tag(tags)
        self._walk_s = matrix.time_s

    def __len__(self) -> int:
        return len(self.household_ids)

    def between(self, i: ArrayLike, j: ArrayLike) -> FloatArray:
        """Door-to-door seconds from households i to households j (positions, broadcast).

        Same building: the vertical trip between the floors. Different buildings: down
        to the ground floor, the walk between entrances, up to the floor.
        """
        i, j = np.broadcast_arrays(np.asarray(i, dtype=np.intp), np.asarray(j, dtype=np.intp))
        bi, bj, fi, fj = self.building[i], self.building[j], self.floor[i], self.floor[j]
        lift_i, lift_j = self.has_lift[bi], self.has_lift[bj]
        inside = vertical_time_s(fi, fj, lift_i, self.params)
        out = vertical_time_s(fi, GROUND_FLOOR, lift_i, self.params)
        out += self._walk_s[bi, bj]
        out += vertical_time_s(GROUND_FLOOR, fj, lift_j, self.params)
        return np.where(bi == bj, inside, out)

    def submatrix(self, idx: ArrayLike) -> FloatArray:
        """Dense |idx| × |idx| door-to-door seconds between the given households."""
        idx = np.asarray(idx, dtype=np.intp)
        return self.between(idx[:, None], idx[None, :])

    def workload_s(self, visit_type: str = "registration") -> FloatArray:
        """Seconds each household costs a team: service time plus the climb up and down.

        Hardship households take ``hardship_weight`` × the service time; a
        ``hardship_visit`` goes to hardship households only (0 for the others).
        """
        services = self.params.services
        if visit_type not in services:
            raise ValueError(f"unknown visit type {visit_type!r}; known: {sorted(services)}")
        service = np.full(len(self), services[visit_type])
        if visit_type == "hardship_visit":
            service[~self.hardship] = 0.0
        else:
            service[self.hardship] *= self.params.hardship_weight
        lift = self.has_lift[self.building]
        climb = vertical_time_s(GROUND_FLOOR, self.floor, lift, self.params)
        climb += vertical_time_s(self.floor, GROUND_FLOOR, lift, self.params)
        return np.where(service > 0, service + climb, 0.0)


def _storey(floor: ArrayLike) -> NDArray[np.int64]:
    """Floors as consecutive storeys: 1 → 1, -1 → 0, -2 → -1 (there is no floor 0)."""
    values = np.asarray(floor, dtype=np.int64)
    if (values == 0).any():
        raise ValueError("there is no floor 0: ground is 1, the first basement -1")
    return np.where(values < 0, values + 1, values)


def _check_households(unknown_buildings: pd.Series, floor: NDArray[np.int64]) -> None:
    problems = []
    if len(unknown_buildings):
        shown = ", ".join(sorted(set(unknown_buildings))[:5])
        message = f"{len(unknown_buildings)} household(s) in unknown buildings: {shown}"
        problems.append(Problem("households", None, "building_id", message))
    if (floor == 0).any():
        message = f"{int((floor == 0).sum())} household(s) on floor 0, which does not exist"
        problems.append(Problem("households", None, "floor", message))
    if problems:
        raise InputError(problems)
