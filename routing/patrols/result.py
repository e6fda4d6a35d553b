"""Patrol routes and plans: the walked steps, their lengths and times, and a summary."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from routing.patrols.split import SplitStats
from routing.schema import WGS84

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

# Columns of PatrolPlan.checkpoints besides geometry.
CHECKPOINT_COLUMNS = ("checkpoint_id", "name", "edge", "route_id", "order", "fraction")


@dataclass(frozen=True, eq=False)
class PatrolRoute:
    """One team's closed walk from the start point.

    Step i walks row ``edge[i]`` of the network's edges, from its ``u`` end when
    ``forward[i]``; ``service[i]`` marks the step that covers a required street (each
    required street is covered by exactly one step of one route).
    """

    route_id: str
    edge: IntArray
    forward: BoolArray
    service: BoolArray
    length_m: float
    service_m: float  # required streets this route covers
    walk_s: float  # walking time of the whole walk
    checkpoint_s: float  # time spent at its checkpoints
    checkpoints: tuple[str, ...]  # checkpoint ids in walking order
    geometry: shapely.LineString  # the walk, WGS84

    @property
    def deadhead_m(self) -> float:
        """Metres walked on streets covered elsewhere or already walked."""
        return self.length_m - self.service_m

    @property
    def time_s(self) -> float:
        """Walking plus checkpoint time."""
        return self.walk_s + self.checkpoint_s


@dataclass(frozen=True, eq=False)
class PatrolPlan:
    """Routes of K teams covering the required streets, and how good they are."""

    routes: tuple[PatrolRoute, ...]
    start_lon: float
    start_lat: float
    required_m: float  # total length of the required streets
    postman_m: float  # the single-team walk (Chinese-postman optimum when exact)
    exact: bool  # required streets and start connected: postman_m is the optimum
    checkpoints: gpd.GeoDataFrame  # CHECKPOINT_COLUMNS + point geometry, WGS84
    elapsed_s: float
    split: SplitStats | None = None

    @property
    def max_m(self) -> float:
        """Length of the longest route."""
        return max(r.length_m for r in self.routes)

    @property
    def total_m(self) -> float:
        """Length of all routes together."""
        return float(sum(r.length_m for r in self.routes))

    @property
    def balance(self) -> float:
        """Longest route / mean route length (1.0 = perfectly even)."""
        return self.max_m / (self.total_m / len(self.routes))

    @property
    def deadhead_m(self) -> float:
        """Metres walked beyond the required streets, all routes together."""
        return self.total_m - self.required_m

    def route(self, route_id: str) -> PatrolRoute:
        """The route with this id."""
        for r in self.routes:
            if r.route_id == route_id:
                return r
        raise KeyError(f"no route {route_id!r}; routes are {[r.route_id for r in self.routes]}")

    def summary(self) -> str:
        """One line for the plan, then one per route."""
        kind = "Chinese-postman optimum" if self.exact else "rural-postman heuristic"
        lines = [
            f"{len(self.routes)} route(s) over {self.required_m / 1000:.2f} km of streets; "
            f"single walk {self.postman_m / 1000:.2f} km ({kind}); "
            f"all routes {self.total_m / 1000:.2f} km, deadhead {self.deadhead_m / 1000:.2f} km; "
            f"longest/mean {self.balance:.3f}; {self.elapsed_s:.1f} s"
        ]
        for r in self.routes:
            lines.append(
                f"{r.route_id}: {r.length_m / 1000:.2f} km (deadhead {r.deadhead_m / 1000:.2f}"
                f" km), {r.time_s / 60:.0f} min, {len(r.checkpoints)} checkpoint(s)"
            )
        return "\n".join(lines)

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """One row per route: ``route_id``, lengths, minutes, checkpoints, the walk (WGS84)."""
        return gpd.GeoDataFrame(
            {
                "route_id": [r.route_id for r in self.routes],
                "length_m": [round(r.length_m, 1) for r in self.routes],
                "deadhead_m": [round(r.deadhead_m, 1) for r in self.routes],
                "time_min": [round(r.time_s / 60, 1) for r in self.routes],
                "checkpoints": [len(r.checkpoints) for r in self.routes],
            },
            geometry=[r.geometry for r in self.routes],
            crs=WGS84,
        )
