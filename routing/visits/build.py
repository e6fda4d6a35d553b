"""From households and a meeting point to the solver's integer instance."""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.costs import HouseholdCosts, building_matrix
from routing.doors import door_points
from routing.hours import Window, describe
from routing.network import TravelMatrix, WalkingNetwork
from routing.visits.assemble import Instance
from routing.visits.model import RoutingProblem
from routing.visits.options import UNITS_PER_SECOND, VisitOptions
from routing.visits.prepare import Visits
from routing.visits.travel import Point, TravelTimes


class Site:
    """The cost model, entrances and building labels a plan works with."""

    def __init__(
        self,
        costs: HouseholdCosts,
        doors: pd.DataFrame,
        labels: pd.Series,
        network: WalkingNetwork | None,
    ):
        self.costs, self.doors, self.labels, self.network = costs, doors, labels, network

    @classmethod
    def build(
        cls,
        households: pd.DataFrame,
        buildings: gpd.GeoDataFrame,
        costs: HouseholdCosts | TravelMatrix | None,
        network: WalkingNetwork | None,
        options: VisitOptions,
    ) -> Site:
        """Entrances of the households' buildings and, unless given, their cost model."""
        if "building_id" not in households.columns:
            raise ValueError("households need a building_id column")
        used = set(households["building_id"].astype(str))
        ids = buildings["building_id"].astype(str)
        mine = buildings.loc[ids.isin(used).to_numpy()].reset_index(drop=True)
        if isinstance(costs, TravelMatrix):
            costs = HouseholdCosts(households, buildings, costs, options.costs)
        elif costs is None:
            matrix = building_matrix(mine, network, options.costs)
            costs = HouseholdCosts(households, mine, matrix, options.costs)
        names = mine["name"] if "name" in mine.columns else pd.Series("", index=mine.index)
        labels = pd.Series(
            names.fillna("").astype(str).to_numpy(), index=mine["building_id"].astype(str)
        )
        return cls(costs, door_points(mine, network), labels, network)

    def centre(self, building_ids: pd.Series) -> Point:
        """The entrance nearest the centre of the given buildings' entrances."""
        ids = pd.Index(building_ids.astype(str).unique())
        doors = self.doors.loc[self.doors.index.intersection(ids)]
        if doors.empty:
            raise ValueError("no household building has an entrance to start from")
        xy = doors.to_numpy(dtype=float)
        # Degrees are fine for picking the nearest of a few close points.
        k = int(np.argmin(((xy - xy.mean(axis=0)) ** 2).sum(axis=1)))
        return float(xy[k, 0]), float(xy[k, 1])


def make_instance(
    site: Site,
    visits: Visits,
    depots: list[Point],
    pairs: Sequence[tuple[int, int]],
    window: Window,
) -> tuple[Instance, dict[int, str]]:
    """Nodes of the households that can be planned, and why the others cannot.

    A household is plannable when its windows meet the session and some team can walk
    from its start point, visit it alone and reach its end point within the session.

    Parameters
    ----------
    site : Site
        Cost model and entrances.
    visits : Visits
        The households with service times and windows.
    depots : list of (lon, lat)
        Meeting points; node ``n + k`` is ``depots[k]``.
    pairs : sequence of (int, int)
        (start, end) depot positions of each team or session.
    window : (float, float)
        The session.

    Returns
    -------
    tuple
        The instance, and reasons by ``visits`` position for households left out.
    """
    left = {k: why for k, why in enumerate(visits.reason) if why}
    nodes = visits.plannable
    instance = _instance(site, visits, nodes, depots, window)
    n = instance.travel.n
    checks = [instance.check(n + a, n + b) for a, b in pairs]
    reach = [i for i in range(n) if any(check([i])[0] for check in checks)]
    if len(reach) == n:
        return instance, left
    why = f"cannot be reached, visited and left within the session {describe([window])}"
    left.update({nodes[i]: why for i in range(n) if i not in set(reach)})
    return _instance(site, visits, [nodes[i] for i in reach], depots, window), left


def to_problem(
    instance: Instance,
    starts: Sequence[int],
    ends: Sequence[int],
    options: VisitOptions,
    *,
    balance: bool = False,
) -> RoutingProblem:
    """The integer instance: seconds scaled by ``UNITS_PER_SECOND``, priorities as penalties.

    Travel and service are rounded up and windows inward, so what the solver deems
    feasible stays feasible in seconds. Leaving a priority-p household out costs more
    than any route (the session length × the balance and waiting weights) times
    ``priority_weight ** (p - 1)``. Waiting is charged, so teams are not sent to stand
    at doors before windows open.

    Parameters
    ----------
    instance : Instance
        Households and depots.
    starts, ends : sequence of int
        Start and end node of each vehicle (team or session).
    options : VisitOptions
        Priority and balance weights.
    balance : bool
        Add the event-day balance terms.

    Returns
    -------
    RoutingProblem
        Node i is household node i; depots follow.
    """
    u = UNITS_PER_SECOND
    travel = np.ceil(instance.travel.seconds * u - 1e-9).astype(np.int64)
    service = np.ceil(instance.service_s * u - 1e-9).astype(np.int64)
    first, last = math.ceil(instance.window[0] * u), math.floor(instance.window[1] * u)
    windows = tuple(
        tuple((math.ceil(a * u), math.floor(b * u)) for a, b in w) for w in instance.windows
    ) + ((),) * len(instance.travel.depots)
    vehicles = len(starts)
    weight = max(1, round(options.balance_weight * vehicles)) if balance else 0
    waiting = weight + 1  # above the floor charge, so that idling never pays
    # Any insertion adds less than the session length to travel, the longest duration
    # and waiting: leaving a visit out must cost more.
    base = (last - first) * (1 + weight + waiting) + 1
    priority = np.concatenate([instance.column("priority"), np.ones(len(instance.travel.depots))])
    penalty = np.round(base * options.priority_weight ** (priority - 1)).astype(np.int64)
    floor, floor_weight = 0, 0
    if balance and vehicles > 1:
        # A team's duration averages at least its share of visits and cheapest arrivals.
        into = np.sort(travel[:, : instance.travel.n], axis=0)[1] if instance.travel.n else []
        floor = int((service.sum() + np.sum(into)) / vehicles)
        floor_weight = weight
    return RoutingProblem(
        travel,
        service,
        tuple(starts),
        tuple(ends),
        (first, last),
        penalty,
        windows,
        balance=weight,
        duration_floor=floor,
        duration_floor_weight=floor_weight,
        waiting_weight=waiting,
    )


def session_bound(instance: Instance) -> int:
    """Fewest sessions that could hold every household: work over session length."""
    n = instance.travel.n
    if n == 0:
        return 1
    seconds = instance.travel.seconds
    into = np.sort(seconds[:, :n], axis=0)[1]  # cheapest arrival at each (row 0 is itself)
    work = float(instance.service_s[:n].sum() + into.sum())
    return max(1, math.ceil(work / (instance.window[1] - instance.window[0]) - 1e-9))


def _instance(
    site: Site, visits: Visits, nodes: Sequence[int], depots: list[Point], window: Window
) -> Instance:
    rows = visits.frame["row"].to_numpy(dtype=np.intp)[list(nodes)].tolist()
    travel = TravelTimes(site.costs, rows, depots, site.doors, site.network)
    return Instance(visits, tuple(nodes), travel, site.labels, window, site.network)
