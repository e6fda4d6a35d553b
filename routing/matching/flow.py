"""Min-cost flow over candidate edges: urgency tiers first, then distance, team, skill, load."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from routing.matching.candidates import Edges, cost_rows
from routing.matching.instance import OTHER, UNFIT, UNSKILLED, Instance, IntArray
from routing.matching.options import UNITS_PER_M, MatchOptions


class FlowFailedError(RuntimeError):
    """OR-Tools did not solve the flow (e.g. costs out of its range)."""


@dataclass(frozen=True, eq=False)
class FlowAnswer:
    """Volunteer row per case (-1 = left out) and which cases went through a hub."""

    assigned: IntArray
    via_hub: NDArray[np.bool_]


def solve(instance: Instance, options: MatchOptions, edges: Edges) -> FlowAnswer:
    """Assign cases to volunteers by one min-cost flow.

    The network: every case has one unit of supply; it flows to the sink through a
    candidate volunteer (edge cost from ``candidates.cost_rows``) and one of the
    volunteer's free slots, or directly through its "left out" arc. A volunteer has
    ``remaining`` slots; the slot that makes their k-th open case costs
    ``(k - 1) × load_m`` (rising costs balance the load). Leaving out a case of urgency
    tier t costs ``(t + 1) × B``, with ``B`` larger than the cost of any chain of
    reassignments, so the optimum never leaves out a case for one of a lower tier nor
    when a volunteer could take it: urgency first, then the fewest cases left out,
    then the cheapest assignment.

    A case whose candidates are not all the volunteers who fit it also reaches them
    through a hub per (category, hours): case → hub at the largest cost any edge can
    have, hub → every fitting volunteer with room at their skill penalty. So who is
    placed and who is left out is exact over every fitting volunteer, whatever the
    candidates; a case that needed the hub is placed with a volunteer the hub allowed
    and gets its real edges in the next round (``match_cases``).

    Parameters
    ----------
    instance : Instance
        The problem.
    options : MatchOptions
        Weights.
    edges : Edges
        Candidate case → volunteer edges.

    Returns
    -------
    FlowAnswer
        The assignment and the cases placed through a hub.

    Raises
    ------
    FlowFailedError
        When the costs are too large for OR-Tools' integers, or it reports anything
        but an optimal flow.
    """
    n, n_vol = instance.n_cases, instance.n_volunteers
    none = FlowAnswer(np.full(n, -1, dtype=np.intp), np.zeros(n, dtype=bool))
    if n == 0 or n_vol == 0:
        return none
    hub_of, hub_vol, hub_cost, upper = _hubs(instance, options, ~edges.complete)
    n_hub = int(hub_of.max(initial=-1)) + 1
    sink = n + n_vol + n_hub
    # A volunteer needs no more slots than edges reach them (a hub may send any number).
    reach = np.bincount(edges.volunteer, minlength=n_vol)
    reach[hub_vol[:, 1]] = instance.remaining[hub_vol[:, 1]]
    slots = np.minimum(instance.remaining, reach)
    slot_vol = np.repeat(np.arange(n_vol), slots)
    k = np.arange(len(slot_vol)) - np.repeat(np.cumsum(slots) - slots, slots)
    slot_cost = np.rint((instance.load[slot_vol] + k) * options.load_m * UNITS_PER_M)
    slot_cost = slot_cost.astype(np.int64)
    # B exceeds the cost of any simple cycle that avoids the left-out arcs: at most one
    # arc per node, none dearer than the dearest edge, hub path or slot.
    dearest = max(
        int(edges.cost.max(initial=0)), upper, int(hub_cost.max(initial=0)),
        int(slot_cost.max(initial=0)),
    )  # fmt: skip
    bound = dearest * (sink + 1) + 1
    # OR-Tools scales costs by about the node count inside; stay well within int64.
    if (int(instance.urgency.max()) + 1) * bound > np.iinfo(np.int64).max // (4 * (sink + 1)):
        raise FlowFailedError(
            f"costs too large for the flow solver (an edge costs up to {dearest:,} m; "
            "are the distances in metres?)"
        )
    drop_cost = (instance.urgency + 1) * bound

    via = np.flatnonzero(hub_of >= 0)
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = [edges.case, via, n + n_vol + hub_vol[:, 0], n + slot_vol, np.arange(n)]
    heads = [
        n + edges.volunteer, n + n_vol + hub_of[via], n + hub_vol[:, 1],
        np.full(len(slot_vol), sink), np.full(n, sink),
    ]  # fmt: skip
    costs = [edges.cost, np.full(len(via), upper), hub_cost, slot_cost, drop_cost]
    capacity = [
        np.ones(len(edges.case)), np.ones(len(via)), instance.remaining[hub_vol[:, 1]],
        np.ones(len(slot_vol)), np.ones(n),
    ]  # fmt: skip
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(capacity).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    supply = np.zeros(sink + 1, dtype=np.int64)
    supply[:n], supply[sink] = 1, -n
    flow.set_nodes_supplies(np.arange(sink + 1), supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise FlowFailedError(f"min-cost flow ended with status {status}")
    sent = flow.flows(np.arange(flow.num_arcs())) > 0
    first = len(edges.case)
    assigned = none.assigned.copy()
    assigned[edges.case[sent[:first]]] = edges.volunteer[sent[:first]]
    hubbed = via[sent[first : first + len(via)]]
    start = first + len(via)
    taken = flow.flows(np.arange(start, start + len(hub_vol)))
    _place_hub_cases(instance, options, assigned, hubbed, hub_of, hub_vol, taken)
    via_hub = np.zeros(n, dtype=bool)
    via_hub[hubbed] = True
    return FlowAnswer(assigned, via_hub)


def _hubs(
    instance: Instance, options: MatchOptions, needs_hub: NDArray[np.bool_]
) -> tuple[IntArray, IntArray, NDArray[np.int64], int]:
    """Hub per (category, hours) of the cases that need one, and its volunteer arcs.

    Returns
    -------
    (ndarray, ndarray, ndarray, int)
        Hub per case (-1 = none), (hub, volunteer) rows, their costs (the skill
        penalty), and the cost of every case → hub arc: the largest walk (or
        ``outside_m``) plus ``other_team_m``, at least any real edge's walk and team part.
    """
    hub_of = np.full(instance.n_cases, -1, dtype=np.intp)
    keys = np.column_stack([instance.category_row, instance.hours_row])
    wanted = needs_hub & (instance.category_row >= 0)
    pairs, costs = [], []
    distinct, inverse = np.unique(keys[wanted], axis=0, return_inverse=True)
    hub_of[wanted] = inverse.reshape(-1)
    for hub, (category, hours) in enumerate(distinct):
        level = instance.skill_level[category]
        fit = (level != UNFIT) & instance.free[hours] & (instance.remaining > 0)
        vols = np.flatnonzero(fit)
        pairs.append(np.column_stack([np.full(len(vols), hub), vols]))
        penalty = np.where(level[vols] == OTHER, options.substitute_m, 0.0)
        penalty = np.where(level[vols] == UNSKILLED, options.unskilled_m, penalty)
        costs.append(np.rint(penalty * UNITS_PER_M).astype(np.int64))
    finite = instance.distance[np.isfinite(instance.distance)]
    walk = max(float(finite.max(initial=0.0)), instance.outside_m)
    upper = int(np.ceil((walk + options.other_team_m) * UNITS_PER_M))
    hub_vol = np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.intp)
    hub_cost = np.concatenate(costs) if costs else np.zeros(0, dtype=np.int64)
    return hub_of, hub_vol.astype(np.intp), hub_cost, upper


def _place_hub_cases(
    instance: Instance,
    options: MatchOptions,
    assigned: IntArray,
    hubbed: IntArray,
    hub_of: IntArray,
    hub_vol: IntArray,
    taken: NDArray[np.int64],
) -> None:
    """Give each case that went through a hub one of the places the hub's flow reached.

    Any pairing of a hub's cases with its places is as good to the flow (the hub's arcs
    do not depend on the case); each case in turn takes its cheapest real edge.
    """
    for hub in np.unique(hub_of[hubbed]):
        mine = hubbed[hub_of[hubbed] == hub]
        rows = np.flatnonzero((hub_vol[:, 0] == hub) & (taken > 0))
        places = np.repeat(hub_vol[rows, 1], taken[rows])
        cost, _ = cost_rows(instance, options, mine.astype(np.int64))
        free = np.ones(len(places), dtype=bool)
        for i, case in enumerate(mine):
            pick = int(np.flatnonzero(free)[np.argmin(cost[i, places[free]])])
            assigned[case] = places[pick]
            free[pick] = False
