"""Solver routes turned into timed stops, totals, path lines and the list of who is left."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from routing.hours import Window, clock
from routing.network import WalkingNetwork
from routing.visits.prepare import Visits
from routing.visits.result import DROPPED_COLUMNS, STOP_COLUMNS, RouteTotals, SessionRoute
from routing.visits.schedule import RouteCheck, order_floors, timeline
from routing.visits.travel import TravelTimes, leg_line


@dataclass(frozen=True, eq=False)
class Instance:
    """A plan's households as nodes: node i is ``visits`` position ``nodes[i]``."""

    visits: Visits
    nodes: tuple[int, ...]
    travel: TravelTimes
    labels: pd.Series  # building label (name or id) by building id
    window: Window
    network: WalkingNetwork | None

    @property
    def service_s(self) -> np.ndarray:
        """Visit length per household node, then 0 per depot."""
        own = self.visits.frame["service_s"].to_numpy(dtype=float)[list(self.nodes)]
        return np.concatenate([own, np.zeros(len(self.travel.depots))])

    @property
    def windows(self) -> list[tuple[Window, ...]]:
        """Allowed visit start windows per household node."""
        return [self.visits.windows[k] for k in self.nodes]

    def column(self, name: str) -> np.ndarray:
        """A column of the visits frame, per household node."""
        return self.visits.frame[name].to_numpy()[list(self.nodes)]

    def check(self, start: int, end: int) -> RouteCheck:
        """Feasibility and travel of routes between two depot nodes."""
        return RouteCheck(
            start, end, self.travel.seconds, self.service_s, self.windows, self.window
        )


def session_route(
    instance: Instance,
    route: Sequence[int],
    start: int,
    end: int,
    *,
    team_id: str,
    session: int,
    sweeps: bool,
) -> SessionRoute:
    """Timed stops, totals and legs of one route (household nodes in order).

    Parameters
    ----------
    instance : Instance
        The households, matrix and session.
    route : sequence of int
        Household nodes in visit order.
    start, end : int
        Depot nodes.
    team_id : str
        Written in every stop row.
    session : int
        Session number, from 1.
    sweeps : bool
        Whether to reorder each building's floors into sweeps (``order_floors``).

    Returns
    -------
    SessionRoute
        With times recomputed in seconds from the matrix, independent of the solver.
    """
    check = instance.check(start, end)
    if sweeps:
        route = order_floors(
            route,
            instance.column("building_id"),
            instance.column("floor"),
            instance.column("unit"),
            check,
        )
    times = timeline(route, *check.args)
    if not times.feasible:
        raise RuntimeError("the solver returned a route that misses a window or the session end")
    positions = [instance.nodes[node] for node in route]
    frame = instance.visits.frame.iloc[positions].reset_index(drop=True)
    doors = np.array([instance.travel.location(node) for node in route]).reshape(-1, 2)
    detail = pd.DataFrame(
        {
            "team_id": team_id,
            "session": session,
            "seq": np.arange(1, len(route) + 1),
            "household_id": frame["household_id"],
            "building_id": frame["building_id"],
            "floor": frame["floor"],
            "unit": frame["unit"],
            "arrival": [clock(t) for t in times.begin],
            "departure": [clock(t) for t in times.end],
            "label": instance.labels.reindex(frame["building_id"]).fillna("").to_numpy(),
            "lon": doors[:, 0],
            "lat": doors[:, 1],
            "arrival_s": times.begin,
            "departure_s": times.end,
            "wait_s": times.begin - times.arrival,
            "priority": frame["priority"],
        },
        columns=[
            *STOP_COLUMNS,
            "label",
            "lon",
            "lat",
            "arrival_s",
            "departure_s",
            "wait_s",
            "priority",
        ],
    )
    detail["label"] = detail["label"].where(detail["label"] != "", detail["building_id"])
    nodes = [start, *route, end]
    totals = _totals(instance, nodes, times.begin - times.arrival, times.back_s)
    return SessionRoute(session, detail, _legs(instance, nodes), totals)


def dropped_frame(visits: Visits, positions: Sequence[int], reasons: Sequence[str]) -> pd.DataFrame:
    """Households left out, most important first (priority, then input order).

    Parameters
    ----------
    visits : Visits
        The plan's households.
    positions : sequence of int
        Their positions in ``visits``.
    reasons : sequence of str
        Why each was left out.

    Returns
    -------
    DataFrame
        ``DROPPED_COLUMNS``.
    """
    frame = visits.frame.iloc[list(positions)]
    out = pd.DataFrame(
        {
            "household_id": frame["household_id"].to_numpy(),
            "reason": list(reasons),
            "priority": frame["priority"].to_numpy(dtype=np.int64),
            "order": list(positions),
        },
    )
    out = out.sort_values(["priority", "order"], ascending=[False, True], kind="stable")
    return out.loc[:, list(DROPPED_COLUMNS)].reset_index(drop=True)


def _totals(
    instance: Instance, nodes: Sequence[int], waits: np.ndarray, back_s: float
) -> RouteTotals:
    walk_s = walk_m = vertical = 0.0
    for a, b in itertools.pairwise(nodes):
        seconds, metres, up_down = instance.travel.parts(a, b)
        walk_s, walk_m, vertical = walk_s + seconds, walk_m + metres, vertical + up_down
    service = float(instance.service_s[list(nodes[1:-1])].sum())
    start = instance.window[0]
    return RouteTotals(walk_s, walk_m, vertical, service, float(waits.sum()), start, float(back_s))


def _legs(instance: Instance, nodes: Sequence[int]) -> tuple[shapely.LineString, ...]:
    """Lines between consecutive distinct places (a building visited floor by floor is one)."""
    places = [instance.travel.location(node) for node in nodes]
    stops = [places[0]] + [p for prev, p in itertools.pairwise(places) if p != prev]
    if len(stops) == 1:
        stops.append(stops[0])
    return tuple(leg_line(a, b, instance.network) for a, b in itertools.pairwise(stops))
