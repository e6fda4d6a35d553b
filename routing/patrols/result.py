"""Patrol routes and plans: the walked steps, their lengths and times, and a summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from routing.patrols.kinds import PatrolKind, default_kind
from routing.patrols.split import SplitStats
from routing.schema import WGS84

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

# Columns of PatrolPlan.checkpoints besides geometry.
CHECKPOINT_COLUMNS = ("checkpoint_id", "name", "edge", "route_id", "order", "fraction")
# Further columns of checkpoint and building plans (``plan.stops``).
STOP_COLUMNS = (
    "category",  # checkpoints: the point's kind from its file (积水点, 摊贩点…)
    "hours",  # checkpoints: "HH:MM-HH:MM" when the point matters only then, else ""
    "service_s",  # seconds spent there
    "arrival_s",  # planned arrival, seconds after the route's slot starts
    "building_id",  # building patrols: the tower, and the floor checked
    "floor",
)


@dataclass(frozen=True, eq=False)
class PatrolRoute:
    """One team's closed walk from the start point.

    Street routes: step i walks row ``edge[i]`` of the network's edges, from its ``u``
    end when ``forward[i]``; ``service[i]`` marks the step that covers a required
    street (each required street is covered by exactly one step of one route).
    Checkpoint and building routes have no steps (empty arrays): they go from stop to
    stop by the shortest walking paths drawn in ``geometry``.
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
    climb_s: float = 0.0  # stairs up and down inside towers
    wait_s: float = 0.0  # waiting for a checkpoint's hours to begin
    kind: str = "street"
    slots: tuple[int, ...] = ()  # rota slots (0-based) it may be walked in; () = any
    start_s: float | None = None  # clock seconds its schedule starts at (checkpoint hours)

    @property
    def deadhead_m(self) -> float:
        """Metres walked on streets covered elsewhere or already walked (streets only)."""
        return self.length_m - self.service_m if self.kind == "street" else 0.0

    @property
    def time_s(self) -> float:
        """The patrol's duration: walking, checkpoints or floors, stairs and waiting."""
        return self.walk_s + self.checkpoint_s + self.climb_s + self.wait_s


@dataclass(frozen=True, eq=False)
class PatrolPlan:
    """Routes of K teams covering the required streets, and how good they are."""

    routes: tuple[PatrolRoute, ...]
    start_lon: float
    start_lat: float
    required_m: float  # total length of the required streets
    postman_m: float  # the single-team walk (Chinese-postman optimum when exact)
    exact: bool  # required streets and start connected: postman_m is the optimum
    checkpoints: gpd.GeoDataFrame  # CHECKPOINT_COLUMNS (+ STOP_COLUMNS) + points, WGS84
    elapsed_s: float
    split: SplitStats | None = None
    kind: PatrolKind = field(default_factory=lambda: default_kind("street"))
    slot_s: float | None = None  # the slot every route fits, when one was asked for

    @property
    def longest_s(self) -> float:
        """Duration of the longest route."""
        return max(r.time_s for r in self.routes)

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
        slot = f"; slots of {self.slot_s / 60:.0f} min" if self.slot_s else ""
        if self.kind.kind == "street":
            how = "Chinese-postman optimum" if self.exact else "rural-postman heuristic"
            head = (
                f"{len(self.routes)} street route(s) over {self.required_m / 1000:.2f} km of "
                f"streets; single walk {self.postman_m / 1000:.2f} km ({how}); all routes "
                f"{self.total_m / 1000:.2f} km, deadhead {self.deadhead_m / 1000:.2f} km"
            )
        else:
            head = (
                f"{len(self.routes)} {self.kind.kind} route(s) over {len(self.checkpoints)} "
                f"stop(s); all routes {self.total_m / 1000:.2f} km"
            )
        lines = [
            f"{head}; longest/mean {self.balance:.3f}; longest {self.longest_s / 60:.0f} min"
            f"{slot}; {self.elapsed_s:.1f} s"
        ]
        for r in self.routes:
            dead = f" (deadhead {r.deadhead_m / 1000:.2f} km)" if r.kind == "street" else ""
            lines.append(
                f"{r.route_id}: {r.length_m / 1000:.2f} km{dead}, {r.time_s / 60:.0f} min, "
                f"{len(r.checkpoints)} {'floor' if r.kind == 'building' else 'checkpoint'}(s)"
            )
        return "\n".join(lines)

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """One row per route: ``route_id``, lengths, minutes, checkpoints, kind, the walk.

        ``time_min`` and ``duration_min`` are the same duration (walking, stops, stairs,
        waiting); ``time_min`` is kept for readers of the files before kinds existed.
        """
        minutes = [round(r.time_s / 60, 1) for r in self.routes]
        return gpd.GeoDataFrame(
            {
                "route_id": [r.route_id for r in self.routes],
                "length_m": [round(r.length_m, 1) for r in self.routes],
                "deadhead_m": [round(r.deadhead_m, 1) for r in self.routes],
                "time_min": minutes,
                "duration_min": minutes,
                "kind": [r.kind for r in self.routes],
                "checkpoints": [len(r.checkpoints) for r in self.routes],
            },
            geometry=[r.geometry for r in self.routes],
            crs=WGS84,
        )
