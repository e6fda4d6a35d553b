"""Door-to-door seconds between the households of a plan and its meeting points, and path lines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from routing.costs import GROUND_FLOOR, HouseholdCosts, vertical_time_s
from routing.network import TravelMatrix, WalkingNetwork, straight_line_matrix

FloatArray = NDArray[np.float64]
Point = tuple[float, float]


class TravelTimes:
    """Seconds between the plan's households (first ``n`` nodes) and depots (the rest).

    Households are door-to-door per ``HouseholdCosts`` (its ``submatrix``); a depot
    is a point outside: the walk to a building entrance plus the ride up to the floor.
    """

    def __init__(
        self,
        costs: HouseholdCosts,
        rows: Sequence[int],
        depots: Sequence[Point],
        doors: pd.DataFrame,
        network: WalkingNetwork | None,
    ):
        """Build the (n + depots) square matrix.

        Parameters
        ----------
        costs : HouseholdCosts
            The door-to-door cost model.
        rows : sequence of int
            Positions in ``costs`` of the households, in node order.
        depots : sequence of (lon, lat)
            Meeting points (start and end points), WGS84.
        doors : DataFrame
            Doors from ``routing.doors.door_points``: ``lon``, ``lat`` by building id.
        network : WalkingNetwork or None
            Walking network for the depot legs; None = straight line × detour factor.
        """
        self.costs = costs
        self.rows = np.asarray(rows, dtype=np.intp)
        self.depots = [(float(x), float(y)) for x, y in depots]
        self.n = len(self.rows)
        building = costs.building[self.rows]
        ids = costs.matrix.building_ids[building]
        missing = sorted(set(ids) - set(doors.index))
        if missing:
            raise ValueError(f"no entrance for building(s) {missing[:5]}")
        door = doors.reindex(pd.Index(ids))[["lon", "lat"]].to_numpy(dtype=float).reshape(-1, 2)
        self.door = door
        points = np.array(self.depots, dtype=float).reshape(-1, 2)
        walk = _walk(np.vstack([points, door]), points, network, costs)  # (d + n, d)
        self._depot_s, self._depot_m = walk.time_s, walk.distance_m
        self.floor = costs.floor[self.rows]
        self.lift = costs.has_lift[building]
        self.building = building
        self.seconds = self._assemble()

    @property
    def size(self) -> int:
        """Households plus depots."""
        return self.n + len(self.depots)

    def location(self, node: int) -> Point:
        """Where a node is: the household's building entrance or the depot point."""
        if node < self.n:
            return float(self.door[node, 0]), float(self.door[node, 1])
        return self.depots[node - self.n]

    def parts(self, a: int, b: int) -> tuple[float, float, float]:
        """Walking seconds, walking metres and vertical seconds of the leg a → b."""
        up_a = self._vertical_to_ground(a)
        up_b = self._vertical_from_ground(b)
        if a < self.n and b < self.n:
            bi, bj = self.building[a], self.building[b]
            if bi == bj:
                inside = vertical_time_s(
                    self.floor[a], self.floor[b], self.lift[a], self.costs.params
                )
                return 0.0, 0.0, float(inside)
            matrix = self.costs.matrix
            return float(matrix.time_s[bi, bj]), float(matrix.distance_m[bi, bj]), up_a + up_b
        row, column = self._walk_cell(a, b)
        return float(self._depot_s[row, column]), float(self._depot_m[row, column]), up_a + up_b

    def _walk_cell(self, a: int, b: int) -> tuple[int, int]:
        """Cell of the (point → depot) walk matrices for a leg that touches a depot."""
        d = len(self.depots)
        if a >= self.n and b >= self.n:
            return a - self.n, b - self.n
        if a >= self.n:  # depot → household: the walk is symmetric
            return d + b, a - self.n
        return d + a, b - self.n

    def _vertical_to_ground(self, node: int) -> float:
        if node >= self.n:
            return 0.0
        return float(
            vertical_time_s(self.floor[node], GROUND_FLOOR, self.lift[node], self.costs.params)
        )

    def _vertical_from_ground(self, node: int) -> float:
        if node >= self.n:
            return 0.0
        return float(
            vertical_time_s(GROUND_FLOOR, self.floor[node], self.lift[node], self.costs.params)
        )

    def _assemble(self) -> FloatArray:
        n, d = self.n, len(self.depots)
        out = np.zeros((n + d, n + d))
        out[:n, :n] = self.costs.submatrix(self.rows)
        params = self.costs.params
        up = vertical_time_s(GROUND_FLOOR, self.floor, self.lift, params)
        down = vertical_time_s(self.floor, GROUND_FLOOR, self.lift, params)
        to_depot = self._depot_s[d:, :]  # (n, d): entrance → depot
        out[:n, n:] = down[:, None] + to_depot
        out[n:, :n] = to_depot.T + up[None, :]
        out[n:, n:] = self._depot_s[:d, :]
        return out


def _walk(
    points: FloatArray, depots: FloatArray, network: WalkingNetwork | None, costs: HouseholdCosts
) -> TravelMatrix:
    """Walking from every point to every depot."""
    if network is None:
        params = costs.params
        return straight_line_matrix(
            points[:, 0],
            points[:, 1],
            depots[:, 0],
            depots[:, 1],
            params.detour_factor,
            params.speed,
        )
    return network.matrix(points[:, 0], points[:, 1], depots[:, 0], depots[:, 1])


def leg_line(a: Point, b: Point, network: WalkingNetwork | None) -> shapely.LineString:
    """The walking path between two points (fastest), straight without a network."""
    if network is None or a == b:
        return shapely.LineString([a, b])
    return network.path(a[0], a[1], b[0], b[1], weight="time")
